/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "netconverge/config.h"
#include "netconverge/plan.h"
#include "netconverge/state.h"

#include "netconverge/output.h"
#include "util/escape.h"

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
                { "\xc2\x9b[31m", "\"\\u009b[31m\"" },                             /* C1 CSI */
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

/* The text printers' escaping (util/escape.h): controls and bytes that
 * are not UTF-8 as C escapes, valid UTF-8 and backslashes as they are, and
 * escaping twice changes nothing. */
static void test_text_escape(void **state) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "docker0", "docker0" },
                { "caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80" },   /* valid UTF-8 */
                { "\x1b[31mbridges", "\\x1b[31mbridges" },                      /* ESC */
                { "a\ab\bc\td\ne\vf\fg\rh", "a\\ab\\bc\\td\\ne\\vf\\fg\\rh" },     /* named */
                { "\x01\x1f\x7f", "\\x01\\x1f\\x7f" },                         /* C0 and DEL */
                { "br\xc2\x9b" "0", "br\\xc2\\x9b0" },                               /* C1 CSI, byte by byte */
                { "\xc2\xa0", "\xc2\xa0" },                                       /* U+00A0 is no control */
                { "a\xffz\x80", "a\\xffz\\x80" },                                 /* not UTF-8 */
                { "x\xe2\x82", "x\\xe2\\x82" },                                   /* truncated */
                { "C:\\dir", "C:\\dir" },                                       /* backslash kept */
        };

        (void) state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *s = NULL, *t = NULL;
                size_t n = 0, m = 0;
                FILE *f = open_memstream(&s, &n);

                nc_escape_fputs(cases[i].in, f);
                fclose(f);
                assert_string_equal(s, cases[i].out);
                assert_true(nc_escape_clean(s, strlen(s)));
                f = open_memstream(&t, &m);
                nc_escape_fputs(s, f);
                fclose(f);
                assert_string_equal(t, s);
                free(s);
                free(t);
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

static char *printed_apply(const struct nc_apply_report *r, const struct nc_document *doc) {
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);

        assert_non_null(f);
        assert_int_equal(nc_print_apply_json(r, doc, f), 0);
        fclose(f);
        return s;
}

/* What apply's progress callback says becomes an outcome: 0 applied,
 * -ECANCELED (skipped, or an nftables batch not sent) not attempted with
 * apply's reason, anything else failed with the kernel's words. */
static void test_change_result_from_progress(void **state) {
        struct nc_change_result res = {};

        (void) state;
        assert_int_equal(nc_change_result_set(&res, 0, ""), 0);
        assert_int_equal(res.outcome, NC_OUTCOME_APPLIED);
        assert_null(res.message);
        assert_int_equal(nc_change_result_set(&res, -EEXIST, "Address already assigned"), 0);
        assert_int_equal(res.outcome, NC_OUTCOME_FAILED);
        assert_string_equal(res.message, "Address already assigned");
        assert_int_equal(nc_change_result_set(&res, -EPERM, ""), 0);
        assert_string_equal(res.message, strerror(EPERM));
        assert_int_equal(nc_change_result_set(&res, -ECANCELED, "not attempted: a change it depends on failed"), 0);
        assert_int_equal(res.outcome, NC_OUTCOME_NOT_ATTEMPTED);
        assert_string_equal(res.message, "not attempted: a change it depends on failed");
        nc_change_result_done(&res);
        assert_string_equal(nc_outcome_to_string(NC_OUTCOME_NOT_ATTEMPTED), "not attempted");
        assert_string_equal(nc_outcome_to_string(NC_OUTCOME_APPLIED), "applied");
        assert_string_equal(nc_outcome_to_string(NC_OUTCOME_FAILED), "failed");
        assert_null(nc_outcome_to_string(_NC_OUTCOME_MAX));
}

/* The apply document: each change as diff writes it, plus its outcome;
 * counts of each outcome; the errors of the run. */
