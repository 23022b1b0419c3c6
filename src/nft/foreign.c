/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "netconverge/addr.h"
#include "nft/nft.h"
#include "util/cleanup.h"

/* Another table's rule in a forward base chain, read for the pre-flight:
 * does it drop (or reject) traffic a bridge forwards? Unlike decode.c,
 * which recognizes our own shapes, this reads anyone's rule, so it is
 * conservative the other way: only rules it understands in full are kept,
 * and a rule with one match it does not know (a set lookup, a port, a
 * mark, an xt match, a limit) is taken not to catch. Known matches:
 * iifname/oifname equal to a name or a prefix ("br*", iptables' "br+"),
 * ip saddr/daddr in a prefix, ct state with one of the states the
 * bridges' traffic has, and the meta nfproto ipv4 that comes with ip
 * saddr in an inet table. counter and log change nothing. The final
 * statement is drop (iptables' -j DROP is the same immediate verdict),
 * reject, or xt's REJECT target (older iptables-nft). */

enum slot_kind {
        SLOT_NONE,
        SLOT_OTHER,             /* loaded, but nothing this file matches on */
        SLOT_IIFNAME,
        SLOT_OIFNAME,
        SLOT_NFPROTO,
        SLOT_SADDR,
        SLOT_DADDR,
        SLOT_CT_STATE,
};

struct slot {
        enum slot_kind kind;
        uint32_t mask;          /* after a bitwise (addresses: network byte order), else all ones */
        uint32_t len;           /* bytes loaded: nft loads a byte-aligned prefix short (/16: 2 bytes) */
        bool masked;
};

#define NSLOTS 16

struct reader {
        struct slot slots[NSLOTS];
        bool ipv4;              /* the packets are IPv4: family ip, or meta nfproto ipv4 seen */
        bool unknown;           /* something this file does not read: the rule does not catch */
        bool final;
        struct nc_nft_drop_rule *d;
        struct nc_nft_drop_rule_buf *buf;
};

/* NFT_REG_1..4 are four 32-bit slots each; NFT_REG32_00..15 one. */
static struct slot *slot_of(struct reader *rd, uint32_t reg) {
        if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
                return &rd->slots[(reg - NFT_REG_1) * 4];
        if (reg >= NFT_REG32_00 && reg < NFT_REG32_00 + NSLOTS)
                return &rd->slots[reg - NFT_REG32_00];
        rd->unknown = true;
        return NULL;
}

static uint32_t u32_or(const struct nftnl_expr *e, uint16_t attr, uint32_t dflt) {
        return nftnl_expr_is_set(e, attr) ? nftnl_expr_get_u32(e, attr) : dflt;
}

static unsigned slots_of(uint32_t len) {
        return len > 4 ? (len + 3) / 4 : 1;
}

/* A load of len bytes at s overwrites every value it overlaps (an
 * iifname spans four slots). */
static void load(struct reader *rd, const struct nftnl_expr *e, uint16_t dreg, enum slot_kind kind, uint32_t len) {
        struct slot *s;
        size_t at;

        if (!nftnl_expr_is_set(e, dreg)) {
                rd->unknown = true;     /* a set (meta mark set ...) changes the packet */
                return;
        }
        s = slot_of(rd, nftnl_expr_get_u32(e, dreg));
        if (!s)
                return;
        at = (size_t) (s - rd->slots);
        if (len > 16 || at + slots_of(len) > NSLOTS) {
                rd->unknown = true;
                return;
        }
        for (size_t i = 0; i < NSLOTS; i++)
                if (rd->slots[i].kind != SLOT_NONE && i < at + slots_of(len) && at < i + slots_of(rd->slots[i].len))
                        rd->slots[i] = (struct slot) {};
        *s = (struct slot) { .kind = kind, .mask = UINT32_MAX, .len = len };
}

