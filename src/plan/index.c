/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"

/* Hash lookups for the differ. It looks up every link, namespace, address
 * run and route run of both states, several times each; a binary search
 * over 30,000 links is 15 comparisons, each two strcmp()s through
 * pointers to strings all over the heap, and those cache misses were a
 * third of the wall time of planning 10,000 containers. A hash finds the
 * entry in about one comparison. The states stay the sorted arrays they
 * are; an index only maps a key to the first array element with it. */

static uint64_t hash_step(uint64_t h, const char *s) {
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ull;
        return (h ^ 0xff) * 1099511628211ull;   /* ends the field: ("ab", "") != ("a", "b") */
}

static uint64_t hash_key(const char *a, const char *b) {
        return hash_step(hash_step(14695981039346656037ull, a), b);
}

static bool key_equal(const struct nc_index *ix, size_t i, const char *a, const char *b) {
        const char *x, *y;

        ix->key_of(ix->base, i, &x, &y);
        return strcmp(x, a) == 0 && strcmp(y, b) == 0;
}

int nc_index_init(struct nc_index *ix, const void *base, size_t n, nc_index_key_fn key_of) {
        size_t cap = 16;

        *ix = (struct nc_index) { .base = base, .key_of = key_of };
        while (cap < 2 * n)
                cap *= 2;
        if (n >= UINT32_MAX)
                return -ENOMEM;
        ix->slots = calloc(cap, sizeof(*ix->slots));
        if (!ix->slots)
                return -ENOMEM;
        ix->mask = cap - 1;
        /* In array order, keeping the first of equal keys: the start of a
         * run in a sorted array. */
        for (size_t i = 0; i < n; i++) {
                const char *a, *b;
                size_t k;

                key_of(base, i, &a, &b);
                for (k = hash_key(a, b) & ix->mask; ix->slots[k]; k = (k + 1) & ix->mask)
                        if (key_equal(ix, ix->slots[k] - 1, a, b))
                                break;
                if (!ix->slots[k])
                        ix->slots[k] = (uint32_t) i + 1;
        }
        return 0;
}

size_t nc_index_find(const struct nc_index *ix, const char *a, const char *b) {
        for (size_t k = hash_key(a, b) & ix->mask; ix->slots[k]; k = (k + 1) & ix->mask)
                if (key_equal(ix, ix->slots[k] - 1, a, b))
                        return ix->slots[k] - 1;
        return SIZE_MAX;
}

void nc_index_done(struct nc_index *ix) {
        free(ix->slots);
        ix->slots = NULL;
}

void nc_index_link_key(const void *base, size_t i, const char **a, const char **b) {
        const struct nc_link *l = (const struct nc_link *) base + i;

        *a = l->netns;
        *b = l->name;
}

void nc_index_namespace_key(const void *base, size_t i, const char **a, const char **b) {
        *a = ((const struct nc_namespace *) base)[i].netns;
        *b = "";
}

void nc_index_address_key(const void *base, size_t i, const char **a, const char **b) {
        const struct nc_address *x = (const struct nc_address *) base + i;

        *a = x->netns;
        *b = x->ifname;
}

void nc_index_route_key(const void *base, size_t i, const char **a, const char **b) {
        *a = ((const struct nc_route *) base)[i].netns;
        *b = "";
}

int nc_state_index_init(struct nc_state_index *ix, const struct nc_state *s) {
        *ix = (struct nc_state_index) { .s = s };
        if (nc_index_init(&ix->links, s->links, s->n_links, nc_index_link_key) < 0 ||
            nc_index_init(&ix->namespaces, s->namespaces, s->n_namespaces, nc_index_namespace_key) < 0 ||
            nc_index_init(&ix->addresses, s->addresses, s->n_addresses, nc_index_address_key) < 0 ||
            nc_index_init(&ix->routes, s->routes, s->n_routes, nc_index_route_key) < 0) {
                nc_state_index_done(ix);
                return -ENOMEM;
        }
        return 0;
}

void nc_state_index_done(struct nc_state_index *ix) {
        nc_index_done(&ix->links);
        nc_index_done(&ix->namespaces);
        nc_index_done(&ix->addresses);
        nc_index_done(&ix->routes);
}

const struct nc_link *nc_state_index_link(const struct nc_state_index *ix, const char *netns, const char *name) {
        size_t i = nc_index_find(&ix->links, netns, name);

        return i == SIZE_MAX ? NULL : &ix->s->links[i];
}

const struct nc_namespace *nc_state_index_namespace(const struct nc_state_index *ix, const char *netns) {
        size_t i = nc_index_find(&ix->namespaces, netns, "");

        return i == SIZE_MAX ? NULL : &ix->s->namespaces[i];
}

size_t nc_state_index_addresses(const struct nc_state_index *ix, const char *netns, const char *ifname,
                                const struct nc_address **ret) {
        const struct nc_state *s = ix->s;
        size_t i = nc_index_find(&ix->addresses, netns, ifname), n = 0;

        if (i == SIZE_MAX)
                return 0;
        while (i + n < s->n_addresses && strcmp(s->addresses[i + n].netns, netns) == 0 &&
               strcmp(s->addresses[i + n].ifname, ifname) == 0)
                n++;
        *ret = &s->addresses[i];
        return n;
}

size_t nc_state_index_routes(const struct nc_state_index *ix, const char *netns, const struct nc_route **ret) {
        const struct nc_state *s = ix->s;
        size_t i = nc_index_find(&ix->routes, netns, ""), n = 0;

        if (i == SIZE_MAX)
                return 0;
        while (i + n < s->n_routes && strcmp(s->routes[i + n].netns, netns) == 0)
                n++;
        *ret = &s->routes[i];
        return n;
}
