/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "netconverge/addr.h"
#include "nft/nft.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The nftables rule decoder (src/nft/decode.c) on arbitrary rules, as the
 * kernel could hand them back: anything in the table may have been put
 * there by hand with nft, or by another program.
 *
 * An input is one byte of mode, then:
 *   mode even: the attributes of an NFT_MSG_NEWRULE message (after the
 *              nfgenmsg header), parsed by nftnl_rule_nlmsg_parse(), as
 *              observe/nft.c does with the kernel's dump;
 *   mode odd:  a program building the rule's expressions one by one with
 *              nftnl_expr_set() (any expression name, any attribute,
 *              any value): see build_program().
 * The seeds (NC_FUZZ_WRITE_SEEDS=DIR writes them and exits) are the rules
 * src/nft/build.c builds for every shape, in both forms.
 *
 * Properties, each a finding (abort) when broken:
 *  1. nothing crashes (ASan/UBSan);
 *  2. a rule that decodes as one of ours, rebuilt by nc_nft_rule_build()
 *     and decoded again, directly and through the wire, is the same rule;
 *  3. a rule decodes as ours only when it means exactly what our rule of
 *     that decoding means: a small evaluator of nftables expressions
 *     (eval_rule(), written from the kernel's nft_*_eval functions, not
 *     from the decoder) runs the input and the rebuilt rule on packets
 *     made to probe every field of the decoded rule (just inside and just
 *     outside each match) and on packets from the input's bytes; they must
 *     agree on whether the rule matches and on what it then does. An
 *     expression the evaluator does not model, or a load that could fail
 *     at run time (so the kernel would stop the rule, NFT_BREAK), in a
 *     rule decoded as ours is a finding too. So a mutation away from a
 *     built rule may decode as ours only if it is inert.
 * The evaluator's packets are IPv4 (20-byte header) or IPv6 (40) with 8
 * bytes of transport header; a load beyond them counts as one that can
 * fail. It compares outcomes on the probes only: a difference no probe
 * shows is not found. */

/* ---- The evaluator ---------------------------------------------------- */

struct packet {
        uint8_t nfproto;        /* NFPROTO_IPV4 or NFPROTO_IPV6 */
        uint8_t l4proto;
        uint8_t nh[40];         /* the network header: IPv4 is 20 bytes, IPv6 40 */
        uint8_t th[8];          /* the first bytes of the transport header */
        char iifname[16], oifname[16];
        uint32_t fib_daddr_type;        /* RTN_* */
};

enum outcome_kind {
        O_NOMATCH,              /* a cmp failed (NFT_BREAK) */
        O_VERDICT,              /* immediate to the verdict register */
        O_MASQ,
        O_DNAT,
        O_FALLTHROUGH,          /* every expression ran, no verdict: continue */
        O_UNMODELED,            /* the evaluator cannot say */
};

struct outcome {
        enum outcome_kind kind;
        int verdict;
        char chain[256];
        uint32_t masq_flags;
        uint32_t nat_family;    /* NFPROTO_IPV4 or NFPROTO_IPV6 */
        uint8_t nat_addr[16];   /* network order: 4 bytes (IPv4) or 16 */
        uint16_t nat_port;      /* network order */
        const char *why;        /* O_UNMODELED */
};

static uint32_t attr_u32(const struct nftnl_expr *e, uint16_t attr, uint32_t dflt) {
        return nftnl_expr_is_set(e, attr) ? nftnl_expr_get_u32(e, attr) : dflt;
}

/* The kernel's register file: NFT_REG_1..4 are 16 bytes, NFT_REG32_00..15
 * 4 bytes each, over the same 64 bytes. Returns the byte offset, or -1. */
static int reg_offset(uint32_t reg, uint32_t len) {
        int off;

        if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
                off = (int) (reg - NFT_REG_1) * 16;
        else if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
                off = (int) (reg - NFT_REG32_00) * 4;
        else
                return -1;
        if (len == 0 || len > 64 || (uint32_t) off + len > 64)
                return -1;
        return off;
}

static void unmodeled(struct outcome *o, const char *why) {
        o->kind = O_UNMODELED;
        o->why = why;
}

