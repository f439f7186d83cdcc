/* cli_verify: verify and probe, judged exactly as a client of the
 * application would judge them (store_app_trust_anchors + chain_verify). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "common/chainverify.h"
#include "common/ftp_ports.h"
#include "trustd/cli/cli_internal.h"
#include "trustd/cli/probe.h"
#include "trustd/store/diagnose.h"
#include "trustd/store/import.h"

/* One certificate of a chain: what the server presented, or the path
 * that verified (result "presented" or "path"). */
static void print_cert_line(struct cli *c, const char *result, int depth, X509 *x)
{
    char subject[512], issuer[512], hex[CERTINFO_HEX_SHA256] = "?";
    certinfo_name(X509_get_subject_name(x), subject, sizeof subject);
    certinfo_name(X509_get_issuer_name(x), issuer, sizeof issuer);
    (void)certinfo_sha256_hex(x, hex);
    printf("  %d  %s\n     issuer %s\n     SHA-256 %s\n", depth, cli_vis(subject), cli_vis(issuer),
           cli_fp(hex));
    cli_item(c, &(struct cli_item){ .object = "certificate", .result = result, .depth = &depth,
                                    .sha256 = hex, .subject = subject, .issuer = issuer });
}

/* Verifies chain[0] with chain[1..] as intermediates for the target's
 * application and host, exactly as its clients would (trustd/store/diagnose.c).
 * Prints the path, or the verdict with its cause and the commands that fix
 * it; ERR_VERIFY when not trusted. */
static int judge(struct cli *c, const struct diag_target *t, STACK_OF(X509) *chain, struct err *e)
{
    struct diagnosis *d = calloc(1, sizeof *d);
    if (d == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (diagnose_chain(c->s, t, chain, d, e) != 0) {
        free(d);
        return -1;
    }
    int rc = 0;
    if (d->cause == DIAG_TRUSTED) {
        printf("TRUSTED by %s%s%s; path:\n", cli_vis(t->app_id), t->host ? " for " : "",
               t->host ? cli_vis(t->host) : "");
        for (int i = 0; i < sk_X509_num(d->path); i++)
            print_cert_line(c, "path", i, sk_X509_value(d->path, i));
    } else {
        /* The diagnosis made its text visible already. */
        printf("NOT TRUSTED by %s: %s\n%s", cli_vis(t->app_id), d->summary, d->detail);
        rc = err_set(e, ERR_VERIFY, "%s would not trust this chain: %s", t->app_id, d->summary);
    }
    diagnosis_free(d);
    free(d);
    return rc;
}

int cmd_verify(struct cli *c, struct err *e)
{
    const char *app = NULL, *host = NULL;
    char *pos[OPTIONS_MAX_POS];
    int npos = 0;
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app },
        { "--host", OPT_VALUE, NULL, &host },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (app == NULL || npos != 1)
        return err_set(e, ERR_USAGE, "usage: verify --app ID [--host NAME] CHAIN.pem");
    if (cli_open(c, e) != 0)
        return -1;
    unsigned char *data = NULL;
    size_t len = 0;
    if (import_read_file(pos[0], &data, &len, e) != 0)
        return -1;
    STACK_OF(X509) *chain = NULL;
    int rc = import_parse(data, len, pos[0], NULL, &chain, e);
    free(data);
    if (rc != 0)
        return rc == IMPORT_NEED_PASSWORD ? err_set(e, ERR_USAGE, "%s: a chain file, not PKCS#12", pos[0]) : -1;
    struct diag_target t = { .app_id = app, .host = host };
    rc = judge(c, &t, chain, e);
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

/* HOST, HOST:PORT, [V6]:PORT. */
static int split_host(const char *spec, char *host, size_t hostlen, unsigned *port, struct err *e)
{
    const char *colon = NULL;
    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (end == NULL)
            return err_set(e, ERR_USAGE, "'%s': unclosed [", spec);
        snprintf(host, hostlen, "%.*s", (int)(end - spec - 1), spec + 1);
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strrchr(spec, ':');
        if (colon != NULL && strchr(spec, ':') != colon)
            colon = NULL; /* a bare IPv6 address */
        snprintf(host, hostlen, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
    }
    if (colon != NULL) {
        char *end = NULL;
        long v = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || *end != '\0' || v < 1 || v > 65535)
            return err_set(e, ERR_USAGE, "'%s' is not a port number", colon + 1);
        *port = (unsigned)v;
    }
    return host[0] ? 0 : err_set(e, ERR_USAGE, "name a host to probe");
}

