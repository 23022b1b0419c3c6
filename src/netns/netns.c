/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int create_file(const char *path) {
        int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        close(fd);
        return 0;
}

/* A new namespace, bound onto path; the caller returns to its own. */
static int bind_new_namespace(const char *path) {
        int r;

        if (unshare(CLONE_NEWNET) < 0) {
                r = -errno;
                unlink(path);
                return r;
        }
        if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0)
                return -errno;
        return 0;
}

int nc_netns_create(const char *name, int home_fd, struct nc_fault *fault) {
        char path[4096];
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
        /* Until the mount, /run/netns/NAME is an empty file (see
         * docs/crash-safety.md for what the next apply makes of it). */
        r = NC_FAULT_REQUEST(fault, bind_new_namespace(path));
        if (setns(home_fd, CLONE_NEWNET) < 0) {
                fprintf(stderr, "netconverge: cannot return to the host network namespace: %s\n", strerror(errno));
                abort();
        }
        if (r < 0)
                unlink(path);
        return r;
}
