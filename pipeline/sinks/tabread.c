/* sinks/tabread.c - reads finished TSV tables back, tolerantly.
 *
 * The tables are written by this program, but readers of them (report, datapackage,
 * export) must not break when a table gains a column or when text fields are RFC-4180
 * quoted, so columns are found by header name and a field starting with '"' is unquoted.
 * One row is held at a time (capped), so a multi-gigabyte documents.tsv streams.
 * Also: one pass over a table to settle column types and the primary key (pm_tabinfo).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/hash.h"
#include "policyminer/hmap.h"
#include "tables_internal.h"

struct pm_tab {
    FILE *fp;
    char path[1024];
    char *line;        /* getline buffer */
    size_t linecap;
    pm_buf row;        /* unquoted fields, NUL-separated */
    size_t *off;       /* field starts in row */
    size_t nf;         /* fields in current row */
    size_t ncols;
    char **names;
    uint64_t lineno;
    uint64_t ragged;
};

/* Reads one physical line (without LF / CRLF) into t->line; returns its length, -1 at
 * end, -2 on error. */
static long read_line(pm_tab *t)
{
    errno = 0;
    ssize_t n = getline(&t->line, &t->linecap, t->fp);
    if (n < 0)
        return ferror(t->fp) ? -2 : -1;
    t->lineno++;
    if (n && t->line[n - 1] == '\n')
        t->line[--n] = '\0';
    if (n && t->line[n - 1] == '\r')
        t->line[--n] = '\0';
    return (long)n;
}

static pm_status add_field_start(pm_tab *t, pm_errctx *err)
{
    if (t->nf >= PM_TAB_MAX_COLS)
        return pm_errctx_set(err, PM_ERR_TOO_BIG, t->path, "line %llu: more than %u fields",
                             (unsigned long long)t->lineno, PM_TAB_MAX_COLS);
    t->off[t->nf++] = t->row.len;
    return PM_OK;
}

/* Splits the current line (and, inside an open quote, the lines after it) into fields. */
static pm_status split_row(pm_tab *t, long n, pm_errctx *err)
{
    pm_buf_reset(&t->row);
    t->nf = 0;
    pm_status st = add_field_start(t, err);
    if (st)
        return st;
    const char *p = t->line, *e = t->line + n;
    int at_start = 1;
    while (1) {
        if (at_start && p < e && *p == '"') {
            p++;
            for (;;) { /* inside quotes */
                if (p == e) { /* the quoted field goes on over a newline */
                    long m = read_line(t);
                    if (m < 0)
                        break; /* unterminated at end of file: keep what we have */
                    if ((st = pm_buf_append_char(&t->row, '\n')))
                        return pm_errctx_set(err, st, t->path, "line %llu: row too long",
                                             (unsigned long long)t->lineno);
                    p = t->line;
                    e = t->line + m;
                    continue;
                }
                if (*p == '"') {
                    if (p + 1 < e && p[1] == '"') {
                        st = pm_buf_append_char(&t->row, '"');
                        p += 2;
                    } else {
                        p++;
                        break;
                    }
                } else {
                    st = pm_buf_append_char(&t->row, *p++);
                }
                if (st)
                    return pm_errctx_set(err, st, t->path, "line %llu: row too long",
                                         (unsigned long long)t->lineno);
            }
            at_start = 0;
            continue;
        }
        if (p == e)
            break;
        if (*p == '\t') {
            if ((st = pm_buf_append_char(&t->row, '\0')))
                return pm_errctx_set(err, st, t->path, "line %llu: row too long",
                                     (unsigned long long)t->lineno);
            if ((st = add_field_start(t, err)))
                return st;
            p++;
            at_start = 1;
            continue;
        }
        if ((st = pm_buf_append_char(&t->row, *p++)))
            return pm_errctx_set(err, st, t->path, "line %llu: row too long",
                                 (unsigned long long)t->lineno);
        at_start = 0;
    }
    if ((st = pm_buf_append_char(&t->row, '\0')))
        return pm_errctx_set(err, st, t->path, "row too long");
    return PM_OK;
}

