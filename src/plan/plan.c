/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/internal.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

int nc_plan_compute(const struct nc_model *desired, const struct nc_state *observed, struct nc_plan **ret) {
        struct nc_plan *p = calloc(1, sizeof(*p));
        int r;

        if (!p)
                return -ENOMEM;
        r = nc_plan_lower(desired, observed, p);
        if (r >= 0)
                r = nc_plan_diff(observed, p, desired);
        if (r < 0) {
                nc_plan_free(p);
                return r;
        }
        *ret = p;
        return 0;
}

struct nc_action *nc_plan_push(struct nc_plan *p, size_t *cap, enum nc_phase phase, enum nc_change change,
                               enum nc_object object, const char *netns) {
        struct nc_action *a;

        if (nc_grow(&p->actions, cap, p->n_actions + 1, sizeof(*p->actions)) < 0)
                return NULL;
        a = &p->actions[p->n_actions++];
        *a = (struct nc_action) { .phase = phase, .change = change, .object = object, .netns = netns };
        if (change == NC_CHANGE_ADD)
                p->n_add++;
        else if (change == NC_CHANGE_MODIFY)
                p->n_modify++;
        else
                p->n_remove++;
        return a;
}

struct nc_plan *nc_plan_free(struct nc_plan *p) {
        if (!p)
                return NULL;
        nc_state_free(p->desired);
        for (size_t i = 0; i < p->n_conflicts; i++)
                free(p->conflicts[i]);
        free(p->conflicts);
        free(p->actions);
        free(p->waiting);
        free(p);
        return NULL;
}

void nc_plan_freep(struct nc_plan **p) {
        *p = nc_plan_free(*p);
}

static const char *const change_table[_NC_CHANGE_MAX] = {
        [NC_CHANGE_ADD] = "add",
        [NC_CHANGE_MODIFY] = "modify",
        [NC_CHANGE_REMOVE] = "remove",
};

static const char *const object_table[_NC_OBJECT_MAX] = {
        [NC_OBJECT_NETNS] = "netns",
        [NC_OBJECT_BRIDGE] = "bridge",
        [NC_OBJECT_VETH] = "veth",
        [NC_OBJECT_LOOPBACK] = "link",
        [NC_OBJECT_ADDRESS] = "address",
        [NC_OBJECT_ROUTE] = "route",
        [NC_OBJECT_SYSCTL] = "sysctl",
        [NC_OBJECT_NFT_TABLE] = "nft-table",
        [NC_OBJECT_NFT_CHAIN] = "nft-chain",
        [NC_OBJECT_NFT_RULE] = "nft-rule",
};

const char *nc_change_to_string(enum nc_change c) {
        return (unsigned) c < _NC_CHANGE_MAX ? change_table[c] : NULL;
}

const char *nc_object_to_string(enum nc_object o) {
        return (unsigned) o < _NC_OBJECT_MAX ? object_table[o] : NULL;
}

static const char sign[_NC_CHANGE_MAX] = { [NC_CHANGE_ADD] = '+', [NC_CHANGE_MODIFY] = '~', [NC_CHANGE_REMOVE] = '-' };

static void append_netns(struct nc_strbuf *b, const char *netns) {
        if (netns[0])
                nc_strbuf_printf(b, " in netns %s", netns);
}

/* ", " between the items of a "~" line. */
static void sep(struct nc_strbuf *b, bool *first) {
        nc_strbuf_append(b, *first ? ": " : ", ");
        *first = false;
}

static const char *updown(bool up) {
        return up ? "up" : "down";
}

