/* sinks/tables_internal.h - reading finished tables back: a tolerant TSV reader and the
 * catalogue of what every column means. Shared by the report, datapackage.json, the Stata
 * script and the SQLite export (all of which read tables, never records). */
#ifndef PM_TABLES_INTERNAL_H
#define PM_TABLES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

/* ---- reader ------------------------------------------------------------------------- */
/* Reads a TSV table with a header row: a UTF-8 BOM and CR before LF are dropped; a field
 * that starts with '"' is RFC-4180 quoted ("" is a quote, tabs and newlines inside are
 * kept); a row shorter than the header reads "" for the missing fields. One row is capped
 * at PM_TAB_MAX_ROW bytes (PM_ERR_TOO_BIG). */
#define PM_TAB_MAX_ROW (64u << 20)
#define PM_TAB_MAX_COLS 1024u
typedef struct pm_tab pm_tab;

/* Opens path and reads its header. PM_ERR_OPEN when missing; PM_ERR_EMPTY without header. */
pm_status pm_tab_open(pm_tab **out, const char *path, pm_errctx *err);
void pm_tab_close(pm_tab *t); /* accepts NULL */
size_t pm_tab_ncols(const pm_tab *t);
const char *pm_tab_colname(const pm_tab *t, size_t i);
/* Index of the column named name, or -1. */
long pm_tab_col(const pm_tab *t, const char *name);
/* Reads the next row; *got = 0 at the end. Fields stay valid until the next call. */
pm_status pm_tab_next(pm_tab *t, int *got, pm_errctx *err);
/* Field col of the current row; "" when col < 0 or beyond the row. */
const char *pm_tab_get(const pm_tab *t, long col);
/* Extra fields beyond the header in the current row (a malformed row), counted. */
uint64_t pm_tab_ragged(const pm_tab *t);

/* ---- catalogue ------------------------------------------------------------------------ */
typedef enum pm_coltype {
    PM_COL_STRING = 0,
    PM_COL_INTEGER,
    PM_COL_NUMBER,
    PM_COL_DATE
} pm_coltype;

/* What a column of a table means: its documented type and description. Columns not in
 * the catalogue read as strings with an empty description. table is the file name
 * without ".tsv". */
pm_coltype pm_catalogue_column(const char *table, const char *col, const char **desc);
/* One-line description of a table ("" when unknown). */
const char *pm_catalogue_table(const char *table);
/* Comma-separated primary key columns ("" when none). */
const char *pm_catalogue_pkey(const char *table);
/* Foreign keys, as {table, column, ref_table, ref_column} rows ended by a NULL table. */
typedef struct pm_catalogue_fk {
    const char *table, *column, *ref_table, *ref_column;
} pm_catalogue_fk;
const pm_catalogue_fk *pm_catalogue_fkeys(void);
const char *pm_coltype_name(pm_coltype t); /* Table Schema name: "string", "integer"... */
/* 1 when s (non-empty) parses as type t. */
int pm_coltype_accepts(pm_coltype t, const char *s);

/* ---- one scanned table ---------------------------------------------------------------- */
typedef struct pm_tabinfo {
    char name[128];         /* file name without .tsv */
    size_t ncols;
    char **cols;            /* header names */
    pm_coltype *types;      /* documented type, downgraded to string when a value fails */
    uint64_t *nmissing;     /* empty fields per column */
    uint64_t nrows;
    int pkey_ok;            /* the catalogue's primary key is present, non-empty, unique */
} pm_tabinfo;

/* Reads every row of dir/file once to settle the types and the key. */
pm_status pm_tabinfo_scan(pm_tabinfo *ti, const char *dir, const char *file, pm_errctx *err);
void pm_tabinfo_free(pm_tabinfo *ti); /* accepts a zeroed struct */
/* The *.tsv files of dir (no hidden files), sorted by name; *n set. Free with
 * pm_tablist_free. */
pm_status pm_tablist(const char *dir, char ***names, size_t *n, pm_errctx *err);
void pm_tablist_free(char **names, size_t n);

#endif
