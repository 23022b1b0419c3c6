/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/diag.h"
#include "util/strbuf.h"

int nc_diags_init(struct nc_diags *d, const char *file) {
        *d = (struct nc_diags) {};
        d->file = strdup(file);
        return d->file ? 0 : -ENOMEM;
}

void nc_diags_done(struct nc_diags *d) {
        for (size_t i = 0; i < d->n; i++) {
                free(d->v[i].path);
                free(d->v[i].message);
        }
        free(d->v);
        free(d->file);
        *d = (struct nc_diags) {};
}

void nc_diags_add(struct nc_diags *d, struct nc_origin at, const char *path, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        nc_diags_vadd(d, at, path, fmt, ap);
        va_end(ap);
}

void nc_diags_vadd(struct nc_diags *d, struct nc_origin at, const char *path, const char *fmt, va_list ap) {
        struct nc_strbuf b = {};
        struct nc_diag *x;

        if (nc_grow(&d->v, &d->cap, d->n + 1, sizeof(*d->v)) < 0) {
                d->oom = true;
                return;
        }
        nc_strbuf_vprintf(&b, fmt, ap);

        x = &d->v[d->n];
        *x = (struct nc_diag) {
                .at = at,
                .path = strdup(path ? path : ""),
                .message = nc_strbuf_steal(&b),
                .seq = d->n,
        };
        if (!x->path || !x->message) {
                free(x->path);
                free(x->message);
                d->oom = true;
                return;
        }
        d->n++;
}

static int diag_compare(const void *a, const void *b) {
        const struct nc_diag *x = a, *y = b;

        if (x->at.line != y->at.line)
                return x->at.line < y->at.line ? -1 : 1;
        if (x->at.column != y->at.column)
                return x->at.column < y->at.column ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void nc_diags_sort(struct nc_diags *d) {
        if (d->n > 1)
                qsort(d->v, d->n, sizeof(*d->v), diag_compare);
}
