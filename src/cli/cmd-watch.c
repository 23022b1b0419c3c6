/* SPDX-License-Identifier: MIT */
#include <getopt.h>

#include "cli/cli.h"

int nc_cmd_watch(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { { "interval", required_argument, NULL, 'i' }, {} };
        unsigned interval = 30;
        int c;

        (void) ctx;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == '?')
                        return NC_EXIT_ERROR;
                if (c == 'i' && nc_cli_parse_seconds("watch", optarg, 86400, &interval) < 0)
                        return NC_EXIT_ERROR;
        }
        if (nc_cli_expect_args("watch", argc, argv, 1) < 0)
                return NC_EXIT_ERROR;
        return nc_cli_not_implemented("watch");
}
