/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/rundir.h"
#include "watch/watch.h"

/* A running watch advertises itself, so that `apply` and `destroy` of
 * another file on the same network namespace can refuse instead of being
 * silently undone by it a moment later.
 *
 * The advertisement is /run/netconverge/watch-INODE, INODE being the
 * network namespace's (as for the run lock, lock-INODE, in apply/lock.c):
 * whichever way a namespace is reached (as the current one, through -n, or
 * `ip netns exec`), its runs find the same file. It holds two lines: the
 * watcher's pid, and the absolute path of the file it keeps in force.
 *
 * Liveness is a lock, not the pid: the watcher holds an exclusive flock()
 * on the file for as long as it runs, and the kernel drops that lock when
 * the process ends, however it ends. A file nobody holds locked is stale
 * (a watch killed with SIGKILL, or a pid reused by something else) and is
 * ignored, and replaced by the next watch. The file is written under a
 * temporary name, locked before it gets its real one (rename), so that a
 * reader never sees it half-written or unlocked while its watcher lives.
 *
 * The run lock orders these steps: a watch creates its file holding the
 * run lock, apply and destroy look for it holding the run lock. So either
 * the apply sees the watch, or the watch starts after the apply is done. */

#define ADVERT_MAX_BYTES 8192

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
        va_list ap;

        if (!err || errlen == 0)
                return;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
}

static int take_fd(int *fd) {
        int r = *fd;

        *fd = -1;
        return r;
}

/* The directory, if it may be trusted (util/rundir.h): anyone else able
 * to write there could plant a file that blocks every apply, or swap
 * ours. -ENOENT when it does not exist and create is false. */
static int open_dir(bool create, char *err, size_t errlen) {
        struct stat st;
        int fd = nc_rundir_open(create, &st);

        if (fd >= 0 || (fd == -ENOENT && !create))
                return fd;
        if (fd == -ELOOP)
                set_err(err, errlen, "%s is a symbolic link or not a directory; refusing it", NC_RUN_DIR);
        else if (fd == -EPERM)
                set_err(err, errlen, "%s (owner uid %u, mode %04o) is writable by others than root; refusing it",
                        NC_RUN_DIR, (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777));
        else
                set_err(err, errlen, "cannot open %s: %s", NC_RUN_DIR, strerror(-fd));
        return fd;
}

void nc_watch_holder_done(struct nc_watch_holder *h) {
        free(h->path);
        *h = (struct nc_watch_holder) {};
}

/* "PID\nPATH\n" -> h. The path is everything after the first line but its
 * final newline, whatever bytes it holds. */
int nc_watch_advert_parse(char *text, size_t len, struct nc_watch_holder *ret) {
        char *nl = memchr(text, '\n', len), *end;
        long pid;

        if (!nl || len == 0 || text[len - 1] != '\n')
                return -EBADMSG;
        *nl = '\0';
        text[len - 1] = '\0';
        pid = strtol(text, &end, 10);
        if (end == text || *end != '\0' || pid <= 0 || nl + 1 >= text + len - 1 || nl[1] != '/')
                return -EBADMSG;
        ret->pid = (pid_t) pid;
        ret->path = strdup(nl + 1);
        return ret->path ? 0 : -ENOMEM;
}

/* 1 and *ret when a live watch holds the advertisement name in dirfd; 0
 * when there is none, or only a stale one. */
