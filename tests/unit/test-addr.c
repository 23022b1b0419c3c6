/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "netconverge/addr.h"

static void test_ipv4_parse_accepts_dotted_quads(void **state) {
        uint32_t a = 0;

        (void) state;
        assert_int_equal(nc_ipv4_parse("172.17.0.2", &a), 0);
        assert_int_equal(a, 0xac110002u);
        assert_int_equal(nc_ipv4_parse("0.0.0.0", &a), 0);
        assert_int_equal(a, 0);
        assert_int_equal(nc_ipv4_parse("255.255.255.255", &a), 0);
        assert_int_equal(a, 0xffffffffu);
}

static void test_ipv4_parse_rejects_what_inet_aton_would_reinterpret(void **state) {
        static const char *const bad[] = {
                "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "010.0.0.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3",
                "0x1.2.3.4", "1.2.3.-4", "+1.2.3.4", "1.2.3.4/32", "::1", "1.2.3.4a", "99999999999.1.1.1",
        };
        uint32_t a = 42;

        (void) state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(nc_ipv4_parse(bad[i], &a), -22);
                assert_int_equal(a, 42);        /* untouched on failure */
        }
}

static void test_cidr_parse(void **state) {
        uint32_t a;
        unsigned p;

        (void) state;
        assert_int_equal(nc_cidr_parse("10.0.0.0/8", &a, &p), 0);
        assert_int_equal(a, 0x0a000000u);
        assert_int_equal(p, 8);
        assert_int_equal(nc_cidr_parse("10.0.0.0/32", &a, &p), 0);
        assert_int_equal(p, 32);
        assert_int_equal(nc_cidr_parse("10.0.0.0/33", &a, &p), -22);
        assert_int_equal(nc_cidr_parse("10.0.0.0/", &a, &p), -22);
        assert_int_equal(nc_cidr_parse("10.0.0.0", &a, &p), -22);
        assert_int_equal(nc_cidr_parse("10.0.0.0/08", &a, &p), -22);
        assert_int_equal(nc_cidr_parse("10.0.0.0/8/8", &a, &p), -22);
}

static void test_mac_parse_and_format(void **state) {
        uint8_t mac[6];
        char buf[NC_MAC_STRLEN];

        (void) state;
        assert_int_equal(nc_mac_parse("02:42:AC:11:00:02", mac), 0);
        assert_string_equal(nc_mac_format(mac, buf), "02:42:ac:11:00:02");
        assert_int_equal(nc_mac_parse("02:42:ac:11:00", mac), -22);
        assert_int_equal(nc_mac_parse("02:42:ac:11:00:02:03", mac), -22);
        assert_int_equal(nc_mac_parse("02-42-ac-11-00-02", mac), -22);
        assert_int_equal(nc_mac_parse("2:42:ac:11:00:02", mac), -22);
        assert_int_equal(nc_mac_parse("g2:42:ac:11:00:02", mac), -22);
}

static void test_formatting(void **state) {
        char ip[NC_IPV4_STRLEN], cidr[NC_CIDR_STRLEN];

        (void) state;
        assert_string_equal(nc_ipv4_format(0xffffffffu, ip), "255.255.255.255");
        assert_string_equal(nc_cidr_format(0xac110000u, 16, cidr), "172.17.0.0/16");
}

static void test_subnet_math(void **state) {
        (void) state;
        assert_int_equal(nc_prefix_mask(0), 0);
        assert_int_equal(nc_prefix_mask(16), 0xffff0000u);
        assert_int_equal(nc_prefix_mask(32), 0xffffffffu);
        assert_int_equal(nc_subnet_broadcast(0xac110000u, 16), 0xac11ffffu);
        assert_true(nc_subnet_contains(0xac110000u, 16, 0xac11abcdu));
        assert_false(nc_subnet_contains(0xac110000u, 16, 0xac120001u));
        assert_true(nc_subnets_overlap(0x0a000000u, 8, 0x0a010000u, 16));
        assert_true(nc_subnets_overlap(0x0a010000u, 16, 0x0a000000u, 8));
        assert_false(nc_subnets_overlap(0x0a000000u, 24, 0x0a000100u, 24));
}

static void test_mac_from_ipv4_is_dockers(void **state) {
        uint8_t mac[6];
        char buf[NC_MAC_STRLEN];

        (void) state;
        nc_mac_from_ipv4(0xac110002u, mac);
        assert_string_equal(nc_mac_format(mac, buf), "02:42:ac:11:00:02");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ipv4_parse_accepts_dotted_quads),
                cmocka_unit_test(test_ipv4_parse_rejects_what_inet_aton_would_reinterpret),
                cmocka_unit_test(test_cidr_parse),
                cmocka_unit_test(test_mac_parse_and_format),
                cmocka_unit_test(test_formatting),
                cmocka_unit_test(test_subnet_math),
                cmocka_unit_test(test_mac_from_ipv4_is_dockers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
