/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "netconverge/addr.h"
#include "nft/nft.h"
#include "util/cleanup.h"

/* Expressions -> normalized rule. The expressions are run symbolically:
 * loads (meta, payload, fib, immediate) put a description of what a
 * register holds, bitwise masks it, and each cmp against such a register
 * becomes one match (nfproto ipv4, ip saddr in PREFIX, oifname != NAME,
 * ...). The rule's matches are a conjunction, so what counts is the set
 * of them and the final statement; a set that is exactly one of the
 * shapes in nft.h gives that kind, anything else (an unknown expression,
 * a match twice, a counter, a cmp nft never emits for these) is
 * NC_RULE_OTHER: the planner replaces it rather than trusting a look-alike.
 *
 * This accepts every form nft produces for the shapes: a byte-aligned
 * prefix as a short load, any prefix as a full load and a mask, the
 * 16-byte and the 32-bit register numbering.
 *
 * What a network header offset means depends on the family, and the
 * matches are a set, not a sequence: an address compare is kept as it is
 * (struct net_match) and read as IPv4 or IPv6 once the whole rule says
 * which nfproto it matched (resolve_addresses()). */

/* What a 32-bit register slot holds, when it starts a value we know. */
enum reg_kind {
        REG_UNKNOWN,
        REG_META,
        REG_PAYLOAD,
        REG_FIB_ADDRTYPE,       /* fib daddr type */
        REG_IMMEDIATE,
        REG_CT,                 /* ct status, ct state (meta_key: the ct key) */
};

struct reg {
        enum reg_kind kind;
        uint32_t len;           /* bytes */
        uint32_t meta_key;
        uint32_t base, offset;  /* payload */
        uint8_t mask[16];       /* payload: after a bitwise; all ones when not masked */
        uint8_t data[16];       /* immediate */
        bool used;              /* read by a cmp, bitwise or nat */
};

/* NFT_REG32_00..15: the 16-byte registers NFT_REG_1..4 are four slots each. */
#define NSLOTS 16

/* The matches a rule makes, one bit each. */
enum {
        M_NFPROTO_IPV4 = 1U << 0,
        M_L4PROTO = 1U << 1,            /* tcp, udp or sctp */
        M_SADDR = 1U << 2,              /* ip saddr PREFIX */
        M_DADDR = 1U << 3,              /* ip daddr ADDR (a /32, not 0.0.0.0) */
        M_DADDR_NOT_LO = 1U << 4,       /* ip daddr != 127.0.0.0/8 */
        M_IIFNAME = 1U << 5,
        M_OIFNAME = 1U << 6,
        M_OIFNAME_NOT = 1U << 7,
        M_FIB_LOCAL = 1U << 8,          /* fib daddr type local */
        M_DPORT = 1U << 9,              /* th dport PORT */
        M_NFPROTO_IPV6 = 1U << 10,
        M_IIFNAME_NOT = 1U << 11,
        M_CT_DNAT = 1U << 12,           /* ct status dnat */
        M_DADDR_LO = 1U << 13,          /* ip daddr 127.0.0.0/8 */
        M_CT_NOT_DNAT = 1U << 14,       /* ct status ! dnat */
        M_CT_NOT_ESTREL = 1U << 15,     /* ct state ! established,related */
        M_IIFGROUP_NOT = 1U << 16,      /* meta iifgroup != N */
        M_OIFGROUP_NOT = 1U << 17,      /* meta oifgroup != N */
};

/* A network header compare, before the family is known: the prefix the
 * value and mask give over the bytes loaded at offset. */
struct net_match {
        uint32_t offset, op, len;       /* len: bytes loaded */
        uint8_t addr[16];               /* zero after the bytes loaded */
        unsigned plen;
};

/* The shapes compare at most two addresses; a third is not one of them. */
#define NET_MATCHES_MAX 2

/* The statement that ends the rule. */
enum final {
        F_NONE,
        F_JUMP,
        F_RETURN,
        F_DROP,
        F_MASQ,
        F_DNAT,
};

