/* import: certificate file parsing (PEM or DER). Input is untrusted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include "import.h"

int import_looks_like_pem(const unsigned char *data, size_t len)
{
    static const char tag[] = "-----BEGIN ";
    size_t n = sizeof tag - 1;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, tag, n) == 0)
            return 1;
    return 0;
}

/* The certificates of a PKCS#7 SignedData (a .p7b bundle). */
static int take_p7(PKCS7 *p7, STACK_OF(X509) *certs)
{
    STACK_OF(X509) *in = NULL;
    if (PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
        in = p7->d.sign->cert;
    else if (PKCS7_type_is_signedAndEnveloped(p7) && p7->d.signed_and_enveloped != NULL)
        in = p7->d.signed_and_enveloped->cert;
    if (in == NULL)
        return -1;
    for (int i = 0; i < sk_X509_num(in); i++) {
        X509 *x = sk_X509_value(in, i);
        if (!X509_up_ref(x))
            return -1;
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            return -1;
        }
    }
    return 0;
}

static int parse_pem(const unsigned char *data, size_t len, const char *name,
                     STACK_OF(X509) *certs, struct err *e)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    int rc = 0;
    for (int block = 1;; block++) {
        char *type = NULL, *header = NULL;
        unsigned char *body = NULL;
        long bodylen = 0;
        ERR_clear_error();
        if (!PEM_read_bio(bio, &type, &header, &body, &bodylen)) {
            unsigned long code = ERR_peek_last_error();
            ERR_clear_error();
            if (ERR_GET_REASON(code) != PEM_R_NO_START_LINE || block == 1)
                rc = err_set(e, ERR_LOCAL, "%s: PEM block %d is damaged", name, block);
            break;
        }
        if (strcmp(type, "PKCS7") == 0) {
            const unsigned char *p = body;
            PKCS7 *p7 = d2i_PKCS7(NULL, &p, bodylen);
            if (p7 == NULL || take_p7(p7, certs) != 0)
                rc = err_set(e, ERR_LOCAL, "%s: PEM block %d is not a valid PKCS#7 certificate bundle",
                             name, block);
            PKCS7_free(p7);
        } else if (strcmp(type, "CERTIFICATE") != 0 && strcmp(type, "X509 CERTIFICATE") != 0 &&
                   strcmp(type, "TRUSTED CERTIFICATE") != 0) {
            rc = err_set(e, ERR_LOCAL, "%s: PEM block %d is a %s, not a certificate", name, block,
                         type);
        } else {
            const unsigned char *p = body;
            X509 *x = strcmp(type, "TRUSTED CERTIFICATE") == 0 ? d2i_X509_AUX(NULL, &p, bodylen)
                                                                 : d2i_X509(NULL, &p, bodylen);
            if (x == NULL || (strcmp(type, "TRUSTED CERTIFICATE") != 0 && p != body + bodylen)) {
                X509_free(x);
                rc = err_set(e, ERR_LOCAL, "%s: certificate %d is not a valid X.509 certificate",
                             name, block);
            } else if (!sk_X509_push(certs, x)) {
                X509_free(x);
                rc = err_set(e, ERR_INTERNAL, "out of memory");
            }
        }
        OPENSSL_free(type);
        OPENSSL_free(header);
        OPENSSL_free(body);
        if (rc != 0)
            break;
    }
    BIO_free(bio);
    return rc;
}

/* PKCS#12: the certificates only. The MAC is checked first so a wrong
 * password is told apart from a damaged file. */
