/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "netconverge/addr.h"
#include "nft/nft.h"
#include "util/cleanup.h"

/* The published ports' maps (state.h) in the kernel: the map itself, its
 * elements, and the one rule per map that looks it up. The element's key
 * and data are laid out as nft lays out a concatenation: each part from
 * the start of a 4-byte register, in network order, so `nft list` shows
 * `8080 : 172.17.0.3 . 80` and an element added by hand with nft reads the
 * same. */

#define REG_SIZE 4
#define ADDR_LEN(v6) ((v6) ? 16u : 4u)

/* The map's type in nft's words, split at " : ". */
static int map_types(const char *type, uint32_t *key_type, uint32_t *key_len, uint32_t *data_type,
                     uint32_t *data_len) {
        const char *colon = type ? strstr(type, " : ") : NULL;
        char key[64];

        if (!colon || (size_t) (colon - type) >= sizeof(key))
                return -EINVAL;
        memcpy(key, type, (size_t) (colon - type));
        key[colon - type] = '\0';
        if (nc_nft_type_parse(key, key_type, key_len) < 0 || nc_nft_type_parse(colon + 3, data_type, data_len) < 0)
                return -EINVAL;
        return 0;
}

int nc_nft_map_build(const struct nc_nft_object *o, const char *table, struct nftnl_set **ret) {
        _cleanup_(nc_nft_set_freep) struct nftnl_set *x = NULL;
        uint32_t kt, kl, dt, dl;

        if (o->kind != NC_NFT_MAP || map_types(o->type, &kt, &kl, &dt, &dl) < 0)
                return -EINVAL;
        x = nftnl_set_alloc();
        if (!x || nftnl_set_set_str(x, NFTNL_SET_TABLE, table) < 0 || nftnl_set_set_str(x, NFTNL_SET_NAME, o->name) < 0)
                return -ENOMEM;
        nftnl_set_set_u32(x, NFTNL_SET_FAMILY, NFPROTO_INET);
        nftnl_set_set_u32(x, NFTNL_SET_FLAGS, NFT_SET_MAP);
        nftnl_set_set_u32(x, NFTNL_SET_KEY_TYPE, kt);
        nftnl_set_set_u32(x, NFTNL_SET_KEY_LEN, kl);
        nftnl_set_set_u32(x, NFTNL_SET_DATA_TYPE, dt);
        nftnl_set_set_u32(x, NFTNL_SET_DATA_LEN, dl);
        *ret = TAKE_PTR(x);
        return 0;
}

static uint32_t u32_of(struct nftnl_set *x, uint16_t attr) {
        return nftnl_set_is_set(x, attr) ? nftnl_set_get_u32(x, attr) : 0;
}

const char *nc_nft_map_type(struct nftnl_set *x, char *buf, size_t size) {
        char key[64], data[64];
        uint32_t kt, kl, dt, dl;

        if (!(u32_of(x, NFTNL_SET_FLAGS) & NFT_SET_MAP) ||
            nc_nft_type_format(u32_of(x, NFTNL_SET_KEY_TYPE), key, sizeof(key)) < 0 ||
            nc_nft_type_format(u32_of(x, NFTNL_SET_DATA_TYPE), data, sizeof(data)) < 0)
                return NULL;
        if (snprintf(buf, size, "%s : %s", key, data) >= (int) size)
                return NULL;
        /* The lengths must be the ones the types give, or the elements
         * are not laid out as this file reads them. */
        if (map_types(buf, &kt, &kl, &dt, &dl) < 0 || kl != u32_of(x, NFTNL_SET_KEY_LEN) ||
            dl != u32_of(x, NFTNL_SET_DATA_LEN))
                return NULL;
        return buf;
}

/* Address then port, each from a register's start; len bytes. */
static uint32_t put_addr_port(uint8_t *buf, bool v6, uint32_t addr4, const struct nc_ipv6 *addr6, uint16_t port) {
        uint16_t p = htons(port);
        uint32_t a = htonl(addr4);

        if (v6)
                memcpy(buf, addr6->b, 16);
        else
                memcpy(buf, &a, sizeof(a));
        memcpy(buf + ADDR_LEN(v6), &p, sizeof(p));
        return ADDR_LEN(v6) + REG_SIZE;
}

