/*
 * buf: a growable byte buffer with a hard maximum fixed at creation, so that
 * nothing a peer sends can make it grow without bound.
 */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stddef.h>

#include "common/err.h"

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);

/* Appends n bytes; -1 (buffer unchanged) when the result would exceed max or
 * memory runs out. The data stays NUL-terminated for convenience. */
int buf_append(struct buf *b, const void *p, size_t n) MUST_CHECK;

/* Drops the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);

void buf_reset(struct buf *b);

#endif
