/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
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

/* The desired bridge addresses: each bridge's gateway with its subnet
 * (IPv4 and IPv6). */
static bool is_bridge_address(const struct nc_state *desired, const struct nc_address *a) {
        const struct nc_link *w = a->netns[0] ? NULL : nc_state_find_link(desired, "", a->ifname);

        return w && w->kind == NC_LINK_BRIDGE;
}

/* An address or a route's destination, of either family, as a prefix. */
struct prefix {
        bool v6;
        uint32_t a4;
        struct nc_ipv6 a6;
        unsigned len;
};

static struct prefix address_prefix(const struct nc_address *a) {
        return (struct prefix) { .v6 = a->v6, .a4 = a->address, .a6 = a->address6, .len = a->prefixlen };
}

static struct prefix route_prefix(const struct nc_route *r) {
        return (struct prefix) { .v6 = r->v6, .a4 = r->dst, .a6 = r->dst6, .len = r->dst_len };
}

static bool prefixes_overlap(const struct prefix *x, const struct prefix *y) {
        if (x->v6 != y->v6)
                return false;
        return x->v6 ? nc_subnets6_overlap(&x->a6, x->len, &y->a6, y->len) : nc_subnets_overlap(x->a4, x->len, y->a4, y->len);
}

/* "172.17.0.0/16"; network: with the host bits cleared (a subnet). */
static const char *prefix_format(const struct prefix *x, bool network, char buf[static NC_CIDR6_STRLEN]) {
        struct nc_ipv6 n6 = network ? nc_ipv6_network(&x->a6, x->len) : x->a6;

        if (x->v6)
                return nc_cidr6_format(&n6, x->len, buf);
        return nc_cidr_format(network ? x->a4 & nc_prefix_mask(x->len) : x->a4, x->len, buf);
}

static int check_addresses(const struct nc_state *observed, const struct nc_state *desired,
                           const struct nc_address *b, struct nc_plan *plan, size_t *cap) {
        char subnet[NC_CIDR6_STRLEN], other[NC_CIDR6_STRLEN];
        struct prefix sub = address_prefix(b);
        int r = 0;

        for (size_t i = 0; r >= 0 && i < observed->n_addresses; i++) {
                const struct nc_address *x = &observed->addresses[i];
                struct prefix p = address_prefix(x);

                if (x->netns[0] || !prefixes_overlap(&sub, &p) || host_link_ours(observed, desired, x->ifname))
                        continue;
                r = nc_plan_conflict(plan, cap,
                                     "bridge %s: subnet %s overlaps address %s on %s, a link netconverge does not "
                                     "own; give the bridge another subnet",
                                     b->ifname, prefix_format(&sub, true, subnet), prefix_format(&p, false, other),
                                     x->ifname);
        }
        return r;
}

