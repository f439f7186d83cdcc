/* progress: terminal progress bar. */
#include <string.h>

#include "common/visible.h"
#include "ftpc/front/progress.h"
#include "ftpc/parse/size_text.h"

static double elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The hooks of struct xfer_progress, with arg the bar. */
static void hook_begin(void *arg, const char *name, uint64_t total)
{
    struct progress *p = arg;
    p->name = name;
    p->done = 0;
    p->shown = 0;
    p->total = total;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

static void hook_advance(void *arg, uint64_t bytes)
{
    struct progress *p = arg;
    p->done += bytes;
    if (p->tty == NULL)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double t = elapsed(&p->start, &now);
    if (t < 1.0 || elapsed(&p->last, &now) < 0.2)
        return;
    p->last = now;
    double rate = (double)p->done / t;
    char done[32], speed[32], eta[32] = "";
    size_text(p->done, done, sizeof done);
    size_text((uint64_t)rate, speed, sizeof speed);
    if (p->total > p->done && rate > 0) {
        unsigned s = (unsigned)((double)(p->total - p->done) / rate);
        snprintf(eta, sizeof eta, "  ETA %u:%02u", s / 60, s % 60);
    }
    char name[128];
    visible_str(name, sizeof name, p->name); /* a remote name: never raw on the terminal */
    if (p->total > 0)
        fprintf(p->tty, "\r%-30.30s %10s %3u%%  %10s/s%s\033[K", name, done,
                (unsigned)(p->done * 100 / p->total), speed, eta);
    else
        fprintf(p->tty, "\r%-30.30s %10s  %10s/s\033[K", name, done, speed);
    fflush(p->tty);
    p->shown = 1;
}

static void hook_end(void *arg)
{
    struct progress *p = arg;
    if (p->tty != NULL && p->shown) {
        fputs("\r\033[K", p->tty);
        fflush(p->tty);
    }
    p->shown = 0;
}

/* A whole tree (mirror): files done of those known, bytes, the rate and
 * the time left by bytes, at most five times a second after the first. */
static void hook_tree(void *arg, const struct xfer_tree_tally *t, int done)
{
    struct progress *p = arg;
    if (p->tty == NULL)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (done || t == NULL) {
        if (p->tree_shown) {
            fputs("\r\033[K", p->tty);
            fflush(p->tty);
        }
        p->tree_shown = 0;
        p->tree_started = 0;
        return;
    }
    if (!p->tree_started) {
        p->tree_started = 1;
        p->tree_start = p->tree_last = now;
        return;
    }
    double s = elapsed(&p->tree_start, &now);
    if (s < 1.0 || elapsed(&p->tree_last, &now) < 0.2)
        return;
    p->tree_last = now;
    double rate = (double)t->bytes_done / s;
    char done_text[32], total_text[32], speed[32], eta[32] = "", failed[32] = "";
    size_text(t->bytes_done, done_text, sizeof done_text);
    size_text(t->bytes_total, total_text, sizeof total_text);
    size_text((uint64_t)rate, speed, sizeof speed);
    if (t->bytes_total > t->bytes_done && rate > 0) {
        unsigned left = (unsigned)((double)(t->bytes_total - t->bytes_done) / rate);
        snprintf(eta, sizeof eta, "  ETA %u:%02u", left / 60, left % 60);
    }
    if (t->failed > 0)
        snprintf(failed, sizeof failed, ", %llu failed", (unsigned long long)t->failed);
    fprintf(p->tty, "\rmirror: %llu/%llu files%s, %s/%s, %s/s, %.1f files/s%s\033[K",
            (unsigned long long)t->files_done, (unsigned long long)t->files_total, failed, done_text,
            total_text, speed, (double)t->files_done / s, eta);
    fflush(p->tty);
    p->tree_shown = 1;
}

struct xfer_progress progress_hooks(struct progress *p, FILE *tty)
{
    memset(p, 0, sizeof *p);
    p->tty = tty;
    return (struct xfer_progress){ .begin = hook_begin, .advance = hook_advance, .end = hook_end,
                                   .tree = hook_tree, .arg = p };
}
