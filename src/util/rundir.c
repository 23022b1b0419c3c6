/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "util/rundir.h"
#include "util/trust.h"

int nc_rundir_open(bool create, struct stat *ret_st) {
        struct stat st;
        bool made = false;
        int fd, r;

        if (create) {
                if (mkdir(NC_RUN_DIR, 0755) == 0)
                        made = true;
                else if (errno != EEXIST)
                        return -errno;
        }
        fd = open(NC_RUN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOTDIR ? -ELOOP : -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        /* 0755 whatever the umask: readers of an advertisement need not be root. */
        if (made && (st.st_mode & 07777) != 0755 && fchmod(fd, 0755) == 0)
                st.st_mode = (st.st_mode & ~07777U) | 0755;
        if (!nc_trust_owner(st.st_uid, geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
                if (ret_st)
                        *ret_st = st;
                close(fd);
                return -EPERM;
        }
        return fd;
}

int nc_rundir_name(const char *prefix, char *buf, size_t size) {
        struct stat st;
        int n;

        if (stat("/proc/self/ns/net", &st) < 0)
                return -errno;
        n = snprintf(buf, size, "%s-%llu", prefix, (unsigned long long) st.st_ino);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}
