/*
 * import: turns the bytes of a certificate file into certificates. Pure: no
 * store, no I/O. Accepts PEM (one or many CERTIFICATE blocks) or one DER
 * certificate; anything else in the file is an error naming the block.
 */
#ifndef TRUSTD_IMPORT_H
#define TRUSTD_IMPORT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"

/* Largest certificate file read (a system bundle is well under 1 MiB). */
#define IMPORT_FILE_MAX (16u * 1024 * 1024)

/* Parses data (from the file called name, for messages) into a new stack of
 * certificates, at least one. */
int import_parse(const unsigned char *data, size_t len, const char *name, STACK_OF(X509) **out,
                 struct err *e);

/* Reads a whole file ("-" is standard input) up to IMPORT_FILE_MAX bytes.
 * The caller frees *data. */
int import_read_file(const char *path, unsigned char **data, size_t *len, struct err *e);

#endif
