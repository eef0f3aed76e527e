/* policyminer/sinks.h - what consumes classified records: the output tables.
 *
 * Tables are tidy TSV: a header row, UTF-8, snake_case column names of at most 32
 * characters (Stata), fields never contain tabs or newlines (they are replaced by spaces)
 * and are capped at a configured length on a UTF-8 character boundary.
 * Every table is written under a temporary name in the output directory and renamed into
 * place only when complete (pm_outfile), so a reader never sees a half-written table
 * under its final name.
 */
#ifndef POLICYMINER_SINKS_H
#define POLICYMINER_SINKS_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/buf.h"
#include "policyminer/classify.h"
#include "policyminer/country.h"
#include "policyminer/hash.h"
#include "policyminer/status.h"

/* ---- atomic output file ------------------------------------------------------------ */
typedef struct pm_outfile pm_outfile;
/* Creates dir/.name.part (the directory must exist). */
pm_status pm_outfile_open(pm_outfile **out, const char *dir, const char *name, pm_errctx *err);
pm_status pm_outfile_write(pm_outfile *f, const void *p, size_t n, pm_errctx *err);
/* From now on, keep the length and pm_hash64 (seed PM_OUTFILE_SEED) of every byte
 * written (call it right after open: then they describe the whole file). */
#define PM_OUTFILE_SEED 0x6f757466696c65ull
void pm_outfile_track(pm_outfile *f);
void pm_outfile_digest(const pm_outfile *f, uint64_t *bytes, uint64_t *hash);
/* Appends len bytes of the open file fd from offset off, inside the kernel where it can
 * (copy_file_range: no trip through user space), else through a buffer. A tracked file
 * then continues from *resume, the pm_hash64 state of everything it holds after the copy
 * (the caller hashed those bytes already); NULL hashes the copied bytes here. */
pm_status pm_outfile_copy(pm_outfile *f, int fd, uint64_t off, uint64_t len,
                          const pm_hash64_ctx *resume, pm_errctx *err);
/* Flushes and fsyncs without closing: a full disk shows here, before any rename. */
pm_status pm_outfile_sync(pm_outfile *f, pm_errctx *err);
/* Flushes, fsyncs, closes and renames to dir/name; frees f whatever the outcome. */
pm_status pm_outfile_commit(pm_outfile *f, pm_errctx *err);
/* pm_outfile_commit(*f) that also sets *f = NULL whatever the outcome, so a caller's
 * cleanup path (pm_outfile_abort on every handle) never touches a released file. */
pm_status pm_outfile_commit_take(pm_outfile **f, pm_errctx *err);
/* Closes and removes the temporary file; accepts NULL. */
void pm_outfile_abort(pm_outfile *f);
/* Flushes and closes, leaving what was written under dir/.name.part (an interrupted run
 * keeps its partial tables, never under the final name); accepts NULL. */
void pm_outfile_keep_partial(pm_outfile *f);

/* Creates DIR and any missing parents (mkdir -p); an existing directory is fine.
 * Returns 0, or -1 with errno set. */
int pm_outfile_mkdirs(const char *dir);

/* ---- fields -------------------------------------------------------------------------- */
/* Appends s as one TSV field: tab/CR/LF -> space, other C0 controls dropped, cut at max
 * bytes on a character boundary (max 0 = no cap); a field holding '"' is wrapped in
 * quotes with inner quotes doubled (RFC 4180), so every common reader reads it back. */
pm_status pm_tsv_field(pm_buf *out, const char *s, size_t n, size_t max);

/* ---- documents.tsv -------------------------------------------------------------------- */
/* Column name of a dimension ("instrument" -> "instruments"; see README). */
void pm_dim_column(const char *dim, char *out, size_t outsz);
/* Order in which dictionary dimensions appear in tables: instrument, sector, then the
 * rest by name. Fills order[0..ndims). */
void pm_dim_order(const pm_dictset *d, size_t *order);
/* c: the run's pack; a pack whose header says issuer_body 1 adds that column after issuer. */
pm_status pm_doctable_header(pm_buf *out, const pm_dictset *d, const pm_country *c);
/* c: the run's country pack (codes at its width, its level names). */
pm_status pm_doctable_row(pm_buf *out, const pm_dictset *d, const pm_country *c,
                          const char *source, uint64_t offset, const pm_doc *doc,
                          const pm_record *r, size_t max_field);

/* ---- counts.tsv ----------------------------------------------------------------------- */
typedef struct pm_counts pm_counts;
/* c: the run's country pack (provinces and level names); d and c outlive the table. */
pm_status pm_counts_create(pm_counts **out, const pm_dictset *d, const pm_country *c);
void pm_counts_free(pm_counts *c); /* accepts NULL */
/* Adds one classified document. */
pm_status pm_counts_add(pm_counts *c, int year, pm_level level, uint32_t province_code,
                        const pm_catset *cats);
/* Adds every count of `from` into `c` (same dictset). Associative and commutative. */
pm_status pm_counts_merge(pm_counts *c, const pm_counts *from);
/* The (packed key, documents) pairs, in first-seen order, valid until the next add; and
 * adding such pairs back (a refresh checkpoint: import(export(x)) into an empty table
 * gives x). */
void pm_counts_export(const pm_counts *c, const uint64_t (**kv)[2], size_t *n);
pm_status pm_counts_import(pm_counts *c, const uint64_t (*kv)[2], size_t n);
/* Writes the whole table (header + rows, sorted by year, level, province, dimension,
 * category) to f. */
pm_status pm_counts_write(const pm_counts *c, pm_outfile *f, pm_errctx *err);

/* ---- rejects.tsv ---------------------------------------------------------------------- */
pm_status pm_rejects_header(pm_buf *out);
pm_status pm_rejects_row(pm_buf *out, const char *source, uint64_t offset,
                         const char *doc_id, pm_status reason, const char *detail);

#endif
