/* SPDX-License-Identifier: MIT */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "snapshot/reader.h"
#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "netconverge/snapshot.h"
#include "util/cleanup.h"
#include "util/misspell.h"
#include "util/readfile.h"
#include "util/strbuf.h"
#include "util/yamlout.h"

/* Reads what nc_snapshot_write() writes, strictly: a snapshot is the
 * planner's whole view of a host, so a typo must not silently become "no
 * such link". Problems are reported like the configuration loader's, all
 * of them in one run, each with its position.
 *
 * A file as the writer writes it is first given to the line reader
 * (lines.c), which reads it without building a node tree and hands every
 * entry to the code below; anything else, and any problem, is read here
 * from the tree, which reports. See reader.h. */

enum field_type {
        FIELD_NETNS,            /* char *: "" (the host) or a netns value */
        FIELD_IFNAME,           /* char[NC_IFNAMSIZ] */
        FIELD_ALIAS,            /* char * */
        FIELD_KIND,             /* enum nc_link_kind */
        FIELD_UINT,             /* unsigned, 0 to max */
        FIELD_BOOL,             /* bool */
        FIELD_MAC,              /* uint8_t[6] */
        FIELD_ADDRESS,          /* uint32_t at offset, unsigned prefix length at offset2; with has6, IPv6:
                                 * struct nc_ipv6 at offset6 and true at offset_v6 */
        FIELD_PREFIX,           /* the same, without host bits */
        FIELD_IPV4,             /* uint32_t */
        FIELD_GATEWAY,          /* IPv4 as FIELD_IPV4, or IPv6: struct nc_ipv6 at offset6, and true at
                                 * offset_v6 when the field has one (has_v6) */
        FIELD_STRING,           /* char *: a table, chain or rule key, 1 to 255 bytes */
        FIELD_TARGET,           /* char[32]: the chain a rule jumps to */
        FIELD_HOOK,             /* enum nc_nft_hook: a name, none, or the kernel's number */
        FIELD_INT,              /* int */
        FIELD_RULE_KIND,        /* enum nc_rule_kind */
        FIELD_PROTO,            /* enum nc_proto */
        FIELD_PORT,             /* uint16_t */
        FIELD_HOSTPORT,         /* "ADDRESS:PORT": uint32_t at offset, uint16_t at offset2 */
        FIELD_OBJECT_KIND,      /* enum nc_nft_object_kind */
        FIELD_NETNS_PROBLEM,    /* enum nc_netns_problem */
        FIELD_FAMILY,           /* enum nc_nft_family */
        FIELD_PREFIX6,          /* struct nc_ipv6 at offset, unsigned prefix length at offset2; no host bits */
        FIELD_IPV6,             /* struct nc_ipv6 */
        FIELD_HOSTPORT6,        /* "[ADDRESS]:PORT": struct nc_ipv6 at offset, uint16_t at offset2 */
        FIELD_ANYADDR,          /* struct nc_ipv6: an IPv6 address, or an IPv4 one as ::ffff:A.B.C.D */
};

struct field {
        const char *key;
        enum field_type type;
        bool required;
        size_t offset, offset2;
        bool has6;                      /* FIELD_ADDRESS, FIELD_PREFIX, FIELD_GATEWAY: IPv6 too */
        size_t offset6, offset_v6;
        bool has_v6;                    /* FIELD_GATEWAY: offset_v6 is there */
        unsigned max;
};

/* One entry being read, before it is appended to the state. Its strings
 * are borrowed from the nodes, which outlive it: the state's appenders
 * copy them. */
union entry {
        struct nc_namespace ns;
        struct nc_link link;
        struct nc_address address;
        struct nc_route route;
        struct nc_fdb fdb;
        struct nc_nft_chain chain;
        struct nc_nft_rule rule;
        struct nc_nft_table table;
        struct nc_nft_object object;
        struct nc_nft_forward_drop forward_drop;
        struct nc_nft_drop_rule drop_rule;
        struct nc_listener listener;
};

#define MAX_FIELDS 24
#define NO_INDEX SIZE_MAX

/* Where a problem is: "links[25].mac". Only formatted when one is
 * reported: formatting it for every field of every entry, in case, was
 * most of the reader's own time. */
struct where {
        const char *section;    /* "links", "nft.rules", "nft", "" (the top) */
        size_t index;           /* in the list, or NO_INDEX */
        const char *key;        /* NULL: the entry (or section) itself */
};

/* An entry's values, by the index of their field in its section. */
struct values {
        const struct nc_ynode *v[MAX_FIELDS];
};

struct section {
        const char *key;        /* the diagnostic path of the list */
        const char *name;       /* its key in its parent mapping */
        const char *what;       /* "link", for messages */
        const struct field *fields;
        size_t n_fields;
        /* Cross-field checks, then appends e. 1 added, 0 reported. */
        int (*add)(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                   const struct where *w, union entry *e);
};

#define F(k, t, req, member) { .key = k, .type = t, .required = req, .offset = offsetof(union entry, member) }

static const struct field namespace_fields[] = {
        F("netns", FIELD_NETNS, true, ns.netns),
        F("exists", FIELD_BOOL, true, ns.exists),
        F("problem", FIELD_NETNS_PROBLEM, false, ns.problem),
        F("same_as", FIELD_NETNS, false, ns.same_as),
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
        { .key = "group", .type = FIELD_UINT, .offset = offsetof(union entry, link.group), .max = UINT32_MAX },
        F("ipv6", FIELD_BOOL, false, link.ipv6),
        F("uses_ra", FIELD_BOOL, false, link.uses_ra),
        F("accept_ra", FIELD_INT, false, link.accept_ra),
        F("hairpin", FIELD_BOOL, false, link.hairpin),
        F("port_isolated", FIELD_BOOL, false, link.port_isolated),
        F("peer_netns", FIELD_NETNS, false, link.peer_netns),
        F("peer", FIELD_IFNAME, false, link.peer_name),
        /* kind vxlan only (add_link()). */
        { .key = "vni", .type = FIELD_UINT, .offset = offsetof(union entry, link.vxlan.vni), .max = 16777215 },
        { .key = "port", .type = FIELD_UINT, .offset = offsetof(union entry, link.vxlan.port), .max = UINT16_MAX },
        { .key = "local", .type = FIELD_GATEWAY, .offset = offsetof(union entry, link.vxlan.local), .has6 = true,
          .offset6 = offsetof(union entry, link.vxlan.local6) },
        F("underlay", FIELD_IFNAME, false, link.vxlan.dev),
        F("learning", FIELD_BOOL, false, link.vxlan.learning),
        F("vxlan_group", FIELD_IPV4, false, link.vxlan.group),
};

static const struct field fdb_fields[] = {
        F("netns", FIELD_NETNS, true, fdb.netns),
        F("dev", FIELD_IFNAME, true, fdb.ifname),
        F("mac", FIELD_MAC, true, fdb.mac),
        { .key = "dst", .type = FIELD_GATEWAY, .required = true, .offset = offsetof(union entry, fdb.dst),
          .has6 = true, .offset6 = offsetof(union entry, fdb.dst6), .offset_v6 = offsetof(union entry, fdb.v6),
          .has_v6 = true },
};

