/* SPDX-License-Identifier: MIT */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <syslog.h>

#include <linux/netlink.h>

#include "netconverge/netconverge.h"
#include "netconverge/observe.h"
#include "netconverge/watch.h"

/* The watcher's internals. Everything lives in one loop object, struct
 * nc_watch (no globals); each fd in the epoll set is a struct
 * nc_watch_source whose handler drains the fd and sets dirty flags (the
 * Redis ae shape: handler, fd, the loop as client data). The loop runs one
 * cycle per turn when the flags are due. */

/* Why a cycle runs. Handlers only set these. */
#define NC_DIRTY_START  (1U << 0)       /* the first cycle */
#define NC_DIRTY_FILE   (1U << 1)       /* inotify: the file may have changed */
#define NC_DIRTY_RELOAD (1U << 2)       /* SIGHUP: reload the file */
#define NC_DIRTY_DRIFT  (1U << 3)       /* netlink: the kernel changed (or a buffer overran) */
#define NC_DIRTY_RESYNC (1U << 4)       /* the timer: periodic full resync */
#define NC_DIRTY_RETRY  (1U << 5)       /* the timer after a failed cycle */
/* Events that come in bursts wait for quiet before the cycle runs. */
#define NC_DIRTY_DEBOUNCED (NC_DIRTY_FILE | NC_DIRTY_DRIFT)
/* Asked for by the user: not held back after a failure. */
#define NC_DIRTY_USER (NC_DIRTY_START | NC_DIRTY_FILE | NC_DIRTY_RELOAD)
/* The cycle (re)loads the file. */
#define NC_DIRTY_LOAD (NC_DIRTY_FILE | NC_DIRTY_RELOAD)

/* Timings (milliseconds unless named otherwise). */
#define NC_WATCH_QUIET_MS       50      /* debounce: run once nothing new came for this long ... */
#define NC_WATCH_DRIFT_QUIET_MS 5       /* ... or this long when only the kernel changed */
#define NC_WATCH_MAX_DELAY_MS   200     /* ... but never later than this after the first event */
#define NC_WATCH_LOCK_RETRY_MS  250     /* another run holds the lock: try again */
#define NC_WATCH_FAIL_GAP_MS    1000    /* after a failed cycle: drift waits at least this long */
#define NC_WATCH_BACKOFF_MIN_S  1       /* retry after a failure: 1 s, doubling ... */
#define NC_WATCH_BACKOFF_CAP_S  30      /* ... up to the interval (this when the interval is 0) */
#define NC_WATCH_APPLY_WAIT_S   5       /* apply's wait for links to be operationally up */

/* When the pending cycle runs (schedule.c): pure, so that it is unit
 * tested. Times are CLOCK_MONOTONIC nanoseconds. */
struct nc_watch_sched {
        unsigned dirty;                 /* NC_DIRTY_* */
        int64_t first_event_ns;         /* when dirty became non-zero */
        int64_t last_event_ns;          /* the last debounced event */
        int64_t lock_retry_ns;          /* not before (another run holds the lock) */
        int64_t fail_gap_ns;            /* not before, for drift and resync, after a failure */
};

void nc_watch_sched_mark(struct nc_watch_sched *s, unsigned flags, int64_t now_ns);
/* When the pending cycle should run; -1 when nothing is pending. */
int64_t nc_watch_sched_due(const struct nc_watch_sched *s);
/* Milliseconds to pass to epoll_wait(): -1 = block, 0 = run now. */
int nc_watch_sched_timeout_ms(const struct nc_watch_sched *s, int64_t now_ns);

/* Logging (log.c): one write(2) per line on stderr, prefixed with an
 * ISO-8601 timestamp, or with a <N> syslog priority when stderr is the
 * journal (JOURNAL_STREAM). Priorities are syslog's: LOG_ERR lines start
 * "error: ", LOG_WARNING "warning: "; -q shows errors only, the default
 * everything down to LOG_INFO (each change, each summary), -v everything
 * (LOG_DEBUG: every cycle and every event). */
