/*
 * gen_certs: writes a PEM bundle of N distinct self-signed CA certificates
 * (P-256 keys, CN "Generated CA <prefix>-<i>") to standard output; with
 * "same" after the prefix, all share the subject "Generated CA <prefix>"
 * (they differ in serial number). For the
 * concurrency and crash tests and the import benchmark, where the openssl
 * command would be too slow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

int main(int argc, char **argv)
{
    if (argc != 3 && !(argc == 4 && strcmp(argv[3], "same") == 0)) {
        fprintf(stderr, "usage: gen_certs COUNT PREFIX [same]\n");
        return 2;
    }
    int same = argc == 4;
    long n = strtol(argv[1], NULL, 10);
    EVP_PKEY *key = EVP_EC_gen("P-256"); /* one key for all: only the certificates must differ */
    if (key == NULL || n < 1)
        return 1;
    for (long i = 0; i < n; i++) {
        X509 *x = X509_new();
        char cn[128];
        if (same)
            snprintf(cn, sizeof cn, "Generated CA %s", argv[2]);
        else
            snprintf(cn, sizeof cn, "Generated CA %s-%ld", argv[2], i);
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), i + 1);
        X509_NAME *name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
        X509_set_issuer_name(x, name);
        X509_gmtime_adj(X509_getm_notBefore(x), 0);
        X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 30);
        X509_set_pubkey(x, key);
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, "critical,CA:TRUE");
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
        if (!X509_sign(x, key, EVP_sha256()) || !PEM_write_X509(stdout, x))
            return 1;
        X509_free(x);
    }
    EVP_PKEY_free(key);
    return fflush(stdout) == 0 ? 0 : 1;
}
