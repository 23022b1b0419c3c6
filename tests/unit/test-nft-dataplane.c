/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "netconverge/addr.h"
#include "netconverge/state.h"
#include "nft/nft.h"
#include "nftutil.h"

/* The rules of SPEC 7.2's data plane (issue 14 item 1): the hairpin and
 * localhost masquerades (the shape in both families; netconverge makes the
 * IPv6 localhost one nowhere: ::1 is never DNATed), the guard, and the
 * IPv4 output jump that no longer excludes loopback. build -> decode and build -> wire ->
 * decode give each back; what is built is what nft 1.0.6 emits for the
 * same text (the expected strings are `nft --debug=netlink add rule inet
 * t c ...` verbatim); near misses (another ct status bit, a ct direction,
 * oifname != under ct status dnat, iifname == lo, a daddr other than
 * 127.0.0.0/8) are not ours. */

#define IP(a, b, c, d) ((uint32_t) (a) << 24 | (uint32_t) (b) << 16 | (uint32_t) (c) << 8 | (uint32_t) (d))

static struct nc_nft_rule hairpin(uint32_t saddr, unsigned len, bool ct_dnat) {
        struct nc_nft_rule r = { .kind = NC_RULE_HAIRPIN, .chain = "postrouting",
                                 .key = ct_dnat ? "hairpin docker0" : "localhost docker0", .saddr = saddr,
                                 .saddr_len = len, .ct_dnat = ct_dnat, .oifname = "docker0" };

        return r;
}

static struct nc_nft_rule hairpin6(const char *net, unsigned len, bool ct_dnat) {
        struct nc_nft_rule r = { .kind = NC_RULE_HAIRPIN, .chain = "postrouting",
                                 .key = ct_dnat ? "hairpin6 docker0" : "localhost6 docker0", .v6 = true,
                                 .saddr6 = v6(net), .saddr_len = len, .ct_dnat = ct_dnat, .oifname = "docker0" };

        return r;
}

static struct nc_nft_rule guard(void) {
        return (struct nc_nft_rule) { .kind = NC_RULE_GUARD, .chain = "guard", .key = "guard lo", .iifname = "lo" };
}

static struct nc_nft_rule output_jump(void) {
        return (struct nc_nft_rule) { .kind = NC_RULE_JUMP, .chain = "output", .key = "jump output",
                                      .target = "publish", .ipv4_only = true };
}

static struct nc_nft_rule filter(void) {
        return (struct nc_nft_rule) { .kind = NC_RULE_FILTER, .chain = "forward", .key = "filter docker0",
                                      .oifname = "docker0", .ifgroup = 28259 };
}

static struct nc_nft_rule internal(void) {
        return (struct nc_nft_rule) { .kind = NC_RULE_INTERNAL, .chain = "forward", .key = "internal backend",
                                      .iifname = "backend", .ifgroup = 28259 };
}

static void assert_decodes_to(const struct nftnl_rule *nr, const struct nc_nft_rule *want) {
        struct nc_nft_rule got;

        assert_int_equal(nc_nft_rule_decode(nr, &got), 0);
        assert_int_equal(got.kind, want->kind);
        assert_int_equal(got.v6, want->v6);
        assert_int_equal(got.ct_dnat, want->ct_dnat);
        assert_true(nc_nft_rule_equal(want, &got));
        assert_string_equal(got.chain, want->chain);
        assert_string_equal(got.key, want->key);
}

static void assert_round_trip(const struct nc_nft_rule *want) {
        struct nftnl_rule *nr = build(want), *back = through_wire(nr);

        assert_decodes_to(nr, want);
        assert_decodes_to(back, want);
        nftnl_rule_free(back);
        nftnl_rule_free(nr);
}

static void test_every_shape_round_trips(void **state) {
        const struct nc_nft_rule rules[] = {
                hairpin(IP(172, 17, 0, 0), 16, true),
                hairpin(IP(10, 1, 2, 0), 23, true),
                hairpin(IP(127, 0, 0, 0), 8, false),
                hairpin6("fd00:17::", 64, true),
                hairpin6("fd00:17::", 60, true),
                hairpin6("::1", 128, false),
                guard(),
                output_jump(),
                filter(),
                internal(),
        };
        (void) state;

        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
                assert_round_trip(&rules[i]);
}

static void assert_as_nft(const struct nc_nft_rule *r, const char *want) {
        struct nftnl_rule *nr = build(r);

        assert_string_equal(expr_text(nr), want);
        nftnl_rule_free(nr);
}

