/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netconverge/model.h"
#include "netconverge/names.h"
#include "netconverge/netns.h"
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
        assert_int_equal(nc_proto_from_string("icmp"), -22);
        assert_int_equal(nc_proto_from_string("UDP"), -22);
        for (int p = 0; p < _NC_PROTO_MAX; p++)
                assert_int_equal(nc_proto_from_number(nc_proto_number((enum nc_proto) p)), p);
        assert_int_equal(nc_proto_number(NC_PROTO_SCTP), 132);
        assert_int_equal(nc_proto_from_number(1), -22);
        assert_int_equal(nc_proto_number(_NC_PROTO_MAX), 0);
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

/* What a netns value points at (SPEC 7.7), told without blocking and
 * without root: the test's own namespace, and files that are none. */
static void test_netns_identify(void **state) {
        char dir[] = "/tmp/nc-identify.XXXXXX", path[256], link[256];
        struct nc_netns_identity self, x;
        struct stat st;
        FILE *f;

        (void) state;
        assert_non_null(mkdtemp(dir));
        assert_int_equal(nc_netns_identify("", &self), 0);
        assert_int_equal(self.kind, NC_NETNS_KIND_NETNS);
        assert_int_equal(stat("/proc/self/ns/net", &st), 0);
        assert_true(self.dev == st.st_dev && self.ino == st.st_ino);
        /* By path and through a symlink: the same namespace. */
        assert_int_equal(nc_netns_identify("/proc/self/ns/net", &x), 0);
        assert_true(x.kind == NC_NETNS_KIND_NETNS && x.dev == self.dev && x.ino == self.ino);
        snprintf(link, sizeof(link), "%s/link", dir);
        assert_int_equal(symlink("/proc/self/ns/net", link), 0);
        assert_int_equal(nc_netns_identify(link, &x), 0);
        assert_true(x.kind == NC_NETNS_KIND_NETNS && x.dev == self.dev && x.ino == self.ino);
        /* Another kind of namespace is no network namespace. */
        assert_int_equal(nc_netns_identify("/proc/self/ns/mnt", &x), 0);
        assert_int_equal(x.kind, NC_NETNS_KIND_NOT_NETNS);
        /* A directory, a FIFO (never opened: this would block), data. */
        assert_int_equal(nc_netns_identify(dir, &x), 0);
        assert_int_equal(x.kind, NC_NETNS_KIND_NOT_NETNS);
        snprintf(path, sizeof(path), "%s/fifo", dir);
        assert_int_equal(mkfifo(path, 0600), 0);
        assert_int_equal(nc_netns_identify(path, &x), 0);
        assert_int_equal(x.kind, NC_NETNS_KIND_NOT_NETNS);
        unlink(path);
        snprintf(path, sizeof(path), "%s/data", dir);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs("not a namespace\n", f);
        fclose(f);
        assert_int_equal(nc_netns_identify(path, &x), 0);
        assert_int_equal(x.kind, NC_NETNS_KIND_NOT_NETNS);
        /* Empty: half made, left to whoever finishes it. */
        f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
        assert_int_equal(nc_netns_identify(path, &x), 0);
        assert_int_equal(x.kind, NC_NETNS_KIND_EMPTY_FILE);
        unlink(path);
        /* Missing, and a dangling symlink. */
        assert_int_equal(nc_netns_identify(path, &x), 0);
        assert_int_equal(x.kind, NC_NETNS_KIND_MISSING);
        unlink(link);
        assert_int_equal(symlink(path, link), 0);
        assert_int_equal(nc_netns_identify(link, &x), 0);
        assert_int_equal(x.kind, NC_NETNS_KIND_MISSING);
        unlink(link);
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_host_interface_name_is_documented_fnv1a),
                cmocka_unit_test(test_ifname_rules_are_the_kernels),
                cmocka_unit_test(test_netns_names_and_paths),
                cmocka_unit_test(test_container_and_table_names),
                cmocka_unit_test(test_proto_table_round_trips),
                cmocka_unit_test(test_did_you_mean),
                cmocka_unit_test(test_netns_identify),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
