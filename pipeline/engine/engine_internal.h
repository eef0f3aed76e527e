/* engine/engine_internal.h - pieces of the run shared between engine files only:
 * the committed item, per-file contributions, the block codec that stores them (shard
 * parts, refresh state) and the committer that turns them into tables. */
#ifndef PM_ENGINE_INTERNAL_H
#define PM_ENGINE_INTERNAL_H

#include <stdio.h>

#include "policyminer/buf.h"
#include "policyminer/classify.h"
#include "policyminer/country.h"
#include "policyminer/hash.h"
#include "policyminer/reuse.h"
#include "policyminer/run.h"
#include "policyminer/source.h"

/* ---- what a file contributes ----------------------------------------------------------- */

/* One committed unit, in input order: a classified document (its rendered row and the
 * compact record aggregates need), a rejected document, or a file-level problem. */
enum { PM_CI_DOC = 0, PM_CI_REJECT = 1, PM_CI_FILE = 2 };

typedef struct pm_citem {
    int kind;
    pm_reject rej;           /* code, offset, doc_id (documents too), detail */
    const char *source;      /* file-level rows naming another path (loops); else NULL */
    uint64_t id_hash;        /* documents: hash of the id (never 0) */
    uint64_t content_hash;   /* documents: hash of title + body (0 = none) */
    uint64_t recrawl_hash;   /* documents: content + resolved issuer + 文号 + date (0 = none):
                              * equal only for the same document fetched twice */
    int year;
    int32_t date;
    int date_invalid;        /* its <date> was not a date (counted per field in the manifest) */
    pm_level level;
    uint32_t region, province;
    uint32_t cited[PM_MAX_CITED]; /* regions whose experience the document cites */
    unsigned ncited;
    /* discovered policies (issue 14): the document's candidate names, block-coded after
     * the citations */
    pm_pnames pnames;
    pm_catset cats[PM_MAX_DIMS];
    const char *row;         /* documents.tsv row, newline included */
    size_t row_len;
    /* text reuse (analysis/reuse.c): MinHash signature and the normalised, capped text;
     * nsig 0 = none (--no-reuse, or too short) */
    unsigned nsig;
    uint32_t sig[PM_REUSE_K];
    const char *rtext;
    size_t rtext_len;
    const uint32_t *rkeys;   /* the text's sampled shingle keys when the worker has them
                              * (never stored: NULL after the codec, recomputed from rtext) */
    size_t nrkeys;
} pm_citem;

/* A file's own counts and its identity (what the refresh state compares). */
typedef struct pm_finfo {
    int read, failed;        /* opened and read / could not be read */
    int not_corpus;          /* read, but no known format (or empty, UTF-16): skipped whole */
    int complete;            /* read to its end (not cut short by a stop or an error) */
    uint64_t bytes_in, bytes_out;
    uint64_t records_skipped; /* by design, not documents (WARC non-responses, blank lines) */
    uint64_t size, ino;
    int64_t mtime_ns, ctime_ns;
    uint64_t content_hash;   /* pm_hash64 of the file's bytes; 0 = not computed */
} pm_finfo;

/* Identity of a path on disk (size, mtime, ctime, inode); content_hash left 0. */
pm_status pm_finfo_stat(const char *path, pm_finfo *fi);
/* pm_hash64 of a whole file. */
pm_status pm_file_hash64(const char *path, uint64_t *out);

/* ---- block codec ------------------------------------------------------------------------
 * A stored stream is a sequence of framed blocks: 4-byte tag, 8-byte little-endian payload
 * length, payload, 8-byte pm_hash64 of the payload. A part or state file is: one header
 * block ("PMPH"), file blocks ("PMFB", one per input file, in input order), and an end
 * block ("PMPE") holding the number of file blocks, so truncation is always detected.
 * Integers are LEB128 varints; strings are a varint length and bytes. */
#define PM_BLK_MAX ((uint64_t)1 << 34) /* largest block accepted when reading */

