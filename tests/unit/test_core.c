/* Unit tests for core: status messages/keys, capped buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/status.h"

static void test_every_status_has_message_and_key(void **state)
{
    (void)state;
    for (int s = 0; s < PM_STATUS_LAST; s++) {
        assert_string_not_equal(pm_strerror((pm_status)s), "unknown status");
        assert_string_not_equal(pm_status_key((pm_status)s), "unknown");
        /* keys are snake_case: table values researchers filter on */
        for (const char *k = pm_status_key((pm_status)s); *k; k++)
            assert_true((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_');
    }
    assert_string_equal(pm_status_key(PM_ERR_GZ_TRUNCATED), "gzip_truncated");
}

static void test_buf_cap_is_hard(void **state)
{
    (void)state;
    pm_buf b;
    pm_buf_init(&b, 10);
    assert_int_equal(pm_buf_append(&b, "0123456789", 10), PM_OK);
    assert_int_equal(b.len, 10);
    assert_int_equal(pm_buf_append(&b, "x", 1), PM_ERR_TOO_BIG);
    assert_int_equal(b.len, 10); /* unchanged on failure */
    assert_memory_equal(b.data, "0123456789", 11);
    pm_buf_consume(&b, 4);
    assert_string_equal(b.data, "456789");
    assert_int_equal(pm_buf_printf(&b, "%d", 1234), PM_OK);
    assert_string_equal(b.data, "4567891234");
    assert_int_equal(pm_buf_printf(&b, "%s", "y"), PM_ERR_TOO_BIG);
    pm_buf_reset(&b);
    assert_int_equal(b.len, 0);
    pm_buf_free(&b);
    pm_buf_free(&b); /* free twice is harmless */
}

static void test_buf_printf_long(void **state)
{
    (void)state;
    pm_buf b;
    pm_buf_init(&b, 1 << 20);
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(pm_buf_printf(&b, "<%s>", big), PM_OK);
    assert_int_equal(b.len, 1001);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[1000], '>');
    pm_buf_free(&b);
}

/* pm_u64_dec prints what printf's "%0*llu" prints, for every width it takes */
static void test_u64_dec_as_printf(void **state)
{
    (void)state;
    const uint64_t vs[] = {0, 7, 10, 99, 100, 101, 999, 1000, 12345, 4294967295u,
                          18446744073709551615ull};
    for (size_t i = 0; i < sizeof vs / sizeof *vs; i++)
        for (unsigned w = 0; w <= PM_U64_DEC_MAX; w++) {
            char got[PM_U64_DEC_MAX + 1], want[32];
            size_t n = pm_u64_dec(got, vs[i], w);
            got[n] = '\0';
            snprintf(want, sizeof want, "%0*llu", (int)w, (unsigned long long)vs[i]);
            assert_string_equal(got, want);
        }
}

static void test_errctx(void **state)
{
    (void)state;
    pm_errctx e;
    pm_errctx_clear(&e);
    assert_int_equal(e.code, PM_OK);
    assert_int_equal(pm_errctx_set(&e, PM_ERR_IO, "a.gz", "at %d", 7), PM_ERR_IO);
    assert_string_equal(e.file, "a.gz");
    assert_string_equal(e.detail, "at 7");
    assert_int_equal(pm_errctx_set(NULL, PM_ERR_IO, NULL, NULL), PM_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_has_message_and_key),
        cmocka_unit_test(test_buf_cap_is_hard),
        cmocka_unit_test(test_buf_printf_long),
        cmocka_unit_test(test_u64_dec_as_printf),
        cmocka_unit_test(test_errctx),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
