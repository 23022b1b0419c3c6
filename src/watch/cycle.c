/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netconverge/apply.h"
#include "netconverge/observe.h"
#include "netconverge/plan.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "watch/watch.h"

/* One reconcile cycle: (re)load the file if asked, take the run lock,
 * observe, plan, apply when there is something to do, then verify. Every
 * cycle observes the kernel in full: nothing is cached between cycles, so
 * a failed one leaves nothing stale behind and the next starts from the
 * real state. */

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
        struct nc_file_id id;
        struct nc_diags d;
        int r;

        /* Identity first: a change while reading shows as a new event. */
        (void) nc_file_id_get(w->path, &id);
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

static void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

struct progress {
        struct nc_watch *w;
        struct nc_cycle_result *res;
};

/* One line per change made, the plan's line; failures with the kernel's words. */
static void on_progress(const struct nc_action *a, int r, const char *message, void *userdata) {
        struct progress *p = userdata;
        _cleanup_free_ char *line = nc_action_format(a);

        if (r < 0) {
                p->res->failed++;
                nc_watch_log(&p->w->log, LOG_ERR, "%s: %s", line ? line : "?",
                             message && message[0] ? message : strerror(-r));
                return;
        }
        switch (a->change) {
        case NC_CHANGE_ADD:
                p->res->added++;
                break;
        case NC_CHANGE_MODIFY:
                p->res->changed++;
                break;
        default:
                p->res->removed++;
                break;
        }
        nc_watch_log(&p->w->log, LOG_INFO, "%s", line ? line : "?");
}

static int observe(struct nc_watch *w, struct nc_state **ret) {
        char err[512] = "";
        int r;

        r = nc_observe(w->model, ret, err, sizeof(err));
        if (r < 0)
                nc_watch_log(&w->log, LOG_ERR, "observe: %s", err[0] ? err : strerror(-r));
        return r;
}

static int plan(struct nc_watch *w, const struct nc_state *observed, struct nc_plan **ret) {
        _cleanup_(nc_plan_freep) struct nc_plan *p = NULL;
        int r;

        r = nc_plan_compute(w->model, observed, &p);
        if (r < 0) {
                nc_watch_log(&w->log, LOG_ERR, "planning: %s", strerror(-r));
                return r;
        }
        /* A conflict means nothing at all may change. */
        for (size_t i = 0; i < p->n_conflicts; i++)
                nc_watch_log(&w->log, LOG_ERR, "conflict: %s", p->conflicts[i]);
        if (p->n_conflicts > 0)
                return -EEXIST;
        *ret = TAKE_PTR(p);
        return 0;
}

/* Waiting containers are no error; say so when the set changes (at every
 * cycle only with -v). */
static void log_waiting(struct nc_watch *w, const struct nc_plan *p) {
        struct nc_strbuf b = {};
        _cleanup_free_ char *now = NULL;
        bool changed;

        for (size_t i = 0; i < p->n_waiting; i++)
                nc_strbuf_printf(&b, "waiting: container %s (netns %s does not exist)\n", p->waiting[i].container,
                                 p->waiting[i].netns);
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

/* After apply: what is left. The events apply caused were dropped just
 * before, so anything that changes from here on is news. */
static int verify(struct nc_watch *w, struct nc_cycle_result *res) {
        _cleanup_(nc_state_freep) struct nc_state *again = NULL;
        _cleanup_(nc_plan_freep) struct nc_plan *rest = NULL;
        int r;

        r = observe(w, &again);
        if (r < 0)
                return r;
        r = plan(w, again, &rest);
        if (r < 0)
                return r;
        if (rest->n_actions == 0)
                return 0;
        /* With a failure already reported, the rest is its echo. */
        nc_watch_log(&w->log, res->failed ? LOG_DEBUG : LOG_WARNING, "not converged after apply; still to do:");
        for (size_t i = 0; i < rest->n_actions; i++) {
                _cleanup_free_ char *line = nc_action_format(&rest->actions[i]);

                nc_watch_log(&w->log, res->failed ? LOG_DEBUG : LOG_WARNING, "  %s", line ? line : "?");
        }
        return -EAGAIN;
}

static void kernel_part(struct nc_watch *w, struct nc_cycle_result *res) {
        _cleanup_(nc_state_freep) struct nc_state *observed = NULL;
        _cleanup_(nc_plan_freep) struct nc_plan *p = NULL;
        struct progress progress = { w, res };
        struct nc_apply_opts aopts = {
                .wait_seconds = NC_WATCH_APPLY_WAIT_S,
                .progress = on_progress,
                .userdata = &progress,
        };
        struct nc_apply_result ares = {};
        int r;

        res->ran = true;
        if (observe(w, &observed) < 0 || plan(w, observed, &p) < 0) {
                res->kernel_error = true;
                return;
        }
        log_waiting(w, p);
        res->pending = p->n_actions;
        if (p->n_actions == 0)
                return;

        r = nc_apply(p, &aopts, &ares);
        if (r < 0 && r != -EIO) {
                nc_watch_log(&w->log, LOG_ERR, "apply: %s", strerror(-r));
                res->kernel_error = true;
        }
        if (ares.not_up > 0)
                nc_watch_log(&w->log, LOG_WARNING, "%zu link(s) not operationally up after %u s", ares.not_up,
                             NC_WATCH_APPLY_WAIT_S);
        if (res->failed > 0)
                res->kernel_error = true;

        /* Our own changes echo back as events: drop them, then look again.
         * Whatever changed before this point is in the new observation;
         * whatever changes after it comes as a new event. */
        nc_watch_monitor_discard(w);
        if (verify(w, res) < 0)
                res->kernel_error = true;
}

void nc_watch_cycle(struct nc_watch *w, unsigned reasons, struct nc_cycle_result *res) {
        _cleanup_(closep) int lock = -1;

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

        /* Never wait here: the loop retries soon and keeps serving signals. */
        lock = nc_lock_acquire(0);
        if (lock == -ETIMEDOUT) {
                res->lock_busy = true;
                return;
        }
        if (lock < 0) {
                nc_watch_log(&w->log, LOG_ERR, "cannot take the run lock: %s", strerror(-lock));
                res->kernel_error = true;
                return;
        }
        kernel_part(w, res);
}
