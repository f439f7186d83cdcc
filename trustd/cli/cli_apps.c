/* cli_apps: application definitions and their CA trust lists. */
#include <string.h>

#include "common/certinfo.h"
#include "common/json.h"
#include "common/tls.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/store/keyfile.h"

static int positional(struct cli *c, const struct opt *opts, char **pos, int *npos, int min,
                      int max, const char *usage, struct err *e)
{
    if (options_parse(c->argc, c->argv, opts, pos, npos, e) != 0)
        return -1;
    if (*npos < min || (max >= 0 && *npos > max))
        return err_set(e, ERR_USAGE, "usage: %s", usage);
    return 0;
}

struct app_edit {
    char **pos;
    int npos;
    const char *description, *type, *crl;
    struct err *e;
};

static int run_add(struct cli *c, void *arg)
{
    struct app_edit *a = arg;
    if (store_app_add(c->s, a->pos[0], a->description, a->type ? a->type : "client", a->e) != 0)
        return -1;
    cli_change(c, CHANGE_ADDED, "application", NULL, NULL, a->pos[0]);
    printf("added application %s\n", cli_vis(a->pos[0]));
    return cli_item_app(c, "added", a->pos[0], a->e);
}

int cmd_app_add(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    struct app_edit a = { .pos = pos, .e = e };
    const struct opt opts[] = {
        { "--description", OPT_VALUE, NULL, &a.description },
        { "--type", OPT_VALUE, NULL, &a.type },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (positional(c, opts, pos, &a.npos, 1, 1, "app add ID [--description T] [--type client|server]", e) != 0)
        return -1;
    return cli_transaction(c, run_add, &a, e);
}

static int run_remove(struct cli *c, void *arg)
{
    struct app_edit *a = arg;
    if (store_app_remove(c->s, a->pos[0], a->e) != 0)
        return -1;
    cli_change(c, CHANGE_REMOVED, "application", NULL, NULL, a->pos[0]);
    printf("removed application %s\n", cli_vis(a->pos[0]));
    cli_item(c, &(struct cli_item){ .object = "application", .result = "removed",
                                    .application = a->pos[0] });
    return 0;
}

int cmd_app_remove(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    struct app_edit a = { .pos = pos, .e = e };
    if (positional(c, NULL, pos, &a.npos, 1, 1, "app remove ID", e) != 0)
        return -1;
    if (cli_transaction(c, run_remove, &a, e) != 0)
        return -1;
    /* Its client certificates went with it: their keys go now. */
    struct err kerr;
    err_clear(&kerr);
    if (keyfile_write(c->path, pos[0], NULL, 0, KEYFILE_KEEP, &kerr) != 0)
        cli_warn("%s: the removed application's keys are still there", kerr.msg);
    return 0;
}

struct app_print {
    int json;
    struct jw jw;
    struct cli *c;
    struct err *e;
};

static int count_cert(const struct store_cert *sc, void *arg, struct err *e)
{
    (void)sc;
    (void)e;
    (*(int *)arg)++;
    return 0;
}

void cli_app_json_fields(struct jw *j, const struct store_app *a)
{
    jw_kv_string(j, "id", a->id);
    jw_kv_string(j, "description", a->description);
    jw_kv_string(j, "type", a->type);
    jw_kv_bool(j, "trust_list_defined", a->trust_list_defined);
    jw_kv_string(j, "crl_policy", a->crl_policy);
    const struct store_tls_policy *p = &a->tls;
    const char *texts[][2] = { { "tls_min", p->tls_min }, { "tls_max", p->tls_max },
                               { "ciphers", p->ciphers }, { "ciphersuites", p->ciphersuites } };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (texts[i][1][0] != '\0')
            jw_kv_string(j, texts[i][0], texts[i][1]);
        else {
            jw_key(j, texts[i][0]);
            jw_null(j);
        }
    }
    jw_kv_bool(j, "sni", p->sni);
}

