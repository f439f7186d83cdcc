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

/* Sets the name check on p: an IP literal must match an IP SAN, a DNS name
 * a DNS SAN (no partial wildcards). 1 on success, 0 on failure. */
int chain_set_host(X509_VERIFY_PARAM *p, const char *host);

/* Verifies leaf (with untrusted intermediates) against xs for a TLS server
 * named host (NULL: no name check). On success fills *path with the chain
 * built, leaf first (caller frees with sk_X509_pop_free). On failure
 * returns -1 and writes the reason and failing depth into why. */
int chain_verify(X509_STORE *xs, X509 *leaf, STACK_OF(X509) *untrusted, const char *host,
                 STACK_OF(X509) **path, char *why, size_t whylen);

#endif
