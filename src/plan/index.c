/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"

/* Hash lookups for lowering and the differ's cross-references (a veth's
 * other end, the link an address or route is on, a namespace; the differ
 * pairs objects by merging, merge.c). Lowering looks up the links and
 * address runs a container holds. Keyed by the strings, every probe read the element and then the
 * netns string it points to, both anywhere on the heap: those cache
 * misses were a third of the wall time of planning 10,000 containers.
 * So namespaces become small numbers first (struct nc_netns_ids, shared by
 * both states), and each state gets a compact copy of its keys: a lookup
 * hashes an integer and 16 bytes and compares 20 bytes in one array. The
 * states stay the sorted arrays they are; an index only maps a key to the
 * first element with it (the start of its run).
 *
 * Pairing the two states is a merge (merge.c) and needs no index; these
 * lookups are for what one object names of another. Measured when the
 * diff became a merge: with a binary search of the sorted links
 * (nc_state_find_link()) for them instead, planning 10,000 containers
 * against a converged snapshot took 1.13 times the CPU (farm-bench -n 15,
 * medians 0.119 s and 0.107 s). */

static uint64_t hash_string(const char *s) {
        uint64_t h = 14695981039346656037ull;

        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ull;
        return h ^ (h >> 29);
}

static uint64_t hash_key(const struct nc_name_key *k) {
        uint64_t a, b, h;

        memcpy(&a, k->name, sizeof(a));
        memcpy(&b, k->name + sizeof(a), sizeof(b));
        h = (a ^ k->netns) * 0x9e3779b97f4a7c15ull;
        h = (h ^ (h >> 32) ^ b) * 0xc2b2ae3d27d4eb4full;
        return h ^ (h >> 29);
}

/* A slot keeps the high half of its key's hash beside the element: a probe
 * compares keys only when those agree. */
static uint32_t fingerprint(uint64_t h) {
        return (uint32_t) (h >> 32);
}

static int slots_alloc(struct nc_index_slot **slots, size_t *mask, size_t n) {
        size_t cap = 16;

        if (n >= UINT32_MAX / 2)
                return -ENOMEM;
        while (cap < 2 * n)
                cap *= 2;
        *slots = calloc(cap, sizeof(**slots));
        if (!*slots)
                return -ENOMEM;
        *mask = cap - 1;
        return 0;
}

static void name_key_set(struct nc_name_key *k, uint32_t netns, const char *name) {
        /* Zero-padded, so that keys compare and hash as plain bytes. */
        *k = (struct nc_name_key) { .netns = netns };
        memcpy(k->name, name, strnlen(name, sizeof(k->name) - 1));
}

static bool name_key_equal(const struct nc_name_key *a, const struct nc_name_key *b) {
        return a->netns == b->netns && memcmp(a->name, b->name, sizeof(a->name)) == 0;
}

int nc_netns_ids_init(struct nc_netns_ids *t) {
        uint32_t id;

        *t = (struct nc_netns_ids) {};
        if (slots_alloc(&t->slots, &t->mask, 512) < 0)
                return -ENOMEM;
        /* The host namespace is always NC_NETNS_HOST. */
        return nc_netns_ids_intern(t, "", &id);
}

void nc_netns_ids_done(struct nc_netns_ids *t) {
        free(t->slots);
        free(t->names);
        *t = (struct nc_netns_ids) {};
}

static int ids_rehash(struct nc_netns_ids *t) {
        struct nc_index_slot *slots;
        size_t mask;

        if (slots_alloc(&slots, &mask, 2 * t->n) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < t->n; i++) {
                uint64_t h = hash_string(t->names[i]);
                size_t k;

                for (k = h & mask; slots[k].element; k = (k + 1) & mask)
                        ;
                slots[k] = (struct nc_index_slot) { .fingerprint = fingerprint(h), .element = (uint32_t) i + 1 };
        }
        free(t->slots);
        t->slots = slots;
        t->mask = mask;
        return 0;
}

/* The slot holding netns, or the empty one where it would go. */
static size_t ids_probe(const struct nc_netns_ids *t, const char *netns, uint64_t h) {
        uint32_t fp = fingerprint(h);
        size_t k;

        for (k = h & t->mask; t->slots[k].element; k = (k + 1) & t->mask)
                if (t->slots[k].fingerprint == fp && strcmp(t->names[t->slots[k].element - 1], netns) == 0)
                        break;
        return k;
}

uint32_t nc_netns_ids_find(const struct nc_netns_ids *t, const char *netns) {
        size_t k = ids_probe(t, netns, hash_string(netns));

        return t->slots[k].element ? t->slots[k].element - 1 : NC_NETNS_NONE;
}

