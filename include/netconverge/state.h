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

/* Ownership of a link is two marks, checked together:
 *  - the link group (IFLA_GROUP) NC_LINK_GROUP_OWNED (or DOOMED, on the way
 *    out), which the kernel sets in the very RTM_NEWLINK that creates the
 *    link: bridges, host veth ends, and container ends (the veth peer, made
 *    in the same request through VETH_INFO_PEER, whose ifinfomsg takes
 *    IFLA_GROUP too). A link is never seen without it, whenever an apply
 *    dies;
 *  - the alias (IFLA_IFALIAS, at most 255 bytes), which the kernel ignores
 *    at creation, so it is a second request:
 *      bridge:         "netconverge:bridge"
 *      host veth end:  "netconverge:veth CONTAINER BRIDGE NETNS"
 *      container end:  "netconverge:peer CONTAINER BRIDGE"
 *      VXLAN link:     "netconverge:vxlan BRIDGE" (made in our group in
 *                      its creating request, like a bridge)
 *    Container names, bridge names and netns values contain no spaces or
 *    control characters (validation guarantees it), so the fields split on
 *    spaces; NETNS is the rest of the line.
 * A link is owned (role != NC_ROLE_NONE) when its kind fits the role its
 * alias names (bridge: a bridge; ends: a veth), its group is one of ours,
 * and the alias parses: a hand-made link with a copied alias, in any other
 * group, is someone else's (a conflict, unless a bridge says adopt: true).
 * A link in our group of a fitting kind whose alias is missing or does not
 * parse is ours-unfinished (nc_link_unfinished()): an apply died between
 * the two requests. The planner finishes it (sets the alias) where the
 * file wants that name, prunes it where the name is one netconverge
 * derives, and leaves it alone otherwise (docs/crash-safety.md). */
#define NC_ALIAS_PREFIX "netconverge:"

/* Routes netconverge adds carry this rtm_protocol, so that a route a user
 * added to an owned link (any other protocol) is never removed. */
#define NC_RTPROT 78

/* Link groups (IFLA_GROUP): the creation-time mark of ownership above,
 * and a means of removing links in bulk: one RTM_DELLINK naming a group
 * costs one kernel synchronization for all its links instead of one per
 * link. Removing all of them (destroy) is that one request and nothing
 * before it; removing some of them moves those to NC_LINK_GROUP_DOOMED
 * first. A link with our alias outside both groups (made by hand, or by a
 * netconverge before the group was part of the mark) is not owned. */
#define NC_LINK_GROUP_OWNED 0x6e63u
#define NC_LINK_GROUP_DOOMED 0x6e64u

enum nc_link_kind {
        NC_LINK_BRIDGE,
        NC_LINK_VETH,
        NC_LINK_LOOPBACK,
        NC_LINK_OTHER,          /* any other kind (dummy, vlan, physical...) */
        NC_LINK_VXLAN,          /* SPEC 7.5: a bridge's link to the other hosts */
        _NC_LINK_KIND_MAX,
};

enum nc_link_role {
        NC_ROLE_NONE,           /* not owned */
        NC_ROLE_BRIDGE,
        NC_ROLE_HOST_END,
        NC_ROLE_PEER_END,
        NC_ROLE_VXLAN,          /* owner_bridge: the bridge it is enslaved to */
        _NC_ROLE_MAX,
};

/* A VXLAN link's own attributes (IFLA_VXLAN_*): what it is. None of them
 * changes in place in the planner's view: a difference is - then +. */
