/* sandbox: no new privileges, Landlock, then the seccomp filter. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "common/file_write.h"
#include "common/visible.h"
#include "sandbox/landlock.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp_filter.h"

#ifdef SANDBOX_VALGRIND_BUILD
#include <valgrind/valgrind.h>
#endif

/* What is in force: the process has one sandbox, as it has one set of
 * kernel restrictions. The names are resolved, for messages. */
static struct {
    struct sandbox_report report;
    char **dirs;
    size_t n_dirs;
    char **files;
    size_t n_files;
    char hint[160];
    char skipped[160]; /* sandbox_skip's reason */
} in_force;

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Resolved copies of names, each of which must exist. */
static int resolve_all(const char *const *names, size_t n, char ***out, struct err *e)
{
    *out = n > 0 ? calloc(n, sizeof **out) : NULL;
    if (n > 0 && *out == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        (*out)[i] = realpath(names[i], NULL);
        if ((*out)[i] == NULL) {
            int saved = errno;
            free_names(*out, n);
            *out = NULL;
            return err_set(e, ERR_LOCAL, "sandbox: cannot allow writes to %s: %s", names[i],
                           strerror(saved));
        }
    }
    return 0;
}

void sandbox_skip(const char *why)
{
    snprintf(in_force.skipped, sizeof in_force.skipped, "%s", why);
}

int sandbox_active(void)
{
    return in_force.report.active;
}

int sandbox_landlock_abi(void)
{
    return landlock_kernel_abi();
}

int sandbox_apply(const struct sandbox_policy *p, struct sandbox_report *r, struct err *e)
{
    memset(r, 0, sizeof *r);
#ifdef SANDBOX_VALGRIND_BUILD
    /* valgrind runs the program's system calls itself and knows neither
     * seccomp nor Landlock: its runs go unconfined, and say so. Only the
     * valgrind build (FTPC_VALGRIND) asks; others never skip. */
    if (RUNNING_ON_VALGRIND) {
        sandbox_skip("under valgrind, which runs neither seccomp nor Landlock");
        return 0;
    }
#endif
    char **dirs = NULL, **files = NULL;
    if (resolve_all(p->write_dirs, p->n_write_dirs, &dirs, e) != 0)
        return -1;
    if (resolve_all(p->write_files, p->n_write_files, &files, e) != 0) {
        free_names(dirs, p->n_write_dirs);
        return -1;
    }
    /* Nothing this process runs may gain privileges (set-user-ID files);
     * Landlock and an unprivileged filter need it. */
    int rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
                 ? 0
                 : err_set(e, ERR_INTERNAL, "sandbox: cannot set no-new-privileges: %s", strerror(errno));
    r->kernel_abi = landlock_kernel_abi();
    int abi = r->kernel_abi;
    if (abi > SANDBOX_LANDLOCK_ABI_KNOWN)
        abi = SANDBOX_LANDLOCK_ABI_KNOWN;
    if (p->landlock_abi_max > 0 && abi > p->landlock_abi_max)
        abi = p->landlock_abi_max;
    if (rc == 0 && abi > 0 && landlock_confine(p, abi, e) != 0)
        rc = -1;
    if (rc == 0)
        r->landlock_abi = abi;
    if (rc == 0 && seccomp_filter_load(p->threads, p->no_unix_sockets, e) != 0)
        rc = -1;
    if (rc != 0) {
        free_names(dirs, p->n_write_dirs);
        free_names(files, p->n_write_files);
        return -1;
    }
    r->seccomp = 1;
    r->active = 1;
    in_force.report = *r;
    in_force.dirs = dirs;
    in_force.n_dirs = p->n_write_dirs;
    in_force.files = files;
    in_force.n_files = p->n_write_files;
    snprintf(in_force.hint, sizeof in_force.hint, "%s", p->allow_hint ? p->allow_hint : "");
    return 0;
}

/* Appends to out (len bytes); a text that does not fit ends in "...". */
static void append(char *out, size_t len, size_t *used, const char *s)
{
    if (*used + 1 >= len)
        return;
    int w = snprintf(out + *used, len - *used, "%s", s);
    if (w >= 0 && (size_t)w < len - *used) {
        *used += (size_t)w;
        return;
    }
    *used = len - 1;
    if (len > 4)
        memcpy(out + len - 4, "...", 4);
}

