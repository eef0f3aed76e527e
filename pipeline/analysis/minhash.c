/* analysis/minhash.c - the per-document half of text reuse: normalise a body and sign it.
 *
 * Normalisation keeps what a copier copies and drops what a re-typist changes: full-width
 * ASCII folds to ASCII (the NFKC width fold; ASCII letters lower-cased), whitespace and
 * punctuation (ASCII, CJK symbols, general and full/half-width punctuation) go, and the
 * line holding the document's 文号 goes (every reissue changes it). The signature is a
 * one-permutation MinHash (Li, Owen & Zhang 2012): each 5-gram shingle's 64-bit hash picks
 * one of PM_REUSE_K bins and the bin keeps its smallest 32-bit value; empty bins (short
 * texts) borrow from the next filled bin to the right, shifted by the distance (rotation
 * densification, Shrivastava & Li 2014). One hash per shingle, not K.
 * On x86-64 CPUs with AVX2 (checked at run time) the two hot loops take 8 ideographs and
 * 4 shingles a step in vector registers; the scalar loops stay as the reference and the
 * fallback, and both give the same text, signature and keys bit for bit (test_reuse).
 * Runs in workers with no state of its own; never allocates except in the caller's buffer.
 */
#include <stdio.h>
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define PM_REUSE_HAVE_AVX2 1
#endif

#include "policyminer/reuse.h"
#include "policyminer/utf8.h"
#include "reuse_internal.h"

void pm_reuse_options_default(pm_reuse_options *o)
{
    memset(o, 0, sizeof *o);
    o->enabled = PM_REUSE_DEFAULT_ON; /* on: within issue 15's cost, and refreshes keep it
                                       * in their checkpoint (README, Text reuse) */
    o->threshold = 0.35; /* paraphrased copies between regions share 0.4 (README) */
    o->max_chars = 2000;
    o->min_chars = 50;
    o->boilerplate_share = 0.01;
    o->bucket_cap = 200;
    o->max_candidates = 20000000;
}

void pm_reuse_options_describe(const pm_reuse_options *o, char *out, size_t n)
{
    if (!o->enabled) {
        snprintf(out, n, "reuse off");
        return;
    }
    snprintf(out, n, "reuse k%d b%dxr%d align %.2f/%d chars %u-%u threshold %.4f boilerplate "
             "%.4f bucket %u candidates %llu%s", PM_REUSE_K, PM_REUSE_BANDS, PM_REUSE_ROWS,
             PM_REUSE_ALIGN_SHARE, PM_REUSE_MIN_ALIGNED,
             (unsigned)o->min_chars, (unsigned)o->max_chars, o->threshold,
             o->boilerplate_share, (unsigned)o->bucket_cap,
             (unsigned long long)o->max_candidates, o->exhaustive ? " exhaustive" : "");
}

/* Decodes one UTF-8 sequence at s (n bytes left); *len gets its length (1 on a bad byte,
 * which decodes to 0xFFFD: readers validate, this only must not crash). */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *len)
{
    uint32_t c;
    int l = pm_utf8_next((const char *)s, n, &c);
    *len = l ? (size_t)l : 1;
    return l ? c : 0xFFFD;
}

/* The normalised text's form: 16-bit units, little-endian, a code point above U+FFFF as
 * a surrogate pair (UTF-16LE). Kept code points are never surrogates (the UTF-8 decoder
 * turns those into U+FFFD, which fold drops), so the form is lossless: two bytes a
 * character instead of UTF-8's three for the ideographs that make up nearly every text. */
static inline char *put16(char *o, uint32_t u)
{
    o[0] = (char)(u & 0xFF);
    o[1] = (char)(u >> 8);
    return o + 2;
}

static inline char *put_cp16(char *o, uint32_t c)
{
    if (c < 0x10000)
        return put16(o, c);
    c -= 0x10000;
    o = put16(o, 0xD800 | c >> 10);
    return put16(o, 0xDC00 | (c & 0x3FF));
}

size_t pm_reuse_decode(const char *text, size_t len, uint32_t *cp, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0, i = 0;
    while (i + 2 <= len && n < cap) {
        uint32_t u = (uint32_t)s[i] | (uint32_t)s[i + 1] << 8;
        i += 2;
        if (u - 0xD800u < 0x400u && i + 2 <= len) { /* a high surrogate: its pair follows */
            uint32_t v = (uint32_t)s[i] | (uint32_t)s[i + 1] << 8;
            if (v - 0xDC00u < 0x400u) {
                u = 0x10000 + ((u - 0xD800) << 10 | (v - 0xDC00));
                i += 2;
            }
        }
        cp[n++] = u;
    }
    return n;
}

