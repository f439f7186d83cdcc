/* identity: a client certificate, its key and chain from PEM or PKCS#12 bytes. */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "common/tls.h"
#include "trustd/store/identity.h"
#include "trustd/store/import.h"

void identity_free(struct identity *id)
{
    X509_free(id->cert);
    EVP_PKEY_free(id->key);
    sk_X509_pop_free(id->chain, X509_free);
    memset(id, 0, sizeof *id);
}

/* The password for an encrypted PEM key; none given: note that one is
 * needed and fail the decryption. */
struct pem_pass {
    const char *password;
    int needed;
};

static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
    struct pem_pass *p = u;
    (void)rwflag;
    if (p->password == NULL) {
        p->needed = 1;
        return -1;
    }
    size_t n = strlen(p->password);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, p->password, n);
    return (int)n;
}

static int is_key_block(const char *type)
{
    size_t n = strlen(type), k = strlen("PRIVATE KEY");
    return n >= k && strcmp(type + n - k, "PRIVATE KEY") == 0;
}

/* An encrypted PKCS#8 block: its key derivation's cost checked before
 * the password is tried (as for PKCS#12), then decrypted. */
static EVP_PKEY *pem_pkcs8_encrypted(const unsigned char *body, long bodylen, const char *name,
                                     struct pem_pass *pp, struct err *e, int *refused)
{
    const unsigned char *p = body;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, bodylen);
    const X509_ALGOR *alg = NULL;
    EVP_PKEY *k = NULL;
    if (sig == NULL)
        return NULL;
    X509_SIG_get0(sig, &alg, NULL);
    if (import_check_pbe(alg, name, "private key", e) != 0) {
        *refused = 1;
    } else if (pp->password == NULL) {
        pp->needed = 1;
    } else {
        PKCS8_PRIV_KEY_INFO *p8 = PKCS8_decrypt(sig, pp->password, (int)strlen(pp->password));
        k = p8 ? EVP_PKCS82PKEY(p8) : NULL;
        PKCS8_PRIV_KEY_INFO_free(p8);
    }
    X509_SIG_free(sig);
    return k;
}

/* One private key block, as it was (its headers say how a legacy
 * encrypted key is encrypted: one MD5 round, nothing to bound), decoded
 * with the password. */
static EVP_PKEY *pem_key(const char *type, const char *header, const unsigned char *body,
                         long bodylen, const char *name, struct pem_pass *pp, struct err *e,
                         int *refused)
{
    if (strcmp(type, "ENCRYPTED PRIVATE KEY") == 0)
        return pem_pkcs8_encrypted(body, bodylen, name, pp, e, refused);
    BIO *one = BIO_new(BIO_s_secmem());
    EVP_PKEY *k = NULL;
    if (one != NULL && PEM_write_bio(one, type, header, body, bodylen) > 0)
        k = PEM_read_bio_PrivateKey(one, NULL, pem_pass_cb, pp);
    BIO_free(one);
    return k;
}

/* PEM: certificates and one private key, block by block in any order. */
static int parse_pem(const unsigned char *data, size_t len, const char *name, const char *password,
                     STACK_OF(X509) *certs, EVP_PKEY **key, struct err *e)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    struct pem_pass pp = { password, 0 };
    int rc = 0;
    for (int block = 1; rc == 0; block++) {
        char *type = NULL, *header = NULL;
        unsigned char *body = NULL;
        long bodylen = 0;
        if (!PEM_read_bio(bio, &type, &header, &body, &bodylen)) {
            int at_end = ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE;
            ERR_clear_error();
            if (!at_end)
                rc = err_set(e, ERR_LOCAL, "%s: PEM block %d is damaged", name, block);
            break;
        }
        if (strcmp(type, "CERTIFICATE") == 0 || strcmp(type, "X509 CERTIFICATE") == 0 ||
            strcmp(type, "TRUSTED CERTIFICATE") == 0) {
            const unsigned char *p = body;
            X509 *x = strcmp(type, "TRUSTED CERTIFICATE") == 0 ? d2i_X509_AUX(NULL, &p, bodylen)
                                                                : d2i_X509(NULL, &p, bodylen);
            if (x == NULL || !sk_X509_push(certs, x)) {
                X509_free(x);
                rc = err_set(e, ERR_LOCAL, "%s: the certificate in PEM block %d is damaged", name, block);
            }
        } else if (is_key_block(type)) {
            int refused = 0;
            EVP_PKEY *k = pem_key(type, header, body, bodylen, name, &pp, e, &refused);
            ERR_clear_error();
            if (refused)
                rc = -1;
            else if (k == NULL && pp.needed)
                rc = IMPORT_NEED_PASSWORD;
            else if (k == NULL)
                rc = err_set(e, ERR_LOCAL, "%s: cannot read the private key in PEM block %d (%s)",
                             name, block, password ? "wrong password, or damaged" : "damaged");
            else if (*key != NULL) {
                EVP_PKEY_free(k);
                rc = err_set(e, ERR_LOCAL, "%s: holds more than one private key; give one "
                             "certificate and its key per file", name);
            } else {
                *key = k;
            }
        }
        /* Other blocks (parameters, CRLs) are not ours to judge. */
        OPENSSL_free(type);
        OPENSSL_free(header);
        OPENSSL_clear_free(body, (size_t)bodylen);
    }
    BIO_free(bio);
    return rc;
}

