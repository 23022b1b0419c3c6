/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A growable string. An allocation failure is sticky: the buffer keeps
 * accepting calls and nc_strbuf_steal() then returns NULL, so builders need
 * one check at the end instead of one per append. */
struct nc_strbuf {
        char *s;
        size_t len, cap;
        bool oom;
};

void nc_strbuf_append(struct nc_strbuf *b, const char *s);
void nc_strbuf_appendn(struct nc_strbuf *b, const char *s, size_t n);
__attribute__((format(printf, 2, 3))) void nc_strbuf_printf(struct nc_strbuf *b, const char *fmt, ...);
void nc_strbuf_vprintf(struct nc_strbuf *b, const char *fmt, va_list ap);
char *nc_strbuf_steal(struct nc_strbuf *b);
void nc_strbuf_done(struct nc_strbuf *b);

/* Grow *p (of *cap elements of size sz) to hold at least need elements. */
int nc_grow(void *p, size_t *cap, size_t need, size_t sz);

/* asprintf() returning the string, NULL when out of memory. */
char *nc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
