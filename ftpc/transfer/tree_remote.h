/*
 * tree_remote: what an upload mirror changes on the server besides files:
 * folders made (MKD), entries deleted (--delete: DELE, and a folder with
 * all it holds, listed first and removed only when every entry in it
 * was), and a file's modification time (MFMT, where FEAT lists it). Also
 * the server's features a tree transfer decides on.
 */
#ifndef FTPC_TRANSFER_TREE_REMOTE_H
#define FTPC_TRANSFER_TREE_REMOTE_H

#include <stdint.h>

#include "common/err.h"
#include "ftpc/parse/feat.h"
#include "ftpc/parse/tree_entry.h"
#include "ftpc/session/session.h"

/* FEAT, read for what it offers beyond MLST (MFMT, HASH, XSHA256...):
 * the session keeps only MLST. A server without FEAT offers nothing. */
int tree_remote_features(struct ftp_session *s, struct ftp_features *f, struct err *e) MUST_CHECK;

/* MKD path (257, or a 2xx reply). */
int tree_remote_mkdir(struct ftp_session *s, const char *path, struct err *e) MUST_CHECK;

/* Removes path of the given kind: DELE for a file, a link or anything
 * else; for a folder, everything in it (its listing read whole, every
 * name checked: a listing that fails or holds an unsafe name deletes
 * nothing more), then RMD. */
int tree_remote_remove(struct ftp_session *s, const char *path, enum tree_kind kind,
                       struct err *e) MUST_CHECK;

/* An upload that lands whole or not at all: local is sent to
 * remote.part (STOR; with resume, continued where the server's part
 * ends: REST then STOR, or APPE where REST is refused), check's fn (NULL:
 * none) judges the part, its ready (NULL: none) gives it its mode and
 * time, then RNFR remote.part, RNTO remote. With replace (remote exists),
 * only when RNFR is taken (350) and RNTO refused, remote is deleted and
 * the rename tried again. A failed transfer leaves remote as it was and
 * remote.part for the next run; a failed fn deletes remote.part (fn's
 * own doing); every failure says what is left of remote and remote.part.
 * A server without RNFR (500, 502, 504) sets *no_rename: the part is
 * deleted and the file, and every later one with *no_rename set, is sent
 * straight to remote as put sends it (then checked and given its mode). */
struct put_check {
    int (*fn)(void *arg, const char *part, struct err *e);
    int (*ready)(void *arg, const char *part, struct err *e);
    void *arg;
};
int tree_remote_put(struct ftp_session *s, const char *local, const char *remote, int resume, int replace,
                    int *no_rename, const struct put_check *check, struct err *e) MUST_CHECK;

/* --perms: SITE CHMOD with mode & 0777 (never setuid, setgid or sticky).
 * A server without it (500, 502, 504) sets *unsupported and it is no
 * failure; another refusal is. */
int tree_remote_chmod(struct ftp_session *s, const char *path, unsigned mode, int *unsupported,
                      struct err *e) MUST_CHECK;

/* A mirror's mode for path: asked (--perms), tree_remote_chmod; not
 * asked (keeping a replaced file's old bits), best effort: a refusal is
 * no failure, and stops the trying (*unsupported). Nothing once
 * *unsupported is set. -1 only when asked and refused, or when the
 * session cannot go on. */
int tree_remote_mode(struct ftp_session *s, const char *path, unsigned mode, int asked, int *unsupported,
                     struct err *e) MUST_CHECK;

/* MFMT YYYYMMDDHHMMSS path (213). */
int tree_remote_set_mtime(struct ftp_session *s, const char *path, int64_t mtime,
                          struct err *e) MUST_CHECK;

#endif
