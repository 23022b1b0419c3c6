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
        NC_PHASE_REMOVE_FDB,            /* - a VXLAN link's remote, where the link stays */
        NC_PHASE_REMOVE_LINK,           /* veths and bridges, deleted together as one link group */
        NC_PHASE_NETNS,                 /* + netns: named namespaces created */
        NC_PHASE_BRIDGE,                /* + ~ bridge */
        NC_PHASE_VXLAN,                 /* + ~ a bridge's VXLAN link, enslaved to it */
        NC_PHASE_FDB,                   /* + its forwarding-database entries, one per remote */
        NC_PHASE_HOST_ADDRESS,          /* + address on a bridge (host namespace) */
        NC_PHASE_VETH,                  /* + ~ veth: pair created with its peer in the container's namespace */
        NC_PHASE_LOOPBACK,              /* ~ lo up in a container namespace */
        NC_PHASE_ADDRESS,               /* + address in a container namespace */
        NC_PHASE_ROUTE,                 /* + ~ default route in a container namespace */
        /* nftables: every change of these phases goes in ONE batch
         * transaction, in this order, all or nothing. */
        NC_PHASE_NFT_REMOVE_RULE,       /* - rules not ours or no longer wanted */
        NC_PHASE_NFT_REMOVE_ELEMENT,    /* - port map elements no longer wanted (their map stays) */
        NC_PHASE_NFT_REMOVE_SET,        /* - sets and maps (none is ours): once no rule uses them, before the
                                         * chains a verdict map jumps to; the chains removed below are
                                         * flushed before the first of these */
        NC_PHASE_NFT_REMOVE_CHAIN,      /* - chains not ours (flushed, then deleted) */
        NC_PHASE_NFT_REMOVE_FLOWTABLE,  /* - flowtables and stateful objects (none is ours): once no rule
                                         * offloads to or names them, and no object map holds them */
        NC_PHASE_NFT_REMOVE_TABLE,      /* - owned tables no longer wanted (destroy, a new settings.table) */
        NC_PHASE_NFT_TABLE,             /* + the table; ~ an earlier netconverge's, marked; ~ dormant cleared */
        NC_PHASE_NFT_CHAIN,             /* + chains */
        NC_PHASE_NFT_MAP,               /* + the published ports' maps, before the rules that look them up */
        NC_PHASE_NFT_RULE,              /* + ~ rules: RETURN rules go to the head of their chain, others are appended */
        NC_PHASE_NFT_ELEMENT,           /* + port map elements, one per published port and family */
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
        NC_OBJECT_NFT_ELEMENT,          /* an element of a published ports' map: one host port (SPEC 7.2) */
        NC_OBJECT_VXLAN,                /* a bridge's VXLAN link (SPEC 7.5) */
        NC_OBJECT_FDB,                  /* one remote of a VXLAN link: an all-zeros FDB entry */
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
#define NC_DIFF_HAIRPIN         (1U << 14)      /* veth host end: its bridge port's hairpin mode turned on */
#define NC_DIFF_PORT_ISOLATED   (1U << 15)      /* veth host end: its bridge port's isolated flag (icc) */
/* Not a ~ of any kind: what makes the object what it is differs (a link's
 * kind or marks, a veth's other end, a chain's hook), so it is removed and
 * made again. A kind's diff returns it; no kind lists it as updatable. */
#define NC_DIFF_REPLACE         (1U << 13)
/* On a - of a published port's rule (one DNAT rule per port, before the
 * maps): the port lives on as a map element with the same translation, so
 * removing the rule breaks nothing. Not a ~ of any kind either. */
#define NC_DIFF_MOVED           (1U << 14)

/* One change, tagged by its object: the union member the kind uses
 * holds what it changes (one row of the table of kinds, plan/kinds.c,
 * says which). want points into the plan's desired state, have into the
 * observed state it was computed from (which must outlive the plan): an
 * add has no have, a remove no want.
 *   NETNS     add: netns (no member)
 *   BRIDGE    link: add want; modify want, have; remove have
 *   VETH      link: want (host end) and want_peer (container end) on add;
 *             all four on modify; have, have_peer (may be NULL) on remove
 *   LOOPBACK  link: modify want, have (NULL when the namespace is new)
 *   VXLAN     link: add want; modify want, have; remove have
 *   FDB       fdb: add want; remove have
 *   ADDRESS   address: add want; remove have
 *   ROUTE     route: add want; modify want, have; remove have
 *   SYSCTL    sysctl: modify want, have (-1 unknown)
 *   NFT_*     nft: table names the table (family inet). NFT_TABLE add, remove; modify
 *             (NC_DIFF_MARK): deleted and made again with the mark, its chains and rules
 *             added after it; modify (NC_DIFF_DORMANT): its flags set to 0 in place.
 *             NFT_CHAIN nft.chain: add want; remove have.
 *             NFT_RULE nft.rule: add want; modify want, have (replace have->handle);
 *             remove have (by handle).
 *             NFT_SET, NFT_MAP, NFT_FLOWTABLE, NFT_STATEFUL nft.object: remove (by name; and type);
 *             NFT_MAP add: a port map (want's name and type).
 *             NFT_ELEMENT nft.rule (an NC_RULE_DNAT, chain = its map): add want; remove have
 *             (by key); a changed target is - then + in the same batch. */
struct nc_link_change {
        const struct nc_link *want, *have;
        const struct nc_link *want_peer, *have_peer;
};

struct nc_address_change {
        const struct nc_address *want, *have;
};

struct nc_route_change {
        const struct nc_route *want, *have;
};

struct nc_fdb_change {
        const struct nc_fdb *want, *have;
};

struct nc_sysctl_change {
        enum nc_sysctl which;
        int want, have;
};

