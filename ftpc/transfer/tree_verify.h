/*
 * tree_verify: --verify, a file compared with the server's copy after it
 * moved, by the best hash the server offers: HASH (draft-bryan-ftp-hash,
 * SHA-256 picked with OPTS HASH when FEAT lists it, else the one in
 * force), else XSHA256, XSHA512, XSHA1 or XMD5, else XCRC (compared as
 * a number). The replies are read by ftpc/parse/hash_reply.h; the local
 * file is hashed here. A server that offers none is said once.
 */
#ifndef FTPC_TRANSFER_TREE_VERIFY_H
#define FTPC_TRANSFER_TREE_VERIFY_H

#include <stdio.h>

#include "common/err.h"
#include "ftpc/parse/feat.h"
#include "ftpc/parse/hash_reply.h"
#include "ftpc/session/session.h"

enum verify_way { VERIFY_NONE, VERIFY_HASH, VERIFY_X, VERIFY_XCRC };

struct tree_verify {
    enum verify_way way;
    enum ftp_hash_algo algo;   /* the one asked for; HASH replies name the one used */
    int picked;                /* HASH: algo picked; OPTS HASH again after each new login */
    int renewals;              /* the session's renewals when it was */
};

/* Picks the way from the server's features (OPTS HASH sent when it
 * changes the algorithm; refused, the one in force is used). With none,
 * says so once on err (NULL: not). */
int tree_verify_start(struct tree_verify *v, struct ftp_session *s, const struct ftp_features *f,
                      FILE *err, struct err *e) MUST_CHECK;

/* The local file open as fd (read from offset 0) against remote on the
 * server: 0 when they match (or nothing can be compared), -1 with e set
 * on a mismatch ("the server's SHA-256 ... differs") or when the server
 * could not tell. A HASH reply is compared by the algorithm it names
 * (a login made again since OPTS HASH has the server's default). */
int tree_verify_file(struct tree_verify *v, struct ftp_session *s, const char *remote, int fd,
                     struct err *e) MUST_CHECK;

/* Whether remote (a whole file on the server: an upload's NAME.part)
 * holds the first len bytes of the local file fd: 0 yes, -1 no (or the
 * server could not tell: e says which), 1 when the server offers no hash
 * to tell by. */
int tree_verify_prefix(struct tree_verify *v, struct ftp_session *s, const char *remote, int fd, uint64_t len,
                       struct err *e) MUST_CHECK;

/* The algorithm's name as --verify reports it ("SHA-256 (HASH)"). */
const char *tree_verify_name(const struct tree_verify *v, char *buf, size_t len);

#endif
