/* pool.c: a minimal parallel-for with pthreads and an atomic work counter. */
#include "base/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/util.h"

struct pool_job {
    size_t n;
    atomic_size_t next;
    void (*fn)(void *ud, size_t i, int worker);
    void *ud;
};

struct pool_thread {
    struct pool_job *job;
    int worker;
};

static void *pool_worker(void *arg)
{
    struct pool_thread *t = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&t->job->next, 1);
        if (i >= t->job->n)
            break;
        t->job->fn(t->job->ud, i, t->worker);
    }
    return NULL;
}

int pool_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int pool_threads(size_t n, int threads)
{
    if (threads <= 0)
        threads = pool_cores();
    if (threads > 256)
        threads = 256;
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    return threads;
}

void pool_for(size_t n, int threads, void (*fn)(void *ud, size_t i, int worker), void *ud)
{
    struct pool_job job;
    job.n = n;
    atomic_init(&job.next, 0);
    job.fn = fn;
    job.ud = ud;
    threads = pool_threads(n, threads);
    struct pool_thread *ts = xcalloc((size_t)threads, sizeof *ts);
    pthread_t *tids = xcalloc((size_t)threads, sizeof *tids);
    int *running = xcalloc((size_t)threads, sizeof *running);
    for (int t = 0; t < threads; t++) {
        ts[t].job = &job;
        ts[t].worker = t;
    }
    /* The calling thread is worker 0; a thread that cannot start leaves its share to the rest. */
    for (int t = 1; t < threads; t++)
        running[t] = pthread_create(&tids[t], NULL, pool_worker, &ts[t]) == 0;
    pool_worker(&ts[0]);
    for (int t = 1; t < threads; t++)
        if (running[t])
            pthread_join(tids[t], NULL);
    free(running);
    free(tids);
    free(ts);
}
