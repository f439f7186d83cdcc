/* cli_verify: verify and probe, judged exactly as a client of the
 * application would judge them (store_app_trust_anchors + chain_verify). */
#include <stdlib.h>
#include <string.h>

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
    printf("  %d  %s\n     issuer %s\n     SHA-256 %s\n", depth, cli_vis(subject), cli_vis(issuer), hex);
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

struct import_root {
    X509 *top;
    struct import_rules rules;
    struct err *e;
};

static int run_import_root(struct cli *c, void *arg)
{
    struct import_root *ir = arg;
    STACK_OF(X509) *one = sk_X509_new_null();
    if (one == NULL || !sk_X509_push(one, ir->top)) {
        sk_X509_free(one);
        return err_set(ir->e, ERR_INTERNAL, "out of memory");
    }
    int rc = cli_import_certs(c, one, "the server's chain", &ir->rules, ir->e);
    sk_X509_free(one);
    return rc;
}

int cmd_probe(struct cli *c, struct err *e)
{
    const char *app = NULL;
    int implicit = 0, import_root = 0, allow_leaf = 0, npos = 0;
    char *pos[CLI_MAX_POS];
    const struct opt opts[] = {
        { "--app", OPT_VALUE, NULL, &app },
        { "--implicit", OPT_FLAG, &implicit, NULL },
        { "--import-root", OPT_FLAG, &import_root, NULL },
        { "--allow-leaf", OPT_FLAG, &allow_leaf, NULL },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    if (cli_options(c->argc, c->argv, opts, pos, &npos, e) != 0)
        return -1;
    if (app == NULL || npos != 1)
        return err_set(e, ERR_USAGE, "usage: probe --app ID HOST[:PORT] [--implicit] [--import-root]");
    char host[256];
    unsigned port = implicit ? 990 : 21;
    if (split_host(pos[0], host, sizeof host, &port, e) != 0)
        return -1;
    struct store_app a;
    if (store_app_get(c->s, app, &a, e) != 0)
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
    if (import_root) {
        X509 *top = sk_X509_value(chain, sk_X509_num(chain) - 1);
        char hex[CERTINFO_HEX_SHA256] = "?", colon[CERTINFO_COLON_SHA256];
        (void)certinfo_sha256_hex(top, hex);
        certinfo_colon_form(hex, colon);
        printf("importing the chain's top certificate, SHA-256 %s\n", colon);
        struct import_root ir = { .top = top, .rules = { .allow_leaf = allow_leaf }, .e = e };
        rc = cli_transaction(c, run_import_root, &ir, e);
    }
    sk_X509_pop_free(chain, X509_free);
    return rc;
}
