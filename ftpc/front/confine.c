/* confine: where ftpc may write, then the sandbox. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_write.h"
#include "common/visible.h"
#include "ftpc/front/confine.h"
#include "ftpc/parse/cmdline.h"
#include "ftpc/parse/number.h"
#include "sandbox/sandbox.h"

/* Files every run may write: the terminal (password prompts) and the
 * null device. */
static const char *const ALWAYS_FILES[] = { "/dev/null", "/dev/tty" };
#define N_ALWAYS (sizeof ALWAYS_FILES / sizeof ALWAYS_FILES[0])

static int no_memory(struct err *e)
{
    return err_set(e, ERR_INTERNAL, "out of memory");
}

/* Adds resolved to the list unless the list covers it already. */
static int add_dir(struct confine_scope *s, const char *resolved, struct err *e)
{
    for (size_t i = 0; i < s->dirs.n; i++)
        if (sandbox_path_within(s->dirs.items[i], resolved))
            return 0;
    return strlist_add(&s->dirs, resolved, strlen(resolved)) == 0 ? 0 : no_memory(e);
}

static int add_file(struct confine_scope *s, const char *resolved, struct err *e)
{
    for (size_t i = 0; i < s->files.n; i++)
        if (strcmp(s->files.items[i], resolved) == 0)
            return 0;
    return strlist_add(&s->files, resolved, strlen(resolved)) == 0 ? 0 : no_memory(e);
}

/* name against the scope's current folder. 0, or -1 when too long. */
static int absolute(const struct confine_scope *s, const char *name, char *out, size_t len)
{
    int w = name[0] == '/' ? snprintf(out, len, "%s", name)
                           : snprintf(out, len, "%s/%s", s->cwd, name);
    return w >= 0 && (size_t)w < len ? 0 : -1;
}

