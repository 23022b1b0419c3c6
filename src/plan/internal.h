/* SPDX-License-Identifier: MIT */
#pragma once

#include "netconverge/plan.h"

/* lower.c: the desired model as kernel objects, with addresses allocated
 * against what `observed` holds. Containers whose namespace is a path that
 * does not exist are left out (they take part in IPAM, so their address
 * does not move when they appear) and listed in plan->waiting. */
int nc_plan_lower(const struct nc_model *m, const struct nc_state *observed, struct nc_plan *plan);

/* diff.c: the actions and conflicts that take observed to plan->desired. */
int nc_plan_diff(const struct nc_state *observed, struct nc_plan *plan, const struct nc_model *m);
