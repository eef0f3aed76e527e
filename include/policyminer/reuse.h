/* policyminer/reuse.h - text reuse between documents: who copied whom.
 *
 * Two halves, one per side of the commit:
 *  - per document, in the worker (pm_reuse_doc): the body is normalised (NFKC-style width
 *    fold of full-width ASCII, ASCII lower-cased; whitespace, punctuation and the 文号 line
 *    dropped), cut to max_chars code points, and summarised by a one-permutation MinHash
 *    signature of PM_REUSE_K 32-bit values over its character 5-gram shingles. The
 *    normalised text and the signature are what the compact record carries, so shards,
 *    merges and refreshes see exactly what a fresh run saw.
 *  - over the corpus, in the committer (pm_reuse): documents are added in commit order;
 *    their texts, LSH band keys and 32 smallest containment anchors (1 in 16 shingles)
 *    are spilled to temporary files through bounded buffers, and memory keeps about 150
 *    bytes a document (metadata, id, 8 bits of each signature value); a Count-Min sketch
 *    counts the document frequency of a consistent 1-in-4 sample of shingles. At finish two candidate sources:
 *    LSH banding (PM_REUSE_BANDS bands x PM_REUSE_ROWS rows) for similar texts, shared
 *    anchors for a short text inside a long one; oversized buckets are dropped. Each
 *    candidate is verified exactly on all its shingles with boilerplate (text covered by
 *    sampled shingles above a document-frequency share) masked: Jaccard and both
 *    containments; a pair above the threshold is aligned (Smith-Waterman +3/-2/-3) and
 *    kept when the alignment covers PM_REUSE_ALIGN_SHARE of the shorter text and
 *    PM_REUSE_MIN_ALIGNED characters. Every result is sorted by document ids, so it does
 *    not depend on commit order.
 *  - refresh checkpoint (pm_reuse_checkpoint / save / load, below): the corpus side kept in
 *    a state directory, so a later run adds only its new documents and its finish goes on
 *    from the last one's candidates, with the same tables as one clean run.
 * Ownership: the caller owns every buffer it passes; pm_reuse copies what it keeps.
 */
#ifndef POLICYMINER_REUSE_H
#define POLICYMINER_REUSE_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/buf.h"
#include "policyminer/diffusion.h"
#include "policyminer/gazetteer.h"
#include "policyminer/status.h"

#define PM_REUSE_K 96     /* signature values per document */
#define PM_REUSE_BANDS 32 /* LSH bands ... */
#define PM_REUSE_ROWS 3   /* ... of this many values: P(candidate) = 1-(1-J^3)^32 */
#define PM_REUSE_ALIGN_SHARE 0.2 /* a pair's alignment matches at least this share of the
                                    shorter text's characters ... */
#define PM_REUSE_MIN_ALIGNED 100 /* ... and at least this many, or all of a shorter text
                                    (a shared header is not a copy) */
/* The normalised text's form in the record (see pm_reuse_doc), digested into the run's
 * fingerprint with reuse on, so shard parts and refresh state of another form are refused
 * rather than misread. */
#define PM_REUSE_TEXT_FORM "utf16le"

/* Whether text reuse runs without --reuse / --no-reuse: the one line to change when it
 * becomes the default (README, Text reuse: Cost); options, usage and tests follow it. */
#define PM_REUSE_DEFAULT_ON 1
#if PM_REUSE_DEFAULT_ON
#define PM_REUSE_DEFAULT_WORD "on"
#else
#define PM_REUSE_DEFAULT_WORD "off"
#endif

typedef struct pm_reuse_options {
    int enabled;           /* --reuse / --no-reuse (default PM_REUSE_DEFAULT_ON) */
    double threshold;      /* report pairs with max(containment) >= this (default 0.35) */
    uint32_t max_chars;    /* normalised code points kept per document (default 2000) */
    uint32_t min_chars;    /* shorter documents take no part (default 50) */
    double boilerplate_share; /* a shingle in more than this share of documents does not
                                 count (default 0.01; never below 10 documents) */
    uint32_t bucket_cap;   /* an LSH bucket with more documents is dropped (default 200) */
    uint64_t max_candidates; /* candidate pairs made at most (default 20,000,000); pairs of
                                anchor bucket mates, spilled, 16 times as many */
    int exhaustive;        /* verify all pairs instead of LSH candidates (tests only) */
} pm_reuse_options;

