/* SPDX-License-Identifier: MIT */
/* The IPv6 side of the loader (SPEC 7.1): what a file's subnet6,
 * gateway6, address6 and IPv6 ports become in the model and the port
 * families. The messages are the corpus's (tests/bad). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/stages.h"
#include "netconverge/netconverge.h"
#include "loadutil.h"


static const char *ip6(const struct nc_ipv6 *a, char buf[static NC_IPV6_STRLEN]) {
        return nc_ipv6_format(a, buf);
}

static const char dual[] = "version: 1\n"
                           "bridges:\n"
                           "  d: { subnet: 10.0.0.0/24, subnet6: 'fd00:17::/64' }\n"
                           "  six: { subnet6: 'fd00:6::/120', gateway6: 'fd00:6::fe' }\n"
                           "  four: { subnet: 10.1.0.0/24 }\n"
                           "containers:\n"
                           "  web:\n"
                           "    networks: [d, six]\n"
                           "    ports: ['8080:80', '[::1]:8081:80', '0.0.0.0:8082:80',\n"
                           "            { published: 53, target: 53, protocol: udp, host_ip: '2001:db8::1' }]\n"
                           "  api:\n"
                           "    networks: { six: { address6: 'fd00:6::2' }, four: {} }\n";

static void test_model_fields(void **state) {
        struct loaded l = load_str(dual);
        const struct nc_bridge *d, *six, *four;
        const struct nc_container *web, *api;
        char buf[NC_IPV6_STRLEN], mac[NC_MAC_STRLEN];

        (void) state;
        assert_int_equal(l.r, 0);
        d = nc_model_find_bridge(l.m, "d");
        six = nc_model_find_bridge(l.m, "six");
        four = nc_model_find_bridge(l.m, "four");
        assert_int_equal(d->prefixlen, 24);
        assert_int_equal(d->prefixlen6, 64);
        assert_string_equal(ip6(&d->gateway6, buf), "fd00:17::1");     /* the default */
        assert_int_equal(d->gateway6_at.line, 0);
        assert_int_equal(six->prefixlen, 0);                            /* IPv6 only */
        assert_int_equal(six->prefixlen6, 120);
        assert_string_equal(ip6(&six->gateway6, buf), "fd00:6::fe");
        assert_int_equal(four->prefixlen6, 0);

        web = nc_model_find_container(l.m, "web");
        api = nc_model_find_container(l.m, "api");
        /* Dual stack: both addresses, the MAC from IPv4. */
        assert_int_equal(web->networks[0].address, 0x0a000002u);
        assert_string_equal(ip6(&web->networks[0].address6, buf), "fd00:17::2");
        assert_false(web->networks[0].address6_explicit);
        assert_string_equal(nc_mac_format(web->networks[0].mac, mac), "02:42:0a:00:00:02");
        /* IPv6 only: api's explicit ::2 first, web then takes ::1 (the gateway is ::fe). */
        assert_true(api->networks[0].address6_explicit);
        assert_string_equal(ip6(&api->networks[0].address6, buf), "fd00:6::2");
        assert_string_equal(ip6(&web->networks[1].address6, buf), "fd00:6::1");
        assert_string_equal(nc_mac_format(web->networks[1].mac, mac), "02:42:00:00:00:01");
        assert_int_equal(web->networks[1].address, 0);
        /* An IPv4-only bridge has no address6. */
        assert_true(nc_ipv6_is_zero(&api->networks[1].address6));

        /* Ports: unset, IPv6, explicit 0.0.0.0, long-form IPv6. */
        assert_int_equal(web->ports[0].host_family, NC_HOST_ANY);
        assert_int_equal(web->ports[0].host_ip, 0);
        assert_int_equal(web->ports[1].host_family, NC_HOST_IPV6);
        assert_string_equal(ip6(&web->ports[1].host_ip6, buf), "::1");
        assert_int_equal(web->ports[1].host_ip, 0);
        assert_int_equal(web->ports[2].host_family, NC_HOST_IPV4);
        assert_int_equal(web->ports[2].host_ip, 0);
        assert_int_equal(web->ports[3].host_family, NC_HOST_IPV6);
        assert_string_equal(ip6(&web->ports[3].host_ip6, buf), "2001:db8::1");
        assert_int_equal(web->ports[3].proto, NC_PROTO_UDP);
        unload(&l);
}

