/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "netconverge/addr.h"
#include "nft/nft.h"
#include "util/cleanup.h"

/* Normalized rule -> expressions, the very ones nft emits for the same
 * text (nft --debug=netlink), register for register: a rule we write and
 * one a user writes with nft look alike in `nft list` and in the kernel. */

/* nft's limit for a comment (NFT_USERDATA_MAXLEN). */
#define NC_USERDATA_MAX 256

/* Accumulates a rule; the first failure sticks, so that the shape
 * functions read as the nft text they build. */
struct builder {
        struct nftnl_rule *r;
        int err;
};

static struct nftnl_expr *expr_new(struct builder *b, const char *name) {
        struct nftnl_expr *e;

        if (b->err < 0)
                return NULL;
        e = nftnl_expr_alloc(name);
        if (!e)
                b->err = -ENOMEM;
        return e;
}

static void expr_add(struct builder *b, struct nftnl_expr *e) {
        if (e)
                nftnl_rule_add_expr(b->r, e);
}

static void put_meta(struct builder *b, uint32_t key) {
        struct nftnl_expr *e = expr_new(b, "meta");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
        nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
        expr_add(b, e);
}

static void put_cmp(struct builder *b, enum nft_cmp_ops op, const void *data, uint32_t len) {
        struct nftnl_expr *e = expr_new(b, "cmp");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
        nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
        expr_add(b, e);
}

static void put_payload(struct builder *b, enum nft_payload_bases base, uint32_t offset, uint32_t len) {
        struct nftnl_expr *e = expr_new(b, "payload");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
        expr_add(b, e);
}

static void put_bitwise_mask(struct builder *b, const void *mask, uint32_t len) {
        static const uint8_t zero[16];
        struct nftnl_expr *e = expr_new(b, "bitwise");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
        expr_add(b, e);
}

static void put_immediate(struct builder *b, uint32_t reg, const void *data, uint32_t len) {
        struct nftnl_expr *e = expr_new(b, "immediate");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
        nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
        expr_add(b, e);
}

static void put_verdict(struct builder *b, int verdict, const char *chain) {
        struct nftnl_expr *e = expr_new(b, "immediate");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
        nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t) verdict);
        if (chain && nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0) {
                nftnl_expr_free(e);
                b->err = -ENOMEM;
                return;
        }
        expr_add(b, e);
}

/* iifname/oifname compare all IFNAMSIZ bytes, zero-padded, like nft does
 * for a name without a wildcard. */
static void put_ifname(struct builder *b, uint32_t key, enum nft_cmp_ops op, const char *name) {
        char buf[NC_IFNAMSIZ] = {};

        memcpy(buf, name, strnlen(name, sizeof(buf) - 1));
        put_meta(b, key);
        put_cmp(b, op, buf, sizeof(buf));
}

/* `meta nfproto ipv4|ipv6`: the dependency nft adds before any IPv4 or
 * IPv6 header match in an inet table. */
static void put_nfproto(struct builder *b, bool v6) {
        uint8_t v = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;

        put_meta(b, NFT_META_NFPROTO);
        put_cmp(b, NFT_CMP_EQ, &v, sizeof(v));
}

/* `ip saddr|daddr [!=] ADDR/LEN` as nft emits it: a byte-aligned prefix
 * loads only its bytes; any other loads the address and masks it. */
static void put_ip_prefix(struct builder *b, uint32_t offset, enum nft_cmp_ops op, uint32_t addr, unsigned len) {
        uint32_t net = htonl(addr & nc_prefix_mask(len)), mask = htonl(nc_prefix_mask(len));

        if (len % 8 == 0) {
                put_payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, len / 8);
                put_cmp(b, op, &net, len / 8);
                return;
        }
        put_payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, sizeof(net));
        put_bitwise_mask(b, &mask, sizeof(mask));
        put_cmp(b, op, &net, sizeof(net));
}

/* `ip6 saddr|daddr [!=] ADDR/LEN`, the same way: nft 1.0's other prefix
 * loads all 16 bytes and masks them. */