/* The CA --import-root may import: a self-signed CA certificate the
 * server sent, other than its own, with which the chain verifies for host
 * (a store of that CA alone, the server's other certificates as
 * intermediates). An unrelated certificate in the chain never qualifies.
 * NULL when the server did not send one; then why holds the reason a
 * self-signed CA it sent did not do (empty when it sent none). */
static X509 *find_root(STACK_OF(X509) *chain, const char *host, char *why, size_t whylen)
{
    why[0] = '\0';
    X509 *leaf = sk_X509_value(chain, 0);
    for (int i = 1; i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        if (X509_self_signed(x, 1) != 1 || !certinfo_is_ca(x))
            continue;
        X509_STORE *only = X509_STORE_new();
        STACK_OF(X509) *untrusted = sk_X509_new_null();
        for (int k = 1; untrusted && k < sk_X509_num(chain); k++)
            if (k != i)
                sk_X509_push(untrusted, sk_X509_value(chain, k));
        STACK_OF(X509) *path = NULL;
        char reason[512] = "it is not the top of the path built";
        int ok = only != NULL && untrusted != NULL && X509_STORE_add_cert(only, x) == 1 &&
                 chain_verify(only, leaf, untrusted, host, &path, reason, sizeof reason) == 0 &&
                 X509_cmp(sk_X509_value(path, sk_X509_num(path) - 1), x) == 0;
        if (!ok && why[0] == '\0')
            snprintf(why, whylen, "%s", reason);
        sk_X509_pop_free(path, X509_free);
        sk_X509_free(untrusted);
        X509_STORE_free(only);
        if (ok)
            return x;
    }
    return NULL;
}

static void show_cert(const char *what, X509 *x)
{
    char subject[512], issuer[512], hex[CERTINFO_HEX_SHA256] = "?", colon[CERTINFO_COLON_SHA256];
    int64_t nb = 0, na = 0;
    certinfo_name(X509_get_subject_name(x), subject, sizeof subject);
    certinfo_name(X509_get_issuer_name(x), issuer, sizeof issuer);
    (void)certinfo_sha256_hex(x, hex);
    certinfo_colon_form(hex, colon);
    (void)certinfo_time(X509_get0_notBefore(x), &nb);
    (void)certinfo_time(X509_get0_notAfter(x), &na);
    printf("%s:\n  Subject:    %s\n  Issuer:     %s\n  Not before: ", what, cli_vis(subject),
           cli_vis(issuer));
    cli_print_time(stdout, nb);
    printf("\n  Not after:  ");
    cli_print_time(stdout, na);
    printf("\n  SHA-256:    %s\n", colon);
}

/* At a terminal: 1 when the answer is yes. */
static int ask_yes(const char *question)
{
    printf("%s [y/N] ", question);
    fflush(stdout);
    char line[64];
    if (fgets(line, sizeof line, stdin) == NULL)
        return 0;
    return line[0] == 'y' || line[0] == 'Y';
}

/* What probe was asked to do, and where. */
struct probe_req {
    struct diag_target t;
    const char *expect;  /* --expect-sha256, NULL when not given */
    int want_root, want_issuer;
    int ask;             /* at a terminal, and not --json (whose output is for a program) */
};

/* --expect-sha256: 0 when x is that certificate (any case, colons
 * optional); otherwise an ERR_VERIFY error (nothing is imported). */
static int check_expected(const struct probe_req *p, X509 *x, const char *what, struct err *e)
{
    char want[65], hex[CERTINFO_HEX_SHA256] = "?";
    (void)certinfo_sha256_hex(x, hex);
    if (store_normalize_fingerprint(p->expect, want) != 64)
        return err_set(e, ERR_USAGE, "--expect-sha256 takes a whole SHA-256 fingerprint (64 hex "
                                     "digits, colons optional), not '%s'", p->expect);
    if (strcmp(want, hex) != 0) {
        printf("%s has SHA-256 %s, not the %s expected: nothing imported\n", what, cli_fp(hex),
               cli_fp(want));
        return err_set(e, ERR_VERIFY,
                       "%s sent %s with SHA-256 %s, not %s (--expect-sha256): nothing imported",
                       p->t.host, what, cli_fp(hex), cli_fp(want));
    }
    printf("SHA-256 matches --expect-sha256\n");
    return 0;
}