/* The IPv4 reading of an IPv4-only file is what it was: no IPv6 field
 * set, host_ip's as before, and the refusal says nothing. */
static void test_ipv4_file_has_no_ipv6(void **state) {
        struct loaded l = load_str("version: 1\n"
                               "bridges: { b: { subnet: 172.17.0.0/16 } }\n"
                               "containers:\n"
                               "  c: { networks: [b], ports: ['8080:80', '127.0.0.1:81:81'] }\n");

        (void) state;
        assert_int_equal(l.r, 0);
        assert_int_equal(l.m->bridges[0].prefixlen6, 0);
        assert_true(nc_ipv6_is_zero(&l.m->bridges[0].gateway6));
        assert_true(nc_ipv6_is_zero(&l.m->containers[0].networks[0].address6));
        assert_int_equal(l.m->containers[0].ports[0].host_ip, 0);
        assert_int_equal(l.m->containers[0].ports[1].host_ip, 0x7f000001u);
        assert_int_equal(l.d.n, 0);
        unload(&l);
}

static void expect_errors(const char *file, const char *want) {
        struct loaded l = load_str(file);
        char *text = diags_text(&l.d);

        assert_int_equal(l.r, -EINVAL);
        assert_string_equal(text, want);
        free(text);
        unload(&l);
}

/* Families in the duplicate-port check, and which host_ip a network can take. */
static void test_port_families(void **state) {
        static const char head[] = "version: 1\n"
                                   "bridges:\n"
                                   "  d: { subnet: 10.0.0.0/24, subnet6: 'fd00:17::/64' }\n"
                                   "  four: { subnet: 10.1.0.0/24 }\n"
                                   "  six: { subnet6: 'fd00:6::/64' }\n"
                                   "containers:\n";
        char file[1024];

        (void) state;
        /* 0.0.0.0 and [::] do not meet; unset meets both on a dual-stack network. */
        snprintf(file, sizeof(file), "%s  a: { networks: [d], ports: ['0.0.0.0:80:80', '[::]:80:80', '80:80'] }\n",
                 head);
        expect_errors(file, "t.yaml:7:62: containers.a.ports[2]: tcp port 80 on 0.0.0.0 is already published by "
                            "containers.a.ports[0] (line 7)\n"
                            "t.yaml:7:62: containers.a.ports[2]: tcp port 80 on [::] is already published by "
                            "containers.a.ports[1] (line 7)\n");
        /* Unset on an IPv4-only network does not reach IPv6, nor the other way. */
        snprintf(file, sizeof(file),
                 "%s  a: { networks: [four], ports: ['80:80'] }\n"
                 "  b: { networks: [six], ports: ['80:80'] }\n"
                 "  c: { networks: [d], ports: ['[fd00::1]:81:81', '[fd00::2]:81:81', '[fd00:0::1]:81:81'] }\n",
                 head);
        expect_errors(file, "t.yaml:9:69: containers.c.ports[2]: tcp port 81 on [fd00::1] is already published by "
                            "containers.c.ports[0] (line 9)\n");
        /* A host_ip of a family the network does not have. */
        snprintf(file, sizeof(file),
                 "%s  a: { networks: [four], ports: ['[::1]:80:80'] }\n"
                 "  b: { networks: [six], ports: [{ published: 80, target: 80, host_ip: 127.0.0.1 }] }\n",
                 head);
        expect_errors(file, "t.yaml:7:34: containers.a.ports[0]: host_ip ::1 is IPv6, but bridge 'four' has no "
                            "subnet6: container 'a' has no IPv6 address to publish it to\n"
                            "t.yaml:8:33: containers.b.ports[0]: host_ip 127.0.0.1 is IPv4, but bridge 'six' has no "
                            "IPv4 subnet: container 'b' has no IPv4 address to publish it to\n");
}

