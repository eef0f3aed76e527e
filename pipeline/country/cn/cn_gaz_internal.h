/* country/cn/cn_gaz_internal.h - the gazetteer's name index, shared by cn_gazetteer.c (loading)
 * and cn_issuer.c (resolution) only. */
#ifndef PM_GAZ_INTERNAL_H
#define PM_GAZ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "policyminer/gazetteer.h"

enum { GK_DIV_FULL = 1, GK_DIV_ALIAS, GK_CENTRAL, GK_SUFFIX, GK_ABBR, GK_DOCNO };

typedef struct gaz_key {
    char *s;
    size_t len;
    uint64_t hash;
    uint32_t first; /* first posting, UINT32_MAX = none */
} gaz_key;

typedef struct gaz_post {
    uint8_t kind;
    uint32_t value; /* division index for GK_DIV_*, else a region code */
    uint32_t next;  /* next posting of the same key, UINT32_MAX = end */
} gaz_post;

/* The CJK block the traditional-character fold lives in (cn_issuer.c's table). */
#define PM_GAZ_TRAD_BASE 0x4E00u
#define PM_GAZ_TRAD_WORDS 328u /* (U+9FFF - U+4E00 + 1) / 64 */
#define PM_GAZ_BLOOM_BITS (1u << 18)
#define PM_GAZ_BLOOM_WORDS (PM_GAZ_BLOOM_BITS / 64)

struct pm_gazetteer {
    pm_division *div;
    size_t ndiv, divcap;
    gaz_key *keys;
    size_t kcap, nkeys, max_key;
    gaz_post *post;
    size_t npost, pcap;
    char checksum[72];
    uint64_t trad_bits[PM_GAZ_TRAD_WORDS]; /* code points the fold rewrites, set at load */
    /* the fold table's index of the first of them in each word: a fold is then one
     * popcount away (cn_issuer.c), not a search */
    uint16_t trad_rank[PM_GAZ_TRAD_WORDS];
    /* trad_bits by a three-byte character's lead (E4..E9) and second byte (80..BF): the
     * word of the 64 code points the two bytes select, 0 outside the block */
    uint64_t trad_by_lead[6 * 64];
    /* one bit per key, at bits 40.. of its hash: most lookups (prefixes of a text that are
     * no name) end here, in 32 KB, instead of probing the key table */
    uint64_t kbloom[PM_GAZ_BLOOM_WORDS];
};

/* Fills bits with the code points cn_issuer.c's traditional fold rewrites, and rank with
 * its table's index of the first such code point at or after each word's first. */
void pm_gaz_trad_bits(uint64_t bits[PM_GAZ_TRAD_WORDS], uint16_t rank[PM_GAZ_TRAD_WORDS]);

/* First posting of the exact key s[0..n), or UINT32_MAX. */
uint32_t pm_gaz_lookup(const pm_gazetteer *g, const char *s, size_t n);
/* The same with h = pm_fnv1a64(s, n) given (a caller hashing prefixes incrementally). */
uint32_t pm_gaz_lookup_hashed(const pm_gazetteer *g, const char *s, size_t n, uint64_t h);
/* 1 when d is in use in `year` (first_year <= year < last_year). */
int pm_division_valid(const pm_division *d, int year);

#endif
