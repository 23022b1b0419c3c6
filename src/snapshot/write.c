/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/output.h"
#include "netconverge/snapshot.h"
#include "util/yamlout.h"

/* One description of a snapshot, two back ends (iproute2's PRINT_ANY
 * idea): the functions below say which fields an object has, in which
 * order; `struct out` writes them as the snapshot's YAML (one flow mapping
 * a line, which `diff --observed` reads) or as JSON (`show -o json
 * --snapshot`). The field names are the same in both. */
struct out {
        FILE *f;
        struct nc_json *j;              /* NULL: YAML */
        bool first;                     /* YAML: no ", " before an entry's first field */
};

static void yaml_key(struct out *o, const char *key) {
        fprintf(o->f, "%s%s: ", o->first ? "" : ", ", key);
        o->first = false;
}

/* A list: YAML "key:" then "  - {...}" lines (indent is the list's), or
 * "key: []". */
static void list_begin(struct out *o, const char *indent, const char *key, size_t n) {
        if (o->j) {
                nc_json_key(o->j, key);
                nc_json_array_begin(o->j);
                return;
        }
        fprintf(o->f, "%s%s:%s\n", indent, key, n > 0 ? "" : " []");
}

static void list_end(struct out *o) {
        if (o->j)
                nc_json_array_end(o->j);
}

static void entry_begin(struct out *o, const char *indent) {
        if (o->j) {
                nc_json_object_begin(o->j);
                return;
        }
        fprintf(o->f, "%s  - {", indent);
        o->first = true;
}

static void entry_end(struct out *o) {
        if (o->j)
                nc_json_object_end(o->j);
        else
                fputs("}\n", o->f);
}

/* A name or any text from the kernel. YAML: a plain word, or quoted
 * (always, with `quoted`); bytes that are not UTF-8 as !!binary, so they
 * read back exactly. JSON: a string (see json.c for such bytes). */
static void field_text(struct out *o, const char *key, const char *s, bool quoted) {
        if (o->j) {
                nc_json_key(o->j, key);
                nc_json_string(o->j, s);
                return;
        }
        yaml_key(o, key);
        nc_yaml_write_exact(o->f, s, quoted);
}

/* A value of our own making: a keyword, an address, a prefix. */
static void field_word(struct out *o, const char *key, const char *s) {
        if (o->j) {
                nc_json_key(o->j, key);
                nc_json_string(o->j, s);
                return;
        }
        yaml_key(o, key);
        fputs(s, o->f);
}

static void field_int(struct out *o, const char *key, long long v) {
        if (o->j) {
                nc_json_key(o->j, key);
                nc_json_int(o->j, v);
                return;
        }
        yaml_key(o, key);
        fprintf(o->f, "%lld", v);
}

static void field_bool(struct out *o, const char *key, bool v) {
        if (o->j) {
                nc_json_key(o->j, key);
                nc_json_bool(o->j, v);
                return;
        }
        yaml_key(o, key);
        fputs(v ? "true" : "false", o->f);
}

static void write_namespace(struct out *o, const struct nc_namespace *n) {
        entry_begin(o, "");
        field_text(o, "netns", n->netns, false);
        field_bool(o, "exists", n->exists);
        if (n->problem != NC_NETNS_PROBLEM_NONE)
                field_word(o, "problem", nc_netns_problem_to_string(n->problem));
        if (n->same_as)
                field_text(o, "same_as", n->same_as, false);
        entry_end(o);
}

static bool mac_is_zero(const uint8_t mac[6]) {
        static const uint8_t zero[6];

        return memcmp(mac, zero, sizeof(zero)) == 0;
}

/* A VXLAN link's own attributes; a multicast group only when it has
 * one (ours never do). An IPv6 local address quoted, as the address
 * lines' are. */
static void write_vxlan(struct out *o, const struct nc_link_vxlan *x) {
        char ip[NC_IPV6_STRLEN];

        field_int(o, "vni", x->vni);
        field_int(o, "port", x->port);
        if (!nc_ipv6_is_zero(&x->local6))
                field_text(o, "local", nc_ipv6_format(&x->local6, ip), true);
        else if (x->local)
                field_word(o, "local", nc_ipv4_format(x->local, ip));
        if (x->dev[0])
                field_text(o, "underlay", x->dev, false);
        field_bool(o, "learning", x->learning);
        if (x->group)
                field_word(o, "vxlan_group", nc_ipv4_format(x->group, ip));
}