static void eval_rule(const struct nftnl_rule *nr, const struct packet *p, struct outcome *o) {
        struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
        uint8_t regs[64] = {};
        struct nftnl_expr *e;

        *o = (struct outcome) { .kind = O_FALLTHROUGH };
        if (!it) {
                unmodeled(o, "out of memory");
                return;
        }
        while (o->kind == O_FALLTHROUGH && (e = nftnl_expr_iter_next(it))) {
                const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
                uint32_t len = 0, key, base, off, dreg;
                const uint8_t *data;
                int r;

                if (!name) {
                        unmodeled(o, "an expression without a name");
                } else if (strcmp(name, "meta") == 0) {
                        if (nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG) || !nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {
                                unmodeled(o, "meta set");
                                continue;
                        }
                        key = attr_u32(e, NFTNL_EXPR_META_KEY, UINT32_MAX);
                        dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG);
                        len = key == NFT_META_IIFNAME || key == NFT_META_OIFNAME ? 16 : 1;
                        if ((r = reg_offset(dreg, len)) < 0) {
                                unmodeled(o, "meta: bad register");
                                continue;
                        }
                        /* nft_meta_get_eval() zeroes the rest of the word
                         * of a 1-byte load (nft_reg_store8); r is a word's
                         * start, so the word is inside the registers. */
                        if (len == 1)
                                memset(regs + r, 0, 4);
                        switch (key) {
                        case NFT_META_NFPROTO:
                                regs[r] = p->nfproto;
                                break;
                        case NFT_META_L4PROTO:
                                regs[r] = p->l4proto;
                                break;
                        case NFT_META_IIFNAME:
                                memcpy(regs + r, p->iifname, 16);
                                break;
                        case NFT_META_OIFNAME:
                                memcpy(regs + r, p->oifname, 16);
                                break;
                        default:
                                unmodeled(o, "meta key");
                        }
                } else if (strcmp(name, "payload") == 0) {
                        const uint8_t *src;
                        size_t have;

                        if (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG) ||
                            !nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG)) {
                                unmodeled(o, "payload write");
                                continue;
                        }
                        base = attr_u32(e, NFTNL_EXPR_PAYLOAD_BASE, UINT32_MAX);
                        off = attr_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, UINT32_MAX);
                        len = attr_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 0);
                        dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG);
                        if (base == NFT_PAYLOAD_NETWORK_HEADER) {
                                src = p->nh;
                                have = p->nfproto == NFPROTO_IPV4 ? 20 : 40;
                        } else if (base == NFT_PAYLOAD_TRANSPORT_HEADER) {
                                src = p->th;
                                /* A packet may be as short as a UDP header:
                                 * further, the load can fail (NFT_BREAK). */
                                have = sizeof(p->th);
                        } else {
                                /* The link layer header is missing on output,
                                 * the inner header on most packets. */
                                unmodeled(o, "payload base");
                                continue;
                        }
                        if (off > have || len > have - off) {
                                unmodeled(o, "payload load that can fail");
                                continue;
                        }
                        if ((r = reg_offset(dreg, len)) < 0) {
                                unmodeled(o, "payload: bad register");
                                continue;
                        }
                        /* nft_payload_eval() zeroes the last word first. */
                        memset(regs + r + (len - 1) / 4 * 4, 0, 4);
                        memcpy(regs + r, src + off, len);
                } else if (strcmp(name, "bitwise") == 0) {
                        uint32_t mlen = 0, xlen = 0, sreg;
                        const uint8_t *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
                        const uint8_t *xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);
                        int s;

                        len = attr_u32(e, NFTNL_EXPR_BITWISE_LEN, 0);
                        sreg = attr_u32(e, NFTNL_EXPR_BITWISE_SREG, UINT32_MAX);
                        dreg = attr_u32(e, NFTNL_EXPR_BITWISE_DREG, UINT32_MAX);
                        if (attr_u32(e, NFTNL_EXPR_BITWISE_OP, NFT_BITWISE_BOOL) != NFT_BITWISE_BOOL || !mask ||
                            !xor || mlen != len || xlen != len) {
                                unmodeled(o, "bitwise");
                                continue;
                        }
                        if ((s = reg_offset(sreg, len)) < 0 || (r = reg_offset(dreg, len)) < 0) {
                                unmodeled(o, "bitwise: bad register");
                                continue;
                        }
                        {
                                uint8_t tmp[64];

                                for (uint32_t i = 0; i < len; i++)
                                        tmp[i] = (uint8_t) ((regs[s + i] & mask[i]) ^ xor[i]);
                                memcpy(regs + r, tmp, len);
                        }
                } else if (strcmp(name, "cmp") == 0) {
                        uint32_t op = attr_u32(e, NFTNL_EXPR_CMP_OP, UINT32_MAX);
                        int c, s;

                        data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
                        if (!data || (s = reg_offset(attr_u32(e, NFTNL_EXPR_CMP_SREG, UINT32_MAX), len)) < 0) {
                                unmodeled(o, "cmp");
                                continue;
                        }
                        c = memcmp(regs + s, data, len);
                        switch (op) {
                        case NFT_CMP_EQ:
                                c = c == 0;
                                break;
                        case NFT_CMP_NEQ:
                                c = c != 0;
                                break;
                        case NFT_CMP_LT:
                                c = c < 0;
                                break;
                        case NFT_CMP_LTE:
                                c = c <= 0;
                                break;
                        case NFT_CMP_GT:
                                c = c > 0;
                                break;
                        case NFT_CMP_GTE:
                                c = c >= 0;
                                break;
                        default:
                                unmodeled(o, "cmp op");
                                continue;
                        }
                        if (!c)
                                o->kind = O_NOMATCH;
                } else if (strcmp(name, "fib") == 0) {
                        if (attr_u32(e, NFTNL_EXPR_FIB_RESULT, 0) != NFT_FIB_RESULT_ADDRTYPE ||
                            attr_u32(e, NFTNL_EXPR_FIB_FLAGS, 0) != NFTA_FIB_F_DADDR ||
                            (r = reg_offset(attr_u32(e, NFTNL_EXPR_FIB_DREG, UINT32_MAX), 4)) < 0) {
                                unmodeled(o, "fib");
                                continue;
                        }
                        memcpy(regs + r, &p->fib_daddr_type, 4);
                } else if (strcmp(name, "immediate") == 0) {
                        dreg = attr_u32(e, NFTNL_EXPR_IMM_DREG, UINT32_MAX);
                        if (dreg == NFT_REG_VERDICT) {
                                const char *chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);

                                if (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) {
                                        unmodeled(o, "immediate verdict without a verdict");
                                        continue;
                                }
                                o->kind = O_VERDICT;
                                o->verdict = (int) nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
                                if ((o->verdict == NFT_JUMP || o->verdict == NFT_GOTO) && chain)
                                        snprintf(o->chain, sizeof(o->chain), "%s", chain);
                                continue;
                        }
                        data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
                        if (!data || (r = reg_offset(dreg, len)) < 0) {
                                unmodeled(o, "immediate data");
                                continue;
                        }
                        memcpy(regs + r, data, len);
                } else if (strcmp(name, "masq") == 0) {
                        if (nftnl_expr_is_set(e, NFTNL_EXPR_MASQ_REG_PROTO_MIN) ||
                            nftnl_expr_is_set(e, NFTNL_EXPR_MASQ_REG_PROTO_MAX)) {
                                unmodeled(o, "masq with ports");
                                continue;
                        }
                        o->kind = O_MASQ;
                        o->masq_flags = attr_u32(e, NFTNL_EXPR_MASQ_FLAGS, 0);
                } else if (strcmp(name, "nat") == 0) {
                        uint32_t family = attr_u32(e, NFTNL_EXPR_NAT_FAMILY, UINT32_MAX);
                        uint32_t alen = family == NFPROTO_IPV6 ? 16 : 4;
                        int a, b, pa, pb;

                        if (attr_u32(e, NFTNL_EXPR_NAT_TYPE, UINT32_MAX) != NFT_NAT_DNAT ||
                            (family != NFPROTO_IPV4 && family != NFPROTO_IPV6) ||
                            (attr_u32(e, NFTNL_EXPR_NAT_FLAGS, 0) &
                             ~(uint32_t) (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED)) ||
                            !nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_ADDR_MIN) ||
                            !nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_PROTO_MIN)) {
                                unmodeled(o, "nat other than dnat ip|ip6 to ADDR:PORT");
                                continue;
                        }
                        /* nft_nat_inet_eval(): a nat of the other family
                         * than the packet's does nothing; the rule goes on. */
                        if (family != p->nfproto)
                                continue;
                        a = reg_offset(nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN), alen);
                        b = reg_offset(attr_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX,
                                                nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN)), alen);
                        pa = reg_offset(nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN), 2);
                        pb = reg_offset(attr_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MAX,
                                                 nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN)), 2);
                        if (a < 0 || b < 0 || pa < 0 || pb < 0 || memcmp(regs + a, regs + b, alen) != 0 ||
                            memcmp(regs + pa, regs + pb, 2) != 0) {
                                unmodeled(o, "nat to a range");
                                continue;
                        }
                        o->kind = O_DNAT;
                        o->nat_family = family;
                        memcpy(o->nat_addr, regs + a, alen);
                        memcpy(&o->nat_port, regs + pa, 2);
                } else {
                        unmodeled(o, "expression");
                }
        }
        nftnl_expr_iter_destroy(it);
}

