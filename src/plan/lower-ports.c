/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/internal.h"

/* Published ports as the elements of nftables maps (SPEC 7.2, issue 14
 * item 4): one element per host port and family, keyed as its rule was
 * ("publish tcp 0.0.0.0:8080"), in the map of its family, protocol and
 * keying (state.h); and per map in use, the map and one rule that looks
 * it up. A packet costs one hash lookup per map in use, whatever the
 * number of ports: a constant number of rules (at most twelve) instead
 * of a rule per port walked in order. Adding a port adds its element and
 * nothing else, once its map exists. */

/* The families p publishes on (SPEC 7.1): an unset host_ip each family
 * its network has, an IPv4 or IPv6 one only its own (validation made sure
 * the network has it). */
enum { PORT_V4 = 1U << 0, PORT_V6 = 1U << 1 };

static unsigned port_families(const struct nc_model *m, const struct nc_container *c, const struct nc_port *p) {
        const char *network = nc_port_network(c, p);
        const struct nc_bridge *b = network ? nc_model_find_bridge(m, network) : NULL;

        switch (p->host_family) {
        case NC_HOST_IPV4:
                return PORT_V4;
        case NC_HOST_IPV6:
                return PORT_V6;
        default:
                /* A bridge not in the file: what IPv4 always did. */
                if (!b)
                        return PORT_V4;
                return (b->prefixlen > 0 ? PORT_V4 : 0) | (b->prefixlen6 > 0 ? PORT_V6 : 0);
        }
}

/* One host port of p in one family without its target: what its key and
 * map are made of. */
static struct nc_nft_rule port_match(const struct nc_port *p, unsigned port, bool v6) {
        struct nc_nft_rule r = {
                .kind = NC_RULE_DNAT,
                .v6 = v6,
                .proto = p->proto,
                .dport = (uint16_t) port,
        };

        if (v6 && p->host_family == NC_HOST_IPV6)
                r.daddr6 = p->host_ip6;
        else if (!v6)
                r.daddr = p->host_ip;
        return r;
}

/* Which maps are in use: [v6][by_addr][proto]. */
struct maps_used {
        bool used[2][2][_NC_PROTO_MAX];
};

static void mark_used(struct maps_used *u, const struct nc_nft_rule *e) {
        bool by_addr = e->v6 ? !nc_ipv6_is_zero(&e->daddr6) : e->daddr != 0;

        if ((unsigned) e->proto < _NC_PROTO_MAX)
                u->used[e->v6][by_addr][e->proto] = true;
}

static int add_element(struct nc_state *s, struct nc_nft_rule *e) {
        char key[NC_RULE_KEY_MAX];
        const char *chain;
        int r;

        r = nc_plan_nft_rule_key(e, key, sizeof(key), &chain);
        if (r < 0)
                return r;
        e->chain = (char *) nc_nft_port_map_of(e);
        e->key = key;
        return nc_state_add_nft_element(s, e);
}

/* One element per host port and family: a range maps port to port, as
 * Docker does, and each stays individually comparable. */
static int add_port(struct nc_state *s, struct maps_used *u, const struct nc_port *p, unsigned families,
                    const struct nc_lowered_addrs *to) {
        int r;

        for (unsigned port = p->host_port; port <= p->host_port_end; port++)
                for (unsigned v6 = 0; v6 < 2; v6++) {
                        struct nc_nft_rule e = port_match(p, port, v6);

                        if (!(families & (v6 ? PORT_V6 : PORT_V4)))
                                continue;
                        mark_used(u, &e);
                        if (v6)
                                e.to_addr6 = to->v6;
                        else
                                e.to_addr = to->v4;
                        e.to_port = (uint16_t) (p->target + (port - p->host_port));
                        r = add_element(s, &e);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static struct nc_lowered_addrs address_on(const struct nc_container *c, const struct nc_lowered_addrs *addrs,
                                          const char *bridge) {
        for (size_t k = 0; k < c->n_networks; k++)
                if (strcmp(c->networks[k].bridge, bridge) == 0)
                        return addrs[k];
        return (struct nc_lowered_addrs) {};
}

/* Each map in use and its lookup: `meta nfproto ipv4 meta l4proto tcp
 * dnat ip to tcp dport map @ports4_tcp`, by_addr `... dnat ip to ip
 * daddr . tcp dport map @ports4_tcp_addr`. */
static int add_maps(struct nc_state *s, const struct maps_used *u) {
        int r;

        for (unsigned v6 = 0; v6 < 2; v6++)
                for (unsigned a = 0; a < 2; a++)
                        for (unsigned p = 0; p < _NC_PROTO_MAX; p++) {
                                struct nc_nft_rule look = { .kind = NC_RULE_DNAT_MAP, .v6 = v6, .by_addr = a,
                                                            .proto = (enum nc_proto) p };
                                struct nc_nft_object map = { .kind = NC_NFT_MAP };
                                const char *name, *type;

                                if (!u->used[v6][a][p])
                                        continue;
                                nc_nft_port_map(v6, (enum nc_proto) p, a, &name, &type);
                                map.name = (char *) name;
                                map.type = (char *) type;
                                strcpy(look.target, name);
                                if ((r = nc_state_add_nft_object(s, &map)) < 0 ||
                                    (r = nc_plan_nft_add_rule(s, &look)) < 0)
                                        return r;
                        }
        return 0;
}

int nc_plan_lower_ports(const struct nc_model *m, struct nc_lowered_addrs *const *addrs, const bool *waiting,
                        struct nc_state *s) {
        struct maps_used u = {};
        int r;

        for (size_t i = 0; i < m->n_containers; i++) {
                const struct nc_container *c = &m->containers[i];

                if (waiting[i])
                        continue;
                for (size_t k = 0; k < c->n_ports; k++) {
                        const struct nc_port *p = &c->ports[k];
                        struct nc_lowered_addrs to = address_on(c, addrs[i], nc_port_network(c, p));

                        r = add_port(s, &u, p, port_families(m, c, p), &to);
                        if (r < 0)
                                return r;
                }
        }
        return add_maps(s, &u);
}

static int keep_key(const struct nc_nft_rule *dnat, struct nc_plan *plan, size_t *cap) {
        char key[NC_RULE_KEY_MAX];
        const char *chain;
        int r;

        r = nc_plan_nft_rule_key(dnat, key, sizeof(key), &chain);
        if (r < 0)
                return r;
        if (nc_grow(&plan->kept_rule_keys, cap, plan->n_kept_rule_keys + 1, sizeof(*plan->kept_rule_keys)) < 0)
                return -ENOMEM;
        plan->kept_rule_keys[plan->n_kept_rule_keys] = strdup(key);
        if (!plan->kept_rule_keys[plan->n_kept_rule_keys])
                return -ENOMEM;
        plan->n_kept_rule_keys++;
        return 0;
}

int nc_plan_nft_port_keys(const struct nc_model *m, const struct nc_container *c, struct nc_plan *plan,
                          size_t *cap) {
        int r;

        for (size_t k = 0; k < c->n_ports; k++) {
                const struct nc_port *p = &c->ports[k];
                unsigned families = port_families(m, c, p);

                for (unsigned port = p->host_port; port <= p->host_port_end; port++)
                        for (unsigned v6 = 0; v6 < 2; v6++) {
                                struct nc_nft_rule dnat = port_match(p, port, v6);

                                if ((families & (v6 ? PORT_V6 : PORT_V4)) && (r = keep_key(&dnat, plan, cap)) < 0)
                                        return r;
                        }
        }
        return 0;
}
