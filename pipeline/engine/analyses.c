/* engine/analyses.c - the table of corpus-level analyses (analysis.h) and the adapters
 * that put the existing ones behind it: counts (sinks/counts.c), text reuse
 * (analysis/reuse.c), and adoptions with citations and discovered policies
 * (diffusion/adopt.c, discover.c). The adapters only translate a committed record into
 * each module's own add call; the modules know nothing of the engine.
 *
 * Adding an analysis = one file defining its pm_analysis + one entry in ANALYSES below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/reuse.h"
#include "policyminer/sinks.h"
#include "analysis.h"

/* Table order is creation, feeding and finishing order. Text reuse finishes before the
 * adoptions are written, because edges.tsv cites its verified pairs (it reaches them
 * through ctx->adopt, set when the adoptions are created, before anything finishes);
 * discovery reports what the adoptions' name table kept, so it comes after them. */
static const pm_analysis *const ANALYSES[] = {&pm_analysis_counts, &pm_analysis_reuse,
                                              &pm_analysis_adoptions, &pm_analysis_discovery,
                                              NULL};

const pm_analysis *const *pm_analyses(void) { return ANALYSES; }

/* ---- counts.tsv ------------------------------------------------------------------------ */

static pm_status counts_create(void **state, pm_analysis_ctx *ctx)
{
    pm_counts *c = NULL;
    pm_status st = pm_counts_create(&c, ctx->d, ctx->cfg->country);
    *state = c;
    return st;
}

static pm_status counts_add(void *state, const pm_citem *it, pm_analysis_ctx *ctx)
{
    (void)ctx;
    return pm_counts_add(state, it->year, it->level, it->province, it->cats);
}

static pm_status counts_merge(void *state, const void *from) { return pm_counts_merge(state, from); }

static pm_status counts_finish(void *state, pm_analysis_ctx *ctx)
{
    pm_errctx *err = ctx->cfg->err;
    pm_outfile *f = NULL;
    pm_status st = pm_outfile_open(&f, ctx->cfg->outdir, "counts.tsv", err);
    if (st == PM_OK)
        st = pm_counts_write(state, f, err);
    if (st == PM_OK) {
        st = pm_outfile_commit(f, err);
        f = NULL;
    }
    pm_outfile_abort(f);
    return st;
}

static void counts_free(void *state) { pm_counts_free(state); }

static pm_status counts_save(const void *state, pm_buf *out)
{
    const uint64_t(*kv)[2];
    size_t n;
    pm_counts_export(state, &kv, &n);
    return pm_buf_append(out, kv, n * sizeof *kv); /* read back by the same build only */
}

static pm_status counts_load(void *state, const void *p, size_t n)
{
    if (n % (2 * sizeof(uint64_t)))
        return PM_ERR_STATE;
    uint64_t(*kv)[2] = malloc(n ? n : 1); /* p need not be aligned */
    if (!kv)
        return PM_ERR_NOMEM;
    memcpy(kv, p, n);
    pm_status st = pm_counts_import(state, (const uint64_t(*)[2])kv, n / sizeof *kv);
    free(kv);
    return st;
}

const pm_analysis pm_analysis_counts = {"counts", counts_create, counts_add, counts_merge,
                                        counts_finish, counts_free, counts_save, counts_load, 1};

/* ---- adoptions, citations, diffusion tables -------------------------------------------- */

static pm_status adopt_create(void **state, pm_analysis_ctx *ctx)
{
    const pm_commit_config *cfg = ctx->cfg;
    *state = NULL;
    if (cfg->no_diffusion)
        return PM_OK;
    pm_adopt *a = NULL; /* the pack's regions and adjacency come with cfg->country */
    pm_status st = pm_adopt_create(&a, ctx->d, cfg->country, cfg->diffusion);
    if (st != PM_OK) {
        pm_adopt_free(a);
        return st;
    }
    *state = ctx->adopt = a;
    return PM_OK;
}

static pm_status adopt_add(void *state, const pm_citem *it, pm_analysis_ctx *ctx)
{
    (void)ctx;
    pm_adopt *a = state;
    pm_status st = pm_adopt_add(a, it->rej.doc_id, it->date, it->level, it->region,
                                it->province, it->cats, &it->pnames);
    for (unsigned k = 0; st == PM_OK && k < it->ncited && k < PM_MAX_CITED; k++)
        st = pm_adopt_cite(a, it->region, it->cited[k], it->date);
    return st;
}

static pm_status adopt_merge(void *state, const void *from) { return pm_adopt_merge(state, from); }

