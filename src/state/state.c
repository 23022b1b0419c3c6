/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/state.h"
#include "util/cleanup.h"
#include "util/sort.h"
#include "util/strbuf.h"

static const char *const sysctl_names[_NC_SYSCTL_MAX] = {
        [NC_SYSCTL_IP_FORWARD] = "net.ipv4.ip_forward",
        [NC_SYSCTL_IP6_FORWARD] = "net.ipv6.conf.all.forwarding",
        [NC_SYSCTL_ROUTE_LOCALNET] = "net.ipv4.conf.all.route_localnet",
};

const char *nc_sysctl_name(enum nc_sysctl k) {
        return (unsigned) k < _NC_SYSCTL_MAX ? sysctl_names[k] : NULL;
}

int nc_sysctl_path(enum nc_sysctl k, char buf[static NC_SYSCTL_PATH_MAX]) {
        const char *name = nc_sysctl_name(k);
        int n;

        if (!name)
                return -EINVAL;
        n = snprintf(buf, NC_SYSCTL_PATH_MAX, "/proc/sys/%s", name);
        if (n < 0 || n >= NC_SYSCTL_PATH_MAX)
                return -EINVAL;
        for (char *p = buf + strlen("/proc/sys/"); *p; p++)
                if (*p == '.')
                        *p = '/';
        return 0;
}

int *nc_state_sysctl(struct nc_state *s, enum nc_sysctl k) {
        switch (k) {
        case NC_SYSCTL_IP6_FORWARD:
                return &s->ip6_forward;
        case NC_SYSCTL_ROUTE_LOCALNET:
                return &s->route_localnet;
        default:
                return &s->ip_forward;
        }
}

int nc_state_sysctl_value(const struct nc_state *s, enum nc_sysctl k) {
        return *nc_state_sysctl((struct nc_state *) s, k);
}

struct nc_state *nc_state_new(void) {
        struct nc_state *s = calloc(1, sizeof(*s));

        if (s) {
                s->ip_forward = -1;
                s->ip6_forward = -1;
                s->route_localnet = -1;
        }
        return s;
}

static void link_done(struct nc_link *l) {
        free(l->netns);
        free(l->alias);
        free(l->peer_netns);
        /* owner_bridge and owner_netns point into the same allocation:
         * see nc_link_parse_alias(); a VXLAN link's is owner_bridge. */
        free(l->owner_container ? l->owner_container : l->owner_bridge);
}

struct nc_state *nc_state_free(struct nc_state *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_links; i++)
                link_done(&s->links[i]);
        for (size_t i = 0; i < s->n_addresses; i++)
                free(s->addresses[i].netns);
        for (size_t i = 0; i < s->n_routes; i++)
                free(s->routes[i].netns);
        for (size_t i = 0; i < s->n_fdb; i++)
                free(s->fdb[i].netns);
        free(s->fdb);
        for (size_t i = 0; i < s->n_namespaces; i++) {
                free(s->namespaces[i].netns);
                free(s->namespaces[i].same_as);
        }
        for (size_t i = 0; i < s->nft.n_chains; i++) {
                free(s->nft.chains[i].name);
                free(s->nft.chains[i].type);
        }
        for (size_t i = 0; i < s->nft.n_rules; i++) {
                free(s->nft.rules[i].chain);
                free(s->nft.rules[i].key);
                free(s->nft.rules[i].raw);
        }
        for (size_t i = 0; i < s->nft.n_tables; i++)
                free(s->nft.tables[i].name);
        free(s->nft.tables);
        for (size_t i = 0; i < s->nft.n_objects; i++) {
                free(s->nft.objects[i].name);
                free(s->nft.objects[i].type);
        }
        for (size_t i = 0; i < s->nft.n_elements; i++) {
                free(s->nft.elements[i].chain);
                free(s->nft.elements[i].key);
        }
        free(s->nft.elements);
        free(s->nft.objects);
        for (size_t i = 0; i < s->nft.n_forward_drops; i++) {
                free(s->nft.forward_drops[i].table);
                free(s->nft.forward_drops[i].chain);
        }
        free(s->nft.forward_drops);
        for (size_t i = 0; i < s->nft.n_drop_rules; i++) {
                free(s->nft.drop_rules[i].table);
                free(s->nft.drop_rules[i].chain);
                free(s->nft.drop_rules[i].iifname);
                free(s->nft.drop_rules[i].oifname);
                free(s->nft.drop_rules[i].ct_state);
        }
        free(s->nft.drop_rules);
        free(s->listeners);
        free(s->nft.table);
        free(s->nft.chains);
        free(s->nft.rules);
        free(s->links);
        free(s->addresses);
        free(s->routes);
        free(s->namespaces);
        free(s);
        return NULL;
}

void nc_state_freep(struct nc_state **s) {
        *s = nc_state_free(*s);
}

/* The state keeps counts, not capacities: an array's allocation says how
 * large it is. Growth doubles (amortised O(1)); nc_state_reserve() makes
 * one large enough up front. */
