/* tree_list: a folder's entries on the server (MLSD) and here (readdir). */
#define _GNU_SOURCE /* fopencookie */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/visible.h"
#include "ftpc/conn/limits.h"
#include "ftpc/parse/time_val.h"
#include "ftpc/parse/tree_ls.h"
#include "ftpc/parse/tree_name.h"
#include "ftpc/transfer/strlist.h"
#include "ftpc/transfer/transfer.h"
#include "ftpc/transfer/tree_list.h"

void tree_listing_init(struct tree_listing *l)
{
    memset(l, 0, sizeof *l);
}

void tree_listing_free(struct tree_listing *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->v[i].name);
        free((char *)l->v[i].target);
    }
    free(l->v);
    tree_listing_init(l);
}

/* Adds e with a copy of name[0..len). */
static int add_entry(struct tree_listing *l, const struct tree_entry *e, const char *name, size_t len,
                     struct err *err)
{
    if (l->n == STRLIST_MAX_ITEMS)
        return err_set(err, ERR_SERVER, "more than %d entries in one folder", STRLIST_MAX_ITEMS);
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct tree_entry *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return err_set(err, ERR_INTERNAL, "out of memory");
        l->v = v;
        l->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return err_set(err, ERR_INTERNAL, "out of memory");
    memcpy(copy, name, len);
    copy[len] = '\0';
    char *target = NULL;
    if (e->target != NULL && (target = malloc(e->target_len + 1)) == NULL) {
        free(copy);
        return err_set(err, ERR_INTERNAL, "out of memory");
    }
    if (target != NULL) {
        memcpy(target, e->target, e->target_len);
        target[e->target_len] = '\0';
    }
    l->v[l->n] = *e;
    l->v[l->n].name = copy;
    l->v[l->n].name_len = len;
    l->v[l->n].target = target;
    l->n++;
    return 0;
}

/* The listing as a stream that parses its lines (MLSD facts, or LIST's
 * `ls -l` lines) as they are written: xfer_list writes the listing (line
 * ends made LF) into it. */
struct mlsd_sink {
    struct tree_listing *l;
    int ls;
    char line[4096];
    size_t len, total;
    int failed;
    struct err why;
};

static int sink_line(struct mlsd_sink *k)
{
    if (k->len == 0)
        return 0;
    struct tree_entry e;
    const char *name;
    size_t name_len;
    int r = k->ls ? tree_parse_ls_line(k->line, k->len, &e, &name, &name_len)
                  : tree_parse_mlsd_line(k->line, k->len, &e, &name, &name_len);
    if (r < 0) {
        char shown[256];
        k->line[k->len < 120 ? k->len : 120] = '\0';
        return err_set(&k->why, ERR_SERVER, "%s line: %s",
                       k->ls ? "a LIST line that cannot be read without guessing" : "malformed MLSD",
                       visible_str(shown, sizeof shown, k->line));
    }
    return r == 1 ? 0 : add_entry(k->l, &e, name, name_len, &k->why);
}

static ssize_t sink_write(void *cookie, const char *p, size_t n)
{
    struct mlsd_sink *k = cookie;
    if (k->failed) {
        errno = EPROTO;
        return -1;
    }
    k->total += n;
    int rc = 0;
    if (k->total > NAMES_MAX_BYTES)
        rc = err_set(&k->why, ERR_SERVER, "the listing is larger than %u bytes", NAMES_MAX_BYTES);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (p[i] == '\n') {
            rc = sink_line(k);
            k->len = 0;
        } else if (k->len < sizeof k->line - 1) {
            k->line[k->len++] = p[i];
        } else {
            rc = err_set(&k->why, ERR_SERVER, "a line of the listing is longer than %zu bytes", sizeof k->line);
        }
    }
    if (rc != 0) {
        k->failed = 1;
        errno = EPROTO;
        return -1;
    }
    return (ssize_t)n;
}

int tree_remote_ready(struct ftp_session *s, struct err *e)
{
    return session_features(s, e);
}

/* LIST of a missing folder is, on some servers (vsftpd), an empty
 * listing, and of a file the file: the folder is proved one with CWD
 * first, and the session put back where it was at once (before any data
 * connection, which may log in again into the session's folder). */
int tree_remote_folder_exists(struct ftp_session *s, const char *path, struct err *e)
{
    char back[sizeof s->cwd];
    snprintf(back, sizeof back, "%s", session_cwd(s));
    if (back[0] == '\0')
        return err_set(e, ERR_SERVER, "the server does not say its current folder (PWD); "
                       "cannot list without MLSD");
    if (session_command(s, e, "CWD %s", path) != 0)
        return -1;
    int code = s->reply.code;
    char text[256];
    visible_str(text, sizeof text, s->reply.text);
    if (ftp_reply_class(code) == 2 && (session_command(s, e, "CWD %s", back) != 0 ||
                                       ftp_reply_class(s->reply.code) != 2))
        return err_set(e, ERR_SERVER, "cannot go back to the folder %s after listing", back);
    if (ftp_reply_class(code) != 2)
        return err_set(e, ERR_SERVER, "not a folder on the server: %d %s", code, text);
    return 0;
}

