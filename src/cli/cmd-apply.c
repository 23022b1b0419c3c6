/* SPDX-License-Identifier: MIT */
#include <getopt.h>

#include "cli/cli.h"

int nc_cmd_apply(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "dry-run", no_argument, NULL, 'd' },
                { "detailed-exitcode", no_argument, NULL, 'e' },
                { "wait", required_argument, NULL, 'w' },
                {},
        };
        unsigned wait = 10;
        int c;

        (void) ctx;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == '?')
                        return NC_EXIT_ERROR;
                if (c == 'w' && nc_cli_parse_seconds("apply", optarg, 3600, &wait) < 0)
                        return NC_EXIT_ERROR;
        }
        if (nc_cli_expect_args("apply", argc, argv, 1) < 0)
                return NC_EXIT_ERROR;
        return nc_cli_not_implemented("apply");
}
