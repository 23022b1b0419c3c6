/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/plan.h"
#include "util/strbuf.h"

/* lower.c: the desired model as kernel objects, with addresses allocated
 * against what `observed` holds. Containers whose namespace is a path that
 * does not exist are left out (they take part in IPAM, so their address
 * does not move when they appear) and listed in plan->waiting. */
struct nc_state_index;
struct nc_netns_ids;
int nc_plan_lower(const struct nc_model *m, const struct nc_state_index *observed, const struct nc_netns_ids *ids,
                  struct nc_plan *plan);

/* lower-vxlan.c (SPEC 7.5): whether a vxlan's remotes are IPv6 (they are
 * of one family); the bytes VXLAN adds over an underlay of that family (50
 * or 70); the MTU of a bridge (the file's; with vxlan and none in the
 * file, its VXLAN link's), of its VXLAN link (the underlay's minus the
 * overhead), and the link with its FDB entries appended to s. A bridge
 * whose underlay is missing or has no address of the remotes' family is
 * listed in plan->waiting instead (room for it is the caller's). 0 or
 * -ENOMEM. */
struct nc_vxlan;
bool nc_plan_vxlan_v6(const struct nc_vxlan *x);
unsigned nc_plan_vxlan_overhead(bool v6);
unsigned nc_plan_bridge_mtu(const struct nc_bridge *b, const struct nc_state_index *observed);
unsigned nc_plan_vxlan_mtu(const struct nc_bridge *b, const struct nc_state_index *observed);
int nc_plan_lower_vxlan(const struct nc_bridge *b, const struct nc_state_index *observed, struct nc_state *s,
                        struct nc_plan *plan);
/* Whether bridge (NULL: none) is one lowering listed as waiting for its
 * underlay: its VXLAN link and FDB entries are left as they are. */
bool nc_plan_bridge_waits(const struct nc_plan *plan, const char *bridge);

/* preflight-vxlan.c (SPEC 7.5): a conflict for a remote that is one of
 * the host's own addresses, and for a bridge MTU above its VXLAN link's.
 * 0 or -ENOMEM. */
int nc_plan_preflight_vxlan(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_conflicts);

/* diff-fdb.c: the FDB entries' actions. fresh (per desired link) and
 * gone (per observed link) are the differ's: a link made by this plan
 * has none of its entries yet, one removed takes its own along. */
struct nc_fdb_diff {
        const struct nc_state *want, *have;
        const bool *fresh, *gone;
        struct nc_plan *plan;
        size_t *cap_actions;
};
int nc_plan_diff_fdb(const struct nc_fdb_diff *c);

/* plan.c: appends an action (counted in the summary); NULL on OOM. */
struct nc_action *nc_plan_push(struct nc_plan *p, size_t *cap, enum nc_phase phase, enum nc_change change,
                               enum nc_object object, const char *netns);

/* The addresses lowering gave one attachment: v4 0 on a bridge without
 * IPv4, v6 all zeros on one without IPv6. */
struct nc_lowered_addrs {
        uint32_t v4;
        struct nc_ipv6 v6;
};

/* lower-nft.c: the owned table's chains and rules. addrs[i][k] are the
 * addresses of container i on its k-th network; waiting[i] leaves
 * container i's ports out. */
int nc_plan_lower_nft(const struct nc_model *m, struct nc_lowered_addrs *const *addrs, const bool *waiting,
                      struct nc_state *s);

/* lower-nft.c: r added to s in the chain and with the key its kind and
 * fields give it (nc_plan_nft_rule_key()). */
int nc_plan_nft_add_rule(struct nc_state *s, struct nc_nft_rule *r);

/* lower-ports.c: the published ports of the containers not waiting, as
 * elements of the port maps, and each map in use with the rule that
 * looks it up (SPEC 7.2). */
int nc_plan_lower_ports(const struct nc_model *m, struct nc_lowered_addrs *const *addrs, const bool *waiting,
                        struct nc_state *s);

/* lower-ports.c: the keys of the elements c's published ports have, appended
 * to plan->kept_rule_keys (a container left as it is keeps its rules as
 * they are). 0 or a negative errno. */
int nc_plan_nft_port_keys(const struct nc_model *m, const struct nc_container *c, struct nc_plan *plan,
                          size_t *cap);

/* The owned table's chains, by name (NULL: not one of them), and how many
 * there are: the shapes a table of ours has, for lowering and for
 * recognizing a table an earlier netconverge made. */
const struct nc_nft_chain *nc_plan_nft_chain(const char *name);
size_t nc_plan_nft_n_chains(void);
/* The chains the unmarked version made (the first of them): what a
 * table it left has, and only that. */
#define NC_PLAN_LEGACY_CHAINS 5
const struct nc_nft_chain *nc_plan_nft_legacy_chain(const char *name);

/* The key a rule of this kind and these fields has (its comment), and
 * the chain it goes in. -EINVAL for a rule netconverge does not make,
 * -ENOBUFS when size is short (NC_RULE_KEY_MAX is enough). */
#define NC_RULE_KEY_MAX 96
int nc_plan_nft_rule_key(const struct nc_nft_rule *r, char *buf, size_t size, const char **ret_chain);

/* diff-nft.c: tables, chains and rules, appended to plan->actions; a
 * table of the wanted name that is not ours is a conflict. */
int nc_plan_diff_nft(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_actions,
                     size_t *cap_conflicts);

/* plan.c: appends a conflict to the plan. 0 or -ENOMEM. */
__attribute__((format(printf, 3, 4)))
int nc_plan_conflict(struct nc_plan *p, size_t *cap, const char *fmt, ...);

