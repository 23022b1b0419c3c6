/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
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

/* The IPv6 forms of the rules (issue 13): build -> decode, and build ->
 * wire -> decode, give every IPv6 shape back; what we build is, register
 * for register, what nft 1.0 emits for the same text (the expected
 * strings are `nft --debug=netlink add rule inet t c ...` verbatim, and
 * libnftnl prints the rule the same way), so decoding ours is decoding
 * nft's; and the near misses between the families (an IPv6 address under
 * nfproto ipv4, a dnat ip6 under nfproto ipv4, :: as a daddr) are other. */

static struct nc_nft_rule masquerade6(const char *net, unsigned len, const char *oif) {
        struct nc_nft_rule r = { .kind = NC_RULE_MASQUERADE, .chain = "postrouting", .key = "masquerade6 docker0",
                                 .v6 = true, .saddr6 = v6(net), .saddr_len = len };

        strcpy(r.oifname, oif);
        return r;
}

static struct nc_nft_rule jump6(void) {
        struct nc_nft_rule r = { .kind = NC_RULE_JUMP, .chain = "output", .key = "jump6 output", .v6 = true,
                                 .not_loopback = true };

        strcpy(r.target, "publish");
        return r;
}

static struct nc_nft_rule dnat6(enum nc_proto proto, const char *daddr, uint16_t dport, const char *to,
                                uint16_t to_port) {
        return (struct nc_nft_rule) { .kind = NC_RULE_DNAT, .chain = "publish", .key = "publish tcp [::]:8080",
                                      .v6 = true, .proto = proto, .daddr6 = v6(daddr), .dport = dport,
                                      .to_addr6 = v6(to), .to_port = to_port };
}

static void assert_decodes_to(const struct nftnl_rule *nr, const struct nc_nft_rule *want) {
        struct nc_nft_rule got;

        assert_int_equal(nc_nft_rule_decode(nr, &got), 0);
        assert_int_equal(got.kind, want->kind);
        assert_true(got.v6);
        assert_true(nc_nft_rule_equal(want, &got));
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
        static const unsigned prefixes[] = { 1, 7, 48, 56, 57, 60, 63, 64, 80, 120, 127, 128 };
        (void) state;

        for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
                struct nc_ipv6 all = v6("fd00:17:ffff:ffff:ffff:ffff:ffff:ffff"), net;
                char buf[NC_IPV6_STRLEN];
                struct nc_nft_rule r;

                net = nc_ipv6_network(&all, prefixes[i]);
                r = masquerade6(nc_ipv6_format(&net, buf), prefixes[i], "docker0");
                assert_round_trip(&r);
        }
        struct nc_nft_rule rules[] = {
                jump6(),
                dnat6(NC_PROTO_TCP, "::", 8080, "fd00:17::2", 80),
                dnat6(NC_PROTO_UDP, "::", 5353, "fd00:17::3", 53),
                dnat6(NC_PROTO_TCP, "::1", 8080, "fd00:17::2", 80),
                dnat6(NC_PROTO_UDP, "2001:db8::1", 53, "fd00:17:0:0:ffff:ffff:ffff:fffe", 65535),
        };
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
                assert_round_trip(&rules[i]);
}

/* The rule's expressions as nft --debug=netlink prints them. */
static char *expressions(const struct nftnl_rule *nr) {
        struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
        static char out[4096];
        struct nftnl_expr *e;
        size_t n = 0;

        assert_non_null(it);
        out[0] = '\0';
        while ((e = nftnl_expr_iter_next(it))) {
                char one[512];

                nftnl_expr_snprintf(one, sizeof(one), e, NFTNL_OUTPUT_DEFAULT, 0);
                n += (size_t) snprintf(out + n, sizeof(out) - n, "[ %s %s ]\n", nftnl_expr_get_str(e, NFTNL_EXPR_NAME),
                                       one);
                assert_true(n < sizeof(out));
        }
        nftnl_expr_iter_destroy(it);
        return out;
}

static void assert_as_nft(const struct nc_nft_rule *r, const char *want) {
        struct nftnl_rule *nr = build(r);
        char *got = expressions(nr);

        /* Both printers put the same spaces between the words. */
        for (char *p = got; *p; p++)
                if (p[0] == ' ' && p[1] == ' ')
                        memmove(p, p + 1, strlen(p));
        assert_string_equal(got, want);
        nftnl_rule_free(nr);
}

