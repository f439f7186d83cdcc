/* tree_remote: folders made and removed, and times set, on the server. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/visible.h"
#include "ftpc/parse/tree_name.h"
#include "ftpc/transfer/transfer.h"
#include "ftpc/transfer/tree_list.h"
#include "ftpc/transfer/tree_remote.h"

/* Deeper than this, a folder being removed is refused (as tree_local's). */
#define REMOVE_DEPTH_MAX 256

int tree_remote_features(struct ftp_session *s, struct ftp_features *f, struct err *e)
{
    memset(f, 0, sizeof *f);
    f->hash_selected = -1;
    if (session_command(s, e, "FEAT") != 0)
        return -1;
    /* No FEAT, or a malformed one: nothing offered. */
    if (s->reply.code != 211 || ftp_parse_feat(s->reply.text, s->reply.text_len, f) != 0) {
        memset(f, 0, sizeof *f);
        f->hash_selected = -1;
    }
    return 0;
}

static int refused(struct ftp_session *s, const char *what, const char *path, struct err *e)
{
    char shown[PATH_MAX + 64], text[512];
    return err_set(e, ERR_SERVER, "%s %s refused: %d %s", what, visible_str(shown, sizeof shown, path),
                   s->reply.code, visible_str(text, sizeof text, s->reply.text));
}

int tree_remote_mkdir(struct ftp_session *s, const char *path, struct err *e)
{
    if (session_command(s, e, "MKD %s", path) != 0)
        return -1;
    return ftp_reply_class(s->reply.code) == 2 ? 0 : refused(s, "MKD", path, e);
}

static int remove_depth(struct ftp_session *s, const char *path, enum tree_kind kind, int depth,
                        struct err *e);

/* Everything in the folder path, its listing read before anything goes. */
static int empty_folder(struct ftp_session *s, const char *path, int depth, struct err *e)
{
    struct tree_listing l;
    tree_listing_init(&l);
    if (tree_list_remote(s, path, &l, e) != 0)
        return err_prefix(e, "cannot list %s to delete it (nothing in it deleted)", path);
    const char *why;
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++)
        if (tree_name_check(l.v[i].name, l.v[i].name_len, &why) != 0) {
            char shown[PATH_MAX + 64], name[512];
            rc = err_set(e, ERR_SERVER, "%s lists an unsafe name (%s: it %s); not deleting the folder",
                         visible_str(shown, sizeof shown, path), visible_str(name, sizeof name, l.v[i].name), why);
        }
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        char sub[PATH_MAX];
        int n = snprintf(sub, sizeof sub, "%s/%s", path, l.v[i].name);
        if (n < 0 || (size_t)n >= sizeof sub)
            rc = err_set(e, ERR_LOCAL, "path too long under %s; not deleting the folder", path);
        else
            rc = remove_depth(s, sub, l.v[i].kind, depth + 1, e);
    }
    tree_listing_free(&l);
    return rc;
}

static int remove_depth(struct ftp_session *s, const char *path, enum tree_kind kind, int depth,
                        struct err *e)
{
    if (kind != TREE_FOLDER) {
        if (session_command(s, e, "DELE %s", path) != 0)
            return -1;
        return ftp_reply_class(s->reply.code) == 2 ? 0 : refused(s, "DELE", path, e);
    }
    if (depth >= REMOVE_DEPTH_MAX) {
        char shown[PATH_MAX + 64];
        return err_set(e, ERR_SERVER, "%s: folders nested deeper than %d; not deleting it",
                       visible_str(shown, sizeof shown, path), REMOVE_DEPTH_MAX);
    }
    if (empty_folder(s, path, depth, e) != 0 || session_command(s, e, "RMD %s", path) != 0)
        return -1;
    return ftp_reply_class(s->reply.code) == 2 ? 0 : refused(s, "RMD", path, e);
}

int tree_remote_remove(struct ftp_session *s, const char *path, enum tree_kind kind, struct err *e)
{
    return remove_depth(s, path, kind, 0, e);
}

int tree_remote_set_mtime(struct ftp_session *s, const char *path, int64_t mtime, struct err *e)
{
    time_t t = (time_t)mtime;
    struct tm tm;
    char stamp[32];
    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999 ||
        strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm) != 14)
        return err_set(e, ERR_LOCAL, "%s: the modification time cannot be written as an FTP time", path);
    if (session_command(s, e, "MFMT %s %s", stamp, path) != 0)
        return -1;
    return s->reply.code == 213 ? 0 : refused(s, "MFMT", path, e);
}

/* RNFR part, RNTO remote: 0, 1 when the server has no RNFR (500, 502,
 * 504), -1 when RNFR is refused otherwise, -2 when RNTO is (e says why). */
static int rename_part(struct ftp_session *s, const char *part, const char *remote, struct err *e)
{
    if (session_command(s, e, "RNFR %s", part) != 0)
        return -1;
    int code = s->reply.code;
    if (code == 500 || code == 502 || code == 504)
        return 1;
    if (code != 350)
        return refused(s, "RNFR", part, e);
    if (session_command(s, e, "RNTO %s", remote) != 0)
        return -1;
    if (ftp_reply_class(s->reply.code) == 2)
        return 0;
    refused(s, "RNTO", remote, e);
    return -2;
}

