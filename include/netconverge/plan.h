/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/addr.h"
#include "netconverge/model.h"
#include "netconverge/scope.h"
#include "netconverge/state.h"

/* The plan: the ordered changes that make the observed state the desired
 * one. Computed by a pure function of the desired model and the observed
 * state (no I/O), so it is tested with golden files and no root.
 *
 * Order = the order apply makes the changes = the order they print:
 * sorted by (phase, netns, object, key). The phases: */
enum nc_phase {
        NC_PHASE_REMOVE_ROUTE,          /* removals first, dependents before what they depend on */
        NC_PHASE_REMOVE_ADDRESS,
        NC_PHASE_REMOVE_LINK,           /* veths and bridges, deleted together as one link group */
        NC_PHASE_NETNS,                 /* + netns: named namespaces created */
        NC_PHASE_BRIDGE,                /* + ~ bridge */
        NC_PHASE_HOST_ADDRESS,          /* + address on a bridge (host namespace) */
        NC_PHASE_VETH,                  /* + ~ veth: pair created with its peer in the container's namespace */
        NC_PHASE_LOOPBACK,              /* ~ lo up in a container namespace */
        NC_PHASE_ADDRESS,               /* + address in a container namespace */
        NC_PHASE_ROUTE,                 /* + ~ default route in a container namespace */
        /* nftables: every change of these phases goes in ONE batch
         * transaction, in this order, all or nothing. */
        NC_PHASE_NFT_REMOVE_RULE,       /* - rules not ours or no longer wanted */
        NC_PHASE_NFT_REMOVE_SET,        /* - sets and maps (none is ours): once no rule uses them, before the
                                         * chains a verdict map jumps to; the chains removed below are
                                         * flushed before the first of these */
        NC_PHASE_NFT_REMOVE_CHAIN,      /* - chains not ours (flushed, then deleted) */
        NC_PHASE_NFT_REMOVE_FLOWTABLE,  /* - flowtables and stateful objects (none is ours): once no rule
                                         * offloads to or names them, and no object map holds them */
        NC_PHASE_NFT_REMOVE_TABLE,      /* - owned tables no longer wanted (destroy, a new settings.table) */
        NC_PHASE_NFT_TABLE,             /* + the table; ~ an earlier netconverge's, marked; ~ dormant cleared */
        NC_PHASE_NFT_CHAIN,             /* + chains */
        NC_PHASE_NFT_RULE,              /* + ~ rules: RETURN rules go to the head of their chain, others are appended */
        NC_PHASE_SYSCTL,                /* ~ net.ipv4.ip_forward: last, once isolation is in place */
        _NC_PHASE_MAX,
};

enum nc_change {
        NC_CHANGE_ADD,                  /* + */
        NC_CHANGE_MODIFY,               /* ~ */
        NC_CHANGE_REMOVE,               /* - */
        _NC_CHANGE_MAX,
};

enum nc_object {
        NC_OBJECT_NETNS,
        NC_OBJECT_BRIDGE,
        NC_OBJECT_VETH,
        NC_OBJECT_LOOPBACK,
        NC_OBJECT_ADDRESS,
        NC_OBJECT_ROUTE,
        NC_OBJECT_SYSCTL,
        NC_OBJECT_NFT_TABLE,
        NC_OBJECT_NFT_CHAIN,
        NC_OBJECT_NFT_RULE,
        NC_OBJECT_NFT_SET,
        NC_OBJECT_NFT_MAP,
        NC_OBJECT_NFT_FLOWTABLE,
        NC_OBJECT_NFT_STATEFUL,         /* a counter, quota, ct helper... (nc_nft_object.kind says which) */
        _NC_OBJECT_MAX,
};

/* What a ~ changes (nc_action.diff). Everything else about an object is
 * its identity: a difference there is - then +. */
