/* sinks/sqlite_export.c - `policyminer export --sqlite`: every table in one SQLite file.
 *
 * One STRICT table per *.tsv (name order), columns typed from the checked catalogue types
 * (integer -> INTEGER, number -> REAL, string and date -> TEXT), the primary key when the
 * data satisfy it, an index on every id and code column that is not the key's first
 * column, empty fields stored as NULL, rows in file order. The database is built under
 * DB.part in one transaction and renamed over DB when complete.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policyminer/buf.h"
#include "policyminer/report.h"
#include "tables_internal.h"

static pm_status sql_fail(pm_errctx *err, sqlite3 *db, const char *path, const char *what)
{
    return pm_errctx_set(err, PM_ERR_OUTPUT, path, "%s: %s", what,
                         db ? sqlite3_errmsg(db) : "cannot open");
}

static void quote_ident(pm_buf *b, const char *s)
{
    pm_buf_append_char(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            pm_buf_append_char(b, '"');
        pm_buf_append_char(b, *s);
    }
    pm_buf_append_char(b, '"');
}

/* Columns worth an index: ids and codes, which joins and filters use. */
static int is_key_column(const char *c)
{
    size_t n = strlen(c);
    static const char *const suffix[] = {"_id", "_code", "_node", "node_name"};
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        size_t m = strlen(suffix[i]);
        if (n >= m && strcmp(c + n - m, suffix[i]) == 0)
            return 1;
    }
    return strcmp(c, "category") == 0 || strcmp(c, "copy_of") == 0;
}

static const char *sql_type(pm_coltype t)
{
    switch (t) {
    case PM_COL_INTEGER: return "INTEGER";
    case PM_COL_NUMBER: return "REAL";
    case PM_COL_STRING:
    case PM_COL_DATE: return "TEXT";
    }
    return "TEXT";
}

static pm_status exec(sqlite3 *db, const char *sql, const char *path, pm_errctx *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(err, db, path, sql);
    return PM_OK;
}

static pm_status load_table(sqlite3 *db, const char *dbpath, const char *outdir,
                            const char *file, pm_errctx *err)
{
    pm_tabinfo ti;
    pm_status st = pm_tabinfo_scan(&ti, outdir, file, err);
    if (st) {
        pm_tabinfo_free(&ti);
        return st;
    }
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 24);
    pm_buf_append_str(&b, "CREATE TABLE ");
    quote_ident(&b, ti.name);
    pm_buf_append_str(&b, " (");
    for (size_t i = 0; i < ti.ncols; i++) {
        if (i)
            pm_buf_append_str(&b, ", ");
        quote_ident(&b, ti.cols[i]);
        pm_buf_printf(&b, " %s", sql_type(ti.types[i]));
    }
    char first_key[64] = "";
    if (ti.pkey_ok) {
        char keys[256];
        snprintf(keys, sizeof keys, "%s", pm_catalogue_pkey(ti.name));
        pm_buf_append_str(&b, ", PRIMARY KEY (");
        int k = 0;
        for (char *sv = NULL, *c = strtok_r(keys, ",", &sv); c; c = strtok_r(NULL, ",", &sv), k++) {
            if (k)
                pm_buf_append_str(&b, ", ");
            else
                snprintf(first_key, sizeof first_key, "%s", c);
            quote_ident(&b, c);
        }
        pm_buf_append_char(&b, ')');
    }
    pm_buf_append_str(&b, ") STRICT");
    st = exec(db, b.data, dbpath, err);
    for (size_t i = 0; !st && i < ti.ncols; i++) {
        if (!is_key_column(ti.cols[i]) || strcmp(ti.cols[i], first_key) == 0)
            continue;
        pm_buf_reset(&b);
        pm_buf_printf(&b, "CREATE INDEX \"ix_%s_%s\" ON ", ti.name, ti.cols[i]);
        quote_ident(&b, ti.name);
        pm_buf_append_char(&b, '(');
        quote_ident(&b, ti.cols[i]);
        pm_buf_append_char(&b, ')');
        st = exec(db, b.data, dbpath, err);
    }
    sqlite3_stmt *ins = NULL;
    if (!st) {
        pm_buf_reset(&b);
        pm_buf_append_str(&b, "INSERT INTO ");
        quote_ident(&b, ti.name);
        pm_buf_append_str(&b, " VALUES (");
        for (size_t i = 0; i < ti.ncols; i++)
            pm_buf_append_str(&b, i ? ", ?" : "?");
        pm_buf_append_char(&b, ')');
        if (b.len == 0 || sqlite3_prepare_v2(db, b.data, -1, &ins, NULL) != SQLITE_OK)
            st = sql_fail(err, db, dbpath, "preparing insert");
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, file);
    pm_tab *t = NULL;
    if (!st)
        st = pm_tab_open(&t, path, err);
    int got = 0;
    while (!st && !(st = pm_tab_next(t, &got, err)) && got) {
        for (size_t i = 0; i < ti.ncols; i++) {
            const char *v = pm_tab_get(t, (long)i);
            int rc;
            if (!*v)
                rc = sqlite3_bind_null(ins, (int)i + 1);
            else if (ti.types[i] == PM_COL_INTEGER)
                rc = sqlite3_bind_int64(ins, (int)i + 1, strtoll(v, NULL, 10));
            else if (ti.types[i] == PM_COL_NUMBER)
                rc = sqlite3_bind_double(ins, (int)i + 1, strtod(v, NULL));
            else
                rc = sqlite3_bind_text(ins, (int)i + 1, v, -1, SQLITE_TRANSIENT);
            if (rc != SQLITE_OK)
                st = sql_fail(err, db, dbpath, "binding");
        }
        if (!st && sqlite3_step(ins) != SQLITE_DONE)
            st = pm_errctx_set(err, PM_ERR_OUTPUT, dbpath, "%s: row: %s", file, sqlite3_errmsg(db));
        sqlite3_reset(ins);
        sqlite3_clear_bindings(ins);
    }
    pm_tab_close(t);
    sqlite3_finalize(ins);
    pm_buf_free(&b);
    pm_tabinfo_free(&ti);
    return st;
}

pm_status pm_export_sqlite(const char *db_path, const char *outdir, pm_errctx *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.part", db_path) >= (int)sizeof tmp)
        return pm_errctx_set(err, PM_ERR_ARG, db_path, "path too long");
    char **names = NULL;
    size_t n = 0;
    pm_status st = pm_tablist(outdir, &names, &n, err);
    if (st)
        return st;
    if (!n) {
        pm_tablist_free(names, n);
        return pm_errctx_set(err, PM_ERR_OPEN, outdir, "no tables (*.tsv) in the directory");
    }
    unlink(tmp);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        st = sql_fail(err, db, tmp, "opening");
    if (!st)
        st = exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN", tmp, err);
    for (size_t i = 0; !st && i < n; i++)
        st = load_table(db, tmp, outdir, names[i], err);
    if (!st)
        st = exec(db, "COMMIT", tmp, err);
    if (sqlite3_close(db) != SQLITE_OK && !st)
        st = pm_errctx_set(err, PM_ERR_OUTPUT, tmp, "closing the database");
    pm_tablist_free(names, n);
    if (!st && rename(tmp, db_path) != 0)
        st = pm_errctx_set(err, PM_ERR_OUTPUT, db_path, "%s", strerror(errno));
    if (st)
        unlink(tmp);
    return st;
}
