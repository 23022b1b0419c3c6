/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/addr.h"

/* Address allocation on one bridge, as a pure function.
 *
 * Rules, in order (SPEC section 2):
 *  1. an explicit address wins;
 *  2. an address the container already holds on the bridge is kept, if it
 *     is still a usable host address of the subnet and nobody's explicit
 *     address (when two containers hold the same one, the first by name
 *     keeps it);
 *  3. everyone else, taken in order of container name, gets the lowest free
 *     host address (neither network, broadcast nor gateway).
 * The order of the requests array never changes the result. */
struct nc_ipam_request {
        const char *container;  /* name: the allocation order */
        uint32_t explicit_addr; /* 0: none */
        uint32_t held_addr;     /* 0: none (from the observed state) */
        uint32_t address;       /* out */
};

/* Returns 0, or -ENOSPC when the subnet has no free address left; then
 * *ret_failed (if not NULL) points at the first request left without one. */
int nc_ipam_allocate(uint32_t subnet, unsigned prefixlen, uint32_t gateway,
                     struct nc_ipam_request *reqs, size_t n, size_t *ret_failed);
/* The same, new addresses taken from range/range_len, a part of the
 * subnet (SPEC 7.5, Docker's --ip-range): its host addresses, its own
 * network and broadcast addresses excluded as a subnet's are. Explicit and
 * held addresses may lie anywhere in the subnet. */
int nc_ipam_allocate_range(uint32_t subnet, unsigned prefixlen, uint32_t range, unsigned range_len, uint32_t gateway,
                           struct nc_ipam_request *reqs, size_t n, size_t *ret_failed);

/* The same rules for IPv6 (SPEC 7.1). A host address is any address of
 * the prefix but the network address (the subnet-router anycast address,
 * RFC 4291 2.6.1) and the gateway; IPv6 has no broadcast, so the last one
 * counts. A /64 holds 2^64 addresses: the work is O(n log n) in the
 * requests, never in the prefix size. */

struct nc_ipam6_request {
        const char *container;
        bool has_explicit, has_held;
        struct nc_ipv6 explicit_addr;
        struct nc_ipv6 held_addr;       /* from the observed state */
        struct nc_ipv6 address;         /* out */
};

int nc_ipam6_allocate(const struct nc_ipv6 *subnet, unsigned prefixlen, const struct nc_ipv6 *gateway,
                      struct nc_ipam6_request *reqs, size_t n, size_t *ret_failed);
