/*
 * quoted_name: the folder name in a 257 reply to PWD or MKD (RFC 959
 * appendix II): 257 SP "name" [SP commentary], where "" inside the name
 * stands for one quote. Pure, unit tested and fuzzed.
 */
#ifndef FTPC_PARSE_QUOTED_NAME_H
#define FTPC_PARSE_QUOTED_NAME_H

#include <stddef.h>

/* The name from the reply text (after "257 "): its first line must start
 * with '"' and hold the closing quote, followed by the end of the line or a
 * blank. Control bytes are kept as they are (print the name through
 * common/visible.h). 0, or -1: no opening or no closing quote, an empty
 * name, a NUL byte, or a name longer than outlen - 1; out is then "". */
int ftp_parse_quoted_name(const char *text, size_t len, char *out, size_t outlen);

#endif