static void write_link(struct out *o, const struct nc_link *l) {
        char mac[NC_MAC_STRLEN];

        entry_begin(o, "");
        field_text(o, "netns", l->netns, false);
        field_text(o, "name", l->name, false);
        field_word(o, "kind", nc_link_kind_to_string(l->kind));
        field_int(o, "mtu", l->mtu);
        if (!mac_is_zero(l->mac))
                field_text(o, "mac", nc_mac_format(l->mac, mac), true);
        field_bool(o, "up", l->up);
        if (l->master[0])
                field_text(o, "master", l->master, false);
        if (l->alias)
                field_text(o, "alias", l->alias, true);
        /* 0, the kernel's default, is left out (and read back as 0). */
        if (l->group)
                field_int(o, "group", l->group);
        /* Left out when off, as every link before IPv6 was. */
        if (l->ipv6)
                field_bool(o, "ipv6", true);
        if (l->uses_ra) {
                field_bool(o, "uses_ra", true);
                field_int(o, "accept_ra", l->accept_ra);
        }
        /* A bridge port's hairpin mode: left out when off. */
        if (l->hairpin)
                field_bool(o, "hairpin", true);
        if (l->port_isolated)
                field_bool(o, "port_isolated", true);
        if (l->peer_netns) {
                field_text(o, "peer_netns", l->peer_netns, false);
                field_text(o, "peer", l->peer_name, false);
        }
        if (l->kind == NC_LINK_VXLAN)
                write_vxlan(o, &l->vxlan);
        entry_end(o);
}

static void write_fdb(struct out *o, const struct nc_fdb *f) {
        char mac[NC_MAC_STRLEN], ip[NC_IPV6_STRLEN];

        entry_begin(o, "");
        field_text(o, "netns", f->netns, false);
        field_text(o, "dev", f->ifname, false);
        field_text(o, "mac", nc_mac_format(f->mac, mac), true);
        if (f->v6)
                field_text(o, "dst", nc_ipv6_format(&f->dst6, ip), true);
        else
                field_word(o, "dst", nc_ipv4_format(f->dst, ip));
        entry_end(o);
}

/* IPv6 ones quoted: a plain ':' can end a YAML flow scalar. */
static void write_address(struct out *o, const struct nc_address *a) {
        char cidr[NC_CIDR6_STRLEN];

        entry_begin(o, "");
        field_text(o, "netns", a->netns, false);
        field_text(o, "dev", a->ifname, false);
        if (a->v6)
                field_text(o, "address", nc_cidr6_format(&a->address6, a->prefixlen, cidr), true);
        else
                field_word(o, "address", nc_cidr_format(a->address, a->prefixlen, cidr));
        entry_end(o);
}

static void write_route(struct out *o, const struct nc_route *r) {
        char cidr[NC_CIDR6_STRLEN], ip[NC_IPV6_STRLEN];

        entry_begin(o, "");
        field_text(o, "netns", r->netns, false);
        if (r->v6)
                field_text(o, "dst", nc_cidr6_format(&r->dst6, r->dst_len, cidr), true);
        else
                field_word(o, "dst", nc_cidr_format(r->dst, r->dst_len, cidr));
        if (r->v6 && !nc_ipv6_is_zero(&r->gateway6))
                field_text(o, "via", nc_ipv6_format(&r->gateway6, ip), true);
        else if (!r->v6 && r->gateway)
                field_word(o, "via", nc_ipv4_format(r->gateway, ip));
        if (r->ifname[0])
                field_text(o, "dev", r->ifname, false);
        field_int(o, "protocol", r->protocol);
        entry_end(o);
}

static void write_chain(struct out *o, const struct nc_nft_chain *c) {
        const char *hook = nc_nft_hook_to_string(c->hook);

        entry_begin(o, "  ");
        field_text(o, "name", c->name, false);
        /* A hook we have no name for (inet's ingress) as the kernel's number. */
        if (hook)
                field_word(o, "hook", hook);
        else
                field_int(o, "hook", (int) c->hook);
        if (c->hook != NC_HOOK_NONE) {
                if (c->type)
                        field_text(o, "type", c->type, false);
                field_int(o, "priority", c->priority);
                if (c->policy_drop)
                        field_bool(o, "policy_drop", true);
        }
        entry_end(o);
}