/* Containment anchors shared by more documents than this make no candidate pairs: a
 * quarter of the LSH bucket cap (at least 2). */
#define PM_REUSE_ANCHOR_CAP(o) ((o)->bucket_cap / 4 > 2 ? (o)->bucket_cap / 4 : 2u)

void pm_reuse_options_default(pm_reuse_options *o);
/* A short text naming every option, for the manifest and the refresh fingerprint. */
void pm_reuse_options_describe(const pm_reuse_options *o, char *out, size_t n);

/* ---- per document (worker side) ------------------------------------------------------- */

/* Normalises body (skipping the line that holds docno, when docno_len > 0) into text
 * (appended, at most o->max_chars code points as 16-bit little-endian units, UTF-16LE:
 * two bytes a character, a third less than UTF-8 for CJK; an opaque blob for everything
 * but the reuse stage, which decodes it) and fills sig. Returns PM_OK with
 * *nsig = PM_REUSE_K, or *nsig = 0 when the text is too short to have shingles (text is
 * appended all the same). PM_ERR_NOMEM / PM_ERR_TOO_BIG from text. */
pm_status pm_reuse_doc(const pm_reuse_options *o, const char *body, size_t body_len,
                       const char *docno, size_t docno_len, pm_buf *text,
                       uint32_t sig[PM_REUSE_K], unsigned *nsig, pm_buf *keys);
/* keys (may be NULL): appends the 32-bit keys of the text's sampled shingles (as uint32_t,
 * repeats included), which pm_reuse_add would otherwise recompute from the text. */

/* ---- over the corpus (committer side) ------------------------------------------------- */

typedef struct pm_reuse pm_reuse;

typedef struct pm_reuse_stats {
    uint64_t docs;            /* documents taking part */
    uint64_t docs_short;      /* too short (below min_chars) */
    uint64_t candidates;      /* distinct LSH candidate pairs that passed the screen */
    uint64_t candidates_screened; /* bucket pairs (each time met, over all bands) whose
                                     signature Jaccard is below 0.2: not candidates */
    uint64_t candidates_anchor; /* distinct pairs sharing >= 2 containment anchors */
    uint64_t candidates_anchor_screened; /* of those, not verified: estimates too low */
    uint64_t candidates_verified; /* pairs verified on their texts (both kinds) */
    uint64_t anchor_buckets_capped; /* anchors shared by more than bucket_cap documents */
    uint64_t anchor_bucket_docs_capped;
    uint64_t largest_anchor_bucket;
    uint64_t buckets_capped;  /* LSH buckets dropped for being above the cap */
    uint64_t bucket_docs_capped; /* document slots in those buckets */
    uint64_t candidates_truncated; /* 1 when max_candidates stopped candidate generation */
    uint64_t pairs;           /* verified pairs reported */
    uint64_t boilerplate_df;  /* document frequency above which a shingle is boilerplate */
    uint64_t largest_bucket;  /* documents in the largest bucket seen */
    double seconds;           /* wall time of pm_reuse_finish */
    double add_seconds;       /* wall time in pm_reuse_add (the committer, every document) */
    double cpu_seconds;       /* its CPU time (the process's: finish runs alone) */
    int lsh_path;             /* how the LSH candidates were found: PM_REUSE_LSH_* */
    int anchor_path;          /* ... and the anchor candidates (the same values) */
    uint64_t lsh_new_docs;    /* incremental: documents added since the last finish */
    uint64_t verdicts_reused; /* verified pairs whose verdict the last finish gave (both
                                 loads would have come out the same) */
    uint64_t anchor_keys_sized; /* incremental anchors: new documents' keys whose old
                                   bucket size came from the last finish's list of
                                   buckets over the cap (their old members not read) */
} pm_reuse_stats;

