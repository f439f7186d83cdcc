/*
 * import: turns the bytes of a certificate file into certificates. Pure: no
 * store, no I/O. Accepts PEM (CERTIFICATE and PKCS7 blocks, one or many), a
 * DER certificate, DER PKCS#7 (.p7b/.p7c) and PKCS#12 (its certificates
 * only; the key is dropped at once). Anything else is an error naming the
 * file and the block or certificate.
 */
#ifndef TRUSTD_STORE_IMPORT_H
#define TRUSTD_STORE_IMPORT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "common/err.h"

/* Largest certificate file read (a system bundle is well under 1 MiB). */
#define IMPORT_FILE_MAX (16u * 1024 * 1024)

/* The largest iteration count accepted in a PKCS#12 file, for its MAC and
 * for each key derivation (PBKDF2 of PBES2, or PKCS#12 PBE) of an
 * encrypted part. Tools write 1 to 600,000: OpenSSL 2,048, Java keytool
 * 10,000, Windows 2,000 (10,000 with AES), and 600,000 where OWASP's 2023
 * advice for PBKDF2-HMAC-SHA256 is followed. 2,000,000 leaves room above
 * that, and a file at the limit still costs a second or two; a count far
 * above it (up to 2^63 fits the field) would keep trustd busy for hours, so
 * it is refused before any derivation starts. */
#define IMPORT_P12_ITER_MAX 2000000L

/* Returned by import_parse for a PKCS#12 file whose password is not the
 * empty one and none was given: ask for it and call again. */
#define IMPORT_NEED_PASSWORD (-2)

/* A PKCS#12 file's password, checked before anything is decrypted: every
 * iteration count first (the MAC's and each encrypted part's), then the
 * MAC, so a wrong password is told apart from a damaged file. password
 * NULL tries none and the empty one. 0 with *pass the password that opens
 * it, IMPORT_NEED_PASSWORD, or -1 with e set. */
struct PKCS12_st;
int import_p12_password(struct PKCS12_st *p12, const char *name, const char *password,
                        const char **pass, struct err *e);

/* The key derivation of a password-based encryption (PBES2 with PBKDF2,
 * or a PKCS#12/PKCS#5 v1 PBE) of the part what of file name: its
 * iteration count within IMPORT_P12_ITER_MAX, any other derivation
 * refused. */
int import_check_pbe(const X509_ALGOR *alg, const char *name, const char *what, struct err *e);

/* Parses data (from the file called name, for messages) into a new stack of
 * certificates, at least one. password is for PKCS#12 (NULL: try none). */
int import_parse(const unsigned char *data, size_t len, const char *name, const char *password,
                 STACK_OF(X509) **out, struct err *e);

/* A file's length as an import takes it: not empty, at most
 * IMPORT_FILE_MAX; -1 with e naming the file otherwise. */
int import_check_size(size_t len, const char *name, struct err *e);

/* 1 when the bytes hold a PEM "-----BEGIN " line. */
int import_looks_like_pem(const unsigned char *data, size_t len);

/* Reads a whole file ("-" is standard input) up to IMPORT_FILE_MAX bytes.
 * The caller frees *data. */
int import_read_file(const char *path, unsigned char **data, size_t *len, struct err *e);

#endif