/* nft 1.0.6 on this project's machine, for:
 *   meta nfproto ipv4 ip saddr 172.17.0.0/16 oifname "docker0" ct status dnat masquerade
 *   meta nfproto ipv6 ip6 saddr fd00::/64 oifname "docker0" ct status dnat masquerade
 *   meta nfproto ipv4 ip saddr 127.0.0.0/8 oifname "docker0" masquerade
 *   meta nfproto ipv6 ip6 saddr ::1 oifname "docker0" masquerade
 *   meta nfproto ipv4 iifname != "lo" ip daddr 127.0.0.0/8 drop
 *   meta nfproto ipv4 fib daddr type local jump publish */
static void test_registers_are_nfts(void **state) {
        struct nc_nft_rule h = hairpin(IP(172, 17, 0, 0), 16, true), h6 = hairpin6("fd00::", 64, true);
        struct nc_nft_rule l = hairpin(IP(127, 0, 0, 0), 8, false), l6 = hairpin6("::1", 128, false);
        struct nc_nft_rule g = guard(), j = output_jump();
        (void) state;

        assert_as_nft(&h, "[ meta load nfproto => reg 1 ]\n"
                          "[ cmp eq reg 1 0x00000002 ]\n"
                          "[ payload load 2b @ network header + 12 => reg 1 ]\n"
                          "[ cmp eq reg 1 0x000011ac ]\n"
                          "[ meta load oifname => reg 1 ]\n"
                          "[ cmp eq reg 1 0x6b636f64 0x00307265 0x00000000 0x00000000 ]\n"
                          "[ ct load status => reg 1 ]\n"
                          "[ bitwise reg 1 = ( reg 1 & 0x00000020 ) ^ 0x00000000 ]\n"
                          "[ cmp neq reg 1 0x00000000 ]\n"
                          "[ masq ]\n");
        assert_as_nft(&h6, "[ meta load nfproto => reg 1 ]\n"
                           "[ cmp eq reg 1 0x0000000a ]\n"
                           "[ payload load 8b @ network header + 8 => reg 1 ]\n"
                           "[ cmp eq reg 1 0x000000fd 0x00000000 ]\n"
                           "[ meta load oifname => reg 1 ]\n"
                           "[ cmp eq reg 1 0x6b636f64 0x00307265 0x00000000 0x00000000 ]\n"
                           "[ ct load status => reg 1 ]\n"
                           "[ bitwise reg 1 = ( reg 1 & 0x00000020 ) ^ 0x00000000 ]\n"
                           "[ cmp neq reg 1 0x00000000 ]\n"
                           "[ masq ]\n");
        assert_as_nft(&l, "[ meta load nfproto => reg 1 ]\n"
                          "[ cmp eq reg 1 0x00000002 ]\n"
                          "[ payload load 1b @ network header + 12 => reg 1 ]\n"
                          "[ cmp eq reg 1 0x0000007f ]\n"
                          "[ meta load oifname => reg 1 ]\n"
                          "[ cmp eq reg 1 0x6b636f64 0x00307265 0x00000000 0x00000000 ]\n"
                          "[ masq ]\n");
        assert_as_nft(&l6, "[ meta load nfproto => reg 1 ]\n"
                           "[ cmp eq reg 1 0x0000000a ]\n"
                           "[ payload load 16b @ network header + 8 => reg 1 ]\n"
                           "[ cmp eq reg 1 0x00000000 0x00000000 0x00000000 0x01000000 ]\n"
                           "[ meta load oifname => reg 1 ]\n"
                           "[ cmp eq reg 1 0x6b636f64 0x00307265 0x00000000 0x00000000 ]\n"
                           "[ masq ]\n");
        assert_as_nft(&g, "[ meta load nfproto => reg 1 ]\n"
                          "[ cmp eq reg 1 0x00000002 ]\n"
                          "[ meta load iifname => reg 1 ]\n"
                          "[ cmp neq reg 1 0x00006f6c 0x00000000 0x00000000 0x00000000 ]\n"
                          "[ payload load 1b @ network header + 16 => reg 1 ]\n"
                          "[ cmp eq reg 1 0x0000007f ]\n"
                          "[ immediate reg 0 drop ]\n");
        assert_as_nft(&j, "[ meta load nfproto => reg 1 ]\n"
                          "[ cmp eq reg 1 0x00000002 ]\n"
                          "[ fib daddr type => reg 1 ]\n"
                          "[ cmp eq reg 1 0x00000002 ]\n"
                          "[ immediate reg 0 jump -> publish ]\n");
}