pm_status pm_tab_open(pm_tab **out, const char *path, pm_errctx *err)
{
    *out = NULL;
    pm_tab *t = calloc(1, sizeof *t);
    if (!t || !(t->off = malloc(PM_TAB_MAX_COLS * sizeof *t->off))) {
        free(t);
        return pm_errctx_set(err, PM_ERR_NOMEM, path, "opening table");
    }
    snprintf(t->path, sizeof t->path, "%s", path);
    pm_buf_init(&t->row, PM_TAB_MAX_ROW);
    t->fp = fopen(path, "rb");
    if (!t->fp) {
        pm_status st = pm_errctx_set(err, PM_ERR_OPEN, path, "%s", strerror(errno));
        pm_tab_close(t);
        return st;
    }
    long n = read_line(t);
    if (n < 0) {
        pm_status st = n == -2 ? pm_errctx_set(err, PM_ERR_IO, path, "%s", strerror(errno))
                               : pm_errctx_set(err, PM_ERR_EMPTY, path, "no header row");
        pm_tab_close(t);
        return st;
    }
    if (n >= 3 && memcmp(t->line, "\xEF\xBB\xBF", 3) == 0) {
        memmove(t->line, t->line + 3, (size_t)n - 2);
        n -= 3;
    }
    pm_status st = split_row(t, n, err);
    if (!st && !(t->names = calloc(t->nf, sizeof *t->names)))
        st = pm_errctx_set(err, PM_ERR_NOMEM, path, "header");
    for (size_t i = 0; !st && i < t->nf; i++)
        if (!(t->names[i] = strdup(t->row.data + t->off[i])))
            st = pm_errctx_set(err, PM_ERR_NOMEM, path, "header");
    if (st) {
        t->ncols = t->names ? t->nf : 0;
        pm_tab_close(t);
        return st;
    }
    t->ncols = t->nf;
    t->nf = 0;
    *out = t;
    return PM_OK;
}

void pm_tab_close(pm_tab *t)
{
    if (!t)
        return;
    if (t->fp)
        fclose(t->fp);
    for (size_t i = 0; t->names && i < t->ncols; i++)
        free(t->names[i]);
    free(t->names);
    free(t->line);
    free(t->off);
    pm_buf_free(&t->row);
    free(t);
}

size_t pm_tab_ncols(const pm_tab *t) { return t->ncols; }
const char *pm_tab_colname(const pm_tab *t, size_t i) { return i < t->ncols ? t->names[i] : ""; }
uint64_t pm_tab_ragged(const pm_tab *t) { return t->ragged; }

long pm_tab_col(const pm_tab *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->names[i], name) == 0)
            return (long)i;
    return -1;
}

pm_status pm_tab_next(pm_tab *t, int *got, pm_errctx *err)
{
    *got = 0;
    t->nf = 0;
    long n;
    do { /* blank lines are not rows */
        n = read_line(t);
        if (n == -2)
            return pm_errctx_set(err, PM_ERR_IO, t->path, "%s", strerror(errno));
        if (n == -1)
            return PM_OK;
    } while (n == 0 && t->ncols > 1);
    pm_status st = split_row(t, n, err);
    if (st)
        return st;
    if (t->nf > t->ncols)
        t->ragged++;
    *got = 1;
    return PM_OK;
}

const char *pm_tab_get(const pm_tab *t, long col)
{
    if (col < 0 || (size_t)col >= t->nf)
        return "";
    return t->row.data + t->off[col];
}

/* ---- scanning a table: types and key ------------------------------------------------ */

void pm_tabinfo_free(pm_tabinfo *ti)
{
    for (size_t i = 0; ti->cols && i < ti->ncols; i++)
        free(ti->cols[i]);
    free(ti->cols);
    free(ti->types);
    free(ti->nmissing);
    memset(ti, 0, sizeof *ti);
}

