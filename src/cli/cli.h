/* SPDX-License-Identifier: MIT */
#pragma once

#include <getopt.h>

#include "netconverge/netconverge.h"

/* Exit codes (SPEC section 4). Usage errors are 1: 2 means "changes
 * pending" to diff and apply --detailed-exitcode, and scripts test for it. */
enum {
        NC_EXIT_OK = 0,
        NC_EXIT_ERROR = 1,
        NC_EXIT_PENDING = 2,
};

struct nc_command {
        const char *name;
        int (*run)(const struct nc_ctx *ctx, int argc, char **argv);
        const char *synopsis;
        const char *help;               /* one line, for the overview */
        const char *details;            /* what it does and its options, for COMMAND --help */
};

int nc_cmd_validate(const struct nc_ctx *ctx, int argc, char **argv);
int nc_cmd_diff(const struct nc_ctx *ctx, int argc, char **argv);
int nc_cmd_apply(const struct nc_ctx *ctx, int argc, char **argv);
int nc_cmd_show(const struct nc_ctx *ctx, int argc, char **argv);
int nc_cmd_watch(const struct nc_ctx *ctx, int argc, char **argv);
int nc_cmd_destroy(const struct nc_ctx *ctx, int argc, char **argv);

/* One run of the command line (report.c). Text mode prints each error on
 * stderr at once; -o json collects them, and the run prints exactly one
 * JSON document on stdout: the command's own, which ends with the errors,
 * or, when the command never got to print one, an error document
 * (docs/json.md). */
struct nc_run {
        const char *command;            /* NULL until main has found it */
        struct nc_errors errors;
        bool printed;                   /* the run's JSON document is out */
};

/* Text: "netconverge: COMMAND: message" on stderr. JSON: one entry of the
 * document's "errors". */
__attribute__((format(printf, 3, 4))) void nc_cli_error(const struct nc_ctx *ctx, enum nc_error_kind kind,
                                                        const char *fmt, ...);
/* A note or a warning, not an error: "netconverge: COMMAND: message" on
 * stderr in either format (a JSON document has no list for them), not
 * with -q. */
__attribute__((format(printf, 2, 3))) void nc_cli_note(const struct nc_ctx *ctx, const char *fmt, ...);
/* A load's diagnostics: text on stderr, JSON as errors of kind (FILE or
 * SNAPSHOT) with their places. */
void nc_cli_print_diags(const struct nc_ctx *ctx, enum nc_error_kind kind, const struct nc_diags *d);
/* The frame of the run's JSON document; printing one calls
 * nc_cli_document_printed(). */
struct nc_document nc_cli_document(const struct nc_ctx *ctx);
void nc_cli_document_printed(const struct nc_ctx *ctx);
/* At the end of main: with -o json and no document printed yet, the error
 * document. Returns code. */
int nc_cli_finish(const struct nc_ctx *ctx, int code);
/* getopt_long() for a command's options: a bad option is an error of kind
 * usage, reported by nc_cli_error() (escaped in text, in the document
 * under -o json), never by getopt itself. */
int nc_cli_getopt(const struct nc_ctx *ctx, int argc, char **argv, const char *shortopts,
                  const struct option *longopts);

/* SPEC 7.6: the file drives root actions. With refuse (apply, watch) a
 * file that someone other than root or the user running netconverge could
 * change is an error naming the path, the owner and the mode, -EPERM;
 * else (validate, diff) the same is a warning and 0. What cannot be
 * examined is left to the read that follows (0). */
int nc_cli_check_file(const struct nc_ctx *ctx, const char *path, bool refuse);

/* Argument helpers (args.c); each reports its own error. */
int nc_cli_parse_seconds(const struct nc_ctx *ctx, const char *s, unsigned max, unsigned *ret);
int nc_cli_expect_args(const struct nc_ctx *ctx, int argc, char **argv, int want);
