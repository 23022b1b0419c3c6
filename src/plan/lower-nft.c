/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/internal.h"

/* The owned nftables table as the file wants it: Docker's bridge driver
 * rules, one rule per thing, each with a stable key (its userdata comment)
 * so that it is found again on the next observe whatever the kernel's
 * order. */

static int add_chain(struct nc_state *s, const char *name, enum nc_nft_hook hook, const char *type, int priority) {
        struct nc_nft_chain c = { .name = (char *) name, .hook = hook, .type = (char *) type, .priority = priority };

        return nc_state_add_nft_chain(s, &c);
}

static int add_chains(struct nc_state *s) {
        int r;

        if ((r = add_chain(s, NC_CHAIN_POSTROUTING, NC_HOOK_POSTROUTING, "nat", 100)) < 0 ||
            (r = add_chain(s, NC_CHAIN_PREROUTING, NC_HOOK_PREROUTING, "nat", -100)) < 0 ||
            (r = add_chain(s, NC_CHAIN_OUTPUT, NC_HOOK_OUTPUT, "nat", -100)) < 0 ||
            (r = add_chain(s, NC_CHAIN_FORWARD, NC_HOOK_FORWARD, "filter", 0)) < 0 ||
            (r = add_chain(s, NC_CHAIN_PUBLISH, NC_HOOK_NONE, NULL, 0)) < 0)
                return r;
        return 0;
}

static int add_rule(struct nc_state *s, struct nc_nft_rule *r, const char *chain, const char *key) {
        r->chain = (char *) chain;
        r->key = (char *) key;
        return nc_state_add_nft_rule(s, r);
}

/* Traffic to a local address goes through the published ports; from the
 * host itself only when it is not to loopback (Docker's rules). */
static int add_jumps(struct nc_state *s) {
        struct nc_nft_rule pre = { .kind = NC_RULE_JUMP, .target = NC_CHAIN_PUBLISH };
        struct nc_nft_rule out = { .kind = NC_RULE_JUMP, .target = NC_CHAIN_PUBLISH, .not_loopback = true };
        int r;

        r = add_rule(s, &pre, NC_CHAIN_PREROUTING, "jump prerouting");
        return r < 0 ? r : add_rule(s, &out, NC_CHAIN_OUTPUT, "jump output");
}

static int add_bridge_rules(struct nc_state *s, const struct nc_bridge *b) {
        struct nc_nft_rule ret = { .kind = NC_RULE_RETURN };
        char key[64];
        int r;

        /* Traffic from the container's own bridge is not published back to
         * it (Docker's "-i docker0 -j RETURN"). */
        strcpy(ret.iifname, b->name);
        snprintf(key, sizeof(key), "return %s", b->name);
        r = add_rule(s, &ret, NC_CHAIN_PUBLISH, key);
        if (r < 0 || !b->masquerade)
                return r;

        struct nc_nft_rule masq = { .kind = NC_RULE_MASQUERADE, .saddr = b->subnet, .saddr_len = b->prefixlen };

        strcpy(masq.oifname, b->name);
        snprintf(key, sizeof(key), "masquerade %s", b->name);
        return add_rule(s, &masq, NC_CHAIN_POSTROUTING, key);
}

/* Both directions between every two bridges unless both opt out. */
static int add_isolation(struct nc_state *s, const struct nc_model *m) {
        char key[64];
        int r;

        for (size_t i = 0; i < m->n_bridges; i++)
                for (size_t k = 0; k < m->n_bridges; k++) {
                        const struct nc_bridge *a = &m->bridges[i], *b = &m->bridges[k];
                        struct nc_nft_rule drop = { .kind = NC_RULE_DROP };

                        if (i == k || (!a->isolated && !b->isolated))
                                continue;
                        strcpy(drop.iifname, a->name);
                        strcpy(drop.oifname, b->name);
                        snprintf(key, sizeof(key), "isolate %s %s", a->name, b->name);
                        r = add_rule(s, &drop, NC_CHAIN_FORWARD, key);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* One DNAT rule per host port: a range maps port to port, as Docker does,
 * and each stays individually comparable. */
static int add_port_rules(struct nc_state *s, const struct nc_port *p, uint32_t to_addr) {
        char key[80], ip[NC_IPV4_STRLEN];
        int r;

        for (unsigned port = p->host_port; port <= p->host_port_end; port++) {
                struct nc_nft_rule dnat = {
                        .kind = NC_RULE_DNAT,
                        .daddr = p->host_ip,
                        .proto = p->proto,
                        .dport = (uint16_t) port,
                        .to_addr = to_addr,
                        .to_port = (uint16_t) (p->target + (port - p->host_port)),
                };

                snprintf(key, sizeof(key), "publish %s %s:%u", nc_proto_to_string(p->proto),
                         nc_ipv4_format(p->host_ip, ip), port);
                r = add_rule(s, &dnat, NC_CHAIN_PUBLISH, key);
                if (r < 0)
                        return r;
        }
        return 0;
}

static uint32_t address_on(const struct nc_container *c, const uint32_t *addrs, const char *bridge) {
        for (size_t k = 0; k < c->n_networks; k++)
                if (strcmp(c->networks[k].bridge, bridge) == 0)
                        return addrs[k];
        return 0;
}

int nc_plan_lower_nft(const struct nc_model *m, uint32_t *const *addrs, const bool *waiting, struct nc_state *s) {
        int r;

        /* No bridges, no table: what destroy converges to. */
        if (m->n_bridges == 0)
                return 0;
        if ((r = nc_state_set_nft_table(s, m->settings.table)) < 0 || (r = add_chains(s)) < 0 ||
            (r = add_jumps(s)) < 0 || (r = add_isolation(s, m)) < 0)
                return r;
        for (size_t i = 0; i < m->n_bridges; i++) {
                r = add_bridge_rules(s, &m->bridges[i]);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < m->n_containers; i++) {
                const struct nc_container *c = &m->containers[i];

                if (waiting[i])
                        continue;
                for (size_t k = 0; k < c->n_ports; k++) {
                        r = add_port_rules(s, &c->ports[k], address_on(c, addrs[i], nc_port_network(c, &c->ports[k])));
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}
