/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "util/strbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nc_grow(void *p, size_t *cap, size_t need, size_t sz) {
        void **pp = p;
        size_t n;
        void *q;

        if (need <= *cap)
                return 0;
        n = *cap ? *cap : 8;
        while (n < need) {
                if (n > SIZE_MAX / 2)
                        return -ENOMEM;
                n *= 2;
        }
        if (n > SIZE_MAX / sz)
                return -ENOMEM;
        q = realloc(*pp, n * sz);
        if (!q)
                return -ENOMEM;
        *pp = q;
        *cap = n;
        return 0;
}

void nc_strbuf_appendn(struct nc_strbuf *b, const char *s, size_t n) {
        if (b->oom)
                return;
        if (nc_grow(&b->s, &b->cap, b->len + n + 1, 1) < 0) {
                b->oom = true;
                return;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

void nc_strbuf_append(struct nc_strbuf *b, const char *s) {
        nc_strbuf_appendn(b, s, strlen(s));
}

void nc_strbuf_vprintf(struct nc_strbuf *b, const char *fmt, va_list ap) {
        va_list aq;
        int n;

        if (b->oom)
                return;
        va_copy(aq, ap);
        n = vsnprintf(NULL, 0, fmt, aq);
        va_end(aq);
        if (n < 0 || nc_grow(&b->s, &b->cap, b->len + (size_t) n + 1, 1) < 0) {
                b->oom = true;
                return;
        }
        vsnprintf(b->s + b->len, (size_t) n + 1, fmt, ap);
        b->len += (size_t) n;
}

void nc_strbuf_printf(struct nc_strbuf *b, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        nc_strbuf_vprintf(b, fmt, ap);
        va_end(ap);
}

char *nc_strbuf_steal(struct nc_strbuf *b) {
        char *s;

        if (b->oom) {
                nc_strbuf_done(b);
                return NULL;
        }
        if (!b->s) {
                s = strdup("");
        } else {
                s = b->s;
                b->s = NULL;
        }
        b->len = b->cap = 0;
        return s;
}

void nc_strbuf_done(struct nc_strbuf *b) {
        free(b->s);
        *b = (struct nc_strbuf) {};
}

char *nc_asprintf(const char *fmt, ...) {
        va_list ap;
        char *s;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&s, fmt, ap);
        va_end(ap);
        return n < 0 ? NULL : s;
}
