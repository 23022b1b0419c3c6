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

void nc_print_diags_json(const struct nc_diags *d, const char *command, FILE *f) {
        struct nc_errors e = {};
        struct nc_document doc = { .command = command, .errors = &e };

        nc_errors_add_diags(&e, NC_ERROR_FILE, d);
        nc_print_error_document(&doc, f);
        nc_errors_done(&e);
}
