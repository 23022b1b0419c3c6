/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* A digest that tells whether two texts are the same: 128-bit FNV-1a,
 * written "fnv1a128:" and 32 hex digits. It detects change, not forgery:
 * what it guards (a saved plan) is trusted input, owner- and mode-checked
 * like the configuration file (SPEC 7.6). */
#define NC_DIGEST_PREFIX "fnv1a128:"
#define NC_DIGEST_STRLEN (sizeof(NC_DIGEST_PREFIX) - 1 + 32 + 1)

void nc_digest(const void *buf, size_t len, char out[static NC_DIGEST_STRLEN]);