int nc_netns_ids_intern(struct nc_netns_ids *t, const char *netns, uint32_t *ret) {
        uint64_t h = hash_string(netns);
        size_t k = ids_probe(t, netns, h);

        if (t->slots[k].element) {
                *ret = t->slots[k].element - 1;
                return 0;
        }
        if (nc_grow(&t->names, &t->cap, t->n + 1, sizeof(*t->names)) < 0)
                return -ENOMEM;
        t->names[t->n] = netns;
        t->slots[k] = (struct nc_index_slot) { .fingerprint = fingerprint(h), .element = (uint32_t) t->n + 1 };
        *ret = (uint32_t) t->n++;
        /* At most half full. */
        return 2 * t->n > t->mask ? ids_rehash(t) : 0;
}

/* Interns the netns of n elements of size sz (the string pointer at
 * offset off) into ids[]. Sorted states name one namespace many times in
 * a row; those reuse the last id without a probe. */
static int intern_all(struct nc_netns_ids *t, const void *base, size_t n, size_t sz, size_t off, uint32_t *ids) {
        const char *last = NULL;
        uint32_t last_id = NC_NETNS_NONE;

        for (size_t i = 0; i < n; i++) {
                const char *netns = *(char *const *) ((const char *) base + i * sz + off);
                int r;

                if (!netns) {
                        ids[i] = NC_NETNS_NONE;
                        continue;
                }
                if (!last || strcmp(last, netns) != 0) {
                        r = nc_netns_ids_intern(t, netns, &last_id);
                        if (r < 0)
                                return r;
                        last = netns;
                }
                ids[i] = last_id;
        }
        return 0;
}

static int key_index_init(struct nc_key_index *ix, const struct nc_name_key *keys, size_t n) {
        *ix = (struct nc_key_index) { .keys = keys };
        if (slots_alloc(&ix->slots, &ix->mask, n) < 0)
                return -ENOMEM;
        /* In array order, keeping the first of equal keys: the start of a
         * run in a sorted array. */
        for (size_t i = 0; i < n; i++) {
                uint64_t h = hash_key(&keys[i]);
                uint32_t fp = fingerprint(h);
                size_t k;

                for (k = h & ix->mask; ix->slots[k].element; k = (k + 1) & ix->mask)
                        if (ix->slots[k].fingerprint == fp && name_key_equal(&keys[ix->slots[k].element - 1], &keys[i]))
                                break;
                if (!ix->slots[k].element)
                        ix->slots[k] = (struct nc_index_slot) { .fingerprint = fp, .element = (uint32_t) i + 1 };
        }
        return 0;
}

/* The first element with the key, or SIZE_MAX. */
static size_t key_index_find(const struct nc_key_index *ix, const struct nc_name_key *key) {
        uint64_t h = hash_key(key);
        uint32_t fp = fingerprint(h);

        for (size_t k = h & ix->mask; ix->slots[k].element; k = (k + 1) & ix->mask)
                if (ix->slots[k].fingerprint == fp && name_key_equal(&ix->keys[ix->slots[k].element - 1], key))
                        return ix->slots[k].element - 1;
        return SIZE_MAX;
}

static int index_links(struct nc_state_index *ix, struct nc_netns_ids *ids) {
        const struct nc_state *s = ix->s;
        uint32_t *ns = calloc(s->n_links + 1, sizeof(*ns));
        int r;

        ix->link_peer_ns = calloc(s->n_links + 1, sizeof(*ix->link_peer_ns));
        ix->link_keys = calloc(s->n_links + 1, sizeof(*ix->link_keys));
        if (!ns || !ix->link_peer_ns || !ix->link_keys) {
                free(ns);
                return -ENOMEM;
        }
        r = intern_all(ids, s->links, s->n_links, sizeof(*s->links), offsetof(struct nc_link, netns), ns);
        if (r >= 0)
                r = intern_all(ids, s->links, s->n_links, sizeof(*s->links), offsetof(struct nc_link, peer_netns),
                               ix->link_peer_ns);
        for (size_t i = 0; r >= 0 && i < s->n_links; i++)
                name_key_set(&ix->link_keys[i], ns[i], s->links[i].name);
        free(ns);
        return r < 0 ? r : key_index_init(&ix->links, ix->link_keys, s->n_links);
}

