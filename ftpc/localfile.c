/* localfile: download targets written through NAME.part. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "localfile.h"

static mode_t current_umask(void)
{
    mode_t m = umask(0);
    umask(m);
    return m;
}

/* Opens NAME.part: never through a symbolic link, and only a regular file. */
static int open_part(struct local_target *t, int resume, mode_t mode, struct err *e)
{
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | (resume ? O_APPEND : O_TRUNC);
    t->fd = open(t->part, flags, 0600);
    if (t->fd < 0)
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", t->part, strerror(errno));
    struct stat sb;
    if (fstat(t->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(t->fd);
        t->fd = -1;
        return err_set(e, ERR_LOCAL, "%s is not a regular file", t->part);
    }
    t->offset = resume ? (uint64_t)sb.st_size : 0;
    if (fchmod(t->fd, mode) != 0) {
        int saved = errno;
        close(t->fd);
        t->fd = -1;
        return err_set(e, ERR_LOCAL, "cannot set permissions on %s: %s", t->part, strerror(saved));
    }
    return 0;
}

int local_target_open(struct local_target *t, const char *path, int resume, struct err *e)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (strcmp(path, "-") == 0) {
        if (resume)
            return err_set(e, ERR_USAGE, "cannot resume into standard output");
        t->fd = STDOUT_FILENO;
        t->direct = 1;
        snprintf(t->path, sizeof t->path, "-");
        return 0;
    }
    char real[PATH_MAX];
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode))
        return err_set(e, ERR_LOCAL, "%s is a folder", path);
    if (exists && !S_ISREG(sb.st_mode)) {
        if (resume)
            return err_set(e, ERR_LOCAL, "cannot resume into %s: not a regular file", path);
        t->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (t->fd < 0)
            return err_set(e, ERR_LOCAL, "cannot open %s: %s", path, strerror(errno));
        t->direct = 1;
        snprintf(t->path, sizeof t->path, "%s", path);
        return 0;
    }
    /* Follow a symbolic link so the rename replaces the file it points to,
     * not the link itself. */
    if (exists && realpath(path, real) != NULL)
        path = real;
    if (snprintf(t->path, sizeof t->path, "%s", path) >= (int)sizeof t->path ||
        snprintf(t->part, sizeof t->part, "%s.part", path) >= (int)sizeof t->part)
        return err_set(e, ERR_LOCAL, "local path too long: %s", path);
    /* Keep an existing file's permissions; a new file gets the usual 0666 & ~umask. */
    mode_t mode = exists ? (sb.st_mode & 07777) : (0666 & ~current_umask());
    struct stat psb;
    if (resume && lstat(t->part, &psb) != 0 && exists) {
        /* No NAME.part: resume NAME itself, appending in place (classic reget). */
        t->fd = open(t->path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
        if (t->fd < 0)
            return err_set(e, ERR_LOCAL, "cannot open %s: %s", t->path, strerror(errno));
        t->direct = 1;
        t->offset = (uint64_t)sb.st_size;
        t->part[0] = '\0';
        return 0;
    }
    return open_part(t, resume, mode, e);
}

int local_target_write(struct local_target *t, const void *p, size_t n, struct err *e)
{
    if (fd_write_all(t->fd, p, n) != 0)
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", t->direct ? t->path : t->part,
                       strerror(errno));
    t->written += n;
    return 0;
}

int local_target_commit(struct local_target *t, struct err *e)
{
    if (t->direct) {
        int rc = 0;
        if (t->fd != STDOUT_FILENO && close(t->fd) != 0)
            rc = err_set(e, ERR_LOCAL, "cannot write %s: %s", t->path, strerror(errno));
        t->fd = -1;
        return rc;
    }
    /* No fsync: a crash may lose a download that just finished, but never
     * leaves a half-written file under the final name (rename is atomic,
     * and ext4 and others flush a file renamed over another). */
    if (close(t->fd) != 0) {
        int saved = errno;
        t->fd = -1;
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", t->part, strerror(saved));
    }
    t->fd = -1;
    if (rename(t->part, t->path) != 0)
        return err_set(e, ERR_LOCAL, "cannot rename %s to %s: %s", t->part, t->path, strerror(errno));
    t->part[0] = '\0';
    return 0;
}

void local_target_abort(struct local_target *t)
{
    if (t->fd >= 0 && t->fd != STDOUT_FILENO)
        close(t->fd);
    t->fd = -1;
    if (!t->direct && t->part[0] != '\0' && t->offset + t->written == 0)
        unlink(t->part);
}
