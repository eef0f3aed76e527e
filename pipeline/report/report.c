/* report/report.c - `policyminer report`: OUTDIR/report.html from the finished tables.
 *
 * Owns the page: the stylesheet (CJK font stack, print rules), the header and contents,
 * the category labels (categories.tsv), section 7 (rejects and provenance from
 * rejects.tsv and manifest.json) and the atomic write. Sections 1-4 are in
 * report_corpus.c, 5-6 in report_diffusion.c. The page is well-formed XHTML served as
 * HTML5 (xmllint reads it), has no script and no external resource, and its bytes depend
 * only on the tables: the manifest's clock, timings and thread count are left out.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sinks/tables_internal.h"
#include "policyminer/report.h"
#include "policyminer/sinks.h"
#include "report_internal.h"

#define REPORT_MAX ((size_t)256 << 20)

static const char CSS[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Hiragino Sans GB\","
    "\"Microsoft YaHei\",\"WenQuanYi Micro Hei\",\"Noto Sans\",Arial,sans-serif;color:#1a1a1a;"
    "background:#fff;margin:0 auto;max-width:1180px;padding:16px 28px;line-height:1.45;font-size:14px}"
    "h1{font-size:24px;margin:4px 0}h2{font-size:19px;border-bottom:2px solid #0072B2;padding-bottom:3px;"
    "margin-top:30px}h3{font-size:15px}"
    ".lead{max-width:900px}.note{color:#555;font-size:12px;margin:2px 0}.missing{color:#8a4b00;"
    "background:#fff6e6;padding:6px 10px;border-left:3px solid #E69F00}"
    "figure.fig{margin:14px 0;break-inside:avoid;page-break-inside:avoid}figcaption{font-size:13px;"
    "margin-bottom:4px}svg{max-width:100%;height:auto;display:block}"
    "svg text{font-family:inherit}.tick{font-size:11px;fill:#333}.atitle{font-size:12px;fill:#111}"
    ".val{font-size:10px;fill:#333}.grid{stroke:#e3e3e3;stroke-width:1}.axis{stroke:#444;stroke-width:1}"
    ".curve{fill:none;stroke:#444;stroke-width:1.4}.tile{fill:#f3f5f8;stroke:#c9d1dc}"
    ".tilelab{font-size:11px;fill:#445}.edge{fill:none;stroke-opacity:0.8}.node{fill:#222}"
    ".legend{font-size:12px;margin:2px 0 6px 0}.legend span{margin-right:14px;white-space:nowrap}"
    ".legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}"
    "table{border-collapse:collapse;font-size:12px;margin:4px 0}th,td{border:1px solid #d6d6d6;"
    "padding:3px 6px;text-align:left}thead th{background:#f1f4f8}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}table.heat td{text-align:center;min-width:44px}"
    "table.heat td.n{text-align:right}td.na{color:#999}th.rot{font-weight:normal;font-size:11px}"
    ".grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:0 24px}"
    "code{font-size:12px;background:#f4f4f4;padding:0 3px}nav ol{columns:2;font-size:13px}"
    ".kv th{width:180px;background:#f7f7f7}.mono{font-family:monospace;font-size:11px;word-break:break-all}"
    "@media print{body{max-width:none;padding:0}h2{break-after:avoid}}";

int rp_path(const rp_page *p, const char *table, char *out, size_t n)
{
    struct stat sb;
    snprintf(out, n, "%s/%s.tsv", p->dir, table);
    return stat(out, &sb) == 0 && S_ISREG(sb.st_mode);
}

const rp_cat *rp_cat_find(const rp_page *p, const char *dim, const char *key)
{
    for (size_t i = 0; i < p->ncats; i++)
        if (strcmp(p->cats[i].key, key) == 0 && strcmp(p->cats[i].dim, dim) == 0)
            return &p->cats[i];
    return NULL;
}

void rp_cat_label(const rp_page *p, const char *dim, const char *key, char *out, size_t n)
{
    const rp_cat *c = rp_cat_find(p, dim, key);
    if (c && c->en[0] && c->zh[0])
        snprintf(out, n, "%s %s", c->en, c->zh);
    else if (c && c->en[0])
        snprintf(out, n, "%s", c->en);
    else
        snprintf(out, n, "%s", key);
}

static pm_status load_categories(rp_page *p, pm_errctx *err)
{
    char path[4096];
    if (!rp_path(p, "categories", path, sizeof path))
        return PM_OK;
    pm_tab *t = NULL;
    pm_status st = pm_tab_open(&t, path, err);
    if (st)
        return st;
    long cd = pm_tab_col(t, "dimension"), cc = pm_tab_col(t, "category"),
         cg = pm_tab_col(t, "group"), cz = pm_tab_col(t, "label_zh"), ce = pm_tab_col(t, "label_en");
    size_t cap = 0;
    int got;
    while (!(st = pm_tab_next(t, &got, err)) && got && p->ncats < 100000) {
        if (p->ncats == cap) {
            size_t nc = cap ? cap * 2 : 256;
            rp_cat *nv = realloc(p->cats, nc * sizeof *nv);
            if (!nv) {
                st = pm_errctx_set(err, PM_ERR_NOMEM, path, "categories");
                break;
            }
            p->cats = nv, cap = nc;
        }
        rp_cat *c = &p->cats[p->ncats++];
        snprintf(c->dim, sizeof c->dim, "%s", pm_tab_get(t, cd));
        snprintf(c->key, sizeof c->key, "%s", pm_tab_get(t, cc));
        snprintf(c->group, sizeof c->group, "%s", pm_tab_get(t, cg));
        snprintf(c->zh, sizeof c->zh, "%s", pm_tab_get(t, cz));
        snprintf(c->en, sizeof c->en, "%s", pm_tab_get(t, ce));
    }
    pm_tab_close(t);
    return st;
}

static void kv(pm_buf *h, const char *k, const char *v, int mono)
{
    pm_buf_append_str(h, "<tr><th>");
    rp_esc(h, k);
    pm_buf_append_str(h, mono ? "</th><td class=\"mono\">" : "</th><td>");
    rp_esc(h, v);
    pm_buf_append_str(h, "</td></tr>\n");
}

static const char *js(const json_t *v) /* a JSON string, or "" */
{
    const char *s = json_string_value(v);
    return s ? s : "";
}

