/* sinks/datapackage.c - datapackage.json: a Frictionless Data Package for the tables.
 *
 * Every *.tsv of the output directory becomes a tabular-data-resource with the TSV
 * dialect, a Table Schema (fields with type and description, "" as the missing value,
 * the primary key when the data satisfy it, foreign keys to tables that are present).
 * Types come from the catalogue and are checked against every value first
 * (pm_tabinfo_scan), so the file never promises more than the data hold. Codes and ids
 * are strings, so R, pandas and DuckDB keep 110000 and 0101 as text. Deterministic: the
 * files in name order, jansson's ordered objects, no timestamps.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/report.h"
#include "policyminer/sinks.h"
#include "tables_internal.h"

static int has_table(char **names, size_t n, const char *table)
{
    char f[160];
    snprintf(f, sizeof f, "%s.tsv", table);
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], f) == 0)
            return 1;
    return 0;
}

static int has_col(const pm_tabinfo *ti, const char *c)
{
    for (size_t i = 0; i < ti->ncols; i++)
        if (strcmp(ti->cols[i], c) == 0)
            return 1;
    return 0;
}

static json_t *resource(const pm_tabinfo *ti, const char *file, char **names, size_t n)
{
    json_t *r = json_object(), *fields = json_array(), *schema = json_object();
    if (!r || !fields || !schema) {
        json_decref(r), json_decref(fields), json_decref(schema);
        return NULL;
    }
    /* resource names: lowercase, digits, '-', '_', '.' (table names already are) */
    json_object_set_new(r, "name", json_string(ti->name));
    json_object_set_new(r, "path", json_string(file));
    json_object_set_new(r, "profile", json_string("tabular-data-resource"));
    const char *td = pm_catalogue_table(ti->name);
    if (*td)
        json_object_set_new(r, "description", json_string(td));
    json_object_set_new(r, "format", json_string("tsv"));
    json_object_set_new(r, "mediatype", json_string("text/tab-separated-values"));
    json_object_set_new(r, "encoding", json_string("utf-8"));
    json_t *dia = json_object();
    json_object_set_new(dia, "delimiter", json_string("\t"));
    json_object_set_new(dia, "quoteChar", json_string("\""));
    json_object_set_new(dia, "doubleQuote", json_true());
    json_object_set_new(dia, "header", json_true());
    json_object_set_new(r, "dialect", dia);
    for (size_t i = 0; i < ti->ncols; i++) {
        const char *desc = "";
        pm_catalogue_column(ti->name, ti->cols[i], &desc);
        json_t *f = json_object();
        json_object_set_new(f, "name", json_string(ti->cols[i]));
        json_object_set_new(f, "type", json_string(pm_coltype_name(ti->types[i])));
        if (ti->types[i] == PM_COL_DATE)
            json_object_set_new(f, "format", json_string("%Y-%m-%d"));
        if (*desc)
            json_object_set_new(f, "description", json_string(desc));
        json_array_append_new(fields, f);
    }
    json_object_set_new(schema, "fields", fields);
    json_t *mv = json_array();
    json_array_append_new(mv, json_string(""));
    json_object_set_new(schema, "missingValues", mv);
    if (ti->pkey_ok) {
        json_t *pk = json_array();
        char keys[256];
        snprintf(keys, sizeof keys, "%s", pm_catalogue_pkey(ti->name));
        for (char *sv = NULL, *k = strtok_r(keys, ",", &sv); k; k = strtok_r(NULL, ",", &sv))
            json_array_append_new(pk, json_string(k));
        json_object_set_new(schema, "primaryKey", pk);
    }
    json_t *fks = json_array();
    for (const pm_catalogue_fk *fk = pm_catalogue_fkeys(); fk->table; fk++) {
        if (strcmp(fk->table, ti->name) != 0 || !has_col(ti, fk->column) ||
            !has_table(names, n, fk->ref_table))
            continue;
        json_t *o = json_object(), *ref = json_object();
        json_object_set_new(o, "fields", json_string(fk->column));
        json_object_set_new(ref, "resource", json_string(fk->ref_table));
        json_object_set_new(ref, "fields", json_string(fk->ref_column));
        json_object_set_new(o, "reference", ref);
        json_array_append_new(fks, o);
    }
    if (json_array_size(fks))
        json_object_set_new(schema, "foreignKeys", fks);
    else
        json_decref(fks);
    json_object_set_new(r, "schema", schema);
    json_object_set_new(r, "rows", json_integer((json_int_t)ti->nrows));
    return r;
}

pm_status pm_datapackage_write(const char *outdir, pm_errctx *err)
{
    char **names = NULL;
    size_t n = 0;
    pm_status st = pm_tablist(outdir, &names, &n, err);
    if (st)
        return st;
    json_t *pkg = json_object(), *res = json_array();
    if (!pkg || !res) {
        json_decref(pkg), json_decref(res), pm_tablist_free(names, n);
        return pm_errctx_set(err, PM_ERR_NOMEM, outdir, "datapackage.json");
    }
    json_object_set_new(pkg, "profile", json_string("tabular-data-package"));
    json_object_set_new(pkg, "name", json_string("policyminer-output"));
    json_object_set_new(pkg, "title", json_string("policyminer tables"));
    json_object_set_new(pkg, "description",
                        json_string("Tables written by policyminer; see README, Output tables, "
                                    "and categories.tsv for the value labels."));
    for (size_t i = 0; !st && i < n; i++) {
        pm_tabinfo ti;
        if ((st = pm_tabinfo_scan(&ti, outdir, names[i], err))) {
            pm_tabinfo_free(&ti);
            break;
        }
        json_t *r = resource(&ti, names[i], names, n);
        pm_tabinfo_free(&ti);
        if (!r)
            st = pm_errctx_set(err, PM_ERR_NOMEM, outdir, "datapackage.json");
        else
            json_array_append_new(res, r);
    }
    json_object_set_new(pkg, "resources", res);
    pm_tablist_free(names, n);
    char *text = st ? NULL : json_dumps(pkg, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(pkg);
    if (st)
        return st;
    if (!text)
        return pm_errctx_set(err, PM_ERR_NOMEM, outdir, "datapackage.json");
    pm_outfile *f = NULL;
    if (!(st = pm_outfile_open(&f, outdir, "datapackage.json", err))) {
        if ((st = pm_outfile_write(f, text, strlen(text), err)) ||
            (st = pm_outfile_write(f, "\n", 1, err)))
            pm_outfile_abort(f);
        else
            st = pm_outfile_commit(f, err);
    }
    free(text);
    return st;
}