static pm_status adopt_finish(void *state, pm_analysis_ctx *ctx)
{
    /* a --state run records where each cascade's rows go, so the next refresh can copy
     * the unchanged ones (the engine keeps the two tables with the checkpoint) */
    pm_status st = ctx->cfg->tables && !ctx->cfg->part ? pm_adopt_set_state(state, ctx->cfg->state_dir)
                                                       : PM_OK;
    if (st == PM_OK)
        st = pm_adopt_write(state, ctx->cfg->outdir, ctx->cfg->err);
    if (st == PM_OK && ctx->cfg->sum)
        pm_adopt_refresh_stats(state, &ctx->cfg->sum->state_rows_copied,
                               &ctx->cfg->sum->state_rows_derived);
    return st;
}

static void adopt_free(void *state) { pm_adopt_free(state); }

static pm_status adopt_save(const void *state, pm_buf *out) { return pm_adopt_save(state, out); }
static pm_status adopt_load(void *state, const void *p, size_t n) { return pm_adopt_load(state, p, n); }

const pm_analysis pm_analysis_adoptions = {"adoptions", adopt_create, adopt_add, adopt_merge,
                                           adopt_finish, adopt_free, adopt_save, adopt_load, 0};

/* ---- text reuse ------------------------------------------------------------------------ */

static pm_status reuse_create(void **state, pm_analysis_ctx *ctx)
{
    const pm_commit_config *cfg = ctx->cfg;
    pm_reuse *r = NULL;
    pm_status st = PM_OK;
    if (cfg->reuse && cfg->reuse->enabled)
        st = pm_reuse_create(&r, cfg->reuse, cfg->outdir, cfg->err);
    if (st == PM_OK && r)
        pm_reuse_set_country(r, cfg->country);
    /* a run that can leave a refresh checkpoint keeps reuse's spills in the state */
    if (st == PM_OK && r && cfg->state_dir && cfg->tables && !cfg->part)
        st = pm_reuse_checkpoint(r, cfg->state_dir, cfg->err);
    if (st != PM_OK) {
        pm_reuse_free(r);
        r = NULL;
    }
    *state = r;
    return st;
}

static pm_status reuse_add(void *state, const pm_citem *it, pm_analysis_ctx *ctx)
{
    (void)ctx;
    return pm_reuse_add(state, it->rej.doc_id, it->date, it->level, it->region, it->province,
                        it->sig, it->nsig, it->rtext, it->rtext_len, it->rkeys, it->nrkeys);
}

static pm_status reuse_finish(void *state, pm_analysis_ctx *ctx)
{
    return pm_reuse_finish(state, ctx->adopt, ctx->cfg->outdir, ctx->cfg->err);
}

static void reuse_free(void *state) { pm_reuse_free(state); }

static pm_status reuse_save(const void *state, pm_buf *out) { return pm_reuse_save(state, out); }
static pm_status reuse_load(void *state, const void *p, size_t n) { return pm_reuse_load(state, p, n); }

/* Not mergeable: its candidate pairs need every document's text (shards replay them).
 * Checkpointed: its spills and state stay in the state directory (pm_reuse_checkpoint). */
const pm_analysis pm_analysis_reuse = {"reuse", reuse_create, reuse_add, NULL, reuse_finish,
                                       reuse_free, reuse_save, reuse_load, 0};

/* ---- discovered policies (issue 14) ------------------------------------------------------
 * The candidate names ride in the adoptions (pm_adopt_add interns them into discover.c's
 * name table and they become cascades there); this entry reports what discovery kept and
 * cut, after the adoptions are written. */

static pm_status discovery_create(void **state, pm_analysis_ctx *ctx)
{
    *state = ctx->adopt; /* NULL (off) without diffusion */
    return PM_OK;
}

static pm_status discovery_finish(void *state, pm_analysis_ctx *ctx)
{
    pm_discover_stats ds;
    pm_adopt_discover_stats(state, &ds);
    pm_run_summary *s = ctx->cfg->sum;
    s->discovery.names = ds.names;
    s->discovery.names_dropped = ds.names_dropped;
    s->discovery.joined = ds.joined;
    s->discovery.cascades = ds.cascades;
    s->discovery.netinf_pairs_capped = ds.netinf_pairs_capped;
    return PM_OK;
}

static void discovery_free(void *state) { (void)state; /* the adoptions own it */ }

const pm_analysis pm_analysis_discovery = {"discovery", discovery_create, NULL, NULL,
                                           discovery_finish, discovery_free, NULL, NULL, 0};