typedef struct reason {
    char key[48];
    double n;
} reason;

pm_status rp_section_run(rp_page *p, pm_errctx *err)
{
    pm_buf *h = p->h;
    pm_buf_append_str(h, "<section id=\"s7\"><h2>7. Rejects and provenance 剔除与来源</h2>\n");
    char path[4096];
    pm_tab *t = NULL;
    pm_status st = PM_OK;
    reason rs[64];
    size_t nr = 0;
    double files = 0, total = 0;
    if (rp_path(p, "rejects", path, sizeof path) && pm_tab_open(&t, path, err) == PM_OK) {
        long cr = pm_tab_col(t, "reason"), cdoc = pm_tab_col(t, "doc_id");
        int got;
        while (!(st = pm_tab_next(t, &got, err)) && got) {
            const char *r = pm_tab_get(t, cr);
            total++;
            files += !*pm_tab_get(t, cdoc);
            size_t i = 0;
            while (i < nr && strcmp(rs[i].key, r) != 0)
                i++;
            if (i == nr && nr < 64) {
                snprintf(rs[nr].key, sizeof rs[nr].key, "%s", r);
                rs[nr++].n = 0;
            }
            if (i < nr)
                rs[i].n++;
        }
        pm_tab_close(t);
        if (st)
            return st;
        for (size_t i = 1; i < nr; i++) /* most frequent first, then by key */
            for (size_t j = i; j > 0 && (rs[j].n > rs[j - 1].n ||
                                         (rs[j].n == rs[j - 1].n && strcmp(rs[j].key, rs[j - 1].key) < 0)); j--) {
                reason x = rs[j];
                rs[j] = rs[j - 1], rs[j - 1] = x;
            }
        rp_printf(h, "<p class=\"lead\">rejects.tsv lists %.0f rejected items (%.0f of them whole input "
                     "files); every one is kept with its reason, none is dropped silently.</p>\n",
                  total, files);
        rp_fig_open(p, "fig-rejects", "Rejected documents and files by reason");
        if (nr) {
            const char *cats[64];
            double v[64];
            for (size_t i = 0; i < nr; i++)
                cats[i] = rs[i].key, v[i] = rs[i].n;
            rp_series s = {"rejects", rp_palette[1], v};
            rp_svg_hbars(h, cats, nr, &s, 1, 0, "rejected items (count)");
        } else {
            pm_buf_append_str(h, "<p>No document or file was rejected.</p>\n");
        }
        rp_fig_close(p, "Reasons are explained in README, rejects.tsv.");
    } else {
        pm_buf_append_str(h, "<p class=\"missing\">rejects.tsv is absent.</p>\n");
    }
    /* provenance */
    snprintf(path, sizeof path, "%s/manifest.json", p->dir);
    json_error_t je;
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    rp_fig_open(p, "fig-provenance", "Provenance of the run (manifest.json)");
    if (!m) {
        pm_buf_append_str(h, "<p class=\"missing\">manifest.json is absent or unreadable.</p>\n");
    } else {
        char b[512];
        pm_buf_append_str(h, "<table class=\"kv\"><tbody>\n");
        snprintf(b, sizeof b, "%s %s", js(json_object_get(m, "program")),
                 js(json_object_get(m, "version")));
        kv(h, "program", b, 0);
        kv(h, "complete", json_is_true(json_object_get(m, "complete")) ? "yes" : "NO (partial output)", 0);
        kv(h, "command line", js(json_object_get(m, "command_line")), 1);
        kv(h, "literal scanner", js(json_object_get(m, "literal_scanner")), 0);
        kv(h, "gazetteer", js(json_object_get(m, "gazetteer_checksum")), 1);
        json_t *c = json_object_get(m, "counts");
        static const char *const ck[] = {"files_seen", "files_read", "files_failed", "docs_seen",
                                         "docs_classified", "docs_rejected", "bytes_in"};
        for (size_t i = 0; c && i < sizeof ck / sizeof *ck; i++) {
            json_t *v = json_object_get(c, ck[i]);
            if (json_is_integer(v)) {
                snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
                kv(h, ck[i], b, 0);
            }
        }
        pm_buf_append_str(h, "</tbody></table>\n<h3>Dictionaries</h3><table class=\"data\"><thead><tr>"
                             "<th>dimension</th><th>file</th><th>categories</th><th>checksum</th></tr></thead><tbody>\n");
        json_t *d = json_object_get(m, "dictionaries"), *e;
        size_t i;
        json_array_foreach(d, i, e) {
            pm_buf_append_str(h, "<tr><td>");
            rp_esc(h, js(json_object_get(e, "dimension")));
            pm_buf_append_str(h, "</td><td>");
            rp_esc(h, js(json_object_get(e, "file")));
            rp_printf(h, "</td><td class=\"n\">%lld</td><td class=\"mono\">",
                      (long long)json_integer_value(json_object_get(e, "categories")));
            rp_esc(h, js(json_object_get(e, "checksum")));
            pm_buf_append_str(h, "</td></tr>\n");
        }
        pm_buf_append_str(h, "</tbody></table>\n<h3>Inputs</h3><table class=\"data\"><thead><tr>"
                             "<th>file</th><th>bytes</th></tr></thead><tbody>\n");
        json_t *in = json_object_get(m, "inputs");
        json_array_foreach(in, i, e) {
            if (i == 50) {
                rp_printf(h, "<tr><td colspan=\"2\">… %zu more</td></tr>\n", json_array_size(in) - 50);
                break;
            }
            pm_buf_append_str(h, "<tr><td class=\"mono\">");
            rp_esc(h, js(json_object_get(e, "path")));
            rp_printf(h, "</td><td class=\"n\">%lld</td></tr>\n",
                      (long long)json_integer_value(json_object_get(e, "bytes")));
        }
        pm_buf_append_str(h, "</tbody></table>\n");
        json_decref(m);
    }
    rp_fig_close(p, "The run's clock, timings and thread count are in manifest.json but left out here, "
                    "so the same tables always give the same page.");
    pm_buf_append_str(h, "</section>\n");
    return PM_OK;
}

