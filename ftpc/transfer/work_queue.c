/* work_queue: folders in a FIFO, files in a heap by size, one mutex. */
#include <pthread.h>
#include <stdlib.h>

#include "ftpc/transfer/work_queue.h"

struct work_queue {
    pthread_mutex_t mu;
    pthread_cond_t more;     /* work came, or the queue may be finished */
    struct wq_item *folders; /* FIFO: folders[head..nfolders) */
    size_t head, nfolders, capfolders;
    struct wq_item *files;   /* a max-heap by size */
    size_t nfiles, capfiles;
    int busy;                /* workers holding taken items */
    int workers;             /* workers that may still take */
    int stopped;
};

struct work_queue *wq_new(struct err *e)
{
    struct work_queue *q = calloc(1, sizeof *q);
    if (q == NULL) {
        err_set(e, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->more, NULL);
    q->workers = 1;
    return q;
}

void wq_free(struct work_queue *q)
{
    if (q == NULL)
        return;
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->more);
    free(q->folders);
    free(q->files);
    free(q);
}

static int grow(struct wq_item **v, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    struct wq_item *p = realloc(*v, n * sizeof *p);
    if (p == NULL)
        return -1;
    *v = p;
    *cap = n;
    return 0;
}

static void swap(struct wq_item *a, struct wq_item *b)
{
    struct wq_item t = *a;
    *a = *b;
    *b = t;
}

static void heap_up(struct wq_item *h, size_t i)
{
    while (i > 0 && h[(i - 1) / 2].size < h[i].size) {
        swap(&h[(i - 1) / 2], &h[i]);
        i = (i - 1) / 2;
    }
}

static struct wq_item heap_pop(struct wq_item *h, size_t *n)
{
    struct wq_item top = h[0];
    h[0] = h[--*n];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, big = i;
        if (l < *n && h[l].size > h[big].size)
            big = l;
        if (r < *n && h[r].size > h[big].size)
            big = r;
        if (big == i)
            break;
        swap(&h[i], &h[big]);
        i = big;
    }
    return top;
}

int wq_push(struct work_queue *q, struct wq_item it)
{
    pthread_mutex_lock(&q->mu);
    int rc = 0;
    if (it.folder) {
        if (q->head > 0 && q->head == q->nfolders)
            q->head = q->nfolders = 0;
        rc = grow(&q->folders, &q->capfolders, q->nfolders + 1);
        if (rc == 0)
            q->folders[q->nfolders++] = it;
    } else {
        rc = grow(&q->files, &q->capfiles, q->nfiles + 1);
        if (rc == 0) {
            q->files[q->nfiles++] = it;
            heap_up(q->files, q->nfiles - 1);
        }
    }
    pthread_cond_signal(&q->more);
    pthread_mutex_unlock(&q->mu);
    return rc;
}

static int finished(const struct work_queue *q)
{
    return q->stopped || q->workers <= 0 || (q->head == q->nfolders && q->nfiles == 0 && q->busy == 0);
}

size_t wq_take(struct work_queue *q, struct wq_item *out, size_t max)
{
    pthread_mutex_lock(&q->mu);
    while (!finished(q) && q->head == q->nfolders && q->nfiles == 0)
        pthread_cond_wait(&q->more, &q->mu);
    size_t n = 0;
    if (!q->stopped && q->head < q->nfolders) {
        out[n++] = q->folders[q->head++];
    } else if (!q->stopped && q->nfiles > 0) {
        /* A fair share of the small files waiting, at most max. */
        size_t share = q->nfiles / (size_t)(q->workers > 0 ? q->workers : 1);
        if (share > max)
            share = max;
        out[n++] = heap_pop(q->files, &q->nfiles);
        while (n < share && q->nfiles > 0 && out[0].size < WQ_SMALL)
            out[n++] = heap_pop(q->files, &q->nfiles);
    }
    if (n > 0)
        q->busy++;
    else
        pthread_cond_broadcast(&q->more); /* finished: the others see it too */
    pthread_mutex_unlock(&q->mu);
    return n;
}

void wq_done(struct work_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->busy--;
    if (finished(q))
        pthread_cond_broadcast(&q->more);
    pthread_mutex_unlock(&q->mu);
}

void wq_stop(struct work_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->stopped = 1;
    pthread_cond_broadcast(&q->more);
    pthread_mutex_unlock(&q->mu);
}

int wq_stopped(struct work_queue *q)
{
    pthread_mutex_lock(&q->mu);
    int v = q->stopped;
    pthread_mutex_unlock(&q->mu);
    return v;
}

void wq_leave(struct work_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->workers--;
    pthread_cond_broadcast(&q->more);
    pthread_mutex_unlock(&q->mu);
}

void wq_set_workers(struct work_queue *q, int n)
{
    pthread_mutex_lock(&q->mu);
    q->workers = n;
    pthread_mutex_unlock(&q->mu);
}

int wq_drain(struct work_queue *q, struct wq_item *out)
{
    pthread_mutex_lock(&q->mu);
    int got = 1;
    if (q->head < q->nfolders)
        *out = q->folders[q->head++];
    else if (q->nfiles > 0)
        *out = heap_pop(q->files, &q->nfiles);
    else
        got = 0;
    pthread_mutex_unlock(&q->mu);
    return got;
}

void wq_lock(struct work_queue *q)
{
    pthread_mutex_lock(&q->mu);
}

void wq_unlock(struct work_queue *q)
{
    pthread_mutex_unlock(&q->mu);
}
