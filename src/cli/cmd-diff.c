/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "util/cleanup.h"

int nc_cmd_diff(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "observed", required_argument, NULL, 'O' },
                { "out", required_argument, NULL, 'o' },
                {},
        };
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        _cleanup_(nc_state_freep) struct nc_state *observed = NULL;
        _cleanup_(nc_plan_freep) struct nc_plan *plan = NULL;
        _cleanup_free_ char *content = NULL;
        const char *snapshot = NULL, *out = NULL;
        size_t len = 0;
        int c, r;

        while ((c = nc_cli_getopt(ctx, argc, argv, "", options)) >= 0) {
                if (c == '?')
                        return NC_EXIT_ERROR;
                if (c == 'O')
                        snapshot = optarg;
                if (c == 'o')
                        out = optarg;
        }
        if (nc_cli_expect_args(ctx, argc, argv, 1) < 0)
                return NC_EXIT_ERROR;
        if (nc_cli_check_file(ctx, argv[optind], false) < 0)
                return NC_EXIT_ERROR;
        /* A saved plan carries the very bytes it was planned from. */
        if (out ? nc_cli_load_model_bytes(ctx, argv[optind], &content, &len, &m) < 0
                : nc_cli_load_model(ctx, argv[optind], &m) < 0)
                return NC_EXIT_ERROR;
        /* A snapshot needs no root and no kernel: -n does not apply. */
        if (snapshot) {
                if (nc_cli_read_snapshot(ctx, snapshot, &observed) < 0)
                        return NC_EXIT_ERROR;
        } else if (nc_cli_enter_netns(ctx) < 0 || nc_cli_observe(ctx, m, NULL, &observed) < 0) {
                return NC_EXIT_ERROR;
        }
        r = nc_cli_plan(ctx, m, observed, &plan);
        /* With conflicts the JSON document still lists the plan. */
        if (r == -EEXIST && ctx->format == NC_OUTPUT_JSON)
                nc_cli_print_plan(ctx, plan);
        if (r < 0 || nc_cli_print_plan(ctx, plan) < 0)
                return NC_EXIT_ERROR;
        /* A container's own conflict is an error, with the plan printed
         * (and not saved: apply would refuse it). */
        if (plan->n_container_conflicts > 0)
                return NC_EXIT_ERROR;
        if (out && nc_cli_save_plan(ctx, out, argv[optind], content, len, observed, plan) < 0)
                return NC_EXIT_ERROR;
        return plan->n_actions > 0 ? NC_EXIT_PENDING : NC_EXIT_OK;
}
