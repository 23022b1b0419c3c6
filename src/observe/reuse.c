/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "observe/observer.h"
#include "util/sort.h"

/* The parts of an earlier observation that a scoped one keeps: copied
 * entry by entry (the appenders copy strings, so the new state owns all
 * of its own). Veth pairing is not copied: it is worked out again over
 * the mix of copied and fresh links. */

static bool kept(const struct nc_observe_reuse *k, const char *netns) {
        if (!netns[0])
                return k->host;
        return k->n_netns > 0 && bsearch(&netns, k->netns, k->n_netns, sizeof(*k->netns), nc_strptr_compare);
}

static int copy_links(struct nc_state *s, const struct nc_state *prev, const struct nc_observe_reuse *k) {
        for (size_t i = 0; i < prev->n_links; i++) {
                struct nc_link l = prev->links[i];
                int r;

                if (!kept(k, l.netns))
                        continue;
                l.peer_netns = NULL;
                l.peer_name[0] = '\0';
                r = nc_state_add_link(s, &l);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int copy_addresses(struct nc_state *s, const struct nc_state *prev, const struct nc_observe_reuse *k) {
        for (size_t i = 0; i < prev->n_addresses; i++) {
                int r;

                if (!kept(k, prev->addresses[i].netns))
                        continue;
                r = nc_state_add_address(s, &prev->addresses[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int copy_routes(struct nc_state *s, const struct nc_state *prev, const struct nc_observe_reuse *k) {
        for (size_t i = 0; i < prev->n_routes; i++) {
                int r;

                if (!kept(k, prev->routes[i].netns))
                        continue;
                r = nc_state_add_route(s, &prev->routes[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int copy_fdb(struct nc_state *s, const struct nc_state *prev, const struct nc_observe_reuse *k) {
        for (size_t i = 0; i < prev->n_fdb; i++) {
                int r = kept(k, prev->fdb[i].netns) ? nc_state_add_fdb(s, &prev->fdb[i]) : 0;

                if (r < 0)
                        return r;
        }
        return 0;
}

int nc_observe_reuse_rtnl(struct nc_observer *o, const struct nc_state *prev, const struct nc_observe_reuse *k) {
        int r;

        if (!k->host && k->n_netns == 0)
                return 0;
        r = copy_links(o->state, prev, k);
        if (r >= 0)
                r = copy_addresses(o->state, prev, k);
        if (r >= 0)
                r = copy_routes(o->state, prev, k);
        if (r >= 0)
                r = copy_fdb(o->state, prev, k);
        return r;
}

int nc_observe_reuse_nft(struct nc_observer *o, const struct nc_state *prev) {
        const struct nc_nft *n = &prev->nft;
        int r = 0;

        for (size_t i = 0; i < n->n_tables && r >= 0; i++)
                r = nc_state_add_nft_table(o->state, &n->tables[i]);
        /* Kept with the rest: they come from the same chain dump, which
         * is made again only when the table is read again. */
        for (size_t i = 0; i < n->n_forward_drops && r >= 0; i++)
                r = nc_state_add_nft_forward_drop(o->state, &n->forward_drops[i]);
        for (size_t i = 0; i < n->n_drop_rules && r >= 0; i++)
                r = nc_state_add_nft_drop_rule(o->state, &n->drop_rules[i]);
        if (!n->table || r < 0)
                return r;
        r = nc_state_set_nft_table(o->state, n->table);
        for (size_t i = 0; i < n->n_chains && r >= 0; i++)
                r = nc_state_add_nft_chain(o->state, &n->chains[i]);
        for (size_t i = 0; i < n->n_rules && r >= 0; i++)
                r = nc_state_add_nft_rule(o->state, &n->rules[i]);
        for (size_t i = 0; i < n->n_objects && r >= 0; i++)
                r = nc_state_add_nft_object(o->state, &n->objects[i]);
        for (size_t i = 0; i < n->n_elements && r >= 0; i++)
                r = nc_state_add_nft_element(o->state, &n->elements[i]);
        return r;
}