int nc_nft_element_build(const struct nc_nft_rule *e, bool key_only, struct nftnl_set_elem **ret) {
        _cleanup_(nc_nft_set_elem_freep) struct nftnl_set_elem *x = NULL;
        uint8_t key[20] = {}, data[20] = {};
        uint32_t key_len, data_len;
        bool v6, by_addr;
        enum nc_proto proto;

        if (e->kind != NC_RULE_DNAT || !e->chain || nc_nft_port_map_parse(e->chain, &v6, &proto, &by_addr) < 0 ||
            v6 != e->v6 || proto != e->proto)
                return -EINVAL;
        if (by_addr)
                key_len = put_addr_port(key, v6, e->daddr, &e->daddr6, e->dport);
        else {
                uint16_t p = htons(e->dport);

                memcpy(key, &p, sizeof(p));
                key_len = sizeof(p);
        }
        data_len = put_addr_port(data, v6, e->to_addr, &e->to_addr6, e->to_port);
        x = nftnl_set_elem_alloc();
        if (!x || nftnl_set_elem_set(x, NFTNL_SET_ELEM_KEY, key, key_len) < 0)
                return -ENOMEM;
        if (!key_only && nftnl_set_elem_set(x, NFTNL_SET_ELEM_DATA, data, data_len) < 0)
                return -ENOMEM;
        if (!key_only && e->key) {
                _cleanup_(nc_nft_udata_freep) struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(256);

                if (!u)
                        return -ENOMEM;
                if (!nftnl_udata_put_strz(u, NFTNL_UDATA_SET_ELEM_COMMENT, e->key))
                        return -EINVAL;
                if (nftnl_set_elem_set(x, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(u), nftnl_udata_buf_len(u)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(x);
        return 0;
}

static void get_addr_port(const uint8_t *buf, bool v6, uint32_t *addr4, struct nc_ipv6 *addr6, uint16_t *port) {
        uint32_t a;
        uint16_t p;

        if (v6)
                memcpy(addr6->b, buf, 16);
        else {
                memcpy(&a, buf, sizeof(a));
                *addr4 = ntohl(a);
        }
        memcpy(&p, buf + ADDR_LEN(v6), sizeof(p));
        *port = ntohs(p);
}

static int comment_cb(uint8_t type, const uint8_t *v, uint8_t len, void *data) {
        const char **key = data;

        if (type == NFTNL_UDATA_SET_ELEM_COMMENT && len > 1 && v[len - 1] == '\0' &&
            strlen((const char *) v) == (size_t) len - 1)
                *key = (const char *) v;
        return 0;
}

int nc_nft_element_decode(struct nftnl_set_elem *x, const char *map, struct nc_nft_rule *ret) {
        struct nc_nft_rule e = { .kind = NC_RULE_DNAT, .chain = (char *) map };
        uint32_t key_len = 0, data_len = 0, ud_len = 0;
        const uint8_t *key, *data;
        const void *ud;
        bool by_addr;

        if (nc_nft_port_map_parse(map, &e.v6, &e.proto, &by_addr) < 0)
                return -EINVAL;
        key = nftnl_set_elem_get(x, NFTNL_SET_ELEM_KEY, &key_len);
        data = nftnl_set_elem_get(x, NFTNL_SET_ELEM_DATA, &data_len);
        if (!key || !data || data_len != ADDR_LEN(e.v6) + REG_SIZE ||
            key_len != (by_addr ? ADDR_LEN(e.v6) + REG_SIZE : sizeof(uint16_t)))
                return 0;
        if (by_addr) {
                get_addr_port(key, e.v6, &e.daddr, &e.daddr6, &e.dport);
                /* The unspecified address is the other map's. */
                if (e.v6 ? nc_ipv6_is_zero(&e.daddr6) : e.daddr == 0)
                        return 0;
        } else {
                uint16_t p;

                memcpy(&p, key, sizeof(p));
                e.dport = ntohs(p);
        }
        get_addr_port(data, e.v6, &e.to_addr, &e.to_addr6, &e.to_port);
        ud = nftnl_set_elem_get(x, NFTNL_SET_ELEM_USERDATA, &ud_len);
        if (ud && ud_len > 0 && nc_nft_udata_walk(ud, ud_len, comment_cb, &e.key) < 0)
                e.key = NULL;
        *ret = e;
        return 1;
}

void nc_nft_set_elem_freep(struct nftnl_set_elem **e) {
        if (*e)
                nftnl_set_elem_free(*e);
}

/* The lookup rule, expression by expression: exactly what build.c's
 * build_dnat_map() emits (and nft for the same text). */
#define MAP_RULE_EXPRS_MAX 8

struct map_rule {
        struct nftnl_expr *e[MAP_RULE_EXPRS_MAX + 1];
        size_t n;
};

static uint32_t get_u32(const struct nftnl_expr *e, uint16_t attr) {
        return nftnl_expr_is_set(e, attr) ? nftnl_expr_get_u32(e, attr) : UINT32_MAX;
}

static bool is(const struct nftnl_expr *e, const char *name) {
        const char *n = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

        return n && strcmp(n, name) == 0;
}

/* meta KEY => reg 1; cmp eq reg 1 (one byte): the byte, or -1. */
static int meta_eq(const struct map_rule *m, size_t i, uint32_t key) {
        uint32_t len = 0;
        const uint8_t *v;

        if (!is(m->e[i], "meta") || get_u32(m->e[i], NFTNL_EXPR_META_KEY) != key ||
            get_u32(m->e[i], NFTNL_EXPR_META_DREG) != NFT_REG_1 || !is(m->e[i + 1], "cmp") ||
            get_u32(m->e[i + 1], NFTNL_EXPR_CMP_SREG) != NFT_REG_1 ||
            get_u32(m->e[i + 1], NFTNL_EXPR_CMP_OP) != NFT_CMP_EQ)
                return -1;
        v = nftnl_expr_get(m->e[i + 1], NFTNL_EXPR_CMP_DATA, &len);
        return v && len == 1 ? v[0] : -1;
}

static bool payload_is(const struct nftnl_expr *e, uint32_t base, uint32_t offset, uint32_t len, uint32_t reg) {
        return is(e, "payload") && !nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG) &&
               get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) == base && get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET) == offset &&
               get_u32(e, NFTNL_EXPR_PAYLOAD_LEN) == len && get_u32(e, NFTNL_EXPR_PAYLOAD_DREG) == reg;
}

