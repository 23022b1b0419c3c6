/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/escape.h"

/* {"format_version", "command", "file", "valid", "errors"}: the
 * diagnostics are the errors, each with its place. */
static void print_json(const struct nc_ctx *ctx, const char *path, bool valid) {
        struct nc_document doc = nc_cli_document(ctx);
        struct nc_json j;

        nc_json_init(&j, stdout);
        nc_json_document_begin(&j, &doc);
        nc_json_key(&j, "file");
        nc_json_string(&j, path);
        nc_json_key(&j, "valid");
        nc_json_bool(&j, valid);
        nc_json_document_end(&j, &doc);
        nc_cli_document_printed(ctx);
}

int nc_cmd_validate(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { {} };
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        struct nc_diags d;
        int c, r;

        while ((c = nc_cli_getopt(ctx, argc, argv, "", options)) >= 0)
                return NC_EXIT_ERROR;
        if (argc - optind != 1) {
                nc_cli_error(ctx, NC_ERROR_USAGE, "expected one FILE argument");
                return NC_EXIT_ERROR;
        }
        if (nc_diags_init(&d, argv[optind]) < 0) {
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "%s", strerror(ENOMEM));
                return NC_EXIT_ERROR;
        }
        (void) nc_cli_check_file(ctx, argv[optind], false);
        r = nc_config_load_file(argv[optind], &d, &m);
        nc_cli_print_diags(ctx, NC_ERROR_FILE, &d);
        nc_diags_done(&d);
        if (r == -ENOMEM)
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "%s", strerror(ENOMEM));
        if (ctx->format == NC_OUTPUT_JSON)
                print_json(ctx, argv[optind], r >= 0);
        if (r < 0)
                return NC_EXIT_ERROR;
        if (ctx->format == NC_OUTPUT_TEXT && ctx->log_level == NC_LOG_VERBOSE)
                nc_print_model_text(m, stdout);
        else if (ctx->format == NC_OUTPUT_TEXT && ctx->log_level == NC_LOG_NORMAL) {
                nc_escape_fputs(argv[optind], stdout);
                printf(": valid: %zu bridge%s, %zu container%s\n", m->n_bridges, m->n_bridges == 1 ? "" : "s",
                       m->n_containers, m->n_containers == 1 ? "" : "s");
        }
        return NC_EXIT_OK;
}
