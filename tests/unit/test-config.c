/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netconverge/netconverge.h"
#include "loadutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif


static char *model_json(const struct nc_model *m) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);

        assert_non_null(f);
        nc_print_model_json(m, NULL, f);
        fclose(f);
        return s;
}

static void expect_error_code(const char *text, size_t len, int code, const char *message) {
        struct loaded l = load(text, len);
        char *got = diags_text(&l.d);

        assert_int_equal(l.r, code);
        assert_null(l.m);
        assert_string_equal(got, message);
        free(got);
        unload(&l);
}

static void expect_single_error(const char *text, size_t len, const char *message) {
        expect_error_code(text, len, -22, message);
}

static void test_defaults_are_filled(void **state) {
        struct loaded l = load_str("version: 1\n"
                                   "bridges:\n  docker0:\n    subnet: 172.17.0.0/16\n"
                                   "containers:\n  web:\n    networks: [docker0]\n");
        const struct nc_bridge *b;
        const struct nc_container *c;

        (void) state;
        assert_int_equal(l.r, 0);
        assert_string_equal(l.m->settings.table, "netconverge");
        assert_true(l.m->settings.ip_forward);
        b = nc_model_find_bridge(l.m, "docker0");
        assert_non_null(b);
        assert_int_equal(b->gateway, 0xac110001u);
        assert_int_equal(b->mtu, 1500);
        assert_true(b->masquerade);
        assert_true(b->isolated);
        assert_false(b->adopt);
        c = nc_model_find_container(l.m, "web");
        assert_non_null(c);
        assert_string_equal(c->netns, "web");
        assert_int_equal(c->n_networks, 1);
        assert_string_equal(c->networks[0].interface, "eth0");
        assert_string_equal(c->networks[0].host_interface, "vethbb8e173b");
        assert_int_equal(c->networks[0].address, 0xac110002u);
        assert_memory_equal(c->networks[0].mac, ((uint8_t[]) { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 }), 6);
        unload(&l);
}

static void test_interfaces_numbered_in_list_order(void **state) {
        struct loaded l = load_str("version: 1\n"
                                   "bridges: {b1: {subnet: 10.1.0.0/24}, b2: {subnet: 10.2.0.0/24}}\n"
                                   "containers: {c: {networks: [b2, b1]}}\n");
        const struct nc_container *c;

        (void) state;
        assert_int_equal(l.r, 0);
        c = nc_model_find_container(l.m, "c");
        assert_string_equal(c->networks[0].bridge, "b2");
        assert_string_equal(c->networks[0].interface, "eth0");
        assert_string_equal(c->networks[1].bridge, "b1");
        assert_string_equal(c->networks[1].interface, "eth1");
        unload(&l);
}

static void test_mapping_order_changes_nothing(void **state) {
        struct loaded a = load_str("version: 1\n"
                                   "bridges: {x: {subnet: 10.1.0.0/24}, y: {subnet: 10.2.0.0/24}}\n"
                                   "containers:\n"
                                   "  web: {networks: [x], ports: ['80:80']}\n"
                                   "  db: {networks: [x, y]}\n"
                                   "  api: {networks: {y: {}, x: {address: 10.1.0.2}}}\n");
        struct loaded b = load_str("version: 1\n"
                                   "containers:\n"
                                   "  api: {networks: {y: {}, x: {address: 10.1.0.2}}}\n"
                                   "  db: {networks: [x, y]}\n"
                                   "  web: {ports: ['80:80'], networks: [x]}\n"
                                   "bridges: {y: {subnet: 10.2.0.0/24}, x: {subnet: 10.1.0.0/24}}\n");
        char *ja, *jb;

        (void) state;
        assert_int_equal(a.r, 0);
        assert_int_equal(b.r, 0);
        ja = model_json(a.m);
        jb = model_json(b.m);
        assert_string_equal(ja, jb);
        /* db is first by name among those without an explicit address. */
        assert_non_null(strstr(ja, "\"address\": \"10.1.0.3\""));
        free(ja);
        free(jb);
        unload(&a);
        unload(&b);
}

static void test_anchors_and_merge_keys(void **state) {
        struct loaded l = load_str("version: 1\n"
                                   "bridges:\n"
                                   "  a: &jumbo {subnet: 10.0.0.0/24, mtu: 9000, masquerade: false}\n"
                                   "  b:\n    <<: *jumbo\n    subnet: 10.0.1.0/24\n"
                                   "containers:\n  c: {networks: &nets [a, b]}\n  d: {networks: *nets}\n");
        const struct nc_bridge *b;

        (void) state;
        assert_int_equal(l.r, 0);
        b = nc_model_find_bridge(l.m, "b");
        assert_int_equal(b->mtu, 9000);
        assert_false(b->masquerade);
        assert_int_equal(b->subnet, 0x0a000100u);
        assert_int_equal(nc_model_find_container(l.m, "d")->n_networks, 2);
        unload(&l);
}