struct decoder {
        struct reg regs[NSLOTS];
        unsigned matches;
        enum final final;
        bool other;                     /* seen something outside the shapes */
        struct nc_nft_rule *r;
        uint8_t l4proto;
        struct net_match net[NET_MATCHES_MAX];
        size_t n_net;
        uint32_t nat_family;            /* F_DNAT: NFPROTO_IPV4 or NFPROTO_IPV6 */
};

/* The slot a register number starts at, or -1 (the verdict register and
 * anything out of range). */
static int reg_slot(uint32_t reg) {
        if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
                return (int) (reg - NFT_REG_1) * 4;
        if (reg >= NFT_REG32_00 && reg < NFT_REG32_00 + NSLOTS)
                return (int) (reg - NFT_REG32_00);
        return -1;
}

static unsigned slots_of(uint32_t len) {
        return (len + 3) / 4;
}

/* Writing len bytes at slot overwrites whatever overlapped them. A value
 * overwritten before anything read it is not nft's: see unused_load(). */
static struct reg *reg_write(struct decoder *d, uint32_t reg, uint32_t len) {
        int s = reg_slot(reg);

        if (s < 0 || len == 0 || len > 16 || (unsigned) s + slots_of(len) > NSLOTS) {
                d->other = true;
                return NULL;
        }
        for (int i = 0; i < NSLOTS; i++) {
                struct reg *x = &d->regs[i];

                if (x->kind != REG_UNKNOWN && i < s + (int) slots_of(len) && s < i + (int) slots_of(x->len)) {
                        if (!x->used)
                                d->other = true;
                        *x = (struct reg) {};
                }
        }
        d->regs[s] = (struct reg) { .len = len };
        memset(d->regs[s].mask, 0xff, sizeof(d->regs[s].mask));
        return &d->regs[s];
}

static const struct reg *reg_read(struct decoder *d, uint32_t reg) {
        int s = reg_slot(reg);

        if (s < 0 || d->regs[s].kind == REG_UNKNOWN) {
                d->other = true;
                return NULL;
        }
        d->regs[s].used = true;
        return &d->regs[s];
}

/* nft loads a value only to compare it (or hand it to nat), and a load
 * that nothing reads still runs: a payload load of the link-layer header
 * fails on a packet without one (output) and ends the rule (NFT_BREAK),
 * so `@ll,0,32 load; fib daddr type local jump publish` never jumps while
 * looking like our jump (tests/fuzz/fuzz-nft-decode found it). */
static bool unused_load(const struct decoder *d) {
        for (int i = 0; i < NSLOTS; i++)
                if (d->regs[i].kind != REG_UNKNOWN && !d->regs[i].used)
                        return true;
        return false;
}

static void match(struct decoder *d, unsigned m) {
        if (d->matches & m)
                d->other = true;
        d->matches |= m;
}

static uint32_t u32_or(const struct nftnl_expr *e, uint16_t attr, uint32_t dflt) {
        return nftnl_expr_is_set(e, attr) ? nftnl_expr_get_u32(e, attr) : dflt;
}

static void on_meta(struct decoder *d, const struct nftnl_expr *e) {
        static const struct {
                uint32_t key, len;
        } sizes[] = {
                { NFT_META_NFPROTO, 1 },
                { NFT_META_L4PROTO, 1 },
                { NFT_META_IIFNAME, NC_IFNAMSIZ },
                { NFT_META_OIFNAME, NC_IFNAMSIZ },
                { NFT_META_IIFGROUP, sizeof(uint32_t) },
                { NFT_META_OIFGROUP, sizeof(uint32_t) },
        };
        uint32_t key = u32_or(e, NFTNL_EXPR_META_KEY, UINT32_MAX);
        struct reg *x;

        /* A meta set (sreg) changes the packet: not ours. */
        if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {
                d->other = true;
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(sizes); i++)
                if (sizes[i].key == key) {
                        x = reg_write(d, nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG), sizes[i].len);
                        if (x) {
                                x->kind = REG_META;
                                x->meta_key = key;
                        }
                        return;
                }
        d->other = true;
}

