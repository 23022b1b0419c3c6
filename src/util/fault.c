/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fault.h"

int nc_fault_parse(const char *spec, struct nc_fault *ret) {
        enum nc_fault_mode mode;
        const char *num;
        char *end;
        unsigned long k;

        *ret = (struct nc_fault) {};
        if (!spec || !spec[0])
                return 0;
        if (strcmp(spec, "count") == 0) {
                ret->mode = NC_FAULT_COUNT;
                return 0;
        }
        if (strncmp(spec, "kill:", 5) == 0)
                mode = NC_FAULT_KILL;
        else if (strncmp(spec, "skip:", 5) == 0)
                mode = NC_FAULT_SKIP;
        else
                return -EINVAL;
        num = spec + 5;
        if (*num < '1' || *num > '9')
                return -EINVAL;
        errno = 0;
        k = strtoul(num, &end, 10);
        if (errno || *end)
                return -EINVAL;
        *ret = (struct nc_fault) { .mode = mode, .k = k };
        return 0;
}

bool nc_fault_skip(struct nc_fault *f) {
        if (!f || f->mode == NC_FAULT_OFF)
                return false;
        f->n++;
        if (f->mode == NC_FAULT_SKIP && f->n == f->k) {
                fprintf(stderr, "nc-fault: request %lu not sent\n", f->n);
                return true;
        }
        return false;
}

int nc_fault_done(struct nc_fault *f, int r) {
        if (f && f->mode == NC_FAULT_KILL && f->n == f->k) {
                /* Unbuffered, and nothing else: the point is to stop here. */
                fprintf(stderr, "nc-fault: killed after request %lu (answer %d)\n", f->n, r);
                kill(getpid(), SIGKILL);
        }
        return r;
}
