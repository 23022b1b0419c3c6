/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/readfile.h"
#include "util/strbuf.h"

static void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

static int cannot_read(struct nc_diags *d, int r) {
        nc_diags_add(d, (struct nc_origin) {}, "", "cannot read the file: %s", strerror(-r));
        return r;
}

int nc_read_file_bounded(const char *path, size_t max, struct nc_diags *d, char **ret, size_t *ret_len) {
        _cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0)
                return cannot_read(d, -errno);
        if (S_ISDIR(st.st_mode))
                return cannot_read(d, -EISDIR);
        for (;;) {
                ssize_t n;

                /* Room for one more read and the NUL. */
                if (nc_grow(&buf, &cap, len + 65536 + 1, 1) < 0)
                        return -ENOMEM;
                n = read(fd, buf + len, cap - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return cannot_read(d, -errno);
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > max) {
                        nc_diags_add(d, (struct nc_origin) {}, "", "the file is larger than the limit of %zu bytes",
                                     max);
                        return -EFBIG;
                }
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}