static void on_payload(struct decoder *d, const struct nftnl_expr *e) {
        struct reg *x;

        /* A payload write (sreg) mangles the packet: not ours. */
        if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG) || nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG)) {
                d->other = true;
                return;
        }
        x = reg_write(d, nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG), u32_or(e, NFTNL_EXPR_PAYLOAD_LEN, 0));
        if (!x)
                return;
        x->kind = REG_PAYLOAD;
        x->base = u32_or(e, NFTNL_EXPR_PAYLOAD_BASE, UINT32_MAX);
        x->offset = u32_or(e, NFTNL_EXPR_PAYLOAD_OFFSET, UINT32_MAX);
}

/* Only `reg = (reg & MASK) ^ 0` on a payload: how nft matches a prefix. */
static void on_bitwise(struct decoder *d, const struct nftnl_expr *e) {
        uint32_t len = u32_or(e, NFTNL_EXPR_BITWISE_LEN, 0), mlen = 0, xlen = 0;
        const uint8_t *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
        const uint8_t *xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);
        const struct reg *src = reg_read(d, u32_or(e, NFTNL_EXPR_BITWISE_SREG, UINT32_MAX));
        struct reg copy, *dst;

        if (!src)
                return;
        if (u32_or(e, NFTNL_EXPR_BITWISE_OP, NFT_BITWISE_BOOL) != NFT_BITWISE_BOOL ||
            (src->kind != REG_PAYLOAD && src->kind != REG_CT) ||
            len != src->len || !mask || !xor || mlen != len || xlen != len) {
                d->other = true;
                return;
        }
        for (uint32_t i = 0; i < len; i++)
                if (xor[i] != 0) {
                        d->other = true;
                        return;
                }
        copy = *src;
        for (uint32_t i = 0; i < len; i++)
                copy.mask[i] &= mask[i];
        dst = reg_write(d, u32_or(e, NFTNL_EXPR_BITWISE_DREG, UINT32_MAX), len);
        if (dst) {
                *dst = copy;
                dst->used = false;      /* the masked value: a cmp must read it */
        }
}

static void on_fib(struct decoder *d, const struct nftnl_expr *e) {
        struct reg *x;

        if (u32_or(e, NFTNL_EXPR_FIB_RESULT, 0) != NFT_FIB_RESULT_ADDRTYPE ||
            u32_or(e, NFTNL_EXPR_FIB_FLAGS, 0) != NFTA_FIB_F_DADDR || !nftnl_expr_is_set(e, NFTNL_EXPR_FIB_DREG)) {
                d->other = true;
                return;
        }
        x = reg_write(d, nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_DREG), sizeof(uint32_t));
        if (x)
                x->kind = REG_FIB_ADDRTYPE;
}

/* Only `ct status` and `ct state` loads (no direction, no ct set): the
 * hairpin masquerade's `ct status dnat`, the filter's negations. */
static void on_ct(struct decoder *d, const struct nftnl_expr *e) {
        uint32_t key = u32_or(e, NFTNL_EXPR_CT_KEY, UINT32_MAX);
        struct reg *x;

        if ((key != NFT_CT_STATUS && key != NFT_CT_STATE) || nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR) ||
            nftnl_expr_is_set(e, NFTNL_EXPR_CT_SREG) || !nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG)) {
                d->other = true;
                return;
        }
        x = reg_write(d, nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG), sizeof(uint32_t));
        if (x) {
                x->kind = REG_CT;
                x->meta_key = key;
        }
}

static void final(struct decoder *d, enum final f) {
        if (d->final != F_NONE)
                d->other = true;
        d->final = f;
}

static void on_verdict(struct decoder *d, const struct nftnl_expr *e) {
        const char *chain;

        switch ((int) u32_or(e, NFTNL_EXPR_IMM_VERDICT, UINT32_MAX)) {
        case NFT_JUMP:
                chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
                /* Not to "": build.c refuses that target, and so does the
                 * snapshot reader (a fuzz-nft-decode finding). */
                if (!chain || !*chain || strlen(chain) >= sizeof(d->r->target)) {
                        d->other = true;
                        return;
                }
                strcpy(d->r->target, chain);
                final(d, F_JUMP);
                return;
        case NFT_RETURN:
                final(d, F_RETURN);
                return;
        case NF_DROP:
                final(d, F_DROP);
                return;
        default:
                d->other = true;
        }
}

