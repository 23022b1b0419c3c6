/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netfilter/nf_tables.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <netlink/errno.h>

#include "netconverge/netconverge.h"
#include "netconverge/plan.h"
#include "netconverge/show.h"
#include "testutil.h"
#include "netconverge/output.h"
#include "netconverge/snapshot.h"
#include "netconverge/state.h"
#include "snapshot/reader.h"
#include "util/nlerr.h"

/* Snapshots (write, read, round trip, every diagnostic), `show` rebuilt
 * from a state, and the libnl error table: the pure parts of observation. */

/* A converged host: one bridge, one container (web), lo, and foreign
 * objects; in nc_state_sort() order, as the writer writes it. */
#define CONVERGED_HOST \
        "# netconverge snapshot\n" \
        "snapshot: 1\n" \
        "ip_forward: 1\n" \
        CONVERGED_HOST_BODY
#define CONVERGED_HOST_BODY \
        "namespaces:\n" \
        "  - {netns: web, exists: true}\n" \
        "links:\n" \
        "  - {netns: \"\", name: docker0, kind: bridge, mtu: 1500, mac: \"02:42:8e:00:00:01\", up: true, " \
        "alias: \"netconverge:bridge\", group: 28259}\n" \
        "  - {netns: \"\", name: eth0, kind: other, mtu: 1400, mac: \"02:fc:00:00:00:01\", up: true}\n" \
        "  - {netns: \"\", name: lo, kind: loopback, mtu: 65536, up: true}\n" \
        "  - {netns: \"\", name: vethbb8e173b, kind: veth, mtu: 1500, mac: \"9a:1b:2c:3d:4e:5f\", up: true, " \
        "master: docker0, alias: \"netconverge:veth web docker0 web\", group: 28259, peer_netns: web, " \
        "peer: eth0}\n" \
        "  - {netns: web, name: eth0, kind: veth, mtu: 1500, mac: \"02:42:ac:11:00:02\", up: true, " \
        "alias: \"netconverge:peer web docker0\", group: 28259, peer_netns: \"\", peer: vethbb8e173b}\n" \
        "  - {netns: web, name: lo, kind: loopback, mtu: 65536, up: true}\n" \
        "addresses:\n" \
        "  - {netns: \"\", dev: docker0, address: 172.17.0.1/16}\n" \
        "  - {netns: \"\", dev: eth0, address: 192.0.2.2/24}\n" \
        "  - {netns: \"\", dev: lo, address: 127.0.0.1/8}\n" \
        "  - {netns: web, dev: eth0, address: 172.17.0.2/16}\n" \
        "  - {netns: web, dev: lo, address: 127.0.0.1/8}\n" \
        "routes:\n" \
        "  - {netns: \"\", dst: 0.0.0.0/0, via: 192.0.2.1, dev: eth0, protocol: 3}\n" \
        "  - {netns: web, dst: 0.0.0.0/0, via: 172.17.0.1, dev: eth0, protocol: 78}\n"

static const char converged_snap[] = CONVERGED_HOST;

/* The same host with its nftables table: what apply leaves for a file
 * whose web container publishes 8080:80, with SPEC 7.2's data plane (the
 * guard chain and rule, hairpin and localhost masquerades, the output jump
 * that takes loopback too, route_localnet, read after ip_forward) and the
 * port as an element of its map. */
static const char converged_nat_snap[] = "# netconverge snapshot\n"
        "snapshot: 1\n"
        "ip_forward: 1\n"
        "route_localnet: 1\n"
        CONVERGED_HOST_BODY
        "nft:\n"
        "  table: netconverge\n"
        "  chains:\n"
        "    - {name: forward, hook: forward, type: filter, priority: 0}\n"
        "    - {name: guard, hook: prerouting, type: filter, priority: -300}\n"
        "    - {name: output, hook: output, type: nat, priority: -100}\n"
        "    - {name: postrouting, hook: postrouting, type: nat, priority: 100}\n"
        "    - {name: prerouting, hook: prerouting, type: nat, priority: -100}\n"
        "    - {name: publish, hook: none}\n"
        "  rules:\n"
        "    - {chain: forward, key: \"filter docker0\", kind: filter, oifname: docker0, ifgroup: 28259}\n"
        "    - {chain: guard, key: \"guard lo\", kind: guard, iifname: lo}\n"
        "    - {chain: output, key: \"jump output\", kind: jump, target: publish, ipv4_only: true}\n"
        "    - {chain: postrouting, key: \"hairpin docker0\", kind: hairpin, saddr: 172.17.0.0/16, "
        "oifname: docker0, ct_dnat: true}\n"
        "    - {chain: postrouting, key: \"localhost docker0\", kind: hairpin, saddr: 127.0.0.0/8, "
        "oifname: docker0}\n"
        "    - {chain: postrouting, key: \"masquerade docker0\", kind: masquerade, saddr: 172.17.0.0/16, "
        "oifname: docker0}\n"
        "    - {chain: prerouting, key: \"jump prerouting\", kind: jump, target: publish}\n"
        "    - {chain: publish, key: \"ports tcp\", kind: dnat-map, protocol: tcp, target: ports4_tcp}\n"
        "  objects:\n"
        "    - {kind: map, name: ports4_tcp, type: \"inet_service : ipv4_addr . inet_service\"}\n"
        "  elements:\n"
        "    - {chain: ports4_tcp, key: \"publish tcp 0.0.0.0:8080\", kind: dnat, protocol: tcp, daddr: 0.0.0.0, "
        "dport: 8080, to: \"172.17.0.2:80\"}\n";

static char *written(const struct nc_state *s) {
        char *t = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&t, &n);

        assert_non_null(f);
        assert_int_equal(nc_snapshot_write(s, f), 0);
        fclose(f);
        return t;
}

static char *diags_text(const struct nc_diags *d) {
        char *t = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&t, &n);

        assert_non_null(f);
        nc_print_diags_text(d, f);
        fclose(f);
        return t;
}

static struct nc_state *read_ok(const char *text) {
        struct nc_state *s = NULL;
        struct nc_diags d;
        char *t;

        assert_int_equal(nc_diags_init(&d, "t.snap"), 0);
        if (nc_snapshot_read_buffer(text, strlen(text), &d, &s) < 0) {
                t = diags_text(&d);
                fail_msg("snapshot refused: %s", t);
        }
        assert_int_equal(d.n, 0);
        nc_diags_done(&d);
        return s;
}

/* Reads text, expecting it refused with exactly these diagnostics. */
static void expect_diags(const char *text, const char *expected) {
        struct nc_state *s = NULL;
        struct nc_diags d;
        char *t;

        assert_int_equal(nc_diags_init(&d, "t.snap"), 0);
        assert_int_equal(nc_snapshot_read_buffer(text, strlen(text), &d, &s), -EINVAL);
        assert_null(s);
        t = diags_text(&d);
        assert_string_equal(t, expected);
        free(t);
        nc_diags_done(&d);
}

static void assert_round_trip(const char *text) {
        struct nc_state *s = read_ok(text);
        char *t = written(s);

        assert_string_equal(t, text);
        free(t);
        nc_state_free(s);
}

static void test_write_exact(void **state) {
        struct nc_state *s = nc_state_new();
        struct nc_link bridge = { .netns = "", .name = "docker0", .kind = NC_LINK_BRIDGE, .mtu = 1500,
                                  .mac = { 0x02, 0x42, 0x8e, 0, 0, 1 }, .up = true, .oper_up = true,
                                  .alias = "netconverge:bridge", .group = NC_LINK_GROUP_OWNED, .ifindex = 3 };
        struct nc_link host = { .netns = "", .name = "vethbb8e173b", .kind = NC_LINK_VETH, .mtu = 1500,
                                .mac = { 0x9a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f }, .up = true, .master = "docker0",
                                .alias = "netconverge:veth web docker0 web", .group = NC_LINK_GROUP_OWNED,
                                .peer_netns = "web",
                                .peer_name = "eth0", .ifindex = 7, .peer_ifindex = 2 };
        struct nc_link peer = { .netns = "web", .name = "eth0", .kind = NC_LINK_VETH, .mtu = 1500,
                                .mac = { 0x02, 0x42, 0xac, 0x11, 0, 2 }, .up = true,
                                .alias = "netconverge:peer web docker0", .group = NC_LINK_GROUP_OWNED, .peer_netns = "",
                                .peer_name = "vethbb8e173b" };
        struct nc_link lo = { .netns = "web", .name = "lo", .kind = NC_LINK_LOOPBACK, .mtu = 65536, .up = true };
        struct nc_link hlo = { .netns = "", .name = "lo", .kind = NC_LINK_LOOPBACK, .mtu = 65536, .up = true };
        struct nc_link eth = { .netns = "", .name = "eth0", .kind = NC_LINK_OTHER, .mtu = 1400,
                               .mac = { 0x02, 0xfc, 0, 0, 0, 1 }, .up = true };
        char *t;

        (void) state;
        s->ip_forward = 1;
        /* Appended out of order: the writer relies on nc_state_sort(). */
        assert_int_equal(nc_state_add_link(s, &lo), 0);
        assert_int_equal(nc_state_add_link(s, &peer), 0);
        assert_int_equal(nc_state_add_link(s, &host), 0);
        assert_int_equal(nc_state_add_link(s, &hlo), 0);
        assert_int_equal(nc_state_add_link(s, &eth), 0);
        assert_int_equal(nc_state_add_link(s, &bridge), 0);
        assert_int_equal(nc_state_add_address(s, &(struct nc_address) { .netns = "web", .ifname = "lo", .address = 0x7f000001, .prefixlen = 8 }), 0);
        assert_int_equal(nc_state_add_address(s, &(struct nc_address) { .netns = "web", .ifname = "eth0", .address = 0xac110002, .prefixlen = 16 }), 0);
        assert_int_equal(nc_state_add_address(s, &(struct nc_address) { .netns = "", .ifname = "lo", .address = 0x7f000001, .prefixlen = 8 }), 0);
        assert_int_equal(nc_state_add_address(s, &(struct nc_address) { .netns = "", .ifname = "eth0", .address = 0xc0000202, .prefixlen = 24 }), 0);
        assert_int_equal(nc_state_add_address(s, &(struct nc_address) { .netns = "", .ifname = "docker0", .address = 0xac110001, .prefixlen = 16 }), 0);
        assert_int_equal(nc_state_add_route(s, &(struct nc_route) { .netns = "web", .gateway = 0xac110001,
                                                                    .ifname = "eth0", .protocol = NC_RTPROT }), 0);
        assert_int_equal(nc_state_add_route(s, &(struct nc_route) { .netns = "", .gateway = 0xc0000201,
                                                                    .ifname = "eth0", .protocol = 3 }), 0);
        assert_int_equal(nc_state_add_namespace(s, "web", true), 0);
        nc_state_sort(s);
        t = written(s);
        assert_string_equal(t, converged_snap);
        free(t);
        nc_state_free(s);
}

static void test_round_trip(void **state) {
        struct nc_state *s;
        const struct nc_link *l;

        (void) state;
        assert_round_trip(converged_snap);
        s = read_ok(converged_snap);
        assert_int_equal(s->n_links, 6);
        assert_int_equal(s->n_addresses, 5);
        assert_int_equal(s->n_routes, 2);
        assert_int_equal(s->ip_forward, 1);
        /* Ownership comes from the alias, as when observed. */
        l = nc_state_find_link(s, "", "vethbb8e173b");
        assert_non_null(l);
        assert_int_equal(l->role, NC_ROLE_HOST_END);
        assert_string_equal(l->owner_container, "web");
        assert_string_equal(l->owner_bridge, "docker0");
        assert_string_equal(l->owner_netns, "web");
        assert_string_equal(l->master, "docker0");
        assert_string_equal(l->peer_netns, "web");
        assert_string_equal(l->peer_name, "eth0");
        l = nc_state_find_link(s, "web", "eth0");
        assert_non_null(l);
        assert_int_equal(l->role, NC_ROLE_PEER_END);
        assert_string_equal(l->peer_netns, "");
        l = nc_state_find_link(s, "", "eth0");
        assert_int_equal(l->role, NC_ROLE_NONE);
        assert_null(l->alias);
        assert_null(l->peer_netns);
        assert_int_equal(s->routes[1].protocol, NC_RTPROT);
        assert_int_equal(s->routes[1].gateway, 0xac110001);
        assert_int_equal(s->routes[1].dst_len, 0);
        assert_non_null(nc_state_find_namespace(s, "web"));
        nc_state_free(s);
}