/* How a finish found its LSH candidates (pm_reuse_stats.lsh_path; pm_reuse_lsh_path_name).
 * A refresh that went on from a checkpoint keeps the last finish's candidates and adds the
 * pairs the new documents make in the buckets they join; where that could differ from
 * sorting every band again it sorts every band again (the same list either way). */
enum {
    PM_REUSE_LSH_FULL = 0,        /* every band sorted: no earlier finish to go on from */
    PM_REUSE_LSH_INCREMENTAL = 1, /* the last finish's candidates + the new documents' */
    PM_REUSE_LSH_FULL_CAP = 2,    /* every band: a bucket holding a candidate crossed the cap */
    PM_REUSE_LSH_FULL_LIMIT = 3,  /* every band: max_candidates was or could be reached */
    PM_REUSE_LSH_FULL_LAST = 4,   /* every band: the last finish kept no candidates to go on
                                     from (it was cut, exhaustive, or its layout is unknown) */
    PM_REUSE_LSH_FULL_LARGEST = 5 /* (anchors) every posting: the largest anchor bucket turned
                                     boilerplate, the next largest is not known */
};
const char *pm_reuse_lsh_path_name(int path);

/* tmpdir: where the text spill file goes (it is unlinked at once). */
pm_status pm_reuse_create(pm_reuse **out, const pm_reuse_options *o, const char *tmpdir,
                          pm_errctx *err);
void pm_reuse_free(pm_reuse *r); /* accepts NULL */
/* The country pack whose code width and level names reuse_pairs.tsv and reuse_edges.tsv
 * print with (the run's; must outlive r). Without one, codes print as plain numbers and
 * levels empty. */
struct pm_country;
void pm_reuse_set_country(pm_reuse *r, const struct pm_country *c);

/* Adds one kept document. date yyyymmdd (0 unknown); region/province codes (0 unknown).
 * nsig 0 or text shorter than min_chars: counted as short, not added. keys/nkeys: what
 * pm_reuse_doc gave for this text, or NULL to compute them here. */
pm_status pm_reuse_add(pm_reuse *r, const char *doc_id, int32_t date, pm_level level,
                       uint32_t region, uint32_t province, const uint32_t *sig, unsigned nsig,
                       const char *text, size_t text_len, const uint32_t *keys, size_t nkeys);

/* Finds and verifies the pairs, writes reuse_pairs.tsv, reuse_edges.tsv and
 * reuse_boilerplate.tsv into dir, and tells adopt (may be NULL) every pair so edges.tsv
 * can say text_reuse. adopt also decides relations (neighbouring provinces). Success or
 * not, it then releases the per-document state and the spills: afterwards r answers
 * pm_reuse_get_stats and pm_reuse_free only (call it once). */
pm_status pm_reuse_finish(pm_reuse *r, pm_adopt *adopt, const char *dir, pm_errctx *err);

const pm_reuse_stats *pm_reuse_get_stats(const pm_reuse *r);

/* ---- refresh checkpoint ----------------------------------------------------------------
 * pm_reuse_checkpoint (before any add): the spills become named files in dir/reuse/, kept
 * after the run, and finish also writes the in-memory state there, so that a later run can
 * go on from this one's documents instead of adding them again. PM_ERR_ARG after an add,
 * PM_ERR_OUTPUT when dir/reuse cannot be made (r unchanged).
 * pm_reuse_save (after a finish that wrote its state): a short descriptor of it into out
 * (appended; PM_ERR_ARG when there is none). pm_reuse_load (after pm_reuse_checkpoint,
 * before any add): r as it was after the saved run's last add, its files verified against
 * their digests (texts are checked as finish reads them: a damaged one fails the finish
 * with PM_ERR_STATE). PM_ERR_STATE when anything does not match; r is then as before. */
pm_status pm_reuse_checkpoint(pm_reuse *r, const char *dir, pm_errctx *err);
pm_status pm_reuse_save(const pm_reuse *r, pm_buf *out);
pm_status pm_reuse_load(pm_reuse *r, const void *p, size_t n);

#endif