static void lv_set(rp_page *p, int i, const char *key, const char *label)
{
    snprintf(p->lv_store[i][0], sizeof p->lv_store[i][0], "%s", key);
    snprintf(p->lv_store[i][1], sizeof p->lv_store[i][1], "%s", label);
    p->lv_key[i] = p->lv_store[i][0];
    p->lv_label[i] = p->lv_store[i][1];
}

void rp_levels_load(rp_page *p)
{
    for (int i = 0; i < RP_NLEVELS; i++)
        lv_set(p, i, "", "");
    lv_set(p, RP_NLEVELS - 1, "unknown", "unknown");
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", p->dir);
    json_error_t je;
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    json_t *c = m ? json_object_get(m, "country") : NULL;
    json_t *lv = c ? json_object_get(c, "levels") : NULL, *lb = c ? json_object_get(c, "level_labels") : NULL;
    if (json_is_array(lv)) {
        size_t n = json_array_size(lv);
        for (size_t i = 0; i < n && i < RP_NLEVELS - 1; i++) {
            const char *k = json_string_value(json_array_get(lv, i));
            const char *l = json_string_value(json_array_get(lb, i));
            lv_set(p, (int)i, k ? k : "", l ? l : k ? k : "");
        }
        const char *u = json_string_value(json_array_get(lb, n));
        if (u)
            lv_set(p, RP_NLEVELS - 1, "unknown", u);
        json_decref(m);
        return;
    }
    json_decref(m);
    /* an output without the pack's vocabulary: the levels the documents name */
    pm_tab *t = NULL;
    pm_errctx err;
    int got = 0, n = 0;
    if (!rp_path(p, "documents", path, sizeof path) || pm_tab_open(&t, path, &err) != PM_OK)
        return;
    long cl = pm_tab_col(t, "level");
    while (n < RP_NLEVELS - 1 && cl >= 0 && pm_tab_next(t, &got, &err) == PM_OK && got) {
        const char *v = pm_tab_get(t, cl);
        int seen = !*v || strcmp(v, "unknown") == 0;
        for (int i = 0; i < n && !seen; i++)
            seen = strcmp(p->lv_key[i], v) == 0;
        if (!seen) {
            lv_set(p, n, v, v);
            n++;
        }
    }
    pm_tab_close(t);
}

