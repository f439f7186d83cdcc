/* Fuzz target: the parsers of reply text. The first byte picks one (its
 * value modulo the number of parsers), the rest is the text after the
 * reply code: SIZE, the 150 reply's "(N bytes)", MDTM times, 257 quoted
 * names, FEAT, and MLST fact lines. Each result is checked for what the
 * parser promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ftpc/parse/facts.h"
#include "ftpc/parse/feat.h"
#include "ftpc/parse/number.h"
#include "ftpc/parse/quoted_name.h"
#include "ftpc/parse/size_reply.h"
#include "ftpc/parse/time_val.h"

static void check_time(const struct ftp_time *t)
{
    if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31 || t->hour > 23 || t->minute > 59 ||
        t->second > 60 || t->year > 9999)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    uint64_t v = 0;
    switch (data[0] % 6) {
    case 0:
        /* Digits only: every byte a digit. */
        if (ftp_parse_size_reply(text, len, &v) == 0 && (len == 0 || count_digits(text, len) != len))
            abort();
        break;
    case 1:
        if (ftp_parse_announced_size(text, len, &v) == 0 && memchr(text, '(', len) == NULL)
            abort();
        break;
    case 2: {
        struct ftp_time t;
        if (ftp_parse_time_val(text, len, &t) == 0)
            check_time(&t);
        break;
    }
    case 3: {
        char name[256];
        if (ftp_parse_quoted_name(text, len, name, sizeof name) == 0) {
            size_t n = strlen(name);
            if (n == 0 || n >= sizeof name || memchr(name, '\n', n) != NULL || text[0] != '"')
                abort();
        } else if (name[0] != '\0') {
            abort();
        }
        break;
    }
    case 4: {
        struct ftp_features f;
        if (ftp_parse_feat(text, len, &f) == 0 && (f.mlst_default & ~f.mlst_facts) != 0)
            abort();
        if (ftp_parse_feat(text, len, &f) != 0 && (f.names | f.mlst_facts | f.mlst_default) != 0)
            abort();
        break;
    }
    default: {
        struct ftp_facts f;
        const char *name;
        size_t n;
        if (ftp_parse_fact_line(text, len, &f, &name, &n) == 0) {
            if (n == 0 || name < text || name + n != text + len)
                abort();
            if ((f.have & FTP_FACT_MODIFY) != 0)
                check_time(&f.modify);
            if ((f.have & FTP_FACT_UNIQUE) != 0 && (f.unique[0] == '\0' || strlen(f.unique) >= FTP_UNIQUE_MAX))
                abort();
        }
        break;
    }
    }
    return 0;
}
