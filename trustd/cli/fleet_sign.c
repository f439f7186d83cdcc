/* fleet_sign: signing and verifying a fleet manifest as CMS. */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "trustd/cli/fleet_sign.h"

int fleet_signer_eku(X509 *cert)
{
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
    ASN1_OBJECT *want = OBJ_txt2obj(FLEET_SIGNER_EKU, 1);
    int found = 0;
    for (int i = 0; eku != NULL && want != NULL && i < sk_ASN1_OBJECT_num(eku); i++)
        if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want) == 0)
            found = 1;
    ASN1_OBJECT_free(want);
    EXTENDED_KEY_USAGE_free(eku);
    return found;
}

static void subject_of(X509 *cert, char *out, size_t outlen)
{
    char *s = X509_NAME_oneline(X509_get_subject_name(cert), NULL, 0);
    snprintf(out, outlen, "%s", s ? s : "?");
    OPENSSL_free(s);
}

/* signer's chain to trust, at the present time, any purpose; the chain
 * (signer first, anchor last) into *chain when asked. -1 with why naming
 * the failing certificate and OpenSSL's reason. */
static int chain_check(X509 *signer, X509_STORE *trust, STACK_OF(X509) *untrusted,
                       STACK_OF(X509) **chain, char *why, size_t whylen)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx == NULL || !X509_STORE_CTX_init(ctx, trust, signer, untrusted)) {
        X509_STORE_CTX_free(ctx);
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
    int ok = X509_verify_cert(ctx) == 1;
    if (ok && chain != NULL)
        *chain = X509_STORE_CTX_get1_chain(ctx);
    if (!ok) {
        int code = X509_STORE_CTX_get_error(ctx);
        X509 *at = X509_STORE_CTX_get_current_cert(ctx);
        char name[512] = "";
        if (at != NULL && X509_cmp(at, signer) != 0)
            subject_of(at, name, sizeof name);
        snprintf(why, whylen, "%s%s%s", X509_verify_cert_error_string(code),
                 name[0] ? " at the certificate " : "", name);
    }
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return ok && (chain == NULL || *chain != NULL) ? 0 : -1;
}

int fleet_signer_check(X509 *signer, X509_STORE *anchors, STACK_OF(X509) *untrusted,
                       STACK_OF(X509) **chain, struct err *e)
{
    char subject[512], why[1200];
    subject_of(signer, subject, sizeof subject);
    if (chain != NULL)
        *chain = NULL;
    if (chain_check(signer, anchors, untrusted, chain, why, sizeof why) != 0)
        return err_set(e, ERR_VERIFY, "fleet signer %s: not trusted: %s", subject, why);
    if (!fleet_signer_eku(signer)) {
        if (chain != NULL) {
            sk_X509_pop_free(*chain, X509_free);
            *chain = NULL;
        }
        return err_set(e, ERR_VERIFY, "fleet signer %s: its certificate lacks the extended key "
                       "usage %s (%s)", subject, FLEET_SIGNER_EKU_NAME, FLEET_SIGNER_EKU);
    }
    return 0;
}

int fleet_sign(const char *text, size_t len, X509 *signer, EVP_PKEY *key, STACK_OF(X509) *certs,
               unsigned char **der, size_t *derlen, struct err *e)
{
    *der = NULL;
    *derlen = 0;
    if (X509_check_private_key(signer, key) != 1) {
        ERR_clear_error();
        return err_set(e, ERR_USAGE, "the signer's key does not belong to its certificate");
    }
    BIO *in = BIO_new_mem_buf(text, (int)len);
    CMS_ContentInfo *cms = in ? CMS_sign(signer, key, certs, in, CMS_BINARY | CMS_NOSMIMECAP) : NULL;
    unsigned char *out = NULL;
    int n = cms ? i2d_CMS_ContentInfo(cms, &out) : -1;
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    ERR_clear_error();
    if (n <= 0)
        return err_set(e, ERR_INTERNAL, "cannot sign the manifest (OpenSSL CMS)");
    *der = out;
    *derlen = (size_t)n;
    return 0;
}

