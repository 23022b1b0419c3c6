/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "plan/internal.h"
#include "util/cleanup.h"

/* Lowering a bridge's vxlan (SPEC 7.5): its VXLAN link and one
 * forwarding-database entry per remote. What the link is made of comes
 * from the underlay as observed (its MTU, its first IPv4 address), so a
 * bridge whose underlay is missing, or has no IPv4 address yet, waits:
 * like a container whose namespace is missing, no error and no change. */

/* The 50 bytes VXLAN adds to each frame: outer IPv4 (20), UDP (8), VXLAN
 * (8) and the inner Ethernet header (14). */
#define NC_VXLAN_OVERHEAD 50u

/* What an underlay that is not there yet is assumed to carry: the usual
 * Ethernet MTU, so the bridge's default does not move when it appears. */
#define NC_VXLAN_ASSUMED_UNDERLAY_MTU 1500u

static const struct nc_link *underlay_of(const struct nc_bridge *b, const struct nc_state_index *observed) {
        return nc_state_index_link(observed, NC_NETNS_HOST, b->vxlan->underlay);
}

unsigned nc_plan_vxlan_mtu(const struct nc_bridge *b, const struct nc_state_index *observed) {
        const struct nc_link *u = underlay_of(b, observed);
        unsigned mtu = u ? u->mtu : NC_VXLAN_ASSUMED_UNDERLAY_MTU;

        /* The kernel's minimum for a VXLAN link is 68. */
        return mtu > NC_VXLAN_OVERHEAD + 68 ? mtu - NC_VXLAN_OVERHEAD : 68;
}

unsigned nc_plan_bridge_mtu(const struct nc_bridge *b, const struct nc_state_index *observed) {
        if (!b->vxlan || b->mtu_at.line > 0)
                return b->mtu;
        return nc_plan_vxlan_mtu(b, observed);
}

/* The underlay's first IPv4 address (the lowest: addresses are sorted),
 * or 0. */
static uint32_t underlay_address(const struct nc_bridge *b, const struct nc_state_index *observed) {
        const struct nc_address *x;
        size_t n = nc_state_index_addresses(observed, NC_NETNS_HOST, b->vxlan->underlay, &x);

        /* IPv4 sorts first on a link. */
        return n > 0 && !x[0].v6 ? x[0].address : 0;
}

static int wait_for_underlay(const struct nc_bridge *b, struct nc_plan *plan, const char *why) {
        plan->waiting[plan->n_waiting++] = (struct nc_waiting) {
                .bridge = b->name, .underlay = b->vxlan->underlay, .why = why,
        };
        return 0;
}

static int add_fdb(struct nc_state *s, const char *ifname, uint32_t dst) {
        struct nc_fdb f = { .netns = "", .dst = dst };

        strcpy(f.ifname, ifname);
        return nc_state_add_fdb(s, &f);
}

/* The IPv6 remotes the file allows: the local address would be the
 * underlay's IPv6 one, which observation does not hold yet (issue 13),
 * so such a bridge is a conflict, not a link that reaches nobody. */
static int refuse_ipv6(const struct nc_bridge *b, struct nc_plan *plan, size_t *cap_conflicts) {
        char ip[NC_IPV6_STRLEN];

        for (size_t i = 0; i < b->vxlan->n_remotes; i++)
                if (b->vxlan->remotes[i].v6)
                        return nc_plan_conflict(plan, cap_conflicts,
                                                "bridge %s: vxlan remote %s is IPv6; this version makes VXLAN links "
                                                "over IPv4 underlays only",
                                                b->name, nc_ipv6_format(&b->vxlan->remotes[i].addr6, ip));
        return 0;
}

int nc_plan_lower_vxlan(const struct nc_bridge *b, const struct nc_state_index *observed, struct nc_state *s,
                        struct nc_plan *plan, size_t *cap_conflicts) {
        const struct nc_link *u;
        _cleanup_free_ char *alias = NULL;
        struct nc_link l = { .netns = "", .kind = NC_LINK_VXLAN, .up = true, .group = NC_LINK_GROUP_OWNED };
        int r;

        if (!b->vxlan)
                return 0;
        r = refuse_ipv6(b, plan, cap_conflicts);
        if (r < 0)
                return r;
        u = underlay_of(b, observed);
        if (!u)
                return wait_for_underlay(b, plan, "does not exist");
        l.vxlan.local = underlay_address(b, observed);
        if (!l.vxlan.local)
                return wait_for_underlay(b, plan, "has no IPv4 address");
        alias = nc_alias_vxlan(b->name);
        if (!alias)
                return -ENOMEM;
        nc_vxlan_link_name(b->name, l.name);
        strcpy(l.master, b->name);
        l.alias = alias;
        l.mtu = nc_plan_vxlan_mtu(b, observed);
        l.vxlan.vni = b->vxlan->vni;
        l.vxlan.port = b->vxlan->port;
        strcpy(l.vxlan.dev, b->vxlan->underlay);
        r = nc_state_add_link(s, &l);
        /* IPv6 remotes: refused above. */
        for (size_t i = 0; r >= 0 && i < b->vxlan->n_remotes; i++)
                if (!b->vxlan->remotes[i].v6)
                        r = add_fdb(s, l.name, b->vxlan->remotes[i].addr);
        return r;
}
