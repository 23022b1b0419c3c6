/* SPDX-License-Identifier: MIT */
#pragma once

#include "netconverge/model.h"
#include "netconverge/state.h"

/* The kernel state once the plan for m has been applied on a fresh host:
 * the plan's lowered desired state, every namespace there, ip_forward on,
 * rule handles numbered from 100. */
struct nc_state *nc_test_converged(const struct nc_model *m);
