/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "netconverge/addr.h"
#include "plan/internal.h"

/* Pre-flight for VXLAN bridges (SPEC 7.5), on the desired state: its
 * VXLAN links carry the MTU the underlay allows and their FDB entries the
 * remotes. */

/* The host's own address a remote is, or NULL: the file lists the other
 * hosts of the fleet, and an entry to ourselves would loop every flooded
 * frame back in. */
static const struct nc_address *own_address(const struct nc_state *observed, const struct nc_fdb *f) {
        for (size_t i = 0; i < observed->n_addresses; i++) {
                const struct nc_address *a = &observed->addresses[i];

                if (!a->netns[0] && a->v6 == f->v6 &&
                    (f->v6 ? nc_ipv6_equal(&a->address6, &f->dst6) : a->address == f->dst))
                        return a;
        }
        return NULL;
}

static int check_remotes(const struct nc_state *observed, const struct nc_state *desired, struct nc_plan *plan,
                         size_t *cap) {
        char ip[NC_IPV6_STRLEN];
        int r = 0;

        for (size_t i = 0; r >= 0 && i < desired->n_fdb; i++) {
                const struct nc_fdb *f = &desired->fdb[i];
                const struct nc_link *vx = nc_state_find_link(desired, f->netns, f->ifname);
                const struct nc_address *own = own_address(observed, f);

                if (!own || !vx)
                        continue;
                r = nc_plan_conflict(plan, cap,
                                     "bridge %s: vxlan remote %s is this host's own address (on %s); list only the "
                                     "other hosts of the fleet",
                                     vx->master, f->v6 ? nc_ipv6_format(&f->dst6, ip) : nc_ipv4_format(f->dst, ip),
                                     own->ifname);
        }
        return r;
}

/* A bridge MTU above what its VXLAN link carries: larger frames from a
 * container would be dropped on their way to another host. */
static int check_mtu(const struct nc_state *desired, struct nc_plan *plan, size_t *cap) {
        int r = 0;

        for (size_t i = 0; r >= 0 && i < desired->n_links; i++) {
                const struct nc_link *vx = &desired->links[i];
                const struct nc_link *b = vx->kind == NC_LINK_VXLAN ? nc_state_find_link(desired, "", vx->master)
                                                                    : NULL;

                if (!b || b->mtu <= vx->mtu)
                        continue;
                r = nc_plan_conflict(plan, cap,
                                     "bridge %s: mtu %u is above %u, what its VXLAN link carries over underlay %s "
                                     "(the underlay's MTU minus %u); lower the bridge's mtu or leave it out",
                                     b->name, b->mtu, vx->mtu, vx->vxlan.dev,
                                     nc_plan_vxlan_overhead(!nc_ipv6_is_zero(&vx->vxlan.local6)));
        }
        return r;
}

int nc_plan_preflight_vxlan(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_conflicts) {
        int r = check_remotes(observed, plan->desired, plan, cap_conflicts);

        return r < 0 ? r : check_mtu(plan->desired, plan, cap_conflicts);
}
