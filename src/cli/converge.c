/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "netconverge/apply.h"
#include "netconverge/reconcile.h"
#include "netconverge/watch.h"
#include "util/cleanup.h"
#include "util/escape.h"
#include "util/fault.h"
#include "util/strbuf.h"

/* How long a second run waits for the lock before failing clearly. */
#define LOCK_TIMEOUT_SECONDS 60

/* One apply or destroy run: what its JSON document reports (text mode
 * prints as it goes and only uses the plan). */
struct converge {
        const struct nc_ctx *ctx;
        const struct nc_converge_opts *o;
        /* The core's findings: its states live as long as their plans,
         * until the document is printed. */
        struct nc_reconcile_report rec;
        struct nc_change_result *results;       /* one per plan action, once apply ran */
        struct nc_link_name *not_up;
        size_t n_not_up, cap_not_up;
        struct nc_apply_report report;
        size_t vanished;                        /* container namespaces deleted while applying */
        const char **vanished_netns;            /* their names (the model's) */
        struct nc_fault fault;                  /* NC_FAULT (netconverge-fault only) */
};

static void converge_done(struct converge *c) {
        for (size_t i = 0; c->results && i < c->rec.plan->n_actions; i++)
                nc_change_result_done(&c->results[i]);
        free(c->results);
        for (size_t i = 0; i < c->n_not_up; i++) {
                free(c->not_up[i].netns);
                free(c->not_up[i].name);
        }
        free(c->not_up);
        free(c->vanished_netns);
        nc_reconcile_report_done(&c->rec);
}

/* Failures always, one line each with the change and the kernel's words;
 * successes only with -v. */
static void on_progress(const struct nc_action *a, int r, const char *message, void *userdata) {
        struct converge *c = userdata;
        _cleanup_free_ char *line = nc_action_format(a);

        /* The action is one of the core's plan's: its index is its result's. */
        if (nc_change_result_set(&c->results[a - c->rec.plan->actions], r, message) < 0)
                nc_cli_error(c->ctx, NC_ERROR_INTERNAL, "%s", strerror(ENOMEM));
        if (r < 0)
                nc_cli_error(c->ctx, NC_ERROR_APPLY, "%s: %s", line ? line : "?", message ? message : strerror(-r));
        else if (c->ctx->log_level == NC_LOG_VERBOSE) {
                fprintf(stderr, "%s: done: ", c->ctx->run ? c->ctx->run->command : "apply");
                nc_escape_fputs(line ? line : "?", stderr);
                fputc('\n', stderr);
        }
}

