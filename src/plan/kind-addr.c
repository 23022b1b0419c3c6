/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "netconverge/addr.h"
#include "plan/kinds.h"

/* Addresses (a.address) and routes (a.route), on links of ours. */

static const struct nc_address *address_of(const struct nc_action *a) {
        return a->address.want ? a->address.want : a->address.have;
}

static const struct nc_route *route_of(const struct nc_action *a) {
        return a->route.want ? a->route.want : a->route.have;
}

/* On a link, IPv4 before IPv6 (state.h's order). */
static int compare_address(const struct nc_action *a, const struct nc_action *b) {
        const struct nc_address *x = address_of(a), *y = address_of(b);
        int r = nc_kind_compare_str(x->ifname, y->ifname);

        if (r == 0)
                r = nc_kind_compare_u64(x->v6, y->v6);
        if (r == 0 && x->v6)
                r = nc_ipv6_compare(&x->address6, &y->address6);
        if (r == 0 && x->v6)
                return nc_kind_compare_u64(x->prefixlen, y->prefixlen);
        return r != 0 ? r
                      : nc_kind_compare_u64((uint64_t) x->address << 8 | x->prefixlen,
                                            (uint64_t) y->address << 8 | y->prefixlen);
}

/* "address 172.17.0.2/16 on eth0 in netns web" (or fd00:17::2/64); JSON
 * dev, address. */
static void describe_address(const struct nc_action *a, struct nc_description *d) {
        const struct nc_address *x = address_of(a);

        nc_put_string(d, "dev", NULL, x->ifname);
        /* JSON only, on IPv6 only: an IPv4 address's JSON is what it was. */
        if (x->v6)
                nc_put_string(d, "family", NULL, "ipv6");
        if (x->v6)
                nc_put_cidr6(d, "address", "address ", &x->address6, x->prefixlen);
        else
                nc_put_cidr(d, "address", "address ", x->address, x->prefixlen);
        nc_put_string(d, NULL, " on ", x->ifname);
        nc_put_netns_suffix(d, a->netns);
}

static size_t address_namespaces(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]) {
        ns[0] = a->netns;
        ns[1] = address_of(a)->netns;
        return 2;
}

/* An address removed (or changed: removed, then the new one added): a
 * container's own, or a bridge's gateway, which all its containers route
 * through. */
static bool address_disrupts(const struct nc_action *a, struct nc_affected *x) {
        if (a->change != NC_CHANGE_REMOVE)
                return false;
        if (a->netns[0])
                nc_affected_netns(x, a->netns);
        else
                nc_affected_bridge(x, a->address.have->ifname);
        return true;
}

const struct nc_kind nc_kind_address = {
        .name = "address",
        .compare = compare_address,
        .describe = describe_address,
        .namespaces = address_namespaces,
        /* An address is its identity: a different one is - then +. */
        .updatable = 0,
        .disrupts = address_disrupts,
};

static int compare_route(const struct nc_action *a, const struct nc_action *b) {
        const struct nc_route *x = route_of(a), *y = route_of(b);
        int r = nc_kind_compare_u64(x->v6, y->v6);

        if (r == 0 && x->v6)
                r = nc_ipv6_compare(&x->dst6, &y->dst6);
        if (r == 0 && x->v6)
                return nc_kind_compare_u64(x->dst_len, y->dst_len);
        return r != 0 ? r
                      : nc_kind_compare_u64((uint64_t) x->dst << 8 | x->dst_len,
                                            (uint64_t) y->dst << 8 | y->dst_len);
}

static size_t route_changed(const struct nc_action *a, struct nc_changed_field f[static NC_CHANGED_FIELDS_MAX]) {
        const struct nc_route *h = a->route.have, *w = a->route.want;
        struct nc_changed_field *x;
        size_t n = 0;

        x = nc_field_add(f, &n, "gateway", " via ", NC_FIELD_TEXT);
        if (w->v6) {
                nc_field_ipv6(&x->old, &h->gateway6);
                nc_field_ipv6(&x->new, &w->gateway6);
        } else {
                nc_field_ipv4(&x->old, h->gateway);
                nc_field_ipv4(&x->new, w->gateway);
        }
        if (strcmp(h->ifname, w->ifname) != 0) {
                x = nc_field_add(f, &n, "dev", " dev ", NC_FIELD_TEXT);
                nc_field_name(&x->old, h->ifname);
                nc_field_name(&x->new, w->ifname);
        }
        return n;
}

/* "route default via 172.17.0.1 in netns web", a ~ as "route default in
 * netns web: via A -> via B"; JSON dst, via, dev. A removed route that is
 * not the default names its device. */
static void describe_route(const struct nc_action *a, struct nc_description *d) {
        const struct nc_route *r = route_of(a);
        struct nc_item *x;

        bool via;

        if (r->v6)
                nc_put_string(d, "family", NULL, "ipv6");
        if (r->dst_len == 0)
                nc_put_string(d, "dst", "route ", "default");
        else if (r->v6)
                nc_put_cidr6(d, "dst", "route ", &r->dst6, r->dst_len);
        else
                nc_put_cidr(d, "dst", "route ", r->dst, r->dst_len);
        via = (r->v6 ? !nc_ipv6_is_zero(&r->gateway6) : r->gateway != 0) && a->change != NC_CHANGE_MODIFY;
        if (r->v6)
                nc_put_ipv6(d, "via", via ? " via " : NULL, &r->gateway6);
        else
                nc_put_ipv4(d, "via", via ? " via " : NULL, r->gateway);
        x = nc_put(d, NC_ITEM_STRING, "dev", a->change == NC_CHANGE_REMOVE && r->dst_len != 0 ? " dev " : NULL);
        x->s = r->ifname;
        nc_put_netns_suffix(d, a->netns);
        nc_put_changes(d, a, NULL);
}

static size_t route_namespaces(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]) {
        ns[0] = a->netns;
        ns[1] = route_of(a)->netns;
        return 2;
}

/* A container's default route removed. */
static bool route_disrupts(const struct nc_action *a, struct nc_affected *x) {
        if (a->change != NC_CHANGE_REMOVE)
                return false;
        nc_affected_netns(x, a->netns);
        return true;
}

const struct nc_kind nc_kind_route = {
        .name = "route",
        .compare = compare_route,
        .describe = describe_route,
        .changed = route_changed,
        .changes_style = NC_CHANGES_BY_SIDE,
        .namespaces = route_namespaces,
        .updatable = NC_DIFF_GATEWAY,
        .disrupts = route_disrupts,
};