/* Only the fields of the rule's kind: the others mean nothing. */
/* An IPv6 rule's fields (v6: true, saddr6, daddr6, to6 in Docker's
 * bracket form); the kinds that match no address have none. */
static void write_rule6(struct out *o, const struct nc_nft_rule *r) {
        char cidr[NC_CIDR6_STRLEN], ip[NC_IPV6_STRLEN], to[NC_IPV6_STRLEN + 9];

        field_bool(o, "v6", true);
        switch (r->kind) {
        case NC_RULE_MASQUERADE:
                field_text(o, "saddr6", nc_cidr6_format(&r->saddr6, r->saddr_len, cidr), true);
                field_text(o, "oifname", r->oifname, false);
                break;
        case NC_RULE_HAIRPIN:
                field_text(o, "saddr6", nc_cidr6_format(&r->saddr6, r->saddr_len, cidr), true);
                field_text(o, "oifname", r->oifname, false);
                if (r->ct_dnat)
                        field_bool(o, "ct_dnat", true);
                break;
        case NC_RULE_JUMP:
                field_text(o, "target", r->target, false);
                field_bool(o, "not_loopback", r->not_loopback);
                break;
        case NC_RULE_DNAT:
                field_word(o, "protocol", nc_proto_to_string(r->proto));
                field_text(o, "daddr6", nc_ipv6_format(&r->daddr6, ip), true);
                field_int(o, "dport", r->dport);
                snprintf(to, sizeof(to), "[%s]:%u", nc_ipv6_format(&r->to_addr6, ip), r->to_port);
                field_text(o, "to6", to, true);
                break;
        case NC_RULE_DNAT_MAP:
                field_word(o, "protocol", nc_proto_to_string(r->proto));
                field_text(o, "target", r->target, false);
                if (r->by_addr)
                        field_bool(o, "by_addr", true);
                break;
        default:
                break;
        }
}

static void write_rule(struct out *o, const struct nc_nft_rule *r) {
        char cidr[NC_CIDR_STRLEN], ip[NC_IPV4_STRLEN], to[NC_IPV4_STRLEN + 8];

        entry_begin(o, "  ");
        field_text(o, "chain", r->chain, false);
        if (r->key)
                field_text(o, "key", r->key, true);
        field_word(o, "kind", nc_rule_kind_to_string(r->kind));
        if (r->v6) {
                write_rule6(o, r);
                entry_end(o);
                return;
        }
        switch (r->kind) {
        case NC_RULE_MASQUERADE:
                field_word(o, "saddr", nc_cidr_format(r->saddr, r->saddr_len, cidr));
                field_text(o, "oifname", r->oifname, false);
                break;
        case NC_RULE_JUMP:
                field_text(o, "target", r->target, false);
                if (r->not_loopback)
                        field_bool(o, "not_loopback", true);
                if (r->ipv4_only)
                        field_bool(o, "ipv4_only", true);
                break;
        case NC_RULE_HAIRPIN:
                field_word(o, "saddr", nc_cidr_format(r->saddr, r->saddr_len, cidr));
                field_text(o, "oifname", r->oifname, false);
                if (r->ct_dnat)
                        field_bool(o, "ct_dnat", true);
                break;
        case NC_RULE_GUARD:
                field_text(o, "iifname", r->iifname, false);
                break;
        case NC_RULE_FILTER:
                field_text(o, "oifname", r->oifname, false);
                field_int(o, "ifgroup", r->ifgroup);
                break;
        case NC_RULE_INTERNAL:
                field_text(o, "iifname", r->iifname, false);
                field_int(o, "ifgroup", r->ifgroup);
                break;
        case NC_RULE_RETURN:
                field_text(o, "iifname", r->iifname, false);
                break;
        case NC_RULE_DNAT:
                field_word(o, "protocol", nc_proto_to_string(r->proto));
                field_word(o, "daddr", nc_ipv4_format(r->daddr, ip));
                field_int(o, "dport", r->dport);
                snprintf(to, sizeof(to), "%s:%u", nc_ipv4_format(r->to_addr, ip), r->to_port);
                field_text(o, "to", to, true);
                break;
        case NC_RULE_DROP:
                field_text(o, "iifname", r->iifname, false);
                field_text(o, "oifname", r->oifname, false);
                break;
        case NC_RULE_DNAT_MAP:
                field_word(o, "protocol", nc_proto_to_string(r->proto));
                field_text(o, "target", r->target, false);
                if (r->by_addr)
                        field_bool(o, "by_addr", true);
                break;
        default:
                break;
        }
        entry_end(o);
}

