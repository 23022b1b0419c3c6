/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "netconverge/netns.h"
#include "netconverge/observe.h"
#include "netconverge/snapshot.h"
#include "util/cleanup.h"
#include "util/readfile.h"
#include "util/trust.h"

/* The steps diff, apply and destroy share: load, observe, plan, report
 * (apply's and destroy's loop is the library's: converge.c).
 * Each reports its own failure once, naming the command, and returns a
 * negative errno. */

int nc_cli_check_file(const struct nc_ctx *ctx, const char *path, bool refuse) {
        char reason[PATH_MAX + 256];
        int r;

        r = nc_trust_check(path, geteuid(), reason, sizeof(reason));
        if (r != -EPERM)
                return 0;
        if (refuse) {
                nc_cli_error(ctx, NC_ERROR_FILE, "%s: refusing: %s", path, reason);
                return r;
        }
        nc_cli_note(ctx, "warning: %s: %s; apply and watch refuse such a file", path, reason);
        return 0;
}

int nc_cli_model_from_buffer(const struct nc_ctx *ctx, const char *path, const char *buf, size_t len,
                             struct nc_model **ret) {
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        struct nc_diags d;
        int r;

        if (nc_diags_init(&d, path) < 0)
                return -ENOMEM;
        r = nc_config_load_buffer(buf, len, &d, &m);
        if (r < 0)
                nc_cli_print_diags(ctx, NC_ERROR_FILE, &d);
        nc_diags_done(&d);
        if (r >= 0)
                *ret = TAKE_PTR(m);
        return r;
}

int nc_cli_load_model_bytes(const struct nc_ctx *ctx, const char *path, char **ret_buf, size_t *ret_len,
                            struct nc_model **ret) {
        _cleanup_free_ char *buf = NULL;
        struct nc_diags d;
        size_t len = 0;
        int r;

        if (nc_diags_init(&d, path) < 0)
                return -ENOMEM;
        r = nc_read_file_bounded(path, NC_CONFIG_MAX_BYTES, &d, &buf, &len);
        if (r < 0)
                nc_cli_print_diags(ctx, NC_ERROR_FILE, &d);
        nc_diags_done(&d);
        if (r >= 0)
                r = nc_cli_model_from_buffer(ctx, path, buf, len, ret);
        if (r < 0)
                return r;
        *ret_buf = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

int nc_cli_load_model(const struct nc_ctx *ctx, const char *path, struct nc_model **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t len;

        return nc_cli_load_model_bytes(ctx, path, &buf, &len, ret);
}

int nc_cli_enter_netns(const struct nc_ctx *ctx) {
        int r;

        if (!ctx->netns)
                return 0;
        r = nc_netns_enter_named(ctx->netns);
        if (r < 0)
                nc_cli_error(ctx, NC_ERROR_NETNS, "cannot enter netns %s: %s", ctx->netns, strerror(-r));
        return r;
}

int nc_cli_observe(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_observe_scope *scope,
                   struct nc_state **ret) {
        char err[512] = "";
        int r;

        r = nc_observe_scoped(m, scope, ret, err, sizeof(err));
        if (r < 0)
                nc_cli_observe_error(ctx, r, err);
        return r;
}

void nc_cli_observe_error(const struct nc_ctx *ctx, int r, const char *message) {
        nc_cli_error(ctx, NC_ERROR_OBSERVE, "observe: %s", message && message[0] ? message : strerror(-r));
}

void nc_cli_report_conflicts(const struct nc_ctx *ctx, const struct nc_plan *p, bool containers) {
        /* A conflict is found while planning, so nothing at all changes. */
        for (size_t i = 0; i < p->n_conflicts; i++)
                nc_cli_error(ctx, NC_ERROR_CONFLICT, "conflict: %s", p->conflicts[i]);
        /* A container's own conflict stops only that container (SPEC 7.7). */
        for (size_t i = 0; containers && i < p->n_container_conflicts; i++)
                nc_cli_error(ctx, NC_ERROR_CONFLICT, "conflict: %s", p->container_conflicts[i].message);
}

void nc_cli_report_warnings(const struct nc_ctx *ctx, const struct nc_plan *p) {
        /* Not errors: the plan stands (and is in the JSON's "warnings"). */
        for (size_t i = 0; i < p->n_warnings; i++)
                nc_cli_note(ctx, "warning: %s", p->warnings[i]);
}

int nc_cli_read_snapshot(const struct nc_ctx *ctx, const char *path, struct nc_state **ret) {
        struct nc_diags d;
        int r;

        if (nc_diags_init(&d, path) < 0)
                return -ENOMEM;
        r = nc_snapshot_read_file(path, &d, ret);
        if (r < 0)
                nc_cli_print_diags(ctx, NC_ERROR_SNAPSHOT, &d);
        nc_diags_done(&d);
        return r;
}

int nc_cli_plan(const struct nc_ctx *ctx, const struct nc_model *m, const struct nc_state *observed,
                struct nc_plan **ret) {
        _cleanup_(nc_plan_freep) struct nc_plan *p = NULL;
        int r;

        r = nc_plan_compute(m, observed, &p);
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_PLAN, "planning: %s", strerror(-r));
                return r;
        }
        nc_cli_report_conflicts(ctx, p, true);
        nc_cli_report_warnings(ctx, p);
        r = p->n_conflicts > 0 ? -EEXIST : 0;
        *ret = TAKE_PTR(p);
        return r;
}

int nc_cli_print_plan(const struct nc_ctx *ctx, const struct nc_plan *p) {
        struct nc_document doc = nc_cli_document(ctx);
        int r;

        if (ctx->format == NC_OUTPUT_JSON) {
                r = nc_print_plan_json(p, &doc, stdout);
                nc_cli_document_printed(ctx);
        } else {
                r = nc_print_plan_text(p, stdout);
                fflush(stdout);
        }
        return r < 0 ? -ENOMEM : 0;
}

struct nc_model *nc_cli_empty_model(void) {
        struct nc_model *m = nc_model_new();

        if (!m)
                return NULL;
        m->settings.table = strdup(NC_TABLE_DEFAULT);
        if (!m->settings.table)
                return nc_model_free(m);
        return m;
}
