/* Unit tests for core/utf8.c: strict decoding (overlongs, surrogates, truncation, values
 * above U+10FFFF, stray continuations), encoding, validation, boundaries; and that the
 * decoder and the validator agree on every 1- to 3-byte sequence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "policyminer/utf8.h"

static int dec(const char *s, size_t n, uint32_t *cp) { return pm_utf8_next(s, n, cp); }

static void test_decode_valid(void **state)
{
    (void)state;
    uint32_t cp = 0;
    assert_int_equal(dec("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(dec("\xC2\xA0", 2, &cp), 2);
    assert_int_equal(cp, 0xA0);
    assert_int_equal(dec("\xE6\x94\xBF", 3, &cp), 3); /* 政 */
    assert_int_equal(cp, 0x653F);
    assert_int_equal(dec("\xEF\xBF\xBD", 3, &cp), 3);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(dec("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(dec("\xF4\x8F\xBF\xBF", 4, &cp), 4);
    assert_int_equal(cp, 0x10FFFF);
    assert_int_equal(dec("\xD0\x90", 2, &cp), 2); /* Cyrillic А */
    assert_int_equal(cp, 0x410);
    assert_int_equal(dec("中", 3, &cp), 3); /* (was test_textparse's) */
    assert_int_equal(cp, 0x4E2D);
    assert_int_equal(dec("a", 1, &cp), 1);
}

static void test_decode_rejects(void **state)
{
    (void)state;
    uint32_t cp = 7;
    static const struct {
        const char *s;
        size_t n;
    } bad[] = {
        {"", 0},                     /* empty */
        {"\x80", 1},                 /* stray continuation */
        {"\xBF", 1},
        {"\xC0\xAF", 2},             /* overlong '/' */
        {"\xC1\xBF", 2},
        {"\xE0\x80\xAF", 3},         /* overlong 3-byte */
        {"\xE0\x9F\xBF", 3},
        {"\xF0\x80\x80\xAF", 4},     /* overlong 4-byte */
        {"\xF0\x8F\xBF\xBF", 4},
        {"\xED\xA0\x80", 3},         /* surrogate U+D800 */
        {"\xED\xBF\xBF", 3},         /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", 4},     /* U+110000 */
        {"\xF5\x80\x80\x80", 4},
        {"\xFF", 1},
        {"\xC2", 1},                 /* truncated */
        {"\xE6\x94", 2},
        {"\xF0\x9F\x98", 3},
        {"\xE6\x94\xBF", 2},         /* truncated by the length, not the bytes */
        {"\xE6\x41\xBF", 3},         /* bad continuation */
        {"\xC2\x41", 2},
        {"\xF0\x9F\x41\x80", 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dec(bad[i].s, bad[i].n, &cp), 0);
        assert_int_equal(cp, 7); /* untouched */
        size_t at = 99;
        if (bad[i].n) {
            assert_int_equal(pm_utf8_valid(bad[i].s, bad[i].n, &at), 0);
            assert_int_equal(at, 0);
        }
    }
}

static void test_encode(void **state)
{
    (void)state;
    char b[4];
    const uint32_t ok[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size_t l = pm_utf8_encode(ok[i], b);
        assert_true(l >= 1 && l <= 4);
        uint32_t cp;
        if (ok[i]) { /* NUL decodes but does not validate */
            assert_int_equal(pm_utf8_valid(b, l, NULL), 1);
        }
        assert_int_equal(dec(b, l, &cp), (int)l);
        assert_int_equal(cp, ok[i]);
    }
    assert_int_equal(pm_utf8_encode(0xD800, b), 0);
    assert_int_equal(pm_utf8_encode(0xDFFF, b), 0);
    assert_int_equal(pm_utf8_encode(0x110000, b), 0);
    assert_int_equal(pm_utf8_encode(0xFFFFFFFFu, b), 0);
}

/* Decoder and validator agree on every sequence of up to three bytes (and a fourth of
 * each kind), with the ASCII fast path of the validator in front of it. */
static void test_decoder_agrees_with_validator(void **state)
{
    (void)state;
    unsigned char s[16];
    memset(s, 'a', sizeof s);
    for (unsigned a = 0x80; a < 0x100; a++)
        for (unsigned b = 0; b < 0x100; b += 1)
            for (unsigned c = 0x70; c < 0xC8; c += 3) {
                s[8] = (unsigned char)a, s[9] = (unsigned char)b, s[10] = (unsigned char)c;
                s[11] = 0x80;
                uint32_t cp;
                int l = dec((const char *)s + 8, 4, &cp);
                size_t at = 0;
                int v = pm_utf8_valid((const char *)s, 8 + (l ? (size_t)l : 4), &at);
                if (l) {
                    assert_int_equal(v, 1);
                    char e[4];
                    assert_int_equal(pm_utf8_encode(cp, e), (size_t)l);
                    assert_memory_equal(e, s + 8, (size_t)l);
                } else {
                    assert_int_equal(v, 0);
                    assert_int_equal(at, 8);
                }
            }
}

static void test_valid_buffers(void **state)
{
    (void)state;
    const char *t = "policy 政策 text, long enough for the 8-byte path: Акимат \xF0\x9F\x98\x80.";
    assert_int_equal(pm_utf8_valid(t, strlen(t), NULL), 1);
    assert_int_equal(pm_utf8_valid("", 0, NULL), 1);
    size_t at = 0;
    assert_int_equal(pm_utf8_valid("abcdefghij\0k", 12, &at), 0); /* NUL refused */
    assert_int_equal(at, 10);
    assert_int_equal(pm_utf8_valid("abcdefghijkl\xE6\x94", 14, &at), 0);
    assert_int_equal(at, 12);
    assert_int_equal(pm_utf8_count(t, strlen(t)), strlen(t) - 2 * 2 - 6 - 3);
}

/* The 8-bytes-a-step count agrees with counting byte by byte, at every length and offset. */
static void test_count_matches_bytewise(void **state)
{
    (void)state;
    unsigned char b[9000]; /* long enough for the AVX2 count's 255-step sums */
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof b; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (unsigned char)(x >> 16);
    }
    for (size_t off = 0; off < 9; off++)
        for (size_t n = 0; off + n <= sizeof b; n += n < 300 ? 7 : 997) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                k += (b[off + i] & 0xC0) != 0x80;
            assert_int_equal(pm_utf8_count((const char *)b + off, n), k);
        }
    memset(b, 0x80, sizeof b); /* every byte a continuation: the lanes' sums at their top */
    assert_int_equal(pm_utf8_count((const char *)b, sizeof b), 0);
    memset(b, 'a', sizeof b);
    assert_int_equal(pm_utf8_count((const char *)b, sizeof b), sizeof b);
}

