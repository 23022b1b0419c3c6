/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "netconverge/addr.h"
#include "plan/kinds.h"

/* The owned nftables table and what is in it (a.nft): no namespace
 * follows them in the text (they are the host's). */

static size_t table_changed(const struct nc_action *a, struct nc_changed_field f[static NC_CHANGED_FIELDS_MAX]) {
        struct nc_changed_field *x;
        size_t n = 0;

        /* The kernel keeps a table's userdata as it was made: the mark
         * comes with a new table. */
        if (a->diff & NC_DIFF_MARK)
                nc_field_add(f, &n, "marked", "mark as owned (made again, with its chains and rules)", NC_FIELD_FLAG)
                        ->new.b = true;
        if (a->diff & NC_DIFF_DORMANT) {
                x = nc_field_add(f, &n, "dormant", "dormant -> active (its chains were off their hooks)",
                                 NC_FIELD_FLAG);
                x->old.b = true;
                x->new.b = false;
        }
        return n;
}

/* "nft table inet netconverge"; JSON family, name. */
static void describe_table(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, "family", NULL, "inet");
        nc_put_string(d, "name", "nft table inet ", a->nft.table);
        nc_put_changes(d, a, NULL);
}

const struct nc_kind nc_kind_nft_table = {
        .name = "nft-table",
        .compare = nc_kind_compare_none,
        .describe = describe_table,
        .changed = table_changed,
        .namespaces = nc_kind_own_namespace,
        .updatable = NC_DIFF_MARK | NC_DIFF_DORMANT,
};

static const struct nc_nft_chain *chain_of(const struct nc_action *a) {
        return a->nft.chain.want ? a->nft.chain.want : a->nft.chain.have;
}

static int compare_chain(const struct nc_action *a, const struct nc_action *b) {
        return nc_kind_compare_str(chain_of(a)->name, chain_of(b)->name);
}

/* "nft chain postrouting (nat, hook postrouting, priority 100)"; JSON
 * table, name. A hook we have no name for (inet's ingress) as the
 * kernel's number, as the snapshot writes it. */
static void describe_chain(const struct nc_action *a, struct nc_description *d) {
        const struct nc_nft_chain *c = chain_of(a);
        const char *hook = nc_nft_hook_to_string(c->hook);
        struct nc_item *x;

        nc_put_string(d, "table", NULL, a->nft.table);
        nc_put_string(d, "name", "nft chain ", c->name);
        if (c->hook == NC_HOOK_NONE)
                return;
        nc_put_string(d, NULL, " (", c->type ? c->type : "?");
        if (hook) {
                nc_put_string(d, NULL, ", hook ", hook);
        } else {
                x = nc_put(d, NC_ITEM_INT, NULL, ", hook ");
                x->n = (int) c->hook;
        }
        nc_put(d, NC_ITEM_INT, NULL, ", priority ")->n = c->priority;
        nc_put_string(d, NULL, ")", "");
}

const struct nc_kind nc_kind_nft_chain = {
        .name = "nft-chain",
        .compare = compare_chain,
        .describe = describe_chain,
        .namespaces = nc_kind_own_namespace,
        /* A base chain's hook, type or priority cannot change in place. */
        .updatable = 0,
};

static const struct nc_nft_rule *rule_of(const struct nc_action *a) {
        return a->nft.rule.want ? a->nft.rule.want : a->nft.rule.have;
}

/* By key; removed rules (observed only) then by handle. */
static int compare_rule(const struct nc_action *a, const struct nc_action *b) {
        const struct nc_nft_rule *x = rule_of(a), *y = rule_of(b);
        int r = nc_kind_compare_str(x->key ? x->key : "", y->key ? y->key : "");

        if (r != 0)
                return r;
        return nc_kind_compare_u64(a->nft.rule.want ? 0 : x->handle, b->nft.rule.want ? 0 : y->handle);
}

/* JSON only, and only on IPv6 rules ("family": "ipv6"): an IPv4 rule's
 * JSON is what it was before IPv6. */
static void put_family(struct nc_description *d, const struct nc_nft_rule *r) {
        if (r->v6)
                nc_put_string(d, "family", NULL, "ipv6");
}

static void describe_nat_chain(struct nc_description *d, const struct nc_nft_rule *r, const char *what) {
        nc_put_string(d, "chain", "nat ", r->chain);
        nc_put_string(d, "key", NULL, r->key);
        nc_put_string(d, "kind", NULL, nc_rule_kind_to_string(r->kind));
        put_family(d, r);
        nc_put_string(d, NULL, ": ", what);
}

static void describe_rule_head(struct nc_description *d, const struct nc_nft_rule *r) {
        nc_put_string(d, "chain", NULL, r->chain);
        nc_put_string(d, "key", NULL, r->key);
        nc_put_string(d, "kind", NULL, nc_rule_kind_to_string(r->kind));
        put_family(d, r);
}

