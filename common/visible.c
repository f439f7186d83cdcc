/* visible: escaping of untrusted text for terminals (see visible.h). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/visible.h"

/* Length of the valid, printable UTF-8 sequence at p (1..4), or 0 when the
 * bytes there must be escaped: C0 controls but for tab and newline are
 * the caller's, DEL and the C1 controls are never printable. */
static size_t utf8_printable(const unsigned char *p, size_t n)
{
    unsigned cp;
    size_t len = utf8_decode(p, n, &cp);
    if (len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
        return 0;
    return len;
}

/* Calls emit for each piece of the visible form; stops when it fails. */
typedef int (*emit_fn)(void *arg, const char *p, size_t n);

static int visible_walk(const char *in, size_t n, unsigned flags, emit_fn emit, void *arg)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)in;
    size_t i = 0;
    while (i < n) {
        size_t run = 0;
        for (;;) {
            if (i + run >= n)
                break;
            unsigned char c = p[i + run];
            if (c == '\t' || (c == '\n' && (flags & VIS_KEEP_NL))) {
                run++;
                continue;
            }
            size_t l = utf8_printable(p + i + run, n - i - run);
            if (l == 0)
                break;
            run += l;
        }
        if (run > 0 && emit(arg, in + i, run) != 0)
            return -1;
        i += run;
        if (i < n) {
            char esc[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };
            if (emit(arg, esc, sizeof esc) != 0)
                return -1;
            i++;
        }
    }
    return 0;
}

struct copy_state {
    char *out;
    size_t outlen, used, need;
    int full;
};

static int copy_emit(void *arg, const char *p, size_t n)
{
    struct copy_state *st = arg;
    st->need += n;
    if (st->full || st->outlen == 0)
        return 0;
    if (n == 4 && p[0] == '\\' && st->used + n >= st->outlen) {
        st->full = 1; /* never half an escape */
        return 0;
    }
    size_t room = st->outlen - 1 - st->used;
    size_t take = n < room ? n : room;
    /* Do not cut a UTF-8 character in half. */
    if (take < n)
        while (take > 0 && ((unsigned char)p[take] & 0xc0) == 0x80)
            take--;
    memcpy(st->out + st->used, p, take);
    st->used += take;
    if (take < n)
        st->full = 1;
    return 0;
}

size_t visible_copy(char *out, size_t outlen, const char *in, size_t n, unsigned flags)
{
    struct copy_state st = { out, outlen, 0, 0, 0 };
    visible_walk(in, n, flags, copy_emit, &st);
    if (outlen > 0)
        out[st.used] = '\0';
    return st.need;
}

const char *visible_str(char *buf, size_t buflen, const char *s)
{
    visible_copy(buf, buflen, s != NULL ? s : "", s != NULL ? strlen(s) : 0, 0);
    return buf;
}

static int file_emit(void *arg, const char *p, size_t n)
{
    return fwrite(p, 1, n, (FILE *)arg) == n ? 0 : -1;
}

int visible_fwrite(FILE *f, const char *in, size_t n, unsigned flags)
{
    return visible_walk(in, n, flags, file_emit, f);
}

int visible_is_clean(const char *s, size_t n, unsigned flags)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] == '\t' || (p[i] == '\n' && (flags & VIS_KEEP_NL))) {
            i++;
            continue;
        }
        size_t l = utf8_printable(p + i, n - i);
        if (l == 0)
            return 0;
        i += l;
    }
    return 1;
}

/* The stream behind visible_stream: a UTF-8 character cut by the caller's
 * write boundary waits in held[] for its continuation bytes. */
struct vis_cookie {
    FILE *raw;
    unsigned flags;
    char held[4];
    size_t nheld;
};

/* How many bytes at the end of p[0..n) start a UTF-8 character that is
 * still incomplete (0 when the last character is whole or invalid). */
static size_t utf8_incomplete_tail(const unsigned char *p, size_t n)
{
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = p[n - back];
        if ((c & 0xc0) == 0x80)
            continue;
        size_t want = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 1;
        return want > back ? back : 0;
    }
    return 0;
}

static ssize_t vis_write(void *arg, const char *p, size_t n)
{
    struct vis_cookie *v = arg;
    char joined[4 + 4096];
    size_t done = 0;
    while (done < n) {
        size_t take = n - done < 4096 ? n - done : 4096;
        memcpy(joined, v->held, v->nheld);
        memcpy(joined + v->nheld, p + done, take);
        size_t len = v->nheld + take;
        size_t tail = utf8_incomplete_tail((const unsigned char *)joined, len);
        if (visible_fwrite(v->raw, joined, len - tail, v->flags) != 0)
            return done > 0 ? (ssize_t)done : -1;
        memcpy(v->held, joined + len - tail, tail);
        v->nheld = tail;
        done += take;
    }
    /* Flushed at once: the caller's fflush cannot reach raw, and direct
     * writes to raw's file descriptor must not overtake what came before. */
    if (fflush(v->raw) != 0)
        return -1;
    return (ssize_t)n;
}

static int vis_close(void *arg)
{
    struct vis_cookie *v = arg;
    int rc = visible_fwrite(v->raw, v->held, v->nheld, v->flags);
    if (fflush(v->raw) != 0)
        rc = -1;
    free(v);
    return rc;
}

FILE *visible_stream(FILE *raw, unsigned flags)
{
    struct vis_cookie *v = calloc(1, sizeof *v);
    if (v == NULL)
        return NULL;
    v->raw = raw;
    v->flags = flags;
    cookie_io_functions_t io = { .write = vis_write, .close = vis_close };
    FILE *f = fopencookie(v, "w", io);
    if (f == NULL) {
        free(v);
        return NULL;
    }
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}
