/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE     /* open_memstream() */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "netconverge/saved.h"
#include "netconverge/snapshot.h"
#include "util/digest.h"

/* The snapshot is the canonical form of what the planner reads: sorted,
 * without kernel order or ifindexes; so its text has one digest for one
 * state. */
int nc_state_digest(const struct nc_state *s, char **ret_text, char *digest, size_t digest_size) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        int r;

        if (!f)
                return -ENOMEM;
        r = nc_snapshot_write(s, f);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0 || digest_size < NC_DIGEST_STRLEN) {
                free(text);
                return r < 0 ? r : -ENOBUFS;
        }
        nc_digest(text, len, digest);
        *ret_text = text;
        return 0;
}