static void append_names(char *out, size_t len, size_t *used, const char *head, char **names,
                         size_t n)
{
    append(out, len, used, head);
    for (size_t i = 0; i < n; i++) {
        append(out, len, used, i > 0 ? ", " : "");
        append(out, len, used, names[i]);
    }
}

void sandbox_describe(char *out, size_t len)
{
    size_t used = 0;
    if (len == 0)
        return;
    out[0] = '\0';
    const struct sandbox_report *r = &in_force.report;
    if (!r->active) {
        append(out, len, &used, "off");
        if (in_force.skipped[0] != '\0') {
            append(out, len, &used, " (");
            append(out, len, &used, in_force.skipped);
            append(out, len, &used, ")");
        }
        return;
    }
    if (r->landlock_abi == 0) {
        append(out, len, &used, "seccomp filter; Landlock not available: writes are not confined");
        return;
    }
    char head[96];
    snprintf(head, sizeof head, "seccomp filter, Landlock ABI %d", r->landlock_abi);
    append(out, len, &used, head);
    if (in_force.n_dirs == 0 && in_force.n_files == 0) {
        append(out, len, &used, "; no writes at all");
        return;
    }
    if (in_force.n_dirs > 0)
        append_names(out, len, &used, "; writes only in (and below): ", in_force.dirs, in_force.n_dirs);
    if (in_force.n_files > 0)
        append_names(out, len, &used, in_force.n_dirs > 0 ? "; and to: " : "; writes only to: ",
                     in_force.files, in_force.n_files);
}

static int confined(void)
{
    return in_force.report.active && in_force.report.landlock_abi > 0;
}

static int in_a_dir(const char *resolved)
{
    for (size_t i = 0; i < in_force.n_dirs; i++)
        if (sandbox_path_within(in_force.dirs[i], resolved))
            return 1;
    return 0;
}

/* The deepest folder of path that exists, resolved. -1 when none does. */
static int existing_folder(const char *path, char *out)
{
    char cur[PATH_MAX];
    if (snprintf(cur, sizeof cur, "%s", path) >= (int)sizeof cur)
        return -1;
    for (int depth = 0; depth < PATH_MAX; depth++) {
        if (realpath(cur, out) != NULL)
            return 0;
        char up[PATH_MAX];
        if (strcmp(cur, ".") == 0 || strcmp(cur, "/") == 0 || path_folder(cur, up, sizeof up) != 0)
            return -1;
        snprintf(cur, sizeof cur, "%s", up);
    }
    return -1;
}

int sandbox_may_write_in(const char *dir)
{
    if (!confined())
        return 1;
    char resolved[PATH_MAX];
    return existing_folder(dir, resolved) == 0 && in_a_dir(resolved);
}

/* 1 when the sandbox lets the process write path (a file). */
static int may_write(const char *path)
{
    char resolved[PATH_MAX];
    struct stat sb;
    if (realpath(path, resolved) != NULL && stat(resolved, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        for (size_t i = 0; i < in_force.n_files; i++)
            if (strcmp(in_force.files[i], resolved) == 0)
                return 1;
        return in_a_dir(resolved);
    }
    char dir[PATH_MAX];
    return path_folder(path, dir, sizeof dir) == 0 && sandbox_may_write_in(dir);
}

static char text[2 * PATH_MAX + 256];

const char *sandbox_refusal(const char *dir)
{
    char found[PATH_MAX], resolved[PATH_MAX];
    /* The name may hold a server's bytes (a mirror's folder). */
    visible_str(resolved, sizeof resolved, existing_folder(dir, found) == 0 ? found : dir);
    if (in_force.hint[0] != '\0')
        snprintf(text, sizeof text, "the sandbox allows no writes in %s (status lists where it "
                 "does); %s %s to allow them", resolved, in_force.hint, resolved);
    else
        snprintf(text, sizeof text, "the sandbox allows no writes in %s", resolved);
    return text;
}

const char *sandbox_errno_text(int errnum, const char *path)
{
    char dir[PATH_MAX];
    if (errnum != EACCES || !confined() || may_write(path) || path_folder(path, dir, sizeof dir) != 0)
        return strerror(errnum);
    return sandbox_refusal(dir);
}
