/*
 * visible: untrusted text (server replies, listings, remote names,
 * certificate fields, labels) made safe to print. Every byte that could
 * drive a terminal becomes visible as \xNN: C0 controls (tab kept, newline
 * kept only with VIS_KEEP_NL), DEL, C1 controls (U+0080..U+009F, which
 * some terminals take as CSI and OSC) and bytes that are not valid UTF-8.
 * Printable ASCII and valid UTF-8 pass unchanged. Pure.
 */
#ifndef COMMON_VISIBLE_H
#define COMMON_VISIBLE_H

#include <stddef.h>
#include <stdio.h>

#define VIS_KEEP_NL 1u   /* newlines pass (multi-line replies, listings) */

/* Writes the visible form of in[0..n) to out (always NUL-terminated when
 * outlen > 0, never cutting an escape or a character in half). Returns the
 * length the whole visible form needs, as snprintf does. */
size_t visible_copy(char *out, size_t outlen, const char *in, size_t n, unsigned flags);

/* visible_copy of a C string into buf; returns buf, for printf arguments. */
const char *visible_str(char *buf, size_t buflen, const char *s);

/* Writes the visible form of in[0..n) to f. 0, or -1 on a write error. */
int visible_fwrite(FILE *f, const char *in, size_t n, unsigned flags);

/* A stream that writes the visible form of everything written to it into
 * raw and flushes raw after each write (so write errors show at once and
 * direct writes to raw's descriptor keep their order). A
 * UTF-8 character split across two writes is held back, not escaped.
 * fclose flushes and leaves raw open. NULL when out of memory. */
FILE *visible_stream(FILE *raw, unsigned flags);

/* 1 when s needs no escaping at all. */
int visible_is_clean(const char *s, size_t n, unsigned flags);

#endif
