/* anchor_lookup: a trust list that costs nothing until it is used.
 *
 * Parsing a certificate with OpenSSL 3 costs about 0.1 ms (most of it
 * decoding the public key), so loading an application's 150 CAs into an
 * X509_STORE took longer than the rest of a connection's set-up. Instead
 * the store's DER blobs are kept as they are, and an X509_LOOKUP hands
 * OpenSSL a CA only when chain building asks for that subject: a
 * verification parses the few certificates it needs. */
#ifndef TRUSTD_STORE_ANCHOR_LOOKUP_H
#define TRUSTD_STORE_ANCHOR_LOOKUP_H

#include <stddef.h>

#include <openssl/x509_vfy.h>

struct anchor_set;

struct anchor_set *anchor_set_new(void);
/* Copies one DER certificate in; 0, or -1 when out of memory. */
int anchor_set_add(struct anchor_set *set, const unsigned char *der, size_t len);
size_t anchor_set_count(const struct anchor_set *set);
void anchor_set_free(struct anchor_set *set);

/* Attaches set to xs as a lookup (xs owns it from then on, also on
 * failure). Returns 0, or -1 when out of memory. */
int anchor_set_attach(X509_STORE *xs, struct anchor_set *set);

/* Finds the subject Name inside a DER certificate without parsing the rest:
 * *name and *name_len point at its whole DER encoding. Returns 0, or -1
 * when der is not a well-formed certificate header. Pure. */
int anchor_der_subject(const unsigned char *der, size_t len, const unsigned char **name,
                       size_t *name_len);

#endif