static const struct field address_fields[] = {
        F("netns", FIELD_NETNS, true, address.netns),
        F("dev", FIELD_IFNAME, true, address.ifname),
        { .key = "address", .type = FIELD_ADDRESS, .required = true, .offset = offsetof(union entry, address.address),
          .offset2 = offsetof(union entry, address.prefixlen), .has6 = true,
          .offset6 = offsetof(union entry, address.address6), .offset_v6 = offsetof(union entry, address.v6) },
};

static const struct field route_fields[] = {
        F("netns", FIELD_NETNS, true, route.netns),
        { .key = "dst", .type = FIELD_PREFIX, .required = true, .offset = offsetof(union entry, route.dst),
          .offset2 = offsetof(union entry, route.dst_len), .has6 = true, .offset6 = offsetof(union entry, route.dst6),
          .offset_v6 = offsetof(union entry, route.v6) },
        { .key = "via", .type = FIELD_GATEWAY, .offset = offsetof(union entry, route.gateway), .has6 = true,
          .offset6 = offsetof(union entry, route.gateway6) },
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
        F("v6", FIELD_BOOL, false, rule.v6),
        { .key = "saddr", .type = FIELD_PREFIX, .offset = offsetof(union entry, rule.saddr),
          .offset2 = offsetof(union entry, rule.saddr_len) },
        { .key = "saddr6", .type = FIELD_PREFIX6, .offset = offsetof(union entry, rule.saddr6),
          .offset2 = offsetof(union entry, rule.saddr_len) },
        F("oifname", FIELD_IFNAME, false, rule.oifname),
        F("iifname", FIELD_IFNAME, false, rule.iifname),
        F("target", FIELD_TARGET, false, rule.target),
        F("not_loopback", FIELD_BOOL, false, rule.not_loopback),
        F("ct_dnat", FIELD_BOOL, false, rule.ct_dnat),
        F("ipv4_only", FIELD_BOOL, false, rule.ipv4_only),
        { .key = "ifgroup", .type = FIELD_UINT, .offset = offsetof(union entry, rule.ifgroup), .max = UINT32_MAX },
        F("protocol", FIELD_PROTO, false, rule.proto),
        F("daddr", FIELD_IPV4, false, rule.daddr),
        F("daddr6", FIELD_IPV6, false, rule.daddr6),
        F("dport", FIELD_PORT, false, rule.dport),
        { .key = "to", .type = FIELD_HOSTPORT, .offset = offsetof(union entry, rule.to_addr),
          .offset2 = offsetof(union entry, rule.to_port) },
        { .key = "to6", .type = FIELD_HOSTPORT6, .offset = offsetof(union entry, rule.to_addr6),
          .offset2 = offsetof(union entry, rule.to_port) },
        F("by_addr", FIELD_BOOL, false, rule.by_addr),
};

static const struct field table_fields[] = {
        F("name", FIELD_STRING, true, table.name),
        F("marked", FIELD_BOOL, true, table.marked),
        F("dormant", FIELD_BOOL, false, table.dormant),
        { .key = "owner", .type = FIELD_UINT, .offset = offsetof(union entry, table.owner), .max = UINT32_MAX },
};

static const struct field object_fields[] = {
        F("kind", FIELD_OBJECT_KIND, true, object.kind),
        F("name", FIELD_STRING, true, object.name),
        F("type", FIELD_STRING, false, object.type),
};

static const struct field forward_drop_fields[] = {
        F("family", FIELD_FAMILY, true, forward_drop.family),
        F("table", FIELD_STRING, true, forward_drop.table),
        F("chain", FIELD_STRING, true, forward_drop.chain),
        F("priority", FIELD_INT, true, forward_drop.priority),
};

static const struct field drop_rule_fields[] = {
        F("family", FIELD_FAMILY, true, drop_rule.family),
        F("table", FIELD_STRING, true, drop_rule.table),
        F("chain", FIELD_STRING, true, drop_rule.chain),
        { .key = "handle", .type = FIELD_UINT, .offset = offsetof(union entry, drop_rule.handle), .max = UINT32_MAX },
        F("reject", FIELD_BOOL, false, drop_rule.reject),
        F("iifname", FIELD_STRING, false, drop_rule.iifname),
        F("oifname", FIELD_STRING, false, drop_rule.oifname),
        { .key = "saddr", .type = FIELD_PREFIX, .offset = offsetof(union entry, drop_rule.saddr),
          .offset2 = offsetof(union entry, drop_rule.saddr_len) },
        { .key = "daddr", .type = FIELD_PREFIX, .offset = offsetof(union entry, drop_rule.daddr),
          .offset2 = offsetof(union entry, drop_rule.daddr_len) },
        F("ct_state", FIELD_STRING, false, drop_rule.ct_state),
};

static const struct field listener_fields[] = {
        F("protocol", FIELD_PROTO, true, listener.proto),
        F("address", FIELD_ANYADDR, true, listener.address),
        F("port", FIELD_PORT, true, listener.port),
        F("v6only", FIELD_BOOL, false, listener.v6only),
};

#undef F

static char *where_format(const struct where *w) {
        struct nc_strbuf b = {};

        nc_strbuf_append(&b, w->section);
        if (w->index != NO_INDEX)
                nc_strbuf_printf(&b, "[%zu]", w->index);
        if (w->key)
                nc_strbuf_printf(&b, "%s%s", b.len > 0 ? "." : "", w->key);
        return nc_strbuf_steal(&b);
}

static struct where where_key(const struct where *w, const char *key) {
        struct where k = *w;

        k.key = key;
        return k;
}

/* The line reader reports nothing: the file is read again the generic
 * way, and that reports. */
