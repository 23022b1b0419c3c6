/* SPDX-License-Identifier: MIT */
#pragma once

#include "netconverge/netconverge.h"
#include "netconverge/observe.h"
#include "netconverge/plan.h"
#include "netconverge/state.h"

/* Steps shared by diff, apply, destroy and watch; each reports its own
 * failure (diagnostics or "netconverge: COMMAND: ...") and returns a
 * negative errno. */
int nc_cli_load_model(const struct nc_ctx *ctx, const char *path, struct nc_model **ret);
int nc_cli_enter_netns(const struct nc_ctx *ctx);
int nc_cli_observe(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_observe_scope *scope,
                   struct nc_state **ret);
/* "observe: MESSAGE" (message nc_observe_scoped()'s, or "": strerror). */
void nc_cli_observe_error(const struct nc_ctx *ctx, int r, const char *message);
/* The plan's conflicts as errors; a container's own too when containers. */
void nc_cli_report_conflicts(const struct nc_ctx *ctx, const struct nc_plan *p, bool containers);
int nc_cli_read_snapshot(const struct nc_ctx *ctx, const char *path, struct nc_state **ret);
/* Plans. Conflicts are reported as errors and give -EEXIST with the plan
 * in *ret all the same (JSON documents list them); other failures leave
 * *ret alone. A container's own conflicts are reported too, but give 0:
 * the rest of the plan stands. */
int nc_cli_plan(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_state *observed,
                struct nc_plan **ret);
/* diff's output: the plan as text, or its JSON document. */
int nc_cli_print_plan(const struct nc_ctx *ctx, const struct nc_plan *p);
/* version 1 with nothing in it: what destroy converges to. */
struct nc_model *nc_cli_empty_model(void);

/* apply and destroy: the library's reconcile loop (nc_reconcile(): lock,
 * observe, plan, make the changes, re-observe), rendered the command
 * line's way. Returns an exit code. */
struct nc_converge_opts {
        const char *file;               /* apply's FILE; NULL for destroy */
        bool dry_run;
        bool detailed_exitcode;
        bool force;                     /* even while a watch keeps another file in force */
        bool no_disrupt;                /* refuse a plan with disruptive changes (SPEC 7.4) */
        unsigned wait_seconds;
};
int nc_cli_converge(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_converge_opts *o);