#define WRITE_LIST(o, indent, key, v, n, write_one)             \
        do {                                                    \
                list_begin((o), (indent), (key), (n));          \
                for (size_t _i = 0; _i < (n); _i++)             \
                        write_one((o), &(v)[_i]);               \
                list_end(o);                                    \
        } while (0)

/* The inet tables other than the one read in full, with their marks;
 * none, as before tables were marked, writes nothing. */
static bool other_table(const struct nc_nft *t, const struct nc_nft_table *x) {
        return !t->table || strcmp(x->name, t->table) != 0;
}

/* Flags only when set: a snapshot of a table without them reads and
 * writes as before they were observed. */
static void write_table_flags(struct out *o, const struct nc_nft_table *x) {
        if (x->dormant)
                field_bool(o, "dormant", true);
        if (x->has_owner)
                field_int(o, "owner", x->owner);
}

static void write_object(struct out *o, const struct nc_nft_object *x) {
        entry_begin(o, "  ");
        field_word(o, "kind", nc_nft_object_kind_to_string(x->kind));
        field_text(o, "name", x->name, false);
        if (x->type)
                field_text(o, "type", x->type, true);
        entry_end(o);
}

static void write_tables(struct out *o, const struct nc_nft *t) {
        size_t n = 0;

        for (size_t i = 0; i < t->n_tables; i++)
                n += other_table(t, &t->tables[i]);
        if (n == 0)
                return;
        list_begin(o, "", "nft_tables", n);
        for (size_t i = 0; i < t->n_tables; i++) {
                const struct nc_nft_table *x = &t->tables[i];

                if (!other_table(t, x))
                        continue;
                entry_begin(o, "");
                field_text(o, "name", x->name, false);
                field_bool(o, "marked", x->marked);
                write_table_flags(o, x);
                entry_end(o);
        }
        list_end(o);
}

static void write_forward_drop(struct out *o, const struct nc_nft_forward_drop *x) {
        entry_begin(o, "");
        field_word(o, "family", nc_nft_family_to_string(x->family));
        field_text(o, "table", x->table, false);
        field_text(o, "chain", x->chain, false);
        field_int(o, "priority", x->priority);
        entry_end(o);
}

/* Other tables' forward chains with policy drop, of any family; outside
 * `nft:`, which is the owned table and absent without it. Only when there
 * are any: a host without one writes what it wrote before they were read. */
static void write_forward_drops(struct out *o, const struct nc_nft *t) {
        if (t->n_forward_drops > 0)
                WRITE_LIST(o, "", "nft_forward_drops", t->forward_drops, t->n_forward_drops, write_forward_drop);
}

static void write_drop_rule(struct out *o, const struct nc_nft_drop_rule *x) {
        char cidr[NC_CIDR_STRLEN];

        entry_begin(o, "");
        field_word(o, "family", nc_nft_family_to_string(x->family));
        field_text(o, "table", x->table, false);
        field_text(o, "chain", x->chain, false);
        field_int(o, "handle", x->handle);
        if (x->reject)
                field_bool(o, "reject", true);
        if (x->iifname)
                field_text(o, "iifname", x->iifname, true);
        if (x->oifname)
                field_text(o, "oifname", x->oifname, true);
        if (x->saddr_len)
                field_word(o, "saddr", nc_cidr_format(x->saddr, x->saddr_len, cidr));
        if (x->daddr_len)
                field_word(o, "daddr", nc_cidr_format(x->daddr, x->daddr_len, cidr));
        if (x->ct_state)
                field_text(o, "ct_state", x->ct_state, true);
        entry_end(o);
}

static void write_listener(struct out *o, const struct nc_listener *x) {
        char ip[NC_IPV6_STRLEN];

        entry_begin(o, "");
        field_word(o, "protocol", nc_proto_to_string(x->proto));
        field_text(o, "address", nc_listener_address_format(&x->address, ip), true);
        field_int(o, "port", x->port);
        if (x->v6only)
                field_bool(o, "v6only", true);
        entry_end(o);
}

/* Other tables' drop rules and the host's listeners: only when there are
 * any, like the forward chains. */