static int print_app_row(const struct store_app *a, void *arg, struct err *e)
{
    struct app_print *p = arg;
    int trusted = 0;
    if (store_app_effective(p->c->s, a->id, count_cert, &trusted, e) != 0)
        return -1;
    if (p->json) {
        jw_begin_object(&p->jw);
        cli_app_json_fields(&p->jw, a);
        jw_kv_int(&p->jw, "trusted_count", trusted);
        jw_end_object(&p->jw);
        return 0;
    }
    printf("%-24s %-6s %-9s %3d CA%s  %s\n", cli_vis(a->id), a->type,
           a->trust_list_defined ? "list" : "all CAs", trusted, trusted == 1 ? " " : "s",
           cli_vis(a->description));
    return 0;
}

int cmd_app_list(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    struct app_print p = { .json = c->json, .c = c, .e = e };
    if (positional(c, NULL, pos, &npos, 0, 0, "app list [--json]", e) != 0 || cli_open(c, e) != 0)
        return -1;
    if (p.json) {
        jw_init(&p.jw, stdout);
        jw_begin_array(&p.jw);
    }
    if (store_app_list(c->s, print_app_row, &p, e) != 0)
        return -1;
    if (p.json) {
        jw_end_array(&p.jw);
        cli_json_finish(c, &p.jw);
    }
    return 0;
}

struct member_print {
    int json;
    struct jw *jw;
    int count;
};

static int print_member(const struct store_cert *sc, void *arg, struct err *e)
{
    (void)e;
    struct member_print *m = arg;
    m->count++;
    if (m->json) {
        char t[40];
        jw_begin_object(m->jw);
        jw_kv_string(m->jw, "sha256", sc->sha256);
        jw_kv_string(m->jw, "label", sc->label);
        jw_kv_string(m->jw, "subject", sc->subject);
        certinfo_format_iso(sc->not_after, t, sizeof t);
        jw_kv_string(m->jw, "not_after", t);
        jw_kv_bool(m->jw, "enabled", sc->enabled);
        jw_end_object(m->jw);
        return 0;
    }
    printf("  %s  %s  %s  not after ", cli_fp(sc->sha256), cli_vis(sc->label), cli_vis(sc->subject));
    cli_print_time(stdout, sc->not_after);
    printf("%s\n", sc->enabled ? "" : "  (disabled: not used)");
    return 0;
}

