/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
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
#include <libnftnl/set.h>

#include "netconverge/addr.h"
#include "netconverge/state.h"
#include "nft/nft.h"
#include "nftutil.h"

/* The published ports' maps (SPEC 7.2, issue 14 item 4): an element
 * built and decoded (also through the wire) gives the port back, laid out
 * as nft lays out `8080 : 172.17.0.3 . 80`; the lookup rule is nft's own,
 * register for register; the maps' types read and write as nft's words;
 * and what is not ours (another map's name, a lookup of the wrong map,
 * the unspecified address in the by-address map) is not read as ours. */

static struct nc_nft_rule port4(enum nc_proto proto, uint32_t daddr, uint16_t dport, uint32_t to, uint16_t to_port) {
        struct nc_nft_rule e = { .kind = NC_RULE_DNAT, .key = "publish tcp 0.0.0.0:8080", .proto = proto, .daddr = daddr,
                                 .dport = dport, .to_addr = to, .to_port = to_port };

        e.chain = (char *) nc_nft_port_map_of(&e);
        return e;
}

static struct nc_nft_rule port6(enum nc_proto proto, const char *daddr, uint16_t dport, const char *to,
                                uint16_t to_port) {
        struct nc_nft_rule e = { .kind = NC_RULE_DNAT, .key = "publish tcp [::]:8080", .v6 = true, .proto = proto,
                                 .daddr6 = v6(daddr), .dport = dport, .to_addr6 = v6(to), .to_port = to_port };

        e.chain = (char *) nc_nft_port_map_of(&e);
        return e;
}

/* Built, put in a set's NEWSETELEM message, parsed back, decoded. */
static void assert_element_round_trip(const struct nc_nft_rule *want) {
        static char buf[8192] __attribute__((aligned(8)));
        struct nftnl_set *set = nftnl_set_alloc(), *back = nftnl_set_alloc();
        struct nftnl_set_elems_iter *it;
        struct nftnl_set_elem *x = NULL;
        struct nlmsghdr *nlh;
        struct nc_nft_rule got;

        assert_non_null(set);
        assert_non_null(back);
        assert_int_equal(nc_nft_element_build(want, false, &x), 0);
        assert_int_equal(nc_nft_element_decode(x, want->chain, &got), 1);
        assert_true(nc_nft_rule_equal(want, &got));
        assert_string_equal(got.key, want->key);
        assert_string_equal(got.chain, want->chain);
        nftnl_set_set_str(set, NFTNL_SET_TABLE, "netconverge");
        nftnl_set_set_str(set, NFTNL_SET_NAME, want->chain);
        nftnl_set_elem_add(set, x);
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWSETELEM, NFPROTO_INET, 0, 1);
        nftnl_set_elems_nlmsg_build_payload(nlh, set);
        assert_int_equal(nftnl_set_elems_nlmsg_parse(nlh, back), 0);
        it = nftnl_set_elems_iter_create(back);
        assert_non_null(it);
        x = nftnl_set_elems_iter_next(it);
        assert_non_null(x);
        assert_int_equal(nc_nft_element_decode(x, want->chain, &got), 1);
        assert_true(nc_nft_rule_equal(want, &got));
        assert_string_equal(got.key, want->key);
        nftnl_set_elems_iter_destroy(it);
        nftnl_set_free(back);
        nftnl_set_free(set);
}

static void test_elements_round_trip(void **state) {
        (void) state;
        struct nc_nft_rule ports[] = {
                port4(NC_PROTO_TCP, 0, 8080, 0xac110003, 80),
                port4(NC_PROTO_UDP, 0, 5353, 0xac110002, 53),
                port4(NC_PROTO_SCTP, 0x7f000001, 2905, 0x0a7d0102, 2905),
                port4(NC_PROTO_TCP, 0x0a000001, 65535, 0xffffffff, 1),
                port6(NC_PROTO_TCP, "::", 8080, "fd00:17::2", 80),
                port6(NC_PROTO_UDP, "::1", 53, "fd00:17:0:0:ffff:ffff:ffff:fffe", 65535),
        };

        assert_string_equal(ports[0].chain, "ports4_tcp");
        assert_string_equal(ports[2].chain, "ports4_sctp_addr");
        assert_string_equal(ports[5].chain, "ports6_udp_addr");
        for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
                assert_element_round_trip(&ports[i]);
}

