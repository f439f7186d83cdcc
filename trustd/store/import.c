/* import: certificate file parsing (PEM or DER). Input is untrusted. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include "trustd/store/import.h"

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

/* An iteration count from the file: 0 and *out when it is within
 * IMPORT_P12_ITER_MAX, else an error naming what it protects. */
static int check_iter(const ASN1_INTEGER *ai, const char *name, const char *what, struct err *e)
{
    int64_t v = 1; /* absent: the default, 1 */
    if (ai != NULL && !ASN1_INTEGER_get_int64(&v, ai))
        v = INT64_MAX; /* does not fit in 64 bits */
    if (v < 1)
        return err_set(e, ERR_LOCAL, "%s: the PKCS#12 %s has an iteration count below 1", name, what);
    if (v > IMPORT_P12_ITER_MAX)
        return err_set(e, ERR_LOCAL,
                       "%s: the PKCS#12 %s asks for %lld iterations, more than the %ld trustd "
                       "accepts; export the file again with a usual count (openssl pkcs12 -iter 2048)",
                       name, what, (long long)v, IMPORT_P12_ITER_MAX);
    return 0;
}

int import_check_pbe(const X509_ALGOR *alg, const char *name, const char *what, struct err *e)
{
    const ASN1_OBJECT *oid = NULL;
    int ptype = 0;
    const void *pval = NULL;
    X509_ALGOR_get0(&oid, &ptype, &pval, alg);
    int nid = OBJ_obj2nid(oid);
    const ASN1_TYPE *param = alg->parameter;
    int rc = 0;
    if (nid == NID_pbes2) {
        PBE2PARAM *pbe2 = param ? ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), param) : NULL;
        if (pbe2 == NULL || pbe2->keyfunc == NULL)
            rc = err_set(e, ERR_LOCAL, "%s: the PKCS#12 %s has damaged PBES2 parameters", name, what);
        else if (OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2)
            rc = err_set(e, ERR_LOCAL,
                         "%s: the PKCS#12 %s uses a key derivation other than PBKDF2; "
                         "export the file again with PBKDF2",
                         name, what);
        else {
            PBKDF2PARAM *kdf = pbe2->keyfunc->parameter
                                   ? ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
                                                               pbe2->keyfunc->parameter)
                                   : NULL;
            rc = kdf == NULL ? err_set(e, ERR_LOCAL, "%s: the PKCS#12 %s has damaged PBKDF2 parameters",
                                       name, what)
                             : check_iter(kdf->iter, name, what, e);
            PBKDF2PARAM_free(kdf);
        }
        PBE2PARAM_free(pbe2);
    } else if (EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, NULL, NULL, NULL)) {
        PBEPARAM *pbe = param ? ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), param) : NULL;
        rc = pbe == NULL ? err_set(e, ERR_LOCAL, "%s: the PKCS#12 %s has damaged PBE parameters", name, what)
                         : check_iter(pbe->iter, name, what, e);
        PBEPARAM_free(pbe);
    } else {
        rc = err_set(e, ERR_LOCAL, "%s: the PKCS#12 %s uses an unknown encryption", name, what);
    }
    (void)ptype;
    (void)pval;
    return rc;
}

/* Every iteration count of the file, read from its ASN.1 before any work:
 * the MAC's, and the key derivation of each encrypted part. A shrouded
 * key bag's own count is checked before it is decrypted (identity.c);
 * certificate imports never decrypt one. */
static int check_p12_costs(PKCS12 *p12, STACK_OF(PKCS7) *safes, const char *name, struct err *e)
{
    const ASN1_INTEGER *iter = NULL;
    const X509_ALGOR *macalg = NULL;
    PKCS12_get0_mac(NULL, &macalg, NULL, &iter, p12);
    if (macalg != NULL && check_iter(iter, name, "MAC", e) != 0)
        return -1;
    for (int i = 0; i < sk_PKCS7_num(safes); i++) {
        PKCS7 *p7 = sk_PKCS7_value(safes, i);
        if (OBJ_obj2nid(p7->type) != NID_pkcs7_encrypted)
            continue;
        if (p7->d.encrypted == NULL || p7->d.encrypted->enc_data == NULL ||
            p7->d.encrypted->enc_data->algorithm == NULL)
            return err_set(e, ERR_LOCAL, "%s: a damaged encrypted part in the PKCS#12 file", name);
        char what[64];
        snprintf(what, sizeof what, "encrypted part %d", i + 1);
        if (import_check_pbe(p7->d.encrypted->enc_data->algorithm, name, what, e) != 0)
            return -1;
    }
    return 0;
}

