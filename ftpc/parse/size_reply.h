/*
 * size_reply: the sizes a server states in replies. Pure, unit tested and
 * fuzzed: the text is untrusted.
 */
#ifndef FTPC_PARSE_SIZE_REPLY_H
#define FTPC_PARSE_SIZE_REPLY_H

#include <stddef.h>
#include <stdint.h>

/* The text of a 213 reply to SIZE (RFC 3659 section 4: "213" SP 1*DIGIT):
 * digits and nothing else. 0, or -1 ("-1", "+5", " 5", "12abc", a second
 * line, a number over UINT64_MAX). */
int ftp_parse_size_reply(const char *text, size_t len, uint64_t *size);

/* The "(1234 bytes)" many servers put in the 150 reply to RETR, the last
 * parenthesis of the text: digits right after '(', then " bytes)". 0, or -1
 * when there is none or it is malformed. */
int ftp_parse_announced_size(const char *text, size_t len, uint64_t *size);

#endif