static void test_empty_is_fresh_host(void **state) {
        static const char *const empties[] = { "", "# nothing\n", "\n\n" };
        struct nc_state *s;
        char *t;

        (void) state;
        for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
                s = read_ok(empties[i]);
                assert_int_equal(s->n_links + s->n_addresses + s->n_routes + s->n_namespaces, 0);
                assert_int_equal(s->ip_forward, 0);
                nc_state_free(s);
        }
        /* No ip_forward key: unknown, and written back without one. */
        s = read_ok("snapshot: 1\nlinks: []\n");
        assert_int_equal(s->ip_forward, -1);
        t = written(s);
        assert_string_equal(t, "# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks: []\naddresses: []\n"
                               "routes: []\n");
        free(t);
        nc_state_free(s);
        /* Sections may be null (empty) too. */
        s = read_ok("snapshot: 1\nip_forward: 0\nnamespaces:\nlinks:\n");
        assert_int_equal(s->ip_forward, 0);
        nc_state_free(s);
}

static void test_any_order_reads_sorted(void **state) {
        static const char shuffled[] =
                "routes:\n"
                "  - {protocol: 78, dev: eth0, via: 172.17.0.1, dst: 0.0.0.0/0, netns: web}\n"
                "  - {netns: \"\", dst: 0.0.0.0/0, via: 192.0.2.1, dev: eth0, protocol: 3}\n"
                "addresses:\n"
                "  - {netns: web, dev: lo, address: 127.0.0.1/8}\n"
                "  - {netns: web, dev: eth0, address: 172.17.0.2/16}\n"
                "  - {netns: \"\", dev: lo, address: 127.0.0.1/8}\n"
                "  - {netns: '', dev: eth0, address: 192.0.2.2/24}\n"
                "  - {netns: \"\", dev: docker0, address: 172.17.0.1/16}\n"
                "links:\n"
                "  - {netns: web, name: lo, kind: loopback, mtu: 65536, up: true}\n"
                "  - netns: web\n"
                "    name: eth0\n"
                "    kind: veth\n"
                "    mtu: 1500\n"
                "    mac: 02:42:AC:11:00:02\n"
                "    up: true\n"
                "    alias: 'netconverge:peer web docker0'\n"
                "    group: 28259\n"
                "    peer_netns: ''\n"
                "    peer: vethbb8e173b\n"
                "  - {netns: \"\", name: vethbb8e173b, kind: veth, mtu: 1500, mac: \"9a:1b:2c:3d:4e:5f\", up: true, "
                "master: docker0, alias: \"netconverge:veth web docker0 web\", group: 28259, peer_netns: web, "
                "peer: eth0}\n"
                "  - {netns: \"\", name: lo, kind: loopback, mtu: 65536, up: true, mac: \"00:00:00:00:00:00\"}\n"
                "  - {netns: \"\", name: eth0, kind: other, mtu: 1400, mac: \"02:fc:00:00:00:01\", up: true}\n"
                "  - {netns: \"\", name: docker0, kind: bridge, mtu: 1500, mac: \"02:42:8e:00:00:01\", up: true, "
                "alias: \"netconverge:bridge\", group: 28259}\n"
                "namespaces: [{netns: web, exists: true}]\n"
                "ip_forward: 1\n"
                "snapshot: 1\n";
        struct nc_state *s = read_ok(shuffled);
        char *t = written(s);

        (void) state;
        assert_string_equal(t, converged_snap);
        free(t);
        nc_state_free(s);
}

static void test_quoting_round_trips(void **state) {
        struct nc_state *s = nc_state_new(), *back;
        /* What a foreign link may carry: quotes, backslashes, control
         * characters, UTF-8, bytes that are not UTF-8, YAML words. */
        struct nc_link odd = { .netns = "/proc/1/ns/net", .name = "true", .kind = NC_LINK_OTHER, .mtu = 9000,
                               .alias = "say \"hi\" \\ tab\there\nnl \x01 caf\xc3\xa9 \xc2\x85 \xef\xbb\xbf" };
        struct nc_link num = { .netns = "", .name = "123", .kind = NC_LINK_OTHER, .mtu = 1500, .master = "a,b{c}" };
        struct nc_link dash = { .netns = "", .name = "-x#y", .kind = NC_LINK_OTHER, .mtu = 1500, .alias = "" };
        char *t, *t2;

        (void) state;
        assert_int_equal(nc_state_add_link(s, &odd), 0);
        assert_int_equal(nc_state_add_link(s, &num), 0);
        assert_int_equal(nc_state_add_link(s, &dash), 0);
        nc_state_sort(s);
        t = written(s);
        assert_string_equal(t, "# netconverge snapshot\n"
                               "snapshot: 1\n"
                               "namespaces: []\n"
                               "links:\n"
                               "  - {netns: \"\", name: \"-x#y\", kind: other, mtu: 1500, up: false, alias: \"\"}\n"
                               "  - {netns: \"\", name: \"123\", kind: other, mtu: 1500, up: false, master: \"a,b{c}\"}\n"
                               "  - {netns: \"/proc/1/ns/net\", name: \"true\", kind: other, mtu: 9000, up: false, "
                               "alias: \"say \\\"hi\\\" \\\\ tab\\x09here\\x0anl \\x01 caf\xc3\xa9 \\x85 \\ufeff\"}\n"
                               "addresses: []\n"
                               "routes: []\n");
        back = read_ok(t);
        assert_string_equal(back->links[2].alias,
                            "say \"hi\" \\ tab\there\nnl \x01 caf\xc3\xa9 \xc2\x85 \xef\xbb\xbf");
        assert_string_equal(back->links[0].alias, "");
        t2 = written(back);
        assert_string_equal(t2, t);
        free(t);
        free(t2);
        nc_state_free(back);
        nc_state_free(s);
}

/* Bytes that are not UTF-8 in any string the kernel hands us (a link's
 * name, alias, master, peer, a namespace name, a rule comment) come back
 * exactly: a snapshot must plan what the kernel would. */
static void test_binary_round_trips(void **state) {
        struct nc_state *s = nc_state_new(), *back;
        struct nc_link odd = { .netns = "ns\xff", .name = "e\xff\xfe", .kind = NC_LINK_OTHER, .mtu = 1500,
                               .master = "br\xc0\xaf", .alias = "overlong \xc0\xaf, surrogate \xed\xa0\x80, cut \xe2\x82" };
        struct nc_link ok = { .netns = "", .name = "caf\xc3\xa9", .kind = NC_LINK_OTHER, .mtu = 1500 };
        char *t, *t2;

        (void) state;
        assert_int_equal(nc_state_add_link(s, &odd), 0);
        assert_int_equal(nc_state_add_link(s, &ok), 0);
        nc_state_sort(s);
        t = written(s);
        assert_string_equal(t, "# netconverge snapshot\n"
                               "snapshot: 1\n"
                               "namespaces: []\n"
                               "links:\n"
                               "  - {netns: \"\", name: \"caf\xc3\xa9\", kind: other, mtu: 1500, up: false}\n"
                               "  - {netns: !!binary \"bnP/\", name: !!binary \"Zf/+\", kind: other, mtu: 1500, "
                               "up: false, master: !!binary \"YnLArw==\", "
                               "alias: !!binary \"b3ZlcmxvbmcgwK8sIHN1cnJvZ2F0ZSDtoIAsIGN1dCDigg==\"}\n"
                               "addresses: []\n"
                               "routes: []\n");
        /* The same state as JSON: valid UTF-8, the bytes that are not
         * replaced by U+FFFD (output/json.c). */
        {
                char *js = NULL;
                size_t jn = 0;
                FILE *jf = open_memstream(&js, &jn);
                const struct nc_document doc = { .command = "show" };

                assert_non_null(jf);
                assert_int_equal(nc_snapshot_write_json(s, &doc, jf), 0);
                fclose(jf);
                assert_non_null(strstr(js, "{\n  \"format_version\": 1,\n  \"command\": \"show\",\n  \"snapshot\": 1,\n"
                                           "  \"namespaces\": [],\n  \"links\": [\n    {\n      \"netns\": \"\",\n"
                                           "      \"name\": \"caf\xc3\xa9\",\n      \"kind\": \"other\",\n"
                                           "      \"mtu\": 1500,\n      \"up\": false\n    },\n"));
                assert_non_null(strstr(js, "      \"netns\": \"ns\\ufffd\",\n      \"name\": \"e\\ufffd\\ufffd\",\n"));
                assert_non_null(strstr(js, "\"master\": \"br\\ufffd\\ufffd\",\n"));
                assert_non_null(strstr(js, "  \"routes\": [],\n  \"errors\": []\n}\n"));
                free(js);
        }
        back = read_ok(t);
        assert_int_equal(back->n_links, 2);
        assert_string_equal(back->links[1].netns, "ns\xff");
        assert_string_equal(back->links[1].name, "e\xff\xfe");
        assert_string_equal(back->links[1].master, "br\xc0\xaf");
        assert_string_equal(back->links[1].alias, "overlong \xc0\xaf, surrogate \xed\xa0\x80, cut \xe2\x82");
        t2 = written(back);
        assert_string_equal(t2, t);
        free(t);
        free(t2);
        nc_state_free(back);
        nc_state_free(s);
}

/* A !!binary value that is not base64, or decodes to a NUL, is refused
 * with its place. */
static void test_binary_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nlinks:\n  - {netns: \"\", name: !!binary \"*bad\", kind: other, mtu: 1}\n",
                     "t.snap:3:23: a !!binary value must be base64 of bytes other than NUL\n");
        expect_diags("snapshot: 1\nlinks:\n  - {netns: \"\", name: !!binary \"YQBi\", kind: other, mtu: 1}\n",
                     "t.snap:3:23: a !!binary value must be base64 of bytes other than NUL\n");
}

