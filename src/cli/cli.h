/* SPDX-License-Identifier: MIT */
#pragma once

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

/* "netconverge: COMMAND: message" on stderr. */
__attribute__((format(printf, 2, 3))) void nc_cli_error(const char *command, const char *fmt, ...);

/* Argument helpers (args.c); each reports its own error. */
int nc_cli_parse_seconds(const char *command, const char *s, unsigned max, unsigned *ret);
int nc_cli_expect_args(const char *command, int argc, char **argv, int want);
int nc_cli_not_implemented(const char *command);

/* Prints a load's diagnostics in the context's format. */
void nc_cli_print_diags(const struct nc_ctx *ctx, const struct nc_diags *d);
