/*
 * localfile: where downloads land. A regular file (new or existing) is
 * written to a temporary file in the same folder and renamed into place
 * only on commit, so a failed download never replaces an existing file.
 * Anything else (a device such as /dev/null, a pipe, "-" for standard
 * output) is written directly: never rename over a device.
 */
#ifndef FTPC_LOCALFILE_H
#define FTPC_LOCALFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct local_target {
    int fd;
    int direct;             /* writing straight to path (device, pipe, stdout) */
    char path[PATH_MAX];    /* the final name */
    char tmp[PATH_MAX];     /* the temporary file, when not direct */
    uint64_t written;
};

int local_target_open(struct local_target *t, const char *path, struct err *e);
int local_target_write(struct local_target *t, const void *p, size_t n, struct err *e);
/* Flushes to disk and renames into place. */
int local_target_commit(struct local_target *t, struct err *e);
/* Closes and removes the temporary file; the final name is untouched. */
void local_target_abort(struct local_target *t);

#endif
