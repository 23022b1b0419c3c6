/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/diff-nft.h"

/* The published ports' maps and their elements (SPEC 7.2), diffed element
 * by element: adding a port adds its element and leaves every other
 * element, rule and handle as it is. A map is ours by its name and type
 * (state.h); a map of one of those names with another type is someone
 * else's, removed (diff-nft.c) and made again, with all its elements. */

static const struct nc_nft_object *want_map(const struct nft_differ *d, const char *name, size_t *ret_i) {
        for (size_t i = 0; i < d->want->n_objects; i++)
                if (d->want->objects[i].kind == NC_NFT_MAP && strcmp(d->want->objects[i].name, name) == 0) {
                        if (ret_i)
                                *ret_i = i;
                        return &d->want->objects[i];
                }
        return NULL;
}

bool nc_plan_nft_map_fresh(const struct nft_differ *d, const char *name) {
        size_t i;

        return want_map(d, name, &i) && (d->table_fresh || d->map_fresh[i]);
}

static bool same_map(const struct nc_nft_object *w, const struct nc_nft_object *h) {
        return h->kind == NC_NFT_MAP && strcmp(w->name, h->name) == 0 && h->type && strcmp(w->type, h->type) == 0;
}

/* An observed port map nobody wants still holding an element of a
 * container left as it is (SPEC 7.7) stays, with its lookup rule. */
static void keep_held_maps(struct nft_differ *d) {
        for (size_t i = 0; i < d->have->n_elements; i++) {
                const struct nc_nft_rule *h = &d->have->elements[i];

                if (!nc_plan_nft_rule_kept(d, h))
                        continue;
                for (size_t k = 0; k < d->have->n_objects; k++)
                        if (d->have->objects[k].kind == NC_NFT_MAP && strcmp(d->have->objects[k].name, h->chain) == 0)
                                d->object_kept[k] = true;
        }
}

bool nc_plan_nft_map_held(const struct nft_differ *d, const struct nc_nft_rule *h) {
        if (h->kind != NC_RULE_DNAT_MAP || want_map(d, h->target, NULL))
                return false;
        for (size_t k = 0; k < d->have->n_objects; k++)
                if (d->object_kept[k] && strcmp(d->have->objects[k].name, h->target) == 0)
                        return true;
        return false;
}

void nc_plan_nft_diff_maps(struct nft_differ *d) {
        for (size_t i = 0; i < d->want->n_objects; i++) {
                const struct nc_nft_object *w = &d->want->objects[i];
                bool found = false;
                struct nc_action *a;

                for (size_t k = 0; !d->table_fresh && !found && k < d->have->n_objects; k++)
                        if (same_map(w, &d->have->objects[k]))
                                found = d->object_kept[k] = true;
                if (found)
                        continue;
                d->map_fresh[i] = true;
                a = nc_plan_nft_push(d, NC_PHASE_NFT_MAP, NC_CHANGE_ADD, NC_OBJECT_NFT_MAP);
                if (a)
                        a->nft.object = w;
        }
        if (!d->table_fresh)
                keep_held_maps(d);
}

static void push_element(struct nft_differ *d, const struct nc_nft_rule *w, const struct nc_nft_rule *h) {
        enum nc_change change = !h ? NC_CHANGE_ADD : !w ? NC_CHANGE_REMOVE : NC_CHANGE_MODIFY;
        struct nc_action *a = nc_plan_nft_push(d, h && !w ? NC_PHASE_NFT_REMOVE_ELEMENT : NC_PHASE_NFT_ELEMENT, change,
                                               NC_OBJECT_NFT_ELEMENT);

        if (!a)
                return;
        a->nft.rule.want = w;
        a->nft.rule.have = h;
        if (change == NC_CHANGE_MODIFY)
                a->diff = NC_DIFF_RULE;
}

static int element_order(const void *ctx, bool a_want, size_t a, bool b_want, size_t b) {
        const struct nft_differ *d = ctx;

        return nc_nft_rule_key_compare(&(a_want ? d->want : d->have)->elements[a],
                                       &(b_want ? d->want : d->have)->elements[b]);
}

/* Observed elements are read only from maps of ours (observe/nft.c), and
 * none counts in a table made again. Each goes by itself, also when its
 * map goes after it, so that its flows' conntrack entries go with it
 * (apply/conntrack.c reads the element's translation). */
void nc_plan_nft_diff_elements(struct nft_differ *d) {
        struct nc_merge m = { .n_want = d->want->n_elements, .n_have = d->table_fresh ? 0 : d->have->n_elements,
                              .compare = element_order, .ctx = d };
        struct nc_run run;

        while (nc_merge_next(&m, &run))
                for (size_t k = 0; k < run.n_want || k < run.n_have; k++) {
                        const struct nc_nft_rule *w = k < run.n_want ? &d->want->elements[run.want + k] : NULL;
                        const struct nc_nft_rule *h = k < run.n_have ? &d->have->elements[run.have + k] : NULL;

                        if (w && h && nc_nft_rule_equal(w, h))
                                continue;
                        if (!w && (!h || nc_plan_nft_rule_kept(d, h)))
                                continue;
                        push_element(d, w, h);
                }
}

static bool same_translation(const struct nc_nft_rule *a, const struct nc_nft_rule *b) {
        return a->v6 == b->v6 && a->proto == b->proto && a->daddr == b->daddr &&
               nc_ipv6_equal(&a->daddr6, &b->daddr6) && a->dport == b->dport && a->to_addr == b->to_addr &&
               nc_ipv6_equal(&a->to_addr6, &b->to_addr6) && a->to_port == b->to_port;
}

static int element_compare(const void *a, const void *b) {
        return nc_nft_rule_key_compare(a, b);
}

bool nc_plan_nft_port_moved(const struct nft_differ *d, const struct nc_nft_rule *h) {
        struct nc_nft_rule key;
        const struct nc_nft_rule *w;

        if (h->kind != NC_RULE_DNAT || !h->key || d->want->n_elements == 0)
                return false;
        key = (struct nc_nft_rule) { .chain = (char *) nc_nft_port_map_of(h), .key = h->key };
        if (!key.chain)
                return false;
        w = bsearch(&key, d->want->elements, d->want->n_elements, sizeof(*w),
                    element_compare);
        return w && same_translation(w, h);
}

/* A port map of its very name and type (state.h). */
static bool is_port_map(const struct nc_nft_object *o) {
        const char *name, *type;
        enum nc_proto proto;
        bool v6, by_addr;

        if (o->kind != NC_NFT_MAP || !o->type || nc_nft_port_map_parse(o->name, &v6, &proto, &by_addr) < 0)
                return false;
        nc_nft_port_map(v6, proto, by_addr, &name, &type);
        return strcmp(o->type, type) == 0;
}

bool nc_plan_nft_ports_all_ours(const struct nc_nft *t) {
        for (size_t i = 0; i < t->n_objects; i++)
                if (!is_port_map(&t->objects[i]))
                        return false;
        for (size_t i = 0; i < t->n_elements; i++) {
                const struct nc_nft_rule *e = &t->elements[i];
                char key[NC_RULE_KEY_MAX];
                const char *chain;

                if (!e->key || nc_plan_nft_rule_key(e, key, sizeof(key), &chain) < 0 || strcmp(key, e->key) != 0 ||
                    strcmp(nc_nft_port_map_of(e), e->chain) != 0)
                        return false;
        }
        return true;
}
