/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "netconverge/netns.h"
#include "watch/watch.h"

/* The loop's three local sources: inotify on the file's directory, the
 * resync timer, and the signals. Each handler drains its fd and sets
 * dirty flags; nothing here touches the kernel's network state. */

/* What makes the directory's entry for the file change: written and
 * closed in place, renamed onto it (the atomic replace), created, deleted
 * or renamed away. Watching the directory, not the file, survives the file
 * being replaced any number of times. */
#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)

/* /run/netns: the host namespace's name going away (ip netns del unmounts
 * it, then unlinks it) or being renamed away, or the directory itself. */
#define NETNS_EVENTS (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF)

static int64_t ts_ns(const struct timespec *ts) {
        return (int64_t) ts->tv_sec * 1000000000 + ts->tv_nsec;
}

int nc_file_id_get(const char *path, struct nc_file_id *ret) {
        struct stat st;

        if (stat(path, &st) < 0) {
                *ret = (struct nc_file_id) {};
                return -errno;
        }
        *ret = (struct nc_file_id) {
                .exists = true,
                .dev = st.st_dev,
                .ino = st.st_ino,
                .size = st.st_size,
                .mtime_ns = ts_ns(&st.st_mtim),
                .ctime_ns = ts_ns(&st.st_ctim),
        };
        return 0;
}

bool nc_file_id_equal(const struct nc_file_id *a, const struct nc_file_id *b) {
        if (a->exists != b->exists)
                return false;
        return !a->exists || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
                              a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns);
}

static const char *inotify_mask_name(uint32_t mask) {
        static const struct {
                uint32_t bit;
                const char *name;
        } names[] = {
                { IN_CLOSE_WRITE, "IN_CLOSE_WRITE" }, { IN_MOVED_TO, "IN_MOVED_TO" },
                { IN_CREATE, "IN_CREATE" },           { IN_DELETE, "IN_DELETE" },
                { IN_MOVED_FROM, "IN_MOVED_FROM" },   { IN_IGNORED, "IN_IGNORED" },
                { IN_Q_OVERFLOW, "IN_Q_OVERFLOW" },
        };

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (mask & names[i].bit)
                        return names[i].name;
        return "?";
}

static int on_inotify(struct nc_watch *w, struct nc_watch_source *s, uint32_t events) {
        bool ours = false, neighbour = false;
        struct nc_file_id now;

        (void) events;
        for (;;) {
                ssize_t n = read(s->fd, w->buf, w->buf_size);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
                for (ssize_t off = 0; off + (ssize_t) sizeof(struct inotify_event) <= n;) {
                        const struct inotify_event *ev = (const struct inotify_event *) (w->buf + off);

                        off += (ssize_t) (sizeof(*ev) + ev->len);
                        if (w->netns_wd >= 0 && ev->wd == w->netns_wd) {
                                nc_watch_log(&w->log, LOG_DEBUG, "event: netns: %s %s", inotify_mask_name(ev->mask),
                                             ev->len ? ev->name : NC_NETNS_RUN_DIR);
                                if (ev->mask & IN_IGNORED)
                                        w->netns_wd = -1;
                                /* Any other namespace's comings and goings: a stat() each. */
                                if (!nc_watch_host_check(w))
                                        return 0;
                                continue;
                        }
                        if (ev->mask & IN_Q_OVERFLOW) {
                                /* Events lost: the host's name may be gone too. */
                                if (!nc_watch_host_check(w))
                                        return 0;
                                ours = true;
                        } else if (ev->mask & IN_IGNORED) {
                                /* The directory went away; the file may come back
                                 * with it. Each cycle tries to watch it again. */
                                nc_watch_log(&w->log, LOG_WARNING, "%s: the directory is gone; watching it again "
                                             "when it is back", w->dir);
                                w->inotify_wd = -1;
                                ours = true;
                        } else if (ev->len > 0 && strcmp(ev->name, w->base) == 0) {
                                ours = true;
                        } else {
                                neighbour = true;
                                continue;
                        }
                        nc_watch_log(&w->log, LOG_DEBUG, "event: file: %s %s", inotify_mask_name(ev->mask),
                                     ev->len ? ev->name : w->dir);
                }
        }
        /* Another name in the directory: the file changed only if what it
         * resolves to did (a symlink swapped, as Kubernetes ConfigMaps do). */
        if (!ours && neighbour) {
                (void) nc_file_id_get(w->path, &now);
                if (!nc_file_id_equal(&now, &w->file_id)) {
                        nc_watch_log(&w->log, LOG_DEBUG, "event: file: %s now resolves to another file", w->path);
                        ours = true;
                }
        }
        if (ours)
                nc_watch_mark(w, NC_DIRTY_FILE);
        return 0;
}

int nc_watch_dir_rewatch(struct nc_watch *w) {
        int wd;

        if (w->inotify_wd >= 0)
                return 0;
        wd = inotify_add_watch(w->inotify.fd, w->dir, DIR_EVENTS | IN_ONLYDIR);
        if (wd < 0)
                return -errno;
        w->inotify_wd = wd;
        return 1;
}

bool nc_watch_host_check(struct nc_watch *w) {
        char path[4096];
        struct stat st;
        const char *what;

        if (!w->netns || w->fatal < 0)
                return w->fatal >= 0;
        if (nc_netns_path(w->netns, path, sizeof(path)) < 0)
                return true;
        if (stat(path, &st) < 0) {
                if (errno != ENOENT)
                        return true;    /* cannot tell: the next event or cycle asks again */
                what = "was deleted";
        } else if (st.st_dev != w->netns_dev || st.st_ino != w->netns_ino)
                what = "now names another namespace";
        else
                return true;
        /* The namespace itself lives on while we are in it, but nobody can
         * reach it by name any more: keeping it converged is pointless, and
         * applying to its successor would be wrong. */
        nc_watch_log(&w->log, LOG_ERR, "netns %s: %s %s while watching; exiting (nothing torn down)", w->netns, path,
                     what);
        w->fatal = -ENOENT;
        w->stop = true;
        return false;
}

