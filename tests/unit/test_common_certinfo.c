/* Unit tests of common/certinfo on certificates made here with OpenSSL:
 * names (RFC 2253 order and escaping, UTF-8 and control bytes kept), the
 * common name, fingerprints in hex and colon form, serial numbers, the CA
 * rule and validity times. */
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/certinfo.h"
#include "tests/unit/expect.h"

static EVP_PKEY *key;

static void add_name(X509_NAME *n, const char *field, const char *value)
{
    X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1, -1, 0);
}

/* A certificate for subject (entries added in order), issued by issuer
 * (NULL: self-issued), with basicConstraints bc (NULL: none). */
static X509 *make_cert(const char *const *subject, const X509_NAME *issuer, const char *bc,
                       long serial, const char *not_before, const char *not_after)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_NAME *name = X509_get_subject_name(x);
    for (size_t i = 0; subject[i] != NULL; i += 2)
        add_name(name, subject[i], subject[i + 1]);
    X509_set_issuer_name(x, issuer ? issuer : name);
    ASN1_TIME_set_string(X509_getm_notBefore(x), not_before);
    ASN1_TIME_set_string(X509_getm_notAfter(x), not_after);
    X509_set_pubkey(x, key);
    if (bc != NULL) {
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, bc);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(x, key, EVP_sha256());
    return x;
}

static void names(void)
{
    static const char *const subject[] = { "C", "DE", "O", "Acme, Inc.", "CN", "M\xc3\xbcller Root",
                                           NULL };
    X509 *x = make_cert(subject, NULL, "critical,CA:TRUE", 1, "20260101120000Z", "20360101120000Z");
    char out[512];
    certinfo_name(X509_get_subject_name(x), out, sizeof out);
    /* Most specific first, the comma escaped, UTF-8 as it is. */
    EXPECT_EQ_STR(out, "CN=M\xc3\xbcller Root,O=Acme\\, Inc.,C=DE");
    certinfo_name(X509_get_issuer_name(x), out, sizeof out);
    EXPECT_EQ_STR(out, "CN=M\xc3\xbcller Root,O=Acme\\, Inc.,C=DE");
    certinfo_cn(x, out, sizeof out);
    EXPECT_EQ_STR(out, "M\xc3\xbcller Root");
    /* A short buffer gets a cut, terminated name. */
    char small[8];
    certinfo_name(X509_get_subject_name(x), small, sizeof small);
    EXPECT_EQ_STR(small, "CN=M\xc3\xbcl");
    X509_free(x);

    /* Control characters are kept for whoever prints the name to escape
     * (common/visible.h); no CN gives "". */
    static const char *const hostile[] = { "O", "evil\x1b[2J", NULL };
    x = make_cert(hostile, NULL, NULL, 2, "20260101120000Z", "20360101120000Z");
    certinfo_name(X509_get_subject_name(x), out, sizeof out);
    EXPECT_EQ_STR(out, "O=evil\x1b[2J");
    certinfo_cn(x, out, sizeof out);
    EXPECT_EQ_STR(out, "");
    X509_free(x);
}

static void fingerprints(void)
{
    unsigned char md[32];
    for (unsigned i = 0; i < 32; i++)
        md[i] = (unsigned char)(i * 8 + 7);
    char hex[CERTINFO_HEX_SHA256], colon[CERTINFO_COLON_SHA256], text[200];
    certinfo_hex32(md, hex);
    EXPECT_EQ_INT(strlen(hex), 64);
    EXPECT(strncmp(hex, "070f171f272f373f", 16) == 0);
    EXPECT_EQ_STR(hex + 56, "e7eff7ff");
    certinfo_colon_form(hex, colon);
    EXPECT_EQ_INT(strlen(colon), 95);
    EXPECT(strncmp(colon, "07:0F:17:1F:", 12) == 0);
    EXPECT_EQ_STR(colon + 84, "E7:EF:F7:FF");
    /* certinfo_hex: the same two forms for any length. */
    certinfo_hex(md, 32, 1, text, sizeof text);
    EXPECT_EQ_STR(text, colon);
    certinfo_hex(md, 32, 0, text, sizeof text);
    EXPECT_EQ_STR(text, hex);
    static const unsigned char three[] = { 0xab, 0xcd, 0x01 };
    certinfo_hex(three, 3, 1, text, sizeof text);
    EXPECT_EQ_STR(text, "AB:CD:01");
    certinfo_hex(three, 3, 0, text, sizeof text);
    EXPECT_EQ_STR(text, "abcd01");
    /* A short buffer holds whole bytes only. */
    certinfo_hex(three, 3, 1, text, 6);
    EXPECT_EQ_STR(text, "AB:CD");
    certinfo_hex(three, 3, 0, text, 6);
    EXPECT_EQ_STR(text, "abcd");
    text[0] = 'x';
    certinfo_hex(three, 3, 1, text, 0);
    EXPECT_EQ_INT(text[0], 'x'); /* nothing written into no room */

    /* A certificate's SHA-256: the digest of its DER form. */
    static const char *const subject[] = { "CN", "Digest Test", NULL };
    X509 *x = make_cert(subject, NULL, "critical,CA:TRUE", 3, "20260101120000Z", "20360101120000Z");
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    unsigned char want[32];
    unsigned int n = 0;
    EXPECT(len > 0 && EVP_Digest(der, (size_t)len, want, &n, EVP_sha256(), NULL) == 1 && n == 32);
    OPENSSL_free(der);
    char want_hex[CERTINFO_HEX_SHA256];
    certinfo_hex32(want, want_hex);
    EXPECT_EQ_INT(certinfo_sha256_hex(x, hex), 0);
    EXPECT_EQ_STR(hex, want_hex);
    X509_free(x);
}