static bool outcome_equal(const struct outcome *a, const struct outcome *b) {
        if (a->kind != b->kind)
                return false;
        switch (a->kind) {
        case O_VERDICT:
                return a->verdict == b->verdict && strcmp(a->chain, b->chain) == 0;
        case O_MASQ:
                return a->masq_flags == b->masq_flags;
        case O_DNAT:
                return a->nat_family == b->nat_family && memcmp(a->nat_addr, b->nat_addr, sizeof(a->nat_addr)) == 0 &&
                       a->nat_port == b->nat_port;
        default:
                return true;
        }
}

/* ---- Packets probing a decoded rule ------------------------------------ */

static void set_ifname(char dst[16], const char *name) {
        memset(dst, 0, 16);
        strncpy(dst, name, 15);
}

/* An IPv6 header's addresses: the rule's, else 2001:db8::1 and ::2. */
static void ipv6_addresses(struct packet *p, const struct nc_nft_rule *r) {
        static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
        bool any = true;

        for (size_t i = 0; i < 16; i++)
                any &= r->daddr6.b[i] == 0;
        p->nh[0] = 0x60;
        p->nh[6] = p->l4proto;
        memcpy(p->nh + NC_IPV6_SADDR_OFFSET, r->kind == NC_RULE_MASQUERADE ? r->saddr6.b : src, 16);
        memcpy(p->nh + NC_IPV6_DADDR_OFFSET, any ? dst : r->daddr6.b, 16);
}

/* The packet every match of r accepts. */
static struct packet matching_packet(const struct nc_nft_rule *r) {
        struct packet p = { .nfproto = NFPROTO_IPV4, .l4proto = IPPROTO_TCP, .fib_daddr_type = RTN_LOCAL };
        uint32_t a;
        uint16_t port;

        if (r->kind == NC_RULE_DNAT && r->proto == NC_PROTO_UDP)
                p.l4proto = IPPROTO_UDP;
        p.nh[0] = 0x45;
        p.nh[9] = p.l4proto;
        a = htonl(r->saddr ? r->saddr : 0xc6336401u);   /* 198.51.100.1 */
        memcpy(p.nh + NC_IPV4_SADDR_OFFSET, &a, 4);
        a = htonl(r->daddr ? r->daddr : 0xc6336402u);
        memcpy(p.nh + NC_IPV4_DADDR_OFFSET, &a, 4);
        if (r->v6) {
                p.nfproto = NFPROTO_IPV6;
                memset(p.nh, 0, sizeof(p.nh));
                ipv6_addresses(&p, r);
        }
        port = htons(r->dport);
        memcpy(p.th + NC_TH_DPORT_OFFSET, &port, 2);
        set_ifname(p.iifname, r->iifname[0] ? r->iifname : "in0");
        /* MASQUERADE matches oifname != OIF. */
        if (r->kind == NC_RULE_MASQUERADE)
                set_ifname(p.oifname, strcmp(r->oifname, "out0") == 0 ? "out1" : "out0");
        else
                set_ifname(p.oifname, r->oifname[0] ? r->oifname : "out0");
        return p;
}

/* Probes: the matching packet, then each field moved just outside (and,
 * for addresses, to the edges of the prefix), then packets from bytes. */
