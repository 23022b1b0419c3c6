/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "netconverge/plan.h"

struct nc_fault;

/* Called after each change apply attempted: r is 0 or a negative errno,
 * message the kernel's extended ack text or strerror(-r). */
typedef void (*nc_apply_progress_fn)(const struct nc_action *a, int r, const char *message, void *userdata);

/* Called once per link still not operationally up when the wait ends
 * (netns "" = the host), in (netns, name) order. */
typedef void (*nc_apply_not_up_fn)(const char *netns, const char *name, void *userdata);

/* Called for something apply could not do that does not fail it (every
 * change was made): today only the connection tracking entries of an old
 * translation left in place (src/apply/conntrack.c). message names what
 * and the kernel's error; the callers add ", ignoring". */
typedef void (*nc_apply_warning_fn)(const char *message, void *userdata);

struct nc_apply_opts {
        unsigned wait_seconds;          /* wait for links to be operationally up; 0 = don't */
        nc_apply_progress_fn progress;  /* may be NULL */
        nc_apply_not_up_fn not_up;      /* may be NULL */
        nc_apply_warning_fn warning;    /* may be NULL */
        void *userdata;                 /* for all three */
        struct nc_fault *fault;         /* crash injection, test builds only (src/util/fault.h); NULL = none */
        /* The state the plan was made from (its host addresses are the
         * local ones the conntrack flush matches); without it, changed
         * published ports' entries are not flushed (a warning says so). */
        const struct nc_state *observed;
};

struct nc_apply_result {
        size_t applied;                 /* changes that succeeded */
        size_t failed;                  /* changes the kernel refused (reported through progress) */
        size_t not_up;                  /* links still not operationally up after the wait */
};

/* Walks the plan in order and makes each change over netlink (libnl) in
 * the host namespace (the current one) and the containers' namespaces.
 * Links to remove are deleted with one request naming their link group
 * (NC_LINK_GROUP_OWNED when all of its links go, else
 * NC_LINK_GROUP_DOOMED after moving them there). A failed change is
 * reported and apply goes on with the changes that do not depend on it;
 * the next apply starts from the real state. The plan must have no
 * conflicts. Returns 0 when every change succeeded,
 * -EIO when some failed (see result), or another negative errno when apply
 * could not run at all. */
int nc_apply(const struct nc_plan *plan, const struct nc_apply_opts *opts, struct nc_apply_result *result);

/* The run lock: one apply (or destroy, or watch cycle) at a time per host
 * namespace. Waits up to timeout_seconds; returns an fd to close to release
 * it, -ETIMEDOUT, or another negative errno. */
int nc_lock_acquire(unsigned timeout_seconds);
/* Where that lock is for the current namespace (/run/netconverge/lock-INODE),
 * for messages. A lock path that is not a regular file of root or the user
 * (a symbolic link, a FIFO, a directory, a device, a second hard link) is
 * refused with nothing created, truncated or written through it; so is a
 * /run/netconverge that is not a directory of root or the user, or that
 * others can write. nc_lock_strerror() says which, for any error of
 * nc_lock_acquire(). */
int nc_lock_path(char *buf, size_t size);
const char *nc_lock_strerror(int r);
