/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netconverge/model.h"
#include "netconverge/names.h"
#include "util/misspell.h"

static void test_host_interface_name_is_documented_fnv1a(void **state) {
        char name[NC_IFNAMSIZ];

        (void) state;
        /* FNV-1a 32 over "web\0docker0\0", computed independently. Changing
         * it renames every veth on every host: this value is a contract. */
        assert_int_equal(nc_name_hash("web", "docker0"), 0xbb8e173bu);
        nc_default_host_interface("web", "docker0", name);
        assert_string_equal(name, "vethbb8e173b");
        /* The separator matters: ("ab","c") and ("a","bc") differ. */
        assert_int_not_equal(nc_name_hash("ab", "c"), nc_name_hash("a", "bc"));
}

static void test_ifname_rules_are_the_kernels(void **state) {
        (void) state;
        assert_null(nc_ifname_invalid("eth0"));
        assert_null(nc_ifname_invalid("abcdefghijklmno"));     /* 15 bytes */
        assert_string_equal(nc_ifname_invalid("abcdefghijklmnop"), "is longer than 15 bytes");
        assert_string_equal(nc_ifname_invalid(""), "is empty");
        assert_string_equal(nc_ifname_invalid("a/b"), "may not contain '/'");
        assert_string_equal(nc_ifname_invalid("a:b"), "may not contain ':'");
        assert_string_equal(nc_ifname_invalid("a b"), "may not contain whitespace");
        assert_string_equal(nc_ifname_invalid("a\tb"), "may not contain whitespace");
        assert_non_null(nc_ifname_invalid("."));
        assert_non_null(nc_ifname_invalid(".."));
}

static void test_netns_names_and_paths(void **state) {
        (void) state;
        assert_null(nc_netns_invalid("web"));
        assert_null(nc_netns_invalid("/proc/4242/ns/net"));
        assert_non_null(nc_netns_invalid("a/b"));
        assert_non_null(nc_netns_invalid(""));
        assert_non_null(nc_netns_invalid(".."));
        assert_true(nc_netns_is_path("/run/netns/x"));
        assert_false(nc_netns_is_path("x"));
}

static void test_container_and_table_names(void **state) {
        (void) state;
        assert_null(nc_container_name_invalid("web-1.prod_a"));
        assert_non_null(nc_container_name_invalid("-web"));
        assert_non_null(nc_container_name_invalid("we b"));
        assert_non_null(nc_container_name_invalid(""));
        assert_null(nc_table_name_invalid("netconverge"));
        assert_null(nc_table_name_invalid("_nc-2.x"));
        assert_non_null(nc_table_name_invalid("2nc"));
        assert_non_null(nc_table_name_invalid("n c"));
}

static void test_proto_table_round_trips(void **state) {
        (void) state;
        for (int p = 0; p < _NC_PROTO_MAX; p++)
                assert_int_equal(nc_proto_from_string(nc_proto_to_string((enum nc_proto) p)), p);
        assert_int_equal(nc_proto_from_string("sctp"), -22);
        assert_null(nc_proto_to_string(_NC_PROTO_MAX));
}

static void test_did_you_mean(void **state) {
        static const char *const keys[] = { "subnet", "gateway", "mtu", "masquerade", "isolated", "adopt" };

        (void) state;
        assert_string_equal(nc_did_you_mean("subent", keys, 6), "subnet");    /* transposition */
        assert_string_equal(nc_did_you_mean("Subnet", keys, 6), "subnet");    /* case */
        assert_string_equal(nc_did_you_mean("gatway", keys, 6), "gateway");
        assert_string_equal(nc_did_you_mean("masquarade", keys, 6), "masquerade");
        assert_string_equal(nc_did_you_mean("mtus", keys, 6), "mtu");
        assert_null(nc_did_you_mean("foo", keys, 6));
        assert_null(nc_did_you_mean("completely-different", keys, 6));
        assert_int_equal(nc_edit_distance("", "abc"), 3);
        assert_int_equal(nc_edit_distance("abc", "abc"), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_host_interface_name_is_documented_fnv1a),
                cmocka_unit_test(test_ifname_rules_are_the_kernels),
                cmocka_unit_test(test_netns_names_and_paths),
                cmocka_unit_test(test_container_and_table_names),
                cmocka_unit_test(test_proto_table_round_trips),
                cmocka_unit_test(test_did_you_mean),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
