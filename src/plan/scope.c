/* SPDX-License-Identifier: MIT */
#include "netconverge/plan.h"
#include "netconverge/scope.h"

/* Which parts of an earlier observation are stale. The rule is to err on
 * the side of reading again: a namespace named by anything a change
 * touched is looked at, whichever end of a veth it is on. */

/* A link a change touches: in the host, itself (by ifindex when it was
 * observed, by name too: it may be made anew) and its bridge, whose state
 * follows its ports'; in a container, the namespace. Either way the
 * other end of a veth, and the container an owned host end names. */
static int add_link(struct nc_observe_scope *scope, const struct nc_link *l) {
        int r;

        if (!l)
                return 0;
        if (l->netns[0])
                r = nc_observe_scope_add_netns(scope, l->netns);
        else {
                r = nc_observe_scope_add_host_link(scope, l->ifindex, l->name);
                if (r >= 0 && l->master[0])
                        r = nc_observe_scope_add_host_link(scope, 0, l->master);
        }
        if (r >= 0 && l->peer_netns && !l->peer_netns[0])
                r = nc_observe_scope_add_host_link(scope, 0, l->peer_name);
        else if (r >= 0 && l->peer_netns)
                r = nc_observe_scope_add_netns(scope, l->peer_netns);
        if (r >= 0)
                r = nc_observe_scope_add_netns(scope, l->owner_netns);
        return r;
}

static int add_action(struct nc_observe_scope *scope, const struct nc_action *a) {
        const struct nc_link *links[] = { a->link.want, a->link.have, a->link.want_peer, a->link.have_peer };
        const char *ns[NC_ACTION_NETNS_MAX];
        size_t n;
        int r = 0;

        if (nc_action_is_nft(a)) {
                scope->nft = true;
                return 0;
        }
        /* ip_forward is read every time. */
        if (a->object == NC_OBJECT_SYSCTL)
                return 0;
        n = nc_action_namespaces(a, ns);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = nc_observe_scope_add_netns(scope, ns[i]);
        /* An FDB entry is read again with its VXLAN link's. */
        if (a->object == NC_OBJECT_FDB)
                return r < 0 ? r
                             : nc_observe_scope_add_host_link(scope, 0,
                                                              (a->fdb.want ? a->fdb.want : a->fdb.have)->ifname);
        if (a->object != NC_OBJECT_BRIDGE && a->object != NC_OBJECT_VETH && a->object != NC_OBJECT_LOOPBACK &&
            a->object != NC_OBJECT_VXLAN)
                return r;
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]) && r >= 0; i++)
                r = add_link(scope, links[i]);
        return r;
}

int nc_observe_scope_add_plan(struct nc_observe_scope *scope, const struct nc_plan *plan) {
        for (size_t i = 0; i < plan->n_actions; i++) {
                int r = add_action(scope, &plan->actions[i]);

                if (r < 0)
                        return r;
        }
        return 0;
}
