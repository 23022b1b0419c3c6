/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "netconverge/diag.h"
#include "netconverge/model.h"

/* Limits that keep hostile input from running away. Each ends the load
 * with an error that names it. */
#define NC_CONFIG_MAX_BYTES   (4u * 1024 * 1024)  /* file size */
#define NC_CONFIG_MAX_DEPTH   64                  /* nested collections */
#define NC_CONFIG_MAX_NODES   500000              /* nodes in the file */
#define NC_CONFIG_MAX_EXPANDED 1000000            /* nodes reached through aliases */

/* Load, validate and complete (defaults, IPAM with nothing held) the file.
 * Returns 0 and the desired model, or a negative errno with every problem
 * appended to diags: -EINVAL for an invalid file, -ENOENT/-EACCES/... when
 * it could not be read, -ENOMEM. */
int nc_config_load_file(const char *path, struct nc_diags *diags, struct nc_model **ret);
int nc_config_load_buffer(const char *buf, size_t len, struct nc_diags *diags, struct nc_model **ret);