#define NC_DIFF_MTU             (1U << 0)       /* bridge, veth: both ends */
#define NC_DIFF_UP              (1U << 1)       /* bridge, veth host end, lo */
#define NC_DIFF_PEER_UP         (1U << 2)       /* veth container end */
#define NC_DIFF_MASTER          (1U << 3)       /* veth host end */
#define NC_DIFF_MAC             (1U << 4)       /* veth container end */
#define NC_DIFF_ADOPT           (1U << 5)       /* bridge: mark a foreign bridge as ours */
#define NC_DIFF_GATEWAY         (1U << 6)       /* route: via and dev (replace) */
#define NC_DIFF_VALUE           (1U << 7)       /* sysctl */
#define NC_DIFF_RULE            (1U << 8)       /* nft rule: replaced in place (same handle) */
#define NC_DIFF_MARK            (1U << 9)       /* nft table: an earlier netconverge's, marked (made again) */
#define NC_DIFF_DORMANT         (1U << 10)      /* nft table: dormant flag cleared (in place) */
#define NC_DIFF_LINK_MARK       (1U << 11)      /* bridge, veth host end: ours-unfinished, alias (and group) set */
#define NC_DIFF_PEER_MARK       (1U << 12)      /* veth container end: the same */

/* One change. Pointers point into the plan's desired state (want*) and
 * into the observed state it was computed from (have*); the observed state
 * must outlive the plan.
 *   NETNS     add: netns
 *   BRIDGE    add: want; modify: want, have; remove: have
 *   VETH      add: want (host end), want_peer (container end);
 *             modify: also have, have_peer; remove: have, have_peer (may be NULL)
 *   LOOPBACK  modify: want, have (NULL when the namespace is new)
 *   ADDRESS   add: want_address; remove: have_address
 *   ROUTE     add: want_route; modify: want_route, have_route; remove: have_route
 *   SYSCTL    modify: want_value, have_value (-1 unknown)
 *   NFT_TABLE add, remove: table (the name; family inet); modify (NC_DIFF_MARK):
 *             table, deleted and made again with the mark, its chains and rules added after it;
 *             modify (NC_DIFF_DORMANT): table, its flags set to 0 in place
 *   NFT_SET, NFT_MAP, NFT_FLOWTABLE, NFT_STATEFUL remove: have_object (by name; and type)
 *   NFT_CHAIN add: want_chain; remove: have_chain
 *   NFT_RULE  add: want_rule; modify: want_rule, have_rule (replace have_rule->handle);
 *             remove: have_rule (by handle)
 * For every NFT object, table names the table. */
struct nc_action {
        enum nc_phase phase;
        enum nc_change change;
        enum nc_object object;
        uint32_t diff;                  /* NC_DIFF_* for modify */
        const char *netns;              /* "" = host */
        const struct nc_link *want, *have;
        const struct nc_link *want_peer, *have_peer;
        const struct nc_address *want_address, *have_address;
        const struct nc_route *want_route, *have_route;
        int want_value, have_value;
        const char *table;
        const struct nc_nft_chain *want_chain, *have_chain;
        const struct nc_nft_rule *want_rule, *have_rule;
        const struct nc_nft_object *have_object;
};

/* Whether the action is one of the nftables batch's. */
static inline bool nc_action_is_nft(const struct nc_action *a) {
        return a->object >= NC_OBJECT_NFT_TABLE && a->object <= NC_OBJECT_NFT_STATEFUL;
}

/* A container whose namespace path does not exist: not an error, not a
 * pending change; everything else converges. */
struct nc_waiting {
        const char *container;
        const char *netns;
};

/* A container left as it is for a problem confined to it (SPEC 7.7): its
 * namespace is the host's own, no namespace, the same as another
 * container's, or holds a link of a wanted name that netconverge does not
 * own. Reported as a conflict naming it and the cause, but unlike the
 * plan's conflicts it does not stop the plan: everything else is applied,
 * and apply exits 1. Nothing of the container is added, changed or
 * removed (its published ports are left out, as for a waiting one). */
