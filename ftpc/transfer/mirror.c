/* mirror: the walk of a mirror, folder by folder, either way. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/json.h"
#include "common/visible.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/parse/mirror_plan.h"
#include "ftpc/transfer/conn_pool.h"
#include "ftpc/transfer/mirror.h"
#include "ftpc/transfer/transfer.h"
#include "ftpc/transfer/tree_list.h"
#include "ftpc/transfer/tree_links.h"
#include "ftpc/transfer/tree_local.h"
#include "ftpc/transfer/tree_remote.h"
#include "ftpc/transfer/tree_verify.h"
#include "ftpc/transfer/work_queue.h"

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
    const char *top;            /* the folder named as the source, for messages about the top */
    int upload;
    unsigned plan_flags;        /* o->plan_flags and what the direction and the server add */
    struct ftp_features feat;   /* upload or --verify: what the server offers (MFMT, hashes) */
    struct tree_verify verify;  /* --verify: how */
    struct tree_links *links;   /* download --follow-links: the server's links seen */
    const char *above;          /* with links: the folders above this one, with no link in
                                 * their paths, one a line (tree_links_decide) */
    int no_chmod;               /* upload --perms: the server has no SITE CHMOD */
    mode_t umask;               /* download --perms: the bits the user's umask takes away */
    int no_rename;              /* upload: the server has no RNFR (files go straight to their names) */
    /* Upload: the local folders being copied, from the top down (device
     * and inode), so that a followed link back up is a loop, not a descent. */
    dev_t dev[MIRROR_DEPTH_MAX];
    ino_t ino[MIRROR_DEPTH_MAX];
    /* --parallel: files and folders go to the queue, for any of the
     * connections (NULL: the walk does them itself, in order, on s). */
    struct work_queue *q;
    struct par *par;
    int acting;                 /* a folder's plan is being carried out */
    int lost;                   /* the connection was lost before that: the folder goes back */
};

static int queue_file(struct walk *w, const struct plan_action *a, const struct place *c);
static int queue_folder(struct walk *w, const struct place *c, int depth, int target_new, struct err *e);
static void tally_tick(struct walk *w);

/* The run cannot go on: Ctrl-C, or no logged-in connection left. */
static int stopped(const struct walk *w, const struct err *e)
{
    return ftpc_interrupted || e->code == ERR_INTERRUPTED || w->s->state != SESSION_LOGGED_IN;
}

/* --parallel: the connection itself was lost (its work can go to another). */
static int conn_lost(const struct walk *w, const struct err *e)
{
    return w->q != NULL && !ftpc_interrupted && e->code != ERR_INTERRUPTED && w->s->state != SESSION_LOGGED_IN;
}

static void failure(struct walk *w, const char *rel, const struct err *e)
{
    if (!w->acting && conn_lost(w, e)) {
        w->lost = 1; /* nothing of the folder was done yet: another connection lists it */
        return;
    }
    char shown[PATH_MAX + 64], msg[ERR_MSG_MAX + 64];
    w->sum->failed++;
    fprintf(w->o->err, "ftpc: mirror: %s: %s\n", visible_str(shown, sizeof shown, rel[0] ? rel : w->top),
            visible_str(msg, sizeof msg, e->msg));
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

/* --verify of a download, before it takes its name. */
struct fetch_check {
    struct walk *w;
    const char *remote;
};

static int check_fetched(void *arg, int fd, struct err *e)
{
    struct fetch_check *k = arg;
    return tree_verify_file(&k->w->verify, k->w->s, k->remote, fd, e);
}

/* A file downloaded as the plan says (with --verify checked before it
 * takes its name), then given the server's time. */
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
    struct fetch_check k = { w, c->remote };
    /* --perms: the server's bits, but never more than the umask lets a
     * new file have (a listing cannot make it writable by others). */
    struct get_check check = { w->o->verify ? check_fetched : NULL, &k, w->o->perms && a->source->has_mode,
                               (mode_t)(a->source->mode & 0777) & ~w->umask };
    if (xfer_get_checked(w->s, c->remote, c->local, flags, "mirror (the file appeared during the run)",
                         &check, e) != 0)
        return -1;
    if (a->source->has_mtime && tree_local_set_mtime(c->local, a->source->mtime, e) != 0)
        return -1;
    w->sum->transferred++;
    uint64_t had = (flags & GET_RESUME) ? a->part->size : 0;
    w->sum->bytes += a->source->size > had ? a->source->size - had : 0;
    return 0;
}

/* --verify of an upload: on a mismatch the server's copy, which this
 * run just wrote, is deleted. */
