/* SPDX-License-Identifier: MIT */
/* IPv6 text forms (src/model/addr6.c): strict parsing, RFC 5952 output,
 * prefixes. The parser is checked against libc's inet_pton() on random
 * text, the printer against inet_ntop() on random addresses. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netconverge/addr.h"

static struct nc_ipv6 ip6(const char *s) {
        struct nc_ipv6 a;

        if (nc_ipv6_parse(s, &a) < 0)
                fail_msg("'%s' does not parse", s);
        return a;
}

static void test_parse_accepts_rfc4291_forms(void **state) {
        static const struct {
                const char *in, *canonical;
        } ok[] = {
                { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
                { "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },     /* leading zeros inside 4 digits */
                { "2001:DB8::AbCd", "2001:db8::abcd" },
                { "::", "::" },
                { "::1", "::1" },
                { "1::", "1::" },
                { "fd00:17::", "fd00:17::" },
                { "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },         /* "::" is one group: not compressed out */
                { "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8" },
                { "1:0:0:2:0:0:0:3", "1:0:0:2::3" },               /* the longest run */
                { "1:0:0:2:0:0:3:4", "1::2:0:0:3:4" },             /* of equal runs, the first */
                { "1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7" },          /* one zero group stays */
                { "::ffff:192.0.2.1", "::ffff:192.0.2.1" },        /* IPv4-mapped keeps the dotted tail */
                { "::ffff:c000:201", "::ffff:192.0.2.1" },
                { "64:ff9b::192.0.2.33", "64:ff9b::c000:221" },
                { "::192.0.2.1", "::c000:201" },                   /* IPv4-compatible (deprecated): hex */
                { "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304" },
                { "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
        };
        char buf[NC_IPV6_STRLEN];

        (void) state;
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                struct nc_ipv6 a = ip6(ok[i].in), b;

                assert_string_equal(nc_ipv6_format(&a, buf), ok[i].canonical);
                /* The canonical form reads back as the same address. */
                assert_int_equal(nc_ipv6_parse(buf, &b), 0);
                assert_true(nc_ipv6_equal(&a, &b));
        }
}

static void test_parse_rejects_hostile_text(void **state) {
        static const char *const bad[] = {
                "", ":", ":::", "1::2::3", "::1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::",
                "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::8", ":1::", "1::2:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:",
                "12345::", "::00001", "fe80::1%eth0", "fe80::1%1", "[::1]", "::1 ", " ::1", "::1\n", "::g",
                "2001:db8::/64", "::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:01.2.3.4", "::ffff:256.1.1.1",
                "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4", "1.2.3.4::", "0x1::", "+1::", "-1::", "1:-2::",
                "::ffff:1.2.3.4/", "1 ::", "1:: 2", "::\t1", "abcd:ef01:2345:6789:abcd:ef01:2345:6789:0",
                "0000:0000:0000:0000:0000:0000:0000:0000:", /* 46 bytes and more are refused before parsing */
                "00000000000000000000000000000000000000000000000000000000::",
        };
        struct nc_ipv6 a = ip6("2001:db8::42"), keep = a;

        (void) state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                if (nc_ipv6_parse(bad[i], &a) != -22)
                        fail_msg("'%s' was accepted", bad[i]);
                assert_true(nc_ipv6_equal(&a, &keep));  /* untouched on failure */
        }
        /* A NUL inside the counted text ends nothing: it is a bad byte. */
        assert_int_equal(nc_ipv6_parse_n("::1\0:2", 6, &a), -22);
        assert_int_equal(nc_ipv6_parse_n("::1:80", 3, &a), 0);
        assert_true(nc_ipv6_equal(&a, &(struct nc_ipv6) { .b[15] = 1 }));
}

