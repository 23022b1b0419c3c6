/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdarg.h>
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

/* -o dot draws the topology: only these commands have one to draw. */
#define DOT_COMMANDS "show"

static bool takes_dot(const char *command) {
        return strcmp(command, DOT_COMMANDS) == 0;
}

void nc_cli_error(const char *command, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "netconverge: %s%s", command ? command : "", command ? ": " : "");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

void nc_cli_print_diags(const struct nc_ctx *ctx, const struct nc_diags *d) {
        if (ctx->format == NC_OUTPUT_JSON)
                nc_print_diags_json(d, stdout);
        else
                nc_print_diags_text(d, stderr);
}

static void usage(FILE *f) {
        fputs("Usage: netconverge [-n NETNS] [-o text|json|dot] [-v|-q] COMMAND [ARGS]\n"
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
              "  -o, --output FMT    text (default), json, or dot (show only)\n"
              "  -v, --verbose       say more\n"
              "  -q, --quiet         say only what went wrong\n"
              "  -h, --help          show this help\n"
              "  -V, --version       show the version\n"
              "\n"
              "Exit codes: 0 success or in sync, 1 error (including usage errors),\n"
              "2 changes pending (diff, apply --detailed-exitcode).\n",
              f);
}

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
        struct nc_ctx ctx = { .format = NC_OUTPUT_TEXT, .log_level = NC_LOG_NORMAL };
        const char *why;
        int c;

        /* '+': options end at the command; its own options follow it. */
        while ((c = getopt_long(argc, argv, "+n:o:vqhV", options, NULL)) >= 0) {
                switch (c) {
                case 'n':
                        why = nc_netns_invalid(optarg);
                        if (why || optarg[0] == '/') {
                                nc_cli_error(NULL, "-n: namespace name '%s' %s", optarg,
                                             why ? why : "must be a name under /run/netns, not a path");
                                return NC_EXIT_ERROR;
                        }
                        ctx.netns = optarg;
                        break;
                case 'o':
                        if (strcmp(optarg, "text") == 0)
                                ctx.format = NC_OUTPUT_TEXT;
                        else if (strcmp(optarg, "json") == 0)
                                ctx.format = NC_OUTPUT_JSON;
                        else if (strcmp(optarg, "dot") == 0)
                                ctx.format = NC_OUTPUT_DOT;
                        else {
                                nc_cli_error(NULL, "-o: unknown output format '%s'; use text, json or dot", optarg);
                                return NC_EXIT_ERROR;
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
                        usage(stderr);
                        return NC_EXIT_ERROR;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return NC_EXIT_ERROR;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(argv[optind], commands[i].name) == 0) {
                        if (ctx.format == NC_OUTPUT_DOT && !takes_dot(commands[i].name)) {
                                nc_cli_error(NULL, "-o dot: only %s draws a graph, not %s", DOT_COMMANDS,
                                             commands[i].name);
                                return NC_EXIT_ERROR;
                        }
                        argv += optind;
                        argc -= optind;
                        optind = 0;     /* glibc: 0 re-initialises getopt for the command */
                        return commands[i].run(&ctx, argc, argv);
                }
        nc_cli_error(NULL, "unknown command '%s'; see netconverge --help", argv[optind]);
        return NC_EXIT_ERROR;
}
