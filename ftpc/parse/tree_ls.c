/* tree_ls: `ls -l` lines of a LIST listing as tree entries. */
#include <string.h>

#include "ftpc/parse/number.h"
#include "ftpc/parse/tree_ls.h"

#define WORDS 8 /* link count .. time, with the group: 7; one more to see the name starts */

struct word {
    const char *p;
    size_t n;
};

static int all_digits(const struct word *w, size_t min, size_t max)
{
    if (w->n < min || w->n > max)
        return 0;
    for (size_t i = 0; i < w->n; i++)
        if (w->p[i] < '0' || w->p[i] > '9')
            return 0;
    return 1;
}

static int is_month(const struct word *w)
{
    static const char MONTHS[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (w->n != 3)
        return 0;
    for (size_t i = 0; i < 12; i++)
        if (memcmp(MONTHS + 3 * i, w->p, 3) == 0)
            return 1;
    return 0;
}

static int is_time_or_year(const struct word *w)
{
    if (w->n == 5 && w->p[2] == ':') {
        struct word h = { w->p, 2 }, m = { w->p + 3, 2 };
        return all_digits(&h, 2, 2) && all_digits(&m, 2, 2);
    }
    return all_digits(w, 4, 4);
}

/* The month at words[m], the day and time after it, the size before it. */
static int dated_at(const struct word *w, size_t nw, size_t m)
{
    return m + 2 < nw && is_month(&w[m]) && all_digits(&w[m + 1], 1, 2) && is_time_or_year(&w[m + 2]) &&
           all_digits(&w[m - 1], 1, 20);
}

static int mode_ok(const char *p, size_t n)
{
    if (n != 10 && !(n == 11 && strchr("+.@", p[10]) != NULL))
        return 0;
    if (strchr("-dlcbps", p[0]) == NULL)
        return 0;
    for (size_t i = 1; i < 10; i++)
        if (strchr("rwxsStT-", p[i]) == NULL)
            return 0;
    return 1;
}

/* rwx of the nine mode characters (mode_ok checked them). */
static unsigned mode_bits(const char *p)
{
    unsigned m = 0;
    for (size_t i = 0; i < 9; i++) {
        char c = p[1 + i];
        int x = i % 3 == 2 ? (c == 'x' || c == 's' || c == 't') : (c == (i % 3 == 0 ? 'r' : 'w'));
        m = m << 1 | (unsigned)x;
    }
    return m;
}

static enum tree_kind kind_of(char c)
{
    return c == '-' ? TREE_FILE : c == 'd' ? TREE_FOLDER : c == 'l' ? TREE_LINK : TREE_OTHER;
}

/* Where " -> " occurs in p[0..n), from i; NULL when it does not. */
static const char *arrow(const char *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, " -> ", 4) == 0)
            return p + i;
    return NULL;
}

int tree_parse_ls_line(const char *line, size_t len, struct tree_entry *e, const char **name,
                       size_t *name_len)
{
    memset(e, 0, sizeof *e);
    if (len > 6 && memcmp(line, "total ", 6) == 0) {
        struct word n = { line + 6, len - 6 };
        return all_digits(&n, 1, 20) ? 1 : -1;
    }
    const char *end = line + len;
    const char *sp = memchr(line, ' ', len);
    if (sp == NULL || !mode_ok(line, (size_t)(sp - line)))
        return -1;
    /* The words after the mode, each after one or more blanks. */
    struct word w[WORDS];
    size_t nw = 0;
    const char *p = sp;
    while (nw < WORDS && p < end) {
        if (*p != ' ')
            return -1;
        while (p < end && *p == ' ')
            p++;
        const char *q = p;
        while (q < end && *q != ' ')
            q++;
        if (q == p)
            break;
        w[nw++] = (struct word){ p, (size_t)(q - p) };
        p = q;
    }
    /* Link count, owner, [group,] size, month, day, time. Never both
     * readings: the word after a month is a day, never a month. */
    if (nw == 0 || !all_digits(&w[0], 1, 20))
        return -1;
    int with_group = dated_at(w, nw, 4);
    if (!with_group && !dated_at(w, nw, 3))
        return -1;
    size_t m = with_group ? 4 : 3;
    const struct word *time = &w[m + 2];
    const char *n0 = time->p + time->n;
    /* One blank, then the name: a second blank would be the name's or padding. */
    if (n0 + 1 >= end || *n0 != ' ' || n0[1] == ' ')
        return -1;
    n0++;
    size_t n = (size_t)(end - n0);
    e->kind = kind_of(line[0]);
    if (e->kind == TREE_LINK) {
        const char *a = arrow(n0, n);
        if (a == NULL || a == n0 || arrow(a + 4, (size_t)(end - a - 4)) != NULL)
            return -1;
        n = (size_t)(a - n0);
        e->target_len = (size_t)(end - a - 4);
        e->target = e->target_len ? a + 4 : NULL;
    }
    if ((n == 1 && n0[0] == '.') || (n == 2 && n0[0] == '.' && n0[1] == '.'))
        return 1;
    uint64_t size;
    if (parse_digits_u64(w[m - 1].p, w[m - 1].n, &size) != 0)
        return -1;
    e->has_size = e->kind == TREE_FILE;
    e->size = e->has_size ? size : 0;
    e->has_mode = 1;
    e->mode = mode_bits(line);
    *name = n0;
    *name_len = n;
    return 0;
}
