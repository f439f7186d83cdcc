/*
 * progress: a one-line progress bar on a terminal for transfers that last
 * more than a second (bytes, percent, rate, time left), redrawn at most
 * five times a second, and erased at the end; for a tree (mirror) one
 * line for the whole of it: files, bytes, rate, files per second and
 * time left.
 */
#ifndef FTPC_FRONT_PROGRESS_H
#define FTPC_FRONT_PROGRESS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "ftpc/session/session.h"

struct progress {
    FILE *tty;          /* NULL: no progress shown */
    const char *name;
    uint64_t total;     /* 0 when unknown */
    uint64_t done;
    struct timespec start, last;
    int shown;
    /* A whole tree's line (mirror). */
    struct timespec tree_start, tree_last;
    int tree_started, tree_shown;
};

/* The session's hooks (ftpc/session/session.h) that draw bar p on tty. */
struct xfer_progress progress_hooks(struct progress *p, FILE *tty);

#endif
