/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "netconverge/names.h"

static const struct nc_command commands[] = {
        { "validate", nc_cmd_validate, "validate FILE", "check the file only; exit 0 valid, 1 invalid" },
        { "diff", nc_cmd_diff, "diff FILE [--observed SNAP]",
          "print the plan; exit 0 in sync, 2 changes pending, 1 error" },
        { "apply", nc_cmd_apply, "apply FILE [--dry-run] [--detailed-exitcode] [--wait S]",
          "converge, then re-observe and verify" },
        { "show", nc_cmd_show, "show [--snapshot]", "print the managed state as a config file" },
        { "watch", nc_cmd_watch, "watch FILE [--interval S]",
          "apply, then re-converge on file change, timer and kernel drift" },
        { "destroy", nc_cmd_destroy, "destroy", "remove everything netconverge owns here" },
};

static void usage(FILE *f) {
        fputs("Usage: netconverge [-n NETNS] [-o text|json] [-v|-q] COMMAND [ARGS]\n"
              "\n"
              "Make a host's container networking (bridges, veths, addresses, routes, NAT)\n"
              "match a YAML file.\n"
              "\n"
              "Commands:\n",
              f);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                fprintf(f, "  %-54s %s\n", commands[i].synopsis, commands[i].help);
        fputs("\n"
              "Options:\n"
              "  -n, --netns NETNS   act inside the named network namespace, like `ip -n`\n"
              "  -o, --output FMT    text (default) or json\n"
              "  -v, --verbose       say more\n"
              "  -q, --quiet         say only what went wrong\n"
              "  -h, --help          show this help\n"
              "  -V, --version       show the version\n"
              "\n"
              "Exit codes: 0 success or in sync, 1 error (including usage errors),\n"
              "2 changes pending (diff, apply --detailed-exitcode).\n",
              f);
}

static int run_main(struct nc_run *run, int argc, char **argv, const struct option *options);

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "netns", required_argument, NULL, 'n' },
                { "output", required_argument, NULL, 'o' },
                { "verbose", no_argument, NULL, 'v' },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        struct nc_run run = {};
        int code = run_main(&run, argc, argv, options);

        nc_errors_done(&run.errors);
        return code;
}

/* -o first, silently: every error, a bad option included, is then
 * reported in the format asked for. */
static enum nc_output_format output_format(int argc, char **argv, const struct option *options) {
        enum nc_output_format format = NC_OUTPUT_TEXT;
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "+n:o:vqhV", options, NULL)) >= 0)
                if (c == 'o' && strcmp(optarg, "json") == 0)
                        format = NC_OUTPUT_JSON;
                else if (c == 'o')
                        format = NC_OUTPUT_TEXT;
        optind = 0;
        return format;
}

static int run_main(struct nc_run *run, int argc, char **argv, const struct option *options) {
        struct nc_ctx ctx = { .format = output_format(argc, argv, options), .log_level = NC_LOG_NORMAL, .run = run };
        const char *why;
        int c;

        /* '+': options end at the command; its own options follow it. */
        while ((c = nc_cli_getopt(&ctx, argc, argv, "+n:o:vqhV", options)) >= 0) {
                switch (c) {
                case 'n':
                        why = nc_netns_invalid(optarg);
                        if (why || optarg[0] == '/') {
                                nc_cli_error(&ctx, NC_ERROR_USAGE, "-n: namespace name '%s' %s", optarg,
                                             why ? why : "must be a name under /run/netns, not a path");
                                return nc_cli_finish(&ctx, NC_EXIT_ERROR);
                        }
                        ctx.netns = optarg;
                        break;
                case 'o':
                        if (strcmp(optarg, "text") == 0)
                                ctx.format = NC_OUTPUT_TEXT;
                        else if (strcmp(optarg, "json") == 0)
                                ctx.format = NC_OUTPUT_JSON;
                        else {
                                nc_cli_error(&ctx, NC_ERROR_USAGE, "-o: unknown output format '%s'; use text or json",
                                             optarg);
                                return nc_cli_finish(&ctx, NC_EXIT_ERROR);
                        }
                        break;
                case 'v':
                        ctx.log_level = NC_LOG_VERBOSE;
                        break;
                case 'q':
                        ctx.log_level = NC_LOG_QUIET;
                        break;
                case 'h':
                        usage(stdout);
                        return NC_EXIT_OK;
                case 'V':
                        printf("netconverge %s\n", NC_VERSION);
                        return NC_EXIT_OK;
                default:
                        if (ctx.format != NC_OUTPUT_JSON)
                                usage(stderr);
                        return nc_cli_finish(&ctx, NC_EXIT_ERROR);
                }
        }
        if (optind >= argc) {
                if (ctx.format == NC_OUTPUT_JSON)
                        nc_cli_error(&ctx, NC_ERROR_USAGE, "no command given; see netconverge --help");
                else
                        usage(stderr);
                return nc_cli_finish(&ctx, NC_EXIT_ERROR);
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(argv[optind], commands[i].name) == 0) {
                        argv += optind;
                        argc -= optind;
                        optind = 0;     /* glibc: 0 re-initialises getopt for the command */
                        ctx.run->command = commands[i].name;
                        return nc_cli_finish(&ctx, commands[i].run(&ctx, argc, argv));
                }
        nc_cli_error(&ctx, NC_ERROR_USAGE, "unknown command '%s'; see netconverge --help", argv[optind]);
        return nc_cli_finish(&ctx, NC_EXIT_ERROR);
}
