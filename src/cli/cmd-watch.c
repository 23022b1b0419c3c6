/* SPDX-License-Identifier: MIT */
#include <getopt.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "netconverge/watch.h"

int nc_cmd_watch(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { { "interval", required_argument, NULL, 'i' }, {} };
        struct nc_watch_opts o = { .interval = 30 };
        int c;

        while ((c = nc_cli_getopt(ctx, argc, argv, "", options)) >= 0) {
                if (c == '?')
                        return NC_EXIT_ERROR;
                if (c == 'i' && nc_cli_parse_seconds(ctx, optarg, 86400, &o.interval) < 0)
                        return NC_EXIT_ERROR;
        }
        if (nc_cli_expect_args(ctx, argc, argv, 1) < 0)
                return NC_EXIT_ERROR;
        /* Once, for the whole run: every socket the watcher opens (the
         * netlink monitors included) is then in this namespace. */
        if (nc_cli_enter_netns(ctx) < 0)
                return NC_EXIT_ERROR;
        /* SIGTERM and SIGINT end it with 0 and leave the kernel as it is. */
        return nc_watch_run(ctx, argv[optind], &o) < 0 ? NC_EXIT_ERROR : NC_EXIT_OK;
}
