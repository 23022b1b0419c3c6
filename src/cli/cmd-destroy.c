/* SPDX-License-Identifier: MIT */
#include <getopt.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "util/cleanup.h"

/* Everything netconverge owns here goes: what applying a file with no
 * bridges and no containers does. Namespaces are the containers' and stay. */
int nc_cmd_destroy(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "dry-run", no_argument, NULL, 'd' },
                { "force", no_argument, NULL, 'f' },
                {},
        };
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        struct nc_converge_opts o = { .wait_seconds = 0 };
        int c;

        while ((c = nc_cli_getopt(ctx, argc, argv, "", options)) >= 0) {
                if (c == 'd')
                        o.dry_run = true;
                else if (c == 'f')
                        o.force = true;
                else
                        return NC_EXIT_ERROR;
        }
        if (nc_cli_expect_args(ctx, argc, argv, 0) < 0)
                return NC_EXIT_ERROR;
        m = nc_cli_empty_model();
        if (!m) {
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "out of memory");
                return NC_EXIT_ERROR;
        }
        return nc_cli_converge(ctx, m, &o);
}