static void test_errors_with_positions(void **state) {
        (void) state;
        expect_diags("snapshot: 2\nip_forward: yes\nlink: []\n",
                     "t.snap:1:11: snapshot: unsupported snapshot version '2'; this netconverge reads version 1\n"
                     "t.snap:2:13: ip_forward: expected 0 or 1, got 'yes'\n"
                     "t.snap:3:1: link: unknown key; did you mean 'links'?\n");
        expect_diags("ip_forward: 1\n", "t.snap:1:1: snapshot: missing required key (snapshot: 1)\n");
        expect_diags("- a\n", "t.snap:1:1: expected a snapshot (a mapping starting with snapshot: 1), got a list\n");
        expect_diags("snapshot: 1\nlinks: {}\nroutes: [3]\n",
                     "t.snap:2:8: links: expected a list, got a mapping\n"
                     "t.snap:3:10: routes[0]: expected a mapping describing a route, got '3'\n");
        expect_diags("snapshot: 1\nlinks:\n"
                     "  - {netns: \"\", name: eth0, kind: tap, mtu: -1, mac: 1:2, up: yes, mastr: br0}\n"
                     "  - {netns: a/b, name: this-name-is-too-long, kind: veth, mtu: 1500, peer: x}\n"
                     "  - {netns: \"\", name: eth0, kind: veth, mtu: 1500, alias: [1]}\n"
                     "  - {netns: \"\", name: eth0, kind: veth, mtu: 1500}\n"
                     "  - {netns: \"\", name: eth0, kind: veth, mtu: 99999999999}\n"
                     "  - {name: eth1}\n",
                     "t.snap:3:35: links[0].kind: expected bridge, veth, loopback or other, got 'tap'\n"
                     "t.snap:3:45: links[0].mtu: expected an integer from 0 to 4294967295, got '-1'\n"
                     "t.snap:3:54: links[0].mac: expected a MAC address like 02:42:ac:11:00:02, got '1:2'\n"
                     "t.snap:3:63: links[0].up: expected true or false, got 'yes'\n"
                     "t.snap:3:68: links[0].mastr: unknown key; did you mean 'master'?\n"
                     "t.snap:4:13: links[1].netns: 'a/b' must be a name without '/' or an absolute path\n"
                     "t.snap:4:24: links[1].name: 'this-name-is-too-long' is longer than 15 bytes\n"
                     "t.snap:5:59: links[2].alias: expected a string, got a list\n"
                     "t.snap:7:46: links[4].mtu: expected an integer from 0 to 4294967295, got '99999999999'\n"
                     "t.snap:8:5: links[5].netns: missing required key\n"
                     "t.snap:8:5: links[5].kind: missing required key\n"
                     "t.snap:8:5: links[5].mtu: missing required key\n");
        expect_diags("snapshot: 1\n"
                     "namespaces: [{netns: \"\", exists: true}, {netns: w, exists: 1}, {netns: v, exists: true},"
                     " {netns: v, exists: false}]\n"
                     "addresses: [{netns: \"\", dev: lo, address: 127.0.0.1}, {netns: \"\", dev: lo, address: \"::1::2/128\"}]\n"
                     "routes: [{netns: \"\", dst: 10.0.0.1/8, protocol: 256}, {netns: \"\", dst: 0.0.0.0/0, via: x,"
                     " protocol: 3, dev: \"\"}]\n",
                     "t.snap:2:14: namespaces[0]: the host namespace (netns \"\") is not listed under namespaces\n"
                     "t.snap:2:60: namespaces[1].exists: expected true or false, got '1'\n"
                     "t.snap:2:90: namespaces[3]: duplicate namespace (first at line 2)\n"
                     "t.snap:3:43: addresses[0].address: expected an IPv4 address/prefix like 172.17.0.1/16, got "
                     "'127.0.0.1'\n"
                     "t.snap:3:85: addresses[1].address: expected an IPv6 address/prefix like fd00::1/64, got "
                     "'::1::2/128'\n"
                     "t.snap:4:27: routes[0].dst: 10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?\n"
                     "t.snap:4:49: routes[0].protocol: expected an integer from 0 to 255, got '256'\n"
                     "t.snap:4:88: routes[1].via: expected an IPv4 or IPv6 address, got 'x'\n"
                     "t.snap:4:109: routes[1].dev: '' is empty\n");
        /* The kernel has one link of a name per namespace. */
        expect_diags("snapshot: 1\nlinks:\n"
                     "  - {netns: \"\", name: eth0, kind: veth, mtu: 1500}\n"
                     "  - {netns: \"\", name: eth1, kind: veth, mtu: 1500}\n"
                     "  - {kind: veth, mtu: 1500, name: eth0, netns: \"\"}\n",
                     "t.snap:5:5: links[2]: duplicate link (same netns and name) (first at line 3)\n");
        /* A YAML error is reported by the YAML layer, with its place. */
        expect_diags("snapshot: 1\nlinks: [\n",
                     "t.snap:3:1: links: YAML syntax error: did not find expected node content while parsing a flow "
                     "node started at line 3, column 1\n");
}

/* The owned table: every chain and rule kind, a base chain with policy
 * drop, a hook without a name (inet ingress: the kernel's number), rules
 * without a key (kept in file order), two rules with one key. */
static const char nft_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links: []\n"
        "addresses: []\n"
        "routes: []\n"
        "nft:\n"
        "  table: netconverge\n"
        "  chains:\n"
        "    - {name: forward, hook: forward, type: filter, priority: 0}\n"
        "    - {name: in, hook: 5, type: filter, priority: -500, policy_drop: true}\n"
        "    - {name: output, hook: output, type: nat, priority: -100}\n"
        "    - {name: postrouting, hook: postrouting, type: nat, priority: 100}\n"
        "    - {name: prerouting, hook: prerouting, type: nat, priority: -100}\n"
        "    - {name: publish, hook: none}\n"
        "  rules:\n"
        "    - {chain: forward, key: \"isolate a b\", kind: drop, iifname: a, oifname: b}\n"
        "    - {chain: forward, key: \"isolate a b\", kind: drop, iifname: a, oifname: b}\n"
        "    - {chain: forward, kind: other}\n"
        "    - {chain: forward, kind: drop, iifname: x, oifname: \"y\"}\n"
        "    - {chain: forward, kind: other}\n"
        "    - {chain: output, key: \"jump output\", kind: jump, target: publish, not_loopback: true}\n"
        "    - {chain: postrouting, key: \"masquerade docker0\", kind: masquerade, saddr: 172.17.0.0/16, "
        "oifname: docker0}\n"
        "    - {chain: prerouting, key: \"jump prerouting\", kind: jump, target: publish}\n"
        "    - {chain: publish, key: \"publish tcp 0.0.0.0:8080\", kind: dnat, protocol: tcp, daddr: 0.0.0.0, "
        "dport: 8080, to: \"172.17.0.3:80\"}\n"
        "    - {chain: publish, key: \"publish udp 127.0.0.1:5353\", kind: dnat, protocol: udp, daddr: 127.0.0.1, "
        "dport: 5353, to: \"172.17.0.3:53\"}\n"
        "    - {chain: publish, key: \"return docker0\", kind: return, iifname: docker0}\n"
        "    - {chain: publish, key: \"say \\\"hi\\\"\", kind: other}\n";

static void test_nft_round_trip(void **state) {
        struct nc_state *s;
        const struct nc_nft_rule *r;

        (void) state;
        assert_round_trip(nft_snap);
        s = read_ok(nft_snap);
        assert_string_equal(s->nft.table, "netconverge");
        assert_int_equal(s->nft.n_chains, 6);
        assert_int_equal(s->nft.chains[1].hook, 5);
        assert_true(s->nft.chains[1].policy_drop);
        assert_int_equal(s->nft.chains[1].priority, -500);
        assert_int_equal(s->nft.chains[5].hook, NC_HOOK_NONE);
        assert_null(s->nft.chains[5].type);
        assert_int_equal(s->nft.n_rules, 12);
        r = &s->nft.rules[6];
        assert_int_equal(r->kind, NC_RULE_MASQUERADE);
        assert_int_equal(r->saddr, 0xac110000);
        assert_int_equal(r->saddr_len, 16);
        assert_string_equal(r->oifname, "docker0");
        r = &s->nft.rules[9];
        assert_int_equal(r->kind, NC_RULE_DNAT);
        assert_int_equal(r->proto, NC_PROTO_UDP);
        assert_int_equal(r->daddr, 0x7f000001);
        assert_int_equal(r->dport, 5353);
        assert_int_equal(r->to_addr, 0xac110003);
        assert_int_equal(r->to_port, 53);
        assert_true(s->nft.rules[5].not_loopback);
        assert_string_equal(s->nft.rules[5].target, "publish");
        assert_null(s->nft.rules[2].key);
        assert_string_equal(s->nft.rules[11].key, "say \"hi\"");
        nc_state_free(s);
        /* No nft: no table; and none is written. */
        s = read_ok("snapshot: 1\n");
        assert_null(s->nft.table);
        nc_state_free(s);
        /* A table with nothing in it. */
        assert_round_trip("# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks: []\naddresses: []\n"
                          "routes: []\nnft:\n  table: \"my table\"\n  chains: []\n  rules: []\n");
}

static void test_nft_write_exact(void **state) {
        struct nc_state *s = nc_state_new();
        struct nc_nft_chain pub = { .name = "publish", .hook = NC_HOOK_NONE, .handle = 5 };
        struct nc_nft_chain post = { .name = "postrouting", .hook = NC_HOOK_POSTROUTING, .type = "nat",
                                     .priority = 100, .handle = 3 };
        struct nc_nft_rule ret = { .chain = "publish", .key = "return docker0", .kind = NC_RULE_RETURN,
                                   .iifname = "docker0", .handle = 9 };
        struct nc_nft_rule dnat = { .chain = "publish", .key = "publish tcp 0.0.0.0:8080", .kind = NC_RULE_DNAT,
                                    .proto = NC_PROTO_TCP, .dport = 8080, .to_addr = 0xac110003, .to_port = 80,
                                    .handle = 12 };
        struct nc_nft_rule masq = { .chain = "postrouting", .key = "masquerade docker0",
                                    .kind = NC_RULE_MASQUERADE, .saddr = 0xac110000, .saddr_len = 16,
                                    .oifname = "docker0", .handle = 7 };
        struct nc_nft_rule foreign = { .chain = "publish", .kind = NC_RULE_OTHER, .handle = 4 };
        char *t;

        (void) state;
        /* Appended out of order, with handles: sorted, handles not written. */
        assert_int_equal(nc_state_set_nft_table(s, "netconverge"), 0);
        assert_int_equal(nc_state_add_nft_chain(s, &pub), 0);
        assert_int_equal(nc_state_add_nft_chain(s, &post), 0);
        assert_int_equal(nc_state_add_nft_rule(s, &foreign), 0);
        assert_int_equal(nc_state_add_nft_rule(s, &ret), 0);
        assert_int_equal(nc_state_add_nft_rule(s, &dnat), 0);
        assert_int_equal(nc_state_add_nft_rule(s, &masq), 0);
        nc_state_sort(s);
        t = written(s);
        assert_string_equal(t, "# netconverge snapshot\n"
                               "snapshot: 1\n"
                               "namespaces: []\n"
                               "links: []\n"
                               "addresses: []\n"
                               "routes: []\n"
                               "nft:\n"
                               "  table: netconverge\n"
                               "  chains:\n"
                               "    - {name: postrouting, hook: postrouting, type: nat, priority: 100}\n"
                               "    - {name: publish, hook: none}\n"
                               "  rules:\n"
                               "    - {chain: postrouting, key: \"masquerade docker0\", kind: masquerade, "
                               "saddr: 172.17.0.0/16, oifname: docker0}\n"
                               "    - {chain: publish, key: \"publish tcp 0.0.0.0:8080\", kind: dnat, protocol: tcp, "
                               "daddr: 0.0.0.0, dport: 8080, to: \"172.17.0.3:80\"}\n"
                               "    - {chain: publish, key: \"return docker0\", kind: return, iifname: docker0}\n"
                               "    - {chain: publish, kind: other}\n");
        free(t);
        nc_state_free(s);
}