static void put_ip6_prefix(struct builder *b, uint32_t offset, enum nft_cmp_ops op, const struct nc_ipv6 *addr,
                           unsigned len) {
        struct nc_ipv6 net = nc_ipv6_network(addr, len), mask = {};

        if (len % 8 == 0) {
                put_payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, len / 8);
                put_cmp(b, op, net.b, len / 8);
                return;
        }
        memset(mask.b, 0xff, sizeof(mask.b));
        mask = nc_ipv6_network(&mask, len);
        put_payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, sizeof(net.b));
        put_bitwise_mask(b, mask.b, sizeof(mask.b));
        put_cmp(b, op, net.b, sizeof(net.b));
}

static void build_masquerade(struct builder *b, const struct nc_nft_rule *r) {
        put_nfproto(b, r->v6);
        if (r->v6)
                put_ip6_prefix(b, NC_IPV6_SADDR_OFFSET, NFT_CMP_EQ, &r->saddr6, r->saddr_len);
        else
                put_ip_prefix(b, NC_IPV4_SADDR_OFFSET, NFT_CMP_EQ, r->saddr, r->saddr_len);
        put_ifname(b, NFT_META_OIFNAME, NFT_CMP_NEQ, r->oifname);
        expr_add(b, expr_new(b, "masq"));
}

static void build_jump(struct builder *b, const struct nc_nft_rule *r) {
        uint32_t local = RTN_LOCAL;
        struct nftnl_expr *e;

        if (r->not_loopback && r->v6) {
                static const struct nc_ipv6 loopback6 = NC_LOOPBACK6;

                put_nfproto(b, true);
                put_ip6_prefix(b, NC_IPV6_DADDR_OFFSET, NFT_CMP_NEQ, &loopback6, 128);
        } else if (r->not_loopback) {
                put_nfproto(b, false);
                put_ip_prefix(b, NC_IPV4_DADDR_OFFSET, NFT_CMP_NEQ, NC_LOOPBACK_NET, NC_LOOPBACK_LEN);
        } else if (r->ipv4_only)
                put_nfproto(b, false);
        e = expr_new(b, "fib");
        if (e) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
                nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
                nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
                expr_add(b, e);
        }
        put_cmp(b, NFT_CMP_EQ, &local, sizeof(local));
        put_verdict(b, NFT_JUMP, r->target);
}

static void build_return(struct builder *b, const struct nc_nft_rule *r) {
        put_ifname(b, NFT_META_IIFNAME, NFT_CMP_EQ, r->iifname);
        put_verdict(b, NFT_RETURN, NULL);
}

static void build_dnat(struct builder *b, const struct nc_nft_rule *r) {
        uint8_t l4 = nc_proto_number(r->proto);
        uint16_t dport = htons(r->dport), to_port = htons(r->to_port);
        uint32_t to_addr = htonl(r->to_addr);
        struct nftnl_expr *e;

        /* nfproto also without a daddr: a DNAT of the other family would
         * not translate, and nft writes it that way for our text too. */
        put_nfproto(b, r->v6);
        if (r->v6 && !nc_ipv6_is_zero(&r->daddr6))
                put_ip6_prefix(b, NC_IPV6_DADDR_OFFSET, NFT_CMP_EQ, &r->daddr6, 128);
        else if (!r->v6 && r->daddr != 0)
                put_ip_prefix(b, NC_IPV4_DADDR_OFFSET, NFT_CMP_EQ, r->daddr, 32);
        put_meta(b, NFT_META_L4PROTO);
        put_cmp(b, NFT_CMP_EQ, &l4, sizeof(l4));
        put_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, NC_TH_DPORT_OFFSET, sizeof(dport));
        put_cmp(b, NFT_CMP_EQ, &dport, sizeof(dport));
        if (r->v6)
                put_immediate(b, NFT_REG_1, r->to_addr6.b, sizeof(r->to_addr6.b));
        else
                put_immediate(b, NFT_REG_1, &to_addr, sizeof(to_addr));
        put_immediate(b, NFT_REG_2, &to_port, sizeof(to_port));
        e = expr_new(b, "nat");
        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, r->v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
        expr_add(b, e);
}

