/*
 * trustpolicy: an application's revocation policy, attached to the
 * X509_STORE that holds its trust anchors, so every verifier (ftpc's TLS
 * handshakes, trustd verify and probe) applies it the same way.
 */
#ifndef TRUSTD_STORE_TRUSTPOLICY_H
#define TRUSTD_STORE_TRUSTPOLICY_H

#include <openssl/x509.h>

enum trust_crl_policy {
    TRUST_CRL_NONE,        /* CRLs are not consulted                      */
    TRUST_CRL_IF_PRESENT,  /* a CA's CRL is checked when the store has one */
    TRUST_CRL_REQUIRED     /* every CA in the chain must have a CRL        */
};

/* "none", "if-present", "required" -> policy; -1 for anything else. */
int trustpolicy_parse(const char *s);

/* Sets the verification flags and callback of xs for the policy. 0 or -1. */
int trustpolicy_apply(X509_STORE *xs, enum trust_crl_policy p);

/* A verify callback step: with if-present, a CA without a CRL is not an
 * error. Every other failure stands. Returns the new ok value. */
int trustpolicy_filter(int ok, X509_STORE_CTX *ctx);

#endif