struct nc_link_vxlan {
        uint32_t vni;                   /* IFLA_VXLAN_ID */
        unsigned port;                  /* IFLA_VXLAN_PORT, host order */
        uint32_t local;                 /* IFLA_VXLAN_LOCAL; 0 = none */
        struct nc_ipv6 local6;          /* IFLA_VXLAN_LOCAL6 (IPv6 remotes); all zeros = none */
        char dev[NC_IFNAMSIZ];          /* IFLA_VXLAN_LINK's name: the underlay; "" = none */
        int dev_ifindex;                /* observed only: IFLA_VXLAN_LINK */
        bool learning;                  /* IFLA_VXLAN_LEARNING */
        uint32_t group;                 /* IFLA_VXLAN_GROUP: multicast; ours have none (0) */
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
        bool adopt;                     /* desired bridge only: may take over a link of its name that is not ours */
        char *alias;                    /* NULL = none */
        /* veth ends: the kernel makes IPv6 link-local addresses on the link
         * (IFLA_INET6_ADDR_GEN_MODE other than none). Wanted on the links of
         * IPv6 bridges (neighbour discovery), off on IPv4-only ones. */
        bool ipv6;
        /* Observed only, host links: the link has an IPv6 route or address
         * made from router advertisements (the host uses them there), and
         * then its net.ipv6.conf.LINK.accept_ra (-1 unknown; read only
         * when uses_ra). Turning IPv6 forwarding on stops accept_ra 1 (not
         * 2) from taking them. */
        bool uses_ra;
        int accept_ra;
        uint32_t group;                 /* IFLA_GROUP; 0 is the kernel's default */
        /* veth host end: its bridge port's hairpin mode (IFLA_BRPORT_MODE),
         * on for every one of ours. A container reaches its own published
         * port through the host (SPEC 7.2): with br_netfilter the DNATed
         * frame is bridged back out of the port it came in by, which the
         * bridge does only in hairpin mode (Docker sets it too). */
        bool hairpin;
        /* veth host end: its bridge port isolated (IFLA_BRPORT_ISOLATED):
         * it then exchanges frames with no other isolated port, only with
         * the bridge itself (the host, routed and published traffic) and
         * ports that are not isolated. On for every container of a bridge
         * with icc: false, whose containers so cannot reach each other. */
        bool port_isolated;
        /* veth only: the other end, as far as observation could tell. */
        char *peer_netns;               /* NULL = unknown or not in an observed namespace */
        char peer_name[NC_IFNAMSIZ];
        /* Observed only, for matching and for apply; never in plan output. */
        int ifindex;
        int peer_ifindex;               /* IFLA_LINK */
        bool peer_elsewhere;            /* IFLA_LINK_NETNSID given: peer_ifindex is in another namespace */
        /* Parsed from alias; role NONE means not owned. One allocation,
         * owned by owner_container; the others point into it. */
        enum nc_link_role role;
        char *owner_container;          /* HOST_END, PEER_END */
        char *owner_bridge;             /* HOST_END, PEER_END */
        char *owner_netns;              /* HOST_END */
        struct nc_link_vxlan vxlan;     /* kind NC_LINK_VXLAN only */
};

/* A bridge forwarding-database entry of a VXLAN link (RTM_NEWNEIGH,
 * AF_BRIDGE, NTF_SELF): ours are the all-zeros MAC with one remote each,
 * head-end replication: every broadcast, unknown unicast and multicast
 * frame goes to each remote. Entries on owned VXLAN links are owned. */
struct nc_fdb {
        char *netns;
        char ifname[NC_IFNAMSIZ];       /* the VXLAN link */
        uint8_t mac[6];
        bool v6;                        /* NDA_DST of 16 bytes: dst6, not dst */
        uint32_t dst;                   /* NDA_DST, IPv4 */
        struct nc_ipv6 dst6;            /* NDA_DST, IPv6 */
};

/* An address of either family: v6 false reads address, v6 true reads
 * address6 (zero-initialized: IPv4). IPv4 sorts before IPv6. IPv6
 * link-local addresses (the kernel's) and addresses the kernel made from
 * router advertisements (not permanent) are not kept by observation. */
struct nc_address {
        char *netns;
        char ifname[NC_IFNAMSIZ];
        bool v6;
        uint32_t address;
        struct nc_ipv6 address6;
        unsigned prefixlen;
};

/* Unicast routes of the main table, of either family as addresses are.
 * Kernel-made routes (protocol kernel: prefix routes of addresses, IPv6
 * link-local ones) are not kept by observation, nor IPv6 routes from
 * router advertisements (protocol ra). */
struct nc_route {
        char *netns;
        bool v6;
        uint32_t dst;
        struct nc_ipv6 dst6;
        unsigned dst_len;
        uint32_t gateway;               /* 0 = none */
        struct nc_ipv6 gateway6;        /* all zeros = none */
        char ifname[NC_IFNAMSIZ];       /* output device */
        unsigned protocol;              /* rtm_protocol; NC_RTPROT = ours */
};

/* nftables: netconverge keeps its rules in one table, family inet, named
 * by settings.table, in the host namespace.
 *
 * Every table it creates carries a mark in the kernel object: the table's
 * userdata holds a comment TLV (NFTNL_UDATA_TABLE_COMMENT, the one nft
 * writes for `comment "..."`) with exactly NC_TABLE_MARK, so `nft list
 * ruleset` shows the operator `comment "managed by netconverge"`. Ownership
 * of a table is that mark, whatever its name: destroy removes every marked
 * table, show finds the marked one, and a table of the wanted name without
 * it is a conflict, unless it is one an earlier netconverge made (see
 * docs/plan.md, "Ownership of tables"). The kernel does not change the
 * userdata of an existing table, so the mark is given when the table is
 * made, and only then. */
