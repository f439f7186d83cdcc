/*
 * identity: a client certificate with its private key and the chain sent
 * after it, read from the bytes of a PEM file (certificates and one key,
 * in any order) or a PKCS#12 file. Pure: no store, no I/O. Input is
 * untrusted; the caller wipes it after use (it holds a key).
 */
#ifndef TRUSTD_STORE_IDENTITY_H
#define TRUSTD_STORE_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/err.h"

struct identity {
    X509 *cert;             /* the certificate the key belongs to */
    EVP_PKEY *key;
    STACK_OF(X509) *chain;  /* the other certificates of the file, in its order */
};

/* Reads name's bytes into out. password decrypts a PKCS#12 file or an
 * encrypted PEM key (NULL: none given). Returns 0, -1 with e set, or
 * IMPORT_NEED_PASSWORD (trustd/store/import.h) when one is needed and
 * none was given. */
int identity_parse(const unsigned char *data, size_t len, const char *name, const char *password,
                   struct identity *out, struct err *e);

/* Whether the certificate may serve as a client certificate at time now:
 * within its validity, not a CA, its key usage and extended key usage
 * allowing TLS client authentication, its key at least 112-bit strong
 * (RSA 2048, EC P-256). -1 with e naming what (name: its file or label). */
int identity_check(X509 *cert, EVP_PKEY *key, const char *name, int64_t now, struct err *e);

/* "RSA 2048", "EC P-256", "Ed25519", ... */
void identity_key_type(EVP_PKEY *key, char *out, size_t outlen);

/* Lower-case hex SHA-256 of the public key (its SubjectPublicKeyInfo):
 * names the key in a key file without holding it. -1 on failure. */
int identity_key_sha256(EVP_PKEY *key, char out[65]);

/* The identity as a PKCS#12 file encrypted with password (OpenSSL's
 * defaults: AES-256-CBC, PBKDF2, SHA-256 MAC), friendly name label. The
 * caller frees *out with OPENSSL_clear_free. */
int identity_to_p12(const struct identity *id, const char *label, const char *password,
                    unsigned char **out, size_t *len, struct err *e);

void identity_free(struct identity *id);

#endif