struct nc_nft_change {
        const char *table;
        union {
                struct {
                        const struct nc_nft_chain *want, *have;
                } chain;
                struct {
                        const struct nc_nft_rule *want, *have;
                } rule;
                const struct nc_nft_object *object;
        };
};

struct nc_action {
        enum nc_phase phase;
        enum nc_change change;
        enum nc_object object;
        uint32_t diff;                  /* NC_DIFF_* for modify */
        const char *netns;              /* "" = host */
        /* Breaks established traffic of containers of ours (SPEC 7.4: a
         * link deleted or made again, an address or route removed, an MTU
         * lowered, a host end moved to another bridge, a published port
         * or a masquerade removed or changed), and whose: at least one,
         * sorted, the observed state's names, in nc_plan.affected. */
        bool disruptive;
        const char *const *affected;
        size_t n_affected;
        union {
                struct nc_link_change link;
                struct nc_address_change address;
                struct nc_route_change route;
                struct nc_fdb_change fdb;
                struct nc_sysctl_change sysctl;
                struct nc_nft_change nft;
        };
};

/* Whether the action is one of the nftables batch's. */
static inline bool nc_action_is_nft(const struct nc_action *a) {
        return a->object >= NC_OBJECT_NFT_TABLE && a->object <= NC_OBJECT_NFT_ELEMENT;
}

/* A container whose namespace path does not exist, or a bridge's VXLAN
 * link whose underlay does not exist (or has no IPv4 address yet): not an
 * error, not a pending change; everything else converges. A container's
 * has container and netns; a bridge's has bridge, underlay and why (a
 * static string: "does not exist"). */
struct nc_waiting {
        const char *container;
        const char *netns;
        const char *bridge;
        const char *underlay;
        const char *why;
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
        /* Warnings (the pre-flight's, SPEC 7.4): said with the plan, which
         * stands; one line each, sorted. */
        char **warnings;
        size_t n_warnings;
        /* The keys of their published ports' rules: such a rule is left
         * as it is, neither added nor removed nor changed. */
        char **kept_rule_keys;
        size_t n_kept_rule_keys;
        /* The containers disruptive changes affect, each change's run of
         * them (nc_action.affected points in here). */
        const char **affected;
        size_t n_affected_names;
        size_t n_disruptive;            /* changes with disruptive set */
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

/* A change described once (iproute2's print-once idea): a list of items
 * from which both the text line and the JSON object are rendered, so the
 * two cannot drift. An item with a key is in the JSON, one with text in
 * the text line (the text, then the value's text form), many in both.
 * What a ~ changes is an object "changed" of {"old", "new"} pairs, the
 * same items giving the text's "mtu 1400 -> 1500". */
enum nc_item_type {
        NC_ITEM_STRING,                 /* JSON string; text: the string */
        NC_ITEM_UINT,
        NC_ITEM_INT,
        NC_ITEM_BOOL,                   /* JSON true/false; text "up"/"down" (the plan's one boolean word) */
        NC_ITEM_NULL,                   /* JSON null; text: s, the absent word ("none", "unknown") */
        NC_ITEM_OPEN,                   /* JSON: key: {; text: the text alone */
        NC_ITEM_CLOSE,                  /* JSON: }; text: the text alone */
        NC_ITEM_NAMES,                  /* JSON: an array of names; text: "a, b, c and 2 more" */
};

#define NC_ITEM_BUF NC_CIDR6_STRLEN     /* an address (of either family) with its prefix, a MAC, a number */

struct nc_item {
        enum nc_item_type type;
        const char *key;                /* NULL: not in the JSON */
        const char *text;               /* NULL: not in the text */
        const char *s;                  /* STRING, NULL: may point to buf */
        const char *const *names;       /* NAMES */
        long long n;                    /* NAMES: how many */
        bool b;
        char buf[NC_ITEM_BUF];
};

/* The longest change is a veth's ~ of all its seven fields, disruptive: 46
 * items, five a field; twice that leaves room for the kinds to come. */
#define NC_DESCRIPTION_MAX 96
struct nc_description {
        struct nc_item items[NC_DESCRIPTION_MAX];
        size_t n;
        bool text_off;                  /* while set, items are added without text (JSON only) */
        bool overflow;                  /* more items than fit: a bug, the output says so */
};

/* Fills d with what the change is and does, past the three fields every
 * change has (action, object, netns). From the change's row of the table
 * of kinds. */
void nc_action_description(const struct nc_action *a, struct nc_description *d);
/* The text line d gives, appended to b: the sign, a space, then the text
 * of every item that has some. */
void nc_description_text(struct nc_strbuf *b, const struct nc_action *a, const struct nc_description *d);

const char *nc_change_to_string(enum nc_change c);     /* "add", "modify", "remove" */
const char *nc_object_to_string(enum nc_object o);     /* "netns", "bridge", ... */
/* The NC_DIFF_* bits a ~ of this kind changes in place (its row of the
 * table of kinds); any other difference is - then +. */
uint32_t nc_object_updatable(enum nc_object o);

/* The namespaces a change is about: its own, both ends of a veth, the
 * container a host end was made for (some may repeat). */
#define NC_ACTION_NETNS_MAX 4
size_t nc_action_namespaces(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]);

/* The plan's order (and apply's): phase, namespace, kind, then each
 * kind's own key. */
int nc_action_compare(const struct nc_action *a, const struct nc_action *b);

/* plan/scope.c: adds to scope what the plan changes, for nc_observe_scoped(). */
/* Everything a plan's changes touch: the namespaces of its links,
 * addresses and routes, on both ends of a veth, the host links it changes
 * and their bridges, and the table. */
int nc_observe_scope_add_plan(struct nc_observe_scope *scope, const struct nc_plan *plan);