#define NC_TABLE_MARK "managed by netconverge"

/* The owned table's chains: */
#define NC_CHAIN_POSTROUTING "postrouting"      /* nat, hook postrouting, priority srcnat (100) */
#define NC_CHAIN_PREROUTING  "prerouting"       /* nat, hook prerouting, priority dstnat (-100) */
#define NC_CHAIN_OUTPUT      "output"           /* nat, hook output, priority dstnat (-100) */
#define NC_CHAIN_FORWARD     "forward"          /* filter, hook forward, priority filter (0), policy accept */
#define NC_CHAIN_PUBLISH     "publish"          /* regular: the published ports, like Docker's DOCKER chain */
#define NC_CHAIN_GUARD       "guard"            /* filter, hook prerouting, priority raw (-300): before any DNAT */

enum nc_nft_hook {
        NC_HOOK_NONE = -1,                      /* a regular chain */
        NC_HOOK_PREROUTING = 0,                 /* the kernel's NF_INET_* numbers */
        NC_HOOK_INPUT = 1,
        NC_HOOK_FORWARD = 2,
        NC_HOOK_OUTPUT = 3,
        NC_HOOK_POSTROUTING = 4,
};

struct nc_nft_chain {
        char *name;
        enum nc_nft_hook hook;                  /* NC_HOOK_NONE: regular chain; then type/priority/policy unused */
        char *type;                             /* "nat", "filter" */
        int priority;
        bool policy_drop;                       /* base chains: policy drop (we make accept) */
        uint64_t handle;                        /* observed only */
};

/* A rule in normalized form: what the expressions do, decoded from the
 * kernel's expressions by observation and built into expressions by apply,
 * so both sides compare field by field. A rule whose expressions are not
 * one of these shapes is NC_RULE_OTHER, which equals nothing. */
enum nc_rule_kind {
        NC_RULE_OTHER,
        NC_RULE_MASQUERADE,     /* ip saddr SADDR/SADDR_LEN oifname != OIFNAME masquerade */
        NC_RULE_JUMP,           /* [ip daddr != 127.0.0.0/8] fib daddr type local jump TARGET */
        NC_RULE_RETURN,         /* iifname IIFNAME return */
        NC_RULE_DNAT,           /* [ip daddr DADDR] PROTO dport DPORT dnat ip to TO_ADDR:TO_PORT */
        NC_RULE_DROP,           /* iifname IIFNAME oifname OIFNAME drop */
        /* The lookup of the published ports' map TARGET (SPEC 7.2, one
         * lookup per packet): PROTO dport (or, by_addr, ip daddr . PROTO
         * dport) dnat ip to ... map @TARGET; v6 as DNAT. The ports are
         * that map's elements (nc_nft.elements), NC_RULE_DNAT in form. */
        NC_RULE_DNAT_MAP,
        /* ip saddr SADDR/SADDR_LEN oifname OIFNAME [ct status dnat] masquerade:
         * hairpin (ct_dnat, the bridge's subnet) and localhost (127.0.0.0/8,
         * ::1) traffic DNATed back out of a bridge (SPEC 7.2). */
        NC_RULE_HAIRPIN,
        /* iifname != IIFNAME ip daddr 127.0.0.0/8 drop (IIFNAME "lo"): the
         * CVE-2020-8558 guard that route_localnet needs. IPv4 only: the
         * kernel never routes ::1 from another link. */
        NC_RULE_GUARD,
        /* oifname OIFNAME meta iifgroup != IFGROUP ct state ! established,related
         * ct status ! dnat drop: into a bridge from outside our links only
         * what a published port translated or the containers opened. */
        NC_RULE_FILTER,
        /* iifname IIFNAME meta oifgroup != IFGROUP drop: an internal
         * bridge's traffic goes out to our links only. */
        NC_RULE_INTERNAL,
        /* MASQUERADE, JUMP with not_loopback and DNAT have an IPv6 form
         * (v6: ip6 saddr/daddr, ::1, dnat ip6 to [TO_ADDR6]:TO_PORT);
         * RETURN, DROP and the plain JUMP match no address, so in an inet
         * table each of them already sees both families. */
        _NC_RULE_KIND_MAX,
};

