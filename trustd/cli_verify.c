/* cli_verify: verify and probe, judged exactly as a client of the
 * application would judge them (store_app_trust_anchors + chain_verify). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certinfo.h"
#include "chainverify.h"
#include "cli_internal.h"
#include "import.h"
#include "probe.h"

static void print_cert_line(int depth, X509 *x)
{
    char subject[512], issuer[512], hex[CERTINFO_HEX_SHA256] = "?";
    certinfo_name(X509_get_subject_name(x), subject, sizeof subject);
    certinfo_name(X509_get_issuer_name(x), issuer, sizeof issuer);
    (void)certinfo_sha256_hex(x, hex);
    printf("  %d  %s\n     issuer %s\n     SHA-256 %s\n", depth, cli_vis(subject), cli_vis(issuer),
           cli_fp(hex));
}

/* Verifies chain[0] with chain[1..] as intermediates for app_id and host.
 * Prints the path or the reason; ERR_VERIFY when not trusted. */
static int judge(struct cli *c, const char *app_id, STACK_OF(X509) *chain, const char *host,
                 struct err *e)
{
    X509_STORE *xs = NULL;
    int count = 0;
    if (store_app_trust_anchors(c->s, app_id, &xs, &count, e) != 0) {
        if (e->code == ERR_NOTFOUND)
            return -1;
        char why[ERR_MSG_MAX];
        snprintf(why, sizeof why, "%s", e->msg);
        printf("NOT TRUSTED by %s: %s\n", cli_vis(app_id), cli_vis(why));
        return err_set(e, ERR_VERIFY, "%s would not trust this chain: %s", app_id, why);
    }
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    for (int i = 1; untrusted && i < sk_X509_num(chain); i++)
        sk_X509_push(untrusted, sk_X509_value(chain, i));
    STACK_OF(X509) *path = NULL;
    char why[512];
    int ok = untrusted != NULL &&
             chain_verify(xs, sk_X509_value(chain, 0), untrusted, host, &path, why, sizeof why) == 0;
    sk_X509_free(untrusted);
    X509_STORE_free(xs);
    if (!ok) {
        printf("NOT TRUSTED by %s: %s\n", cli_vis(app_id), cli_vis(why));
        return err_set(e, ERR_VERIFY, "%s would not trust this chain: %s", app_id, why);
    }
    printf("TRUSTED by %s%s%s; path:\n", cli_vis(app_id), host ? " for " : "", host ? cli_vis(host) : "");
    for (int i = 0; i < sk_X509_num(path); i++)
        print_cert_line(i, sk_X509_value(path, i));
    sk_X509_pop_free(path, X509_free);
    return 0;
}

int cmd_verify(struct cli *c, struct err *e)
{
    const char *app = NULL, *host = NULL;
    char *pos[CLI_MAX_POS];
    int npos = 0;
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app },
        { "--host", OPT_VALUE, NULL, &host },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (cli_options(c->argc, c->argv, opts, pos, &npos, e) != 0)
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
    rc = judge(c, app, chain, host, e);
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