size_t pm_reuse_text_chars(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = len / 2;
    for (size_t i = 0; i + 4 <= len; i += 2) /* a surrogate pair is one character */
        n -= (s[i + 1] & 0xFC) == 0xD8 && (s[i + 3] & 0xFC) == 0xDC;
    return n;
}

/* The code point a copy keeps, or 0 for one that is dropped. */
static inline __attribute__((always_inline)) uint32_t fold(uint32_t c)
{
    if (c >= 0x3400 && c < 0xA000) /* CJK ideographs: the common case, always kept */
        return c;
    if (c >= 0xFF01 && c <= 0xFF5E) /* full-width ASCII */
        c -= 0xFEE0;
    if (c < 0x80) {
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
            return c;
        if (c >= 'A' && c <= 'Z')
            return c + 32;
        return 0; /* controls, space, punctuation */
    }
    if (c == 0xA0 || c == 0xB7 || c == 0xFEFF || c == 0xFFFD)
        return 0;
    if ((c >= 0x2000 && c <= 0x206F) || /* general punctuation, spaces */
        (c >= 0x3000 && c <= 0x303F) || /* CJK symbols and punctuation */
        (c >= 0xFE10 && c <= 0xFE1F) || (c >= 0xFE30 && c <= 0xFE6F) || /* vertical, small */
        (c >= 0xFF5F && c <= 0xFF65) || (c >= 0xFFE0 && c <= 0xFFEE) ||
        (c >= 0x2500 && c <= 0x257F) || (c >= 0x25A0 && c <= 0x25FF)) /* boxes, shapes */
        return 0;
    return c;
}

/* Where decoding a block stands: the body, the position, the 文号 line to skip, and the
 * normalised text written so far. */
typedef struct dec {
    const unsigned char *s;
    size_t i, len, skip_at, skip_e;
    char *out;
} dec;

/* One character the fast loops did not take (anything but an ideograph U+4000-9FFF, or
 * the 文号 line): decoded, folded, and kept in blk[nb] (returns 1) or dropped (0). */