struct nc_nft_rule {
        char *chain;
        char *key;                              /* the userdata comment: identity; NULL = none (not ours) */
        enum nc_rule_kind kind;
        /* MASQUERADE, DNAT, JUMP with not_loopback: the IPv6 form, whose
         * addresses are the *6 fields (the IPv4 ones stay 0). false, as
         * zero-initialized, is IPv4. */
        bool v6;
        uint32_t saddr;                         /* MASQUERADE */
        unsigned saddr_len;                     /* MASQUERADE, either family: 1-32 or 1-128 */
        uint32_t daddr;                         /* DNAT: 0 = any local address */
        bool not_loopback;                      /* JUMP: ip daddr != 127.0.0.0/8 (v6: ip6 daddr != ::1) */
        bool ct_dnat;                           /* HAIRPIN: ct status dnat */
        bool ipv4_only;                         /* JUMP without an address: meta nfproto ipv4 (the output one) */
        uint32_t ifgroup;                       /* FILTER (iifgroup !=), INTERNAL (oifgroup !=) */
        char iifname[NC_IFNAMSIZ];              /* RETURN, DROP */
        char oifname[NC_IFNAMSIZ];              /* MASQUERADE (!=), DROP */
        enum nc_proto proto;                    /* DNAT */
        uint16_t dport;                         /* DNAT */
        uint32_t to_addr;                       /* DNAT */
        uint16_t to_port;                       /* DNAT */
        char target[32];                        /* JUMP: the chain jumped to; DNAT_MAP: the map */
        bool by_addr;                           /* DNAT_MAP: the map is keyed by daddr . dport */
        struct nc_ipv6 saddr6;                  /* v6 MASQUERADE */
        struct nc_ipv6 daddr6;                  /* v6 DNAT: :: = any local address */
        struct nc_ipv6 to_addr6;                /* v6 DNAT */
        uint64_t handle;                        /* observed only: for delete and replace */
        /* Observed only: the kernel's message (its attributes), so that a
         * later observation decodes only rules whose bytes changed. */
        uint8_t *raw;
        size_t raw_len;
};

/* An inet table of the host, by name: observation lists them all (one
 * cheap dump), whichever is read in full. */
struct nc_nft_table {
        char *name;
        bool marked;                            /* its userdata carries NC_TABLE_MARK */
        /* NFT_TABLE_F_DORMANT: the table's base chains are off their hooks,
         * so none of its rules sees a packet. One `nft add table inet T
         * '{ flags dormant; }'` does it; for the owned table it is drift. */
        bool dormant;
        /* NFT_TABLE_F_OWNER: a process holds the table through its netlink
         * socket (the table dies with the socket), and the kernel refuses
         * every change to it from any other socket (EPERM). */
        bool has_owner;
        uint32_t owner;                         /* NFTA_TABLE_OWNER: that socket's port id; 0 not told */
};

/* Sets, maps, flowtables and stateful objects (counters, quotas...) in
 * the owned table. netconverge makes only the published ports' maps (below,
 * ours by name and type); every other one is foreign, and is removed (a verdict map jumping to a chain holds that chain, a set
 * is held by the rules using it; left in place, they make the batch that
 * deletes or re-creates what they reference fail with EBUSY). Anonymous
 * sets (a rule's `{ a, b }`) are not listed: they belong to their rule and
 * go with it; so are stateful objects of a type this version has no name
 * for. */
enum nc_nft_object_kind {
        NC_NFT_SET,                             /* a set (NFT_MSG_NEWSET without NFT_SET_MAP) */
        NC_NFT_MAP,                             /* NFT_SET_MAP or NFT_SET_OBJECT: a verdict, data or object map */
        NC_NFT_FLOWTABLE,
        /* Stateful objects (NFT_MSG_NEWOBJ), by their NFT_OBJECT_* type: */
        NC_NFT_COUNTER,
        NC_NFT_QUOTA,
        NC_NFT_CT_HELPER,
        NC_NFT_LIMIT,
        NC_NFT_CONNLIMIT,
        NC_NFT_TUNNEL,
        NC_NFT_CT_TIMEOUT,
        NC_NFT_SECMARK,
        NC_NFT_CT_EXPECT,
        NC_NFT_SYNPROXY,
        _NC_NFT_OBJECT_KIND_MAX,
};

