/*
 * cli_validate: trustd validate, DCM's Validate for every application (or
 * one): a trust list that trusts something, CAs enabled and in date and not
 * ending within N days, and the CRLs the revocation policy needs present
 * and current. Read-only; made for monitoring (exit 4 when problems are
 * found, one line each, or a JSON object).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/certinfo.h"
#include "common/json.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/cli/cli_validate.h"
#include "trustd/store/identity.h"
#include "trustd/store/keyfile.h"
#include "trustd/store/trustpolicy.h"

#define VALIDATE_DAYS_DEFAULT 30
#define VALIDATE_DAYS_MAX 36500

/* A growing array of fixed-size items. */
struct grow {
    void *items;
    size_t n, cap, size;
};

static void *grow_add(struct grow *g)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        void *p = realloc(g->items, cap * g->size);
        if (p == NULL)
            return NULL;
        g->items = p;
        g->cap = cap;
    }
    return (char *)g->items + g->size * g->n++;
}

struct collect {
    struct grow g;
};

static int add_app(const struct store_app *a, void *arg, struct err *e)
{
    struct collect *c = arg;
    struct store_app *p = grow_add(&c->g);
    if (p == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    *p = *a;
    return 0;
}

static int add_cert(const struct store_cert *x, void *arg, struct err *e)
{
    struct collect *c = arg;
    struct store_cert *p = grow_add(&c->g);
    if (p == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    *p = *x;
    return 0;
}

static int add_crl(const struct store_crl *x, void *arg, struct err *e)
{
    struct collect *c = arg;
    struct store_crl *p = grow_add(&c->g);
    if (p == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    *p = *x;
    return 0;
}

static int collected(struct collect *c, int rc, void **out, size_t *n)
{
    if (rc != 0) {
        free(c->g.items);
        return -1;
    }
    *out = c->g.items;
    *n = c->g.n;
    return 0;
}

int cli_collect_apps(struct store *s, const char *app_id, struct store_app **out, size_t *n,
                     struct err *e)
{
    struct collect c = { .g = { .size = sizeof **out } };
    int rc;
    if (app_id != NULL) {
        struct store_app a;
        rc = store_app_get(s, app_id, &a, e);
        if (rc == 0)
            rc = add_app(&a, &c, e);
    } else {
        rc = store_app_list(s, add_app, &c, e);
    }
    return collected(&c, rc, (void **)out, n);
}

int cli_collect_effective(struct store *s, const char *app_id, struct store_cert **out,
                          size_t *n, struct err *e)
{
    struct collect c = { .g = { .size = sizeof **out } };
    int rc = store_app_effective(s, app_id, add_cert, &c, e);
    return collected(&c, rc, (void **)out, n);
}

static int collect_members(struct store *s, const char *app_id, struct store_cert **out,
                           size_t *n, struct err *e)
{
    struct collect c = { .g = { .size = sizeof **out } };
    int rc = store_app_list_members(s, app_id, add_cert, &c, e);
    return collected(&c, rc, (void **)out, n);
}

int cli_collect_crls(struct store *s, struct store_crl **out, size_t *n, struct err *e)
{
    struct collect c = { .g = { .size = sizeof **out } };
    int rc = store_crl_list(s, add_crl, &c, e);
    return collected(&c, rc, (void **)out, n);
}

const struct store_crl *cli_newest_crl(const struct store_crl *crls, size_t n, int64_t issuer_id)
{
    const struct store_crl *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (crls[i].issuer_id == issuer_id && (best == NULL || crls[i].this_update > best->this_update))
            best = &crls[i];
    return best;
}

/* One problem found: which application, which CA (when one), a stable
 * code for scripts, what is wrong and what to do next. */
struct problem {
    char app[128];
    const char *code;
    int has_ca;
    int has_client;  /* label and sha256 are a client certificate's */
    char label[256];
    char sha256[65];
    char message[640];
    char action[640];
};

struct validate {
    struct store *s;
    int64_t now, horizon;
    long days;
    int json, quiet;
    struct store_crl *crls;
    size_t ncrls;
    struct grow problems;
    int oom;
};

/* What a problem is about: the application alone, one of its CAs or one
 * of its client certificates. */
enum problem_about { ABOUT_APP, ABOUT_CA, ABOUT_CLIENT };

static void problem_record(struct validate *v, const struct store_app *a, enum problem_about about,
                           const char *label, const char *sha256, const char *code,
                           const char *action, const char *message)
{
    struct problem *p = grow_add(&v->problems);
    if (p == NULL) {
        v->oom = 1;
        return;
    }
    memset(p, 0, sizeof *p);
    snprintf(p->app, sizeof p->app, "%s", a->id);
    p->code = code;
    p->has_ca = about == ABOUT_CA;
    p->has_client = about == ABOUT_CLIENT;
    if (about != ABOUT_APP) {
        snprintf(p->label, sizeof p->label, "%s", label);
        snprintf(p->sha256, sizeof p->sha256, "%s", sha256);
    }
    snprintf(p->message, sizeof p->message, "%s", message);
    snprintf(p->action, sizeof p->action, "%s", action);
    if (v->json)
        return;
    /* APP: CODE: CA "LABEL" (SHA-256): what is wrong; next: what to do */
    printf("%s: %s: ", cli_vis(p->app), p->code);
    if (about != ABOUT_APP)
        printf("%s \"%s\" (%s): ", p->has_ca ? "CA" : "client certificate", cli_vis(p->label),
               cli_fp(p->sha256));
    printf("%s; next: %s\n", cli_vis(p->message), cli_vis(p->action));
}

static void problem(struct validate *v, const struct store_app *a, const struct store_cert *ca,
                    const char *code, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void problem(struct validate *v, const struct store_app *a, const struct store_cert *ca,
                    const char *code, const char *action, const char *fmt, ...)
{
    char message[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    problem_record(v, a, ca ? ABOUT_CA : ABOUT_APP, ca ? ca->label : "", ca ? ca->sha256 : "", code,
                   action, message);
}

static const char *when(int64_t t, char *buf, size_t len)
{
    certinfo_format_time(t, buf, len);
    return buf;
}

/* The application's client certificates, and their keys where this user
 * may read the key file (one closed to the user is not the store's
 * problem: it is what the file's permissions are for). */
struct client_check {
    struct validate *v;
    const struct store_app *a;
    struct keyfile kf;
    int keys_read;      /* kf holds the file's keys */
    const char *missing; /* the key file's path when it is missing */
};

static void client_problem(struct client_check *k, const struct store_client_cert *cc,
                           const char *code, const char *action, const char *message)
{
    problem_record(k->v, k->a, ABOUT_CLIENT, cc->label, cc->sha256, code, action, message);
}

static int check_client(const struct store_client_cert *cc, void *arg, struct err *e)
{
    struct client_check *k = arg;
    struct validate *v = k->v;
    char t[64], act[640], msg[640];
    snprintf(act, sizeof act, "assign a renewed certificate (trustd app cert assign %s FILE) and "
             "remove this one (trustd app cert remove %s %s)", k->a->id, k->a->id, cc->sha256);
    if (cc->not_after < v->now) {
        snprintf(msg, sizeof msg, "expired on %s", when(cc->not_after, t, sizeof t));
        client_problem(k, cc, "client-cert-expired", act, msg);
    } else if (cc->not_before > v->now) {
        snprintf(msg, sizeof msg, "is not valid before %s; servers refuse it until then",
                 when(cc->not_before, t, sizeof t));
        client_problem(k, cc, "client-cert-not-yet-valid", "check the system clock, or wait", msg);
    } else if (cc->not_after < v->horizon) {
        snprintf(msg, sizeof msg, "expires on %s, within %ld days", when(cc->not_after, t, sizeof t),
                 v->days);
        client_problem(k, cc, "client-cert-expiring", act, msg);
    }
    if (k->missing != NULL) {
        snprintf(act, sizeof act, "assign it again with its key (trustd app cert assign %s FILE), "
                 "or restore the store's backup", k->a->id);
        snprintf(msg, sizeof msg, "its key file %s is missing", k->missing);
        client_problem(k, cc, "client-key-missing", act, msg);
        return 0;
    }
    if (!k->keys_read)
        return 0;
    EVP_PKEY *key = keyfile_find(&k->kf, cc->key_sha256);
    if (key == NULL) {
        snprintf(act, sizeof act, "assign it again with its key (trustd app cert assign %s FILE)",
                 k->a->id);
        client_problem(k, cc, "client-key-missing", act,
                       "its private key is not in the application's key file");
        return 0;
    }
    X509 *cert = NULL;
    STACK_OF(X509) *chain = NULL;
    if (store_client_cert_load(v->s, cc->id, &cert, &chain, e) != 0)
        return -1;
    struct err why;
    err_clear(&why);
    /* Dates were judged above, with the horizon. */
    int64_t at = cc->not_after < v->now ? cc->not_after : v->now;
    if (at < cc->not_before)
        at = cc->not_before;
    if (identity_check(cert, key, "the certificate", at, &why) != 0)
        client_problem(k, cc, "client-cert-unusable", act, why.msg);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    return 0;
}

static int validate_client_certs(struct validate *v, const struct store_app *a, struct err *e)
{
    struct client_check k = { .v = v, .a = a };
    struct err kerr;
    err_clear(&kerr);
    struct keyfile_info ki;
    keyfile_info(store_path(v->s), a->id, &ki);
    if (!ki.exists) {
        k.missing = ki.path;
    } else if (!ki.regular) {
        problem(v, a, NULL, "client-key-file", "move it away and assign the application's "
                "certificates again", "its key file %s is not a plain file (a symbolic link?)", ki.path);
    } else {
        if (keyfile_read(store_path(v->s), a->id, &k.kf, &kerr) == 0)
            k.keys_read = 1;
        else if (access(ki.path, R_OK) == 0)
            problem(v, a, NULL, "client-key-file", "assign the application's certificates again, "
                    "or restore the store's backup", "%s", kerr.msg);
        if (ki.mode & 0007) {
            char act[640];
            snprintf(act, sizeof act, "trustd app cert group %s GROUP (or none)", a->id);
            problem(v, a, NULL, "client-key-exposed", act,
                    "its key file %s is mode %04o: every user may read its private keys", ki.path,
                    ki.mode);
        }
    }
    int rc = store_client_cert_list(v->s, a->id, check_client, &k, e);
    keyfile_clear(&k.kf);
    return rc;
}

/* Checks one application; returns its number of problems, -1 on error. */
static int validate_app(struct validate *v, const struct store_app *a, int *ntrusted, struct err *e)
{
    size_t before = v->problems.n;
    char t[64], act[640];
    struct store_cert *eff = NULL, *members = NULL;
    size_t neff = 0, nmembers = 0;
    if (cli_collect_effective(v->s, a->id, &eff, &neff, e) != 0)
        return -1;
    if (a->trust_list_defined && collect_members(v->s, a->id, &members, &nmembers, e) != 0) {
        free(eff);
        return -1;
    }
    *ntrusted = (int)neff;
    int policy = trustpolicy_parse(a->crl_policy);

    for (size_t i = 0; i < nmembers; i++) {
        if (members[i].enabled)
            continue;
        snprintf(act, sizeof act, "enable it (trustd enable %s) or take it off the list (trustd app untrust %s %s)",
                 members[i].sha256, a->id, members[i].sha256);
        problem(v, a, &members[i], "ca-disabled", act, "is on the trust list but disabled, so it is not used");
    }
    if (neff == 0) {
        if (a->trust_list_defined) {
            snprintf(act, sizeof act, "put an enabled CA on it (trustd app trust %s CERT)", a->id);
            problem(v, a, NULL, "no-trusted-ca", act,
                    nmembers == 0 ? "its trust list is empty, so it trusts nothing"
                                  : "its trust list has no enabled CA, so it trusts nothing");
        } else {
            problem(v, a, NULL, "no-trusted-ca",
                    "import a CA (trustd import FILE) or enable one (trustd enable CERT)",
                    "it has no trust list and the store has no enabled CA, so it trusts nothing");
        }
    }
    for (size_t i = 0; i < neff; i++) {
        const struct store_cert *ca = &eff[i];
        if (ca->not_after < v->now) {
            if (a->trust_list_defined)
                snprintf(act, sizeof act,
                         "import and trust its successor, and take it off (trustd app untrust %s %s, or trustd disable %s)",
                         a->id, ca->sha256, ca->sha256);
            else
                snprintf(act, sizeof act, "import its successor (trustd import FILE) and disable it (trustd disable %s)",
                         ca->sha256);
            problem(v, a, ca, "ca-expired", act, "expired on %s", when(ca->not_after, t, sizeof t));
        } else if (ca->not_before > v->now) {
            problem(v, a, ca, "ca-not-yet-valid",
                    "check the system clock, or wait; chains through it fail until then",
                    "is not valid before %s", when(ca->not_before, t, sizeof t));
        } else if (ca->not_after < v->horizon) {
            /* Without a list an import is trusted at once; "app trust"
             * would define a list of one and narrow the trust. */
            if (a->trust_list_defined)
                snprintf(act, sizeof act,
                         "get its successor from its publisher, then trustd import FILE and trustd app trust %s CERT",
                         a->id);
            else
                snprintf(act, sizeof act, "get its successor from its publisher, then trustd import FILE");
            problem(v, a, ca, "ca-expiring", act, "expires on %s, within %ld days",
                    when(ca->not_after, t, sizeof t), v->days);
        }
        if (policy == TRUST_CRL_NONE || !ca->is_ca)
            continue;
        const struct store_crl *crl = cli_newest_crl(v->crls, v->ncrls, ca->id);
        if (crl == NULL && policy == TRUST_CRL_REQUIRED) {
            snprintf(act, sizeof act, "trustd crl refresh --app %s, or trustd crl import FILE", a->id);
            problem(v, a, ca, "crl-missing", act,
                    "has no CRL in the store, and the policy required needs one (every chain through it fails)");
        } else if (crl != NULL && crl->next_update != 0 && crl->next_update < v->now) {
            snprintf(act, sizeof act, "trustd crl refresh --app %s, or trustd crl import FILE with a current CRL", a->id);
            problem(v, a, ca, "crl-stale", act, "its newest CRL (%s) was due for renewal on %s (policy %s)",
                    cli_fp(crl->sha256), when(crl->next_update, t, sizeof t), a->crl_policy);
        }
    }
    free(eff);
    free(members);
    if (validate_client_certs(v, a, e) != 0)
        return -1;
    if (v->oom)
        return err_set(e, ERR_INTERNAL, "out of memory");
    return (int)(v->problems.n - before);
}

static void json_problem(struct jw *j, const struct problem *p)
{
    jw_begin_object(j);
    jw_kv_string(j, "application", p->app);
    jw_kv_string(j, "code", p->code);
    jw_key(j, "ca");
    if (p->has_ca) {
        jw_begin_object(j);
        jw_kv_string(j, "label", p->label);
        jw_kv_string(j, "sha256", p->sha256);
        jw_end_object(j);
    } else {
        jw_null(j);
    }
    if (p->has_client) {
        jw_key(j, "client_certificate");
        jw_begin_object(j);
        jw_kv_string(j, "label", p->label);
        jw_kv_string(j, "sha256", p->sha256);
        jw_end_object(j);
    }
    jw_kv_string(j, "message", p->message);
    jw_kv_string(j, "action", p->action);
    jw_end_object(j);
}

int cmd_validate(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const char *app_id = NULL, *days = NULL;
    struct validate v = { .problems = { .size = sizeof(struct problem) } };
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app_id },
        { "--days", OPT_VALUE, NULL, &days },
        { "--quiet", OPT_FLAG, &v.quiet, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: validate [--app ID] [--days N] [--json] [--quiet]");
    v.json = c->json;
    v.days = VALIDATE_DAYS_DEFAULT;
    if (days != NULL) {
        char *end = NULL;
        errno = 0;
        v.days = strtol(days, &end, 10);
        if (end == days || *end != '\0' || errno != 0 || v.days < 0 || v.days > VALIDATE_DAYS_MAX)
            return err_set(e, ERR_USAGE, "--days takes a number of days from 0 to %d, not '%s'",
                           VALIDATE_DAYS_MAX, days);
    }
    v.now = (int64_t)time(NULL);
    v.horizon = v.now + (int64_t)v.days * 86400;
    if (cli_open(c, e) != 0)
        return -1;
    v.s = c->s;

    struct store_app *apps = NULL;
    size_t napps = 0;
    if (cli_collect_apps(c->s, app_id, &apps, &napps, e) != 0)
        return -1;
    if (cli_collect_crls(c->s, &v.crls, &v.ncrls, e) != 0) {
        free(apps);
        return -1;
    }
    int *counts = calloc(napps ? napps : 1, 2 * sizeof *counts);
    int rc = counts ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
    int bad_apps = 0;
    for (size_t i = 0; i < napps && rc == 0; i++) {
        int n = validate_app(&v, &apps[i], &counts[2 * i + 1], e);
        if (n < 0) {
            rc = -1;
            break;
        }
        counts[2 * i] = n;
        bad_apps += n > 0;
        if (n == 0 && !v.json && !v.quiet)
            printf("%s: ok (%d trusted CA%s, CRL policy %s)\n", cli_vis(apps[i].id), counts[2 * i + 1],
                   counts[2 * i + 1] == 1 ? "" : "s", apps[i].crl_policy);
    }
    if (rc == 0 && v.json) {
        char t[40];
        struct jw j;
        jw_init(&j, stdout);
        jw_begin_object(&j);
        certinfo_format_iso(v.now, t, sizeof t);
        jw_kv_string(&j, "checked_at", t);
        jw_kv_int(&j, "days", v.days);
        jw_kv_bool(&j, "ok", v.problems.n == 0);
        jw_key(&j, "applications");
        jw_begin_array(&j);
        for (size_t i = 0; i < napps; i++) {
            jw_begin_object(&j);
            jw_kv_string(&j, "id", apps[i].id);
            jw_kv_string(&j, "crl_policy", apps[i].crl_policy);
            jw_kv_bool(&j, "trust_list_defined", apps[i].trust_list_defined);
            jw_kv_int(&j, "trusted_cas", counts[2 * i + 1]);
            jw_kv_bool(&j, "ok", counts[2 * i] == 0);
            jw_kv_int(&j, "problems", counts[2 * i]);
            jw_end_object(&j);
        }
        jw_end_array(&j);
        jw_key(&j, "problems");
        jw_begin_array(&j);
        for (size_t i = 0; i < v.problems.n; i++)
            json_problem(&j, (struct problem *)v.problems.items + i);
        jw_end_array(&j);
        jw_end_object(&j);
        cli_json_finish(c, &j);
    }
    size_t nproblems = v.problems.n;
    free(counts);
    free(apps);
    free(v.crls);
    free(v.problems.items);
    if (rc != 0)
        return -1;
    if (nproblems > 0)
        return err_set(e, ERR_VERIFY, "validate: %zu problem%s in %d of %zu application%s", nproblems,
                       nproblems == 1 ? "" : "s", bad_apps, napps, napps == 1 ? "" : "s");
    return 0;
}
