/* policyminer/gen.h - the synthetic corpus generator: realistic corpus XML with exact
 * ground truth, for benchmarks and for measuring recovery of planted labels.
 *
 * Deterministic for a given seed whatever the thread count: file f is generated from
 * its own random stream derived from (seed, f), and truth rows are written in file order.
 * Planted instruments and sectors are the dictionaries' own `must` examples, so every
 * planted label is recoverable by the classifier; planted experiments form diffusion
 * cascades over real regions (neighbours, same province, the centre) with known lags.
 */
#ifndef POLICYMINER_GEN_H
#define POLICYMINER_GEN_H

#include <stdint.h>
#include "policyminer/status.h"

typedef struct pm_gen_options {
    uint64_t n_docs;
    const char *outdir;
    const char *dict_dir;
    uint64_t seed;
    uint32_t docs_per_file; /* default 1000 */
    double bad_rate;        /* share of documents planted broken (default 0) */
    int threads;            /* 0 = all cores */
    int level;              /* gzip level (default 6) */
    uint32_t giant;         /* documents made larger than giant_bytes (default 0) */
    uint64_t giant_bytes;   /* default 65 MiB: beyond the reader's 64 MiB document cap */
    double copy_rate;       /* share of documents whose body copies (whole or 50-90% of)
                               an earlier one of the same file; truth_reuse.tsv (default 0;
                               a copy's truth_documents categories are its own draw, not
                               the copied text's) */
} pm_gen_options;

void pm_gen_options_default(pm_gen_options *o);

typedef struct pm_gen_summary {
    uint64_t docs, files, bad_docs, bytes_xml, bytes_gz, cascades, adoptions;
    uint64_t truncated_files;
    double seconds;      /* wall time */
    double gen_seconds;  /* building XML in memory, summed over threads */
    double gzip_seconds; /* compressing and writing, summed over threads */
} pm_gen_summary;

/* Writes OUTDIR/corpus-NNNNN.xml.gz, truth_documents.tsv, truth_cascades.tsv,
 * truth_rejects.tsv and, with copy_rate > 0, truth_reuse.tsv. */
pm_status pm_gen_run(const pm_gen_options *o, pm_gen_summary *sum, pm_errctx *err);

#endif