/* The lookup of a port map (SPEC 7.2), as nft emits `meta nfproto ipv4
 * meta l4proto tcp dnat ip to [ip daddr .] tcp dport map @MAP`: the key
 * from reg 1 (and the port after the address: reg32 1 for IPv4, reg 2
 * for IPv6), the data, address then port, into the same registers. A
 * lookup that misses ends the rule (NFT_BREAK): the next map is tried. */
static void build_dnat_map(struct builder *b, const struct nc_nft_rule *r) {
        uint8_t l4 = nc_proto_number(r->proto);
        uint32_t port_reg = r->v6 ? NFT_REG_2 : NFT_REG32_01;
        struct nftnl_expr *e;

        put_nfproto(b, r->v6);
        put_meta(b, NFT_META_L4PROTO);
        put_cmp(b, NFT_CMP_EQ, &l4, sizeof(l4));
        if (r->by_addr) {
                put_payload(b, NFT_PAYLOAD_NETWORK_HEADER, r->v6 ? NC_IPV6_DADDR_OFFSET : NC_IPV4_DADDR_OFFSET,
                            r->v6 ? 16 : 4);
                e = expr_new(b, "payload");
                if (e) {
                        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, port_reg);
                        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
                        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, NC_TH_DPORT_OFFSET);
                        nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, sizeof(uint16_t));
                        expr_add(b, e);
                }
        } else
                put_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, NC_TH_DPORT_OFFSET, sizeof(uint16_t));
        e = expr_new(b, "lookup");
        if (e) {
                nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
                nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_1);
                if (nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, r->target) < 0) {
                        nftnl_expr_free(e);
                        b->err = -ENOMEM;
                        return;
                }
                expr_add(b, e);
        }
        e = expr_new(b, "nat");
        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, r->v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, port_reg);
        nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
        expr_add(b, e);
}

static void build_drop(struct builder *b, const struct nc_nft_rule *r) {
        put_ifname(b, NFT_META_IIFNAME, NFT_CMP_EQ, r->iifname);
        put_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, r->oifname);
        put_verdict(b, NF_DROP, NULL);
}

/* `ct KEY [!] BITS`: the 32-bit word (host order) masked, compared with
 * 0, as nft emits `ct status dnat` (!=) and `ct state ! established,related`
 * (==). */
static void put_ct_bits(struct builder *b, uint32_t key, uint32_t mask, enum nft_cmp_ops op) {
        uint32_t zero = 0;
        struct nftnl_expr *e = expr_new(b, "ct");

        if (!e)
                return;
        nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
        nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
        expr_add(b, e);
        put_bitwise_mask(b, &mask, sizeof(mask));
        put_cmp(b, op, &zero, sizeof(zero));
}

static void put_ct_dnat(struct builder *b) {
        put_ct_bits(b, NFT_CT_STATUS, IPS_DST_NAT, NFT_CMP_NEQ);
}

static void put_group(struct builder *b, uint32_t key, uint32_t group) {
        put_meta(b, key);
        put_cmp(b, NFT_CMP_NEQ, &group, sizeof(group));
}

static void build_filter(struct builder *b, const struct nc_nft_rule *r) {
        put_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, r->oifname);
        put_group(b, NFT_META_IIFGROUP, r->ifgroup);
        put_ct_bits(b, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), NFT_CMP_EQ);
        put_ct_bits(b, NFT_CT_STATUS, IPS_DST_NAT, NFT_CMP_EQ);
        put_verdict(b, NF_DROP, NULL);
}

static void build_internal(struct builder *b, const struct nc_nft_rule *r) {
        put_ifname(b, NFT_META_IIFNAME, NFT_CMP_EQ, r->iifname);
        put_group(b, NFT_META_OIFGROUP, r->ifgroup);
        put_verdict(b, NF_DROP, NULL);
}

static void build_hairpin(struct builder *b, const struct nc_nft_rule *r) {
        put_nfproto(b, r->v6);
        if (r->v6)
                put_ip6_prefix(b, NC_IPV6_SADDR_OFFSET, NFT_CMP_EQ, &r->saddr6, r->saddr_len);
        else
                put_ip_prefix(b, NC_IPV4_SADDR_OFFSET, NFT_CMP_EQ, r->saddr, r->saddr_len);
        put_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, r->oifname);
        if (r->ct_dnat)
                put_ct_dnat(b);
        expr_add(b, expr_new(b, "masq"));
}

