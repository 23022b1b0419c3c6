/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "netconverge/netns.h"
#include "util/fault.h"

int nc_netns_path(const char *netns, char *buf, size_t size) {
        int n;

        if (netns[0] == '/')
                n = snprintf(buf, size, "%s", netns);
        else
                n = snprintf(buf, size, NC_NETNS_RUN_DIR "/%s", netns);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int nc_netns_open(const char *netns) {
        char path[4096];
        int fd, r;

        if (!netns[0])
                fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        else {
                r = nc_netns_path(netns, path, sizeof(path));
                if (r < 0)
                        return r;
                fd = open(path, O_RDONLY | O_CLOEXEC);
        }
        return fd < 0 ? -errno : fd;
}

int nc_netns_enter_named(const char *name) {
        int fd = nc_netns_open(name), r = 0;

        if (fd < 0)
                return fd;
        if (setns(fd, CLONE_NEWNET) < 0)
                r = -errno;
        close(fd);
        return r;
}

int nc_netns_run_in(int fd, int home_fd, int (*fn)(void *data), void *data) {
        int r;

        if (setns(fd, CLONE_NEWNET) < 0)
                return -errno;
        r = fn(data);
        if (setns(home_fd, CLONE_NEWNET) < 0) {
                fprintf(stderr, "netconverge: cannot return to the host network namespace: %s\n", strerror(errno));
                abort();
        }
        return r;
}

/* /run/netns must be a shared mount so that namespaces mounted on it are
 * seen from other mount namespaces (what iproute2 does). */
static int make_run_dir_shared(void) {
        if (mkdir(NC_NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (mount("", NC_NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
                return 0;
        if (errno != EINVAL)
                return -errno;
        /* Not a mount point yet: bind it onto itself, then share it. */
        if (mount(NC_NETNS_RUN_DIR, NC_NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
                return -errno;
        if (mount("", NC_NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
                return -errno;
        return 0;
}

/* One rule for "half made", nc_netns_identify_fd()'s EMPTY_FILE. */
int nc_netns_half_made(int fd) {
        struct nc_netns_identity id;
        int r = nc_netns_identify_fd(fd, &id);

        return r < 0 ? r : id.kind == NC_NETNS_KIND_EMPTY_FILE;
}

/* An existing path: may it be finished (half made, so bound over), or is
 * it someone's? -EEXIST for anything but a half-made namespace. Mounting
 * over a file hides it and changes nothing in it, so even a file written
 * after this check loses nothing. */
static int reuse_half_made(const char *path) {
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        int r;

        if (fd < 0)
                return errno == ELOOP ? -EEXIST : -errno;
        r = nc_netns_half_made(fd);
        close(fd);
        return r < 0 ? r : r ? 0 : -EEXIST;
}

/* 1: the empty file made here; 0: a half-made one found, to be finished
 * (an earlier run, or `ip netns add`, died half-way); or -EEXIST. */
static int create_file(const char *path) {
        int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);

        if (fd >= 0) {
                close(fd);
                return 1;
        }
        if (errno != EEXIST)
                return -errno;
        return reuse_half_made(path);
}

/* A new namespace, bound onto path; the caller returns to its own. */
static int bind_new_namespace(const char *path) {
        if (unshare(CLONE_NEWNET) < 0)
                return -errno;
        if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
                return -errno;
        return 0;
}

int nc_netns_create(const char *name, int home_fd, struct nc_fault *fault) {
        char path[4096];
        bool created;
        int r;

        r = nc_netns_path(name, path, sizeof(path));
        if (r < 0)
                return r;
        r = NC_FAULT_REQUEST(fault, make_run_dir_shared());
        if (r < 0)
                return r;
        r = NC_FAULT_REQUEST(fault, create_file(path));
        if (r < 0)
                return r;
        created = r > 0;
        /* Until the mount, /run/netns/NAME is an empty file (see
         * docs/crash-safety.md for what the next apply makes of it). */
        r = NC_FAULT_REQUEST(fault, bind_new_namespace(path));
        if (setns(home_fd, CLONE_NEWNET) < 0) {
                fprintf(stderr, "netconverge: cannot return to the host network namespace: %s\n", strerror(errno));
                abort();
        }
        /* Only a file made here is taken back; a half-made one stays as
         * it was found. */
        if (r < 0 && created)
                unlink(path);
        return r;
}

int nc_netns_identify_fd(int fd, struct nc_netns_identity *ret) {
        struct statfs sfs;
        struct stat st;
        int type;

        if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
                return -errno;
        *ret = (struct nc_netns_identity) { .kind = NC_NETNS_KIND_NOT_NETNS };
        if (sfs.f_type != NSFS_MAGIC) {
                /* What `ip netns add` makes before it binds the namespace
                 * onto it; anything with content is someone's file. */
                if (S_ISREG(st.st_mode) && st.st_size == 0)
                        ret->kind = NC_NETNS_KIND_EMPTY_FILE;
                return 0;
        }
        /* /proc/PID/ns/mnt is nsfs too. */
        type = ioctl(fd, NS_GET_NSTYPE);
        if (type < 0 && errno != ENOTTY && errno != EINVAL)
                return -errno;
        if (type >= 0 && type != CLONE_NEWNET)
                return 0;
        *ret = (struct nc_netns_identity) { .kind = NC_NETNS_KIND_NETNS, .dev = st.st_dev, .ino = st.st_ino };
        return 0;
}

int nc_netns_identify(const char *netns, struct nc_netns_identity *ret) {
        char path[4096];
        struct stat st;
        int fd, r;

        if (!netns[0])
                snprintf(path, sizeof(path), "/proc/self/ns/net");
        else {
                r = nc_netns_path(netns, path, sizeof(path));
                if (r < 0)
                        return r;
        }
        /* stat() first: opening a FIFO would block, a device could do
         * anything. Namespaces are regular files on nsfs. */
        if (stat(path, &st) < 0) {
                if (errno != ENOENT)
                        return -errno;
                *ret = (struct nc_netns_identity) { .kind = NC_NETNS_KIND_MISSING };
                return 0;
        }
        if (!S_ISREG(st.st_mode)) {
                *ret = (struct nc_netns_identity) { .kind = NC_NETNS_KIND_NOT_NETNS };
                return 0;
        }
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
                if (errno != ENOENT)
                        return -errno;
                *ret = (struct nc_netns_identity) { .kind = NC_NETNS_KIND_MISSING };
                return 0;
        }
        r = nc_netns_identify_fd(fd, ret);
        close(fd);
        return r;
}