static void show_cert(X509 *x)
{
    char subject[512], issuer[512], hex[CERTINFO_HEX_SHA256] = "?", colon[CERTINFO_COLON_SHA256];
    int64_t nb = 0, na = 0;
    certinfo_name(X509_get_subject_name(x), subject, sizeof subject);
    certinfo_name(X509_get_issuer_name(x), issuer, sizeof issuer);
    (void)certinfo_sha256_hex(x, hex);
    certinfo_colon_form(hex, colon);
    (void)certinfo_time(X509_get0_notBefore(x), &nb);
    (void)certinfo_time(X509_get0_notAfter(x), &na);
    printf("the server's root CA:\n  Subject:    %s\n  Issuer:     %s\n  Not before: ", cli_vis(subject),
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

struct import_root {
    X509 *root;
    struct import_rules rules;
    struct err *e;
};

static int run_import_root(struct cli *c, void *arg)
{
    struct import_root *ir = arg;
    STACK_OF(X509) *one = sk_X509_new_null();
    if (one == NULL || !sk_X509_push(one, ir->root)) {
        sk_X509_free(one);
        return err_set(ir->e, ERR_INTERNAL, "out of memory");
    }
    int rc = cli_import_certs(c, one, "the server's root CA", &ir->rules, ir->e);
    sk_X509_free(one);
    return rc;
}

/* --import-root: imports the one self-signed CA that completes a verified
 * path for host, after showing it (and asking, at a terminal), then judges
 * the chain again: 0 only when the application trusts the server now. */
static int import_root(struct cli *c, const char *app, STACK_OF(X509) *chain, const char *host,
                       struct err *e)
{
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
        return err_set(e, ERR_VERIFY,
                       "%s did not send a self-signed CA that completes its chain (the chain ends "
                       "with %s, issued by %s): nothing imported; get that CA from its publisher "
                       "and run 'trustd import'",
                       host, subject, issuer);
    }
    show_cert(root);
    if (isatty(STDIN_FILENO) && !ask_yes("Import this CA into the trust store?")) {
        printf("nothing imported\n");
        return err_set(e, ERR_VERIFY, "%s: the root CA was not imported (answered no)", host);
    }
    struct import_root ir = { .root = root, .e = e };
    int committed = cli_transaction(c, run_import_root, &ir, e) == 0;
    cli_import_report(&ir.rules, committed, e);
    if (!committed)
        return -1;
    err_clear(e);
    if (judge(c, app, chain, host, e) == 0)
        return 0;
    char hex[CERTINFO_HEX_SHA256] = "?";
    (void)certinfo_sha256_hex(root, hex);
    return err_set(e, ERR_VERIFY,
                   "%s is still not trusted by %s after the import (a defined trust list? run "
                   "'trustd app trust %s %s')",
                   host, app, app, cli_fp(hex));
}

int cmd_probe(struct cli *c, struct err *e)
{
    const char *app = NULL;
    int implicit = 0, want_root = 0, allow_leaf = 0, npos = 0;
    char *pos[CLI_MAX_POS];
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app },
        { "--implicit", OPT_FLAG, &implicit, NULL },
        { "--import-root", OPT_FLAG, &want_root, NULL },
        { "--allow-leaf", OPT_FLAG, &allow_leaf, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (cli_options(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (app == NULL || npos != 1)
        return err_set(e, ERR_USAGE, "usage: probe --app ID HOST[:PORT] [--implicit] [--import-root]");
    if (allow_leaf)
        return err_set(e, ERR_USAGE,
                       "--import-root imports only the server's self-signed root CA; to pin a "
                       "server certificate, save it and run 'trustd import --allow-leaf FILE'");
    char host[256];
    unsigned port = implicit ? 990 : 21;
    if (split_host(pos[0], host, sizeof host, &port, e) != 0)
        return -1;
    struct store_app a;
    if (cli_open(c, e) != 0 || store_app_get(c->s, app, &a, e) != 0)
        return -1;
    STACK_OF(X509) *chain = NULL;
    char info[128] = "";
    if (probe_chain(host, port, implicit, 15000, &chain, info, sizeof info, e) != 0)
        return -1;
    printf("%s port %u (%s FTPS), %s; the server presented:\n", cli_vis(host), port,
           implicit ? "implicit" : "explicit", info);
    for (int i = 0; i < sk_X509_num(chain); i++)
        print_cert_line(i, sk_X509_value(chain, i));
    int rc = judge(c, app, chain, host, e);
    if (want_root && rc == 0) {
        printf("already trusted: nothing imported\n");
    } else if (want_root && e->code == ERR_VERIFY) {
        err_clear(e);
        rc = import_root(c, app, chain, host, e);
    }
    sk_X509_pop_free(chain, X509_free);
    return rc;
}