/* An existing folder (resolved into out): 1, else 0. */
static int folder_at(const char *path, char *out)
{
    struct stat sb;
    return realpath(path, out) != NULL && stat(out, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int confine_scope_init(struct confine_scope *s, struct err *e)
{
    strlist_init(&s->dirs);
    strlist_init(&s->files);
    char here[PATH_MAX];
    if (getcwd(here, sizeof here) == NULL || !folder_at(here, s->cwd))
        return err_set(e, ERR_LOCAL, "cannot read the local folder: %s", strerror(errno));
    return add_dir(s, s->cwd, e);
}

void confine_scope_free(struct confine_scope *s)
{
    strlist_free(&s->dirs);
    strlist_free(&s->files);
}

int confine_allow_dir(struct confine_scope *s, const char *dir, struct err *e)
{
    char abs[PATH_MAX], resolved[PATH_MAX], shown[512];
    if (absolute(s, dir, abs, sizeof abs) != 0 || realpath(abs, resolved) == NULL)
        return err_set(e, ERR_USAGE, "--allow-write %s: %s", visible_str(shown, sizeof shown, dir),
                       errno == ENOENT ? "no such folder" : strerror(errno));
    if (!folder_at(resolved, resolved))
        return err_set(e, ERR_USAGE, "--allow-write %s: not a folder (name the folder that holds "
                       "the files)", visible_str(shown, sizeof shown, dir));
    return add_dir(s, resolved, e);
}

int confine_allow_file(struct confine_scope *s, const char *path, struct err *e)
{
    char resolved[PATH_MAX];
    if (realpath(path, resolved) == NULL)
        return err_set(e, ERR_LOCAL, "cannot resolve %s: %s", path, strerror(errno));
    return add_file(s, resolved, e);
}

int confine_allow_target(struct confine_scope *s, const char *local, struct err *e)
{
    char abs[PATH_MAX], dir[PATH_MAX], resolved[PATH_MAX];
    if (strcmp(local, "-") == 0 || absolute(s, local, abs, sizeof abs) != 0)
        return 0;
    struct stat sb;
    if (stat(abs, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0; /* refused as a download target anyway */
    /* A device or FIFO is written in place. */
    if (stat(abs, &sb) == 0 && !S_ISREG(sb.st_mode) && realpath(abs, resolved) != NULL)
        return add_file(s, resolved, e);
    /* A folder that does not exist fails the download on its own. */
    if (path_folder(abs, dir, sizeof dir) != 0 || !folder_at(dir, resolved))
        return 0;
    return add_dir(s, resolved, e);
}

/* A folder mirror fills (and makes, when it is missing, in its parent). */
static int allow_tree(struct confine_scope *s, const char *local, struct err *e)
{
    char abs[PATH_MAX], dir[PATH_MAX], resolved[PATH_MAX];
    if (local == NULL)
        return add_dir(s, s->cwd, e);
    if (absolute(s, local, abs, sizeof abs) != 0)
        return 0;
    struct stat sb;
    if (folder_at(abs, resolved))
        return add_dir(s, resolved, e);
    if (lstat(abs, &sb) == 0 || path_folder(abs, dir, sizeof dir) != 0 || !folder_at(dir, resolved))
        return 0; /* not a folder, or nowhere to make it: mirror refuses */
    return add_dir(s, resolved, e);
}

/* lcd DIR: writes go there from now on, and relative names start there. */
static int allow_lcd(struct confine_scope *s, int argc, char **argv, struct err *e)
{
    int i = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
    const char *dir = i < argc ? argv[i] : getenv("HOME");
    char abs[PATH_MAX], resolved[PATH_MAX];
    if (dir == NULL || absolute(s, dir, abs, sizeof abs) != 0 || !folder_at(abs, resolved))
        return 0; /* the lcd will fail, and the batch with it */
    snprintf(s->cwd, sizeof s->cwd, "%s", resolved);
    return add_dir(s, resolved, e);
}

int confine_allow_mirror(struct confine_scope *s, int n, char **words, struct err *e)
{
    /* LOCAL is the second word that is no option (nor the value of
     * --exclude, --include or --parallel). An upload (-R: LOCAL REMOTE) writes nothing
     * here: its REMOTE is no local folder to open for writes. */
    const char *pos[2] = { NULL, NULL };
    int npos = 0, options = 1;
    for (int i = 0; i < n; i++) {
        if (options && strcmp(words[i], "--") == 0)
            options = 0;
        else if (options && (strcmp(words[i], "-R") == 0 || strcmp(words[i], "--reverse") == 0))
            return 0;
        else if (options && words[i][0] == '-' && words[i][1] != '\0')
            i += strcmp(words[i], "--exclude") == 0 || strcmp(words[i], "--include") == 0 ||
                 strcmp(words[i], "--parallel") == 0;
        else if (npos < 2)
            pos[npos++] = words[i];
    }
    return allow_tree(s, pos[1], e);
}

/* get [-f] [-r] REMOTE [LOCAL] [(REPLACE] and reget REMOTE [LOCAL]. */
static int allow_get(struct confine_scope *s, int argc, char **argv, const char *opts, struct err *e)
{
    unsigned flags = 0;
    const char *bad;
    argc = cmdline_options(argc, argv, opts, &flags, &bad);
    if (argc < 0)
        return 0; /* the line fails as it runs */
    (void)cmdline_paren_option(&argc, argv, "REPLACE", 1);
    const char *local = argc >= 3 ? argv[2] : NULL;
    if (flags & CMDLINE_OPT('r'))
        return allow_tree(s, local, e);
    return local != NULL ? confine_allow_target(s, local, e) : add_dir(s, s->cwd, e);
}

int confine_allow_line(struct confine_scope *s, int argc, char **argv, struct err *e)
{
    if (argc < 1)
        return 0;
    const char *name = argv[0];
    if (strcasecmp(name, "lcd") == 0)
        return allow_lcd(s, argc, argv, e);
    if (strcasecmp(name, "get") == 0 || strcasecmp(name, "recv") == 0)
        return allow_get(s, argc, argv, "fr", e);
    if (strcasecmp(name, "reget") == 0)
        return allow_get(s, argc, argv, "", e);
    if (strcasecmp(name, "mirror") == 0)
        return confine_allow_mirror(s, argc - 1, argv + 1, e);
    if (strcasecmp(name, "mget") == 0)
        return add_dir(s, s->cwd, e);
    return 0;
}

/* FTPC_SANDBOX_LANDLOCK_ABI, 0 when unset. */
static int abi_cap(int *cap, struct err *e)
{
    const char *v = getenv(CONFINE_ABI_ENV);
    uint64_t n = 0;
    if (v != NULL && parse_in_range(v, 1, SANDBOX_LANDLOCK_ABI_KNOWN, &n) != 0) {
        char shown[64];
        return err_set(e, ERR_USAGE, "%s takes a Landlock ABI from 1 to %d, not '%s'", CONFINE_ABI_ENV,
                       SANDBOX_LANDLOCK_ABI_KNOWN, visible_str(shown, sizeof shown, v));
    }
    *cap = (int)n;
    return 0;
}

int confine_apply(const struct confine_scope *s, struct err *e)
{
    struct sandbox_policy p = {
        .write_dirs = (const char *const *)s->dirs.items,
        .n_write_dirs = s->dirs.n,
        .threads = 1, /* mirror --parallel: a thread per connection */
        .no_unix_sockets = 1,
        .allow_hint = "start ftpc with --allow-write",
    };
    if (abi_cap(&p.landlock_abi_max, e) != 0)
        return -1;
    const char **files = malloc((s->files.n + N_ALWAYS) * sizeof *files);
    if (files == NULL)
        return no_memory(e);
    size_t n = 0;
    for (size_t i = 0; i < s->files.n; i++)
        files[n++] = s->files.items[i];
    struct stat sb;
    for (size_t i = 0; i < N_ALWAYS; i++)
        if (stat(ALWAYS_FILES[i], &sb) == 0)
            files[n++] = ALWAYS_FILES[i];
    p.write_files = files;
    p.n_write_files = n;
    struct sandbox_report r;
    int rc = sandbox_apply(&p, &r, e);
    free(files);
    if (rc != 0)
        return err_suffix(e, " (--no-sandbox runs ftpc without it)");
    return 0;
}
