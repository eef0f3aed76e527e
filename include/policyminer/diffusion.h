/* policyminer/diffusion.h - first adoptions of policies by regions, and the diffusion
 * tables built from them.
 *
 * A "cascade" is one policy that regions adopt: a named experiment of the `experiment`
 * dictionary (河长制, 最多跑一次 …: the dictionary's patterns encode what counts as adopting,
 * see dictionaries/README.md), or a generic instrument x sector combination
 * ("equity_guidance_fund+integrated_circuits"). A region adopts a cascade with its first
 * document, by (date, doc_id): the minimum is associative and commutative, so threads,
 * shards and refreshes merge to the same answer.
 *
 * Event times are decimal years (2015-07-02 -> 2015.5000), so lags read in years and
 * NetInf's alpha is per year. Documents whose date or region is unknown cannot adopt.
 */
#ifndef POLICYMINER_DIFFUSION_H
#define POLICYMINER_DIFFUSION_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/buf.h"
#include "policyminer/dict.h"
#include "policyminer/discover.h"
#include "policyminer/country.h"
#include "policyminer/gazetteer.h"
#include "policyminer/status.h"

typedef struct pm_adopt pm_adopt;

/* network.tsv: NetInf weighs, for each adopter of a cascade, only its this many most recent
 * strictly earlier adopters within the edges.tsv window as candidate parents, so memory
 * grows with adopters x 100, not adopters squared, in the big discovered cascades. */
#define PM_NETINF_MAX_PARENTS 100

typedef struct pm_diffusion_options {
    int generic_policies; /* also instrument x sector cascades (default 1) */
    int window_years;     /* edges.tsv window (default 5) */
    /* network.tsv / leaders.tsv: NetInf over the named experiments (see README) */
    int netinf_edges;     /* edges to select: -1 auto (default: one per region that ever
                             follows, at most 1000), 0 off (header-only network.tsv) */
    int netinf_model;     /* pm_netinf_model (default exponential) */
    double netinf_alpha;  /* per year (default 1) */
    int eha_panel;        /* also write eha_panel.tsv (default 0) */
    /* officials.tsv / officials_summary.tsv: leaders' moves between regions */
    const char *officials;     /* person_id, region_code, start, end file; NULL = none */
    uint64_t officials_seed;   /* reassignment seed (default 1) */
    int officials_permutations;/* reassignments (default 100) */
    /* discovered policies (issue 14): candidate names of the documents become cascades */
    int discover;              /* default 1 */
    int min_adopters;          /* distinct regions a discovered cascade needs (default 3) */
    size_t max_policy_names;   /* distinct names kept (default 1<<20; more are dropped) */
} pm_diffusion_options;

void pm_diffusion_options_default(pm_diffusion_options *o);

/* d and c (the run's country pack: regions, levels, code width, adjacency) must outlive
 * the table. Region codes and levels are a record's (country.h): level 0 is unknown. */
pm_status pm_adopt_create(pm_adopt **out, const pm_dictset *d, const pm_country *c,
                          const pm_diffusion_options *o);
void pm_adopt_free(pm_adopt *a); /* accepts NULL */

/* 1 when the two province codes share a border (the pack's adjacency file). */
int pm_adopt_neighbours(const pm_adopt *a, uint32_t p1, uint32_t p2);

/* Records one classified document (no-op when date or region is unknown). pn: its
 * candidate policy names (may be NULL): a name containing a named experiment's label_zh
 * joins that experiment, any other is a discovered cascade of its own. */
pm_status pm_adopt_add(pm_adopt *a, const char *doc_id, int32_t date, pm_level level,
                       uint32_t region_code, uint32_t province_code, const pm_catset *cats,
                       const pm_pnames *pn);

/* Discovery counters for manifest.json. */
typedef struct pm_discover_stats {
    uint64_t names;          /* distinct names kept */
    uint64_t names_dropped;  /* candidate uses dropped: the name table was full */
    uint64_t joined;         /* candidate uses that joined a named experiment */
    uint64_t cascades;       /* discovered cascades written (>= min_adopters regions) */
    uint64_t netinf_pairs_capped; /* (cascade, earlier, later) pairs NetInf's cap on
                                     candidate parents left out (after pm_adopt_write) */
} pm_discover_stats;
void pm_adopt_discover_stats(const pm_adopt *a, pm_discover_stats *out);
/* Records that a document of region `issuer` dated `date` cites region `cited`'s
 * experience (借鉴 / 学习 … 经验): edges.tsv then marks an edge cited -> issuer with
 * evidence "citation" when the citation is not later than the issuer's adoption. */
pm_status pm_adopt_cite(pm_adopt *a, uint32_t issuer, uint32_t cited, int32_t date);
/* Records a verified text-reuse pair (analysis/reuse.c): edges.tsv then says "text_reuse"
 * (or "citation+text_reuse") on an edge whose two adopting documents are the pair. */
pm_status pm_adopt_reuse(pm_adopt *a, const char *id_a, size_t len_a, const char *id_b,
                         size_t len_b);
/* Adds every first adoption and citation of `from` (same dictionaries) into a. */
pm_status pm_adopt_merge(pm_adopt *a, const pm_adopt *from);

/* The whole table as bytes (a refresh checkpoint), and back into a fresh table made with
 * the same dictionaries, pack and options: load(save(x)) writes what x writes. save
 * refuses (PM_ERR_ARG) a table whose name table dropped names; load returns PM_ERR_STATE
 * on bytes it cannot use (the table is then only fit to be freed). */
pm_status pm_adopt_save(const pm_adopt *a, pm_buf *out);
pm_status pm_adopt_load(pm_adopt *a, const void *p, size_t n);

/* Writes adoptions.tsv, nodes.tsv, experiments.tsv, diffusion_summary.tsv, edges.tsv,
 * network.tsv, leaders.tsv and, when asked for, eha_panel.tsv and officials.tsv +
 * officials_summary.tsv into dir (atomically, like every table). A missing officials file
 * fails with PM_ERR_OPEN; its malformed lines are skipped and counted in the summary.
 * Keeps what NetInf's candidate-parent cap left out for pm_adopt_discover_stats. */
pm_status pm_adopt_write(pm_adopt *a, const char *dir, pm_errctx *err);
/* With a state directory (a --state run), pm_adopt_write records where each cascade's
 * rows went, which pm_adopt_save keeps; a table restored by pm_adopt_load then copies the
 * rows of every cascade that did not change from state_dir/checkpoint-adoptions.tsv and
 * checkpoint-edges.tsv (the last run's tables, kept there by the engine) instead of
 * deriving them again: the same bytes, for what changed. NULL: no recording. */
pm_status pm_adopt_set_state(pm_adopt *a, const char *state_dir);
/* After pm_adopt_write: bytes of adoptions.tsv and edges.tsv rows copied / derived. */
void pm_adopt_refresh_stats(const pm_adopt *a, uint64_t *copied, uint64_t *derived);

/* How an adoption by (level2, province2) relates to an earlier one by (level1, province1):
 * "up" / "down" the hierarchy, "same_province", "neighbouring_province" or "other".
 * a may be NULL (no border table: never "neighbouring_province"). */
const char *pm_adopt_relation(const pm_adopt *a, pm_level level1, uint32_t province1,
                              pm_level level2, uint32_t province2);

/* Decimal year of a yyyymmdd date (yyyy0000 -> mid-year). */
double pm_decimal_year(int32_t ymd);

#endif
