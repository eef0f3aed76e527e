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

/* Upper bound on the bytes a match of the pattern can span, or (size_t)-1 when it is
 * unbounded or not understood. With the end of the first literal occurrence e, no match
 * can start before e - maxlen: the matcher starts PCRE2 there instead of at 0. */
size_t pm_pattern_maxlen(const char *pattern, size_t n);

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
pm_status pm_hs_scratch_create(const pm_hs *h, pm_hs_scratch **out);
void pm_hs_scratch_free(pm_hs_scratch *s);
pm_status pm_hs_scan(const pm_hs *h, pm_hs_scratch *s, const char *text, size_t n,
                     void (*hit)(void *ud, uint32_t id, size_t end), void *ud);
int pm_hs_available(void);

#endif