int fleet_verify_trust(const unsigned char *der, size_t len, const char *name, X509_STORE *trust,
                       unsigned char **text, size_t *textlen, char *subject, size_t subjectlen,
                       struct err *e)
{
    *text = NULL;
    *textlen = 0;
    snprintf(subject, subjectlen, "%s", "");
    if (len == 0 || len > FLEET_SIGNED_MAX)
        return err_set(e, ERR_VERIFY, "%s: not a fleet manifest (its size, %zu bytes, is wrong)",
                       name, len);
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    if (cms == NULL || p != der + len) {
        CMS_ContentInfo_free(cms);
        ERR_clear_error();
        return err_set(e, ERR_VERIFY, "%s: not a signed fleet manifest (CMS, DER expected)", name);
    }
    int rc = -1;
    BIO *out = BIO_new(BIO_s_mem());
    STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
    if (out == NULL) {
        err_set(e, ERR_INTERNAL, "out of memory");
    } else if (infos == NULL || sk_CMS_SignerInfo_num(infos) != 1) {
        err_set(e, ERR_VERIFY, "%s: a fleet manifest has exactly one signer", name);
    } else if (CMS_verify(cms, NULL, NULL, NULL, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        /* The signature over the text; the signer's chain is judged
         * below, where its reason and certificate can be named. */
        unsigned long code = ERR_peek_last_error();
        char why[256];
        ERR_error_string_n(code, why, sizeof why);
        err_set(e, ERR_VERIFY, "%s: the signature is not good (%s)", name,
                code ? why : "no reason given");
    } else {
        STACK_OF(X509) *signers = CMS_get0_signers(cms);
        STACK_OF(X509) *certs = CMS_get1_certs(cms);
        X509 *signer = signers && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
        char why[1200];
        if (signer != NULL)
            subject_of(signer, subject, subjectlen);
        if (signer == NULL)
            err_set(e, ERR_VERIFY, "%s: the manifest's signer is not known", name);
        else if (chain_check(signer, trust, certs, NULL, why, sizeof why) != 0)
            err_set(e, ERR_VERIFY, "%s: its signer %s is not certified by the pinned fleet signer "
                    "CA: %s", name, subject, why);
        else if (!fleet_signer_eku(signer))
            err_set(e, ERR_VERIFY, "%s: its signer %s lacks the extended key usage %s (%s)",
                    name, subject, FLEET_SIGNER_EKU_NAME, FLEET_SIGNER_EKU);
        else
            rc = 0;
        sk_X509_pop_free(certs, X509_free);
        sk_X509_free(signers);
    }
    if (rc == 0) {
        char *data = NULL;
        long n = BIO_get_mem_data(out, &data);
        unsigned char *copy = n > 0 ? malloc((size_t)n) : NULL;
        if (copy == NULL) {
            rc = err_set(e, ERR_VERIFY, "%s: the signed manifest is empty", name);
        } else {
            memcpy(copy, data, (size_t)n);
            *text = copy;
            *textlen = (size_t)n;
        }
    }
    BIO_free(out);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return rc;
}

int fleet_verify(const unsigned char *der, size_t len, const char *name, X509 *ca,
                 unsigned char **text, size_t *textlen, char *subject, size_t subjectlen,
                 struct err *e)
{
    X509_STORE *store = X509_STORE_new();
    if (store == NULL || !X509_STORE_add_cert(store, ca)) {
        X509_STORE_free(store);
        ERR_clear_error();
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    /* The pinned CA is the anchor whatever its own issuer: pinning an
     * intermediate is pinning it. */
    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    int rc = fleet_verify_trust(der, len, name, store, text, textlen, subject, subjectlen, e);
    X509_STORE_free(store);
    return rc;
}