/* The bags of a decrypted PKCS#12 part: certificates kept, the one key
 * decrypted (after its iteration count was checked). */
static int p12_bags(const STACK_OF(PKCS12_SAFEBAG) *bags, int depth, const char *name,
                    const char *pass, STACK_OF(X509) *certs, EVP_PKEY **key, struct err *e)
{
    if (depth > 3)
        return err_set(e, ERR_LOCAL, "%s: PKCS#12 bags nested too deep", name);
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); i++) {
        const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
        int nid = PKCS12_SAFEBAG_get_nid(bag);
        if (nid == NID_safeContentsBag) {
            if (p12_bags(PKCS12_SAFEBAG_get0_safes(bag), depth + 1, name, pass, certs, key, e) != 0)
                return -1;
            continue;
        }
        if (nid == NID_certBag && PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate) {
            X509 *x = PKCS12_SAFEBAG_get1_cert(bag);
            if (x == NULL || !sk_X509_push(certs, x)) {
                X509_free(x);
                return err_set(e, ERR_LOCAL, "%s: a damaged certificate in the PKCS#12 file", name);
            }
            continue;
        }
        EVP_PKEY *k = NULL;
        if (nid == NID_keyBag) {
            k = EVP_PKCS82PKEY(PKCS12_SAFEBAG_get0_p8inf(bag));
        } else if (nid == NID_pkcs8ShroudedKeyBag) {
            const X509_ALGOR *alg = NULL;
            X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, NULL);
            if (import_check_pbe(alg, name, "private key", e) != 0)
                return -1;
            PKCS8_PRIV_KEY_INFO *p8 = PKCS12_decrypt_skey(bag, pass, pass ? (int)strlen(pass) : 0);
            k = p8 ? EVP_PKCS82PKEY(p8) : NULL;
            PKCS8_PRIV_KEY_INFO_free(p8);
        } else {
            continue;
        }
        if (k == NULL)
            return err_set(e, ERR_LOCAL, "%s: cannot read the private key in the PKCS#12 file", name);
        if (*key != NULL) {
            EVP_PKEY_free(k);
            return err_set(e, ERR_LOCAL, "%s: holds more than one private key; give one certificate "
                           "and its key per file", name);
        }
        *key = k;
    }
    return 0;
}

static int parse_p12(const unsigned char *data, size_t len, const char *name, const char *password,
                     STACK_OF(X509) *certs, EVP_PKEY **key, struct err *e)
{
    const unsigned char *p = data;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
    if (p12 == NULL || p != data + len) {
        PKCS12_free(p12);
        ERR_clear_error();
        return err_set(e, ERR_LOCAL, "%s: neither PEM nor PKCS#12 (a client certificate file "
                       "holds the certificate and its private key)", name);
    }
    const char *pass = NULL;
    int rc = import_p12_password(p12, name, password, &pass, e);
    STACK_OF(PKCS7) *safes = rc == 0 ? PKCS12_unpack_authsafes(p12) : NULL;
    if (rc == 0 && safes == NULL)
        rc = err_set(e, ERR_LOCAL, "%s: cannot read the PKCS#12 file (damaged?)", name);
    for (int i = 0; rc == 0 && i < sk_PKCS7_num(safes); i++) {
        PKCS7 *p7 = sk_PKCS7_value(safes, i);
        int type = OBJ_obj2nid(p7->type);
        STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
        if (type == NID_pkcs7_data)
            bags = PKCS12_unpack_p7data(p7);
        else if (type == NID_pkcs7_encrypted)
            bags = PKCS12_unpack_p7encdata(p7, pass, pass ? (int)strlen(pass) : 0);
        else
            continue;
        if (bags == NULL)
            rc = err_set(e, ERR_LOCAL, "%s: cannot read the PKCS#12 file (unsupported encryption?)", name);
        else
            rc = p12_bags(bags, 0, name, pass, certs, key, e);
        sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    }
    sk_PKCS7_pop_free(safes, PKCS7_free);
    PKCS12_free(p12);
    ERR_clear_error();
    return rc;
}

