/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "netconverge/apply.h"
#include "netconverge/model.h"
#include "netconverge/observe.h"
#include "netconverge/plan.h"
#include "netconverge/state.h"

/* The one reconcile loop of apply, destroy and every watch cycle: lock,
 * observe (whole or scoped), plan, report the plan, apply, wait, verify.
 * The library prints nothing: whatever is said goes through the callbacks,
 * and the callers render the report. */

/* Where a run stopped (nc_reconcile_report.step). */
enum nc_reconcile_step {
        NC_RECONCILE_LOCK,
        NC_RECONCILE_OBSERVE,
        NC_RECONCILE_PLAN,
        NC_RECONCILE_APPLY,
        NC_RECONCILE_VERIFY,
        NC_RECONCILE_DONE,
};

struct nc_reconcile_ops {
        /* A step failed before it could do its work: the lock (r from
         * nc_lock_acquire()), observing (message: what observe said, or
         * ""), planning, or building verify's scope. */
        void (*error)(enum nc_reconcile_step step, int r, const char *message, void *userdata);
        /* Just before each observation (scope NULL: everything). */
        void (*observing)(const struct nc_observe_scope *scope, void *userdata);
        /* The lock is held; < 0 stops the run (nothing changed). */
        int (*locked)(void *userdata);
        /* After each plan: the first (verify false) and verify's. The plan
         * may hold conflicts (the run then stops with -EEXIST); < 0 stops
         * the run with that error. */
        int (*planned)(const struct nc_plan *plan, bool verify, void *userdata);
        /* nc_apply()'s own callbacks, called as it goes. */
        nc_apply_progress_fn progress;
        nc_apply_not_up_fn not_up;
        nc_apply_warning_fn warning;
        /* After apply: r and result are nc_apply()'s; < 0 stops the run
         * before verifying. */
        int (*applied)(int r, const struct nc_apply_result *result, void *userdata);
        /* Before verify observes: scope holds previous = the first
         * observation; add to it or change it (scope->previous NULL:
         * everything). The plan's objects are added afterwards. */
        void (*verify_scope)(struct nc_observe_scope *scope, void *userdata);
        void *userdata;
};

enum nc_reconcile_lock {
        NC_RECONCILE_LOCK_TAKE,         /* take the run lock, waiting up to lock_timeout_s */
        NC_RECONCILE_LOCK_HELD,         /* the caller holds it (or needs none: a dry run) */
};

struct nc_reconcile_opts {
        enum nc_reconcile_lock lock;
        unsigned lock_timeout_s;
        const struct nc_observe_scope *scope;   /* the first observation's; NULL = everything */
        bool dry_run;                   /* plan only */
        unsigned wait_seconds;          /* for links to be operationally up */
        struct nc_fault *fault;         /* crash injection (test builds); NULL = none */
        const struct nc_reconcile_ops *ops;
};

/* What a run found. The plans point into the states they were made from:
 * all live until nc_reconcile_report_done(). */
struct nc_reconcile_report {
        enum nc_reconcile_step step;    /* where it stopped; NC_RECONCILE_DONE: it ran to the end */
        struct nc_state *observed;      /* the first observation */
        struct nc_plan *plan;           /* planned from it (conflicts too) */
        bool applied;                   /* apply ran (result is set) */
        struct nc_apply_result result;
        struct nc_state *again;         /* verify's observation */
        struct nc_plan *rest;           /* what verify found still to do */
};

void nc_reconcile_report_done(struct nc_reconcile_report *report);

/* Runs the loop over the current network namespace. Returns 0 when it
 * ran to its end (a dry run or an empty plan end after planning; whether
 * the kernel converged is rest->n_actions), -EEXIST on conflicts (in the
 * first plan or verify's), or the negative errno of the step that failed
 * (report->step). */
int nc_reconcile(const struct nc_model *model, const struct nc_reconcile_opts *opts,
                 struct nc_reconcile_report *report);
