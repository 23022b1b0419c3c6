/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "netconverge/apply.h"
#include "util/cleanup.h"

/* How long a second run waits for the lock before failing clearly. */
#define LOCK_TIMEOUT_SECONDS 60

struct progress {
        const struct nc_ctx *ctx;
        const char *command;
};

/* Failures always, one line each with the change and the kernel's words;
 * successes only with -v. */
static void on_progress(const struct nc_action *a, int r, const char *message, void *userdata) {
        const struct progress *p = userdata;
        _cleanup_free_ char *line = nc_action_format(a);

        if (r < 0)
                nc_cli_error(p->command, "%s: %s", line ? line : "?", message ? message : strerror(-r));
        else if (p->ctx->log_level == NC_LOG_VERBOSE)
                fprintf(stderr, "%s: done: %s\n", p->command, line ? line : "?");
}

static void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

/* After applying, the kernel must show nothing left to do. What the plan
 * touched is read again (the host whenever a change was made there); the
 * rest of the first observation stands, as it was read under the same
 * lock a moment ago. */
static int verify(const struct nc_ctx *ctx, const struct nc_model *m, const char *command,
                  const struct nc_state *observed, const struct nc_plan *plan) {
        _cleanup_(nc_observe_scope_done) struct nc_observe_scope scope = { .previous = observed };
        _cleanup_(nc_state_freep) struct nc_state *again = NULL;
        _cleanup_(nc_plan_freep) struct nc_plan *rest = NULL;
        int r;

        r = nc_observe_scope_add_plan(&scope, plan);
        if (r < 0) {
                nc_cli_error(command, "%s", strerror(-r));
                return r;
        }
        nc_observe_scope_sort(&scope);
        r = nc_cli_observe(command, m, &scope, &again);
        if (r < 0)
                return r;
        r = nc_cli_plan(ctx, command, m, again, &rest);
        if (r < 0)
                return r;
        if (rest->n_actions == 0)
                return 0;
        nc_cli_error(command, "the kernel did not converge; still to do:");
        nc_print_plan_text(rest, stderr);
        return -EAGAIN;
}

int nc_cli_converge(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_converge_opts *o) {
        _cleanup_(nc_state_freep) struct nc_state *observed = NULL;
        _cleanup_(nc_plan_freep) struct nc_plan *plan = NULL;
        _cleanup_(closep) int lock = -1;
        struct progress progress = { ctx, o->command };
        struct nc_apply_opts aopts = { .wait_seconds = o->wait_seconds, .progress = on_progress, .userdata = &progress };
        struct nc_apply_result result = {};
        int r;

        if (nc_cli_enter_netns(ctx, o->command) < 0)
                return NC_EXIT_ERROR;
        if (!o->dry_run) {
                lock = nc_lock_acquire(LOCK_TIMEOUT_SECONDS);
                if (lock == -ETIMEDOUT) {
                        nc_cli_error(o->command, "another netconverge run holds the lock; gave up after %d s",
                                     LOCK_TIMEOUT_SECONDS);
                        return NC_EXIT_ERROR;
                }
                if (lock < 0) {
                        nc_cli_error(o->command, "cannot take the run lock: %s", strerror(-lock));
                        return NC_EXIT_ERROR;
                }
        }
        if (nc_cli_observe(o->command, m, NULL, &observed) < 0 || nc_cli_plan(ctx, o->command, m, observed, &plan) < 0)
                return NC_EXIT_ERROR;
        if (ctx->log_level != NC_LOG_QUIET || o->dry_run)
                nc_cli_print_plan(ctx, plan);
        if (o->dry_run)
                return NC_EXIT_OK;
        if (plan->n_actions == 0)
                return NC_EXIT_OK;

        r = nc_apply(plan, &aopts, &result);
        if (r < 0 && r != -EIO) {
                nc_cli_error(o->command, "%s", strerror(-r));
                return NC_EXIT_ERROR;
        }
        if (result.not_up > 0)
                nc_cli_error(o->command, "%zu link(s) not operationally up after %u s", result.not_up, o->wait_seconds);
        if (verify(ctx, m, o->command, observed, plan) < 0 || result.failed > 0 || result.not_up > 0)
                return NC_EXIT_ERROR;
        if (ctx->format == NC_OUTPUT_TEXT && ctx->log_level != NC_LOG_QUIET)
                printf("Applied: %zu added, %zu changed, %zu removed.\n", plan->n_add, plan->n_modify, plan->n_remove);
        return o->detailed_exitcode ? NC_EXIT_PENDING : NC_EXIT_OK;
}
