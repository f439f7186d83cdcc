/* localfile: download targets written through NAME.part. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/file_write.h"
#include "common/visible.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/conn/localfile.h"
#include "ftpc/parse/localpolicy.h"
#include "sandbox/sandbox.h"

#define DEFAULT_HINT "get -f (or set clobber on)"

/* A name made safe to print (it may come from a server's listing). */
struct shown {
    char s[512];
};

static const char *show(struct shown *b, const char *name)
{
    return visible_str(b->s, sizeof b->s, name);
}

/* The umask, read once at start-up while the process has one thread:
 * reading it means setting it (umask(0), then back), and a thread doing
 * that beside another's mkdir or open (mirror --parallel) would give
 * that folder or file 0777 or 0666. Nothing in ftpc changes it later. */
static mode_t start_umask;

__attribute__((constructor)) static void read_umask(void)
{
    start_umask = umask(0);
    umask(start_umask);
}

static mode_t current_umask(void)
{
    return start_umask;
}

/* The mode of the folder path lives in; 0 when it cannot be read (then
 * creating NAME.part fails with the reason). */
static mode_t folder_mode(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        slash[slash == dir ? 1 : 0] = '\0';
    struct stat sb;
    return stat(dir, &sb) == 0 ? sb.st_mode : 0;
}

/* Why NAME itself cannot be used. */
static int refuse_dest(struct local_target *t, enum local_verdict v, const struct stat *sb,
                       struct err *e)
{
    struct shown n;
    const char *name = show(&n, t->path);
    switch (v) {
    case LV_EXISTS:
        return err_set(e, ERR_LOCAL, "local file %s exists; use %s to replace it", name,
                       t->hint ? t->hint : DEFAULT_HINT);
    case LV_SYMLINK:
        return err_set(e, ERR_LOCAL, "local file %s is a symbolic link; ftpc never writes through "
                       "one: remove it or name the file it points to", name);
    case LV_FOLDER:
        return err_set(e, ERR_LOCAL, "local file %s is a folder; name a file", name);
    case LV_FOREIGN:
        return err_set(e, ERR_LOCAL, "local file %s belongs to another user (uid %u) in a folder "
                       "others may write; not replacing it: download to another name",
                       name, (unsigned)sb->st_uid);
    case LV_NOT_REGULAR:
        return err_set(e, ERR_LOCAL, "local file %s is %s, not a regular file%s; name another file",
                       name, local_kind_name(sb->st_mode), S_ISSOCK(sb->st_mode) ? "" : " to resume");
    default:
        return err_set(e, ERR_INTERNAL, "local file %s: unexpected state", name);
    }
}

/* Why NAME.part cannot be used; it is left as it is. */
static int refuse_part(struct local_target *t, enum part_verdict v, const struct stat *sb,
                       struct err *e)
{
    struct shown n;
    const char *name = show(&n, t->part);
    switch (v) {
    case PV_SYMLINK:
        return err_set(e, ERR_LOCAL, "%s is a symbolic link; ftpc never writes through one: "
                       "remove it and try again", name);
    case PV_SPECIAL:
        return err_set(e, ERR_LOCAL, "%s is %s, not a regular file: remove it and try again",
                       name, local_kind_name(sb->st_mode));
    case PV_FOLDER:
        return err_set(e, ERR_LOCAL, "%s is a folder: remove it or download to another name", name);
    case PV_FOREIGN:
        return err_set(e, ERR_LOCAL, "%s belongs to another user (uid %u); not using it: "
                       "download to another name", name, (unsigned)sb->st_uid);
    default:
        return err_set(e, ERR_INTERNAL, "%s: unexpected state", name);
    }
}

static int sys_error(struct err *e, const char *what, const char *name)
{
    int saved = errno;
    struct shown n;
    return err_set(e, ERR_LOCAL, "%s %s: %s", what, show(&n, name), sandbox_errno_text(saved, name));
}

/* Opens an existing regular file to continue it: never through a link,
 * never blocking on a FIFO swapped in, and only the entry that was
 * checked (same device and inode). */
static int open_existing(const char *name, const struct stat *checked, int flags, struct err *e)
{
    int fd = open(name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | flags);
    if (fd < 0)
        return sys_error(e, "cannot open", name);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_dev != checked->st_dev ||
        sb.st_ino != checked->st_ino || sb.st_uid != checked->st_uid) {
        close(fd);
        struct shown n;
        return err_set(e, ERR_LOCAL, "%s changed while it was opened; try again", show(&n, name));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return sys_error(e, "cannot open", name);
    }
    return fd;
}

/* A new NAME.part: exclusively, so nothing another user put there (a
 * link, a FIFO, a file) is ever opened; 0600 until the download is complete. */
