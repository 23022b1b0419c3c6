/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "netconverge/reconcile.h"
#include "util/cleanup.h"

/* One loop for apply, destroy and watch (include/netconverge/reconcile.h).
 * Nothing here prints: each step says what it found through the caller's
 * callbacks, which decide the words, the stream and the log level. */

#define CALL(ops, fn, ...) ((ops)->fn ? (ops)->fn(__VA_ARGS__, (ops)->userdata) : 0)

void nc_reconcile_report_done(struct nc_reconcile_report *report) {
        /* Plans first: they point into the states. */
        nc_plan_free(report->rest);
        nc_state_free(report->again);
        nc_plan_free(report->plan);
        nc_state_free(report->observed);
        *report = (struct nc_reconcile_report) {};
}

static void fail(const struct nc_reconcile_ops *ops, enum nc_reconcile_step step, int r, const char *message) {
        if (ops->error)
                ops->error(step, r, message, ops->userdata);
}

static int observe(const struct nc_model *model, const struct nc_observe_scope *scope,
                   const struct nc_reconcile_ops *ops, struct nc_state **ret) {
        char err[512] = "";
        int r;

        if (ops->observing)
                ops->observing(scope, ops->userdata);
        r = nc_observe_scoped(model, scope, ret, err, sizeof(err));
        if (r < 0)
                fail(ops, NC_RECONCILE_OBSERVE, r, err);
        return r;
}

/* Plans from observed into *ret; conflicts give -EEXIST with the plan
 * kept (a JSON document lists them). */
static int plan(const struct nc_model *model, const struct nc_state *observed, bool verify,
                const struct nc_reconcile_ops *ops, struct nc_plan **ret) {
        int r;

        r = nc_plan_compute(model, observed, ret);
        if (r < 0) {
                fail(ops, NC_RECONCILE_PLAN, r, "");
                return r;
        }
        r = CALL(ops, planned, *ret, verify);
        if (r < 0)
                return r;
        return (*ret)->n_conflicts > 0 ? -EEXIST : 0;
}

/* After applying, the kernel must show nothing left to do. What the plan
 * touched is read again (the host whenever a change was made there) with
 * whatever the caller adds (the watch: what its events named meanwhile);
 * the rest of the first observation stands, read under the same lock a
 * moment ago. */
static int verify(const struct nc_model *model, const struct nc_reconcile_ops *ops,
                  struct nc_reconcile_report *report) {
        _cleanup_(nc_observe_scope_done) struct nc_observe_scope scope = { .previous = report->observed };
        int r;

        if (ops->verify_scope)
                ops->verify_scope(&scope, ops->userdata);
        r = nc_observe_scope_add_plan(&scope, report->plan);
        if (r < 0) {
                fail(ops, NC_RECONCILE_VERIFY, r, "");
                return r;
        }
        nc_observe_scope_sort(&scope);
        r = observe(model, &scope, ops, &report->again);
        if (r < 0)
                return r;
        return plan(model, report->again, true, ops, &report->rest);
}

static int apply(const struct nc_reconcile_opts *opts, struct nc_reconcile_report *report) {
        const struct nc_reconcile_ops *ops = opts->ops;
        struct nc_apply_opts aopts = { .wait_seconds = opts->wait_seconds, .progress = ops->progress,
                                       .not_up = ops->not_up, .warning = ops->warning, .userdata = ops->userdata,
                                       .fault = opts->fault, .observed = report->observed };
        int r;

        r = nc_apply(report->plan, &aopts, &report->result);
        report->applied = true;
        return CALL(ops, applied, r, &report->result);
}

static int run(const struct nc_model *model, const struct nc_reconcile_opts *opts,
               struct nc_reconcile_report *report) {
        const struct nc_reconcile_ops *ops = opts->ops;
        int r;

        report->step = NC_RECONCILE_OBSERVE;
        r = observe(model, opts->scope, ops, &report->observed);
        if (r < 0)
                return r;
        report->step = NC_RECONCILE_PLAN;
        r = plan(model, report->observed, false, ops, &report->plan);
        if (r < 0)
                return r;
        if (opts->dry_run || report->plan->n_actions == 0)
                goto done;
        report->step = NC_RECONCILE_APPLY;
        r = apply(opts, report);
        if (r < 0)
                return r;
        report->step = NC_RECONCILE_VERIFY;
        r = verify(model, ops, report);
        if (r < 0)
                return r;
done:
        report->step = NC_RECONCILE_DONE;
        return 0;
}

int nc_reconcile(const struct nc_model *model, const struct nc_reconcile_opts *opts,
                 struct nc_reconcile_report *report) {
        static const struct nc_reconcile_ops none = {};
        struct nc_reconcile_opts o = *opts;
        _cleanup_close_ int lock = -1;        /* the run lock: closing it releases it */
        int r;

        *report = (struct nc_reconcile_report) { .step = NC_RECONCILE_LOCK };
        if (!o.ops)
                o.ops = &none;
        if (o.lock == NC_RECONCILE_LOCK_TAKE) {
                lock = nc_lock_acquire(o.lock_timeout_s);
                if (lock < 0) {
                        fail(o.ops, NC_RECONCILE_LOCK, lock, "");
                        return lock;
                }
                r = o.ops->locked ? o.ops->locked(o.ops->userdata) : 0;
                if (r < 0)
                        return r;
        }
        return run(model, &o, report);
}
