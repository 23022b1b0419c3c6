/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "apply/applier.h"
#include "netconverge/plan.h"

/* /proc/sys/net is per network namespace, resolved when the file is
 * opened: the process is in the host namespace here, so these are its. */

static int write_value(int fd, const char *buf, int n) {
        ssize_t w = write(fd, buf, (size_t) n);

        if (w == n)
                return 0;
        return w < 0 ? -errno : -EIO;
}

int nc_apply_sysctl(struct nc_applier *ap, const struct nc_action *a) {
        char buf[16], path[NC_SYSCTL_PATH_MAX];
        int fd, n, r;

        n = snprintf(buf, sizeof(buf), "%d\n", a->sysctl.want);
        if (n < 0 || (size_t) n >= sizeof(buf))
                return -EINVAL;
        r = nc_sysctl_path(a->sysctl.which, path);
        if (r < 0)
                return r;
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* The write is the request; opening the file changes nothing. */
        r = NC_FAULT_REQUEST(ap->fault, write_value(fd, buf, n));
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}