static int create_part(struct local_target *t, struct err *e)
{
    t->fd = open(t->part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (t->fd < 0) {
        if (errno == EEXIST) {
            struct shown n;
            return err_set(e, ERR_LOCAL, "%s appeared while it was being made; try again",
                           show(&n, t->part));
        }
        return sys_error(e, "cannot write", t->part);
    }
    t->offset = 0;
    interrupt_watch_part(t->fd, t->part); /* a second Ctrl-C removes it while empty */
    return 0;
}

static int resume_part(struct local_target *t, const struct stat *psb, struct err *e)
{
    t->fd = open_existing(t->part, psb, O_APPEND, e);
    if (t->fd < 0)
        return -1;
    if (fchmod(t->fd, 0600) != 0) {
        int saved = errno;
        close(t->fd);
        t->fd = -1;
        errno = saved;
        return sys_error(e, "cannot set permissions on", t->part);
    }
    t->offset = (uint64_t)psb->st_size;
    return 0;
}

/* NAME.part for a download that will rename it into place. */
static int open_part(struct local_target *t, int resume, uid_t uid, struct err *e)
{
    struct stat psb;
    int have = lstat(t->part, &psb) == 0;
    if (!have && errno != ENOENT)
        return sys_error(e, "cannot read", t->part);
    enum part_verdict pv = local_decide_part(have ? &psb : NULL, uid, resume);
    switch (pv) {
    case PV_CREATE:
        return create_part(t, e);
    case PV_RESUME:
        return resume_part(t, &psb, e);
    case PV_STALE:
        /* A plain get starts again: the user's own old part goes. */
        if (unlink(t->part) != 0 && errno != ENOENT)
            return sys_error(e, "cannot remove the old", t->part);
        return create_part(t, e);
    default:
        return refuse_part(t, pv, &psb, e);
    }
}

int local_target_open(struct local_target *t, const char *path, unsigned flags, const char *hint,
                      struct err *e)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->hint = hint;
    int resume = (flags & LOCAL_RESUME) != 0;
    if (strcmp(path, "-") == 0) {
        if (resume)
            return err_set(e, ERR_USAGE, "cannot resume into standard output");
        t->fd = STDOUT_FILENO;
        t->direct = 1;
        snprintf(t->path, sizeof t->path, "-");
        return 0;
    }
    if (snprintf(t->path, sizeof t->path, "%s", path) >= (int)sizeof t->path ||
        snprintf(t->part, sizeof t->part, "%s.part", path) >= (int)sizeof t->part) {
        struct shown n;
        return err_set(e, ERR_LOCAL, "local path too long: %s", show(&n, path));
    }
    t->folder_mode = folder_mode(path);
    uid_t uid = geteuid();
    struct stat sb;
    int exists = lstat(path, &sb) == 0;
    if (!exists && errno != ENOENT)
        return sys_error(e, "cannot read", path);
    const struct stat *dest = exists ? &sb : NULL;
    if (resume) {
        struct stat psb;
        if (lstat(t->part, &psb) == 0 || errno != ENOENT) {
            /* Continue NAME.part, which then replaces NAME: reget is that choice. */
            enum local_verdict v = local_decide(dest, t->folder_mode, uid, LP_REPLACE);
            if (v == LV_DIRECT)
                v = LV_NOT_REGULAR;
            if (v != LV_CREATE && v != LV_REPLACE)
                return refuse_dest(t, v, &sb, e);
            t->replace = 1;
            return open_part(t, 1, uid, e);
        }
        enum local_verdict v = local_decide(dest, t->folder_mode, uid, LP_APPEND);
        if (v == LV_CREATE)
            return open_part(t, 1, uid, e);
        if (v != LV_APPEND)
            return refuse_dest(t, v, &sb, e);
        /* No NAME.part: continue NAME itself, appending in place (classic reget). */
        t->fd = open_existing(t->path, &sb, O_APPEND, e);
        if (t->fd < 0)
            return -1;
        t->direct = 1;
        t->offset = (uint64_t)sb.st_size;
        t->part[0] = '\0';
        return 0;
    }
    enum local_verdict v = local_decide(dest, t->folder_mode, uid,
                                        (flags & LOCAL_REPLACE) ? LP_REPLACE : 0);
    switch (v) {
    case LV_DIRECT: {
        /* A device or a FIFO the user named: written as it is (a FIFO's
         * open waits for its reader, as a shell redirection does). */
        t->fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (t->fd < 0)
            return sys_error(e, "cannot open", path);
        struct stat now;
        if (fstat(t->fd, &now) != 0 || (now.st_mode & S_IFMT) != (sb.st_mode & S_IFMT) ||
            now.st_ino != sb.st_ino || now.st_dev != sb.st_dev) {
            close(t->fd);
            t->fd = -1;
            struct shown n;
            return err_set(e, ERR_LOCAL, "%s changed while it was opened; try again", show(&n, path));
        }
        t->direct = 1;
        t->part[0] = '\0';
        return 0;
    }
    case LV_CREATE:
    case LV_REPLACE:
        t->replace = v == LV_REPLACE;
        return open_part(t, 0, uid, e);
    default:
        return refuse_dest(t, v, &sb, e);
    }
}