/* The administrator's consent to import x: --expect-sha256 when given;
 * else the answer at a terminal; else, when needs_fp, a refusal that says
 * how to pass the fingerprint. 0 to go on. */
static int confirm(const struct probe_req *p, X509 *x, const char *what, const char *question,
                   int needs_fp, struct err *e)
{
    if (p->expect != NULL)
        return check_expected(p, x, what, e);
    if (p->ask) {
        if (ask_yes(question))
            return 0;
        printf("nothing imported\n");
        return err_set(e, ERR_VERIFY, "%s: %s was not imported (answered no)", p->t.host, what);
    }
    if (!needs_fp)
        return 0;
    char hex[CERTINFO_HEX_SHA256] = "?";
    (void)certinfo_sha256_hex(x, hex);
    printf("no terminal to confirm %s: nothing imported\n", what);
    return err_set(e, ERR_VERIFY,
                   "%s: no terminal to confirm %s; check its SHA-256 with its publisher and give "
                   "it: --expect-sha256 %s (nothing imported)",
                   p->t.host, what, hex);
}

/* The SHA-256 of x as plain hex ("?" when it cannot be had). */
static const char *hex_of(X509 *x)
{
    static char hex[CERTINFO_HEX_SHA256];
    if (certinfo_sha256_hex(x, hex) != 0)
        snprintf(hex, sizeof hex, "?");
    return hex;
}

struct import_ca {
    X509 *ca;
    const char *name;
    const char *trust_app; /* also put it on this application's list */
    int added;             /* it was not on that list before */
    int enabled;           /* it was in the store but disabled: enabled now */
    struct import_rules rules;
    struct err *e;
};

static int run_import_ca(struct cli *c, void *arg)
{
    struct import_ca *ic = arg;
    STACK_OF(X509) *one = sk_X509_new_null();
    if (one == NULL || !sk_X509_push(one, ic->ca)) {
        sk_X509_free(one);
        return err_set(ic->e, ERR_INTERNAL, "out of memory");
    }
    int rc = cli_import_certs(c, one, ic->name, &ic->rules, ic->e);
    sk_X509_free(one);
    if (rc != 0 || ic->trust_app == NULL)
        return rc;
    char hex[CERTINFO_HEX_SHA256] = "?";
    struct store_cert row;
    int added = 0;
    if (certinfo_sha256_hex(ic->ca, hex) != 0 || store_cert_find(c->s, hex, &row, ic->e) != 0 ||
        store_app_trust(c->s, ic->trust_app, row.id, &added, ic->e) != 0)
        return -1;
    ic->added = added; /* said after the commit, as the import's lines are */
    cli_change(c, added ? CHANGE_ADDED : CHANGE_UNCHANGED, "trust", row.sha256, row.label, ic->trust_app);
    cli_item(c, &(struct cli_item){ .object = "trust", .result = added ? "trusted" : "already_trusted",
                                    .application = ic->trust_app, .sha256 = row.sha256,
                                    .label = row.label, .subject = row.subject });
    if (!row.enabled && store_cert_set_enabled(c->s, row.id, 1, ic->e) != 0)
        return -1;
    if (!row.enabled) {
        cli_change(c, CHANGE_UPDATED, "certificate", row.sha256, row.label, NULL);
        cli_item(c, &(struct cli_item){ .object = "certificate", .result = "enabled",
                                        .sha256 = row.sha256, .label = row.label, .subject = row.subject });
    }
    ic->enabled = !row.enabled;
    return 0;
}

/* --import-root: imports the one self-signed CA that completes a verified
 * path for host, after showing it (and asking, at a terminal, or checking
 * --expect-sha256), then judges the chain again: 0 only when the
 * application trusts the server now. */
