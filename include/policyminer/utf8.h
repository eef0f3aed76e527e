/* policyminer/utf8.h - the one UTF-8 codec: decode, encode, validate, cut on a boundary.
 *
 * Strict in what it decodes and validates (RFC 3629: no overlong forms, no surrogates
 * U+D800..DFFF, nothing above U+10FFFF, no stray continuation bytes), and total: every
 * function takes (pointer, length), never reads past it, never allocates.
 * The readers validate every document before parsing (pm_utf8_valid), so the stages after
 * them see valid text; the decoder still rejects bad bytes instead of trusting that.
 * The per-character functions are inline with an ASCII fast path: they run on every
 * byte of every body.
 */
#ifndef POLICYMINER_UTF8_H
#define POLICYMINER_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 when c is a continuation byte (10xxxxxx). */
static inline int pm_utf8_is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* The length a lead byte announces: 1 for ASCII, 2..4 for 0xC0..0xFF, and 1 for a
 * continuation byte, so stepping by it always moves. Does not validate. */
static inline size_t pm_utf8_seqlen(unsigned char c)
{
    return c < 0xC0 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
}

int pm_utf8_next_slow_(const unsigned char *p, size_t n, uint32_t *cp);

/* Decodes the code point at s (n bytes left): returns its length 1..4 and sets *cp, or
 * returns 0 and leaves *cp untouched when n is 0 or s does not start with a valid
 * sequence (truncated, overlong, surrogate, > U+10FFFF, bad continuation). */
static inline int pm_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n && p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    /* the 3-byte form (CJK, most of the BMP) inline too: it is most of a Chinese body */
    if (n >= 3 && (p[0] & 0xF0) == 0xE0 && pm_utf8_is_cont(p[1]) && pm_utf8_is_cont(p[2])) {
        uint32_t v = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) { /* not overlong, not a surrogate */
            *cp = v;
            return 3;
        }
        return 0;
    }
    return pm_utf8_next_slow_(p, n, cp);
}

/* Writes cp as 1..4 bytes to out and returns the count; 0 (nothing written) for a
 * surrogate or a value above U+10FFFF. */
static inline size_t pm_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return 0;
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The last character boundary at or before n in s[0..len): n itself when n >= len (then
 * len) or s[n] starts a character, else n moved back over continuation bytes. Cutting
 * s to this length never splits a character. */
static inline size_t pm_utf8_floor(const char *s, size_t len, size_t n)
{
    if (n >= len)
        return len;
    while (n > 0 && pm_utf8_is_cont((unsigned char)s[n]))
        n--;
    return n;
}

/* The first character boundary at or after i in s[0..len) (len when none). */
static inline size_t pm_utf8_ceil(const char *s, size_t len, size_t i)
{
    while (i < len && pm_utf8_is_cont((unsigned char)s[i]))
        i++;
    return i;
}

/* The length of s[0..n) without a partial character at its end: a string cut blindly by
 * a fixed-size field ends on a character again. Only the last sequence is looked at. */
static inline size_t pm_utf8_complete(const char *s, size_t n)
{
    size_t lead = n;
    while (lead > 0 && pm_utf8_is_cont((unsigned char)s[lead - 1]))
        lead--;
    if (lead > 0 && (unsigned char)s[lead - 1] >= 0xC0 &&
        n - (lead - 1) < pm_utf8_seqlen((unsigned char)s[lead - 1]))
        return lead - 1;
    return n;
}

/* Characters in s[0..n) (bytes that are not continuation bytes). */
size_t pm_utf8_count(const char *s, size_t n);

/* Validates s[0..n) strictly, and also refuses NUL (documents and dictionaries never
 * carry one). Returns 1 when valid; else 0 and, when bad_at is not NULL, the offset of
 * the first byte of the first bad sequence. */
int pm_utf8_valid(const char *s, size_t n, size_t *bad_at);

#endif