/* A nat register pair: max absent or equal to min. */
static bool nat_reg_is(const struct nftnl_expr *e, uint16_t min, uint16_t max, uint32_t reg) {
        return get_u32(e, min) == reg && (!nftnl_expr_is_set(e, max) || get_u32(e, max) == reg);
}

static bool nat_is(const struct nftnl_expr *e, bool v6, uint32_t port_reg) {
        const uint32_t allowed = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
        uint32_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_NAT_FLAGS) ? nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FLAGS) : 0;

        return is(e, "nat") && get_u32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_DNAT &&
               get_u32(e, NFTNL_EXPR_NAT_FAMILY) == (v6 ? NFPROTO_IPV6 : NFPROTO_IPV4) && !(flags & ~allowed) &&
               nat_reg_is(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_1) &&
               nat_reg_is(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFTNL_EXPR_NAT_REG_PROTO_MAX, port_reg);
}

static int collect(const struct nftnl_rule *nr, struct map_rule *m) {
        struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
        struct nftnl_expr *e;

        if (!it)
                return -ENOMEM;
        while ((e = nftnl_expr_iter_next(it)) && m->n <= MAP_RULE_EXPRS_MAX)
                m->e[m->n++] = e;
        nftnl_expr_iter_destroy(it);
        return 0;
}

int nc_nft_map_rule_decode(const struct nftnl_rule *nr, struct nc_nft_rule *ret) {
        struct map_rule m = {};
        struct nc_nft_rule r = { .kind = NC_RULE_DNAT_MAP };
        int fam, l4, k, proto;
        const char *set;
        uint32_t port_reg;
        size_t i = 4;
        bool v6, by_addr;
        enum nc_proto p;

        k = collect(nr, &m);
        if (k < 0)
                return k;
        /* nfproto, l4proto (2 each), [daddr], dport, lookup, nat. */
        if (m.n != 7 && m.n != 8)
                return 0;
        fam = meta_eq(&m, 0, NFT_META_NFPROTO);
        l4 = meta_eq(&m, 2, NFT_META_L4PROTO);
        proto = l4 < 0 ? -1 : nc_proto_from_number((uint8_t) l4);
        if ((fam != NFPROTO_IPV4 && fam != NFPROTO_IPV6) || proto < 0)
                return 0;
        r.v6 = fam == NFPROTO_IPV6;
        r.proto = (enum nc_proto) proto;
        r.by_addr = m.n == 8;
        port_reg = r.by_addr ? (r.v6 ? NFT_REG_2 : NFT_REG32_01) : NFT_REG_1;
        if (r.by_addr && !payload_is(m.e[i++], NFT_PAYLOAD_NETWORK_HEADER,
                                     r.v6 ? NC_IPV6_DADDR_OFFSET : NC_IPV4_DADDR_OFFSET, ADDR_LEN(r.v6), NFT_REG_1))
                return 0;
        if (!payload_is(m.e[i++], NFT_PAYLOAD_TRANSPORT_HEADER, NC_TH_DPORT_OFFSET, sizeof(uint16_t), port_reg))
                return 0;
        if (!is(m.e[i], "lookup") || get_u32(m.e[i], NFTNL_EXPR_LOOKUP_SREG) != NFT_REG_1 ||
            get_u32(m.e[i], NFTNL_EXPR_LOOKUP_DREG) != NFT_REG_1 ||
            (nftnl_expr_is_set(m.e[i], NFTNL_EXPR_LOOKUP_FLAGS) && get_u32(m.e[i], NFTNL_EXPR_LOOKUP_FLAGS) != 0))
                return 0;
        set = nftnl_expr_get_str(m.e[i++], NFTNL_EXPR_LOOKUP_SET);
        /* The data lands in reg 1 and the port after the address. */
        if (!nat_is(m.e[i], r.v6, r.v6 ? NFT_REG_2 : NFT_REG32_01))
                return 0;
        /* Only a port map of this very family, protocol and keying. */
        if (!set || nc_nft_port_map_parse(set, &v6, &p, &by_addr) < 0 || v6 != r.v6 || p != r.proto ||
            by_addr != r.by_addr)
                return 0;
        snprintf(r.target, sizeof(r.target), "%s", set);
        *ret = r;
        return 1;
}
