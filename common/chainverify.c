/* chainverify: one verification routine for handshakes and offline checks. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "common/chainverify.h"
#include "common/net.h"

int chain_set_host(X509_VERIFY_PARAM *p, const char *host)
{
    if (net_is_ip_literal(host))
        return X509_VERIFY_PARAM_set1_ip_asc(p, host);
    X509_VERIFY_PARAM_set_hostflags(p, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return X509_VERIFY_PARAM_set1_host(p, host, 0);
}

/* 1 when the leaf carries a DNS subjectAltName (then OpenSSL never looks
 * at its CN). */
static int has_dns_san(X509 *leaf)
{
    GENERAL_NAMES *sans = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    int found = 0;
    for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans) && !found; i++)
        found = sk_GENERAL_NAME_value(sans, i)->type == GEN_DNS;
    GENERAL_NAMES_free(sans);
    return found;
}

int chain_cn_rule(X509_STORE_CTX *ctx)
{
    X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
    if (p == NULL || X509_VERIFY_PARAM_get0_host(p, 0) == NULL)
        return 1; /* no DNS name checked (none, or an IP address: SAN only) */
    X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    if (leaf == NULL || chain == NULL || has_dns_san(leaf))
        return 1;
    for (int i = 1; i < sk_X509_num(chain); i++) {
        if (X509_get_ext_by_NID(sk_X509_value(chain, i), NID_name_constraints, -1) >= 0) {
            X509_STORE_CTX_set_error(ctx, X509_V_ERR_HOSTNAME_MISMATCH);
            X509_STORE_CTX_set_error_depth(ctx, 0);
            X509_STORE_CTX_set_current_cert(ctx, leaf);
            return 0;
        }
    }
    return 1;
}

int chain_verify_ex(X509_STORE *xs, X509 *leaf, STACK_OF(X509) *untrusted, const char *host,
                    struct chain_result *r)
{
    memset(r, 0, sizeof *r);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx == NULL || !X509_STORE_CTX_init(ctx, xs, leaf, untrusted)) {
        X509_STORE_CTX_free(ctx);
        r->error = X509_V_ERR_OUT_OF_MEM;
        snprintf(r->why, sizeof r->why, "out of memory");
        return -1;
    }
    /* What libssl sets for a client checking its server, at the security
     * level of Debian's OpenSSL configuration (SECLEVEL=2: RSA and DH keys
     * of 2048 bits, no SHA-1 signatures), so a weak key is refused here as
     * in a handshake. */
    X509_STORE_CTX_set_default(ctx, "ssl_server");
    X509_VERIFY_PARAM_set_auth_level(X509_STORE_CTX_get0_param(ctx), 2);
    if (host != NULL && !chain_set_host(X509_STORE_CTX_get0_param(ctx), host)) {
        X509_STORE_CTX_free(ctx);
        r->error = X509_V_ERR_UNSPECIFIED;
        snprintf(r->why, sizeof r->why, "cannot check the name %s", host);
        return -1;
    }
    int ok = X509_verify_cert(ctx) == 1;
    if (ok && !chain_cn_rule(ctx)) {
        ok = 0;
        r->cn_rule = 1;
        r->error = X509_V_ERR_HOSTNAME_MISMATCH;
        r->depth = 0;
        snprintf(r->why, sizeof r->why, "%s (at depth 0)", CHAIN_CN_RULE_REASON);
    } else if (!ok) {
        r->error = X509_STORE_CTX_get_error(ctx);
        r->depth = X509_STORE_CTX_get_error_depth(ctx);
        snprintf(r->why, sizeof r->why, "%s (at depth %d)", X509_verify_cert_error_string(r->error),
                 r->depth);
    }
    /* The path built: the whole of it, or as far as it got. */
    r->path = X509_STORE_CTX_get1_chain(ctx);
    X509_STORE_CTX_free(ctx);
    return ok ? 0 : -1;
}

void chain_result_free(struct chain_result *r)
{
    sk_X509_pop_free(r->path, X509_free);
    r->path = NULL;
}

int chain_verify(X509_STORE *xs, X509 *leaf, STACK_OF(X509) *untrusted, const char *host,
                 STACK_OF(X509) **path, char *why, size_t whylen)
{
    struct chain_result r;
    int rc = chain_verify_ex(xs, leaf, untrusted, host, &r);
    *path = NULL;
    if (rc == 0) {
        *path = r.path;
        r.path = NULL;
    } else {
        snprintf(why, whylen, "%s", r.why);
    }
    chain_result_free(&r);
    return rc;
}
