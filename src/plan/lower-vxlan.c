/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "plan/internal.h"
#include "util/cleanup.h"

/* Lowering a bridge's vxlan (SPEC 7.5): its VXLAN link and one
 * forwarding-database entry per remote. What the link is made of comes
 * from the underlay as observed (its MTU, its first address of the
 * remotes' family), so a bridge whose underlay is missing, or has no such
 * address yet, waits: like a container whose namespace is missing, no
 * error and no change. The remotes are of one family (validate.c). */

/* What VXLAN adds to each frame: the outer IP header (IPv4 20, IPv6 40),
 * UDP (8), VXLAN (8) and the inner Ethernet header (14); Linux's
 * VXLAN_HEADROOM and VXLAN6_HEADROOM. */
#define NC_VXLAN_OVERHEAD 50u
#define NC_VXLAN6_OVERHEAD 70u

/* What an underlay that is not there yet is assumed to carry: the usual
 * Ethernet MTU, so the bridge's default does not move when it appears. */
#define NC_VXLAN_ASSUMED_UNDERLAY_MTU 1500u

static const struct nc_link *underlay_of(const struct nc_bridge *b, const struct nc_state_index *observed) {
        return nc_state_index_link(observed, NC_NETNS_HOST, b->vxlan->underlay);
}

bool nc_plan_vxlan_v6(const struct nc_vxlan *x) {
        return x->n_remotes > 0 && x->remotes[0].v6;
}

unsigned nc_plan_vxlan_overhead(bool v6) {
        return v6 ? NC_VXLAN6_OVERHEAD : NC_VXLAN_OVERHEAD;
}

unsigned nc_plan_vxlan_mtu(const struct nc_bridge *b, const struct nc_state_index *observed) {
        const struct nc_link *u = underlay_of(b, observed);
        unsigned mtu = u ? u->mtu : NC_VXLAN_ASSUMED_UNDERLAY_MTU;
        unsigned overhead = nc_plan_vxlan_overhead(nc_plan_vxlan_v6(b->vxlan));

        /* The kernel's minimum for a VXLAN link is 68. */
        return mtu > overhead + 68 ? mtu - overhead : 68;
}

unsigned nc_plan_bridge_mtu(const struct nc_bridge *b, const struct nc_state_index *observed) {
        if (!b->vxlan || b->mtu_at.line > 0)
                return b->mtu;
        return nc_plan_vxlan_mtu(b, observed);
}

/* The underlay's first address of the remotes' family into l's local or
 * local6 (the lowest: addresses are sorted, IPv4 first; observation keeps
 * no IPv6 link-local one), or false when it has none. */
static bool underlay_address(const struct nc_bridge *b, const struct nc_state_index *observed,
                             struct nc_link_vxlan *l) {
        const struct nc_address *x;
        size_t n = nc_state_index_addresses(observed, NC_NETNS_HOST, b->vxlan->underlay, &x);
        bool v6 = nc_plan_vxlan_v6(b->vxlan);

        for (size_t i = 0; i < n; i++) {
                if (x[i].v6 != v6)
                        continue;
                if (v6)
                        l->local6 = x[i].address6;
                else
                        l->local = x[i].address;
                return true;
        }
        return false;
}

static int wait_for_underlay(const struct nc_bridge *b, struct nc_plan *plan, const char *why) {
        plan->waiting[plan->n_waiting++] = (struct nc_waiting) {
                .bridge = b->name, .underlay = b->vxlan->underlay, .why = why,
        };
        return 0;
}

bool nc_plan_bridge_waits(const struct nc_plan *plan, const char *bridge) {
        for (size_t i = 0; bridge && i < plan->n_waiting; i++)
                if (plan->waiting[i].bridge && strcmp(plan->waiting[i].bridge, bridge) == 0)
                        return true;
        return false;
}

static int add_fdb(struct nc_state *s, const char *ifname, const struct nc_vxlan_remote *remote) {
        struct nc_fdb f = { .netns = "", .v6 = remote->v6, .dst = remote->addr, .dst6 = remote->addr6 };

        strcpy(f.ifname, ifname);
        return nc_state_add_fdb(s, &f);
}

int nc_plan_lower_vxlan(const struct nc_bridge *b, const struct nc_state_index *observed, struct nc_state *s,
                        struct nc_plan *plan) {
        const struct nc_link *u;
        _cleanup_free_ char *alias = NULL;
        struct nc_link l = { .netns = "", .kind = NC_LINK_VXLAN, .up = true, .group = NC_LINK_GROUP_OWNED };
        int r;

        if (!b->vxlan)
                return 0;
        u = underlay_of(b, observed);
        if (!u)
                return wait_for_underlay(b, plan, "does not exist");
        if (!underlay_address(b, observed, &l.vxlan))
                return wait_for_underlay(b, plan,
                                         nc_plan_vxlan_v6(b->vxlan) ? "has no IPv6 address" : "has no IPv4 address");
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
        for (size_t i = 0; r >= 0 && i < b->vxlan->n_remotes; i++)
                r = add_fdb(s, l.name, &b->vxlan->remotes[i]);
        return r;
}