/* nft's bytes for `add element inet t ports4_tcp { 8080 : 172.17.0.3 . 80 }`
 * and `... ports4_tcp_addr { 10.0.0.1 . 8080 : 172.17.0.3 . 80 }` (nft
 * --debug=netlink: key 0000901f, data 030011ac 00005000, as words of
 * the host's order). */
static void test_element_bytes_are_nfts(void **state) {
        static const uint8_t key[] = { 0x1f, 0x90 }, key_addr[] = { 10, 0, 0, 1, 0x1f, 0x90, 0, 0 };
        static const uint8_t data[] = { 172, 17, 0, 3, 0, 80, 0, 0 };
        struct nc_nft_rule any = port4(NC_PROTO_TCP, 0, 8080, 0xac110003, 80);
        struct nc_nft_rule one = port4(NC_PROTO_TCP, 0x0a000001, 8080, 0xac110003, 80);
        struct nftnl_set_elem *x = NULL;
        const void *v;
        uint32_t len;
        (void) state;

        assert_int_equal(nc_nft_element_build(&any, false, &x), 0);
        v = nftnl_set_elem_get(x, NFTNL_SET_ELEM_KEY, &len);
        assert_int_equal(len, sizeof(key));
        assert_memory_equal(v, key, sizeof(key));
        v = nftnl_set_elem_get(x, NFTNL_SET_ELEM_DATA, &len);
        assert_int_equal(len, sizeof(data));
        assert_memory_equal(v, data, sizeof(data));
        nftnl_set_elem_free(x);
        assert_int_equal(nc_nft_element_build(&one, true, &x), 0);
        v = nftnl_set_elem_get(x, NFTNL_SET_ELEM_KEY, &len);
        assert_int_equal(len, sizeof(key_addr));
        assert_memory_equal(v, key_addr, sizeof(key_addr));
        /* A delete names the key alone. */
        assert_false(nftnl_set_elem_is_set(x, NFTNL_SET_ELEM_DATA));
        assert_false(nftnl_set_elem_is_set(x, NFTNL_SET_ELEM_USERDATA));
        nftnl_set_elem_free(x);
}

static void test_elements_not_ours(void **state) {
        struct nc_nft_rule e = port4(NC_PROTO_TCP, 0, 8080, 0xac110003, 80), got;
        struct nftnl_set_elem *x = NULL;
        static const uint8_t zero_key[8] = { 0, 0, 0, 0, 0x1f, 0x90 };
        (void) state;

        /* Not a port map, or the map of another protocol or family. */
        e.chain = "to_publish";
        assert_int_equal(nc_nft_element_build(&e, false, &x), -EINVAL);
        e.chain = "ports4_udp";
        assert_int_equal(nc_nft_element_build(&e, false, &x), -EINVAL);
        e.chain = "ports6_tcp";
        assert_int_equal(nc_nft_element_build(&e, false, &x), -EINVAL);
        assert_null(x);
        /* A key of the other map's length is not read; 0.0.0.0 in the
         * by-address map is the other map's. */
        e.chain = "ports4_tcp";
        assert_int_equal(nc_nft_element_build(&e, false, &x), 0);
        assert_int_equal(nc_nft_element_decode(x, "ports4_tcp_addr", &got), 0);
        assert_int_equal(nc_nft_element_decode(x, "someone_elses", &got), -EINVAL);
        nftnl_set_elem_set(x, NFTNL_SET_ELEM_KEY, zero_key, sizeof(zero_key));
        assert_int_equal(nc_nft_element_decode(x, "ports4_tcp_addr", &got), 0);
        nftnl_set_elem_free(x);
}