static void build_guard(struct builder *b, const struct nc_nft_rule *r) {
        put_nfproto(b, false);
        put_ifname(b, NFT_META_IIFNAME, NFT_CMP_NEQ, r->iifname);
        put_ip_prefix(b, NC_IPV4_DADDR_OFFSET, NFT_CMP_EQ, NC_LOOPBACK_NET, NC_LOOPBACK_LEN);
        put_verdict(b, NF_DROP, NULL);
}

static void (*const build_table[_NC_RULE_KIND_MAX])(struct builder *b, const struct nc_nft_rule *r) = {
        [NC_RULE_MASQUERADE] = build_masquerade,
        [NC_RULE_JUMP] = build_jump,
        [NC_RULE_RETURN] = build_return,
        [NC_RULE_DNAT] = build_dnat,
        [NC_RULE_DROP] = build_drop,
        [NC_RULE_DNAT_MAP] = build_dnat_map,
        [NC_RULE_HAIRPIN] = build_hairpin,
        [NC_RULE_GUARD] = build_guard,
        [NC_RULE_FILTER] = build_filter,
        [NC_RULE_INTERNAL] = build_internal,
};

static int set_comment(struct nftnl_rule *nr, const char *key) {
        _cleanup_(nc_nft_udata_freep) struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(NC_USERDATA_MAX);

        if (!u)
                return -ENOMEM;
        /* strlen + NUL + the TLV header must fit. */
        if (!nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, key))
                return -EINVAL;
        if (nftnl_rule_set_data(nr, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u), nftnl_udata_buf_len(u)) < 0)
                return -ENOMEM;
        return 0;
}

static bool shape_valid(const struct nc_nft_rule *r) {
        switch (r->kind) {
        case NC_RULE_MASQUERADE:
                return r->saddr_len >= 1 && r->saddr_len <= (r->v6 ? 128u : 32u) && r->oifname[0];
        case NC_RULE_JUMP:
                /* The plain jump matches no address: it has no IPv6 form. */
                return r->target[0] && (!r->v6 || r->not_loopback) && !(r->ipv4_only && (r->v6 || r->not_loopback));
        case NC_RULE_RETURN:
                return r->iifname[0] && !r->v6;
        case NC_RULE_DNAT:
                return (unsigned) r->proto < _NC_PROTO_MAX;
        case NC_RULE_DROP:
                return r->iifname[0] && r->oifname[0] && !r->v6;
        case NC_RULE_DNAT_MAP:
                return (unsigned) r->proto < _NC_PROTO_MAX && r->target[0];
        case NC_RULE_HAIRPIN:
                return r->saddr_len >= 1 && r->saddr_len <= (r->v6 ? 128u : 32u) && r->oifname[0];
        case NC_RULE_GUARD:
                return r->iifname[0] && !r->v6;
        case NC_RULE_FILTER:
                return r->oifname[0] && !r->v6;
        case NC_RULE_INTERNAL:
                return r->iifname[0] && !r->v6;
        default:
                return false;
        }
}

int nc_nft_rule_build(const struct nc_nft_rule *r, const char *table, struct nftnl_rule **ret) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = NULL;
        struct builder b;
        int k;

        if (!shape_valid(r) || !r->chain)
                return -EINVAL;
        nr = nftnl_rule_alloc();
        if (!nr)
                return -ENOMEM;
        nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, NFPROTO_INET);
        if (nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, table) < 0 ||
            nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, r->chain) < 0)
                return -ENOMEM;
        if (r->key && (k = set_comment(nr, r->key)) < 0)
                return k;
        b = (struct builder) { .r = nr };
        build_table[r->kind](&b, r);
        if (b.err < 0)
                return b.err;
        *ret = TAKE_PTR(nr);
        return 0;
}

void nc_nft_rule_freep(struct nftnl_rule **r) {
        if (*r)
                nftnl_rule_free(*r);
}
