/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "netconverge/model.h"
#include "netconverge/scope.h"
#include "netconverge/state.h"

/* Observes the kernel into a sorted nc_state, read-only:
 *  - the host namespace (the process's current one; -n is entered at
 *    start): every link, every IPv4 address, the IPv4 routes of the main
 *    table that are not protocol kernel, and net.ipv4.ip_forward;
 *  - every container namespace that desired names (may be NULL) or that an
 *    owned host veth's alias names: whether it exists (an nc_namespace
 *    entry for each), and if so the same dumps inside it. One desired
 *    names that is the current namespace, no network namespace, or one
 *    another desired name reaches too, is recorded with that problem
 *    (nc_namespace.problem) and not read.
 * One dump per object type per namespace; a dump interrupted by a
 * concurrent change (NLM_F_DUMP_INTR) is retried a bounded number of times.
 * Veth ends are paired across namespaces (peer_netns, peer_name) by ifindex
 * and link-netnsid.
 * Returns 0, or a negative errno with a message naming what failed (and
 * the kernel's words) in err. */
int nc_observe(const struct nc_model *desired, struct nc_state **ret, char *err, size_t errlen);

/* nc_observe() limited to scope (sorted); scope NULL or scope->previous
 * NULL observes everything. ip_forward is always read again. */
int nc_observe_scoped(const struct nc_model *desired, const struct nc_observe_scope *scope, struct nc_state **ret,
                      char *err, size_t errlen);