/* Not a failure: the changes were made (src/apply/conntrack.c). */
static void on_warning(const char *message, void *userdata) {
        struct converge *c = userdata;

        nc_cli_note(c->ctx, "warning: %s, ignoring", message);
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

/* A container namespace that existed when the plan was made and is gone
 * now was deleted while applying: that container's problem alone (the
 * others went on). Said once, naming it; the next apply treats it as any
 * missing namespace. Returns how many. */
static size_t report_vanished(struct converge *c, const struct nc_model *m) {
        size_t n = 0;

        free(c->vanished_netns);
        c->vanished_netns = calloc(m->n_containers + 1, sizeof(*c->vanished_netns));
        if (!c->vanished_netns)
                return 0;

        for (size_t i = 0; i < m->n_containers; i++) {
                const struct nc_container *ct = &m->containers[i];
                const struct nc_namespace *before = nc_state_find_namespace(c->rec.observed, ct->netns);
                const struct nc_namespace *now = nc_state_find_namespace(c->rec.again, ct->netns);

                if (!before || !before->exists || !now || now->exists)
                        continue;
                nc_cli_error(c->ctx, NC_ERROR_APPLY, "container %s: netns %s was deleted while applying; %s", ct->name,
                             ct->netns,
                             nc_netns_is_path(ct->netns) ? "it waits for it" : "the next apply creates it again");
                c->vanished_netns[n++] = ct->netns;
        }
        return n;
}

/* Whether a is about namespace netns: in it, or a veth with an end there
 * (or, for a host end, made for it). */
static bool action_in_netns(const struct nc_action *a, const char *netns) {
        const char *ns[NC_ACTION_NETNS_MAX];
        size_t n = nc_action_namespaces(a, ns);

        for (size_t i = 0; i < n; i++)
                if (strcmp(ns[i], netns) == 0)
                        return true;
        return false;
}

/* Is all that is left about namespaces deleted while applying? Then it is
 * said (report_vanished()), not "did not converge": the kernel tears a
 * namespace down after the last fd to it is closed, taking the veths
 * made into it (and their host ends) a moment later. */
static bool rest_is_vanished(const struct converge *c) {
        for (size_t i = 0; i < c->rec.rest->n_actions; i++) {
                bool in = false;

                for (size_t k = 0; k < c->vanished && !in; k++)
                        in = action_in_netns(&c->rec.rest->actions[i], c->vanished_netns[k]);
                if (!in)
                        return false;
        }
        return true;
}

/* The core verified (re-observed what the plan touched and planned
 * again): what is left must be nothing, or only about namespaces deleted
 * while applying. */
static int judge(struct converge *c, const struct nc_model *m) {
        const struct nc_ctx *ctx = c->ctx;

        c->vanished = report_vanished(c, m);
        if (c->rec.rest->n_actions == 0 || (c->vanished > 0 && rest_is_vanished(c))) {
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
        nc_print_plan_text(c->rec.rest, stderr);
        return -EAGAIN;
}

static void lock_error(const struct nc_ctx *ctx, int lock) {
        if (lock == -ETIMEDOUT)
                nc_cli_error(ctx, NC_ERROR_LOCK, "another netconverge run holds the lock; gave up after %d s",
                             LOCK_TIMEOUT_SECONDS);
        else if (lock < 0) {
                char path[64] = "";

                (void) nc_lock_path(path, sizeof(path));
                nc_cli_error(ctx, NC_ERROR_LOCK, "cannot take the run lock %s: %s", path, nc_lock_strerror(lock));
        }
}

static void holder_donep(struct nc_watch_holder *h) {
        nc_watch_holder_done(h);
}

/* The same file, however named (by inode: a relative path, a symlink). */
static bool same_file(const char *a, const char *b) {
        struct stat sa, sb;

        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* A watch keeping a file in force here would undo this run within a
 * second of it ending, while the run reports success: refuse, unless
 * forced or the file is the watch's own (the watch would make the same
 * changes). Called holding the run lock, so a watch cannot start
 * unseen meanwhile (src/watch/advert.c). */
static int check_watch(const struct nc_ctx *ctx, const struct nc_converge_opts *o) {
        _cleanup_(holder_donep) struct nc_watch_holder h = {};
        const char *command = ctx->run && ctx->run->command ? ctx->run->command : "apply";
        char err[512] = "", where[300];
        int r;

        r = nc_watch_advert_find(&h, err, sizeof(err));
        if (r < 0 && o->force)
                return 0;
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_WATCH, "cannot tell whether a watch runs here: %s; use --force to go on",
                             err[0] ? err : strerror(-r));
                return r;
        }
        if (r == 0)
                return 0;
        if (o->file && same_file(o->file, h.path)) {
                if (ctx->log_level == NC_LOG_VERBOSE)
                        fprintf(stderr, "%s: a watch (pid %ld) keeps this same file in force here; going on\n",
                                command, (long) h.pid);
                return 0;
        }
        snprintf(where, sizeof(where), "%s%s", ctx->netns ? "netns " : "this host", ctx->netns ? ctx->netns : "");
        if (o->force) {
                if (ctx->format != NC_OUTPUT_JSON && ctx->log_level != NC_LOG_QUIET)
                        fprintf(stderr, "netconverge: %s: warning: a watch (pid %ld) keeps %s in force on %s and "
                                "will converge back to it; going on (--force)\n",
                                command, (long) h.pid, h.path, where);
                return 0;
        }
        nc_cli_error(ctx, NC_ERROR_WATCH, "a watch (pid %ld) keeps %s in force on %s; stop it or use --force",
                     (long) h.pid, h.path, where);
        return -EBUSY;
}

/* SPEC 7.7: containers left as they are for a problem of their own (the
 * plan reported each): the rest is applied, and the run still fails. */
static bool contained(const struct converge *c) {
        return c->rec.plan && c->rec.plan->n_container_conflicts > 0;
}

/* The core's callbacks: each says what happened the way apply always has. */
static void on_error(enum nc_reconcile_step step, int r, const char *message, void *userdata) {
        struct converge *c = userdata;

        if (step == NC_RECONCILE_LOCK)
                lock_error(c->ctx, r);
        else if (step == NC_RECONCILE_OBSERVE)
                nc_cli_observe_error(c->ctx, r, message);
        else if (step == NC_RECONCILE_PLAN)
                nc_cli_error(c->ctx, NC_ERROR_PLAN, "planning: %s", strerror(-r));
        else
                nc_cli_error(c->ctx, NC_ERROR_INTERNAL, "%s", strerror(-r));
}

/* Called holding the run lock. */
static int on_locked(void *userdata) {
        struct converge *c = userdata;

        return check_watch(c->ctx, c->o);
}

/* apply --no-disrupt (SPEC 7.4): each disruptive change is an error, and
 * nothing is changed (with --dry-run too: exit 1 says it would refuse). */
static int refuse_disruption(const struct converge *c, const struct nc_plan *p) {
        if (!c->o->no_disrupt || p->n_disruptive == 0)
                return 0;
        for (size_t i = 0; i < p->n_actions; i++) {
                _cleanup_free_ char *line = NULL;

                if (!p->actions[i].disruptive)
                        continue;
                line = nc_action_format(&p->actions[i]);
                nc_cli_error(c->ctx, NC_ERROR_DISRUPT, "--no-disrupt: %s", line ? line : strerror(ENOMEM));
        }
        nc_cli_error(c->ctx, NC_ERROR_DISRUPT,
                     "--no-disrupt: %zu change%s would break established traffic; nothing was changed",
                     p->n_disruptive, p->n_disruptive == 1 ? "" : "s");
        return -ECANCELED;
}