static inline __attribute__((always_inline)) int slow_char(dec *d, uint32_t *blk)
{
    const unsigned char *s = d->s;
    size_t i = d->i;
    if (i == d->skip_at) {
        d->i = d->skip_e;
        return 0;
    }
    uint32_t c, b0 = s[i];
    size_t l;
    if (b0 < 0x80) { /* ASCII: digits, a newline, Latin letters */
        c = b0;
        l = 1;
    } else if (b0 >= 0xE0 && b0 < 0xF0 && i + 2 < d->len && (s[i + 1] & 0xC0) == 0x80 &&
        (s[i + 2] & 0xC0) == 0x80 && (b0 > 0xE0 || s[i + 1] >= 0xA0) &&
        (b0 != 0xED || s[i + 1] < 0xA0)) { /* not overlong, not a surrogate */
        c = (b0 & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
        l = 3; /* the rest of the 3-byte form (all of CJK) decoded inline */
    } else {
        c = utf8_next(s + i, d->len - i, &l);
    }
    d->i = i + l;
    uint32_t f = fold(c);
    if (!f)
        return 0;
    d->out = put_cp16(d->out, f);
    *blk = f;
    return 1;
}

/* Ideographs U+4000-9FFF (lead bytes E4-E9), kept as they are, four bytes read at a
 * time up to lim (the 文号 line or the end): the bulk of every text. */
static inline __attribute__((always_inline)) size_t ideographs(dec *d, size_t lim, uint32_t *blk,
                                                               size_t nb, size_t want)
{
    while (nb < want && d->i + 4 <= lim) {
        uint32_t w;
        memcpy(&w, d->s + d->i, 4);
        if ((w & 0xC0C000u) != 0x808000u || (w & 0xFFu) - 0xE4u > 5u)
            break;
        uint32_t c = (w & 0x0Fu) << 12 | (w >> 2 & 0xFC0u) | (w >> 16 & 0x3Fu);
        blk[nb++] = c;
        d->out = put16(d->out, c);
        d->i += 3;
    }
    return nb;
}

/* Decodes and folds up to want kept code points into blk; returns how many. */
static size_t decode_block(dec *dp, uint32_t *blk, size_t want)
{
    dec dl = *dp, *d = &dl; /* a local copy stays in registers: out's stores may alias *dp */
    size_t nb = 0;
    while (nb < want && d->i < d->len) {
        nb = ideographs(d, d->skip_at < d->len ? d->skip_at : d->len, blk, nb, want);
        if (nb == want || d->i >= d->len)
            break;
        nb += (size_t)slow_char(d, blk + nb);
    }
    *dp = dl;
    return nb;
}

#ifdef PM_REUSE_HAVE_AVX2
/* After a vector step stopped: the ideographs it left (four bytes read at a time), then one
 * character of another kind and the run of ASCII after it (digits of a date or a figure, a
 * newline), one at a time: a vector step would end at its first lane, once for each. */
static inline __attribute__((always_inline)) size_t vector_tail(dec *d, size_t lim, uint32_t *blk,
                                                                size_t nb, size_t want)
{
    nb = ideographs(d, lim, blk, nb, want);
    if (nb == want || d->i >= d->len)
        return nb;
    nb += (size_t)slow_char(d, blk + nb);
    while (nb < want && d->i < d->len && d->s[d->i] < 0x80)
        nb += (size_t)slow_char(d, blk + nb);
    return nb;
}

/* The lane classes both vector decoders test, as 32-bit lanes b0<<16 | b1<<8 | b2 of a
 * 3-byte sequence: continuation bytes (cmask/cwant), an ideograph's lead E4-E9 (lead_lo/hi,
 * exclusive), the punctuation fold drops (p3000: U+3000-303F, p2000: U+2000-203F, fa:
 * U+FF01-FF0F, fb: U+FF1A-FF20, bounds exclusive) and the code point's bits (m12, m6, m0).
 * One list, so the AVX2 and AVX-512 steps cannot class a character differently. */
#define PM_REUSE_DECODE_CLASSES(T, set1) \
    const T cmask = set1(0xC0C0), cwant = set1(0x8080), lead_lo = set1(0xE3), \
            lead_hi = set1(0xEA), m12 = set1(0xF000), m6 = set1(0x0FC0), m0 = set1(0x3F), \
            p3000 = set1(0xE380), p2000 = set1(0xE280), fa0 = set1(0xEFBC80), \
            fa1 = set1(0xEFBC90), fb0 = set1(0xEFBC99), fb1 = set1(0xEFBCA1)

/* decode_block eight 3-byte characters at a time: each 12 bytes are shuffled into four
 * 32-bit lanes b0<<16 | b1<<8 | b2 and classed: an ideograph (lead E4-E9) is kept as it
 * is, the common CJK, general and full-width punctuation (U+3000-303F, U+2000-203F,
 * U+FF01-FF0F, U+FF1A-FF20: fold drops them) is dropped, anything else ends the step.
 * Of the leading lanes so classed, the kept ones are packed to the front (their indices
 * by pext), decoded into blk and their bytes written to out. */
__attribute__((target("avx2,bmi2"))) static size_t decode_block_avx2(dec *dp, uint32_t *blk,
                                                                     size_t want)
{
    dec dl = *dp, *d = &dl;
    const __m256i shuf = _mm256_setr_epi8(2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1,
                                          2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1);
    PM_REUSE_DECODE_CLASSES(__m256i, _mm256_set1_epi32);
    size_t nb = 0;
    while (nb < want && d->i < d->len) {
        size_t lim = d->skip_at < d->len ? d->skip_at : d->len;
        /* 28 bytes are read (24 used) and 16 written: the body and out have room */
        while (nb + 8 <= want && d->i + 24 <= lim && d->i + 28 <= d->len) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(d->s + d->i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(d->s + d->i + 12));
            __m256i u = _mm256_shuffle_epi8(
                _mm256_inserti128_si256(_mm256_castsi128_si256(a), b, 1), shuf);
            __m256i lead = _mm256_srli_epi32(u, 16), hi16 = _mm256_srli_epi32(u, 8);
            __m256i cont = _mm256_cmpeq_epi32(_mm256_and_si256(u, cmask), cwant);
            __m256i keep = _mm256_and_si256(cont, _mm256_and_si256(_mm256_cmpgt_epi32(lead, lead_lo),
                                                                   _mm256_cmpgt_epi32(lead_hi, lead)));
            __m256i drop = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi32(hi16, p3000), _mm256_cmpeq_epi32(hi16, p2000)),
                _mm256_or_si256(
                    _mm256_and_si256(_mm256_cmpgt_epi32(u, fa0), _mm256_cmpgt_epi32(fa1, u)),
                    _mm256_and_si256(_mm256_cmpgt_epi32(u, fb0), _mm256_cmpgt_epi32(fb1, u))));
            drop = _mm256_and_si256(cont, drop);
            unsigned kmask = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(keep));
            unsigned vmask = kmask | (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(drop));
            unsigned k = vmask == 0xFFu ? 8 : (unsigned)__builtin_ctz(~vmask);
            kmask &= (1u << k) - 1; /* the kept lanes among the leading k */
            unsigned nk = (unsigned)__builtin_popcount(kmask);
            if (nk) {
                /* lane indices of the kept lanes, packed: pext of 0x07..00 by a byte mask */
                uint64_t bytes = _pdep_u64(kmask, 0x0101010101010101ull) * 0xFF;
                __m256i idx = _mm256_cvtepu8_epi32(
                    _mm_cvtsi64_si128((long long)_pext_u64(0x0706050403020100ull, bytes)));
                u = _mm256_permutevar8x32_epi32(u, idx);
                __m256i cp = _mm256_or_si256(
                    _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(u, 4), m12),
                                    _mm256_and_si256(_mm256_srli_epi32(u, 2), m6)),
                    _mm256_and_si256(u, m0));
                _mm256_storeu_si256((__m256i *)(void *)(blk + nb), cp);
                /* the kept code points (all below U+A000) as 16-bit units, in order */
                __m256i w16 = _mm256_permute4x64_epi64(_mm256_packus_epi32(cp, cp), 0x08);
                _mm_storeu_si128((__m128i *)(void *)d->out, _mm256_castsi256_si128(w16));
            }
            nb += nk, d->i += 3 * k, d->out += 2 * nk;
            if (k < 8)
                break;
        }
        nb = vector_tail(d, lim, blk, nb, want);
    }
    *dp = dl;
    return nb;
}