static int read_holder(int dirfd, const char *name, struct nc_watch_holder *ret, char *err, size_t errlen) {
        _cleanup_close_ int fd = -1;
        char text[ADVERT_MAX_BYTES + 1];
        struct stat st;
        size_t len = 0;
        int r;

        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return 0;
        if (fd < 0 || fstat(fd, &st) < 0) {
                r = -errno;
                set_err(err, errlen, "%s/%s: %s", NC_RUN_DIR, name, strerror(-r));
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                set_err(err, errlen, "%s/%s is not a regular file", NC_RUN_DIR, name);
                return -EINVAL;
        }
        /* Locked by nobody: its watcher is gone. */
        if (flock(fd, LOCK_SH | LOCK_NB) == 0)
                return 0;
        if (errno != EWOULDBLOCK) {
                r = -errno;
                set_err(err, errlen, "%s/%s: %s", NC_RUN_DIR, name, strerror(-r));
                return r;
        }
        while (len < ADVERT_MAX_BYTES) {
                ssize_t n = read(fd, text + len, ADVERT_MAX_BYTES - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        set_err(err, errlen, "%s/%s: %s", NC_RUN_DIR, name, strerror(-r));
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        r = nc_watch_advert_parse(text, len, ret);
        if (r < 0) {
                set_err(err, errlen, "%s/%s: %s", NC_RUN_DIR, name,
                        r == -ENOMEM ? strerror(ENOMEM) : "not a watch's advertisement (pid and file)");
                return r;
        }
        return 1;
}

int nc_watch_advert_find(struct nc_watch_holder *ret, char *err, size_t errlen) {
        _cleanup_close_ int dirfd = -1;
        char name[64];
        int r;

        r = nc_rundir_name("watch", name, sizeof(name));
        if (r < 0) {
                set_err(err, errlen, "/proc/self/ns/net: %s", strerror(-r));
                return r;
        }
        dirfd = open_dir(false, err, errlen);
        if (dirfd == -ENOENT)
                return 0;
        if (dirfd < 0)
                return dirfd;
        return read_holder(dirfd, name, ret, err, errlen);
}

int nc_watch_advert_take(struct nc_watch_advert *a, const char *path, struct nc_watch_holder *ret_other, char *err,
                         size_t errlen) {
        _cleanup_close_ int dirfd = -1, fd = -1;
        char tmp[96];
        int r;

        r = nc_rundir_name("watch", a->name, sizeof(a->name));
        if (r < 0) {
                set_err(err, errlen, "/proc/self/ns/net: %s", strerror(-r));
                return r;
        }
        dirfd = open_dir(true, err, errlen);
        if (dirfd < 0)
                return dirfd;
        r = read_holder(dirfd, a->name, ret_other, err, errlen);
        if (r < 0)
                return r;
        if (r > 0)
                return -EBUSY;

        /* The pid makes the temporary name ours; one left by an earlier
         * process of the same pid is garbage. */
        snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", a->name, (long) getpid());
        (void) unlinkat(dirfd, tmp, 0);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
                r = -errno;
                set_err(err, errlen, "%s/%s: %s", NC_RUN_DIR, tmp, strerror(-r));
                return r;
        }
        /* Locked before it has its name: readers never see it unlocked. A
         * fresh file nobody else has opened cannot be locked by anyone. */
        if (fchmod(fd, 0644) < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 ||
            dprintf(fd, "%ld\n%s\n", (long) getpid(), path) < 0 || renameat(dirfd, tmp, dirfd, a->name) < 0) {
                r = -errno;
                set_err(err, errlen, "%s/%s: %s", NC_RUN_DIR, a->name, strerror(-r));
                (void) unlinkat(dirfd, tmp, 0);
                return r;
        }
        a->dirfd = take_fd(&dirfd);
        a->fd = take_fd(&fd);
        return 0;
}

void nc_watch_advert_drop(struct nc_watch_advert *a) {
        struct stat ours, named;

        if (a->fd < 0)
                return;
        /* Only if the name is still ours (nobody can have replaced it while
         * we hold the lock, but a person may have removed it by hand). */
        if (fstat(a->fd, &ours) == 0 && fstatat(a->dirfd, a->name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            ours.st_dev == named.st_dev && ours.st_ino == named.st_ino)
                (void) unlinkat(a->dirfd, a->name, 0);
        close(a->fd);
        close(a->dirfd);
        a->fd = a->dirfd = -1;
}