typedef struct pm_part_header {
    char fingerprint[1024];  /* program version + dictionary + gazetteer checksums + limits */
    uint64_t listing_hash;   /* hash of every input path of the run (shards must agree) */
    uint64_t listing_count;
    uint32_t shard_count;    /* N of --shard I/N; 0 = not sharded (state files) */
    uint32_t n_shards;       /* shards this part covers */
    uint32_t shards[256];
    pm_limits limits;
    pm_dict_options dict;
} pm_part_header;

pm_status pm_blk_header(pm_buf *out, const pm_part_header *h);
pm_status pm_blk_end(pm_buf *out, uint64_t n_file_blocks);
/* File block: call begin, then item for every item, then finish with the file's info. */
pm_status pm_blk_items_add(pm_buf *items, const pm_citem *it, size_t ndims);
pm_status pm_blk_file(pm_buf *out, const char *path, const pm_finfo *fi, const pm_buf *items);

/* Reading: one framed block at a time from a FILE. *tag gets the 4-byte tag. */
pm_status pm_blk_read(FILE *f, pm_buf *payload, char tag[5], pm_errctx *err, const char *path);
pm_status pm_blk_parse_header(const pm_buf *payload, pm_part_header *h);
pm_status pm_blk_parse_end(const pm_buf *payload, uint64_t *n);

/* A view of one file block's payload. */
typedef struct pm_blk_view {
    const unsigned char *p, *end;
    const char *path;        /* NUL-terminated copy inside the view's scratch */
    pm_finfo fi;
    char pathbuf[4096];
    char srcbuf[4096];
    size_t ndims;
} pm_blk_view;

pm_status pm_blk_file_open(pm_blk_view *v, const pm_buf *payload);
/* 1 = *it filled (pointers into the payload / view), 0 = no more items, <0 corrupt. */
int pm_blk_file_next(pm_blk_view *v, pm_citem *it);

/* The codec's pieces for other stored state (the refresh checkpoint): varints, fixed
 * 8-byte integers, strings; a framed block of a given payload; and a bounds-checked
 * reading cursor (bad set on any overrun, values then 0 / ""). */
pm_status pm_blk_put_u(pm_buf *b, uint64_t v);
pm_status pm_blk_put_u64(pm_buf *b, uint64_t v);
pm_status pm_blk_put_str(pm_buf *b, const char *s, size_t n);
pm_status pm_blk_frame(pm_buf *out, const char tag[4], const pm_buf *payload);
typedef struct pm_blk_cur {
    const unsigned char *p, *end;
    int bad;
} pm_blk_cur;
uint64_t pm_blk_get_u(pm_blk_cur *c);
uint64_t pm_blk_get_u64(pm_blk_cur *c);
const char *pm_blk_get_str(pm_blk_cur *c, size_t *n);

/* ---- committer ----------------------------------------------------------------------------
 * Turns items, file by file in input order, into the tables: documents.tsv and rejects.tsv
 * rows, duplicate-id and duplicate-content rules, the summary, and every kept document fed
 * to the corpus-level analyses (analysis.h: counts, text reuse, adoptions, discovery); and
 * optionally records each file's items as a block (a shard's part.pmb, the refresh state).
 * Runs, merges and refreshes all go through it, which is why they agree byte for byte. */
typedef struct pm_commit pm_commit;

typedef struct pm_commit_config {
    const char *outdir;
    const char *dict_dir;
    const pm_classifier *cls;
    const pm_country *country; /* the run's pack: regions for counts and diffusion */
    const pm_diffusion_options *diffusion;
    int no_diffusion;
    int tables;              /* write the tables (not for a shard's partial output) */
    const pm_part_header *part; /* record a part.pmb with this header (NULL = no) */
    const char *state_dir;   /* record file blocks here (NULL = no) */
    const char *fingerprint; /* for state blocks */
    pm_run_summary *sum;
    pm_errctx *err;
    const pm_reuse_options *reuse; /* text reuse; NULL or disabled = none */
} pm_commit_config;

