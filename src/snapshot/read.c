/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "netconverge/snapshot.h"
#include "util/cleanup.h"
#include "util/misspell.h"
#include "util/readfile.h"
#include "util/strbuf.h"

/* Reads what nc_snapshot_write() writes, strictly: a snapshot is the
 * planner's whole view of a host, so a typo must not silently become "no
 * such link". Problems are reported like the configuration loader's, all
 * of them in one run, each with its position. */

enum field_type {
        FIELD_NETNS,            /* char *: "" (the host) or a netns value */
        FIELD_IFNAME,           /* char[NC_IFNAMSIZ] */
        FIELD_ALIAS,            /* char * */
        FIELD_KIND,             /* enum nc_link_kind */
        FIELD_UINT,             /* unsigned, 0 to max */
        FIELD_BOOL,             /* bool */
        FIELD_MAC,              /* uint8_t[6] */
        FIELD_ADDRESS,          /* uint32_t at offset, unsigned prefix length at offset2 */
        FIELD_PREFIX,           /* the same, without host bits */
        FIELD_IPV4,             /* uint32_t */
        FIELD_STRING,           /* char *: a table, chain or rule key, 1 to 255 bytes */
        FIELD_TARGET,           /* char[32]: the chain a rule jumps to */
        FIELD_HOOK,             /* enum nc_nft_hook: a name, none, or the kernel's number */
        FIELD_INT,              /* int */
        FIELD_RULE_KIND,        /* enum nc_rule_kind */
        FIELD_PROTO,            /* enum nc_proto */
        FIELD_PORT,             /* uint16_t */
        FIELD_HOSTPORT,         /* "ADDRESS:PORT": uint32_t at offset, uint16_t at offset2 */
};

struct field {
        const char *key;
        enum field_type type;
        bool required;
        size_t offset, offset2;
        unsigned max;
};

/* One entry being read, before it is appended to the state. */
union entry {
        struct nc_namespace ns;
        struct nc_link link;
        struct nc_address address;
        struct nc_route route;
        struct nc_nft_chain chain;
        struct nc_nft_rule rule;
};

/* An object's identity and where it was written, to find duplicates. */
struct seen {
        const char *netns, *name;       /* node values: the document outlives them */
        struct nc_origin at;
        size_t index;                   /* in its list: the diagnostic path */
};

struct seen_list {
        struct seen *v;
        size_t n, cap;
};

struct reader {
        struct nc_diags *d;
        struct nc_state *s;
        struct seen_list links, namespaces, chains;
        size_t n_rules;                 /* read so far: the next rule's stand-in handle */
};

struct section {
        const char *key;
        const char *what;               /* "link", for messages */
        const struct field *fields;
        size_t n_fields;
        /* Cross-field checks, then appends e; index is the entry's place in
         * its list, path its diagnostic path. 0 when reported. */
        int (*add)(struct reader *rd, const struct nc_ynode *n, size_t index, const char *path, union entry *e);
};

#define F(k, t, req, member) { .key = k, .type = t, .required = req, .offset = offsetof(union entry, member) }

static const struct field namespace_fields[] = {
        F("netns", FIELD_NETNS, true, ns.netns),
        F("exists", FIELD_BOOL, true, ns.exists),
};

static const struct field link_fields[] = {
        F("netns", FIELD_NETNS, true, link.netns),
        F("name", FIELD_IFNAME, true, link.name),
        F("kind", FIELD_KIND, true, link.kind),
        { .key = "mtu", .type = FIELD_UINT, .required = true, .offset = offsetof(union entry, link.mtu),
          .max = UINT32_MAX },
        F("mac", FIELD_MAC, false, link.mac),
        F("up", FIELD_BOOL, false, link.up),
        F("master", FIELD_IFNAME, false, link.master),
        F("alias", FIELD_ALIAS, false, link.alias),
        F("peer_netns", FIELD_NETNS, false, link.peer_netns),
        F("peer", FIELD_IFNAME, false, link.peer_name),
};

