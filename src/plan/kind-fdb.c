/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "netconverge/addr.h"

#include "plan/kinds.h"

/* A VXLAN link's forwarding-database entry (a.fdb): one remote. An entry
 * is its identity (link, MAC, remote): a different one is - then +. */

static const struct nc_fdb *fdb_of(const struct nc_action *a) {
        return a->fdb.want ? a->fdb.want : a->fdb.have;
}

static int compare(const struct nc_action *a, const struct nc_action *b) {
        const struct nc_fdb *x = fdb_of(a), *y = fdb_of(b);
        int r = nc_kind_compare_str(x->ifname, y->ifname);

        if (r == 0)
                r = memcmp(x->mac, y->mac, sizeof(x->mac));
        if (r == 0)
                r = nc_kind_compare_u64(x->v6, y->v6);
        if (r == 0)
                r = x->v6 ? nc_ipv6_compare(&x->dst6, &y->dst6) : nc_kind_compare_u64(x->dst, y->dst);
        return r;
}

/* "fdb 00:00:00:00:00:00 dst 192.0.2.12 on vx-fleet0" (bridge(8)'s
 * words), or "dst 2001:db8::12"; JSON mac, dst, dev. */
static void describe(const struct nc_action *a, struct nc_description *d) {
        const struct nc_fdb *f = fdb_of(a);

        nc_put_mac(d, "mac", "fdb ", f->mac);
        if (f->v6)
                nc_put_ipv6(d, "dst", " dst ", &f->dst6);
        else
                nc_put_ipv4(d, "dst", " dst ", f->dst);
        nc_put_string(d, "dev", " on ", f->ifname);
        nc_put_netns_suffix(d, a->netns);
}

const struct nc_kind nc_kind_fdb = {
        .name = "fdb",
        .compare = compare,
        .describe = describe,
        .namespaces = nc_kind_own_namespace,
        .updatable = 0,
};
