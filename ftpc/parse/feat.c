/* feat: feature lines and MLST's fact list. */
#include <string.h>
#include <strings.h>

#include "ftpc/parse/facts.h"
#include "ftpc/parse/feat.h"
#include "ftpc/parse/hash_reply.h"

static const struct {
    const char *name;
    const char *params; /* what the parameters must be, or NULL for any */
    unsigned bit;
} FEATURES[] = {
    { "MLST", NULL, FTP_FEAT_MLST },       { "SIZE", NULL, FTP_FEAT_SIZE },
    { "MDTM", NULL, FTP_FEAT_MDTM },       { "REST", "STREAM", FTP_FEAT_REST_STREAM },
    { "UTF8", NULL, FTP_FEAT_UTF8 },       { "MFMT", NULL, FTP_FEAT_MFMT },
    { "HASH", NULL, FTP_FEAT_HASH },       { "XSHA256", NULL, FTP_FEAT_XSHA256 },
    { "XSHA512", NULL, FTP_FEAT_XSHA512 }, { "XSHA1", NULL, FTP_FEAT_XSHA1 },
    { "XMD5", NULL, FTP_FEAT_XMD5 },       { "XCRC", NULL, FTP_FEAT_XCRC },
};

static int same(const char *p, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

/* "type*;size*;modify;": 1*(name ["*"] ";"). */
static int parse_fact_list(const char *p, size_t n, struct ftp_features *f)
{
    const char *end = p + n;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (semi == NULL || semi == p)
            return -1;
        size_t k = (size_t)(semi - p);
        int on = p[k - 1] == '*';
        if (on)
            k--;
        if (k == 0)
            return -1;
        for (size_t i = 0; i < k; i++)
            if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '*' || p[i] == '=')
                return -1;
        unsigned bit = ftp_fact_bit(p, k);
        f->mlst_facts |= bit;
        if (on)
            f->mlst_default |= bit;
        p = semi + 1;
    }
    return 0;
}

/* One feature line without its leading blanks. */
static int parse_feature(const char *p, size_t n, struct ftp_features *f)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            return -1;
    const char *sp = memchr(p, ' ', n);
    size_t k = sp ? (size_t)(sp - p) : n;
    if (k == 0)
        return -1;
    const char *params = sp ? sp + 1 : p + n;
    size_t plen = (size_t)(p + n - params);
    for (size_t i = 0; i < sizeof FEATURES / sizeof FEATURES[0]; i++) {
        if (!same(p, k, FEATURES[i].name))
            continue;
        if (FEATURES[i].params != NULL && !same(params, plen, FEATURES[i].params))
            continue;
        if (FEATURES[i].bit == FTP_FEAT_HASH &&
            ftp_parse_hash_feat(params, plen, &f->hash_algos, &f->hash_selected) != 0) {
            f->hash_algos = 0;
            f->hash_selected = -1;
            continue;
        }
        f->names |= FEATURES[i].bit;
        if (FEATURES[i].bit == FTP_FEAT_MLST && parse_fact_list(params, plen, f) != 0)
            return -1;
    }
    return 0;
}

int ftp_parse_feat(const char *text, size_t len, struct ftp_features *f)
{
    memset(f, 0, sizeof *f);
    f->hash_selected = -1;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        if (*p == ' ') {
            while (p < line_end && *p == ' ')
                p++;
            if (parse_feature(p, (size_t)(line_end - p), f) != 0) {
                memset(f, 0, sizeof *f);
                f->hash_selected = -1;
                return -1;
            }
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}
