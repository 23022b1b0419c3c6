/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/stages.h"
#include "netconverge/addr.h"
#include "netconverge/ipam.h"
#include "netconverge/names.h"
#include "util/cleanup.h"

/* Defaults of SPEC section 1 that depend on nothing but the file. */
int nc_config_fill_defaults(struct nc_model *m) {
        if (!m->settings.table) {
                m->settings.table = strdup(NC_TABLE_DEFAULT);
                if (!m->settings.table)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < m->n_bridges; i++) {
                struct nc_bridge *b = &m->bridges[i];

                /* No range: the whole subnet (range_at says whether
                 * the file gave one). */
                if (b->range_at.line == 0) {
                        b->range = b->subnet;
                        b->range_len = b->prefixlen;
                }
                /* The first host address of the range. */
                if (b->gateway_at.line == 0 && b->prefixlen > 0)
                        b->gateway = b->range + 1;
                if (b->gateway6_at.line == 0 && b->prefixlen6 > 0) {
                        b->gateway6 = b->subnet6;
                        (void) nc_ipv6_next(&b->gateway6);
                }
        }
        for (size_t i = 0; i < m->n_containers; i++) {
                struct nc_container *c = &m->containers[i];

                if (!c->netns) {
                        c->netns = strdup(c->name);
                        if (!c->netns)
                                return -ENOMEM;
                }
                /* Numbered by position in the list, like Docker's eth0, eth1. */
                for (size_t k = 0; k < c->n_networks; k++) {
                        struct nc_attachment *a = &c->networks[k];

                        if (!a->interface[0])
                                snprintf(a->interface, sizeof(a->interface), "eth%u", (unsigned) k);
                        if (!a->host_interface[0])
                                nc_default_host_interface(c->name, a->bridge, a->host_interface);
                }
        }
        return 0;
}

struct slot {
        struct nc_container *container;
        struct nc_attachment *attachment;
};

static int by_bridge(const void *a, const void *b) {
        return strcmp(((const struct slot *) a)->attachment->bridge, ((const struct slot *) b)->attachment->bridge);
}

/* One IPAM run per bridge over the attachments grouped by bridge. */
static int allocate_bridge(const struct nc_bridge *b, struct slot *v, size_t n, struct nc_diags *d) {
        _cleanup_free_ struct nc_ipam_request *reqs = calloc(n, sizeof(*reqs));
        char cidr[NC_CIDR_STRLEN];
        size_t failed = 0;
        int r;

        if (!reqs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                reqs[i] = (struct nc_ipam_request) {
                        .container = v[i].container->name,
                        .explicit_addr = v[i].attachment->address_explicit ? v[i].attachment->address : 0,
                };
        r = nc_ipam_allocate_range(b->subnet, b->prefixlen, b->range, b->range_len, b->gateway, reqs, n, &failed);
        if (r == -ENOSPC) {
                nc_diags_add(d, v[failed].attachment->at, v[failed].attachment->path,
                             "no free address left in %s%s for container '%s'",
                             nc_cidr_format(b->range, b->range_len, cidr),
                             b->range_at.line ? " (the bridge's range)" : "", v[failed].container->name);
                return 0;
        }
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct nc_attachment *a = v[i].attachment;

                a->address = reqs[i].address;
                if (!a->mac_explicit)
                        nc_mac_from_ipv4(a->address, a->mac);
        }
        return 0;
}

/* The same for IPv6. On a bridge without an IPv4 subnet the derived MAC
 * comes from address6 (SPEC 7.1); with one it stays the IPv4 one. */
static int allocate_bridge6(const struct nc_bridge *b, struct slot *v, size_t n, struct nc_diags *d) {
        _cleanup_free_ struct nc_ipam6_request *reqs = calloc(n, sizeof(*reqs));
        char cidr[NC_CIDR6_STRLEN];
        size_t failed = 0;
        int r;

        if (!reqs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                reqs[i] = (struct nc_ipam6_request) {
                        .container = v[i].container->name,
                        .has_explicit = v[i].attachment->address6_explicit,
                        .explicit_addr = v[i].attachment->address6,
                        /* An empty host: the planner holds addresses (plan/lower.c). */
                };
        r = nc_ipam6_allocate(&b->subnet6, b->prefixlen6, &b->gateway6, reqs, n, &failed);
        if (r == -ENOSPC) {
                nc_diags_add(d, v[failed].attachment->at, v[failed].attachment->path,
                             "no free address left in %s for container '%s'",
                             nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr), v[failed].container->name);
                return 0;
        }
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                struct nc_attachment *a = v[i].attachment;

                a->address6 = reqs[i].address;
                if (!a->mac_explicit && b->subnet_at.line == 0)
                        nc_mac_from_ipv6(&a->address6, a->mac);
        }
        return 0;
}

/* Addresses with nothing held (the observed state is the planner's), then
 * the MACs derived from them. Bridges whose subnet did not parse are
 * skipped. */
int nc_config_allocate(struct nc_model *m, struct nc_diags *d) {
        _cleanup_free_ struct slot *v = NULL;
        size_t n = 0, total = 0;
        int r;

        for (size_t i = 0; i < m->n_containers; i++)
                total += m->containers[i].n_networks;
        if (total == 0)
                return 0;
        v = calloc(total, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_networks; k++)
                        v[n++] = (struct slot) { &m->containers[i], &m->containers[i].networks[k] };
        qsort(v, n, sizeof(*v), by_bridge);

        for (size_t start = 0, end; start < n; start = end) {
                const struct nc_bridge *b = nc_model_find_bridge(m, v[start].attachment->bridge);

                for (end = start + 1; end < n && by_bridge(&v[start], &v[end]) == 0; end++)
                        ;
                if (!b)
                        continue;
                if (b->prefixlen > 0 && (r = allocate_bridge(b, v + start, end - start, d)) < 0)
                        return r;
                if (b->prefixlen6 > 0 && (r = allocate_bridge6(b, v + start, end - start, d)) < 0)
                        return r;
        }
        return 0;
}
