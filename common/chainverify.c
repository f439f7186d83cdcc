/* chainverify: one verification routine for handshakes and offline checks. */
#include <stdio.h>

#include <openssl/x509v3.h>

#include "chainverify.h"
#include "net.h"

int chain_set_host(X509_VERIFY_PARAM *p, const char *host)
{
    if (net_is_ip_literal(host))
        return X509_VERIFY_PARAM_set1_ip_asc(p, host);
    X509_VERIFY_PARAM_set_hostflags(p, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return X509_VERIFY_PARAM_set1_host(p, host, 0);
}

int chain_verify(X509_STORE *xs, X509 *leaf, STACK_OF(X509) *untrusted, const char *host,
                 STACK_OF(X509) **path, char *why, size_t whylen)
{
    *path = NULL;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx == NULL || !X509_STORE_CTX_init(ctx, xs, leaf, untrusted)) {
        X509_STORE_CTX_free(ctx);
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    /* What libssl sets for a client checking its server. */
    X509_STORE_CTX_set_default(ctx, "ssl_server");
    if (host != NULL && !chain_set_host(X509_STORE_CTX_get0_param(ctx), host)) {
        X509_STORE_CTX_free(ctx);
        snprintf(why, whylen, "cannot check the name %s", host);
        return -1;
    }
    int ok = X509_verify_cert(ctx) == 1;
    if (ok) {
        *path = X509_STORE_CTX_get1_chain(ctx);
    } else {
        int err = X509_STORE_CTX_get_error(ctx);
        snprintf(why, whylen, "%s (at depth %d)", X509_verify_cert_error_string(err),
                 X509_STORE_CTX_get_error_depth(ctx));
    }
    X509_STORE_CTX_free(ctx);
    return ok ? 0 : -1;
}
