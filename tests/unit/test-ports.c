/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config/stages.h"

static struct nc_port parse_ok(const char *s) {
        struct nc_port p = {};
        char err[160] = "";

        if (nc_port_parse_short(s, &p, err, sizeof(err)) < 0)
                fail_msg("'%s' failed: %s", s, err);
        return p;
}

static void expect_error(const char *s, const char *message) {
        struct nc_port p = {};
        char err[160] = "";

        assert_int_equal(nc_port_parse_short(s, &p, err, sizeof(err)), -22);
        assert_string_equal(err, message);
}

static void test_short_syntax_forms(void **state) {
        struct nc_port p;

        (void) state;
        p = parse_ok("8080:80");
        assert_int_equal(p.host_ip, 0);
        assert_int_equal(p.host_port, 8080);
        assert_int_equal(p.host_port_end, 8080);
        assert_int_equal(p.target, 80);
        assert_int_equal(p.target_end, 80);
        assert_int_equal(p.proto, NC_PROTO_TCP);

        p = parse_ok("127.0.0.1:5353:53/udp");
        assert_int_equal(p.host_ip, 0x7f000001u);
        assert_int_equal(p.proto, NC_PROTO_UDP);
        assert_int_equal(p.host_port, 5353);
        assert_int_equal(p.target, 53);

        p = parse_ok("8000-8010:9000-9010/tcp");
        assert_int_equal(p.host_port, 8000);
        assert_int_equal(p.host_port_end, 8010);
        assert_int_equal(p.target, 9000);
        assert_int_equal(p.target_end, 9010);

        p = parse_ok("1:65535");
        assert_int_equal(p.host_port, 1);
        assert_int_equal(p.target, 65535);
}

static void test_short_syntax_errors(void **state) {
        (void) state;
        expect_error("80", "no host port: netconverge publishes only fixed host ports; write HOST:CONTAINER, e.g. \"80:80\"");
        expect_error("0:80", "port 0 is out of range 1-65535");
        expect_error("8080:70000", "port 70000 is out of range 1-65535");
        expect_error("90-80:90-80", "port range 90-80 ends before it starts");
        expect_error("8000-8010:80", "host ports 8000-8010 (11) and container port 80 differ in length");
        expect_error("80:8000-8001", "host port 80 and container ports 8000-8001 (2) differ in length");
        expect_error("127.0.0.1::80", "no host port: netconverge publishes only fixed host ports; write IP:HOST:CONTAINER, e.g. \"127.0.0.1:80:80\"");
        expect_error("80:80/sctp", "protocol 'sctp' is not supported; use tcp or udp");
        /* IPv6 (SPEC 7.1) only in brackets; the rest is test-config6.c's. */
        expect_error("::1:80:80", "an IPv6 host address goes in brackets, as in \"[::1]:8080:80\"");
        expect_error("1.2.3:80:80", "'1.2.3' is not an IPv4 host address");
        expect_error("a:80", "'a' is not a port number");
        expect_error("", "the port mapping is empty");
        expect_error("80:", "a port number is missing");
        expect_error("99999999999999999999999:80", "port 99999999999999999999 is out of range 1-65535");
}

static void test_long_syntax_pieces(void **state) {
        uint16_t a, b;
        char err[160];
        struct nc_port p = { .host_port = 1, .host_port_end = 3, .target = 5, .target_end = 6 };

        (void) state;
        assert_int_equal(nc_port_parse_range("5353", &a, &b, err, sizeof(err)), 0);
        assert_int_equal(a, 5353);
        assert_int_equal(b, 5353);
        assert_int_equal(nc_port_parse_range("10-20", &a, &b, err, sizeof(err)), 0);
        assert_int_equal(b, 20);
        assert_int_equal(nc_port_check_lengths(&p, err, sizeof(err)), -22);
        assert_string_equal(err, "host ports 1-3 (3) and container ports 5-6 (2) differ in length");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_short_syntax_forms),
                cmocka_unit_test(test_short_syntax_errors),
                cmocka_unit_test(test_long_syntax_pieces),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