static void serial_and_ca(void)
{
    static const char *const root_name[] = { "CN", "Root", NULL };
    static const char *const leaf_name[] = { "CN", "leaf.example", NULL };
    X509 *root = make_cert(root_name, NULL, "critical,CA:TRUE", 0x1a2b3c, "20260101120000Z",
                           "20360101120000Z");
    char out[64];
    certinfo_serial(root, out, sizeof out);
    EXPECT_EQ_STR(out, "1A2B3C");
    EXPECT_EQ_INT(certinfo_is_ca(root), 1);

    X509 *leaf = make_cert(leaf_name, X509_get_subject_name(root), "critical,CA:FALSE", 255,
                           "20260101120000Z", "20270101120000Z");
    certinfo_serial(leaf, out, sizeof out);
    EXPECT_EQ_STR(out, "FF");
    EXPECT_EQ_INT(certinfo_is_ca(leaf), 0);
    /* Without basicConstraints: a self-signed certificate is an old-style
     * root, one issued by another is not a CA. */
    X509 *old_root = make_cert(root_name, NULL, NULL, 5, "20260101120000Z", "20360101120000Z");
    EXPECT_EQ_INT(certinfo_is_ca(old_root), 1);
    X509 *old_leaf = make_cert(leaf_name, X509_get_subject_name(root), NULL, 6, "20260101120000Z",
                               "20360101120000Z");
    EXPECT_EQ_INT(certinfo_is_ca(old_leaf), 0);
    X509_free(root);
    X509_free(leaf);
    X509_free(old_root);
    X509_free(old_leaf);
}

static void validity(void)
{
    static const char *const subject[] = { "CN", "Dated", NULL };
    /* UTCTime before 2050, GeneralizedTime after. */
    X509 *x = make_cert(subject, NULL, "critical,CA:TRUE", 7, "260101120000Z", "20500101000000Z");
    int64_t t = 0;
    EXPECT_EQ_INT(certinfo_time(X509_get0_notBefore(x), &t), 0);
    EXPECT_EQ_INT(t, 1767268800);
    char out[64];
    certinfo_format_time(t, out, sizeof out);
    EXPECT_EQ_STR(out, "2026-01-01 12:00:00 UTC");
    certinfo_format_iso(t, out, sizeof out);
    EXPECT_EQ_STR(out, "2026-01-01T12:00:00Z");
    EXPECT_EQ_INT(certinfo_time(X509_get0_notAfter(x), &t), 0);
    EXPECT_EQ_INT(t, 2524608000LL);
    certinfo_format_iso(t, out, sizeof out);
    EXPECT_EQ_STR(out, "2050-01-01T00:00:00Z");
    X509_free(x);

    certinfo_format_time(0, out, sizeof out);
    EXPECT_EQ_STR(out, "1970-01-01 00:00:00 UTC");
    /* Too small a buffer: "?" rather than a cut date. */
    char small[8];
    certinfo_format_time(1767268800, small, sizeof small);
    EXPECT_EQ_STR(small, "?");

    /* A time that does not parse, and none. */
    ASN1_UTCTIME *bad = ASN1_UTCTIME_new();
    EXPECT(bad != NULL && ASN1_STRING_set(bad, "2026-13-45", -1) == 1);
    t = 42;
    EXPECT_EQ_INT(certinfo_time(bad, &t), -1);
    EXPECT_EQ_INT(t, 42);
    ASN1_UTCTIME_free(bad);
    EXPECT_EQ_INT(certinfo_time(NULL, &t), -1);
}

int main(void)
{
    key = EVP_EC_gen("P-256");
    if (key == NULL)
        return 1;
    names();
    fingerprints();
    serial_and_ca();
    validity();
    EVP_PKEY_free(key);
    return expect_done("test_common_certinfo");
}
