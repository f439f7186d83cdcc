/* Unit tests of the work queue of mirror --parallel: folders before
 * files, files largest first, small files in fair batches, finished only
 * when empty and idle, stopped, left by every worker, drained; and four
 * threads sharing it take every item exactly once. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "ftpc/transfer/work_queue.h"
#include "tests/unit/expect.h"

static struct wq_item file(uint64_t size, int id)
{
    return (struct wq_item){ .job = (void *)(intptr_t)id, .size = size };
}

static int id_of(const struct wq_item *it)
{
    return (int)(intptr_t)it->job;
}

static void test_order(void)
{
    struct err e;
    struct work_queue *q = wq_new(&e);
    EXPECT(q != NULL);
    wq_set_workers(q, 1);
    EXPECT_EQ_INT(wq_push(q, file(100000, 1)), 0);
    EXPECT_EQ_INT(wq_push(q, file(5000000, 2)), 0);
    EXPECT_EQ_INT(wq_push(q, (struct wq_item){ .job = (void *)(intptr_t)3, .folder = 1 }), 0);
    EXPECT_EQ_INT(wq_push(q, file(300000, 4)), 0);
    struct wq_item out[WQ_BATCH_MAX];
    /* The folder first, though it came third. */
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 1);
    EXPECT_EQ_INT(id_of(&out[0]), 3);
    EXPECT(out[0].folder);
    wq_done(q);
    /* Then the files, largest first, one at a time (none is small). */
    int want[] = { 2, 4, 1 };
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 1);
        EXPECT_EQ_INT(id_of(&out[0]), want[i]);
        wq_done(q);
    }
    /* Empty and no one working: finished. */
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 0);
    wq_free(q);
}

static void test_batches(void)
{
    struct err e;
    struct work_queue *q = wq_new(&e);
    wq_set_workers(q, 2);
    for (int i = 0; i < 20; i++)
        EXPECT_EQ_INT(wq_push(q, file(1000 + (uint64_t)i, i)), 0);
    struct wq_item out[WQ_BATCH_MAX];
    /* Small files: a batch of at most WQ_BATCH_MAX, largest first. */
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), WQ_BATCH_MAX);
    EXPECT_EQ_INT(id_of(&out[0]), 19);
    EXPECT_EQ_INT(id_of(&out[1]), 18);
    wq_done(q);
    /* 12 left for 2 workers: at most 6 each. */
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 6);
    wq_done(q);
    /* Stopped: nothing more is handed out, what is left is drained. */
    wq_stop(q);
    EXPECT(wq_stopped(q));
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 0);
    int left = 0;
    struct wq_item it;
    while (wq_drain(q, &it))
        left++;
    EXPECT_EQ_INT(left, 6);
    wq_free(q);
}

static void test_left(void)
{
    struct err e;
    struct work_queue *q = wq_new(&e);
    wq_set_workers(q, 2);
    EXPECT_EQ_INT(wq_push(q, file(1, 1)), 0);
    struct wq_item out[WQ_BATCH_MAX];
    /* A worker takes the item, loses its connection: gives it back, leaves. */
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 1);
    EXPECT_EQ_INT(wq_push(q, out[0]), 0);
    wq_done(q);
    wq_leave(q);
    /* The other gets it; then the queue is finished. */
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 1);
    EXPECT_EQ_INT(id_of(&out[0]), 1);
    wq_done(q);
    EXPECT_EQ_INT(wq_take(q, out, WQ_BATCH_MAX), 0);
    /* Every worker gone with work left: finished, the work drained. */
    EXPECT_EQ_INT(wq_push(q, file(1, 2)), 0);
    wq_leave(q);
    struct wq_item it;
    EXPECT(wq_drain(q, &it));
    EXPECT_EQ_INT(id_of(&it), 2);
    EXPECT(!wq_drain(q, &it));
    wq_free(q);
}

/* Threads: each folder item makes 10 files and one more folder, to a
 * depth; every item is taken once, and the queue ends when all are done. */
#define DEPTH 20
struct shared {
    struct work_queue *q;
    int taken[DEPTH * 11 + 1];
    pthread_mutex_t mu;
};

static void *worker(void *arg)
{
    struct shared *sh = arg;
    struct wq_item out[WQ_BATCH_MAX];
    size_t n;
    while ((n = wq_take(sh->q, out, WQ_BATCH_MAX)) > 0) {
        for (size_t i = 0; i < n; i++) {
            int id = id_of(&out[i]);
            pthread_mutex_lock(&sh->mu);
            sh->taken[id]++;
            pthread_mutex_unlock(&sh->mu);
            int depth = id / 11;
            if (out[i].folder && depth + 1 < DEPTH) {
                int base = (depth + 1) * 11;
                for (int f = 1; f <= 10; f++)
                    if (wq_push(sh->q, file((uint64_t)f * 10000, base + f)) != 0)
                        return NULL;
                if (wq_push(sh->q, (struct wq_item){ .job = (void *)(intptr_t)base, .folder = 1 }) != 0)
                    return NULL;
            }
        }
        wq_done(sh->q);
    }
    return NULL;
}

static void test_threads(void)
{
    static struct shared sh;
    struct err e;
    sh.q = wq_new(&e);
    pthread_mutex_init(&sh.mu, NULL);
    wq_set_workers(sh.q, 4);
    EXPECT_EQ_INT(wq_push(sh.q, (struct wq_item){ .job = (void *)(intptr_t)0, .folder = 1 }), 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        EXPECT_EQ_INT(pthread_create(&t[i], NULL, worker, &sh), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    int once = 1;
    for (int d = 0; d < DEPTH; d++) {
        once &= sh.taken[d * 11] == 1;
        for (int f = 1; d > 0 && f <= 10; f++)
            once &= sh.taken[d * 11 + f] == 1;
    }
    EXPECT(once);
    pthread_mutex_destroy(&sh.mu);
    wq_free(sh.q);
}

int main(void)
{
    test_order();
    test_batches();
    test_left();
    test_threads();
    return expect_done("test_work_queue");
}
