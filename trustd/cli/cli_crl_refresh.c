/*
 * cli_crl_refresh: trustd crl refresh. For every CA that a revocation
 * policy in force needs a CRL for (applications with if-present or
 * required, or the one named), the CRL is fetched from the CA's
 * distribution points (crl_fetch.c), checked as crl import checks it (the
 * same parser and store_crl_add), and put in place of an older one. Each CA
 * is its own transaction: a failure leaves that CA's CRLs as they were and
 * the others go on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/cli/cli_validate.h"
#include "trustd/cli/crl_fetch.h"
#include "trustd/store/trustpolicy.h"

#define REFRESH_TIMEOUT_MAX 3600L

/* A CA to refresh, and the first application that needs it. */
struct target {
    struct store_cert ca;
    char app[128];
};

/* The CRL number, or -1 when the CRL has none (or one too large to compare). */
static long long crl_number(X509_CRL *crl)
{
    ASN1_INTEGER *n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
    int64_t v = -1;
    if (n == NULL || ASN1_INTEGER_get_int64(&v, n) != 1)
        v = -1;
    ASN1_INTEGER_free(n);
    ERR_clear_error();
    return (long long)v;
}

/* Fetches one URL and returns the CRL in it when it is one CRL, issued and
 * signed by ca. */
static X509_CRL *fetch_one(const char *url, X509 *ca, const struct crl_fetch_opts *o, struct err *e)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (crl_fetch(url, o, &data, &len, e) != 0)
        return NULL;
    STACK_OF(X509_CRL) *crls = NULL;
    int rc = cli_parse_crls(data, len, url, &crls, e);
    free(data);
    if (rc != 0)
        return NULL;
    X509_CRL *crl = NULL;
    if (sk_X509_CRL_num(crls) != 1) {
        err_set(e, ERR_VERIFY, "%s: %d CRLs where one was expected", url, sk_X509_CRL_num(crls));
    } else {
        crl = sk_X509_CRL_value(crls, 0);
        EVP_PKEY *key = X509_get0_pubkey(ca);
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0 || key == NULL ||
            X509_CRL_verify(crl, key) != 1) {
            char issuer[512];
            certinfo_name(X509_CRL_get_issuer(crl), issuer, sizeof issuer);
            err_set(e, ERR_VERIFY, "%s: the CRL there (from %s) is not signed by this CA", url, issuer);
            crl = NULL;
        } else {
            (void)sk_X509_CRL_shift(crls); /* crl is ours now */
        }
    }
    ERR_clear_error();
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    return crl;
}

struct replace {
    const struct target *t;
    X509_CRL *crl;
    const char *url;
    char line[1400];
    int stale;
    struct err *e;
};

/* In one transaction: the fetched CRL replaces the CA's older ones, or is
 * left out when it is not newer. */
