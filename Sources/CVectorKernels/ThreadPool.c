#define _GNU_SOURCE
#include "CVectorKernels.h"

#include <sched.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CVK_RELAX() _mm_pause()
#else
#define CVK_RELAX() ((void)0)
#endif

// A small persistent pool. A job is published by bumping `generation` under `lock`; a worker spins on it
// for a short while before sleeping on `work_ready`, so back-to-back products (a network's layers) find
// it awake. The caller and the workers claim parts one at a time from `claims` until none are left, so a
// worker that is slow to wake (the machine busy with other processes) leaves its parts to the others.
// Parts write disjoint memory and a part's result does not depend on which thread runs it, so what a
// job produces never depends on scheduling.

enum { SPINS = 4000 };  // about 20–60 µs of `pause` before a waiting thread sleeps

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;
/// Serialises callers: a second thread that finds the pool busy runs its parts itself.
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

static _Atomic uint32_t generation;
/// The job's generation (high 32 bits), its part count (next 16) and the next unclaimed part (low 16):
/// a claim is a compare-and-swap of the whole word, so a worker still holding an older generation can
/// never claim a part of a newer job, nor read the newer job's fields.
static _Atomic uint64_t claims;
/// Parts finished in the current job.
static _Atomic ptrdiff_t finished;
static cvk_pool_part job_function;
static void *job_context;

/// Workers started (they live as long as the process), and the threads jobs use now.
static int started_workers;
static _Atomic int active_threads = 1;
/// Whether the calling thread is running a part: a job started from inside a part runs inline.
static _Thread_local int inside_part;

/// Claims and runs parts of job `job` until none are left.
static void run_parts(uint32_t job) {
    for (;;) {
        uint64_t word = atomic_load_explicit(&claims, memory_order_acquire);
        ptrdiff_t part, parts;
        do {
            if ((uint32_t)(word >> 32) != job) return;
            part = (ptrdiff_t)(word & 0xFFFF);
            parts = (ptrdiff_t)((word >> 16) & 0xFFFF);
            if (part >= parts) return;
        } while (!atomic_compare_exchange_weak_explicit(&claims, &word, word + 1, memory_order_acq_rel, memory_order_acquire));
        inside_part = 1;
        job_function(job_context, part);
        inside_part = 0;
        if (atomic_fetch_add_explicit(&finished, 1, memory_order_acq_rel) + 1 == parts) {
            pthread_mutex_lock(&lock);
            pthread_cond_signal(&work_done);
            pthread_mutex_unlock(&lock);
        }
    }
}

/// `argument`: the generation when the worker was started (no job runs meanwhile: its starter holds
/// `run_lock`), so a job published before the new thread first runs is not missed.
static void *worker_main(void *argument) {
    uint32_t seen = (uint32_t)(uintptr_t)argument;
    for (;;) {
        uint32_t current;
        int spins = 0;
        while ((current = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
            if (++spins < SPINS) { CVK_RELAX(); continue; }
            pthread_mutex_lock(&lock);
            while ((current = atomic_load_explicit(&generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&work_ready, &lock);
            pthread_mutex_unlock(&lock);
            break;
        }
        seen = current;
        run_parts(current);
    }
    return NULL;
}

int cvk_pool_set_threads(int threads) {
    if (threads < 1) threads = 1;
    if (threads > CVK_POOL_MAX_THREADS) threads = CVK_POOL_MAX_THREADS;
    pthread_mutex_lock(&run_lock);
    while (started_workers < threads - 1) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        const uint32_t current = atomic_load_explicit(&generation, memory_order_acquire);
        const int failed = pthread_create(&thread, &attributes, worker_main, (void *)(uintptr_t)current);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        started_workers++;
    }
    const int usable = started_workers + 1 < threads ? started_workers + 1 : threads;
    atomic_store(&active_threads, usable);
    pthread_mutex_unlock(&run_lock);
    return usable;
}

int cvk_pool_threads(void) { return atomic_load(&active_threads); }

int cvk_pool_inside_part(void) { return inside_part; }

void cvk_pool_run(ptrdiff_t parts, cvk_pool_part function, void *context) {
    if (parts <= 0) return;
    if (parts == 1 || parts > 0xFFFF || inside_part || atomic_load(&active_threads) < 2 || pthread_mutex_trylock(&run_lock) != 0) {
        for (ptrdiff_t part = 0; part < parts; part++) function(context, part);
        return;
    }
    const uint32_t job = atomic_load_explicit(&generation, memory_order_relaxed) + 1;
    job_function = function;
    job_context = context;
    atomic_store_explicit(&finished, 0, memory_order_relaxed);
    atomic_store_explicit(&claims, (uint64_t)job << 32 | (uint64_t)parts << 16, memory_order_release);
    pthread_mutex_lock(&lock);
    atomic_store_explicit(&generation, job, memory_order_release);
    pthread_cond_broadcast(&work_ready);
    pthread_mutex_unlock(&lock);

    run_parts(job);

    int spins = 0;
    while (atomic_load_explicit(&finished, memory_order_acquire) != parts) {
        if (++spins < SPINS) { CVK_RELAX(); continue; }
        pthread_mutex_lock(&lock);
        while (atomic_load_explicit(&finished, memory_order_acquire) != parts) pthread_cond_wait(&work_done, &lock);
        pthread_mutex_unlock(&lock);
        break;
    }
    pthread_mutex_unlock(&run_lock);
}

int cvk_affinity_cores(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
#endif
    return 1;
}
