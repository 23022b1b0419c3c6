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

/* The chains of the owned table, always all of them: Docker's nat and
 * filter hooks, and the published ports' regular chain. */
static const struct nc_nft_chain table_chains[] = {
        { .name = NC_CHAIN_POSTROUTING, .hook = NC_HOOK_POSTROUTING, .type = "nat", .priority = 100 },
        { .name = NC_CHAIN_PREROUTING, .hook = NC_HOOK_PREROUTING, .type = "nat", .priority = -100 },
        { .name = NC_CHAIN_OUTPUT, .hook = NC_HOOK_OUTPUT, .type = "nat", .priority = -100 },
        { .name = NC_CHAIN_FORWARD, .hook = NC_HOOK_FORWARD, .type = "filter", .priority = 0 },
        { .name = NC_CHAIN_PUBLISH, .hook = NC_HOOK_NONE },
};

const struct nc_nft_chain *nc_plan_nft_chain(const char *name) {
        for (size_t i = 0; i < sizeof(table_chains) / sizeof(table_chains[0]); i++)
                if (strcmp(table_chains[i].name, name) == 0)
                        return &table_chains[i];
        return NULL;
}

size_t nc_plan_nft_n_chains(void) {
        return sizeof(table_chains) / sizeof(table_chains[0]);
}