static void on_meta(struct reader *rd, const struct nftnl_expr *e) {
        static const struct {
                uint32_t key;
                enum slot_kind kind;
                uint32_t len;
        } keys[] = {
                { NFT_META_IIFNAME, SLOT_IIFNAME, NC_IFNAMSIZ },
                { NFT_META_OIFNAME, SLOT_OIFNAME, NC_IFNAMSIZ },
                { NFT_META_NFPROTO, SLOT_NFPROTO, 1 },
        };
        uint32_t key = u32_or(e, NFTNL_EXPR_META_KEY, UINT32_MAX);

        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (keys[i].key == key) {
                        load(rd, e, NFTNL_EXPR_META_DREG, keys[i].kind, keys[i].len);
                        return;
                }
        /* Most other keys are 4 bytes or less; the rest (16-byte names)
         * only make later compares on the slots they cover unknown. */
        load(rd, e, NFTNL_EXPR_META_DREG, SLOT_OTHER, NC_IFNAMSIZ);
}

static void on_payload(struct reader *rd, const struct nftnl_expr *e) {
        uint32_t base = u32_or(e, NFTNL_EXPR_PAYLOAD_BASE, UINT32_MAX);
        uint32_t off = u32_or(e, NFTNL_EXPR_PAYLOAD_OFFSET, UINT32_MAX);
        uint32_t len = u32_or(e, NFTNL_EXPR_PAYLOAD_LEN, 0);
        enum slot_kind kind = SLOT_OTHER;

        /* ip saddr/daddr, only where the packet is known to be IPv4. */
        if (rd->ipv4 && base == NFT_PAYLOAD_NETWORK_HEADER && len >= 1 && len <= 4)
                kind = off == NC_IPV4_SADDR_OFFSET ? SLOT_SADDR : off == NC_IPV4_DADDR_OFFSET ? SLOT_DADDR : kind;
        if (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG)) {
                rd->unknown = true;
                return;
        }
        load(rd, e, NFTNL_EXPR_PAYLOAD_DREG, kind, len);
}

static void on_ct(struct reader *rd, const struct nftnl_expr *e) {
        bool state = u32_or(e, NFTNL_EXPR_CT_KEY, UINT32_MAX) == NFT_CT_STATE &&
                     !nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR);

        load(rd, e, NFTNL_EXPR_CT_DREG, state ? SLOT_CT_STATE : SLOT_OTHER, 4);
}

/* reg = (reg & mask) ^ 0 on 4 bytes: a prefix or ct state's flags. */
static void on_bitwise(struct reader *rd, const struct nftnl_expr *e) {
        uint32_t mlen = 0, xlen = 0, xor = 0, mask;
        const void *m = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
        const void *x = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);
        struct slot *src, *dst;

        if (u32_or(e, NFTNL_EXPR_BITWISE_OP, NFT_BITWISE_BOOL) != NFT_BITWISE_BOOL || !m || !x || mlen != 4 ||
            xlen != 4 || u32_or(e, NFTNL_EXPR_BITWISE_LEN, 0) != 4) {
                rd->unknown = true;
                return;
        }
        memcpy(&mask, m, 4);
        memcpy(&xor, x, 4);
        src = slot_of(rd, u32_or(e, NFTNL_EXPR_BITWISE_SREG, 0));
        dst = slot_of(rd, u32_or(e, NFTNL_EXPR_BITWISE_DREG, 0));
        if (!src || !dst || src->masked || src->len != 4 || xor != 0) {
                rd->unknown = true;
                return;
        }
        *dst = (struct slot) { .kind = src->kind, .mask = mask, .len = 4, .masked = true };
}

/* An interface name as nft and iptables-nft compare it: the name padded
 * with NULs to 16 bytes, or a prefix without its NUL ("br*", "br+"). */