static const struct field address_fields[] = {
        F("netns", FIELD_NETNS, true, address.netns),
        F("dev", FIELD_IFNAME, true, address.ifname),
        { .key = "address", .type = FIELD_ADDRESS, .required = true, .offset = offsetof(union entry, address.address),
          .offset2 = offsetof(union entry, address.prefixlen) },
};

static const struct field route_fields[] = {
        F("netns", FIELD_NETNS, true, route.netns),
        { .key = "dst", .type = FIELD_PREFIX, .required = true, .offset = offsetof(union entry, route.dst),
          .offset2 = offsetof(union entry, route.dst_len) },
        F("via", FIELD_IPV4, false, route.gateway),
        F("dev", FIELD_IFNAME, false, route.ifname),
        { .key = "protocol", .type = FIELD_UINT, .required = true, .offset = offsetof(union entry, route.protocol),
          .max = 255 },
};

static const struct field chain_fields[] = {
        F("name", FIELD_STRING, true, chain.name),
        F("hook", FIELD_HOOK, true, chain.hook),
        F("type", FIELD_STRING, false, chain.type),
        F("priority", FIELD_INT, false, chain.priority),
        F("policy_drop", FIELD_BOOL, false, chain.policy_drop),
};

static const struct field rule_fields[] = {
        F("chain", FIELD_STRING, true, rule.chain),
        F("key", FIELD_STRING, false, rule.key),
        F("kind", FIELD_RULE_KIND, true, rule.kind),
        { .key = "saddr", .type = FIELD_PREFIX, .offset = offsetof(union entry, rule.saddr),
          .offset2 = offsetof(union entry, rule.saddr_len) },
        F("oifname", FIELD_IFNAME, false, rule.oifname),
        F("iifname", FIELD_IFNAME, false, rule.iifname),
        F("target", FIELD_TARGET, false, rule.target),
        F("not_loopback", FIELD_BOOL, false, rule.not_loopback),
        F("protocol", FIELD_PROTO, false, rule.proto),
        F("daddr", FIELD_IPV4, false, rule.daddr),
        F("dport", FIELD_PORT, false, rule.dport),
        { .key = "to", .type = FIELD_HOSTPORT, .offset = offsetof(union entry, rule.to_addr),
          .offset2 = offsetof(union entry, rule.to_port) },
};

#undef F

__attribute__((format(printf, 4, 5)))
static void report(struct reader *rd, struct nc_origin at, const char *path, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        nc_diags_vadd(rd->d, at, path, fmt, ap);
        va_end(ap);
}


static bool is_string(const struct nc_ynode *n) {
        return n->kind == NC_YNODE_SCALAR && !nc_ynode_is_null(n);
}

static int parse_uint(const char *s, unsigned max, unsigned *ret) {
        unsigned long long v = 0;

        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned) (*s - '0');
                if (v > max)
                        return -ERANGE;
        }
        *ret = (unsigned) v;
        return 0;
}

/* Interface names as the kernel keeps them: the snapshot records any
 * link, so only what our types cannot hold is refused. */
static const char *ifname_invalid(const char *s) {
        if (!*s)
                return "is empty";
        if (strlen(s) >= NC_IFNAMSIZ)
                return "is longer than 15 bytes";
        return NULL;
}

static const char *netns_invalid(const char *s) {
        return *s ? nc_netns_invalid(s) : NULL;
}

