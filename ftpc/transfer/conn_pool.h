/*
 * conn_pool: a tree transfer over n connections, each in a thread of its
 * own with a session of its own (the session API blocks; OpenSSL 3 is
 * thread-safe). The first is the user's session; the others are opened
 * like it (session_open_like: the same TLS context and checks, the same
 * login, the password never asked again). Each takes work from the
 * queue until it is finished. The calling thread watches: it draws the
 * progress, and on Ctrl-C stops the queue and interrupts every
 * connection's blocking read (the handler sets the flag; a signal to
 * each thread makes its read return). The other connections are opened
 * once the first says they may (ops->ready).
 */
#ifndef FTPC_TRANSFER_CONN_POOL_H
#define FTPC_TRANSFER_CONN_POOL_H

#include <stdio.h>

#include "common/err.h"
#include "ftpc/session/session.h"
#include "ftpc/transfer/work_queue.h"

/* Bounds of --parallel. */
#define CONN_POOL_MAX 16

struct conn_pool_ops {
    /* In a connection's thread once it is logged in: its own state
     * (NULL when out of memory: that connection takes nothing). */
    void *(*start)(void *arg, struct ftp_session *s);
    /* Works on the n items taken: 0 done, 1 the connection was lost (the
     * items not done were pushed back: the thread ends, the others go
     * on), -1 the run must stop (everyone stops). */
    int (*work)(void *worker, struct wq_item *items, size_t n);
    void (*finish)(void *worker);
    /* On the first connection, after each piece of work until it says 1:
     * whether the others may be opened now (NULL: at once). An upload
     * waits to learn how the server's TLS sessions resume (a renewal to
     * TLS 1.2, session_renew_if_needed), so that the others open as the
     * first one ended up, each without a renewal of its own. */
    int (*ready)(void *worker);
    /* In the calling thread, about five times a second. */
    void (*tick)(void *arg);
    void *arg;
};

/* Runs n connections (1..CONN_POOL_MAX) on q. A connection that cannot
 * be opened is said on err and left out. *connections: how many logged
 * in (s's own among them). 0, or -1 when the others could not be set up. */
int conn_pool_run(struct ftp_session *s, int n, struct work_queue *q, const struct conn_pool_ops *ops,
                  FILE *err, int *connections, struct err *e) MUST_CHECK;

#endif