static int check_routes(const struct nc_state *observed, const struct nc_state *desired, const struct nc_address *b,
                        struct nc_plan *plan, size_t *cap) {
        char subnet[NC_CIDR6_STRLEN], dst[NC_CIDR6_STRLEN], via[NC_IPV6_STRLEN];
        struct prefix sub = address_prefix(b);
        int r = 0;

        for (size_t i = 0; r >= 0 && i < observed->n_routes; i++) {
                const struct nc_route *x = &observed->routes[i];
                struct prefix p = route_prefix(x);
                bool has_via = x->v6 ? !nc_ipv6_is_zero(&x->gateway6) : x->gateway != 0;

                if (x->netns[0] || x->dst_len == 0 || x->protocol == NC_RTPROT || !prefixes_overlap(&sub, &p) ||
                    host_link_ours(observed, desired, x->ifname))
                        continue;
                if (has_via && x->v6)
                        nc_ipv6_format(&x->gateway6, via);
                else if (has_via)
                        nc_ipv4_format(x->gateway, via);
                r = nc_plan_conflict(plan, cap,
                                     "bridge %s: subnet %s overlaps route %s%s%s dev %s, on a link netconverge does "
                                     "not own; give the bridge another subnet",
                                     b->ifname, prefix_format(&sub, true, subnet), prefix_format(&p, false, dst),
                                     has_via ? " via " : "", has_via ? via : "", x->ifname);
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

int nc_plan_add_warning(struct nc_plan *plan, struct nc_strbuf *b) {
        char *text = nc_strbuf_steal(b);
        char **v;

        if (!text)
                return -ENOMEM;
        v = reallocarray(plan->warnings, plan->n_warnings + 1, sizeof(*v));
        if (!v) {
                free(text);
                return -ENOMEM;
        }
        plan->warnings = v;
        v[plan->n_warnings++] = text;
        return 0;
}

static int warn_forward_drops(const struct nc_state *observed, struct nc_plan *plan) {
        const struct nc_nft *t = &observed->nft;
        const char *bridge = first_bridge(plan->desired);
        int r = 0;

        for (size_t i = 0; bridge && r >= 0 && i < t->n_forward_drops; i++) {
                const struct nc_nft_forward_drop *x = &t->forward_drops[i];
                struct nc_strbuf b = {};

                nc_strbuf_printf(&b,
                                 "nftables table %s %s: forward chain %s has policy drop (priority %d): it drops "
                                 "the bridges' forwarded traffic that it does not accept itself; accept it there "
                                 "(e.g. iifname %s accept; oifname %s ct state established,related accept), or "
                                 "netconverge's containers cannot reach out and published ports are unreachable",
                                 nc_nft_family_to_string(x->family), x->table, x->chain, x->priority, bridge, bridge);
                r = nc_plan_add_warning(plan, &b);
        }
        return r;
}

/* A drop rule's interface match: a name, or a prefix and '*' (nft's
 * wildcard). */
static bool ifname_matches(const char *match, const char *name) {
        size_t n = strlen(match);

        if (n > 0 && match[n - 1] == '*')
                return strncmp(match, name, n - 1) == 0;
        return strcmp(match, name) == 0;
}

/* The first of the file's bridges (sorted) whose name the interface match
 * takes, or NULL. */
static const char *bridge_named(const struct nc_state *desired, const char *match) {
        for (size_t i = 0; i < desired->n_links; i++) {
                const struct nc_link *l = &desired->links[i];

                if (!l->netns[0] && l->kind == NC_LINK_BRIDGE && ifname_matches(match, l->name))
                        return l->name;
        }
        return NULL;
}

/* The first bridge whose subnet overlaps the prefix, or NULL. */
static const char *bridge_in(const struct nc_state *desired, uint32_t addr, unsigned len) {
        for (size_t i = 0; i < desired->n_addresses; i++) {
                const struct nc_address *a = &desired->addresses[i];

                if (is_bridge_address(desired, a) && nc_subnets_overlap(a->address, a->prefixlen, addr, len))
                        return a->ifname;
        }
        return NULL;
}

/* Whether every match of the rule holds for some of the bridges' forwarded
 * traffic (each match on its own: traffic into a bridge, out of one, or
 * between two); the bridge to name in the warning, NULL when it does not
 * catch any. ct state was kept only when it holds (foreign.c). */
static const char *drop_rule_catches(const struct nc_state *desired, const struct nc_nft_drop_rule *x) {
        const char *found[4] = {}, *first = first_bridge(desired);
        size_t n = 0;

        if (x->iifname && !(found[n++] = bridge_named(desired, x->iifname)))
                return NULL;
        if (x->oifname && !(found[n++] = bridge_named(desired, x->oifname)))
                return NULL;
        if (x->saddr_len && !(found[n++] = bridge_in(desired, x->saddr, x->saddr_len)))
                return NULL;
        if (x->daddr_len && !(found[n++] = bridge_in(desired, x->daddr, x->daddr_len)))
                return NULL;
        return n > 0 ? found[0] : first;
}

/* The rule as nft lists it, in short: `iifname "br*" ct state new drop`. */
static void drop_rule_describe(struct nc_strbuf *b, const struct nc_nft_drop_rule *x) {
        char cidr[NC_CIDR_STRLEN];

        if (x->iifname)
                nc_strbuf_printf(b, "iifname \"%s\" ", x->iifname);
        if (x->oifname)
                nc_strbuf_printf(b, "oifname \"%s\" ", x->oifname);
        if (x->saddr_len)
                nc_strbuf_printf(b, "ip saddr %s ", nc_cidr_format(x->saddr, x->saddr_len, cidr));
        if (x->daddr_len)
                nc_strbuf_printf(b, "ip daddr %s ", nc_cidr_format(x->daddr, x->daddr_len, cidr));
        if (x->ct_state)
                nc_strbuf_printf(b, "ct state %s ", x->ct_state);
        nc_strbuf_append(b, x->reject ? "reject" : "drop");
}

/* Another table's drop rule in a forward base chain (issue 15): like a
 * policy drop, final whatever our table accepts. Whether an accept
 * earlier in that chain lets the traffic past first is not looked at:
 * the warning says so. */
static int warn_drop_rules(const struct nc_state *observed, struct nc_plan *plan) {
        const struct nc_nft *t = &observed->nft;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < t->n_drop_rules; i++) {
                const struct nc_nft_drop_rule *x = &t->drop_rules[i];
                const char *bridge = drop_rule_catches(plan->desired, x);
                struct nc_strbuf b = {};

                if (!bridge)
                        continue;
                nc_strbuf_printf(&b, "nftables table %s %s: forward chain %s, rule handle %u (",
                                 nc_nft_family_to_string(x->family), x->table, x->chain, x->handle);
                drop_rule_describe(&b, x);
                nc_strbuf_printf(&b,
                                 "): it %s bridge %s's forwarded traffic, whatever netconverge's table accepts, "
                                 "unless a rule before it in that chain accepts the traffic (not checked); "
                                 "accept it there first (e.g. iifname %s accept; oifname %s ct state "
                                 "established,related accept), or netconverge's containers cannot reach out and "
                                 "published ports are unreachable",
                                 x->reject ? "rejects" : "drops", bridge, bridge, bridge);
                r = nc_plan_add_warning(plan, &b);
        }
        return r;
}

/* Whether a host socket takes the connections of a published port (a
 * desired DNAT rule; daddr 0: every address): same protocol and port, a
 * socket of the rule's family (:: takes IPv4 too unless v6only), and the
 * same address or either side unspecified. */
static bool listener_takes(const struct nc_listener *l, const struct nc_nft_rule *p) {
        static const struct nc_ipv6 any6 = {};
        struct nc_ipv6 any4 = nc_ipv6_mapped(0), want = nc_ipv6_mapped(p->daddr);

        if (l->proto != p->proto || l->port != p->dport)
                return false;
        /* An IPv6 rule: IPv6 sockets only (an IPv4 one is held v4-mapped). */
        if (p->v6)
                return !nc_ipv6_is_mapped(&l->address) &&
                       (nc_ipv6_is_zero(&p->daddr6) || nc_ipv6_equal(&l->address, &p->daddr6) ||
                        nc_ipv6_equal(&l->address, &any6));
        /* An IPv4 rule: IPv4 sockets, and [::] ones that take IPv4 too. */
        if (!nc_ipv6_is_mapped(&l->address))
                return nc_ipv6_equal(&l->address, &any6) && !l->v6only;
        return p->daddr == 0 || nc_ipv6_equal(&l->address, &want) || nc_ipv6_equal(&l->address, &any4);
}

/* The address a published port's rule is for: "0.0.0.0", "[::]". */
static const char *rule_host(const struct nc_nft_rule *p, char buf[static NC_IPV6_STRLEN + 2]) {
        char ip[NC_IPV6_STRLEN];

        if (!p->v6)
                return nc_ipv4_format(p->daddr, buf);
        snprintf(buf, NC_IPV6_STRLEN + 2, "[%s]", nc_ipv6_format(&p->daddr6, ip));
        return buf;
}

/* A published port a host process already listens on (issue 14 item 6,
 * SPEC 7.2): Docker refuses it ("port is already allocated"). netconverge
 * publishes it all the same (the file says so), and warns: the DNAT takes
 * the port's connections before the process sees them. */
static int warn_listeners(const struct nc_state *observed, struct nc_plan *plan) {
        const struct nc_nft *want = &plan->desired->nft;
        int r = 0;

        /* The ports are map elements (SPEC 7.2). */
        for (size_t i = 0; r >= 0 && observed->n_listeners > 0 && i < want->n_elements; i++) {
                const struct nc_nft_rule *p = &want->elements[i];
                char ip[NC_IPV6_STRLEN + 2], at[NC_IPV6_STRLEN];

                if (p->kind != NC_RULE_DNAT)
                        continue;
                for (size_t k = 0; r >= 0 && k < observed->n_listeners; k++) {
                        const struct nc_listener *l = &observed->listeners[k];
                        const char *proto = nc_proto_to_string(p->proto);
                        struct nc_strbuf b = {};
                        bool v6 = !nc_ipv6_is_mapped(&l->address);

                        if (!listener_takes(l, p))
                                continue;
                        nc_strbuf_printf(&b,
                                         "published port %s %s:%u: a process of the host already listens on %s "
                                         "%s%s%s:%u%s (Docker refuses such a port: \"port is already allocated\"); "
                                         "the published port takes its connections before that process sees them",
                                         proto, rule_host(p, ip), p->dport, proto, v6 ? "[" : "",
                                         nc_listener_address_format(&l->address, at), v6 ? "]" : "", l->port,
                                         l->v6only ? " (v6only)" : "");
                        r = nc_plan_add_warning(plan, &b);
                }
        }
        return r;
}

int nc_plan_preflight(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_conflicts) {
        const struct nc_state *desired = plan->desired;
        int r = warn_forward_drops(observed, plan);

        if (r >= 0)
                r = warn_drop_rules(observed, plan);
        if (r >= 0)
                r = warn_listeners(observed, plan);
        if (r >= 0)
                r = nc_plan_warn_accept_ra(observed, plan);
        if (r >= 0 && plan->n_warnings > 1)
                qsort(plan->warnings, plan->n_warnings, sizeof(*plan->warnings), warning_compare);

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
