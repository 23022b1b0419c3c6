/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "netconverge/apply.h"
#include "util/cleanup.h"
#include "util/fault.h"
#include "util/strbuf.h"

/* How long a second run waits for the lock before failing clearly. */
#define LOCK_TIMEOUT_SECONDS 60

/* One apply or destroy run: what its JSON document reports (text mode
 * prints as it goes and only uses the plan). */
struct converge {
        const struct nc_ctx *ctx;
        /* A plan points into the state it was made from: each state lives
         * as long as its plan, until the document is printed. */
        struct nc_state *observed;
        struct nc_plan *plan;
        struct nc_change_result *results;       /* one per plan action, once apply ran */
        struct nc_state *again;                 /* observed after applying */
        struct nc_plan *rest;                   /* what verification found still to do */
        struct nc_link_name *not_up;
        size_t n_not_up, cap_not_up;
        struct nc_apply_report report;
        struct nc_fault fault;                  /* NC_FAULT (netconverge-fault only) */
};

static void converge_done(struct converge *c) {
        for (size_t i = 0; c->results && i < c->plan->n_actions; i++)
                nc_change_result_done(&c->results[i]);
        free(c->results);
        for (size_t i = 0; i < c->n_not_up; i++) {
                free(c->not_up[i].netns);
                free(c->not_up[i].name);
        }
        free(c->not_up);
        nc_plan_free(c->rest);
        nc_state_free(c->again);
        nc_plan_free(c->plan);
        nc_state_free(c->observed);
}

/* Failures always, one line each with the change and the kernel's words;
 * successes only with -v. */
static void on_progress(const struct nc_action *a, int r, const char *message, void *userdata) {
        struct converge *c = userdata;
        _cleanup_free_ char *line = nc_action_format(a);

        /* The action is one of c->plan's: its index is its result's. */
        if (nc_change_result_set(&c->results[a - c->plan->actions], r, message) < 0)
                nc_cli_error(c->ctx, NC_ERROR_INTERNAL, "%s", strerror(ENOMEM));
        if (r < 0)
                nc_cli_error(c->ctx, NC_ERROR_APPLY, "%s: %s", line ? line : "?", message ? message : strerror(-r));
        else if (c->ctx->log_level == NC_LOG_VERBOSE)
                fprintf(stderr, "%s: done: %s\n", c->ctx->run ? c->ctx->run->command : "apply", line ? line : "?");
}

static void on_not_up(const char *netns, const char *name, void *userdata) {
        struct converge *c = userdata;
        struct nc_link_name *l;

        if (nc_grow(&c->not_up, &c->cap_not_up, c->n_not_up + 1, sizeof(*c->not_up)) < 0)
                goto oom;
        l = &c->not_up[c->n_not_up];
        *l = (struct nc_link_name) { .netns = strdup(netns), .name = strdup(name) };
        if (!l->netns || !l->name) {
                free(l->netns);
                free(l->name);
                goto oom;
        }
        c->n_not_up++;
        return;
oom:
        nc_cli_error(c->ctx, NC_ERROR_INTERNAL, "%s", strerror(ENOMEM));
}

static void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

/* After applying, the kernel must show nothing left to do. What the plan
 * touched is read again (the host whenever a change was made there); the
 * rest of the first observation stands, as it was read under the same
 * lock a moment ago. */
static int verify(struct converge *c, const struct nc_model *m) {
        _cleanup_(nc_observe_scope_done) struct nc_observe_scope scope = { .previous = c->observed };
        const struct nc_ctx *ctx = c->ctx;
        int r;

        r = nc_observe_scope_add_plan(&scope, c->plan);
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "%s", strerror(-r));
                return r;
        }
        nc_observe_scope_sort(&scope);
        r = nc_cli_observe(ctx, m, &scope, &c->again);
        if (r < 0)
                return r;
        r = nc_cli_plan(ctx, m, c->again, &c->rest);
        if (r == -EEXIST)
                c->report.verified = 0;
        if (r < 0)
                return r;
        if (c->rest->n_actions == 0) {
                c->report.verified = 1;
                return 0;
        }
        c->report.verified = 0;
        if (ctx->format == NC_OUTPUT_JSON) {
                /* The rest is the document's "still_to_do". */
                nc_cli_error(ctx, NC_ERROR_VERIFY, "the kernel did not converge");
                return -EAGAIN;
        }
        nc_cli_error(ctx, NC_ERROR_VERIFY, "the kernel did not converge; still to do:");
        nc_print_plan_text(c->rest, stderr);
        return -EAGAIN;
}

