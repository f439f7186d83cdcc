/* certinfo: formatting of certificate fields. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/certinfo.h"

void certinfo_name(const X509_NAME *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "?");
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL)
        return;
    /* RFC 2253 escaping of its special characters, UTF-8 kept as it is,
     * and control characters kept too: the name is stored and put in JSON
     * exactly; whoever prints it for people makes it visible
     * (common/visible.h), so ESC or BEL in a name never reach a terminal. */
    unsigned long flags = XN_FLAG_RFC2253 & ~(ASN1_STRFLGS_ESC_MSB | ASN1_STRFLGS_ESC_CTRL);
    if (X509_NAME_print_ex(b, name, 0, flags) >= 0) {
        char *p = NULL;
        long n = BIO_get_mem_data(b, &p);
        if (n >= 0 && p != NULL)
            snprintf(out, outlen, "%.*s", (int)n, p);
    }
    BIO_free(b);
}

void certinfo_cn(X509 *cert, char *out, size_t outlen)
{
    out[0] = '\0';
    X509_NAME *name = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0)
        return;
    ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0)
        return;
    snprintf(out, outlen, "%.*s", n, (const char *)utf8);
    OPENSSL_free(utf8);
}

int certinfo_sha256_hex(X509 *cert, char out[CERTINFO_HEX_SHA256])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!X509_digest(cert, EVP_sha256(), md, &n) || n != 32)
        return -1;
    certinfo_hex32(md, out);
    return 0;
}

void certinfo_hex32(const unsigned char md[32], char out[CERTINFO_HEX_SHA256])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

void certinfo_hex(const unsigned char *md, size_t n, int colons, char *out, size_t outlen)
{
    const char *digits = colons ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t o = 0;
    if (outlen == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t need = (colons && i > 0 ? 1u : 0u) + 2u;
        if (o + need + 1 > outlen)
            break;
        if (colons && i > 0)
            out[o++] = ':';
        out[o++] = digits[md[i] >> 4];
        out[o++] = digits[md[i] & 15];
    }
    out[o] = '\0';
}

void certinfo_colon_form(const char hex[CERTINFO_HEX_SHA256], char out[CERTINFO_COLON_SHA256])
{
    size_t o = 0;
    for (size_t i = 0; i < 64 && hex[i] != '\0'; i += 2) {
        if (i > 0)
            out[o++] = ':';
        for (size_t k = 0; k < 2; k++) {
            char c = hex[i + k];
            out[o++] = (c >= 'a' && c <= 'f') ? (char)(c - 'a' + 'A') : c;
        }
    }
    out[o] = '\0';
}

void certinfo_serial(X509 *cert, char *out, size_t outlen)
{
    snprintf(out, outlen, "?");
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    if (bn == NULL)
        return;
    char *hex = BN_bn2hex(bn);
    if (hex != NULL)
        snprintf(out, outlen, "%s", hex);
    OPENSSL_free(hex);
    BN_free(bn);
}

int certinfo_time(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

void certinfo_format_time(int64_t t, char *out, size_t outlen)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(out, outlen, "?");
}

void certinfo_format_iso(int64_t t, char *out, size_t outlen)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, outlen, "?");
}

int certinfo_is_ca(X509 *cert)
{
    uint32_t flags = X509_get_extension_flags(cert);
    if (flags & EXFLAG_BCONS)
        return (flags & EXFLAG_CA) != 0;
    return X509_self_signed(cert, 0) == 1;
}
