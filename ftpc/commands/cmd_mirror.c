/* cmd_mirror: mirror, get -r and put -r: a folder moved with all it holds,
 * down (a remote folder into a local one) or up (mirror -R, put -r). */
#include <limits.h>
#include <string.h>

#include "common/options.h"
#include "common/visible.h"
#include "ftpc/commands/commands.h"
#include "ftpc/parse/cmdline.h"
#include "ftpc/parse/mirror_plan.h"
#include "ftpc/parse/number.h"
#include "ftpc/transfer/conn_pool.h"
#include "ftpc/transfer/mirror.h"

#define MIRROR_USAGE "mirror [-R] [--dry-run] [--delete] [--only-newer|--ignore-time|--only-missing] " \
                     "[--exclude GLOB]... [--include GLOB]... [--follow-links] [--perms] [--verify] [--parallel N] [--json] [-v] " \
                     "REMOTE [LOCAL] " \
                     "(-R: LOCAL [REMOTE])"

/* Connections when --parallel is not given: see docs/performance.md
 * (files per second of a tree of small files, against vsftpd and
 * Pure-FTPd, both ways). */
#define MIRROR_PARALLEL_DEFAULT 4

static int parallel_value(const char *v, int *n, struct err *e)
{
    uint64_t k = 0;
    if (v == NULL) {
        *n = MIRROR_PARALLEL_DEFAULT;
        return 0;
    }
    if (parse_in_range(v, 1, CONN_POOL_MAX, &k) != 0) {
        char shown[64];
        return err_set(e, ERR_USAGE, "mirror: --parallel takes a number of connections from 1 to %d, not '%s' "
                       "(1: one connection, in order)", CONN_POOL_MAX, visible_str(shown, sizeof shown, v));
    }
    *n = (int)k;
    return 0;
}

/* The target when none is given: the source folder's last part, in the
 * current folder of the other side. */
static int default_target(const char *source, int upload, char *out, size_t len, struct err *e)
{
    cmd_base_name(source, out, len);
    if (out[0] == '\0' || strcmp(out, ".") == 0 || strcmp(out, "..") == 0 || strcmp(out, "/") == 0)
        return err_set(e, ERR_USAGE, "mirror %s%s: name the %s folder (mirror %s)", upload ? "-R " : "", source,
                       upload ? "remote" : "local", upload ? "-R LOCAL REMOTE" : "REMOTE LOCAL");
    return 0;
}

/* Runs the mirror (source to target, up when upload) and reports: the
 * summary always, and a failure of any file as the subcommand's failure. */
static int run_mirror(struct cmd_ctx *cx, const char *source, const char *target_arg, int upload, int json,
                      struct mirror_options *o, struct err *e)
{
    if (session_require(cx->s, 1, e) != 0)
        return -1;
    char target[PATH_MAX];
    if (target_arg != NULL)
        snprintf(target, sizeof target, "%s", target_arg);
    else if (default_target(source, upload, target, sizeof target, e) != 0)
        return -1;
    /* With --json, the output is the JSON summary alone; the plan's lines
     * go with the messages. */
    o->out = json ? cx->err : cx->out;
    o->err = cx->err;
    struct mirror_summary sum;
    int rc = upload ? mirror_upload(cx->s, source, target, o, &sum, e)
                    : mirror_download(cx->s, source, target, o, &sum, e);
    if (json)
        mirror_print_json(cx->out, &sum, upload, o->dry_run);
    else
        mirror_print_summary(cx->out, &sum, o->dry_run);
    if (rc != 0)
        return -1;
    if (sum.failed > 0)
        return err_set(e, sum.first.code != ERR_NONE ? sum.first.code : ERR_SERVER,
                       "mirror %s%s: %llu failed (each is named above)", upload ? "-R " : "", source,
                       (unsigned long long)sum.failed);
    return 0;
}

int cmd_mirror(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    int dry = 0, del = 0, newer = 0, ignore_time = 0, missing = 0, verbose = 0, reverse = 0, follow = 0,
        verify = 0, json = 0, perms = 0;
    int n_ex = 0, n_in = 0, parallel = 0;
    const char *ex[OPTIONS_MAX_REPEAT], *in[OPTIONS_MAX_REPEAT], *parallel_arg = NULL;
    const struct opt opts[] = {
        { "--dry-run", OPT_FLAG, &dry, NULL },
        { "--delete", OPT_FLAG, &del, NULL },
        { "--only-newer", OPT_FLAG, &newer, NULL },
        { "--ignore-time", OPT_FLAG, &ignore_time, NULL },
        { "--only-missing", OPT_FLAG, &missing, NULL },
        { "--exclude", OPT_REPEAT, &n_ex, ex },
        { "--include", OPT_REPEAT, &n_in, in },
        { "-v", OPT_FLAG, &verbose, NULL },
        { "--verbose", OPT_FLAG, &verbose, NULL },
        { "-R", OPT_FLAG, &reverse, NULL },
        { "--reverse", OPT_FLAG, &reverse, NULL },
        { "--follow-links", OPT_FLAG, &follow, NULL },
        { "--verify", OPT_FLAG, &verify, NULL },
        { "--perms", OPT_FLAG, &perms, NULL },
        { "--json", OPT_FLAG, &json, NULL },
        { "--parallel", OPT_VALUE, NULL, &parallel_arg },
        { NULL, OPT_FLAG, NULL, NULL },
    };
    char *pos[OPTIONS_MAX_POS];
    int npos;
    if (options_parse(argc - 1, argv + 1, opts, pos, &npos, e) != 0)
        return err_prefix(e, "mirror");
    if (npos < 1 || npos > 2)
        return err_set(e, ERR_USAGE, "usage: %s", MIRROR_USAGE);
    if (parallel_value(parallel_arg, &parallel, e) != 0)
        return -1;
    if (newer + ignore_time + missing > 1)
        return err_set(e, ERR_USAGE, "mirror: --only-newer, --ignore-time and --only-missing exclude each other");
    struct mirror_options o = {
        .plan_flags = (newer ? PLAN_OPT_ONLY_NEWER : 0) | (ignore_time ? PLAN_OPT_IGNORE_TIME : 0) |
                      (missing ? PLAN_OPT_ONLY_MISSING : 0) | (del ? PLAN_OPT_DELETE : 0),
        .filter = { ex, (size_t)n_ex, in, (size_t)n_in },
        .dry_run = dry,
        .verbose = verbose,
        .follow_links = follow,
        .verify = verify,
        .perms = perms,
        .parallel = parallel,
    };
    return run_mirror(cx, pos[0], npos == 2 ? pos[1] : NULL, reverse, json, &o, e);
}

int cmd_get_any(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    if (!(cx->opts & CMDLINE_OPT('r')))
        return cmd_get(cx, argc, argv, e);
    struct mirror_options o = { .parallel = MIRROR_PARALLEL_DEFAULT };
    return run_mirror(cx, argv[1], argc >= 3 ? argv[2] : NULL, 0, 0, &o, e);
}

int cmd_put_any(struct cmd_ctx *cx, int argc, char **argv, struct err *e)
{
    if (!(cx->opts & CMDLINE_OPT('r')))
        return cmd_put(cx, argc, argv, e);
    struct mirror_options o = { .parallel = MIRROR_PARALLEL_DEFAULT };
    return run_mirror(cx, argv[1], argc >= 3 ? argv[2] : NULL, 1, 0, &o, e);
}
