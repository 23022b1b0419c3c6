/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "netconverge/output.h"

static void test_json_writer(void **state) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);
        struct nc_json j;

        (void) state;
        nc_json_init(&j, f);
        nc_json_object_begin(&j);
        nc_json_key(&j, "s");
        nc_json_string(&j, "a\"b\\c\n\x01");
        nc_json_key(&j, "empty");
        nc_json_array_begin(&j);
        nc_json_array_end(&j);
        nc_json_key(&j, "list");
        nc_json_array_begin(&j);
        nc_json_uint(&j, 1);
        nc_json_bool(&j, false);
        nc_json_null(&j);
        nc_json_array_end(&j);
        nc_json_object_end(&j);
        nc_json_finish(&j);
        fclose(f);
        assert_string_equal(s, "{\n"
                               "  \"s\": \"a\\\"b\\\\c\\n\\u0001\",\n"
                               "  \"empty\": [],\n"
                               "  \"list\": [\n"
                               "    1,\n"
                               "    false,\n"
                               "    null\n"
                               "  ]\n"
                               "}\n");
        free(s);
}

/* Every string the writer emits is valid UTF-8: each byte that does not
 * begin a valid sequence is one \ufffd; valid UTF-8 is copied. */
static void test_json_string_utf8(void **state) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "caf\xc3\xa9", "\"caf\xc3\xa9\"" },                           /* valid 2-byte */
                { "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },                 /* valid 4-byte */
                { "a\xffz", "\"a\\ufffdz\"" },                                  /* never a lead byte */
                { "\x80", "\"\\ufffd\"" },                                      /* stray continuation */
                { "\xc0\xaf", "\"\\ufffd\\ufffd\"" },                           /* overlong '/' */
                { "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },                /* overlong, 3 bytes */
                { "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },                /* surrogate U+D800 */
                { "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },     /* above U+10FFFF */
                { "x\xe2\x82", "\"x\\ufffd\\ufffd\"" },                         /* truncated at the end */
                { "\xe2\x82y", "\"\\ufffd\\ufffdy\"" },                         /* truncated inside */
                { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },                /* control bytes */
                { "\xc3\xa9\xc3", "\"\xc3\xa9\\ufffd\"" },                      /* valid, then truncated */
        };

        (void) state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *s = NULL;
                size_t n = 0;
                FILE *f = open_memstream(&s, &n);
                struct nc_json j;

                nc_json_init(&j, f);
                nc_json_string(&j, cases[i].in);
                fclose(f);
                assert_string_equal(s, cases[i].out);
                free(s);
        }
}

static void test_diags_sorted_and_printed(void **state) {
        struct nc_diags d;
        char *s = NULL;
        size_t n = 0;
        FILE *f;

        (void) state;
        assert_int_equal(nc_diags_init(&d, "f.yaml"), 0);
        nc_diags_add(&d, (struct nc_origin) { 3, 1 }, "b", "second");
        nc_diags_add(&d, (struct nc_origin) { 1, 9 }, "a", "first");
        nc_diags_add(&d, (struct nc_origin) { 3, 1 }, "c", "third, same place, added later");
        nc_diags_add(&d, (struct nc_origin) {}, "", "placeless");
        nc_diags_sort(&d);
        f = open_memstream(&s, &n);
        nc_print_diags_text(&d, f);
        nc_print_diags_json(&d, "validate", f);
        fclose(f);
        assert_string_equal(s, "f.yaml: placeless\n"
                               "f.yaml:1:9: a: first\n"
                               "f.yaml:3:1: b: second\n"
                               "f.yaml:3:1: c: third, same place, added later\n"
                               "{\n"
                               "  \"format_version\": 1,\n"
                               "  \"command\": \"validate\",\n"
                               "  \"errors\": [\n"
                               "    {\n"
                               "      \"kind\": \"file\",\n"
                               "      \"message\": \"placeless\",\n"
                               "      \"file\": \"f.yaml\",\n"
                               "      \"line\": null,\n"
                               "      \"column\": null,\n"
                               "      \"path\": \"\"\n"
                               "    },\n"
                               "    {\n"
                               "      \"kind\": \"file\",\n"
                               "      \"message\": \"first\",\n"
                               "      \"file\": \"f.yaml\",\n"
                               "      \"line\": 1,\n"
                               "      \"column\": 9,\n"
                               "      \"path\": \"a\"\n"
                               "    },\n"
                               "    {\n"
                               "      \"kind\": \"file\",\n"
                               "      \"message\": \"second\",\n"
                               "      \"file\": \"f.yaml\",\n"
                               "      \"line\": 3,\n"
                               "      \"column\": 1,\n"
                               "      \"path\": \"b\"\n"
                               "    },\n"
                               "    {\n"
                               "      \"kind\": \"file\",\n"
                               "      \"message\": \"third, same place, added later\",\n"
                               "      \"file\": \"f.yaml\",\n"
                               "      \"line\": 3,\n"
                               "      \"column\": 1,\n"
                               "      \"path\": \"c\"\n"
                               "    }\n"
                               "  ]\n"
                               "}\n");
        free(s);
        nc_diags_done(&d);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_json_writer),
                cmocka_unit_test(test_json_string_utf8),
                cmocka_unit_test(test_diags_sorted_and_printed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
