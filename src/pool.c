/* pool.c: a minimal parallel-for with pthreads and an atomic work counter. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

struct pool_job {
    size_t n;
    atomic_size_t next;
    void (*fn)(void *ud, size_t i);
    void *ud;
};

static void *pool_worker(void *arg)
{
    struct pool_job *job = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->n)
            break;
        job->fn(job->ud, i);
    }
    return NULL;
}

int pool_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void pool_for(size_t n, int threads, void (*fn)(void *ud, size_t i), void *ud)
{
    struct pool_job job;
    job.n = n;
    atomic_init(&job.next, 0);
    job.fn = fn;
    job.ud = ud;
    if (threads <= 0)
        threads = pool_cores();
    if ((size_t)threads > n)
        threads = (int)n;
    if (threads <= 1) {
        pool_worker(&job);
        return;
    }
    pthread_t *tids = xcalloc((size_t)threads, sizeof *tids);
    int *running = xcalloc((size_t)threads, sizeof *running);
    /* The calling thread works too; a thread that cannot start leaves its share to the rest. */
    for (int t = 1; t < threads; t++)
        running[t] = pthread_create(&tids[t], NULL, pool_worker, &job) == 0;
    pool_worker(&job);
    for (int t = 1; t < threads; t++)
        if (running[t])
            pthread_join(tids[t], NULL);
    free(running);
    free(tids);
}
