/*
 * certinfo: the fields of an X.509 certificate that people read (names,
 * fingerprints, validity), formatted the same way by trustd and ftpc.
 */
#ifndef COMMON_CERTINFO_H
#define COMMON_CERTINFO_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#define CERTINFO_HEX_SHA256 65   /* 64 hex digits + NUL */
#define CERTINFO_COLON_SHA256 96 /* 32 pairs, 31 colons + NUL */

/* Subject or issuer in RFC 2253 order ("CN=x,O=y"); "?" when it cannot be
 * printed. Control characters are kept as they are: print the result
 * through visible_str (common/visible.h). */
void certinfo_name(const X509_NAME *name, char *out, size_t outlen);

/* The subject's common name, or "" when it has none. */
void certinfo_cn(X509 *cert, char *out, size_t outlen);

/* Lower-case hex of a 32-byte digest. */
void certinfo_hex32(const unsigned char md[32], char out[CERTINFO_HEX_SHA256]);

/* Lower-case hex SHA-256 of the DER encoding. */
int certinfo_sha256_hex(X509 *cert, char out[CERTINFO_HEX_SHA256]);

/* "AB:CD:..." as `openssl x509 -fingerprint -sha256` prints it. */
void certinfo_colon_form(const char hex[CERTINFO_HEX_SHA256], char out[CERTINFO_COLON_SHA256]);

/* A digest of n bytes as a fingerprint: with colons, "AB:CD:..." in upper
 * case as OpenSSL prints it (what trustd and ftpc show in text); without,
 * "abcd..." in lower case (JSON, and the store's own form). out holds at
 * least 3 * n bytes; a shorter out gets as many whole bytes as fit. */
void certinfo_hex(const unsigned char *md, size_t n, int colons, char *out, size_t outlen);

/* 1 for a CA: basicConstraints CA:TRUE, or, when it has no
 * basicConstraints, a self-signed certificate (an old-style root). */
int certinfo_is_ca(X509 *cert);

/* Serial number in upper-case hex. */
void certinfo_serial(X509 *cert, char *out, size_t outlen);

/* ASN.1 time as Unix seconds; -1 when it cannot be read. */
int certinfo_time(const ASN1_TIME *t, int64_t *out);

/* Unix seconds as "2026-11-28 12:00:00 UTC". */
void certinfo_format_time(int64_t t, char *out, size_t outlen);

/* Unix seconds as "2026-11-28T12:00:00Z" (for JSON). */
void certinfo_format_iso(int64_t t, char *out, size_t outlen);

#endif