static int index_addresses(struct nc_state_index *ix, struct nc_netns_ids *ids) {
        const struct nc_state *s = ix->s;
        uint32_t *ns = calloc(s->n_addresses + 1, sizeof(*ns));
        int r;

        ix->address_keys = calloc(s->n_addresses + 1, sizeof(*ix->address_keys));
        if (!ns || !ix->address_keys) {
                free(ns);
                return -ENOMEM;
        }
        r = intern_all(ids, s->addresses, s->n_addresses, sizeof(*s->addresses), offsetof(struct nc_address, netns),
                       ns);
        for (size_t i = 0; r >= 0 && i < s->n_addresses; i++)
                name_key_set(&ix->address_keys[i], ns[i], s->addresses[i].ifname);
        free(ns);
        return r < 0 ? r : key_index_init(&ix->addresses, ix->address_keys, s->n_addresses);
}

static int index_routes(struct nc_state_index *ix, struct nc_netns_ids *ids) {
        const struct nc_state *s = ix->s;

        ix->route_ns = calloc(s->n_routes + 1, sizeof(*ix->route_ns));
        if (!ix->route_ns)
                return -ENOMEM;
        return intern_all(ids, s->routes, s->n_routes, sizeof(*s->routes), offsetof(struct nc_route, netns),
                          ix->route_ns);
}

static int index_namespaces(struct nc_state_index *ix, struct nc_netns_ids *ids) {
        const struct nc_state *s = ix->s;
        uint32_t *ns;
        int r;

        ns = ix->namespace_ns = calloc(s->n_namespaces + 1, sizeof(*ns));
        if (!ns)
                return -ENOMEM;
        r = intern_all(ids, s->namespaces, s->n_namespaces, sizeof(*s->namespaces),
                       offsetof(struct nc_namespace, netns), ns);
        if (r < 0)
                return r;
        /* Every id is known now: the table by id can be sized. */
        ix->n_ids = ids->n;
        ix->namespace_of = calloc(ix->n_ids + 1, sizeof(*ix->namespace_of));
        if (!ix->namespace_of)
                return -ENOMEM;
        for (size_t i = s->n_namespaces; i-- > 0;)
                if (ns[i] != NC_NETNS_NONE)
                        ix->namespace_of[ns[i]] = (uint32_t) i + 1;     /* the first wins */
        return 0;
}

int nc_state_index_init(struct nc_state_index *ix, const struct nc_state *s, struct nc_netns_ids *ids) {
        *ix = (struct nc_state_index) { .s = s };
        if (s->n_links >= UINT32_MAX / 2 || s->n_addresses >= UINT32_MAX / 2 || s->n_routes >= UINT32_MAX / 2 ||
            s->n_namespaces >= UINT32_MAX / 2 || index_links(ix, ids) < 0 || index_addresses(ix, ids) < 0 ||
            index_routes(ix, ids) < 0 || index_namespaces(ix, ids) < 0) {
                nc_state_index_done(ix);
                return -ENOMEM;
        }
        return 0;
}

void nc_state_index_done(struct nc_state_index *ix) {
        free(ix->links.slots);
        free(ix->addresses.slots);
        free(ix->link_peer_ns);
        free(ix->link_keys);
        free(ix->address_keys);
        free(ix->route_ns);
        free(ix->namespace_ns);
        free(ix->namespace_of);
        *ix = (struct nc_state_index) {};
}

const struct nc_link *nc_state_index_link(const struct nc_state_index *ix, uint32_t netns, const char *name) {
        struct nc_name_key key;
        size_t i;

        if (netns == NC_NETNS_NONE)
                return NULL;
        name_key_set(&key, netns, name);
        i = key_index_find(&ix->links, &key);
        return i == SIZE_MAX ? NULL : &ix->s->links[i];
}

const struct nc_namespace *nc_state_index_namespace(const struct nc_state_index *ix, uint32_t netns) {
        if (netns >= ix->n_ids || !ix->namespace_of[netns])
                return NULL;
        return &ix->s->namespaces[ix->namespace_of[netns] - 1];
}

size_t nc_state_index_addresses(const struct nc_state_index *ix, uint32_t netns, const char *ifname,
                                const struct nc_address **ret) {
        struct nc_name_key key;
        size_t i, n = 0;

        if (netns == NC_NETNS_NONE)
                return 0;
        name_key_set(&key, netns, ifname);
        i = key_index_find(&ix->addresses, &key);
        if (i == SIZE_MAX)
                return 0;
        while (i + n < ix->s->n_addresses && name_key_equal(&ix->address_keys[i + n], &key))
                n++;
        *ret = &ix->s->addresses[i];
        return n;
}
