/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/observe.h"
#include "util/sort.h"
#include "util/strbuf.h"

/* Which parts of an earlier observation are stale. The rule is to err on
 * the side of reading again: a namespace named by anything a change
 * touched is looked at, whichever end of a veth it is on. */

void nc_observe_scope_done(struct nc_observe_scope *scope) {
        for (size_t i = 0; i < scope->n_netns; i++)
                free(scope->netns[i]);
        free(scope->netns);
        for (size_t i = 0; i < scope->n_host_links; i++)
                free(scope->host_links[i]);
        free(scope->host_links);
        free(scope->host_ifindexes);
        *scope = (struct nc_observe_scope) {};
}

/* A copy of s at the end of v. */
static int append_copy(char ***v, size_t *n, size_t *cap, const char *s) {
        char *copy;

        if (nc_grow(v, cap, *n + 1, sizeof(**v)) < 0)
                return -ENOMEM;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        (*v)[(*n)++] = copy;
        return 0;
}

int nc_observe_scope_add_netns(struct nc_observe_scope *scope, const char *netns) {
        if (!netns)
                return 0;
        if (!netns[0]) {
                /* The host: its addresses and routes (links come by name). */
                scope->host_some = true;
                return 0;
        }
        return append_copy(&scope->netns, &scope->n_netns, &scope->cap_netns, netns);
}

int nc_observe_scope_add_host_link(struct nc_observe_scope *scope, int ifindex, const char *name) {
        scope->host_some = true;
        if (ifindex > 0) {
                if (nc_grow(&scope->host_ifindexes, &scope->cap_host_ifindexes, scope->n_host_ifindexes + 1,
                            sizeof(*scope->host_ifindexes)) < 0)
                        return -ENOMEM;
                scope->host_ifindexes[scope->n_host_ifindexes++] = ifindex;
        }
        if (!name || !name[0])
                return 0;
        return append_copy(&scope->host_links, &scope->n_host_links, &scope->cap_host_links, name);
}

/* A link a change touches: in the host, itself (by ifindex when it was
 * observed, by name too: it may be made anew) and its bridge, whose state
 * follows its ports'; in a container, the namespace. Either way the
 * other end of a veth, and the container an owned host end names. */
static int add_link(struct nc_observe_scope *scope, const struct nc_link *l) {
        int r;

        if (!l)
                return 0;
        if (l->netns[0])
                r = nc_observe_scope_add_netns(scope, l->netns);
        else {
                r = nc_observe_scope_add_host_link(scope, l->ifindex, l->name);
                if (r >= 0 && l->master[0])
                        r = nc_observe_scope_add_host_link(scope, 0, l->master);
        }
        if (r >= 0 && l->peer_netns && !l->peer_netns[0])
                r = nc_observe_scope_add_host_link(scope, 0, l->peer_name);
        else if (r >= 0 && l->peer_netns)
                r = nc_observe_scope_add_netns(scope, l->peer_netns);
        if (r >= 0)
                r = nc_observe_scope_add_netns(scope, l->owner_netns);
        return r;
}

static int add_action(struct nc_observe_scope *scope, const struct nc_action *a) {
        const struct nc_link *links[] = { a->want, a->have, a->want_peer, a->have_peer };
        int r;

        switch (a->object) {
        case NC_OBJECT_NFT_TABLE:
        case NC_OBJECT_NFT_CHAIN:
        case NC_OBJECT_NFT_RULE:
        case NC_OBJECT_NFT_SET:
        case NC_OBJECT_NFT_MAP:
        case NC_OBJECT_NFT_FLOWTABLE:
        case NC_OBJECT_NFT_STATEFUL:
                scope->nft = true;
                return 0;
        case NC_OBJECT_SYSCTL:
                /* ip_forward is read every time. */
                return 0;
        default:
                break;
        }
        r = nc_observe_scope_add_netns(scope, a->netns);
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]) && r >= 0; i++)
                r = add_link(scope, links[i]);
        if (r >= 0 && a->want_address)
                r = nc_observe_scope_add_netns(scope, a->want_address->netns);
        if (r >= 0 && a->have_address)
                r = nc_observe_scope_add_netns(scope, a->have_address->netns);
        if (r >= 0 && a->want_route)
                r = nc_observe_scope_add_netns(scope, a->want_route->netns);
        if (r >= 0 && a->have_route)
                r = nc_observe_scope_add_netns(scope, a->have_route->netns);
        return r;
}

int nc_observe_scope_add_plan(struct nc_observe_scope *scope, const struct nc_plan *plan) {
        for (size_t i = 0; i < plan->n_actions; i++) {
                int r = add_action(scope, &plan->actions[i]);

                if (r < 0)
                        return r;
        }
        return 0;
}

static size_t sort_unique_strings(char **v, size_t n) {
        size_t k = 0;

        if (n > 1)
                qsort(v, n, sizeof(*v), nc_strptr_compare);
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && strcmp(v[k - 1], v[i]) == 0)
                        free(v[i]);
                else
                        v[k++] = v[i];
        }
        return k;
}

static int int_compare(const void *a, const void *b) {
        int x = *(const int *) a, y = *(const int *) b;

        return (x > y) - (x < y);
}

void nc_observe_scope_sort(struct nc_observe_scope *scope) {
        size_t k = 0;

        scope->n_netns = sort_unique_strings(scope->netns, scope->n_netns);
        scope->n_host_links = sort_unique_strings(scope->host_links, scope->n_host_links);
        if (scope->n_host_ifindexes > 1)
                qsort(scope->host_ifindexes, scope->n_host_ifindexes, sizeof(int), int_compare);
        for (size_t i = 0; i < scope->n_host_ifindexes; i++)
                if (k == 0 || scope->host_ifindexes[k - 1] != scope->host_ifindexes[i])
                        scope->host_ifindexes[k++] = scope->host_ifindexes[i];
        scope->n_host_ifindexes = k;
}

bool nc_observe_scope_has_netns(const struct nc_observe_scope *scope, const char *netns) {
        return scope->n_netns > 0 &&
               bsearch(&netns, scope->netns, scope->n_netns, sizeof(*scope->netns), nc_strptr_compare) != NULL;
}
