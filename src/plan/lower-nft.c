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
 * filter hooks, and the published ports' regular chain; then the guard,
 * which sees packets before any DNAT (SPEC 7.2). The first
 * NC_PLAN_LEGACY_CHAINS are what the unmarked version made. */
static const struct nc_nft_chain table_chains[] = {
        { .name = NC_CHAIN_POSTROUTING, .hook = NC_HOOK_POSTROUTING, .type = "nat", .priority = 100 },
        { .name = NC_CHAIN_PREROUTING, .hook = NC_HOOK_PREROUTING, .type = "nat", .priority = -100 },
        { .name = NC_CHAIN_OUTPUT, .hook = NC_HOOK_OUTPUT, .type = "nat", .priority = -100 },
        { .name = NC_CHAIN_FORWARD, .hook = NC_HOOK_FORWARD, .type = "filter", .priority = 0 },
        { .name = NC_CHAIN_PUBLISH, .hook = NC_HOOK_NONE },
        { .name = NC_CHAIN_GUARD, .hook = NC_HOOK_PREROUTING, .type = "filter", .priority = -300 },
};

const struct nc_nft_chain *nc_plan_nft_legacy_chain(const char *name) {
        for (size_t i = 0; i < NC_PLAN_LEGACY_CHAINS; i++)
                if (strcmp(table_chains[i].name, name) == 0)
                        return &table_chains[i];
        return NULL;
}

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
            r->kind != NC_RULE_HAIRPIN &&
            !(r->kind == NC_RULE_JUMP && r->not_loopback))
                return -EINVAL;
        switch (r->kind) {
        case NC_RULE_JUMP:
                /* The host's own traffic: the output chain's jump, which
                 * excluded loopback before SPEC 7.2 (not_loopback, still
                 * IPv6's) and in IPv4 now takes it (ipv4_only). */
                chain = r->not_loopback || r->ipv4_only ? NC_CHAIN_OUTPUT : NC_CHAIN_PREROUTING;
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
        case NC_RULE_HAIRPIN:
                /* The subnet's DNATed traffic is "hairpin", the host's
                 * loopback-sourced one "localhost". */
                chain = NC_CHAIN_POSTROUTING;
                n = snprintf(buf, size, "%s%s %s", r->ct_dnat ? "hairpin" : "localhost", six, r->oifname);
                break;
        case NC_RULE_GUARD:
                chain = NC_CHAIN_GUARD;
                n = snprintf(buf, size, "guard %s", r->iifname);
                break;
        case NC_RULE_FILTER:
                chain = NC_CHAIN_FORWARD;
                n = snprintf(buf, size, "filter %s", r->oifname);
                break;
        case NC_RULE_INTERNAL:
                chain = NC_CHAIN_FORWARD;
                n = snprintf(buf, size, "internal %s", r->iifname);
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

/* Traffic to a local address goes through the published ports, from
 * outside (prerouting: no address, both families) and from the host
 * itself (output). IPv4's output jump takes 127.0.0.0/8 too (SPEC 7.2:
 * 127.0.0.1 reaches the ports published on 0.0.0.0 or 127.0.0.1;
 * route_localnet and the localhost masquerade carry it). IPv6's keeps
 * its ::1 exception: a DNAT from ::1 cannot work, its reply, translated
 * back to ::1 before routing, arrives on the bridge, and the kernel looks
 * a loopback destination up on the receiving interface only
 * (rt6_need_strict(): Ip6InNoRoutes), with no route_localnet for IPv6;
 * Docker needs its userland proxy for [::1] too. Left alone, ::1 reaches
 * what listens there on the host, or is refused at once. */
static int add_jumps(struct nc_state *s, const struct nc_model *m) {
        struct nc_nft_rule pre = { .kind = NC_RULE_JUMP, .target = NC_CHAIN_PUBLISH };
        struct nc_nft_rule out = { .kind = NC_RULE_JUMP, .chain = NC_CHAIN_OUTPUT, .target = NC_CHAIN_PUBLISH,
                                   .ipv4_only = true };
        struct nc_nft_rule out6 = { .kind = NC_RULE_JUMP, .target = NC_CHAIN_PUBLISH, .not_loopback = true, .v6 = true };
        int r;

        if ((r = nc_plan_nft_add_rule(s, &pre)) < 0 || (r = nc_plan_nft_add_rule(s, &out)) < 0)
                return r;
        return any_ipv6(m) ? nc_plan_nft_add_rule(s, &out6) : 0;
}

/* Packets to 127.0.0.0/8 that did not come from the host itself: dropped
 * before any DNAT, so that route_localnet (which the DNAT from 127.0.0.1
 * needs) exposes no loopback service and no port published on 127.0.0.1
 * to a container or another host (CVE-2020-8558, kube-proxy's rule). */
static int add_guard(struct nc_state *s) {
        struct nc_nft_rule guard = { .kind = NC_RULE_GUARD, .iifname = "lo" };

        return nc_plan_nft_add_rule(s, &guard);
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

/* DNATed traffic going back out of the bridge, per family it has:
 * from its own subnet (a container to a published port through a host
 * address, its own port included: "hairpin"), and, IPv4 only, from the
 * host's loopback (127.0.0.1: "localhost"; ::1 is never DNATed, see
 * add_jumps()). Masqueraded to the bridge's
 * address, so that the replies come back through the host and are
 * translated back, instead of going straight to the container (hairpin)
 * or nowhere (a loopback source). Docker's rules without its userland
 * proxy; whatever the bridge's masquerade says (that is about traffic
 * leaving the host). */
static int add_hairpin(struct nc_state *s, const struct nc_bridge *b, bool v6) {
        struct nc_nft_rule hair = { .kind = NC_RULE_HAIRPIN, .v6 = v6, .ct_dnat = true };
        struct nc_nft_rule local = { .kind = NC_RULE_HAIRPIN, .v6 = v6 };
        int r;

        strcpy(hair.oifname, b->name);
        strcpy(local.oifname, b->name);
        if (v6) {
                hair.saddr6 = b->subnet6;
                hair.saddr_len = b->prefixlen6;
                return nc_plan_nft_add_rule(s, &hair);
        }
        hair.saddr = b->subnet;
        hair.saddr_len = b->prefixlen;
        local.saddr = 0x7f000000u;      /* 127.0.0.0/8 */
        local.saddr_len = 8;
        if ((r = nc_plan_nft_add_rule(s, &hair)) < 0)
                return r;
        return nc_plan_nft_add_rule(s, &local);
}

/* The filter (SPEC 7.2): what is forwarded into the bridge from a link
 * that is not ours (not in the owned link group: an uplink, a foreign
 * bridge) passes only when a published port translated it or it belongs
 * to a connection the containers opened; a host routing the subnet
 * through this one reaches no container port directly. Traffic between
 * our bridges is the isolation drops' (add_isolation()), bridged traffic
 * (a bridge's own containers, a VXLAN overlay's frames) never reaches
 * this as forwarded from elsewhere, and VXLAN's encapsulated packets are
 * the host's own (input). Internal: nothing goes out of the bridge to a
 * link that is not ours. Drops only, each rule complete by itself, so the
 * chain's order means nothing (a rule made again goes to the end). */
static int add_filter(struct nc_state *s, const struct nc_bridge *b) {
        struct nc_nft_rule in = { .kind = NC_RULE_FILTER, .ifgroup = NC_LINK_GROUP_OWNED };
        struct nc_nft_rule out = { .kind = NC_RULE_INTERNAL, .ifgroup = NC_LINK_GROUP_OWNED };
        int r;

        strcpy(in.oifname, b->name);
        strcpy(out.iifname, b->name);
        if ((r = nc_plan_nft_add_rule(s, &in)) < 0 || !b->internal)
                return r;
        return nc_plan_nft_add_rule(s, &out);
}

static int add_bridge_rules(struct nc_state *s, const struct nc_bridge *b) {
        int r;

        if (b->prefixlen > 0 && (r = add_hairpin(s, b, false)) < 0)
                return r;
        if (b->prefixlen6 > 0 && (r = add_hairpin(s, b, true)) < 0)
                return r;
        if ((r = add_filter(s, b)) < 0)
                return r;
        /* An internal bridge's traffic never leaves the host: nothing to
         * masquerade. */
        if (!b->masquerade || b->internal || b->prefixlen == 0)
                return 0;
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
            (r = add_jumps(s, m)) < 0 || (r = add_guard(s)) < 0 || (r = add_isolation(s, m)) < 0)
                return r;
        for (size_t i = 0; i < m->n_bridges; i++) {
                r = add_bridge_rules(s, &m->bridges[i]);
                if (r < 0)
                        return r;
        }
        return nc_plan_lower_ports(m, addrs, waiting, s);
}

