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

/* IPv6 is read, validated and allocated, but the kernel side (issue 13
 * items 3-5) is not there yet. So that a dual-stack file never applies its
 * IPv4 half alone, diff, apply and watch refuse a model that uses IPv6 and
 * validate accepts it. This is the one place that decides; remove it (and
 * its two callers) when the kernel side lands.
 * nc_model_uses_ipv6(): the first bridge by name with subnet6, else NULL.
 * nc_config_refuse_ipv6(): 0 for an IPv4-only model, else -EOPNOTSUPP with
 * one diagnostic at that bridge's subnet6. */
const struct nc_bridge *nc_model_uses_ipv6(const struct nc_model *m);
int nc_config_refuse_ipv6(const struct nc_model *m, struct nc_diags *d);
/* Everything a valid file may use that this version does not apply yet:
 * IPv6, then VXLAN (SPEC 7.5); the callers of the refusal call this. */
int nc_config_refuse_unapplied(const struct nc_model *m, struct nc_diags *d);