static size_t probe_packets(const struct nc_nft_rule *r, const uint8_t *bytes, size_t n_bytes,
                            struct packet *out, size_t max) {
        struct packet base = matching_packet(r), p;
        size_t n = 0;
        uint32_t a;

#define ADD(x) (n < max ? (void) (out[n++] = (x)) : (void) 0)
        ADD(base);
        p = base, p.nfproto = NFPROTO_IPV6, ADD(p);
        p = base, p.nfproto = NFPROTO_ARP, ADD(p);
        p = base, p.l4proto = IPPROTO_UDP, ADD(p);
        p = base, p.l4proto = IPPROTO_TCP, ADD(p);
        p = base, p.l4proto = IPPROTO_ICMP, ADD(p);
        p = base, p.fib_daddr_type = RTN_UNICAST, ADD(p);
        p = base, p.fib_daddr_type = RTN_BROADCAST, ADD(p);
        p = base, p.nfproto = NFPROTO_IPV4, ADD(p);
        /* IPv6: every bit of both addresses, and ::1 as the destination. */
        for (unsigned bit = 0; r->v6 && bit < 128; bit++) {
                p = base, p.nh[NC_IPV6_SADDR_OFFSET + bit / 8] ^= (uint8_t) (0x80u >> (bit % 8)), ADD(p);
                p = base, p.nh[NC_IPV6_DADDR_OFFSET + bit / 8] ^= (uint8_t) (0x80u >> (bit % 8)), ADD(p);
        }
        if (r->v6) {
                p = base, memset(p.nh + NC_IPV6_DADDR_OFFSET, 0, 16), p.nh[NC_IPV6_DADDR_OFFSET + 15] = 1, ADD(p);
                p = base, memset(p.nh + NC_IPV6_DADDR_OFFSET, 0, 16), ADD(p);
        }
        for (unsigned bit = 0; bit < 32; bit++) {
                memcpy(&a, base.nh + NC_IPV4_SADDR_OFFSET, 4);
                a ^= htonl(1u << bit);
                p = base, memcpy(p.nh + NC_IPV4_SADDR_OFFSET, &a, 4), ADD(p);
                memcpy(&a, base.nh + NC_IPV4_DADDR_OFFSET, 4);
                a ^= htonl(1u << bit);
                p = base, memcpy(p.nh + NC_IPV4_DADDR_OFFSET, &a, 4), ADD(p);
        }
        a = htonl(0x7f000001u);
        p = base, memcpy(p.nh + NC_IPV4_DADDR_OFFSET, &a, 4), ADD(p);
        a = htonl(0x80000001u);
        p = base, memcpy(p.nh + NC_IPV4_DADDR_OFFSET, &a, 4), ADD(p);
        for (unsigned bit = 0; bit < 16; bit++) {
                p = base;
                p.th[NC_TH_DPORT_OFFSET + bit / 8] ^= (uint8_t) (1u << (bit % 8));
                ADD(p);
        }
        p = base, p.th[0] ^= 1, p.th[1] ^= 1, ADD(p);   /* the source port: no shape reads it */
        p = base, set_ifname(p.iifname, ""), ADD(p);
        p = base, p.iifname[0] ^= 1, ADD(p);
        p = base, p.iifname[strlen(p.iifname)] = 'x', ADD(p);
        p = base, set_ifname(p.oifname, ""), ADD(p);
        p = base, set_ifname(p.oifname, r->oifname[0] ? r->oifname : "out0"), ADD(p);
        p = base, p.oifname[0] ^= 1, ADD(p);
        p = base, p.oifname[strlen(p.oifname)] = 'x', ADD(p);
        p = base, p.nh[0] ^= 0xff, p.nh[1] ^= 0xff, p.nh[9] ^= 0xff, p.nh[19] ^= 0xff, ADD(p);
        /* Packets from the input's own bytes: whatever it compares. */
        for (size_t off = 0; off + sizeof(struct packet) <= n_bytes && n < max; off += sizeof(struct packet)) {
                memcpy(&p, bytes + off, sizeof(p));
                p.iifname[15] = p.oifname[15] = '\0';
                ADD(p);
                /* ...and the same on the matching packet's interfaces. */
                memcpy(p.iifname, base.iifname, 16);
                memcpy(p.oifname, base.oifname, 16);
                ADD(p);
        }
#undef ADD
        return n;
}

/* ---- Building inputs -------------------------------------------------- */

#define MSG_SIZE 65536

/* What the kernel guarantees in every rule it dumps (nf_tables_fill_rule_info(),
 * nf_tables_fill_expr_info(), nft_data_dump()) and libnftnl 1.2.4 relies on:
 * its parsers call exit() ("nf_tables kernel ABI is broken") on an attribute
 * of the wrong size, and read a missing expression name at address 4. So the
 * wire form takes only messages whose every attribute has its kernel type,
 * strings terminated, for the expressions below; other expressions are the
 * program form's. The fuzzer holds the decoder to any rule, not libnftnl to
 * any message. */
enum { T_ANY, T_U32, T_U64, T_STR, T_NEST, T_DATA /* nested nft_data */ };

struct schema {
        const char *name;
        uint8_t type[16];       /* by attribute type; T_ANY: unchecked (binary) */
};

