/*
 * localfile: where downloads land. A regular file (new or replaced) is
 * written to NAME.part in the same folder, created exclusively (O_EXCL,
 * O_NOFOLLOW, mode 0600), and renamed into place only on commit, so a
 * failed download never replaces an existing file; a failed download that
 * received data keeps NAME.part (still 0600) for reget. A character or
 * block device or a FIFO is written directly, and "-" is standard output:
 * those are not files to replace. The rules (localpolicy.h): an existing
 * file is replaced only on an explicit choice, nothing is written through a
 * symbolic link, another user's entry in a folder others may write is never
 * touched, and the permission bits never come from another user's file.
 */
#ifndef FTPC_CONN_LOCALFILE_H
#define FTPC_CONN_LOCALFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* local_target_open flags. */
#define LOCAL_RESUME  1u  /* reget: continue NAME.part, else append to NAME */
#define LOCAL_REPLACE 2u  /* an explicit choice to replace an existing NAME */

struct local_target {
    int fd;
    int direct;             /* writing straight to path (device, pipe, stdout, resumed file) */
    int replace;            /* the final rename may replace an existing NAME */
    mode_t folder_mode;     /* of NAME's folder, 0 when unknown */
    const char *hint;       /* how the user asks for a replace, for messages */
    char path[PATH_MAX];    /* the final name */
    char part[PATH_MAX];    /* NAME.part, when not direct */
    uint64_t offset;        /* bytes already there when resuming */
    uint64_t written;       /* bytes written by this transfer */
    int set_mode;           /* set by the caller after open: commit gives mode & 0777, */
    mode_t mode;            /* on the open file before the rename, instead of the usual bits */
};

/* path "-" is standard output (only a name the user gave should be "-").
 * hint: how to ask for a replace, as the user would type it, for the
 * message when NAME exists ("get -f (or set clobber on)"; NULL: that).
 * With LOCAL_RESUME, t->offset tells where to continue (0: from the start).
 * Refusals are ERR_LOCAL and name the file and what to do next. */
int local_target_open(struct local_target *t, const char *path, unsigned flags, const char *hint,
                      struct err *e) MUST_CHECK;
int local_target_write(struct local_target *t, const void *p, size_t n, struct err *e) MUST_CHECK;
/* Renames NAME.part into place (never over a file that appeared during
 * the download unless replacing was chosen), then gives it its final
 * permission bits. */
int local_target_commit(struct local_target *t, struct err *e) MUST_CHECK;
/* Closes; NAME.part is kept when it holds data (for reget), else removed.
 * The final name is untouched. */
void local_target_abort(struct local_target *t);

#endif