/* decode_block_avx2 sixteen characters a step with AVX-512 (F, BW, VBMI): one byte
 * permute spreads 48 bytes into sixteen 32-bit lanes b0<<16 | b1<<8 | b2, the classes
 * are mask registers and the kept lanes are packed by a compress. The same classes as
 * decode_block_avx2, so the same text and code points. */
__attribute__((target("avx512f,avx512bw,avx512vbmi,bmi2,popcnt"))) static size_t
decode_block_avx512(dec *dp, uint32_t *blk, size_t want)
{
    dec dl = *dp, *d = &dl;
    const __m512i spread = _mm512_set_epi32(
        0x002D2E2F, 0x002A2B2C, 0x00272829, 0x00242526, 0x00212223, 0x001E1F20, 0x001B1C1D,
        0x0018191A, 0x00151617, 0x00121314, 0x000F1011, 0x000C0D0E, 0x00090A0B, 0x00060708,
        0x00030405, 0x00000102);
    const __mmask64 low3 = 0x7777777777777777ull; /* each lane's byte 3 is zero */
    PM_REUSE_DECODE_CLASSES(__m512i, _mm512_set1_epi32);
    size_t nb = 0;
    while (nb < want && d->i < d->len) {
        size_t lim = d->skip_at < d->len ? d->skip_at : d->len;
        /* 64 bytes are read (48 used), 64 and 32 written: the body and the buffers have room */
        while (nb + 16 <= want && d->i + 48 <= lim && d->i + 64 <= d->len) {
            __m512i u = _mm512_maskz_permutexvar_epi8(
                low3, spread, _mm512_loadu_si512((const void *)(d->s + d->i)));
            __m512i lead = _mm512_srli_epi32(u, 16), hi16 = _mm512_srli_epi32(u, 8);
            __mmask16 cont = _mm512_cmpeq_epi32_mask(_mm512_and_si512(u, cmask), cwant);
            __mmask16 keep = _mm512_mask_cmpgt_epi32_mask(
                _mm512_mask_cmpgt_epi32_mask(cont, lead, lead_lo), lead_hi, lead);
            __mmask16 drop = _mm512_cmpeq_epi32_mask(hi16, p3000) |
                             _mm512_cmpeq_epi32_mask(hi16, p2000) |
                             _mm512_mask_cmpgt_epi32_mask(_mm512_cmpgt_epi32_mask(u, fa0), fa1, u) |
                             _mm512_mask_cmpgt_epi32_mask(_mm512_cmpgt_epi32_mask(u, fb0), fb1, u);
            drop &= cont;
            unsigned kmask = keep, vmask = (unsigned)keep | drop;
            unsigned k = vmask == 0xFFFFu ? 16 : (unsigned)__builtin_ctz(~vmask);
            kmask &= (1u << k) - 1; /* the kept lanes among the leading k */
            unsigned nk = (unsigned)__builtin_popcount(kmask);
            if (nk) {
                __m512i c = _mm512_maskz_compress_epi32((__mmask16)kmask, u);
                __m512i cp = _mm512_or_si512(
                    _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(c, 4), m12),
                                    _mm512_and_si512(_mm512_srli_epi32(c, 2), m6)),
                    _mm512_and_si512(c, m0));
                _mm512_storeu_si512((void *)(blk + nb), cp);
                /* the kept code points (all below U+A000) as 16-bit units, in order */
                _mm256_storeu_si256((__m256i *)(void *)d->out, _mm512_cvtepi32_epi16(cp));
            }
            nb += nk, d->i += 3 * k, d->out += 2 * nk;
            if (k < 16)
                break;
        }
        nb = vector_tail(d, lim, blk, nb, want);
    }
    *dp = dl;
    return nb;
}

