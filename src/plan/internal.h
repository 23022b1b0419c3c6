/* SPDX-License-Identifier: MIT */
#pragma once

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