static void test_nft_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nnft: []\n", "t.snap:2:6: nft: expected a mapping with table, chains and rules, got a list\n");
        expect_diags("snapshot: 1\nnft:\n  chain: []\n",
                     "t.snap:3:3: nft.chain: unknown key; did you mean 'chains'?\n"
                     "t.snap:3:3: nft.table: missing required key\n");
        expect_diags("snapshot: 1\nnft:\n  table: t\n  chains:\n"
                     "    - {name: a, hook: sideways}\n"
                     "    - {name: b, hook: forward, type: filter}\n"
                     "    - {name: c, hook: none, priority: 0}\n"
                     "    - {name: d, hook: input, type: filter, priority: x}\n"
                     "    - {name: e, hook: none}\n"
                     "    - {name: e, hook: none}\n",
                     "t.snap:5:23: nft.chains[0].hook: expected prerouting, input, forward, output, postrouting or "
                     "none, got 'sideways'\n"
                     "t.snap:6:7: nft.chains[1]: a base chain (hook forward) needs type and priority\n"
                     "t.snap:7:7: nft.chains[2]: a regular chain (hook none) has no type, priority or policy_drop\n"
                     "t.snap:8:54: nft.chains[3].priority: expected an integer, got 'x'\n"
                     "t.snap:10:7: nft.chains[5]: duplicate chain (first at line 9)\n");
        expect_diags("snapshot: 1\nnft:\n  table: t\n  chains: [{name: p, hook: none}]\n  rules:\n"
                     "    - {chain: p, kind: accept}\n"
                     "    - {chain: p, kind: dnat, protocol: icmp, daddr: 0.0.0.0, dport: 70000, to: 1.2.3.4}\n"
                     "    - {chain: p, kind: masquerade, saddr: 10.0.0.0/8}\n"
                     "    - {chain: p, kind: return, iifname: a, oifname: b}\n"
                     "    - {chain: q, kind: other}\n"
                     "    - {chain: p, kind: jump, target: a-name-longer-than-thirty-one-bytes}\n",
                     "t.snap:6:24: nft.rules[0].kind: expected masquerade, jump, return, dnat, drop or other, got "
                     "'accept'\n"
                     "t.snap:7:40: nft.rules[1].protocol: expected tcp, udp or sctp, got 'icmp'\n"
                     "t.snap:7:69: nft.rules[1].dport: expected a port from 0 to 65535, got '70000'\n"
                     "t.snap:7:80: nft.rules[1].to: expected an address and port like 172.17.0.2:80, got '1.2.3.4'\n"
                     "t.snap:8:7: nft.rules[2]: a masquerade rule needs oifname\n"
                     "t.snap:9:53: nft.rules[3]: oifname does not go with a return rule\n"
                     "t.snap:10:15: nft.rules[4].chain: chain 'q' is not listed under nft.chains\n"
                     "t.snap:11:38: nft.rules[5].target: 'a-name-longer-than-thirty-one-bytes' is longer than 31 "
                     "bytes\n");
}

static void test_peer_needs_both_keys(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nlinks:\n  - {netns: \"\", name: v, kind: veth, mtu: 1500, peer_netns: w}\n",
                     "t.snap:3:5: links[0]: peer_netns and peer go together: give both or neither\n");
}

static void test_read_file(void **state) {
        struct nc_state *s = NULL;
        struct nc_diags d;
        char *t;

        (void) state;
        assert_int_equal(nc_diags_init(&d, "/dev/null"), 0);
        assert_int_equal(nc_snapshot_read_file("/dev/null", &d, &s), 0);
        assert_int_equal(s->ip_forward, 0);
        assert_int_equal(s->n_links, 0);
        s = nc_state_free(s);
        nc_diags_done(&d);

        assert_int_equal(nc_diags_init(&d, "/nonexistent/x.snap"), 0);
        assert_int_equal(nc_snapshot_read_file("/nonexistent/x.snap", &d, &s), -ENOENT);
        assert_null(s);
        t = diags_text(&d);
        assert_string_equal(t, "/nonexistent/x.snap: cannot read the file: No such file or directory\n");
        free(t);
        nc_diags_done(&d);

        assert_int_equal(nc_diags_init(&d, "/"), 0);
        assert_int_equal(nc_snapshot_read_file("/", &d, &s), -EISDIR);
        nc_diags_done(&d);
}

static double now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A host with 1000 containers, sorted. */
static struct nc_state *thousand_containers(void) {
        struct nc_state *s = nc_state_new();

        assert_non_null(s);
        s->ip_forward = 1;
        for (unsigned i = 0; i < 1000; i++) {
                char ns[32], host[16], alias[96];
                struct nc_link h = { .netns = "", .kind = NC_LINK_VETH, .mtu = 1500, .up = true, .master = "br0",
                                     .alias = alias, .group = NC_LINK_GROUP_OWNED, .peer_name = "eth0" };
                struct nc_link c = { .kind = NC_LINK_VETH, .mtu = 1500, .up = true, .name = "eth0",
                                     .mac = { 2, 0x42, 10, 88, (uint8_t) (i >> 8), (uint8_t) i }, .peer_netns = "",
                                     .group = NC_LINK_GROUP_OWNED };
                struct nc_link lo = { .kind = NC_LINK_LOOPBACK, .mtu = 65536, .up = true, .name = "lo" };

                snprintf(ns, sizeof(ns), "c%u", i);
                snprintf(host, sizeof(host), "vb%u", i);
                snprintf(alias, sizeof(alias), "netconverge:veth c%u br0 c%u", i, i);
                strcpy(h.name, host);
                h.peer_netns = ns;
                c.netns = lo.netns = ns;
                strcpy(c.peer_name, host);
                assert_int_equal(nc_state_add_link(s, &h), 0);
                assert_int_equal(nc_state_add_link(s, &c), 0);
                assert_int_equal(nc_state_add_link(s, &lo), 0);
                assert_int_equal(nc_state_add_address(s, &(struct nc_address) { .netns = ns, .ifname = "eth0", .address = 0x0a580002 + i, .prefixlen = 16 }), 0);
                assert_int_equal(nc_state_add_route(s, &(struct nc_route) { .netns = ns, .gateway = 0x0a580001,
                                                                            .ifname = "eth0", .protocol = 78 }), 0);
                assert_int_equal(nc_state_add_namespace(s, ns, true), 0);
        }
        nc_state_sort(s);
        return s;
}

/* The snapshot of 1000 containers stays exact, and reading it back is
 * cheap next to observing. */
static void test_thousand_containers(void **state) {
        struct nc_state *s = thousand_containers(), *back;
        double t0, t1;
        char *t, *t2;

        (void) state;
        t = written(s);
        t0 = now();
        back = read_ok(t);
        t1 = now();
        print_message("reading a 1000-container snapshot (%zu bytes): %.3f s\n", strlen(t), t1 - t0);
        t2 = written(back);
        assert_string_equal(t2, t);
        free(t);
        free(t2);
        nc_state_free(back);
        nc_state_free(s);
}

/* A copy of text with the first `from` replaced by `to`. */
static char *edited(const char *text, const char *from, const char *to) {
        const char *at = strstr(text, from);
        char *t;

        assert_non_null(at);
        assert_true(asprintf(&t, "%.*s%s%s", (int) (at - text), text, to, at + strlen(from)) > 0);
        return t;
}

/* What the line reader (lines.c) alone makes of text: 1 read (into *ret,
 * sorted), or 0 left to the generic reader. It never reports. */
static int lines_read(const char *text, struct nc_state **ret) {
        struct nc_state *s = nc_state_new();
        struct nc_diags d;
        struct snap_reader rd = { .d = &d, .s = s, .strict = true };
        int r;

        assert_non_null(s);
        assert_int_equal(nc_diags_init(&d, "t.snap"), 0);
        r = snap_read_lines(&rd, text, strlen(text), NC_SNAPSHOT_MAX_NODES);
        assert_true(r == 0 || r == 1);
        assert_int_equal(d.n, 0);
        assert_false(r == 1 && rd.failed);
        nc_diags_done(&d);
        if (r == 0) {
                nc_state_free(s);
                return 0;
        }
        nc_state_sort(s);
        *ret = s;
        return 1;
}

/* The line reader reads what the writer writes, to the same state as the
 * generic reader. */
static void assert_lines_round_trip(const char *text) {
        struct nc_state *s = NULL, *generic = read_ok(text);
        char *t, *t2;

        assert_int_equal(lines_read(text, &s), 1);
        t = written(s);
        t2 = written(generic);
        assert_string_equal(t, text);
        assert_string_equal(t2, text);
        free(t);
        free(t2);
        nc_state_free(generic);
        nc_state_free(s);
}

/* The IPv6 rules (issue 13): written with v6: true and their *6 fields,
 * read back to the same rules; the shapes without an address have no
 * IPv6 form. */
static const char nft6_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links: []\n"
        "addresses: []\n"
        "routes: []\n"
        "nft:\n"
        "  table: netconverge\n"
        "  chains:\n"
        "    - {name: output, hook: output, type: nat, priority: -100}\n"
        "    - {name: postrouting, hook: postrouting, type: nat, priority: 100}\n"
        "    - {name: publish, hook: none}\n"
        "  rules:\n"
        "    - {chain: output, key: \"jump6 output\", kind: jump, v6: true, target: publish, not_loopback: true}\n"
        "    - {chain: postrouting, key: \"masquerade6 docker0\", kind: masquerade, v6: true, saddr6: "
        "\"fd00:17::/60\", oifname: docker0}\n"
        "    - {chain: publish, key: \"publish tcp [::1]:5432\", kind: dnat, v6: true, protocol: tcp, daddr6: "
        "\"::1\", dport: 5432, to6: \"[fd00:17::20]:5432\"}\n"
        "    - {chain: publish, key: \"publish udp [::]:5353\", kind: dnat, v6: true, protocol: udp, daddr6: "
        "\"::\", dport: 5353, to6: \"[fd00:17::2]:53\"}\n";

static void test_nft6_round_trip(void **state) {
        struct nc_state *s = read_ok(nft6_snap);
        const struct nc_nft_rule *r = s->nft.rules;
        struct nc_ipv6 a;

        (void) state;
        assert_round_trip(nft6_snap);
        /* The line reader reads it too (its keys have digits: v6, saddr6). */
        assert_lines_round_trip(nft6_snap);
        assert_int_equal(s->nft.n_rules, 4);
        assert_true(r[0].v6 && r[0].not_loopback && r[0].kind == NC_RULE_JUMP);
        assert_true(r[1].v6 && r[1].saddr_len == 60 && r[1].saddr == 0);
        assert_int_equal(nc_ipv6_parse("fd00:17::", &a), 0);
        assert_true(nc_ipv6_equal(&r[1].saddr6, &a));
        assert_true(r[2].v6 && r[2].daddr == 0 && r[2].to_addr == 0 && r[2].to_port == 5432);
        assert_int_equal(nc_ipv6_parse("fd00:17::20", &a), 0);
        assert_true(nc_ipv6_equal(&r[2].to_addr6, &a));
        assert_int_equal(nc_ipv6_parse("::1", &a), 0);
        assert_true(nc_ipv6_equal(&r[2].daddr6, &a));
        assert_true(r[3].v6 && nc_ipv6_is_zero(&r[3].daddr6) && r[3].proto == NC_PROTO_UDP);
        nc_state_free(s);
}

static void test_nft6_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nnft:\n  table: t\n"
                     "  chains: [{name: output, hook: none}, {name: postrouting, hook: none}, {name: publish, hook: none}]\n"
                     "  rules:\n"
                     "    - {chain: publish, kind: return, v6: true, iifname: docker0}\n"
                     "    - {chain: output, kind: jump, v6: true, target: publish}\n"
                     "    - {chain: postrouting, kind: masquerade, v6: true, saddr6: \"fd00:17::1/64\", oifname: b}\n"
                     "    - {chain: postrouting, kind: masquerade, v6: true, saddr: 10.0.0.0/8, oifname: b}\n"
                     "    - {chain: publish, kind: dnat, v6: true, protocol: tcp, daddr6: \"::\", dport: 80, "
                     "to6: \"fd00::2:80\"}\n"
                     "    - {chain: publish, kind: dnat, protocol: tcp, daddr: 0.0.0.0, dport: 80, to: \"10.0.0.2:80\", "
                     "to6: \"[fd00::2]:80\"}\n",
                     "t.snap:6:7: nft.rules[0]: a return rule has no IPv6 form (v6)\n"
                     "t.snap:7:7: nft.rules[1]: an IPv6 jump rule is the output one (not_loopback: true)\n"
                     "t.snap:8:64: nft.rules[2].saddr6: fd00:17::1/64 has host bits set; did you mean fd00:17::/64?\n"
                     "t.snap:9:7: nft.rules[3]: a masquerade rule needs saddr6\n"
                     "t.snap:9:63: nft.rules[3]: saddr does not go with a masquerade rule\n"
                     "t.snap:10:91: nft.rules[4].to6: expected an IPv6 address and port like [fd00:17::2]:80, "
                     "got 'fd00::2:80'\n"
                     "t.snap:11:102: nft.rules[5]: to6 does not go with a dnat rule\n");
}

