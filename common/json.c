/* json: streaming writer. */
#include "common/json.h"

void jw_init(struct jw *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->need_comma[0] = 0;
    j->after_key = 0;
}

static void before_value(struct jw *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->need_comma[j->depth])
        fputc(',', j->f);
    j->need_comma[j->depth] = 1;
}

static void open(struct jw *j, char c)
{
    before_value(j);
    fputc(c, j->f);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->need_comma[j->depth] = 0;
}

static void close_(struct jw *j, char c)
{
    fputc(c, j->f);
    if (j->depth > 0)
        j->depth--;
}

void jw_begin_object(struct jw *j) { open(j, '{'); }
void jw_end_object(struct jw *j) { close_(j, '}'); }
void jw_begin_array(struct jw *j) { open(j, '['); }
void jw_end_array(struct jw *j) { close_(j, ']'); }

/* Length of a valid UTF-8 sequence at p, or 0. */
static int utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    int n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

static void write_escaped(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c == '\r') {
            fputs("\\r", f);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else if (c >= 0x80) {
            int n = utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", f);
                p++;
                continue;
            }
            fwrite(p, 1, (size_t)n, f);
            p += n;
            continue;
        } else {
            fputc(c, f);
        }
        p++;
    }
    fputc('"', f);
}

void jw_key(struct jw *j, const char *key)
{
    before_value(j);
    write_escaped(j->f, key);
    fputc(':', j->f);
    j->after_key = 1;
}

void jw_string(struct jw *j, const char *s)
{
    before_value(j);
    write_escaped(j->f, s);
}

void jw_int(struct jw *j, long long v)
{
    before_value(j);
    fprintf(j->f, "%lld", v);
}

void jw_bool(struct jw *j, int v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->f);
}

void jw_null(struct jw *j)
{
    before_value(j);
    fputs("null", j->f);
}

void jw_kv_string(struct jw *j, const char *key, const char *s)
{
    jw_key(j, key);
    jw_string(j, s);
}

void jw_kv_int(struct jw *j, const char *key, long long v)
{
    jw_key(j, key);
    jw_int(j, v);
}

void jw_kv_bool(struct jw *j, const char *key, int v)
{
    jw_key(j, key);
    jw_bool(j, v);
}

void jw_finish(struct jw *j)
{
    fputc('\n', j->f);
}