static const struct schema expr_schemas[] = {
        { "meta", { [NFTA_META_DREG] = T_U32, [NFTA_META_KEY] = T_U32, [NFTA_META_SREG] = T_U32 } },
        { "payload", { [NFTA_PAYLOAD_DREG] = T_U32, [NFTA_PAYLOAD_BASE] = T_U32, [NFTA_PAYLOAD_OFFSET] = T_U32,
                       [NFTA_PAYLOAD_LEN] = T_U32, [NFTA_PAYLOAD_SREG] = T_U32, [NFTA_PAYLOAD_CSUM_TYPE] = T_U32,
                       [NFTA_PAYLOAD_CSUM_OFFSET] = T_U32, [NFTA_PAYLOAD_CSUM_FLAGS] = T_U32 } },
        { "bitwise", { [NFTA_BITWISE_SREG] = T_U32, [NFTA_BITWISE_DREG] = T_U32, [NFTA_BITWISE_LEN] = T_U32,
                       [NFTA_BITWISE_MASK] = T_DATA, [NFTA_BITWISE_XOR] = T_DATA, [NFTA_BITWISE_OP] = T_U32,
                       [NFTA_BITWISE_DATA] = T_DATA } },
        { "cmp", { [NFTA_CMP_SREG] = T_U32, [NFTA_CMP_OP] = T_U32, [NFTA_CMP_DATA] = T_DATA } },
        { "fib", { [NFTA_FIB_DREG] = T_U32, [NFTA_FIB_RESULT] = T_U32, [NFTA_FIB_FLAGS] = T_U32 } },
        { "immediate", { [NFTA_IMMEDIATE_DREG] = T_U32, [NFTA_IMMEDIATE_DATA] = T_DATA } },
        { "masq", { [NFTA_MASQ_FLAGS] = T_U32, [NFTA_MASQ_REG_PROTO_MIN] = T_U32, [NFTA_MASQ_REG_PROTO_MAX] = T_U32 } },
        { "nat", { [NFTA_NAT_TYPE] = T_U32, [NFTA_NAT_FAMILY] = T_U32, [NFTA_NAT_REG_ADDR_MIN] = T_U32,
                   [NFTA_NAT_REG_ADDR_MAX] = T_U32, [NFTA_NAT_REG_PROTO_MIN] = T_U32,
                   [NFTA_NAT_REG_PROTO_MAX] = T_U32, [NFTA_NAT_FLAGS] = T_U32 } },
        { "counter", { [NFTA_COUNTER_BYTES] = T_U64, [NFTA_COUNTER_PACKETS] = T_U64 } },
        { "lookup", { [NFTA_LOOKUP_SET] = T_STR, [NFTA_LOOKUP_SREG] = T_U32, [NFTA_LOOKUP_DREG] = T_U32,
                      [NFTA_LOOKUP_SET_ID] = T_U32, [NFTA_LOOKUP_FLAGS] = T_U32 } },
};

static bool nul_string(const struct nlattr *a) {
        uint16_t len = mnl_attr_get_payload_len(a);

        return len > 0 && ((const char *) mnl_attr_get_payload(a))[len - 1] == '\0';
}

static bool attr_is(const struct nlattr *a, uint8_t t);

/* nft_data: a value (binary) or a verdict (code u32, chain string). */
static bool data_ok(const struct nlattr *a) {
        const struct nlattr *x, *v;

        mnl_attr_for_each_nested(x, a) {
                uint16_t type = mnl_attr_get_type(x);

                if (type == NFTA_DATA_VERDICT) {
                        bool jump = false, chain = false;

                        if (!attr_is(x, T_NEST))
                                return false;
                        mnl_attr_for_each_nested(v, x) {
                                uint16_t vt = mnl_attr_get_type(v);

                                if ((vt == NFTA_VERDICT_CODE && !attr_is(v, T_U32)) ||
                                    (vt == NFTA_VERDICT_CHAIN && !attr_is(v, T_STR)) ||
                                    (vt == NFTA_VERDICT_CHAIN_ID && !attr_is(v, T_U32)))
                                        return false;
                                if (vt == NFTA_VERDICT_CODE) {
                                        int code = (int) ntohl(mnl_attr_get_u32(v));

                                        jump = code == NFT_JUMP || code == NFT_GOTO;
                                }
                                chain = chain || vt == NFTA_VERDICT_CHAIN;
                        }
                        /* A jump names its chain (libnftnl strdup()s it unchecked). */
                        if (jump && !chain)
                                return false;
                } else if (type == NFTA_DATA_VALUE && mnl_attr_get_payload_len(x) == 0) {
                        return false;
                }
        }
        return true;
}

static bool attr_is(const struct nlattr *a, uint8_t t) {
        uint16_t len = mnl_attr_get_payload_len(a);

        switch (t) {
        case T_U32:
                return len == 4;
        case T_U64:
                return len == 8;
        case T_STR:
                return nul_string(a);
        case T_NEST:
                return len == 0 || len >= MNL_ATTR_HDRLEN;
        case T_DATA:
                return (len == 0 || len >= MNL_ATTR_HDRLEN) && data_ok(a);
        default:
                return true;
        }
}

static bool expr_ok(const struct nlattr *elem) {
        const struct nlattr *x, *y, *name = NULL, *data = NULL;
        const struct schema *sc = NULL;

        mnl_attr_for_each_nested(x, elem) {
                if (mnl_attr_get_type(x) == NFTA_EXPR_NAME)
                        name = x;
                else if (mnl_attr_get_type(x) == NFTA_EXPR_DATA)
                        data = x;
        }
        if (!name || !nul_string(name) || (data && !attr_is(data, T_NEST)))
                return false;
        for (size_t i = 0; i < sizeof(expr_schemas) / sizeof(expr_schemas[0]); i++)
                if (strcmp(mnl_attr_get_str(name), expr_schemas[i].name) == 0)
                        sc = &expr_schemas[i];
        if (!sc)
                return false;
        if (data)
                mnl_attr_for_each_nested(y, data) {
                        uint16_t type = mnl_attr_get_type(y);

                        if (type < 16 && !attr_is(y, sc->type[type]))
                                return false;
                }
        return true;
}

static bool kernel_like(const struct nlmsghdr *nlh) {
        static const uint8_t rule_types[] = {
                [NFTA_RULE_TABLE] = T_STR, [NFTA_RULE_CHAIN] = T_STR, [NFTA_RULE_HANDLE] = T_U64,
                [NFTA_RULE_EXPRESSIONS] = T_NEST, [NFTA_RULE_COMPAT] = T_NEST, [NFTA_RULE_POSITION] = T_U64,
                [NFTA_RULE_ID] = T_U32, [NFTA_RULE_POSITION_ID] = T_U32, [NFTA_RULE_CHAIN_ID] = T_U32,
        };
        const struct nlattr *a, *elem;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
                uint16_t type = mnl_attr_get_type(a);

                if (type < sizeof(rule_types) && !attr_is(a, rule_types[type]))
                        return false;
                /* Compat (xtables) rules are never ours; libnftnl checks their
                 * insides too. */
                if (type == NFTA_RULE_COMPAT)
                        return false;
                if (type != NFTA_RULE_EXPRESSIONS)
                        continue;
                mnl_attr_for_each_nested(elem, a)
                        if (!expr_ok(elem))
                                return false;
        }
        return true;
}