/* Without MLSD, LIST gives no exact times: MDTM for each file (names
 * checked first: one that is no safe name is never sent). A file without
 * one is compared by size. */
static int add_times(struct ftp_session *s, const char *path, struct tree_listing *l, struct err *e)
{
    const char *why;
    for (size_t i = 0; i < l->n; i++) {
        struct tree_entry *t = &l->v[i];
        if (t->kind != TREE_FILE || tree_name_check(t->name, t->name_len, &why) != 0)
            continue;
        if (session_command(s, e, "MDTM %s%s%s", path, path[0] && path[strlen(path) - 1] != '/' ? "/" : "",
                            t->name) != 0)
            return -1;
        struct ftp_time ft;
        if (s->reply.code == 213 && ftp_parse_time_val(s->reply.text, s->reply.text_len, &ft) == 0) {
            t->has_mtime = 1;
            t->mtime = ftp_time_epoch(&ft);
        }
    }
    return 0;
}

static int list_remote_as(struct ftp_session *s, const char *path, int ls, int times, struct tree_listing *l,
                          struct err *e);

int tree_list_remote_with(struct ftp_session *s, const char *path, unsigned flags, struct tree_listing *l,
                          struct err *e)
{
    if (tree_remote_ready(s, e) != 0)
        return -1;
    int ls = !(s->agreed.feat & FEAT_MLST);
    if (ls && tree_remote_folder_exists(s, path, e) != 0)
        return -1;
    return list_remote_as(s, path, ls, !(flags & TREE_LIST_NO_TIMES), l, e);
}

int tree_list_remote(struct ftp_session *s, const char *path, struct tree_listing *l, struct err *e)
{
    return tree_list_remote_with(s, path, 0, l, e);
}

int tree_list_remote_ls(struct ftp_session *s, const char *path, struct tree_listing *l, struct err *e)
{
    return list_remote_as(s, path, 1, 1, l, e) == 0 ? 0 : err_prefix(e, "LIST %s", path);
}

static int list_remote_as(struct ftp_session *s, const char *path, int ls, int times, struct tree_listing *l,
                          struct err *e)
{
    struct mlsd_sink *k = calloc(1, sizeof *k);
    if (k == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    k->l = l;
    k->ls = ls;
    cookie_io_functions_t io = { .write = sink_write };
    FILE *f = fopencookie(k, "w", io);
    if (f == NULL) {
        free(k);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    /* -a: vsftpd leaves out dot files without it. */
    char arg[PATH_MAX + 4];
    snprintf(arg, sizeof arg, "-a %s", path);
    int rc = xfer_list(s, ls ? "LIST" : "MLSD", ls ? arg : path, f, e);
    if (fclose(f) != 0 && rc == 0 && !k->failed)
        rc = err_set(e, ERR_INTERNAL, "cannot read the listing");
    if (rc == 0 && !k->failed && sink_line(k) != 0)
        k->failed = 1;
    if (k->failed) {
        *e = k->why;
        rc = -1;
    }
    free(k);
    if (rc == 0 && ls && times && !(s->agreed.feat & FEAT_MLST))
        rc = add_times(s, path, l, e);
    if (rc != 0)
        tree_listing_free(l);
    return rc;
}

static enum tree_kind kind_of(mode_t m)
{
    return S_ISREG(m) ? TREE_FILE : S_ISDIR(m) ? TREE_FOLDER : S_ISLNK(m) ? TREE_LINK : TREE_OTHER;
}

int tree_list_local(const char *path, int follow_links, struct tree_listing *l, struct err *e)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | (follow_links ? 0 : O_NOFOLLOW) | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    char shown[512];
    if (fd < 0)
        return err_set(e, ERR_LOCAL, "cannot read the folder %s: %s", visible_str(shown, sizeof shown, path),
                       strerror(errno));
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    int rc = 0;
    struct dirent *de;
    errno = 0;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat sb;
        if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT)
                continue; /* gone meanwhile */
            int saved = errno;
            char name[512];
            rc = err_set(e, ERR_LOCAL, "cannot read %s/%s: %s", visible_str(shown, sizeof shown, path),
                         visible_str(name, sizeof name, de->d_name), strerror(saved));
            break;
        }
        struct stat led;
        if (follow_links && S_ISLNK(sb.st_mode) && fstatat(fd, de->d_name, &led, 0) == 0 &&
            (S_ISREG(led.st_mode) || S_ISDIR(led.st_mode)))
            sb = led;
        struct tree_entry t = { .kind = kind_of(sb.st_mode), .has_size = 1, .size = (uint64_t)sb.st_size,
                                .has_mtime = 1, .mtime = (int64_t)sb.st_mtim.tv_sec,
                                .has_mode = 1, .mode = (unsigned)(sb.st_mode & 07777) };
        rc = add_entry(l, &t, de->d_name, strlen(de->d_name), e);
        errno = 0;
    }
    if (rc == 0 && errno != 0)
        rc = err_set(e, ERR_LOCAL, "cannot read the folder %s: %s", visible_str(shown, sizeof shown, path),
                     strerror(errno));
    closedir(d);
    if (rc != 0)
        tree_listing_free(l);
    return rc;
}
