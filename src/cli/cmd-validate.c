/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "util/cleanup.h"

int nc_cmd_validate(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { {} };
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        struct nc_diags d;
        int c, r;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                return NC_EXIT_ERROR;
        if (argc - optind != 1) {
                nc_cli_error("validate", "expected one FILE argument");
                return NC_EXIT_ERROR;
        }
        if (nc_diags_init(&d, argv[optind]) < 0) {
                nc_cli_error("validate", "%s", strerror(ENOMEM));
                return NC_EXIT_ERROR;
        }
        r = nc_config_load_file(argv[optind], &d, &m);
        nc_cli_print_diags(ctx, &d);
        nc_diags_done(&d);
        if (r < 0) {
                if (r == -ENOMEM)
                        nc_cli_error("validate", "%s", strerror(ENOMEM));
                return NC_EXIT_ERROR;
        }
        if (ctx->format == NC_OUTPUT_TEXT && ctx->log_level == NC_LOG_VERBOSE)
                nc_print_model_text(m, stdout);
        else if (ctx->format == NC_OUTPUT_TEXT && ctx->log_level == NC_LOG_NORMAL)
                printf("%s: valid: %zu bridge%s, %zu container%s\n", argv[optind], m->n_bridges,
                       m->n_bridges == 1 ? "" : "s", m->n_containers, m->n_containers == 1 ? "" : "s");
        return NC_EXIT_OK;
}