pm_status pm_tabinfo_scan(pm_tabinfo *ti, const char *dir, const char *file, pm_errctx *err)
{
    memset(ti, 0, sizeof *ti);
    size_t fl = strlen(file);
    snprintf(ti->name, sizeof ti->name, "%.*s", (int)(fl > 4 ? fl - 4 : fl), file);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    pm_tab *t = NULL;
    pm_status st = pm_tab_open(&t, path, err);
    if (st)
        return st;
    ti->ncols = pm_tab_ncols(t);
    ti->cols = calloc(ti->ncols ? ti->ncols : 1, sizeof *ti->cols);
    ti->types = calloc(ti->ncols ? ti->ncols : 1, sizeof *ti->types);
    ti->nmissing = calloc(ti->ncols ? ti->ncols : 1, sizeof *ti->nmissing);
    if (!ti->cols || !ti->types || !ti->nmissing) {
        pm_tab_close(t);
        return pm_errctx_set(err, PM_ERR_NOMEM, path, "scanning");
    }
    for (size_t i = 0; i < ti->ncols; i++) {
        if (!(ti->cols[i] = strdup(pm_tab_colname(t, i)))) {
            pm_tab_close(t);
            return pm_errctx_set(err, PM_ERR_NOMEM, path, "scanning");
        }
        ti->types[i] = pm_catalogue_column(ti->name, ti->cols[i], NULL);
    }
    /* the key's columns */
    long kcol[8];
    size_t nk = 0;
    char keys[256];
    snprintf(keys, sizeof keys, "%s", pm_catalogue_pkey(ti->name));
    ti->pkey_ok = keys[0] != '\0';
    for (char *sv = NULL, *k = strtok_r(keys, ",", &sv); k && nk < 8; k = strtok_r(NULL, ",", &sv))
        if ((kcol[nk++] = pm_tab_col(t, k)) < 0)
            ti->pkey_ok = 0;
    pm_hmap *ks = NULL; /* hashes of the primary keys seen (values unused) */
    if (ti->pkey_ok && (st = pm_hmap_create(&ks, 0, 0)) != PM_OK) {
        pm_tab_close(t);
        return pm_errctx_set(err, st, path, "key set");
    }
    int got = 0;
    while (!(st = pm_tab_next(t, &got, err)) && got) {
        ti->nrows++;
        for (size_t i = 0; i < ti->ncols; i++) {
            const char *v = pm_tab_get(t, (long)i);
            if (!*v)
                ti->nmissing[i]++;
            else if (ti->types[i] != PM_COL_STRING && !pm_coltype_accepts(ti->types[i], v))
                ti->types[i] = PM_COL_STRING;
        }
        if (ti->pkey_ok) {
            pm_hash64_ctx h;
            pm_hash64_init(&h, 16);
            for (size_t k = 0; k < nk; k++) {
                const char *v = pm_tab_get(t, kcol[k]);
                if (!*v)
                    ti->pkey_ok = 0;
                pm_hash64_update(&h, v, strlen(v) + 1);
            }
            int added = 1;
            if (ti->pkey_ok && !pm_hmap_put(ks, pm_hash64_final(&h), &added, &st))
                st = pm_errctx_set(err, st, path, "key set");
            if (st || !added)
                ti->pkey_ok = 0; /* a repeated key: the declared key does not hold */
            if (st)
                break;
        }
    }
    pm_hmap_free(ks);
    pm_tab_close(t);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

pm_status pm_tablist(const char *dir, char ***names, size_t *n, pm_errctx *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return pm_errctx_set(err, PM_ERR_OPEN, dir, "%s", strerror(errno));
    size_t cap = 0;
    char **v = NULL;
    pm_status st = PM_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 5 || strcmp(e->d_name + l - 4, ".tsv") != 0)
            continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char **nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                st = pm_errctx_set(err, PM_ERR_NOMEM, dir, "listing");
                break;
            }
            v = nv;
            cap = nc;
        }
        if (!(v[*n] = strdup(e->d_name))) {
            st = pm_errctx_set(err, PM_ERR_NOMEM, dir, "listing");
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (st) {
        pm_tablist_free(v, *n);
        *n = 0;
        return st;
    }
    if (*n)
        qsort(v, *n, sizeof *v, cmp_str);
    *names = v;
    return PM_OK;
}

void pm_tablist_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
