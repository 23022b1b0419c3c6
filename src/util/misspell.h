/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* The candidate closest to word by edit distance (insertions, deletions,
 * substitutions, adjacent transpositions, case-insensitive), or NULL when
 * none is close enough to be a plausible typo. */
const char *nc_did_you_mean(const char *word, const char *const *candidates, size_t n);

unsigned nc_edit_distance(const char *a, const char *b);