static void test_lines_round_trip(void **state) {
        struct nc_state *s = thousand_containers(), *back = NULL;
        struct nc_link odd = { .netns = "/run/netns/x", .name = "a\"b", .kind = NC_LINK_OTHER, .mtu = 1500,
                               .alias = "say \"hi\" \\ tab\there \x01 del\x7f {a, b: c} #x" };
        const struct nc_link *l;
        char *t;

        (void) state;
        assert_lines_round_trip(converged_snap);
        assert_lines_round_trip(converged_nat_snap);
        assert_lines_round_trip(nft_snap);
        assert_lines_round_trip("# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks: []\naddresses: []\n"
                                "routes: []\nnft:\n  table: \"my table\"\n  chains: []\n  rules: []\n");
        assert_lines_round_trip("# netconverge snapshot\nsnapshot: 1\nip_forward: 0\nnamespaces: []\nlinks: []\n"
                                "addresses: []\nroutes: []\n");

        /* An escape the writer would not need reads as libyaml reads it. */
        t = edited(converged_snap, "\"02:42:8e:00:00:01\"", "\"02:42:8e:00:00:\\x301\"");
        assert_int_equal(lines_read(t, &back), 1);
        assert_int_equal(back->links[0].mac[5], 1);
        back = nc_state_free(back);
        free(t);

        /* A real state, with ASCII the writer escapes. */
        assert_int_equal(nc_state_add_link(s, &odd), 0);
        nc_state_sort(s);
        t = written(s);
        assert_lines_round_trip(t);
        assert_int_equal(lines_read(t, &back), 1);
        l = nc_state_find_link(back, "/run/netns/x", "a\"b");
        assert_non_null(l);
        assert_string_equal(l->alias, odd.alias);
        l = nc_state_find_link(back, "c7", "eth0");
        assert_non_null(l);
        assert_int_equal(l->role, NC_ROLE_NONE);
        assert_int_equal(l->mac[5], 7);
        l = nc_state_find_link(back, "", "vb7");
        assert_int_equal(l->role, NC_ROLE_HOST_END);
        assert_string_equal(l->owner_netns, "c7");
        assert_int_equal(back->n_links, 3001);
        assert_int_equal(back->ip_forward, 1);
        free(t);
        nc_state_free(back);
        nc_state_free(s);
}

/* Valid YAML that is not what the writer writes: the line reader leaves
 * it, and the generic reader reads it as before. */
/* The tables and their marks: the others listed before nft, the table's
 * own mark in nft only when it has none. */
static const char tables_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links: []\n"
        "addresses: []\n"
        "routes: []\n"
        "nft_tables:\n"
        "  - {name: filter, marked: false}\n"
        "  - {name: old, marked: true}\n"
        "nft:\n"
        "  table: netconverge\n"
        "  marked: false\n"
        "  chains: [{name: publish, hook: none}]\n"
        "  rules: []\n";

static void test_table_marks_round_trip(void **state) {
        static const char only_others[] = "# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks: []\n"
                                          "addresses: []\nroutes: []\nnft_tables:\n"
                                          "  - {name: \"my table\", marked: true}\n";
        struct nc_state *s;
        char *t;

        (void) state;
        s = read_ok(tables_snap);
        assert_int_equal(s->nft.n_tables, 3);
        assert_false(nc_nft_find_table(&s->nft, "netconverge")->marked);
        assert_true(nc_nft_find_table(&s->nft, "old")->marked);
        assert_false(nc_nft_find_table(&s->nft, "filter")->marked);
        nc_state_free(s);
        /* "chains: [...]" is not the writer's: the line reader hands it on. */
        s = read_ok(tables_snap);
        t = written(s);
        assert_non_null(strstr(t, "  marked: false\n  chains:\n    - {name: publish, hook: none}\n  rules: []\n"));
        assert_lines_round_trip(t);
        free(t);
        nc_state_free(s);
        assert_lines_round_trip(only_others);
        s = read_ok(only_others);
        assert_null(s->nft.table);
        assert_true(nc_nft_find_table(&s->nft, "my table")->marked);
        nc_state_free(s);
        /* A snapshot from before the mark: its table was netconverge's. */
        s = read_ok(nft_snap);
        assert_int_equal(s->nft.n_tables, 1);
        assert_true(nc_nft_find_table(&s->nft, "netconverge")->marked);
        nc_state_free(s);
        /* marked: true is read, and not written. */
        s = read_ok("snapshot: 1\nnft:\n  table: t\n  marked: true\n");
        assert_true(nc_nft_find_table(&s->nft, "t")->marked);
        t = written(s);
        assert_null(strstr(t, "marked"));
        free(t);
        nc_state_free(s);
}

/* Table flags and the table's sets, maps and flowtables: written only
 * when present, read by both readers (the line reader leaves a dormant or
 * owned table to the tree), and written back the same. */
static const char flags_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links: []\n"
        "addresses: []\n"
        "routes: []\n"
        "nft_tables:\n"
        "  - {name: held, marked: false, owner: 77}\n"
        "  - {name: old, marked: true, dormant: true}\n"
        "nft:\n"
        "  table: netconverge\n"
        "  dormant: true\n"
        "  owner: 4242\n"
        "  chains: []\n"
        "  rules: []\n"
        "  objects:\n"
        "    - {kind: set, name: s}\n"
        "    - {kind: map, name: m}\n"
        "    - {kind: flowtable, name: s}\n"
        "    - {kind: counter, name: s}\n"
        "    - {kind: ct-helper, name: h}\n";

static void test_table_flags_and_objects(void **state) {
        struct nc_state *s, *back = NULL;
        const struct nc_nft_table *x;
        char *t, *plain;

        (void) state;
        s = read_ok(flags_snap);
        x = nc_nft_find_table(&s->nft, "netconverge");
        assert_true(x->dormant);
        assert_true(x->has_owner);
        assert_int_equal(x->owner, 4242);
        x = nc_nft_find_table(&s->nft, "held");
        assert_false(x->dormant);
        assert_true(x->has_owner);
        assert_int_equal(x->owner, 77);
        x = nc_nft_find_table(&s->nft, "old");
        assert_true(x->dormant);
        assert_false(x->has_owner);
        /* Sorted by (kind, name): a set and a flowtable may share a name. */
        assert_int_equal(s->nft.n_objects, 5);
        assert_int_equal(s->nft.objects[0].kind, NC_NFT_SET);
        assert_int_equal(s->nft.objects[1].kind, NC_NFT_MAP);
        assert_int_equal(s->nft.objects[2].kind, NC_NFT_FLOWTABLE);
        assert_string_equal(s->nft.objects[2].name, "s");
        assert_int_equal(s->nft.objects[3].kind, NC_NFT_COUNTER);
        assert_int_equal(nc_nft_object_kind_type(s->nft.objects[3].kind), NFT_OBJECT_COUNTER);
        assert_int_equal(s->nft.objects[4].kind, NC_NFT_CT_HELPER);
        assert_int_equal(nc_nft_object_kind_from_type(NFT_OBJECT_SYNPROXY), NC_NFT_SYNPROXY);
        assert_int_equal(nc_nft_object_kind_from_type(0), -EINVAL);
        assert_int_equal(nc_nft_object_kind_from_type(999), -EINVAL);
        /* Every kind's name reads back as that kind. */
        for (int k = 0; k < _NC_NFT_OBJECT_KIND_MAX; k++)
                assert_int_equal(nc_nft_object_kind_from_string(nc_nft_object_kind_to_string(k)), k);
        assert_null(nc_nft_object_kind_to_string(_NC_NFT_OBJECT_KIND_MAX));
        t = written(s);
        assert_string_equal(t, flags_snap);
        free(t);
        nc_state_free(s);
        /* The main table's flags go the generic way; without them the
         * line reader reads the rest, objects included. */
        assert_int_equal(lines_read(flags_snap, &back), 0);
        plain = edited(flags_snap, "  dormant: true\n  owner: 4242\n", "");
        assert_lines_round_trip(plain);
        free(plain);
}

static void test_table_flags_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nnft:\n  table: t\n  dormant: 1\n  owner: -1\n  objects:\n"
                     "    - {kind: chain, name: a}\n    - {kind: set, name: b}\n    - {kind: set, name: b}\n",
                     "t.snap:4:12: nft.dormant: expected true or false, got '1'\n"
                     "t.snap:7:14: nft.objects[0].kind: expected set, map, flowtable or a stateful object's type (counter, "
                     "quota, ct-helper...), got 'chain'\n"
                     "t.snap:9:7: nft.objects[2]: duplicate set, map or flowtable (same kind and name) (first at "
                     "line 8)\n");
        expect_diags("snapshot: 1\nnft:\n  table: t\n  owner: -1\n",
                     "t.snap:4:10: nft.owner: expected a netlink port id from 0 to 4294967295, got '-1'\n");
}

static void test_table_marks_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nnft_tables:\n  - {name: a, marked: yes}\n  - {name: b}\n"
                     "  - {name: a, marked: false}\nnft:\n  table: b\n  marked: 1\n",
                     "t.snap:3:23: nft_tables[0].marked: expected true or false, got 'yes'\n"
                     "t.snap:4:5: nft_tables[1].marked: missing required key\n"
                     "t.snap:8:11: nft.marked: expected true or false, got '1'\n");
        expect_diags("snapshot: 1\nnft_tables:\n  - {name: a, marked: true}\n  - {name: a, marked: false}\n"
                     "nft:\n  table: a\n",
                     "t.snap:4:5: nft_tables[1]: duplicate nftables table (first at line 3)\n"
                     "t.snap:6:10: nft.table: table 'a' is listed under nft_tables too\n");
}

/* Other tables' forward chains with policy drop (the pre-flight's
 * warning): a top-level list, with or without nft:, read by both readers
 * and written back the same, sorted by (family name, table, chain); none
 * writes nothing at all. */
static const char forward_drops_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links: []\n"
        "addresses: []\n"
        "routes: []\n"
        "nft_tables:\n"
        "  - {name: firewalld, marked: false}\n"
        "nft_forward_drops:\n"
        "  - {family: inet, table: firewalld, chain: filter_FORWARD, priority: 10}\n"
        "  - {family: ip, table: filter, chain: FORWARD, priority: 0}\n"
        "  - {family: ip6, table: \"my filter\", chain: fwd, priority: -150}\n"
        "nft:\n"
        "  table: netconverge\n"
        "  chains: []\n"
        "  rules: []\n";

