/* sinks/stata.c - policyminer.do: a Stata script that loads the main tables, labelled.
 *
 * For each main table present it writes `import delimited` (tab, UTF-8, header row, every
 * column read as text first so codes keep their leading digits), `destring` of the
 * numeric columns named from the catalogue, a `label variable` per column, and for the
 * categorical codes value labels: `level` everywhere and counts.tsv's `category` from
 * categories.tsv (label_en), each as a numeric *_n variable beside the string. Each
 * table is saved as NAME.dta next to the TSV. The script is generated from the headers
 * actually present, so it follows tables that gain columns.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/report.h"
#include "policyminer/sinks.h"
#include "tables_internal.h"

static const char *const MAIN[] = {"documents", "counts", "rejects", "adoptions", "nodes",
                                   "experiments", "diffusion_summary", "edges", "network",
                                   "leaders", "eha_panel", "categories"};
#define MAX_LEVELS 10

/* The level vocabulary of the run's country pack (manifest.json "country" "levels"), then
 * "unknown"; for an output without it, China's four levels, which every such output has. */
static size_t load_levels(const char *outdir, char (*lv)[64])
{
    static const char *const OLD[] = {"central", "provincial", "prefecture", "county"};
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", outdir);
    json_error_t je;
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    json_t *a = json_object_get(json_object_get(m, "country"), "levels");
    size_t n = 0;
    if (json_is_array(a)) {
        for (size_t i = 0; i < json_array_size(a) && n + 1 < MAX_LEVELS; i++) {
            const char *k = json_string_value(json_array_get(a, i));
            if (k && *k && !strpbrk(k, "\"`'"))
                snprintf(lv[n++], sizeof lv[0], "%s", k);
        }
    } else {
        for (size_t i = 0; i < sizeof OLD / sizeof *OLD; i++)
            snprintf(lv[n++], sizeof lv[0], "%s", OLD[i]);
    }
    json_decref(m);
    snprintf(lv[n++], sizeof lv[0], "unknown");
    return n;
}

/* Stata string literal in compound quotes `"..."' (no escaping needed but for the
 * closing sequence, which table text cannot hold after we drop quotes). */
static void stata_str(pm_buf *b, const char *s, size_t max)
{
    pm_buf_append_str(b, "`\"");
    size_t n = 0;
    for (; *s && n < max; s++, n++)
        if (*s != '"' && *s != '`' && *s != '\'' && (unsigned char)*s >= 0x20)
            pm_buf_append_char(b, *s);
    pm_buf_append_str(b, "\"'");
}

static pm_status category_labels(pm_buf *b, const char *outdir, pm_errctx *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/categories.tsv", outdir);
    pm_tab *t = NULL;
    if (pm_tab_open(&t, path, err) != PM_OK)
        return PM_OK; /* no categories.tsv: counts keeps its string codes only */
    long cd = pm_tab_col(t, "dimension"), cc = pm_tab_col(t, "category"),
         ce = pm_tab_col(t, "label_en");
    pm_buf_append_str(b, "capture label drop pm_category\n");
    pm_buf_append_str(b, "generate long category_n = .\n");
    int got = 0;
    long i = 0;
    pm_status st;
    while (!(st = pm_tab_next(t, &got, err)) && got) {
        i++;
        pm_buf_printf(b, "label define pm_category %ld ", i);
        stata_str(b, pm_tab_get(t, ce), 80);
        pm_buf_append_str(b, ", add\nreplace category_n = ");
        pm_buf_printf(b, "%ld if dimension == ", i);
        stata_str(b, pm_tab_get(t, cd), 64);
        pm_buf_append_str(b, " & category == ");
        stata_str(b, pm_tab_get(t, cc), 64);
        pm_buf_append_char(b, '\n');
    }
    pm_buf_append_str(b, "label values category_n pm_category\n"
                         "label variable category_n \"category (labelled)\"\n");
    pm_tab_close(t);
    return st;
}

pm_status pm_stata_write(const char *outdir, pm_errctx *err)
{
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 26);
    pm_buf_append_str(&b,
        "* policyminer.do - import the policyminer tables into Stata (14 or later: UTF-8).\n"
        "* Written by `policyminer report`; run it from the output directory:\n"
        "*   cd OUTDIR\n*   do policyminer.do\n"
        "* Codes and ids are read as strings; each table is saved as NAME.dta.\n"
        "version 14\nset more off\n\n"
        "capture label drop pm_level\n");
    char LEVELS[MAX_LEVELS][64];
    size_t nlevels = load_levels(outdir, LEVELS);
    for (size_t i = 0; i < nlevels; i++)
        pm_buf_printf(&b, "label define pm_level %zu \"%s\", add\n", i + 1, LEVELS[i]);
    pm_status st = PM_OK;
    for (size_t m = 0; !st && m < sizeof MAIN / sizeof *MAIN; m++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.tsv", outdir, MAIN[m]);
        pm_tab *t = NULL;
        if (pm_tab_open(&t, path, err) != PM_OK)
            continue; /* the table is not in this output */
        pm_buf_printf(&b, "\n* ---- %s.tsv: %s\n", MAIN[m], pm_catalogue_table(MAIN[m]));
        pm_buf_printf(&b, "import delimited using \"%s.tsv\", delimiters(tab) varnames(1) "
                          "encoding(utf-8) stringcols(_all) bindquote(strict) clear\n", MAIN[m]);
        for (size_t i = 0; i < pm_tab_ncols(t); i++) {
            const char *c = pm_tab_colname(t, i), *desc = "";
            pm_coltype ty = pm_catalogue_column(MAIN[m], c, &desc);
            if (ty == PM_COL_INTEGER || ty == PM_COL_NUMBER)
                pm_buf_printf(&b, "destring %s, replace\n", c);
            if (*desc) {
                pm_buf_printf(&b, "label variable %s ", c);
                stata_str(&b, desc, 80);
                pm_buf_append_char(&b, '\n');
            }
            if (strcmp(c, "level") == 0 || strcmp(c, "pioneer_level") == 0) {
                pm_buf_printf(&b, "generate byte %s_n = .\n", c);
                for (size_t l = 0; l < nlevels; l++)
                    pm_buf_printf(&b, "replace %s_n = %zu if %s == \"%s\"\n", c, l + 1, c, LEVELS[l]);
                pm_buf_printf(&b, "label values %s_n pm_level\n", c);
            }
        }
        if (strcmp(MAIN[m], "counts") == 0 && pm_tab_col(t, "category") >= 0 &&
            pm_tab_col(t, "dimension") >= 0)
            st = category_labels(&b, outdir, err);
        const char *tl = pm_catalogue_table(MAIN[m]);
        if (*tl) {
            pm_buf_append_str(&b, "label data ");
            stata_str(&b, tl, 80);
            pm_buf_append_char(&b, '\n');
        }
        pm_buf_printf(&b, "save \"%s.dta\", replace\n", MAIN[m]);
        pm_tab_close(t);
    }
    if (!st && b.len == 0)
        st = pm_errctx_set(err, PM_ERR_NOMEM, outdir, "policyminer.do");
    pm_outfile *f = NULL;
    if (!st && !(st = pm_outfile_open(&f, outdir, "policyminer.do", err))) {
        if ((st = pm_outfile_write(f, b.data, b.len, err)))
            pm_outfile_abort(f);
        else
            st = pm_outfile_commit(f, err);
    }
    pm_buf_free(&b);
    return st;
}