static size_t capacity_of(void *v, size_t sz) {
        void *p = *(void **) v;

        return p ? malloc_usable_size(p) / sz : 0;
}

static int grow(void *v, size_t n, size_t sz) {
        size_t cap = capacity_of(v, sz);

        return n < cap ? 0 : nc_grow(v, &cap, n + 1, sz);
}

static int dup_or_null(const char *s, char **ret) {
        if (!s) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static int reserve(void *v, size_t n, size_t more, size_t sz) {
        size_t cap = capacity_of(v, sz);

        return more == 0 ? 0 : nc_grow(v, &cap, n + more, sz);
}

static void move_all(void *dst, size_t *n_dst, void *src, size_t *n_src, size_t sz) {
        char **d = dst, **s = src;

        if (*n_src > 0)
                memcpy(*d + *n_dst * sz, *s, *n_src * sz);
        *n_dst += *n_src;
        free(*s);
        *s = NULL;
        *n_src = 0;
}

int nc_state_absorb(struct nc_state *dst, struct nc_state *src) {
        /* Room first, so that a failure leaves both as they were. */
        if (reserve(&dst->links, dst->n_links, src->n_links, sizeof(*dst->links)) < 0 ||
            reserve(&dst->addresses, dst->n_addresses, src->n_addresses, sizeof(*dst->addresses)) < 0 ||
            reserve(&dst->routes, dst->n_routes, src->n_routes, sizeof(*dst->routes)) < 0 ||
            reserve(&dst->namespaces, dst->n_namespaces, src->n_namespaces, sizeof(*dst->namespaces)) < 0 ||
            reserve(&dst->fdb, dst->n_fdb, src->n_fdb, sizeof(*dst->fdb)) < 0)
                return -ENOMEM;
        move_all(&dst->fdb, &dst->n_fdb, &src->fdb, &src->n_fdb, sizeof(*dst->fdb));
        move_all(&dst->links, &dst->n_links, &src->links, &src->n_links, sizeof(*dst->links));
        move_all(&dst->addresses, &dst->n_addresses, &src->addresses, &src->n_addresses, sizeof(*dst->addresses));
        move_all(&dst->routes, &dst->n_routes, &src->routes, &src->n_routes, sizeof(*dst->routes));
        move_all(&dst->namespaces, &dst->n_namespaces, &src->namespaces, &src->n_namespaces,
                 sizeof(*dst->namespaces));
        return 0;
}

/* Exactly n + more (no doubling: the builder knows its counts). */
static int reserve_exactly(void *v, size_t n, size_t more, size_t sz) {
        void *q;

        if (more == 0 || n + more <= capacity_of(v, sz))
                return 0;
        if (n > SIZE_MAX / sz - more)
                return -ENOMEM;
        q = realloc(*(void **) v, (n + more) * sz);
        if (!q)
                return -ENOMEM;
        *(void **) v = q;
        return 0;
}

int nc_state_reserve(struct nc_state *s, size_t links, size_t addresses, size_t routes, size_t namespaces,
                     size_t rules) {
        if (reserve_exactly(&s->links, s->n_links, links, sizeof(*s->links)) < 0 ||
            reserve_exactly(&s->addresses, s->n_addresses, addresses, sizeof(*s->addresses)) < 0 ||
            reserve_exactly(&s->routes, s->n_routes, routes, sizeof(*s->routes)) < 0 ||
            reserve_exactly(&s->namespaces, s->n_namespaces, namespaces, sizeof(*s->namespaces)) < 0 ||
            reserve_exactly(&s->nft.rules, s->nft.n_rules, rules, sizeof(*s->nft.rules)) < 0)
                return -ENOMEM;
        return 0;
}

int nc_state_add_link(struct nc_state *s, const struct nc_link *l) {
        struct nc_link *x;

        if (grow(&s->links, s->n_links, sizeof(*s->links)) < 0)
                return -ENOMEM;
        x = &s->links[s->n_links];
        *x = *l;
        x->owner_container = x->owner_bridge = x->owner_netns = NULL;
        x->role = NC_ROLE_NONE;
        if (dup_or_null(l->netns ? l->netns : "", &x->netns) < 0 ||
            dup_or_null(l->alias, &x->alias) < 0 ||
            dup_or_null(l->peer_netns, &x->peer_netns) < 0 ||
            nc_link_parse_alias(x) < 0) {
                link_done(x);
                return -ENOMEM;
        }
        nc_link_check_marks(x);
        s->n_links++;
        return 0;
}

int nc_state_add_address(struct nc_state *s, const struct nc_address *a) {
        struct nc_address *x;

        if (grow(&s->addresses, s->n_addresses, sizeof(*s->addresses)) < 0)
                return -ENOMEM;
        x = &s->addresses[s->n_addresses];
        *x = *a;
        if (dup_or_null(a->netns ? a->netns : "", &x->netns) < 0)
                return -ENOMEM;
        s->n_addresses++;
        return 0;
}

int nc_state_add_route(struct nc_state *s, const struct nc_route *r) {
        struct nc_route *x;

        if (grow(&s->routes, s->n_routes, sizeof(*s->routes)) < 0)
                return -ENOMEM;
        x = &s->routes[s->n_routes];
        *x = *r;
        if (dup_or_null(r->netns ? r->netns : "", &x->netns) < 0)
                return -ENOMEM;
        s->n_routes++;
        return 0;
}

int nc_state_add_fdb(struct nc_state *s, const struct nc_fdb *f) {
        struct nc_fdb *x;

        if (grow(&s->fdb, s->n_fdb, sizeof(*s->fdb)) < 0)
                return -ENOMEM;
        x = &s->fdb[s->n_fdb];
        *x = *f;
        if (dup_or_null(f->netns ? f->netns : "", &x->netns) < 0)
                return -ENOMEM;
        s->n_fdb++;
        return 0;
}

int nc_state_add_namespace(struct nc_state *s, const char *netns, bool exists) {
        struct nc_namespace *x;

        if (grow(&s->namespaces, s->n_namespaces, sizeof(*s->namespaces)) < 0)
                return -ENOMEM;
        x = &s->namespaces[s->n_namespaces];
        *x = (struct nc_namespace) { .exists = exists };
        if (dup_or_null(netns, &x->netns) < 0)
                return -ENOMEM;
        s->n_namespaces++;
        return 0;
}

int nc_state_set_namespace_problem(struct nc_state *s, enum nc_netns_problem problem, const char *same_as) {
        struct nc_namespace *x;
        char *copy = NULL;

        if (s->n_namespaces == 0 || (unsigned) problem >= _NC_NETNS_PROBLEM_MAX)
                return -EINVAL;
        x = &s->namespaces[s->n_namespaces - 1];
        if (problem == NC_NETNS_PROBLEM_SHARED && dup_or_null(same_as, &copy) < 0)
                return -ENOMEM;
        free(x->same_as);
        x->problem = problem;
        x->same_as = copy;
        return 0;
}

static const char *const netns_problem_table[_NC_NETNS_PROBLEM_MAX] = {
        [NC_NETNS_PROBLEM_NONE] = "none",
        [NC_NETNS_PROBLEM_HOST] = "host",
        [NC_NETNS_PROBLEM_NOT_NETNS] = "not_netns",
        [NC_NETNS_PROBLEM_SHARED] = "shared",
};

const char *nc_netns_problem_to_string(enum nc_netns_problem p) {
        return (unsigned) p < _NC_NETNS_PROBLEM_MAX ? netns_problem_table[p] : NULL;
}

int nc_netns_problem_from_string(const char *s) {
        for (size_t i = 0; i < _NC_NETNS_PROBLEM_MAX; i++)
                if (strcmp(s, netns_problem_table[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

int nc_state_set_nft_table(struct nc_state *s, const char *table) {
        char *t = strdup(table);

        if (!t)
                return -ENOMEM;
        free(s->nft.table);
        s->nft.table = t;
        return 0;
}

int nc_state_add_nft_chain(struct nc_state *s, const struct nc_nft_chain *c) {
        struct nc_nft_chain *x;

        if (grow(&s->nft.chains, s->nft.n_chains, sizeof(*s->nft.chains)) < 0)
                return -ENOMEM;
        x = &s->nft.chains[s->nft.n_chains];
        *x = *c;
        if (dup_or_null(c->name, &x->name) < 0)
                return -ENOMEM;
        if (dup_or_null(c->type, &x->type) < 0) {
                free(x->name);
                return -ENOMEM;
        }
        s->nft.n_chains++;
        return 0;
}

int nc_state_add_nft_rule(struct nc_state *s, const struct nc_nft_rule *r) {
        struct nc_nft_rule *x;

        if (grow(&s->nft.rules, s->nft.n_rules, sizeof(*s->nft.rules)) < 0)
                return -ENOMEM;
        x = &s->nft.rules[s->nft.n_rules];
        *x = *r;
        if (dup_or_null(r->chain, &x->chain) < 0)
                return -ENOMEM;
        if (dup_or_null(r->key, &x->key) < 0) {
                free(x->chain);
                return -ENOMEM;
        }
        x->raw = NULL;
        x->raw_len = 0;
        if (r->raw && r->raw_len > 0) {
                x->raw = malloc(r->raw_len);
                if (!x->raw) {
                        free(x->chain);
                        free(x->key);
                        return -ENOMEM;
                }
                memcpy(x->raw, r->raw, r->raw_len);
                x->raw_len = r->raw_len;
        }
        s->nft.n_rules++;
        return 0;
}

int nc_state_add_nft_table(struct nc_state *s, const struct nc_nft_table *t) {
        struct nc_nft_table *x;

        if (grow(&s->nft.tables, s->nft.n_tables, sizeof(*s->nft.tables)) < 0)
                return -ENOMEM;
        x = &s->nft.tables[s->nft.n_tables];
        *x = *t;
        if (dup_or_null(t->name, &x->name) < 0)
                return -ENOMEM;
        s->nft.n_tables++;
        return 0;
}

int nc_state_add_nft_object(struct nc_state *s, const struct nc_nft_object *o) {
        struct nc_nft_object *x;

        if (grow(&s->nft.objects, s->nft.n_objects, sizeof(*s->nft.objects)) < 0)
                return -ENOMEM;
        x = &s->nft.objects[s->nft.n_objects];
        *x = *o;
        if (dup_or_null(o->name, &x->name) < 0)
                return -ENOMEM;
        if (dup_or_null(o->type, &x->type) < 0) {
                free(x->name);
                return -ENOMEM;
        }
        s->nft.n_objects++;
        return 0;
}

int nc_state_add_nft_element(struct nc_state *s, const struct nc_nft_rule *r) {
        struct nc_nft_rule *x;

        if (grow(&s->nft.elements, s->nft.n_elements, sizeof(*s->nft.elements)) < 0)
                return -ENOMEM;
        x = &s->nft.elements[s->nft.n_elements];
        *x = *r;
        x->raw = NULL;
        x->raw_len = 0;
        if (dup_or_null(r->chain, &x->chain) < 0)
                return -ENOMEM;
        if (dup_or_null(r->key, &x->key) < 0) {
                free(x->chain);
                return -ENOMEM;
        }
        s->nft.n_elements++;
        return 0;
}

int nc_state_add_nft_forward_drop(struct nc_state *s, const struct nc_nft_forward_drop *d) {
        struct nc_nft_forward_drop *x;

        if (grow(&s->nft.forward_drops, s->nft.n_forward_drops, sizeof(*s->nft.forward_drops)) < 0)
                return -ENOMEM;
        x = &s->nft.forward_drops[s->nft.n_forward_drops];
        *x = *d;
        if (dup_or_null(d->table, &x->table) < 0)
                return -ENOMEM;
        if (dup_or_null(d->chain, &x->chain) < 0) {
                free(x->table);
                return -ENOMEM;
        }
        s->nft.n_forward_drops++;
        return 0;
}

static int table_compare(const void *a, const void *b) {
        return strcmp(((const struct nc_nft_table *) a)->name, ((const struct nc_nft_table *) b)->name);
}

const struct nc_nft_table *nc_nft_find_table(const struct nc_nft *t, const char *name) {
        struct nc_nft_table key = { .name = (char *) name };

        if (!name || t->n_tables == 0)
                return NULL;
        return bsearch(&key, t->tables, t->n_tables, sizeof(*t->tables), table_compare);
}

static int chain_name_compare(const void *key, const void *c) {
        return strcmp(key, ((const struct nc_nft_chain *) c)->name);
}

/* bsearch() is never given an empty (maybe NULL) array. */
const struct nc_nft_chain *nc_nft_find_chain(const struct nc_nft *t, const char *name) {
        if (t->n_chains == 0)
                return NULL;
        return bsearch(name, t->chains, t->n_chains, sizeof(*t->chains), chain_name_compare);
}

bool nc_nft_rule_equal(const struct nc_nft_rule *a, const struct nc_nft_rule *b) {
        /* v6 is part of every kind: RETURN and DROP have it false on both
         * sides, so it costs them nothing. */
        if (a->kind != b->kind || a->kind == NC_RULE_OTHER || a->v6 != b->v6)
                return false;
        switch (a->kind) {
        case NC_RULE_MASQUERADE:
                return a->saddr == b->saddr && a->saddr_len == b->saddr_len && nc_ipv6_equal(&a->saddr6, &b->saddr6) &&
                       strcmp(a->oifname, b->oifname) == 0;
        case NC_RULE_JUMP:
                return a->not_loopback == b->not_loopback && a->ipv4_only == b->ipv4_only &&
                       strcmp(a->target, b->target) == 0;
        case NC_RULE_RETURN:
                return strcmp(a->iifname, b->iifname) == 0;
        case NC_RULE_DNAT:
                return a->daddr == b->daddr && nc_ipv6_equal(&a->daddr6, &b->daddr6) && a->proto == b->proto &&
                       a->dport == b->dport && a->to_addr == b->to_addr && nc_ipv6_equal(&a->to_addr6, &b->to_addr6) &&
                       a->to_port == b->to_port;
        case NC_RULE_DROP:
                return strcmp(a->iifname, b->iifname) == 0 && strcmp(a->oifname, b->oifname) == 0;
        case NC_RULE_DNAT_MAP:
                return a->proto == b->proto && a->by_addr == b->by_addr && strcmp(a->target, b->target) == 0;
        case NC_RULE_HAIRPIN:
                return a->saddr == b->saddr && a->saddr_len == b->saddr_len && nc_ipv6_equal(&a->saddr6, &b->saddr6) &&
                       a->ct_dnat == b->ct_dnat && strcmp(a->oifname, b->oifname) == 0;
        case NC_RULE_GUARD:
                return strcmp(a->iifname, b->iifname) == 0;
        case NC_RULE_FILTER:
                return a->ifgroup == b->ifgroup && strcmp(a->oifname, b->oifname) == 0;
        case NC_RULE_INTERNAL:
                return a->ifgroup == b->ifgroup && strcmp(a->iifname, b->iifname) == 0;
        default:
                return false;
        }
}

static int cmp_u32(uint32_t a, uint32_t b) {
        return (a > b) - (a < b);
}

int nc_link_key_compare(const struct nc_link *x, const struct nc_link *y) {
        int r = strcmp(x->netns, y->netns);

        return r != 0 ? r : strcmp(x->name, y->name);
}

static int link_compare(const void *a, const void *b) {
        return nc_link_key_compare(a, b);
}

int nc_address_key_compare(const struct nc_address *x, const struct nc_address *y) {
        int r = strcmp(x->netns, y->netns);

        if (r == 0)
                r = strcmp(x->ifname, y->ifname);
        if (r == 0)
                r = cmp_u32(x->v6, y->v6);
        if (r == 0)
                r = x->v6 ? nc_ipv6_compare(&x->address6, &y->address6) : cmp_u32(x->address, y->address);
        return r != 0 ? r : cmp_u32(x->prefixlen, y->prefixlen);
}

static int address_compare(const void *a, const void *b) {
        return nc_address_key_compare(a, b);
}

int nc_route_netns_compare(const struct nc_route *x, const struct nc_route *y) {
        return strcmp(x->netns, y->netns);
}

static int route_compare(const void *a, const void *b) {
        const struct nc_route *x = a, *y = b;
        int r = nc_route_netns_compare(x, y);

        if (r == 0)
                r = cmp_u32(x->v6, y->v6);
        if (r == 0)
                r = x->v6 ? nc_ipv6_compare(&x->dst6, &y->dst6) : cmp_u32(x->dst, y->dst);
        if (r == 0)
                r = cmp_u32(x->dst_len, y->dst_len);
        if (r == 0)
                r = x->v6 ? nc_ipv6_compare(&x->gateway6, &y->gateway6) : cmp_u32(x->gateway, y->gateway);
        return r != 0 ? r : strcmp(x->ifname, y->ifname);
}

int nc_fdb_key_compare(const struct nc_fdb *x, const struct nc_fdb *y) {
        int r = strcmp(x->netns, y->netns);

        if (r == 0)
                r = strcmp(x->ifname, y->ifname);
        if (r == 0)
                r = memcmp(x->mac, y->mac, sizeof(x->mac));
        if (r == 0)
                r = cmp_u32(x->v6, y->v6);
        if (r == 0)
                r = x->v6 ? nc_ipv6_compare(&x->dst6, &y->dst6) : cmp_u32(x->dst, y->dst);
        return r;
}

static int fdb_compare(const void *a, const void *b) {
        return nc_fdb_key_compare(a, b);
}

static int namespace_compare(const void *a, const void *b) {
        return strcmp(((const struct nc_namespace *) a)->netns, ((const struct nc_namespace *) b)->netns);
}

int nc_nft_chain_key_compare(const struct nc_nft_chain *a, const struct nc_nft_chain *b) {
        return strcmp(a->name, b->name);
}

static int chain_compare(const void *a, const void *b) {
        return nc_nft_chain_key_compare(a, b);
}

int nc_nft_rule_key_compare(const struct nc_nft_rule *x, const struct nc_nft_rule *y) {
        int r = strcmp(x->chain, y->chain);

        if (r != 0)
                return r;
        if (!x->key != !y->key)
                return x->key ? -1 : 1;
        return x->key ? strcmp(x->key, y->key) : 0;
}

int nc_state_add_nft_drop_rule(struct nc_state *s, const struct nc_nft_drop_rule *d) {
        struct nc_nft_drop_rule *x;

        if (grow(&s->nft.drop_rules, s->nft.n_drop_rules, sizeof(*s->nft.drop_rules)) < 0)
                return -ENOMEM;
        x = &s->nft.drop_rules[s->nft.n_drop_rules];
        *x = (struct nc_nft_drop_rule) { .family = d->family, .handle = d->handle, .reject = d->reject,
                                         .saddr = d->saddr, .saddr_len = d->saddr_len,
                                         .daddr = d->daddr, .daddr_len = d->daddr_len };
        if (dup_or_null(d->table, &x->table) < 0 || dup_or_null(d->chain, &x->chain) < 0 ||
            dup_or_null(d->iifname, &x->iifname) < 0 || dup_or_null(d->oifname, &x->oifname) < 0 ||
            dup_or_null(d->ct_state, &x->ct_state) < 0) {
                free(x->table);
                free(x->chain);
                free(x->iifname);
                free(x->oifname);
                return -ENOMEM;
        }
        s->nft.n_drop_rules++;
        return 0;
}

static int listener_compare(const void *a, const void *b) {
        const struct nc_listener *x = a, *y = b;
        int r;

        if (x->proto != y->proto)
                return x->proto < y->proto ? -1 : 1;
        r = nc_ipv6_compare(&x->address, &y->address);
        if (r != 0)
                return r;
        if (x->port != y->port)
                return x->port < y->port ? -1 : 1;
        return (int) x->v6only - (int) y->v6only;
}

int nc_state_add_listener(struct nc_state *s, const struct nc_listener *l) {
        /* SO_REUSEPORT groups are several sockets on one address. */
        for (size_t i = 0; i < s->n_listeners; i++)
                if (listener_compare(&s->listeners[i], l) == 0)
                        return 0;
        if (grow(&s->listeners, s->n_listeners, sizeof(*s->listeners)) < 0)
                return -ENOMEM;
        s->listeners[s->n_listeners++] = *l;
        return 0;
}

static int rule_compare(const void *a, const void *b) {
        const struct nc_nft_rule *x = a, *y = b;
        int r = nc_nft_rule_key_compare(x, y);

        return r != 0 ? r : (x->handle > y->handle) - (x->handle < y->handle);
}

static int object_compare(const void *a, const void *b) {
        const struct nc_nft_object *x = a, *y = b;

        if (x->kind != y->kind)
                return x->kind < y->kind ? -1 : 1;
        return strcmp(x->name, y->name);
}

static int forward_drop_compare(const void *a, const void *b) {
        const struct nc_nft_forward_drop *x = a, *y = b;
        int r = strcmp(nc_nft_family_to_string(x->family), nc_nft_family_to_string(y->family));

        if (r == 0)
                r = strcmp(x->table, y->table);
        return r != 0 ? r : strcmp(x->chain, y->chain);
}

static int drop_rule_compare(const void *a, const void *b) {
        const struct nc_nft_drop_rule *x = a, *y = b;
        int r = strcmp(nc_nft_family_to_string(x->family), nc_nft_family_to_string(y->family));

        if (r == 0)
                r = strcmp(x->table, y->table);
        if (r == 0)
                r = strcmp(x->chain, y->chain);
        return r != 0 ? r : (x->handle > y->handle) - (x->handle < y->handle);
}

void nc_state_sort(struct nc_state *s) {
        nc_sort_unless_sorted(s->nft.drop_rules, s->nft.n_drop_rules, sizeof(*s->nft.drop_rules), drop_rule_compare);
        nc_sort_unless_sorted(s->listeners, s->n_listeners, sizeof(*s->listeners), listener_compare);
        nc_sort_unless_sorted(s->nft.forward_drops, s->nft.n_forward_drops, sizeof(*s->nft.forward_drops),
                              forward_drop_compare);
        nc_sort_unless_sorted(s->nft.objects, s->nft.n_objects, sizeof(*s->nft.objects), object_compare);
        nc_sort_unless_sorted(s->nft.chains, s->nft.n_chains, sizeof(*s->nft.chains), chain_compare);
        nc_sort_unless_sorted(s->nft.rules, s->nft.n_rules, sizeof(*s->nft.rules), rule_compare);
        nc_sort_unless_sorted(s->nft.elements, s->nft.n_elements, sizeof(*s->nft.elements), rule_compare);
        nc_sort_unless_sorted(s->nft.tables, s->nft.n_tables, sizeof(*s->nft.tables), table_compare);
        nc_sort_unless_sorted(s->links, s->n_links, sizeof(*s->links), link_compare);
        nc_sort_unless_sorted(s->addresses, s->n_addresses, sizeof(*s->addresses), address_compare);
        nc_sort_unless_sorted(s->routes, s->n_routes, sizeof(*s->routes), route_compare);
        nc_sort_unless_sorted(s->namespaces, s->n_namespaces, sizeof(*s->namespaces), namespace_compare);
        nc_sort_unless_sorted(s->fdb, s->n_fdb, sizeof(*s->fdb), fdb_compare);
}

const struct nc_link *nc_state_find_link(const struct nc_state *s, const char *netns, const char *name) {
        struct nc_link key = { .netns = (char *) netns };

        if (s->n_links == 0 || strlen(name) >= NC_IFNAMSIZ)
                return NULL;
        strcpy(key.name, name);
        return bsearch(&key, s->links, s->n_links, sizeof(*s->links), link_compare);
}

const struct nc_namespace *nc_state_find_namespace(const struct nc_state *s, const char *netns) {
        struct nc_namespace key = { .netns = (char *) netns };

        if (s->n_namespaces == 0)
                return NULL;
        return bsearch(&key, s->namespaces, s->n_namespaces, sizeof(*s->namespaces), namespace_compare);
}

size_t nc_state_routes_of(const struct nc_state *s, const char *netns, const struct nc_route **ret) {
        size_t lo = 0, hi = s->n_routes, n = 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (strcmp(s->routes[mid].netns, netns) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        while (lo + n < s->n_routes && strcmp(s->routes[lo + n].netns, netns) == 0)
                n++;
        *ret = s->routes + lo;
        return n;
}

char *nc_alias_bridge(void) {
        return strdup(NC_ALIAS_PREFIX "bridge");
}

/* "PREFIX a b[ c]", built directly: planning makes two for every
 * container, and asprintf() was most of their cost. */
static char *alias_join(const char *prefix, const char *a, const char *b, const char *c) {
        const char *parts[] = { prefix, a, " ", b, c ? " " : "", c ? c : "" };
        size_t len = 0;
        char *s, *p;

        for (size_t i = 0; i < ELEMENTSOF(parts); i++)
                len += strlen(parts[i]);
        s = p = malloc(len + 1);
        if (!s)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(parts); i++)
                p = stpcpy(p, parts[i]);
        return s;
}

char *nc_alias_host_end(const char *container, const char *bridge, const char *netns) {
        return alias_join(NC_ALIAS_PREFIX "veth ", container, bridge, netns);
}

char *nc_alias_peer_end(const char *container, const char *bridge) {
        return alias_join(NC_ALIAS_PREFIX "peer ", container, bridge, NULL);
}

char *nc_alias_vxlan(const char *bridge) {
        char *s = malloc(strlen(NC_ALIAS_PREFIX "vxlan ") + strlen(bridge) + 1);

        if (s)
                stpcpy(stpcpy(s, NC_ALIAS_PREFIX "vxlan "), bridge);
        return s;
}

/* Splits "a b rest..." into its first fields; the last takes the rest.
 * The fields are one allocation, owned by out[0]: a link keeps two or
 * three of them, and one malloc each was most of appending a link. */
static int split_fields(const char *s, char **out, size_t n) {
        char *copy = strdup(s), *p = copy;

        if (!copy)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char *sp = i + 1 < n ? strchr(p, ' ') : NULL;
                size_t len = sp ? (size_t) (sp - p) : strlen(p);

                if (len == 0 || (i + 1 < n && !sp)) {
                        free(copy);
                        return 0;       /* malformed: not ours after all */
                }
                out[i] = p;
                if (sp)
                        *sp = '\0';
                p += len + (sp ? 1 : 0);
        }
        return 1;
}

int nc_link_parse_alias(struct nc_link *l) {
        static const char host[] = NC_ALIAS_PREFIX "veth ", peer[] = NC_ALIAS_PREFIX "peer ",
                          vxlan[] = NC_ALIAS_PREFIX "vxlan ";
        char *f[3] = {};
        int r;

        l->role = NC_ROLE_NONE;
        if (!l->alias || strncmp(l->alias, NC_ALIAS_PREFIX, sizeof(NC_ALIAS_PREFIX) - 1) != 0)
                return 0;
        if (strcmp(l->alias, NC_ALIAS_PREFIX "bridge") == 0) {
                l->role = NC_ROLE_BRIDGE;
                return 0;
        }
        if (strncmp(l->alias, host, sizeof(host) - 1) == 0) {
                r = split_fields(l->alias + sizeof(host) - 1, f, 3);
                if (r > 0) {
                        l->role = NC_ROLE_HOST_END;
                        l->owner_container = f[0];
                        l->owner_bridge = f[1];
                        l->owner_netns = f[2];
                        return 0;
                }
        } else if (strncmp(l->alias, peer, sizeof(peer) - 1) == 0) {
                r = split_fields(l->alias + sizeof(peer) - 1, f, 2);
                if (r > 0) {
                        l->role = NC_ROLE_PEER_END;
                        l->owner_container = f[0];
                        l->owner_bridge = f[1];
                        return 0;
                }
        } else if (strncmp(l->alias, vxlan, sizeof(vxlan) - 1) == 0) {
                r = split_fields(l->alias + sizeof(vxlan) - 1, f, 1);
                if (r > 0) {
                        /* The one allocation is owner_bridge's (link_done()). */
                        l->role = NC_ROLE_VXLAN;
                        l->owner_bridge = f[0];
                        return 0;
                }
        } else {
                return 0;       /* a prefix we do not know: leave it alone */
        }
        return r < 0 ? r : 0;
}

void nc_link_check_marks(struct nc_link *l) {
        enum nc_link_kind fits = l->role == NC_ROLE_BRIDGE ? NC_LINK_BRIDGE
                                 : l->role == NC_ROLE_VXLAN ? NC_LINK_VXLAN
                                                            : NC_LINK_VETH;

        if (l->role == NC_ROLE_NONE || (l->kind == fits && nc_link_group_ours(l->group)))
                return;
        /* The three owner fields are one allocation (nc_link_parse_alias()). */
        free(l->owner_container ? l->owner_container : l->owner_bridge);
        l->owner_container = l->owner_bridge = l->owner_netns = NULL;
        l->role = NC_ROLE_NONE;
}

static const char *const link_kind_table[_NC_LINK_KIND_MAX] = {
        [NC_LINK_BRIDGE] = "bridge",
        [NC_LINK_VETH] = "veth",
        [NC_LINK_LOOPBACK] = "loopback",
        [NC_LINK_OTHER] = "other",
        [NC_LINK_VXLAN] = "vxlan",
};

const char *nc_link_kind_to_string(enum nc_link_kind k) {
        return (unsigned) k < _NC_LINK_KIND_MAX ? link_kind_table[k] : NULL;
}

int nc_link_kind_from_string(const char *s) {
        for (size_t i = 0; i < _NC_LINK_KIND_MAX; i++)
                if (strcmp(s, link_kind_table[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

static const char *const rule_kind_table[_NC_RULE_KIND_MAX] = {
        [NC_RULE_OTHER] = "other",
        [NC_RULE_MASQUERADE] = "masquerade",
        [NC_RULE_JUMP] = "jump",
        [NC_RULE_RETURN] = "return",
        [NC_RULE_DNAT] = "dnat",
        [NC_RULE_DROP] = "drop",
        [NC_RULE_DNAT_MAP] = "dnat-map",
        [NC_RULE_HAIRPIN] = "hairpin",
        [NC_RULE_GUARD] = "guard",
        [NC_RULE_FILTER] = "filter",
        [NC_RULE_INTERNAL] = "internal",
};

const char *nc_rule_kind_to_string(enum nc_rule_kind k) {
        return (unsigned) k < _NC_RULE_KIND_MAX ? rule_kind_table[k] : NULL;
}

int nc_rule_kind_from_string(const char *s) {
        for (size_t i = 0; i < _NC_RULE_KIND_MAX; i++)
                if (strcmp(s, rule_kind_table[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

static const char *const object_kind_table[_NC_NFT_OBJECT_KIND_MAX] = {
        [NC_NFT_SET] = "set",
        [NC_NFT_MAP] = "map",
        [NC_NFT_FLOWTABLE] = "flowtable",
        [NC_NFT_COUNTER] = "counter",
        [NC_NFT_QUOTA] = "quota",
        [NC_NFT_CT_HELPER] = "ct-helper",
        [NC_NFT_LIMIT] = "limit",
        [NC_NFT_CONNLIMIT] = "connlimit",
        [NC_NFT_TUNNEL] = "tunnel",
        [NC_NFT_CT_TIMEOUT] = "ct-timeout",
        [NC_NFT_SECMARK] = "secmark",
        [NC_NFT_CT_EXPECT] = "ct-expectation",
        [NC_NFT_SYNPROXY] = "synproxy",
};

/* The kernel's NFT_OBJECT_* numbers (uapi nf_tables.h), by kind. */
static const uint32_t object_type_table[_NC_NFT_OBJECT_KIND_MAX] = {
        [NC_NFT_COUNTER] = 1,   [NC_NFT_QUOTA] = 2,     [NC_NFT_CT_HELPER] = 3, [NC_NFT_LIMIT] = 4,
        [NC_NFT_CONNLIMIT] = 5, [NC_NFT_TUNNEL] = 6,    [NC_NFT_CT_TIMEOUT] = 7, [NC_NFT_SECMARK] = 8,
        [NC_NFT_CT_EXPECT] = 9, [NC_NFT_SYNPROXY] = 10,
};

int nc_nft_object_kind_from_type(uint32_t type) {
        for (size_t i = 0; i < _NC_NFT_OBJECT_KIND_MAX; i++)
                if (type != 0 && object_type_table[i] == type)
                        return (int) i;
        return -EINVAL;
}

uint32_t nc_nft_object_kind_type(enum nc_nft_object_kind k) {
        return (unsigned) k < _NC_NFT_OBJECT_KIND_MAX ? object_type_table[k] : 0;
}

const char *nc_nft_object_kind_to_string(enum nc_nft_object_kind k) {
        return (unsigned) k < _NC_NFT_OBJECT_KIND_MAX ? object_kind_table[k] : NULL;
}

int nc_nft_object_kind_from_string(const char *s) {
        for (size_t i = 0; i < _NC_NFT_OBJECT_KIND_MAX; i++)
                if (strcmp(s, object_kind_table[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

static const char *const hook_table[] = {
        [NC_HOOK_PREROUTING] = "prerouting",
        [NC_HOOK_INPUT] = "input",
        [NC_HOOK_FORWARD] = "forward",
        [NC_HOOK_OUTPUT] = "output",
        [NC_HOOK_POSTROUTING] = "postrouting",
};

const char *nc_nft_hook_to_string(enum nc_nft_hook h) {
        if (h == NC_HOOK_NONE)
                return "none";
        return (unsigned) h < sizeof(hook_table) / sizeof(hook_table[0]) ? hook_table[h] : NULL;
}

int nc_nft_hook_from_string(const char *s) {
        if (strcmp(s, "none") == 0)
                return NC_HOOK_NONE;
        for (size_t i = 0; i < sizeof(hook_table) / sizeof(hook_table[0]); i++)
                if (strcmp(s, hook_table[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

static const char *const family_table[_NC_NFT_FAMILY_MAX] = {
        [NC_NFT_FAMILY_IP] = "ip",
        [NC_NFT_FAMILY_IP6] = "ip6",
        [NC_NFT_FAMILY_INET] = "inet",
};

const char *nc_nft_family_to_string(enum nc_nft_family f) {
        return (unsigned) f < _NC_NFT_FAMILY_MAX ? family_table[f] : "?";
}

int nc_nft_family_from_string(const char *s) {
        for (size_t i = 0; i < _NC_NFT_FAMILY_MAX; i++)
                if (strcmp(s, family_table[i]) == 0)
                        return (int) i;
        return -EINVAL;
}
