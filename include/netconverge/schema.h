/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The file format (SPEC section 1) as data: every mapping of the file and
 * the keys it may hold. The parser (src/config/schema.c) rejects unknown
 * keys and reports missing required ones from these tables;
 * tests/schema/gen-schema.c prints docs/netconverge.schema.json from them,
 * so the JSON Schema cannot drift from what the parser accepts. Read-only. */

/* What a key's value is; the parser reads every scalar as a string and
 * interprets it by this (no YAML 1.1 implicit typing). */
enum nc_key_type {
        NC_KEY_VERSION,         /* the number 1 */
        NC_KEY_BOOL,            /* true or false, nothing else */
        NC_KEY_MTU,             /* an integer, 68-65535 */
        NC_KEY_STRING,
        NC_KEY_TABLE_NAME,      /* an nftables identifier */
        NC_KEY_NETNS,           /* a name under /run/netns or an absolute path */
        NC_KEY_IPV4,            /* 172.17.0.2 */
        NC_KEY_SUBNET,          /* an IPv4 CIDR, 172.17.0.0/16, prefix /8 to /30 */
        NC_KEY_IPV6,            /* fd00:17::2 (SPEC 7.1) */
        NC_KEY_SUBNET6,         /* an IPv6 CIDR, fd00:17::/64, prefix /48 to /120 */
        NC_KEY_HOST_IP,         /* an IPv4 or an IPv6 address (a port's host_ip) */
        NC_KEY_MAC,             /* 02:42:ac:11:00:02 */
        NC_KEY_IFNAME,          /* a kernel interface name */
        NC_KEY_PORT,            /* a port (1-65535) or a range "8000-8010" */
        NC_KEY_PROTOCOL,        /* tcp, udp or sctp (nc_proto_to_string()) */
        NC_KEY_VNI,             /* a VXLAN network identifier, 1-16777215 */
        NC_KEY_UDP_PORT,        /* one port, 1-65535 */
        NC_KEY_REMOTES,         /* a list of unicast addresses, IPv4 or IPv6 */
        NC_KEY_MAPPING,         /* a mapping of .table's keys (null: empty) */
        NC_KEY_MAP_OF,          /* name (a .name_type) -> a mapping of .table's keys */
        NC_KEY_NETWORKS,        /* a list of bridge names, or bridge name -> a mapping of .table's keys */
        NC_KEY_PORTS,           /* a list of "[host_ip:]host:container[/proto]" or mappings of .table's keys */
        _NC_KEY_TYPE_MAX,
};

/* What names the keys of a NC_KEY_MAP_OF are. */
enum nc_name_type {
        NC_NAME_NONE,
        NC_NAME_IFNAME,         /* bridges: a kernel interface name */
        NC_NAME_CONTAINER,      /* containers: Docker's [a-zA-Z0-9][a-zA-Z0-9_.-]*, 64 bytes */
        _NC_NAME_TYPE_MAX,
};

struct nc_key_table;

struct nc_key {
        const char *name;
        enum nc_key_type type;
        bool required;
        /* Nonzero: at least one key of the table with this group is
         * required (a bridge's subnet and subnet6), as an error naming the
         * group's first key. */
        unsigned required_group;
        const char *default_value;      /* a fixed default as written in the file ("1500", "true"), or NULL */
        const char *description;        /* one sentence; a computed default is said here in words */
        const struct nc_key_table *table;       /* the keys inside, for the mapping types */
        enum nc_name_type name_type;    /* NC_KEY_MAP_OF: what its keys are */
};

struct nc_key_table {
        const char *what;               /* the object one such mapping describes: "bridge" */
        const char *description;
        const struct nc_key *keys;      /* in the order SPEC section 1 lists them */
        size_t n_keys;
};

/* The top level of the file; every other table is reached through it. */
const struct nc_key_table *nc_schema_root(void);
