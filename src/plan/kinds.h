/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/plan.h"

/* The table of object kinds: per kind of change (enum nc_object) what the
 * rest of the planner needs to know about it, in one row (networkd's
 * vtables, iproute2's link_util). Each kind's functions live in its own
 * file (kind-link.c, kind-addr.c, kind-host.c, kind-nft.c); kinds.c holds
 * the table. The apply step of each kind is apply's row for it
 * (src/apply/apply.c): plan knows nothing of the kernel. */

/* What a ~ changes, field by field, old and new: a kind's `changed`
 * fills these, and describe.c turns them into the "changed" items (the
 * JSON's {"mtu": {"old": 1400, "new": 1500}}, the text's "mtu 1400 ->
 * 1500"). */
enum nc_field_type {
        NC_FIELD_FLAG,                  /* text: the label alone ("adopt"); JSON: false -> true */
        NC_FIELD_UP,                    /* bool; text "down"/"up" */
        NC_FIELD_INT,
        NC_FIELD_TEXT,                  /* a name, a MAC or an address */
};

struct nc_field_value {
        bool absent;                    /* none or unknown: JSON null, text the field's `absent` */
        bool b;
        long long n;
        char text[NC_ITEM_BUF];
};

struct nc_changed_field {
        const char *key;                /* JSON key */
        const char *label;              /* text before "OLD -> NEW": "mtu ", "host end ", "" */
        const char *absent;             /* text of an absent value: "none", "unknown" */
        enum nc_field_type type;
        struct nc_field_value old, new;
};

#define NC_CHANGED_FIELDS_MAX 8

struct nc_affected;

/* How the text shows what a ~ changes: "NAME: mtu 1400 -> 1500, up"
 * (inline), or the old side then the new ("route default: via A -> via
 * B"). */
enum nc_changes_style {
        NC_CHANGES_INLINE,
        NC_CHANGES_BY_SIDE,
};

struct nc_kind {
        const char *name;               /* JSON "object", nc_object_to_string() */
        /* The order of two changes of this kind in one phase and
         * namespace (the plan's order is phase, namespace, kind, this). */
        int (*compare)(const struct nc_action *a, const struct nc_action *b);
        /* The change's items (describe.c's helpers), "changed" included. */
        void (*describe)(const struct nc_action *a, struct nc_description *d);
        /* What a ~ changes, in the text's order (NULL: nothing beyond
         * what describe says). */
        size_t (*changed)(const struct nc_action *a, struct nc_changed_field f[static NC_CHANGED_FIELDS_MAX]);
        enum nc_changes_style changes_style;
        /* The namespaces the change is about: its own, both ends of a
         * veth, the container a host end was made for. */
        size_t (*namespaces)(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]);
        /* The NC_DIFF_* bits a ~ of this kind changes in place; a
         * difference in anything else about it is - then +. */
        uint32_t updatable;
        /* Whether the change breaks established traffic (SPEC 7.4),
         * naming in x the containers it breaks it for (NULL: never). */
        bool (*disrupts)(const struct nc_action *a, struct nc_affected *x);
};

const struct nc_kind *nc_kind_of(enum nc_object o);

/* disrupt.c: the containers a disruptive change affects, found from the
 * observed state: by name, every one on a bridge, the one in a namespace,
 * the one holding an address. */
void nc_affected_container(struct nc_affected *x, const char *name);
void nc_affected_bridge(struct nc_affected *x, const char *bridge);
void nc_affected_netns(struct nc_affected *x, const char *netns);
void nc_affected_address(struct nc_affected *x, uint32_t address);
void nc_affected_address6(struct nc_affected *x, const struct nc_ipv6 *address);

/* The rows, each defined in its kind's file. */
extern const struct nc_kind nc_kind_netns, nc_kind_bridge, nc_kind_veth, nc_kind_loopback, nc_kind_address,
        nc_kind_route, nc_kind_sysctl, nc_kind_nft_table, nc_kind_nft_chain, nc_kind_nft_rule, nc_kind_nft_set,
        nc_kind_nft_map, nc_kind_nft_flowtable, nc_kind_nft_stateful, nc_kind_nft_element, nc_kind_vxlan, nc_kind_fdb;

/* describe.c: adding items. key NULL: text only; text NULL: JSON only. */
struct nc_item *nc_put(struct nc_description *d, enum nc_item_type type, const char *key, const char *text);
void nc_put_string(struct nc_description *d, const char *key, const char *text, const char *s);
void nc_put_uint(struct nc_description *d, const char *key, const char *text, unsigned long long v);
void nc_put_ipv4(struct nc_description *d, const char *key, const char *text, uint32_t a);
void nc_put_cidr(struct nc_description *d, const char *key, const char *text, uint32_t a, unsigned prefixlen);
void nc_put_ipv6(struct nc_description *d, const char *key, const char *text, const struct nc_ipv6 *a);
void nc_put_cidr6(struct nc_description *d, const char *key, const char *text, const struct nc_ipv6 *a,
                  unsigned prefixlen);
void nc_put_mac(struct nc_description *d, const char *key, const char *text, const uint8_t mac[6]);
void nc_put_open(struct nc_description *d, const char *key, const char *text);
void nc_put_close(struct nc_description *d, const char *text);
/* Text only: " in netns NAME", when netns is not the host's. */
void nc_put_netns_suffix(struct nc_description *d, const char *netns);
/* "changed": the kind's changed fields as items, in its style. An
 * `extra` callback adds kind-specific items inside the object (a rule's
 * old and new form); NULL for none. */
void nc_put_changes(struct nc_description *d, const struct nc_action *a,
                    void (*extra)(const struct nc_action *a, struct nc_description *d));

/* describe.c: a changed field (for the kinds' `changed`). */
struct nc_changed_field *nc_field_add(struct nc_changed_field *f, size_t *n, const char *key, const char *label,
                                      enum nc_field_type type);
void nc_field_name(struct nc_field_value *v, const char *name);
void nc_field_ipv4(struct nc_field_value *v, uint32_t a);
void nc_field_ipv6(struct nc_field_value *v, const struct nc_ipv6 *a);

/* kinds.c: what several kinds share. */
int nc_kind_compare_none(const struct nc_action *a, const struct nc_action *b);
size_t nc_kind_own_namespace(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]);
int nc_kind_compare_str(const char *a, const char *b);
int nc_kind_compare_u64(uint64_t a, uint64_t b);