int nc_watch_timer_arm(struct nc_watch *w, unsigned seconds) {
        struct itimerspec its = { .it_value = { .tv_sec = seconds } };

        /* One-shot, re-armed after every cycle: the next full resync comes
         * an interval after the last one, whatever triggered it. 0 disarms. */
        if (timerfd_settime(w->timer.fd, 0, &its, NULL) < 0)
                return -errno;
        return 0;
}

static int on_timer(struct nc_watch *w, struct nc_watch_source *s, uint32_t events) {
        uint64_t expirations;
        ssize_t n;

        (void) events;
        n = read(s->fd, &expirations, sizeof(expirations));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n != (ssize_t) sizeof(expirations))
                return n < 0 ? -errno : -EIO;
        nc_watch_log(&w->log, LOG_DEBUG, "event: timer: %s", w->backoff_s ? "retry" : "resync");
        nc_watch_mark(w, w->backoff_s ? NC_DIRTY_RETRY : NC_DIRTY_RESYNC);
        return 0;
}

static int on_signal(struct nc_watch *w, struct nc_watch_source *s, uint32_t events) {
        struct signalfd_siginfo si;

        (void) events;
        for (;;) {
                ssize_t n = read(s->fd, &si, sizeof(si));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return 0;
                if (n != (ssize_t) sizeof(si))
                        return n < 0 ? -errno : -EIO;
                nc_watch_log(&w->log, LOG_DEBUG, "event: signal: %s from pid %" PRIu32,
                             strsignal((int) si.ssi_signo), si.ssi_pid);
                if (si.ssi_signo == SIGHUP) {
                        nc_watch_log(&w->log, LOG_INFO, "SIGHUP: reloading %s", w->path);
                        if (!w->reloading && w->ready)
                                nc_watch_notify("RELOADING=1\nSTATUS=Reloading %s\nMONOTONIC_USEC=%" PRId64,
                                                w->path, nc_watch_now_ns() / 1000);
                        w->reloading = true;
                        nc_watch_mark(w, NC_DIRTY_RELOAD);
                } else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
                        w->stop = true;
                        w->stop_signal = (int) si.ssi_signo;
                }
        }
}

static int add_source(struct nc_watch *w, struct nc_watch_source *s) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };

        if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0)
                return -errno;
        return 0;
}

static int split_path(struct nc_watch *w) {
        const char *slash = strrchr(w->path, '/');

        if (!slash) {
                w->dir = strdup(".");
                w->base = strdup(w->path);
        } else {
                w->dir = slash == w->path ? strdup("/") : strndup(w->path, (size_t) (slash - w->path));
                w->base = strdup(slash + 1);
        }
        if (!w->dir || !w->base)
                return -ENOMEM;
        return w->base[0] ? 0 : -EISDIR;
}

int nc_watch_sources_open(struct nc_watch *w) {
        sigset_t mask;
        int r;

        r = split_path(w);
        if (r < 0)
                return r;

        w->inotify = (struct nc_watch_source) { .fd = -1, .name = "inotify", .dispatch = on_inotify };
        w->inotify.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->inotify.fd < 0)
                return -errno;
        r = nc_watch_dir_rewatch(w);
        if (r < 0)
                return r;
        if (w->netns) {
                w->netns_wd = inotify_add_watch(w->inotify.fd, NC_NETNS_RUN_DIR, NETNS_EVENTS | IN_ONLYDIR);
                if (w->netns_wd < 0)
                        return -errno;
        }

        w->timer = (struct nc_watch_source) { .fd = -1, .name = "timer", .dispatch = on_timer };
        w->timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (w->timer.fd < 0)
                return -errno;

        /* Blocked, so they queue for the signalfd (even where the parent
         * left them ignored, as shells do for background jobs' SIGINT). */
        sigemptyset(&mask);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, &w->old_mask) < 0)
                return -errno;
        w->mask_set = true;
        w->signal = (struct nc_watch_source) { .fd = -1, .name = "signal", .dispatch = on_signal };
        w->signal.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (w->signal.fd < 0)
                return -errno;

        r = add_source(w, &w->inotify);
        if (r >= 0)
                r = add_source(w, &w->timer);
        if (r >= 0)
                r = add_source(w, &w->signal);
        return r;
}

static void close_source(struct nc_watch_source *s) {
        if (s->fd >= 0)
                close(s->fd);
        s->fd = -1;
}

void nc_watch_sources_close(struct nc_watch *w) {
        close_source(&w->inotify);
        close_source(&w->timer);
        close_source(&w->signal);
        if (w->mask_set) {
                /* Signals that came after the loop stopped stay pending and
                 * would act on unblocking; the loop is over, so drop them. */
                sigset_t mask, pending;
                struct timespec zero = {};

                sigemptyset(&mask);
                sigaddset(&mask, SIGHUP);
                sigaddset(&mask, SIGTERM);
                sigaddset(&mask, SIGINT);
                while (sigpending(&pending) == 0 &&
                       (sigismember(&pending, SIGHUP) || sigismember(&pending, SIGTERM) ||
                        sigismember(&pending, SIGINT)))
                        if (sigtimedwait(&mask, NULL, &zero) < 0)
                                break;
                sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
                w->mask_set = false;
        }
        free(w->dir);
        free(w->base);
        w->dir = w->base = NULL;
}
