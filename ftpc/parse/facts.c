/* facts: "name=value;" lists of MLST and MLSD. */
#include <string.h>
#include <strings.h>

#include "ftpc/parse/facts.h"
#include "ftpc/parse/number.h"

static const struct {
    const char *name;
    unsigned bit;
} FACTS[] = {
    { "type", FTP_FACT_TYPE },     { "size", FTP_FACT_SIZE },     { "modify", FTP_FACT_MODIFY },
    { "perm", FTP_FACT_PERM },     { "unique", FTP_FACT_UNIQUE }, { "UNIX.mode", FTP_FACT_UNIX_MODE },
};

unsigned ftp_fact_bit(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof FACTS / sizeof FACTS[0]; i++)
        if (strlen(FACTS[i].name) == n && strncasecmp(p, FACTS[i].name, n) == 0)
            return FACTS[i].bit;
    return 0;
}

static int is_word(const char *v, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(v, word, n) == 0;
}

static int has_prefix(const char *v, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && strncasecmp(v, prefix, k) == 0;
}

static int parse_type(const char *v, size_t n, struct ftp_facts *f)
{
    if (n == 0)
        return -1;
    if (is_word(v, n, "file"))
        f->type = ENTRY_FILE;
    else if (is_word(v, n, "dir"))
        f->type = ENTRY_DIR;
    else if (is_word(v, n, "cdir") || is_word(v, n, "pdir")) {
        f->type = ENTRY_DIR;
        f->listed_folder = 1;
    } else if (has_prefix(v, n, "OS.unix=slink") || is_word(v, n, "OS.unix=symlink")) {
        f->type = ENTRY_LINK;
        size_t k = sizeof "OS.unix=slink" - 1;
        if (has_prefix(v, n, "OS.unix=slink:") && n > k + 1) {
            f->link_target = v + k + 1;
            f->link_target_len = n - k - 1;
        }
    }
    else
        f->type = ENTRY_OTHER; /* other OS types and types registered later */
    return 0;
}

static int parse_perm(const char *v, size_t n, unsigned *perm)
{
    *perm = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i] >= 'A' && v[i] <= 'Z' ? (char)(v[i] - 'A' + 'a') : v[i];
        if (c < 'a' || c > 'z' || strchr("acdeflmprw", c) == NULL)
            return -1;
        *perm |= FTP_PERM(c);
    }
    return 0;
}

static int parse_unique(const char *v, size_t n, char *out)
{
    if (n == 0 || n >= FTP_UNIQUE_MAX)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (v[i] < 0x21 || v[i] > 0x7e)
            return -1;
    memcpy(out, v, n);
    out[n] = '\0';
    return 0;
}

static int parse_octal(const char *v, size_t n, unsigned *out)
{
    if (n == 0 || n > 7)
        return -1;
    *out = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '7')
            return -1;
        *out = *out * 8 + (unsigned)(v[i] - '0');
    }
    return 0;
}

/* One known fact's value. */
static int parse_value(unsigned bit, const char *v, size_t n, struct ftp_facts *f)
{
    switch (bit) {
    case FTP_FACT_TYPE:   return parse_type(v, n, f);
    case FTP_FACT_SIZE:   return parse_digits_u64(v, n, &f->size);
    case FTP_FACT_MODIFY: return ftp_parse_time_val(v, n, &f->modify);
    case FTP_FACT_PERM:   return parse_perm(v, n, &f->perm);
    case FTP_FACT_UNIQUE: return parse_unique(v, n, f->unique);
    case FTP_FACT_UNIX_MODE: return parse_octal(v, n, &f->unix_mode);
    default:              return 0;
    }
}

int ftp_parse_facts(const char *p, size_t n, struct ftp_facts *f)
{
    memset(f, 0, sizeof *f);
    f->type = ENTRY_OTHER;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            return -1;
    const char *end = p + n;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (semi == NULL)
            return -1;
        const char *eq = memchr(p, '=', (size_t)(semi - p));
        if (eq == NULL || eq == p)
            return -1;
        size_t klen = (size_t)(eq - p);
        for (size_t i = 0; i < klen; i++)
            if (p[i] < 0x21 || p[i] > 0x7e)
                return -1;
        unsigned bit = ftp_fact_bit(p, klen);
        if ((f->have & bit) != 0 || parse_value(bit, eq + 1, (size_t)(semi - eq - 1), f) != 0)
            return -1;
        f->have |= bit;
        p = semi + 1;
    }
    return 0;
}

int ftp_parse_fact_line(const char *line, size_t len, struct ftp_facts *f, const char **name,
                        size_t *name_len)
{
    const char *sp = memchr(line, ' ', len);
    if (sp == NULL || sp + 1 == line + len)
        return -1;
    if (ftp_parse_facts(line, (size_t)(sp - line), f) != 0)
        return -1;
    *name = sp + 1;
    *name_len = (size_t)(line + len - sp - 1);
    return 0;
}
