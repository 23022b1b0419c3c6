/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/escape.h"
#include "util/strbuf.h"

/* How every command reports (see struct nc_run): text as it always was,
 * JSON into the one document the run prints. */

void nc_cli_error(const struct nc_ctx *ctx, enum nc_error_kind kind, const char *fmt, ...) {
        const char *command = ctx->run ? ctx->run->command : NULL;
        struct nc_strbuf message = {};
        va_list ap;

        va_start(ap, fmt);
        nc_strbuf_vprintf(&message, fmt, ap);
        va_end(ap);
        /* Once the document is out, nothing can join it: stderr, as text,
         * escaped (names, keys and the kernel's extack text may hold any
         * bytes; util/escape.h). JSON escapes in its writer. */
        if (ctx->format != NC_OUTPUT_JSON || !ctx->run || ctx->run->printed) {
                fprintf(stderr, "netconverge: %s%s", command ? command : "", command ? ": " : "");
                nc_escape_fputs(message.oom || !message.s ? "(out of memory)" : message.s, stderr);
                fputc('\n', stderr);
                nc_strbuf_done(&message);
                return;
        }
        if (message.oom || !message.s)
                ctx->run->errors.oom = true;
        else
                nc_errors_add(&ctx->run->errors, kind, message.s);
        nc_strbuf_done(&message);
}

void nc_cli_note(const struct nc_ctx *ctx, const char *fmt, ...) {
        const char *command = ctx->run ? ctx->run->command : NULL;
        struct nc_strbuf message = {};
        va_list ap;

        if (ctx->log_level == NC_LOG_QUIET)
                return;
        va_start(ap, fmt);
        nc_strbuf_vprintf(&message, fmt, ap);
        va_end(ap);
        fprintf(stderr, "netconverge: %s%s", command ? command : "", command ? ": " : "");
        nc_escape_fputs(message.oom || !message.s ? "(out of memory)" : message.s, stderr);
        fputc('\n', stderr);
        nc_strbuf_done(&message);
}

void nc_cli_print_diags(const struct nc_ctx *ctx, enum nc_error_kind kind, const struct nc_diags *d) {
        if (ctx->format == NC_OUTPUT_JSON && ctx->run)
                nc_errors_add_diags(&ctx->run->errors, kind, d);
        else
                nc_print_diags_text(d, stderr);
}

struct nc_document nc_cli_document(const struct nc_ctx *ctx) {
        if (!ctx->run)
                return (struct nc_document) {};
        return (struct nc_document) { .command = ctx->run->command, .errors = &ctx->run->errors };
}

void nc_cli_document_printed(const struct nc_ctx *ctx) {
        if (ctx->run)
                ctx->run->printed = true;
        fflush(stdout);
}

int nc_cli_finish(const struct nc_ctx *ctx, int code) {
        struct nc_document doc = nc_cli_document(ctx);

        if (ctx->format == NC_OUTPUT_JSON && ctx->run && !ctx->run->printed) {
                nc_print_error_document(&doc, stdout);
                nc_cli_document_printed(ctx);
        }
        return code;
}

static bool is_known_option(int c, const char *shortopts, const struct option *longopts) {
        if (c == 0)
                return false;
        if (c != ':' && strchr(shortopts, c))
                return true;
        for (const struct option *o = longopts; o && o->name; o++)
                if (o->val == c)
                        return true;
        return false;
}

int nc_cli_getopt(const struct nc_ctx *ctx, int argc, char **argv, const char *shortopts,
                  const struct option *longopts) {
        int c;

        /* Never getopt's own messages: they copy the word raw (a terminal
         * escape in an option), and JSON needs them as errors. */
        opterr = 0;
        c = getopt_long(argc, argv, shortopts, longopts, NULL);
        if (c == '?') {
                /* getopt has moved past the word it could not take. */
                const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

                if (is_known_option(optopt, shortopts, longopts))
                        nc_cli_error(ctx, NC_ERROR_USAGE, "option '%s' requires an argument", word);
                else if (optopt && optopt != '?')
                        nc_cli_error(ctx, NC_ERROR_USAGE, "unknown option '-%c'", optopt);
                else
                        nc_cli_error(ctx, NC_ERROR_USAGE, "unknown option '%s'", word);
        }
        return c;
}