pm_status pm_report_check(const char *outdir, pm_errctx *err)
{
    rp_page p = {NULL, outdir, NULL, 0, 0, {0}, {0}, {{""}}};
    char path[4096];
    if (!rp_path(&p, "documents", path, sizeof path))
        return pm_errctx_set(err, PM_ERR_OPEN, path, "no documents.tsv: not a policyminer output directory");
    return PM_OK;
}

pm_status pm_report_write(const char *outdir, pm_errctx *err)
{
    pm_buf h;
    pm_buf_init(&h, REPORT_MAX);
    rp_page p = {&h, outdir, NULL, 0, 0, {0}, {0}, {{""}}};
    char path[4096];
    if (!rp_path(&p, "documents", path, sizeof path)) {
        pm_buf_free(&h);
        return pm_errctx_set(err, PM_ERR_OPEN, path, "no documents.tsv: not a policyminer output directory");
    }
    pm_status st = load_categories(&p, err);
    rp_levels_load(&p);
    pm_buf_append_str(&h, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
                          "<head><meta charset=\"utf-8\"/><meta name=\"viewport\" "
                          "content=\"width=device-width, initial-scale=1\"/>"
                          "<title>policyminer report</title>\n<style>");
    pm_buf_append_str(&h, CSS);
    pm_buf_append_str(&h, "</style></head>\n<body>\n<header><h1>policyminer report 政策文本挖掘报告</h1>\n"
                          "<p class=\"note\">Drawn from the finished tables of this output directory "
                          "(documents.tsv, categories.tsv, experiments.tsv, adoptions.tsv, "
                          "diffusion_summary.tsv, network.tsv, leaders.tsv, rejects.tsv, manifest.json). "
                          "README, “The report”, says how each figure is computed.</p>\n"
                          "<nav><ol><li><a href=\"#s1\">Corpus overview</a></li><li><a href=\"#s2\">Instruments</a></li>"
                          "<li><a href=\"#s3\">Policy configurator</a></li><li><a href=\"#s4\">Conditionality</a></li>"
                          "<li><a href=\"#s5\">Diffusion</a></li><li><a href=\"#s6\">Inferred network</a></li>"
                          "<li><a href=\"#s7\">Rejects and provenance</a></li></ol></nav></header>\n<main>\n");
    if (!st)
        st = rp_sections_corpus(&p, err);
    if (!st)
        st = rp_sections_diffusion(&p, err);
    if (!st)
        st = rp_section_run(&p, err);
    pm_buf_append_str(&h, "</main>\n</body>\n</html>\n");
    free(p.cats);
    if (!st && h.len + 64 >= REPORT_MAX)
        st = pm_errctx_set(err, PM_ERR_TOO_BIG, outdir, "report.html beyond its cap");
    pm_outfile *f = NULL;
    if (!st && !(st = pm_outfile_open(&f, outdir, "report.html", err))) {
        if ((st = pm_outfile_write(f, h.data, h.len, err)))
            pm_outfile_abort(f);
        else
            st = pm_outfile_commit(f, err);
    }
    pm_buf_free(&h);
    return st;
}
