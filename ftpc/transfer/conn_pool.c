/* conn_pool: one thread per connection; the caller's thread watches. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/visible.h"
#include "ftpc/conn/interrupt.h"
#include "ftpc/transfer/conn_pool.h"

struct pool;

struct conn {
    struct pool *p;
    int index;
    pthread_t tid;
    int started, alive;   /* under p->mu */
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t ended;
    int running, connected;
    int go;                 /* the others: 0 not yet, 1 to be started, 2 started, -1 never */
    int n;
    struct ftp_session *s;
    struct session_like like;
    struct work_queue *q;
    const struct conn_pool_ops *ops;
    FILE *err;
    struct conn conns[CONN_POOL_MAX];
};

/* The first connection says when the others may open: they log in as
 * it ended up (TLS 1.2 after a renewal to it). */
static void let_others_go(struct pool *p, struct ftp_session *s, void *w)
{
    pthread_mutex_lock(&p->mu);
    if (p->go == 0 && (p->ops->ready == NULL || p->ops->ready(w))) {
        p->like.tls12 = s->ctrl.tls12;
        p->go = 1;
        pthread_cond_signal(&p->ended);
    }
    pthread_mutex_unlock(&p->mu);
}

/* 0 when the queue finished (or was stopped), 1 when this connection was lost. */
static int work_on(struct pool *p, struct ftp_session *s)
{
    void *w = p->ops->start(p->ops->arg, s);
    if (w == NULL) {
        wq_leave(p->q);
        return 1;
    }
    int lost = 0;
    struct wq_item items[WQ_BATCH_MAX];
    size_t n;
    while ((n = wq_take(p->q, items, WQ_BATCH_MAX)) > 0) {
        int rc = p->ops->work(w, items, n);
        if (s == p->s && rc == 0)
            let_others_go(p, s, w);
        wq_done(p->q);
        if (rc < 0)
            wq_stop(p->q);
        if (rc != 0) {
            if (rc > 0)
                wq_leave(p->q);
            lost = rc > 0;
            break;
        }
    }
    p->ops->finish(w);
    return lost;
}

static void *conn_main(void *arg)
{
    struct conn *c = arg;
    struct pool *p = c->p;
    if (c->index == 0) {
        pthread_mutex_lock(&p->mu);
        p->connected++;
        pthread_mutex_unlock(&p->mu);
        int lost = work_on(p, p->s);
        pthread_mutex_lock(&p->mu);
        if (p->go == 0 || p->go == 1)
            p->go = lost ? 1 : -1; /* lost: the others take over; finished alone: no more logins */
        pthread_mutex_unlock(&p->mu);
    } else {
        struct ftp_session *s = malloc(sizeof *s);
        struct err why;
        err_clear(&why);
        if (s == NULL || session_open_like(s, &p->like, c->index + 1, &why) != 0) {
            char msg[ERR_MSG_MAX + 64];
            fprintf(p->err, "ftpc: mirror: warning: connection %d of %d could not be opened (%s); "
                    "going on without it\n", c->index + 1, p->n,
                    visible_str(msg, sizeof msg, s == NULL ? "out of memory" : why.msg));
            free(s);
            wq_leave(p->q);
        } else {
            pthread_mutex_lock(&p->mu);
            p->connected++;
            pthread_mutex_unlock(&p->mu);
            work_on(p, s);
            struct err ignored;
            (void)session_close(s, &ignored);
            session_free(s);
            free(s);
        }
    }
    pthread_mutex_lock(&p->mu);
    c->alive = 0;
    p->running--;
    pthread_cond_signal(&p->ended);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Waits for the threads, at most 200 ms at a time; 1 when they ended. */
static int wait_a_little(struct pool *p)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 200L * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->mu);
    while (p->running > 0 && p->go != 1 && pthread_cond_timedwait(&p->ended, &p->mu, &until) != ETIMEDOUT) {
    }
    int done = p->running == 0;
    pthread_mutex_unlock(&p->mu);
    return done;
}

/* Ctrl-C: every connection's blocking read returns (no SA_RESTART), and
 * it sees the flag. Sent again at each tick: a thread between its check
 * and its read would miss one. */
static void interrupt_all(struct pool *p)
{
    wq_stop(p->q);
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->n; i++)
        if (p->conns[i].alive)
            pthread_kill(p->conns[i].tid, SIGINT);
    pthread_mutex_unlock(&p->mu);
}

/* Threads for connections from..to-1; one that cannot start is left out. */
static void start(struct pool *p, int from, int to)
{
    pthread_mutex_lock(&p->mu);
    for (int i = from; i < to; i++) {
        struct conn *c = &p->conns[i];
        *c = (struct conn){ .p = p, .index = i, .alive = 1 };
        int rc = pthread_create(&c->tid, NULL, conn_main, c);
        if (rc != 0) {
            c->alive = 0;
            fprintf(p->err, "ftpc: mirror: warning: cannot start a thread for connection %d of %d: %s\n",
                    i + 1, p->n, strerror(rc));
            wq_leave(p->q);
            continue;
        }
        c->started = 1;
        p->running++;
    }
    pthread_mutex_unlock(&p->mu);
}

int conn_pool_run(struct ftp_session *s, int n, struct work_queue *q, const struct conn_pool_ops *ops,
                  FILE *err, int *connections, struct err *e)
{
    *connections = 0;
    struct pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return err_set(e, ERR_INTERNAL, "out of memory");
    p->n = n < 1 ? 1 : n > CONN_POOL_MAX ? CONN_POOL_MAX : n;
    p->s = s;
    p->q = q;
    p->ops = ops;
    p->err = err;
    if (p->n > 1 && session_like_take(s, &p->like, e) != 0) {
        session_like_free(&p->like);
        if (ftpc_interrupted || s->state != SESSION_LOGGED_IN) {
            free(p);
            return -1;
        }
        /* What one connection can do it still does: only the others are left out. */
        char shown[ERR_MSG_MAX + 16];
        fprintf(err, "ftpc: mirror: warning: %s; going on with one connection\n",
                visible_str(shown, sizeof shown, e->msg));
        err_clear(e);
        p->n = 1;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->ended, NULL);
    wq_set_workers(q, p->n);
    p->go = p->n > 1 ? 0 : -1;
    if (p->n > 1)
        s->ctrl.trace_tag = 1; /* "[1] " in the trace beside the others' "[2] "... */
    start(p, 0, 1);
    for (;;) {
        int done = wait_a_little(p);
        pthread_mutex_lock(&p->mu);
        int go = p->go == 1 && !ftpc_interrupted;
        if (go)
            p->go = 2;
        else if (p->go != 2 && (done || ftpc_interrupted))
            p->go = -1;
        pthread_mutex_unlock(&p->mu);
        if (go) {
            start(p, 1, p->n);
            done = 0;
        }
        if (ftpc_interrupted && !done)
            interrupt_all(p);
        if (ops->tick != NULL)
            ops->tick(ops->arg);
        if (done)
            break;
    }
    for (int i = 0; i < p->n; i++)
        if (p->conns[i].started)
            pthread_join(p->conns[i].tid, NULL);
    s->ctrl.trace_tag = 0;
    *connections = p->connected;
    session_like_free(&p->like);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->ended);
    free(p);
    return 0;
}