static struct nftnl_rule *parse_wire(const uint8_t *attrs, size_t len) {
        static char buf[MSG_SIZE] __attribute__((aligned(8)));
        struct nftnl_rule *nr;
        struct nlmsghdr *nlh;

        if (len > MSG_SIZE - 64)
                return NULL;
        /* Zeros after the message: a string attribute the kernel would
         * have terminated ends in them. */
        memset(buf, 0, sizeof(buf));
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 1);
        memcpy((char *) nlh + nlh->nlmsg_len, attrs, len);
        nlh->nlmsg_len += (uint32_t) len;
        if (!kernel_like(nlh))
                return NULL;
        nr = nftnl_rule_alloc();
        if (!nr)
                return NULL;
        if (nftnl_rule_nlmsg_parse(nlh, nr) < 0) {
                nftnl_rule_free(nr);
                return NULL;
        }
        return nr;
}

/* The attributes of nr's message, as the kernel would send them. */
static size_t to_wire(const struct nftnl_rule *nr, uint8_t *out, size_t max) {
        static char buf[MSG_SIZE] __attribute__((aligned(8)));
        struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 1);
        size_t hdr = nlh->nlmsg_len, len;

        nftnl_rule_nlmsg_build_payload(nlh, (struct nftnl_rule *) nr);
        len = nlh->nlmsg_len - hdr;
        if (len > max)
                return 0;
        memcpy(out, (char *) nlh + hdr, len);
        return len;
}

static struct nftnl_rule *through_wire(const struct nftnl_rule *nr) {
        static uint8_t attrs[MSG_SIZE];
        size_t len = to_wire(nr, attrs, sizeof(attrs));

        return len ? parse_wire(attrs, len) : NULL;
}

/* The program form: the rule's table and chain, then expressions:
 *   u8 name index (mod the table), u8 number of attributes, then per
 *   attribute: u8 attribute, u8 length (at most 64), that many bytes.
 * Values go through nftnl_expr_set() from a zero-padded, NUL-terminated
 * buffer (libnftnl 1.2 reads a u32 whatever the length given, and copies
 * strings with strdup()). Not dynset: libnftnl 1.2.4 leaks its set name
 * in the setter; see also the immediate below. */
static const char *const expr_names[] = {
        "meta", "payload", "bitwise", "cmp", "fib", "immediate", "masq", "nat",
        "counter", "lookup", "ct", "redir", "reject", "log", "limit", "range",
        "byteorder", "exthdr", "quota", "objref", "synproxy", "hash", "numgen", "socket",
};

struct reader {
        const uint8_t *p;
        size_t n;
};

static bool take(struct reader *rd, size_t len, const uint8_t **ret) {
        if (rd->n < len)
                return false;
        *ret = rd->p;
        rd->p += len;
        rd->n -= len;
        return true;
}

static struct nftnl_rule *build_program(const uint8_t *data, size_t size) {
        struct reader rd = { data, size };
        struct nftnl_rule *nr = nftnl_rule_alloc();
        const uint8_t *b;

        if (!nr)
                return NULL;
        nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, NFPROTO_INET);
        nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, "netconverge");
        /* The chain: one of ours by index, so rebuilt rules compare. */
        {
                static const char *const chains[] = { "postrouting", "prerouting", "output", "publish", "forward" };

                if (!take(&rd, 1, &b)) {
                        nftnl_rule_free(nr);
                        return NULL;
                }
                nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, chains[b[0] % 5]);
        }
        while (rd.n >= 2) {
                const uint8_t *hdr;
                struct nftnl_expr *e;
                const char *name;
                bool imm;

                take(&rd, 2, &hdr);
                name = expr_names[hdr[0] % (sizeof(expr_names) / sizeof(expr_names[0]))];
                imm = strcmp(name, "immediate") == 0;
                e = nftnl_expr_alloc(name);
                if (!e)
                        break;
                for (unsigned i = 0; i < hdr[1]; i++) {
                        uint8_t val[128] = {};
                        const uint8_t *ah, *v;
                        unsigned len;
                        uint16_t attr;

                        if (!take(&rd, 2, &ah))
                                break;
                        len = ah[1] % 65;
                        if (!take(&rd, len, &v))
                                break;
                        memcpy(val, v, len);
                        /* NFTNL_EXPR_BASE (the first attribute of every
                         * expression) and up. */
                        attr = (uint16_t) (NFTNL_EXPR_BASE + ah[0] % 24);
                        /* Once each: libnftnl 1.2.4 leaks a string set twice.
                         * And an immediate's data and its verdict and chain
                         * share a union there (freeing a jump frees the
                         * chain pointer): data, or verdict and chain, as
                         * the wire parser sets them. */
                        if (nftnl_expr_is_set(e, attr))
                                continue;
                        if (imm && attr == NFTNL_EXPR_IMM_DATA &&
                            (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN) || nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)))
                                continue;
                        if (imm && (attr == NFTNL_EXPR_IMM_CHAIN || attr == NFTNL_EXPR_IMM_VERDICT) &&
                            nftnl_expr_is_set(e, NFTNL_EXPR_IMM_DATA))
                                continue;
                        (void) nftnl_expr_set(e, attr, val, len);
                }
                /* libnftnl 1.2.4 frees an immediate's chain only with a
                 * jump or goto verdict: give it one (goto: the decoder
                 * never takes it for ours). */
                if (imm && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN) &&
                    (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) ||
                     ((int) nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) != NFT_JUMP &&
                      (int) nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) != NFT_GOTO)))
                        nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t) NFT_GOTO);
                nftnl_rule_add_expr(nr, e);
        }
        return nr;
}

