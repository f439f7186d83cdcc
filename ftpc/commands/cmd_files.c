/* cmd_files: file transfers and remote file operations. */
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ftpc/commands/commands.h"
#include "ftpc/parse/cmdline.h"
#include "ftpc/parse/facts.h"
#include "ftpc/parse/time_val.h"
#include "ftpc/parse/tree_glob.h"
#include "ftpc/transfer/transfer.h"

/* The word a user types to replace an existing file, for messages. */
#define GET_HINT "get -f (or set clobber on)"
#define MGET_HINT "mget -f (or set clobber on)"

static int get_common(struct cmd_ctx *cx, int argc, char **argv, unsigned flags, struct err *e)
{
    char local[PATH_MAX];
    if (argc >= 3)
        snprintf(local, sizeof local, "%s", argv[2]);
    else
        cmd_local_name(argv[1], local, sizeof local);
    return xfer_get(cx->s, argv[1], local, flags, GET_HINT, e);
}

int cmd_get(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return get_common(cx, argc, argv, (cx->opts & CMDLINE_OPT('f')) ? GET_REPLACE : 0, e);
}

int cmd_reget(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return get_common(cx, argc, argv, GET_RESUME, e);
}

static int put_common(struct cmd_ctx *cx, int argc, char **argv, enum put_how how, struct err *e)
{
    char remote[PATH_MAX];
    if (argc >= 3)
        snprintf(remote, sizeof remote, "%s", argv[2]);
    else if (strcmp(argv[1], "-") == 0)
        return err_set(e, ERR_USAGE, "%s -: name the remote file", argv[0]);
    else
        cmd_base_name(argv[1], remote, sizeof remote);
    return xfer_put(cx->s, argv[1], remote, how, e);
}

int cmd_put(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return put_common(cx, argc, argv, PUT_STORE, e);
}

int cmd_append(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return put_common(cx, argc, argv, PUT_APPEND, e);
}

int cmd_reput(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return put_common(cx, argc, argv, PUT_RESUME, e);
}

/* Remote names matching a pattern: NLST of the pattern's folder, then
 * fnmatch on the last part (servers differ in how NLST globs). */
static int remote_matches(struct ftp_session *s, const char *pattern, struct strlist *out,
                          struct err *e)
{
    if (!tree_has_glob(pattern)) {
        char name[PATH_MAX];
        if (tree_glob_unquote(pattern, name, sizeof name) != 0)
            return err_set(e, ERR_USAGE, "%s: the path is too long", pattern);
        return strlist_add(out, name, strlen(name)) == 0 ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", pattern);
    char *slash = strrchr(dir, '/');
    const char *base = pattern;
    if (slash != NULL) {
        base = pattern + (slash - dir) + 1;
        *(slash == dir ? slash + 1 : slash) = '\0';
    }
    struct strlist names;
    strlist_init(&names);
    /* MLSD says which names are files; NLST lists folders too. */
    int use_mlsd = session_features(s, e) == 0 && (s->agreed.feat & FEAT_MLST);
    int rc = use_mlsd ? xfer_files(s, slash ? dir : NULL, &names, e)
                      : xfer_names(s, slash ? dir : NULL, &names, e);
    if (rc != 0) {
        strlist_free(&names);
        return -1;
    }
    size_t before = out->n;
    for (size_t i = 0; i < names.n; i++) {
        const char *name = names.items[i];
        const char *last = strrchr(name, '/');
        last = last ? last + 1 : name;
        if (fnmatch(base, last, FNM_PERIOD) != 0)
            continue;
        char full[PATH_MAX];
        /* Some servers answer NLST dir with bare names, others with dir/name. */
        int n = slash && last == name
            ? snprintf(full, sizeof full, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name)
            : snprintf(full, sizeof full, "%s", name);
        if (n < 0 || (size_t)n >= sizeof full)
            continue; /* a name longer than a path can be: not ours to fetch */
        if (strlist_add(out, full, strlen(full)) != 0) {
            strlist_free(&names);
            return err_set(e, ERR_INTERNAL, "out of memory");
        }
    }
    strlist_free(&names);
    if (out->n == before)
        return err_set(e, ERR_SERVER, "no remote file matches %s", pattern);
    return 0;
}

/* A login costs about what ten full TLS handshakes do: fewer files than
 * that are not worth a new one (session_prefer_resumable). */
#define RESUMABLE_MIN_FILES 10

static int prefer_resumable(struct ftp_session *s, size_t files, struct err *e)
{
    return files >= RESUMABLE_MIN_FILES ? session_prefer_resumable(s, e) : 0;
}

/* fn on every name the words match; data: fn opens a data connection each. */
static int remote_each(struct cmd_ctx *cx, int argc, char **argv, unsigned flags, int data,
                       int (*fn)(struct ftp_session *s, const char *name, unsigned flags,
                                 struct err *e),
                       struct err *e)
{
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    struct strlist names;
    strlist_init(&names);
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++)
        rc = remote_matches(cx->s, argv[i], &names, e);
    if (rc == 0 && data)
        rc = prefer_resumable(cx->s, names.n, e);
    for (size_t i = 0; i < names.n && rc == 0; i++)
        rc = fn(cx->s, names.items[i], flags, e);
    strlist_free(&names);
    return rc;
}

static int get_one(struct ftp_session *s, const char *remote, unsigned flags, struct err *e)
{
    char local[PATH_MAX];
    cmd_local_name(remote, local, sizeof local);
    return xfer_get(s, remote, local, flags, MGET_HINT, e);
}