int cmd_app_show(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    int npos = 0, json = c->json;
    if (positional(c, NULL, pos, &npos, 1, 1, "app show ID [--json]", e) != 0 || cli_open(c, e) != 0)
        return -1;
    struct store_app app;
    if (store_app_get(c->s, pos[0], &app, e) != 0)
        return -1;
    struct jw j;
    struct member_print m = { .json = json, .jw = &j };
    /* A defined list shows its members (disabled ones marked); no list shows
     * what it trusts now: every enabled CA. */
    int (*members)(struct store *, const char *, store_cert_cb, void *, struct err *) =
        app.trust_list_defined ? store_app_list_members : store_app_effective;
    if (json) {
        jw_init(&j, stdout);
        jw_begin_object(&j);
        cli_app_json_fields(&j, &app);
        jw_key(&j, "certificates");
        jw_begin_array(&j);
        if (members(c->s, app.id, print_member, &m, e) != 0)
            return -1;
        jw_end_array(&j);
        int trusted = 0;
        if (store_app_effective(c->s, app.id, count_cert, &trusted, e) != 0)
            return -1;
        jw_kv_int(&j, "trusted_count", trusted);
        jw_kv_bool(&j, "trusts_nothing", trusted == 0);
        if (cli_show_client_certs(c, app.id, &j, e) != 0)
            return -1;
        jw_end_object(&j);
        cli_json_finish(c, &j);
        return 0;
    }
    printf("Application:  %s\n", cli_vis(app.id));
    printf("Description:  %s\n", cli_vis(app.description));
    printf("Type:         %s\n", app.type);
    printf("Revocation:   %s\n", app.crl_policy);
    const struct store_tls_policy *p = &app.tls;
    printf("TLS minimum:  %s\n", p->tls_min[0] ? p->tls_min : "default (1.2)");
    printf("TLS maximum:  %s\n", p->tls_max[0] ? p->tls_max : "default (the newest)");
    printf("TLS ciphers:  %s (TLS 1.2)\n", p->ciphers[0] ? cli_vis(p->ciphers) : "default");
    printf("TLS suites:   %s (TLS 1.3)\n", p->ciphersuites[0] ? cli_vis(p->ciphersuites) : "default");
    printf("SNI:          %s\n", p->sni ? "on" : "off");
    if (app.trust_list_defined)
        printf("Trust list:   defined\n");
    else
        printf("Trust list:   not defined (trusts every enabled CA in the store)\n");
    printf("Trusted CAs:\n");
    if (members(c->s, app.id, print_member, &m, e) != 0)
        return -1;
    int trusted = 0;
    if (store_app_effective(c->s, app.id, count_cert, &trusted, e) != 0)
        return -1;
    if (m.count == 0 && app.trust_list_defined)
        printf("  (none: the list is empty, so this application trusts nothing)\n");
    else if (m.count == 0)
        printf("  (none: the store holds no enabled CA)\n");
    else if (trusted == 0)
        printf("  (every certificate on the list is disabled: this application trusts nothing)\n");
    return cli_show_client_certs(c, app.id, NULL, e);
}

struct membership {
    char **pos;
    int npos;
    int add;
    FILE *report;   /* one line per CA, printed only after the commit */
    struct err *e;
};


static int run_membership(struct cli *c, void *arg)
{
    struct membership *m = arg;
    const char *app_id = m->pos[0];
    for (int i = 1; i < m->npos; i++) {
        struct store_cert sc;
        int changed = 0;
        if (store_cert_find(c->s, m->pos[i], &sc, m->e) != 0)
            return -1;
        int rc = m->add ? store_app_trust(c->s, app_id, sc.id, &changed, m->e)
                        : store_app_untrust(c->s, app_id, sc.id, &changed, m->e);
        if (rc != 0)
            return -1;
        cli_change(c, !changed ? CHANGE_UNCHANGED : m->add ? CHANGE_ADDED : CHANGE_REMOVED, "trust",
                   sc.sha256, sc.label, app_id);
        fprintf(m->report, "%s  %s  %s\n",
                m->add ? (changed ? "trusted" : "already trusted")
                       : (changed ? "untrusted" : "not on the list"),
                cli_fp(sc.sha256), cli_vis(sc.subject));
        cli_item(c, &(struct cli_item){
            .object = "trust", .application = app_id, .sha256 = sc.sha256, .label = sc.label,
            .subject = sc.subject,
            .result = m->add ? (changed ? "trusted" : "already_trusted")
                             : (changed ? "untrusted" : "not_on_list") });
    }
    return 0;
}

static int change_membership(struct cli *c, struct membership *m, struct err *e)
{
    struct cli_report rep;
    if (cli_report_open(&rep, e) != 0)
        return -1;
    m->report = rep.f;
    int rc = cli_transaction(c, run_membership, m, e);
    cli_report_close(&rep, rc == 0, e);
    return rc;
}

int cmd_app_trust(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    struct membership m = { .pos = pos, .add = 1, .e = e };
    if (positional(c, NULL, pos, &m.npos, 2, -1, "app trust ID CERT...", e) != 0)
        return -1;
    return change_membership(c, &m, e);
}

int cmd_app_untrust(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    struct membership m = { .pos = pos, .add = 0, .e = e };
    if (positional(c, NULL, pos, &m.npos, 2, -1, "app untrust ID CERT...", e) != 0)
        return -1;
    return change_membership(c, &m, e);
}