/* A stateful object's kind and the kernel's NFT_OBJECT_* type: 0 (-EINVAL
 * from the first) when there is none. */
int nc_nft_object_kind_from_type(uint32_t type);
uint32_t nc_nft_object_kind_type(enum nc_nft_object_kind k);

struct nc_nft_object {
        enum nc_nft_object_kind kind;
        char *name;
        /* A map's key and data types in nft's words ("inet_service :
         * ipv4_addr . inet_service"), NULL when a type is not one of
         * nc_nft_type_format()'s (or for a set, flowtable, object): what
         * tells netconverge's own port maps from others of that name. */
        char *type;
        uint64_t handle;                        /* observed only */
};

/* The published ports' maps (SPEC 7.2): one per family, protocol and
 * keying, "ports4_tcp" (key PROTO dport: ports on every local address)
 * and "ports4_tcp_addr" (key ip daddr . PROTO dport: a host_ip), "ports6_
 * udp"...; data the target's address . port. A port is an element, an
 * NC_RULE_DNAT whose chain is the map's name and whose key (the element's
 * comment) is the one its rule had ("publish tcp 0.0.0.0:8080").
 * src/state/portmap.c. */
#define NC_PORT_MAP_NAME_MAX 32
/* The map of (v6, proto, by_addr), its name and type (static strings). */
void nc_nft_port_map(bool v6, enum nc_proto proto, bool by_addr, const char **ret_name, const char **ret_type);
/* The map an element of this form goes in (by_addr when it has a daddr). */
const char *nc_nft_port_map_of(const struct nc_nft_rule *dnat);
/* Whether name is one of the port maps: 0 with its (v6, proto, by_addr), or
 * -ENOENT. */
int nc_nft_port_map_parse(const char *name, bool *ret_v6, enum nc_proto *ret_proto, bool *ret_by_addr);
/* nft's datatype numbers (TYPE_IPADDR 7, TYPE_IP6ADDR 8, TYPE_INET_SERVICE
 * 13, a concatenation six bits per part) and their words: "ipv4_addr .
 * inet_service" from type, and back with the length nft gives the key
 * (each part rounded up to 4 bytes). -EINVAL for another type. */
int nc_nft_type_format(uint32_t type, char *buf, size_t size);
int nc_nft_type_parse(const char *s, uint32_t *ret_type, uint32_t *ret_len);

/* The address families whose tables can hook forward and see the
 * bridges' forwarded IPv4 traffic (bridge and netdev see other packets). */
enum nc_nft_family {
        NC_NFT_FAMILY_IP,                       /* NFPROTO_IPV4, "ip" (iptables-nft's tables) */
        NC_NFT_FAMILY_IP6,                      /* NFPROTO_IPV6, "ip6" */
        NC_NFT_FAMILY_INET,                     /* NFPROTO_INET, "inet" (firewalld's) */
        _NC_NFT_FAMILY_MAX,
};

/* Another table's base chain at hook forward with policy drop (issue 15,
 * SPEC 7.4 pre-flight): Docker and firewalld both leave one (iptables-nft's
 * "table ip filter, chain FORWARD, policy drop"). A drop in any base chain
 * is final, so netconverge's own accepting forward chain cannot undo it:
 * the bridges' forwarded traffic passes only what that chain accepts.
 * Observed only (the desired state has none); a warning, not a change. */
struct nc_nft_forward_drop {
        enum nc_nft_family family;
        char *table;
        char *chain;
        int priority;
};

/* A rule of another table's forward base chain (families as above) that
 * drops or rejects and whose every match a bridge's forwarded traffic can
 * satisfy (issue 15, SPEC 7.4 pre-flight): a drop in any base chain is
 * final, whatever our table accepts. Observation keeps only rules it
 * could decode in full (no match at all, or only the matches below); a
 * rule with any other match (a set lookup, a port, an xt match) is left
 * out: it does not catch, as far as netconverge can tell. Whether the
 * matches fit the file's bridges is the pre-flight's to decide. Rules an
 * earlier accept in the same chain shadows are kept all the same.
 * Observed only; a warning, not a change. */
struct nc_nft_drop_rule {
        enum nc_nft_family family;
        char *table;
        char *chain;
        unsigned handle;                        /* the kernel's (a table's counter; 0 in a hand-written snapshot) */
        bool reject;                            /* reject (an answer), else drop */
        char *iifname;                          /* NULL: no match; "name" or "prefix*" (nft's wildcard) */
        char *oifname;
        uint32_t saddr, daddr;                  /* ip saddr/daddr PREFIX; length 0: no match */
        unsigned saddr_len, daddr_len;
        /* ct state STATES, as nft writes them ("established,related"):
         * only matches that hold for some of the bridges' traffic (new,
         * established, related) are kept; NULL: no match. */
        char *ct_state;
};