/* The short syntax with brackets (ports.c), piece by piece. */
static void test_short_syntax_ipv6(void **state) {
        struct nc_port p = {};
        char err[160] = "", buf[NC_IPV6_STRLEN];

        (void) state;
        assert_int_equal(nc_port_parse_short("[2001:DB8::1]:53-54:63-64/udp", &p, err, sizeof(err)), 0);
        assert_int_equal(p.host_family, NC_HOST_IPV6);
        assert_string_equal(ip6(&p.host_ip6, buf), "2001:db8::1");
        assert_int_equal(p.host_port, 53);
        assert_int_equal(p.host_port_end, 54);
        assert_int_equal(p.target, 63);
        assert_int_equal(p.target_end, 64);
        assert_int_equal(p.proto, NC_PROTO_UDP);
        assert_int_equal(nc_port_parse_short("[::]:80:80", &p, err, sizeof(err)), 0);
        assert_int_equal(p.host_family, NC_HOST_IPV6);
        assert_true(nc_ipv6_is_zero(&p.host_ip6));
        /* A port struct reused for an IPv4 mapping forgets the IPv6 one. */
        assert_int_equal(nc_port_parse_short("80:80", &p, err, sizeof(err)), 0);
        assert_int_equal(p.host_family, NC_HOST_ANY);
        assert_true(nc_ipv6_is_zero(&p.host_ip6));

        static const struct {
                const char *in, *err;
        } bad[] = {
                { "[::1]:80:80:80", "an IPv6 host address goes in brackets, as in \"[::1]:8080:80\"" },
                { "[::1]", "expected ':' after the IPv6 host address, as in \"[::1]:8080:80\"" },
                { "[::1]:", "the container port is missing" },
                { "[]:80:80", "'' is not an IPv6 host address" },
                { "[[::1]]:80:80", "'[::1' is not an IPv6 host address" },
                { "[ff02::1]:80:80", "ff02::1 is a multicast address, not a host address" },
                { "[1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17]:80:80",
                  "'1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17' is not an IPv6 host address" },
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                if (nc_port_parse_short(bad[i].in, &p, err, sizeof(err)) != -EINVAL)
                        fail_msg("'%s' was accepted", bad[i].in);
                if (strcmp(err, bad[i].err) != 0)
                        fail_msg("'%s': %s", bad[i].in, err);
        }
}

/* The file's order never changes an address6 (SPEC 2, 7.1). */
static void test_file_order_never_matters(void **state) {
        struct loaded x, y;
        char b1[NC_IPV6_STRLEN], b2[NC_IPV6_STRLEN];

        (void) state;
        x = load_str("version: 1\n"
                 "bridges: { b: { subnet6: 'fd00::/64', gateway6: 'fd00::ff' } }\n"
                 "containers:\n"
                 "  z: { networks: [b] }\n"
                 "  m: { networks: { b: { address6: 'fd00::2' } } }\n"
                 "  a: { networks: [b] }\n");
        y = load_str("version: 1\n"
                 "bridges: { b: { gateway6: 'fd00::ff', subnet6: 'fd00::/64' } }\n"
                 "containers:\n"
                 "  a: { networks: [b] }\n"
                 "  m: { networks: { b: { address6: 'fd00::2' } } }\n"
                 "  z: { networks: [b] }\n");
        assert_int_equal(x.r, 0);
        assert_int_equal(y.r, 0);
        for (size_t i = 0; i < 3; i++) {
                assert_string_equal(x.m->containers[i].name, y.m->containers[i].name);
                assert_string_equal(ip6(&x.m->containers[i].networks[0].address6, b1),
                                    ip6(&y.m->containers[i].networks[0].address6, b2));
        }
        assert_string_equal(ip6(&nc_model_find_container(x.m, "a")->networks[0].address6, b1), "fd00::1");
        assert_string_equal(ip6(&nc_model_find_container(x.m, "z")->networks[0].address6, b1), "fd00::3");
        unload(&x);
        unload(&y);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_model_fields),
                cmocka_unit_test(test_ipv4_file_has_no_ipv6),
                cmocka_unit_test(test_port_families),
                cmocka_unit_test(test_short_syntax_ipv6),
                cmocka_unit_test(test_file_order_never_matters),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
