/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "netconverge/plan.h"
#include "testutil.h"

struct nc_state *nc_test_converged(const struct nc_model *m) {
        struct nc_state *empty = nc_state_new(), *s = nc_state_new();
        const struct nc_state *w;
        struct nc_plan *p = NULL;

        assert_int_equal(nc_plan_compute(m, empty, &p), 0);
        w = p->desired;
        for (size_t i = 0; i < w->n_links; i++)
                assert_int_equal(nc_state_add_link(s, &w->links[i]), 0);
        for (size_t i = 0; i < w->n_addresses; i++)
                assert_int_equal(nc_state_add_address(s, &w->addresses[i]), 0);
        for (size_t i = 0; i < w->n_routes; i++)
                assert_int_equal(nc_state_add_route(s, &w->routes[i]), 0);
        for (size_t i = 0; i < w->n_namespaces; i++)
                assert_int_equal(nc_state_add_namespace(s, w->namespaces[i].netns, true), 0);
        if (w->nft.table)
                assert_int_equal(nc_state_set_nft_table(s, w->nft.table), 0);
        for (size_t i = 0; i < w->nft.n_chains; i++)
                assert_int_equal(nc_state_add_nft_chain(s, &w->nft.chains[i]), 0);
        for (size_t i = 0; i < w->nft.n_rules; i++) {
                struct nc_nft_rule r = w->nft.rules[i];

                r.handle = 100 + i;
                assert_int_equal(nc_state_add_nft_rule(s, &r), 0);
        }
        for (size_t i = 0; i < w->nft.n_objects; i++)
                assert_int_equal(nc_state_add_nft_object(s, &w->nft.objects[i]), 0);
        for (size_t i = 0; i < w->nft.n_elements; i++)
                assert_int_equal(nc_state_add_nft_element(s, &w->nft.elements[i]), 0);
        s->ip_forward = 1;
        s->route_localnet = w->route_localnet;
        nc_state_sort(s);
        nc_plan_free(p);
        nc_state_free(empty);
        return s;
}