/* A socket of the host namespace (the one -n names) that listens (TCP) or
 * is bound (UDP) on a port the file publishes (issue 14 item 6, SPEC 7.2
 * pre-flight): Docker refuses such a port ("port is already allocated");
 * netconverge warns. Observed only, and only for the ports the file
 * publishes (a host has many ephemeral UDP sockets, and they change
 * between a diff and its apply). */
struct nc_listener {
        enum nc_proto proto;
        /* IPv4 sockets and IPv6 ones bound to a v4-mapped address as
         * ::ffff:A.B.C.D: the same reach for a port. */
        struct nc_ipv6 address;
        uint16_t port;
        bool v6only;                            /* an IPv6 socket on :: that takes no IPv4 */
};

struct nc_nft {
        /* The table read in full: the one settings.table names, or, with no
         * file (show), the marked one. NULL: it does not exist. Its mark is
         * its entry in tables. The desired state has no tables list: the
         * table it wants is marked. */
        char *table;
        struct nc_nft_chain *chains;            /* sorted by name */
        size_t n_chains;
        struct nc_nft_rule *rules;              /* sorted by (chain, key); keyless last by handle */
        size_t n_rules;
        struct nc_nft_table *tables;            /* every inet table, table included; sorted by name */
        size_t n_tables;
        struct nc_nft_object *objects;          /* table's sets, maps, flowtables; sorted by (kind, name) */
        size_t n_objects;
        /* The port maps' elements (above), sorted by (map, key) as rules
         * are by (chain, key); no handle, no raw. */
        struct nc_nft_rule *elements;
        size_t n_elements;
        /* Every other table's forward base chain with policy drop, of any
         * family in enum nc_nft_family; sorted by (family name, table,
         * chain). Read whether or not the owned table exists. */
        struct nc_nft_forward_drop *forward_drops;
        size_t n_forward_drops;
        /* Other tables' drop rules in forward base chains, as above; sorted
         * by (family name, table, chain, handle). From one rule dump, made
         * only when another table has a forward base chain. */
        struct nc_nft_drop_rule *drop_rules;
        size_t n_drop_rules;
};

/* What is wrong with an existing container namespace, as observation
 * found it (SPEC 7.7: the container's problem alone; the planner makes it
 * a conflict of that container and leaves the container as it is). Such a
 * namespace is not read: nothing in it is netconverge's to touch. */
enum nc_netns_problem {
        NC_NETNS_PROBLEM_NONE,
        NC_NETNS_PROBLEM_HOST,          /* the namespace netconverge acts in (the host's, or -n's) */
        NC_NETNS_PROBLEM_NOT_NETNS,     /* a directory, device, FIFO, a file with data, another kind of ns */
        NC_NETNS_PROBLEM_SHARED,        /* the same namespace as another the file names (same_as) */
        _NC_NETNS_PROBLEM_MAX,
};

/* A namespace the file names, and whether it exists. */
struct nc_namespace {
        char *netns;
        bool exists;
        enum nc_netns_problem problem;  /* NONE unless exists */
        char *same_as;                  /* SHARED: another netns value naming the same namespace */
};

/* The sysctls netconverge sets (in the host namespace), by their names:
 * net.ipv4.ip_forward, and net.ipv6.conf.all.forwarding when an IPv6
 * bridge NATs or publishes (SPEC 7.1). */
enum nc_sysctl {
        NC_SYSCTL_IP_FORWARD,
        NC_SYSCTL_IP6_FORWARD,
        /* net.ipv4.conf.all.route_localnet: DNAT from 127.0.0.1 to a
         * container (SPEC 7.2), when an IPv4 port is published on the
         * unspecified or a loopback address; the guard rule comes first. */
        NC_SYSCTL_ROUTE_LOCALNET,
        _NC_SYSCTL_MAX,
};

/* "net.ipv4.ip_forward"; NULL for a value out of range. */
const char *nc_sysctl_name(enum nc_sysctl k);
/* Its file: /proc/sys/ and the name with dots as slashes. 0, or -EINVAL. */
#define NC_SYSCTL_PATH_MAX 64
int nc_sysctl_path(enum nc_sysctl k, char buf[static NC_SYSCTL_PATH_MAX]);