/* nft 1.0.6 on this project's machine, for:
 *   ip6 saddr fd00:17::/64 oifname != "br" masquerade
 *   ip6 saddr fd00:17::/60 oifname != "br" masquerade
 *   ip6 daddr != ::1 fib daddr type local jump publish
 *   meta nfproto ipv6 tcp dport 80 dnat ip6 to [fd00::2]:8080
 *   ip6 daddr fd00::1 tcp dport 80 dnat ip6 to [fd00:17::2]:8080 */
static void test_registers_are_nfts(void **state) {
        (void) state;

        struct nc_nft_rule m64 = masquerade6("fd00:17::", 64, "br"), m60 = masquerade6("fd00:17::", 60, "br");

        assert_as_nft(&m64, "[ meta load nfproto => reg 1 ]\n"
                            "[ cmp eq reg 1 0x0000000a ]\n"
                            "[ payload load 8b @ network header + 8 => reg 1 ]\n"
                            "[ cmp eq reg 1 0x170000fd 0x00000000 ]\n"
                            "[ meta load oifname => reg 1 ]\n"
                            "[ cmp neq reg 1 0x00007262 0x00000000 0x00000000 0x00000000 ]\n"
                            "[ masq ]\n");
        assert_as_nft(&m60, "[ meta load nfproto => reg 1 ]\n"
                            "[ cmp eq reg 1 0x0000000a ]\n"
                            "[ payload load 16b @ network header + 8 => reg 1 ]\n"
                            "[ bitwise reg 1 = ( reg 1 & 0xffffffff 0xf0ffffff 0x00000000 0x00000000 ) ^ "
                            "0x00000000 0x00000000 0x00000000 0x00000000 ]\n"
                            "[ cmp eq reg 1 0x170000fd 0x00000000 0x00000000 0x00000000 ]\n"
                            "[ meta load oifname => reg 1 ]\n"
                            "[ cmp neq reg 1 0x00007262 0x00000000 0x00000000 0x00000000 ]\n"
                            "[ masq ]\n");

        struct nc_nft_rule j = jump6();

        assert_as_nft(&j, "[ meta load nfproto => reg 1 ]\n"
                          "[ cmp eq reg 1 0x0000000a ]\n"
                          "[ payload load 16b @ network header + 24 => reg 1 ]\n"
                          "[ cmp neq reg 1 0x00000000 0x00000000 0x00000000 0x01000000 ]\n"
                          "[ fib daddr type => reg 1 ]\n"
                          "[ cmp eq reg 1 0x00000002 ]\n"
                          "[ immediate reg 0 jump -> publish ]\n");

        struct nc_nft_rule any = dnat6(NC_PROTO_TCP, "::", 80, "fd00::2", 8080);
        struct nc_nft_rule one = dnat6(NC_PROTO_TCP, "fd00::1", 80, "fd00:17::2", 8080);

        assert_as_nft(&any, "[ meta load nfproto => reg 1 ]\n"
                            "[ cmp eq reg 1 0x0000000a ]\n"
                            "[ meta load l4proto => reg 1 ]\n"
                            "[ cmp eq reg 1 0x00000006 ]\n"
                            "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
                            "[ cmp eq reg 1 0x00005000 ]\n"
                            "[ immediate reg 1 0x000000fd 0x00000000 0x00000000 0x02000000 ]\n"
                            "[ immediate reg 2 0x0000901f ]\n"
                            "[ nat dnat ip6 addr_min reg 1 proto_min reg 2 flags 0x2 ]\n");
        assert_as_nft(&one, "[ meta load nfproto => reg 1 ]\n"
                            "[ cmp eq reg 1 0x0000000a ]\n"
                            "[ payload load 16b @ network header + 24 => reg 1 ]\n"
                            "[ cmp eq reg 1 0x000000fd 0x00000000 0x00000000 0x01000000 ]\n"
                            "[ meta load l4proto => reg 1 ]\n"
                            "[ cmp eq reg 1 0x00000006 ]\n"
                            "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
                            "[ cmp eq reg 1 0x00005000 ]\n"
                            "[ immediate reg 1 0x170000fd 0x00000000 0x00000000 0x02000000 ]\n"
                            "[ immediate reg 2 0x0000901f ]\n"
                            "[ nat dnat ip6 addr_min reg 1 proto_min reg 2 flags 0x2 ]\n");
}