static int run_replace(struct cli *c, void *arg)
{
    struct replace *r = arg;
    const struct store_cert *ca = &r->t->ca;
    struct store_crl *crls = NULL;
    size_t n = 0;
    char t1[64], t2[64];
    if (cli_collect_crls(c->s, &crls, &n, r->e) != 0)
        return -1;
    int64_t this_update = 0;
    certinfo_time(X509_CRL_get0_lastUpdate(r->crl), &this_update);
    long long number = crl_number(r->crl);
    const struct store_crl *old = cli_newest_crl(crls, n, ca->id);
    if (old != NULL) {
        X509_CRL *x = store_crl_x509(c->s, old->id, r->e);
        if (x == NULL) {
            free(crls);
            return -1;
        }
        long long old_number = crl_number(x);
        X509_CRL_free(x);
        int newer = number >= 0 && old_number >= 0 ? number > old_number : this_update > old->this_update;
        if (!newer) {
            certinfo_format_time(this_update, t1, sizeof t1);
            certinfo_format_time(old->this_update, t2, sizeof t2);
            char nums[80] = "";
            if (number >= 0 && old_number >= 0)
                snprintf(nums, sizeof nums, ", number %lld against %lld", number, old_number);
            snprintf(r->line, sizeof r->line,
                     "the CRL at %s (this update %s%s) is not newer than the one in the store (%s, this update %s); left as it is",
                     cli_vis(r->url), t1, nums, cli_fp(old->sha256), t2);
            cli_change(c, CHANGE_UNCHANGED, "crl", old->sha256, ca->subject, NULL);
            free(crls);
            return 0;
        }
    }
    struct store_crl row;
    int added = 0;
    if (store_crl_add(c->s, r->crl, &added, &row, r->e) != 0) {
        free(crls);
        return err_prefix(r->e, "%s", r->url);
    }
    cli_change(c, added ? CHANGE_ADDED : CHANGE_UNCHANGED, "crl", row.sha256, row.issuer, NULL);
    /* The older CRLs of this CA go (each removal audited, as crl remove). */
    int removed = 0;
    char replaced[65] = "";
    for (size_t i = 0; i < n; i++) {
        if (crls[i].issuer_id != ca->id || strcmp(crls[i].sha256, row.sha256) == 0)
            continue;
        if (store_crl_remove(c->s, crls[i].id, r->e) != 0) {
            free(crls);
            return -1;
        }
        cli_change(c, CHANGE_REMOVED, "crl", crls[i].sha256, crls[i].issuer, NULL);
        if (removed++ == 0)
            snprintf(replaced, sizeof replaced, "%s", crls[i].sha256);
    }
    free(crls);
    if (row.next_update)
        certinfo_format_time(row.next_update, t1, sizeof t1);
    else
        snprintf(t1, sizeof t1, "(none)");
    r->stale = row.next_update != 0 && row.next_update < (int64_t)time(NULL);
    char what[120] = " (there was none)";
    if (removed == 1)
        snprintf(what, sizeof what, " (replaces %s)", cli_fp(replaced));
    else if (removed > 1)
        snprintf(what, sizeof what, " (replaces %d older CRLs)", removed);
    snprintf(r->line, sizeof r->line, "CRL %s from %s, %d revoked, next update %s%s%s", cli_fp(row.sha256),
             cli_vis(r->url), row.entries, t1, what,
             r->stale ? "; it is already past its next update: the CA publishes a stale CRL" : "");
    return 0;
}

/* One CA's line; its item names the CA, the line's text is its detail. */
static void say(struct cli *c, const char *what, const struct target *t, const char *text)
{
    printf("%-9s %s  %s: %s\n", what, cli_fp(t->ca.sha256), cli_vis(t->ca.label), cli_vis(text));
    cli_item(c, &(struct cli_item){ .object = "certificate", .result = what, .sha256 = t->ca.sha256,
                                    .label = t->ca.label, .subject = t->ca.subject,
                                    .application = t->app, .detail = text });
}

/* Returns 0 when the CA's CRL is current in the store (updated or unchanged), -1 when not. */
static int refresh_one(struct cli *c, const struct target *t, const struct crl_fetch_opts *o)
{
    struct err e;
    err_clear(&e);
    X509 *ca = store_cert_x509(c->s, t->ca.id, &e);
    if (ca == NULL) {
        say(c, "failed", t, e.msg);
        return -1;
    }
    char *uris[CRL_FETCH_MAX_URIS];
    int nuris = crl_fetch_uris(ca, uris, CRL_FETCH_MAX_URIS);
    if (nuris == 0) {
        X509_free(ca);
        char text[400];
        snprintf(text, sizeof text,
                 "no http or https CRL distribution point in the CA (needed by %s): import its CRL with trustd crl import FILE",
                 cli_vis(t->app));
        say(c, "skipped", t, text);
        return 0;
    }
    /* The distribution points in order; the first that gives this CA's CRL counts. */
    char why[ERR_MSG_MAX * 2] = "";
    X509_CRL *crl = NULL;
    int k = 0;
    for (; k < nuris && crl == NULL; k++) {
        err_clear(&e);
        crl = fetch_one(uris[k], ca, o, &e);
        if (crl == NULL) {
            size_t used = strlen(why);
            snprintf(why + used, sizeof why - used, "%s%s", used ? "; " : "", e.msg);
        }
    }
    X509_free(ca);
    int rc = 0;
    if (crl == NULL) {
        char text[sizeof why + 64];
        snprintf(text, sizeof text, "%s; the store is left as it was", why);
        say(c, "failed", t, text);
        rc = -1;
    } else {
        struct replace r = { .t = t, .crl = crl, .url = uris[k - 1], .e = &e };
        err_clear(&e);
        if (cli_transaction(c, run_replace, &r, &e) != 0) {
            char text[ERR_MSG_MAX + 64];
            snprintf(text, sizeof text, "%s; the store is left as it was", e.msg);
            say(c, "failed", t, text);
            rc = -1;
        } else if (strncmp(r.line, "CRL ", 4) == 0) {
            say(c, "updated", t, r.line);
            rc = r.stale ? -1 : 0;
        } else {
            say(c, "unchanged", t, r.line);
        }
        X509_CRL_free(crl);
    }
    for (int i = 0; i < nuris; i++)
        free(uris[i]);
    return rc;
}