__attribute__((format(printf, 4, 5)))
static void report(struct snap_reader *rd, struct nc_origin at, const struct where *w, const char *fmt, ...) {
        _cleanup_free_ char *path = NULL;
        va_list ap;

        if (rd->strict) {
                rd->failed = true;
                return;
        }
        path = where_format(w);
        if (!path) {
                rd->d->oom = true;
                return;
        }
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
static const char *ifname_invalid(size_t len) {
        if (len == 0)
                return "is empty";
        if (len >= NC_IFNAMSIZ)
                return "is longer than 15 bytes";
        return NULL;
}

static const char *netns_invalid(const char *s) {
        return *s ? nc_netns_invalid(s) : NULL;
}

/* An IPv6 address/prefix into the IPv6 members of a field that takes
 * either family (an address's, a route's dst). */
static int read_cidr_v6(struct snap_reader *rd, const struct field *f, const struct nc_ynode *n, const struct where *w,
                        void *base) {
        char cidr[NC_CIDR6_STRLEN];
        struct nc_ipv6 a, net;
        unsigned plen;

        if (nc_cidr6_parse(n->value, &a, &plen) < 0)
                return -EINVAL;
        net = nc_ipv6_network(&a, plen);
        if (f->type == FIELD_PREFIX && !nc_ipv6_equal(&a, &net)) {
                report(rd, n->at, w, "%s has host bits set; did you mean %s?", n->value,
                       nc_cidr6_format(&net, plen, cidr));
                return 0;
        }
        *(struct nc_ipv6 *) ((char *) base + f->offset6) = a;
        *(bool *) ((char *) base + f->offset_v6) = true;
        *(unsigned *) ((char *) base + f->offset2) = plen;
        return 1;
}

static int read_cidr(struct snap_reader *rd, const struct field *f, const struct nc_ynode *n, const struct where *w,
                     void *base) {
        char buf[NC_YNODE_GOT_SIZE], cidr[NC_CIDR_STRLEN];
        uint32_t a;
        unsigned plen;
        int r;

        if (is_string(n) && f->has6 && strchr(n->value, ':')) {
                r = read_cidr_v6(rd, f, n, w, base);
                if (r >= 0)
                        return r;
                report(rd, n->at, w, "expected an IPv6 address/prefix like fd00::1/64, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        if (!is_string(n) || nc_cidr_parse(n->value, &a, &plen) < 0) {
                report(rd, n->at, w, "expected an IPv4 address/prefix like 172.17.0.1/16, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        if (f->type == FIELD_PREFIX && (a & ~nc_prefix_mask(plen))) {
                report(rd, n->at, w, "%s has host bits set; did you mean %s?", n->value,
                       nc_cidr_format(a & nc_prefix_mask(plen), plen, cidr));
                return 0;
        }
        *(uint32_t *) ((char *) base + f->offset) = a;
        *(unsigned *) ((char *) base + f->offset2) = plen;
        return 1;
}

static int read_cidr6(struct snap_reader *rd, const struct field *f, const struct nc_ynode *n, const struct where *w,
                      void *base) {
        char buf[NC_YNODE_GOT_SIZE], cidr[NC_CIDR6_STRLEN];
        struct nc_ipv6 a, net;
        unsigned plen;

        if (!is_string(n) || nc_cidr6_parse(n->value, &a, &plen) < 0) {
                report(rd, n->at, w, "expected an IPv6 address/prefix like fd00:17::/64, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        net = nc_ipv6_network(&a, plen);
        if (!nc_ipv6_equal(&a, &net)) {
                report(rd, n->at, w, "%s has host bits set; did you mean %s?", n->value,
                       nc_cidr6_format(&net, plen, cidr));
                return 0;
        }
        *(struct nc_ipv6 *) ((char *) base + f->offset) = a;
        *(unsigned *) ((char *) base + f->offset2) = plen;
        return 1;
}

static int read_text(struct snap_reader *rd, const struct field *f, const struct nc_ynode *n, const struct where *w,
                     void *base) {
        char *dst = (char *) base + f->offset, buf[NC_YNODE_GOT_SIZE];
        const char *why = NULL;
        size_t len;

        if (!is_string(n)) {
                report(rd, n->at, w, "expected a string, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        len = strlen(n->value);
        if (f->type == FIELD_IFNAME)
                why = ifname_invalid(len);
        else if (f->type == FIELD_NETNS)
                why = netns_invalid(n->value);
        else if ((f->type == FIELD_STRING || f->type == FIELD_TARGET) && len == 0)
                why = "is empty";
        else if (f->type == FIELD_TARGET && len >= sizeof(((union entry *) 0)->rule.target))
                why = "is longer than 31 bytes";
        else if (len > 255)
                why = "is longer than the kernel's 255 bytes";
        if (why) {
                report(rd, n->at, w, "%s %s", nc_ynode_got(n, buf), why);
                return 0;
        }
        if (f->type == FIELD_IFNAME || f->type == FIELD_TARGET)
                memcpy(dst, n->value, len + 1);
        else
                *(char **) dst = n->value;      /* borrowed: see union entry */
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
        [FIELD_PROTO] = "tcp, udp or sctp",
        [FIELD_PORT] = "a port from 0 to 65535",
        [FIELD_HOSTPORT] = "an address and port like 172.17.0.2:80",
        [FIELD_OBJECT_KIND] = "set, map, flowtable or a stateful object's type (counter, quota, ct-helper...)",
        [FIELD_NETNS_PROBLEM] = "host, not_netns or shared",
        [FIELD_FAMILY] = "ip, ip6 or inet",
        [FIELD_IPV6] = "an IPv6 address like fd00:17::1",
        [FIELD_HOSTPORT6] = "an IPv6 address and port like [fd00:17::2]:80",
        [FIELD_ANYADDR] = "an IPv4 or IPv6 address like 0.0.0.0 or \"::\"",
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

/* Docker's bracket form, "[fd00:17::2]:80". */
static bool parse_hostport6(const char *s, struct nc_ipv6 *ret_addr, uint16_t *ret_port) {
        const char *close = strchr(s, ']');
        unsigned port;

        if (s[0] != '[' || !close || close[1] != ':' || nc_ipv6_parse_n(s + 1, (size_t) (close - s - 1), ret_addr) < 0 ||
            parse_uint(close + 2, UINT16_MAX, &port) < 0)
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
        case FIELD_IPV6:
                return nc_ipv6_parse(n->value, dst) >= 0;
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
        case FIELD_OBJECT_KIND:
                k = nc_nft_object_kind_from_string(n->value);
                if (k >= 0)
                        *(enum nc_nft_object_kind *) dst = (enum nc_nft_object_kind) k;
                return k >= 0;
        case FIELD_NETNS_PROBLEM:
                /* "none" is what no key says. */
                k = nc_netns_problem_from_string(n->value);
                if (k > 0)
                        *(enum nc_netns_problem *) dst = (enum nc_netns_problem) k;
                return k > 0;
        case FIELD_FAMILY:
                k = nc_nft_family_from_string(n->value);
                if (k >= 0)
                        *(enum nc_nft_family *) dst = (enum nc_nft_family) k;
                return k >= 0;
        case FIELD_ANYADDR:
                return nc_listener_address_parse(n->value, dst) >= 0;
        default:
                return false;
        }
}

/* 1 read, 0 reported, or a negative errno. */
static int read_value(struct snap_reader *rd, const struct field *f, const struct nc_ynode *n, const struct where *w,
                      void *base) {
        char buf[NC_YNODE_GOT_SIZE];

        switch (f->type) {
        case FIELD_NETNS:
        case FIELD_IFNAME:
        case FIELD_ALIAS:
        case FIELD_STRING:
        case FIELD_TARGET:
                return read_text(rd, f, n, w, base);
        case FIELD_HOSTPORT:
                if (is_string(n) && parse_hostport(n->value, (uint32_t *) ((char *) base + f->offset),
                                                   (uint16_t *) ((char *) base + f->offset2)))
                        return 1;
                break;
        case FIELD_HOSTPORT6:
                if (is_string(n) && parse_hostport6(n->value, (struct nc_ipv6 *) ((char *) base + f->offset),
                                                    (uint16_t *) ((char *) base + f->offset2)))
                        return 1;
                break;
        case FIELD_ADDRESS:
        case FIELD_PREFIX:
                return read_cidr(rd, f, n, w, base);
        case FIELD_GATEWAY:
                if (is_string(n) && strchr(n->value, ':') &&
                    nc_ipv6_parse(n->value, (struct nc_ipv6 *) ((char *) base + f->offset6)) >= 0) {
                        if (f->has_v6)
                                *(bool *) ((char *) base + f->offset_v6) = true;
                        return 1;
                }
                if (is_string(n) && nc_ipv4_parse(n->value, (uint32_t *) ((char *) base + f->offset)) >= 0)
                        return 1;
                report(rd, n->at, w, "expected an IPv4 or IPv6 address, got %s", nc_ynode_got(n, buf));
                return 0;
        case FIELD_PREFIX6:
                return read_cidr6(rd, f, n, w, base);
        default:
                break;
        }
        if (parse_scalar(f, n, (char *) base + f->offset))
                return 1;
        if (f->type == FIELD_UINT)
                report(rd, n->at, w, "expected an integer from 0 to %u, got %s", f->max, nc_ynode_got(n, buf));
        else
                report(rd, n->at, w, "expected %s, got %s", expected_table[f->type], nc_ynode_got(n, buf));
        return 0;
}

static void report_unknown_key(struct snap_reader *rd, const struct nc_ynode *k, const struct where *w,
                               const char *const *keys, size_t n_keys) {
        const char *hint = rd->strict ? NULL : nc_did_you_mean(k->value, keys, n_keys);
        struct where kw = where_key(w, k->value);

        if (hint)
                report(rd, k->at, &kw, "unknown key; did you mean '%s'?", hint);
        else
                report(rd, k->at, &kw, "unknown key");
}

/* Unknown keys of a mapping that is not a list entry, with a did-you-mean. */
static void check_keys(struct snap_reader *rd, const struct nc_ynode *map, const struct where *w,
                       const char *const *keys, size_t n_keys) {
        for (size_t i = 0; i < map->n_pairs; i++) {
                const struct nc_ynode *k = map->pairs[i].key;
                bool known = false;

                for (size_t j = 0; j < n_keys && !known; j++)
                        known = strcmp(k->value, keys[j]) == 0;
                if (!known)
                        report_unknown_key(rd, k, w, keys, n_keys);
        }
}

/* Each pair's value in vals, by its field; unknown keys reported. The
 * search for a key starts after the field found last, as the writer writes
 * keys in table order: one comparison a key instead of a scan. */
static void find_fields(struct snap_reader *rd, const struct field *fields, size_t n_fields,
                        const struct nc_ynode *map, const struct where *w, struct values *vals) {
        size_t next = 0;

        for (size_t i = 0; i < map->n_pairs; i++) {
                const struct nc_ynode *k = map->pairs[i].key;
                size_t j = next, tried = 0;

                for (; tried < n_fields; tried++, j = j + 1 < n_fields ? j + 1 : 0)
                        if (strcmp(fields[j].key, k->value) == 0)
                                break;
                if (tried == n_fields) {
                        const char *keys[MAX_FIELDS];

                        for (size_t x = 0; x < n_fields; x++)
                                keys[x] = fields[x].key;
                        report_unknown_key(rd, k, w, keys, n_fields);
                        continue;
                }
                /* A key twice: the tree has reported it and kept the
                 * first; the line reader leaves it to the tree. */
                if (vals->v[j]) {
                        if (rd->strict)
                                rd->failed = true;
                        continue;
                }
                vals->v[j] = map->pairs[i].value;
                next = j + 1 < n_fields ? j + 1 : 0;
        }
}

static const struct nc_ynode *field_value(const struct field *fields, size_t n_fields, const struct values *vals,
                                          const char *key) {
        for (size_t i = 0; i < n_fields; i++)
                if (strcmp(fields[i].key, key) == 0)
                        return vals->v[i];
        return NULL;
}

static int seen_add(struct snap_reader *rd, enum snap_section id, size_t state_index, struct nc_origin at,
                    size_t index) {
        struct snap_seen_list *l = &rd->seen[id];

        /* The line reader's file is sorted: its duplicates are neighbours
         * in the sorted state (sorted_state_ok()). */
        if (rd->strict)
                return 0;
        if (nc_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
                return -ENOMEM;
        l->v[l->n++] = (struct snap_seen) { .state_index = state_index, .at = at, .index = index };
        return 0;
}

/* Names from the state, now that it has stopped growing. */
static void seen_resolve(const struct nc_state *s, enum snap_section id, struct snap_seen *x) {
        switch (id) {
        case SNAP_NAMESPACES:
                x->netns = s->namespaces[x->state_index].netns;
                x->name = "";
                break;
        case SNAP_LINKS:
                x->netns = s->links[x->state_index].netns;
                x->name = s->links[x->state_index].name;
                break;
        case SNAP_TABLES:
                x->netns = "";
                x->name = s->nft.tables[x->state_index].name;
                break;
        case SNAP_OBJECTS:
                /* A set and a flowtable may share a name. */
                x->netns = nc_nft_object_kind_to_string(s->nft.objects[x->state_index].kind);
                x->name = s->nft.objects[x->state_index].name;
                break;
        default:
                x->netns = "";  /* chains: one table, no netns */
                x->name = s->nft.chains[x->state_index].name;
                break;
        }
}

static int seen_compare(const void *a, const void *b) {
        const struct snap_seen *x = a, *y = b;
        int r = strcmp(x->netns, y->netns);

        if (r == 0)
                r = strcmp(x->name, y->name);
        return r != 0 ? r : (x->index > y->index) - (x->index < y->index);
}

/* The kernel has one link of a name per namespace: a second is a mistake. */
static void seen_check(struct snap_reader *rd, enum snap_section id, const char *what) {
        struct snap_seen_list *l = &rd->seen[id];

        for (size_t i = 0; i < l->n; i++)
                seen_resolve(rd->s, id, &l->v[i]);
        if (l->n > 1)
                qsort(l->v, l->n, sizeof(*l->v), seen_compare);
        for (size_t i = 1; i < l->n; i++) {
                const struct snap_seen *first = &l->v[i - 1], *x = &l->v[i];
                struct where w = { snap_section_key(id), x->index, NULL };

                if (strcmp(first->netns, x->netns) != 0 || strcmp(first->name, x->name) != 0)
                        continue;
                report(rd, x->at, &w, "duplicate %s (first at line %u)", what, first->at.line);
        }
}

static int added(int r) {
        return r < 0 ? r : 1;
}

static int add_namespace(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                         const struct where *w, union entry *e) {
        int r;

        (void) vals;
        if (!e->ns.netns[0]) {
                report(rd, n->at, w, "the host namespace (netns \"\") is not listed under namespaces");
                return 0;
        }
        if (e->ns.problem != NC_NETNS_PROBLEM_NONE && !e->ns.exists) {
                report(rd, n->at, w, "a namespace that does not exist has no problem");
                return 0;
        }
        if ((e->ns.problem == NC_NETNS_PROBLEM_SHARED) != (e->ns.same_as != NULL)) {
                report(rd, n->at, w, "same_as goes with problem: shared, and only with it");
                return 0;
        }
        if (e->ns.same_as && (!e->ns.same_as[0] || strcmp(e->ns.same_as, e->ns.netns) == 0)) {
                report(rd, n->at, w, "same_as names another container namespace");
                return 0;
        }
        r = seen_add(rd, SNAP_NAMESPACES, rd->s->n_namespaces, n->at, w->index);
        if (r >= 0)
                r = nc_state_add_namespace(rd->s, e->ns.netns, e->ns.exists);
        if (r >= 0 && e->ns.problem != NC_NETNS_PROBLEM_NONE)
                r = nc_state_set_namespace_problem(rd->s, e->ns.problem, e->ns.same_as);
        return added(r);
}

static int add_link(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                    const struct where *w, union entry *e) {
        int r;

        if (!e->link.peer_netns != !e->link.peer_name[0]) {
                report(rd, n->at, w, "peer_netns and peer go together: give both or neither");
                return 0;
        }
        if (e->link.kind != NC_LINK_VXLAN) {
                static const char *const vxlan_only[] = { "vni", "port", "local", "underlay", "learning",
                                                          "vxlan_group" };

                for (size_t i = 0; i < ELEMENTSOF(vxlan_only); i++)
                        if (field_value(link_fields, ELEMENTSOF(link_fields), vals, vxlan_only[i])) {
                                report(rd, n->at, w, "%s is a VXLAN link's (kind vxlan) only", vxlan_only[i]);
                                return 0;
                        }
        }
        r = seen_add(rd, SNAP_LINKS, rd->s->n_links, n->at, w->index);
        return r < 0 ? r : added(nc_state_add_link(rd->s, &e->link));
}

static int add_address(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                       const struct where *w, union entry *e) {
        (void) n, (void) vals, (void) w;
        return added(nc_state_add_address(rd->s, &e->address));
}

static int add_route(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                     const struct where *w, union entry *e) {
        (void) vals;
        if (e->route.v6 ? e->route.gateway != 0 : !nc_ipv6_is_zero(&e->route.gateway6)) {
                report(rd, n->at, w, "via and dst are of different address families");
                return 0;
        }
        return added(nc_state_add_route(rd->s, &e->route));
}

static int add_fdb(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                   const struct where *w, union entry *e) {
        (void) n, (void) vals, (void) w;
        return added(nc_state_add_fdb(rd->s, &e->fdb));
}

static int add_chain(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                     const struct where *w, union entry *e) {
        const struct nc_ynode *priority = field_value(chain_fields, ELEMENTSOF(chain_fields), vals, "priority");
        bool base = e->chain.hook != NC_HOOK_NONE;
        int r;

        if (base && (!e->chain.type || !priority)) {
                report(rd, n->at, w, "a base chain (hook %s) needs type and priority",
                       field_value(chain_fields, ELEMENTSOF(chain_fields), vals, "hook")->value);
                return 0;
        }
        if (!base && (e->chain.type || priority ||
                      field_value(chain_fields, ELEMENTSOF(chain_fields), vals, "policy_drop"))) {
                report(rd, n->at, w, "a regular chain (hook none) has no type, priority or policy_drop");
                return 0;
        }
        r = seen_add(rd, SNAP_CHAINS, rd->s->nft.n_chains, n->at, w->index);
        return r < 0 ? r : added(nc_state_add_nft_chain(rd->s, &e->chain));
}

/* The keys each kind of rule has, IPv4 [0] and IPv6 [1] (v6: true):
 * required, then optional. A kind without an IPv6 row has no IPv6 form. */
static const struct rule_keys {
        const char *required[5];
        const char *optional[2];
} rule_kind_keys[_NC_RULE_KIND_MAX][2] = {
        [NC_RULE_OTHER] = { { {}, {} } },
        [NC_RULE_MASQUERADE] = { { { "saddr", "oifname" }, {} }, { { "v6", "saddr6", "oifname" }, {} } },
        [NC_RULE_JUMP] = { { { "target" }, { "not_loopback", "ipv4_only" } }, { { "v6", "target", "not_loopback" }, {} } },
        [NC_RULE_RETURN] = { { { "iifname" }, {} } },
        [NC_RULE_DNAT] = { { { "protocol", "daddr", "dport", "to" }, {} },
                           { { "v6", "protocol", "daddr6", "dport", "to6" }, {} } },
        [NC_RULE_DROP] = { { { "iifname", "oifname" }, {} } },
        [NC_RULE_DNAT_MAP] = { { { "protocol", "target" }, { "by_addr" } },
                               { { "v6", "protocol", "target" }, { "by_addr" } } },
        [NC_RULE_HAIRPIN] = { { { "saddr", "oifname" }, { "ct_dnat" } }, { { "v6", "saddr6", "oifname" }, { "ct_dnat" } } },
        [NC_RULE_GUARD] = { { { "iifname" }, {} } },
        [NC_RULE_FILTER] = { { { "oifname", "ifgroup" }, {} } },
        [NC_RULE_INTERNAL] = { { { "iifname", "ifgroup" }, {} } },
};

static bool in_list(const char *const *v, size_t n, const char *key) {
        for (size_t i = 0; i < n && v[i]; i++)
                if (strcmp(v[i], key) == 0)
                        return true;
        return false;
}

/* 1 when the keys fit the kind, 0 when reported. */
static int check_rule_keys(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                           const struct where *w, const struct nc_nft_rule *r) {
        const struct rule_keys *keys = &rule_kind_keys[r->kind][r->v6];
        const char *const *req = keys->required, *const *opt = keys->optional;
        const char *name = nc_rule_kind_to_string(r->kind);
        int ok = 1;

        if (r->v6 && !req[0]) {
                report(rd, n->at, w, "a %s rule has no IPv6 form (v6)", name);
                return 0;
        }
        if (r->v6 && r->kind == NC_RULE_JUMP && !r->not_loopback) {
                report(rd, n->at, w, "an IPv6 jump rule is the output one (not_loopback: true)");
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(keys->required) && req[i]; i++)
                if (!field_value(rule_fields, ELEMENTSOF(rule_fields), vals, req[i])) {
                        report(rd, n->at, w, "a %s rule needs %s", name, req[i]);
                        ok = 0;
                }
        /* chain, key and kind belong to every rule; the rest to some. */
        for (size_t i = 3; i < ELEMENTSOF(rule_fields); i++) {
                const struct nc_ynode *v = vals->v[i];

                if (v && !in_list(req, ELEMENTSOF(keys->required), rule_fields[i].key) &&
                    !in_list(opt, ELEMENTSOF(keys->optional), rule_fields[i].key)) {
                        report(rd, v->at, w, "%s does not go with a %s rule", rule_fields[i].key, name);
                        ok = 0;
                }
        }
        return ok;
}

static int add_rule(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                    const struct where *w, union entry *e) {
        int r = check_rule_keys(rd, n, vals, w, &e->rule);

        if (r <= 0)
                return r;
        /* Handles are not written. A stand-in in file order keeps rules
         * without a key (sorted by handle) in the order they were written. */
        e->rule.handle = ++rd->n_rules;
        return added(nc_state_add_nft_rule(rd->s, &e->rule));
}

/* A port map's element: a DNAT in form, in a port map of its family
 * and protocol (state.h), keyed by address exactly when it has one. */
static int add_element(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                       const struct where *w, union entry *e) {
        int r = check_rule_keys(rd, n, vals, w, &e->rule);
        const char *map;

        if (r <= 0)
                return r;
        map = e->rule.kind == NC_RULE_DNAT ? nc_nft_port_map_of(&e->rule) : NULL;
        if (!map || strcmp(map, e->rule.chain) != 0) {
                report(rd, n->at, w, "an element is a dnat of its port map (%s)", map ? map : "ports4_tcp...");
                return 0;
        }
        return added(nc_state_add_nft_element(rd->s, &e->rule));
}

static int add_table(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                     const struct where *w, union entry *e) {
        int r;

        e->table.has_owner = field_value(table_fields, ELEMENTSOF(table_fields), vals, "owner") != NULL;
        r = seen_add(rd, SNAP_TABLES, rd->s->nft.n_tables, n->at, w->index);
        return r < 0 ? r : added(nc_state_add_nft_table(rd->s, &e->table));
}

static int add_object(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                      const struct where *w, union entry *e) {
        int r;

        (void) vals;
        r = seen_add(rd, SNAP_OBJECTS, rd->s->nft.n_objects, n->at, w->index);
        return r < 0 ? r : added(nc_state_add_nft_object(rd->s, &e->object));
}

/* No check for the same chain twice: the kernel has each once, and a
 * second is only a second warning. */
static int add_forward_drop(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                            const struct where *w, union entry *e) {
        (void) n, (void) vals, (void) w;
        return added(nc_state_add_nft_forward_drop(rd->s, &e->forward_drop));
}

/* An interface match is a name, or a prefix and '*'. */
static int add_drop_rule(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                         const struct where *w, union entry *e) {
        static const char *const keys[] = { "iifname", "oifname" };
        const char *names[] = { e->drop_rule.iifname, e->drop_rule.oifname };
        int ok = 1;

        (void) n;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                const struct nc_ynode *v = field_value(drop_rule_fields, ELEMENTSOF(drop_rule_fields), vals, keys[i]);
                struct where kw = where_key(w, keys[i]);

                if (names[i] && strlen(names[i]) >= NC_IFNAMSIZ + (names[i][strlen(names[i]) - 1] == '*')) {
                        report(rd, v ? v->at : n->at, &kw, "\"%s\" is longer than an interface name", names[i]);
                        ok = 0;
                }
        }
        return ok ? added(nc_state_add_nft_drop_rule(rd->s, &e->drop_rule)) : 0;
}

static int add_listener(struct snap_reader *rd, const struct nc_ynode *n, const struct values *vals,
                        const struct where *w, union entry *e) {
        (void) n, (void) vals, (void) w;
        return added(nc_state_add_listener(rd->s, &e->listener));
}

static const struct section sections[_SNAP_SECTION_MAX] = {
        [SNAP_NAMESPACES] = { "namespaces", "namespaces", "namespace", namespace_fields, ELEMENTSOF(namespace_fields),
                              add_namespace },
        [SNAP_LINKS] = { "links", "links", "link", link_fields, ELEMENTSOF(link_fields), add_link },
        [SNAP_ADDRESSES] = { "addresses", "addresses", "address", address_fields, ELEMENTSOF(address_fields),
                             add_address },
        [SNAP_ROUTES] = { "routes", "routes", "route", route_fields, ELEMENTSOF(route_fields), add_route },
        /* Inside `nft:`. */
        [SNAP_CHAINS] = { "nft.chains", "chains", "chain", chain_fields, ELEMENTSOF(chain_fields), add_chain },
        [SNAP_RULES] = { "nft.rules", "rules", "rule", rule_fields, ELEMENTSOF(rule_fields), add_rule },
        [SNAP_TABLES] = { "nft_tables", "nft_tables", "table", table_fields, ELEMENTSOF(table_fields), add_table },
        [SNAP_OBJECTS] = { "nft.objects", "objects", "set, map or flowtable", object_fields, ELEMENTSOF(object_fields),
                           add_object },
        [SNAP_FORWARD_DROPS] = { "nft_forward_drops", "nft_forward_drops", "forward chain", forward_drop_fields,
                                 ELEMENTSOF(forward_drop_fields), add_forward_drop },
        [SNAP_FDB] = { "fdb", "fdb", "FDB entry", fdb_fields, ELEMENTSOF(fdb_fields), add_fdb },
        [SNAP_DROP_RULES] = { "nft_drop_rules", "nft_drop_rules", "drop rule", drop_rule_fields,
                              ELEMENTSOF(drop_rule_fields), add_drop_rule },
        [SNAP_LISTENERS] = { "listeners", "listeners", "listener", listener_fields, ELEMENTSOF(listener_fields),
                             add_listener },
        [SNAP_ELEMENTS] = { "nft.elements", "elements", "map element", rule_fields, ELEMENTSOF(rule_fields),
                            add_element },
};

const char *snap_section_key(enum snap_section id) {
        return sections[id].key;
}

const char *snap_section_name(enum snap_section id) {
        return sections[id].name;
}

static int read_fields(struct snap_reader *rd, const struct section *sec, const struct nc_ynode *n,
                       const struct values *vals, const struct where *w, union entry *e) {
        bool ok = true;

        for (size_t i = 0; i < sec->n_fields; i++) {
                const struct field *f = &sec->fields[i];
                struct where fw = where_key(w, f->key);
                int r;

                if (!vals->v[i]) {
                        if (f->required)
                                report(rd, n->at, &fw, "missing required key");
                        ok = ok && !f->required;
                        continue;
                }
                r = read_value(rd, f, vals->v[i], &fw, e);
                if (r < 0)
                        return r;
                ok = ok && r > 0;
        }
        return ok;
}

int snap_read_entry(struct snap_reader *rd, enum snap_section id, const struct nc_ynode *n, size_t index) {
        const struct section *sec = &sections[id];
        struct where w = { sec->key, index, NULL };
        char buf[NC_YNODE_GOT_SIZE];
        struct values vals = {};
        union entry e = {};
        int r;

        assert(sec->n_fields <= MAX_FIELDS);
        if (n->kind != NC_YNODE_MAPPING) {
                report(rd, n->at, &w, "expected a mapping describing a %s, got %s", sec->what, nc_ynode_got(n, buf));
                return 0;
        }
        find_fields(rd, sec->fields, sec->n_fields, n, &w, &vals);
        r = read_fields(rd, sec, n, &vals, &w, &e);
        if (r > 0)
                r = sec->add(rd, n, &vals, &w, &e);
        return r;
}

static int read_section(struct snap_reader *rd, enum snap_section id, const struct nc_ynode *n) {
        struct where w = { sections[id].key, NO_INDEX, NULL };
        char buf[NC_YNODE_GOT_SIZE];

        if (nc_ynode_is_null(n))
                return 0;
        if (n->kind != NC_YNODE_SEQUENCE) {
                report(rd, n->at, &w, "expected a list, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        for (size_t i = 0; i < n->n_items; i++) {
                int r = snap_read_entry(rd, id, n->items[i], i);

                if (r < 0)
                        return r;
        }
        return 0;
}

/* A sysctl's 0 or 1 at the top; absent: unknown (-1). */
static void read_sysctl(struct snap_reader *rd, const struct nc_ynode *root, enum nc_sysctl k) {
        static const char *const keys[_NC_SYSCTL_MAX] = {
                [NC_SYSCTL_IP_FORWARD] = "ip_forward",
                [NC_SYSCTL_IP6_FORWARD] = "ip6_forward",
                [NC_SYSCTL_ROUTE_LOCALNET] = "route_localnet",
        };
        const struct where w = { keys[k], NO_INDEX, NULL };
        const struct nc_ynode *fwd = nc_ynode_get(root, keys[k]);
        char buf[NC_YNODE_GOT_SIZE];
        int *value = nc_state_sysctl(rd->s, k);

        *value = -1;
        if (!fwd)
                return;
        if (is_string(fwd) && (strcmp(fwd->value, "0") == 0 || strcmp(fwd->value, "1") == 0))
                *value = fwd->value[0] - '0';
        else
                report(rd, fwd->at, &w, "expected 0 or 1, got %s", nc_ynode_got(fwd, buf));
}

static void read_header(struct snap_reader *rd, const struct nc_ynode *root) {
        static const struct where version = { "snapshot", NO_INDEX, NULL };
        const struct nc_ynode *v = nc_ynode_get(root, "snapshot");
        char buf[NC_YNODE_GOT_SIZE];

        if (!v)
                report(rd, root->at, &version, "missing required key (snapshot: %d)", NC_SNAPSHOT_VERSION);
        else if (!is_string(v) || strcmp(v->value, "1") != 0)
                report(rd, v->at, &version, "unsupported snapshot version %s; this netconverge reads version %d",
                       nc_ynode_got(v, buf), NC_SNAPSHOT_VERSION);
        for (enum nc_sysctl k = 0; k < _NC_SYSCTL_MAX; k++)
                read_sysctl(rd, root, k);
}

static int chain_name_ptr_compare(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Every rule is in a chain the table has. The chains are not sorted yet
 * (the state is sorted once it is complete), so their names are sorted
 * here and each rule's chain looked up: a scan per rule made 30,000
 * chains and rules take 50 times the line reader's time. */
static int check_rule_chains(struct snap_reader *rd, const struct nc_ynode *rules) {
        _cleanup_free_ const char **names = NULL;
        size_t n = rd->s->nft.n_chains;

        if (!rules || rules->kind != NC_YNODE_SEQUENCE || rules->n_items == 0)
                return 0;
        if (n > 0) {
                names = malloc(n * sizeof(*names));
                if (!names)
                        return -ENOMEM;
                for (size_t k = 0; k < n; k++)
                        names[k] = rd->s->nft.chains[k].name;
                qsort(names, n, sizeof(*names), chain_name_ptr_compare);
        }
        for (size_t i = 0; i < rules->n_items; i++) {
                const struct nc_ynode *r = rules->items[i];
                const struct nc_ynode *c = r->kind == NC_YNODE_MAPPING ? nc_ynode_get(r, "chain") : NULL;
                struct where w = { "nft.rules", i, "chain" };

                if (!c || !is_string(c))
                        continue;
                /* bsearch() must not be given a NULL array (no chains). */
                if (n == 0 || !bsearch(&c->value, names, n, sizeof(*names), chain_name_ptr_compare))
                        report(rd, c->at, &w, "chain '%s' is not listed under nft.chains", c->value);
        }
        return 0;
}

/* An optional true/false of nft:, into *ret; false when reported. */
static bool read_table_bool(struct snap_reader *rd, const struct nc_ynode *n, const char *path, bool *ret) {
        const struct where w = { path, NO_INDEX, NULL };
        char buf[NC_YNODE_GOT_SIZE];

        if (!n)
                return true;
        if (!is_string(n) || (strcmp(n->value, "true") != 0 && strcmp(n->value, "false") != 0)) {
                report(rd, n->at, &w, "expected true or false, got %s", nc_ynode_got(n, buf));
                return false;
        }
        *ret = strcmp(n->value, "true") == 0;
        return true;
}

int snap_read_table(struct snap_reader *rd, const struct snap_table_nodes *t) {
        static const struct where w = { "nft.table", NO_INDEX, NULL }, ow = { "nft.owner", NO_INDEX, NULL };
        const struct nc_ynode *table = t->table;
        struct nc_nft_table x = { .marked = true };
        char buf[NC_YNODE_GOT_SIZE];
        int r;

        if (!is_string(table) || strlen(table->value) > 255) {
                report(rd, table->at, &w, "expected a table name, got %s", nc_ynode_got(table, buf));
                return 0;
        }
        x.name = table->value;
        if (!read_table_bool(rd, t->marked, "nft.marked", &x.marked) ||
            !read_table_bool(rd, t->dormant, "nft.dormant", &x.dormant))
                return 0;
        if (t->owner) {
                unsigned u;

                if (!is_string(t->owner) || parse_uint(t->owner->value, UINT32_MAX, &u) < 0) {
                        report(rd, t->owner->at, &ow, "expected a netlink port id from 0 to %u, got %s", UINT32_MAX,
                               nc_ynode_got(t->owner, buf));
                        return 0;
                }
                x.has_owner = true;
                x.owner = u;
        }
        for (size_t i = 0; i < rd->s->nft.n_tables; i++)
                if (strcmp(rd->s->nft.tables[i].name, table->value) == 0) {
                        report(rd, table->at, &w, "table '%s' is listed under nft_tables too", table->value);
                        return 0;
                }
        r = nc_state_set_nft_table(rd->s, table->value);
        return added(r < 0 ? r : nc_state_add_nft_table(rd->s, &x));
}

static int read_nft(struct snap_reader *rd, const struct nc_ynode *n) {
        static const char *const keys[] = { "table", "marked", "dormant", "owner", "chains", "rules", "objects",
                                            "elements" };
        static const struct where w = { "nft", NO_INDEX, NULL }, table_w = { "nft.table", NO_INDEX, NULL };
        static const enum snap_section lists[] = { SNAP_CHAINS, SNAP_RULES, SNAP_OBJECTS, SNAP_ELEMENTS };
        const struct nc_ynode *table;
        char buf[NC_YNODE_GOT_SIZE];
        int r;

        if (n->kind != NC_YNODE_MAPPING) {
                report(rd, n->at, &w, "expected a mapping with table, chains and rules, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        check_keys(rd, n, &w, keys, ELEMENTSOF(keys));
        table = nc_ynode_get(n, "table");
        if (!table)
                report(rd, n->at, &table_w, "missing required key");
        else if ((r = snap_read_table(rd, &(struct snap_table_nodes) { .table = table,
                                                                      .marked = nc_ynode_get(n, "marked"),
                                                                      .dormant = nc_ynode_get(n, "dormant"),
                                                                      .owner = nc_ynode_get(n, "owner") })) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(lists); i++) {
                const struct nc_ynode *v = nc_ynode_get(n, sections[lists[i]].name);

                r = v ? read_section(rd, lists[i], v) : 0;
                if (r < 0)
                        return r;
        }
        seen_check(rd, SNAP_CHAINS, "chain");
        seen_check(rd, SNAP_OBJECTS, "set, map or flowtable (same kind and name)");
        return check_rule_chains(rd, nc_ynode_get(n, "rules"));
}

static int read_root(struct snap_reader *rd, const struct nc_ynode *root) {
        static const char *const keys[] = { "snapshot",  "ip_forward", "ip6_forward", "route_localnet", "namespaces",
                                            "links",     "addresses",  "routes",            "fdb",
                                            "nft_tables", "nft_forward_drops", "nft_drop_rules", "listeners",
                                            "nft" };
        static const struct where w = { "", NO_INDEX, NULL };
        const struct nc_ynode *nft;
        char buf[NC_YNODE_GOT_SIZE];
        int r;

        /* Nothing at all (/dev/null): a host nobody has touched. */
        if (!root || nc_ynode_is_null(root)) {
                rd->s->ip_forward = 0;
                rd->s->ip6_forward = 0;
                rd->s->route_localnet = 0;
                return 0;
        }
        if (root->kind != NC_YNODE_MAPPING) {
                report(rd, root->at, &w, "expected a snapshot (a mapping starting with snapshot: %d), got %s",
                       NC_SNAPSHOT_VERSION, nc_ynode_got(root, buf));
                return 0;
        }
        check_keys(rd, root, &w, keys, ELEMENTSOF(keys));
        read_header(rd, root);
        for (enum snap_section id = SNAP_NAMESPACES; id <= SNAP_ROUTES; id++) {
                const struct nc_ynode *n = nc_ynode_get(root, sections[id].name);

                r = n ? read_section(rd, id, n) : 0;
                if (r < 0)
                        return r;
        }
        nft = nc_ynode_get(root, "fdb");
        r = nft ? read_section(rd, SNAP_FDB, nft) : 0;
        if (r < 0)
                return r;
        seen_check(rd, SNAP_NAMESPACES, "namespace");
        seen_check(rd, SNAP_LINKS, "link (same netns and name)");
        /* Before nft: its table is checked against them. */
        nft = nc_ynode_get(root, "nft_tables");
        r = nft ? read_section(rd, SNAP_TABLES, nft) : 0;
        if (r < 0)
                return r;
        seen_check(rd, SNAP_TABLES, "nftables table");
        nft = nc_ynode_get(root, "nft_forward_drops");
        r = nft ? read_section(rd, SNAP_FORWARD_DROPS, nft) : 0;
        if (r < 0)
                return r;
        for (enum snap_section id = SNAP_DROP_RULES; id <= SNAP_LISTENERS; id++) {
                const struct nc_ynode *v = nc_ynode_get(root, sections[id].name);

                r = v ? read_section(rd, id, v) : 0;
                if (r < 0)
                        return r;
        }
        nft = nc_ynode_get(root, "nft");
        return nft ? read_nft(rd, nft) : 0;
}

static void reader_done(struct snap_reader *rd) {
        for (size_t i = 0; i < ELEMENTSOF(rd->seen); i++)
                free(rd->seen[i].v);
}

/* The line reader's checks, on the sorted state, in place of the seen
 * lists and check_rule_chains(): no namespace, link, chain or table listed twice,
 * and every rule in a listed chain. */
static bool sorted_state_ok(const struct nc_state *s) {
        for (size_t i = 1; i < s->n_namespaces; i++)
                if (strcmp(s->namespaces[i - 1].netns, s->namespaces[i].netns) == 0)
                        return false;
        for (size_t i = 1; i < s->n_links; i++)
                if (strcmp(s->links[i - 1].netns, s->links[i].netns) == 0 &&
                    strcmp(s->links[i - 1].name, s->links[i].name) == 0)
                        return false;
        for (size_t i = 1; i < s->nft.n_chains; i++)
                if (strcmp(s->nft.chains[i - 1].name, s->nft.chains[i].name) == 0)
                        return false;
        for (size_t i = 1; i < s->nft.n_tables; i++)
                if (strcmp(s->nft.tables[i - 1].name, s->nft.tables[i].name) == 0)
                        return false;
        for (size_t i = 1; i < s->nft.n_objects; i++)
                if (s->nft.objects[i - 1].kind == s->nft.objects[i].kind &&
                    strcmp(s->nft.objects[i - 1].name, s->nft.objects[i].name) == 0)
                        return false;
        for (size_t i = 0; i < s->nft.n_rules; i++)
                /* Safe with `chains: []` and one rule: nc_nft_find_chain()
                 * never hands bsearch() a NULL array (UBSan). */
                if (!nc_nft_find_chain(&s->nft, s->nft.rules[i].chain))
                        return false;
        return true;
}

/* !!binary scalars, the writer's form of a string whose bytes are not
 * UTF-8, decoded in place into those bytes, before any field reads them.
 * Only as deep as a snapshot goes (root, section, list, entry, value):
 * nothing deeper is read. An alias shares its node, which is decoded
 * once. */
#define SNAPSHOT_DEPTH 5

static void decode_binary(struct snap_reader *rd, struct nc_ynode *n, unsigned depth) {
        static const struct where top = { "", NO_INDEX, NULL };

        if (!n || depth >= SNAPSHOT_DEPTH)
                return;
        switch (n->kind) {
        case NC_YNODE_SCALAR:
                if (!n->binary)
                        return;
                n->binary = false;
                if (nc_base64_decode_inplace(n->value) < 0)
                        report(rd, n->at, &top, "a !!binary value must be base64 of bytes other than NUL");
                return;
        case NC_YNODE_SEQUENCE:
                for (size_t i = 0; i < n->n_items; i++)
                        decode_binary(rd, n->items[i], depth + 1);
                return;
        case NC_YNODE_MAPPING:
                for (size_t i = 0; i < n->n_pairs; i++) {
                        decode_binary(rd, n->pairs[i].key, depth + 1);
                        decode_binary(rd, n->pairs[i].value, depth + 1);
                }
                return;
        }
}

int snap_read_fast(const char *buf, size_t len, struct nc_state **ret) {
        _cleanup_(nc_state_freep) struct nc_state *s = nc_state_new();
        struct nc_diags d;
        struct snap_reader rd = { .d = &d, .s = s, .strict = true };
        int r;

        if (!s)
                return -ENOMEM;
        /* The strict reader reports nothing; d is there for the entry
         * code's signature only. */
        r = nc_diags_init(&d, "");
        if (r < 0)
                return r;
        if (len > NC_SNAPSHOT_MAX_BYTES)
                r = 0;
        else
                r = snap_read_lines(&rd, buf, len, NC_SNAPSHOT_MAX_NODES);
        reader_done(&rd);
        if (r > 0 && d.oom)
                r = -ENOMEM;
        nc_diags_done(&d);
        if (r <= 0)
                return r;
        nc_state_sort(s);
        if (!sorted_state_ok(s))
                return 0;
        *ret = TAKE_PTR(s);
        return 1;
}

int snap_read_generic(const char *buf, size_t len, struct nc_diags *d, struct nc_state **ret) {
        _cleanup_(nc_state_freep) struct nc_state *s = NULL;
        struct snap_reader rd = { .d = d };
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
                decode_binary(&rd, doc.root, 0);
        if (r >= 0)
                r = read_root(&rd, doc.root);
        nc_ydoc_done(&doc);
        reader_done(&rd);
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

int nc_snapshot_read_buffer(const char *buf, size_t len, struct nc_diags *d, struct nc_state **ret) {
        int r;

        if (len > NC_SNAPSHOT_MAX_BYTES) {
                nc_diags_add(d, (struct nc_origin) {}, "", "the file is larger than the limit of %u bytes",
                             NC_SNAPSHOT_MAX_BYTES);
                return -EFBIG;
        }
        r = snap_read_fast(buf, len, ret);
        if (r != 0)
                return r < 0 ? r : 0;
        return snap_read_generic(buf, len, d, ret);
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
