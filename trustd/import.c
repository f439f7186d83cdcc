/* import: certificate file parsing (PEM or DER). Input is untrusted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "import.h"

static int looks_like_pem(const unsigned char *data, size_t len)
{
    static const char tag[] = "-----BEGIN ";
    size_t n = sizeof tag - 1;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, tag, n) == 0)
            return 1;
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
                rc = err_set(e, ERR_USAGE, "%s: PEM block %d is damaged", name, block);
            break;
        }
        if (strcmp(type, "CERTIFICATE") != 0 && strcmp(type, "X509 CERTIFICATE") != 0 &&
            strcmp(type, "TRUSTED CERTIFICATE") != 0) {
            rc = err_set(e, ERR_USAGE, "%s: PEM block %d is a %s, not a certificate", name, block,
                         type);
        } else {
            const unsigned char *p = body;
            X509 *x = strcmp(type, "TRUSTED CERTIFICATE") == 0 ? d2i_X509_AUX(NULL, &p, bodylen)
                                                                 : d2i_X509(NULL, &p, bodylen);
            if (x == NULL || (strcmp(type, "TRUSTED CERTIFICATE") != 0 && p != body + bodylen)) {
                X509_free(x);
                rc = err_set(e, ERR_USAGE, "%s: certificate %d is not a valid X.509 certificate",
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

int import_parse(const unsigned char *data, size_t len, const char *name, STACK_OF(X509) **out,
                 struct err *e)
{
    *out = NULL;
    if (len == 0)
        return err_set(e, ERR_USAGE, "%s: file is empty", name);
    if (len > IMPORT_FILE_MAX)
        return err_set(e, ERR_USAGE, "%s: file is larger than %u bytes", name, IMPORT_FILE_MAX);
    STACK_OF(X509) *certs = sk_X509_new_null();
    if (certs == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    int rc;
    if (looks_like_pem(data, len)) {
        rc = parse_pem(data, len, name, certs, e);
    } else {
        const unsigned char *p = data;
        X509 *x = d2i_X509(NULL, &p, (long)len);
        ERR_clear_error();
        if (x == NULL || p != data + len) {
            X509_free(x);
            rc = err_set(e, ERR_USAGE, "%s: neither a PEM file nor a DER certificate", name);
        } else if (!sk_X509_push(certs, x)) {
            X509_free(x);
            rc = err_set(e, ERR_INTERNAL, "out of memory");
        } else {
            rc = 0;
        }
    }
    if (rc == 0 && sk_X509_num(certs) == 0)
        rc = err_set(e, ERR_USAGE, "%s: holds no certificate", name);
    if (rc != 0) {
        sk_X509_pop_free(certs, X509_free);
        return -1;
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
                rc = err_set(e, ERR_USAGE, "%s: file is larger than %u bytes", path, IMPORT_FILE_MAX);
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