/* Conflicts as errors (a container's own only the first time); the
 * first plan printed unless quiet, and its results made room for. */
static int on_planned(const struct nc_plan *p, bool verify, void *userdata) {
        struct converge *c = userdata;
        const struct nc_ctx *ctx = c->ctx;

        nc_cli_report_conflicts(ctx, p, !verify);
        /* Once: the verify's plan has the same. */
        if (!verify)
                nc_cli_report_warnings(ctx, p);
        if (verify || p->n_conflicts > 0)
                return 0;
        if (c->o->saved && nc_cli_check_saved(ctx, c->o->saved, c->rec.observed, p) < 0)
                return -ESTALE;
        if (ctx->format != NC_OUTPUT_JSON && (ctx->log_level != NC_LOG_QUIET || c->o->dry_run) &&
            nc_cli_print_plan(ctx, p) < 0)
                return -ENOMEM;
        if (refuse_disruption(c, p) < 0)
                return -ECANCELED;
        if (c->o->dry_run || p->n_actions == 0)
                return 0;
        c->results = calloc(p->n_actions, sizeof(*c->results));
        if (!c->results) {
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "%s", strerror(ENOMEM));
                return -ENOMEM;
        }
        c->report.results = c->results;
        return 0;
}

/* A failure to apply at all stops the run; refused changes and links
 * not up are verified all the same. */
static int on_applied(int r, const struct nc_apply_result *result, void *userdata) {
        struct converge *c = userdata;

        if (r < 0 && r != -EIO) {
                nc_cli_error(c->ctx, NC_ERROR_APPLY, "%s", strerror(-r));
                return r;
        }
        c->report.not_up = c->not_up;
        c->report.n_not_up = c->n_not_up;
        if (result->not_up > 0)
                nc_cli_error(c->ctx, NC_ERROR_NOT_UP, "%zu link(s) not operationally up after %u s", result->not_up,
                             c->o->wait_seconds);
        return 0;
}

static const struct nc_reconcile_ops converge_ops = {
        .error = on_error,
        .locked = on_locked,
        .planned = on_planned,
        .progress = on_progress,
        .not_up = on_not_up,
        .warning = on_warning,
        .applied = on_applied,
};

/* Plans and makes the changes; returns an exit code. The JSON document
 * is printed by the caller, from what this leaves in c. */
static int run(struct converge *c, const struct nc_model *m, const struct nc_converge_opts *o) {
        const struct nc_ctx *ctx = c->ctx;
        struct nc_reconcile_ops ops = converge_ops;
        struct nc_reconcile_opts ropts = {
                /* A dry run changes nothing: it needs no lock. */
                .lock = o->dry_run ? NC_RECONCILE_LOCK_HELD : NC_RECONCILE_LOCK_TAKE,
                .lock_timeout_s = LOCK_TIMEOUT_SECONDS,
                .dry_run = o->dry_run,
                .wait_seconds = o->wait_seconds,
                .fault = &c->fault,
                .ops = &ops,
        };
        int r;

        ops.userdata = c;
        if (nc_cli_enter_netns(ctx) < 0)
                return NC_EXIT_ERROR;
        r = nc_reconcile(m, &ropts, &c->rec);
        c->report.plan = c->rec.plan;
        if (r == -EEXIST && c->rec.step == NC_RECONCILE_VERIFY)
                c->report.verified = 0;
        if (r < 0)
                return NC_EXIT_ERROR;
        if (!c->rec.applied) {
                c->report.verified = o->dry_run ? -1 : 1;
                return contained(c) ? NC_EXIT_ERROR : NC_EXIT_OK;
        }
        if (judge(c, m) < 0 || c->rec.result.failed > 0 || c->rec.result.not_up > 0)
                return NC_EXIT_ERROR;
        if (ctx->format != NC_OUTPUT_JSON && ctx->log_level != NC_LOG_QUIET)
                printf("Applied: %zu added, %zu changed, %zu removed.\n", c->rec.plan->n_add, c->rec.plan->n_modify,
                       c->rec.plan->n_remove);
        if (contained(c) || c->vanished > 0)
                return NC_EXIT_ERROR;
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
                              .o = o,
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
        if (ctx->format == NC_OUTPUT_JSON && c.rec.plan) {
                struct nc_document doc = nc_cli_document(ctx);

                c.report.rest = c.rec.rest;
                if (nc_print_apply_json(&c.report, &doc, stdout) < 0)
                        code = NC_EXIT_ERROR;
                nc_cli_document_printed(ctx);
        }
        converge_done(&c);
        return code;
}
