/* SPDX-License-Identifier: MIT */
#include "netconverge/output.h"
#include "util/escape.h"

void nc_print_diags_text(const struct nc_diags *d, FILE *f) {
        for (size_t i = 0; i < d->n; i++) {
                const struct nc_diag *x = &d->v[i];

                /* Keys and values of the file are in the path and the
                 * message: any bytes (util/escape.h). */
                nc_escape_fputs(d->file, f);
                if (x->at.line)
                        fprintf(f, ":%u:%u", x->at.line, x->at.column);
                if (x->path[0]) {
                        fputs(": ", f);
                        nc_escape_fputs(x->path, f);
                }
                fputs(": ", f);
                nc_escape_fputs(x->message, f);
                fputc('\n', f);
        }
        if (d->oom) {
                nc_escape_fputs(d->file, f);
                fputs(": out of memory; some problems were not recorded\n", f);
        }
}

void nc_print_diags_json(const struct nc_diags *d, const char *command, FILE *f) {
        struct nc_errors e = {};
        struct nc_document doc = { .command = command, .errors = &e };

        nc_errors_add_diags(&e, NC_ERROR_FILE, d);
        nc_print_error_document(&doc, f);
        nc_errors_done(&e);
}