/* Straight to remote, as put does: for a server that cannot rename. */
static int put_direct(struct ftp_session *s, const char *local, const char *remote, const struct put_check *check,
                      struct err *e)
{
    if (xfer_put(s, local, remote, PUT_STORE, e) != 0)
        return -1;
    if (check != NULL && check->fn != NULL && check->fn(check->arg, remote, e) != 0)
        return -1;
    return check != NULL && check->ready != NULL ? check->ready(check->arg, remote, e) : 0;
}

/* After a failed rename: whether the part is still there, as the server says. */
static const char *part_left(struct ftp_session *s, const char *part)
{
    uint64_t size;
    struct err none;
    err_clear(&none);
    if (s->state != SESSION_LOGGED_IN)
        return "the upload should stay as";
    return xfer_remote_size(s, part, &size, &none) == 0 ? "the upload stays as" : "the server does not show";
}

int tree_remote_put(struct ftp_session *s, const char *local, const char *remote, int resume, int replace,
                    int *no_rename, const struct put_check *check, struct err *e)
{
    if (*no_rename)
        return put_direct(s, local, remote, check, e);
    char part[PATH_MAX + 8];
    int n = snprintf(part, sizeof part, "%s.part", remote);
    if (n < 0 || (size_t)n >= sizeof part)
        return err_set(e, ERR_LOCAL, "%s: path too long for its .part", remote);
    if (xfer_put(s, local, part, resume ? PUT_RESUME : PUT_STORE, e) != 0) {
        if (e->code == ERR_INTERRUPTED) /* put's message speaks of reput: say how a mirror goes on */
            err_set(e, ERR_INTERRUPTED, "interrupted; what the server has stays as %s, and the same "
                    "mirror -R continues it%s", part,
                    s->state == SESSION_DISCONNECTED ? " (the control connection was closed)" : "");
        return -1;
    }
    if (check != NULL && check->fn != NULL && check->fn(check->arg, part, e) != 0)
        return -1;
    /* Mode and time on the part, before it takes the name: the new copy
     * is never under remote with the server's default bits. */
    if (check != NULL && check->ready != NULL && check->ready(check->arg, part, e) != 0)
        return err_suffix(e, "; %s is as it was, the upload stays as %s", remote, part);
    struct err first;
    err_clear(&first);
    int r = rename_part(s, part, remote, &first);
    if (r == 0)
        return 0;
    if (r == 1) {
        /* No renames here: this file and the rest go straight to their
         * names (the part removed first). */
        *no_rename = 1;
        if (session_command(s, e, "DELE %s", part) != 0)
            return -1;
        return put_direct(s, local, remote, check, e);
    }
    /* Only a server that took RNFR (the part is there) and refused RNTO
     * (it will not rename over a file) gets the old file deleted first. */
    if (r != -2 || !replace || s->state != SESSION_LOGGED_IN) {
        *e = first;
        return err_suffix(e, "; %s is as it was, %s %s", remote, part_left(s, part), part);
    }
    if (session_command(s, e, "DELE %s", remote) != 0)
        return err_suffix(e, "; %s may be deleted, the upload stays as %s", remote, part);
    if (ftp_reply_class(s->reply.code) != 2) {
        *e = first;
        return err_suffix(e, "; %s is as it was (DELE refused too), the upload stays as %s", remote, part);
    }
    struct err second;
    err_clear(&second);
    if (rename_part(s, part, remote, &second) != 0) {
        *e = second;
        return err_suffix(e, "; %s was deleted (the server would not rename over it), and %s %s", remote,
                          part_left(s, part), part);
    }
    return 0;
}

int tree_remote_chmod(struct ftp_session *s, const char *path, unsigned mode, int *unsupported,
                      struct err *e)
{
    if (session_command(s, e, "SITE CHMOD %03o %s", mode & 0777, path) != 0)
        return -1;
    int code = s->reply.code;
    if (code == 500 || code == 502 || code == 504) {
        *unsupported = 1;
        return 0;
    }
    return ftp_reply_class(code) == 2 ? 0 : refused(s, "SITE CHMOD", path, e);
}

int tree_remote_mode(struct ftp_session *s, const char *path, unsigned mode, int asked, int *unsupported,
                     struct err *e)
{
    if (*unsupported)
        return 0;
    if (asked)
        return tree_remote_chmod(s, path, mode, unsupported, e);
    struct err quiet;
    err_clear(&quiet);
    if (tree_remote_chmod(s, path, mode, unsupported, &quiet) == 0)
        return 0;
    if (s->state != SESSION_LOGGED_IN || quiet.code == ERR_INTERRUPTED) {
        *e = quiet;
        return -1;
    }
    *unsupported = 1;
    return 0;
}