int identity_parse(const unsigned char *data, size_t len, const char *name, const char *password,
                   struct identity *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    tls_w_secure_heap();
    if (import_check_size(len, name, e) != 0)
        return -1;
    STACK_OF(X509) *certs = sk_X509_new_null();
    if (certs == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    EVP_PKEY *key = NULL;
    int rc = import_looks_like_pem(data, len) ? parse_pem(data, len, name, password, certs, &key, e)
                                              : parse_p12(data, len, name, password, certs, &key, e);
    if (rc == 0 && key == NULL)
        rc = err_set(e, ERR_LOCAL, "%s: holds no private key; give the certificate and its key "
                     "in one file (PEM: cat cert.pem key.pem), or a PKCS#12 file", name);
    if (rc == 0 && sk_X509_num(certs) == 0)
        rc = err_set(e, ERR_LOCAL, "%s: holds no certificate", name);
    int leaf = -1;
    for (int i = 0; rc == 0 && leaf < 0 && i < sk_X509_num(certs); i++)
        if (X509_check_private_key(sk_X509_value(certs, i), key) == 1)
            leaf = i;
    ERR_clear_error();
    if (rc == 0 && leaf < 0)
        rc = err_set(e, ERR_LOCAL, "%s: its private key belongs to none of its certificates", name);
    if (rc != 0) {
        sk_X509_pop_free(certs, X509_free);
        EVP_PKEY_free(key);
        return rc;
    }
    out->cert = sk_X509_delete(certs, leaf);
    out->key = key;
    out->chain = certs;
    return 0;
}

int identity_check(X509 *cert, EVP_PKEY *key, const char *name, int64_t now, struct err *e)
{
    int64_t nb = 0, na = 0;
    char when[64];
    if (certinfo_time(X509_get0_notBefore(cert), &nb) != 0 ||
        certinfo_time(X509_get0_notAfter(cert), &na) != 0)
        return err_set(e, ERR_LOCAL, "%s: its validity dates cannot be read", name);
    if (nb > now) {
        certinfo_format_time(nb, when, sizeof when);
        return err_set(e, ERR_LOCAL, "%s: not valid before %s", name, when);
    }
    if (na < now) {
        certinfo_format_time(na, when, sizeof when);
        return err_set(e, ERR_LOCAL, "%s: expired on %s; assign a renewed certificate", name, when);
    }
    if (X509_check_ca(cert) > 0)
        return err_set(e, ERR_LOCAL, "%s: a CA certificate, not one a client presents", name);
    if (X509_check_purpose(cert, X509_PURPOSE_SSL_CLIENT, 0) != 1) {
        ERR_clear_error();
        return err_set(e, ERR_LOCAL, "%s: its key usage or extended key usage does not allow TLS "
                       "client authentication (clientAuth); ask its CA for a client certificate", name);
    }
    if (EVP_PKEY_get_security_bits(key) < 112) {
        char type[64];
        identity_key_type(key, type, sizeof type);
        return err_set(e, ERR_LOCAL, "%s: its key (%s) is weaker than TLS allows today (RSA 2048, "
                       "EC P-256 or stronger)", name, type);
    }
    return 0;
}

void identity_key_type(EVP_PKEY *key, char *out, size_t outlen)
{
    int id = EVP_PKEY_get_base_id(key);
    if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
        snprintf(out, outlen, "%s %d", id == EVP_PKEY_RSA ? "RSA" : "RSA-PSS", EVP_PKEY_get_bits(key));
    } else if (id == EVP_PKEY_EC) {
        char group[80] = "";
        size_t glen = 0;
        const char *nist = NULL;
        if (EVP_PKEY_get_group_name(key, group, sizeof group, &glen))
            nist = EC_curve_nid2nist(OBJ_sn2nid(group));
        snprintf(out, outlen, "EC %s", nist ? nist : group[0] ? group : "?");
    } else if (id == EVP_PKEY_ED25519) {
        snprintf(out, outlen, "Ed25519");
    } else if (id == EVP_PKEY_ED448) {
        snprintf(out, outlen, "Ed448");
    } else {
        snprintf(out, outlen, "%s", OBJ_nid2sn(id));
    }
}

int identity_key_sha256(EVP_PKEY *key, char out[65])
{
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(key, &der);
    if (len <= 0)
        return -1;
    unsigned char md[32];
    int ok = EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL);
    OPENSSL_free(der);
    if (!ok)
        return -1;
    certinfo_hex32(md, out);
    return 0;
}

int identity_to_p12(const struct identity *id, const char *label, const char *password,
                    unsigned char **out, size_t *len, struct err *e)
{
    *out = NULL;
    *len = 0;
    /* 0 for the algorithms and counts: OpenSSL 3's defaults. */
    PKCS12 *p12 = PKCS12_create(password, label, id->key, id->cert, id->chain, 0, 0, 0, 0, 0);
    unsigned char *der = NULL;
    int n = p12 ? i2d_PKCS12(p12, &der) : -1;
    PKCS12_free(p12);
    ERR_clear_error();
    if (n <= 0)
        return err_set(e, ERR_INTERNAL, "cannot make a PKCS#12 file");
    *out = der;
    *len = (size_t)n;
    return 0;
}