/* nft 1.0.6, for:
 *   oifname "docker0" meta iifgroup != 28259 ct state ! established,related ct status ! dnat drop
 *   iifname "docker0" meta oifgroup != 28259 drop */
static void test_filter_is_nfts(void **state) {
        struct nc_nft_rule f = filter(), i = internal();
        (void) state;

        strcpy(i.iifname, "docker0");
        assert_as_nft(&f, "[ meta load oifname => reg 1 ]\n"
                          "[ cmp eq reg 1 0x6b636f64 0x00307265 0x00000000 0x00000000 ]\n"
                          "[ meta load iifgroup => reg 1 ]\n"
                          "[ cmp neq reg 1 0x00006e63 ]\n"
                          "[ ct load state => reg 1 ]\n"
                          "[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n"
                          "[ cmp eq reg 1 0x00000000 ]\n"
                          "[ ct load status => reg 1 ]\n"
                          "[ bitwise reg 1 = ( reg 1 & 0x00000020 ) ^ 0x00000000 ]\n"
                          "[ cmp eq reg 1 0x00000000 ]\n"
                          "[ immediate reg 0 drop ]\n");
        assert_as_nft(&i, "[ meta load iifname => reg 1 ]\n"
                          "[ cmp eq reg 1 0x6b636f64 0x00307265 0x00000000 0x00000000 ]\n"
                          "[ meta load oifgroup => reg 1 ]\n"
                          "[ cmp neq reg 1 0x00006e63 ]\n"
                          "[ immediate reg 0 drop ]\n");
}