int cmd_mget(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return remote_each(cx, argc, argv, (cx->opts & CMDLINE_OPT('f')) ? GET_REPLACE : 0, 1, get_one, e);
}

static int delete_one(struct ftp_session *s, const char *remote, unsigned flags, struct err *e)
{
    (void)flags;
    char what[PATH_MAX + 16];
    snprintf(what, sizeof what, "delete %s refused", remote);
    return session_expect(s, 2, what, e, "DELE %s", remote);
}

int cmd_delete(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    return delete_one(cx->s, argv[1], 0, e);
}

int cmd_mdelete(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return remote_each(cx, argc, argv, 0, 0, delete_one, e);
}

static int add_word(struct strlist *out, const char *w, struct err *e)
{
    return strlist_add(out, w, strlen(w)) == 0 ? 0 : err_set(e, ERR_LOCAL, "too many local files");
}

int cmd_expand_locals(char **words, int n, struct strlist *out, struct err *e)
{
    for (int i = 0; i < n; i++) {
        struct stat sb;
        if (lstat(words[i], &sb) == 0 || !tree_has_glob(words[i])) {
            if (add_word(out, words[i], e) != 0)
                return -1;
            continue;
        }
        glob_t g;
        memset(&g, 0, sizeof g);
        int r = glob(words[i], 0, NULL, &g);
        int rc = r == GLOB_NOMATCH ? err_set(e, ERR_LOCAL, "no local file matches %s", words[i])
                 : r != 0          ? err_set(e, ERR_LOCAL, "cannot expand %s", words[i])
                                   : 0;
        for (size_t k = 0; rc == 0 && k < g.gl_pathc; k++)
            rc = add_word(out, g.gl_pathv[k], e);
        globfree(&g);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int cmd_mput(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    struct strlist files;
    strlist_init(&files);
    int rc = cmd_expand_locals(argv + 1, argc - 1, &files, e);
    if (rc == 0)
        rc = prefer_resumable(cx->s, files.n, e);
    for (size_t i = 0; i < files.n && rc == 0; i++) {
        char remote[PATH_MAX];
        cmd_base_name(files.items[i], remote, sizeof remote);
        rc = xfer_put(cx->s, files.items[i], remote, PUT_STORE, e);
    }
    strlist_free(&files);
    return rc;
}

int cmd_rename(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    if (session_require(cx->s, 1, e) != 0 ||
        session_expect(cx->s, 3, "rename refused", e, "RNFR %s", argv[1]) != 0)
        return -1;
    return session_expect(cx->s, 2, "rename refused", e, "RNTO %s", argv[2]);
}

int cmd_mkdir(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    return session_expect(cx->s, 2, "mkdir refused", e, "MKD %s", argv[1]);
}

int cmd_rmdir(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    return session_expect(cx->s, 2, "rmdir refused", e, "RMD %s", argv[1]);
}

int cmd_size(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    uint64_t size = 0;
    if (session_require(cx->s, 1, e) != 0 || xfer_remote_size(cx->s, argv[1], &size, e) != 0)
        return -1;
    fprintf(cx->out, "%llu\n", (unsigned long long)size);
    return 0;
}

int cmd_modtime(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    (void)argc;
    struct ftp_session *s = cx->s;
    if (session_require(s, 1, e) != 0 || session_command(s, e, "MDTM %s", argv[1]) != 0)
        return -1;
    struct ftp_time t;
    if (s->reply.code != 213)
        return session_refused(s, ERR_SERVER, "modtime refused", e);
    if (ftp_parse_time_val(s->reply.text, s->reply.text_len, &t) != 0)
        return session_refused(s, ERR_SERVER, "malformed MDTM reply", e);
    fprintf(cx->out, "%04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.month, t.day, t.hour, t.minute,
            t.second);
    return 0;
}

int cmd_ls(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return xfer_list(cx->s, "NLST", argc > 1 ? argv[1] : NULL, cx->out, e);
}

int cmd_dir(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    return xfer_list(cx->s, "LIST", argc > 1 ? argv[1] : NULL, cx->out, e);
}

static int need_mlst(struct ftp_session *s, struct err *e)
{
    if (session_require(s, 1, e) != 0 || session_features(s, e) != 0)
        return -1;
    if (!(s->agreed.feat & FEAT_MLST))
        return err_set(e, ERR_SERVER, "the server does not offer MLST/MLSD (not in its FEAT list)");
    return 0;
}

int cmd_mlsd(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    if (need_mlst(cx->s, e) != 0)
        return -1;
    return xfer_list(cx->s, "MLSD", argc > 1 ? argv[1] : NULL, cx->out, e);
}

int cmd_mlst(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    struct ftp_session *s = cx->s;
    if (need_mlst(s, e) != 0)
        return -1;
    int rc = argc > 1 ? session_expect(s, 2, "mlst refused", e, "MLST %s", argv[1])
                      : session_expect(s, 2, "mlst refused", e, "MLST");
    if (rc != 0)
        return -1;
    /* The facts are the reply's middle line(s), each starting with a blank. */
    for (const char *line = s->reply.text; line != NULL;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        if (n > 0 && line[0] == ' ') {
            struct ftp_facts facts;
            const char *name;
            size_t name_len;
            if (ftp_parse_fact_line(line + 1, n - 1, &facts, &name, &name_len) != 0)
                return err_set(e, ERR_SERVER, "malformed MLST reply: %.*s", (int)(n - 1 < 60 ? n - 1 : 60),
                               line + 1);
            fprintf(cx->out, "%.*s\n", (int)(n - 1), line + 1);
        }
        line = end ? end + 1 : NULL;
    }
    return 0;
}
