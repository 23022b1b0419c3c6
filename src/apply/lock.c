/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netconverge/apply.h"

/* One lock per network namespace, named by the namespace's inode: two
 * runs on the same host namespace (whether reached as the current one or
 * through -n) exclude each other, runs on different ones do not. flock()
 * locks go away with the process, so a crashed run never leaves a stale
 * lock behind. */
#define LOCK_DIR "/run/netconverge"
#define LOCK_POLL_NS (50 * 1000 * 1000L)

static int lock_path(char *buf, size_t size) {
        struct stat st;
        int n;

        if (stat("/proc/self/ns/net", &st) < 0)
                return -errno;
        n = snprintf(buf, size, LOCK_DIR "/lock-%llu", (unsigned long long) st.st_ino);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
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

        r = lock_path(path, sizeof(path));
        if (r < 0)
                return r;
        if (mkdir(LOCK_DIR, 0755) < 0 && errno != EEXIST)
                return -errno;
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
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