static void on_immediate(struct decoder *d, const struct nftnl_expr *e) {
        uint32_t reg = u32_or(e, NFTNL_EXPR_IMM_DREG, UINT32_MAX), len = 0;
        const void *data;
        struct reg *x;

        if (reg == NFT_REG_VERDICT) {
                on_verdict(d, e);
                return;
        }
        data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
        x = data ? reg_write(d, reg, len) : NULL;
        if (!x) {
                d->other = true;
                return;
        }
        x->kind = REG_IMMEDIATE;
        memcpy(x->data, data, len);
}

/* IFNAMSIZ bytes: a name, then zeros. A shorter compare is a wildcard. */
static bool ifname_from(const uint8_t *data, uint32_t len, char out[static NC_IFNAMSIZ]) {
        size_t n;

        if (len != NC_IFNAMSIZ)
                return false;
        n = strnlen((const char *) data, len);
        if (n == 0 || n >= NC_IFNAMSIZ)
                return false;
        for (size_t i = n; i < len; i++)
                if (data[i] != 0)
                        return false;
        memcpy(out, data, n);
        out[n] = '\0';
        return true;
}

/* Each cmp_* returns whether the compare is one of the shapes' matches. */
static bool cmp_meta(struct decoder *d, const struct reg *x, uint32_t op, const uint8_t *data, uint32_t len) {
        unsigned m;

        if (len != x->len)
                return false;
        switch (x->meta_key) {
        case NFT_META_NFPROTO:
                if (op != NFT_CMP_EQ || (data[0] != NFPROTO_IPV4 && data[0] != NFPROTO_IPV6))
                        return false;
                m = data[0] == NFPROTO_IPV4 ? M_NFPROTO_IPV4 : M_NFPROTO_IPV6;
                break;
        case NFT_META_L4PROTO:
                if (op != NFT_CMP_EQ || nc_proto_from_number(data[0]) < 0)
                        return false;
                d->l4proto = data[0];
                m = M_L4PROTO;
                break;
        case NFT_META_IIFNAME:
                if ((op != NFT_CMP_EQ && op != NFT_CMP_NEQ) || !ifname_from(data, len, d->r->iifname))
                        return false;
                m = op == NFT_CMP_EQ ? M_IIFNAME : M_IIFNAME_NOT;
                break;
        case NFT_META_OIFNAME:
                if ((op != NFT_CMP_EQ && op != NFT_CMP_NEQ) || !ifname_from(data, len, d->r->oifname))
                        return false;
                m = op == NFT_CMP_EQ ? M_OIFNAME : M_OIFNAME_NOT;
                break;
        case NFT_META_IIFGROUP:
        case NFT_META_OIFGROUP:
                /* A shape has one group, != only. */
                if (op != NFT_CMP_NEQ || (d->matches & (M_IIFGROUP_NOT | M_OIFGROUP_NOT)))
                        return false;
                memcpy(&d->r->ifgroup, data, sizeof(d->r->ifgroup));
                m = x->meta_key == NFT_META_IIFGROUP ? M_IIFGROUP_NOT : M_OIFGROUP_NOT;
                break;
        default:
                return false;
        }
        match(d, m);
        return true;
}

/* The leading one bits of a mask of len bytes, or -1 when it is not a
 * prefix mask (or is all zeros: a compare of nothing). */
static int prefix_len_of(const uint8_t *mask, uint32_t len) {
        unsigned plen = 0, i;

        while (plen < len * 8 && (mask[plen / 8] & (0x80u >> (plen % 8))))
                plen++;
        for (i = plen; i < len * 8; i++)
                if (mask[i / 8] & (0x80u >> (i % 8)))
                        return -1;
        return plen == 0 ? -1 : (int) plen;
}

/* A network header address compared under a mask, kept for
 * resolve_addresses(): false when the mask is not a prefix or the value
 * has bits outside it. */
static bool cmp_address(struct decoder *d, const struct reg *x, uint32_t op, const uint8_t *data, uint32_t len) {
        struct net_match n = { .offset = x->offset, .op = op, .len = len };
        int plen;

        if (len != x->len || (op != NFT_CMP_EQ && op != NFT_CMP_NEQ) || d->n_net == NET_MATCHES_MAX)
                return false;
        plen = prefix_len_of(x->mask, len);
        if (plen < 0)
                return false;
        for (uint32_t i = 0; i < len; i++) {
                if (data[i] & ~x->mask[i])
                        return false;
                n.addr[i] = data[i];
        }
        n.plen = (unsigned) plen;
        d->net[d->n_net++] = n;
        return true;
}

