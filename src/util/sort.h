/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* qsort() unless v is sorted already, as files written in order, every
 * generated file and every snapshot are: one comparison an element where
 * glibc's merge sort costs n log n / 2 of them. */
void nc_sort_unless_sorted(void *v, size_t n, size_t sz, int (*compare)(const void *, const void *));

/* For arrays of strings (char * or const char *): strcmp() of the pointees. */
int nc_strptr_compare(const void *a, const void *b);