static void test_boundaries(void **state)
{
    (void)state;
    const char *s = "a\xE6\x94\xBF" "b"; /* a 政 b: boundaries 0 1 4 5 */
    size_t n = strlen(s);
    assert_int_equal(pm_utf8_floor(s, n, 0), 0);
    assert_int_equal(pm_utf8_floor(s, n, 1), 1);
    assert_int_equal(pm_utf8_floor(s, n, 2), 1);
    assert_int_equal(pm_utf8_floor(s, n, 3), 1);
    assert_int_equal(pm_utf8_floor(s, n, 4), 4);
    assert_int_equal(pm_utf8_floor(s, n, 99), n);
    assert_int_equal(pm_utf8_ceil(s, n, 2), 4);
    assert_int_equal(pm_utf8_ceil(s, n, 4), 4);
    assert_int_equal(pm_utf8_ceil(s, 3, 2), 3);
    assert_int_equal(pm_utf8_complete(s, n), n);
    assert_int_equal(pm_utf8_complete(s, 3), 1); /* "a" + 2 of 政's 3 bytes */
    assert_int_equal(pm_utf8_complete(s, 2), 1);
    assert_int_equal(pm_utf8_complete(s, 4), 4);
    assert_int_equal(pm_utf8_complete("\x94\x94", 2), 2); /* no lead: nothing to judge */
    assert_int_equal(pm_utf8_complete("", 0), 0);
    assert_int_equal(pm_utf8_seqlen('a'), 1);
    assert_int_equal(pm_utf8_seqlen(0x94), 1); /* continuation: steps one */
    assert_int_equal(pm_utf8_seqlen(0xC3), 2);
    assert_int_equal(pm_utf8_seqlen(0xE6), 3);
    assert_int_equal(pm_utf8_seqlen(0xF0), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_valid),
        cmocka_unit_test(test_decode_rejects),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_decoder_agrees_with_validator),
        cmocka_unit_test(test_valid_buffers),
        cmocka_unit_test(test_count_matches_bytewise),
        cmocka_unit_test(test_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
