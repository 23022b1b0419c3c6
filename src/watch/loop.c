/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netconverge/apply.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "watch/watch.h"

/* How long a starting watch waits for a running apply (the run lock)
 * before it advertises itself: as long as a second apply would. */
#define ADVERT_LOCK_TIMEOUT_S 60

/* The loop, after Redis' ae: handlers drain their fd and set dirty flags;
 * once per turn, before sleeping, the loop runs at most one cycle, when the
 * flags are due (schedule.c says when). After a failed cycle the timer
 * retries with backoff (1 s doubling to the interval). Nothing is pending
 * when idle: epoll_wait() blocks with no timeout and the resync timer is
 * just another fd. */

int64_t nc_watch_now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void nc_watch_mark(struct nc_watch *w, unsigned flags) {
        nc_watch_sched_mark(&w->sched, flags, nc_watch_now_ns());
}

#define MS (1000 * 1000LL)

static unsigned backoff_cap(const struct nc_watch *w) {
        return w->interval > 0 ? w->interval : NC_WATCH_BACKOFF_CAP_S;
}

static void status(struct nc_watch *w, const struct nc_cycle_result *res) {
        const char *ready = "";

        if (!w->ready || w->reloading)
                ready = "READY=1\n";
        if (res->kernel_error)
                nc_watch_notify("%sSTATUS=Cycle %llu: not converged (%zu failed); retrying in %u s", ready,
                                (unsigned long long) w->cycles, res->failed, w->backoff_s);
        else if (res->config_error)
                nc_watch_notify("%sSTATUS=Cycle %llu: %s has errors; the last good configuration stays in force",
                                ready, (unsigned long long) w->cycles, w->path);
        else if (res->added + res->changed + res->removed > 0)
                nc_watch_notify("%sSTATUS=Cycle %llu: converged: %zu added, %zu changed, %zu removed", ready,
                                (unsigned long long) w->cycles, res->added, res->changed, res->removed);
        else
                nc_watch_notify("%sSTATUS=Cycle %llu: in sync", ready, (unsigned long long) w->cycles);
        w->ready = true;
        w->reloading = false;
}

static void run_cycle(struct nc_watch *w) {
        unsigned reasons = w->sched.dirty;
        _cleanup_free_ char *why = nc_watch_reasons(reasons);
        struct nc_cycle_result res;
        int64_t now;
        int r;

        w->sched.dirty = 0;
        w->cycles++;
        /* Overruns from here on are news again. */
        w->overrun_logged = false;
        nc_watch_cycle(w, reasons, &res);
        now = nc_watch_now_ns();

        if (res.lock_busy) {
                /* The file, if asked for, is loaded: only the rest again. */
                nc_watch_log(&w->log, LOG_DEBUG, "cycle %llu (%s): another run holds the lock; again in %d ms",
                             (unsigned long long) w->cycles, why ? why : "?", NC_WATCH_LOCK_RETRY_MS);
                w->cycles--;
                nc_watch_mark(w, (reasons & ~NC_DIRTY_LOAD) | NC_DIRTY_RESYNC);
                w->sched.lock_retry_ns = now + NC_WATCH_LOCK_RETRY_MS * MS;
                return;
        }
        w->sched.lock_retry_ns = 0;

        if (res.kernel_error) {
                w->backoff_s = w->backoff_s ? w->backoff_s * 2 : NC_WATCH_BACKOFF_MIN_S;
                if (w->backoff_s > backoff_cap(w))
                        w->backoff_s = backoff_cap(w);
                w->sched.fail_gap_ns = now + NC_WATCH_FAIL_GAP_MS * MS;
                if (res.pending > 0)
                        nc_watch_log(&w->log, LOG_ERR,
                                     "not converged: %zu added, %zu changed, %zu removed, %zu failed (%s); "
                                     "retrying in %u s",
                                     res.added, res.changed, res.removed, res.failed, why ? why : "?", w->backoff_s);
                else
                        nc_watch_log(&w->log, LOG_ERR, "cycle failed (%s); retrying in %u s", why ? why : "?",
                                     w->backoff_s);
                r = nc_watch_timer_arm(w, w->backoff_s);
        } else {
                w->backoff_s = 0;
                w->sched.fail_gap_ns = 0;
                if (res.added + res.changed + res.removed > 0)
                        nc_watch_log(&w->log, LOG_INFO, "converged: %zu added, %zu changed, %zu removed (%s)",
                                     res.added, res.changed, res.removed, why ? why : "?");
                else if ((reasons & NC_DIRTY_RELOAD) && !res.config_error)
                        /* Asked for by hand: an answer even when nothing changed. */
                        nc_watch_log(&w->log, LOG_INFO, "%s: reloaded, in sync", w->path);
                else
                        nc_watch_log(&w->log, LOG_DEBUG, "cycle %llu (%s): %s", (unsigned long long) w->cycles,
                                     why ? why : "?",
                                     !res.ran ? "configuration not loaded, kernel left alone" : "in sync");
                r = nc_watch_timer_arm(w, w->interval);
        }
        if (r < 0)
                nc_watch_log(&w->log, LOG_ERR, "cannot arm the resync timer: %s", strerror(-r));
        status(w, &res);
}

