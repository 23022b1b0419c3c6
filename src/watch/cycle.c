/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netconverge/apply.h"
#include "netconverge/observe.h"
#include "netconverge/plan.h"
#include "netconverge/reconcile.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/trust.h"
#include "watch/watch.h"

/* One reconcile cycle: (re)load the file if asked, then the library's
 * loop (nc_reconcile(): take the run lock, observe, plan, apply when
 * there is something to do, verify), logged the watch's way.
 *
 * A cycle for kernel events alone reads again only what the events named
 * (the host's links, addresses and routes, the table, the containers of
 * our host veths that changed) and takes the rest from the last cycle's
 * observation: on a host with a thousand containers that is the
 * difference between one namespace and a thousand. Everything is read
 * again at start, when the file changed, on SIGHUP, at every resync (which
 * also catches changes inside containers: no events come from there), and
 * after anything failed or events were lost, so nothing stale outlives a
 * resync interval. */

static const struct {
        unsigned flag;
        const char *name;
} reason_names[] = {
        { NC_DIRTY_START, "start" },           { NC_DIRTY_RELOAD, "reload" },
        { NC_DIRTY_FILE, "file changed" },     { NC_DIRTY_DRIFT, "kernel drift" },
        { NC_DIRTY_RETRY, "retry" },           { NC_DIRTY_RESYNC, "resync" },
};

char *nc_watch_reasons(unsigned reasons) {
        struct nc_strbuf b = {};

        for (size_t i = 0; i < ELEMENTSOF(reason_names); i++) {
                if (!(reasons & reason_names[i].flag))
                        continue;
                /* A reload reads the file anyway: say it once. */
                if (reason_names[i].flag == NC_DIRTY_FILE && (reasons & NC_DIRTY_RELOAD))
                        continue;
                nc_strbuf_printf(&b, "%s%s", b.len ? ", " : "", reason_names[i].name);
        }
        if (b.len == 0)
                nc_strbuf_append(&b, "none");
        return nc_strbuf_steal(&b);
}

/* Diagnostics printed the usual way, logged a line each. */
static void log_diags(struct nc_watch *w, const struct nc_diags *d) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);

        if (!f) {
                nc_watch_log(&w->log, LOG_ERR, "%s: cannot load (and out of memory to say why)", w->path);
                return;
        }
        nc_print_diags_text(d, f);
        fclose(f);
        nc_watch_log_lines(&w->log, LOG_ERR, text);
}

int nc_watch_load(struct nc_watch *w) {
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        char reason[PATH_MAX + 256];
        struct nc_file_id id;
        struct nc_diags d;
        int r;

        /* Identity first: a change while reading shows as a new event. */
        (void) nc_file_id_get(w->path, &id);
        /* SPEC 7.6, on every load: a chmod g+w or an edit by another
         * user while watching is refused like a bad edit. */
        r = nc_trust_check(w->path, geteuid(), reason, sizeof(reason));
        if (r == -EPERM) {
                nc_watch_log(&w->log, LOG_ERR, "%s: refusing: %s", w->path, reason);
                w->file_id = id;
                return r;
        }
        if (nc_diags_init(&d, w->path) < 0)
                return -ENOMEM;
        r = nc_config_load_file(w->path, &d, &m);
        if (r < 0)
                log_diags(w, &d);
        nc_diags_done(&d);
        /* Tried, good or bad: a neighbour's event does not make it news. */
        w->file_id = id;
        if (r < 0)
                return r;
        nc_model_free(w->model);
        w->model = TAKE_PTR(m);
        return 0;
}

/* One cycle's kernel part, run by the library's loop (nc_reconcile())
 * through the callbacks below: they log and count, the loop does the rest. */
struct cycle {
        struct nc_watch *w;
        struct nc_cycle_result *res;
        unsigned reasons;
        struct nc_observe_scope scope;  /* the first observation's */
};

/* One line per change made, the plan's line; failures with the kernel's words. */
static void on_progress(const struct nc_action *a, int r, const char *message, void *userdata) {
        struct cycle *c = userdata;
        _cleanup_free_ char *line = nc_action_format(a);

        if (r < 0) {
                c->res->failed++;
                nc_watch_log(&c->w->log, LOG_ERR, "%s: %s", line ? line : "?",
                             message && message[0] ? message : strerror(-r));
                return;
        }
        switch (a->change) {
        case NC_CHANGE_ADD:
                c->res->added++;
                break;
        case NC_CHANGE_MODIFY:
                c->res->changed++;
                break;
        default:
                c->res->removed++;
                break;
        }
        nc_watch_log(&c->w->log, LOG_INFO, "%s", line ? line : "?");
}

/* Not a failure: the changes were made (src/apply/conntrack.c). */
static void on_warning(const char *message, void *userdata) {
        struct cycle *c = userdata;

        nc_watch_log(&c->w->log, LOG_WARNING, "%s, ignoring", message);
}

void nc_watch_forget(struct nc_watch *w) {
        w->last = nc_state_free(w->last);
        w->lost = true;
}

