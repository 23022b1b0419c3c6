/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/model.h"

/* The kernel-level state: links, addresses and routes per namespace, the
 * namespaces' existence, and ip_forward. Observing the kernel fills one
 * (the observed state, or a snapshot file read back); lowering the desired
 * model fills another of the same types; planning compares the two.
 *
 * Namespaces are named as the file names them: "" is the host namespace
 * (the current one, or the one -n names); a container's namespace is its
 * `netns` value, a name under /run/netns or an absolute path.
 *
 * Collections are arrays sorted by nc_state_sort() (by netns, then name or
 * address), never in kernel order. */

/* Ownership marks, in the link alias (IFLA_IFALIAS, at most 255 bytes):
 *   bridge:         "netconverge:bridge"
 *   host veth end:  "netconverge:veth CONTAINER BRIDGE NETNS"
 *   container end:  "netconverge:peer CONTAINER BRIDGE"
 * Container names, bridge names and netns values contain no spaces or
 * control characters (validation guarantees it), so the fields split on
 * spaces; NETNS is the rest of the line. */
#define NC_ALIAS_PREFIX "netconverge:"

/* Routes netconverge adds carry this rtm_protocol, so that a route a user
 * added to an owned link (any other protocol) is never removed. */
#define NC_RTPROT 78

/* The link group owned links are moved to just before being deleted in
 * bulk: one RTM_DELLINK for the group instead of one kernel
 * synchronization per link. */
#define NC_LINK_GROUP_DOOMED 0x6e63u

enum nc_link_kind {
        NC_LINK_BRIDGE,
        NC_LINK_VETH,
        NC_LINK_LOOPBACK,
        NC_LINK_OTHER,          /* any other kind (dummy, vlan, physical...) */
        _NC_LINK_KIND_MAX,
};

enum nc_link_role {
        NC_ROLE_NONE,           /* not owned */
        NC_ROLE_BRIDGE,
        NC_ROLE_HOST_END,
        NC_ROLE_PEER_END,
        _NC_ROLE_MAX,
};

struct nc_link {
        char *netns;                    /* "" = host */
        char name[NC_IFNAMSIZ];
        enum nc_link_kind kind;
        unsigned mtu;
        uint8_t mac[6];
        bool up;                        /* IFF_UP, administrative */
        bool oper_up;                   /* observed only: IF_OPER_UP (or UNKNOWN for lo) */
        char master[NC_IFNAMSIZ];       /* "" = none; a link in the same netns */
        char *alias;                    /* NULL = none */
        /* veth only: the other end, as far as observation could tell. */
        char *peer_netns;               /* NULL = unknown or not in an observed namespace */
        char peer_name[NC_IFNAMSIZ];
        /* Observed only, for matching and for apply; never in plan output. */
        int ifindex;
        int peer_ifindex;               /* IFLA_LINK */
        /* Parsed from alias; role NONE means not owned. */
        enum nc_link_role role;
        char *owner_container;          /* HOST_END, PEER_END */
        char *owner_bridge;             /* HOST_END, PEER_END */
        char *owner_netns;              /* HOST_END */
};

struct nc_address {
        char *netns;
        char ifname[NC_IFNAMSIZ];
        uint32_t address;
        unsigned prefixlen;
};

/* IPv4 unicast routes of the main table. Kernel-made routes (protocol
 * kernel: prefix routes of addresses) are not kept by observation. */
struct nc_route {
        char *netns;
        uint32_t dst;
        unsigned dst_len;
        uint32_t gateway;               /* 0 = none */
        char ifname[NC_IFNAMSIZ];       /* output device */
        unsigned protocol;              /* rtm_protocol; NC_RTPROT = ours */
};

/* A namespace the file names, and whether it exists. */
struct nc_namespace {
        char *netns;
        bool exists;
};

struct nc_state {
        struct nc_link *links;
        size_t n_links;
        struct nc_address *addresses;
        size_t n_addresses;
        struct nc_route *routes;
        size_t n_routes;
        struct nc_namespace *namespaces;
        size_t n_namespaces;
        int ip_forward;                 /* -1 unknown, 0, 1 */
};

struct nc_state *nc_state_new(void);
struct nc_state *nc_state_free(struct nc_state *s);
void nc_state_freep(struct nc_state **s);

/* Appenders copy their argument's strings (the argument keeps its own).
 * They return 0 or -ENOMEM. nc_state_add_link() also fills role and owner_*
 * from the alias. */
int nc_state_add_link(struct nc_state *s, const struct nc_link *l);
int nc_state_add_address(struct nc_state *s, const struct nc_address *a);
int nc_state_add_route(struct nc_state *s, const struct nc_route *r);
int nc_state_add_namespace(struct nc_state *s, const char *netns, bool exists);

/* Sorts every collection by its key: links (netns, name), addresses
 * (netns, ifname, address, prefixlen), routes (netns, dst, dst_len),
 * namespaces (netns). */
void nc_state_sort(struct nc_state *s);

/* Lookups on a sorted state; NULL when absent. */
const struct nc_link *nc_state_find_link(const struct nc_state *s, const char *netns, const char *name);
const struct nc_namespace *nc_state_find_namespace(const struct nc_state *s, const char *netns);

/* The alias marks. Each returns a new string or NULL on OOM. */
char *nc_alias_bridge(void);
char *nc_alias_host_end(const char *container, const char *bridge, const char *netns);
char *nc_alias_peer_end(const char *container, const char *bridge);
/* Fills role and owner_* of l from l->alias. -ENOMEM or 0. */
int nc_link_parse_alias(struct nc_link *l);

const char *nc_link_kind_to_string(enum nc_link_kind k);
int nc_link_kind_from_string(const char *s);
