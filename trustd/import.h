/*
 * import: turns the bytes of a certificate file into certificates. Pure: no
 * store, no I/O. Accepts PEM (CERTIFICATE and PKCS7 blocks, one or many), a
 * DER certificate, DER PKCS#7 (.p7b/.p7c) and PKCS#12 (its certificates
 * only; the key is dropped at once). Anything else is an error naming the
 * file and the block or certificate.
 */
#ifndef TRUSTD_IMPORT_H
#define TRUSTD_IMPORT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

/* Largest certificate file read (a system bundle is well under 1 MiB). */
#define IMPORT_FILE_MAX (16u * 1024 * 1024)

/* Returned by import_parse for a PKCS#12 file whose password is not the
 * empty one and none was given: ask for it and call again. */
#define IMPORT_NEED_PASSWORD (-2)

/* Parses data (from the file called name, for messages) into a new stack of
 * certificates, at least one. password is for PKCS#12 (NULL: try none). */
int import_parse(const unsigned char *data, size_t len, const char *name, const char *password,
                 STACK_OF(X509) **out, struct err *e);

/* 1 when the bytes hold a PEM "-----BEGIN " line. */
int import_looks_like_pem(const unsigned char *data, size_t len);

/* Reads a whole file ("-" is standard input) up to IMPORT_FILE_MAX bytes.
 * The caller frees *data. */
int import_read_file(const char *path, unsigned char **data, size_t *len, struct err *e);

#endif