static void test_apply_document(void **state) {
        static const char text[] = "version: 1\nbridges:\n  br0: {subnet: 10.1.0.0/24}\n"
                                   "containers:\n  web: {networks: [br0]}\n";
        struct nc_model *m = NULL;
        struct nc_state *fresh = nc_state_new();
        struct nc_plan *p = NULL;
        struct nc_change_result *res;
        struct nc_errors errors = {};
        struct nc_document doc = { .command = "apply", .errors = &errors };
        struct nc_apply_report r;
        struct nc_diags d;
        char *got, *plan = NULL, want[256];
        size_t n = 0;
        FILE *f;

        (void) state;
        assert_int_equal(nc_diags_init(&d, "t.yaml"), 0);
        assert_int_equal(nc_config_load_buffer(text, strlen(text), &d, &m), 0);
        nc_diags_done(&d);
        assert_non_null(fresh);
        assert_int_equal(nc_plan_compute(m, fresh, &p), 0);
        assert_true(p->n_actions >= 4);
        res = calloc(p->n_actions, sizeof(*res));
        assert_non_null(res);
        assert_int_equal(nc_change_result_set(&res[0], 0, ""), 0);
        assert_int_equal(nc_change_result_set(&res[1], -EEXIST, "File exists"), 0);
        assert_int_equal(nc_change_result_set(&res[2], -ECANCELED, "not attempted: a change it depends on failed"), 0);
        nc_errors_add(&errors, NC_ERROR_APPLY, "+ bridge br0 (mtu 1500): File exists");
        r = (struct nc_apply_report) { .plan = p, .results = res, .wait_seconds = 10, .verified = 0, .rest = p };
        got = printed_apply(&r, &doc);

        assert_non_null(strstr(got, "{\n  \"format_version\": 1,\n  \"command\": \"apply\",\n  \"dry_run\": false,\n"));
        assert_non_null(strstr(got, "\"text\": \"+ netns web\",\n      \"outcome\": \"applied\"\n"));
        assert_non_null(strstr(got, "\"text\": \"+ bridge br0 (mtu 1500)\",\n      \"outcome\": \"failed\",\n"));
        assert_non_null(strstr(got, "\"outcome\": \"failed\",\n      \"message\": \"File exists\"\n"));
        assert_non_null(strstr(got, "\"outcome\": \"not attempted\",\n      \"message\": \"not attempted: a change"));
        snprintf(want, sizeof(want),
                 "\"summary\": {\n    \"add\": %zu,\n    \"change\": %zu,\n    \"remove\": 0,\n    \"applied\": 1,\n"
                 "    \"failed\": 1,\n    \"not_attempted\": %zu\n  },\n  \"wait_seconds\": 10,\n  \"not_up\": [],\n"
                 "  \"verified\": false,\n  \"still_to_do\": [\n",
                 p->n_add, p->n_modify, p->n_actions - 2);
        assert_non_null(strstr(got, want));
        assert_non_null(strstr(got, "\"errors\": [\n    {\n      \"kind\": \"apply\",\n"));
        /* The changes are diff's: its document's first change, up to its
         * text, is in the apply document as it is. */
        f = open_memstream(&plan, &n);
        assert_int_equal(nc_print_plan_json(p, NULL, f), 0);
        fclose(f);
        *strstr(strstr(plan, "\"text\""), "\n") = '\0';
        assert_non_null(strstr(got, strstr(plan, "    {\n      \"action\"")));
        free(got);

        /* Links still down after the wait, by namespace and name. */
        r = (struct nc_apply_report) { .plan = p, .results = res, .verified = 0,
                                       .not_up = (struct nc_link_name[]) { { "", "br0" }, { "web", "eth0" } },
                                       .n_not_up = 2 };
        got = printed_apply(&r, &doc);
        assert_non_null(strstr(got, "\"not_up\": [\n    {\n      \"netns\": \"\",\n      \"name\": \"br0\"\n    },\n"
                                    "    {\n      \"netns\": \"web\",\n      \"name\": \"eth0\"\n    }\n  ],\n"));
        free(got);

        /* A dry run: nothing attempted, nothing verified. */
        r = (struct nc_apply_report) { .dry_run = true, .plan = p, .verified = -1 };
        got = printed_apply(&r, NULL);
        assert_null(strstr(got, "\"outcome\": \"applied\""));
        assert_non_null(strstr(got, "\"verified\": null,\n  \"still_to_do\": []"));
        assert_non_null(strstr(got, "\"command\": null"));
        free(got);

        for (size_t i = 0; i < p->n_actions; i++)
                nc_change_result_done(&res[i]);
        free(res);
        free(plan);
        nc_errors_done(&errors);
        nc_plan_free(p);
        nc_state_free(fresh);
        nc_model_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_json_writer),
                cmocka_unit_test(test_json_string_utf8),
                cmocka_unit_test(test_text_escape),
                cmocka_unit_test(test_change_result_from_progress),
                cmocka_unit_test(test_apply_document),
                cmocka_unit_test(test_diags_sorted_and_printed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
