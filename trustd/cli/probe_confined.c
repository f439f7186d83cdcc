/* probe_confined: the probe in a confined child (confined.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "trustd/cli/confined.h"
#include "trustd/cli/probe.h"

/* Bounds on the answer: OpenSSL takes at most 100 KiB of certificates. */
#define CHAIN_MAX 100
#define ANSWER_MAX (1024 * 1024)

/* The work's answer: the TLS text, then u32 count and each certificate
 * (DER) as u32 length and bytes. */
static int encode(struct buf *b, const char *info, STACK_OF(X509) *chain)
{
    int n = chain != NULL ? sk_X509_num(chain) : 0;
    if (answer_put_bytes(b, info, strlen(info)) != 0 || answer_put_u32(b, (size_t)n) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        unsigned char *der = NULL;
        int len = i2d_X509(sk_X509_value(chain, i), &der);
        int rc = len > 0 ? answer_put_bytes(b, der, (size_t)len) : -1;
        OPENSSL_free(der);
        if (rc != 0)
            return -1;
    }
    return 0;
}

struct probe_job {
    const char *host;
    unsigned port;
    int implicit, timeout_ms;
};

/* In the child, confined: the probe itself. */
static int probe_work(void *arg, struct buf *out, struct err *e)
{
    const struct probe_job *j = arg;
    STACK_OF(X509) *chain = NULL;
    char info[128] = "";
    int rc = probe_talk(j->host, j->port, j->implicit, j->timeout_ms, &chain, info, sizeof info, e);
    if (rc == 0 && encode(out, info, chain) != 0)
        rc = err_set(e, ERR_INTERNAL, "probe of %s: its answer is too large", j->host);
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

static int decode_chain(struct answer *a, STACK_OF(X509) **chain)
{
    uint32_t n;
    if (answer_take_u32(a, &n) != 0 || n > CHAIN_MAX || (*chain = sk_X509_new_null()) == NULL)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *der;
        size_t len;
        if (answer_take_bytes(a, ANSWER_MAX, &der, &len) != 0)
            return -1;
        const unsigned char *q = der;
        X509 *x = d2i_X509(NULL, &q, (long)len);
        if (x == NULL || q != der + len || !sk_X509_push(*chain, x)) {
            X509_free(x);
            return -1;
        }
    }
    return a->left == 0 && n > 0 ? 0 : -1;
}

int probe_chain(const char *host, unsigned port, int implicit, int timeout_ms,
                STACK_OF(X509) **chain, char *tls_info, size_t tls_info_len, struct err *e)
{
    *chain = NULL;
    char what[300];
    snprintf(what, sizeof what, "probe of %s", host);
    struct confined_limits l;
    confined_limits_system(&l);
    if (confined_port(&l, port) != 0)
        return err_set(e, ERR_USAGE, "%s: port %u is out of range", what, port);
    struct probe_job j = { host, port, implicit, timeout_ms };
    struct buf b;
    struct answer a;
    /* Each step (connect, greeting, AUTH, handshake) has its own timeout;
     * a child that outlives them all is ended. */
    if (confined_run(what, &l, probe_work, &j, 5LL * timeout_ms, ANSWER_MAX, &b, &a, e) != 0)
        return -1;
    const unsigned char *text;
    size_t text_len;
    int rc = answer_take_bytes(&a, tls_info_len - 1, &text, &text_len) == 0 ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < text_len; i++) /* "TLSv1.3, CIPHER": printed as it is */
        rc = text[i] >= 0x20 && text[i] < 0x7f ? 0 : -1;
    if (rc == 0) {
        memcpy(tls_info, text, text_len);
        tls_info[text_len] = '\0';
        rc = decode_chain(&a, chain);
    }
    buf_free(&b);
    if (rc == 0)
        return 0;
    sk_X509_pop_free(*chain, X509_free);
    *chain = NULL;
    return err_set(e, ERR_INTERNAL, "%s: its confined process gave no usable answer", what);
}
