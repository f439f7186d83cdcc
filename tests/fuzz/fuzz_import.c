/* Fuzz target: trustd's certificate import (PEM, DER, PKCS#7, PKCS#12). */
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    STACK_OF(X509) *certs = NULL;
    if (import_parse(data, size, "fuzz", NULL, &certs, &e) == 0)
        sk_X509_pop_free(certs, X509_free);
    certs = NULL;
    if (import_parse(data, size, "fuzz", "password", &certs, &e) == 0)
        sk_X509_pop_free(certs, X509_free);
    return 0;
}
