/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE     /* asprintf() */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/reconcile.h"
#include "netconverge/config.h"
#include "netconverge/saved.h"
#include "util/cleanup.h"
#include "util/digest.h"
#include "util/readfile.h"
#include "util/strbuf.h"

/* Saved plans on the command line (SPEC 7.4; docs/saved-plan.md):
 * diff FILE --out PLAN writes one, apply --plan PLAN reads it and makes its
 * changes only while the kernel holds the state it was made against. */

/* Written beside its name, then renamed over it: a reader never sees half
 * a plan. Mode 0644: apply --plan refuses a plan others could change. */
static int write_atomically(const struct nc_saved_plan *sp, const struct nc_plan *p, const char *path) {
        _cleanup_free_ char *tmp = NULL;
        FILE *f;
        int fd, r;

        if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
                return -ENOMEM;
        fd = mkstemp(tmp);
        if (fd < 0)
                return -errno;
        if (fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w"))) {
                r = -errno;
                close(fd);
                unlink(tmp);
                return r;
        }
        r = nc_print_saved_plan(sp, p, f);
        if (r >= 0 && fsync(fileno(f)) < 0)
                r = -errno;
        if (fclose(f) != 0 && r >= 0)
                r = -EIO;
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        return r;
}

int nc_cli_save_plan(const struct nc_ctx *ctx, const char *out, const char *file, const char *content, size_t len,
                     const struct nc_state *observed, const struct nc_plan *p) {
        char content_digest[NC_DIGEST_STRLEN], observed_digest[NC_DIGEST_STRLEN], changes_digest[NC_DIGEST_STRLEN];
        _cleanup_free_ char *snapshot = NULL;
        struct nc_saved_plan sp = {
                .netconverge = (char *) NC_VERSION,
                .netns = (char *) ctx->netns,
                .file = (char *) file,
                .content = (char *) content,
                .content_len = len,
                .content_digest = content_digest,
                .observed_digest = observed_digest,
                .changes_digest = changes_digest,
        };
        int r;

        nc_digest(content, len, content_digest);
        r = nc_state_digest(observed, &snapshot, observed_digest, sizeof(observed_digest));
        if (r >= 0)
                r = nc_plan_changes_digest(p, changes_digest, sizeof(changes_digest));
        if (r < 0) {
                nc_cli_error(ctx, NC_ERROR_INTERNAL, "saving the plan: %s", strerror(-r));
                return r;
        }
        sp.observed = snapshot;
        r = write_atomically(&sp, p, out);
        if (r < 0)
                nc_cli_error(ctx, NC_ERROR_OUTPUT, "cannot write the plan to %s: %s", out, strerror(-r));
        return r;
}

static bool same_netns(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int read_plan(const struct nc_ctx *ctx, const char *path, struct nc_saved_plan *ret) {
        _cleanup_free_ char *buf = NULL;
        struct nc_diags d;
        size_t len = 0;
        int r;

        if (nc_diags_init(&d, path) < 0)
                return -ENOMEM;
        r = nc_read_file_bounded(path, NC_SAVED_PLAN_MAX_BYTES, &d, &buf, &len);
        if (r >= 0)
                r = nc_saved_plan_parse(buf, len, &d, ret);
        if (r < 0)
                nc_cli_print_diags(ctx, NC_ERROR_FILE, &d);
        nc_diags_done(&d);
        return r;
}

int nc_cli_load_saved_plan(const struct nc_ctx *ctx, const char *path, struct nc_saved_plan *ret,
                           struct nc_model **ret_model) {
        int r;

        /* SPEC 7.6: it drives root actions like the file it carries. */
        if (nc_cli_check_file(ctx, path, true) < 0)
                return -EPERM;
        r = read_plan(ctx, path, ret);
        if (r < 0)
                return r;
        if (!same_netns(ret->netns, ctx->netns)) {
                nc_cli_error(ctx, NC_ERROR_USAGE, "%s was made for %s%s, not %s%s: make it again there", path,
                             ret->netns ? "-n " : "the current namespace", ret->netns ? ret->netns : "",
                             ctx->netns ? "-n " : "the current namespace", ctx->netns ? ctx->netns : "");
                nc_saved_plan_done(ret);
                return -EINVAL;
        }
        /* The model of the bytes it carries, whatever the file on disk
         * says now. */
        r = nc_cli_model_from_buffer(ctx, ret->file, ret->content, ret->content_len, ret_model);
        if (r < 0)
                nc_saved_plan_done(ret);
        return r;
}

/* The lines of a text, in order of bytes (NULs written over newlines). */
static size_t split_lines(char *text, char ***ret) {
        size_t n = 0, cap = 0;
        char **v = NULL;

        for (char *s = text, *nl; s && *s; s = nl ? nl + 1 : NULL) {
                nl = strchr(s, '\n');
                if (nl)
                        *nl = '\0';
                if (nc_grow(&v, &cap, n + 1, sizeof(*v)) < 0)
                        break;
                v[n++] = s;
        }
        *ret = v;
        return n;
}

static int line_compare(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

#define STALE_LINES_SHOWN 10

/* What differs between the state the plan was made against and the one
 * now, as the snapshot's lines: "-" only then, "+" only now. */
static void report_difference(const struct nc_ctx *ctx, char *then, char *now) {
        _cleanup_free_ char **a = NULL, **b = NULL;
        size_t na = split_lines(then, &a), nb = split_lines(now, &b), i = 0, j = 0, shown = 0, more = 0;

        qsort(a, na, sizeof(*a), line_compare);
        qsort(b, nb, sizeof(*b), line_compare);
        while (i < na || j < nb) {
                int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);

                if (c == 0) {
                        i++, j++;
                        continue;
                }
                if (shown++ < STALE_LINES_SHOWN)
                        nc_cli_error(ctx, NC_ERROR_STALE, "stale: %s %s", c < 0 ? "then" : "now ",
                                     c < 0 ? a[i] : b[j]);
                else
                        more++;
                if (c < 0)
                        i++;
                else
                        j++;
        }
        if (more)
                nc_cli_error(ctx, NC_ERROR_STALE, "stale: and %zu more lines differ", more);
}

int nc_cli_check_saved(const struct nc_ctx *ctx, const struct nc_saved_plan *sp, const struct nc_state *observed,
                       const struct nc_plan *p) {
        char digest[NC_DIGEST_STRLEN];
        _cleanup_free_ char *now = NULL, *then = NULL;
        int r = nc_state_digest(observed, &now, digest, sizeof(digest));

        if (r < 0)
                return r;
        if (strcmp(digest, sp->observed_digest) != 0) {
                nc_cli_error(ctx, NC_ERROR_STALE,
                             "the plan is stale: the state it was made against has changed; nothing was changed "
                             "(make the plan again: diff FILE --out PLAN)");
                then = strdup(sp->observed);
                if (then)
                        report_difference(ctx, then, now);
                return -ESTALE;
        }
        r = nc_plan_changes_digest(p, digest, sizeof(digest));
        if (r < 0)
                return r;
        if (strcmp(digest, sp->changes_digest) != 0) {
                /* Same file, same state: only another planner differs. */
                nc_cli_error(ctx, NC_ERROR_STALE,
                             "the plan is stale: netconverge %s plans other changes from the same file and state than "
                             "netconverge %s did; nothing was changed (make the plan again)",
                             NC_VERSION, sp->netconverge);
                return -ESTALE;
        }
        return 0;
}
