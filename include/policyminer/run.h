/* policyminer/run.h - the main job: inputs -> classified tables in an output directory.
 *
 * Parallel model: one producer inflates and splits the inputs in their defined order
 * (source.h) into batches of raw documents; OpenMP tasks parse and classify batches with
 * per-worker scratch; the producer commits finished batches strictly in batch order
 * through a bounded window. So documents.tsv comes out in input order, memory is bounded
 * by (window x batch size + largest document), and the output is byte-identical for any
 * thread count.
 *
 * Outputs (see README): documents.tsv, counts.tsv, rejects.tsv, the diffusion tables
 * (adoptions, nodes, experiments, edges, diffusion_summary) and manifest.json. The run is
 * complete iff manifest.json exists and says "complete": true; it is removed first and
 * written last.
 */
#ifndef POLICYMINER_RUN_H
#define POLICYMINER_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "policyminer/dict.h"
#include "policyminer/diffusion.h"
#include "policyminer/reader.h"
#include "policyminer/reuse.h"
#include "policyminer/status.h"

typedef struct pm_run_progress {
    uint64_t files_done, files_total;
    uint64_t docs_seen, docs_classified, docs_rejected;
    uint64_t bytes_in, bytes_out; /* compressed consumed, uncompressed produced */
    double elapsed;               /* seconds */
} pm_run_progress;

typedef void (*pm_progress_fn)(void *ud, const pm_run_progress *p);

typedef struct pm_run_options {
    const char *const *inputs;
    size_t n_inputs;
    const char *outdir;
    const char *dict_dir;
    const char *country;         /* country pack (country.h) from dict_dir/<cc>/; NULL = the
                                  * pack dict_dir is (its pack.tsv), else "cn" */
    int threads;                 /* 0 = all cores */
    pm_limits limits;
    pm_dict_options dict;
    pm_diffusion_options diffusion;
    int no_diffusion;            /* skip the diffusion tables */
    pm_progress_fn progress;     /* called from the producer about every 0.5 s; may be NULL */
    void *progress_ud;
    volatile sig_atomic_t *stop; /* set non-zero (by a signal handler) to stop cleanly */
    const char *command_line;    /* recorded in the manifest; may be NULL */
    /* Sharding: process input i only when i % shard_count == shard_index (inputs in their
     * defined order) and write a partial output (part.pmb) for pm_merge instead of the
     * tables. shard_count 0 = not sharded. */
    uint32_t shard_index, shard_count;
    /* Refresh: remember each input file's results in state_dir and reuse them while the
     * file is unchanged (same size, mtime, ctime and inode, or else same content hash);
     * NULL = no state. state_verify: always compare content hashes. */
    const char *state_dir;
    int state_verify;
    pm_reuse_options reuse;      /* text reuse (reuse.h); part of the refresh fingerprint */
} pm_run_options;

void pm_run_options_default(pm_run_options *o);

/* Per-stage wall-clock profile, summed over threads (seconds). */
typedef struct pm_run_stats {
    double read_split;   /* inflate + cut into documents (producer) */
    double parse;        /* XML parse per document (workers) */
    double classify;     /* dates, issuer, dictionaries (workers) */
    double render;       /* TSV rows (workers) */
    double reuse_sign;   /* of render: text reuse's normalising and signing (workers) */
    double commit;       /* aggregate + write (producer) */
    /* Outside the parallel region, on one thread (Amdahl's serial part): loading the
     * pack and dictionaries, restoring a checkpoint (setup); writing the aggregate tables,
     * the checkpoint and the manifest (finish). Wall and that thread's CPU seconds. */
    double setup, setup_cpu, finish, finish_cpu;
    /* Inside it: seconds the producer waited for a worker's batch, and workers waited
     * for the producer's (summed over workers). */
    double producer_wait, worker_wait;
    double wall;
    uint64_t regex_runs, match_limit_hits;
} pm_run_stats;

