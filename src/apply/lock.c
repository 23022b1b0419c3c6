/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netconverge/apply.h"
#include "util/cleanup.h"
#include "util/rundir.h"
#include "util/trust.h"

/* One lock per network namespace, named by the namespace's inode: two
 * runs on the same host namespace (whether reached as the current one or
 * through -n) exclude each other, runs on different ones do not. flock()
 * locks go away with the process, so a crashed run never leaves a stale
 * lock behind. */
#define LOCK_POLL_NS (50 * 1000 * 1000L)

int nc_lock_path(char *buf, size_t size) {
        char name[64];
        int n, r = nc_rundir_name("lock", name, sizeof(name));

        if (r < 0)
                return r;
        n = snprintf(buf, size, NC_RUN_DIR "/%s", name);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* The lock cannot be redirected: whatever sits at its path, nothing is
 * followed, created or truncated elsewhere. The directory is opened
 * without following a link and must be ours and not writable by others
 * (else someone could swap the file under us); the file is created in it
 * with O_NOFOLLOW (a planted symlink gives ELOOP), never truncated, and
 * O_NONBLOCK (a FIFO would otherwise block open()); what was opened must
 * be one regular file of root or the user, with no second name. */
static int lock_open(const char *path) {
        _cleanup_close_ int dir = -1;
        const char *name = strrchr(path, '/') + 1;
        struct stat st;
        int fd, r;

        dir = nc_rundir_open(true, NULL);
        if (dir < 0)
                return dir == -ELOOP ? -ENOTDIR : dir;
        fd = openat(dir, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else if (!S_ISREG(st.st_mode))
                r = -EINVAL;
        else if (st.st_nlink != 1)
                r = -EMLINK;
        else if (!nc_trust_owner(st.st_uid, geteuid()))
                r = -EACCES;
        else
                return fd;
        close(fd);
        return r;
}

const char *nc_lock_strerror(int r) {
        switch (r) {
        case -ELOOP:
                return "it is a symbolic link; refusing to follow it";
        case -EISDIR:
                return "it is a directory, not a regular file; refusing";
        case -EINVAL:
                return "it is not a regular file (a FIFO, a socket or a device); refusing";
        case -EMLINK:
                return "it has another name (a hard link); refusing";
        case -EACCES:
                return "it is owned by another user; refusing";
        case -ENOTDIR:
                return NC_RUN_DIR " is a symbolic link or not a directory; refusing it";
        case -EPERM:
                return NC_RUN_DIR " is owned by another user or writable by others; refusing";
        default:
                return strerror(-r);
        }
}

static int64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int nc_lock_acquire(unsigned timeout_seconds) {
        const int64_t deadline = now_ns() + (int64_t) timeout_seconds * 1000000000;
        char path[64];
        int fd, r;

        r = nc_lock_path(path, sizeof(path));
        if (r < 0)
                return r;
        fd = lock_open(path);
        if (fd < 0)
                return fd;
        for (;;) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        return fd;
                if (errno != EWOULDBLOCK && errno != EINTR) {
                        r = -errno;
                        break;
                }
                if (now_ns() >= deadline) {
                        r = -ETIMEDOUT;
                        break;
                }
                nanosleep(&(struct timespec) { .tv_nsec = LOCK_POLL_NS }, NULL);
        }
        close(fd);
        return r;
}
