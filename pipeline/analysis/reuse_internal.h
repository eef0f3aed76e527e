/* analysis/reuse_internal.h - what the corpus side of text reuse (reuse.c) shares with the
 * per-document side (minhash.c): decoding a normalised text and hashing its shingles, so
 * both sides cut and hash shingles the same way. */
#ifndef PM_REUSE_INTERNAL_H
#define PM_REUSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/reuse.h"

#define PM_REUSE_SHINGLE 5 /* code points per shingle */

/* The normalised text's stored form (what pm_reuse_doc appends, the record carries and
 * the spill holds): 16-bit little-endian units, code points above U+FFFF as surrogate
 * pairs. pm_reuse_decode decodes len bytes of it into at most cap code points and returns
 * how many; pm_reuse_text_chars counts its code points. */
size_t pm_reuse_decode(const char *text, size_t len, uint32_t *cp, size_t cap);
size_t pm_reuse_text_chars(const char *text, size_t len);

/* pm_reuse_doc with the kernel chosen (the caller has checked the CPU): 0 the scalar
 * loops; on x86-64 builds 1 the AVX2 loops, 2 AVX-512 hashing, 3 AVX-512 decoding too.
 * Every level gives the same bytes. */
pm_status pm_reuse_doc_kernel(const pm_reuse_options *o, const char *body,
                              size_t body_len, const char *docno, size_t docno_len, pm_buf *text,
                              uint32_t sig[PM_REUSE_K], unsigned *nsig, pm_buf *keys, int simd);

/* 64-bit hash of the shingle cp[0..PM_REUSE_SHINGLE). */
static inline uint64_t pm_reuse_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static inline uint64_t pm_reuse_shingle(const uint32_t *cp)
{
    uint64_t hi = (uint64_t)cp[0] << 42 | (uint64_t)cp[1] << 21 | cp[2];
    uint64_t lo = (uint64_t)cp[3] << 21 | cp[4];
    return pm_reuse_mix64(hi ^ (lo + 0x7265757365ull) * 0x9E3779B97F4A7C15ull);
}

/* The consistent verification sample: a shingle is in it when its low two bits are 0
 * (1 in 4, the same shingles in every document); its key is the high 32 bits. */
#define PM_REUSE_SAMPLED(h) (((h) & 3u) == 0)
#define PM_REUSE_KEY(h) ((uint32_t)((h) >> 32))

#endif
