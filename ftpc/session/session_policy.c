/*
 * session_policy: the TLS settings of a run, from the application's
 * definition in the trust store narrowed by the command line.
 *
 * Versions: ftpc/parse/tls_narrow.h. Cipher lists: when the application
 * names one, a command-line list must lie within it (every cipher OpenSSL
 * takes from it is one the application's list allows, at no lower
 * security level) and is then used instead; anything else is refused.
 * OpenSSL cannot intersect two lists, so the rule is "a subset, checked",
 * never a silent mix. When the application names none, the command line's
 * list is used as given. SNI is the application's alone.
 */
#include <string.h>

#include "common/tls.h"
#include "ftpc/parse/tls_narrow.h"
#include "ftpc/session/session_internal.h"
#include "trustd/store/store.h"

static int version_of(const char *text)
{
    return text[0] ? tls_w_parse_version(text) : 0;
}

static const char *from(int cli, int app)
{
    return cli ? "command line" : app ? "application" : "default";
}

/* The list in force for one kind (TLS 1.2 ciphers or TLS 1.3 suites). */
static int narrow_list(const char *option, const char *cli, const char *app, int tls13,
                       const char *app_id, const char *show, const char **out, struct err *e)
{
    *out = app[0] ? app : NULL;
    if (cli == NULL)
        return 0;
    char why[256] = "";
    if (app[0] && !tls_w_cipher_list_within(cli, app, tls13, why, sizeof why))
        return err_set(e, ERR_USAGE, "%s %s: application %s allows only its own %s '%s' (%s; %s)",
                       option, cli, app_id, tls13 ? "TLS 1.3 cipher suites" : "TLS 1.2 ciphers",
                       app, why, show);
    *out = cli;
    return 0;
}

static const char *version_text(int v, const char *dflt)
{
    return v == 13 ? "1.3" : v == 12 ? "1.2" : dflt;
}

int session_tls_config(struct ftp_session *s, const struct store_tls_policy *app,
                       struct tls_w_config *cfg, struct err *e)
{
    const char *id = s->opt.appid;
    /* The command to see the definition, with --store when one was named. */
    char so[480] = "", show[600];
    if (s->opt.store != NULL)
        store_command_option(s->opt.store, so, sizeof so);
    snprintf(show, sizeof show, "trustd%s app show %s", so, id);
    *cfg = s->opt.tls;
    struct tls_versions appv = { version_of(app->tls_min), version_of(app->tls_max) };
    struct tls_versions cliv = { s->opt.tls.min_version, s->opt.tls.max_version }, v;
    int min_cli = 0, max_cli = 0;
    if (tls_narrow_versions(id, show, appv, cliv, &v, &min_cli, &max_cli, e) != 0 ||
        narrow_list("--ciphers", s->opt.tls.ciphers, app->ciphers, 0, id, show, &cfg->ciphers, e) != 0 ||
        narrow_list("--ciphersuites", s->opt.tls.ciphersuites, app->ciphersuites, 1, id, show,
                    &cfg->ciphersuites, e) != 0)
        return -1;
    cfg->min_version = v.min;
    cfg->max_version = v.max;
    cfg->no_sni = !app->sni;
    snprintf(s->tls_policy, sizeof s->tls_policy,
             "TLS %s (%s) to %s (%s); TLS 1.2 ciphers %s (%s); TLS 1.3 suites %s (%s); SNI %s (%s)",
             version_text(v.min, "1.2"), from(min_cli, appv.min), version_text(v.max, "the newest"),
             from(max_cli, appv.max), cfg->ciphers ? cfg->ciphers : "OpenSSL's",
             from(s->opt.tls.ciphers != NULL, app->ciphers[0]),
             cfg->ciphersuites ? cfg->ciphersuites : "OpenSSL's",
             from(s->opt.tls.ciphersuites != NULL, app->ciphersuites[0]), app->sni ? "on" : "off",
             app->sni ? "default" : "application");
    /* A handshake refused for what the policy allows names the policy. */
    int restricted = appv.min || appv.max || app->ciphers[0] || app->ciphersuites[0] ||
                     min_cli || max_cli || s->opt.tls.ciphers || s->opt.tls.ciphersuites;
    if (restricted) {
        snprintf(s->tls_policy_note, sizeof s->tls_policy_note,
                 "the TLS policy of this run, from application %s and the command line: %s (%s)",
                 id, s->tls_policy, show);
        cfg->policy = s->tls_policy_note;
    }
    return 0;
}