/* A rule we do not make: by its key and chain. Without our key it is not
 * ours, whatever it looks like. */
static void describe_foreign_rule(struct nc_description *d, const struct nc_nft_rule *r) {
        if (!r->key) {
                nc_put_string(d, "chain", "nft rule in chain ", r->chain);
                nc_put_string(d, "kind", NULL, nc_rule_kind_to_string(r->kind));
                nc_put_string(d, NULL, ", not made by netconverge", "");
                return;
        }
        nc_put_string(d, "chain", NULL, r->chain);
        nc_put_string(d, "key", "nft rule \"", r->key);
        nc_put_string(d, "kind", NULL, nc_rule_kind_to_string(r->kind));
        nc_put_string(d, NULL, "\" in chain ", r->chain);
        nc_put_string(d, NULL, ", not one netconverge makes", "");
}

/* IPv6 in Docker's bracket form, "[::]:8080 -> [fd00:17::2]:80"; the
 * JSON's addresses are without brackets, as IPv4's. */
static void describe_dnat(struct nc_description *d, const struct nc_nft_rule *r) {
        describe_rule_head(d, r);
        nc_put_string(d, "protocol", "nat publish ", nc_proto_to_string(r->proto));
        if (r->v6) {
                nc_put_ipv6(d, "daddr", " [", &r->daddr6);
                nc_put_uint(d, "dport", "]:", r->dport);
                nc_put_ipv6(d, "to_addr", " -> [", &r->to_addr6);
                nc_put_uint(d, "to_port", "]:", r->to_port);
                return;
        }
        nc_put_ipv4(d, "daddr", " ", r->daddr);
        nc_put_uint(d, "dport", ":", r->dport);
        nc_put_ipv4(d, "to_addr", " -> ", r->to_addr);
        nc_put_uint(d, "to_port", ":", r->to_port);
}

static void describe_masquerade(struct nc_description *d, const struct nc_nft_rule *r) {
        describe_rule_head(d, r);
        if (r->v6)
                nc_put_cidr6(d, "saddr", "nat masquerade ", &r->saddr6, r->saddr_len);
        else
                nc_put_cidr(d, "saddr", "nat masquerade ", r->saddr, r->saddr_len);
        nc_put_string(d, "oifname_not", " out !", r->oifname);
}

/* "nat masquerade hairpin 172.17.0.0/16 out docker0", "nat masquerade
 * localhost 127.0.0.0/8 out docker0": DNATed traffic back out of a bridge. */
static void describe_hairpin(struct nc_description *d, const struct nc_nft_rule *r) {
        describe_rule_head(d, r);
        nc_put_string(d, NULL, "nat masquerade ", r->ct_dnat ? "hairpin " : "localhost ");
        if (r->v6)
                nc_put_cidr6(d, "saddr", "", &r->saddr6, r->saddr_len);
        else
                nc_put_cidr(d, "saddr", "", r->saddr, r->saddr_len);
        nc_put_string(d, "oifname", " out ", r->oifname);
}

/* The output jump's exception, per family. */
static const char *jump_exception(const struct nc_nft_rule *r) {
        if (r->ipv4_only)
                return " of IPv4, 127.0.0.0/8 included,";
        if (!r->not_loopback)
                return "";
        return r->v6 ? " but ::1" : " but 127.0.0.0/8";
}

/* What a rule does, in the words of SPEC section 5:
 * "nat masquerade 172.17.0.0/16 out !docker0",
 * "nat publish tcp 0.0.0.0:8080 -> 172.17.0.2:80"; the JSON has its
 * fields. */
static void describe_rule_fields(struct nc_description *d, const struct nc_nft_rule *r) {
        if (!r->key) {
                describe_foreign_rule(d, r);
                return;
        }
        switch (r->kind) {
        case NC_RULE_MASQUERADE:
                describe_masquerade(d, r);
                break;
        case NC_RULE_DNAT:
                describe_dnat(d, r);
                break;
        case NC_RULE_JUMP:
                describe_nat_chain(d, r, "local addresses");
                nc_put_string(d, NULL, jump_exception(r), "");
                nc_put_string(d, "target", " jump to ", r->target);
                break;
        case NC_RULE_RETURN:
                describe_nat_chain(d, r, "return traffic from ");
                nc_put_string(d, "iifname", "", r->iifname);
                break;
        case NC_RULE_DROP:
                describe_rule_head(d, r);
                nc_put_string(d, "iifname", "filter isolate ", r->iifname);
                nc_put_string(d, "oifname", " -> ", r->oifname);
                break;
        case NC_RULE_DNAT_MAP:
                /* "nat publish tcp dport via map ports4_tcp" */
                describe_rule_head(d, r);
                nc_put_string(d, "protocol", "nat publish ", nc_proto_to_string(r->proto));
                nc_put_string(d, NULL, r->by_addr ? (r->v6 ? " ip6 daddr . dport" : " ip daddr . dport") : " dport",
                              "");
                nc_put_string(d, "target", " via map ", r->target);
                break;
        case NC_RULE_HAIRPIN:
                describe_hairpin(d, r);
                break;
        case NC_RULE_FILTER:
                describe_rule_head(d, r);
                nc_put_string(d, "oifname", "filter into ", r->oifname);
                nc_put_uint(d, "iifgroup_not", " from links not in group ", r->ifgroup);
                nc_put_string(d, NULL, ": drop unless published or established", "");
                break;
        case NC_RULE_INTERNAL:
                describe_rule_head(d, r);
                nc_put_string(d, "iifname", "filter internal ", r->iifname);
                nc_put_uint(d, "oifgroup_not", ": drop out to links not in group ", r->ifgroup);
                break;
        case NC_RULE_GUARD:
                describe_rule_head(d, r);
                nc_put_string(d, "iifname_not", "filter guard: drop to 127.0.0.0/8 not from ", r->iifname);
                break;
        default:
                describe_foreign_rule(d, r);
                break;
        }
}