/* One compare read as an IPv4 header's: ip saddr PREFIX, ip daddr ADDR
 * (0.0.0.0 is "any local address" in our form: an explicit match on it
 * is something else), ip daddr != 127.0.0.0/8. */
static bool net_match_ipv4(struct decoder *d, const struct net_match *n) {
        uint32_t addr;

        if (n->len > sizeof(addr))
                return false;
        memcpy(&addr, n->addr, sizeof(addr));
        addr = ntohl(addr);
        if (n->offset == NC_IPV4_SADDR_OFFSET && n->op == NFT_CMP_EQ) {
                d->r->saddr = addr;
                d->r->saddr_len = n->plen;
                match(d, M_SADDR);
        } else if (n->offset == NC_IPV4_DADDR_OFFSET && n->op == NFT_CMP_EQ && n->plen == 32 && addr != 0) {
                d->r->daddr = addr;
                match(d, M_DADDR);
        } else if (n->offset == NC_IPV4_DADDR_OFFSET && n->op == NFT_CMP_NEQ && n->plen == NC_LOOPBACK_LEN &&
                   addr == NC_LOOPBACK_NET)
                match(d, M_DADDR_NOT_LO);
        else if (n->offset == NC_IPV4_DADDR_OFFSET && n->op == NFT_CMP_EQ && n->plen == NC_LOOPBACK_LEN &&
                 addr == NC_LOOPBACK_NET)
                match(d, M_DADDR_LO);
        else
                return false;
        return true;
}

/* The same for an IPv6 header: ip6 saddr PREFIX, ip6 daddr ADDR (not
 * ::), ip6 daddr != ::1. */
static bool net_match_ipv6(struct decoder *d, const struct net_match *n) {
        static const struct nc_ipv6 loopback6 = NC_LOOPBACK6;
        struct nc_ipv6 a;

        memcpy(a.b, n->addr, sizeof(a.b));
        if (n->offset == NC_IPV6_SADDR_OFFSET && n->op == NFT_CMP_EQ) {
                d->r->saddr6 = a;
                d->r->saddr_len = n->plen;
                match(d, M_SADDR);
        } else if (n->offset == NC_IPV6_DADDR_OFFSET && n->op == NFT_CMP_EQ && n->plen == 128 && !nc_ipv6_is_zero(&a)) {
                d->r->daddr6 = a;
                match(d, M_DADDR);
        } else if (n->offset == NC_IPV6_DADDR_OFFSET && n->op == NFT_CMP_NEQ && n->plen == 128 &&
                   nc_ipv6_equal(&a, &loopback6))
                match(d, M_DADDR_NOT_LO);
        else
                return false;
        return true;
}

/* The address compares in the family the rule matched: exactly one
 * nfproto, or the compares mean nothing we know. */
static void resolve_addresses(struct decoder *d) {
        unsigned fam = d->matches & (M_NFPROTO_IPV4 | M_NFPROTO_IPV6);

        for (size_t i = 0; i < d->n_net; i++) {
                bool known = fam == M_NFPROTO_IPV4   ? net_match_ipv4(d, &d->net[i])
                             : fam == M_NFPROTO_IPV6 ? net_match_ipv6(d, &d->net[i])
                                                     : false;

                if (!known)
                        d->other = true;
        }
}

static bool cmp_payload(struct decoder *d, const struct reg *x, uint32_t op, const uint8_t *data, uint32_t len) {
        uint16_t port;

        if (x->base == NFT_PAYLOAD_NETWORK_HEADER)
                return cmp_address(d, x, op, data, len);
        /* th dport: the same two bytes in TCP, UDP and SCTP. */
        if (x->base != NFT_PAYLOAD_TRANSPORT_HEADER || x->offset != NC_TH_DPORT_OFFSET || x->len != sizeof(port) ||
            len != sizeof(port) || x->mask[0] != 0xff || x->mask[1] != 0xff || op != NFT_CMP_EQ)
                return false;
        memcpy(&port, data, sizeof(port));
        d->r->dport = ntohs(port);
        match(d, M_DPORT);
        return true;
}

