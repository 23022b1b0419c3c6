/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Where runs meet: the run lock (apply/lock.c) and a watch's
 * advertisement (watch/advert.c), one of each per network namespace. */
#define NC_RUN_DIR "/run/netconverge"

/* Opens NC_RUN_DIR (made 0755 first when create), only if it may be
 * trusted: a real directory, not a symlink to one, owned by root or the
 * user, writable by its owner only; anyone else able to write there could
 * swap the lock or plant an advertisement. Returns the fd, or -ENOENT
 * (missing, !create), -ELOOP (a symlink or not a directory), -EPERM
 * (untrusted: *ret_st says owner and mode), another -errno. */
int nc_rundir_open(bool create, struct stat *ret_st);

/* "PREFIX-INODE", INODE the current network namespace's: whichever way a
 * namespace is reached (current, -n, ip netns exec), its runs find the
 * same name. */
int nc_rundir_name(const char *prefix, char *buf, size_t size);