static void test_every_error_in_one_run_sorted(void **state) {
        struct loaded l = load_str("version: 1\n"
                                   "containers:\n  web: {networks: [docker1]}\n"
                                   "bridges:\n  docker0:\n    subnet: 172.17.0.0/16\n    mtu: big\n    masqerade: true\n");
        char *got = diags_text(&l.d);

        (void) state;
        assert_int_equal(l.r, -22);
        assert_string_equal(got,
                            "t.yaml:3:20: containers.web.networks[0]: bridge 'docker1' is not declared under bridges; did you mean 'docker0'?\n"
                            "t.yaml:7:10: bridges.docker0.mtu: expected an integer MTU (68-65535), got 'big'\n"
                            "t.yaml:8:5: bridges.docker0.masqerade: unknown key; did you mean 'masquerade'?\n");
        free(got);
        unload(&l);
}

static void test_deep_nesting_stops_at_the_limit(void **state) {
        size_t n = 10000;
        char *s = malloc(n + 1);

        (void) state;
        memset(s, '[', n);
        s[n] = '\0';
        expect_single_error(s, n, "t.yaml:1:65: [0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nesting is deeper than 64 levels\n");
        free(s);
}

static void test_alias_bomb_is_refused(void **state) {
        static const char bomb[] =
                "a: &a [x, x, x, x, x, x, x, x, x]\n"
                "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";

        (void) state;
        expect_single_error(bomb, strlen(bomb), "t.yaml:7:8: g[0]: aliases expand to more than 1000000 nodes (an alias bomb?)\n");
}

static void test_file_size_limit(void **state) {
        size_t n = 5u * 1000 * 1000;
        char *s = malloc(n);

        (void) state;
        memset(s, '#', n);
        expect_error_code(s, n, -27 /* EFBIG */, "t.yaml: the file is larger than the limit of 4194304 bytes\n");
        free(s);
}

static void test_node_limit(void **state) {
        size_t items = 600000, n = 2 * items + 1;
        char *s = malloc(n + 1);

        (void) state;
        s[0] = '[';
        for (size_t i = 0; i < items; i++) {
                s[1 + 2 * i] = 'x';
                s[2 + 2 * i] = i + 1 == items ? ']' : ',';
        }
        s[n] = '\0';
        expect_single_error(s, n, "t.yaml:1:1000000: [499999]: the file has more than 500000 nodes\n");
        free(s);
}

static void test_nul_byte_and_junk(void **state) {
        static const char nul[] = "version: 1\nbridges:\0\n";
        unsigned seed = 12345;
        char junk[4096];

        (void) state;
        expect_single_error(nul, sizeof(nul) - 1, "t.yaml: not valid YAML text at byte 19: control characters are not allowed\n");
        expect_single_error("version: \"\\0\"\n", 14, "t.yaml:1:10: version: a value contains a NUL character\n");
        expect_single_error("\x80" "abc", 4, "t.yaml: not valid YAML text at byte 0: invalid leading UTF-8 octet\n");
        expect_single_error("\xff\xfe\x41", 3, "t.yaml: not valid YAML text at byte 2: incomplete UTF-16 character\n");

        /* Whatever the bytes, a clean error and no crash. */
        for (int round = 0; round < 200; round++) {
                struct loaded l;

                for (size_t i = 0; i < sizeof(junk); i++) {
                        seed = seed * 1103515245u + 12345u;
                        junk[i] = (char) (seed >> 16);
                }
                l = load(junk, sizeof(junk));
                assert_int_equal(l.r, -22);
                assert_true(l.d.n >= 1);
                unload(&l);
        }
}

static void test_memory_stays_bounded(void **state) {
        (void) state;
#ifdef UNDER_ASAN
        skip();
#else
        /* After every hostile input above (cmocka runs tests in order in one
         * process), the peak resident size is still small. */
        char line[256];
        long hwm_kb = -1;
        FILE *f = fopen("/proc/self/status", "re");

        assert_non_null(f);
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "VmHWM: %ld kB", &hwm_kb) == 1)
                        break;
        fclose(f);
        assert_true(hwm_kb > 0);
        assert_true(hwm_kb < 128 * 1024);
#endif
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults_are_filled),
                cmocka_unit_test(test_interfaces_numbered_in_list_order),
                cmocka_unit_test(test_mapping_order_changes_nothing),
                cmocka_unit_test(test_anchors_and_merge_keys),
                cmocka_unit_test(test_every_error_in_one_run_sorted),
                cmocka_unit_test(test_deep_nesting_stops_at_the_limit),
                cmocka_unit_test(test_alias_bomb_is_refused),
                cmocka_unit_test(test_file_size_limit),
                cmocka_unit_test(test_node_limit),
                cmocka_unit_test(test_nul_byte_and_junk),
                cmocka_unit_test(test_memory_stays_bounded),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
