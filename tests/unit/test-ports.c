/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config/stages.h"
#include "netconverge/addr.h"

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
        expect_error("80:80/icmp", "protocol 'icmp' is not supported; use tcp, udp or sctp");
        /* IPv6 (SPEC 7.1) only in brackets; the rest is test-config6.c's. */
        expect_error("::1:80:80", "an IPv6 host address goes in brackets, as in \"[::1]:8080:80\"");
        expect_error("1.2.3:80:80", "'1.2.3' is not an IPv4 host address");
        expect_error("a:80", "'a' is not a port number");
        expect_error("", "the port mapping is empty");
        expect_error("80:", "the container port is missing");
        expect_error(":80", "no host port: netconverge publishes only fixed host ports; write HOST:CONTAINER, e.g. \"80:80\"");
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

/* Docker's own test vectors: go-connections nat/nat_test.go and
 * parse_test.go (ParsePortSpec, ParsePortRange, ParsePort, SplitProtoPort,
 * the Stringer test) and compose-go types/types_test.go
 * (TestParsePortConfig), each spec as a whole mapping. Docker's reading is
 * in the comment where it differs from ours; docs/file-format.md says why
 * (no ephemeral host ports, no unequal ranges, IPv6 only in brackets, no
 * port 0). A rejection's hint must itself be valid: check_hint() parses it. */
struct vector {
        const char *spec;
        const char *err;                /* NULL: accepted, read as below */
        const char *host;               /* "" every address, else host_ip as formatted */
        uint16_t host_port, host_port_end, target, target_end;
        enum nc_proto proto;
};

#define OK(s, h, hp, hpe, t, te, pr) { s, NULL, h, hp, hpe, t, te, NC_PROTO_##pr }
#define NO(s, e) { s, e, NULL, 0, 0, 0, 0, NC_PROTO_TCP }
#define NOHOST(ex) "no host port: netconverge publishes only fixed host ports; write HOST:CONTAINER, e.g. \"" ex "\""
#define NOHOSTIP(ex) "no host port: netconverge publishes only fixed host ports; write IP:HOST:CONTAINER, e.g. \"" ex "\""
#define BRACKETS "an IPv6 host address goes in brackets, as in \"[::1]:8080:80\""