static int ifname_match(const uint8_t *v, uint32_t len, char **field, char out[]) {
        const uint8_t *nul = memchr(v, '\0', len);
        size_t n = nul ? (size_t) (nul - v) : len;

        if (*field || n == 0 || n >= NC_IFNAMSIZ || len > NC_IFNAMSIZ || memchr(v, '*', n))
                return -EINVAL;
        /* A name is NUL-padded: bytes after its NUL match no interface. */
        for (size_t i = n; i < len; i++)
                if (v[i] != '\0')
                        return -EINVAL;
        memcpy(out, v, n);
        if (!nul)
                out[n++] = '*';
        out[n] = '\0';
        *field = out;
        return 0;
}

/* A full load and a mask, or a short load of the prefix's bytes. */
static int prefix_match(const struct slot *s, const uint8_t *v, uint32_t len, uint32_t *addr, unsigned *plen) {
        uint32_t a = 0, mask = s->masked ? ntohl(s->mask) : nc_prefix_mask(s->len * 8);
        unsigned n = (unsigned) __builtin_popcount(mask);

        if (len != s->len || *plen != 0 || mask != nc_prefix_mask(n) || n == 0)
                return -EINVAL;
        memcpy(&a, v, len);
        *addr = ntohl(a) & mask;
        *plen = n;
        return 0;
}

/* ct state's flags by name, in nft's order. */
static const struct {
        uint32_t bit;
        const char *name;
} ct_states[] = {
        { NF_CT_STATE_INVALID_BIT, "invalid" },
        { NF_CT_STATE_BIT(IP_CT_ESTABLISHED), "established" },
        { NF_CT_STATE_BIT(IP_CT_RELATED), "related" },
        { NF_CT_STATE_BIT(IP_CT_NEW), "new" },
        { NF_CT_STATE_UNTRACKED_BIT, "untracked" },
};

/* Only a match some of the bridges' forwarded traffic satisfies is one
 * (new, established or related); `ct state invalid drop` drops none of it. */
static int ct_state_match(struct reader *rd, uint32_t states) {
        uint32_t known = 0, ours = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED) |
                                  NF_CT_STATE_BIT(IP_CT_NEW);
        size_t o = 0;

        for (size_t i = 0; i < ELEMENTSOF(ct_states); i++)
                known |= ct_states[i].bit;
        if (rd->d->ct_state || (states & ~known) || !(states & ours))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(ct_states); i++)
                if (states & ct_states[i].bit)
                        o += (size_t) snprintf(rd->buf->ct_state + o, sizeof(rd->buf->ct_state) - o, "%s%s",
                                               o ? "," : "", ct_states[i].name);
        rd->d->ct_state = rd->buf->ct_state;
        return 0;
}

static int cmp_match(struct reader *rd, const struct slot *s, uint32_t op, const uint8_t *v, uint32_t len) {
        uint32_t states = 0;

        switch (s->kind) {
        case SLOT_IIFNAME:
                return op == NFT_CMP_EQ && !s->masked ? ifname_match(v, len, &rd->d->iifname, rd->buf->iifname)
                                                      : -EINVAL;
        case SLOT_OIFNAME:
                return op == NFT_CMP_EQ && !s->masked ? ifname_match(v, len, &rd->d->oifname, rd->buf->oifname)
                                                      : -EINVAL;
        case SLOT_NFPROTO:
                /* Rules for IPv6 only catch none of the IPv4 bridges' traffic. */
                if (op != NFT_CMP_EQ || s->masked || len != 1 || v[0] != NFPROTO_IPV4)
                        return -EINVAL;
                rd->ipv4 = true;
                return 0;
        case SLOT_SADDR:
                return op == NFT_CMP_EQ ? prefix_match(s, v, len, &rd->d->saddr, &rd->d->saddr_len) : -EINVAL;
        case SLOT_DADDR:
                return op == NFT_CMP_EQ ? prefix_match(s, v, len, &rd->d->daddr, &rd->d->daddr_len) : -EINVAL;
        case SLOT_CT_STATE:
                if (len != 4)
                        return -EINVAL;
                memcpy(&states, v, 4);
                /* `ct state X,Y`: flags masked, != 0; one state alone may be == X. */
                if (s->masked && op == NFT_CMP_NEQ && states == 0)
                        return ct_state_match(rd, s->mask);
                if (!s->masked && op == NFT_CMP_EQ)
                        return ct_state_match(rd, states);
                return -EINVAL;
        default:
                return -EINVAL;
        }
}