static int import_root(struct cli *c, const struct probe_req *p, STACK_OF(X509) *chain,
                       struct err *e)
{
    const char *host = p->t.host, *app = p->t.app_id;
    char why[512];
    X509 *root = find_root(chain, host, why, sizeof why);
    if (root == NULL && why[0] != '\0') {
        printf("no CA %s sent completes a verified path for it: nothing imported\n", cli_vis(host));
        return err_set(e, ERR_VERIFY,
                       "%s sent a self-signed CA, but its chain does not verify with it for %s "
                       "(%s): nothing imported",
                       host, host, why);
    }
    if (root == NULL) {
        X509 *top = sk_X509_value(chain, sk_X509_num(chain) - 1);
        char subject[512], issuer[512];
        certinfo_name(X509_get_subject_name(top), subject, sizeof subject);
        certinfo_name(X509_get_issuer_name(top), issuer, sizeof issuer);
        printf("%s did not send its root CA: nothing imported\n", cli_vis(host));
        /* What to do next depends on what was sent: --trust-issuer needs
         * the issuing CA in the chain. */
        const char *next =
            sk_X509_num(chain) > 1
                ? "get that CA from its publisher and run 'trustd import', or trust the CA that "
                  "issued the server's certificate with --trust-issuer"
            : X509_check_issued(top, top) == X509_V_OK
                ? "it sent only a self-signed certificate, no CA: to pin this one server, save its "
                  "certificate and run 'trustd import --allow-leaf FILE'"
                : "it sent only its own certificate: get the CA that issued it from its publisher "
                  "and run 'trustd import FILE'";
        return err_set(e, ERR_VERIFY,
                       "%s did not send a self-signed CA that completes its chain (the chain ends "
                       "with %s, issued by %s): nothing imported; %s",
                       host, subject, issuer, next);
    }
    show_cert("the server's root CA", root);
    if (confirm(p, root, "the root CA", "Import this CA into the trust store?", 0, e) != 0)
        return -1;
    struct import_ca ic = { .ca = root, .name = "the server's root CA", .e = e };
    int committed = cli_transaction(c, run_import_ca, &ic, e) == 0;
    cli_import_report(&ic.rules, committed, e);
    if (!committed)
        return -1;
    err_clear(e);
    if (judge(c, &p->t, chain, e) == 0)
        return 0;
    char hex[CERTINFO_HEX_SHA256] = "?";
    (void)certinfo_sha256_hex(root, hex);
    return err_set(e, ERR_VERIFY,
                   "%s is still not trusted by %s after the import (a defined trust list? run "
                   "'trustd app trust %s %s')",
                   host, app, app, cli_fp(hex));
}

/* --trust-issuer: the CA that issued the server's certificate, as the
 * server sent it, imported and put on the application's trust list (an
 * anchor for it: exactly the servers that CA issued), after the
 * administrator confirmed its SHA-256; then the chain is judged again. */
static int trust_issuer(struct cli *c, const struct probe_req *p, STACK_OF(X509) *chain,
                        struct err *e)
{
    const char *host = p->t.host, *app = p->t.app_id;
    X509 *leaf = sk_X509_value(chain, 0), *ca = NULL;
    for (int i = 1; i < sk_X509_num(chain) && ca == NULL; i++) {
        X509 *x = sk_X509_value(chain, i);
        if (X509_cmp(x, leaf) != 0 && X509_check_issued(x, leaf) == X509_V_OK && certinfo_is_ca(x))
            ca = x;
    }
    if (ca == NULL) {
        char issuer[512];
        certinfo_name(X509_get_issuer_name(leaf), issuer, sizeof issuer);
        printf("%s did not send the CA that issued its certificate: nothing imported\n",
               cli_vis(host));
        return err_set(e, ERR_VERIFY,
                       "%s did not send the CA that issued its certificate (%s): nothing "
                       "imported; get that CA from its publisher, then run 'trustd import FILE' "
                       "and 'trustd app trust %s CERT'",
                       host, issuer, app);
    }
    /* It must be the anchor that makes this server's chain verify. */
    X509_STORE *only = X509_STORE_new();
    STACK_OF(X509) *path = NULL;
    char why[512] = "out of memory";
    int ok = only != NULL && X509_STORE_add_cert(only, ca) == 1 &&
             X509_STORE_set_flags(only, X509_V_FLAG_PARTIAL_CHAIN) == 1 &&
             chain_verify(only, leaf, NULL, host, &path, why, sizeof why) == 0;
    sk_X509_pop_free(path, X509_free);
    X509_STORE_free(only);
    if (!ok) {
        printf("the server's certificate does not verify under the CA that issued it: nothing "
               "imported\n");
        return err_set(e, ERR_VERIFY,
                       "%s's certificate does not verify for %s under the CA that issued it "
                       "(%s): nothing imported",
                       host, host, why);
    }
    show_cert("the CA that issued the server's certificate", ca);
    char question[300];
    snprintf(question, sizeof question,
             "Is this SHA-256 the one its publisher gives? Trust this CA for %s?", cli_vis(app));
    if (confirm(p, ca, "the issuing CA", question, 1, e) != 0)
        return -1;
    struct store_app a;
    if (store_app_get(c->s, app, &a, e) != 0)
        return -1;
    struct import_ca ic = { .ca = ca, .name = "the issuing CA", .trust_app = app, .e = e };
    int committed = cli_transaction(c, run_import_ca, &ic, e) == 0;
    cli_import_report(&ic.rules, committed, e);
    if (!committed)
        return -1;
    char subject[512];
    certinfo_name(X509_get_subject_name(ca), subject, sizeof subject);
    if (ic.enabled)
        printf("enabled  %s  %s (it was in the store, disabled)\n", cli_fp(hex_of(ca)), cli_vis(subject));
    printf("%s %s's CA trust list: %s\n", ic.added ? "added to" : "already on", cli_vis(app),
           cli_vis(subject));
    if (!a.trust_list_defined)
        printf("%s had no CA trust list: it is defined now, and %s trusts only the CAs on it\n",
               cli_vis(app), cli_vis(app));
    err_clear(e);
    if (judge(c, &p->t, chain, e) == 0)
        return 0;
    return err_prefix(e, "%s is still not trusted after trusting its issuing CA", host);
}

