/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "netconverge/netconverge.h"

/* `netconverge watch FILE`: a long-running reconciler. One epoll loop over
 *  - inotify on the file's directory (in-place edits and rename-replace),
 *  - a timerfd: a full resync every interval, and retries after a failure,
 *  - netlink multicast in the host namespace: links, IPv4 addresses and
 *    routes (NETLINK_ROUTE) and nftables (NETLINK_NETFILTER), so drift made
 *    by hand is repaired at once,
 *  - a signalfd: SIGHUP reloads the file, SIGTERM and SIGINT stop the loop
 *    without tearing anything down.
 * Handlers only drain their fd and set dirty flags; the loop debounces
 * bursts and runs one cycle (reload if needed, lock, observe, plan, apply,
 * verify) per turn. Logs go to stderr; readiness and status to systemd
 * (sd_notify) when built with libsystemd. */

struct nc_watch_opts {
        unsigned interval;      /* seconds between full resyncs; 0 = none (events and retries only) */
};

/* Runs until SIGTERM or SIGINT (returns 0) or a fatal error (returns a
 * negative errno, already logged): the file does not load at start, or a
 * loop fd fails. The process must already be in its host namespace (-n).
 * Signals SIGHUP, SIGTERM and SIGINT are blocked while it runs and the old
 * mask is restored on return. */
int nc_watch_run(const struct nc_ctx *ctx, const char *path, const struct nc_watch_opts *opts);

/* A running watch advertises itself (src/watch/advert.c): pid and file in
 * /run/netconverge/watch-INODE for its network namespace, locked for as
 * long as it runs. */
struct nc_watch_holder {
        pid_t pid;
        char *path;             /* the file it keeps in force, absolute */
};
void nc_watch_holder_done(struct nc_watch_holder *h);
/* Does a live watch keep a file in force on the current network namespace?
 * 1 and *ret (nc_watch_holder_done() it), 0 when none does (no file, or a
 * stale one nobody holds), or a negative errno with a message in err: the
 * directory or the file cannot be trusted or read. */
int nc_watch_advert_find(struct nc_watch_holder *ret, char *err, size_t errlen);