struct nc_state {
        struct nc_link *links;
        size_t n_links;
        struct nc_address *addresses;
        size_t n_addresses;
        struct nc_route *routes;
        size_t n_routes;
        struct nc_namespace *namespaces;
        size_t n_namespaces;
        struct nc_fdb *fdb;             /* sorted by (netns, ifname, mac, family, dst) */
        size_t n_fdb;
        int ip_forward;                 /* -1 unknown, 0, 1 */
        int ip6_forward;                /* net.ipv6.conf.all.forwarding: -1 unknown (or not wanted), 0, 1 */
        int route_localnet;             /* net.ipv4.conf.all.route_localnet: the same */
        struct nc_nft nft;              /* the owned nftables table, host namespace */
        struct nc_listener *listeners;  /* host namespace; sorted by (proto, address, port, v6only) */
        size_t n_listeners;
};

struct nc_state *nc_state_new(void);
struct nc_state *nc_state_free(struct nc_state *s);
void nc_state_freep(struct nc_state **s);
/* The value of a sysctl in s (ip_forward or ip6_forward), and where it is. */
int *nc_state_sysctl(struct nc_state *s, enum nc_sysctl k);
int nc_state_sysctl_value(const struct nc_state *s, enum nc_sysctl k);

/* Appenders copy their argument's strings (the argument keeps its own).
 * They return 0 or -ENOMEM. nc_state_add_link() also fills role and owner_*
 * from the alias. */
int nc_state_add_link(struct nc_state *s, const struct nc_link *l);
/* Moves src's links, addresses, routes and namespaces (not its nftables
 * table or ip_forward) to the end of dst's; src keeps none. 0 or -ENOMEM,
 * when both are left as they were. */
int nc_state_absorb(struct nc_state *dst, struct nc_state *src);
int nc_state_add_address(struct nc_state *s, const struct nc_address *a);
/* Room for this many more of each, so that appending them moves nothing
 * (a builder that knows its counts). 0 or -ENOMEM. */
int nc_state_reserve(struct nc_state *s, size_t links, size_t addresses, size_t routes, size_t namespaces,
                     size_t rules);
int nc_state_add_route(struct nc_state *s, const struct nc_route *r);
int nc_state_add_fdb(struct nc_state *s, const struct nc_fdb *f);
int nc_state_add_namespace(struct nc_state *s, const char *netns, bool exists);
/* Sets the problem of the last namespace added (same_as for SHARED,
 * copied; NULL otherwise). 0 or -ENOMEM. */
int nc_state_set_namespace_problem(struct nc_state *s, enum nc_netns_problem problem, const char *same_as);
const char *nc_netns_problem_to_string(enum nc_netns_problem p);
int nc_netns_problem_from_string(const char *s);
int nc_state_set_nft_table(struct nc_state *s, const char *table);
int nc_state_add_nft_chain(struct nc_state *s, const struct nc_nft_chain *c);
int nc_state_add_nft_rule(struct nc_state *s, const struct nc_nft_rule *r);
/* An entry of tables: t's fields, its name copied. */
int nc_state_add_nft_table(struct nc_state *s, const struct nc_nft_table *t);
int nc_state_add_nft_object(struct nc_state *s, const struct nc_nft_object *o);
/* An element of a port map: r's fields, its chain (the map) and key copied. */
int nc_state_add_nft_element(struct nc_state *s, const struct nc_nft_rule *r);
/* An entry of forward_drops: d's fields, its strings copied. */
int nc_state_add_nft_forward_drop(struct nc_state *s, const struct nc_nft_forward_drop *d);
/* An entry of drop_rules: d's fields, its strings copied. */
int nc_state_add_nft_drop_rule(struct nc_state *s, const struct nc_nft_drop_rule *d);
/* A listener's address as the snapshot writes it: ::ffff:A.B.C.D as
 * A.B.C.D (an IPv4 socket, or a v4-mapped one: the same reach), any
 * other as IPv6 text. parse() takes either form: 0 or -EINVAL. */