struct nc_container_conflict {
        const char *container;          /* the model's strings */
        const char *netns;
        char *message;                  /* owned: "container web: netns web is ..." */
};

struct nc_plan {
        struct nc_state *desired;       /* owned: the desired model, lowered */
        struct nc_action *actions;
        size_t n_actions;
        struct nc_waiting *waiting;
        size_t n_waiting;
        /* Conflicts are errors: a plan with any must not be applied. */
        char **conflicts;
        size_t n_conflicts;
        /* Sorted by container; each container's in the order found. */
        struct nc_container_conflict *container_conflicts;
        size_t n_container_conflicts;
        /* The keys of their published ports' rules: such a rule is left
         * as it is, neither added nor removed nor changed. */
        char **kept_rule_keys;
        size_t n_kept_rule_keys;
        size_t n_add, n_modify, n_remove;
};

/* Computes the plan. desired comes from the configuration loader;
 * observed from observation or a snapshot, sorted (nc_state_sort()).
 * Addresses are re-allocated against what observed holds (a running
 * container keeps its address). Returns 0, or -ENOMEM. */
int nc_plan_compute(const struct nc_model *desired, const struct nc_state *observed, struct nc_plan **ret);

struct nc_plan *nc_plan_free(struct nc_plan *p);
void nc_plan_freep(struct nc_plan **p);

/* The plan's text line for one action, without the newline, e.g.
 * "+ veth vethbb8e173b <-> eth0 in netns web, master docker0". */
char *nc_action_format(const struct nc_action *a);
/* The same, appended to b (util/strbuf.h): printing a plan reuses one
 * buffer for all its lines. */
struct nc_strbuf;
void nc_action_describe(struct nc_strbuf *b, const struct nc_action *a);

/* What a ~ changes, field by field, old and new: the one description the
 * text line ("mtu 1400 -> 1500") and the JSON ("changed": {"mtu": {"old":
 * 1400, "new": 1500}}) are both made from, so they cannot drift. A rule
 * replaced in place is described by its two rules (have_rule, want_rule),
 * not here. */
enum nc_field_type {
        NC_FIELD_FLAG,                  /* text: the label alone ("adopt"); JSON: false -> true */
        NC_FIELD_UP,                    /* bool; text "down"/"up" */
        NC_FIELD_UINT,
        NC_FIELD_INT,
        NC_FIELD_TEXT,                  /* a name, a MAC or an address */
};

struct nc_field_value {
        bool absent;                    /* none or unknown: JSON null, text the field's `absent` */
        bool b;
        long long n;
        char text[NC_MAC_STRLEN > NC_IFNAMSIZ ? NC_MAC_STRLEN : NC_IFNAMSIZ];
};

struct nc_changed_field {
        const char *key;                /* JSON key: "mtu", "up", "peer_up", "master", "mac", "adopt",
                                         * "mark", "peer_mark",
                                         * "gateway", "dev", "value", "marked", "dormant" */
        const char *label;              /* text before "OLD -> NEW": "mtu ", "host end ", "" */
        const char *absent;             /* text of an absent value: "none", "unknown" */
        enum nc_field_type type;
        struct nc_field_value old, new;
};

#define NC_CHANGED_FIELDS_MAX 8
/* Fills f with the fields a ~ action changes, in the text line's order;
 * returns how many (0 for adds, removes and rule replacements). */
size_t nc_action_changed_fields(const struct nc_action *a, struct nc_changed_field f[static NC_CHANGED_FIELDS_MAX]);

const char *nc_change_to_string(enum nc_change c);     /* "add", "modify", "remove" */
const char *nc_object_to_string(enum nc_object o);     /* "netns", "bridge", ... */

/* plan/scope.c: adds to scope what the plan changes, for nc_observe_scoped(). */
/* Everything a plan's changes touch: the namespaces of its links,
 * addresses and routes, on both ends of a veth, the host links it changes
 * and their bridges, and the table. */
int nc_observe_scope_add_plan(struct nc_observe_scope *scope, const struct nc_plan *plan);