static void test_cidr6(void **state) {
        char buf[NC_CIDR6_STRLEN];
        struct nc_ipv6 a;
        unsigned p;

        (void) state;
        assert_int_equal(nc_cidr6_parse("fd00:17::/64", &a, &p), 0);
        assert_int_equal(p, 64);
        assert_string_equal(nc_cidr6_format(&a, p, buf), "fd00:17::/64");
        assert_int_equal(nc_cidr6_parse("::/0", &a, &p), 0);
        assert_int_equal(p, 0);
        assert_int_equal(nc_cidr6_parse("::1/128", &a, &p), 0);
        assert_string_equal(nc_cidr6_format(&a, p, buf), "::1/128");
        assert_int_equal(nc_cidr6_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", &a, &p), 0);
        assert_string_equal(nc_cidr6_format(&a, p, buf), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
        static const char *const bad[] = {
                "fd00::", "fd00::/", "fd00::/129", "fd00::/064", "fd00::/6 4", "fd00::/64/64", "fd00::/-1",
                "fd00::/+64", "fd00::%eth0/64", "[fd00::]/64", "/64", "fd00::/64 ", "10.0.0.0/8", "fd00::/1000",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (nc_cidr6_parse(bad[i], &a, &p) != -22)
                        fail_msg("'%s' was accepted", bad[i]);
}

static void test_prefix_arithmetic(void **state) {
        struct nc_ipv6 net = ip6("fd00:17::"), a, last;
        char buf[NC_IPV6_STRLEN];

        (void) state;
        a = ip6("fd00:17::ffff:1:2:3");
        assert_true(nc_subnet6_contains(&net, 64, &a));
        assert_false(nc_subnet6_contains(&net, 112, &a));
        a = nc_ipv6_network(&a, 96);
        assert_string_equal(nc_ipv6_format(&a, buf), "fd00:17::ffff:1:0:0");
        a = ip6("fd00:17::ffff:ffff:2:3");
        a = nc_ipv6_network(&a, 84);
        assert_string_equal(nc_ipv6_format(&a, buf), "fd00:17::ffff:f000:0:0");
        a = ip6("fd00:17::ffff:ffff:2:3");
        a = nc_ipv6_network(&a, 85);             /* a prefix inside a byte */
        assert_string_equal(nc_ipv6_format(&a, buf), "fd00:17::ffff:f800:0:0");
        last = nc_ipv6_last(&net, 64);
        assert_string_equal(nc_ipv6_format(&last, buf), "fd00:17::ffff:ffff:ffff:ffff");
        last = nc_ipv6_last(&net, 120);
        assert_string_equal(nc_ipv6_format(&last, buf), "fd00:17::ff");
        a = nc_ipv6_network(&last, 0);
        assert_true(nc_ipv6_is_zero(&a));
        a = nc_ipv6_last(&net, 128);
        assert_true(nc_ipv6_equal(&a, &net));

        /* Carry across bytes and groups; the very last address has no next. */
        a = ip6("fd00:17::ffff:ffff");
        assert_true(nc_ipv6_next(&a));
        assert_string_equal(nc_ipv6_format(&a, buf), "fd00:17::1:0:0");
        a = ip6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assert_false(nc_ipv6_next(&a));
        assert_string_equal(nc_ipv6_format(&a, buf), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

        /* Prefixes nest or are apart. */
        a = ip6("fd00:17:0:1::");
        assert_true(nc_subnets6_overlap(&net, 48, &a, 64));
        assert_true(nc_subnets6_overlap(&a, 64, &net, 48));
        assert_false(nc_subnets6_overlap(&net, 64, &a, 64));
        a = ip6("fd00:18::");
        assert_false(nc_subnets6_overlap(&net, 48, &a, 48));
        assert_true(nc_subnets6_overlap(&net, 8, &a, 48));

        a = ip6("fd00:17::");
        last = ip6("fd00:17::1");
        assert_int_equal(nc_ipv6_compare(&a, &last), -1);
        assert_int_equal(nc_ipv6_compare(&last, &a), 1);
        assert_int_equal(nc_ipv6_compare(&a, &a), 0);
}

static void test_mac_from_ipv6(void **state) {
        struct nc_ipv6 a = ip6("fd00:17::ac11:2");
        char buf[NC_MAC_STRLEN];
        uint8_t mac[6];

        (void) state;
        nc_mac_from_ipv6(&a, mac);
        assert_string_equal(nc_mac_format(mac, buf), "02:42:ac:11:00:02");
}

/* What libc reads, we read the same or refuse; what we read, libc reads
 * the same. The text is random over the characters that matter. */
static void test_parse_against_inet_pton(void **state) {
        static const char alphabet[] = "0123456789abcdefABCDEF::::::...";
        unsigned seed = 12345;
        size_t accepted = 0, stricter = 0;

        (void) state;
        for (int round = 0; round < 300000; round++) {
                char s[48];
                size_t len;
                struct nc_ipv6 mine;
                struct in6_addr libc;
                int r, l;

                seed = seed * 1103515245u + 12345u;
                len = 1 + (seed >> 16) % 30;
                for (size_t i = 0; i < len; i++) {
                        seed = seed * 1103515245u + 12345u;
                        s[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
                }
                s[len] = '\0';
                r = nc_ipv6_parse(s, &mine);
                l = inet_pton(AF_INET6, s, &libc);
                if (r == 0) {
                        if (l != 1 || memcmp(mine.b, &libc, 16) != 0)
                                fail_msg("'%s': we read it, libc %s", s, l == 1 ? "differs" : "does not");
                        accepted++;
                } else if (l == 1) {
                        stricter++;
                        fail_msg("'%s': libc reads it, we do not", s);
                }
        }
        /* The text must hit the accepting paths too, or this proves nothing. */
        assert_true(accepted > 1000);
        assert_int_equal(stricter, 0);
}

/* inet_ntop() is RFC 5952 but for the ::a.b.c.d of IPv4-compatible
 * addresses, which RFC 4291 deprecated and we print in hex. */
static void test_format_against_inet_ntop(void **state) {
        unsigned seed = 777;

        (void) state;
        for (int round = 0; round < 200000; round++) {
                struct nc_ipv6 a;
                char mine[NC_IPV6_STRLEN], libc[INET6_ADDRSTRLEN];
                bool compat = true;

                for (int i = 0; i < 8; i++) {
                        unsigned w;

                        seed = seed * 1103515245u + 12345u;
                        /* Mostly zero groups, so runs of every length occur. */
                        w = (seed >> 16) % 4 ? 0 : (seed >> 8) & 0xffff;
                        if (round % 97 == 0 && i == 5)
                                w = 0xffff;
                        a.b[2 * i] = (uint8_t) (w >> 8);
                        a.b[2 * i + 1] = (uint8_t) w;
                }
                for (int i = 0; i < 12; i++)
                        compat = compat && a.b[i] == 0;
                if (compat && (a.b[12] | a.b[13]))
                        continue;
                nc_ipv6_format(&a, mine);
                assert_non_null(inet_ntop(AF_INET6, a.b, libc, sizeof(libc)));
                if (strcmp(mine, libc) != 0)
                        fail_msg("we print %s, libc %s", mine, libc);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_accepts_rfc4291_forms),
                cmocka_unit_test(test_parse_rejects_hostile_text),
                cmocka_unit_test(test_cidr6),
                cmocka_unit_test(test_prefix_arithmetic),
                cmocka_unit_test(test_mac_from_ipv6),
                cmocka_unit_test(test_parse_against_inet_pton),
                cmocka_unit_test(test_format_against_inet_ntop),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
