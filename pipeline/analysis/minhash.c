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
 * Runs in workers with no state of its own; never allocates except in the caller's buffer.
 */
#include <stdio.h>
#include <string.h>

#include "policyminer/reuse.h"
#include "policyminer/utf8.h"
#include "reuse_internal.h"

void pm_reuse_options_default(pm_reuse_options *o)
{
    memset(o, 0, sizeof *o);
    o->enabled = 0; /* opt-in (--reuse): it costs 32-34% of a quiet -j1 run, over the 30% a
                     * default may cost (README, Text reuse) */
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

size_t pm_reuse_decode(const char *text, size_t len, uint32_t *cp, size_t cap)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0, i = 0;
    while (i < len && n < cap) {
        size_t l;
        cp[n++] = utf8_next(s + i, len - i, &l);
        i += l;
    }
    return n;
}

/* The code point a copy keeps, or 0 for one that is dropped. */
static uint32_t fold(uint32_t c)
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

pm_status pm_reuse_doc(const pm_reuse_options *o, const char *body, size_t body_len,
                       const char *docno, size_t docno_len, pm_buf *text,
                       uint32_t sig[PM_REUSE_K], unsigned *nsig, pm_buf *keys)
{
    *nsig = 0;
    /* the 文号 line: from the newline before its first occurrence to the one after */
    size_t skip_b = 0, skip_e = 0;
    /* only the part that can be kept is searched (a code point is at most 4 bytes) */
    size_t scope = (size_t)o->max_chars * 4 + 256 < body_len ? (size_t)o->max_chars * 4 + 256 : body_len;
    if (docno_len && docno_len <= scope) {
        const char *hit = memmem(body, scope, docno, docno_len);
        if (hit) {
            skip_b = (size_t)(hit - body);
            while (skip_b > 0 && body[skip_b - 1] != '\n')
                skip_b--;
            const char *nl = memchr(hit, '\n', body_len - (size_t)(hit - body));
            skip_e = nl ? (size_t)(nl - body) + 1 : body_len;
        }
    }
    enum { BLOCK = 256 };
    uint32_t mins[PM_REUSE_K];
    unsigned char filled[PM_REUSE_K];
    memset(mins, 0xFF, sizeof mins);
    memset(filled, 0, sizeof filled);
    size_t kept = 0, nshingles = 0;
    pm_status st = pm_buf_reserve(text, (size_t)o->max_chars * 4 + 4);
    if (st == PM_OK && keys)
        st = pm_buf_reserve(keys, (size_t)o->max_chars * 4 + 4);
    if (st != PM_OK)
        return st;
    /* without keys they go to a block-sized sink, rewound every block */
    uint32_t sink[BLOCK];
    uint32_t *kout = keys ? (uint32_t *)(void *)(keys->data + keys->len) : sink;
    char *out = text->data + text->len;
    const unsigned char *s = (const unsigned char *)body;
    /* The shingle of the last five code points as pm_reuse_shingle packs it, rolled one
     * code point at a time (21 bits each): hi = c0 c1 c2, lo = c3 c4. */
    const uint64_t m63 = ((uint64_t)1 << 63) - 1, m42 = ((uint64_t)1 << 42) - 1;
    uint64_t hi = 0, lo = 0;
    /* Two passes over blocks of BLOCK kept code points: decoding and folding branch on
     * every character, hashing does not, so apart each loop runs at its own pace (the
     * branchy decode no longer stalls the multiplies behind it). */
    uint32_t blk[BLOCK];
    const size_t skip_at = skip_e > skip_b ? skip_b : SIZE_MAX;
    size_t i = 0;
    while (i < body_len && kept < o->max_chars) {
        size_t nb = 0, want = o->max_chars - kept < BLOCK ? o->max_chars - kept : BLOCK;
        while (nb < want && i < body_len) {
            /* ideographs U+4000-9FFF (lead bytes E4-E9), kept as they are, four bytes
             * read at a time up to the 文号 line: the bulk of every text */
            size_t lim = skip_at < body_len ? skip_at : body_len;
            while (nb < want && i + 4 <= lim) {
                uint32_t w;
                memcpy(&w, s + i, 4);
                if ((w & 0xC0C000u) != 0x808000u || (w & 0xFFu) - 0xE4u > 5u)
                    break;
                blk[nb++] = (w & 0x0Fu) << 12 | (w >> 2 & 0xFC0u) | (w >> 16 & 0x3Fu);
                memcpy(out, &w, 4); /* (the fourth byte is overwritten or beyond the end) */
                out += 3;
                i += 3;
            }
            if (nb == want || i >= body_len)
                break;
            if (i == skip_at) {
                i = skip_e;
                continue;
            }
            uint32_t c, b0 = s[i];
            size_t l;
            if (b0 >= 0xE0 && b0 < 0xF0 && i + 2 < body_len && (s[i + 1] & 0xC0) == 0x80 &&
                (s[i + 2] & 0xC0) == 0x80 && (b0 > 0xE0 || s[i + 1] >= 0xA0) &&
                (b0 != 0xED || s[i + 1] < 0xA0)) { /* not overlong, not a surrogate */
                c = (b0 & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
                l = 3; /* the rest of the 3-byte form (all of CJK) decoded inline */
            } else {
                c = utf8_next(s + i, body_len - i, &l);
            }
            uint32_t f = fold(c);
            if (f) {
                if (f == c && l == 3) { /* kept as it is: copy its bytes */
                    out[0] = (char)s[i], out[1] = (char)s[i + 1], out[2] = (char)s[i + 2];
                    out += 3;
                } else {
                    out += pm_utf8_encode(f, out);
                }
                blk[nb++] = f;
            }
            i += l;
        }
        if (!keys)
            kout = sink;
        for (size_t q = 0; q < nb; q++) {
            hi = ((hi << 21) & m63) | lo >> 21;
            lo = ((lo << 21) & m42) | blk[q];
            if (++kept < PM_REUSE_SHINGLE)
                continue;
            uint64_t h = pm_reuse_mix64(hi ^ (lo + 0x7265757365ull) * 0x9E3779B97F4A7C15ull);
            uint32_t bin = (uint32_t)(((h >> 32) * PM_REUSE_K) >> 32);
            uint32_t v = (uint32_t)h, m = mins[bin];
            mins[bin] = v < m ? v : m; /* branch-free: the outcome is a coin toss */
            filled[bin] = 1;
            *kout = PM_REUSE_KEY(h);
            kout += PM_REUSE_SAMPLED(h);
            nshingles++;
        }
    }
    text->len = (size_t)(out - text->data);
    if (keys)
        keys->len = (size_t)((char *)kout - keys->data);
    if (!nshingles)
        return PM_OK;
    for (unsigned j = 0; j < PM_REUSE_K; j++) {
        if (filled[j]) {
            sig[j] = mins[j];
            continue;
        }
        unsigned d = 1;
        while (!filled[(j + d) % PM_REUSE_K])
            d++;
        sig[j] = mins[(j + d) % PM_REUSE_K] + d * 0x9E3779B1u;
    }
    *nsig = PM_REUSE_K;
    return PM_OK;
}
