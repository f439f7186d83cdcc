/*
 * reply: the FTP reply parser (RFC 959 section 4.2). Pure: it reads bytes a
 * server sent and returns one reply; no sockets, no globals, so it can be
 * unit-tested and fuzzed. Everything it reads is untrusted.
 */
#ifndef COMMON_FTP_REPLY_H
#define COMMON_FTP_REPLY_H

#include <stddef.h>

#define FTP_REPLY_LINE_MAX 8192    /* longest line accepted            */
#define FTP_REPLY_MAX      65536   /* longest whole (multi-line) reply */
#define FTP_REPLY_TEXT_MAX 16384   /* text kept for messages           */

struct ftp_reply {
    int code;                       /* 100..599 */
    char text[FTP_REPLY_TEXT_MAX];  /* lines without codes, joined by '\n' */
    size_t text_len;
    int lines;
};

enum ftp_parse {
    FTP_PARSE_OK = 0,    /* *r holds a reply; *consumed bytes were used */
    FTP_PARSE_MORE = 1,  /* no complete reply yet: read more            */
    FTP_PARSE_BAD = -1   /* not FTP: *why says what is wrong            */
};

/* Parses the reply at the start of buf[0..len). Lines end in CRLF (a bare LF
 * is accepted). A multi-line reply "123-..." ends at a line starting "123 ".
 * Lines over FTP_REPLY_LINE_MAX, replies over FTP_REPLY_MAX, NUL bytes and
 * codes outside 100..599 are FTP_PARSE_BAD. */
enum ftp_parse ftp_reply_parse(const char *buf, size_t len, struct ftp_reply *r,
                               size_t *consumed, const char **why);

/* The class of a code: 1 preliminary, 2 done, 3 more needed, 4/5 refused. */
static inline int ftp_reply_class(int code) { return code / 100; }

#endif
