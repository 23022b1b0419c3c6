/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/stages.h"
#include "netconverge/config.h"
#include "util/cleanup.h"
#include "util/readfile.h"

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
        r = nc_ydoc_parse(buf, len, NC_CONFIG_MAX_NODES, d, &doc);
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

        r = nc_read_file_bounded(path, NC_CONFIG_MAX_BYTES, d, &buf, &len);
        if (r < 0)
                return r;
        return nc_config_load_buffer(buf, len, d, ret);
}
