/* oneshot: the one-shot get and put of several files, folders and globs. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ftpc/commands/commands.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/front/oneshot.h"
#include "ftpc/parse/size_text.h"
#include "ftpc/parse/tree_glob.h"
#include "ftpc/parse/tree_name.h"
#include "ftpc/transfer/transfer.h"
#include "ftpc/transfer/tree_list.h"

/* How a one-shot get asks for a replace, for the message when LOCAL exists. */
#define GET_HINT "--force"

static int is_folder(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* folder + "/" + name into out (no second '/' when folder ends with one). */
static int join(const char *folder, const char *name, char *out, size_t outlen)
{
    size_t n = strlen(folder);
    int w = snprintf(out, outlen, "%s%s%s", folder, n > 0 && folder[n - 1] != '/' ? "/" : "", name);
    return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

static int copy(char *out, size_t outlen, const char *s)
{
    int w = snprintf(out, outlen, "%s", s);
    return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* The URL path's folder part: a name (a quoted \*, \? or \[ is part of
 * it), never a pattern. */
static int settle_folder(struct oneshot *o, const char *path, const char *slash, struct err *e)
{
    char raw[PATH_MAX];
    size_t len = slash ? (size_t)(slash - path) : 0;
    if (len >= sizeof raw)
        return err_set(e, ERR_USAGE, "the URL's path is too long");
    memcpy(raw, path, len);
    raw[len] = '\0';
    if (tree_has_glob(raw))
        return err_set(e, ERR_USAGE, "'%s': a glob may be in the last part of the path only, not in its "
                                     "folders (quote a *, ? or [ of a folder's name with \\)", path);
    if (slash == path)
        raw[0] = '/', raw[1] = '\0'; /* a path from the server's root */
    if (tree_glob_unquote(raw, o->folder, sizeof o->folder) != 0)
        return err_set(e, ERR_USAGE, "the URL's path is too long");
    return 0;
}

int oneshot_prepare_get(struct oneshot *o, const char *path, const char *local, struct err *e)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (settle_folder(o, path, slash, e) != 0)
        return -1;
    size_t n = local != NULL ? strlen(local) : 0;
    int into_folder = local == NULL || (n > 0 && local[n - 1] == '/') || (strcmp(local, "-") != 0 && is_folder(local));
    if (tree_has_glob(base)) {
        o->glob = 1;
        o->pattern = base;
        o->into_file = !into_folder;
        const char *dir = local != NULL ? local : ".";
        if (into_folder && !is_folder(dir))
            return err_set(e, ERR_USAGE, "%s is not a folder: the files a glob matches go into a folder "
                                         "(LOCAL must be one)", dir);
        if (copy(o->local, sizeof o->local, dir) != 0)
            return err_set(e, ERR_USAGE, "%s: the local path is too long", dir);
        return 0;
    }
    char name[PATH_MAX];
    if (tree_glob_unquote(base, name, sizeof name) != 0 || join(o->folder, name, o->remote, sizeof o->remote) != 0)
        return err_set(e, ERR_USAGE, "the URL's path is too long");
    if (!into_folder) {
        if (copy(o->local, sizeof o->local, local) != 0)
            return err_set(e, ERR_USAGE, "%s: the local path is too long", local);
        return 0;
    }
    /* The name comes from the URL: one element, no way out of the folder. */
    const char *why;
    if (tree_name_check(name, strlen(name), &why) != 0)
        return err_set(e, ERR_USAGE, "the URL's file name %s: name LOCAL as a file", why);
    if (local == NULL) {
        cmd_local_name(name, o->local, sizeof o->local);
        return 0;
    }
    if (join(local, name, o->local, sizeof o->local) != 0)
        return err_set(e, ERR_USAGE, "%s: the local path is too long", local);
    return 0;
}

/* Two local files with the same last part would be one remote file, the
 * second replacing the first. */
static int refuse_same_names(const struct strlist *l, const char *url_path, struct err *e)
{
    for (size_t i = 0; i < l->n; i++) {
        char a[PATH_MAX];
        cmd_base_name(l->items[i], a, sizeof a);
        for (size_t k = i + 1; k < l->n; k++) {
            char b[PATH_MAX];
            cmd_base_name(l->items[k], b, sizeof b);
            if (strcmp(a, b) == 0)
                return err_set(e, ERR_USAGE, "%s and %s would both be %s in %s: put them in two runs "
                               "(nothing was sent)", l->items[i], l->items[k], a, url_path[0] ? url_path : "the login folder");
        }
    }
    return 0;
}

int oneshot_prepare_put(struct oneshot *o, char **words, int n, const char *path, int url_is_dir,
                        struct err *e)
{
    o->path = path;
    o->url_is_dir = url_is_dir;
    if (cmd_expand_locals(words, n, &o->locals, e) != 0)
        return -1;
    if (o->locals.n > 1 && !url_is_dir)
        return err_set(e, ERR_USAGE, "%zu local files go into a folder: end the URL with /", o->locals.n);
    for (size_t i = 0; i < o->locals.n; i++) {
        if (strcmp(o->locals.items[i], "-") != 0)
            continue;
        if (o->locals.n > 1 || url_is_dir)
            return err_set(e, ERR_USAGE, "put -: the URL must name the remote file, and - comes alone");
        if (o->resume)
            return err_set(e, ERR_USAGE, "put -c -: cannot resume from standard input (its size is not known)");
    }
    return url_is_dir ? refuse_same_names(&o->locals, path, e) : 0;
}

void oneshot_init(struct oneshot *o)
{
    memset(o, 0, sizeof *o);
    strlist_init(&o->locals);
}

void oneshot_free(struct oneshot *o)
{
    strlist_free(&o->locals);
}

static void watch_begin(void *arg, const char *name, uint64_t total)
{
    struct oneshot_watch *w = arg;
    if (w->draw)
        w->inner.begin(w->inner.arg, name, total);
}

static void watch_advance(void *arg, uint64_t bytes)
{
    struct oneshot_watch *w = arg;
    if (w->draw)
        w->inner.advance(w->inner.arg, bytes);
}

static void watch_end(void *arg)
{
    struct oneshot_watch *w = arg;
    if (w->draw)
        w->inner.end(w->inner.arg);
}

struct xfer_progress oneshot_watch_hooks(struct oneshot_watch *w, int draw, FILE *tty)
{
    memset(w, 0, sizeof *w);
    w->draw = draw;
    if (draw)
        w->inner = progress_hooks(&w->bar, tty);
    return (struct xfer_progress){ .begin = watch_begin, .advance = watch_advance, .end = watch_end, .arg = w };
}

/* The size of path, or -1 when there is no such regular file. */
static int64_t file_size(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return -1;
    return (int64_t)sb.st_size;
}

/* Ctrl-C in a get: what is kept where (as the download reports it), and
 * how to go on. */
static int interrupted_get(const struct get_outcome *out, struct err *e)
{
    const char *closed = out->abort_closed ? XFER_ABORT_CLOSED : "";
    if (out->kept[0] == '\0')
        return err_set(e, ERR_INTERRUPTED, "interrupted before any data arrived: nothing kept%s", closed);
    char got[32], all[48] = "";
    size_text(out->offset + out->written, got, sizeof got);
    if (out->total > 0) {
        char t[32];
        size_text(out->total, t, sizeof t);
        snprintf(all, sizeof all, " of %s", t);
    }
    return err_set(e, ERR_INTERRUPTED, "interrupted: %s%s kept in %s; run again with -c to resume%s", got, all,
                   out->kept, closed);
}

/* -c continues only what is there: a file with nothing local to continue
 * is a plain download (which needs no SIZE from the server). */
static int something_to_continue(const char *local)
{
    char part[PATH_MAX + 8];
    snprintf(part, sizeof part, "%s.part", local);
    return file_size(part) > 0 || file_size(local) > 0;
}

static int get_one(struct ftp_session *s, const struct oneshot *o, const char *remote, const char *local,
                   struct err *e)
{
    int resume = o->resume && strcmp(local, "-") != 0 && something_to_continue(local);
    struct get_outcome out;
    int rc = xfer_get_noting(s, remote, local, resume ? GET_RESUME : 0, GET_HINT, &out, e);
    if (rc != 0 && e->code == ERR_INTERRUPTED && strcmp(local, "-") != 0)
        return interrupted_get(&out, e);
    return rc;
}

/* Tells whether to try the next file after one failed. */
static int go_on(const struct ftp_session *s, const struct err *e)
{
    return e->code != ERR_INTERRUPTED && !ftpc_interrupted && s->state == SESSION_LOGGED_IN;
}

/* After several files: the first failure's status, a count in words; a
 * Ctrl-C between files (cut) ends the run with its own status. */
static int tally(size_t failed, size_t tried, size_t total, const struct err *first, int cut, const char *what,
                 struct err *e)
{
    if (cut)
        return err_set(e, ERR_INTERRUPTED, "interrupted: %zu of %zu %s were not tried%s", total - tried, total,
                       what, failed ? " and some failed (each failure is above)" : "");
    if (failed == 0)
        return 0;
    if (tried < total)
        return err_set(e, first->code, "%zu of %zu %s failed and %zu were not tried (each failure is above)",
                       failed, total, what, total - tried);
    return err_set(e, first->code, "%zu of %zu %s failed (each is above)", failed, total, what);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_key(const void *key, const void *item)
{
    return strcmp(key, *(char *const *)item);
}

/* NAME.part beside NAME: its local copy would be taken for NAME's partial
 * download (get -c would continue NAME from it), so it is reported and
 * left out. v is sorted. */
static int leave_out_parts(char **v, size_t *n, FILE *err, size_t *refused, struct err *e)
{
    unsigned char *drop = calloc(*n ? *n : 1, 1);
    if (drop == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        size_t len = strlen(v[i]);
        char name[PATH_MAX];
        if (len <= 5 || len - 5 >= sizeof name || strcmp(v[i] + len - 5, ".part") != 0)
            continue;
        memcpy(name, v[i], len - 5);
        name[len - 5] = '\0';
        if (bsearch(name, v, *n, sizeof *v, by_key) == NULL)
            continue;
        fprintf(err, "ftpc: left out %s: it collides with ftpc's partial-download name for %s; "
                     "fetch it on its own under another name\n", v[i], name);
        (*refused)++;
        drop[i] = 1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (drop[i])
            free(v[i]);
        else
            v[kept++] = v[i];
    }
    free(drop);
    *n = kept;
    return 0;
}

/* The regular files of the folder whose names match, sorted. Names that
 * are not safe as local names are reported and left out. */
static int glob_matches(struct ftp_session *s, const struct oneshot *o, FILE *err, char ***out, size_t *n_out,
                        size_t *refused, struct err *e)
{
    struct tree_listing l;
    tree_listing_init(&l);
    /* Names and kinds only: no MDTM for every file where LIST is read. */
    if (tree_list_remote_with(s, o->folder[0] ? o->folder : ".", TREE_LIST_NO_TIMES, &l, e) != 0) {
        tree_listing_free(&l);
        return err_prefix(e, "cannot list %s", o->folder[0] ? o->folder : "the login folder");
    }
    char **v = calloc(l.n ? l.n : 1, sizeof *v);
    size_t n = 0;
    int rc = v == NULL ? err_set(e, ERR_INTERNAL, "out of memory") : 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const struct tree_entry *t = &l.v[i];
        if (t->kind != TREE_FILE || strlen(t->name) != t->name_len ||
            (fnmatch(o->pattern, t->name, FNM_PERIOD) != 0 && strcmp(t->name, o->pattern) != 0))
            continue;
        const char *why;
        if (tree_name_check(t->name, t->name_len, &why) != 0) {
            fprintf(err, "ftpc: left out a file whose name %s: %s\n", why, t->name);
            (*refused)++;
            continue;
        }
        if ((v[n] = strdup(t->name)) == NULL)
            rc = err_set(e, ERR_INTERNAL, "out of memory");
        else
            n++;
    }
    tree_listing_free(&l);
    if (rc == 0 && n == 0 && *refused == 0)
        rc = err_set(e, ERR_SERVER, "no file in %s matches %s", o->folder[0] ? o->folder : "the login folder",
                     o->pattern);
    if (rc != 0) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    qsort(v, n, sizeof *v, by_name);
    if (leave_out_parts(v, &n, err, refused, e) != 0) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    *out = v;
    *n_out = n;
    return 0;
}

/* A file named exactly as the pattern is that file alone (photo [1].jpg
 * is a name before it is a pattern); into a LOCAL that is a file only one
 * may match. */
static int pick(const struct oneshot *o, char **v, size_t *n, struct err *e)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(v[i], o->pattern) != 0)
            continue;
        char *keep = v[i];
        for (size_t k = 0; k < *n; k++)
            if (k != i)
                free(v[k]);
        v[0] = keep;
        *n = 1;
        return 0;
    }
    if (o->into_file && *n > 1)
        return err_set(e, ERR_USAGE, "%zu files in %s match %s, and %s is not a folder: name a folder for them",
                       *n, o->folder[0] ? o->folder : "the login folder", o->pattern, o->local);
    return 0;
}