/* memmem for the 文号 line, 32 positions a step: where the needle's first and last bytes
 * both match (1 in a few hundred positions of CJK text) the rest is compared; glibc's
 * two-way search stepped byte by byte through the E4-E9 lead bytes of every ideograph.
 * The first occurrence, as memmem's. */
__attribute__((target("avx2,bmi"))) static const char *find_avx2(const char *h, size_t hn,
                                                                  const char *nd, size_t nn)
{
    if (nn < 2 || hn < nn)
        return memmem(h, hn, nd, nn);
    const __m256i f = _mm256_set1_epi8(nd[0]), l = _mm256_set1_epi8(nd[nn - 1]);
    size_t i = 0;
    for (; i + nn - 1 + 32 <= hn; i += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(h + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(h + i + nn - 1));
        unsigned m = (unsigned)_mm256_movemask_epi8(
            _mm256_and_si256(_mm256_cmpeq_epi8(a, f), _mm256_cmpeq_epi8(b, l)));
        while (m) {
            size_t j = i + (unsigned)__builtin_ctz(m);
            if (memcmp(h + j + 1, nd + 1, nn - 2) == 0)
                return h + j;
            m &= m - 1;
        }
    }
    const char *t = memmem(h + i, hn - i, nd, nn); /* the last positions */
    return t;
}

/* x * c modulo 2^64 in each 64-bit lane (AVX2 multiplies 32 x 32 bits only). */
__attribute__((target("avx2"))) static inline __m256i mul64(__m256i x, uint64_t c)
{
    const __m256i cl = _mm256_set1_epi64x((long long)(c & 0xFFFFFFFFu));
    const __m256i ch = _mm256_set1_epi64x((long long)(c >> 32));
    __m256i lo = _mm256_mul_epu32(x, cl);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), cl),
                                     _mm256_mul_epu32(x, ch));
    return _mm256_add_epi64(lo, _mm256_slli_epi64(cross, 32));
}

/* For each 4-bit set of sampled lanes, the 32-bit elements that hold those lanes' keys
 * (each 64-bit hash's high half), in lane order: a permute packs them to the front. */
static const uint32_t KEY_LANES[16][4] = {
    {0, 0, 0, 0}, {1, 0, 0, 0}, {3, 0, 0, 0}, {1, 3, 0, 0}, {5, 0, 0, 0}, {1, 5, 0, 0},
    {3, 5, 0, 0}, {1, 3, 5, 0}, {7, 0, 0, 0}, {1, 7, 0, 0}, {3, 7, 0, 0}, {1, 3, 7, 0},
    {5, 7, 0, 0}, {1, 5, 7, 0}, {3, 5, 7, 0}, {1, 3, 5, 7}};

/* The shingles ending at blk[q] for q in [q0, nb) with q - q0 a multiple of 4 and q + 4
 * <= nb, four a step: ext = blk - 4 holds the four code points before the block. Each
 * hash is pm_reuse_shingle's, bit for bit; bins and minima are then updated in lane
 * order, and the sampled lanes' keys are packed in the vector and stored at once (16
 * bytes written at *kout, fewer kept: the caller has room). Returns the first q not done. */
