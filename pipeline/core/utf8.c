/* core/utf8.c - the out-of-line half of the UTF-8 codec (utf8.h): the strict check of one
 * multi-byte sequence, which the decoder and the validator share, the validator with
 * its 8-bytes-at-a-time ASCII path (every document passes through it once), and the
 * character count (32 bytes a step with AVX2 where the CPU has it).
 * Never allocates, never reads past the length it is given.
 */
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__) && !defined(PM_NO_SIMD) /* PM_NO_SIMD: portable code only */
#include <immintrin.h>
#define PM_UTF8_HAVE_AVX2 1
#endif

#include "policyminer/utf8.h"

/* Length (2..4) of the valid multi-byte sequence at p (n bytes left), else 0. The ranges
 * for the second byte are RFC 3629's table: they exclude overlongs (E0 80..9F, F0
 * 80..8F), surrogates (ED A0..BF) and values above U+10FFFF (F4 90..BF). */
static inline size_t seq_ok(const unsigned char *p, size_t n)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0; /* a continuation byte, C0/C1 (always overlong) or F5..FF */
    if (len > n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if (!pm_utf8_is_cont(p[k]))
            return 0;
    return len;
}

int pm_utf8_next_slow_(const unsigned char *p, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = seq_ok(p, n);
    if (!len)
        return 0;
    uint32_t v = p[0] & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++)
        v = v << 6 | (p[k] & 0x3Fu);
    *cp = v;
    return (int)len;
}

#ifdef PM_UTF8_HAVE_AVX2
/* Continuation bytes in s[0..*n rounded down to 32): a byte lane counts them (one compare
 * and one subtract per 32 bytes, signed: 0x80..0xBF are the bytes below -64), summed
 * across lanes every 255 steps before a lane can overflow. */
__attribute__((target("avx2"))) static size_t count_cont_avx2(const char *s, size_t n)
{
    size_t k = 0, i = 0;
    const __m256i lim = _mm256_set1_epi8(-64), zero = _mm256_setzero_si256();
    while (i + 32 <= n) {
        __m256i acc = zero;
        for (int j = 0; j < 255 && i + 32 <= n; j++, i += 32)
            acc = _mm256_sub_epi8(acc, _mm256_cmpgt_epi8(lim, _mm256_loadu_si256((const __m256i *)(const void *)(s + i))));
        __m256i sum = _mm256_sad_epu8(acc, zero);
        k += (size_t)_mm256_extract_epi64(sum, 0) + (size_t)_mm256_extract_epi64(sum, 1) +
             (size_t)_mm256_extract_epi64(sum, 2) + (size_t)_mm256_extract_epi64(sum, 3);
    }
    return k;
}
#endif

size_t pm_utf8_count(const char *s, size_t n)
{
    size_t k = 0, i = 0;
#ifdef PM_UTF8_HAVE_AVX2
    if (n >= 64 && __builtin_cpu_supports("avx2")) {
        i = n / 32 * 32;
        k = i - count_cont_avx2(s, i);
    }
#endif
    /* 8 bytes a word: a continuation byte has bit 7 set and bit 6 clear; the flags, moved
     * to bit 0 of each byte, are summed by one multiply into the top byte. Four words a
     * step add their flags first (at most 4 per byte lane), then multiply once. */
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4], c = 0;
        memcpy(w, s + i, 32);
        for (int j = 0; j < 4; j++)
            c += (w[j] & ~(w[j] << 1) & 0x8080808080808080ull) >> 7;
        k += 32 - (size_t)((c * 0x0101010101010101ull) >> 56);
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t cont = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;
        k += 8 - (size_t)((cont * 0x0101010101010101ull) >> 56);
    }
    for (; i < n; i++)
        k += !pm_utf8_is_cont((unsigned char)s[i]);
    return k;
}

int pm_utf8_valid(const char *s, size_t n, size_t *bad_at)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* fast path: 8 ASCII bytes at a time, none of them NUL */
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!(w & 0x8080808080808080ull) &&
                !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        if (p[i] < 0x80) {
            if (p[i] == 0)
                break;
            i++;
            continue;
        }
        /* the 3-byte form outside E0 and ED (no overlong, no surrogate to rule out):
         * most characters of a Chinese text */
        if (p[i] > 0xE0 && p[i] <= 0xEF && p[i] != 0xED && i + 3 <= n &&
            pm_utf8_is_cont(p[i + 1]) && pm_utf8_is_cont(p[i + 2])) {
            i += 3;
            continue;
        }
        size_t len = seq_ok(p + i, n - i);
        if (!len)
            break;
        i += len;
    }
    if (i >= n)
        return 1;
    if (bad_at)
        *bad_at = i;
    return 0;
}
