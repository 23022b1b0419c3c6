/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "util/sort.h"

void nc_sort_unless_sorted(void *v, size_t n, size_t sz, int (*compare)(const void *, const void *)) {
        const char *p = v;

        for (size_t i = 1; i < n; i++)
                if (compare(p + (i - 1) * sz, p + i * sz) > 0) {
                        qsort(v, n, sz, compare);
                        return;
                }
}

int nc_strptr_compare(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}