static const struct vector docker_vectors[] = {
        /* nat_test.go TestParsePortSpecs: Docker picks ephemeral host ports. */
        NO("1234/tcp", NOHOST("1234:1234/tcp")),
        NO("2345/udp", NOHOST("2345:2345/udp")),
        NO("3456/sctp", NOHOST("3456:3456/sctp")),
        OK("1234:1234/tcp", "", 1234, 1234, 1234, 1234, TCP),
        OK("2345:2345/udp", "", 2345, 2345, 2345, 2345, UDP),
        OK("3456:3456/sctp", "", 3456, 3456, 3456, 3456, SCTP),
        OK("0.0.0.0:1234:1234/tcp", "0.0.0.0", 1234, 1234, 1234, 1234, TCP),
        OK("0.0.0.0:2345:2345/udp", "0.0.0.0", 2345, 2345, 2345, 2345, UDP),
        OK("0.0.0.0:3456:3456/sctp", "0.0.0.0", 3456, 3456, 3456, 3456, SCTP),
        NO("localhost:1234:1234/tcp", "'localhost' is not an IPv4 host address"),
        /* TestParsePortSpecsWithRange */
        NO("1234-1236/tcp", NOHOST("1234-1236:1234-1236/tcp")),
        NO("2345-2347/udp", NOHOST("2345-2347:2345-2347/udp")),
        NO("3456-3458/sctp", NOHOST("3456-3458:3456-3458/sctp")),
        OK("1234-1236:1234-1236/tcp", "", 1234, 1236, 1234, 1236, TCP),
        OK("2345-2347:2345-2347/udp", "", 2345, 2347, 2345, 2347, UDP),
        OK("3456-3458:3456-3458/sctp", "", 3456, 3458, 3456, 3458, SCTP),
        OK("0.0.0.0:1234-1236:1234-1236/tcp", "0.0.0.0", 1234, 1236, 1234, 1236, TCP),
        OK("0.0.0.0:2345-2347:2345-2347/udp", "0.0.0.0", 2345, 2347, 2345, 2347, UDP),
        OK("0.0.0.0:3456-3458:3456-3458/sctp", "0.0.0.0", 3456, 3458, 3456, 3458, SCTP),
        NO("localhost:1234-1236:1234-1236/tcp", "'localhost' is not an IPv4 host address"),
        /* TestParsePortSpecFull */
        OK("0.0.0.0:1234-1235:3333-3334/tcp", "0.0.0.0", 1234, 1235, 3333, 3334, TCP),
        /* TestPartPortSpecIPV6: Docker also reads the unbracketed forms. */
        NO("[2001:4860:0:2001::68]::333", NOHOSTIP("[2001:4860:0:2001::68]:333:333")),
        OK("[::1]:80:80", "::1", 80, 80, 80, 80, TCP),
        NO("2001:4860:0:2001::68::333", BRACKETS),
        NO("::1:80:80", BRACKETS),
        NO("::::80", BRACKETS),
        /* TestParseNetworkOpts* */
        NO("192.168.1.100::80", NOHOSTIP("192.168.1.100:80:80")),
        OK("192.168.1.100:8080:80", "192.168.1.100", 8080, 8080, 80, 80, TCP),
        NO("192.168.1.100",
           "'192.168.1.100' is a host address without ports; write IP:HOST:CONTAINER, e.g. \"192.168.1.100:8080:80\""),
        NO("192.168.1.100:-1:-1", "the container port range '-1' is missing a port number"),
        NO("192.168.1.100::6000/udp", NOHOSTIP("192.168.1.100:6000:6000/udp")),
        NO("192.168.1.100::6000/sctp", NOHOSTIP("192.168.1.100:6000:6000/sctp")),
        /* TestStringer */
        OK(":8080:6000/tcp", "", 8080, 8080, 6000, 6000, TCP),
        OK("192.168.1.100:8080:6000", "192.168.1.100", 8080, 8080, 6000, 6000, TCP),
        NO("::6000", NOHOST("6000:6000")),
        OK("192.168.1.100:8080:6000/udp", "192.168.1.100", 8080, 8080, 6000, 6000, UDP),
        OK("[::1]:8080:6000/udp", "::1", 8080, 8080, 6000, 6000, UDP),
        NO("[::1]::6000/udp", NOHOSTIP("[::1]:6000:6000/udp")),
        NO("::1:8080:6000/udp", BRACKETS),
        NO("::::6000/udp", BRACKETS),
        /* TestSplitProtoPort, TestPort, TestParsePort, TestParsePortRange,
         * TestParsePortNumber, as the container (and host) port. */
        NO("/udp", "the container port is missing"),
        OK("1234:1234/", "", 1234, 1234, 1234, 1234, TCP),
        OK("1234:1234/UDP", "", 1234, 1234, 1234, 1234, UDP),
        OK("80-8080:80-8080/", "", 80, 8080, 80, 8080, TCP),
        OK("80-8080:80-8080/udp", "", 80, 8080, 80, 8080, UDP),
        NO("any port value/any proto value", "protocol 'any proto value' is not supported; use tcp, udp or sctp"),
        NO("80:asdf", "'asdf' is not a port number"),
        NO("80:1asdf", "'1asdf' is not a port number"),
        NO("80:asd1234", "'asd1234' is not a port number"),
        NO("1234-1230:1234-1230", "port range 1234-1230 ends before it starts"),
        OK("1234-1242:1234-1242", "", 1234, 1242, 1234, 1242, TCP),
        NO("0:80", "port 0 is out of range 1-65535"),      /* Docker: an ephemeral host port */
        NO("80:0", "port 0 is out of range 1-65535"),
        NO("0-0:0-0", "port 0 is out of range 1-65535"),
        OK("80:0123", "", 80, 80, 123, 123, TCP),
        OK("65535:65535", "", 65535, 65535, 65535, 65535, TCP),
        NO("80:65536", "port 65536 is out of range 1-65535"),
        NO("80:70000", "port 70000 is out of range 1-65535"),
        NO("80:-1", "the container port range '-1' is missing a port number"),
        OK("1234-1234:1234-1234", "", 1234, 1234, 1234, 1234, TCP),
        OK("8000-9000:8000-9000", "", 8000, 9000, 8000, 9000, TCP),
        NO("9000-8000:9000-8000", "port range 9000-8000 ends before it starts"),
        NO("8000-:80", "the host port range '8000-' is missing a port number"),
        NO("-9000:80", "the host port range '-9000' is missing a port number"),
        NO("8000-a:80", "'a' is not a port number"),
        NO("8000-9000a:80", "'9000a' is not a port number"),
        NO("a-9000:80", "'a' is not a port number"),
        NO("8000a-9000:80", "'8000a' is not a port number"),
        NO("-8000-:80", "the host port range '-8000-' is missing a port number"),
        NO("-:80", "the host port range '-' is missing a port number"),
        NO("   :80", "'   ' is not a port number"),
        NO("  42  :80", "'  42  ' is not a port number"),
        NO("1234abc:80", "'1234abc' is not a port number"),
        /* compose-go TestParsePortConfig */
        NO("80", NOHOST("80:80")),
        OK("80:8080", "", 80, 80, 8080, 8080, TCP),
        NO("80-90:8080", "host ports 80-90 (11) and container port 8080 differ in length"), /* Docker: one of them */
        OK("8080:80/tcp", "", 8080, 8080, 80, 80, TCP),
        OK("80:8080/udp", "", 80, 80, 8080, 8080, UDP),
        OK("80-81:8080-8081/tcp", "", 80, 81, 8080, 8081, TCP),
        OK("80-82:8080-8082/udp", "", 80, 82, 8080, 8082, UDP),
        NO("80-82:8080/udp", "host ports 80-82 (3) and container port 8080 differ in length"),
        OK("80-80:8080/tcp", "", 80, 80, 8080, 8080, TCP),
        NO("9999999", "port 9999999 is out of range 1-65535"),
        NO("80/xyz", "protocol 'xyz' is not supported; use tcp, udp or sctp"),
        NO("tcp", "'tcp' is not a port number"),
        NO("udp", "'udp' is not a port number"),
        NO("", "the port mapping is empty"),
        OK("1.1.1.1:80:80", "1.1.1.1", 80, 80, 80, 80, TCP),
        /* Neighbours of those that Docker accepts and netconverge refuses. */
        NO("[1.1.1.1]:80:80", "'1.1.1.1' is an IPv4 address; brackets are for IPv6, write \"1.1.1.1:HOST:CONTAINER\""),
        NO("192.168.1.100:80", NOHOSTIP("192.168.1.100:80:80")),
        NO("[::1]:80", NOHOSTIP("[::1]:80:80")),
        OK("80:80/Tcp", "", 80, 80, 80, 80, TCP),
        OK("[::]:3868:3868/SCTP", "::", 3868, 3868, 3868, 3868, SCTP),
};

