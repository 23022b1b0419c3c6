/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/ipam.h"
#include "util/cleanup.h"

/* Work arrays hold indexes into reqs, ordered by container name, so the
 * caller's order never matters. */
struct ranked {
        uint32_t addr;
        size_t rank;    /* position in name order */
        size_t req;
};

struct named {
        const char *name;
        size_t req;
};

static int by_name(const void *a, const void *b) {
        const struct named *x = a, *y = b;
        int c = strcmp(x->name, y->name);

        return c != 0 ? c : (x->req > y->req) - (x->req < y->req);
}

static int by_addr_rank(const void *a, const void *b) {
        const struct ranked *x = a, *y = b;

        if (x->addr != y->addr)
                return x->addr < y->addr ? -1 : 1;
        return (x->rank > y->rank) - (x->rank < y->rank);
}

static int by_value(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

        return (x > y) - (x < y);
}

static bool contains(const uint32_t *sorted, size_t n, uint32_t v) {
        return n > 0 && bsearch(&v, sorted, n, sizeof(*sorted), by_value);
}

static bool usable(uint32_t subnet, unsigned prefixlen, uint32_t gateway, uint32_t a) {
        return nc_subnet_contains(subnet, prefixlen, a) && a != subnet &&
               a != nc_subnet_broadcast(subnet, prefixlen) && a != gateway;
}

int nc_ipam_allocate(uint32_t subnet, unsigned prefixlen, uint32_t gateway,
                     struct nc_ipam_request *reqs, size_t n, size_t *ret_failed) {
        return nc_ipam_allocate_range(subnet, prefixlen, subnet, prefixlen, gateway, reqs, n, ret_failed);
}

int nc_ipam_allocate_range(uint32_t subnet, unsigned prefixlen, uint32_t range, unsigned range_len, uint32_t gateway,
                           struct nc_ipam_request *reqs, size_t n, size_t *ret_failed) {
        _cleanup_free_ struct named *order = NULL;
        _cleanup_free_ struct ranked *held = NULL;
        _cleanup_free_ uint32_t *used = NULL;
        size_t n_held = 0, n_used = 0, u = 0;
        uint32_t next, broadcast = nc_subnet_broadcast(subnet, prefixlen);
        uint32_t end = nc_subnet_broadcast(range, range_len);

        if (n == 0)
                return 0;
        order = calloc(n, sizeof(*order));
        held = calloc(n, sizeof(*held));
        used = calloc(n + 1, sizeof(*used));
        if (!order || !held || !used)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++)
                order[i] = (struct named) { .name = reqs[i].container, .req = i };
        qsort(order, n, sizeof(*order), by_name);

        /* 1. Explicit addresses win. */
        for (size_t i = 0; i < n; i++) {
                reqs[i].address = reqs[i].explicit_addr;
                if (reqs[i].explicit_addr)
                        used[n_used++] = reqs[i].explicit_addr;
        }
        qsort(used, n_used, sizeof(*used), by_value);

        /* 2. Held addresses are kept unless unusable or taken explicitly; of
         * two holders of one address, the first by name keeps it. */
        for (size_t rank = 0; rank < n; rank++) {
                const struct nc_ipam_request *r = &reqs[order[rank].req];

                if (r->explicit_addr || !r->held_addr)
                        continue;
                if (!usable(subnet, prefixlen, gateway, r->held_addr) || contains(used, n_used, r->held_addr))
                        continue;
                held[n_held++] = (struct ranked) { .addr = r->held_addr, .rank = rank, .req = order[rank].req };
        }
        qsort(held, n_held, sizeof(*held), by_addr_rank);
        for (size_t i = 0; i < n_held; i++) {
                if (i > 0 && held[i].addr == held[i - 1].addr)
                        continue;
                reqs[held[i].req].address = held[i].addr;
                used[n_used++] = held[i].addr;
        }
        used[n_used++] = gateway;
        qsort(used, n_used, sizeof(*used), by_value);

        /* 3. The rest, in name order, take the lowest free host address of
         * the range (the range's own network and broadcast addresses are
         * not taken either: it reads like a subnet). */
        next = range + 1;
        for (size_t rank = 0; rank < n; rank++) {
                struct nc_ipam_request *r = &reqs[order[rank].req];

                if (r->address)
                        continue;
                for (;;) {
                        while (u < n_used && used[u] < next)
                                u++;
                        if (u < n_used && used[u] == next) {
                                next++;
                                continue;
                        }
                        break;
                }
                if (next >= end || next >= broadcast || !nc_subnet_contains(subnet, prefixlen, next)) {
                        if (ret_failed)
                                *ret_failed = order[rank].req;
                        return -ENOSPC;
                }
                r->address = next++;
        }
        return 0;
}

