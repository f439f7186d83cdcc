/*
 * number: the one decimal number parser, for what servers send (sizes in
 * replies and listings, ports, the fields of a time) and what users type
 * (ports, seconds). Pure.
 */
#ifndef FTPC_PARSE_NUMBER_H
#define FTPC_PARSE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* p[0..n) as a decimal number: one or more ASCII digits and nothing else (no
 * sign, no blank), not above UINT64_MAX. 0, or -1 (and *out untouched). */
int parse_digits_u64(const char *p, size_t n, uint64_t *out);

/* The string s as a decimal number in min..max (digits only, as above). */
int parse_in_range(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* The string s as a TCP port, 1..65535. */
int parse_tcp_port(const char *s, unsigned *out);

/* The value of one hex digit (either case), -1 for any other byte. */
int parse_hex_digit(char c);

/* How many ASCII digits p[0..n) starts with. */
size_t count_digits(const char *p, size_t n);

#endif
