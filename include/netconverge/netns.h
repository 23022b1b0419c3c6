/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

/* Network namespaces, switched with setns(CLONE_NEWNET) only (no mount
 * namespace games: that would cost O(namespaces) per switch, and netlink
 * needs none). The process stays single-threaded, so switching is safe.
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

/* Creates a named namespace the way `ip netns add NAME` does: makes
 * /run/netns a shared mount point if needed, creates /run/netns/NAME and
 * bind-mounts a new network namespace onto it. The calling process stays
 * in home_fd. -EEXIST if it already exists. fault (test builds, NULL =
 * none) counts three requests: making /run/netns shared, creating the
 * file, and the new namespace bound onto it (unshare and mount as one:
 * stopping between them leaves what stopping before the mount does). */
int nc_netns_create(const char *name, int home_fd, struct nc_fault *fault);