static int take_lock(const struct nc_ctx *ctx) {
        int lock = nc_lock_acquire(LOCK_TIMEOUT_SECONDS);

        if (lock == -ETIMEDOUT)
                nc_cli_error(ctx, NC_ERROR_LOCK, "another netconverge run holds the lock; gave up after %d s",
                             LOCK_TIMEOUT_SECONDS);
        else if (lock < 0)
                nc_cli_error(ctx, NC_ERROR_LOCK, "cannot take the run lock: %s", strerror(-lock));
        return lock;
}

/* Plans and makes the changes; returns an exit code. The JSON document
 * is printed by the caller, from what this leaves in c. */
static int run(struct converge *c, const struct nc_model *m, const struct nc_converge_opts *o) {
        const struct nc_ctx *ctx = c->ctx;
        _cleanup_(closep) int lock = -1;
        struct nc_apply_opts aopts = { .wait_seconds = o->wait_seconds, .progress = on_progress, .not_up = on_not_up,
                                      .userdata = c, .fault = &c->fault };
        struct nc_apply_result result = {};
        bool json = ctx->format == NC_OUTPUT_JSON;
        int r;

        if (nc_cli_enter_netns(ctx) < 0)
                return NC_EXIT_ERROR;
        if (!o->dry_run) {
                lock = take_lock(ctx);
                if (lock < 0)
                        return NC_EXIT_ERROR;
        }
        if (nc_cli_observe(ctx, m, NULL, &c->observed) < 0)
                return NC_EXIT_ERROR;
        r = nc_cli_plan(ctx, m, c->observed, &c->plan);
        c->report.plan = c->plan;
        if (r < 0)
                return NC_EXIT_ERROR;
        if (!json && (ctx->log_level != NC_LOG_QUIET || o->dry_run) && nc_cli_print_plan(ctx, c->plan) < 0)
                return NC_EXIT_ERROR;
        if (o->dry_run || c->plan->n_actions == 0) {
                c->report.verified = o->dry_run ? -1 : 1;
                return NC_EXIT_OK;
        }

        c->results = calloc(c->plan->n_actions, sizeof(*c->results));
        if (!c->results) {
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "%s", strerror(ENOMEM));
                return NC_EXIT_ERROR;
        }
        c->report.results = c->results;
        r = nc_apply(c->plan, &aopts, &result);
        if (r < 0 && r != -EIO) {
                nc_cli_error(ctx, NC_ERROR_APPLY, "%s", strerror(-r));
                return NC_EXIT_ERROR;
        }
        c->report.not_up = c->not_up;
        c->report.n_not_up = c->n_not_up;
        if (result.not_up > 0)
                nc_cli_error(ctx, NC_ERROR_NOT_UP, "%zu link(s) not operationally up after %u s", result.not_up,
                             o->wait_seconds);
        if (verify(c, m) < 0 || result.failed > 0 || result.not_up > 0)
                return NC_EXIT_ERROR;
        if (!json && ctx->log_level != NC_LOG_QUIET)
                printf("Applied: %zu added, %zu changed, %zu removed.\n", c->plan->n_add, c->plan->n_modify,
                       c->plan->n_remove);
        return o->detailed_exitcode ? NC_EXIT_PENDING : NC_EXIT_OK;
}

/* The crash-injection switch, read only by the test binary
 * netconverge-fault (CMake NC_FAULT=ON); the installed netconverge is
 * built without NC_FAULT_ENV and never looks at the variable. */
static int fault_from_env(const struct nc_ctx *ctx, struct nc_fault *ret) {
#ifdef NC_FAULT_ENV
        const char *spec = getenv("NC_FAULT");

        if (nc_fault_parse(spec, ret) < 0) {
                nc_cli_error(ctx, NC_ERROR_USAGE, "NC_FAULT=%s: expected count, kill:K or skip:K (K >= 1)", spec);
                return -EINVAL;
        }
#else
        (void) ctx;
        *ret = (struct nc_fault) {};
#endif
        return 0;
}

int nc_cli_converge(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_converge_opts *o) {
        struct converge c = { .ctx = ctx,
                              .report = { .dry_run = o->dry_run, .wait_seconds = o->wait_seconds, .verified = -1 } };
        int code;

        if (fault_from_env(ctx, &c.fault) < 0)
                return NC_EXIT_ERROR;
        code = run(&c, m, o);
#ifdef NC_FAULT_ENV
        if (c.fault.mode == NC_FAULT_COUNT)
                fprintf(stderr, "nc-fault: %lu requests\n", c.fault.n);
#endif

        /* Without a plan there is nothing but errors: the error document. */
        if (ctx->format == NC_OUTPUT_JSON && c.plan) {
                struct nc_document doc = nc_cli_document(ctx);

                c.report.rest = c.rest;
                if (nc_print_apply_json(&c.report, &doc, stdout) < 0)
                        code = NC_EXIT_ERROR;
                nc_cli_document_printed(ctx);
        }
        converge_done(&c);
        return code;
}
