/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "plan/internal.h"
#include "util/strbuf.h"

/* SPEC 7.1: turning net.ipv6.conf.all.forwarding on makes the kernel
 * ignore router advertisements on every interface whose accept_ra is 1
 * (only 2 accepts them on a router), so a host that takes its IPv6
 * default route or addresses from them there loses them as they expire.
 * Observation marks the host links that use them (an RA-made route or
 * address on the link) with their accept_ra. A warning, not a conflict:
 * the file asks for forwarding, and the fix is the host's own setting. */
int nc_plan_warn_accept_ra(const struct nc_state *observed, struct nc_plan *plan) {
        int r = 0;

        if (plan->desired->ip6_forward != 1 || observed->ip6_forward == 1)
                return 0;
        for (size_t i = 0; r >= 0 && i < observed->n_links; i++) {
                const struct nc_link *l = &observed->links[i];
                struct nc_strbuf b = {};

                if (l->netns[0] || !l->uses_ra || l->accept_ra != 1)
                        continue;
                nc_strbuf_printf(&b,
                                 "%s takes IPv6 routes or addresses from router advertisements (accept_ra 1); "
                                 "net.ipv6.conf.all.forwarding=1, which this plan sets for the IPv6 bridges, makes "
                                 "the kernel ignore them there and they expire; set net.ipv6.conf.%s.accept_ra=2 "
                                 "to keep them",
                                 l->name, l->name);
                r = nc_plan_add_warning(plan, &b);
        }
        return r;
}