/* The inverse, for seeds: a built rule as a program. */
static size_t to_program(const struct nftnl_rule *nr, uint8_t chain_index, uint8_t *out, size_t max) {
        struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
        struct nftnl_expr *e;
        size_t n = 0;

        if (!it)
                return 0;
        out[n++] = chain_index;
        while ((e = nftnl_expr_iter_next(it))) {
                const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
                size_t count_at;
                uint8_t idx = 0;

                for (size_t i = 0; i < sizeof(expr_names) / sizeof(expr_names[0]); i++)
                        if (strcmp(name, expr_names[i]) == 0)
                                idx = (uint8_t) i;
                if (n + 2 > max)
                        break;
                out[n++] = idx;
                count_at = n++;
                out[count_at] = 0;
                for (uint16_t a = 0; a < 24; a++) {
                        uint32_t len = 0;
                        const void *v;

                        if (!nftnl_expr_is_set(e, NFTNL_EXPR_BASE + a))
                                continue;
                        v = nftnl_expr_get(e, NFTNL_EXPR_BASE + a, &len);
                        if (!v || len > 64 || n + 2 + len > max)
                                continue;
                        out[n++] = (uint8_t) a;
                        out[n++] = (uint8_t) len;
                        memcpy(out + n, v, len);
                        n += len;
                        out[count_at]++;
                }
        }
        nftnl_expr_iter_destroy(it);
        return n;
}

/* ---- The properties --------------------------------------------------- */

static void finding(const char *what, const struct nftnl_rule *nr) {
        char text[4096];

        nftnl_rule_snprintf(text, sizeof(text), nr, NFTNL_OUTPUT_DEFAULT, 0);
        fprintf(stderr, "fuzz-nft-decode: %s\n  rule: %s\n", what, text);
        abort();
}

static void check(const struct nftnl_rule *nr, const uint8_t *data, size_t size) {
        static struct packet probes[256];
        struct nftnl_rule *rebuilt = NULL, *wire = NULL;
        struct nc_nft_rule got, again, want;
        size_t n;
        int r;

        if (nc_nft_rule_decode(nr, &got) < 0 || got.kind == NC_RULE_OTHER)
                return;
        /* 2: rebuild and decode again. */
        want = got;
        r = nc_nft_rule_build(&want, "netconverge", &rebuilt);
        /* Only out of memory may stop it: a decoded rule of ours is buildable. */
        if (r == -ENOMEM)
                return;
        if (r < 0)
                finding("decoded as ours, but nc_nft_rule_build() refuses it", nr);
        if (nc_nft_rule_decode(rebuilt, &again) < 0 || !nc_nft_rule_equal(&got, &again) ||
            strcmp(again.chain, got.chain) != 0)
                finding("decode(build(decode(x))) != decode(x)", nr);
        wire = through_wire(rebuilt);
        if (!wire || nc_nft_rule_decode(wire, &again) < 0 || !nc_nft_rule_equal(&got, &again))
                finding("decode(wire(build(decode(x)))) != decode(x)", nr);
        /* 3: the input means what the rebuilt rule means. */
        n = probe_packets(&got, data, size, probes, sizeof(probes) / sizeof(probes[0]));
        for (size_t i = 0; i < n; i++) {
                struct outcome a, b;

                eval_rule(nr, &probes[i], &a);
                eval_rule(rebuilt, &probes[i], &b);
                if (b.kind == O_UNMODELED)
                        finding("the evaluator does not model a rule build.c builds (fix the fuzzer)", rebuilt);
                if (a.kind == O_UNMODELED) {
                        fprintf(stderr, "unmodeled: %s\n", a.why);
                        finding("decoded as ours, but holds something that is not our shape", nr);
                }
                if (!outcome_equal(&a, &b)) {
                        fprintf(stderr, "probe %zu: input outcome %d, ours %d\n", i, a.kind, b.kind);
                        finding("decoded as ours, but means something else on a packet", nr);
                }
        }
        nftnl_rule_free(wire);
        nftnl_rule_free(rebuilt);
}

/* The other tables' drop-rule reader (src/nft/foreign.c) on the same
 * rules, for every family it is given: nothing crashes, and what it keeps
 * is well formed (names that fit an interface, prefixes without host bits). */
static void check_foreign(const struct nftnl_rule *nr) {
        static const enum nc_nft_family families[] = { NC_NFT_FAMILY_IP, NC_NFT_FAMILY_IP6, NC_NFT_FAMILY_INET };

        for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
                struct nc_nft_drop_rule_buf buf;
                struct nc_nft_drop_rule d;

                if (nc_nft_drop_rule_decode(nr, families[i], &buf, &d) != 1)
                        continue;
                if ((d.iifname && (strlen(d.iifname) == 0 || strlen(d.iifname) > NC_IFNAMSIZ)) ||
                    (d.oifname && (strlen(d.oifname) == 0 || strlen(d.oifname) > NC_IFNAMSIZ)))
                        finding("foreign.c kept an interface name that fits no interface", nr);
                if ((d.saddr_len > 32 || (d.saddr_len && (d.saddr & ~nc_prefix_mask(d.saddr_len)))) ||
                    (d.daddr_len > 32 || (d.daddr_len && (d.daddr & ~nc_prefix_mask(d.daddr_len)))))
                        finding("foreign.c kept a prefix with host bits", nr);
                if (d.ct_state && !d.ct_state[0])
                        finding("foreign.c kept an empty ct state", nr);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct nftnl_rule *nr;

        if (size < 1)
                return 0;
        nr = data[0] & 1 ? build_program(data + 1, size - 1) : parse_wire(data + 1, size - 1);
        if (!nr)
                return 0;
        check(nr, data + 1, size - 1);
        check_foreign(nr);
        nftnl_rule_free(nr);
        return 0;
}

