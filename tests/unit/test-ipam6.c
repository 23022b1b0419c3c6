/* SPDX-License-Identifier: MIT */
/* IPv6 IPAM (src/model/ipam.c, nc_ipam6_allocate()): the IPv4 rules, and
 * never linear in the prefix size. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netconverge/ipam.h"

static struct nc_ipv6 ip6(const char *s) {
        struct nc_ipv6 a;

        if (nc_ipv6_parse(s, &a) < 0)
                fail_msg("'%s' does not parse", s);
        return a;
}

static const char *addr_of(const struct nc_ipam6_request *r, size_t n, const char *name, char buf[static NC_IPV6_STRLEN]) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(r[i].container, name) == 0)
                        return nc_ipv6_format(&r[i].address, buf);
        fail_msg("no request for %s", name);
        return "";
}

#define EXPLICIT(s) .has_explicit = true, .explicit_addr = ip6(s)
#define HELD(s) .has_held = true, .held_addr = ip6(s)

static void test_lowest_free_in_name_order(void **state) {
        struct nc_ipv6 net = ip6("fd00:17::"), gw = ip6("fd00:17::1");
        struct nc_ipam6_request r[] = { { .container = "web" }, { .container = "db" }, { .container = "cache" } };
        char buf[NC_IPV6_STRLEN];

        (void) state;
        assert_int_equal(nc_ipam6_allocate(&net, 64, &gw, r, 3, NULL), 0);
        assert_string_equal(addr_of(r, 3, "cache", buf), "fd00:17::2");
        assert_string_equal(addr_of(r, 3, "db", buf), "fd00:17::3");
        assert_string_equal(addr_of(r, 3, "web", buf), "fd00:17::4");
}

static void test_explicit_wins_held_kept(void **state) {
        struct nc_ipv6 net = ip6("fd00:17::"), gw = ip6("fd00:17::1");
        struct nc_ipam6_request r[] = {
                { .container = "a" },
                { .container = "b", EXPLICIT("fd00:17::2") },
                { .container = "c", HELD("fd00:17::3") },
                /* Held what b names explicitly: b wins, d moves. */
                { .container = "d", HELD("fd00:17::2") },
                /* Held the gateway or outside the subnet: not kept. */
                { .container = "e", HELD("fd00:17::1") },
                { .container = "f", HELD("fd00:18::9") },
                /* Two hold one address: the first by name keeps it. */
                { .container = "h", HELD("fd00:17::ffff:0:0:9") },
                { .container = "g", HELD("fd00:17::ffff:0:0:9") },
                /* Explicit may be anything (validation judges it), and counts as taken. */
                { .container = "i", EXPLICIT("fd00:17::5") },
        };
        size_t n = sizeof(r) / sizeof(r[0]);
        char buf[NC_IPV6_STRLEN];

        (void) state;
        assert_int_equal(nc_ipam6_allocate(&net, 64, &gw, r, n, NULL), 0);
        assert_string_equal(addr_of(r, n, "b", buf), "fd00:17::2");
        assert_string_equal(addr_of(r, n, "c", buf), "fd00:17::3");
        assert_string_equal(addr_of(r, n, "g", buf), "fd00:17::ffff:0:0:9");
        assert_string_equal(addr_of(r, n, "i", buf), "fd00:17::5");
        /* The rest in name order: a, d, e, f, h over ::4, ::6, ::7, ... */
        assert_string_equal(addr_of(r, n, "a", buf), "fd00:17::4");
        assert_string_equal(addr_of(r, n, "d", buf), "fd00:17::6");
        assert_string_equal(addr_of(r, n, "e", buf), "fd00:17::7");
        assert_string_equal(addr_of(r, n, "f", buf), "fd00:17::8");
        assert_string_equal(addr_of(r, n, "h", buf), "fd00:17::9");
}

/* Every order of the requests gives the same addresses. */
static void test_file_order_never_matters(void **state) {
        struct nc_ipv6 net = ip6("fd00:17::"), gw = ip6("fd00:17::1");
        struct nc_ipam6_request base[] = {
                { .container = "e" }, { .container = "b", HELD("fd00:17::7") }, { .container = "a" },
                { .container = "d", EXPLICIT("fd00:17::3") }, { .container = "c", HELD("fd00:17::7") },
        };
        size_t n = sizeof(base) / sizeof(base[0]);
        char want[5][NC_IPV6_STRLEN], buf[NC_IPV6_STRLEN];
        unsigned seed = 1;

        (void) state;
        assert_int_equal(nc_ipam6_allocate(&net, 64, &gw, base, n, NULL), 0);
        for (size_t i = 0; i < n; i++)
                nc_ipv6_format(&base[i].address, want[base[i].container[0] - 'a']);
        assert_string_equal(want[0], "fd00:17::2");
        assert_string_equal(want[1], "fd00:17::7");
        assert_string_equal(want[2], "fd00:17::4");
        assert_string_equal(want[3], "fd00:17::3");
        assert_string_equal(want[4], "fd00:17::5");
        for (int round = 0; round < 50; round++) {
                struct nc_ipam6_request r[5];

                memcpy(r, base, sizeof(r));
                for (size_t i = n - 1; i > 0; i--) {
                        struct nc_ipam6_request t;
                        size_t j;

                        seed = seed * 1103515245u + 12345u;
                        j = (seed >> 16) % (i + 1);
                        t = r[i];
                        r[i] = r[j];
                        r[j] = t;
                }
                assert_int_equal(nc_ipam6_allocate(&net, 64, &gw, r, n, NULL), 0);
                for (size_t i = 0; i < n; i++)
                        assert_string_equal(nc_ipv6_format(&r[i].address, buf), want[r[i].container[0] - 'a']);
        }
}

