/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "netconverge/diag.h"

/* Reads a whole file that a user names (a configuration, a snapshot), at
 * most max bytes whatever the file claims to be, so /dev/zero or a growing
 * pipe cannot run away. On failure appends one placeless diagnostic
 * ("cannot read the file: ...", "the file is larger than the limit of N
 * bytes") and returns a negative errno (-EFBIG over the limit). *ret is
 * NUL-terminated (not counted in *ret_len). */
int nc_read_file_bounded(const char *path, size_t max, struct nc_diags *d, char **ret, size_t *ret_len);