static int add_chains(struct nc_state *s) {
        int r;

        for (size_t i = 0; i < sizeof(table_chains) / sizeof(table_chains[0]); i++) {
                r = nc_state_add_nft_chain(s, &table_chains[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The key (comment) of each kind of rule, from the fields that make it
 * that rule, and the chain it goes in. The IPv4 keys are what they were
 * before IPv6; an IPv6 rule's key says "6" after the kind ("masquerade6
 * docker0", "jump6 output"), or has the address in brackets ("publish tcp
 * [::]:8080"), so no two collide. */
int nc_plan_nft_rule_key(const struct nc_nft_rule *r, char *buf, size_t size, const char **ret_chain) {
        char ip[NC_IPV6_STRLEN];
        const char *chain, *six = r->v6 ? "6" : "";
        int n;

        /* Only these kinds have an IPv6 form (build.c). */
        if (r->v6 && r->kind != NC_RULE_MASQUERADE && r->kind != NC_RULE_DNAT && r->kind != NC_RULE_DNAT_MAP &&
            !(r->kind == NC_RULE_JUMP && r->not_loopback))
                return -EINVAL;
        switch (r->kind) {
        case NC_RULE_JUMP:
                /* From the host itself only when not to loopback. */
                chain = r->not_loopback ? NC_CHAIN_OUTPUT : NC_CHAIN_PREROUTING;
                if (strcmp(r->target, NC_CHAIN_PUBLISH) != 0)
                        return -EINVAL;
                n = snprintf(buf, size, "jump%s %s", six, chain);
                break;
        case NC_RULE_RETURN:
                chain = NC_CHAIN_PUBLISH;
                n = snprintf(buf, size, "return %s", r->iifname);
                break;
        case NC_RULE_MASQUERADE:
                chain = NC_CHAIN_POSTROUTING;
                n = snprintf(buf, size, "masquerade%s %s", six, r->oifname);
                break;
        case NC_RULE_DROP:
                chain = NC_CHAIN_FORWARD;
                n = snprintf(buf, size, "isolate %s %s", r->iifname, r->oifname);
                break;
        case NC_RULE_DNAT:
                chain = NC_CHAIN_PUBLISH;
                if (r->v6)
                        n = snprintf(buf, size, "publish %s [%s]:%u", nc_proto_to_string(r->proto),
                                     nc_ipv6_format(&r->daddr6, ip), r->dport);
                else
                        n = snprintf(buf, size, "publish %s %s:%u", nc_proto_to_string(r->proto),
                                     nc_ipv4_format(r->daddr, ip), r->dport);
                break;
        case NC_RULE_DNAT_MAP:
                /* "ports tcp", "ports6 udp addr": one per map. */
                chain = NC_CHAIN_PUBLISH;
                n = snprintf(buf, size, "ports%s %s%s", six, nc_proto_to_string(r->proto), r->by_addr ? " addr" : "");
                break;
        default:
                return -EINVAL;
        }
        if (n < 0 || (size_t) n >= size)
                return -ENOBUFS;
        *ret_chain = chain;
        return 0;
}

/* r in its chain, with the key its fields give it. */
int nc_plan_nft_add_rule(struct nc_state *s, struct nc_nft_rule *r) {
        char key[NC_RULE_KEY_MAX];
        const char *chain;
        int e;

        e = nc_plan_nft_rule_key(r, key, sizeof(key), &chain);
        if (e < 0)
                return e;
        r->chain = (char *) chain;
        r->key = key;
        return nc_state_add_nft_rule(s, r);
}

static bool any_ipv6(const struct nc_model *m) {
        for (size_t i = 0; i < m->n_bridges; i++)
                if (m->bridges[i].prefixlen6 > 0)
                        return true;
        return false;
}

/* Traffic to a local address goes through the published ports; from the
 * host itself only when it is not to loopback (Docker's rules). The
 * prerouting jump matches no address, so in an inet table it serves both
 * families; the output one excludes loopback per family, so IPv6 has its
 * own (ip6 daddr != ::1), there when a bridge has IPv6 (an IPv4-only file
 * keeps the table it had). */
static int add_jumps(struct nc_state *s, const struct nc_model *m) {
        struct nc_nft_rule pre = { .kind = NC_RULE_JUMP, .target = NC_CHAIN_PUBLISH };
        struct nc_nft_rule out = { .kind = NC_RULE_JUMP, .target = NC_CHAIN_PUBLISH, .not_loopback = true };
        struct nc_nft_rule out6 = { .kind = NC_RULE_JUMP, .target = NC_CHAIN_PUBLISH, .not_loopback = true, .v6 = true };
        int r;

        if ((r = nc_plan_nft_add_rule(s, &pre)) < 0 || (r = nc_plan_nft_add_rule(s, &out)) < 0)
                return r;
        return any_ipv6(m) ? nc_plan_nft_add_rule(s, &out6) : 0;
}

/* Masquerade per family the bridge has. */
static int add_masquerade(struct nc_state *s, const struct nc_bridge *b) {
        struct nc_nft_rule masq = { .kind = NC_RULE_MASQUERADE, .saddr = b->subnet, .saddr_len = b->prefixlen };
        struct nc_nft_rule masq6 = { .kind = NC_RULE_MASQUERADE, .v6 = true, .saddr6 = b->subnet6,
                                     .saddr_len = b->prefixlen6 };
        int r;

        strcpy(masq.oifname, b->name);
        strcpy(masq6.oifname, b->name);
        if (b->prefixlen > 0 && (r = nc_plan_nft_add_rule(s, &masq)) < 0)
                return r;
        return b->prefixlen6 > 0 ? nc_plan_nft_add_rule(s, &masq6) : 0;
}

static int add_bridge_rules(struct nc_state *s, const struct nc_bridge *b) {
        struct nc_nft_rule ret = { .kind = NC_RULE_RETURN };
        int r;

        /* Traffic from the container's own bridge is not published back to
         * it (Docker's "-i docker0 -j RETURN"): no address, both families.
         * The isolation drops (add_isolation) are by interface too. */
        strcpy(ret.iifname, b->name);
        r = nc_plan_nft_add_rule(s, &ret);
        if (r < 0 || !b->masquerade || b->prefixlen == 0)
                return r;
        return add_masquerade(s, b);
}

/* Both directions between every two bridges unless both opt out. */
static int add_isolation(struct nc_state *s, const struct nc_model *m) {
        int r;

        for (size_t i = 0; i < m->n_bridges; i++)
                for (size_t k = 0; k < m->n_bridges; k++) {
                        const struct nc_bridge *a = &m->bridges[i], *b = &m->bridges[k];
                        struct nc_nft_rule drop = { .kind = NC_RULE_DROP };

                        if (i == k || (!a->isolated && !b->isolated))
                                continue;
                        strcpy(drop.iifname, a->name);
                        strcpy(drop.oifname, b->name);
                        r = nc_plan_nft_add_rule(s, &drop);
                        if (r < 0)
                                return r;
                }
        return 0;
}

int nc_plan_lower_nft(const struct nc_model *m, struct nc_lowered_addrs *const *addrs, const bool *waiting,
                      struct nc_state *s) {
        int r;

        /* No bridges, no table: what destroy converges to. */
        if (m->n_bridges == 0)
                return 0;
        if ((r = nc_state_set_nft_table(s, m->settings.table)) < 0 || (r = add_chains(s)) < 0 ||
            (r = add_jumps(s, m)) < 0 || (r = add_isolation(s, m)) < 0)
                return r;
        for (size_t i = 0; i < m->n_bridges; i++) {
                r = add_bridge_rules(s, &m->bridges[i]);
                if (r < 0)
                        return r;
        }
        return nc_plan_lower_ports(m, addrs, waiting, s);
}