/* ---- Seeds ------------------------------------------------------------ */

#define IP(a, b, c, d) ((uint32_t) (a) << 24 | (uint32_t) (b) << 16 | (uint32_t) (c) << 8 | (uint32_t) (d))

static void write_seed(const char *dir, const char *name, uint8_t mode, const uint8_t *buf, size_t len) {
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s-%s", dir, name, mode & 1 ? "program" : "wire");
        f = fopen(path, "we");
        if (!f) {
                perror(path);
                exit(1);
        }
        fputc(mode, f);
        fwrite(buf, 1, len, f);
        fclose(f);
}

static void write_seeds(const char *dir) {
        static uint8_t buf[MSG_SIZE];
        struct {
                const char *name;
                struct nc_nft_rule r;
                uint8_t chain;  /* index in build_program()'s chains */
        } seeds[] = {
                { "masquerade16", { .chain = "postrouting", .key = "masquerade docker0", .kind = NC_RULE_MASQUERADE,
                                    .saddr = IP(172, 17, 0, 0), .saddr_len = 16, .oifname = "docker0" }, 0 },
                { "masquerade20", { .chain = "postrouting", .key = "masquerade br1", .kind = NC_RULE_MASQUERADE,
                                    .saddr = IP(10, 16, 0, 0), .saddr_len = 20, .oifname = "br1" }, 0 },
                { "masquerade32", { .chain = "postrouting", .key = "m", .kind = NC_RULE_MASQUERADE,
                                    .saddr = IP(10, 1, 2, 3), .saddr_len = 32, .oifname = "b" }, 0 },
                { "jump", { .chain = "prerouting", .key = "jump prerouting", .kind = NC_RULE_JUMP,
                            .target = "publish" }, 1 },
                { "jump-not-lo", { .chain = "output", .key = "jump output", .kind = NC_RULE_JUMP,
                                   .not_loopback = true, .target = "publish" }, 2 },
                { "return", { .chain = "publish", .key = "return docker0", .kind = NC_RULE_RETURN,
                              .iifname = "docker0" }, 3 },
                { "dnat-tcp", { .chain = "publish", .key = "publish tcp 0.0.0.0:8080", .kind = NC_RULE_DNAT,
                                .proto = NC_PROTO_TCP, .dport = 8080, .to_addr = IP(172, 17, 0, 2), .to_port = 80 },
                  3 },
                { "dnat-udp-daddr", { .chain = "publish", .key = "publish udp 198.51.100.7:53", .kind = NC_RULE_DNAT,
                                      .proto = NC_PROTO_UDP, .daddr = IP(198, 51, 100, 7), .dport = 53,
                                      .to_addr = IP(172, 18, 0, 3), .to_port = 5353 }, 3 },
                { "drop", { .chain = "forward", .key = "isolate a b", .kind = NC_RULE_DROP, .iifname = "br-a",
                            .oifname = "br-b" }, 4 },
                { "masquerade6-64", { .chain = "postrouting", .key = "masquerade6 docker0", .kind = NC_RULE_MASQUERADE,
                                      .v6 = true, .saddr6 = { .b = { 0xfd, 0x00, 0x00, 0x17 } }, .saddr_len = 64,
                                      .oifname = "docker0" }, 0 },
                { "masquerade6-60", { .chain = "postrouting", .key = "masquerade6 br1", .kind = NC_RULE_MASQUERADE,
                                      .v6 = true, .saddr6 = { .b = { 0xfd, 0x00, 0x00, 0x17, 0, 0, 0, 0x10 } },
                                      .saddr_len = 60, .oifname = "br1" }, 0 },
                { "jump6-not-lo", { .chain = "output", .key = "jump6 output", .kind = NC_RULE_JUMP, .v6 = true,
                                    .not_loopback = true, .target = "publish" }, 2 },
                { "dnat6-tcp", { .chain = "publish", .key = "publish tcp [::]:8080", .kind = NC_RULE_DNAT, .v6 = true,
                                 .proto = NC_PROTO_TCP, .dport = 8080, .to_addr6 = { .b = { 0xfd, [15] = 2 } },
                                 .to_port = 80 }, 3 },
                { "dnat6-udp-daddr", { .chain = "publish", .key = "publish udp [::1]:53", .kind = NC_RULE_DNAT,
                                       .v6 = true, .proto = NC_PROTO_UDP, .daddr6 = { .b = { [15] = 1 } }, .dport = 53,
                                       .to_addr6 = { .b = { 0xfd, [15] = 3 } }, .to_port = 5353 }, 3 },
        };

        for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
                struct nftnl_rule *nr = NULL;
                size_t len;

                if (nc_nft_rule_build(&seeds[i].r, "netconverge", &nr) < 0) {
                        fprintf(stderr, "seed %s: nc_nft_rule_build failed\n", seeds[i].name);
                        exit(1);
                }
                len = to_wire(nr, buf, sizeof(buf));
                write_seed(dir, seeds[i].name, 0, buf, len);
                len = to_program(nr, seeds[i].chain, buf, sizeof(buf));
                write_seed(dir, seeds[i].name, 1, buf, len);
                nftnl_rule_free(nr);
        }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        const char *dir = getenv("NC_FUZZ_WRITE_SEEDS");

        (void) argc;
        (void) argv;
        if (dir) {
                write_seeds(dir);
                exit(0);
        }
        return 0;
}