static void write_foreign(struct out *o, const struct nc_state *s) {
        if (s->nft.n_drop_rules > 0)
                WRITE_LIST(o, "", "nft_drop_rules", s->nft.drop_rules, s->nft.n_drop_rules, write_drop_rule);
        if (s->n_listeners > 0)
                WRITE_LIST(o, "", "listeners", s->listeners, s->n_listeners, write_listener);
}

/* The table, when there is one: no `nft` means no table. Its mark only
 * when it has none: a snapshot from before tables were marked has no
 * `marked`, and its table was netconverge's. */
static void write_nft(struct out *o, const struct nc_nft *t) {
        const struct nc_nft_table *x;
        bool unmarked;

        if (!t->table)
                return;
        x = nc_nft_find_table(t, t->table);
        unmarked = x && !x->marked;
        if (o->j) {
                nc_json_key(o->j, "nft");
                nc_json_object_begin(o->j);
                nc_json_key(o->j, "table");
                nc_json_string(o->j, t->table);
                if (unmarked) {
                        nc_json_key(o->j, "marked");
                        nc_json_bool(o->j, false);
                }
                if (x && x->dormant) {
                        nc_json_key(o->j, "dormant");
                        nc_json_bool(o->j, true);
                }
                if (x && x->has_owner) {
                        nc_json_key(o->j, "owner");
                        nc_json_uint(o->j, x->owner);
                }
        } else {
                fputs("nft:\n  table: ", o->f);
                nc_yaml_write_exact(o->f, t->table, false);
                fputc('\n', o->f);
                if (unmarked)
                        fputs("  marked: false\n", o->f);
                if (x && x->dormant)
                        fputs("  dormant: true\n", o->f);
                if (x && x->has_owner)
                        fprintf(o->f, "  owner: %u\n", x->owner);
        }
        WRITE_LIST(o, "  ", "chains", t->chains, t->n_chains, write_chain);
        WRITE_LIST(o, "  ", "rules", t->rules, t->n_rules, write_rule);
        /* Only when there are any: most tables have none. */
        if (t->n_objects > 0)
                WRITE_LIST(o, "  ", "objects", t->objects, t->n_objects, write_object);
        /* The port maps' elements, as rules (chain: the map). */
        if (t->n_elements > 0)
                WRITE_LIST(o, "  ", "elements", t->elements, t->n_elements, write_rule);
        if (o->j)
                nc_json_object_end(o->j);
}
static void write_top_int(struct out *o, const char *key, int v) {
        if (o->j) {
                nc_json_key(o->j, key);
                nc_json_int(o->j, v);
        } else {
                fprintf(o->f, "%s: %d\n", key, v);
        }
}

static void write_state(struct out *o, const struct nc_state *s) {
        write_top_int(o, "snapshot", NC_SNAPSHOT_VERSION);
        if (s->ip_forward >= 0)
                write_top_int(o, "ip_forward", s->ip_forward);
        if (s->ip6_forward >= 0)
                write_top_int(o, "ip6_forward", s->ip6_forward);
        if (s->route_localnet >= 0)
                write_top_int(o, "route_localnet", s->route_localnet);
        WRITE_LIST(o, "", "namespaces", s->namespaces, s->n_namespaces, write_namespace);
        WRITE_LIST(o, "", "links", s->links, s->n_links, write_link);
        WRITE_LIST(o, "", "addresses", s->addresses, s->n_addresses, write_address);
        WRITE_LIST(o, "", "routes", s->routes, s->n_routes, write_route);
        /* Only when there are any: most hosts have no VXLAN link. */
        if (s->n_fdb > 0)
                WRITE_LIST(o, "", "fdb", s->fdb, s->n_fdb, write_fdb);
        write_tables(o, &s->nft);
        write_forward_drops(o, &s->nft);
        write_foreign(o, s);
        write_nft(o, &s->nft);
}

int nc_snapshot_write(const struct nc_state *s, FILE *f) {
        struct out o = { .f = f };

        fputs(NC_SNAPSHOT_HEADER, f);
        write_state(&o, s);
        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return 0;
}

int nc_snapshot_write_json(const struct nc_state *s, const struct nc_document *doc, FILE *f) {
        struct nc_json j;
        struct out o = { .f = f, .j = &j };

        nc_json_init(&j, f);
        nc_json_document_begin(&j, doc);
        write_state(&o, s);
        nc_json_document_end(&j, doc);
        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return 0;
}
