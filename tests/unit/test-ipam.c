/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netconverge/ipam.h"

#define NET 0xac110000u /* 172.17.0.0/16 */
#define GW  0xac110001u
#define A(x) (NET + (x))

static uint32_t addr_of(const struct nc_ipam_request *r, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(r[i].container, name) == 0)
                        return r[i].address;
        fail_msg("no request for %s", name);
        return 0;
}

static void test_new_containers_take_lowest_free_in_name_order(void **state) {
        struct nc_ipam_request r[] = { { .container = "web" }, { .container = "db" }, { .container = "cache" } };

        (void) state;
        assert_int_equal(nc_ipam_allocate(NET, 16, GW, r, 3, NULL), 0);
        assert_int_equal(addr_of(r, 3, "cache"), A(2));
        assert_int_equal(addr_of(r, 3, "db"), A(3));
        assert_int_equal(addr_of(r, 3, "web"), A(4));
}

static void test_explicit_wins_and_is_skipped(void **state) {
        struct nc_ipam_request r[] = {
                { .container = "a" }, { .container = "b", .explicit_addr = A(2) }, { .container = "c" },
        };

        (void) state;
        assert_int_equal(nc_ipam_allocate(NET, 16, GW, r, 3, NULL), 0);
        assert_int_equal(addr_of(r, 3, "b"), A(2));
        assert_int_equal(addr_of(r, 3, "a"), A(3));
        assert_int_equal(addr_of(r, 3, "c"), A(4));
}

static void test_held_address_is_kept(void **state) {
        /* "z" already runs with .2; a newcomer "a" must not take it. */
        struct nc_ipam_request r[] = { { .container = "a" }, { .container = "z", .held_addr = A(2) } };

        (void) state;
        assert_int_equal(nc_ipam_allocate(NET, 16, GW, r, 2, NULL), 0);
        assert_int_equal(addr_of(r, 2, "z"), A(2));
        assert_int_equal(addr_of(r, 2, "a"), A(3));
}

static void test_explicit_beats_held(void **state) {
        struct nc_ipam_request r[] = {
                { .container = "a", .held_addr = A(5) },
                { .container = "b", .explicit_addr = A(5) },
        };

        (void) state;
        assert_int_equal(nc_ipam_allocate(NET, 16, GW, r, 2, NULL), 0);
        assert_int_equal(addr_of(r, 2, "b"), A(5));
        assert_int_equal(addr_of(r, 2, "a"), A(2));
}

static void test_two_holders_first_by_name_keeps(void **state) {
        struct nc_ipam_request r[] = {
                { .container = "y", .held_addr = A(7) },
                { .container = "x", .held_addr = A(7) },
        };

        (void) state;
        assert_int_equal(nc_ipam_allocate(NET, 16, GW, r, 2, NULL), 0);
        assert_int_equal(addr_of(r, 2, "x"), A(7));
        assert_int_equal(addr_of(r, 2, "y"), A(2));
}

static void test_unusable_held_addresses_are_replaced(void **state) {
        struct nc_ipam_request r[] = {
                { .container = "gw", .held_addr = GW },
                { .container = "net", .held_addr = NET },
                { .container = "bcast", .held_addr = NET | 0xffff },
                { .container = "outside", .held_addr = 0x0a000002u },
        };

        (void) state;
        assert_int_equal(nc_ipam_allocate(NET, 16, GW, r, 4, NULL), 0);
        assert_int_equal(addr_of(r, 4, "bcast"), A(2));
        assert_int_equal(addr_of(r, 4, "gw"), A(3));
        assert_int_equal(addr_of(r, 4, "net"), A(4));
        assert_int_equal(addr_of(r, 4, "outside"), A(5));
}

static void test_gateway_not_first_is_skipped(void **state) {
        /* 10.0.0.0/30 with the gateway at .2: the hosts are .1 and .2. */
        struct nc_ipam_request r[] = { { .container = "a" } };

        (void) state;
        assert_int_equal(nc_ipam_allocate(0x0a000000u, 30, 0x0a000002u, r, 1, NULL), 0);
        assert_int_equal(r[0].address, 0x0a000001u);
}

