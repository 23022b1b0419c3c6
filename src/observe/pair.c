/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "observe/observer.h"
#include "util/cleanup.h"

/* Veth ends are paired by what each end says about the other: the host
 * end's IFLA_LINK is the container end's ifindex (in the container's
 * namespace), and the container end's IFLA_LINK is the host end's ifindex.
 * Only ends whose peer is in another namespace (IFLA_LINK_NETNSID present)
 * take part, so a pair inside one namespace never matches by accident.
 *
 * Ifindexes are per namespace, so two container namespaces can both hold
 * a veth with the same (ifindex, IFLA_LINK); the kernel's netnsid would
 * tell them apart but costs a request per namespace. Instead an ambiguous
 * match is settled by the host end's own alias (the namespace netconverge
 * put the other end in), and left unpaired when that does not settle it. */

struct candidate {
        int ifindex, peer_ifindex;
        size_t link;
};

static int candidate_compare(const void *a, const void *b) {
        const struct candidate *x = a, *y = b;

        if (x->ifindex != y->ifindex)
                return x->ifindex < y->ifindex ? -1 : 1;
        if (x->peer_ifindex != y->peer_ifindex)
                return x->peer_ifindex < y->peer_ifindex ? -1 : 1;
        return (x->link > y->link) - (x->link < y->link);
}

static bool crosses(const struct nc_observer *o, size_t i) {
        return o->state->links[i].kind == NC_LINK_VETH && o->state->links[i].peer_elsewhere;
}

/* Container ends, sorted by (ifindex, IFLA_LINK). */
static int collect_candidates(const struct nc_observer *o, struct candidate **ret, size_t *ret_n) {
        const struct nc_state *s = o->state;
        _cleanup_free_ struct candidate *v = calloc(s->n_links ? s->n_links : 1, sizeof(*v));
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_links; i++)
                if (s->links[i].netns[0] && crosses(o, i))
                        v[n++] = (struct candidate) {
                                .ifindex = s->links[i].ifindex,
                                .peer_ifindex = s->links[i].peer_ifindex,
                                .link = i,
                        };
        qsort(v, n, sizeof(*v), candidate_compare);
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

/* The first candidate with this (ifindex, peer_ifindex), or n. */
static size_t lower_bound(const struct candidate *v, size_t n, int ifindex, int peer_ifindex) {
        struct candidate key = { .ifindex = ifindex, .peer_ifindex = peer_ifindex, .link = 0 };
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (candidate_compare(&v[mid], &key) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* The container end of host end h, or NULL. */
static struct nc_link *find_peer(struct nc_state *s, const struct candidate *v, size_t n, const struct nc_link *h) {
        size_t first = lower_bound(v, n, h->peer_ifindex, h->ifindex), end = first;

        while (end < n && v[end].ifindex == h->peer_ifindex && v[end].peer_ifindex == h->ifindex)
                end++;
        if (end - first == 1)
                return &s->links[v[first].link];
        /* Several (or none): one namespace holds at most one link of an
         * ifindex, so the alias's namespace picks at most one. */
        for (size_t i = first; i < end && h->owner_netns; i++)
                if (strcmp(s->links[v[i].link].netns, h->owner_netns) == 0)
                        return &s->links[v[i].link];
        return NULL;
}

static int set_peer(struct nc_link *l, const struct nc_link *peer) {
        char *netns = strdup(peer->netns);

        if (!netns)
                return -ENOMEM;
        free(l->peer_netns);
        l->peer_netns = netns;
        memcpy(l->peer_name, peer->name, sizeof(l->peer_name));
        return 0;
}

int nc_observe_pair_veths(struct nc_observer *o) {
        struct nc_state *s = o->state;
        _cleanup_free_ struct candidate *v = NULL;
        size_t n = 0;
        int r;

        r = collect_candidates(o, &v, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_links && n > 0; i++) {
                struct nc_link *h = &s->links[i], *c;

                if (h->netns[0] || !crosses(o, i))
                        continue;
                c = find_peer(s, v, n, h);
                if (!c)
                        continue;
                r = set_peer(h, c);
                if (r >= 0)
                        r = set_peer(c, h);
                if (r < 0)
                        return r;
        }
        return 0;
}