struct nc_watch_log {
        enum nc_log_level level;
        int fd;
        bool journal;
};

void nc_watch_log_init(struct nc_watch_log *l, enum nc_log_level level, int fd);
bool nc_watch_log_enabled(const struct nc_watch_log *l, int prio);
__attribute__((format(printf, 3, 4))) void nc_watch_log(const struct nc_watch_log *l, int prio, const char *fmt,
                                                        ...);
/* Every line of text (e.g. diagnostics printed to a memstream), one log line each. */
void nc_watch_log_lines(const struct nc_watch_log *l, int prio, const char *text);
/* Is fd the journal's stream, as $JOURNAL_STREAM ("DEV:INO") says? */
bool nc_watch_fd_is_journal(int fd, const char *journal_stream);
/* "2026-11-26T13:56:01.123+01:00" into buf (at least 32 bytes). */
void nc_watch_format_time(char *buf, size_t size, int64_t realtime_ns, bool utc);

/* sd_notify (notify.c): a no-op when built without libsystemd or when not
 * run by systemd. */
__attribute__((format(printf, 1, 2))) void nc_watch_notify(const char *fmt, ...);
/* Nanoseconds between WATCHDOG=1 pings; 0 when there is no watchdog. */
int64_t nc_watch_watchdog_interval_ns(void);

struct nc_watch;
struct nc_watch_source {
        int fd;
        const char *name;
        /* Drains fd, sets dirty flags. < 0 is fatal for the loop. */
        int (*dispatch)(struct nc_watch *w, struct nc_watch_source *s, uint32_t events);
};

/* What the file was when last loaded, to tell a change of it from events
 * about its neighbours (a symlink swapped in the same directory, say). */
struct nc_file_id {
        bool exists;
        dev_t dev;
        ino_t ino;
        off_t size;
        int64_t mtime_ns, ctime_ns;
};

/* The watch's own advertisement (advert.c): held from start to exit. */
struct nc_watch_advert {
        int dirfd, fd;                  /* -1: none */
        char name[64];
};

/* Takes the advertisement for the current namespace, the caller holding
 * the run lock. -EBUSY with *ret_other when a live watch already has it;
 * other failures with a message in err. */
int nc_watch_advert_take(struct nc_watch_advert *a, const char *path, struct nc_watch_holder *ret_other, char *err,
                         size_t errlen);
/* The file's text, "PID\nPATH\n" (text is changed): 0 and *ret, or
 * -EBADMSG when it is not that. Pure, for the unit test. */
int nc_watch_advert_parse(char *text, size_t len, struct nc_watch_holder *ret);
/* Removes it (on the way out, however the loop ended). */
void nc_watch_advert_drop(struct nc_watch_advert *a);

/* The outcome of one cycle (cycle.c). */
struct nc_cycle_result {
        bool lock_busy;         /* nothing done: another run holds the lock */
        bool config_error;      /* the file did not load: the last good model stays */
        bool kernel_error;      /* observe, plan or a change failed, or not converged: retry */
        bool ran;               /* observed (and maybe applied) */
        size_t added, changed, removed, failed;
        size_t pending;         /* changes planned */
};

struct nc_watch {
        const struct nc_ctx *ctx;
        struct nc_watch_log log;
        const char *path;
        char *abs_path;                 /* path made absolute, for the advertisement */
        struct nc_watch_advert advert;
        /* The host namespace named by -n, and what it was at start: when
         * /run/netns/NAME goes (ip netns del) or names another namespace,
         * the watch has nothing left to keep and exits. */
        const char *netns;              /* NULL: the namespace we were started in */
        dev_t netns_dev;
        ino_t netns_ino;
        int netns_wd;                   /* inotify on /run/netns; -1: none */
        int fatal;                      /* < 0: stop, and exit with this */
        bool overrun_logged;            /* "events lost" said for this cycle */
        char *dir;                      /* the directory inotify watches */
        char *base;                     /* the file's name in it */
        unsigned interval;

