/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "netconverge/model.h"
#include "netconverge/plan.h"
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

/* What may have changed since an earlier observation, so that only that
 * is read again (apply's verify, the watcher's cycles). Everything else
 * is copied from previous; a namespace previous did not see, or saw
 * missing, is always looked at. The scope owns its strings. */
struct nc_observe_scope {
        const struct nc_state *previous;        /* NULL: observe everything */
        /* The host in part: its addresses and routes, and these links (by
         * ifindex, and by name for one made since); more than a few links
         * read the host in full. */
        bool host_some;
        int *host_ifindexes;
        size_t n_host_ifindexes, cap_host_ifindexes;
        char **host_links;
        size_t n_host_links, cap_host_links;
        bool nft;                               /* the owned nftables table */
        char **netns;                           /* container namespaces */
        size_t n_netns;
        size_t cap_netns;
};

void nc_observe_scope_done(struct nc_observe_scope *scope);
/* A container namespace; "" is the host's addresses and routes (host_some). */
int nc_observe_scope_add_netns(struct nc_observe_scope *scope, const char *netns);
/* A host link, by ifindex (> 0) and by name (non-empty), whichever are given. */
int nc_observe_scope_add_host_link(struct nc_observe_scope *scope, int ifindex, const char *name);
/* Everything a plan's changes touch: the namespaces of its links,
 * addresses and routes, on both ends of a veth, the host links it changes
 * and their bridges, and the table. */
int nc_observe_scope_add_plan(struct nc_observe_scope *scope, const struct nc_plan *plan);
/* Sorts and deduplicates namespaces, host links and ifindexes
 * (nc_observe_scoped() needs that). */
void nc_observe_scope_sort(struct nc_observe_scope *scope);
bool nc_observe_scope_has_netns(const struct nc_observe_scope *scope, const char *netns);

/* nc_observe() limited to scope (sorted); scope NULL or scope->previous
 * NULL observes everything. ip_forward is always read again. */
int nc_observe_scoped(const struct nc_model *desired, const struct nc_observe_scope *scope, struct nc_state **ret,
                      char *err, size_t errlen);