/* IPv6: the same three rules. The taken addresses (explicit, kept,
 * gateway) are sorted once; the free ones are the gaps between them,
 * walked upwards with one cursor, so a /64 costs what a /120 does. */
struct ranked6 {
        struct nc_ipv6 addr;
        size_t rank;
        size_t req;
};

static int by_addr6_rank(const void *a, const void *b) {
        const struct ranked6 *x = a, *y = b;
        int c = nc_ipv6_compare(&x->addr, &y->addr);

        return c != 0 ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

static int by_value6(const void *a, const void *b) {
        return nc_ipv6_compare(a, b);
}

static bool usable6(const struct nc_ipv6 *subnet, unsigned prefixlen, const struct nc_ipv6 *gateway,
                    const struct nc_ipv6 *a) {
        struct nc_ipv6 net = nc_ipv6_network(subnet, prefixlen);

        return nc_subnet6_contains(subnet, prefixlen, a) && !nc_ipv6_equal(a, &net) && !nc_ipv6_equal(a, gateway);
}

int nc_ipam6_allocate(const struct nc_ipv6 *subnet, unsigned prefixlen, const struct nc_ipv6 *gateway,
                      struct nc_ipam6_request *reqs, size_t n, size_t *ret_failed) {
        _cleanup_free_ struct named *order = NULL;
        _cleanup_free_ struct ranked6 *held = NULL;
        _cleanup_free_ struct nc_ipv6 *used = NULL;
        _cleanup_free_ bool *assigned = NULL;
        size_t n_held = 0, n_used = 0, u = 0;
        struct nc_ipv6 net = nc_ipv6_network(subnet, prefixlen), last = nc_ipv6_last(subnet, prefixlen), next;
        bool exhausted;

        if (n == 0)
                return 0;
        order = calloc(n, sizeof(*order));
        held = calloc(n, sizeof(*held));
        used = calloc(n + 1, sizeof(*used));
        assigned = calloc(n, sizeof(*assigned));
        if (!order || !held || !used || !assigned)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++)
                order[i] = (struct named) { .name = reqs[i].container, .req = i };
        qsort(order, n, sizeof(*order), by_name);

        /* 1. Explicit addresses win. */
        for (size_t i = 0; i < n; i++) {
                reqs[i].address = reqs[i].has_explicit ? reqs[i].explicit_addr : (struct nc_ipv6) {};
                assigned[i] = reqs[i].has_explicit;
                if (reqs[i].has_explicit)
                        used[n_used++] = reqs[i].explicit_addr;
        }
        qsort(used, n_used, sizeof(*used), by_value6);

        /* 2. Held addresses are kept unless unusable or taken explicitly; of
         * two holders of one address, the first by name keeps it. */
        for (size_t rank = 0; rank < n; rank++) {
                const struct nc_ipam6_request *r = &reqs[order[rank].req];

                if (r->has_explicit || !r->has_held || !usable6(subnet, prefixlen, gateway, &r->held_addr))
                        continue;
                if (n_used > 0 && bsearch(&r->held_addr, used, n_used, sizeof(*used), by_value6))
                        continue;
                held[n_held++] = (struct ranked6) { .addr = r->held_addr, .rank = rank, .req = order[rank].req };
        }
        qsort(held, n_held, sizeof(*held), by_addr6_rank);
        for (size_t i = 0; i < n_held; i++) {
                if (i > 0 && nc_ipv6_equal(&held[i].addr, &held[i - 1].addr))
                        continue;
                reqs[held[i].req].address = held[i].addr;
                assigned[held[i].req] = true;
                used[n_used++] = held[i].addr;
        }
        used[n_used++] = *gateway;
        qsort(used, n_used, sizeof(*used), by_value6);

        /* 3. The rest, in name order, take the lowest free host address:
         * the cursor skips the taken ones (sorted, each passed once) and
         * stops after the prefix's last address. */
        next = net;
        exhausted = !nc_ipv6_next(&next) || nc_ipv6_compare(&next, &last) > 0;
        for (size_t rank = 0; rank < n; rank++) {
                size_t i = order[rank].req;

                if (assigned[i])
                        continue;
                for (;;) {
                        while (u < n_used && nc_ipv6_compare(&used[u], &next) < 0)
                                u++;
                        if (exhausted || u >= n_used || !nc_ipv6_equal(&used[u], &next))
                                break;
                        exhausted = nc_ipv6_compare(&next, &last) >= 0 || !nc_ipv6_next(&next);
                }
                if (exhausted) {
                        if (ret_failed)
                                *ret_failed = i;
                        return -ENOSPC;
                }
                reqs[i].address = next;
                exhausted = nc_ipv6_compare(&next, &last) >= 0 || !nc_ipv6_next(&next);
        }
        return 0;
}
