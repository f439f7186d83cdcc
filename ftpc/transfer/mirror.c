/* mirror: the walk of a download mirror, folder by folder. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/visible.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/parse/mirror_plan.h"
#include "ftpc/transfer/mirror.h"
#include "ftpc/transfer/transfer.h"
#include "ftpc/transfer/tree_list.h"
#include "ftpc/transfer/tree_local.h"

/* Folders deeper than this are a failure, not descended (a server's
 * listing could nest without end). */
#define MIRROR_DEPTH_MAX 64

/* One folder of the walk: where it is on both sides and from the top. */
struct place {
    char remote[PATH_MAX];
    char local[PATH_MAX];
    char rel[PATH_MAX];         /* "" at the top */
};

struct walk {
    struct ftp_session *s;
    const struct mirror_options *o;
    struct mirror_summary *sum;
    const char *top;            /* the remote folder named, for messages about the top */
};

/* The run cannot go on: Ctrl-C, or no logged-in connection left. */
static int stopped(const struct walk *w, const struct err *e)
{
    return ftpc_interrupted || e->code == ERR_INTERRUPTED || w->s->state != SESSION_LOGGED_IN;
}

static void failure(struct walk *w, const char *rel, const struct err *e)
{
    char shown[PATH_MAX + 64];
    w->sum->failed++;
    fprintf(w->o->err, "ftpc: mirror: %s: %s\n", visible_str(shown, sizeof shown, rel[0] ? rel : w->top),
            e->msg);
    if (w->sum->first.code == ERR_NONE)
        w->sum->first = *e;
}