static struct nc_nft_rule lookup(bool is_v6, enum nc_proto proto, bool by_addr) {
        struct nc_nft_rule r = { .kind = NC_RULE_DNAT_MAP, .chain = "publish", .key = "ports tcp", .v6 = is_v6,
                                 .proto = proto, .by_addr = by_addr };
        const char *name, *type;

        nc_nft_port_map(is_v6, proto, by_addr, &name, &type);
        strcpy(r.target, name);
        return r;
}

/* nft 1.0.6 --debug=netlink for `meta nfproto ipv4 meta l4proto tcp dnat
 * ip to ip daddr . tcp dport map @ports4_tcp_addr` and the IPv6 one; the
 * nat's flags (proto specified) are what build.c's DNAT rules always
 * gave, and the kernel lists nft's rule with them too. */
static void test_lookup_rules_are_nfts(void **state) {
        struct nc_nft_rule a4 = lookup(false, NC_PROTO_TCP, true), a6 = lookup(true, NC_PROTO_TCP, true);
        struct nc_nft_rule any4 = lookup(false, NC_PROTO_TCP, false);
        struct nftnl_rule *nr = NULL;
        (void) state;

        assert_int_equal(nc_nft_rule_build(&a4, "t", &nr), 0);
        assert_string_equal(expr_text(nr), "[ meta load nfproto => reg 1 ]\n"
                                             "[ cmp eq reg 1 0x00000002 ]\n"
                                             "[ meta load l4proto => reg 1 ]\n"
                                             "[ cmp eq reg 1 0x00000006 ]\n"
                                             "[ payload load 4b @ network header + 16 => reg 1 ]\n"
                                             "[ payload load 2b @ transport header + 2 => reg 9 ]\n"
                                             "[ lookup reg 1 set ports4_tcp_addr dreg 1 ]\n"
                                             "[ nat dnat ip addr_min reg 1 proto_min reg 9 flags 0x2 ]\n");
        nftnl_rule_free(nr);
        assert_int_equal(nc_nft_rule_build(&a6, "t", &nr), 0);
        assert_string_equal(expr_text(nr), "[ meta load nfproto => reg 1 ]\n"
                                             "[ cmp eq reg 1 0x0000000a ]\n"
                                             "[ meta load l4proto => reg 1 ]\n"
                                             "[ cmp eq reg 1 0x00000006 ]\n"
                                             "[ payload load 16b @ network header + 24 => reg 1 ]\n"
                                             "[ payload load 2b @ transport header + 2 => reg 2 ]\n"
                                             "[ lookup reg 1 set ports6_tcp_addr dreg 1 ]\n"
                                             "[ nat dnat ip6 addr_min reg 1 proto_min reg 2 flags 0x2 ]\n");
        nftnl_rule_free(nr);
        assert_int_equal(nc_nft_rule_build(&any4, "t", &nr), 0);
        assert_string_equal(expr_text(nr), "[ meta load nfproto => reg 1 ]\n"
                                             "[ cmp eq reg 1 0x00000002 ]\n"
                                             "[ meta load l4proto => reg 1 ]\n"
                                             "[ cmp eq reg 1 0x00000006 ]\n"
                                             "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
                                             "[ lookup reg 1 set ports4_tcp dreg 1 ]\n"
                                             "[ nat dnat ip addr_min reg 1 proto_min reg 9 flags 0x2 ]\n");
        nftnl_rule_free(nr);
}

static void test_lookup_rules_round_trip(void **state) {
        (void) state;

        for (unsigned is_v6 = 0; is_v6 < 2; is_v6++)
                for (unsigned a = 0; a < 2; a++)
                        for (unsigned p = 0; p < _NC_PROTO_MAX; p++) {
                                struct nc_nft_rule want = lookup(is_v6, (enum nc_proto) p, a), got;
                                struct nftnl_rule *nr = NULL, *back;

                                assert_int_equal(nc_nft_rule_build(&want, "t", &nr), 0);
                                back = through_wire(nr);
                                assert_int_equal(nc_nft_rule_decode(back, &got), 0);
                                assert_int_equal(got.kind, NC_RULE_DNAT_MAP);
                                assert_true(nc_nft_rule_equal(&want, &got));
                                assert_int_equal(got.v6, want.v6);
                                assert_string_equal(got.key, "ports tcp");
                                nftnl_rule_free(back);
                                nftnl_rule_free(nr);
                        }
}