static int verify_sent(struct walk *w, const struct place *c, const char *remote, struct err *e)
{
    int fd = open(c->local, O_RDONLY | O_CLOEXEC | O_NOCTTY | (w->o->follow_links ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return err_set(e, ERR_LOCAL, "--verify: cannot read the file again: %s", strerror(errno));
    int rc = tree_verify_file(&w->verify, w->s, remote, fd, e);
    close(fd);
    if (rc == 0 || stopped(w, e))
        return rc;
    struct err del;
    err_clear(&del);
    /* The part (NAME itself only on a server that cannot rename). */
    int part = strcmp(remote, c->remote) != 0;
    if (tree_remote_remove(w->s, remote, TREE_FILE, &del) != 0)
        err_suffix(e, "; deleting %s failed too: %s", remote, del.msg);
    else if (part)
        err_suffix(e, "; %s was deleted, %s is as it was", remote, c->remote);
    else
        err_suffix(e, "; the server's copy was deleted");
    return -1;
}

/* Upload: with --perms the local bits on the server; without, a
 * replaced file keeps its old copy's bits where the server can set them
 * (an old copy others could not read that cannot stay so is said). */
static int send_mode(struct walk *w, const struct tree_entry *src, const struct tree_entry *old,
                     const char *remote, const char *shown_as, struct err *e)
{
    const struct tree_entry *from = w->o->perms ? src : old;
    if (from == NULL || !from->has_mode)
        return 0;
    if (w->o->perms)
        return tree_remote_mode(w->s, remote, from->mode, 1, &w->no_chmod, e);
    struct err quiet;
    err_clear(&quiet);
    int unsupported = w->no_chmod;
    if (!unsupported && tree_remote_chmod(w->s, remote, from->mode, &unsupported, &quiet) == 0 && !unsupported)
        return 0;
    if (w->s->state != SESSION_LOGGED_IN || quiet.code == ERR_INTERRUPTED) {
        *e = quiet;
        return -1;
    }
    w->no_chmod = 1; /* refused once: not asked again in this run */
    if ((from->mode & 044) != 044) {
        char shown[PATH_MAX + 64], msg[ERR_MSG_MAX + 64];
        fprintf(w->o->err, "ftpc: mirror: warning: %s: its old mode %03o could not be kept on the server (%s); "
                "the new copy has the server's default mode\n", visible_str(shown, sizeof shown, shown_as),
                from->mode & 0777,
                quiet.code != ERR_NONE ? visible_str(msg, sizeof msg, quiet.msg) : "no SITE CHMOD here");
    }
    return 0;
}

/* A file uploaded as the plan says (through NAME.part, renamed when
 * complete: tree_remote_put); its local time (where the server can take
 * it) and mode are set on the part, before it takes the name. */
struct sent_file {
    struct walk *w;
    const struct plan_action *a;
    const struct place *c;
};

static int check_sent(void *arg, const char *part, struct err *e)
{
    struct sent_file *k = arg;
    return verify_sent(k->w, k->c, part, e);
}

static int ready_sent(void *arg, const char *part, struct err *e)
{
    struct sent_file *k = arg;
    struct walk *w = k->w;
    if ((w->feat.names & FTP_FEAT_MFMT) && k->a->source->has_mtime &&
        tree_remote_set_mtime(w->s, part, k->a->source->mtime, e) != 0)
        return err_prefix(e, "sent, but its time was not set");
    if (send_mode(w, k->a->source, k->a->target, part, k->c->rel, e) != 0)
        return err_prefix(e, "sent, but its mode was not set");
    return 0;
}

/* Whether the server's NAME.part holds the local file's first bytes, by
 * the server's hash of it: 1 yes (it is continued), 0 no or the server
 * cannot tell (it is sent again whole: REST only saves time), -1 when the
 * session cannot go on. */
static int part_holds_start(struct walk *w, const struct plan_action *a, const struct place *c, struct err *e)
{
    char part[PATH_MAX + 8];
    if (snprintf(part, sizeof part, "%s.part", c->remote) >= (int)sizeof part)
        return 0;
    int fd = open(c->local, O_RDONLY | O_CLOEXEC | O_NOCTTY | (w->o->follow_links ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return 0;
    struct err why;
    err_clear(&why);
    int rc = tree_verify_prefix(&w->verify, w->s, part, fd, a->part->size, &why);
    close(fd);
    if (rc != 0 && (w->s->state != SESSION_LOGGED_IN || ftpc_interrupted || why.code == ERR_INTERRUPTED)) {
        *e = why;
        return -1;
    }
    if (rc != 0 && w->o->verbose) {
        char shown[PATH_MAX + 64];
        fprintf(w->o->out, "mirror: %s: the server's .part of it is not this file's beginning; sent again "
                "whole\n", visible_str(shown, sizeof shown, c->rel));
    }
    return rc == 0;
}

static int send_file(struct walk *w, const struct plan_action *a, const struct place *c, struct err *e)
{
    struct stat sb;
    /* The plan saw a file (or, with --follow-links, what a link led to):
     * a link that took its place since is not followed. */
    if (!w->o->follow_links && (lstat(c->local, &sb) != 0 || !S_ISREG(sb.st_mode)))
        return err_set(e, ERR_LOCAL, "no longer a regular file here; not sent");
    int resume = a->part != NULL && part_holds_start(w, a, c, e);
    if (resume < 0)
        return -1;
    struct sent_file k = { w, a, c };
    struct put_check check = { w->o->verify ? check_sent : NULL, ready_sent, &k };
    if (tree_remote_put(w->s, c->local, c->remote, resume, a->target != NULL, &w->no_rename, &check, e) != 0)
        return -1;
    w->sum->transferred++;
    w->sum->bytes += a->source->size - (resume && a->part->size < a->source->size ? a->part->size : 0);
    return 0;
}

static int walk_folder(struct walk *w, const struct place *p, int depth, int target_new, struct err *e);

/* A folder of the source: made in the target when missing, then walked. */
static int descend(struct walk *w, const struct plan_action *a, const struct place *c, int depth,
                   struct err *why, struct err *e)
{
    if (depth + 1 >= MIRROR_DEPTH_MAX) {
        err_set(why, ERR_SERVER, "folders nested deeper than %d; not descended", MIRROR_DEPTH_MAX);
        failure(w, c->rel, why);
        return 0;
    }
    int made = 0;
    if (a->target == NULL && !w->o->dry_run) {
        made = w->upload ? tree_remote_mkdir(w->s, c->remote, why) : tree_local_mkdir(c->local, why);
        if (made != 0) {
            failure(w, c->rel, why);
            return 0;
        }
    }
    if (a->target == NULL)
        w->sum->folders_made++;
    /* --perms: an upload's folder keeps u+rwx on the server while the
     * walk (with --parallel, any connection) may still write in it; a
     * download's gets the server's bits under the umask (and u+rwx:
     * tree_local_folder_mode). */
    struct tree_entry walked = *a->source;
    walked.mode |= 0700;
    if (w->o->perms && a->source->has_mode && !w->o->dry_run &&
        (w->upload ? send_mode(w, &walked, NULL, c->remote, c->rel, why)
                   : tree_local_folder_mode(c->local, a->source->mode & ~(unsigned)w->umask, why)) != 0)
        failure(w, c->rel, why);
    if (w->q != NULL)
        return queue_folder(w, c, depth + 1, a->target == NULL, e);
    return walk_folder(w, c, depth + 1, a->target == NULL, e);
}

/* One action of a folder's plan. -1 only when the run must stop. */
static int act(struct walk *w, const struct place *p, const struct plan_action *a, int depth, struct err *e)
{
    const struct tree_entry *ent = a->source ? a->source : a->target;
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
        if (w->q == NULL && !w->o->dry_run) {
            w->sum->planned_files++;
            w->sum->planned_bytes += a->source->size - (a->part ? a->part->size : 0);
        }
        if (w->q != NULL) {
            if (queue_file(w, a, c) != 0) {
                err_set(&why, ERR_INTERNAL, "out of memory");
                failure(w, c->rel, &why);
            }
        } else if (!w->o->dry_run && (w->upload ? send_file(w, a, c, &why) : fetch(w, a, c, &why)) != 0)
            failure(w, c->rel, &why);
        else if (w->o->dry_run) {
            w->sum->transferred++;
            w->sum->bytes += a->source->size - (a->part ? a->part->size : 0);
        }
        break;
    case PLAN_DELETE:
        if (!w->o->dry_run && (w->upload ? tree_remote_remove(w->s, c->remote, a->target->kind, &why)
                                         : tree_local_remove(c->local, &why)) != 0)
            failure(w, c->rel, &why);
        else
            w->sum->deleted++;
        break;
    case PLAN_SKIP:
        w->sum->skipped++;
        if (a->failed) {
            err_set(&why, ERR_SERVER, "skipped: %s", a->reason);
            failure(w, c->rel, &why);
        } else if (a->notice && !w->o->dry_run && !w->o->verbose) {
            char shown[PATH_MAX + 64];
            fprintf(w->o->err, "ftpc: mirror: %s: skipped: %s\n", visible_str(shown, sizeof shown, c->rel),
                    a->reason);
        }
        break;
    case PLAN_KEEP:
        break;
    case PLAN_DESCEND:
        rc = descend(w, a, c, depth, &why, e);
        break;
    }
    if (rc == 0 && why.code != ERR_NONE && stopped(w, &why)) {
        *e = why;
        rc = -1;
    }
    if (w->q == NULL && (a->act == PLAN_TRANSFER || a->act == PLAN_REPLACE))
        tally_tick(w);
    free(c);
    return rc;
}

/* Upload: 0 when the local folder p is not one already being copied
 * above it (a followed link back up), and it is noted at depth. */
static int no_loop(struct walk *w, const struct place *p, int depth, struct err *e)
{
    struct stat sb;
    if (stat(p->local, &sb) != 0)
        return err_set(e, ERR_LOCAL, "cannot read the folder: %s", strerror(errno));
    for (int i = 0; i < depth; i++)
        if (w->dev[i] == sb.st_dev && w->ino[i] == sb.st_ino)
            return err_set(e, ERR_LOCAL, "a symbolic link loop: this folder is already being copied above it; "
                           "not descended");
    w->dev[depth] = sb.st_dev;
    w->ino[depth] = sb.st_ino;
    return 0;
}

/* The source's listing of p; a failure is reported (and nothing in p
 * changes). */
static int list_source(struct walk *w, const struct place *p, struct tree_listing *l, struct err *why)
{
    int rc = w->upload ? tree_list_local(p->local, w->o->follow_links, l, why)
                       : tree_list_remote(w->s, p->remote, l, why);
    if (rc != 0)
        err_prefix(why, w->upload ? "cannot read the local folder (nothing in it changed on the server)"
                                  : "cannot list the server's folder (nothing in it changed)");
    return rc;
}

/* The top of an upload's target: listed, or made when the server could
 * not list it (a folder that is not there yet). */
static int list_upload_top(struct walk *w, const struct place *p, struct tree_listing *l, struct err *why)
{
    if (tree_list_remote(w->s, p->remote, l, why) == 0)
        return 0;
    if (ftp_reply_class(w->s->reply.code) != 5 || stopped(w, why))
        return err_prefix(why, "cannot list the server's folder (nothing in it changed)");
    if (w->o->dry_run) {
        err_clear(why);
        w->sum->folders_made++;
        return 0;
    }
    struct err listing = *why;
    err_clear(why);
    if (tree_remote_mkdir(w->s, p->remote, why) != 0)
        return err_prefix(why, "cannot list the server's folder (%s), nor make it", listing.msg);
    w->sum->folders_made++;
    return 0;
}

/* The target's listing of p (empty when the walk made it). */
static int list_target(struct walk *w, const struct place *p, int depth, int target_new,
                       struct tree_listing *l, struct err *why)
{
    if (target_new)
        return 0;
    if (w->upload)
        return depth == 0 ? list_upload_top(w, p, l, why)
                          : tree_list_remote(w->s, p->remote, l, why) == 0
                              ? 0 : err_prefix(why, "cannot list the server's folder (nothing in it changed)");
    return tree_list_local(p->local, 0, l, why);
}

/* --follow-links: the links seen so far are the run's, shared by its
 * connections (--parallel), one folder's decision at a time. */
static pthread_mutex_t links_lock = PTHREAD_MUTEX_INITIALIZER;

static int links_decide(struct walk *w, const struct place *p, struct tree_listing *source, char **chain,
                        struct err *e)
{
    char real[PATH_MAX];
    pthread_mutex_lock(&links_lock);
    int rc = tree_links_decide(w->links, w->s, p->remote, p->rel, w->above, real, sizeof real, source, e);
    pthread_mutex_unlock(&links_lock);
    if (rc != 0)
        return rc;
    /* The folders below see this one on their path too. */
    const char *above = w->above != NULL ? w->above : "";
    size_t n = strlen(above), m = strlen(real);
    *chain = malloc(n + m + 2);
    if (*chain == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    memcpy(*chain, above, n);
    (*chain)[n] = '\n';
    memcpy(*chain + n + 1, real, m + 1);
    return 0;
}

static int walk_folder(struct walk *w, const struct place *p, int depth, int target_new, struct err *e)
{
    struct tree_listing source, target;
    tree_listing_init(&source);
    tree_listing_init(&target);
    struct err why;
    err_clear(&why);
    if ((w->upload && no_loop(w, p, depth, &why) != 0) || list_source(w, p, &source, &why) != 0) {
        failure(w, p->rel, &why);
        if (stopped(w, &why)) {
            *e = why;
            return -1;
        }
        return 0;
    }
    char *chain = NULL;
    if (w->links != NULL && links_decide(w, p, &source, &chain, e) != 0) {
        tree_listing_free(&source);
        return -1;
    }
    const char *saved_above = w->above;
    if (chain != NULL)
        w->above = chain;
    /* A download's top folder is made only once the server's side could be listed. */
    if (!w->upload && depth == 0 && !w->o->dry_run && tree_local_mkdir(p->local, e) != 0) {
        tree_listing_free(&source);
        w->above = saved_above;
        free(chain);
        return -1;
    }
    if (list_target(w, p, depth, target_new, &target, &why) != 0) {
        failure(w, p->rel, &why);
        tree_listing_free(&source);
        w->above = saved_above;
        free(chain);
        if (stopped(w, &why)) {
            *e = why;
            return -1;
        }
        return 0;
    }
    struct plan_action *plan = calloc(source.n + target.n + 1, sizeof *plan);
    if (plan == NULL) {
        tree_listing_free(&source);
        tree_listing_free(&target);
        w->above = saved_above;
        free(chain);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    struct plan_options po = { .flags = w->plan_flags, .filter = w->o->filter, .folder = p->rel };
    int blocked;
    size_t n = mirror_plan(source.v, source.n, target.v, target.n, &po, plan, &blocked);
    int rc = 0;
    w->acting = 1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (ftpc_interrupted)
            rc = err_set(e, ERR_INTERRUPTED, "mirror interrupted; run it again to continue it");
        else
            rc = act(w, p, &plan[i], depth, e);
    }
    free(plan);
    tree_listing_free(&source);
    tree_listing_free(&target);
    w->above = saved_above;
    free(chain);
    return rc;
}

/* ---- --parallel: the walk's work shared by several connections ---- */

/* What the connections share, under the queue's mutex. */
struct par {
    struct work_queue *q;
    const struct walk *base;    /* what each connection's walk starts from */
    struct mirror_summary *sum; /* the run's */
    struct err stop;            /* why the run stopped (ERR_NONE: it did not) */
};

/* A file for any connection: its plan's action with copies of its
 * entries (names left out: the paths say them). */
struct file_job {
    enum plan_act act;
    struct tree_entry source;
    int has_target, has_part;
    struct tree_entry target, part;
    int tries;                  /* connections lost while it was moving */
    char *remote, *local, *rel; /* in the same allocation */
};

/* A folder for any connection, with the local folders above it (upload:
 * loops are refused by device and inode). */
struct folder_job {
    struct place p;
    int depth, target_new, tries;
    dev_t dev[MIRROR_DEPTH_MAX];
    ino_t ino[MIRROR_DEPTH_MAX];
    char above[];               /* download --follow-links: walk's above, as it was */
};

/* A connection's own walk, summary (added to the run's after each piece
 * of work) and room for a file's place. */
struct par_worker {
    struct walk w;
    struct mirror_summary sum;
    struct place c;
    /* Uploads: how the server's TLS 1.3 tickets went (par_ready). */
    int files_done, fresh_before, fresh_after;
};

/* Fresh TLS sessions the control connection holds (-1: not TLS 1.3). */
static int fresh_sessions(const struct ftp_session *s)
{
    int fresh = 0;
    if (s->ctrl.tls == NULL || !tls_w_is_tls13(s->ctrl.tls))
        return -1;
    (void)tls_w_sessions(s->ctrl.tls, &fresh);
    return fresh;
}

/* A connection lost this often while moving one piece: it is a failure. */
#define PAR_TRIES_MAX 3

static int queue_file(struct walk *w, const struct plan_action *a, const struct place *c)
{
    size_t lr = strlen(c->remote) + 1, ll = strlen(c->local) + 1, lrel = strlen(c->rel) + 1;
    struct file_job *j = malloc(sizeof *j + lr + ll + lrel);
    if (j == NULL)
        return -1;
    *j = (struct file_job){ .act = a->act, .source = *a->source, .has_target = a->target != NULL,
                            .has_part = a->part != NULL };
    if (a->target != NULL)
        j->target = *a->target;
    if (a->part != NULL)
        j->part = *a->part;
    j->remote = (char *)(j + 1);
    j->local = j->remote + lr;
    j->rel = j->local + ll;
    memcpy(j->remote, c->remote, lr);
    memcpy(j->local, c->local, ll);
    memcpy(j->rel, c->rel, lrel);
    /* The entries' names: the last part of the path (checked by the plan). */
    const char *slash = strrchr(j->rel, '/');
    j->source.name = j->target.name = slash != NULL ? slash + 1 : j->rel;
    j->source.name_len = j->target.name_len = strlen(j->source.name);
    j->part.name = "";
    j->part.name_len = 0;
    /* A link's target points into the folder's listing, freed once it is planned. */
    j->source.target = j->target.target = j->part.target = NULL;
    j->source.target_len = j->target.target_len = j->part.target_len = 0;
    uint64_t had = a->part != NULL ? a->part->size : 0;
    if (wq_push(w->q, (struct wq_item){ .job = j, .size = a->source->size }) != 0) {
        free(j);
        return -1;
    }
    /* The run's totals (the shared summary: the worker's own is added to it). */
    wq_lock(w->q);
    w->par->sum->planned_files++;
    w->par->sum->planned_bytes += a->source->size > had ? a->source->size - had : 0;
    wq_unlock(w->q);
    return 0;
}

static int queue_folder(struct walk *w, const struct place *c, int depth, int target_new, struct err *e)
{
    size_t above = w->above != NULL ? strlen(w->above) : 0;
    struct folder_job *j = calloc(1, sizeof *j + above + 1);
    if (j == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    if (above > 0)
        memcpy(j->above, w->above, above + 1);
    j->p = *c;
    j->depth = depth;
    j->target_new = target_new;
    for (int i = 0; i < depth && i < MIRROR_DEPTH_MAX; i++) {
        j->dev[i] = w->dev[i];
        j->ino[i] = w->ino[i];
    }
    if (wq_push(w->q, (struct wq_item){ .job = j, .folder = 1 }) != 0) {
        free(j);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* 0 done (or failed and counted), 1 the connection was lost (the file
 * went back to the queue), -1 the run stops. */
static int run_file_job(struct par_worker *pw, struct file_job *j, struct err *e)
{
    struct walk *w = &pw->w;
    struct place *c = &pw->c;
    snprintf(c->remote, sizeof c->remote, "%s", j->remote);
    snprintf(c->local, sizeof c->local, "%s", j->local);
    snprintf(c->rel, sizeof c->rel, "%s", j->rel);
    if (j->tries > 0 && !w->upload) {
        /* What the lost connection wrote is continued, not left behind. */
        char part[PATH_MAX + 8];
        struct stat sb;
        snprintf(part, sizeof part, "%s.part", c->local);
        if (lstat(part, &sb) == 0 && S_ISREG(sb.st_mode)) {
            j->has_part = 1;
            j->part.size = (uint64_t)sb.st_size;
        }
    }
    struct plan_action a = { .act = j->act, .source = &j->source, .target = j->has_target ? &j->target : NULL,
                             .part = j->has_part ? &j->part : NULL };
    struct err why;
    err_clear(&why);
    w->acting = 1;
    if (pw->files_done == 0)
        pw->fresh_before = fresh_sessions(w->s);
    if ((w->upload ? send_file(w, &a, c, &why) : fetch(w, &a, c, &why)) == 0) {
        pw->files_done++;
        pw->fresh_after = fresh_sessions(w->s);
        free(j);
        return 0;
    }
    if (ftpc_interrupted || why.code == ERR_INTERRUPTED) {
        /* Said with the file's name, as the walk in order says it. */
        failure(w, c->rel, &why);
        *e = why;
        free(j);
        return -1;
    }
    /* A transient refusal (4xx: with several connections, above all a
     * server's passive port taken by another one's) is tried again. */
    int lost = conn_lost(w, &why);
    int transient = !lost && why.code == ERR_SERVER && ftp_reply_class(w->s->reply.code) == 4;
    if (lost)
        *e = why;
    if ((lost || transient) && ++j->tries < PAR_TRIES_MAX) {
        if (wq_push(w->q, (struct wq_item){ .job = j, .size = j->source.size }) == 0)
            return lost ? 1 : 0;
        err_set(&why, ERR_INTERNAL, "out of memory");
    }
    failure(w, c->rel, &why);
    free(j);
    return lost ? 1 : 0;
}

static int run_folder_job(struct par_worker *pw, struct folder_job *j, struct err *e)
{
    struct walk *w = &pw->w;
    for (int i = 0; i < j->depth && i < MIRROR_DEPTH_MAX; i++) {
        w->dev[i] = j->dev[i];
        w->ino[i] = j->ino[i];
    }
    w->above = j->above;
    w->acting = w->lost = 0;
    struct err why;
    err_clear(&why);
    if (walk_folder(w, &j->p, j->depth, j->target_new, &why) == 0) {
        free(j);
        return 0;
    }
    if (ftpc_interrupted || why.code == ERR_INTERRUPTED || !conn_lost(w, &why)) {
        *e = why;
        free(j);
        return -1;
    }
    *e = why;
    if (w->lost && ++j->tries < PAR_TRIES_MAX &&
        wq_push(w->q, (struct wq_item){ .job = j, .folder = 1 }) == 0)
        return 1;
    /* Lost while its plan was carried out: what was left of it is said. */
    struct err rest;
    err_set(&rest, ERR_CONNECT, "the connection was lost (%s); the rest of this folder was not mirrored",
            why.msg);
    w->acting = 1;
    failure(w, j->p.rel, &rest);
    free(j);
    return 1;
}

/* The connection's own counts into the run's. */
static void merge_summary(struct par_worker *pw)
{
    struct mirror_summary *run = pw->w.par->sum, *own = &pw->sum;
    wq_lock(pw->w.q);
    run->transferred += own->transferred;
    run->skipped += own->skipped;
    run->deleted += own->deleted;
    run->failed += own->failed;
    run->folders_made += own->folders_made;
    run->bytes += own->bytes;
    if (run->first.code == ERR_NONE && own->first.code != ERR_NONE)
        run->first = own->first;
    wq_unlock(pw->w.q);
    memset(own, 0, sizeof *own);
}

static void *par_start(void *arg, struct ftp_session *s)
{
    struct par *par = arg;
    struct par_worker *pw = malloc(sizeof *pw);
    if (pw == NULL)
        return NULL;
    memset(&pw->sum, 0, sizeof pw->sum);
    pw->w = *par->base;
    pw->w.s = s;
    pw->w.sum = &pw->sum;
    pw->files_done = pw->fresh_before = pw->fresh_after = 0;
    if (s != par->base->s) {
        s->verbose = par->base->s->verbose;
        s->quiet = par->base->s->quiet;
        pw->w.verify.renewals = -1; /* a new login: OPTS HASH again when it was sent */
    }
    return pw;
}

/* Said once, as the connection's thread ends. */
static void say_lost(struct par_worker *pw, const struct err *why)
{
    char msg[ERR_MSG_MAX + 64];
    fprintf(pw->w.o->err, "ftpc: mirror: warning: a connection was lost (%s); its work goes to the others\n",
            visible_str(msg, sizeof msg, why->msg));
}

static int par_work(void *worker, struct wq_item *items, size_t n)
{
    struct par_worker *pw = worker;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct err e;
        err_clear(&e);
        if (rc == 0 && ftpc_interrupted) {
            err_set(&e, ERR_INTERRUPTED, "mirror interrupted; run it again to continue it");
            rc = -1;
        } else if (rc == 0) {
            rc = items[i].folder ? run_folder_job(pw, items[i].job, &e) : run_file_job(pw, items[i].job, &e);
            if (rc > 0)
                say_lost(pw, &e);
        } else if (rc > 0 && wq_push(pw->w.q, items[i]) == 0) {
            continue; /* the connection is gone: the rest of the batch goes to the others */
        } else {
            free(items[i].job);
        }
        if (rc < 0 && e.code != ERR_NONE) {
            wq_lock(pw->w.q);
            if (pw->w.par->stop.code == ERR_NONE)
                pw->w.par->stop = e;
            wq_unlock(pw->w.q);
        }
    }
    merge_summary(pw);
    return rc;
}

/* The other connections open at once for a download; for an upload once
 * the first connection knows how its TLS sessions resume: not TLS 1.3, or
 * the server gave a ticket on an upload, or after a renewal (to TLS 1.2
 * where the policy allows it: then they log in with it, as this one ended
 * up). A few files at most. */
static int par_ready(void *worker)
{
    struct par_worker *pw = worker;
    const struct ftp_session *s = pw->w.s;
    if (!pw->w.upload || s->agreed.prot != 'P' || fresh_sessions(s) < 0 || s->renewals > 0)
        return 1;
    if (pw->files_done == 0)
        return 0;
    return pw->fresh_after >= pw->fresh_before || pw->files_done >= 4;
}

static void par_finish(void *worker)
{
    free(worker);
}

static void par_tick(void *arg)
{
    struct par *par = arg;
    tally_tick((struct walk *)par->base);
}

/* The walk from the top over o->parallel connections. */
static int run_parallel(struct walk *w, struct place *top, struct err *e)
{
    struct par par = { .base = w, .sum = w->sum };
    err_clear(&par.stop);
    par.q = wq_new(e);
    if (par.q == NULL)
        return -1;
    w->q = par.q;
    w->par = &par;
    struct folder_job *j = calloc(1, sizeof *j + 1);
    if (j == NULL || wq_push(par.q, (struct wq_item){ .job = j, .folder = 1 }) != 0) {
        free(j);
        wq_free(par.q);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    j->p = *top;
    struct conn_pool_ops ops = { .start = par_start, .work = par_work, .finish = par_finish,
                                 .ready = par_ready, .tick = par_tick, .arg = &par };
    int connections = 0;
    int rc = conn_pool_run(w->s, w->o->parallel, par.q, &ops, w->o->err, &connections, e);
    w->sum->connections = connections;
    /* What no connection could take: the run did not go through the tree. */
    size_t left = 0;
    struct wq_item it;
    while (wq_drain(par.q, &it)) {
        free(it.job);
        left++;
    }
    if (rc == 0 && par.stop.code != ERR_NONE) {
        *e = par.stop;
        rc = -1;
    } else if (rc == 0 && left > 0) {
        rc = err_set(e, ERR_CONNECT, "mirror: every connection was lost; %zu %s not done", left,
                     left == 1 ? "piece of work was" : "pieces of work were");
        /* Failures of the run, so that the summary (and its JSON) says so. */
        w->sum->failed += left;
        if (w->sum->first.code == ERR_NONE)
            w->sum->first = *e;
    }
    w->q = NULL;
    w->par = NULL;
    wq_free(par.q);
    return rc;
}

/* The whole tree's progress line, through the front end's hook. */
static void tally_tick(struct walk *w)
{
    struct ftp_session *s = w->par != NULL ? w->par->base->s : w->s;
    if (s->progress.tree == NULL || w->o->verbose)
        return;
    struct xfer_tree_tally t;
    if (w->q != NULL)
        wq_lock(w->q);
    const struct mirror_summary *sum = w->par != NULL ? w->par->sum : w->sum;
    t = (struct xfer_tree_tally){ .files_done = sum->transferred + sum->failed, .files_total = sum->planned_files,
                                  .bytes_done = sum->bytes, .bytes_total = sum->planned_bytes,
                                  .failed = sum->failed };
    if (w->q != NULL)
        wq_unlock(w->q);
    s->progress.tree(s->progress.arg, &t, 0);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The top folder's two paths, checked: the local one must be a folder
 * when it exists (for an upload, it must exist), and may be a link the
 * user named (below it none is followed without --follow-links). */
static int top_place(const char *remote, const char *local, int upload, struct place *top, struct err *e)
{
    char shown[PATH_MAX + 64];
    if (snprintf(top->remote, sizeof top->remote, "%s", remote) >= (int)sizeof top->remote ||
        snprintf(top->local, sizeof top->local, "%s", local) >= (int)sizeof top->local)
        return err_set(e, ERR_USAGE, "mirror: path too long");
    struct stat sb;
    if (stat(local, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return err_set(e, ERR_LOCAL, "%s is not a folder; name a folder to mirror %s",
                       visible_str(shown, sizeof shown, local), upload ? "from" : "into");
    if (upload && stat(local, &sb) != 0)
        return err_set(e, ERR_LOCAL, "cannot read the folder %s: %s", visible_str(shown, sizeof shown, local),
                       strerror(errno));
    if (lstat(local, &sb) == 0 && S_ISLNK(sb.st_mode) && realpath(local, top->local) == NULL)
        return err_set(e, ERR_LOCAL, "cannot resolve %s: %s", visible_str(shown, sizeof shown, local),
                       strerror(errno));
    return 0;
}

static int run(struct ftp_session *s, const char *remote, const char *local, int upload,
               const struct mirror_options *o, struct mirror_summary *sum, struct err *e)
{
    memset(sum, 0, sizeof *sum);
    if (session_require_data(s, e) != 0)
        return -1;
    struct walk *w = calloc(1, sizeof *w);
    struct place *top = calloc(1, sizeof *top);
    if (w == NULL || top == NULL) {
        free(w);
        free(top);
        return err_set(e, ERR_INTERNAL, "out of memory");
    }
    *w = (struct walk){ .s = s, .o = o, .sum = sum, .top = upload ? local : remote, .upload = upload,
                        .plan_flags = o->plan_flags | (upload ? PLAN_OPT_UPLOAD : 0) };
    /* Read once, before any connection's thread starts (umask() sets it). */
    w->umask = umask(022);
    umask(w->umask);
    int rc = top_place(remote, local, upload, top, e);
    /* A tree is many data connections (a dry run only lists). Before
     * FEAT: a new login would have to ask it again. */
    if (rc == 0 && !o->dry_run)
        rc = session_prefer_resumable(s, e);
    if (rc == 0)
        rc = tree_remote_ready(s, e);
    if (rc == 0 && (upload || o->verify))
        rc = tree_remote_features(s, &w->feat, e);
    if (rc == 0 && upload && !(w->feat.names & FTP_FEAT_MFMT))
        w->plan_flags |= PLAN_OPT_NO_TIME_SET;
    /* --verify, and an upload's check of a server's NAME.part before it
     * is continued (quietly: no hash then means no continuing). */
    if (rc == 0 && (o->verify || upload))
        rc = tree_verify_start(&w->verify, s, &w->feat, o->verify && !o->dry_run ? o->err : NULL, e);
    if (rc == 0 && upload && w->verify.way == VERIFY_NONE)
        w->plan_flags |= PLAN_OPT_NO_PART_CHECK;
    if (rc == 0 && !upload && o->follow_links && (w->links = tree_links_new(s, remote)) == NULL)
        rc = err_set(e, ERR_INTERNAL, "out of memory");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int saved_verbose = s->verbose, saved_quiet = s->quiet;
    if (!o->verbose) {
        s->verbose = 0;
        s->quiet = 1;
    }
    sum->connections = 1;
    /* Each connection prints its own transfers' lines with -v: no one
     * file's bar (the tree's line is drawn instead, without -v). */
    struct xfer_progress saved_progress = s->progress;
    s->progress.begin = NULL;
    s->progress.advance = NULL;
    s->progress.end = NULL;
    if (rc == 0)
        rc = o->parallel > 1 && !o->dry_run ? run_parallel(w, top, e) : walk_folder(w, top, 0, 0, e);
    if (s->progress.tree != NULL && !o->verbose)
        s->progress.tree(s->progress.arg, NULL, 1);
    s->progress = saved_progress;
    s->verbose = saved_verbose;
    s->quiet = saved_quiet;
    sum->seconds = seconds_since(&t0);
    tree_links_free(w->links);
    free(top);
    free(w);
    return rc;
}

int mirror_download(struct ftp_session *s, const char *remote, const char *local,
                    const struct mirror_options *o, struct mirror_summary *sum, struct err *e)
{
    return run(s, remote, local, 0, o, sum, e);
}

int mirror_upload(struct ftp_session *s, const char *local, const char *remote,
                  const struct mirror_options *o, struct mirror_summary *sum, struct err *e)
{
    return run(s, remote, local, 1, o, sum, e);
}

/* Files moved (or failed) per second of the run. */
static double files_per_second(const struct mirror_summary *sum)
{
    return sum->seconds > 0 ? (double)(sum->transferred + sum->failed) / sum->seconds : 0.0;
}

void mirror_print_summary(FILE *out, const struct mirror_summary *sum, int dry_run)
{
    fprintf(out, "mirror%s: %" PRIu64 " %s, %" PRIu64 " skipped, %" PRIu64 " %s, %" PRIu64 " failed; %" PRIu64
            " bytes in %.2f s\n", dry_run ? " (dry run, nothing changed)" : "", sum->transferred,
            dry_run ? "to transfer" : "transferred", sum->skipped, sum->deleted,
            dry_run ? "to delete" : "deleted", sum->failed, sum->bytes, sum->seconds);
    if (!dry_run)
        fprintf(out, "mirror: %.1f files/s over %d connection%s\n", files_per_second(sum), sum->connections,
                sum->connections == 1 ? "" : "s");
}

void mirror_print_json(FILE *out, const struct mirror_summary *sum, int upload, int dry_run)
{
    struct jw j;
    jw_init(&j, out);
    jw_begin_object(&j);
    jw_kv_string(&j, "direction", upload ? "upload" : "download");
    jw_kv_bool(&j, "dry_run", dry_run);
    jw_kv_int(&j, "transferred", (long long)sum->transferred);
    jw_kv_int(&j, "skipped", (long long)sum->skipped);
    jw_kv_int(&j, "deleted", (long long)sum->deleted);
    jw_kv_int(&j, "failed", (long long)sum->failed);
    jw_kv_int(&j, "folders_made", (long long)sum->folders_made);
    jw_kv_int(&j, "bytes", (long long)sum->bytes);
    jw_kv_int(&j, "milliseconds", (long long)(sum->seconds * 1000.0 + 0.5));
    jw_key(&j, "files_per_second");
    jw_fixed(&j, files_per_second(sum), 1);
    jw_kv_int(&j, "connections", sum->connections);
    jw_key(&j, "first_failure");
    if (sum->first.code != ERR_NONE)
        jw_string(&j, sum->first.msg);
    else
        jw_null(&j);
    jw_end_object(&j);
    jw_finish(&j);
}
