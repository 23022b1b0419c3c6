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
        _cleanup_free_ struct named *order = NULL;
        _cleanup_free_ struct ranked *held = NULL;
        _cleanup_free_ uint32_t *used = NULL;
        size_t n_held = 0, n_used = 0, u = 0;
        uint32_t next, broadcast = nc_subnet_broadcast(subnet, prefixlen);

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

        /* 3. The rest, in name order, take the lowest free host address. */
        next = subnet + 1;
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
                if (next >= broadcast || !nc_subnet_contains(subnet, prefixlen, next)) {
                        if (ret_failed)
                                *ret_failed = order[rank].req;
                        return -ENOSPC;
                }
                r->address = next++;
        }
        return 0;
}
