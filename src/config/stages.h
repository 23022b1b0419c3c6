/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config/yaml.h"
#include "netconverge/diag.h"
#include "netconverge/model.h"

/* The loader's stages, in order. Each appends what it finds to diags and
 * carries on where it can, so one run reports every problem; each returns
 * a negative errno only for what stops it (out of memory). */

/* schema.c: node tree -> model fields; types, unknown and missing keys. */
int nc_schema_read(const struct nc_ydoc *doc, struct nc_diags *d, struct nc_model *m);

/* ports.c: Docker's short syntax "[ip:]host[-end]:container[-end][/proto]",
 * and one port or range of the long syntax. On error returns -EINVAL with
 * a message in err. */
int nc_port_parse_short(const char *s, struct nc_port *p, char *err, size_t errlen);
int nc_port_parse_range(const char *s, uint16_t *ret_start, uint16_t *ret_end, char *err, size_t errlen);
int nc_port_check_lengths(const struct nc_port *p, char *err, size_t errlen);
/* An IPv6 host_ip a port can be published on: not IPv4-mapped (write the
 * IPv4 address), not multicast. */
int nc_port_check_host_ip6(const struct nc_ipv6 *a, char *err, size_t errlen);

/* build.c: the defaults of SPEC section 1 that need no addresses. */
int nc_config_fill_defaults(struct nc_model *m);
/* build.c: IPAM (nothing held) and the MACs derived from addresses. */
int nc_config_allocate(struct nc_model *m, struct nc_diags *d);

/* validate.c: checks across objects; the MAC check needs allocation. */
int nc_config_validate(const struct nc_model *m, struct nc_diags *d);
/* derived: also the MACs derived from allocated addresses. */
int nc_config_validate_macs(const struct nc_model *m, bool derived, struct nc_diags *d);

/* A diagnostic path below another: "a" + "b" -> "a.b"; NULL on OOM. */
char *nc_path_join(const char *path, const char *key);
char *nc_path_index(const char *path, size_t i);