static void watch_done(struct nc_watch *w) {
        nc_watch_advert_drop(&w->advert);
        free(w->abs_path);
        nc_watch_monitor_close(w);
        nc_watch_sources_close(w);
        if (w->epfd >= 0)
                close(w->epfd);
        nc_model_free(w->model);
        nc_state_free(w->last);
        nc_observe_scope_done(&w->changed);
        free(w->waiting);
        free(w->contained);
        free(w->buf);
}

/* epoll_wait()'s timeout: the pending cycle's, or sooner when the
 * watchdog is due. */
static int wait_ms(const struct nc_watch *w, int64_t now) {
        int ms = nc_watch_sched_timeout_ms(&w->sched, now);
        int64_t left;
        int ping_ms;

        if (w->watchdog_ns == 0)
                return ms;
        left = w->watchdog_due_ns - now;
        ping_ms = left <= 0 ? 0 : (int) ((left + MS - 1) / MS);
        return ms < 0 || ping_ms < ms ? ping_ms : ms;
}

static void watchdog_ping(struct nc_watch *w) {
        int64_t now;

        if (w->watchdog_ns == 0)
                return;
        now = nc_watch_now_ns();
        if (now < w->watchdog_due_ns)
                return;
        nc_watch_notify("WATCHDOG=1");
        w->watchdog_due_ns = now + w->watchdog_ns;
}

/* What the host namespace is, to notice when its name goes (-n only),
 * and the file's absolute path, for the advertisement. */
static int identify_host(struct nc_watch *w) {
        struct stat st;
        _cleanup_free_ char *cwd = NULL;

        if (stat("/proc/self/ns/net", &st) < 0) {
                nc_watch_log(&w->log, LOG_ERR, "/proc/self/ns/net: %s", strerror(errno));
                return -errno;
        }
        w->netns_dev = st.st_dev;
        w->netns_ino = st.st_ino;
        /* Not realpath(): a symlink stays what the user named, since its
         * target is what changes (Kubernetes ConfigMaps). */
        if (w->path[0] == '/')
                w->abs_path = strdup(w->path);
        else if ((cwd = getcwd(NULL, 0)))
                w->abs_path = nc_asprintf("%s/%s", cwd, w->path);
        else {
                nc_watch_log(&w->log, LOG_ERR, "cannot tell the current directory: %s", strerror(errno));
                return -errno;
        }
        return w->abs_path ? 0 : -ENOMEM;
}

/* Says that this watch keeps its file in force here (advert.c), holding
 * the run lock so that an apply either sees it or comes after. One watch
 * per namespace: a second would fight the first. */
static int advertise(struct nc_watch *w) {
        struct nc_watch_holder other = {};
        char err[512] = "";
        int lock, r;

        lock = nc_lock_acquire(ADVERT_LOCK_TIMEOUT_S);
        if (lock < 0) {
                nc_watch_log(&w->log, LOG_ERR, "cannot take the run lock: %s",
                             lock == -ETIMEDOUT ? "another run held it too long" : nc_lock_strerror(lock));
                return lock;
        }
        r = nc_watch_advert_take(&w->advert, w->abs_path, &other, err, sizeof(err));
        close(lock);
        if (r == -EBUSY) {
                nc_watch_log(&w->log, LOG_ERR, "another watch (pid %ld) keeps %s in force on %s%s; stop it first",
                             (long) other.pid, other.path, w->netns ? "netns " : "this host",
                             w->netns ? w->netns : "");
                nc_watch_holder_done(&other);
                return r;
        }
        if (r < 0)
                nc_watch_log(&w->log, LOG_ERR, "cannot advertise this watch: %s", err[0] ? err : strerror(-r));
        return r;
}