/* The certificates of a list of bags, and of the bags nested in them. */
static int take_bags(const STACK_OF(PKCS12_SAFEBAG) *bags, int depth, STACK_OF(X509) *certs)
{
    if (depth > 3)
        return -1;
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); i++) {
        const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
        int nid = PKCS12_SAFEBAG_get_nid(bag);
        if (nid == NID_safeContentsBag) {
            if (take_bags(PKCS12_SAFEBAG_get0_safes(bag), depth + 1, certs) != 0)
                return -1;
        } else if (nid == NID_certBag && PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate) {
            X509 *x = PKCS12_SAFEBAG_get1_cert(bag);
            if (x == NULL || !sk_X509_push(certs, x)) {
                X509_free(x);
                return -1;
            }
        }
    }
    return 0;
}

int import_p12_password(PKCS12 *p12, const char *name, const char *password, const char **pass,
                        struct err *e)
{
    STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
    if (safes == NULL) {
        ERR_clear_error();
        return err_set(e, ERR_LOCAL, "%s: cannot read the PKCS#12 file (damaged?)", name);
    }
    int rc = check_p12_costs(p12, safes, name, e);
    sk_PKCS7_pop_free(safes, PKCS7_free);
    *pass = password;
    if (rc == 0 && password == NULL) {
        if (PKCS12_verify_mac(p12, "", 0))
            *pass = "";
        else if (!PKCS12_verify_mac(p12, NULL, 0))
            rc = IMPORT_NEED_PASSWORD;
    } else if (rc == 0 && !PKCS12_verify_mac(p12, password, -1)) {
        rc = err_set(e, ERR_LOCAL, "%s: wrong PKCS#12 password", name);
    }
    ERR_clear_error();
    return rc;
}

/* PKCS#12: the certificates only; key bags are skipped unread. */
static int parse_p12(PKCS12 *p12, const char *name, const char *password, STACK_OF(X509) *certs,
                     struct err *e)
{
    const char *pass = NULL;
    int rc = import_p12_password(p12, name, password, &pass, e);
    if (rc != 0)
        return rc;
    STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
    if (safes == NULL) {
        ERR_clear_error();
        return err_set(e, ERR_LOCAL, "%s: cannot read the PKCS#12 file (damaged?)", name);
    }
    for (int i = 0; rc == 0 && i < sk_PKCS7_num(safes); i++) {
        PKCS7 *p7 = sk_PKCS7_value(safes, i);
        STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
        int type = OBJ_obj2nid(p7->type);
        if (type == NID_pkcs7_data)
            bags = PKCS12_unpack_p7data(p7);
        else if (type == NID_pkcs7_encrypted)
            bags = PKCS12_unpack_p7encdata(p7, pass, pass ? (int)strlen(pass) : 0);
        else
            continue; /* enveloped (public-key) parts: not for trustd */
        if (bags == NULL || take_bags(bags, 0, certs) != 0)
            rc = err_set(e, ERR_LOCAL, "%s: cannot read the PKCS#12 file (unsupported encryption?)", name);
        sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    }
    sk_PKCS7_pop_free(safes, PKCS7_free);
    ERR_clear_error();
    return rc;
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

int import_check_size(size_t len, const char *name, struct err *e)
{
    if (len == 0)
        return err_set(e, ERR_LOCAL, "%s: file is empty", name);
    if (len > IMPORT_FILE_MAX)
        return err_set(e, ERR_LOCAL, "%s: file is larger than %u bytes", name, IMPORT_FILE_MAX);
    return 0;
}

int import_parse(const unsigned char *data, size_t len, const char *name, const char *password,
                 STACK_OF(X509) **out, struct err *e)
{
    *out = NULL;
    if (import_check_size(len, name, e) != 0)
        return -1;
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
            /* Not realloc: the file may hold a private key, and no copy
             * of it is left behind unwiped. */
            unsigned char *nb = malloc(cap * 2);
            if (nb == NULL) {
                rc = err_set(e, ERR_INTERNAL, "out of memory");
                break;
            }
            memcpy(nb, buf, n);
            secret_wipe(buf, cap);
            free(buf);
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
        if (buf != NULL)
            secret_wipe(buf, cap);
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}