/* diff.c: the actions and conflicts that take observed to plan->desired;
 * ids gains the namespaces only plan->desired names. */
int nc_plan_diff(const struct nc_state_index *observed, struct nc_netns_ids *ids, struct nc_plan *plan);

/* index.c: hash lookups into the sorted arrays of a state. */
struct nc_index_slot {
        uint32_t fingerprint;           /* the high half of the key's hash */
        uint32_t element;               /* element index + 1; 0 = empty */
};

/* Namespace names as small numbers, shared by the two states of a plan:
 * equal names, equal ids. The names point into the states' strings. */
#define NC_NETNS_HOST 0u                /* "" is interned first */
#define NC_NETNS_NONE UINT32_MAX        /* no name, or one no state has */

struct nc_netns_ids {
        const char **names;             /* by id */
        size_t n, cap;
        struct nc_index_slot *slots;
        size_t mask;
};

int nc_netns_ids_init(struct nc_netns_ids *t);
void nc_netns_ids_done(struct nc_netns_ids *t);
/* The id of netns, given one if new: 0 or -ENOMEM. */
int nc_netns_ids_intern(struct nc_netns_ids *t, const char *netns, uint32_t *ret);
/* The id of netns, or NC_NETNS_NONE. */
uint32_t nc_netns_ids_find(const struct nc_netns_ids *t, const char *netns);

/* (namespace id, name), zero-padded: compared and hashed as bytes. */
struct nc_name_key {
        uint32_t netns;
        char name[NC_IFNAMSIZ];
};

struct nc_key_index {
        const struct nc_name_key *keys;
        struct nc_index_slot *slots;    /* to the first element with a key */
        size_t mask;
};

/* The lookups of nc_state_find_link() and friends on a sorted state, by
 * namespace id. The state must not change while indexed. Namespaces
 * interned after the index was built are in none of its elements. */
struct nc_state_index {
        const struct nc_state *s;
        uint32_t *link_peer_ns;         /* per link: id of peer_netns, NC_NETNS_NONE when NULL */
        struct nc_name_key *link_keys;  /* per link: (netns, name) */
        struct nc_name_key *address_keys; /* per address: (netns, ifname) */
        uint32_t *route_ns;             /* per route: id of netns */
        uint32_t *namespace_ns;         /* per namespace: id of netns */
        struct nc_key_index links, addresses;
        size_t n_ids;                   /* ids known when built */
        uint32_t *namespace_of;         /* by id: namespace index + 1; 0 = none */
};

/* Interns every namespace s names into ids, then indexes s. */
int nc_state_index_init(struct nc_state_index *ix, const struct nc_state *s, struct nc_netns_ids *ids);
void nc_state_index_done(struct nc_state_index *ix);

static inline uint32_t nc_state_index_link_ns(const struct nc_state_index *ix, size_t i) {
        return ix->link_keys[i].netns;
}

static inline uint32_t nc_state_index_address_ns(const struct nc_state_index *ix, size_t i) {
        return ix->address_keys[i].netns;
}

const struct nc_link *nc_state_index_link(const struct nc_state_index *ix, uint32_t netns, const char *name);
const struct nc_namespace *nc_state_index_namespace(const struct nc_state_index *ix, uint32_t netns);
/* The run of addresses on (netns, ifname): how many, and the first in
 * *ret. */
size_t nc_state_index_addresses(const struct nc_state_index *ix, uint32_t netns, const char *ifname,
                                const struct nc_address **ret);

/* merge.c: two arrays sorted by one key, walked together (wireguard's
 * syncconf): each step is a run of equal keys, on one side or on both.
 * compare(ctx, a_is_want, a, b_is_want, b) orders element a of one side
 * against element b of one side by the key nc_state_sort() sorted them
 * by (state.h's nc_*_key_compare()). */
struct nc_run {
        size_t want, n_want;            /* want[want .. want + n_want) */
        size_t have, n_have;
};

struct nc_merge {
        size_t i, j, n_want, n_have;
        int (*compare)(const void *ctx, bool a_want, size_t a, bool b_want, size_t b);
        const void *ctx;
};

/* The next run; false when both sides are done. */
bool nc_merge_next(struct nc_merge *m, struct nc_run *run);

/* disrupt.c: marks the plan's disruptive changes and whom they affect
 * (the kinds' `disrupts`), from the observed state. 0 or -ENOMEM. */
int nc_plan_find_disruptions(struct nc_plan *plan, const struct nc_state *observed);

/* preflight.c (SPEC 7.4): a conflict for each bridge subnet that overlaps
 * an address or a route of a host link netconverge does not own, and a
 * warning for each other table's forward chain with policy drop, drop rule
 * that catches the bridges' traffic, and host listener on a published port. 0 or
 * -ENOMEM. */
int nc_plan_preflight(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_conflicts);
/* One more warning of the pre-flight's, b's text (taken; b is left
 * empty): nc_plan_preflight() sorts them all once at its end. 0 or
 * -ENOMEM (also when b ran out of memory). */
struct nc_strbuf;
int nc_plan_add_warning(struct nc_plan *plan, struct nc_strbuf *b);

/* preflight-ra.c (SPEC 7.1): a warning for each host link that takes IPv6
 * router advertisements with accept_ra 1 when the plan turns IPv6
 * forwarding on. 0 or -ENOMEM. */
int nc_plan_warn_accept_ra(const struct nc_state *observed, struct nc_plan *plan);
