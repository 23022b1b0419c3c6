/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Network namespaces, switched with setns(CLONE_NEWNET) only (no mount
 * namespace games: that would cost O(namespaces) per switch, and netlink
 * needs none). setns() moves only the calling thread, so each thread that
 * switches (observe's pool: src/observe/pool.c) enters and returns on its
 * own; the others stay where they are.
 *
 * The "host" namespace is the current one at start, or the one -n names;
 * a container's namespace is a name under /run/netns or an absolute path. */

#define NC_NETNS_RUN_DIR "/run/netns"

/* Enters the named namespace (-n) for the rest of the process. */
int nc_netns_enter_named(const char *name);

/* The path of a netns value: "web" -> "/run/netns/web"; paths unchanged.
 * Writes at most size bytes; -ENAMETOOLONG when it does not fit. */
int nc_netns_path(const char *netns, char *buf, size_t size);

/* Opens a namespace by its netns value ("" = the current namespace).
 * Returns an fd (O_CLOEXEC), -ENOENT when it does not exist, or another
 * negative errno. */
int nc_netns_open(const char *netns);

/* Runs fn(data) inside the namespace `fd`, then returns to `home_fd`,
 * whatever fn returned. If the way back fails the process cannot go on
 * safely and aborts: no path may leave it in the wrong namespace. Returns
 * fn's value, or a negative errno when the namespace could not be
 * entered. */
int nc_netns_run_in(int fd, int home_fd, int (*fn)(void *data), void *data);

struct nc_fault;

/* Whether fd (a netns path, opened) is a namespace half made: an empty
 * regular file that is not a namespace, what `ip netns add` or
 * nc_netns_create() leave when they die between creating the file and
 * binding the namespace onto it. 1 yes, 0 no (a namespace, or a file
 * that holds something: not ours to touch), or a negative errno. */
int nc_netns_half_made(int fd);

/* Creates a named namespace the way `ip netns add NAME` does: makes
 * /run/netns a shared mount point if needed, creates /run/netns/NAME and
 * bind-mounts a new network namespace onto it. A half-made
 * /run/netns/NAME (nc_netns_half_made()) is finished the same way; any
 * other file there is left as it is: -EEXIST. The calling process stays
 * in home_fd. fault (test builds, NULL = none) counts three requests:
 * making /run/netns shared, creating the file, and the new namespace
 * bound onto it (unshare and mount as one: stopping between them leaves
 * what stopping before the mount does). */
int nc_netns_create(const char *name, int home_fd, struct nc_fault *fault);

/* What a netns value points at, found without blocking (a FIFO is never
 * opened) and without entering it. */
enum nc_netns_kind {
        NC_NETNS_KIND_NETNS,            /* a network namespace: dev and ino say which */
        NC_NETNS_KIND_MISSING,          /* nothing there (or a dangling symlink) */
        NC_NETNS_KIND_EMPTY_FILE,       /* an empty regular file: maybe one half made, as by a crash */
        NC_NETNS_KIND_NOT_NETNS,        /* anything else: a directory, a device, a file with data... */
};

struct nc_netns_identity {
        enum nc_netns_kind kind;
        uint64_t dev, ino;              /* NETNS: the namespace's nsfs inode */
};

/* Looks at a netns value ("" = the current namespace). 0, or a negative
 * errno when it cannot be told (EACCES, ELOOP...). */
int nc_netns_identify(const char *netns, struct nc_netns_identity *ret);
/* The same for an open fd (of a namespace or any file). */
int nc_netns_identify_fd(int fd, struct nc_netns_identity *ret);
