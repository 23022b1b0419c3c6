/* SPDX-License-Identifier: MIT */
#include <getopt.h>

#include "cli/cli.h"

int nc_cmd_show(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { { "snapshot", no_argument, NULL, 's' }, {} };
        int c;

        (void) ctx;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                if (c == '?')
                        return NC_EXIT_ERROR;
        if (nc_cli_expect_args("show", argc, argv, 0) < 0)
                return NC_EXIT_ERROR;
        return nc_cli_not_implemented("show");
}
