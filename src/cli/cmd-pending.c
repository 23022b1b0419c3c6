/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Commands whose work lands with later issues: their arguments are parsed
 * and checked now, so scripts get the final interface, and they say
 * plainly that they do not work yet. */

static int not_implemented(const char *command) {
        nc_cli_error(command, "not implemented yet in netconverge %s", NC_VERSION);
        return NC_EXIT_ERROR;
}

static bool parse_seconds(const char *s, unsigned max) {
        char *end;
        unsigned long v;

        if (!*s || *s == '-')
                return false;
        v = strtoul(s, &end, 10);
        return *end == '\0' && v <= max;
}

/* Parses the command's options; returns -1 on a usage error. */
static int parse(const char *command, int argc, char **argv, const struct option *options, size_t want_args) {
        int c;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == '?')
                        return -1;
                if ((c == 'w' || c == 'i') && !parse_seconds(optarg, 86400)) {
                        nc_cli_error(command, "'%s' is not a number of seconds", optarg);
                        return -1;
                }
        }
        if ((size_t) (argc - optind) != want_args) {
                nc_cli_error(command, want_args ? "expected one FILE argument" : "takes no arguments");
                return -1;
        }
        return 0;
}

int nc_cmd_diff(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { { "observed", required_argument, NULL, 'O' }, {} };

        (void) ctx;
        return parse("diff", argc, argv, options, 1) < 0 ? NC_EXIT_ERROR : not_implemented("diff");
}

int nc_cmd_apply(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "dry-run", no_argument, NULL, 'd' },
                { "detailed-exitcode", no_argument, NULL, 'e' },
                { "wait", required_argument, NULL, 'w' },
                {},
        };

        (void) ctx;
        return parse("apply", argc, argv, options, 1) < 0 ? NC_EXIT_ERROR : not_implemented("apply");
}

int nc_cmd_show(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { { "snapshot", no_argument, NULL, 's' }, {} };

        (void) ctx;
        return parse("show", argc, argv, options, 0) < 0 ? NC_EXIT_ERROR : not_implemented("show");
}

int nc_cmd_watch(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { { "interval", required_argument, NULL, 'i' }, {} };

        (void) ctx;
        return parse("watch", argc, argv, options, 1) < 0 ? NC_EXIT_ERROR : not_implemented("watch");
}

int nc_cmd_destroy(const struct nc_ctx *ctx, int argc, char **argv) {
        static const struct option options[] = { {} };

        (void) ctx;
        return parse("destroy", argc, argv, options, 0) < 0 ? NC_EXIT_ERROR : not_implemented("destroy");
}