static void test_order_of_requests_never_matters(void **state) {
        const char *names[] = { "e", "b", "d", "a", "c" };
        uint32_t first[5] = {};

        (void) state;
        for (size_t rot = 0; rot < 5; rot++) {
                struct nc_ipam_request r[5];

                for (size_t i = 0; i < 5; i++) {
                        const char *n = names[(i + rot) % 5];

                        r[i] = (struct nc_ipam_request) { .container = n };
                        if (strcmp(n, "d") == 0)
                                r[i].held_addr = A(3);
                }
                assert_int_equal(nc_ipam_allocate(NET, 16, GW, r, 5, NULL), 0);
                for (size_t i = 0; i < 5; i++) {
                        uint32_t a = addr_of(r, 5, names[i]);

                        if (rot == 0)
                                first[i] = a;
                        assert_int_equal(a, first[i]);
                }
        }
        assert_int_equal(first[3], A(2));       /* a */
        assert_int_equal(first[1], A(4));       /* b: .3 is held by d */
        assert_int_equal(first[2], A(3));       /* d keeps its own */
}

static void test_exhaustion_names_the_first_left_out(void **state) {
        /* /30: two hosts, one of them the gateway. */
        struct nc_ipam_request r[] = { { .container = "b" }, { .container = "a" } };
        size_t failed = 99;

        (void) state;
        assert_int_equal(nc_ipam_allocate(0x0a000000u, 30, 0x0a000001u, r, 2, &failed), -28 /* ENOSPC */);
        assert_int_equal(failed, 0);    /* "a" got .2, "b" is left out */
}

static void test_empty_request_list(void **state) {
        (void) state;
        assert_int_equal(nc_ipam_allocate(NET, 16, GW, NULL, 0, NULL), 0);
}

/* A range (SPEC 7.5): new addresses from its host addresses only; held
 * and explicit ones may be anywhere in the subnet; a full range is
 * -ENOSPC even with the subnet's other addresses free. */
static void test_range_bounds_new_addresses_only(void **state) {
        const uint32_t range = A(0x0100); /* 172.17.1.0/30: hosts .1 and .2 */
        struct nc_ipam_request r[] = { { .container = "held", .held_addr = A(50) },
                                       { .container = "fixed", .explicit_addr = A(7) },
                                       { .container = "new" } };
        struct nc_ipam_request full[] = { { .container = "a" }, { .container = "b" } };
        size_t failed = 99;

        (void) state;
        assert_int_equal(nc_ipam_allocate_range(NET, 16, range, 30, range + 1, r, 3, NULL), 0);
        assert_int_equal(addr_of(r, 3, "held"), A(50));
        assert_int_equal(addr_of(r, 3, "fixed"), A(7));
        assert_int_equal(addr_of(r, 3, "new"), range + 2);
        /* The gateway takes .1, a takes .2; .3 is the range's broadcast. */
        assert_int_equal(nc_ipam_allocate_range(NET, 16, range, 30, range + 1, full, 2, &failed), -28 /* ENOSPC */);
        assert_int_equal(failed, 1);
        /* The whole subnet as the range is nc_ipam_allocate(). */
        assert_int_equal(nc_ipam_allocate_range(NET, 16, NET, 16, GW, full, 2, NULL), 0);
        assert_int_equal(addr_of(full, 2, "a"), A(2));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_new_containers_take_lowest_free_in_name_order),
                cmocka_unit_test(test_explicit_wins_and_is_skipped),
                cmocka_unit_test(test_held_address_is_kept),
                cmocka_unit_test(test_explicit_beats_held),
                cmocka_unit_test(test_two_holders_first_by_name_keeps),
                cmocka_unit_test(test_unusable_held_addresses_are_replaced),
                cmocka_unit_test(test_gateway_not_first_is_skipped),
                cmocka_unit_test(test_order_of_requests_never_matters),
                cmocka_unit_test(test_exhaustion_names_the_first_left_out),
                cmocka_unit_test(test_empty_request_list),
                cmocka_unit_test(test_range_bounds_new_addresses_only),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
