/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"
#include "plan/kinds.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

/* Which changes break established traffic, and whose (SPEC 7.4). The kinds
 * say which of their changes do (their `disrupts`) and what they touch: a
 * container's link, a bridge, a namespace, an address. Who that is comes
 * from the observed state, the one place that still knows the containers
 * of a link being removed: the host ends' marks name their container,
 * bridge and namespace. The maps are sorted arrays, built once: looking
 * containers up per change would be quadratic for a destroy. */

struct owner {
        const char *key;                /* bridge or namespace */
        const char *container;
};

struct held {
        uint32_t address;
        const char *netns;
};

struct held6 {
        struct nc_ipv6 address;
        const char *netns;
};

struct nc_affected {
        struct owner *by_bridge, *by_netns;
        size_t n_bridge, n_netns;
        struct held *by_address;
        size_t n_address;
        struct held6 *by_address6;
        size_t n_address6;
        const char **names;             /* the current change's */
        size_t n, cap;
        int r;
};

static int owner_compare(const void *a, const void *b) {
        const struct owner *x = a, *y = b;
        int r = strcmp(x->key, y->key);

        return r != 0 ? r : strcmp(x->container, y->container);
}

static int held_compare(const void *a, const void *b) {
        const struct held *x = a, *y = b;

        return (x->address > y->address) - (x->address < y->address);
}

static int held6_compare(const void *a, const void *b) {
        return nc_ipv6_compare(&((const struct held6 *) a)->address, &((const struct held6 *) b)->address);
}

static int build_maps(struct nc_affected *x, const struct nc_state *s) {
        x->by_bridge = calloc(s->n_links + 1, sizeof(*x->by_bridge));
        x->by_netns = calloc(s->n_links + 1, sizeof(*x->by_netns));
        x->by_address = calloc(s->n_addresses + 1, sizeof(*x->by_address));
        x->by_address6 = calloc(s->n_addresses + 1, sizeof(*x->by_address6));
        if (!x->by_bridge || !x->by_netns || !x->by_address || !x->by_address6)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_links; i++) {
                const struct nc_link *l = &s->links[i];
                const char *bridge = l->master[0] ? l->master : l->owner_bridge;

                if (l->role != NC_ROLE_HOST_END || !l->owner_container)
                        continue;
                if (bridge)
                        x->by_bridge[x->n_bridge++] = (struct owner) { bridge, l->owner_container };
                if (l->owner_netns)
                        x->by_netns[x->n_netns++] = (struct owner) { l->owner_netns, l->owner_container };
        }
        for (size_t i = 0; i < s->n_addresses; i++) {
                if (!s->addresses[i].netns[0])
                        continue;
                if (s->addresses[i].v6)
                        x->by_address6[x->n_address6++] =
                                (struct held6) { s->addresses[i].address6, s->addresses[i].netns };
                else
                        x->by_address[x->n_address++] =
                                (struct held) { s->addresses[i].address, s->addresses[i].netns };
        }
        qsort(x->by_bridge, x->n_bridge, sizeof(*x->by_bridge), owner_compare);
        qsort(x->by_netns, x->n_netns, sizeof(*x->by_netns), owner_compare);
        qsort(x->by_address, x->n_address, sizeof(*x->by_address), held_compare);
        qsort(x->by_address6, x->n_address6, sizeof(*x->by_address6), held6_compare);
        return 0;
}

void nc_affected_container(struct nc_affected *x, const char *name) {
        if (x->r < 0 || !name)
                return;
        if (nc_grow(&x->names, &x->cap, x->n + 1, sizeof(*x->names)) < 0) {
                x->r = -ENOMEM;
                return;
        }
        x->names[x->n++] = name;
}