pm_status pm_commit_create(pm_commit **out, const pm_commit_config *cfg);
void pm_commit_free(pm_commit *c); /* accepts NULL; aborts unfinished outputs */
/* record_state: this file's block is to be stored in the state directory (then its items
 * are encoded as they come); give pm_commit_file_end the same. */
pm_status pm_commit_file_begin(pm_commit *c, const char *path, int record_state);
pm_status pm_commit_item(pm_commit *c, const pm_citem *it);
pm_status pm_commit_file_end(pm_commit *c, const pm_finfo *fi, int record_state);
/* Writes the aggregate tables and renames every table into place when complete;
 * otherwise drops them, or with keep_partial (an interrupted run) leaves documents and
 * rejects as .part files. */
pm_status pm_commit_finish(pm_commit *c, int complete, int keep_partial);
/* Refresh checkpoint (checkpoint.c). save: the committer's whole state after its last
 * file (duplicate sets, summary counters, files with their identity, every analysis'
 * state, the digests of documents.tsv and rejects.tsv) into out; PM_ERR_ARG when some
 * enabled analysis cannot be saved (text reuse) or the tables were not written. Call after
 * pm_commit_finish of a complete run. restore: into a committer just created (no file
 * begun), with docs / rej the verified tables that state describes (header included);
 * it then stands where the saved one stood before finishing. */
typedef struct pm_ckpt_table {
    const char *p;     /* its bytes, mapped */
    size_t n;
    int fd;            /* open on it, for pm_outfile_copy; -1 none */
    pm_hash64_ctx hc;  /* pm_hash64 state (PM_OUTFILE_SEED) after all n bytes */
} pm_ckpt_table;
pm_status pm_commit_save(const pm_commit *c, pm_buf *out);
pm_status pm_commit_restore(pm_commit *c, const void *p, size_t n, const pm_ckpt_table *docs,
                            const pm_ckpt_table *rej);
/* The digests (length, pm_hash64 with PM_OUTFILE_SEED) a saved checkpoint wants of
 * documents.tsv and rejects.tsv, read from its bytes: 0 on damaged bytes. */
int pm_commit_saved_digests(const void *p, size_t n, uint64_t dig[4]);
/* Identity of committed file i (size, inode, times, content hash). */
const pm_finfo *pm_commit_file_info(const pm_commit *c, size_t i);

/* Files committed so far (for the manifest). */
size_t pm_commit_nfiles(const pm_commit *c);
const char *pm_commit_file_path(const pm_commit *c, size_t i);
uint64_t pm_commit_file_size(const pm_commit *c, size_t i);

/* The name a path's block has in a state directory ("<16 hex>.pmb"). */
void pm_state_name(const char *path, char out[32]);
/* Loads the state block of path if it exists and carries this fingerprint; *found = 0
 * otherwise. The payload of the file block is left in *payload. */
pm_status pm_state_load(const char *state_dir, const char *path, const char *fingerprint,
                        pm_buf *payload, int *found, pm_errctx *err);

/* Fingerprint of everything that decides a document's row: program version, dictionary
 * and gazetteer checksums, limits. */
void pm_fingerprint(const pm_classifier *c, const pm_country *country, const pm_limits *lim,
                    const pm_dict_options *d, const pm_reuse_options *reuse, char *out,
                    size_t n);
/* Text reuse figures of a finished commit (NULL when reuse was off or not finished). */
const pm_reuse_stats *pm_commit_reuse_stats(const pm_commit *c);

/* Writes OUTDIR/manifest.json (atomically): version, options, dictionary checksums,
 * inputs, counts, timings, and whether the run is complete. */
pm_status pm_manifest_write(const pm_run_options *o, const pm_classifier *c,
                            const pm_country *country, const pm_commit *cm, const pm_run_summary *s, int complete,
                            pm_errctx *err);

#endif