/* A /120 holds 256 addresses: the network and the gateway leave 254, the
 * last one (::ff, no broadcast in IPv6) included. The 255th has none. */
static void test_slash_120_fills_up(void **state) {
        struct nc_ipv6 net = ip6("fd00:17::100"), gw = ip6("fd00:17::101");
        struct nc_ipam6_request r[255];
        char names[255][8], buf[NC_IPV6_STRLEN];
        size_t failed = 9999;

        (void) state;
        for (size_t i = 0; i < 255; i++) {
                snprintf(names[i], sizeof(names[i]), "c%03zu", i);
                r[i] = (struct nc_ipam6_request) { .container = names[i] };
        }
        assert_int_equal(nc_ipam6_allocate(&net, 120, &gw, r, 254, NULL), 0);
        assert_string_equal(addr_of(r, 254, "c000", buf), "fd00:17::102");
        assert_string_equal(addr_of(r, 254, "c253", buf), "fd00:17::1ff");
        assert_int_equal(nc_ipam6_allocate(&net, 120, &gw, r, 255, &failed), -ENOSPC);
        assert_int_equal(failed, 254);  /* the last by name */
}

/* The gateway at the end of the prefix and a /64: the walk crosses group
 * boundaries and never counts the prefix. */
static void test_slash_64_is_not_walked(void **state) {
        struct nc_ipv6 net = ip6("fd00:17::"), gw = ip6("fd00:17::ffff:ffff:ffff:ffff");
        enum { N = 20000 };
        struct nc_ipam6_request *r = calloc(N, sizeof(*r));
        char (*names)[8] = calloc(N, sizeof(*names));
        char buf[NC_IPV6_STRLEN];

        (void) state;
        assert_non_null(r);
        assert_non_null(names);
        for (size_t i = 0; i < N; i++) {
                snprintf(names[i], sizeof(names[i]), "c%05zu", i);
                r[i] = (struct nc_ipam6_request) { .container = names[i] };
        }
        /* Explicit addresses far apart and one next to the start. */
        r[0] = (struct nc_ipam6_request) { .container = names[0], EXPLICIT("fd00:17::8000:0:0:0") };
        r[1] = (struct nc_ipam6_request) { .container = names[1], EXPLICIT("fd00:17::2") };
        r[2] = (struct nc_ipam6_request) { .container = names[2], HELD("fd00:17::100") };
        assert_int_equal(nc_ipam6_allocate(&net, 64, &gw, r, N, NULL), 0);
        assert_string_equal(addr_of(r, N, "c00000", buf), "fd00:17:0:0:8000::");
        assert_string_equal(addr_of(r, N, "c00001", buf), "fd00:17::2");
        assert_string_equal(addr_of(r, N, "c00002", buf), "fd00:17::100");
        /* The gateway is the last address, so ::1 is free. */
        assert_string_equal(addr_of(r, N, "c00003", buf), "fd00:17::1");
        assert_string_equal(addr_of(r, N, "c00004", buf), "fd00:17::3");
        /* c00004 .. c19999 (19,996) take ::3 up, skipping ::100 (held by
         * c00002): ::3 .. ::4e1f (19,997) less that one. */
        assert_string_equal(addr_of(r, N, "c00256", buf), "fd00:17::ff");
        assert_string_equal(addr_of(r, N, "c00257", buf), "fd00:17::101");
        assert_string_equal(addr_of(r, N, "c19999", buf), "fd00:17::4e1f");
        free(r);
        free(names);
}

/* Right at the top of the address space, the cursor stops instead of
 * wrapping around to ::. */
static void test_top_of_address_space(void **state) {
        struct nc_ipv6 net = ip6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00"),
                       gw = ip6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff01");
        struct nc_ipam6_request r[256];
        char names[256][8], buf[NC_IPV6_STRLEN];
        size_t failed = 9999;

        (void) state;
        for (size_t i = 0; i < 256; i++) {
                snprintf(names[i], sizeof(names[i]), "c%03zu", i);
                r[i] = (struct nc_ipam6_request) { .container = names[i] };
        }
        assert_int_equal(nc_ipam6_allocate(&net, 120, &gw, r, 254, NULL), 0);
        assert_string_equal(addr_of(r, 254, "c253", buf), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assert_int_equal(nc_ipam6_allocate(&net, 120, &gw, r, 255, &failed), -ENOSPC);
        assert_int_equal(failed, 254);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lowest_free_in_name_order),
                cmocka_unit_test(test_explicit_wins_held_kept),
                cmocka_unit_test(test_file_order_never_matters),
                cmocka_unit_test(test_slash_120_fills_up),
                cmocka_unit_test(test_slash_64_is_not_walked),
                cmocka_unit_test(test_top_of_address_space),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
