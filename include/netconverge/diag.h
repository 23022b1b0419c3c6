/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A place in the configuration file; line 0 means "no place" (an empty
 * file, bad encoding, a size limit): such problems print as "FILE: msg". */
struct nc_origin {
        unsigned line, column;  /* 1-based */
};

/* One problem found in a file. Diagnostics are data: the loader appends
 * them and carries on, the command line prints them once, sorted. */
struct nc_diag {
        struct nc_origin at;
        char *path;     /* "containers.web.ports[1]", or "" at document level */
        char *message;
        size_t seq;     /* insertion order, the tie-break of the sort */
};

struct nc_diags {
        char *file;     /* the name printed before every diagnostic */
        struct nc_diag *v;
        size_t n, cap;
        bool oom;       /* a diagnostic was lost for lack of memory */
};

int nc_diags_init(struct nc_diags *d, const char *file);
void nc_diags_done(struct nc_diags *d);

__attribute__((format(printf, 4, 5)))
void nc_diags_add(struct nc_diags *d, struct nc_origin at, const char *path, const char *fmt, ...);
__attribute__((format(printf, 4, 0)))
void nc_diags_vadd(struct nc_diags *d, struct nc_origin at, const char *path, const char *fmt, va_list ap);

/* By position; placeless problems first; equal positions keep insertion
 * order. */
void nc_diags_sort(struct nc_diags *d);