/* A rule replaced in place: "changed": {"rule": {"old": {...}, "new":
 * {...}}}, and in the text " (was: OLD)". */
static void rule_was(const struct nc_action *a, struct nc_description *d) {
        bool text_off = d->text_off;

        nc_put_open(d, "rule", " (was: ");
        nc_put_open(d, "old", NULL);
        describe_rule_fields(d, a->nft.rule.have);
        nc_put_close(d, NULL);
        nc_put_open(d, "new", NULL);
        d->text_off = true;
        describe_rule_fields(d, a->nft.rule.want);
        d->text_off = text_off;
        nc_put_close(d, NULL);
        nc_put_close(d, ")");
}

static void describe_rule(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, "table", NULL, a->nft.table);
        describe_rule_fields(d, rule_of(a));
        nc_put_changes(d, a, rule_was);
}

/* A published port removed or its translation changed (the old target
 * loses it), a masquerade removed or changed: the old rule's containers.
 * Chains and tables are never disruptive themselves: one made again gets
 * its rules back in the same transaction, and destroy's link removals are
 * marked. */
static bool rule_disrupts(const struct nc_action *a, struct nc_affected *x) {
        const struct nc_nft_rule *h = a->nft.rule.have;

        if (a->change == NC_CHANGE_ADD || !h->key || (a->diff & NC_DIFF_MOVED))
                return false;
        if (h->kind == NC_RULE_DNAT && h->v6)
                nc_affected_address6(x, &h->to_addr6);
        else if (h->kind == NC_RULE_DNAT)
                nc_affected_address(x, h->to_addr);
        else if (h->kind == NC_RULE_MASQUERADE)
                nc_affected_bridge(x, h->oifname);
        else
                return false;
        return true;
}

const struct nc_kind nc_kind_nft_rule = {
        .name = "nft-rule",
        .compare = compare_rule,
        .describe = describe_rule,
        .namespaces = nc_kind_own_namespace,
        /* Replaced in place: it keeps its handle (SPEC 6). */
        .updatable = NC_DIFF_RULE,
        .disrupts = rule_disrupts,
};

/* Sets, maps, flowtables and stateful objects: only observed ones, to be
 * removed (netconverge makes none). */
static int compare_object(const struct nc_action *a, const struct nc_action *b) {
        return nc_kind_compare_str(a->nft.object->name, b->nft.object->name);
}

/* "nft set NAME"; JSON table, name (a stateful object's type too). */
static void describe_object(const struct nc_action *a, struct nc_description *d) {
        const char *kind = nc_nft_object_kind_to_string(a->nft.object->kind);

        nc_put_string(d, "table", NULL, a->nft.table);
        if (a->object == NC_OBJECT_NFT_STATEFUL)
                nc_put_string(d, "type", "nft ", kind);
        else
                nc_put_string(d, NULL, "nft ", kind);
        nc_put_string(d, "name", " ", a->nft.object->name);
        /* A port map's types (state.h): what makes it ours. */
        if (a->nft.object->type) {
                nc_put_string(d, "type", " (", a->nft.object->type);
                nc_put_string(d, NULL, ")", "");
        }
}

#define OBJECT_KIND(row, json_name)                                                                                    \
        const struct nc_kind row = {                                                                                   \
                .name = json_name,                                                                                     \
                .compare = compare_object,                                                                             \
                .describe = describe_object,                                                                           \
                .namespaces = nc_kind_own_namespace,                                                                          \
        }

OBJECT_KIND(nc_kind_nft_set, "nft-set");
OBJECT_KIND(nc_kind_nft_map, "nft-map");
OBJECT_KIND(nc_kind_nft_flowtable, "nft-flowtable");
OBJECT_KIND(nc_kind_nft_stateful, "nft-object");
