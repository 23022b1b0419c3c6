/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdint.h>

#include "netconverge/plan.h"
#include "util/strbuf.h"

/* plan.c: a rule in plan words ("nat publish tcp 0.0.0.0:8080 -> ..."). */
void nc_rule_describe(struct nc_strbuf *b, const struct nc_nft_rule *r);

/* lower.c: the desired model as kernel objects, with addresses allocated
 * against what `observed` holds. Containers whose namespace is a path that
 * does not exist are left out (they take part in IPAM, so their address
 * does not move when they appear) and listed in plan->waiting. */
int nc_plan_lower(const struct nc_model *m, const struct nc_state *observed, struct nc_plan *plan);

/* plan.c: appends an action (counted in the summary); NULL on OOM. */
struct nc_action *nc_plan_push(struct nc_plan *p, size_t *cap, enum nc_phase phase, enum nc_change change,
                               enum nc_object object, const char *netns);

/* lower-nft.c: the owned table's chains and rules. addrs[i][k] is the
 * address of container i on its k-th network; waiting[i] leaves container
 * i's ports out. */
int nc_plan_lower_nft(const struct nc_model *m, uint32_t *const *addrs, const bool *waiting, struct nc_state *s);

/* diff-nft.c: table, chains and rules, appended to plan->actions. */
int nc_plan_diff_nft(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_actions);

/* diff.c: the actions and conflicts that take observed to plan->desired. */
int nc_plan_diff(const struct nc_state *observed, struct nc_plan *plan, const struct nc_model *m);

/* index.c: hash lookups into a sorted array by a key of two strings; an
 * index maps a key to the first element with it (the start of its run). */
typedef void (*nc_index_key_fn)(const void *base, size_t i, const char **a, const char **b);

struct nc_index {
        const void *base;
        nc_index_key_fn key_of;
        uint32_t *slots;                /* element index + 1; 0 = empty */
        size_t mask;
};

int nc_index_init(struct nc_index *ix, const void *base, size_t n, nc_index_key_fn key_of);
/* The first element with the key, or SIZE_MAX. */
size_t nc_index_find(const struct nc_index *ix, const char *a, const char *b);
void nc_index_done(struct nc_index *ix);

void nc_index_link_key(const void *base, size_t i, const char **a, const char **b);          /* netns, name */
void nc_index_namespace_key(const void *base, size_t i, const char **a, const char **b);     /* netns */
void nc_index_address_key(const void *base, size_t i, const char **a, const char **b);       /* netns, ifname */
void nc_index_route_key(const void *base, size_t i, const char **a, const char **b);         /* netns */

/* The lookups of nc_state_find_link() and friends on a sorted state,
 * hashed. The state must not change while indexed. */
struct nc_state_index {
        const struct nc_state *s;
        struct nc_index links, namespaces, addresses, routes;
};

int nc_state_index_init(struct nc_state_index *ix, const struct nc_state *s);
void nc_state_index_done(struct nc_state_index *ix);
const struct nc_link *nc_state_index_link(const struct nc_state_index *ix, const char *netns, const char *name);
const struct nc_namespace *nc_state_index_namespace(const struct nc_state_index *ix, const char *netns);
/* The run of addresses on (netns, ifname), or of routes in netns: how
 * many, and the first in *ret. */
size_t nc_state_index_addresses(const struct nc_state_index *ix, const char *netns, const char *ifname,
                                const struct nc_address **ret);
size_t nc_state_index_routes(const struct nc_state_index *ix, const char *netns, const struct nc_route **ret);