/* A lookup of a map that is not the port map of its family, protocol
 * and keying is not ours. */
static void test_lookup_near_misses_are_other(void **state) {
        static const char *const wrong[] = { "ports4_udp", "ports6_tcp", "ports4_tcp_addr", "blocked" };
        (void) state;

        for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
                struct nc_nft_rule r = lookup(false, NC_PROTO_TCP, false), got;
                struct nftnl_rule *nr = NULL;

                strcpy(r.target, wrong[i]);
                assert_int_equal(nc_nft_rule_build(&r, "t", &nr), 0);
                assert_int_equal(nc_nft_rule_decode(nr, &got), 0);
                assert_int_equal(got.kind, NC_RULE_OTHER);
                nftnl_rule_free(nr);
        }
}

static void test_types(void **state) {
        char buf[128];
        uint32_t type, len;
        const char *name, *t;
        (void) state;

        assert_int_equal(nc_nft_type_parse("inet_service", &type, &len), 0);
        assert_int_equal(type, 13);
        assert_int_equal(len, 2);
        assert_int_equal(nc_nft_type_parse("ipv4_addr . inet_service", &type, &len), 0);
        assert_int_equal(type, (7 << 6) | 13);
        assert_int_equal(len, 8);
        assert_int_equal(nc_nft_type_format(type, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "ipv4_addr . inet_service");
        assert_int_equal(nc_nft_type_parse("ipv6_addr . inet_service", &type, &len), 0);
        assert_int_equal(len, 20);
        assert_int_equal(nc_nft_type_parse("ether_addr", &type, &len), -EINVAL);
        assert_int_equal(nc_nft_type_parse("ipv4_addr . ", &type, &len), -EINVAL);
        assert_int_equal(nc_nft_type_format(6, buf, sizeof(buf)), -EINVAL);
        nc_nft_port_map(true, NC_PROTO_UDP, true, &name, &t);
        assert_string_equal(name, "ports6_udp_addr");
        assert_string_equal(t, "ipv6_addr . inet_service : ipv6_addr . inet_service");
}

/* The map apply makes has nft's types and lengths, and reads back as one
 * of ours; the same name with a timeout flag or another type does not. */
static void test_map_build(void **state) {
        struct nc_nft_object o = { .kind = NC_NFT_MAP, .name = "ports4_tcp_addr" };
        struct nftnl_set *x = NULL;
        char buf[160];
        const char *name;
        (void) state;

        nc_nft_port_map(false, NC_PROTO_TCP, true, &name, (const char **) &o.type);
        assert_int_equal(nc_nft_map_build(&o, "t", &x), 0);
        assert_int_equal(nftnl_set_get_u32(x, NFTNL_SET_KEY_TYPE), (7 << 6) | 13);
        assert_int_equal(nftnl_set_get_u32(x, NFTNL_SET_KEY_LEN), 8);
        assert_int_equal(nftnl_set_get_u32(x, NFTNL_SET_DATA_LEN), 8);
        assert_int_equal(nftnl_set_get_u32(x, NFTNL_SET_FLAGS), NFT_SET_MAP);
        assert_non_null(nc_nft_map_type(x, buf, sizeof(buf)));
        assert_string_equal(buf, o.type);
        nftnl_set_set_u32(x, NFTNL_SET_KEY_LEN, 2);
        assert_null(nc_nft_map_type(x, buf, sizeof(buf)));
        nftnl_set_free(x);
        o.type = "inet_service";
        assert_int_equal(nc_nft_map_build(&o, "t", &x), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_elements_round_trip),
                cmocka_unit_test(test_element_bytes_are_nfts),
                cmocka_unit_test(test_elements_not_ours),
                cmocka_unit_test(test_lookup_rules_are_nfts),
                cmocka_unit_test(test_lookup_rules_round_trip),
                cmocka_unit_test(test_lookup_near_misses_are_other),
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_map_build),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
