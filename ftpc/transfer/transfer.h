/*
 * transfer: everything that moves over a data connection: downloads
 * (resumable), uploads (store, append, resume), listings. Each transfer is
 * a success only when the data ended properly (TLS close_notify on a
 * private connection), the server answered 226/250, and the byte count
 * matches the size the server announced. A failed data connection leaves
 * the control connection usable.
 */
#ifndef FTPC_TRANSFER_TRANSFER_H
#define FTPC_TRANSFER_TRANSFER_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/err.h"
#include "ftpc/session/session.h"
#include "ftpc/transfer/strlist.h"

enum put_how { PUT_STORE, PUT_APPEND, PUT_RESUME };

/* xfer_get flags. An existing LOCAL is replaced only with GET_REPLACE or
 * when the session's clobber setting is on (localfile.h has the rules). */
#define GET_RESUME  1u  /* reget: continue LOCAL.part (or LOCAL) from where it ends (REST) */
#define GET_REPLACE 2u  /* an explicit choice: get -f, (REPLACE, --force, a mirror's plan */
/* local "-" is standard output: pass it only when the user named it.
 * hint: how the user asks for a replace, for the message when LOCAL
 * exists (NULL: "get -f (or set clobber on)"). */
int xfer_get(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
             const char *hint, struct err *e) MUST_CHECK;
/* xfer_get with a check of the finished download before it takes its
 * name: fn gets the file's descriptor (readable, all of it from offset
 * 0); when it fails, so does the download, and NAME.part stays. */
struct get_check {
    int (*fn)(void *arg, int fd, struct err *e); /* NULL: no check */
    void *arg;
    int set_mode;   /* the file lands with mode & 0777 (mirror --perms), not the usual bits */
    mode_t mode;
};
int xfer_get_checked(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
                     const char *hint, const struct get_check *check, struct err *e) MUST_CHECK;
/* The end of an interrupted transfer's message when the server did not answer ABOR. */
#define XFER_ABORT_CLOSED "; the server did not answer the abort, so the control connection was closed"

/* What a download that failed left, for the front end's message. */
struct get_outcome {
    int target_opened;      /* LOCAL (or LOCAL.part) was opened */
    char kept[PATH_MAX];    /* where the bytes that arrived stay: LOCAL.part, or LOCAL when it
                               was continued in place; "" when nothing is kept */
    uint64_t offset;        /* the bytes that were there before (a resume) */
    uint64_t written;       /* the bytes this download wrote */
    uint64_t total;         /* the file's whole size when the server told it, else 0 */
    int abort_closed;       /* the server did not answer the abort: the connection was closed */
};
/* xfer_get, out filled in (also when it fails). */
int xfer_get_noting(struct ftp_session *s, const char *remote, const char *local, unsigned flags,
                    const char *hint, struct get_outcome *out, struct err *e) MUST_CHECK;
int xfer_put(struct ftp_session *s, const char *local, const char *remote, enum put_how how,
             struct err *e) MUST_CHECK;
/* verb: NLST, LIST or MLSD; path may be NULL. Line ends become LF. */
int xfer_list(struct ftp_session *s, const char *verb, const char *path, FILE *out, struct err *e) MUST_CHECK;
/* NLST into a list of names (bounded). */
int xfer_names(struct ftp_session *s, const char *path, struct strlist *names, struct err *e) MUST_CHECK;
/* The same for tab completion: no reply shown, and no TLS session renewal
 * (completion never logs in again behind the user's back; without a fresh
 * ticket it may simply find nothing). */
int xfer_names_quietly(struct ftp_session *s, const char *path, struct strlist *names,
                       struct err *e) MUST_CHECK;

/* Tab completion's listing, as quietly: MLSD when FEAT offered it, else
 * LIST -a read as `ls -l` lines (lines it cannot read are left out). A
 * folder's name has '/' after it. */
int xfer_entries_quietly(struct ftp_session *s, const char *path, struct strlist *names,
                         struct err *e) MUST_CHECK;

/* MLSD: the regular files only (no folders, links or specials), bare names. */
int xfer_files(struct ftp_session *s, const char *path, struct strlist *names, struct err *e) MUST_CHECK;

/* SIZE: -1 with e set when the server cannot tell. */
int xfer_remote_size(struct ftp_session *s, const char *remote, uint64_t *size, struct err *e) MUST_CHECK;

#endif