int cmd_crl_refresh(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const char *app_id = NULL, *timeout = NULL, *ca_file = NULL;
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app_id },
        { "--timeout", OPT_VALUE, NULL, &timeout },
        { "--ca-file", OPT_VALUE, NULL, &ca_file },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 0)
        return err_set(e, ERR_USAGE, "usage: crl refresh [--app ID] [--timeout SECS] [--ca-file FILE]");
    struct crl_fetch_opts o = { .timeout = CRL_FETCH_TIMEOUT, .max_size = CRL_FETCH_MAX_SIZE,
                                .ca_file = ca_file };
    if (timeout != NULL && cli_seconds("--timeout", timeout, REFRESH_TIMEOUT_MAX, &o.timeout, e) != 0)
        return -1;
    if (ca_file != NULL && access(ca_file, R_OK) != 0)
        return err_set(e, ERR_LOCAL, "cannot read %s: %s", ca_file, strerror(errno));

    struct store_app *apps = NULL;
    size_t napps = 0;
    if (cli_open(c, e) != 0 || cli_collect_apps(c->s, app_id, &apps, &napps, e) != 0)
        return -1;
    /* The CAs the policies in force need a CRL for, each once. */
    struct target *targets = NULL;
    size_t ntargets = 0, cap = 0, policed = 0;
    int rc = 0;
    for (size_t i = 0; i < napps && rc == 0; i++) {
        if (trustpolicy_parse(apps[i].crl_policy) == TRUST_CRL_NONE)
            continue;
        policed++;
        struct store_cert *eff = NULL;
        size_t neff = 0;
        if (cli_collect_effective(c->s, apps[i].id, &eff, &neff, e) != 0) {
            rc = -1;
            break;
        }
        for (size_t j = 0; j < neff && rc == 0; j++) {
            size_t k = 0;
            while (k < ntargets && targets[k].ca.id != eff[j].id)
                k++;
            if (!eff[j].is_ca || k < ntargets)
                continue;
            if (ntargets == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                struct target *p = realloc(targets, ncap * sizeof *p);
                if (p == NULL) {
                    rc = err_set(e, ERR_INTERNAL, "out of memory");
                    break;
                }
                targets = p;
                cap = ncap;
            }
            targets[ntargets].ca = eff[j];
            snprintf(targets[ntargets].app, sizeof targets[ntargets].app, "%s", apps[i].id);
            ntargets++;
        }
        free(eff);
    }
    if (rc == 0 && policed == 0)
        printf(app_id ? "%s has CRL policy none: no CRL to refresh\n"
                      : "no application has a CRL policy (if-present or required): no CRL to refresh\n",
               app_id ? cli_vis(app_id) : "");
    else if (rc == 0 && ntargets == 0)
        printf("the applications with a CRL policy trust no CA: no CRL to refresh\n");
    free(apps);
    int failed = 0;
    if (rc == 0 && ntargets > 0) {
        rc = crl_fetch_init(e);
        for (size_t i = 0; i < ntargets && rc == 0; i++)
            failed += refresh_one(c, &targets[i], &o) != 0;
        crl_fetch_cleanup();
    }
    free(targets);
    if (rc != 0)
        return -1;
    if (failed)
        return err_set(e, ERR_CONNECT, "crl refresh: %d of %zu CA%s without a current CRL from their distribution points",
                       failed, ntargets, ntargets == 1 ? "" : "s");
    return 0;
}
