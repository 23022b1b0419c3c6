/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/internal.h"
#include "util/strbuf.h"

/* Pre-flight (SPEC 7.4): a bridge's subnet that overlaps an address or a
 * route of a link netconverge does not own would take that network's
 * traffic (or lose its own) the moment the bridge holds its gateway: a
 * conflict, found while planning, so nothing changes. Docker checks the
 * same before it picks a network. The default route overlaps everything
 * and is every host's: it is not one. */

/* A link of the host that is, or becomes, ours (owned, unfinished), or
 * one of the file's bridge names: adopted, or already a conflict of its
 * own ("exists and is not managed"). */
static bool host_link_ours(const struct nc_state *observed, const struct nc_state *desired, const char *name) {
        const struct nc_link *h = nc_state_find_link(observed, "", name);
        const struct nc_link *w = nc_state_find_link(desired, "", name);

        if (!h)
                return true;    /* a route without a link of the host names nothing of anyone's */
        return h->role != NC_ROLE_NONE || nc_link_unfinished(h) || (w && w->kind == NC_LINK_BRIDGE);
}

/* The desired bridge addresses: each bridge's gateway with its subnet. */
static bool is_bridge_address(const struct nc_state *desired, const struct nc_address *a) {
        const struct nc_link *w = a->netns[0] ? NULL : nc_state_find_link(desired, "", a->ifname);

        /* IPv4 only for now: IPv6 subnets are not checked yet. */
        return w && w->kind == NC_LINK_BRIDGE && !a->v6;
}

static int check_addresses(const struct nc_state *observed, const struct nc_state *desired,
                           const struct nc_address *b, struct nc_plan *plan, size_t *cap) {
        char subnet[NC_CIDR_STRLEN], other[NC_CIDR_STRLEN];
        int r = 0;

        for (size_t i = 0; r >= 0 && i < observed->n_addresses; i++) {
                const struct nc_address *x = &observed->addresses[i];

                if (x->netns[0] || x->v6 || !nc_subnets_overlap(b->address, b->prefixlen, x->address, x->prefixlen) ||
                    host_link_ours(observed, desired, x->ifname))
                        continue;
                r = nc_plan_conflict(plan, cap,
                                     "bridge %s: subnet %s overlaps address %s on %s, a link netconverge does not "
                                     "own; give the bridge another subnet",
                                     b->ifname,
                                     nc_cidr_format(b->address & nc_prefix_mask(b->prefixlen), b->prefixlen, subnet),
                                     nc_cidr_format(x->address, x->prefixlen, other), x->ifname);
        }
        return r;
}

static int check_routes(const struct nc_state *observed, const struct nc_state *desired, const struct nc_address *b,
                        struct nc_plan *plan, size_t *cap) {
        char subnet[NC_CIDR_STRLEN], dst[NC_CIDR_STRLEN], via[NC_IPV4_STRLEN];
        int r = 0;

        for (size_t i = 0; r >= 0 && i < observed->n_routes; i++) {
                const struct nc_route *x = &observed->routes[i];

                if (x->netns[0] || x->v6 || x->dst_len == 0 || x->protocol == NC_RTPROT ||
                    !nc_subnets_overlap(b->address, b->prefixlen, x->dst, x->dst_len) ||
                    host_link_ours(observed, desired, x->ifname))
                        continue;
                r = nc_plan_conflict(plan, cap,
                                     "bridge %s: subnet %s overlaps route %s%s%s dev %s, on a link netconverge does "
                                     "not own; give the bridge another subnet",
                                     b->ifname,
                                     nc_cidr_format(b->address & nc_prefix_mask(b->prefixlen), b->prefixlen, subnet),
                                     nc_cidr_format(x->dst, x->dst_len, dst), x->gateway ? " via " : "",
                                     x->gateway ? nc_ipv4_format(x->gateway, via) : "", x->ifname);
        }
        return r;
}

/* Another table's forward base chain with policy drop (observed, of any
 * family): nftables runs every base chain at a hook, and a drop in any of
 * them is final, so our table's forward chain accepting the bridges'
 * traffic does not get it past that one; only a rule in that chain does.
 * Docker's iptables (table ip filter, chain FORWARD, policy drop) and
 * firewalld both install one. The chain is not ours to change: a warning,
 * and the plan stands. Only when the file has a bridge: without one, no
 * traffic of ours is forwarded. The example names the file's first bridge
 * (the desired links are sorted). */
static const char *first_bridge(const struct nc_state *desired) {
        for (size_t i = 0; i < desired->n_links; i++)
                if (!desired->links[i].netns[0] && desired->links[i].kind == NC_LINK_BRIDGE)
                        return desired->links[i].name;
        return NULL;
}

static int warning_compare(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int warn_forward_drops(const struct nc_state *observed, struct nc_plan *plan) {
        const struct nc_nft *t = &observed->nft;
        const char *bridge = first_bridge(plan->desired);

        if (!bridge || t->n_forward_drops == 0)
                return 0;
        plan->warnings = calloc(t->n_forward_drops, sizeof(*plan->warnings));
        if (!plan->warnings)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_forward_drops; i++) {
                const struct nc_nft_forward_drop *x = &t->forward_drops[i];
                struct nc_strbuf b = {};

                nc_strbuf_printf(&b,
                                 "nftables table %s %s: forward chain %s has policy drop (priority %d): it drops "
                                 "the bridges' forwarded traffic that it does not accept itself; accept it there "
                                 "(e.g. iifname %s accept; oifname %s ct state established,related accept), or "
                                 "netconverge's containers cannot reach out and published ports are unreachable",
                                 nc_nft_family_to_string(x->family), x->table, x->chain, x->priority, bridge, bridge);
                plan->warnings[plan->n_warnings] = nc_strbuf_steal(&b);
                if (!plan->warnings[plan->n_warnings])
                        return -ENOMEM;
                plan->n_warnings++;
        }
        qsort(plan->warnings, plan->n_warnings, sizeof(*plan->warnings), warning_compare);
        return 0;
}

int nc_plan_preflight(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_conflicts) {
        const struct nc_state *desired = plan->desired;
        int r = warn_forward_drops(observed, plan);

        for (size_t i = 0; r >= 0 && i < desired->n_addresses; i++) {
                const struct nc_address *b = &desired->addresses[i];

                if (!is_bridge_address(desired, b))
                        continue;
                r = check_addresses(observed, desired, b, plan, cap_conflicts);
                if (r >= 0)
                        r = check_routes(observed, desired, b, plan, cap_conflicts);
        }
        return r;
}
