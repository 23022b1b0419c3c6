/* SPDX-License-Identifier: MIT */
#include <getopt.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "util/cleanup.h"

int nc_cmd_diff(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { { "observed", required_argument, NULL, 'O' }, {} };
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        _cleanup_(nc_state_freep) struct nc_state *observed = NULL;
        _cleanup_(nc_plan_freep) struct nc_plan *plan = NULL;
        const char *snapshot = NULL;
        int c;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == '?')
                        return NC_EXIT_ERROR;
                if (c == 'O')
                        snapshot = optarg;
        }
        if (nc_cli_expect_args("diff", argc, argv, 1) < 0)
                return NC_EXIT_ERROR;
        if (nc_cli_load_model(ctx, argv[optind], &m) < 0)
                return NC_EXIT_ERROR;
        /* A snapshot needs no root and no kernel: -n does not apply. */
        if (snapshot) {
                if (nc_cli_read_snapshot(ctx, snapshot, &observed) < 0)
                        return NC_EXIT_ERROR;
        } else if (nc_cli_enter_netns(ctx, "diff") < 0 || nc_cli_observe("diff", m, NULL, &observed) < 0) {
                return NC_EXIT_ERROR;
        }
        if (nc_cli_plan(ctx, "diff", m, observed, &plan) < 0 || nc_cli_print_plan(ctx, plan) < 0)
                return NC_EXIT_ERROR;
        return plan->n_actions > 0 ? NC_EXIT_PENDING : NC_EXIT_OK;
}