static int run_trust_list(struct cli *c, void *arg)
{
    struct app_edit *a = arg;
    int defined = strcmp(a->pos[1], "defined") == 0;
    if (store_app_set_defined(c->s, a->pos[0], defined, a->e) != 0)
        return -1;
    cli_change(c, CHANGE_UPDATED, "application", NULL, NULL, a->pos[0]);
    printf("%s: trust list %s\n", cli_vis(a->pos[0]),
           defined ? "defined (only CAs on it are trusted)" : "undefined (every enabled CA is trusted)");
    return cli_item_app(c, "updated", a->pos[0], a->e);
}

int cmd_app_trust_list(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    struct app_edit a = { .pos = pos, .e = e };
    if (positional(c, NULL, pos, &a.npos, 2, 2, "app trust-list ID defined|undefined", e) != 0)
        return -1;
    if (strcmp(pos[1], "defined") != 0 && strcmp(pos[1], "undefined") != 0)
        return err_set(e, ERR_USAGE, "app trust-list takes defined or undefined, not '%s'", pos[1]);
    return cli_transaction(c, run_trust_list, &a, e);
}

/* What app set was asked: the revocation policy and the TLS settings, each
 * given a value, returned to its default (--unset) or left alone (NULL). */
struct app_settings {
    char **pos;
    int npos;
    const char *crl, *tls_min, *tls_max, *ciphers, *ciphersuites, *sni;
    const char *unset[OPTIONS_MAX_REPEAT];
    int nunset;
    struct err *e;
};

/* The TLS settings by their option names, the text each is given, and
 * where it goes in the policy. */
struct tls_setting {
    const char *name;
    const char **value;
    char *field;
    size_t fieldlen;
};

static int tls_settings(struct app_settings *a, struct store_tls_policy *p, struct tls_setting *out)
{
    const struct tls_setting t[] = {
        { "tls-min", &a->tls_min, p->tls_min, sizeof p->tls_min },
        { "tls-max", &a->tls_max, p->tls_max, sizeof p->tls_max },
        { "ciphers", &a->ciphers, p->ciphers, sizeof p->ciphers },
        { "ciphersuites", &a->ciphersuites, p->ciphersuites, sizeof p->ciphersuites },
        { "sni", &a->sni, NULL, 0 },
    };
    memcpy(out, t, sizeof t);
    return (int)(sizeof t / sizeof t[0]);
}

/* Applies the options to p. --unset of a setting also given a value is a
 * contradiction, refused. */
static int apply_tls(struct app_settings *a, struct store_tls_policy *p, int *changed, struct err *e)
{
    struct tls_setting t[5];
    int n = tls_settings(a, p, t);
    *changed = 0;
    for (int u = 0; u < a->nunset; u++) {
        int i = 0;
        while (i < n && strcmp(a->unset[u], t[i].name) != 0)
            i++;
        if (i == n)
            return err_set(e, ERR_USAGE, "--unset takes tls-min, tls-max, ciphers, ciphersuites "
                           "or sni, not '%s'", cli_vis(a->unset[u]));
        if (*t[i].value != NULL)
            return err_set(e, ERR_USAGE, "--%s and --unset %s contradict each other: give one",
                           t[i].name, t[i].name);
        if (t[i].field != NULL)
            t[i].field[0] = '\0';
        else
            p->sni = 1;
        *changed = 1;
    }
    for (int i = 0; i < n; i++) {
        const char *v = *t[i].value;
        if (v == NULL)
            continue;
        *changed = 1;
        if (t[i].field == NULL) {
            if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
                return err_set(e, ERR_USAGE, "--sni takes on or off, not '%s'", cli_vis(v));
            p->sni = strcmp(v, "on") == 0;
        } else if (t[i].fieldlen == sizeof p->tls_min && tls_w_parse_version(v) < 0) {
            return err_set(e, ERR_USAGE, "--%s takes 1.2 or 1.3, not '%s'", t[i].name, cli_vis(v));
        } else if (v[0] == '\0') {
            return err_set(e, ERR_USAGE, "--%s needs a value (--unset %s returns to the default)",
                           t[i].name, t[i].name);
        } else if (strlen(v) >= t[i].fieldlen) {
            return err_set(e, ERR_USAGE, "--%s: at most %zu characters", t[i].name, t[i].fieldlen - 1);
        } else {
            snprintf(t[i].field, t[i].fieldlen, "%s", v);
        }
    }
    return 0;
}

