/* SPDX-License-Identifier: MIT */
#pragma once

/* The loader's tests' helpers (test-config.c, test-config6.c): a file's
 * text loaded with its diagnostics, and those as the text the command
 * line prints. Include after <cmocka.h> and netconverge/netconverge.h. */
#include <stdio.h>
#include <string.h>

struct loaded {
        struct nc_model *m;
        struct nc_diags d;
        int r;
};

static inline struct loaded load(const char *text, size_t len) {
        struct loaded l = {};

        assert_int_equal(nc_diags_init(&l.d, "t.yaml"), 0);
        l.r = nc_config_load_buffer(text, len, &l.d, &l.m);
        return l;
}

static inline struct loaded load_str(const char *text) {
        return load(text, strlen(text));
}

static inline void unload(struct loaded *l) {
        nc_model_free(l->m);
        nc_diags_done(&l->d);
}

static inline char *diags_text(const struct nc_diags *d) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);

        assert_non_null(f);
        nc_print_diags_text(d, f);
        fclose(f);
        return s;
}
