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
#include "policyminer/buf.h"
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
    int engine;            /* literal scanner: PM_PREFILTER_AUTO (Hyperscan when built in and
                            * the CPU supports it, else Aho-Corasick), _AC, _HYPERSCAN */
    const char *cache_dir; /* keep compiled images here between runs (a refresh state's
                            * dictcache/); NULL = none. Never changes a result. */
} pm_dict_options;

enum { PM_PREFILTER_AUTO = 0, PM_PREFILTER_AC = 1, PM_PREFILTER_HYPERSCAN = 2 };

void pm_dict_options_default(pm_dict_options *o);
/* "hyperscan", "aho-corasick" or "none" (no_prefilter): the literal scanner in use. */
const char *pm_dictset_engine(const pm_dictset *d);

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

/* A hit filter (a pack's clause model, classify.c): called for every match that no veto
 * covers, in the run and in the audit; returns 1 to keep it, 0 to drop it (as if vetoed:
 * later matches still count), -1 when it does not judge hits of (dim, cat) (kept). score
 * and threshold are what it decided on (for the audit). It must be a pure function of its
 * arguments: labels then stay independent of threads and order. */
typedef int (*pm_dict_filter_fn)(void *ud, size_t dim, size_t cat, const char *text,
                                 size_t len, size_t start, size_t end, double *score,
                                 double *threshold);
/* Sets (fn NULL: clears) the filter every match through this scratch applies. */
void pm_dict_scratch_set_filter(pm_dict_scratch *s, pm_dict_filter_fn fn, void *ud);

/* Sets the title the next matches through this scratch belong to (a document's title, or
 * for a unit of a larger act the act's title: classify.c chooses). A category with a
 * `not_title` rule that matches it counts nothing until the next call: pm_dictset_match
 * skips it and pm_dictset_audit reports its matches vetoed by that rule (title_veto).
 * title NULL or len 0 clears. The title is read here only, never kept. A rule that gives
 * up on the match limit counts as no match and is counted in st (may be NULL). */
void pm_dict_scratch_set_title(pm_dict_scratch *s, const pm_dictset *d, const char *title,
                               size_t len, pm_dict_stats *st);

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

/* ---- audit: every match of every pattern, for one text (`policyminer dict explain`) ---- */

/* One pattern match as the audit reports it. Spans are byte offsets into the text given to
 * pm_dictset_audit. A vetoed match carries the veto that covered it. */
typedef struct pm_dict_hit {
    size_t dim, cat;
    const char *pattern;   /* the pattern's source text */
    unsigned line;         /* its line in the .dict file (pm_dictset_dim_file) */
    size_t start, end;     /* the match */
    int vetoed;            /* 1: a `not` pattern covers this match, so it does not count */
    int title_veto;        /* 1: ... a `not_title` rule matched the title instead (the veto
                            * and its line are that rule's; veto_start/end are 0) */
    const char *veto;      /* that veto's source text (NULL when not vetoed) */
    unsigned veto_line;
    size_t veto_start, veto_end;
    int judged;            /* 1: the scratch's hit filter judged this (unvetoed) match */
    int dropped;           /* 1: ... and dropped it, so it does not count */
    double score, threshold; /* what the filter decided on (when judged) */
} pm_dict_hit;

typedef void (*pm_dict_audit_fn)(void *ud, const pm_dict_hit *hit);

/* Runs every pattern of every category over text (no prefilter: a separate, slow path that
 * the normal run never takes) and calls fn for each match in text order per pattern, up to
 * max_per_pattern reports per pattern (0 = 16), vetoed ones included. Sets out like pm_dictset_match,
 * which by construction gives the same categories. Returns PM_OK or PM_ERR_NOMEM. */
pm_status pm_dictset_audit(const pm_dictset *d, pm_dict_scratch *s, const char *text,
                           size_t len, pm_catset *out, size_t max_per_pattern,
                           pm_dict_audit_fn fn, void *ud);

/* ---- import: quanteda YAML and LIWC .dic -> our .dict format (`policyminer dict import`) -- */

typedef enum pm_dictimport_format {
    PM_DICTIMPORT_AUTO = 0, /* LIWC when the first non-blank character is '%', else YAML */
    PM_DICTIMPORT_YAML = 1, /* the subset quanteda's as.yaml writes: nested keys, glob lists */
    PM_DICTIMPORT_LIWC = 2  /* LIWC .dic: % header of numbered categories, then term ids */
} pm_dictimport_format;

typedef struct pm_dictimport_options {
    pm_dictimport_format format;
    const char *dimension; /* dimension key of the output (default "imported") */
    const char *source;    /* names the input in the output header (e.g. its path) */
    size_t max_terms;      /* cap on terms (default 200000) */
    size_t max_term_bytes; /* cap on one term (default 256) */
} pm_dictimport_options;

typedef struct pm_dictimport_stats {
    size_t categories;    /* categories written (keys holding terms) */
    size_t terms;         /* terms read */
    size_t vetoes;        /* longer-match vetoes written */
    size_t skipped_lines; /* LIWC lines with no usable category */
    size_t skipped_ids;   /* LIWC id tokens that were not a known category */
    size_t markers;       /* LIWC "<of>"-style markers dropped from terms */
} pm_dictimport_stats;

void pm_dictimport_options_default(pm_dictimport_options *o);

/* Converts text (len bytes, UTF-8, optional BOM) into .dict text appended to out (whose
 * cap bounds the output). Nested YAML keys become category keys joined with '_' (label_en
 * keeps the path joined with '.'); LIWC categories are named by their header names. CJK
 * terms match as substrings, ASCII terms as case-insensitive whole words, glob * and ?
 * become bounded regex, and longest-match vetoes are added across categories (FORMAT.md).
 * Returns PM_OK; or PM_ERR_UTF8, PM_ERR_DICT_SYNTAX (err->line set in detail),
 * PM_ERR_TOO_BIG (a cap), PM_ERR_NOMEM, with err filled and out possibly partly written. */
pm_status pm_dict_import(const char *text, size_t len, const pm_dictimport_options *o,
                         pm_buf *out, pm_dictimport_stats *st, pm_errctx *err);

#endif
