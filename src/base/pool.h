/* pool.h: run a function over indices 0..n-1 on worker threads. */
#ifndef SHEAF_POOL_H
#define SHEAF_POOL_H

#include <stddef.h>

/* Call fn(ud, i, worker) for every i in [0, n), spread over `threads` threads (0: one per online
 * core; never more than n). `worker` (0 .. pool_threads(n, threads) - 1) says which thread runs
 * the call, so that fn can use per-thread scratch state without locking. Indices are handed out
 * in increasing order; fn must only touch what belongs to index i, or lock. Returns when every
 * call has returned. */
void pool_for(size_t n, int threads, void (*fn)(void *ud, size_t i, int worker), void *ud);

/* How many threads pool_for(n, threads, ...) uses. */
int pool_threads(size_t n, int threads);

/* The number of online cores (at least 1). */
int pool_cores(void);

#endif
