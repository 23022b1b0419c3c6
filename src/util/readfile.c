/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/readfile.h"
#include "util/strbuf.h"

static int cannot_read(struct nc_diags *d, int r) {
        nc_diags_add(d, (struct nc_origin) {}, "", "cannot read the file: %s", strerror(-r));
        return r;
}

int nc_read_file_bounded(const char *path, size_t max, struct nc_diags *d, char **ret, size_t *ret_len) {
        /* O_NONBLOCK: opening a FIFO would otherwise wait for a writer,
         * forever (validate, apply and watch hung on one). */
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0)
                return cannot_read(d, -errno);
        if (S_ISDIR(st.st_mode))
                return cannot_read(d, -EISDIR);
        if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
                nc_diags_add(d, (struct nc_origin) {}, "", "cannot read the file: it is a %s, not a regular file",
                             S_ISFIFO(st.st_mode) ? "FIFO" : "socket");
                return -EINVAL;
        }
        /* Devices such as /dev/null (an empty snapshot) are read as before. */
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
                return cannot_read(d, -errno);
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