/* dir + "/" + name into out; -1 when it does not fit. */
static int join(char *out, size_t len, const char *dir, const char *name)
{
    int n = dir[0] ? snprintf(out, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name)
                   : snprintf(out, len, "%s", name);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int child(const struct place *p, const char *name, struct place *c)
{
    return join(c->remote, sizeof c->remote, p->remote, name) != 0 ||
                   join(c->local, sizeof c->local, p->local, name) != 0 ||
                   join(c->rel, sizeof c->rel, p->rel, name) != 0
               ? -1 : 0;
}

static void show_action(struct walk *w, const struct plan_action *a, const char *rel)
{
    if (!w->o->dry_run && !w->o->verbose)
        return;
    char shown[PATH_MAX + 64];
    fprintf(w->o->out, "%-8s %s (%s)\n", plan_act_name(a->act), visible_str(shown, sizeof shown, rel),
            a->reason);
}

/* A file downloaded as the plan says, then given the server's time. */
static int fetch(struct walk *w, const struct plan_action *a, const struct place *c, struct err *e)
{
    unsigned flags = a->act == PLAN_REPLACE ? GET_REPLACE : 0;
    struct stat sb;
    /* Continue only the part the plan saw: without one, GET_RESUME would
     * append to the old file itself. */
    char part[PATH_MAX + 8];
    snprintf(part, sizeof part, "%s.part", c->local);
    if (a->part != NULL && lstat(part, &sb) == 0 && S_ISREG(sb.st_mode))
        flags |= GET_RESUME;
    if (xfer_get(w->s, c->remote, c->local, flags, "mirror (the file appeared during the run)", e) != 0)
        return -1;
    if (a->remote->has_mtime && tree_local_set_mtime(c->local, a->remote->mtime, e) != 0)
        return -1;
    w->sum->transferred++;
    uint64_t had = (flags & GET_RESUME) ? a->part->size : 0;
    w->sum->bytes += a->remote->size > had ? a->remote->size - had : 0;
    return 0;
}

static int walk_folder(struct walk *w, const struct place *p, int depth, struct err *e);

/* One action of a folder's plan. -1 only when the run must stop. */
static int act(struct walk *w, const struct place *p, const struct plan_action *a, int depth, struct err *e)
{
    const struct tree_entry *ent = a->remote ? a->remote : a->local;
    struct place *c = malloc(sizeof *c);
    if (c == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    int rc = 0;
    struct err why;
    err_clear(&why);
    if (child(p, ent->name, c) != 0) {
        err_set(&why, ERR_LOCAL, "path too long");
        failure(w, p->rel, &why);
        free(c);
        return 0;
    }
    show_action(w, a, c->rel);
    switch (a->act) {
    case PLAN_TRANSFER:
    case PLAN_REPLACE:
        if (!w->o->dry_run && fetch(w, a, c, &why) != 0)
            failure(w, c->rel, &why);
        else if (w->o->dry_run) {
            w->sum->transferred++;
            w->sum->bytes += a->remote->size - (a->part ? a->part->size : 0);
        }
        break;
    case PLAN_DELETE:
        if (!w->o->dry_run && tree_local_remove(c->local, &why) != 0)
            failure(w, c->rel, &why);
        else
            w->sum->deleted++;
        break;
    case PLAN_SKIP:
        w->sum->skipped++;
        if (a->failed) {
            err_set(&why, ERR_SERVER, "skipped: %s", a->reason);
            failure(w, c->rel, &why);
        }
        break;
    case PLAN_KEEP:
        break;
    case PLAN_DESCEND:
        if (depth + 1 >= MIRROR_DEPTH_MAX) {
            err_set(&why, ERR_SERVER, "folders nested deeper than %d; not descended", MIRROR_DEPTH_MAX);
            failure(w, c->rel, &why);
        } else if (a->local == NULL && !w->o->dry_run && tree_local_mkdir(c->local, &why) != 0) {
            failure(w, c->rel, &why);
        } else {
            if (a->local == NULL)
                w->sum->folders_made++;
            rc = walk_folder(w, c, depth + 1, e);
        }
        break;
    }
    if (rc == 0 && why.code != ERR_NONE && stopped(w, &why)) {
        *e = why;
        rc = -1;
    }
    free(c);
    return rc;
}

static int walk_folder(struct walk *w, const struct place *p, int depth, struct err *e)
{
    struct tree_listing remote, local;
    tree_listing_init(&remote);
    tree_listing_init(&local);
    struct err why;
    err_clear(&why);
    if (tree_list_remote(w->s, p->remote, &remote, &why) != 0) {
        err_prefix(&why, "cannot list the server's folder (nothing in it changed)");
        failure(w, p->rel, &why);
        if (stopped(w, &why)) {
            *e = why;
            return -1;
        }
        return 0;
    }
    /* The top folder is made only once the server's side could be listed. */
    if (depth == 0 && !w->o->dry_run && tree_local_mkdir(p->local, e) != 0) {
        tree_listing_free(&remote);
        return -1;
    }
    if (tree_list_local(p->local, &local, &why) != 0) {
        failure(w, p->rel, &why);
        tree_listing_free(&remote);
        return 0;
    }
    struct plan_action *plan = calloc(remote.n + local.n + 1, sizeof *plan);
    if (plan == NULL) {
        tree_listing_free(&remote);
        tree_listing_free(&local);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    struct plan_options po = { .flags = w->o->plan_flags, .filter = w->o->filter, .folder = p->rel };
    int blocked;
    size_t n = mirror_plan(remote.v, remote.n, local.v, local.n, &po, plan, &blocked);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (ftpc_interrupted)
            rc = err_set(e, ERR_INTERRUPTED, "mirror interrupted; run it again to continue it");
        else
            rc = act(w, p, &plan[i], depth, e);
    }
    free(plan);
    tree_listing_free(&remote);
    tree_listing_free(&local);
    return rc;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int mirror_download(struct ftp_session *s, const char *remote, const char *local,
                    const struct mirror_options *o, struct mirror_summary *sum, struct err *e)
{
    memset(sum, 0, sizeof *sum);
    if (session_require_data(s, e) != 0 || tree_remote_ready(s, e) != 0)
        return -1;
    struct place *top = calloc(1, sizeof *top);
    if (top == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    char shown[PATH_MAX + 64];
    if (snprintf(top->remote, sizeof top->remote, "%s", remote) >= (int)sizeof top->remote ||
        snprintf(top->local, sizeof top->local, "%s", local) >= (int)sizeof top->local) {
        free(top);
        return err_set(e, ERR_USAGE, "mirror: path too long");
    }
    struct stat sb;
    int rc = 0;
    if (stat(local, &sb) == 0 && !S_ISDIR(sb.st_mode))
        rc = err_set(e, ERR_LOCAL, "%s is not a folder; name a folder to mirror into",
                     visible_str(shown, sizeof shown, local));
    /* The top folder may be a link the user named; below it none is followed. */
    else if (lstat(local, &sb) == 0 && S_ISLNK(sb.st_mode) && realpath(local, top->local) == NULL)
        rc = err_set(e, ERR_LOCAL, "cannot resolve %s: %s", visible_str(shown, sizeof shown, local),
                     strerror(errno));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int saved_verbose = s->verbose, saved_quiet = s->quiet;
    if (!o->verbose) {
        s->verbose = 0;
        s->quiet = 1;
    }
    struct walk w = { .s = s, .o = o, .sum = sum, .top = remote };
    if (rc == 0)
        rc = walk_folder(&w, top, 0, e);
    s->verbose = saved_verbose;
    s->quiet = saved_quiet;
    sum->seconds = seconds_since(&t0);
    free(top);
    return rc;
}

void mirror_print_summary(FILE *out, const struct mirror_summary *sum, int dry_run)
{
    fprintf(out, "mirror%s: %" PRIu64 " %s, %" PRIu64 " skipped, %" PRIu64 " %s, %" PRIu64 " failed; %" PRIu64
            " bytes in %.2f s\n", dry_run ? " (dry run, nothing changed)" : "", sum->transferred,
            dry_run ? "to transfer" : "transferred", sum->skipped, sum->deleted,
            dry_run ? "to delete" : "deleted", sum->failed, sum->bytes, sum->seconds);
}