static int parse_p12(PKCS12 *p12, const char *name, const char *password, STACK_OF(X509) *certs,
                     struct err *e)
{
    const char *pass = password;
    if (pass == NULL) {
        if (PKCS12_verify_mac(p12, "", 0))
            pass = "";
        else if (!PKCS12_verify_mac(p12, NULL, 0))
            return IMPORT_NEED_PASSWORD;
    } else if (!PKCS12_verify_mac(p12, pass, -1)) {
        ERR_clear_error();
        return err_set(e, ERR_LOCAL, "%s: wrong PKCS#12 password", name);
    }
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    if (!PKCS12_parse(p12, pass, &key, &cert, &ca)) {
        ERR_clear_error();
        return err_set(e, ERR_LOCAL, "%s: cannot read the PKCS#12 file (unsupported encryption?)", name);
    }
    EVP_PKEY_free(key); /* never kept */
    int rc = 0;
    if (cert != NULL && !sk_X509_push(certs, cert)) {
        X509_free(cert);
        rc = -1;
    }
    while (rc == 0 && ca != NULL && sk_X509_num(ca) > 0) {
        X509 *x = sk_X509_shift(ca);
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            rc = -1;
        }
    }
    sk_X509_pop_free(ca, X509_free);
    return rc == 0 ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

/* DER: one certificate, a PKCS#7 bundle or a PKCS#12 file, each exactly. */
static int parse_der(const unsigned char *data, size_t len, const char *name, const char *password,
                     STACK_OF(X509) *certs, struct err *e)
{
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x != NULL && p == data + len) {
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            return err_set(e, ERR_INTERNAL, "out of memory");
        }
        return 0;
    }
    X509_free(x);
    p = data;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
    if (p7 != NULL && p == data + len) {
        int rc = take_p7(p7, certs);
        PKCS7_free(p7);
        if (rc != 0)
            return err_set(e, ERR_LOCAL, "%s: a PKCS#7 file without certificates", name);
        return 0;
    }
    PKCS7_free(p7);
    p = data;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
    if (p12 != NULL && p == data + len) {
        int rc = parse_p12(p12, name, password, certs, e);
        PKCS12_free(p12);
        return rc;
    }
    PKCS12_free(p12);
    ERR_clear_error();
    return err_set(e, ERR_LOCAL,
                   "%s: not a certificate file (PEM, DER, PKCS#7 or PKCS#12 expected)", name);
}

int import_parse(const unsigned char *data, size_t len, const char *name, const char *password,
                 STACK_OF(X509) **out, struct err *e)
{
    *out = NULL;
    if (len == 0)
        return err_set(e, ERR_LOCAL, "%s: file is empty", name);
    if (len > IMPORT_FILE_MAX)
        return err_set(e, ERR_LOCAL, "%s: file is larger than %u bytes", name, IMPORT_FILE_MAX);
    STACK_OF(X509) *certs = sk_X509_new_null();
    if (certs == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    int rc = import_looks_like_pem(data, len) ? parse_pem(data, len, name, certs, e)
                                       : parse_der(data, len, name, password, certs, e);
    if (rc == 0 && sk_X509_num(certs) == 0)
        rc = err_set(e, ERR_LOCAL, "%s: holds no certificate", name);
    if (rc != 0) {
        sk_X509_pop_free(certs, X509_free);
        return rc;
    }
    *out = certs;
    return 0;
}

int import_read_file(const char *path, unsigned char **data, size_t *len, struct err *e)
{
    *data = NULL;
    *len = 0;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return err_set(e, ERR_LOCAL, "cannot open %s: %s", path, strerror(errno));
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap);
    int rc = 0;
    while (buf != NULL) {
        if (n == cap) {
            if (cap > IMPORT_FILE_MAX) {
                rc = err_set(e, ERR_LOCAL, "%s: file is larger than %u bytes", path, IMPORT_FILE_MAX);
                break;
            }
            unsigned char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                rc = err_set(e, ERR_INTERNAL, "out of memory");
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f))
                rc = err_set(e, ERR_LOCAL, "cannot read %s: %s", path, strerror(errno));
            break;
        }
    }
    if (buf == NULL && rc == 0)
        rc = err_set(e, ERR_INTERNAL, "out of memory");
    if (f != stdin)
        fclose(f);
    if (rc != 0) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}
