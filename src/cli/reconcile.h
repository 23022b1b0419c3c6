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
/* The same, keeping the file's bytes (diff --out saves them); and a model
 * from bytes already read (apply --plan's carried file), as path. */
int nc_cli_load_model_bytes(const struct nc_ctx *ctx, const char *path, char **ret_buf, size_t *ret_len,
                            struct nc_model **ret);
int nc_cli_model_from_buffer(const struct nc_ctx *ctx, const char *path, const char *buf, size_t len,
                             struct nc_model **ret);
int nc_cli_enter_netns(const struct nc_ctx *ctx);
int nc_cli_observe(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_observe_scope *scope,
                   struct nc_state **ret);
/* "observe: MESSAGE" (message nc_observe_scoped()'s, or "": strerror). */
void nc_cli_observe_error(const struct nc_ctx *ctx, int r, const char *message);
/* The plan's conflicts as errors; a container's own too when containers. */
void nc_cli_report_conflicts(const struct nc_ctx *ctx, const struct nc_plan *p, bool containers);
/* The plan's warnings, each "warning: ..." on stderr (nc_cli_note()). */
void nc_cli_report_warnings(const struct nc_ctx *ctx, const struct nc_plan *p);
int nc_cli_read_snapshot(const struct nc_ctx *ctx, const char *path, struct nc_state **ret);
/* Plans. Conflicts are reported as errors and give -EEXIST with the plan
 * in *ret all the same (JSON documents list them); other failures leave
 * *ret alone. A container's own conflicts are reported too, but give 0:
 * the rest of the plan stands. */
int nc_cli_plan(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_state *observed,
                struct nc_plan **ret);
/* diff's output: the plan as text, or its JSON document. */
int nc_cli_print_plan(const struct nc_ctx *ctx, const struct nc_plan *p);
/* saved.c: saved plans (SPEC 7.4). The file's bytes with its model (for
 * diff --out, which saves them); writing a plan; reading one (trust, format,
 * namespace) with the model of the file it carries; and the check before
 * applying it: -ESTALE (reported, with what differs) unless the state and
 * the changes are the plan's. */
struct nc_saved_plan;
int nc_cli_save_plan(const struct nc_ctx *ctx, const char *out, const char *file, const char *content, size_t len,
                     const struct nc_state *observed, const struct nc_plan *p);
int nc_cli_load_saved_plan(const struct nc_ctx *ctx, const char *path, struct nc_saved_plan *ret,
                           struct nc_model **ret_model);
int nc_cli_check_saved(const struct nc_ctx *ctx, const struct nc_saved_plan *sp, const struct nc_state *observed,
                       const struct nc_plan *p);

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
        const struct nc_saved_plan *saved; /* apply --plan: its changes only, on its state only */
        unsigned wait_seconds;
};
int nc_cli_converge(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_converge_opts *o);