static void format_link_changes(struct nc_strbuf *b, const struct nc_action *a) {
        char m1[NC_MAC_STRLEN], m2[NC_MAC_STRLEN];
        bool first = true;

        if (a->diff & NC_DIFF_ADOPT) {
                sep(b, &first);
                nc_strbuf_append(b, "adopt");
        }
        if (a->diff & NC_DIFF_MTU) {
                unsigned from = a->have->mtu;

                /* A veth's ends may differ; show the one that is off. */
                if (a->have_peer && a->have->mtu == a->want->mtu)
                        from = a->have_peer->mtu;
                sep(b, &first);
                nc_strbuf_printf(b, "mtu %u -> %u", from, a->want->mtu);
        }
        if (a->diff & NC_DIFF_MASTER) {
                sep(b, &first);
                nc_strbuf_printf(b, "master %s -> %s", a->have->master[0] ? a->have->master : "none", a->want->master);
        }
        if (a->diff & NC_DIFF_MAC) {
                sep(b, &first);
                nc_strbuf_printf(b, "mac %s -> %s", nc_mac_format(a->have_peer->mac, m1), nc_mac_format(a->want_peer->mac, m2));
        }
        if (a->diff & NC_DIFF_UP) {
                sep(b, &first);
                nc_strbuf_printf(b, "%s%s -> up", a->object == NC_OBJECT_VETH ? "host end " : "",
                                 updown(a->have && a->have->up));
        }
        if (a->diff & NC_DIFF_PEER_UP) {
                sep(b, &first);
                nc_strbuf_append(b, "container end down -> up");
        }
}

static void format_veth(struct nc_strbuf *b, const struct nc_link *host, const struct nc_link *peer) {
        nc_strbuf_printf(b, "veth %s", host->name);
        if (peer)
                nc_strbuf_printf(b, " <-> %s in netns %s", peer->name, peer->netns);
        else if (host->peer_netns && host->peer_netns[0])
                nc_strbuf_printf(b, " <-> %s in netns %s", host->peer_name, host->peer_netns);
}

static void format_route(struct nc_strbuf *b, const struct nc_route *r, bool with_dev) {
        char ip[NC_IPV4_STRLEN], cidr[NC_CIDR_STRLEN];

        if (r->dst_len == 0)
                nc_strbuf_append(b, "route default");
        else
                nc_strbuf_printf(b, "route %s", nc_cidr_format(r->dst, r->dst_len, cidr));
        if (r->gateway)
                nc_strbuf_printf(b, " via %s", nc_ipv4_format(r->gateway, ip));
        if (with_dev)
                nc_strbuf_printf(b, " dev %s", r->ifname);
}

/* " via 172.17.0.1[ dev eth0]" for the two sides of a route change. */
static void format_route_tail(struct nc_strbuf *b, const struct nc_route *r, bool with_dev) {
        char ip[NC_IPV4_STRLEN];

        nc_strbuf_printf(b, " via %s", r->gateway ? nc_ipv4_format(r->gateway, ip) : "none");
        if (with_dev)
                nc_strbuf_printf(b, " dev %s", r->ifname);
}

/* What a rule does, in the words of SPEC section 5:
 * "nat masquerade 172.17.0.0/16 out !docker0",
 * "nat publish tcp 0.0.0.0:8080 -> 172.17.0.2:80". */
void nc_rule_describe(struct nc_strbuf *b, const struct nc_nft_rule *r) {
        char ip[NC_IPV4_STRLEN], cidr[NC_CIDR_STRLEN];

        /* Without our key it is not ours, whatever it looks like. */
        if (!r->key) {
                nc_strbuf_printf(b, "nft rule in chain %s, not made by netconverge", r->chain);
                return;
        }
        switch (r->kind) {
        case NC_RULE_MASQUERADE:
                nc_strbuf_printf(b, "nat masquerade %s out !%s", nc_cidr_format(r->saddr, r->saddr_len, cidr), r->oifname);
                break;
        case NC_RULE_DNAT:
                nc_strbuf_printf(b, "nat publish %s %s:%u", nc_proto_to_string(r->proto), nc_ipv4_format(r->daddr, ip),
                                 r->dport);
                nc_strbuf_printf(b, " -> %s:%u", nc_ipv4_format(r->to_addr, ip), r->to_port);
                break;
        case NC_RULE_JUMP:
                nc_strbuf_printf(b, "nat %s: local addresses%s jump to %s", r->chain,
                                 r->not_loopback ? " but 127.0.0.0/8" : "", r->target);
                break;
        case NC_RULE_RETURN:
                nc_strbuf_printf(b, "nat %s: return traffic from %s", r->chain, r->iifname);
                break;
        case NC_RULE_DROP:
                nc_strbuf_printf(b, "filter isolate %s -> %s", r->iifname, r->oifname);
                break;
        default:
                nc_strbuf_printf(b, "nft rule \"%s\" in chain %s, not one netconverge makes", r->key, r->chain);
                break;
        }
}