static void on_cmp(struct reader *rd, const struct nftnl_expr *e) {
        uint32_t len = 0;
        const uint8_t *v = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
        struct slot *s = slot_of(rd, u32_or(e, NFTNL_EXPR_CMP_SREG, 0));

        if (!s || !v || cmp_match(rd, s, u32_or(e, NFTNL_EXPR_CMP_OP, UINT32_MAX), v, len) < 0)
                rd->unknown = true;
        if (s)
                *s = (struct slot) {};
}

static void on_immediate(struct reader *rd, const struct nftnl_expr *e) {
        /* A verdict: drop is the rule we look for; accept, jump, return... not. */
        if (u32_or(e, NFTNL_EXPR_IMM_DREG, UINT32_MAX) != NFT_REG_VERDICT ||
            u32_or(e, NFTNL_EXPR_IMM_VERDICT, UINT32_MAX) != NF_DROP) {
                rd->unknown = true;
                return;
        }
        rd->final = true;
}

static void on_reject(struct reader *rd, const struct nftnl_expr *e) {
        (void) e;
        rd->d->reject = true;
        rd->final = true;
}

static void on_target(struct reader *rd, const struct nftnl_expr *e) {
        const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);

        if (name && strcmp(name, "REJECT") == 0)
                on_reject(rd, e);
        else
                rd->unknown = true;
}

static void on_neutral(struct reader *rd, const struct nftnl_expr *e) {
        (void) rd, (void) e;
}

static const struct {
        const char *name;
        void (*fn)(struct reader *rd, const struct nftnl_expr *e);
} exprs[] = {
        { "meta", on_meta },       { "payload", on_payload },     { "ct", on_ct },
        { "bitwise", on_bitwise }, { "cmp", on_cmp },             { "immediate", on_immediate },
        { "reject", on_reject },   { "target", on_target },       { "counter", on_neutral },
        { "log", on_neutral },
};

static void on_expr(struct reader *rd, const struct nftnl_expr *e) {
        const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

        for (size_t i = 0; name && i < ELEMENTSOF(exprs); i++)
                if (strcmp(name, exprs[i].name) == 0) {
                        exprs[i].fn(rd, e);
                        return;
                }
        rd->unknown = true;
}

static void expr_iter_destroyp(struct nftnl_expr_iter **it) {
        if (*it)
                nftnl_expr_iter_destroy(*it);
}

int nc_nft_drop_rule_decode(const struct nftnl_rule *nr, enum nc_nft_family family, struct nc_nft_drop_rule_buf *buf,
                            struct nc_nft_drop_rule *ret) {
        _cleanup_(expr_iter_destroyp) struct nftnl_expr_iter *it = NULL;
        struct nc_nft_drop_rule d = { .family = family };
        struct reader rd = { .d = &d, .buf = buf, .ipv4 = family == NC_NFT_FAMILY_IP };
        struct nftnl_expr *e;

        d.table = (char *) nftnl_rule_get_str(nr, NFTNL_RULE_TABLE);
        d.chain = (char *) nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN);
        if (!d.table || !d.chain)
                return -EBADMSG;
        it = nftnl_expr_iter_create(nr);
        if (!it)
                return -ENOMEM;
        /* What follows the verdict never runs. */
        while (!rd.unknown && !rd.final && (e = nftnl_expr_iter_next(it)))
                on_expr(&rd, e);
        if (rd.unknown || !rd.final)
                return 0;
        if (nftnl_rule_is_set(nr, NFTNL_RULE_HANDLE))
                d.handle = (unsigned) nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE);
        *ret = d;
        return 1;
}
