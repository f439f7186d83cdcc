/* localfile: download targets written through a temporary file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
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

static int split_path(const char *path, char *dir, char *base, struct err *e)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (snprintf(a, sizeof a, "%s", path) >= (int)sizeof a)
        return err_set(e, ERR_LOCAL, "local path too long: %s", path);
    memcpy(b, a, sizeof b);
    snprintf(dir, PATH_MAX, "%s", dirname(a));
    snprintf(base, PATH_MAX, "%s", basename(b));
    return 0;
}

int local_target_open(struct local_target *t, const char *path, struct err *e)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (strcmp(path, "-") == 0) {
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
    if (snprintf(t->path, sizeof t->path, "%s", path) >= (int)sizeof t->path)
        return err_set(e, ERR_LOCAL, "local path too long: %s", path);
    char dir[PATH_MAX], base[PATH_MAX];
    if (split_path(t->path, dir, base, e) != 0)
        return -1;
    if (snprintf(t->tmp, sizeof t->tmp, "%s/.%s.ftpc-XXXXXX", dir, base) >= (int)sizeof t->tmp)
        return err_set(e, ERR_LOCAL, "local path too long: %s", path);
    t->fd = mkstemp(t->tmp);
    if (t->fd < 0)
        return err_set(e, ERR_LOCAL, "cannot create a file in %s: %s", dir, strerror(errno));
    /* Keep an existing file's permissions; a new file gets the usual 0666 & ~umask. */
    mode_t mode = exists ? (sb.st_mode & 07777) : (0666 & ~current_umask());
    if (fchmod(t->fd, mode) != 0) {
        int saved = errno;
        local_target_abort(t);
        return err_set(e, ERR_LOCAL, "cannot set permissions on %s: %s", t->path, strerror(saved));
    }
    return 0;
}

int local_target_write(struct local_target *t, const void *p, size_t n, struct err *e)
{
    if (fd_write_all(t->fd, p, n) != 0)
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", t->path, strerror(errno));
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
    if (fsync(t->fd) != 0 || close(t->fd) != 0) {
        int saved = errno;
        t->fd = -1;
        local_target_abort(t);
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", t->path, strerror(saved));
    }
    t->fd = -1;
    if (rename(t->tmp, t->path) != 0) {
        int saved = errno;
        local_target_abort(t);
        return err_set(e, ERR_LOCAL, "cannot rename into %s: %s", t->path, strerror(saved));
    }
    t->tmp[0] = '\0';
    return 0;
}

void local_target_abort(struct local_target *t)
{
    if (t->fd >= 0 && t->fd != STDOUT_FILENO)
        close(t->fd);
    t->fd = -1;
    if (!t->direct && t->tmp[0] != '\0')
        unlink(t->tmp);
    t->tmp[0] = '\0';
}
