/* SPDX-License-Identifier: MIT */
#include "netconverge/addr.h"
#include "plan/kinds.h"

/* An element of a published ports' map (SPEC 7.2): one host port in one
 * family, an NC_RULE_DNAT in form whose chain is the map (a->nft.rule).
 * Its text is the very line its rule had before the maps
 * ("nat publish tcp 0.0.0.0:8080 -> 172.17.0.3:80"): a port is a port,
 * however the table holds it; the JSON says "map" where a rule says
 * "chain". */

static const struct nc_nft_rule *element_of(const struct nc_action *a) {
        return a->nft.rule.want ? a->nft.rule.want : a->nft.rule.have;
}

/* By key (the port's words), then by map for the keyless. */
static int compare_element(const struct nc_action *a, const struct nc_action *b) {
        const struct nc_nft_rule *x = element_of(a), *y = element_of(b);
        int r = nc_kind_compare_str(x->key ? x->key : "", y->key ? y->key : "");

        return r != 0 ? r : nc_kind_compare_str(x->chain, y->chain);
}

static void describe_fields(struct nc_description *d, const struct nc_nft_rule *e) {
        nc_put_string(d, "map", NULL, e->chain);
        if (!e->key) {
                nc_put_string(d, NULL, "nft element of map ", e->chain);
                nc_put_string(d, NULL, ", not made by netconverge", "");
                return;
        }
        nc_put_string(d, "key", NULL, e->key);
        nc_put_string(d, "kind", NULL, nc_rule_kind_to_string(e->kind));
        if (e->v6)
                nc_put_string(d, "family", NULL, "ipv6");
        nc_put_string(d, "protocol", "nat publish ", nc_proto_to_string(e->proto));
        if (e->v6) {
                nc_put_ipv6(d, "daddr", " [", &e->daddr6);
                nc_put_uint(d, "dport", "]:", e->dport);
                nc_put_ipv6(d, "to_addr", " -> [", &e->to_addr6);
                nc_put_uint(d, "to_port", "]:", e->to_port);
                return;
        }
        nc_put_ipv4(d, "daddr", " ", e->daddr);
        nc_put_uint(d, "dport", ":", e->dport);
        nc_put_ipv4(d, "to_addr", " -> ", e->to_addr);
        nc_put_uint(d, "to_port", ":", e->to_port);
}

/* A port moved: "changed": {"rule": {"old": {...}, "new": {...}}} and in
 * the text " (was: OLD)", as its rule's was. */
static void element_was(const struct nc_action *a, struct nc_description *d) {
        bool text_off = d->text_off;

        nc_put_open(d, "rule", " (was: ");
        nc_put_open(d, "old", NULL);
        describe_fields(d, a->nft.rule.have);
        nc_put_close(d, NULL);
        nc_put_open(d, "new", NULL);
        d->text_off = true;
        describe_fields(d, a->nft.rule.want);
        d->text_off = text_off;
        nc_put_close(d, NULL);
        nc_put_close(d, ")");
}

static void describe_element(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, "table", NULL, a->nft.table);
        describe_fields(d, element_of(a));
        nc_put_changes(d, a, element_was);
}

/* A port removed or moved: its old target loses it. */
static bool element_disrupts(const struct nc_action *a, struct nc_affected *x) {
        const struct nc_nft_rule *h = a->nft.rule.have;

        if (a->change == NC_CHANGE_ADD || !h->key)
                return false;
        if (h->v6)
                nc_affected_address6(x, &h->to_addr6);
        else
                nc_affected_address(x, h->to_addr);
        return true;
}

const struct nc_kind nc_kind_nft_element = {
        .name = "nft-element",
        .compare = compare_element,
        .describe = describe_element,
        .namespaces = nc_kind_own_namespace,
        /* Replaced as a whole: deleted and added in the batch. */
        .updatable = NC_DIFF_RULE,
        .disrupts = element_disrupts,
};