static void format_host(const struct nc_port *p, char buf[static NC_IPV6_STRLEN]) {
        if (p->host_family == NC_HOST_IPV4)
                nc_ipv4_format(p->host_ip, buf);
        else if (p->host_family == NC_HOST_IPV6)
                nc_ipv6_format(&p->host_ip6, buf);
        else
                buf[0] = '\0';
}

/* The example in a hint ("... e.g. \"X\""), when there is one, parses. */
static void check_hint(const char *spec, const char *err) {
        const char *q = strstr(err, "e.g. \""), *end;
        char example[96], again[160];
        struct nc_port p = {};

        if (!q)
                return;
        q += strlen("e.g. \"");
        end = strchr(q, '"');
        assert_non_null(end);
        assert_true((size_t) (end - q) < sizeof(example));
        memcpy(example, q, (size_t) (end - q));
        example[end - q] = '\0';
        if (nc_port_parse_short(example, &p, again, sizeof(again)) < 0)
                fail_msg("'%s': its hint '%s' is refused: %s", spec, example, again);
}

static void test_docker_vectors(void **state) {
        (void) state;
        for (size_t i = 0; i < sizeof(docker_vectors) / sizeof(docker_vectors[0]); i++) {
                const struct vector *v = &docker_vectors[i];
                struct nc_port p = {};
                char err[200] = "", host[NC_IPV6_STRLEN];
                int r = nc_port_parse_short(v->spec, &p, err, sizeof(err));

                if (v->err) {
                        if (r != -22)
                                fail_msg("'%s' was accepted; expected: %s", v->spec, v->err);
                        if (strcmp(err, v->err) != 0)
                                fail_msg("'%s': got '%s', expected '%s'", v->spec, err, v->err);
                        check_hint(v->spec, err);
                        continue;
                }
                if (r < 0)
                        fail_msg("'%s' was refused: %s", v->spec, err);
                format_host(&p, host);
                if (strcmp(host, v->host) != 0 || p.host_port != v->host_port || p.host_port_end != v->host_port_end ||
                    p.target != v->target || p.target_end != v->target_end || p.proto != v->proto)
                        fail_msg("'%s' read as host '%s' %u-%u -> %u-%u proto %d", v->spec, host, p.host_port,
                                 p.host_port_end, p.target, p.target_end, p.proto);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_short_syntax_forms),
                cmocka_unit_test(test_short_syntax_errors),
                cmocka_unit_test(test_long_syntax_pieces),
                cmocka_unit_test(test_docker_vectors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
