/*
 * fleet_sign: the CMS signature of a fleet manifest (OpenSSL's CMS API).
 * The signer's certificate must carry the fleet signing extended key
 * usage (FLEET_SIGNER_EKU, named in docs/fleet.md) and chain to the CA
 * that signs for the fleet: at publish the CAs the publisher's store
 * trusts for the trustd-fleet application, at sync the one CA the
 * subscription pinned.
 */
#ifndef TRUSTD_CLI_FLEET_SIGN_H
#define TRUSTD_CLI_FLEET_SIGN_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/err.h"

/* An OID of the 2.25 arc (a UUID as an integer, ITU-T X.667): no
 * registration, no clash. "trustd fleet snapshot signing". */
#define FLEET_SIGNER_EKU "2.25.332603511364343167872398633870680035333"
#define FLEET_SIGNER_EKU_NAME "trustd fleet snapshot signing"

/* The largest signed manifest read. */
#define FLEET_SIGNED_MAX (64u * 1024)

/* 1 when cert's extended key usage names FLEET_SIGNER_EKU. */
int fleet_signer_eku(X509 *cert);

/* signer verified against anchors (a chain, at the present time, any
 * purpose) and carrying the extended key usage; -1 with e saying which
 * (OpenSSL's reason and the certificate it failed at). When chain is not
 * NULL it gets the chain, signer first, anchor last (the caller frees it
 * with sk_X509_pop_free). */
int fleet_signer_check(X509 *signer, X509_STORE *anchors, STACK_OF(X509) *untrusted,
                       STACK_OF(X509) **chain, struct err *e);

/* text signed by signer with key: DER CMS SignedData that holds the text,
 * the signer's certificate and certs (its chain, so a subscriber pinning
 * any CA of it can verify; NULL: none). The caller frees *der with
 * OPENSSL_free. */
int fleet_sign(const char *text, size_t len, X509 *signer, EVP_PKEY *key, STACK_OF(X509) *certs,
               unsigned char **der, size_t *derlen, struct err *e);

/* A signed manifest's text, after its signature and its one signer were
 * checked against ca (its chain from the certificates the CMS carries,
 * the extended key usage). name is for messages; subject gets the
 * signer's subject. The caller frees *text with free(). */
int fleet_verify(const unsigned char *der, size_t len, const char *name, X509 *ca,
                 unsigned char **text, size_t *textlen, char *subject, size_t subjectlen,
                 struct err *e);

/* The same against a store of anchors (a publisher's trustd-fleet CAs). */
int fleet_verify_trust(const unsigned char *der, size_t len, const char *name, X509_STORE *trust,
                       unsigned char **text, size_t *textlen, char *subject, size_t subjectlen,
                       struct err *e);

#endif