typedef struct pm_run_summary {
    uint64_t files_seen, files_read, files_failed;
    uint64_t invalid_date_fields; /* documents whose <date> was not a date (manifest invalid_fields) */
    uint64_t files_not_corpus;   /* read (files_read) but no known format: skipped whole, see rejects */
    uint64_t docs_seen, docs_classified, docs_rejected;
    uint64_t bytes_in, bytes_out;
    uint64_t by_level[9];        /* classified documents per record level (country.h):
                                  * 0 unknown, 1 + the pack's level, at most 8 levels */
    char level_key[9][32];       /* their names ("unknown", then the pack's); "" past them */
    uint64_t fiscal_docs;        /* documents with a fiscal_financial instrument */
    uint64_t instrument_docs;    /* documents with any instrument */
    uint64_t rejects_by_reason[PM_STATUS_LAST];
    uint64_t state_reused;       /* files whose stored results were reused (--state) */
    uint64_t state_removed;      /* stored files dropped: their input is gone */
    uint64_t state_checkpoint;   /* of the reused files, those the checkpoint of the last
                                  * complete run covered (not replayed one by one) */
    uint64_t state_rows_copied;  /* bytes of adoptions.tsv and edges.tsv rows a refresh copied
                                  * from the last run's tables (unchanged cascades) */
    uint64_t state_rows_derived; /* and those it derived again */
    uint64_t records_skipped;    /* skipped by design, not documents: WARC records other than
                                  * HTML responses, blank JSON lines */
    /* discovered policies (issue 14): candidates kept and cut by the per-document cap,
     * documents with one, and the corpus-wide name table (kept, dropped when full,
     * joined to a named experiment, cascades written) */
    struct {
        uint64_t candidates, cut_per_doc, docs_with_candidates;
        uint64_t names, names_dropped, joined, cascades, netinf_pairs_capped;
    } discovery;
    int threads;
    pm_run_stats stats;
} pm_run_summary;

/* Runs the job. Returns PM_OK when the outputs are complete (rejected documents do not
 * make a run fail), PM_ERR_OPEN when some input could not be read (outputs are still
 * complete for the rest and the failures are in rejects.tsv), PM_ERR_INTERRUPTED when
 * stopped (outputs left as *.part, manifest marks the run incomplete), or the error that
 * stopped the run (err filled with file/offset context). *sum is filled in all cases. */
pm_status pm_run(const pm_run_options *o, pm_run_summary *sum, pm_errctx *err);

/* Merging shard parts (the part.pmb files, or the directories holding them) into the final
 * tables. Parts must come from the same inputs, dictionaries, program version and limits,
 * and cover every shard exactly once; partial = 1 allows a subset and writes a combined
 * part.pmb instead of tables (merges nest). Order and grouping of parts never matter. */
typedef struct pm_merge_options {
    const char *const *parts;
    size_t n_parts;
    const char *outdir;
    const char *dict_dir;
    const char *country;         /* must be what the shards ran with; NULL as in run */
    pm_diffusion_options diffusion;
    int no_diffusion;
    int partial;
    const char *command_line;
    pm_reuse_options reuse;      /* must be what the shards ran with */
    int lock_held;               /* the caller holds outdir's pm_dirlock (MPI rank 0) */
} pm_merge_options;

void pm_merge_options_default(pm_merge_options *o);
pm_status pm_merge(const pm_merge_options *o, pm_run_summary *sum, pm_errctx *err);

/* One run per directory. Creates dir and its missing parents, then takes an exclusive
 * lock (flock on dir/.policyminer.lock) held until pm_dirlock_release or the process
 * ends. PM_ERR_OUTPUT, *out NULL and nothing in dir changed when another process holds
 * it. pm_run and pm_merge take it on their output (and state) directory themselves. */
typedef struct pm_dirlock pm_dirlock;
pm_status pm_dirlock_acquire(pm_dirlock **out, const char *dir, pm_errctx *err);
void pm_dirlock_release(pm_dirlock *l); /* accepts NULL */
/* mkdir -p: creates dir and every missing parent; PM_ERR_OUTPUT when it cannot. */
pm_status pm_mkdir_parents(const char *dir, pm_errctx *err);

#endif
