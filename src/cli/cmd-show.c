/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "netconverge/netns.h"
#include "netconverge/observe.h"
#include "netconverge/show.h"
#include "netconverge/snapshot.h"
#include "util/cleanup.h"

/* Observation read the first owned table by name; more than one (a file
 * applied under two names at once, by two instances) is said, not hidden:
 * destroy removes them all. */
static void note_other_tables(const struct nc_ctx *ctx, const struct nc_state *s) {
        for (size_t i = 0; i < s->nft.n_tables && ctx->log_level > NC_LOG_QUIET; i++) {
                const struct nc_nft_table *t = &s->nft.tables[i];

                if (t->marked && s->nft.table && strcmp(t->name, s->nft.table) != 0)
                        /* A note, not an error: on stderr in either format. */
                        nc_cli_note(ctx, "netconverge also owns nftables table inet %s, not shown (this shows inet %s)",
                                    t->name, s->nft.table);
        }
}

static int print_show(const struct nc_ctx *ctx, const struct nc_state *s) {
        _cleanup_(nc_show_freep) struct nc_show *sh = NULL;
        int r;

        r = nc_show_build(s, &sh);
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "%s", strerror(-r));
                return NC_EXIT_ERROR;
        }
        if (ctx->format == NC_OUTPUT_JSON) {
                struct nc_document doc = nc_cli_document(ctx);
                struct nc_json j;

                /* JSON has no comments: what was left out goes to stderr
                 * (notes, not errors). */
                for (size_t i = 0; i < sh->n_notes; i++)
                        nc_cli_note(ctx, "%s", sh->notes[i]);
                nc_json_init(&j, stdout);
                nc_json_document_begin(&j, &doc);
                nc_json_model(&j, sh->model);
                nc_json_document_end(&j, &doc);
                nc_cli_document_printed(ctx);
                r = fflush(stdout) == 0 && !ferror(stdout) ? 0 : -EIO;
        } else if (ctx->format == NC_OUTPUT_DOT)
                r = nc_show_print_dot(sh, stdout);
        else
                r = nc_show_print_config(sh, stdout);
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_OUTPUT, "writing the output: %s", strerror(-r));
                return NC_EXIT_ERROR;
        }
        return NC_EXIT_OK;
}

int nc_cmd_show(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "snapshot", no_argument, NULL, 's' },
                {},
        };
        _cleanup_(nc_state_freep) struct nc_state *s = NULL;
        bool snapshot = false;
        char err[512];
        int c, r;

        while ((c = nc_cli_getopt(ctx, argc, argv, "", options)) >= 0) {
                if (c == 's')
                        snapshot = true;
                else
                        return NC_EXIT_ERROR;
        }
        if (nc_cli_expect_args(ctx, argc, argv, 0) < 0)
                return NC_EXIT_ERROR;
        if (snapshot && ctx->format == NC_OUTPUT_DOT) {
                nc_cli_error(ctx, NC_ERROR_USAGE, "-o dot draws the managed topology; --snapshot is the planner's input, not a graph");
                return NC_EXIT_ERROR;
        }
        /* -n: observe from inside that namespace, as `ip -n` does.
         * Entering it again when already there is harmless. */
        if (ctx->netns) {
                r = nc_netns_enter_named(ctx->netns);
                if (r < 0) {
                        nc_cli_error(ctx, NC_ERROR_NETNS, "entering netns %s: %s", ctx->netns, strerror(-r));
                        return NC_EXIT_ERROR;
                }
        }
        r = nc_observe(NULL, &s, err, sizeof(err));
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_OBSERVE, "%s", err[0] ? err : strerror(-r));
                return NC_EXIT_ERROR;
        }
        if (!snapshot) {
                note_other_tables(ctx, s);
                return print_show(ctx, s);
        }
        if (ctx->format == NC_OUTPUT_JSON) {
                struct nc_document doc = nc_cli_document(ctx);

                r = nc_snapshot_write_json(s, &doc, stdout);
                nc_cli_document_printed(ctx);
        } else
                r = nc_snapshot_write(s, stdout);
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_OUTPUT, "writing the snapshot: %s", strerror(-r));
                return NC_EXIT_ERROR;
        }
        return NC_EXIT_OK;
}