static bool cmp_fib(struct decoder *d, uint32_t op, const uint8_t *data, uint32_t len) {
        uint32_t type;

        if (op != NFT_CMP_EQ || len != sizeof(type))
                return false;
        memcpy(&type, data, sizeof(type));
        if (type != RTN_LOCAL)
                return false;
        match(d, M_FIB_LOCAL);
        return true;
}

/* `ct status dnat` (the status masked to exactly IPS_DST_NAT, != 0),
 * `ct status ! dnat` (== 0), `ct state ! established,related` (the state
 * masked to exactly those two, == 0). */
static bool cmp_ct(struct decoder *d, const struct reg *x, uint32_t op, const uint8_t *data, uint32_t len) {
        uint32_t want = x->meta_key == NFT_CT_STATUS
                                ? IPS_DST_NAT
                                : NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
        uint32_t value;

        if ((op != NFT_CMP_NEQ && op != NFT_CMP_EQ) || len != sizeof(value) || x->len != sizeof(value) ||
            memcmp(x->mask, &want, sizeof(want)) != 0)
                return false;
        memcpy(&value, data, sizeof(value));
        if (value != 0 || (x->meta_key == NFT_CT_STATE && op != NFT_CMP_EQ))
                return false;
        if (x->meta_key == NFT_CT_STATE)
                match(d, M_CT_NOT_ESTREL);
        else
                match(d, op == NFT_CMP_NEQ ? M_CT_DNAT : M_CT_NOT_DNAT);
        return true;
}

static void on_cmp(struct decoder *d, const struct nftnl_expr *e) {
        const struct reg *x = reg_read(d, u32_or(e, NFTNL_EXPR_CMP_SREG, UINT32_MAX));
        uint32_t len = 0, op = u32_or(e, NFTNL_EXPR_CMP_OP, UINT32_MAX);
        const uint8_t *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
        bool known = false;

        if (!x)
                return;
        if (data && len > 0) {
                if (x->kind == REG_META)
                        known = cmp_meta(d, x, op, data, len);
                else if (x->kind == REG_PAYLOAD)
                        known = cmp_payload(d, x, op, data, len);
                else if (x->kind == REG_FIB_ADDRTYPE)
                        known = cmp_fib(d, op, data, len);
                else if (x->kind == REG_CT)
                        known = cmp_ct(d, x, op, data, len);
        }
        if (!known)
                d->other = true;
}

static void on_masq(struct decoder *d, const struct nftnl_expr *e) {
        if (u32_or(e, NFTNL_EXPR_MASQ_FLAGS, 0) != 0 || nftnl_expr_is_set(e, NFTNL_EXPR_MASQ_REG_PROTO_MIN) ||
            nftnl_expr_is_set(e, NFTNL_EXPR_MASQ_REG_PROTO_MAX)) {
                d->other = true;
                return;
        }
        final(d, F_MASQ);
}

/* A nat register pair: max absent or the same register as min (the
 * kernel reports max = min when only min was given). */
static const struct reg *nat_reg(struct decoder *d, const struct nftnl_expr *e, uint16_t min, uint16_t max,
                                 uint32_t len) {
        const struct reg *x;

        if (!nftnl_expr_is_set(e, min))
                return NULL;
        if (nftnl_expr_is_set(e, max) && nftnl_expr_get_u32(e, max) != nftnl_expr_get_u32(e, min))
                return NULL;
        x = reg_read(d, nftnl_expr_get_u32(e, min));
        return x && x->kind == REG_IMMEDIATE && x->len == len ? x : NULL;
}

