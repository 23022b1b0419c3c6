/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/stages.h"
#include "netconverge/config.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

static void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

/* Reads at most NC_CONFIG_MAX_BYTES + 1 bytes whatever the file claims to
 * be, so /dev/zero or a growing pipe cannot run away. */
static int read_bounded(const char *path, struct nc_diags *d, char **ret, size_t *ret_len) {
        _cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0) {
                int r = -errno;

                nc_diags_add(d, (struct nc_origin) {}, "", "cannot read the file: %s", strerror(-r));
                return r;
        }
        if (S_ISDIR(st.st_mode)) {
                nc_diags_add(d, (struct nc_origin) {}, "", "cannot read the file: %s", strerror(EISDIR));
                return -EISDIR;
        }
        for (;;) {
                ssize_t n;

                if (nc_grow(&buf, &cap, len + 65536, 1) < 0)
                        return -ENOMEM;
                n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;

                        nc_diags_add(d, (struct nc_origin) {}, "", "cannot read the file: %s", strerror(-r));
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > NC_CONFIG_MAX_BYTES) {
                        nc_diags_add(d, (struct nc_origin) {}, "", "the file is larger than the limit of %u bytes",
                                     NC_CONFIG_MAX_BYTES);
                        return -EFBIG;
                }
        }
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

static bool has_errors(const struct nc_diags *d) {
        return d->n > 0 || d->oom;
}

int nc_config_load_buffer(const char *buf, size_t len, struct nc_diags *d, struct nc_model **ret) {
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        struct nc_ydoc doc;
        int r;

        if (len > NC_CONFIG_MAX_BYTES) {
                nc_diags_add(d, (struct nc_origin) {}, "", "the file is larger than the limit of %u bytes",
                             NC_CONFIG_MAX_BYTES);
                return -EFBIG;
        }
        m = nc_model_new();
        if (!m)
                return -ENOMEM;
        r = nc_ydoc_parse(buf, len, d, &doc);
        if (r >= 0)
                r = nc_schema_read(&doc, d, m);
        nc_ydoc_done(&doc);
        if (r < 0)
                return r;

        nc_model_sort(m);
        r = nc_config_fill_defaults(m);
        if (r < 0)
                return r;
        r = nc_config_validate(m, d);
        if (r < 0)
                return r;
        /* Allocation copes with bad explicit addresses (they only block
         * what they name), so a full subnet is reported with the rest. */
        r = nc_config_allocate(m, d);
        if (r < 0)
                return r;
        /* Derived MACs follow the addresses: compare them only when every
         * address is right, else one mistake would echo as a MAC clash. */
        r = nc_config_validate_macs(m, !has_errors(d), d);
        if (r < 0)
                return r;
        nc_diags_sort(d);
        if (d->oom)
                return -ENOMEM;
        if (d->n > 0)
                return -EINVAL;
        *ret = TAKE_PTR(m);
        return 0;
}

int nc_config_load_file(const char *path, struct nc_diags *d, struct nc_model **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r;

        r = read_bounded(path, d, &buf, &len);
        if (r < 0)
                return r;
        return nc_config_load_buffer(buf, len, d, ret);
}
