/* classify/prefilter.h - required-literal extraction and the Aho-Corasick scanner behind
 * the dictionary matcher (internal to pipeline/classify). */
#ifndef PM_PREFILTER_H
#define PM_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "policyminer/status.h"

#define PM_LIT_MAX_ALTS 64

typedef struct pm_litset {
    char *s[PM_LIT_MAX_ALTS];
    size_t n[PM_LIT_MAX_ALTS];
    size_t count;
} pm_litset;

/* Fills out with literals every match of the pattern must contain; returns 0 (and an
 * empty set) when the pattern must always run. Caller frees with pm_litset_free. */
int pm_litextract(const char *pattern, size_t n, pm_litset *out);
void pm_litset_free(pm_litset *l);
/* The shortest literal's length in bytes (0 for an empty set). */
size_t pm_litset_min(const pm_litset *l);
/* pm_litextract, and in second a further set every match must also contain, taken from
 * another part of the pattern, when one looks rare (at most 4 literals of 9 bytes or more;
 * else empty): a pattern need only run where both occur. Caller frees both. */
int pm_litextract2(const char *pattern, size_t n, pm_litset *out, pm_litset *second);

/* Upper bound on the bytes a match of the pattern can span, or (size_t)-1 when it is
 * unbounded or not understood. With the end of the first literal occurrence e, no match
 * can start before e - maxlen: the matcher starts PCRE2 there instead of at 0. */
size_t pm_pattern_maxlen(const char *pattern, size_t n);

/* For each string k of set (the pattern's pm_litextract set), reach[k] bounds how many
 * bytes before the end of an occurrence of it a match can start, when that occurrence is
 * the one the match requires ((size_t)-1: not bounded). Returns 1 when every match holds
 * such an occurrence of some string of set (the set is the union of the top-level
 * branches' own sets, and no (?i)); 0 = not known (use pm_pattern_maxlen). */
int pm_literal_reach(const char *pattern, size_t n, const pm_litset *set, size_t *reach);

/* Clause stops: separator characters that end clauses and sentences. A pattern's stop set
 * is the stops no match of it can contain (its consuming atoms cannot match them; lookaround
 * contents do not count), so a match lies inside one stop-free stretch of the text. Bits: */
enum {
    PM_STOP_LF = 1u << 0,       /* \n */
    PM_STOP_CR = 1u << 1,       /* \r */
    PM_STOP_PERIOD = 1u << 2,   /* U+3002 。 */
    PM_STOP_DUN = 1u << 3,      /* U+3001 、 */
    PM_STOP_SEMI = 1u << 4,     /* U+FF1B ； */
    PM_STOP_COLON = 1u << 5,    /* U+FF1A ： */
    PM_STOP_COMMA = 1u << 6,    /* U+FF0C ， */
    PM_STOP_EXCL = 1u << 7,     /* U+FF01 ！ */
    PM_STOP_QUEST = 1u << 8,    /* U+FF1F ？ */
    PM_STOP_A_SEMI = 1u << 9,   /* ; */
    PM_STOP_A_COLON = 1u << 10, /* : */
    PM_STOP_A_COMMA = 1u << 11, /* , */
    PM_STOP_A_EXCL = 1u << 12,  /* ! */
    PM_STOP_A_QUEST = 1u << 13, /* ? */
    PM_STOP_A_PERIOD = 1u << 14, /* . */
    PM_STOP_ALL = (1u << 15) - 1
};

/* The stop set of a pattern (0 when it has none, or the pattern is not understood: the
 * answer is conservative, a stop is only named when no match can hold it). */
uint32_t pm_pattern_stops(const char *pattern, size_t n);

/* The stop bit of the character starting at p (left bytes remain), or 0. */
static inline uint32_t pm_stop_at(const unsigned char *p, size_t left)
{
    unsigned c = p[0];
    if (c < 0x80) {
        switch (c) {
        case '\n': return PM_STOP_LF;
        case '\r': return PM_STOP_CR;
        case ';': return PM_STOP_A_SEMI;
        case ':': return PM_STOP_A_COLON;
        case ',': return PM_STOP_A_COMMA;
        case '!': return PM_STOP_A_EXCL;
        case '?': return PM_STOP_A_QUEST;
        case '.': return PM_STOP_A_PERIOD;
        default: return 0;
        }
    }
    if (left < 3)
        return 0;
    if (c == 0xE3 && p[1] == 0x80)
        return p[2] == 0x82 ? PM_STOP_PERIOD : p[2] == 0x81 ? PM_STOP_DUN : 0;
    if (c == 0xEF && p[1] == 0xBC) {
        switch (p[2]) {
        case 0x9B: return PM_STOP_SEMI;
        case 0x9A: return PM_STOP_COLON;
        case 0x8C: return PM_STOP_COMMA;
        case 0x81: return PM_STOP_EXCL;
        case 0x9F: return PM_STOP_QUEST;
        default: return 0;
        }
    }
    return 0;
}

/* Aho-Corasick automaton over byte strings, each tagged with an id. Build once, then
 * scan read-only from any number of threads. */
typedef struct pm_ac pm_ac;
pm_status pm_ac_create(pm_ac **out);
pm_status pm_ac_add(pm_ac *ac, const char *s, size_t n, uint32_t id);
pm_status pm_ac_build(pm_ac *ac);
void pm_ac_free(pm_ac *ac);
size_t pm_ac_states(const pm_ac *ac);
/* Calls hit(ud, id, end) exactly once for every occurrence of every literal in text, end
 * being the offset just past the occurrence. Ids repeat; the order is unspecified (long
 * texts are scanned in interleaved pieces), so callers keep the minimum end. */
void pm_ac_scan(const pm_ac *ac, const char *text, size_t n,
                void (*hit)(void *ud, uint32_t id, size_t end), void *ud);

/* The same scanner on Hyperscan (hsscan.c), when the build has it: add literals, then
 * build; pm_hs_build returns PM_ERR_ARG when Hyperscan is not available (not built in,
 * or a CPU it does not support) and the caller keeps the automaton. Same reporting
 * contract as pm_ac_scan. One scratch per thread. */
typedef struct pm_hs pm_hs;
typedef struct pm_hs_scratch pm_hs_scratch;
pm_status pm_hs_create(pm_hs **out);
void pm_hs_free(pm_hs *h);
pm_status pm_hs_add(pm_hs *h, const char *s, size_t n, uint32_t id);
pm_status pm_hs_build(pm_hs *h);
/* pm_hs_build through an image cache (dictcache.c) in cache_dir (NULL = no cache): the
 * stored image when one was built from the same literals by the same library, else a
 * fresh build that is then stored. */
pm_status pm_hs_build_cached(pm_hs *h, const char *cache_dir);
/* The same for k (at most 8) databases built together and cached as one image; on an
 * error (returned) some may be left unbuilt. */
pm_status pm_hs_build_cached_set(pm_hs *const *hs, size_t k, const char *cache_dir);
pm_status pm_hs_scratch_create(const pm_hs *h, pm_hs_scratch **out);
void pm_hs_scratch_free(pm_hs_scratch *s);
pm_status pm_hs_scan(const pm_hs *h, pm_hs_scratch *s, const char *text, size_t n,
                     void (*hit)(void *ud, uint32_t id, size_t end), void *ud);
int pm_hs_available(void);

#endif