static void on_nat(struct decoder *d, const struct nftnl_expr *e) {
        const uint32_t allowed = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
        const struct reg *addr, *port;
        uint32_t a;
        uint16_t p;

        uint32_t family = u32_or(e, NFTNL_EXPR_NAT_FAMILY, UINT32_MAX);
        bool v6 = family == NFPROTO_IPV6;

        if (u32_or(e, NFTNL_EXPR_NAT_TYPE, UINT32_MAX) != NFT_NAT_DNAT ||
            (family != NFPROTO_IPV4 && family != NFPROTO_IPV6) || (u32_or(e, NFTNL_EXPR_NAT_FLAGS, 0) & ~allowed)) {
                d->other = true;
                return;
        }
        addr = nat_reg(d, e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFTNL_EXPR_NAT_REG_ADDR_MAX,
                       v6 ? sizeof(d->r->to_addr6.b) : sizeof(a));
        port = nat_reg(d, e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFTNL_EXPR_NAT_REG_PROTO_MAX, sizeof(p));
        if (!addr || !port) {
                d->other = true;
                return;
        }
        if (v6)
                memcpy(d->r->to_addr6.b, addr->data, sizeof(d->r->to_addr6.b));
        else {
                memcpy(&a, addr->data, sizeof(a));
                d->r->to_addr = ntohl(a);
        }
        memcpy(&p, port->data, sizeof(p));
        d->r->to_port = ntohs(p);
        d->nat_family = family;
        final(d, F_DNAT);
}

static const struct {
        const char *name;
        void (*fn)(struct decoder *d, const struct nftnl_expr *e);
} expr_table[] = {
        { "meta", on_meta },
        { "payload", on_payload },
        { "bitwise", on_bitwise },
        { "fib", on_fib },
        { "immediate", on_immediate },
        { "cmp", on_cmp },
        { "masq", on_masq },
        { "nat", on_nat },
        { "ct", on_ct },
};

static void on_expr(struct decoder *d, const struct nftnl_expr *e) {
        const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

        /* Nothing may follow the final statement. */
        if (!name || d->final != F_NONE) {
                d->other = true;
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(expr_table); i++)
                if (strcmp(name, expr_table[i].name) == 0) {
                        expr_table[i].fn(d, e);
                        return;
                }
        d->other = true;
}

/* The shapes: exactly these matches before exactly this statement. */
static enum nc_rule_kind classify(const struct decoder *d) {
        static const struct {
                unsigned matches;
                enum final final;
                enum nc_rule_kind kind;
        } shapes[] = {
                { M_NFPROTO_IPV4 | M_SADDR | M_OIFNAME_NOT, F_MASQ, NC_RULE_MASQUERADE },
                { M_FIB_LOCAL, F_JUMP, NC_RULE_JUMP },
                { M_NFPROTO_IPV4 | M_DADDR_NOT_LO | M_FIB_LOCAL, F_JUMP, NC_RULE_JUMP },
                { M_NFPROTO_IPV4 | M_FIB_LOCAL, F_JUMP, NC_RULE_JUMP },
                { M_IIFNAME, F_RETURN, NC_RULE_RETURN },
                { M_NFPROTO_IPV4 | M_L4PROTO | M_DPORT, F_DNAT, NC_RULE_DNAT },
                { M_NFPROTO_IPV4 | M_DADDR | M_L4PROTO | M_DPORT, F_DNAT, NC_RULE_DNAT },
                { M_IIFNAME | M_OIFNAME, F_DROP, NC_RULE_DROP },
                { M_NFPROTO_IPV6 | M_SADDR | M_OIFNAME_NOT, F_MASQ, NC_RULE_MASQUERADE },
                { M_NFPROTO_IPV6 | M_DADDR_NOT_LO | M_FIB_LOCAL, F_JUMP, NC_RULE_JUMP },
                { M_NFPROTO_IPV6 | M_L4PROTO | M_DPORT, F_DNAT, NC_RULE_DNAT },
                { M_NFPROTO_IPV6 | M_DADDR | M_L4PROTO | M_DPORT, F_DNAT, NC_RULE_DNAT },
                { M_NFPROTO_IPV4 | M_SADDR | M_OIFNAME | M_CT_DNAT, F_MASQ, NC_RULE_HAIRPIN },
                { M_NFPROTO_IPV4 | M_SADDR | M_OIFNAME, F_MASQ, NC_RULE_HAIRPIN },
                { M_NFPROTO_IPV6 | M_SADDR | M_OIFNAME | M_CT_DNAT, F_MASQ, NC_RULE_HAIRPIN },
                { M_NFPROTO_IPV6 | M_SADDR | M_OIFNAME, F_MASQ, NC_RULE_HAIRPIN },
                { M_NFPROTO_IPV4 | M_IIFNAME_NOT | M_DADDR_LO, F_DROP, NC_RULE_GUARD },
                { M_OIFNAME | M_IIFGROUP_NOT | M_CT_NOT_ESTREL | M_CT_NOT_DNAT, F_DROP, NC_RULE_FILTER },
                { M_IIFNAME | M_OIFGROUP_NOT, F_DROP, NC_RULE_INTERNAL },
        };

