/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/snapshot.h"
#include "util/yamlout.h"

/* ", key: value" */
static void write_key_string(FILE *f, const char *key, const char *s) {
        fprintf(f, ", %s: ", key);
        nc_yaml_write_scalar(f, s);
}

static void write_namespace(FILE *f, const struct nc_namespace *n) {
        fputs("  - {netns: ", f);
        nc_yaml_write_scalar(f, n->netns);
        fprintf(f, ", exists: %s}\n", n->exists ? "true" : "false");
}

static bool mac_is_zero(const uint8_t mac[6]) {
        static const uint8_t zero[6];

        return memcmp(mac, zero, sizeof(zero)) == 0;
}

static void write_link(FILE *f, const struct nc_link *l) {
        char mac[NC_MAC_STRLEN];

        fputs("  - {netns: ", f);
        nc_yaml_write_scalar(f, l->netns);
        write_key_string(f, "name", l->name);
        fprintf(f, ", kind: %s, mtu: %u", nc_link_kind_to_string(l->kind), l->mtu);
        if (!mac_is_zero(l->mac))
                fprintf(f, ", mac: \"%s\"", nc_mac_format(l->mac, mac));
        fprintf(f, ", up: %s", l->up ? "true" : "false");
        if (l->master[0])
                write_key_string(f, "master", l->master);
        if (l->alias) {
                fputs(", alias: ", f);
                nc_yaml_write_quoted(f, l->alias);
        }
        if (l->peer_netns) {
                write_key_string(f, "peer_netns", l->peer_netns);
                write_key_string(f, "peer", l->peer_name);
        }
        fputs("}\n", f);
}

static void write_address(FILE *f, const struct nc_address *a) {
        char cidr[NC_CIDR_STRLEN];

        fputs("  - {netns: ", f);
        nc_yaml_write_scalar(f, a->netns);
        write_key_string(f, "dev", a->ifname);
        fprintf(f, ", address: %s}\n", nc_cidr_format(a->address, a->prefixlen, cidr));
}

static void write_route(FILE *f, const struct nc_route *r) {
        char cidr[NC_CIDR_STRLEN], ip[NC_IPV4_STRLEN];

        fputs("  - {netns: ", f);
        nc_yaml_write_scalar(f, r->netns);
        fprintf(f, ", dst: %s", nc_cidr_format(r->dst, r->dst_len, cidr));
        if (r->gateway)
                fprintf(f, ", via: %s", nc_ipv4_format(r->gateway, ip));
        if (r->ifname[0])
                write_key_string(f, "dev", r->ifname);
        fprintf(f, ", protocol: %u}\n", r->protocol);
}

static void write_chain(FILE *f, const struct nc_nft_chain *c) {
        const char *hook = nc_nft_hook_to_string(c->hook);

        fputs("    - {name: ", f);
        nc_yaml_write_scalar(f, c->name);
        /* A hook we have no name for (inet's ingress) as the kernel's number. */
        if (hook)
                fprintf(f, ", hook: %s", hook);
        else
                fprintf(f, ", hook: %d", (int) c->hook);
        if (c->hook != NC_HOOK_NONE) {
                if (c->type)
                        write_key_string(f, "type", c->type);
                fprintf(f, ", priority: %d", c->priority);
                if (c->policy_drop)
                        fputs(", policy_drop: true", f);
        }
        fputs("}\n", f);
}

/* Only the fields of the rule's kind: the others mean nothing. */
static void write_rule(FILE *f, const struct nc_nft_rule *r) {
        char cidr[NC_CIDR_STRLEN], ip[NC_IPV4_STRLEN], to[NC_IPV4_STRLEN + 8];

        fputs("    - {chain: ", f);
        nc_yaml_write_scalar(f, r->chain);
        if (r->key) {
                fputs(", key: ", f);
                nc_yaml_write_quoted(f, r->key);
        }
        fprintf(f, ", kind: %s", nc_rule_kind_to_string(r->kind));
        switch (r->kind) {
        case NC_RULE_MASQUERADE:
                fprintf(f, ", saddr: %s", nc_cidr_format(r->saddr, r->saddr_len, cidr));
                write_key_string(f, "oifname", r->oifname);
                break;
        case NC_RULE_JUMP:
                write_key_string(f, "target", r->target);
                if (r->not_loopback)
                        fputs(", not_loopback: true", f);
                break;
        case NC_RULE_RETURN:
                write_key_string(f, "iifname", r->iifname);
                break;
        case NC_RULE_DNAT:
                fprintf(f, ", protocol: %s, daddr: %s, dport: %u", nc_proto_to_string(r->proto),
                        nc_ipv4_format(r->daddr, ip), r->dport);
                snprintf(to, sizeof(to), "%s:%u", nc_ipv4_format(r->to_addr, ip), r->to_port);
                fputs(", to: ", f);
                nc_yaml_write_quoted(f, to);
                break;
        case NC_RULE_DROP:
                write_key_string(f, "iifname", r->iifname);
                write_key_string(f, "oifname", r->oifname);
                break;
        default:
                break;
        }
        fputs("}\n", f);
}

/* "key:" and its entries, or "key: []". */
#define WRITE_SECTION(f, key, v, n, write_one)                  \
        do {                                                    \
                fputs(key ":", (f));                            \
                fputs((n) > 0 ? "\n" : " []\n", (f));           \
                for (size_t _i = 0; _i < (n); _i++)             \
                        write_one((f), &(v)[_i]);               \
        } while (0)

/* The inet tables other than the one read in full, with their marks;
 * none, as before tables were marked, writes nothing. */
static void write_tables(FILE *f, const struct nc_nft *t) {
        bool head = false;

        for (size_t i = 0; i < t->n_tables; i++) {
                const struct nc_nft_table *x = &t->tables[i];

                if (t->table && strcmp(x->name, t->table) == 0)
                        continue;
                if (!head)
                        fputs("nft_tables:\n", f);
                head = true;
                fputs("  - {name: ", f);
                nc_yaml_write_scalar(f, x->name);
                fprintf(f, ", marked: %s}\n", x->marked ? "true" : "false");
        }
}

/* The table, when there is one: no `nft:` means no table. Its mark only
 * when it has none: a snapshot from before tables were marked has no
 * `marked:`, and its table was netconverge's. */
static void write_nft(FILE *f, const struct nc_nft *t) {
        const struct nc_nft_table *x;

        if (!t->table)
                return;
        fputs("nft:\n  table: ", f);
        nc_yaml_write_scalar(f, t->table);
        fputc('\n', f);
        x = nc_nft_find_table(t, t->table);
        if (x && !x->marked)
                fputs("  marked: false\n", f);
        WRITE_SECTION(f, "  chains", t->chains, t->n_chains, write_chain);
        WRITE_SECTION(f, "  rules", t->rules, t->n_rules, write_rule);
}

int nc_snapshot_write(const struct nc_state *s, FILE *f) {
        fputs(NC_SNAPSHOT_HEADER, f);
        fprintf(f, "snapshot: %d\n", NC_SNAPSHOT_VERSION);
        if (s->ip_forward >= 0)
                fprintf(f, "ip_forward: %d\n", s->ip_forward);
        WRITE_SECTION(f, "namespaces", s->namespaces, s->n_namespaces, write_namespace);
        WRITE_SECTION(f, "links", s->links, s->n_links, write_link);
        WRITE_SECTION(f, "addresses", s->addresses, s->n_addresses, write_address);
        WRITE_SECTION(f, "routes", s->routes, s->n_routes, write_route);
        write_tables(f, &s->nft);
        write_nft(f, &s->nft);
        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return 0;
}
