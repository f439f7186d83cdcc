/*
 * localfile: where downloads land. A regular file (new or existing) is
 * written to NAME.part in the same folder and renamed into place only on
 * commit, so a failed download never replaces an existing file; a failed
 * download that received data keeps NAME.part for reget. Anything else (a
 * device such as /dev/null, a pipe, "-" for standard output) is written
 * directly: never rename over a device.
 */
#ifndef FTPC_LOCALFILE_H
#define FTPC_LOCALFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct local_target {
    int fd;
    int direct;             /* writing straight to path (device, pipe, stdout, resumed file) */
    char path[PATH_MAX];    /* the final name */
    char part[PATH_MAX];    /* NAME.part, when not direct */
    uint64_t offset;        /* bytes already there when resuming */
    uint64_t written;       /* bytes written by this transfer */
};

/* resume: continue NAME.part when it exists, else NAME itself; *offset
 * tells where (0 when there is nothing to resume). */
int local_target_open(struct local_target *t, const char *path, int resume, struct err *e);
int local_target_write(struct local_target *t, const void *p, size_t n, struct err *e);
/* Flushes to disk and renames NAME.part into place. */
int local_target_commit(struct local_target *t, struct err *e);
/* Closes; NAME.part is kept when it holds data (for reget), else removed.
 * The final name is untouched. */
void local_target_abort(struct local_target *t);

#endif
