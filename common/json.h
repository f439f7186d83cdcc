/*
 * json: a small streaming JSON writer for machine-readable output. It keeps
 * commas and nesting right and escapes strings (RFC 8259); bytes that are
 * not valid UTF-8 are written as U+FFFD.
 */
#ifndef COMMON_JSON_H
#define COMMON_JSON_H

#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct jw {
    FILE *f;
    int depth;
    int need_comma[JSON_MAX_DEPTH];
    int after_key;
};

void jw_init(struct jw *j, FILE *f);
void jw_begin_object(struct jw *j);
void jw_end_object(struct jw *j);
void jw_begin_array(struct jw *j);
void jw_end_array(struct jw *j);
void jw_key(struct jw *j, const char *key);
void jw_string(struct jw *j, const char *s);
void jw_int(struct jw *j, long long v);
/* A number with that many decimals (a C locale's point). */
void jw_fixed(struct jw *j, double v, int decimals);
void jw_bool(struct jw *j, int v);
void jw_null(struct jw *j);

/* "key": value in one call. */
void jw_kv_string(struct jw *j, const char *key, const char *s);
void jw_kv_int(struct jw *j, const char *key, long long v);
void jw_kv_bool(struct jw *j, const char *key, int v);

/* Ends the document with a newline. */
void jw_finish(struct jw *j);

#endif