static void print_tls(const char *app_id, const struct store_tls_policy *p)
{
    printf("%s: TLS %s to %s, TLS 1.2 ciphers %s, TLS 1.3 cipher suites %s, SNI %s\n",
           cli_vis(app_id), p->tls_min[0] ? p->tls_min : "1.2",
           p->tls_max[0] ? p->tls_max : "the newest", p->ciphers[0] ? p->ciphers : "default",
           p->ciphersuites[0] ? p->ciphersuites : "default", p->sni ? "on" : "off");
}

static int run_set(struct cli *c, void *arg)
{
    struct app_settings *a = arg;
    const char *app_id = a->pos[0];
    struct store_app app;
    if (store_app_get(c->s, app_id, &app, a->e) != 0)
        return -1;
    int tls_changed = 0;
    if (apply_tls(a, &app.tls, &tls_changed, a->e) != 0)
        return -1;
    if (a->crl != NULL && store_app_set_crl_policy(c->s, app_id, a->crl, a->e) != 0)
        return -1;
    if (tls_changed && store_app_set_tls_policy(c->s, app_id, &app.tls, a->e) != 0)
        return -1;
    cli_change(c, CHANGE_UPDATED, "application", NULL, NULL, app_id);
    if (a->crl != NULL)
        printf("%s: revocation policy %s\n", cli_vis(app_id), a->crl);
    if (tls_changed)
        print_tls(app_id, &app.tls);
    return cli_item_app(c, "updated", app_id, a->e);
}

#define APP_SET_USAGE                                                                       \
    "app set ID [--crl none|if-present|required] [--tls-min 1.2|1.3] [--tls-max 1.2|1.3] " \
    "[--ciphers LIST] [--ciphersuites LIST] [--sni on|off] [--unset SETTING]..."

int cmd_app_set(struct cli *c, struct err *e)
{
    char *pos[OPTIONS_MAX_POS];
    struct app_settings a = { .pos = pos, .e = e };
    const struct opt opts[] = {
        { "--crl", OPT_VALUE, NULL, &a.crl },
        { "--tls-min", OPT_VALUE, NULL, &a.tls_min },
        { "--tls-max", OPT_VALUE, NULL, &a.tls_max },
        { "--ciphers", OPT_VALUE, NULL, &a.ciphers },
        { "--ciphersuites", OPT_VALUE, NULL, &a.ciphersuites },
        { "--sni", OPT_VALUE, NULL, &a.sni },
        { "--unset", OPT_REPEAT, &a.nunset, a.unset },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (positional(c, opts, pos, &a.npos, 1, 1, APP_SET_USAGE, e) != 0)
        return -1;
    if (a.crl == NULL && a.tls_min == NULL && a.tls_max == NULL && a.ciphers == NULL &&
        a.ciphersuites == NULL && a.sni == NULL && a.nunset == 0)
        return err_set(e, ERR_USAGE, "app set: name what to set (--crl, --tls-min, --tls-max, "
                       "--ciphers, --ciphersuites, --sni or --unset SETTING)");
    /* Bad values are refused before the store is opened (and again, with
     * the whole policy, by the store). */
    struct store_tls_policy check = { .sni = 1 };
    int changed = 0;
    if (apply_tls(&a, &check, &changed, e) != 0 || store_tls_policy_check(&check, e) != 0)
        return -1;
    return cli_transaction(c, run_set, &a, e);
}
