/* hash_reply: HASH, XSHA*, XMD5 and XCRC replies. */
#include <string.h>
#include <strings.h>

#include "ftpc/parse/hash_reply.h"
#include "ftpc/parse/number.h"

static const struct {
    const char *name;
    size_t hex_len;
} ALGOS[HASH_ALGOS] = {
    [HASH_SHA256] = { "SHA-256", 64 }, [HASH_SHA512] = { "SHA-512", 128 },
    [HASH_SHA1] = { "SHA-1", 40 },     [HASH_MD5] = { "MD5", 32 },
    [HASH_CRC32] = { "CRC32", 8 },
};

const char *ftp_hash_name(enum ftp_hash_algo a)
{
    return ALGOS[a].name;
}

size_t ftp_hash_hex_len(enum ftp_hash_algo a)
{
    return ALGOS[a].hex_len;
}

int ftp_hash_algo_of(const char *p, size_t n)
{
    for (int a = 0; a < HASH_ALGOS; a++)
        if (strlen(ALGOS[a].name) == n && strncasecmp(p, ALGOS[a].name, n) == 0)
            return a;
    return -1;
}

int ftp_hash_reply_code_ok(int code)
{
    return code == 213 || code == 250;
}

int ftp_parse_hash_feat(const char *p, size_t n, unsigned *algos, int *selected)
{
    *algos = 0;
    *selected = -1;
    int marked = 0;
    const char *end = p + n;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi ? semi : end;
        size_t len = (size_t)(stop - p);
        int star = len > 0 && p[len - 1] == '*';
        if (star)
            len--;
        if (len == 0 || (star && marked++))
            return -1;
        for (size_t i = 0; i < len; i++)
            if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == '*')
                return -1;
        int a = ftp_hash_algo_of(p, len);
        if (a >= 0) {
            *algos |= FTP_HASH_BIT(a);
            if (star)
                *selected = a;
        }
        p = semi ? semi + 1 : end;
    }
    return 0;
}

/* The hex digits p starts with, up to a blank or the end: how many (0
 * when anything else comes first or after). */
static size_t hex_word(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && parse_hex_digit(p[i]) >= 0)
        i++;
    return i < n && p[i] != ' ' ? 0 : i;
}

/* digits hex digits into h->hex, lower case, left-padded with zeros to
 * want digits. */
static void put_hex(struct ftp_hash_value *h, const char *p, size_t digits, size_t want)
{
    size_t pad = want - digits;
    memset(h->hex, '0', pad);
    for (size_t i = 0; i < digits; i++)
        h->hex[pad + i] = "0123456789abcdef"[parse_hex_digit(p[i])];
    h->hex[want] = '\0';
}

/* The value of algorithm a at p[0..digits): exactly its length, or for
 * CRC32 1 to 8 digits. */
static int take_value(struct ftp_hash_value *h, enum ftp_hash_algo a, const char *p, size_t digits)
{
    size_t want = ALGOS[a].hex_len;
    if (digits == 0 || digits > want || (a != HASH_CRC32 && digits != want))
        return -1;
    h->algo = a;
    put_hex(h, p, digits, want);
    return 0;
}

int ftp_parse_x_digest(const char *p, size_t n, enum ftp_hash_algo a, struct ftp_hash_value *h)
{
    memset(h, 0, sizeof *h);
    return take_value(h, a, p, hex_word(p, n));
}

int ftp_parse_xcrc(const char *p, size_t n, uint32_t *crc)
{
    size_t digits = hex_word(p, n);
    if (digits == 0 || digits > 8)
        return -1;
    uint32_t v = 0;
    for (size_t i = 0; i < digits; i++)
        v = (v << 4) | (uint32_t)parse_hex_digit(p[i]);
    *crc = v;
    return 0;
}

/* The next blank-separated word of [*p, end): its start and length, *p
 * moved past it and one blank. -1 when there is none. */
static int next_word(const char **p, const char *end, const char **w, size_t *len)
{
    const char *sp = memchr(*p, ' ', (size_t)(end - *p));
    const char *stop = sp ? sp : end;
    if (stop == *p)
        return -1;
    *w = *p;
    *len = (size_t)(stop - *p);
    *p = sp ? sp + 1 : end;
    return 0;
}

static int parse_range(const char *w, size_t len, uint64_t *start, uint64_t *end)
{
    const char *dash = memchr(w, '-', len);
    if (dash == NULL || parse_digits_u64(w, (size_t)(dash - w), start) != 0 ||
        parse_digits_u64(dash + 1, (size_t)(w + len - dash - 1), end) != 0 || *start > *end)
        return -1;
    return 0;
}

int ftp_parse_hash_reply(const char *p, size_t n, struct ftp_hash_value *h)
{
    memset(h, 0, sizeof *h);
    const char *end = p + n, *w;
    size_t len;
    if (next_word(&p, end, &w, &len) != 0)
        return -1;
    int a = ftp_hash_algo_of(w, len);
    if (a < 0 || next_word(&p, end, &w, &len) != 0 || parse_range(w, len, &h->start, &h->end) != 0 ||
        next_word(&p, end, &w, &len) != 0 || hex_word(w, len) != len ||
        take_value(h, (enum ftp_hash_algo)a, w, len) != 0)
        return -1;
    /* The path: the rest, not empty. */
    return p < end ? 0 : -1;
}
