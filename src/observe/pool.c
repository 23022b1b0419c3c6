/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe/observer.h"

/* Container namespaces observed on several CPUs. Most of a thousand
 * namespaces' observation is the kernel's work for each one's socket and
 * dumps, and namespaces are independent: each thread enters them on its
 * own (setns() changes only the calling thread's namespace) and fills a
 * state of its own, merged at the end; the result is sorted afterwards,
 * so it does not depend on which thread saw what. The caller starts the
 * pool, observes the host meanwhile, then joins in. */

/* Below this many namespaces a thread costs more than it saves. */
#define POOL_MIN_PER_THREAD 16
#define POOL_MAX_THREADS 4

struct nc_observe_worker {
        struct nc_observe_pool *pool;
        pthread_t thread;
        bool started;
        struct nc_state *state;
        char err[512];
        int r;
        size_t failed;                  /* the index that failed, when r < 0 */
};

static size_t threads_for(size_t n) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        size_t t = cpus > 1 ? (size_t) cpus : 1;

        if (t > POOL_MAX_THREADS)
                t = POOL_MAX_THREADS;
        if (t > n / POOL_MIN_PER_THREAD)
                t = n / POOL_MIN_PER_THREAD;
        return t > 1 ? t : 1;
}

static void work(struct nc_observe_worker *w) {
        struct nc_observe_pool *p = w->pool;
        struct nc_observer o = { .state = w->state, .err = w->err, .errlen = sizeof(w->err) };

        while (!atomic_load(&p->stop)) {
                size_t i = atomic_fetch_add(&p->next, 1);
                int r;

                if (i >= p->n)
                        break;
                r = nc_observe_container(&o, p->names[i], p->home_fd);
                if (r < 0) {
                        w->r = r;
                        w->failed = i;
                        atomic_store(&p->stop, true);
                        break;
                }
        }
}

static void *work_thread(void *data) {
        work(data);
        return NULL;
}

int nc_observe_pool_start(struct nc_observe_pool *p, const char **names, size_t n, int home_fd) {
        size_t t = threads_for(n);

        *p = (struct nc_observe_pool) { .names = names, .n = n, .home_fd = home_fd };
        atomic_init(&p->next, 0);
        atomic_init(&p->stop, false);
        /* Worker 0 is the caller, when it joins in. */
        p->workers = calloc(t, sizeof(*p->workers));
        if (!p->workers)
                return -ENOMEM;
        p->n_workers = t;
        for (size_t i = 0; i < t; i++) {
                p->workers[i].pool = p;
                p->workers[i].state = nc_state_new();
                if (!p->workers[i].state)
                        return -ENOMEM;
        }
        for (size_t i = 1; i < t; i++) {
                /* A thread that cannot start leaves its share to the others. */
                if (pthread_create(&p->workers[i].thread, NULL, work_thread, &p->workers[i]) == 0)
                        p->workers[i].started = true;
        }
        return 0;
}

/* Joins every started thread; whatever is left is the caller's. */
static void join(struct nc_observe_pool *p) {
        if (p->n_workers > 0 && !atomic_load(&p->stop))
                work(&p->workers[0]);
        for (size_t i = 1; i < p->n_workers; i++)
                if (p->workers[i].started) {
                        pthread_join(p->workers[i].thread, NULL);
                        p->workers[i].started = false;
                }
}

/* The failure of the lowest index, so that the same failure is reported
 * whichever thread met it. */
static const struct nc_observe_worker *first_failure(const struct nc_observe_pool *p) {
        const struct nc_observe_worker *f = NULL;

        for (size_t i = 0; i < p->n_workers; i++)
                if (p->workers[i].r < 0 && (!f || p->workers[i].failed < f->failed))
                        f = &p->workers[i];
        return f;
}

int nc_observe_pool_finish(struct nc_observe_pool *p, struct nc_observer *o) {
        const struct nc_observe_worker *f;
        int r = 0;

        join(p);
        f = first_failure(p);
        if (f) {
                if (o->err && o->errlen > 0)
                        snprintf(o->err, o->errlen, "%s", f->err);
                return f->r;
        }
        for (size_t i = 0; i < p->n_workers && r >= 0; i++)
                r = nc_state_absorb(o->state, p->workers[i].state);
        return r < 0 ? nc_observer_fail(o, r, "observing namespaces") : 0;
}

void nc_observe_pool_done(struct nc_observe_pool *p) {
        atomic_store(&p->stop, true);
        join(p);
        for (size_t i = 0; i < p->n_workers; i++)
                nc_state_free(p->workers[i].state);
        free(p->workers);
        p->workers = NULL;
        p->n_workers = 0;
}