static int loop(struct nc_watch *w) {
        struct epoll_event events[8];

        while (!w->stop) {
                int n;

                watchdog_ping(w);
                n = epoll_wait(w->epfd, events, (int) ELEMENTSOF(events), wait_ms(w, nc_watch_now_ns()));

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        nc_watch_log(&w->log, LOG_ERR, "epoll_wait: %s", strerror(errno));
                        return -errno;
                }
                for (int i = 0; i < n; i++) {
                        struct nc_watch_source *s = events[i].data.ptr;
                        int r = s->dispatch(w, s, events[i].events);

                        if (r < 0) {
                                nc_watch_log(&w->log, LOG_ERR, "%s: %s", s->name, strerror(-r));
                                return r;
                        }
                }
                if (w->stop)
                        break;
                if (w->sched.dirty && nc_watch_sched_due(&w->sched) <= nc_watch_now_ns()) {
                        if (!nc_watch_host_check(w))
                                break;
                        run_cycle(w);
                }
        }
        return 0;
}

int nc_watch_run(const struct nc_ctx *ctx, const char *path, const struct nc_watch_opts *opts) {
        struct nc_watch w = {
                .ctx = ctx,
                .path = path,
                .interval = opts ? opts->interval : 30,
                .epfd = -1,
                .inotify = { .fd = -1 },
                .timer = { .fd = -1 },
                .signal = { .fd = -1 },
                .rtnl = { .fd = -1 },
                .nft = { .fd = -1 },
                .inotify_wd = -1,
                .netns = ctx->netns,
                .netns_wd = -1,
                .advert = { .dirfd = -1, .fd = -1 },
                .buf_size = 64 * 1024,
        };
        int r;

        nc_watch_log_init(&w.log, ctx->log_level, STDERR_FILENO);
        w.buf = malloc(w.buf_size);
        if (!w.buf)
                return -ENOMEM;
        r = identify_host(&w);
        if (r < 0)
                goto out;

        /* No last good file to fall back on yet: a bad one is fatal. */
        r = nc_watch_load(&w);
        if (r < 0) {
                nc_watch_log(&w.log, LOG_ERR, "%s: not loaded; nothing to watch", path);
                goto out;
        }
        /* Before the signals are blocked: a start stuck behind a long
         * apply still dies on SIGTERM. */
        r = advertise(&w);
        if (r < 0)
                goto out;
        w.epfd = epoll_create1(EPOLL_CLOEXEC);
        if (w.epfd < 0) {
                r = -errno;
                nc_watch_log(&w.log, LOG_ERR, "epoll: %s", strerror(-r));
                goto out;
        }
        r = nc_watch_sources_open(&w);
        if (r < 0) {
                nc_watch_log(&w.log, LOG_ERR, "cannot watch %s: %s", path, strerror(-r));
                goto out;
        }
        r = nc_watch_monitor_open(&w);
        if (r < 0)
                goto out;
        /* Gone between entering it and watching /run/netns: no event says so. */
        if (!nc_watch_host_check(&w)) {
                r = w.fatal;
                goto out;
        }

        if (w.interval > 0)
                nc_watch_log(&w.log, LOG_INFO, "watching %s (full resync every %u s)", path, w.interval);
        else
                nc_watch_log(&w.log, LOG_INFO, "watching %s (no periodic resync)", path);
        nc_watch_mark(&w, NC_DIRTY_START);
        w.watchdog_ns = nc_watch_watchdog_interval_ns();
        if (w.watchdog_ns > 0)
                nc_watch_log(&w.log, LOG_DEBUG, "watchdog: WATCHDOG=1 every %lld ms",
                             (long long) (w.watchdog_ns / MS));
        r = loop(&w);
        if (r >= 0 && w.fatal < 0) {
                nc_watch_notify("STOPPING=1\nSTATUS=Stopping: netns %s is gone", w.netns);
                r = w.fatal;
        } else if (r >= 0) {
                nc_watch_notify("STOPPING=1\nSTATUS=Stopping on %s", strsignal(w.stop_signal));
                nc_watch_log(&w.log, LOG_INFO, "%s: exiting, the kernel state stays as it is",
                             strsignal(w.stop_signal));
        }
out:
        watch_done(&w);
        return r;
}
