/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The scope of a scoped observation, as plain data: the planner fills it
 * from a plan's changes (nc_observe_scope_add_plan(), plan.h), the
 * observer reads it (nc_observe_scoped(), observe.h), and neither needs
 * the other's header. */
struct nc_state;

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
/* Sorts and deduplicates namespaces, host links and ifindexes
 * (nc_observe_scoped() needs that). */
void nc_observe_scope_sort(struct nc_observe_scope *scope);
bool nc_observe_scope_has_netns(const struct nc_observe_scope *scope, const char *netns);