static void test_forward_drops_round_trip(void **state) {
        static const char unsorted[] = "snapshot: 1\nnft_forward_drops:\n"
                                       "  - {family: ip6, table: b, chain: c, priority: 1}\n"
                                       "  - {family: ip, table: b, chain: c, priority: 0}\n"
                                       "  - {family: ip, table: a, chain: z, priority: 0}\n"
                                       "  - {family: inet, table: z, chain: a, priority: 0}\n";
        const char *without = tables_snap;
        struct nc_state *s;
        char *t;

        (void) state;
        assert_lines_round_trip(forward_drops_snap);
        s = read_ok(forward_drops_snap);
        assert_int_equal(s->nft.n_forward_drops, 3);
        assert_int_equal(s->nft.forward_drops[0].family, NC_NFT_FAMILY_INET);
        assert_string_equal(s->nft.forward_drops[1].table, "filter");
        assert_string_equal(s->nft.forward_drops[1].chain, "FORWARD");
        assert_int_equal(s->nft.forward_drops[2].family, NC_NFT_FAMILY_IP6);
        assert_string_equal(s->nft.forward_drops[2].table, "my filter");
        assert_int_equal(s->nft.forward_drops[2].priority, -150);
        nc_state_free(s);
        /* Any order reads sorted; no table needed. */
        s = read_ok(unsorted);
        t = written(s);
        assert_non_null(strstr(t, "nft_forward_drops:\n"
                                  "  - {family: inet, table: z, chain: a, priority: 0}\n"
                                  "  - {family: ip, table: a, chain: z, priority: 0}\n"
                                  "  - {family: ip, table: b, chain: c, priority: 0}\n"
                                  "  - {family: ip6, table: b, chain: c, priority: 1}\n"));
        assert_null(strstr(t, "nft:"));
        assert_lines_round_trip(t);
        free(t);
        nc_state_free(s);
        /* None: not a word of it. */
        s = read_ok(without);
        assert_int_equal(s->nft.n_forward_drops, 0);
        t = written(s);
        assert_null(strstr(t, "forward"));
        free(t);
        nc_state_free(s);
}

/* SPEC 7.5: a VXLAN link's attributes and its FDB entries, through both
 * readers; any order reads sorted. */
static const char vxlan_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links:\n"
        "  - {netns: \"\", name: eth1, kind: veth, mtu: 1500, up: true}\n"
        "  - {netns: \"\", name: vx-f, kind: vxlan, mtu: 1450, up: true, master: f, alias: \"netconverge:vxlan f\", "
        "group: 28259, vni: 42, port: 4789, local: 192.0.2.11, underlay: eth1, learning: false}\n"
        "  - {netns: \"\", name: vx-m, kind: vxlan, mtu: 1450, up: false, vni: 7, port: 8472, learning: true, "
        "vxlan_group: 239.1.1.1}\n"
        "addresses: []\n"
        "routes: []\n"
        "fdb:\n"
        "  - {netns: \"\", dev: vx-f, mac: \"00:00:00:00:00:00\", dst: 192.0.2.12}\n"
        "  - {netns: \"\", dev: vx-f, mac: \"00:00:00:00:00:00\", dst: 192.0.2.13}\n";

static void test_vxlan_round_trip(void **state) {
        static const char unsorted[] = "snapshot: 1\nlinks: []\nfdb:\n"
                                       "  - {netns: \"\", dev: b, mac: \"00:00:00:00:00:00\", dst: 10.0.0.1}\n"
                                       "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:01\", dst: 10.0.0.9}\n"
                                       "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: 10.0.0.9}\n";
        struct nc_state *s;
        char *t;

        (void) state;
        assert_lines_round_trip(vxlan_snap);
        s = read_ok(vxlan_snap);
        assert_int_equal(s->n_links, 3);
        assert_int_equal(s->links[1].kind, NC_LINK_VXLAN);
        assert_int_equal(s->links[1].role, NC_ROLE_VXLAN);
        assert_string_equal(s->links[1].owner_bridge, "f");
        assert_int_equal(s->links[1].vxlan.vni, 42);
        assert_int_equal(s->links[1].vxlan.port, 4789);
        assert_int_equal(s->links[1].vxlan.local, 0xc000020b);
        assert_string_equal(s->links[1].vxlan.dev, "eth1");
        assert_false(s->links[1].vxlan.learning);
        /* Not ours: no alias, no group. */
        assert_int_equal(s->links[2].role, NC_ROLE_NONE);
        assert_int_equal(s->links[2].vxlan.group, 0xef010101);
        assert_int_equal(s->n_fdb, 2);
        assert_string_equal(s->fdb[1].ifname, "vx-f");
        assert_int_equal(s->fdb[1].dst, 0xc000020d);
        nc_state_free(s);
        s = read_ok(unsorted);
        t = written(s);
        assert_non_null(strstr(t, "fdb:\n"
                                  "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: 10.0.0.9}\n"
                                  "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:01\", dst: 10.0.0.9}\n"
                                  "  - {netns: \"\", dev: b, mac: \"00:00:00:00:00:00\", dst: 10.0.0.1}\n"));
        free(t);
        nc_state_free(s);
}

/* IPv6 remotes: the link's local6 and the entries' IPv6 dsts, quoted,
 * through both readers; IPv4 entries sort before IPv6 ones on a link. */
static const char vxlan6_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links:\n"
        "  - {netns: \"\", name: vx-f, kind: vxlan, mtu: 1430, up: true, master: f, alias: \"netconverge:vxlan f\", "
        "group: 28259, vni: 42, port: 4789, local: \"2001:db8::11\", underlay: eth1, learning: false}\n"
        "addresses: []\n"
        "routes: []\n"
        "fdb:\n"
        "  - {netns: \"\", dev: vx-f, mac: \"00:00:00:00:00:00\", dst: 192.0.2.12}\n"
        "  - {netns: \"\", dev: vx-f, mac: \"00:00:00:00:00:00\", dst: \"2001:db8::12\"}\n"
        "  - {netns: \"\", dev: vx-f, mac: \"00:00:00:00:00:00\", dst: \"2001:db8::13\"}\n";

static void test_vxlan6_round_trip(void **state) {
        static const char unsorted[] = "snapshot: 1\nlinks: []\nfdb:\n"
                                       "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: \"2001:db8::2\"}\n"
                                       "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: 10.0.0.9}\n"
                                       "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: \"2001:db8::1\"}\n";
        struct nc_ipv6 want;
        struct nc_state *s;
        char *t;

        (void) state;
        assert_lines_round_trip(vxlan6_snap);
        s = read_ok(vxlan6_snap);
        assert_int_equal(s->links[0].vxlan.local, 0);
        assert_int_equal(nc_ipv6_parse("2001:db8::11", &want), 0);
        assert_true(nc_ipv6_equal(&s->links[0].vxlan.local6, &want));
        assert_int_equal(s->n_fdb, 3);
        assert_false(s->fdb[0].v6);
        assert_int_equal(s->fdb[0].dst, 0xc000020c);
        assert_true(s->fdb[2].v6);
        assert_int_equal(nc_ipv6_parse("2001:db8::13", &want), 0);
        assert_true(nc_ipv6_equal(&s->fdb[2].dst6, &want));
        nc_state_free(s);
        s = read_ok(unsorted);
        t = written(s);
        assert_non_null(strstr(t, "fdb:\n"
                                  "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: 10.0.0.9}\n"
                                  "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: \"2001:db8::1\"}\n"
                                  "  - {netns: \"\", dev: a, mac: \"00:00:00:00:00:00\", dst: \"2001:db8::2\"}\n"));
        free(t);
        nc_state_free(s);
        expect_diags("snapshot: 1\nfdb:\n  - {netns: \"\", dev: v, mac: \"00:00:00:00:00:00\", dst: \"2001:db8::zz\"}\n",
                     "t.snap:3:56: fdb[0].dst: expected an IPv4 or IPv6 address, got '2001:db8::zz'\n");
}

/* Other tables' drop rules and the host's listeners: top-level lists,
 * read by both readers and written back the same, sorted; none writes
 * nothing. */
static const char foreign_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "namespaces: []\n"
        "links: []\n"
        "addresses: []\n"
        "routes: []\n"
        "nft_drop_rules:\n"
        "  - {family: inet, table: firewalld, chain: filter_FORWARD, handle: 90, reject: true}\n"
        "  - {family: ip, table: filter, chain: FORWARD, handle: 5, iifname: \"docker*\", oifname: \"eth0\", "
        "saddr: 172.16.0.0/12, daddr: 10.0.0.0/8, ct_state: \"established,new\"}\n"
        "listeners:\n"
        "  - {protocol: tcp, address: \"::\", port: 8080, v6only: true}\n"
        "  - {protocol: tcp, address: \"0.0.0.0\", port: 8080}\n"
        "  - {protocol: udp, address: \"127.0.0.53\", port: 53}\n";

static void test_foreign_round_trip(void **state) {
        static const char unsorted[] = "snapshot: 1\nlisteners:\n"
                                       "  - {protocol: udp, address: \"::1\", port: 1}\n"
                                       "  - {protocol: tcp, address: 10.0.0.1, port: 2}\n"
                                       "  - {protocol: tcp, address: \"::ffff:10.0.0.1\", port: 1}\n"
                                       "  - {protocol: tcp, address: 10.0.0.1, port: 1}\n"
                                       "nft_drop_rules:\n"
                                       "  - {family: ip, table: t, chain: c, handle: 9}\n"
                                       "  - {family: ip, table: t, chain: c, handle: 2}\n";
        struct nc_state *s;
        char *t;

        (void) state;
        assert_lines_round_trip(foreign_snap);
        s = read_ok(foreign_snap);
        assert_int_equal(s->nft.n_drop_rules, 2);
        assert_true(s->nft.drop_rules[0].reject);
        assert_null(s->nft.drop_rules[0].iifname);
        assert_string_equal(s->nft.drop_rules[1].iifname, "docker*");
        assert_int_equal(s->nft.drop_rules[1].saddr_len, 12);
        assert_string_equal(s->nft.drop_rules[1].ct_state, "established,new");
        assert_int_equal(s->n_listeners, 3);
        /* By address bytes: :: before ::ffff:0.0.0.0. */
        assert_true(s->listeners[0].v6only);
        assert_true(nc_ipv6_is_mapped(&s->listeners[1].address));
        assert_int_equal(s->listeners[2].proto, NC_PROTO_UDP);
        nc_state_free(s);
        /* Any order reads sorted; a v4-mapped address is its IPv4 one (the
         * same socket twice is one). */
        s = read_ok(unsorted);
        t = written(s);
        assert_non_null(strstr(t, "nft_drop_rules:\n"
                                  "  - {family: ip, table: t, chain: c, handle: 2}\n"
                                  "  - {family: ip, table: t, chain: c, handle: 9}\n"
                                  "listeners:\n"
                                  "  - {protocol: tcp, address: \"10.0.0.1\", port: 1}\n"
                                  "  - {protocol: tcp, address: \"10.0.0.1\", port: 2}\n"
                                  "  - {protocol: udp, address: \"::1\", port: 1}\n"));
        assert_lines_round_trip(t);
        free(t);
        nc_state_free(s);
        s = read_ok(tables_snap);
        t = written(s);
        assert_null(strstr(t, "listeners"));
        assert_null(strstr(t, "drop_rules"));
        free(t);
        nc_state_free(s);
}

static void test_vxlan_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nlinks:\n  - {netns: \"\", name: b, kind: bridge, mtu: 1500, vni: 42}\n"
                     "  - {netns: \"\", name: v, kind: vxlan, mtu: 1500, vni: 16777216}\n"
                     "fdb:\n  - {netns: \"\", dev: v, mac: \"00:00:00:00:00:00\"}\n",
                     "t.snap:3:5: links[0]: vni is a VXLAN link's (kind vxlan) only\n"
                     "t.snap:4:55: links[1].vni: expected an integer from 0 to 16777215, got '16777216'\n"
                     "t.snap:6:5: fdb[0].dst: missing required key\n");
}