__attribute__((target("avx2,popcnt"))) static size_t shingles_avx2(const uint32_t *ext, size_t q0,
                                                            size_t nb, uint64_t *mins,
                                                            uint32_t **kout)
{
    const __m256i k0 = _mm256_set1_epi64x(0x7265757365ll);
    const __m256i k96 = _mm256_set1_epi64x(PM_REUSE_K), k3 = _mm256_set1_epi64x(3);
    uint32_t *ko = *kout;
    size_t q = q0;
    for (; q + 4 <= nb; q += 4) {
        __m256i c0 = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)(const void *)(ext + q)));
        __m256i c1 = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)(const void *)(ext + q + 1)));
        __m256i c2 = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)(const void *)(ext + q + 2)));
        __m256i c3 = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)(const void *)(ext + q + 3)));
        __m256i c4 = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)(const void *)(ext + q + 4)));
        __m256i hi = _mm256_or_si256(_mm256_or_si256(_mm256_slli_epi64(c0, 42), _mm256_slli_epi64(c1, 21)), c2);
        __m256i lo = _mm256_or_si256(_mm256_slli_epi64(c3, 21), c4);
        __m256i x = _mm256_xor_si256(hi, mul64(_mm256_add_epi64(lo, k0), 0x9E3779B97F4A7C15ull));
        x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 33));
        x = mul64(x, 0xff51afd7ed558ccdull);
        x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 33));
        x = mul64(x, 0xc4ceb9fe1a85ec53ull);
        x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 33));
        __m256i bin = _mm256_srli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), k96), 32);
        /* PM_REUSE_SAMPLED: the lanes whose low two bits are zero */
        unsigned sm = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(
            _mm256_cmpeq_epi64(_mm256_and_si256(x, k3), _mm256_setzero_si256())));
        __m256i kl = _mm256_castsi128_si256(
            _mm_loadu_si128((const __m128i *)(const void *)KEY_LANES[sm]));
        _mm_storeu_si128((__m128i *)(void *)ko,
                         _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(x, kl)));
        ko += __builtin_popcount(sm);
        uint64_t h[4], bn[4];
        _mm256_storeu_si256((__m256i *)(void *)h, x);
        _mm256_storeu_si256((__m256i *)(void *)bn, bin);
        /* in lane order (two lanes may share a bin); written out: -O2 keeps the loop */
#define PM_REUSE_MIN_LANE(l) \
    do { \
        uint64_t v_ = (uint32_t)h[l], m_ = mins[bn[l]]; \
        mins[bn[l]] = v_ < m_ ? v_ : m_; \
    } while (0)
        PM_REUSE_MIN_LANE(0);
        PM_REUSE_MIN_LANE(1);
        PM_REUSE_MIN_LANE(2);
        PM_REUSE_MIN_LANE(3);
#undef PM_REUSE_MIN_LANE
    }
    *kout = ko;
    return q;
}

static int have_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("popcnt");
}

#define BLOCK_MAX 256 /* pm_reuse_doc_kernel's BLOCK */

/* shingles_avx2 eight shingles a step with AVX-512 (F, DQ, VL): 64-bit multiplies are one
 * instruction (AVX2 needs three and the shifts to join them) and the sampled lanes' keys
 * are packed by a compress, not a table. The block's (bin, value) pairs are kept and the
 * minima taken after the vector loop, in shingle order: the same signature, and a little
 * faster than a gather and scatter of per-lane minima each step. */