int local_target_write(struct local_target *t, const void *p, size_t n, struct err *e)
{
    if (fd_write_all(t->fd, p, n) != 0)
        return sys_error(e, "cannot write", t->direct ? t->path : t->part);
    t->written += n;
    return 0;
}

/* A finished download that cannot take its name: in a folder others may
 * write nothing of it stays behind; elsewhere NAME.part stays (0600), and
 * reget finishes the job. */
static int commit_failed(struct local_target *t, struct err *e)
{
    if (t->set_mode)
        (void)fchmod(t->fd, 0600); /* a kept part is private, whatever mode was asked */
    close(t->fd);
    t->fd = -1;
    size_t len = strlen(e->msg);
    if (local_folder_open_to_others(t->folder_mode)) {
        (void)unlink(t->part);
        t->part[0] = '\0';
        snprintf(e->msg + len, sizeof e->msg - len, " (the download was removed: the folder is "
                 "open to others)");
        return -1;
    }
    struct shown n;
    snprintf(e->msg + len, sizeof e->msg - len, " (the download is kept as %s, mode 0600)",
             show(&n, t->part));
    return -1;
}

int local_target_commit(struct local_target *t, struct err *e)
{
    interrupt_unwatch_part(t->part);
    if (t->direct) {
        int rc = 0;
        if (t->fd != STDOUT_FILENO && close(t->fd) != 0)
            rc = sys_error(e, "cannot write", t->path);
        t->fd = -1;
        return rc;
    }
    /* What is at NAME now decides again: it may have changed during the
     * download. */
    uid_t uid = geteuid();
    struct stat sb;
    int exists = lstat(t->path, &sb) == 0;
    if (!exists && errno != ENOENT) {
        sys_error(e, "cannot read", t->path);
        return commit_failed(t, e);
    }
    enum local_verdict v = local_decide(exists ? &sb : NULL, t->folder_mode, uid,
                                        t->replace ? LP_REPLACE : 0);
    if (v == LV_DIRECT)
        v = LV_NOT_REGULAR; /* a device or FIFO appeared: not ours to rename over */
    if (v == LV_EXISTS) {
        struct shown n;
        err_set(e, ERR_LOCAL, "local file %s appeared during the download; use %s to replace it",
                show(&n, t->path), t->hint ? t->hint : DEFAULT_HINT);
        return commit_failed(t, e);
    }
    if (v != LV_CREATE && v != LV_REPLACE) {
        refuse_dest(t, v, &sb, e);
        return commit_failed(t, e);
    }
    /* No fsync: a crash may lose a download that just finished, but never
     * leaves a half-written file under the final name (rename is atomic,
     * and ext4 and others flush a file renamed over another). */
    /* A mode asked for (mirror --perms) is the file's before it lands. */
    if (t->set_mode && fchmod(t->fd, t->mode & 0777) != 0) {
        sys_error(e, "cannot set permissions on", t->part);
        return commit_failed(t, e);
    }
    int r = v == LV_CREATE ? file_take_new_name(t->part, t->path) : rename(t->part, t->path);
    if (r != 0) {
        int saved = errno;
        struct shown a, b;
        err_set(e, ERR_LOCAL, "cannot rename %s to %s: %s", show(&a, t->part), show(&b, t->path),
                saved == EEXIST ? "a file of that name appeared during the download"
                                : sandbox_errno_text(saved, t->path));
        return commit_failed(t, e);
    }
    t->part[0] = '\0';
    /* The final bits only now, on the file in place: until here it was 0600. */
    mode_t mode = t->set_mode ? t->mode & 0777 : local_final_mode(exists ? &sb : NULL, uid, current_umask());
    int rc = 0;
    if (fchmod(t->fd, mode) != 0)
        rc = sys_error(e, "cannot set permissions on", t->path);
    if (close(t->fd) != 0 && rc == 0)
        rc = sys_error(e, "cannot write", t->path);
    t->fd = -1;
    return rc;
}

void local_target_abort(struct local_target *t)
{
    interrupt_unwatch_part(t->part);
    if (t->fd >= 0 && t->fd != STDOUT_FILENO)
        close(t->fd);
    t->fd = -1;
    if (!t->direct && t->part[0] != '\0' && t->offset + t->written == 0)
        unlink(t->part);
}