int cmd_probe(struct cli *c, struct err *e)
{
    const char *app = NULL, *expect = NULL;
    int implicit = 0, want_root = 0, want_issuer = 0, allow_leaf = 0, npos = 0;
    char *pos[OPTIONS_MAX_POS];
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app },
        { "--implicit", OPT_FLAG, &implicit, NULL },
        { "--import-root", OPT_FLAG, &want_root, NULL },
        { "--trust-issuer", OPT_FLAG, &want_issuer, NULL },
        { "--expect-sha256", OPT_VALUE, NULL, &expect },
        { "--allow-leaf", OPT_FLAG, &allow_leaf, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (options_parse(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (npos != 1)
        return err_set(e, ERR_USAGE, "usage: probe [--app ID] HOST[:PORT] [--implicit] "
                                     "[--import-root | --trust-issuer] [--expect-sha256 FP]");
    if (app == NULL)
        app = STORE_FTP_CLIENT_APP;
    if (allow_leaf)
        return err_set(e, ERR_USAGE,
                       "--import-root imports only the server's self-signed root CA; to pin a "
                       "server certificate, save it and run 'trustd import --allow-leaf FILE'");
    if (want_root && want_issuer)
        return err_set(e, ERR_USAGE, "--import-root or --trust-issuer, not both");
    if (expect != NULL && !want_root && !want_issuer)
        return err_set(e, ERR_USAGE, "--expect-sha256 goes with --import-root or --trust-issuer");
    char want[65];
    if (expect != NULL && store_normalize_fingerprint(expect, want) != 64)
        return err_set(e, ERR_USAGE, "--expect-sha256 takes a whole SHA-256 fingerprint (64 hex "
                                     "digits, colons optional), not '%s'", expect);
    char host[256];
    unsigned port = ftp_default_port(implicit);
    if (split_host(pos[0], host, sizeof host, &port, e) != 0)
        return -1;
    struct store_app a;
    if (cli_open(c, e) != 0 || store_app_get(c->s, app, &a, e) != 0)
        return -1;
    STACK_OF(X509) *chain = NULL;
    char info[128] = "";
    if (probe_chain(host, port, implicit, PROBE_TIMEOUT_MS, &chain, info, sizeof info, e) != 0)
        return -1;
    printf("%s port %u (%s FTPS), %s; the server presented:\n", cli_vis(host), port,
           implicit ? "implicit" : "explicit", info);
    for (int i = 0; i < sk_X509_num(chain); i++)
        print_cert_line(c, "presented", i, sk_X509_value(chain, i));
    struct probe_req p = { .t = { .app_id = app, .host = host, .port = port, .implicit = implicit,
                                  .probing = 1 },
                           .expect = expect, .want_root = want_root, .want_issuer = want_issuer,
                           .ask = !c->json && isatty(STDIN_FILENO) };
    int rc = judge(c, &p.t, chain, e);
    if ((want_root || want_issuer) && rc == 0) {
        printf("already trusted: nothing imported\n");
    } else if ((want_root || want_issuer) && e->code == ERR_VERIFY) {
        err_clear(e);
        rc = want_root ? import_root(c, &p, chain, e) : trust_issuer(c, &p, chain, e);
    }
    sk_X509_pop_free(chain, X509_free);
    return rc;
}
