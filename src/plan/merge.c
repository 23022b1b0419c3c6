/* SPDX-License-Identifier: MIT */
#include "plan/internal.h"

/* The end of the run of keys equal to element `at` of one side. */
static size_t run_end(const struct nc_merge *m, bool want, size_t at, size_t n) {
        size_t k = at + 1;

        while (k < n && m->compare(m->ctx, want, at, want, k) == 0)
                k++;
        return k;
}

bool nc_merge_next(struct nc_merge *m, struct nc_run *run) {
        int c;

        if (m->i >= m->n_want && m->j >= m->n_have)
                return false;
        if (m->i >= m->n_want)
                c = 1;
        else if (m->j >= m->n_have)
                c = -1;
        else
                c = m->compare(m->ctx, true, m->i, false, m->j);
        *run = (struct nc_run) { .want = m->i, .have = m->j };
        if (c <= 0) {
                size_t end = run_end(m, true, m->i, m->n_want);

                run->n_want = end - m->i;
                m->i = end;
        }
        if (c >= 0) {
                size_t end = run_end(m, false, m->j, m->n_have);

                run->n_have = end - m->j;
                m->j = end;
        }
        return true;
}
