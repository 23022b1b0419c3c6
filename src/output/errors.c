/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "netconverge/output.h"
#include "util/strbuf.h"

static const char *const kind_table[_NC_ERROR_MAX] = {
        [NC_ERROR_USAGE] = "usage",
        [NC_ERROR_FILE] = "file",
        [NC_ERROR_SNAPSHOT] = "snapshot",
        [NC_ERROR_NETNS] = "netns",
        [NC_ERROR_LOCK] = "lock",
        [NC_ERROR_OBSERVE] = "observe",
        [NC_ERROR_PLAN] = "plan",
        [NC_ERROR_CONFLICT] = "conflict",
        [NC_ERROR_APPLY] = "apply",
        [NC_ERROR_NOT_UP] = "not-up",
        [NC_ERROR_VERIFY] = "verify",
        [NC_ERROR_OUTPUT] = "output",
        [NC_ERROR_INTERNAL] = "internal",
        [NC_ERROR_WATCH] = "watch",
        [NC_ERROR_DISRUPT] = "disrupt",
        [NC_ERROR_STALE] = "stale",
};

const char *nc_error_kind_to_string(enum nc_error_kind k) {
        return (unsigned) k < _NC_ERROR_MAX ? kind_table[k] : NULL;
}

static struct nc_error *push(struct nc_errors *e) {
        if (nc_grow(&e->v, &e->cap, e->n + 1, sizeof(*e->v)) < 0) {
                e->oom = true;
                return NULL;
        }
        e->v[e->n] = (struct nc_error) {};
        return &e->v[e->n++];
}

static void error_free(struct nc_error *x) {
        free(x->message);
        free(x->file);
        free(x->path);
}

void nc_errors_add(struct nc_errors *e, enum nc_error_kind kind, const char *message) {
        struct nc_error *x = push(e);

        if (!x)
                return;
        x->kind = kind;
        x->message = strdup(message);
        if (!x->message) {
                e->n--;
                e->oom = true;
        }
}

void nc_errors_add_diags(struct nc_errors *e, enum nc_error_kind kind, const struct nc_diags *d) {
        for (size_t i = 0; i < d->n; i++) {
                struct nc_error *x = push(e);

                if (!x)
                        return;
                x->kind = kind;
                x->at = d->v[i].at;
                x->message = strdup(d->v[i].message);
                x->file = strdup(d->file);
                x->path = strdup(d->v[i].path);
                if (!x->message || !x->file || !x->path) {
                        error_free(x);
                        e->n--;
                        e->oom = true;
                }
        }
        if (d->oom)
                e->oom = true;
}

void nc_errors_done(struct nc_errors *e) {
        for (size_t i = 0; i < e->n; i++)
                error_free(&e->v[i]);
        free(e->v);
        *e = (struct nc_errors) {};
}

static void json_error(struct nc_json *j, const struct nc_error *x) {
        nc_json_object_begin(j);
        nc_json_key(j, "kind");
        nc_json_string(j, nc_error_kind_to_string(x->kind));
        nc_json_key(j, "message");
        nc_json_string(j, x->message);
        if (x->file) {
                nc_json_key(j, "file");
                nc_json_string(j, x->file);
                nc_json_key(j, "line");
                if (x->at.line)
                        nc_json_uint(j, x->at.line);
                else
                        nc_json_null(j);
                nc_json_key(j, "column");
                if (x->at.line)
                        nc_json_uint(j, x->at.column);
                else
                        nc_json_null(j);
                nc_json_key(j, "path");
                nc_json_string(j, x->path);
        }
        nc_json_object_end(j);
}

void nc_json_document_begin(struct nc_json *j, const struct nc_document *doc) {
        nc_json_object_begin(j);
        nc_json_key(j, "format_version");
        nc_json_uint(j, NC_JSON_FORMAT_VERSION);
        nc_json_key(j, "command");
        if (doc && doc->command)
                nc_json_string(j, doc->command);
        else
                nc_json_null(j);
}

void nc_json_document_end(struct nc_json *j, const struct nc_document *doc) {
        const struct nc_errors *e = doc ? doc->errors : NULL;

        nc_json_key(j, "errors");
        nc_json_array_begin(j);
        for (size_t i = 0; e && i < e->n; i++)
                json_error(j, &e->v[i]);
        if (e && e->oom) {
                const struct nc_error lost = { .kind = NC_ERROR_INTERNAL,
                                               .message = (char *) "out of memory; some errors were not recorded" };

                json_error(j, &lost);
        }
        nc_json_array_end(j);
        nc_json_object_end(j);
        nc_json_finish(j);
}

void nc_print_error_document(const struct nc_document *doc, FILE *f) {
        struct nc_json j;

        nc_json_init(&j, f);
        nc_json_document_begin(&j, doc);
        nc_json_document_end(&j, doc);
}
