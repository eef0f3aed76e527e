/* engine/analysis.h - the corpus-level analyses the committer drives, behind one vtable.
 *
 * An analysis consumes every kept document's committed record, in input order, and at
 * the end writes its tables. The committer knows none of them by name: it walks the
 * table in analyses.c (pm_analyses()) and calls each entry's hooks. Shards, MPI ranks and
 * --state refreshes feed the same records through the same committer in the same order,
 * so an analysis gets byte-identical output for free as long as its own result depends
 * only on that order (or on nothing but associative merges: sums, minima by (date,
 * doc_id), sorted lists).
 *
 * Adding an analysis:
 *   1. one file (pipeline/analysis/<name>.c, or next to the module it adapts) defining
 *      `const pm_analysis pm_analysis_<name> = {"<name>", create, add, merge, finish, free,
 *      save, load};` (save and load NULL: refreshes replay instead of using the checkpoint)
 *   2. one entry in ANALYSES[] in engine/analyses.c (the entry's place is its finish order);
 *   3. what it needs from a document goes into pm_citem (engine_internal.h) and, when
 *      shards and refreshes must carry it, into the block codec (block.c) in one place.
 * Not a public header: only engine/ and the analyses include it.
 */
#ifndef PM_ENGINE_ANALYSIS_H
#define PM_ENGINE_ANALYSIS_H

#include "policyminer/diffusion.h"
#include "engine_internal.h"

/* What every analysis sees of the run: read-only setup, plus the shared adoption table. */
typedef struct pm_analysis_ctx {
    const pm_commit_config *cfg; /* outdir, dict_dir, classifier, options, summary, err */
    const pm_dictset *d;
    /* The adoptions (set by the "adoptions" entry's create; NULL when diffusion is off).
     * Later entries may annotate it before it is written (text reuse tells it its pairs). */
    pm_adopt *adopt;
} pm_analysis_ctx;

typedef struct pm_analysis {
    const char *name;
    /* Allocates the analysis' state in *state. PM_OK with *state NULL = not enabled for
     * this run (its other hooks are then never called). On failure *state is NULL and
     * ctx->cfg->err may say why. */
    pm_status (*create)(void **state, pm_analysis_ctx *ctx);
    /* Consumes one kept (non-duplicate) document's record, in input order. NULL = the
     * analysis reads nothing of its own (it reports on another's state). */
    pm_status (*add)(void *state, const pm_citem *it, pm_analysis_ctx *ctx);
    /* Folds another instance's partial state (same setup) into state; associative and
     * commutative. NULL = not mergeable. The engine merges shards and refreshes by
     * replaying their records through add, so merge serves callers that build partials
     * in parallel (and the unit tests that prove the merge order does not matter). */
    pm_status (*merge)(void *state, const void *from);
    /* Writes the analysis' tables into ctx->cfg->outdir (each atomically) and its figures
     * into ctx->cfg->sum. Called once, in table order, only for a complete run. */
    pm_status (*finish)(void *state, pm_analysis_ctx *ctx);
    void (*free)(void *state); /* accepts NULL */
    /* Refresh checkpoint: the state as bytes after the last add, and back into a state
     * just created with the same setup. NULL save = this analysis cannot be checkpointed
     * (a refresh then replays every stored file); NULL both with add NULL = it has no
     * state of its own. */
    pm_status (*save)(const void *state, pm_buf *out);
    pm_status (*load)(void *state, const void *p, size_t n);
    /* 1 = its finish reads only its own state and the read-only setup, writes only its own
     * tables and no summary field: the committer may run it beside the other entries'
     * finishes (an OpenMP task; the run's finish is the serial part of -jN). */
    int alone;
} pm_analysis;

#define PM_ANALYSES_MAX 16 /* entries of pm_analyses() a committer can hold */

/* The analyses, NULL-terminated, in the order they are created, fed and finished. */
const pm_analysis *const *pm_analyses(void);

extern const pm_analysis pm_analysis_counts;
extern const pm_analysis pm_analysis_reuse;
extern const pm_analysis pm_analysis_adoptions;
extern const pm_analysis pm_analysis_discovery;

#endif