__attribute__((target("avx512f,avx512dq,avx512vl,popcnt"))) static size_t
shingles_avx512(const uint32_t *ext, size_t q0, size_t nb, uint64_t *mins, uint32_t **kout)
{
    uint64_t hb[BLOCK_MAX];
    const __m512i lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
    const __m512i k0 = _mm512_set1_epi64(0x7265757365ll);
    const __m512i m0 = _mm512_set1_epi64((long long)0x9E3779B97F4A7C15ull);
    const __m512i m1 = _mm512_set1_epi64((long long)0xff51afd7ed558ccdull);
    const __m512i m2 = _mm512_set1_epi64((long long)0xc4ceb9fe1a85ec53ull);
    const __m512i k96 = _mm512_set1_epi64(PM_REUSE_K), k3 = _mm512_set1_epi64(3);
    uint32_t *ko = *kout;
    size_t q = q0;
    for (; q + 8 <= nb; q += 8) {
#define PM_REUSE_CP8(d) _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(const void *)(ext + q + (d))))
        __m512i hi = _mm512_or_si512(_mm512_or_si512(_mm512_slli_epi64(PM_REUSE_CP8(0), 42),
                                                     _mm512_slli_epi64(PM_REUSE_CP8(1), 21)),
                                     PM_REUSE_CP8(2));
        __m512i lo = _mm512_or_si512(_mm512_slli_epi64(PM_REUSE_CP8(3), 21), PM_REUSE_CP8(4));
#undef PM_REUSE_CP8
        __m512i x = _mm512_xor_si512(hi, _mm512_mullo_epi64(_mm512_add_epi64(lo, k0), m0));
        x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 33));
        x = _mm512_mullo_epi64(x, m1);
        x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 33));
        x = _mm512_mullo_epi64(x, m2);
        x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 33));
        __m512i top = _mm512_srli_epi64(x, 32);
        __m512i bin = _mm512_srli_epi64(_mm512_mul_epu32(top, k96), 32);
        __mmask8 sm = _mm512_testn_epi64_mask(x, k3); /* PM_REUSE_SAMPLED */
        _mm256_storeu_si256((__m256i *)(void *)ko,
                            _mm256_maskz_compress_epi32(sm, _mm512_cvtepi64_epi32(top)));
        ko += __builtin_popcount(sm);
        /* (bin << 32 | value) of each lane, for the scalar pass below */
        _mm512_storeu_si512((void *)(hb + (q - q0)),
                            _mm512_or_si512(_mm512_slli_epi64(bin, 32), _mm512_and_si512(x, lo32)));
    }
    for (size_t i = 0; i < q - q0; i++) { /* in lane order: two lanes may share a bin */
        uint64_t v = (uint32_t)hb[i], *mb = &mins[hb[i] >> 32], m = *mb;
        *mb = v < m ? v : m;
    }
    *kout = ko;
    return q;
}

/* 0: scalar loops; 1: AVX2 (+BMI2); 2: AVX2 decoding and AVX-512 hashing (F, DQ, VL);
 * 3: AVX-512 decoding too (BW, VBMI: Ice Lake and later, Zen 4) */
static int simd_level(void)
{
    if (!have_avx2())
        return 0;
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq") ||
        !__builtin_cpu_supports("avx512vl"))
        return 1;
    return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") ? 3 : 2;
}

#else
static int simd_level(void) { return 0; }
#endif

pm_status pm_reuse_doc(const pm_reuse_options *o, const char *body, size_t body_len,
                       const char *docno, size_t docno_len, pm_buf *text,
                       uint32_t sig[PM_REUSE_K], unsigned *nsig, pm_buf *keys)
{
    return pm_reuse_doc_kernel(o, body, body_len, docno, docno_len, text, sig, nsig, keys,
                               simd_level());
}