/* The two families of one rule never pass for each other. */
static void test_families_differ(void **state) {
        struct nc_nft_rule m6 = masquerade6("fd00:17::", 64, "docker0"), m4 = m6;
        struct nc_nft_rule j6 = jump6(), j4 = j6;
        struct nc_nft_rule d6 = dnat6(NC_PROTO_TCP, "::", 8080, "fd00:17::2", 80), d4 = d6;
        (void) state;

        m4.v6 = false;
        j4.v6 = false;
        d4.v6 = false;
        assert_false(nc_nft_rule_equal(&m6, &m4));
        assert_false(nc_nft_rule_equal(&j6, &j4));
        assert_false(nc_nft_rule_equal(&d6, &d4));
        d4 = d6;
        d4.to_addr6.b[15] = 3;
        assert_false(nc_nft_rule_equal(&d6, &d4));
        d4 = d6;
        d4.daddr6.b[15] = 1;
        assert_false(nc_nft_rule_equal(&d6, &d4));
        m4 = m6;
        m4.saddr_len = 65;
        assert_false(nc_nft_rule_equal(&m6, &m4));
}

static void test_near_misses_are_other(void **state) {
        static const uint8_t ipv4 = NFPROTO_IPV4, ipv6 = NFPROTO_IPV6;
        static const uint32_t nat_ipv4 = NFPROTO_IPV4;
        struct nc_nft_rule m = masquerade6("fd00:17::", 64, "docker0"), j = jump6();
        struct nc_nft_rule d = dnat6(NC_PROTO_TCP, "::", 8080, "fd00:17::2", 80);
        struct nc_nft_rule dd = dnat6(NC_PROTO_TCP, "2001:db8::1", 8080, "fd00:17::2", 80);
        struct nc_nft_rule m60 = masquerade6("fd00:17::", 60, "docker0");
        struct nc_ipv6 zero = {}, two = v6("::2"), host = v6("fd00:17::2");
        struct nftnl_rule *nr;
        (void) state;

        /* The IPv6 header's offsets under nfproto ipv4: not an IPv4 rule either. */
        assert_tampered(&m, "cmp", 0, NFTNL_EXPR_CMP_DATA, &ipv4, 1, NC_RULE_OTHER);
        assert_tampered(&j, "cmp", 0, NFTNL_EXPR_CMP_DATA, &ipv4, 1, NC_RULE_OTHER);
        assert_tampered(&dd, "cmp", 0, NFTNL_EXPR_CMP_DATA, &ipv4, 1, NC_RULE_OTHER);
        /* A dnat ip6 for IPv4 packets translates nothing. */
        assert_tampered(&d, "cmp", 0, NFTNL_EXPR_CMP_DATA, &ipv4, 1, NC_RULE_OTHER);
        /* ... and a dnat ip for IPv6 ones neither. */
        nr = build(&d);
        nftnl_expr_set_u32(nth_expr(nr, "nat", 0), NFTNL_EXPR_NAT_FAMILY, nat_ipv4);
        assert_int_equal(kind_of(nr), NC_RULE_OTHER);
        nftnl_rule_free(nr);
        /* ip6 daddr :: is a match on the unspecified address, not "any". */
        assert_tampered(&dd, "cmp", 1, NFTNL_EXPR_CMP_DATA, zero.b, 16, NC_RULE_OTHER);
        /* ip6 daddr != ::2 is not the loopback exception. */
        assert_tampered(&j, "cmp", 1, NFTNL_EXPR_CMP_DATA, two.b, 16, NC_RULE_OTHER);
        /* A host bit outside the prefix (a /60: a full load and a mask). */
        assert_tampered(&m60, "cmp", 1, NFTNL_EXPR_CMP_DATA, host.b, 16, NC_RULE_OTHER);
        /* The unchanged nfproto still decodes (the tamper helper itself). */
        assert_tampered(&m, "cmp", 0, NFTNL_EXPR_CMP_DATA, &ipv6, 1, NC_RULE_MASQUERADE);
}

/* Shapes without an address have no IPv6 form, and the prefix is 1-128. */
static void test_build_refuses(void **state) {
        struct nc_nft_rule r = masquerade6("fd00:17::", 64, "docker0"), x;
        struct nftnl_rule *nr = NULL;
        (void) state;

        x = r;
        x.saddr_len = 129;
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        x.saddr_len = 0;
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        x = jump6();
        x.not_loopback = false;
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        x = (struct nc_nft_rule) { .kind = NC_RULE_RETURN, .chain = "publish", .v6 = true, .iifname = "docker0" };
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        x = (struct nc_nft_rule) { .kind = NC_RULE_DROP, .chain = "forward", .v6 = true, .iifname = "a",
                                   .oifname = "b" };
        assert_int_equal(nc_nft_rule_build(&x, "netconverge", &nr), -EINVAL);
        assert_null(nr);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_shape_round_trips),
                cmocka_unit_test(test_registers_are_nfts),
                cmocka_unit_test(test_families_differ),
                cmocka_unit_test(test_near_misses_are_other),
                cmocka_unit_test(test_build_refuses),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
