/* SPDX-License-Identifier: MIT */
#include "netconverge/output.h"

void nc_print_diags_text(const struct nc_diags *d, FILE *f) {
        for (size_t i = 0; i < d->n; i++) {
                const struct nc_diag *x = &d->v[i];

                fputs(d->file, f);
                if (x->at.line)
                        fprintf(f, ":%u:%u", x->at.line, x->at.column);
                if (x->path[0])
                        fprintf(f, ": %s", x->path);
                fprintf(f, ": %s\n", x->message);
        }
        if (d->oom)
                fprintf(f, "%s: out of memory; some problems were not recorded\n", d->file);
}

void nc_print_diags_json(const struct nc_diags *d, FILE *f) {
        struct nc_json j;

        nc_json_init(&j, f);
        nc_json_array_begin(&j);
        for (size_t i = 0; i < d->n; i++) {
                const struct nc_diag *x = &d->v[i];

                nc_json_object_begin(&j);
                nc_json_key(&j, "file");
                nc_json_string(&j, d->file);
                nc_json_key(&j, "line");
                if (x->at.line)
                        nc_json_uint(&j, x->at.line);
                else
                        nc_json_null(&j);
                nc_json_key(&j, "column");
                if (x->at.line)
                        nc_json_uint(&j, x->at.column);
                else
                        nc_json_null(&j);
                nc_json_key(&j, "path");
                nc_json_string(&j, x->path);
                nc_json_key(&j, "message");
                nc_json_string(&j, x->message);
                nc_json_object_end(&j);
        }
        nc_json_array_end(&j);
        nc_json_finish(&j);
}
