/*
 * ftp_reply_read: reads one whole FTP reply from a connection, for both
 * programs (ftpc's control connection, trustd probe). The bytes come from
 * the caller's source (a socket, a TLS connection); the pure parser in
 * common/ftp_reply.h decides where a reply ends.
 */
#ifndef COMMON_FTP_REPLY_READ_H
#define COMMON_FTP_REPLY_READ_H

#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/ftp_reply.h"

/* Reads up to n bytes into p: the count, or -1 with e set (a close is an
 * error too: a reply was expected). */
typedef ssize_t (*ftp_reply_source)(void *arg, char *p, size_t n, struct err *e);

/* A buffer big enough for the longest reply and the start of the next. */
#define FTP_REPLY_BUF_MAX (FTP_REPLY_MAX + FTP_REPLY_LINE_MAX)

/* Parses the next reply from in, reading from src while it is incomplete.
 * Bytes after the reply stay in in. Errors name host: a malformed or an
 * over-long reply (ERR_CONNECT), or the source's error. */
int ftp_reply_read(struct buf *in, ftp_reply_source src, void *arg, const char *host,
                   struct ftp_reply *r, struct err *e) MUST_CHECK;

#endif
