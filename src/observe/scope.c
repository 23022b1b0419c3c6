/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/observe.h"
#include "util/strbuf.h"

/* Which parts of an earlier observation are stale. The rule is to err on
 * the side of reading again: a namespace named by anything a change
 * touched is looked at, whichever end of a veth it is on. */

void nc_observe_scope_done(struct nc_observe_scope *scope) {
        for (size_t i = 0; i < scope->n_netns; i++)
                free(scope->netns[i]);
        free(scope->netns);
        *scope = (struct nc_observe_scope) {};
}

void nc_observe_scope_add_host(struct nc_observe_scope *scope) {
        scope->host = true;
        scope->nft = true;
}

int nc_observe_scope_add_netns(struct nc_observe_scope *scope, const char *netns) {
        char *copy;

        if (!netns)
                return 0;
        if (!netns[0]) {
                scope->host = true;
                return 0;
        }
        if (nc_grow(&scope->netns, &scope->cap_netns, scope->n_netns + 1, sizeof(*scope->netns)) < 0)
                return -ENOMEM;
        copy = strdup(netns);
        if (!copy)
                return -ENOMEM;
        scope->netns[scope->n_netns++] = copy;
        return 0;
}

static int add_link(struct nc_observe_scope *scope, const struct nc_link *l) {
        int r;

        if (!l)
                return 0;
        r = nc_observe_scope_add_netns(scope, l->netns);
        if (r >= 0)
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

static int strp_compare(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void nc_observe_scope_sort(struct nc_observe_scope *scope) {
        size_t k = 0;

        if (scope->n_netns > 1)
                qsort(scope->netns, scope->n_netns, sizeof(*scope->netns), strp_compare);
        for (size_t i = 0; i < scope->n_netns; i++) {
                if (k > 0 && strcmp(scope->netns[k - 1], scope->netns[i]) == 0)
                        free(scope->netns[i]);
                else
                        scope->netns[k++] = scope->netns[i];
        }
        scope->n_netns = k;
}

bool nc_observe_scope_has_netns(const struct nc_observe_scope *scope, const char *netns) {
        return scope->n_netns > 0 &&
               bsearch(&netns, scope->netns, scope->n_netns, sizeof(*scope->netns), strp_compare) != NULL;
}