        int epfd;
        struct nc_watch_source inotify, timer, signal, rtnl, nft;
        int inotify_wd;                 /* -1: lost (directory gone); re-added at each cycle */
        struct mnl_socket *rtnl_nl, *nft_nl;
        uint8_t *buf;                   /* receive buffer for netlink and inotify */
        size_t buf_size;
        sigset_t old_mask;
        bool mask_set;

        /* Pending work. */
        struct nc_watch_sched sched;
        unsigned backoff_s;             /* 0 = last cycle succeeded */
        bool stop;
        int stop_signal;

        /* The last good configuration. */
        struct nc_model *model;
        struct nc_file_id file_id;
        char *waiting;                  /* the waiting containers last reported, to log changes only */
        char *contained;                /* the containers' own conflicts last reported, likewise */

        /* The last observation, kept between cycles so that a cycle for a
         * few kernel events reads again only what they name (cycle.c);
         * NULL: the next cycle observes everything. */
        struct nc_state *last;
        struct nc_observe_scope changed;        /* what events named since */
        bool lost;                              /* events lost (or a failure) in this cycle */

        uint64_t cycles;
        bool ready;                     /* READY=1 sent */
        bool reloading;                 /* RELOADING=1 sent, READY=1 owed */

        /* WatchdogSec=: pinged by the loop itself, so a loop stuck in a
         * cycle or a handler stops the pings and systemd restarts it. */
        int64_t watchdog_ns;            /* 0: no watchdog */
        int64_t watchdog_due_ns;        /* the next WATCHDOG=1 */
};

/* Monotonic clock. */
int64_t nc_watch_now_ns(void);
/* Sets dirty flags (handlers call only this). */
void nc_watch_mark(struct nc_watch *w, unsigned flags);

/* sources.c: inotify, timerfd, signalfd. */
int nc_watch_sources_open(struct nc_watch *w);
void nc_watch_sources_close(struct nc_watch *w);
int nc_watch_dir_rewatch(struct nc_watch *w);
/* Is the -n namespace still /run/netns/NAME? If not, logs it, sets w->fatal
 * and w->stop, and returns false. */
bool nc_watch_host_check(struct nc_watch *w);
int nc_watch_timer_arm(struct nc_watch *w, unsigned seconds);
int nc_file_id_get(const char *path, struct nc_file_id *ret);
bool nc_file_id_equal(const struct nc_file_id *a, const struct nc_file_id *b);

/* monitor.c: the netlink multicast sockets. Whether a message can matter
 * to a plan (describing it in what, for -v); table is the model's nftables
 * table (NULL: any). */
bool nc_watch_rtnl_relevant(const struct nlmsghdr *nlh, char *what, size_t size);
bool nc_watch_nft_relevant(const char *table, const struct nlmsghdr *nlh, char *what, size_t size);
int nc_watch_monitor_open(struct nc_watch *w);
void nc_watch_monitor_close(struct nc_watch *w);
/* Reads whatever is queued without scheduling a cycle (the echo of the
 * watcher's own apply), noting in w->changed what it names. */
void nc_watch_monitor_collect(struct nc_watch *w);
/* What a relevant rtnetlink message names: the host, and for a link whose
 * alias marks it ours, the container namespace of its other end. */
int nc_watch_rtnl_scope(const struct nlmsghdr *nlh, struct nc_observe_scope *scope);
/* Forgets the last observation: the next cycle observes everything. */
void nc_watch_forget(struct nc_watch *w);

/* cycle.c: (re)load if asked, lock, observe, plan, apply, verify. */
int nc_watch_load(struct nc_watch *w);
void nc_watch_cycle(struct nc_watch *w, unsigned reasons, struct nc_cycle_result *res);
/* "file changed, kernel drift" */
char *nc_watch_reasons(unsigned reasons);
