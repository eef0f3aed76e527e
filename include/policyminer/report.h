/* policyminer/report.h - what is made from a finished output directory: the HTML report,
 * the typed description of the tables (datapackage.json), the value labels
 * (categories.tsv, a Stata .do file) and a SQLite copy of every table.
 *
 * Everything here reads the finished tables of OUTDIR (TSV with a header row; fields may
 * be RFC-4180 quoted; columns are found by header name, never by position, so tables that
 * gain columns still read) plus manifest.json; nothing reads documents or records.
 * Outputs are written atomically (temporary name, then rename) and their bytes depend
 * only on the tables' bytes: no clock, no host, no thread count.
 */
#ifndef POLICYMINER_REPORT_H
#define POLICYMINER_REPORT_H

#include "policyminer/dict.h"
#include "policyminer/status.h"

/* PM_OK when outdir holds a run's tables (documents.tsv), else PM_ERR_OPEN with err set:
 * lets a caller refuse a wrong directory before writing anything into it. */
pm_status pm_report_check(const char *outdir, pm_errctx *err);

/* OUTDIR/categories.tsv: one row per dictionary category of d, in table order
 * (dimension, category, group, label_zh, label_en). */
pm_status pm_categories_write(const char *outdir, const pm_dictset *d, pm_errctx *err);

/* OUTDIR/datapackage.json (Frictionless Data Package, Table Schema) for every *.tsv of
 * OUTDIR, sorted by name: each column with its type, checked against every value (a
 * column whose values do not all parse as the documented type is declared a string),
 * its description, the primary key when the data satisfy it, foreign keys between
 * tables, and "" as the missing value. Codes and ids are strings. */
pm_status pm_datapackage_write(const char *outdir, pm_errctx *err);

/* OUTDIR/policyminer.do: a Stata script that imports the main tables (UTF-8, codes as
 * strings), labels every variable and attaches value labels from categories.tsv. */
pm_status pm_stata_write(const char *outdir, pm_errctx *err);

/* OUTDIR/report.html: one self-contained page (inline SVG and CSS, no script, no
 * network) with the corpus overview, instruments, the policy configurator,
 * conditionality, diffusion, the inferred network and the run's rejects and provenance.
 * Sections whose tables are absent say so instead of failing; documents.tsv is
 * required. */
pm_status pm_report_write(const char *outdir, pm_errctx *err);

/* Writes every *.tsv of OUTDIR into a new SQLite database at db_path (replaced if it
 * exists; built under a temporary name first): one STRICT table per file with the
 * column types of datapackage.json, primary keys where the data satisfy them, indexes
 * on id and code columns, empty fields as NULL. */
pm_status pm_export_sqlite(const char *db_path, const char *outdir, pm_errctx *err);

#endif