char *nc_listener_address_format(const struct nc_ipv6 *a, char buf[static NC_IPV6_STRLEN]);
int nc_listener_address_parse(const char *s, struct nc_ipv6 *ret);
/* ::ffff:A.B.C.D for an IPv4 address (host byte order); whether a is one. */
struct nc_ipv6 nc_ipv6_mapped(uint32_t v4);
bool nc_ipv6_is_mapped(const struct nc_ipv6 *a);
/* A listener; one equal to one already there is not added again. */
int nc_state_add_listener(struct nc_state *s, const struct nc_listener *l);
/* The entry of tables named name (tables sorted), or NULL. */
const struct nc_nft_table *nc_nft_find_table(const struct nc_nft *t, const char *name);
/* The chain named name (chains sorted by name, names unique), or NULL:
 * a binary search, since every rule of a table asks (a scan made planning
 * O(chains x rules), 1.4 s for 30,000 of each). */
const struct nc_nft_chain *nc_nft_find_chain(const struct nc_nft *t, const char *name);

/* Field-by-field equality of what two rules do (chain, key and handle
 * aside); NC_RULE_OTHER equals nothing. */
bool nc_nft_rule_equal(const struct nc_nft_rule *a, const struct nc_nft_rule *b);
const char *nc_rule_kind_to_string(enum nc_rule_kind k);
int nc_rule_kind_from_string(const char *s);
/* "set", "map", "flowtable", "counter", "quota", "ct-helper", ... */
const char *nc_nft_object_kind_to_string(enum nc_nft_object_kind k);
int nc_nft_object_kind_from_string(const char *s);
const char *nc_nft_hook_to_string(enum nc_nft_hook h);
/* "ip", "ip6", "inet": nft's names of the families. */
const char *nc_nft_family_to_string(enum nc_nft_family f);
int nc_nft_family_from_string(const char *s);
int nc_nft_hook_from_string(const char *s);

/* Sorts every collection by its key: links (netns, name), addresses
 * (netns, ifname, address, prefixlen), routes (netns, dst, dst_len),
 * namespaces (netns), nft chains (name), nft rules (chain, key; keyless
 * ones last, by handle), nft tables (name), nft objects (kind, name),
 * nft forward drops (family name, table, chain). */
void nc_state_sort(struct nc_state *s);

/* The keys nc_state_sort() orders by, for walking two sorted states
 * together (the planner's merge). A rule's key is (chain, key; keyless
 * last): its handle only orders copies. */
int nc_link_key_compare(const struct nc_link *a, const struct nc_link *b);
int nc_address_key_compare(const struct nc_address *a, const struct nc_address *b);
int nc_route_netns_compare(const struct nc_route *a, const struct nc_route *b);
int nc_fdb_key_compare(const struct nc_fdb *a, const struct nc_fdb *b);
int nc_nft_chain_key_compare(const struct nc_nft_chain *a, const struct nc_nft_chain *b);
int nc_nft_rule_key_compare(const struct nc_nft_rule *a, const struct nc_nft_rule *b);

/* Lookups on a sorted state; NULL when absent. */
const struct nc_link *nc_state_find_link(const struct nc_state *s, const char *netns, const char *name);
const struct nc_namespace *nc_state_find_namespace(const struct nc_state *s, const char *netns);
/* The routes of netns, a run of the sorted array (default routes first):
 * returns how many, and the first in *ret. */
size_t nc_state_routes_of(const struct nc_state *s, const char *netns, const struct nc_route **ret);

/* The alias marks. Each returns a new string or NULL on OOM. */
char *nc_alias_bridge(void);
char *nc_alias_host_end(const char *container, const char *bridge, const char *netns);
char *nc_alias_peer_end(const char *container, const char *bridge);
char *nc_alias_vxlan(const char *bridge);
/* Fills role and owner_* of l from l->alias alone (what a netlink event's
 * alias names). -ENOMEM or 0. */
int nc_link_parse_alias(struct nc_link *l);
/* Ownership as above: l's kind and group checked against the role its
 * alias gave; role NONE (owner_* freed) when they do not fit. */
void nc_link_check_marks(struct nc_link *l);
static inline bool nc_link_group_ours(uint32_t group) {
        return group == NC_LINK_GROUP_OWNED || group == NC_LINK_GROUP_DOOMED;
}
/* In our group, of a kind netconverge makes, and not owned: an apply died
 * after creating it and before marking it with its alias (or someone
 * wrote over the alias). */
static inline bool nc_link_unfinished(const struct nc_link *l) {
        return l->role == NC_ROLE_NONE && nc_link_group_ours(l->group) &&
               (l->kind == NC_LINK_BRIDGE || l->kind == NC_LINK_VETH || l->kind == NC_LINK_VXLAN);
}

const char *nc_link_kind_to_string(enum nc_link_kind k);
int nc_link_kind_from_string(const char *s);
