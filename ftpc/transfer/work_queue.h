/*
 * work_queue: the work of a parallel tree transfer, shared by the threads
 * of its connections under one mutex. Folders to list come first (their
 * listings make more work for everyone), then files, the largest first
 * (a big file started last would leave one connection working alone at
 * the end); small files are handed out a few at a time. The queue is
 * finished when it is empty and no one is working on anything (nothing
 * more can come), or when it is stopped.
 */
#ifndef FTPC_TRANSFER_WORK_QUEUE_H
#define FTPC_TRANSFER_WORK_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Files smaller than this go in batches of up to WQ_BATCH_MAX. */
#define WQ_SMALL     (64u * 1024u)
#define WQ_BATCH_MAX 8

struct wq_item {
    void *job;       /* the caller's; the queue never looks inside */
    uint64_t size;   /* a file's bytes (its place in the queue) */
    int folder;      /* 1: a folder to list, before any file */
};

struct work_queue;

struct work_queue *wq_new(struct err *e);
void wq_free(struct work_queue *q);

/* Adds an item (any thread). -1 when out of memory. */
int wq_push(struct work_queue *q, struct wq_item it) MUST_CHECK;

/* Blocks until there is work: a folder, or the largest file, or up to
 * max small files (never more than a fair share of those waiting). The
 * caller works on them and then calls wq_done. 0 when finished. */
size_t wq_take(struct work_queue *q, struct wq_item *out, size_t max);
void wq_done(struct work_queue *q);

/* Ends the queue for everyone (Ctrl-C, a failure that ends the run);
 * items still waiting stay for wq_drain. */
void wq_stop(struct work_queue *q);
int wq_stopped(struct work_queue *q);

/* A worker that will take nothing more (its connection was lost): when
 * none is left, the queue is finished. */
void wq_leave(struct work_queue *q);

/* Items never taken, one at a time, after the workers ended (0: none). */
int wq_drain(struct work_queue *q, struct wq_item *out);

/* The queue's mutex, for what the workers share besides the queue
 * (counts, the first failure). */
void wq_lock(struct work_queue *q);
void wq_unlock(struct work_queue *q);

/* The workers that will still take work; set once before they start. */
void wq_set_workers(struct work_queue *q, int n);

#endif
