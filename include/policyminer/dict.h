/* policyminer/dict.h - regex dictionaries: load, compile, check, and match in one scan.
 *
 * A dictionary set is every *.dict file of a directory (sorted by name), each file one
 * dimension (instrument, sector, ...) holding categories, each category a set of PCRE2
 * patterns (UTF, JIT) plus optional veto patterns and examples. Format: dictionaries/FORMAT.md.
 *
 * Matching never costs one full scan per pattern: a literal prefilter (Aho-Corasick over
 * the literals each pattern requires) scans the text once, and PCRE2 runs only for the
 * patterns whose required literal occurred (and for the few with no extractable literal).
 * The labels are by construction identical to running every PCRE2 pattern on the text.
 *
 * The compiled set is read-only after load and shared by all threads; each thread owns a
 * pm_dict_scratch (match data, JIT stack, candidate marks).
 */
#ifndef POLICYMINER_DICT_H
#define POLICYMINER_DICT_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

#define PM_MAX_CATS 256 /* categories per dimension */
#define PM_CATSET_WORDS (PM_MAX_CATS / 64)

typedef struct pm_catset {
    uint64_t w[PM_CATSET_WORDS];
} pm_catset;

static inline void pm_catset_set(pm_catset *s, unsigned i) { s->w[i >> 6] |= 1ull << (i & 63); }
static inline int pm_catset_has(const pm_catset *s, unsigned i)
{
    return (int)((s->w[i >> 6] >> (i & 63)) & 1u);
}

typedef struct pm_dictset pm_dictset;
typedef struct pm_dict_scratch pm_dict_scratch;

typedef struct pm_dict_options {
    uint32_t match_limit;  /* PCRE2 match limit per pattern per document (default 1e6) */
    uint32_t depth_limit;  /* PCRE2 depth limit (default 1e5) */
    size_t jit_stack_max;  /* per-thread JIT stack bytes (default 1 MiB) */
    int no_prefilter;      /* 1: run every pattern (reference mode, for tests/bench) */
} pm_dict_options;

void pm_dict_options_default(pm_dict_options *o);

/* Loads every *.dict file in dir. On failure returns the status, fills err (file, line,
 * detail) and *out stays NULL. */
pm_status pm_dictset_load(pm_dictset **out, const char *dir, const pm_dict_options *o,
                          pm_errctx *err);
/* Same, from explicit file paths (in the order given). */
pm_status pm_dictset_load_files(pm_dictset **out, const char *const *files, size_t n,
                                const pm_dict_options *o, pm_errctx *err);
void pm_dictset_free(pm_dictset *d); /* accepts NULL */

size_t pm_dictset_ndims(const pm_dictset *d);
const char *pm_dictset_dim_name(const pm_dictset *d, size_t dim);     /* "instrument" */
size_t pm_dictset_dim_find(const pm_dictset *d, const char *name);      /* (size_t)-1 if none */
const char *pm_dictset_dim_file(const pm_dictset *d, size_t dim);      /* path loaded */
const char *pm_dictset_dim_checksum(const pm_dictset *d, size_t dim);  /* "sha256:hex" of file */
size_t pm_dictset_ncats(const pm_dictset *d, size_t dim);
const char *pm_dictset_cat_key(const pm_dictset *d, size_t dim, size_t cat);
const char *pm_dictset_cat_group(const pm_dictset *d, size_t dim, size_t cat); /* "" if none */
const char *pm_dictset_cat_label(const pm_dictset *d, size_t dim, size_t cat, const char *lang);
size_t pm_dictset_npatterns(const pm_dictset *d);
/* The category's `must` examples (phrases that must match it): the synthetic generator
 * plants them, so planted labels are recoverable by construction. */
/* Source text of pattern i (0 <= i < pm_dictset_npatterns), e.g. for tooling. */
const char *pm_dictset_pattern(const pm_dictset *d, size_t i);
size_t pm_dictset_cat_nexamples(const pm_dictset *d, size_t dim, size_t cat);
const char *pm_dictset_cat_example(const pm_dictset *d, size_t dim, size_t cat, size_t i);
/* Distinct groups of a dimension in first-seen order (for instrument_groups). */
size_t pm_dictset_ngroups(const pm_dictset *d, size_t dim);
const char *pm_dictset_group_key(const pm_dictset *d, size_t dim, size_t g);
size_t pm_dictset_cat_group_index(const pm_dictset *d, size_t dim, size_t cat);

pm_status pm_dict_scratch_create(pm_dict_scratch **out, const pm_dictset *d);
void pm_dict_scratch_free(pm_dict_scratch *s); /* accepts NULL */

/* Per-call counters (added to, never reset by the callee). */
typedef struct pm_dict_stats {
    uint64_t regex_runs;     /* PCRE2 matches attempted */
    uint64_t match_limit_hits;
} pm_dict_stats;

/* Called for each confirmed match when explaining (may be NULL). */
typedef void (*pm_dict_explain_fn)(void *ud, size_t dim, size_t cat, const char *pattern,
                                   size_t start, size_t end);

/* Scans text once and sets, for every dimension, the bits of the categories that match
 * (a category matches when one of its patterns matches and none of its veto patterns
 * matches at that position... see FORMAT.md). out must have pm_dictset_ndims() entries;
 * they are cleared first. A match-limit hit on a pattern counts as "no match" for that
 * pattern, is counted in st, and the others still run. Returns PM_OK or PM_ERR_NOMEM. */
pm_status pm_dictset_match(const pm_dictset *d, pm_dict_scratch *s, const char *text,
                           size_t len, pm_catset *out, pm_dict_stats *st,
                           pm_dict_explain_fn explain, void *ud);

/* Patterns that gave up on the PCRE2 match or depth limit since the set was loaded,
 * summed over every thread and document (an order-free sum: deterministic). Calls fn once
 * per such pattern (veto = 0) or veto pattern (veto = 1), in dictionary order. */
typedef void (*pm_dict_limit_fn)(void *ud, size_t dim, size_t cat, const char *pattern,
                                 int veto, uint64_t hits);
void pm_dictset_limit_hits(const pm_dictset *d, pm_dict_limit_fn fn, void *ud);

/* `policyminer dict check`: compiles, runs every example, probes every pattern against
 * adversarial strings under the match limit. Writes a human report to `report` (may be
 * NULL) via the callback; returns the number of failures (0 = all good), or -1 when the
 * directory cannot be loaded (err filled). */
typedef void (*pm_dict_report_fn)(void *ud, const char *line);
long pm_dict_check(const char *dir, const pm_dict_options *o, pm_dict_report_fn report,
                   void *ud, pm_errctx *err);

#endif
