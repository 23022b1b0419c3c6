/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"

int nc_cli_parse_seconds(const struct nc_ctx *ctx, const char *s, unsigned max, unsigned *ret) {
        char *end;
        unsigned long v;

        if (!*s || *s == '-' || *s == '+')
                goto bad;
        v = strtoul(s, &end, 10);
        if (*end != '\0' || v > max)
                goto bad;
        *ret = (unsigned) v;
        return 0;
bad:
        nc_cli_error(ctx, NC_ERROR_USAGE, "'%s' is not a number of seconds (0 to %u)", s, max);
        return -1;
}

int nc_cli_expect_args(const struct nc_ctx *ctx, int argc, char **argv, int want) {
        (void) argv;
        if (argc - optind == want)
                return 0;
        nc_cli_error(ctx, NC_ERROR_USAGE, want ? "expected one FILE argument" : "takes no arguments");
        return -1;
}