static int read_cidr(struct reader *rd, const struct field *f, const struct nc_ynode *n, const char *path,
                     void *base) {
        char buf[64], cidr[NC_CIDR_STRLEN];
        uint32_t a;
        unsigned plen;

        if (!is_string(n) || nc_cidr_parse(n->value, &a, &plen) < 0) {
                report(rd, n->at, path, "expected an IPv4 address/prefix like 172.17.0.1/16, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        if (f->type == FIELD_PREFIX && (a & ~nc_prefix_mask(plen))) {
                report(rd, n->at, path, "%s has host bits set; did you mean %s?", n->value,
                       nc_cidr_format(a & nc_prefix_mask(plen), plen, cidr));
                return 0;
        }
        *(uint32_t *) ((char *) base + f->offset) = a;
        *(unsigned *) ((char *) base + f->offset2) = plen;
        return 1;
}

static int read_text(struct reader *rd, const struct field *f, const struct nc_ynode *n, const char *path,
                     void *base) {
        char *dst = (char *) base + f->offset, buf[64];
        const char *why = NULL;
        char *v;

        if (!is_string(n)) {
                report(rd, n->at, path, "expected a string, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        if (f->type == FIELD_IFNAME)
                why = ifname_invalid(n->value);
        else if (f->type == FIELD_NETNS)
                why = netns_invalid(n->value);
        else if ((f->type == FIELD_STRING || f->type == FIELD_TARGET) && !*n->value)
                why = "is empty";
        else if (f->type == FIELD_TARGET && strlen(n->value) >= sizeof(((union entry *) 0)->rule.target))
                why = "is longer than 31 bytes";
        else if (strlen(n->value) > 255)
                why = "is longer than the kernel's 255 bytes";
        if (why) {
                report(rd, n->at, path, "%s %s", nc_ynode_got(n, buf), why);
                return 0;
        }
        if (f->type == FIELD_IFNAME || f->type == FIELD_TARGET) {
                memcpy(dst, n->value, strlen(n->value) + 1);
                return 1;
        }
        v = strdup(n->value);
        if (!v)
                return -ENOMEM;
        *(char **) dst = v;
        return 1;
}

/* What a field of each scalar type expects, for "expected X, got Y". */
static const char *const expected_table[] = {
        [FIELD_KIND] = "bridge, veth, loopback or other",
        [FIELD_BOOL] = "true or false",
        [FIELD_MAC] = "a MAC address like 02:42:ac:11:00:02",
        [FIELD_IPV4] = "an IPv4 address like 172.17.0.1",
        [FIELD_HOOK] = "prerouting, input, forward, output, postrouting or none",
        [FIELD_INT] = "an integer",
        [FIELD_RULE_KIND] = "masquerade, jump, return, dnat, drop or other",
        [FIELD_PROTO] = "tcp or udp",
        [FIELD_PORT] = "a port from 0 to 65535",
        [FIELD_HOSTPORT] = "an address and port like 172.17.0.2:80",
};

static bool parse_int(const char *s, int *ret) {
        unsigned u;
        bool neg = *s == '-';

        if (parse_uint(s + neg, (unsigned) INT32_MAX + neg, &u) < 0)
                return false;
        *ret = neg ? (int) (0 - (int64_t) u) : (int) u;
        return true;
}

/* A hook by name, or by the kernel's number for one without a name. */
static bool parse_hook(const char *s, enum nc_nft_hook *ret) {
        int k = nc_nft_hook_from_string(s);
        unsigned u;

        if (k == -EINVAL && parse_uint(s, 7, &u) >= 0)
                k = (int) u;
        if (k == -EINVAL)
                return false;
        *ret = (enum nc_nft_hook) k;
        return true;
}

static bool parse_hostport(const char *s, uint32_t *ret_addr, uint16_t *ret_port) {
        const char *colon = strrchr(s, ':');
        char ip[NC_IPV4_STRLEN];
        unsigned port;

        if (!colon || (size_t) (colon - s) >= sizeof(ip))
                return false;
        memcpy(ip, s, (size_t) (colon - s));
        ip[colon - s] = '\0';
        if (nc_ipv4_parse(ip, ret_addr) < 0 || parse_uint(colon + 1, UINT16_MAX, &port) < 0)
                return false;
        *ret_port = (uint16_t) port;
        return true;
}

/* Scalars that are not text: true when n parses into dst. */
static bool parse_scalar(const struct field *f, const struct nc_ynode *n, void *dst) {
        unsigned u;
        int k;

        if (!is_string(n))
                return false;
        switch (f->type) {
        case FIELD_KIND:
                k = nc_link_kind_from_string(n->value);
                if (k >= 0)
                        *(enum nc_link_kind *) dst = (enum nc_link_kind) k;
                return k >= 0;
        case FIELD_UINT:
                if (parse_uint(n->value, f->max, &u) < 0)
                        return false;
                *(unsigned *) dst = u;
                return true;
        case FIELD_BOOL:
                if (strcmp(n->value, "true") != 0 && strcmp(n->value, "false") != 0)
                        return false;
                *(bool *) dst = strcmp(n->value, "true") == 0;
                return true;
        case FIELD_MAC:
                return nc_mac_parse(n->value, dst) >= 0;
        case FIELD_IPV4:
                return nc_ipv4_parse(n->value, dst) >= 0;
        case FIELD_HOOK:
                return parse_hook(n->value, dst);
        case FIELD_INT:
                return parse_int(n->value, dst);
        case FIELD_RULE_KIND:
                k = nc_rule_kind_from_string(n->value);
                if (k >= 0)
                        *(enum nc_rule_kind *) dst = (enum nc_rule_kind) k;
                return k >= 0;
        case FIELD_PROTO:
                k = nc_proto_from_string(n->value);
                if (k >= 0)
                        *(enum nc_proto *) dst = (enum nc_proto) k;
                return k >= 0;
        case FIELD_PORT:
                if (parse_uint(n->value, UINT16_MAX, &u) < 0)
                        return false;
                *(uint16_t *) dst = (uint16_t) u;
                return true;
        default:
                return false;
        }
}

/* 1 read, 0 reported, or a negative errno. */
static int read_value(struct reader *rd, const struct field *f, const struct nc_ynode *n, const char *path,
                      void *base) {
        char buf[64];

        switch (f->type) {
        case FIELD_NETNS:
        case FIELD_IFNAME:
        case FIELD_ALIAS:
        case FIELD_STRING:
        case FIELD_TARGET:
                return read_text(rd, f, n, path, base);
        case FIELD_HOSTPORT:
                if (is_string(n) && parse_hostport(n->value, (uint32_t *) ((char *) base + f->offset),
                                                   (uint16_t *) ((char *) base + f->offset2)))
                        return 1;
                break;
        case FIELD_ADDRESS:
        case FIELD_PREFIX:
                return read_cidr(rd, f, n, path, base);
        default:
                break;
        }
        if (parse_scalar(f, n, (char *) base + f->offset))
                return 1;
        if (f->type == FIELD_UINT)
                report(rd, n->at, path, "expected an integer from 0 to %u, got %s", f->max, nc_ynode_got(n, buf));
        else
                report(rd, n->at, path, "expected %s, got %s", expected_table[f->type], nc_ynode_got(n, buf));
        return 0;
}

/* Unknown keys, with a did-you-mean. */
static int check_keys(struct reader *rd, const struct nc_ynode *map, const char *path, const char *const *keys,
                      size_t n_keys) {
        for (size_t i = 0; i < map->n_pairs; i++) {
                const struct nc_ynode *k = map->pairs[i].key;
                _cleanup_free_ char *p = NULL;
                const char *hint;
                bool known = false;

                for (size_t j = 0; j < n_keys && !known; j++)
                        known = strcmp(k->value, keys[j]) == 0;
                if (known)
                        continue;
                p = nc_asprintf("%s%s%s", path, *path ? "." : "", k->value);
                if (!p)
                        return -ENOMEM;
                hint = nc_did_you_mean(k->value, keys, n_keys);
                if (hint)
                        report(rd, k->at, p, "unknown key; did you mean '%s'?", hint);
                else
                        report(rd, k->at, p, "unknown key");
        }
        return 0;
}

static int seen_add(struct seen_list *l, const struct nc_ynode *n, size_t index, const char *name_key) {
        const struct nc_ynode *netns = nc_ynode_get(n, "netns"), *name = nc_ynode_get(n, name_key);

        if (nc_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
                return -ENOMEM;
        l->v[l->n] = (struct seen) {
                .netns = netns ? netns->value : "",     /* chains: one table, no netns */
                .name = name ? name->value : "",
                .at = n->at,
                .index = index,
        };
        l->n++;
        return 0;
}

static int seen_compare(const void *a, const void *b) {
        const struct seen *x = a, *y = b;
        int r = strcmp(x->netns, y->netns);

        if (r == 0)
                r = strcmp(x->name, y->name);
        return r != 0 ? r : (x->index > y->index) - (x->index < y->index);
}

/* The kernel has one link of a name per namespace: a second is a mistake. */
static void seen_check(struct reader *rd, struct seen_list *l, const char *section, const char *what) {
        if (l->n > 1)
                qsort(l->v, l->n, sizeof(*l->v), seen_compare);
        for (size_t i = 1; i < l->n; i++) {
                const struct seen *first = &l->v[i - 1], *x = &l->v[i];
                _cleanup_free_ char *p = NULL;

                if (strcmp(first->netns, x->netns) != 0 || strcmp(first->name, x->name) != 0)
                        continue;
                p = nc_asprintf("%s[%zu]", section, x->index);
                if (!p) {
                        rd->d->oom = true;
                        return;
                }
                report(rd, x->at, p, "duplicate %s (first at line %u)", what, first->at.line);
        }
}

static int add_namespace(struct reader *rd, const struct nc_ynode *n, size_t index, const char *path,
                         union entry *e) {
        if (!e->ns.netns[0]) {
                report(rd, n->at, path, "the host namespace (netns \"\") is not listed under namespaces");
                return 0;
        }
        if (seen_add(&rd->namespaces, n, index, "") < 0)
                return -ENOMEM;
        return nc_state_add_namespace(rd->s, e->ns.netns, e->ns.exists);
}

static int add_link(struct reader *rd, const struct nc_ynode *n, size_t index, const char *path, union entry *e) {
        if (!e->link.peer_netns != !e->link.peer_name[0]) {
                report(rd, n->at, path, "peer_netns and peer go together: give both or neither");
                return 0;
        }
        if (seen_add(&rd->links, n, index, "name") < 0)
                return -ENOMEM;
        return nc_state_add_link(rd->s, &e->link);
}

static int add_address(struct reader *rd, const struct nc_ynode *n, size_t index, const char *path,
                       union entry *e) {
        (void) n, (void) index, (void) path;
        return nc_state_add_address(rd->s, &e->address);
}

static int add_route(struct reader *rd, const struct nc_ynode *n, size_t index, const char *path, union entry *e) {
        (void) n, (void) index, (void) path;
        return nc_state_add_route(rd->s, &e->route);
}

static int add_chain(struct reader *rd, const struct nc_ynode *n, size_t index, const char *path,
                     union entry *e) {
        bool base = e->chain.hook != NC_HOOK_NONE;

        if (base && (!e->chain.type || !nc_ynode_get(n, "priority"))) {
                report(rd, n->at, path, "a base chain (hook %s) needs type and priority",
                       nc_ynode_get(n, "hook")->value);
                return 0;
        }
        if (!base && (e->chain.type || nc_ynode_get(n, "priority") || nc_ynode_get(n, "policy_drop"))) {
                report(rd, n->at, path, "a regular chain (hook none) has no type, priority or policy_drop");
                return 0;
        }
        if (seen_add(&rd->chains, n, index, "name") < 0)
                return -ENOMEM;
        return nc_state_add_nft_chain(rd->s, &e->chain);
}

/* The keys each kind of rule has: required, then optional. */
static const struct {
        const char *required[4];
        const char *optional[1];
} rule_kind_keys[_NC_RULE_KIND_MAX] = {
        [NC_RULE_OTHER] = { {}, {} },
        [NC_RULE_MASQUERADE] = { { "saddr", "oifname" }, {} },
        [NC_RULE_JUMP] = { { "target" }, { "not_loopback" } },
        [NC_RULE_RETURN] = { { "iifname" }, {} },
        [NC_RULE_DNAT] = { { "protocol", "daddr", "dport", "to" }, {} },
        [NC_RULE_DROP] = { { "iifname", "oifname" }, {} },
};

static bool in_list(const char *const *v, size_t n, const char *key) {
        for (size_t i = 0; i < n && v[i]; i++)
                if (strcmp(v[i], key) == 0)
                        return true;
        return false;
}

/* 1 when the keys fit the kind, 0 when reported. */
static int check_rule_keys(struct reader *rd, const struct nc_ynode *n, const char *path, enum nc_rule_kind kind) {
        const char *const *req = rule_kind_keys[kind].required, *const *opt = rule_kind_keys[kind].optional;
        const char *name = nc_rule_kind_to_string(kind);
        int ok = 1;

        for (size_t i = 0; i < ELEMENTSOF(rule_kind_keys[kind].required) && req[i]; i++)
                if (!nc_ynode_get(n, req[i])) {
                        report(rd, n->at, path, "a %s rule needs %s", name, req[i]);
                        ok = 0;
                }
        /* chain, key and kind belong to every rule; the rest to some. */
        for (size_t i = 3; i < ELEMENTSOF(rule_fields); i++) {
                const struct nc_ynode *v = nc_ynode_get(n, rule_fields[i].key);

                if (v && !in_list(req, ELEMENTSOF(rule_kind_keys[kind].required), rule_fields[i].key) &&
                    !in_list(opt, ELEMENTSOF(rule_kind_keys[kind].optional), rule_fields[i].key)) {
                        report(rd, v->at, path, "%s does not go with a %s rule", rule_fields[i].key, name);
                        ok = 0;
                }
        }
        return ok;
}

static int add_rule(struct reader *rd, const struct nc_ynode *n, size_t index, const char *path, union entry *e) {
        int r = check_rule_keys(rd, n, path, e->rule.kind);

        (void) index;
        if (r <= 0)
                return r;
        /* Handles are not written. A stand-in in file order keeps rules
         * without a key (sorted by handle) in the order they were written. */
        e->rule.handle = ++rd->n_rules;
        return nc_state_add_nft_rule(rd->s, &e->rule);
}

static const struct section sections[] = {
        { "namespaces", "namespace", namespace_fields, ELEMENTSOF(namespace_fields), add_namespace },
        { "links", "link", link_fields, ELEMENTSOF(link_fields), add_link },
        { "addresses", "address", address_fields, ELEMENTSOF(address_fields), add_address },
        { "routes", "route", route_fields, ELEMENTSOF(route_fields), add_route },
};

/* Inside `nft:`; key is the diagnostic path. */
static const struct section nft_sections[] = {
        { "nft.chains", "chain", chain_fields, ELEMENTSOF(chain_fields), add_chain },
        { "nft.rules", "rule", rule_fields, ELEMENTSOF(rule_fields), add_rule },
};

static void entry_done(const struct section *sec, union entry *e) {
        for (size_t i = 0; i < sec->n_fields; i++)
                if (sec->fields[i].type == FIELD_NETNS || sec->fields[i].type == FIELD_ALIAS ||
                    sec->fields[i].type == FIELD_STRING)
                        free(*(char **) ((char *) e + sec->fields[i].offset));
}

static int read_fields(struct reader *rd, const struct section *sec, const struct nc_ynode *n, const char *path,
                       union entry *e) {
        const char *keys[16];
        bool ok = true;
        int r;

        assert(sec->n_fields <= ELEMENTSOF(keys));
        for (size_t i = 0; i < sec->n_fields; i++)
                keys[i] = sec->fields[i].key;
        r = check_keys(rd, n, path, keys, sec->n_fields);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sec->n_fields; i++) {
                const struct field *f = &sec->fields[i];
                const struct nc_ynode *v = nc_ynode_get(n, f->key);
                _cleanup_free_ char *p = nc_asprintf("%s.%s", path, f->key);

                if (!p)
                        return -ENOMEM;
                if (!v) {
                        if (f->required)
                                report(rd, n->at, p, "missing required key");
                        ok = ok && !f->required;
                        continue;
                }
                r = read_value(rd, f, v, p, e);
                if (r < 0)
                        return r;
                ok = ok && r > 0;
        }
        return ok;
}

static int read_entry(struct reader *rd, const struct section *sec, const struct nc_ynode *n, size_t index) {
        _cleanup_free_ char *path = nc_asprintf("%s[%zu]", sec->key, index);
        union entry e = {};
        char buf[64];
        int r;

        if (!path)
                return -ENOMEM;
        if (n->kind != NC_YNODE_MAPPING) {
                report(rd, n->at, path, "expected a mapping describing a %s, got %s", sec->what, nc_ynode_got(n, buf));
                return 0;
        }
        r = read_fields(rd, sec, n, path, &e);
        if (r > 0)
                r = sec->add(rd, n, index, path, &e);
        entry_done(sec, &e);
        return r;
}

static int read_section(struct reader *rd, const struct section *sec, const struct nc_ynode *n) {
        char buf[64];

        if (nc_ynode_is_null(n))
                return 0;
        if (n->kind != NC_YNODE_SEQUENCE) {
                report(rd, n->at, sec->key, "expected a list, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        for (size_t i = 0; i < n->n_items; i++) {
                int r = read_entry(rd, sec, n->items[i], i);

                if (r < 0)
                        return r;
        }
        return 0;
}

static void read_header(struct reader *rd, const struct nc_ynode *root) {
        const struct nc_ynode *v = nc_ynode_get(root, "snapshot"), *fwd = nc_ynode_get(root, "ip_forward");
        char buf[64];

        if (!v)
                report(rd, root->at, "snapshot", "missing required key (snapshot: %d)", NC_SNAPSHOT_VERSION);
        else if (!is_string(v) || strcmp(v->value, "1") != 0)
                report(rd, v->at, "snapshot", "unsupported snapshot version %s; this netconverge reads version %d",
                       nc_ynode_got(v, buf), NC_SNAPSHOT_VERSION);
        rd->s->ip_forward = -1;
        if (!fwd)
                return;
        if (is_string(fwd) && (strcmp(fwd->value, "0") == 0 || strcmp(fwd->value, "1") == 0))
                rd->s->ip_forward = fwd->value[0] - '0';
        else
                report(rd, fwd->at, "ip_forward", "expected 0 or 1, got %s", nc_ynode_got(fwd, buf));
}

/* Every rule is in a chain the table has. */
static void check_rule_chains(struct reader *rd, const struct nc_ynode *rules) {
        for (size_t i = 0; rules && rules->kind == NC_YNODE_SEQUENCE && i < rules->n_items; i++) {
                const struct nc_ynode *n = rules->items[i];
                const struct nc_ynode *c = n->kind == NC_YNODE_MAPPING ? nc_ynode_get(n, "chain") : NULL;
                _cleanup_free_ char *p = NULL;
                bool found = false;

                if (!c || !is_string(c))
                        continue;
                for (size_t k = 0; k < rd->s->nft.n_chains && !found; k++)
                        found = strcmp(rd->s->nft.chains[k].name, c->value) == 0;
                if (found)
                        continue;
                p = nc_asprintf("nft.rules[%zu].chain", i);
                if (!p) {
                        rd->d->oom = true;
                        return;
                }
                report(rd, c->at, p, "chain '%s' is not listed under nft.chains", c->value);
        }
}

static int read_nft(struct reader *rd, const struct nc_ynode *n) {
        static const char *const keys[] = { "table", "chains", "rules" };
        const struct nc_ynode *table;
        char buf[64];
        int r;

        if (n->kind != NC_YNODE_MAPPING) {
                report(rd, n->at, "nft", "expected a mapping with table, chains and rules, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        r = check_keys(rd, n, "nft", keys, ELEMENTSOF(keys));
        if (r < 0)
                return r;
        table = nc_ynode_get(n, "table");
        if (!table)
                report(rd, n->at, "nft.table", "missing required key");
        else if (!is_string(table) || strlen(table->value) > 255)
                report(rd, table->at, "nft.table", "expected a table name, got %s", nc_ynode_got(table, buf));
        else if ((r = nc_state_set_nft_table(rd->s, table->value)) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(nft_sections); i++) {
                const struct nc_ynode *v = nc_ynode_get(n, strchr(nft_sections[i].key, '.') + 1);

                r = v ? read_section(rd, &nft_sections[i], v) : 0;
                if (r < 0)
                        return r;
        }
        seen_check(rd, &rd->chains, "nft.chains", "chain");
        check_rule_chains(rd, nc_ynode_get(n, "rules"));
        return 0;
}

static int read_root(struct reader *rd, const struct nc_ynode *root) {
        static const char *const keys[] = { "snapshot", "ip_forward", "namespaces", "links", "addresses", "routes",
                                            "nft" };
        const struct nc_ynode *nft;
        char buf[64];
        int r;

        /* Nothing at all (/dev/null): a host nobody has touched. */
        if (!root || nc_ynode_is_null(root)) {
                rd->s->ip_forward = 0;
                return 0;
        }
        if (root->kind != NC_YNODE_MAPPING) {
                report(rd, root->at, "", "expected a snapshot (a mapping starting with snapshot: %d), got %s",
                       NC_SNAPSHOT_VERSION, nc_ynode_got(root, buf));
                return 0;
        }
        r = check_keys(rd, root, "", keys, ELEMENTSOF(keys));
        if (r < 0)
                return r;
        read_header(rd, root);
        for (size_t i = 0; i < ELEMENTSOF(sections); i++) {
                const struct nc_ynode *n = nc_ynode_get(root, sections[i].key);

                r = n ? read_section(rd, &sections[i], n) : 0;
                if (r < 0)
                        return r;
        }
        seen_check(rd, &rd->namespaces, "namespaces", "namespace");
        seen_check(rd, &rd->links, "links", "link (same netns and name)");
        nft = nc_ynode_get(root, "nft");
        return nft ? read_nft(rd, nft) : 0;
}

int nc_snapshot_read_buffer(const char *buf, size_t len, struct nc_diags *d, struct nc_state **ret) {
        _cleanup_(nc_state_freep) struct nc_state *s = NULL;
        struct reader rd = { .d = d };
        size_t n_before = d->n;
        struct nc_ydoc doc;
        int r;

        if (len > NC_SNAPSHOT_MAX_BYTES) {
                nc_diags_add(d, (struct nc_origin) {}, "", "the file is larger than the limit of %u bytes",
                             NC_SNAPSHOT_MAX_BYTES);
                return -EFBIG;
        }
        s = rd.s = nc_state_new();
        if (!s)
                return -ENOMEM;
        r = nc_ydoc_parse(buf, len, NC_SNAPSHOT_MAX_NODES, d, &doc);
        if (r >= 0)
                r = read_root(&rd, doc.root);
        nc_ydoc_done(&doc);
        free(rd.links.v);
        free(rd.namespaces.v);
        free(rd.chains.v);
        nc_diags_sort(d);
        if (r < 0)
                return r;
        if (d->oom)
                return -ENOMEM;
        if (d->n > n_before)
                return -EINVAL;
        nc_state_sort(s);
        *ret = TAKE_PTR(s);
        return 0;
}

int nc_snapshot_read_file(const char *path, struct nc_diags *d, struct nc_state **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r;

        r = nc_read_file_bounded(path, NC_SNAPSHOT_MAX_BYTES, d, &buf, &len);
        if (r < 0)
                return r;
        return nc_snapshot_read_buffer(buf, len, d, ret);
}
