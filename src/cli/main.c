/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "netconverge/names.h"

/* One place for each command's usage: the overview (netconverge --help)
 * prints the synopsis and summary, `netconverge COMMAND --help` all of it. */
static const struct nc_command commands[] = {
        { "validate", nc_cmd_validate, "validate FILE", "check the file only; exit 0 valid, 1 invalid",
          "Checks FILE and reports every problem in one run, as FILE:LINE:COLUMN: PATH: message.\n"
          "Touches nothing; needs no root. With -v, prints the desired state with every default filled in.\n" },
        { "diff", nc_cmd_diff, "diff FILE [--observed SNAP] [--out PLAN]",
          "print the plan; exit 0 in sync, 2 changes pending, 1 error",
          "Prints the plan that would make the kernel match FILE, in the order apply makes the changes.\n"
          "\n"
          "  --observed SNAP     plan against a snapshot (show --snapshot) instead of the live kernel;\n"
          "                      needs no root; /dev/null is a fresh host\n"
          "  --out PLAN          also save the plan, with the file and the state it was made\n"
          "                      against, for apply --plan (docs/saved-plan.md)\n" },
        { "apply", nc_cmd_apply, "apply FILE|--plan PLAN [--dry-run] [--detailed-exitcode] [--no-disrupt] [--wait S] [--force]",
          "converge, then re-observe and verify",
          "Makes the planned changes, waits for new links to be up, observes again and verifies.\n"
          "While a watch keeps another file in force on this namespace, refuses (exit 1): the\n"
          "watch would undo the changes at once. Applying the watch's own file is allowed.\n"
          "\n"
          "  --dry-run           print the plan, change nothing; exit 0 (1 on error)\n"
          "  --detailed-exitcode exit 0 when nothing needed changing, 2 when changes were made\n"
          "  --plan PLAN         instead of FILE: make exactly the changes diff --out saved, under\n"
          "                      the lock, only if the state is still the one it was made against\n"
          "                      (otherwise exit 1, \"stale\", and what differs; nothing changed)\n"
          "  --no-disrupt        refuse (exit 1, nothing changed) a plan with changes that break\n"
          "                      established traffic, those marked \"(disrupts ...)\"\n"
          "  --wait S            wait up to S seconds for links to be operationally up (default 10, 0: don't)\n"
          "  --force             apply even while a watch keeps another file in force (it will\n"
          "                      converge back to its own file)\n" },
        { "show", nc_cmd_show, "show [--snapshot]", "print the managed state as a config file",
          "Prints what netconverge manages here as a valid configuration file; with -o dot, its\n"
          "topology as a Graphviz graph (netconverge -o dot show | dot -Tsvg >net.svg).\n"
          "\n"
          "  --snapshot          print everything the planner reads, in the form diff --observed takes\n" },
        { "watch", nc_cmd_watch, "watch FILE [--interval S]",
          "apply, then re-converge on file change, timer and kernel drift",
          "Applies FILE, then again when it changes, when something netconverge owns drifts, and on a timer.\n"
          "SIGHUP reloads the file; SIGTERM and SIGINT exit 0 and tear nothing down; a bad edit is\n"
          "reported and the last good file stays in force. It advertises itself in\n"
          "/run/netconverge/watch-INODE (its pid and file), so that apply and destroy of another file\n"
          "refuse while it runs; one watch per namespace. With -n, exits 1 when that namespace is\n"
          "deleted (ip netns del).\n"
          "\n"
          "  --interval S        full resync every S seconds (default 30, 0: off)\n" },
        { "destroy", nc_cmd_destroy, "destroy [--dry-run] [--force]", "remove everything netconverge owns here",
          "Removes every link, address, route and nftables table netconverge owns here, as applying a\n"
          "file with no bridges and no containers would. Network namespaces are the containers' and stay.\n"
          "While a watch keeps a file in force on this namespace, refuses (exit 1); stop the watch first.\n"
          "\n"
          "  --dry-run           print what would be removed, change nothing\n"
          "  --force             destroy even while a watch runs (it will re-create its file's state)\n" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* -o dot draws the topology: only these commands have one to draw. */
#define DOT_COMMANDS "show"

static bool takes_dot(const char *command) {
        return strcmp(command, DOT_COMMANDS) == 0;
}

/* One usage line, for the overview and for every command's help. */
#define USAGE_PREFIX "Usage: netconverge [-n NETNS] [-o text|json|dot] [-v|-q] "

static const char global_options[] =
        "Options:\n"
        "  -n, --netns NETNS   act inside the named network namespace, like `ip -n`\n"
        "  -o, --output FMT    text (default), json, or dot (show only)\n"
        "  -v, --verbose       say more\n"
        "  -q, --quiet         say only what went wrong\n"
        "  -h, --help          show this help (after a command: that command's)\n"
        "  -V, --version       show the version\n";

static const char exit_codes[] =
        "Exit codes: 0 success or in sync, 1 error (including usage errors),\n"
        "2 changes pending (diff, apply --detailed-exitcode).\n";

static void usage(FILE *f) {
        int width = 0;

        fputs(USAGE_PREFIX "COMMAND [ARGS]\n"
              "\n"
              "Make a host's container networking (bridges, veths, addresses, routes, NAT)\n"
              "match a YAML file.\n"
              "\n"
              "Commands:\n",
              f);
        for (size_t i = 0; i < N_COMMANDS; i++)
                if ((int) strlen(commands[i].synopsis) > width)
                        width = (int) strlen(commands[i].synopsis);
        for (size_t i = 0; i < N_COMMANDS; i++)
                fprintf(f, "  %-*s  %s\n", width, commands[i].synopsis, commands[i].help);
        fprintf(f, "\n%s\n%s", global_options, exit_codes);
}

static void command_usage(const struct nc_command *c, FILE *f) {
        fprintf(f, USAGE_PREFIX "%s\n\n%s\n%s\n%s", c->synopsis, c->details, global_options, exit_codes);
}

/* `COMMAND --help` or `COMMAND -h` anywhere among the command's own
 * arguments (before a "--"), whatever else is there: asking for help
 * never runs the command. */
static bool wants_help(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        return false;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        return true;
        }
        return false;
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
                        else if (strcmp(optarg, "dot") == 0)
                                ctx.format = NC_OUTPUT_DOT;
                        else {
                                nc_cli_error(&ctx, NC_ERROR_USAGE,
                                             "-o: unknown output format '%s'; use text, json or dot", optarg);
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
        for (size_t i = 0; i < N_COMMANDS; i++)
                if (strcmp(argv[optind], commands[i].name) == 0) {
                        argv += optind;
                        argc -= optind;
                        if (wants_help(argc, argv)) {
                                command_usage(&commands[i], stdout);
                                return NC_EXIT_OK;
                        }
                        ctx.run->command = commands[i].name;
                        if (ctx.format == NC_OUTPUT_DOT && !takes_dot(commands[i].name)) {
                                nc_cli_error(&ctx, NC_ERROR_USAGE, "-o dot: only %s draws a graph, not %s",
                                             DOT_COMMANDS, commands[i].name);
                                return nc_cli_finish(&ctx, NC_EXIT_ERROR);
                        }
                        optind = 0;     /* glibc: 0 re-initialises getopt for the command */
                        return nc_cli_finish(&ctx, commands[i].run(&ctx, argc, argv));
                }
        nc_cli_error(&ctx, NC_ERROR_USAGE, "unknown command '%s'; see netconverge --help", argv[optind]);
        return nc_cli_finish(&ctx, NC_EXIT_ERROR);
}