static void format_chain(struct nc_strbuf *b, const struct nc_nft_chain *c) {
        nc_strbuf_printf(b, "nft chain %s", c->name);
        if (c->hook != NC_HOOK_NONE)
                nc_strbuf_printf(b, " (%s, hook %s, priority %d)", c->type ? c->type : "?", nc_nft_hook_to_string(c->hook),
                                 c->priority);
}

char *nc_action_format(const struct nc_action *a) {
        struct nc_strbuf b = {};
        char cidr[NC_CIDR_STRLEN];
        const struct nc_address *x;
        const struct nc_link *l = a->want ? a->want : a->have;

        nc_strbuf_printf(&b, "%c ", sign[a->change]);
        switch (a->object) {
        case NC_OBJECT_NETNS:
                nc_strbuf_printf(&b, "netns %s", a->netns);
                break;
        case NC_OBJECT_BRIDGE:
                nc_strbuf_printf(&b, "bridge %s", l->name);
                if (a->change == NC_CHANGE_ADD)
                        nc_strbuf_printf(&b, " (mtu %u)", l->mtu);
                else if (a->change == NC_CHANGE_MODIFY)
                        format_link_changes(&b, a);
                break;
        case NC_OBJECT_VETH:
                format_veth(&b, l, a->want ? a->want_peer : a->have_peer);
                if (a->change == NC_CHANGE_ADD)
                        nc_strbuf_printf(&b, ", master %s", l->master);
                else if (a->change == NC_CHANGE_MODIFY)
                        format_link_changes(&b, a);
                break;
        case NC_OBJECT_LOOPBACK:
                nc_strbuf_append(&b, "link lo");
                append_netns(&b, a->netns);
                nc_strbuf_printf(&b, ": %s -> up", updown(a->have && a->have->up));
                return nc_strbuf_steal(&b);
        case NC_OBJECT_ADDRESS:
                x = a->want_address ? a->want_address : a->have_address;
                nc_strbuf_printf(&b, "address %s on %s", nc_cidr_format(x->address, x->prefixlen, cidr), x->ifname);
                break;
        case NC_OBJECT_ROUTE:
                if (a->change == NC_CHANGE_MODIFY) {
                        bool dev = strcmp(a->have_route->ifname, a->want_route->ifname) != 0;
                        struct nc_route head = *a->want_route;

                        head.gateway = 0;
                        format_route(&b, &head, false);
                        append_netns(&b, a->netns);
                        nc_strbuf_append(&b, ":");
                        format_route_tail(&b, a->have_route, dev);
                        nc_strbuf_append(&b, " ->");
                        format_route_tail(&b, a->want_route, dev);
                        return nc_strbuf_steal(&b);
                }
                format_route(&b, a->want_route ? a->want_route : a->have_route, a->change == NC_CHANGE_REMOVE &&
                                                                                   a->have_route->dst_len != 0);
                break;
        case NC_OBJECT_NFT_TABLE:
                nc_strbuf_printf(&b, "nft table inet %s", a->table);
                return nc_strbuf_steal(&b);
        case NC_OBJECT_NFT_CHAIN:
                format_chain(&b, a->want_chain ? a->want_chain : a->have_chain);
                return nc_strbuf_steal(&b);
        case NC_OBJECT_NFT_RULE:
                nc_rule_describe(&b, a->want_rule ? a->want_rule : a->have_rule);
                if (a->change == NC_CHANGE_MODIFY) {
                        nc_strbuf_append(&b, " (was: ");
                        nc_rule_describe(&b, a->have_rule);
                        nc_strbuf_append(&b, ")");
                }
                return nc_strbuf_steal(&b);
        case NC_OBJECT_SYSCTL:
                if (a->have_value < 0)
                        nc_strbuf_printf(&b, "sysctl net.ipv4.ip_forward: unknown -> %d", a->want_value);
                else
                        nc_strbuf_printf(&b, "sysctl net.ipv4.ip_forward: %d -> %d", a->have_value, a->want_value);
                return nc_strbuf_steal(&b);
        default:
                break;
        }
        if (a->object != NC_OBJECT_NETNS)
                append_netns(&b, a->netns);
        return nc_strbuf_steal(&b);
}