static void test_foreign_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nnft_drop_rules:\n  - {family: ip, table: t}\n"
                     "  - {family: ip, table: t, chain: c, iifname: \"abcdefghijklmnop\"}\n"
                     "listeners:\n  - {protocol: icmp, address: 1.2.3.4, port: 1}\n"
                     "  - {protocol: tcp, address: nowhere, port: 70000}\n",
                     "t.snap:3:5: nft_drop_rules[0].chain: missing required key\n"
                     "t.snap:4:47: nft_drop_rules[1].iifname: \"abcdefghijklmnop\" is longer than an interface name\n"
                     "t.snap:6:16: listeners[0].protocol: expected tcp, udp or sctp, got 'icmp'\n"
                     "t.snap:7:30: listeners[1].address: expected an IPv4 or IPv6 address like 0.0.0.0 or \"::\", "
                     "got 'nowhere'\n"
                     "t.snap:7:45: listeners[1].port: expected a port from 0 to 65535, got '70000'\n");
}

static void test_forward_drops_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nnft_forward_drops:\n  - {family: bridge, table: t, chain: c, priority: 0}\n"
                     "  - {family: ip, table: \"\", chain: c}\n  - {family: ip, table: t, chain: c, priority: x, "
                     "policy: drop}\n",
                     "t.snap:3:14: nft_forward_drops[0].family: expected ip, ip6 or inet, got 'bridge'\n"
                     "t.snap:4:5: nft_forward_drops[1].priority: missing required key\n"
                     "t.snap:4:25: nft_forward_drops[1].table: '' is empty\n"
                     "t.snap:5:48: nft_forward_drops[2].priority: expected an integer, got 'x'\n"
                     "t.snap:5:51: nft_forward_drops[2].policy: unknown key\n");
        expect_diags("snapshot: 1\nnft_forward_drops: {family: ip}\n",
                     "t.snap:2:20: nft_forward_drops: expected a list, got a mapping\n");
}

/* SPEC 7.7: what observation found wrong with a container namespace is in
 * the snapshot, so that the planner's conflicts are golden-tested. */
static const char problems_snap[] =
        "# netconverge snapshot\n"
        "snapshot: 1\n"
        "ip_forward: 1\n"
        "namespaces:\n"
        "  - {netns: \"/proc/self/ns/net\", exists: true, problem: host}\n"
        "  - {netns: \"/run/alt/b\", exists: true, problem: shared, same_as: a}\n"
        "  - {netns: \"/var/lib/x\", exists: true, problem: not_netns}\n"
        "  - {netns: a, exists: true, problem: shared, same_as: \"/run/alt/b\"}\n"
        "  - {netns: c, exists: false}\n"
        "links: []\n"
        "addresses: []\n"
        "routes: []\n";

static void test_namespace_problems_round_trip(void **state) {
        struct nc_state *s = NULL;
        const struct nc_namespace *ns;

        (void) state;
        assert_round_trip(problems_snap);
        /* The line reader reads them too (no fall-back to the tree). */
        assert_int_equal(lines_read(problems_snap, &s), 1);
        nc_state_sort(s);
        ns = nc_state_find_namespace(s, "a");
        assert_non_null(ns);
        assert_int_equal(ns->problem, NC_NETNS_PROBLEM_SHARED);
        assert_string_equal(ns->same_as, "/run/alt/b");
        ns = nc_state_find_namespace(s, "/proc/self/ns/net");
        assert_int_equal(ns->problem, NC_NETNS_PROBLEM_HOST);
        assert_null(ns->same_as);
        assert_int_equal(nc_state_find_namespace(s, "/var/lib/x")->problem, NC_NETNS_PROBLEM_NOT_NETNS);
        assert_int_equal(nc_state_find_namespace(s, "c")->problem, NC_NETNS_PROBLEM_NONE);
        nc_state_free(s);
        for (int p = 0; p < _NC_NETNS_PROBLEM_MAX; p++)
                assert_int_equal(nc_netns_problem_from_string(nc_netns_problem_to_string((enum nc_netns_problem) p)),
                                 p);
        assert_int_equal(nc_netns_problem_from_string("gone"), -EINVAL);
        assert_null(nc_netns_problem_to_string(_NC_NETNS_PROBLEM_MAX));
}

static void test_namespace_problems_errors(void **state) {
        (void) state;
        expect_diags("snapshot: 1\nnamespaces:\n"
                     "  - {netns: a, exists: true, problem: gone}\n"
                     "  - {netns: b, exists: false, problem: host}\n"
                     "  - {netns: c, exists: true, problem: shared}\n"
                     "  - {netns: d, exists: true, same_as: a}\n"
                     "  - {netns: e, exists: true, problem: shared, same_as: e}\n"
                     "  - {netns: f, exists: true, problem: none}\n",
                     "t.snap:3:39: namespaces[0].problem: expected host, not_netns or shared, got 'gone'\n"
                     "t.snap:4:5: namespaces[1]: a namespace that does not exist has no problem\n"
                     "t.snap:5:5: namespaces[2]: same_as goes with problem: shared, and only with it\n"
                     "t.snap:6:5: namespaces[3]: same_as goes with problem: shared, and only with it\n"
                     "t.snap:7:5: namespaces[4]: same_as names another container namespace\n"
                     "t.snap:8:39: namespaces[5].problem: expected host, not_netns or shared, got 'none'\n");
}

static void test_lines_fall_back(void **state) {
        static const struct {
                const char *from, *to;
        } edits[] = {
                { "# netconverge snapshot\n", "" },
                { "links:\n", "# edited by hand\nlinks:\n" },
                { "{netns: web, exists: true}", "{netns: web,  exists: true}" },
                { "{netns: web, exists: true}", "{netns: 'web', exists: true}" },
                { "{netns: web, exists: true}", "{exists: true, netns: web}  # moved" },
                { "{netns: web, exists: true}", "{netns: web, exists: true, }" },
                { "namespaces:\n  - {netns: web, exists: true}\n", "namespaces: [{netns: web, exists: true}]\n" },
                { "namespaces:\n  - {netns: web, exists: true}\n", "namespaces:\n  - netns: web\n    exists: true\n" },
                { "mtu: 65536, up: true}\naddresses", "mtu: 65536, up: !!str true}\naddresses" },
                { "\"02:42:8e:00:00:01\"", "\"02:42:8e:00:00:0\\u0031\"" },
                { "\"02:42:8e:00:00:01\"", "\"02:42:8e:00:00:\\\n  01\"" },
                { "routes:\n", "routes:\r\n" },
                { "protocol: 78}\n", "protocol: 78}" },
                { "snapshot: 1\n", "---\nsnapshot: 1\n" },
        };
        struct nc_state *s = NULL;

        (void) state;
        for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
                char *text = edited(converged_snap, edits[i].from, edits[i].to), *t;

                if (lines_read(text, &s) != 0)
                        fail_msg("the line reader read edit %zu", i);
                s = read_ok(text);
                t = written(s);
                assert_string_equal(t, converged_snap);
                free(t);
                free(text);
                s = nc_state_free(s);
        }
        /* UTF-8 and escapes above 0x7f are left to libyaml. */
        assert_int_equal(lines_read("# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks:\n"
                                    "  - {netns: \"\", name: x, kind: other, mtu: 1, up: false, alias: \"caf\xc3\xa9\"}\n"
                                    "addresses: []\nroutes: []\n", &s), 0);
        assert_int_equal(lines_read("# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks:\n"
                                    "  - {netns: \"\", name: x, kind: other, mtu: 1, up: false, alias: \"\\x85\"}\n"
                                    "addresses: []\nroutes: []\n", &s), 0);
        /* Nothing at all is a fresh host, for the generic reader. */
        assert_int_equal(lines_read("", &s), 0);
}

/* Problems in lines as the writer writes them: the line reader gives up
 * and the generic reader reports them, with their places. */
static void test_lines_errors(void **state) {
        static const char head[] = "# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks:\n";
        static const char tail[] = "addresses: []\nroutes: []\n";
        static const struct {
                const char *links, *expected;
        } cases[] = {
                { "  - {netns: \"\", name: eth0, kind: veth, mtu: 1500, up: true}\n"
                  "  - {netns: \"\", name: eth0, kind: veth, mtu: 1500, up: true}\n",
                  "t.snap:6:5: links[1]: duplicate link (same netns and name) (first at line 5)\n" },
                { "  - {netns: \"\", name: eth0, kind: veth, mtu: 99999999999, up: true}\n",
                  "t.snap:5:46: links[0].mtu: expected an integer from 0 to 4294967295, got '99999999999'\n" },
                { "  - {netns: \"\", name: eth0, kind: veth, mtu: 1500, up: true, mastr: br0}\n",
                  "t.snap:5:62: links[0].mastr: unknown key; did you mean 'master'?\n" },
                { "  - {netns: \"\", name: eth0, kind: veth, mtu: 1500, up: true, alias: null}\n",
                  "t.snap:5:69: links[0].alias: expected a string, got nothing (null)\n" },
                { "  - {netns: \"\", name: eth0, name: eth1, kind: veth, mtu: 1500}\n",
                  "t.snap:5:29: links[0].name: duplicate key (first at line 5)\n" },
                { "  - {netns: web, name: eth0, kind: veth, mtu: 1500, up: true, peer_netns: \"\"}\n",
                  "t.snap:5:5: links[0]: peer_netns and peer go together: give both or neither\n" },
                { "  - {netns: \"\", name: eth0, kind: tap, mtu: 1500, up: true, mac: \"02:42\"}\n",
                  "t.snap:5:35: links[0].kind: expected bridge, veth, loopback or other, got 'tap'\n"
                  "t.snap:5:66: links[0].mac: expected a MAC address like 02:42:ac:11:00:02, got '02:42'\n" },
        };

        (void) state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *text;

                assert_true(asprintf(&text, "%s%s%s", head, cases[i].links, tail) > 0);
                expect_diags(text, cases[i].expected);
                free(text);
        }
        expect_diags("# netconverge snapshot\nsnapshot: 1\nip_forward: 2\nnamespaces: []\nlinks: []\n"
                     "addresses: []\nroutes: []\n",
                     "t.snap:3:13: ip_forward: expected 0 or 1, got '2'\n");
        expect_diags("# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks: []\naddresses: []\nroutes: []\n"
                     "nft:\n  table: t\n  chains:\n    - {name: p, hook: none}\n    - {name: p, hook: none}\n"
                     "  rules:\n    - {chain: q, kind: other}\n",
                     "t.snap:11:7: nft.chains[1]: duplicate chain (first at line 10)\n"
                     "t.snap:13:15: nft.rules[0].chain: chain 'q' is not listed under nft.chains\n");
        expect_diags("# netconverge snapshot\nsnapshot: 1\nnamespaces: []\nlinks: []\naddresses: []\nroutes: []\n"
                     "nft:\n  table: \"\"\n  chains: []\n  rules: []\n"
                     "  rules: []\n",
                     "t.snap:11:3: nft.rules: duplicate key (first at line 10)\n");
}

static char *show_text(const struct nc_show *sh) {
        char *t = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&t, &n);

        assert_non_null(f);
        assert_int_equal(nc_show_print_config(sh, f), 0);
        fclose(f);
        return t;
}

static const char show_header[] =
        "# netconverge show: what netconverge manages on this host, as a configuration file.\n";

/* show's file validates and, planned against the state it came from, is
 * in sync. */
