/* file_write: temporary file, sync, then link or rename into place. */
#define _GNU_SOURCE /* mkostemp, renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/file_write.h"

int path_folder(const char *path, char *out, size_t outlen)
{
    size_t n = strlen(path);
    if (n >= outlen)
        return -1;
    memcpy(out, path, n + 1);
    char *slash = strrchr(out, '/');
    if (slash == NULL)
        snprintf(out, outlen, ".");
    else if (slash == out)
        out[1] = '\0';
    else
        *slash = '\0';
    return 0;
}

int file_take_new_name(const char *tmp, const char *dest)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
    if (link(tmp, dest) == 0) {
        (void)unlink(tmp);
        return 0;
    }
    if (errno != EPERM && errno != ENOTSUP)
        return -1;
    /* Neither (some network file systems): the name was free a moment ago. */
    struct stat sb;
    if (lstat(dest, &sb) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(tmp, dest);
}

/* The open file's times one second past was's when its own are not
 * later: readers that tell files apart by mtime seconds see a new one.
 * Only from a file of our own: another user's (planted in a folder
 * others may write) decides nothing here. */
static int later_than(int fd, const struct stat *was)
{
    struct stat now;
    if (fstat(fd, &now) != 0)
        return -1;
    if (now.st_mtim.tv_sec > was->st_mtim.tv_sec || was->st_uid != now.st_uid)
        return 0;
    struct timespec t[2] = { { 0, UTIME_OMIT }, { was->st_mtim.tv_sec + 1, 0 } };
    return futimens(fd, t);
}

static int write_whole(const char *dest, const void *data, size_t len, mode_t mode, int replace,
                       int newer, const char *tag, struct err *e)
{
    char dir[4096], tmp[4096 + 64];
    if (dest[0] == '\0' || path_folder(dest, dir, sizeof dir) != 0 ||
        snprintf(tmp, sizeof tmp, "%s/.%s-XXXXXX", dir, tag) >= (int)sizeof tmp)
        return err_set(e, ERR_LOCAL, "cannot write %s: path too long", dest);
    int fd = mkostemp(tmp, O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", dest, strerror(errno));
    struct stat was;
    int rc = fchmod(fd, mode) == 0 && fd_write_all(fd, data, len) == 0 &&
                     (!newer || lstat(dest, &was) != 0 || !S_ISREG(was.st_mode) || later_than(fd, &was) == 0) &&
                     fsync(fd) == 0
                 ? 0
                 : -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0) {
        if (replace)
            rc = rename(tmp, dest);
        else
            rc = file_take_new_name(tmp, dest);
        saved = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        if (!replace && saved == EEXIST)
            return err_set(e, ERR_USAGE, "%s exists (use --force to replace it)", dest);
        return err_set(e, ERR_LOCAL, "cannot write %s: %s", dest, strerror(saved));
    }
    /* The new name itself survives a crash. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

int file_write_whole(const char *dest, const void *data, size_t len, mode_t mode, int replace,
                     const char *tag, struct err *e)
{
    return write_whole(dest, data, len, mode, replace, 0, tag, e);
}

int file_replace_newer(const char *dest, const void *data, size_t len, mode_t mode, const char *tag,
                       struct err *e)
{
    return write_whole(dest, data, len, mode, 1, 1, tag, e);
}
