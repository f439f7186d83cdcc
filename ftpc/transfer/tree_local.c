/* tree_local: folders made and removed, and times set, in a mirror's target. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/visible.h"
#include "ftpc/transfer/tree_local.h"
#include "sandbox/sandbox.h"

/* Deeper than this, a folder being removed is refused (a bound on the
 * recursion, far beyond real trees). */
#define REMOVE_DEPTH_MAX 256

static int sys_error(struct err *e, const char *what, const char *path)
{
    int saved = errno;
    char shown[512];
    return err_set(e, ERR_LOCAL, "%s %s: %s", what, visible_str(shown, sizeof shown, path),
                   sandbox_errno_text(saved, path));
}

int tree_local_mkdir(const char *path, struct err *e)
{
    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno != EEXIST)
        return sys_error(e, "cannot make the folder", path);
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return sys_error(e, "cannot read", path);
    if (!S_ISDIR(sb.st_mode)) {
        char shown[512];
        return err_set(e, ERR_LOCAL, "%s appeared and is not a folder; not replacing it",
                       visible_str(shown, sizeof shown, path));
    }
    return 0;
}

/* Everything in the folder open as dfd, then (by the caller) the folder. */
static int empty_folder(int dfd, const char *path, int depth, struct err *e);

/* name in the folder dfd: unlinked, or emptied and removed when a folder
 * (opened without following a link, so nothing outside is reached). */
static int remove_at(int dfd, const char *name, const char *path, int depth, struct err *e)
{
    if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return sys_error(e, "cannot delete", path);
    if (depth >= REMOVE_DEPTH_MAX) {
        char shown[512];
        return err_set(e, ERR_LOCAL, "%s: folders nested deeper than %d; not deleting it",
                       visible_str(shown, sizeof shown, path), REMOVE_DEPTH_MAX);
    }
    int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
        return sys_error(e, "cannot delete", path);
    int rc = empty_folder(sub, path, depth + 1, e);
    if (rc == 0 && unlinkat(dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        rc = sys_error(e, "cannot delete the folder", path);
    return rc;
}

static int empty_folder(int dfd, const char *path, int depth, struct err *e)
{
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return sys_error(e, "cannot read the folder", path);
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        rc = remove_at(dirfd(d), de->d_name, sub, depth, e);
    }
    closedir(d);
    return rc;
}

int tree_local_remove(const char *path, struct err *e)
{
    return remove_at(AT_FDCWD, path, path, 0, e);
}

int tree_local_folder_mode(const char *path, unsigned mode, struct err *e)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return sys_error(e, "cannot open the folder", path);
    int rc = fchmod(fd, (mode_t)((mode & 0777) | 0700)) == 0 ? 0 : sys_error(e, "cannot set permissions on", path);
    close(fd);
    return rc;
}

int tree_local_set_mtime(const char *path, int64_t mtime, struct err *e)
{
    struct timespec t[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = (time_t)mtime, .tv_nsec = 0 } };
    if (utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) != 0)
        return sys_error(e, "cannot set the modification time of", path);
    return 0;
}
