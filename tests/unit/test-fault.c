/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/fault.h"

/* The NC_FAULT values the crash test (tests/integration/test-crash.sh)
 * relies on, and the ones a typo makes: refused, never taken as "off". */
static void test_parse(void **state) {
        static const char *const bad[] = {
                "kill", "kill:", "kill:0", "kill:-1", "kill:1x", "kill: 1", "skip:", "skip:01", "Count", "kil:1",
                "kill:99999999999999999999999",
        };
        struct nc_fault f;

        (void) state;
        assert_int_equal(nc_fault_parse(NULL, &f), 0);
        assert_int_equal(f.mode, NC_FAULT_OFF);
        assert_int_equal(nc_fault_parse("", &f), 0);
        assert_int_equal(f.mode, NC_FAULT_OFF);
        assert_int_equal(nc_fault_parse("count", &f), 0);
        assert_int_equal(f.mode, NC_FAULT_COUNT);
        assert_int_equal(nc_fault_parse("kill:7", &f), 0);
        assert_int_equal(f.mode, NC_FAULT_KILL);
        assert_int_equal(f.k, 7);
        assert_int_equal(nc_fault_parse("skip:291", &f), 0);
        assert_int_equal(f.mode, NC_FAULT_SKIP);
        assert_int_equal(f.k, 291);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(nc_fault_parse(bad[i], &f), -EINVAL);
}

/* skip:K skips exactly the K-th request and counts every one; no fault
 * (NULL, or off) counts nothing and skips nothing. */
static void test_skip_counts(void **state) {
        struct nc_fault f, off = {};
        int skipped = 0;

        (void) state;
        assert_int_equal(nc_fault_parse("skip:3", &f), 0);
        for (int i = 1; i <= 5; i++)
                if (nc_fault_skip(&f)) {
                        assert_int_equal(i, 3);
                        skipped++;
                } else
                        assert_int_equal(nc_fault_done(&f, i), i);
        assert_int_equal(skipped, 1);
        assert_int_equal(f.n, 5);
        assert_false(nc_fault_skip(NULL));
        assert_int_equal(nc_fault_done(NULL, -5), -5);
        assert_false(nc_fault_skip(&off));
        assert_int_equal(off.n, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_skip_counts),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
