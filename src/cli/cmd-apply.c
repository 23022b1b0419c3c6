/* SPDX-License-Identifier: MIT */
#include <getopt.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "netconverge/saved.h"
#include "util/cleanup.h"

int nc_cmd_apply(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "dry-run", no_argument, NULL, 'd' },
                { "detailed-exitcode", no_argument, NULL, 'e' },
                { "wait", required_argument, NULL, 'w' },
                { "force", no_argument, NULL, 'f' },
                { "no-disrupt", no_argument, NULL, 'D' },
                { "plan", required_argument, NULL, 'p' },
                {},
        };
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        _cleanup_(nc_saved_plan_done) struct nc_saved_plan saved = {};
        struct nc_converge_opts o = { .wait_seconds = 10 };
        const char *plan = NULL;
        int c;

        while ((c = nc_cli_getopt(ctx, argc, argv, "", options)) >= 0) {
                switch (c) {
                case 'd':
                        o.dry_run = true;
                        break;
                case 'e':
                        o.detailed_exitcode = true;
                        break;
                case 'f':
                        o.force = true;
                        break;
                case 'D':
                        o.no_disrupt = true;
                        break;
                case 'p':
                        plan = optarg;
                        break;
                case 'w':
                        if (nc_cli_parse_seconds(ctx, optarg, 3600, &o.wait_seconds) < 0)
                                return NC_EXIT_ERROR;
                        break;
                default:
                        return NC_EXIT_ERROR;
                }
        }
        if (plan) {
                /* The plan carries its file: no FILE. */
                if (nc_cli_expect_args(ctx, argc, argv, 0) < 0 || nc_cli_load_saved_plan(ctx, plan, &saved, &m) < 0)
                        return NC_EXIT_ERROR;
                o.file = saved.file;
                o.saved = &saved;
                return nc_cli_converge(ctx, m, &o);
        }
        if (nc_cli_expect_args(ctx, argc, argv, 1) < 0)
                return NC_EXIT_ERROR;
        /* SPEC 7.6, before anything is read: even --dry-run. */
        if (nc_cli_check_file(ctx, argv[optind], true) < 0)
                return NC_EXIT_ERROR;
        if (nc_cli_load_model(ctx, argv[optind], &m) < 0)
                return NC_EXIT_ERROR;
        o.file = argv[optind];
        return nc_cli_converge(ctx, m, &o);
}
