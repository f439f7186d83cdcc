/*
 * utf8: the one decoder of UTF-8 for text that came from outside (server
 * replies, certificate fields, file names): the escaping for terminals
 * and the JSON writer accept exactly the same sequences.
 */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stddef.h>

/* The length (1..4) of the well-formed UTF-8 sequence at p[0..n), its code
 * point in *cp; 0 when there is none: a stray continuation byte, C0/C1 or
 * F5..FF as a lead byte, a short or cut sequence, an overlong form, a
 * surrogate or a code point past U+10FFFF. */
size_t utf8_decode(const unsigned char *p, size_t n, unsigned *cp);

#endif