pm_status pm_reuse_doc_kernel(const pm_reuse_options *o, const char *body, size_t body_len,
                              const char *docno, size_t docno_len, pm_buf *text,
                              uint32_t sig[PM_REUSE_K], unsigned *nsig, pm_buf *keys, int simd)
{
    *nsig = 0;
#ifndef PM_REUSE_HAVE_AVX2
    simd = 0;
#endif
    /* the 文号 line: from the newline before its first occurrence to the one after */
    size_t skip_b = 0, skip_e = 0;
    /* only the part that can be kept is searched (a code point is at most 4 bytes) */
    size_t scope = (size_t)o->max_chars * 4 + 256 < body_len ? (size_t)o->max_chars * 4 + 256 : body_len;
    if (docno_len && docno_len <= scope) {
        const char *hit =
#ifdef PM_REUSE_HAVE_AVX2
            simd ? find_avx2(body, scope, docno, docno_len) :
#endif
                 memmem(body, scope, docno, docno_len);
        if (hit) {
            skip_b = (size_t)(hit - body);
            while (skip_b > 0 && body[skip_b - 1] != '\n')
                skip_b--;
            const char *nl = memchr(hit, '\n', body_len - (size_t)(hit - body));
            skip_e = nl ? (size_t)(nl - body) + 1 : body_len;
        }
    }
    enum { BLOCK = 256 };
    /* a bin's smallest value, UINT64_MAX while empty (values are 32 bits) */
    uint64_t mins[PM_REUSE_K];
    memset(mins, 0xFF, sizeof mins);
    size_t kept = 0, nshingles = 0;
    /* (room for the vector loops' whole-register stores past the last unit and key) */
    pm_status st = pm_buf_reserve(text, (size_t)o->max_chars * 4 + 32);
    if (st == PM_OK && keys)
        st = pm_buf_reserve(keys, (size_t)o->max_chars * 4 + 32);
    if (st != PM_OK)
        return st;
    /* without keys they go to a block-sized sink, rewound every block */
    uint32_t sink[BLOCK + 8];
    uint32_t *kout = keys ? (uint32_t *)(void *)(keys->data + keys->len) : sink;
    /* The shingle of the last five code points as pm_reuse_shingle packs it, rolled one
     * code point at a time (21 bits each): hi = c0 c1 c2, lo = c3 c4. */
    const uint64_t m63 = ((uint64_t)1 << 63) - 1, m42 = ((uint64_t)1 << 42) - 1;
    uint64_t hi = 0, lo = 0;
    /* Two passes over blocks of BLOCK kept code points: decoding and folding branch on
     * every character, hashing does not, so apart each loop runs at its own pace (the
     * branchy decode no longer stalls the multiplies behind it). ext keeps the four code
     * points before the block in front of it (the vector loop reads shingles whole). */
    uint32_t ext[4 + BLOCK + 8];
    uint32_t *blk = ext + 4;
    memset(ext, 0, sizeof ext);
    dec dc = {(const unsigned char *)body, 0, body_len, skip_e > skip_b ? skip_b : SIZE_MAX,
              skip_e, text->data + text->len};
    while (dc.i < body_len && kept < o->max_chars) {
        size_t want = o->max_chars - kept < BLOCK ? o->max_chars - kept : BLOCK, nb;
#ifdef PM_REUSE_HAVE_AVX2
        if (simd >= 3)
            nb = decode_block_avx512(&dc, blk, want);
        else if (simd)
            nb = decode_block_avx2(&dc, blk, want);
        else
#endif
            nb = decode_block(&dc, blk, want);
        if (!keys)
            kout = sink;
        size_t q = 0;
#ifdef PM_REUSE_HAVE_AVX2
        if (simd) {
            /* the shingle ending at blk[q] exists once five code points are kept */
            size_t q0 = kept >= PM_REUSE_SHINGLE - 1 ? 0 : PM_REUSE_SHINGLE - 1 - kept;
            if (q0 < nb) {
                q = simd >= 2 ? shingles_avx512(ext, q0, nb, mins, &kout)
                              : shingles_avx2(ext, q0, nb, mins, &kout);
                nshingles += q - q0;
                for (; q < nb; q++) { /* the last few, one at a time */
                    uint64_t h = pm_reuse_shingle(ext + q);
                    uint64_t v = (uint32_t)h, m, *mb = &mins[((h >> 32) * PM_REUSE_K) >> 32];
                    m = *mb;
                    *mb = v < m ? v : m;
                    *kout = PM_REUSE_KEY(h);
                    kout += PM_REUSE_SAMPLED(h);
                    nshingles++;
                }
            }
            kept += nb;
            memmove(ext, ext + nb, 4 * sizeof *ext); /* the block's last four go in front */
            continue;
        }
#endif
        for (; q < nb; q++) {
            hi = ((hi << 21) & m63) | lo >> 21;
            lo = ((lo << 21) & m42) | blk[q];
            if (++kept < PM_REUSE_SHINGLE)
                continue;
            uint64_t h = pm_reuse_mix64(hi ^ (lo + 0x7265757365ull) * 0x9E3779B97F4A7C15ull);
            uint32_t bin = (uint32_t)(((h >> 32) * PM_REUSE_K) >> 32);
            uint64_t v = (uint32_t)h, m = mins[bin];
            mins[bin] = v < m ? v : m; /* branch-free: the outcome is a coin toss */
            *kout = PM_REUSE_KEY(h);
            kout += PM_REUSE_SAMPLED(h);
            nshingles++;
        }
    }
    text->len = (size_t)(dc.out - text->data);
    if (keys)
        keys->len = (size_t)((char *)kout - keys->data);
    if (!nshingles)
        return PM_OK;
    for (unsigned j = 0; j < PM_REUSE_K; j++) {
        if (mins[j] != UINT64_MAX) {
            sig[j] = (uint32_t)mins[j];
            continue;
        }
        unsigned d = 1;
        while (mins[(j + d) % PM_REUSE_K] == UINT64_MAX)
            d++;
        sig[j] = (uint32_t)mins[(j + d) % PM_REUSE_K] + d * 0x9E3779B1u;
    }
    *nsig = PM_REUSE_K;
    return PM_OK;
}
