/* Unit tests for core: status messages/keys, capped buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/hash.h"
#include "policyminer/status.h"
#include "../../pipeline/core/sha256_internal.h"

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

/* SHA-256 on the FIPS 180-4 examples (whatever block function this CPU takes), fed whole
 * and in odd pieces, and the two block functions against each other on random states
 * and blocks where the CPU has the SHA extensions. */
static void test_sha256(void **state)
{
    (void)state;
    static const struct { const char *msg; const char *hex; } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    char hex[65];
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        pm_sha256_hex(v[i].msg, strlen(v[i].msg), hex);
        assert_string_equal(hex, v[i].hex);
    }
    static char a[1000000];
    memset(a, 'a', sizeof a);
    pm_sha256 c;
    pm_sha256_init(&c);
    for (size_t off = 0, step = 1; off < sizeof a; off += step, step = step * 7 % 997 + 1)
        pm_sha256_update(&c, a + off, off + step <= sizeof a ? step : sizeof a - off);
    unsigned char d[32];
    pm_sha256_final(&c, d);
    static const unsigned char want[32] = {
        0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
        0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0};
    assert_memory_equal(d, want, 32);
    if (!pm_sha256_have_ni())
        return;
    uint64_t r = 99;
    for (int it = 0; it < 2000; it++) {
        uint32_t h0[8], h1[8];
        unsigned char blk[64];
        for (int i = 0; i < 8; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            h0[i] = h1[i] = (uint32_t)(r >> 32);
        }
        for (int i = 0; i < 64; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            blk[i] = (unsigned char)(r >> 56);
        }
        pm_sha256_block_kernel(h0, blk, 0);
        pm_sha256_block_kernel(h1, blk, 1);
        assert_memory_equal(h0, h1, sizeof h0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_has_message_and_key),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_buf_cap_is_hard),
        cmocka_unit_test(test_buf_printf_long),
        cmocka_unit_test(test_u64_dec_as_printf),
        cmocka_unit_test(test_errctx),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