/* Waiting containers are no error; say so when the set changes (at every
 * cycle only with -v). */
static void log_waiting(struct nc_watch *w, const struct nc_plan *p) {
        struct nc_strbuf b = {};
        _cleanup_free_ char *now = NULL;
        bool changed;

        for (size_t i = 0; i < p->n_waiting; i++)
                if (p->waiting[i].bridge)
                        nc_strbuf_printf(&b, "waiting: bridge %s (vxlan underlay %s %s)\n", p->waiting[i].bridge,
                                         p->waiting[i].underlay, p->waiting[i].why);
                else
                        nc_strbuf_printf(&b, "waiting: container %s (netns %s does not exist)\n",
                                         p->waiting[i].container, p->waiting[i].netns);
        now = nc_strbuf_steal(&b);
        if (!now)
                return;
        changed = !w->waiting || strcmp(now, w->waiting) != 0;
        nc_watch_log_lines(&w->log, changed ? LOG_INFO : LOG_DEBUG, now);
        if (changed) {
                free(w->waiting);
                w->waiting = TAKE_PTR(now);
        }
}

/* A container's own conflict leaves that container as it is and the rest
 * converging (SPEC 7.7): an error, logged when the set changes (at every
 * cycle only with -v), like waiting. */
static void log_contained(struct nc_watch *w, const struct nc_plan *p) {
        struct nc_strbuf b = {};
        _cleanup_free_ char *now = NULL;
        bool changed;

        for (size_t i = 0; i < p->n_container_conflicts; i++)
                nc_strbuf_printf(&b, "conflict: %s\n", p->container_conflicts[i].message);
        now = nc_strbuf_steal(&b);
        if (!now)
                return;
        changed = !w->contained || strcmp(now, w->contained) != 0;
        if (now[0])
                nc_watch_log_lines(&w->log, changed ? LOG_ERR : LOG_DEBUG, now);
        if (changed) {
                free(w->contained);
                w->contained = TAKE_PTR(now);
        }
}

/* Moves what events named so far into scope (a fresh one). */
static void take_changed(struct nc_watch *w, struct nc_observe_scope *scope) {
        *scope = w->changed;
        w->changed = (struct nc_observe_scope) {};
}

/* Whether a cycle may start from the last observation. */
static bool may_scope(const struct nc_watch *w, unsigned reasons) {
        return w->last && !(reasons & (NC_DIRTY_START | NC_DIRTY_LOAD | NC_DIRTY_RESYNC | NC_DIRTY_RETRY));
}

/* Never waiting for the lock: the loop retries soon and keeps serving
 * signals. Verify's scope failing to build was never logged. */
static void on_error(enum nc_reconcile_step step, int r, const char *message, void *userdata) {
        struct cycle *c = userdata;

        if (step == NC_RECONCILE_LOCK && r == -ETIMEDOUT) {
                c->res->lock_busy = true;
                return;
        }
        if (step == NC_RECONCILE_LOCK)
                nc_watch_log(&c->w->log, LOG_ERR, "cannot take the run lock: %s", nc_lock_strerror(r));
        else if (step == NC_RECONCILE_OBSERVE)
                nc_watch_log(&c->w->log, LOG_ERR, "observe: %s", message[0] ? message : strerror(-r));
        else if (step == NC_RECONCILE_PLAN)
                nc_watch_log(&c->w->log, LOG_ERR, "planning: %s", strerror(-r));
        c->res->kernel_error = true;
}

/* Under the lock, what the events named so far is this cycle's scope:
 * anything named from here on comes as a new event. */
static int on_locked(void *userdata) {
        struct cycle *c = userdata;

        c->res->ran = true;
        take_changed(c->w, &c->scope);
        c->w->lost = false;
        if (may_scope(c->w, c->reasons))
                c->scope.previous = c->w->last;
        nc_observe_scope_sort(&c->scope);
        return 0;
}

static void on_observing(const struct nc_observe_scope *scope, void *userdata) {
        struct cycle *c = userdata;

        if (scope && scope->previous && nc_watch_log_enabled(&c->w->log, LOG_DEBUG))
                nc_watch_log(&c->w->log, LOG_DEBUG, "observing again: the host %s, %s%zu container namespace(s)",
                             scope->host_some ? "in part" : "not", scope->nft ? "the table, " : "", scope->n_netns);
}

/* A conflict means nothing at all may change (the loop stops). */
static int on_planned(const struct nc_plan *p, bool verify, void *userdata) {
        struct cycle *c = userdata;

        for (size_t i = 0; i < p->n_conflicts; i++)
                nc_watch_log(&c->w->log, LOG_ERR, "conflict: %s", p->conflicts[i]);
        /* Once a cycle: the verify's plan has the same. */
        for (size_t i = 0; !verify && i < p->n_warnings; i++)
                nc_watch_log(&c->w->log, LOG_WARNING, "warning: %s", p->warnings[i]);
        if (verify || p->n_conflicts > 0)
                return 0;
        log_waiting(c->w, p);
        log_contained(c->w, p);
        /* Not converged: retried with backoff, since what clears such a
         * problem may send no event (a namespace mounted over the file). */
        if (p->n_container_conflicts > 0)
                c->res->kernel_error = true;
        c->res->pending = p->n_actions;
        return 0;
}