        if (d->other || unused_load(d))
                return NC_RULE_OTHER;
        /* A DNAT translates only packets of its own family. */
        if (d->final == F_DNAT && (d->nat_family == NFPROTO_IPV6) != !!(d->matches & M_NFPROTO_IPV6))
                return NC_RULE_OTHER;
        for (size_t i = 0; i < ELEMENTSOF(shapes); i++)
                if (shapes[i].matches == d->matches && shapes[i].final == d->final)
                        return shapes[i].kind;
        return NC_RULE_OTHER;
}

static int comment_cb(uint8_t type, const uint8_t *v, uint8_t len, void *data) {
        const char **key = data;

        /* nft writes the comment with its NUL; anything else is not one. */
        if (type == NFTNL_UDATA_RULE_COMMENT && len > 1 && v[len - 1] == '\0' &&
            strlen((const char *) v) == (size_t) len - 1)
                *key = (const char *) v;
        return 0;
}

/* A userdata blob that does not parse carries no key: the rule is not
 * ours (nc_nft_udata_walk() says why libnftnl's parser is not used). */
static const char *comment_of(const struct nftnl_rule *nr) {
        const char *key = NULL;
        uint32_t len = 0;
        const void *ud = nftnl_rule_get_data(nr, NFTNL_RULE_USERDATA, &len);

        if (ud && len > 0 && nc_nft_udata_walk(ud, len, comment_cb, &key) < 0)
                key = NULL;
        return key;
}

static void expr_iter_destroyp(struct nftnl_expr_iter **it) {
        if (*it)
                nftnl_expr_iter_destroy(*it);
}

int nc_nft_rule_decode(const struct nftnl_rule *nr, struct nc_nft_rule *ret) {
        _cleanup_(expr_iter_destroyp) struct nftnl_expr_iter *it = NULL;
        struct nc_nft_rule r = {};
        struct decoder d = { .r = &r };
        const char *chain = nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN);
        struct nftnl_expr *e;

        if (!chain)
                return -EBADMSG;
        /* A port map's lookup has a decoder of its own (map.c). */
        if (nc_nft_map_rule_decode(nr, &r) > 0) {
                r.chain = (char *) chain;
                r.key = (char *) comment_of(nr);
                r.handle = nftnl_rule_is_set(nr, NFTNL_RULE_HANDLE) ? nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE) : 0;
                *ret = r;
                return 0;
        }
        it = nftnl_expr_iter_create(nr);
        if (!it)
                return -ENOMEM;
        while ((e = nftnl_expr_iter_next(it)))
                on_expr(&d, e);
        resolve_addresses(&d);
        r.kind = classify(&d);
        r.v6 = d.matches & M_NFPROTO_IPV6;
        if (r.kind == NC_RULE_DNAT)
                r.proto = (enum nc_proto) nc_proto_from_number(d.l4proto);
        if (r.kind == NC_RULE_JUMP) {
                r.not_loopback = d.matches & M_DADDR_NOT_LO;
                r.ipv4_only = (d.matches & (M_NFPROTO_IPV4 | M_DADDR_NOT_LO)) == M_NFPROTO_IPV4;
        }
        if (r.kind == NC_RULE_HAIRPIN)
                r.ct_dnat = d.matches & M_CT_DNAT;
        if (r.kind == NC_RULE_OTHER)
                /* Only the kind says what the rule is; no half-read fields. */
                r = (struct nc_nft_rule) { .kind = NC_RULE_OTHER };
        r.chain = (char *) chain;
        r.key = (char *) comment_of(nr);
        r.handle = nftnl_rule_is_set(nr, NFTNL_RULE_HANDLE) ? nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE) : 0;
        *ret = r;
        return 0;
}
