/*
 * ascii: line-end conversion for TYPE A transfers (RFC 959 NVT-ASCII uses
 * CRLF; local files use LF). Pure functions over buffers.
 */
#ifndef FTPC_PARSE_ASCII_H
#define FTPC_PARSE_ASCII_H

#include <stddef.h>

/* CRLF -> LF. out must hold n + 1 bytes. *pending_cr carries a CR seen at the
 * end of the previous buffer; start with 0 and call ascii_to_local_end at the
 * end of the stream. Returns the bytes written to out. */
size_t ascii_to_local(const char *in, size_t n, char *out, int *pending_cr);

/* Flushes a CR left pending at the end of the stream (0 or 1 bytes). */
size_t ascii_to_local_end(char *out, int *pending_cr);

/* LF -> CRLF. out must hold 2 * n bytes. Returns the bytes written. */
size_t ascii_to_network(const char *in, size_t n, char *out);

#endif