/* Whatever apply did, verify reads the kernel again. */
static int on_applied(int r, const struct nc_apply_result *result, void *userdata) {
        struct cycle *c = userdata;

        if (r < 0 && r != -EIO) {
                nc_watch_log(&c->w->log, LOG_ERR, "apply: %s", strerror(-r));
                c->res->kernel_error = true;
        }
        if (result->not_up > 0)
                nc_watch_log(&c->w->log, LOG_WARNING, "%zu link(s) not operationally up after %u s", result->not_up,
                             NC_WATCH_APPLY_WAIT_S);
        if (c->res->failed > 0)
                c->res->kernel_error = true;
        return 0;
}

/* Verify reads again what the plan touched and what the events queued
 * meanwhile name (apply's own echo, and anyone else's change): anything
 * that changes from here on comes as a new event. */
static void on_verify_scope(struct nc_observe_scope *scope, void *userdata) {
        struct cycle *c = userdata;
        const struct nc_state *observed = scope->previous;

        nc_watch_monitor_collect(c->w);
        take_changed(c->w, scope);
        /* Events lost while collecting: everything. */
        scope->previous = c->w->lost ? NULL : observed;
}

static const struct nc_reconcile_ops cycle_ops = {
        .error = on_error,
        .locked = on_locked,
        .observing = on_observing,
        .planned = on_planned,
        .progress = on_progress,
        .warning = on_warning,
        .applied = on_applied,
        .verify_scope = on_verify_scope,
};

/* What is left after apply, logged; with a failure already reported, the
 * rest is its echo. */
static void log_rest(struct nc_watch *w, const struct nc_cycle_result *res, const struct nc_plan *rest) {
        int level = res->failed ? LOG_DEBUG : LOG_WARNING;

        nc_watch_log(&w->log, level, "not converged after apply; still to do:");
        for (size_t i = 0; i < rest->n_actions; i++) {
                _cleanup_free_ char *line = nc_action_format(&rest->actions[i]);

                nc_watch_log(&w->log, level, "  %s", line ? line : "?");
        }
}

/* What the loop found becomes the next cycle's starting point: verify's
 * observation (or the first when nothing was to do), unless something
 * failed (then the next cycle reads everything). */
static void settle(struct nc_watch *w, int r, struct nc_reconcile_report *rep, struct nc_cycle_result *res) {
        if (rep->step == NC_RECONCILE_LOCK)
                return;
        if (rep->step == NC_RECONCILE_OBSERVE || rep->step == NC_RECONCILE_PLAN) {
                res->kernel_error = true;
                nc_watch_forget(w);
                return;
        }
        if (!rep->applied) {
                nc_state_free(w->last);
                w->last = TAKE_PTR(rep->observed);
                return;
        }
        if (r < 0)
                res->kernel_error = true;
        else if (rep->rest->n_actions > 0) {
                log_rest(w, res, rep->rest);
                res->kernel_error = true;
        }
        nc_state_free(w->last);
        w->last = res->kernel_error ? NULL : TAKE_PTR(rep->again);
}

static void kernel_part(struct nc_watch *w, unsigned reasons, struct nc_cycle_result *res) {
        struct cycle c = { .w = w, .res = res, .reasons = reasons };
        struct nc_reconcile_ops ops = cycle_ops;
        struct nc_reconcile_opts opts = {
                .lock = NC_RECONCILE_LOCK_TAKE,
                .lock_timeout_s = 0,
                .scope = &c.scope,
                .wait_seconds = NC_WATCH_APPLY_WAIT_S,
                .ops = &ops,
        };
        struct nc_reconcile_report rep;
        int r;

        ops.userdata = &c;
        r = nc_reconcile(w->model, &opts, &rep);
        settle(w, r, &rep, res);
        nc_reconcile_report_done(&rep);
        nc_observe_scope_done(&c.scope);
}

void nc_watch_cycle(struct nc_watch *w, unsigned reasons, struct nc_cycle_result *res) {
        *res = (struct nc_cycle_result) {};
        /* The directory may be back since it went. */
        if (w->inotify_wd < 0 && nc_watch_dir_rewatch(w) > 0) {
                nc_watch_log(&w->log, LOG_INFO, "%s: watching the directory again", w->dir);
                reasons |= NC_DIRTY_FILE;
        }
        if (reasons & NC_DIRTY_LOAD) {
                if (nc_watch_load(w) < 0) {
                        res->config_error = true;
                        nc_watch_log(&w->log, LOG_ERR, "%s: not loaded; the last good configuration stays in force",
                                     w->path);
                        /* Nothing else asked for: the kernel matched the old file. */
                        if (!(reasons & ~NC_DIRTY_LOAD))
                                return;
                } else
                        nc_watch_log(&w->log, LOG_DEBUG, "%s: loaded", w->path);
        }
        kernel_part(w, reasons, res);
}