static void test_show_converged(void **state) {
        struct nc_state *s = read_ok(converged_nat_snap);
        struct nc_show *sh = NULL;
        struct nc_model *m = NULL;
        struct nc_plan *p = NULL;
        struct nc_diags d;
        char *t, *expected;

        (void) state;
        /* The veth's bridge port in hairpin mode, as apply leaves it. */
        ((struct nc_link *) nc_state_find_link(s, "", "vethbb8e173b"))->hairpin = true;
        assert_int_equal(nc_show_build(s, &sh), 0);
        t = show_text(sh);
        assert_int_not_equal(asprintf(&expected, "%s%s", show_header,
                                      "version: 1\n"
                                      "\n"
                                      "bridges:\n"
                                      "  docker0:\n"
                                      "    subnet: 172.17.0.0/16\n"
                                      "    gateway: 172.17.0.1\n"
                                      "    mtu: 1500\n"
                                      "\n"
                                      "containers:\n"
                                      "  web:\n"
                                      "    netns: web\n"
                                      "    networks:\n"
                                      "      docker0:\n"
                                      "        address: 172.17.0.2\n"
                                      "        mac: \"02:42:ac:11:00:02\"\n"
                                      "        interface: eth0\n"
                                      "        host_interface: vethbb8e173b\n"
                                      "    ports:\n"
                                      "      - \"8080:80\"\n"), -1);
        assert_string_equal(t, expected);
        assert_int_equal(nc_diags_init(&d, "show.yaml"), 0);
        assert_int_equal(nc_config_load_buffer(t, strlen(t), &d, &m), 0);
        nc_diags_done(&d);
        assert_int_equal(nc_plan_compute(m, s, &p), 0);
        assert_int_equal(p->n_conflicts, 0);
        assert_int_equal(p->n_add + p->n_modify + p->n_remove, 0);
        nc_plan_free(p);
        nc_model_free(m);
        free(expected);
        free(t);
        nc_show_free(sh);
        nc_state_free(s);
}

/* What a file cannot say is left out with a note, so the file validates. */
static void test_show_leaves_out(void **state) {
        static const char snap[] =
                "snapshot: 1\n"
                "namespaces: [{netns: gone, exists: false}, {netns: web, exists: true}]\n"
                "links:\n"
                "  - {netns: \"\", name: br1, kind: bridge, mtu: 1500, up: true, alias: \"netconverge:bridge\","
                " group: 28259}\n"
                "  - {netns: \"\", name: br2, kind: bridge, mtu: 1500, up: true, alias: \"netconverge:bridge\","
                " group: 28259}\n"
                "  - {netns: \"\", name: d0, kind: other, mtu: 1500, alias: \"netconverge:bridge\", group: 28259}\n"
                "  - {netns: \"\", name: foreign, kind: bridge, mtu: 1500, up: true}\n"
                "  - {netns: \"\", name: va, kind: veth, mtu: 1500, up: true, alias: \"netconverge:veth web br2 web\","
                " group: 28259,"
                " peer_netns: web, peer: eth0}\n"
                "  - {netns: \"\", name: vb, kind: veth, mtu: 1500, up: true, alias: \"netconverge:veth ghost br2 gone\","
                " group: 28259}\n"
                "  - {netns: \"\", name: vc, kind: veth, mtu: 1500, up: true, alias: \"netconverge:veth web br1 web\","
                " group: 28259}\n"
                "  - {netns: \"\", name: vd, kind: veth, mtu: 1500, up: true, alias: \"netconverge:veth web br2 other\","
                " group: 28259}\n"
                "  - {netns: \"\", name: ve, kind: veth, mtu: 1500, up: true, alias: \"netconverge:veth Bad!\\x01 br2 x\","
                " group: 28259}\n"
                "  - {netns: web, name: eth0, kind: veth, mtu: 1500, mac: \"02:42:0a:00:00:07\", up: true,"
                " alias: \"netconverge:peer web br2\", group: 28259, peer_netns: \"\", peer: va}\n"
                "addresses:\n"
                "  - {netns: \"\", dev: br1, address: 10.1.0.0/24}\n"
                "  - {netns: \"\", dev: br2, address: 10.2.0.1/24}\n"
                "  - {netns: \"\", dev: foreign, address: 10.3.0.1/24}\n"
                "  - {netns: web, dev: eth0, address: 10.9.0.7/24}\n";
        struct nc_state *s = read_ok(snap);
        struct nc_show *sh = NULL;
        struct nc_model *m = NULL;
        struct nc_diags d;
        char *t, *expected;

        (void) state;
        assert_int_equal(nc_show_build(s, &sh), 0);
        t = show_text(sh);
        assert_int_not_equal(
                asprintf(&expected, "%s%s", show_header,
                         "# left out: bridge br1: no address that can be a gateway (a host address of a /8 to /30, or of an IPv6 /48 "
                         "to /120)\n"
                         "# left out: address 10.9.0.7/24 on eth0 in netns web: not a host address of bridge br2\n"
                         "# left out: veth vb of container ghost: no container end in netns gone\n"
                         "# left out: veth vc of container web: bridge br1 is not shown\n"
                         "# left out: veth vd of container web: no container end in netns other\n"
                         "# left out: veth ve: its mark 'netconverge:veth Bad!? br2 x' names no valid container and"
                         " namespace\n"
                         "version: 1\n"
                         "\n"
                         "bridges:\n"
                         "  br2:\n"
                         "    subnet: 10.2.0.0/24\n"
                         "    gateway: 10.2.0.1\n"
                         "    mtu: 1500\n"
                         "    masquerade: false\n"
                         "\n"
                         "containers:\n"
                         "  web:\n"
                         "    netns: web\n"
                         "    networks:\n"
                         "      br2:\n"
                         "        mac: \"02:42:0a:00:00:07\"\n"
                         "        interface: eth0\n"
                         "        host_interface: va\n"), -1);
        assert_string_equal(t, expected);
        assert_int_equal(nc_diags_init(&d, "show.yaml"), 0);
        assert_int_equal(nc_config_load_buffer(t, strlen(t), &d, &m), 0);
        nc_diags_done(&d);
        nc_model_free(m);
        free(expected);
        free(t);
        nc_show_free(sh);
        nc_state_free(s);
}

/* What the kernel holds once the plan for text is applied. */
static struct nc_state *converged_from(const char *text) {
        struct nc_model *m = NULL;
        struct nc_state *s;
        struct nc_diags d;

        assert_int_equal(nc_diags_init(&d, "t.yaml"), 0);
        assert_int_equal(nc_config_load_buffer(text, strlen(text), &d, &m), 0);
        nc_diags_done(&d);
        s = nc_test_converged(m);
        nc_model_free(m);
        return s;
}

/* The file routes a container through its first network: show lists
 * that one first, whatever the bridges are called, then the others as
 * numbered (eth2 before eth10); the result plans as in sync. */
static void test_show_first_network(void **state) {
        static const char file[] =
                "version: 1\n"
                "bridges:\n"
                "  aa: {subnet: 10.1.0.0/24}\n"
                "  mm: {subnet: 10.2.0.0/24}\n"
                "  zz: {subnet: 10.3.0.0/24}\n"
                "containers:\n"
                "  one:\n"
                "    networks:\n"
                "      zz: {interface: eth5}\n"
                "      mm: {interface: eth10}\n"
                "      aa: {interface: eth2}\n"
                "  two: {networks: [mm, aa]}\n";
        struct nc_state *s = converged_from(file);
        struct nc_show *sh = NULL;
        struct nc_model *m = NULL;
        struct nc_plan *p = NULL;
        struct nc_diags d;
        const struct nc_container *c;
        char *t;

        (void) state;
        assert_int_equal(nc_show_build(s, &sh), 0);
        assert_int_equal(sh->n_notes, 0);
        c = nc_model_find_container(sh->model, "one");
        assert_non_null(c);
        assert_int_equal(c->n_networks, 3);
        assert_string_equal(c->networks[0].bridge, "zz");
        assert_string_equal(c->networks[1].bridge, "aa");
        assert_string_equal(c->networks[2].bridge, "mm");
        c = nc_model_find_container(sh->model, "two");
        assert_non_null(c);
        assert_string_equal(c->networks[0].bridge, "mm");
        t = show_text(sh);
        assert_int_equal(nc_diags_init(&d, "show.yaml"), 0);
        assert_int_equal(nc_config_load_buffer(t, strlen(t), &d, &m), 0);
        nc_diags_done(&d);
        assert_int_equal(nc_plan_compute(m, s, &p), 0);
        assert_int_equal(p->n_conflicts, 0);
        assert_int_equal(p->n_add + p->n_modify + p->n_remove, 0);
        nc_plan_free(p);
        nc_model_free(m);
        free(t);
        nc_show_free(sh);
        nc_state_free(s);
}

static void test_show_empty(void **state) {
        struct nc_state *s = read_ok("");
        struct nc_show *sh = NULL;
        char *t, *expected;

        (void) state;
        assert_int_equal(nc_show_build(s, &sh), 0);
        t = show_text(sh);
        assert_int_not_equal(asprintf(&expected, "%sversion: 1\n\nbridges: {}\n\ncontainers: {}\n", show_header), -1);
        assert_string_equal(t, expected);
        free(expected);
        free(t);
        nc_show_free(sh);
        nc_state_free(s);
}

static void test_nlerr(void **state) {
        (void) state;
        assert_int_equal(nc_nlerr_to_errno(0), 0);
        assert_int_equal(nc_nlerr_to_errno(-NLE_EXIST), -EEXIST);
        assert_int_equal(nc_nlerr_to_errno(NLE_EXIST), -EEXIST);
        assert_int_equal(nc_nlerr_to_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
        assert_int_equal(nc_nlerr_to_errno(-NLE_PERM), -EPERM);
        assert_int_equal(nc_nlerr_to_errno(-NLE_NOACCESS), -EACCES);
        assert_int_equal(nc_nlerr_to_errno(-NLE_NODEV), -ENODEV);
        assert_int_equal(nc_nlerr_to_errno(-NLE_NOMEM), -ENOMEM);
        assert_int_equal(nc_nlerr_to_errno(-NLE_DUMP_INTR), -EINTR);
        assert_int_equal(nc_nlerr_to_errno(-NLE_FAILURE), -EIO);
        assert_int_equal(nc_nlerr_to_errno(-10000), -EIO);
        /* Every code maps to some errno, none to success. */
        for (int i = 1; i <= NLE_MAX; i++)
                assert_true(nc_nlerr_to_errno(-i) < 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_exact),
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_empty_is_fresh_host),
                cmocka_unit_test(test_any_order_reads_sorted),
                cmocka_unit_test(test_quoting_round_trips),
                cmocka_unit_test(test_binary_round_trips),
                cmocka_unit_test(test_binary_errors),
                cmocka_unit_test(test_errors_with_positions),
                cmocka_unit_test(test_nft_round_trip),
                cmocka_unit_test(test_table_marks_round_trip),
                cmocka_unit_test(test_table_marks_errors),
                cmocka_unit_test(test_table_flags_and_objects),
                cmocka_unit_test(test_table_flags_errors),
                cmocka_unit_test(test_forward_drops_round_trip),
                cmocka_unit_test(test_foreign_round_trip),
                cmocka_unit_test(test_foreign_errors),
                cmocka_unit_test(test_forward_drops_errors),
                cmocka_unit_test(test_vxlan_round_trip),
                cmocka_unit_test(test_vxlan6_round_trip),
                cmocka_unit_test(test_vxlan_errors),
                cmocka_unit_test(test_nft_write_exact),
                cmocka_unit_test(test_nft_errors),
                cmocka_unit_test(test_nft6_round_trip),
                cmocka_unit_test(test_nft6_errors),
                cmocka_unit_test(test_peer_needs_both_keys),
                cmocka_unit_test(test_read_file),
                cmocka_unit_test(test_thousand_containers),
                cmocka_unit_test(test_lines_round_trip),
                cmocka_unit_test(test_lines_fall_back),
                cmocka_unit_test(test_namespace_problems_round_trip),
                cmocka_unit_test(test_namespace_problems_errors),
                cmocka_unit_test(test_lines_errors),
                cmocka_unit_test(test_show_converged),
                cmocka_unit_test(test_show_leaves_out),
                cmocka_unit_test(test_show_first_network),
                cmocka_unit_test(test_show_empty),
                cmocka_unit_test(test_nlerr),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