static void test_near_misses_are_other(void **state) {
        static const uint32_t snat_bit = IPS_SRC_NAT, dnat_bit = IPS_DST_NAT, one = 1, reply = 1;       /* IP_CT_DIR_REPLY */
        static const uint8_t ten = 10, lo_net = 127;
        static const char not_lo[NC_IFNAMSIZ] = "eth0";
        struct nc_nft_rule h = hairpin(IP(172, 17, 0, 0), 16, true), h6 = hairpin6("fd00:17::", 64, true);
        struct nc_nft_rule g = guard();
        struct nftnl_rule *nr;
        struct nc_nft_rule got;
        uint32_t key = NFT_CT_STATE;
        (void) state;

        /* ct status snat is not the hairpin's dnat. */
        assert_tampered(&h, "bitwise", 0, NFTNL_EXPR_BITWISE_MASK, &snat_bit, 4, NC_RULE_OTHER);
        assert_tampered(&h6, "bitwise", 0, NFTNL_EXPR_BITWISE_MASK, &snat_bit, 4, NC_RULE_OTHER);
        /* ... nor a compare against 1 (status & dnat == 1 is never true). */
        assert_tampered(&h, "cmp", 3, NFTNL_EXPR_CMP_DATA, &one, 4, NC_RULE_OTHER);
        /* The unchanged mask still decodes (the tamper helper itself). */
        assert_tampered(&h, "bitwise", 0, NFTNL_EXPR_BITWISE_MASK, &dnat_bit, 4, NC_RULE_HAIRPIN);
        /* ct state is another key; a direction is not ours either. */
        nr = build(&h);
        nftnl_expr_set_u32(nth_expr(nr, "ct", 0), NFTNL_EXPR_CT_KEY, key);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        nr = build(&h);
        nftnl_expr_set_u8(nth_expr(nr, "ct", 0), NFTNL_EXPR_CT_DIR, (uint8_t) reply);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        /* oifname != with ct status dnat is neither a masquerade nor a hairpin. */
        nr = build(&h);
        nftnl_expr_set_u32(nth_expr(nr, "cmp", 2), NFTNL_EXPR_CMP_OP, NFT_CMP_NEQ);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        /* The guard: iifname == lo, daddr 10.0.0.0/8, daddr != 127.0.0.0/8. */
        nr = build(&g);
        nftnl_expr_set_u32(nth_expr(nr, "cmp", 1), NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        assert_tampered(&g, "cmp", 2, NFTNL_EXPR_CMP_DATA, &ten, 1, NC_RULE_OTHER);
        nr = build(&g);
        nftnl_expr_set_u32(nth_expr(nr, "cmp", 2), NFTNL_EXPR_CMP_OP, NFT_CMP_NEQ);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        assert_tampered(&g, "cmp", 2, NFTNL_EXPR_CMP_DATA, &lo_net, 1, NC_RULE_GUARD);
        /* Another interface than lo is still the guard's shape, with that name:
         * it equals no guard we make. */
        nr = build(&g);
        nftnl_expr_set(nth_expr(nr, "cmp", 1), NFTNL_EXPR_CMP_DATA, not_lo, sizeof(not_lo));
        assert_int_equal(nc_nft_rule_decode(nr, &got), 0);
        assert_int_equal(got.kind, NC_RULE_GUARD);
        assert_false(nc_nft_rule_equal(&g, &got));
        nftnl_rule_free(nr);
}

/* The filter's near misses: ct state with new in the mask, ct status
 * dnat (not its negation), iifgroup ==, another group. */
static void test_filter_near_misses(void **state) {
        static const uint32_t with_new = 0x0e, group = 7;
        struct nc_nft_rule f = filter(), i = internal();
        struct nftnl_rule *nr;
        struct nc_nft_rule got;
        (void) state;

        assert_tampered(&f, "bitwise", 0, NFTNL_EXPR_BITWISE_MASK, &with_new, 4, NC_RULE_OTHER);
        nr = build(&f);
        nftnl_expr_set_u32(nth_expr(nr, "cmp", 3), NFTNL_EXPR_CMP_OP, NFT_CMP_NEQ);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        nr = build(&f);
        nftnl_expr_set_u32(nth_expr(nr, "cmp", 1), NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        nr = build(&i);
        nftnl_expr_set(nth_expr(nr, "cmp", 1), NFTNL_EXPR_CMP_DATA, &group, sizeof(group));
        assert_int_equal(nc_nft_rule_decode(nr, &got), 0);
        assert_int_equal(got.kind, NC_RULE_INTERNAL);
        assert_false(nc_nft_rule_equal(&i, &got));
        nftnl_rule_free(nr);
        /* ct state ! established,related alone (no ct status) is not the filter. */
        nr = build(&f);
        assert_int_equal(kind_of(nr), NC_RULE_FILTER);
        nftnl_rule_free(nr);
}

/* The localhost and hairpin rules differ only in ct status dnat. */
static void test_kinds_differ(void **state) {
        struct nc_nft_rule h = hairpin(IP(127, 0, 0, 0), 8, true), l = hairpin(IP(127, 0, 0, 0), 8, false);
        struct nc_nft_rule h6 = hairpin6("::1", 128, true), l6 = hairpin6("::1", 128, false);
        struct nc_nft_rule m = { .kind = NC_RULE_MASQUERADE, .saddr = IP(127, 0, 0, 0), .saddr_len = 8,
                                 .oifname = "docker0" };
        (void) state;

        assert_false(nc_nft_rule_equal(&h, &l));
        assert_false(nc_nft_rule_equal(&h6, &l6));
        assert_false(nc_nft_rule_equal(&h, &h6));
        assert_false(nc_nft_rule_equal(&l, &m));
        /* The IPv4 output jump is not the both-families prerouting one. */
        struct nc_nft_rule j = output_jump(), plain = output_jump();

        plain.ipv4_only = false;
        assert_false(nc_nft_rule_equal(&j, &plain));
        assert_round_trip(&plain);
}

static void test_build_refuses(void **state) {
        struct nc_nft_rule x;
        struct nftnl_rule *nr = NULL;
        (void) state;

        x = hairpin(IP(172, 17, 0, 0), 0, true);
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        x = hairpin6("fd00::", 129, true);
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        x = hairpin(IP(172, 17, 0, 0), 16, true);
        x.oifname[0] = '\0';
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        /* The guard is IPv4 only: the kernel never routes ::1 from another link. */
        x = guard();
        x.v6 = true;
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        /* ipv4_only is a plain jump's: never with IPv6 or the loopback exception. */
        x = output_jump();
        x.v6 = true;
        x.not_loopback = true;
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        x = output_jump();
        x.not_loopback = true;
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        assert_null(nr);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_shape_round_trips),
                cmocka_unit_test(test_registers_are_nfts),
                cmocka_unit_test(test_near_misses_are_other),
                cmocka_unit_test(test_filter_is_nfts),
                cmocka_unit_test(test_filter_near_misses),
                cmocka_unit_test(test_kinds_differ),
                cmocka_unit_test(test_build_refuses),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
