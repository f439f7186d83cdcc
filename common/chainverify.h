/*
 * chainverify: certificate-chain verification shared by every verifier, so
 * that `trustd verify` and `trustd probe` judge a chain exactly as ftpc's
 * TLS handshake does: the same trust anchors and revocation policy (from
 * the store), the same purpose (TLS server) and the same host-name rules.
 */
#ifndef COMMON_CHAINVERIFY_H
#define COMMON_CHAINVERIFY_H

#include <stddef.h>

#include <openssl/x509.h>

#include "common/err.h"

/* Sets the name check on p: an IP literal must match an IP SAN, a DNS name
 * a DNS SAN (no partial wildcards). 1 on success, 0 on failure. */
int chain_set_host(X509_VERIFY_PARAM *p, const char *host);

/* Why chain_cn_rule refuses, for messages. */
#define CHAIN_CN_RULE_REASON \
    "it names the host only in its subject CN, and a CA in its path has name " \
    "constraints (which a CN would escape)"

/* The rule on subject common names, checked on a chain X509_verify_cert
 * accepted (ctx's param names the host): when the leaf has no DNS
 * subjectAltName, a DNS host name can only have matched its subject CN, and
 * name constraints of a CA govern subjectAltNames, so such a match is
 * refused when any CA in the path carries nameConstraints. Returns 1 when
 * the chain passes; 0 after setting ctx's error to
 * X509_V_ERR_HOSTNAME_MISMATCH at depth 0. Used by chain_verify and by
 * common/tls.c's handshakes alike. */
int chain_cn_rule(X509_STORE_CTX *ctx);

/* Verifies leaf (with untrusted intermediates) against xs for a TLS server
 * named host (NULL: no name check). On success fills *path with the chain
 * built, leaf first (caller frees with sk_X509_pop_free). On failure
 * returns -1 and writes the reason and failing depth into why. */
int chain_verify(X509_STORE *xs, X509 *leaf, STACK_OF(X509) *untrusted, const char *host,
                 STACK_OF(X509) **path, char *why, size_t whylen) MUST_CHECK;

/* What a verification found, for diagnosis (trustd/store/diagnose.c). */
struct chain_result {
    int error;             /* X509_V_OK, or OpenSSL's verify error */
    int depth;             /* where it failed */
    int cn_rule;           /* refused by chain_cn_rule */
    STACK_OF(X509) *path;  /* the path built (as far as it got), leaf first */
    char why[512];         /* OpenSSL's reason and the depth */
};

/* chain_verify with everything it found kept in r (free with
 * chain_result_free, also after a failure). 0 when trusted. */
int chain_verify_ex(X509_STORE *xs, X509 *leaf, STACK_OF(X509) *untrusted, const char *host,
                    struct chain_result *r) MUST_CHECK;
void chain_result_free(struct chain_result *r);

#endif