/* The first owner with key, in a sorted map. */
static size_t first_owner(const struct owner *v, size_t n, const char *key) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (strcmp(v[mid].key, key) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static void add_owners(struct nc_affected *x, const struct owner *v, size_t n, const char *key) {
        for (size_t i = first_owner(v, n, key); i < n && strcmp(v[i].key, key) == 0; i++)
                nc_affected_container(x, v[i].container);
}

void nc_affected_bridge(struct nc_affected *x, const char *bridge) {
        add_owners(x, x->by_bridge, x->n_bridge, bridge);
}

void nc_affected_netns(struct nc_affected *x, const char *netns) {
        add_owners(x, x->by_netns, x->n_netns, netns);
}

void nc_affected_address(struct nc_affected *x, uint32_t address) {
        struct held key = { .address = address };
        const struct held *h = bsearch(&key, x->by_address, x->n_address, sizeof(*x->by_address), held_compare);

        /* bsearch() finds any of equal ones: go to the first. */
        while (h && h > x->by_address && h[-1].address == address)
                h--;
        for (; h && h < x->by_address + x->n_address && h->address == address; h++)
                nc_affected_netns(x, h->netns);
}

void nc_affected_address6(struct nc_affected *x, const struct nc_ipv6 *address) {
        struct held6 key = { .address = *address };
        const struct held6 *h =
                bsearch(&key, x->by_address6, x->n_address6, sizeof(*x->by_address6), held6_compare);

        while (h && h > x->by_address6 && nc_ipv6_equal(&h[-1].address, address))
                h--;
        for (; h && h < x->by_address6 + x->n_address6 && nc_ipv6_equal(&h->address, address); h++)
                nc_affected_netns(x, h->netns);
}

static int name_compare(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The current change's names, sorted and without repeats, appended to
 * the plan's; the change's run starts at *first (the array moves as it
 * grows: the pointers are set once every change is done). */
static int keep_names(struct nc_affected *x, struct nc_plan *p, size_t *cap, struct nc_action *a, size_t *first) {
        size_t k = 0;

        qsort(x->names, x->n, sizeof(*x->names), name_compare);
        for (size_t i = 0; i < x->n; i++)
                if (k == 0 || strcmp(x->names[k - 1], x->names[i]) != 0)
                        x->names[k++] = x->names[i];
        if (k && nc_grow(&p->affected, cap, p->n_affected_names + k, sizeof(*p->affected)) < 0)
                return -ENOMEM;
        if (k)
                memcpy(p->affected + p->n_affected_names, x->names, k * sizeof(*x->names));
        *first = p->n_affected_names;
        a->n_affected = k;
        p->n_affected_names += k;
        return 0;
}

static void affected_done(struct nc_affected *x) {
        free(x->by_bridge);
        free(x->by_netns);
        free(x->by_address);
        free(x->by_address6);
        free(x->names);
}

int nc_plan_find_disruptions(struct nc_plan *p, const struct nc_state *observed) {
        _cleanup_(affected_done) struct nc_affected x = {};
        _cleanup_free_ size_t *first = NULL;
        bool built = false;
        size_t cap = 0;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < p->n_actions; i++) {
                struct nc_action *a = &p->actions[i];
                const struct nc_kind *k = nc_kind_of(a->object);

                /* Only a ~ or a - can break anything: a plan without
                 * (in sync, a fresh host) builds no maps (their sorts
                 * were 3% of planning 10,000 containers in sync). */
                if (a->change == NC_CHANGE_ADD || !k || !k->disrupts)
                        continue;
                if (!built) {
                        built = true;
                        first = calloc(p->n_actions + 1, sizeof(*first));
                        r = first ? build_maps(&x, observed) : -ENOMEM;
                        if (r < 0)
                                break;
                }

                /* A change that touches no container of ours (a leftover
                 * an interrupted apply made, a port whose target is gone)
                 * breaks nobody's traffic that we know of. */
                x.n = 0;
                if (!k->disrupts(a, &x) || x.r < 0 || x.n == 0) {
                        r = x.r;
                        continue;
                }
                a->disruptive = true;
                p->n_disruptive++;
                r = keep_names(&x, p, &cap, a, &first[i]);
        }
        if (r < 0)
                return r;
        for (size_t i = 0; first && i < p->n_actions; i++)
                if (p->actions[i].n_affected)
                        p->actions[i].affected = p->affected + first[i];
        return 0;
}
