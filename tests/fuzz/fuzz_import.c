/* Fuzz target: trustd's certificate import (PEM, DER, PKCS#7, PKCS#12),
 * the client certificate reader (PEM or PKCS#12 with a key) and the
 * subject finder that trust lists use on stored DER. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/x509.h>

#include "trustd/store/anchor_lookup.h"
#include "trustd/store/identity.h"
#include "trustd/store/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    STACK_OF(X509) *certs = NULL;
    if (import_parse(data, size, "fuzz", NULL, &certs, &e) == 0)
        sk_X509_pop_free(certs, X509_free);
    certs = NULL;
    if (import_parse(data, size, "fuzz", "password", &certs, &e) == 0)
        sk_X509_pop_free(certs, X509_free);
    struct identity id;
    if (identity_parse(data, size, "fuzz", NULL, &id, &e) == 0)
        identity_free(&id);
    if (identity_parse(data, size, "fuzz", "password", &id, &e) == 0)
        identity_free(&id);
    const unsigned char *name = NULL;
    size_t name_len = 0;
    if (anchor_der_subject(data, size, &name, &name_len) == 0) {
        if (name < data || name_len > size || name + name_len > data + size)
            abort();
        X509_NAME_free(d2i_X509_NAME(NULL, &name, (long)name_len));
    }
    return 0;
}
