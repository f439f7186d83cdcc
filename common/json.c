/* json: streaming writer. */
#include "common/json.h"
#include "common/utf8.h"

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
            unsigned cp;
            /* The NUL ends s, so a cut sequence fails its continuation check. */
            size_t n = utf8_decode(p, 4, &cp);
            if (n == 0) {
                fputs("\\ufffd", f);
                p++;
                continue;
            }
            fwrite(p, 1, n, f);
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

void jw_fixed(struct jw *j, double v, int decimals)
{
    before_value(j);
    /* JSON has no NaN or infinity. */
    if (!(v == v) || v > 1e300 || v < -1e300)
        v = 0;
    fprintf(j->f, "%.*f", decimals, v);
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
