/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/model.h"

/* Derived names hash content, never an index: the same container on the
 * same bridge gets the same host-side veth name on every host and run. */
uint32_t nc_name_hash(const char *container, const char *bridge);
void nc_default_host_interface(const char *container, const char *bridge, char ret[static NC_IFNAMSIZ]);
/* Whether name has the shape nc_default_host_interface() gives ("veth"
 * and 8 lowercase hex digits): a name netconverge derives. */
bool nc_host_interface_is_derived(const char *name);

/* The VXLAN link of a bridge with vxlan (SPEC 7.5): "vx-BRIDGE", or for a
 * bridge name longer than 12 bytes "vx-" + its first 4 bytes + 8 hex
 * digits of a hash of it (docs/file-format.md). */
void nc_vxlan_link_name(const char *bridge, char ret[static NC_IFNAMSIZ]);

/* NULL when valid, else why not ("longer than 15 bytes", ...). */
const char *nc_ifname_invalid(const char *name);
const char *nc_netns_invalid(const char *netns);
const char *nc_container_name_invalid(const char *name);
const char *nc_table_name_invalid(const char *name);