static int get_glob(struct ftp_session *s, const struct oneshot *o, FILE *err, struct err *e)
{
    char **names = NULL;
    size_t n = 0, refused = 0;
    if (glob_matches(s, o, err, &names, &n, &refused, e) != 0)
        return -1;
    if (pick(o, names, &n, e) != 0) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return -1;
    }
    if (n == 0)
        return err_set(e, ERR_SERVER, "no file in %s that matches %s has a name that is safe here",
                       o->folder[0] ? o->folder : "the login folder", o->pattern);
    size_t failed = refused, tried = refused, total = n + refused;
    int cut = 0;
    struct err first;
    err_clear(&first);
    err_set(&first, ERR_SERVER, "unsafe names");
    for (size_t i = 0; i < n; i++) {
        char remote[PATH_MAX], local[PATH_MAX];
        struct err one;
        err_clear(&one);
        if (ftpc_interrupted) {
            cut = 1; /* Ctrl-C between two files, or during one that still finished */
            break;
        }
        tried++;
        if (join(o->folder, names[i], remote, sizeof remote) != 0 ||
            (o->into_file ? copy(local, sizeof local, o->local) : join(o->local, names[i], local, sizeof local)) != 0)
            err_set(&one, ERR_LOCAL, "%s: the path is too long", names[i]);
        else if (get_one(s, o, remote, local, &one) == 0)
            continue;
        if (failed++ == refused)
            first = one;
        if (total == 1) {
            *e = one; /* one file: its own message, not a count */
            break;
        }
        fprintf(err, "ftpc: %s\n", one.msg);
        if (!go_on(s, &one)) {
            first.code = one.code; /* Ctrl-C or a lost connection: its status */
            break;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (failed == 0 && !cut)
        return 0;
    if (total == 1 && !cut)
        return -1;
    return tally(failed, tried, total, &first, cut, "files", e);
}

int oneshot_get(struct ftp_session *s, const struct oneshot *o, FILE *err, struct err *e)
{
    if (o->glob)
        return get_glob(s, o, err, e);
    return get_one(s, o, o->remote, o->local, e);
}

static int put_one(struct ftp_session *s, const struct oneshot *o, const char *local, struct err *e)
{
    char remote[PATH_MAX];
    if (o->url_is_dir) {
        char base[PATH_MAX];
        cmd_base_name(local, base, sizeof base);
        if (join(o->path, base, remote, sizeof remote) != 0)
            return err_set(e, ERR_USAGE, "%s: the remote path is too long", local);
    } else {
        snprintf(remote, sizeof remote, "%s", o->path);
    }
    int rc = xfer_put(s, local, remote, o->resume ? PUT_RESUME : PUT_STORE, e);
    if (rc != 0 && e->code == ERR_INTERRUPTED) {
        const char *closed = strstr(e->msg, XFER_ABORT_CLOSED) != NULL ? XFER_ABORT_CLOSED : "";
        if (strcmp(local, "-") == 0)
            return err_set(e, ERR_INTERRUPTED, "interrupted: standard input was not all sent to %s%s", remote,
                           closed);
        return err_set(e, ERR_INTERRUPTED, "interrupted: %s was not all sent to %s; run again with -c to "
                                           "resume it%s", local, remote, closed);
    }
    return rc;
}

int oneshot_put(struct ftp_session *s, const struct oneshot *o, FILE *err, struct err *e)
{
    if (o->locals.n == 1)
        return put_one(s, o, o->locals.items[0], e);
    size_t failed = 0, tried = 0;
    int cut = 0;
    struct err first;
    err_clear(&first);
    for (size_t i = 0; i < o->locals.n; i++) {
        struct err one;
        err_clear(&one);
        if (ftpc_interrupted) {
            cut = 1; /* Ctrl-C between two files, or during one that still finished */
            break;
        }
        tried++;
        if (put_one(s, o, o->locals.items[i], &one) == 0)
            continue;
        if (failed++ == 0)
            first = one;
        fprintf(err, "ftpc: %s\n", one.msg);
        if (!go_on(s, &one)) {
            first.code = one.code;
            break;
        }
    }
    return tally(failed, tried, o->locals.n, &first, cut, "files", e);
}
