/* report/report_corpus.c - sections 1 to 4 of the report, from one pass over documents.tsv:
 * documents per year and level, instrument groups, the policy configurator (instrument
 * group x targeted stage / firm type / goal) and conditionality of support.
 *
 * Columns are found by name (year, level, instrument_groups, instruments, targeting);
 * groups and target kinds come from categories.tsv, so a dictionary with other groups
 * draws too. Years with documents are shown, at most the last RP_MAXY of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sinks/tables_internal.h"
#include "report_internal.h"

#define RP_MAXY 60
#define RP_MAXG 12
#define RP_MAXT 48
#define RP_MAXC 12

typedef struct corpus {
    int ymin, ymax;
    double docs[RP_MAXY][RP_NLEVELS];
    double lvl[RP_NLEVELS], nodate;
    /* instrument groups */
    size_t ng;
    char gkey[RP_MAXG][48];
    double g_lvl[RP_MAXG][RP_NLEVELS], any_lvl[RP_NLEVELS];
    double g_year[RP_MAXG][RP_MAXY], any_year[RP_MAXY];
    double measures, measures_fiscal;
    /* targets (stage, firm_type, goal) */
    size_t nt;
    const rp_cat *tcat[RP_MAXT];
    double cfg[RP_NLEVELS + 1][RP_MAXG][RP_MAXT]; /* [level or all][group][target] */
    double cfg_den[RP_NLEVELS + 1][RP_MAXG];
    /* conditionality among support documents */
    size_t nc;
    const rp_cat *ccat[RP_MAXC];
    double sup_lvl[RP_NLEVELS], sup_year[RP_MAXY];
    double c_lvl[RP_MAXC + 1][RP_NLEVELS], c_year[RP_MAXC + 1][RP_MAXY]; /* last = any */
} corpus;

static const char *const TARGET_GROUPS[] = {"stage", "firm_type", "goal"};
static const char *const COND_KEYS[] = {"kpi_targets", "time_limit", "exit_review", "clawback"};
#define SUPPORT_GROUP "fiscal_financial"

static size_t group_index(corpus *c, const char *g)
{
    for (size_t i = 0; i < c->ng; i++)
        if (strcmp(c->gkey[i], g) == 0)
            return i;
    if (c->ng == RP_MAXG)
        return (size_t)-1;
    snprintf(c->gkey[c->ng], sizeof c->gkey[0], "%s", g);
    return c->ng++;
}

/* Calls fn for each ';'-separated item of list. */
static void each_item(const char *list, void (*fn)(void *, const char *), void *ud)
{
    char item[64];
    while (*list) {
        size_t n = strcspn(list, ";");
        if (n && n < sizeof item) {
            memcpy(item, list, n);
            item[n] = '\0';
            fn(ud, item);
        }
        list += n + (list[n] == ';');
    }
}

typedef struct docstate {
    corpus *c;
    const rp_page *p;
    unsigned gmask;
    uint64_t tmask, cmask;
    double nmeas, nfisc;
} docstate;

static void on_group(void *ud, const char *g)
{
    docstate *d = ud;
    size_t i = group_index(d->c, g);
    if (i != (size_t)-1)
        d->gmask |= 1u << i;
}

static void on_instrument(void *ud, const char *k)
{
    docstate *d = ud;
    const rp_cat *ct = rp_cat_find(d->p, "instrument", k);
    d->nmeas++;
    if (ct && strcmp(ct->group, SUPPORT_GROUP) == 0)
        d->nfisc++;
}

static void on_target(void *ud, const char *k)
{
    docstate *d = ud;
    for (size_t i = 0; i < d->c->nt; i++)
        if (strcmp(d->c->tcat[i]->key, k) == 0)
            d->tmask |= 1ull << i;
    for (size_t i = 0; i < d->c->nc; i++)
        if (strcmp(d->c->ccat[i]->key, k) == 0)
            d->cmask |= 1ull << i;
}

static pm_status scan(rp_page *p, corpus *c, pm_errctx *err)
{
    char path[4096];
    rp_path(p, "documents", path, sizeof path);
    /* the year range first, so per-year arrays index from ymin */
    pm_tab *t = NULL;
    pm_status st = pm_tab_open(&t, path, err);
    if (st)
        return st;
    long cy = pm_tab_col(t, "year");
    int got, lo = 99999, hi = -99999;
    while (!(st = pm_tab_next(t, &got, err)) && got) {
        int y = atoi(pm_tab_get(t, cy));
        if (y > 0) {
            lo = y < lo ? y : lo;
            hi = y > hi ? y : hi;
        }
    }
    pm_tab_close(t);
    if (st)
        return st;
    if (hi < lo)
        lo = hi = 0;
    if (hi - lo + 1 > RP_MAXY)
        lo = hi - RP_MAXY + 1;
    c->ymin = lo;
    c->ymax = hi;
    /* groups in categories.tsv order; targets and conditions from their groups */
    for (size_t i = 0; i < p->ncats; i++) {
        const rp_cat *ct = &p->cats[i];
        if (strcmp(ct->dim, "instrument_group") == 0 && strcmp(ct->key, "any") != 0)
            group_index(c, ct->key);
    }
    /* targets grouped as the heat-map header groups them: stage, firm type, goal */
    for (size_t g = 0; g < 3; g++)
        for (size_t i = 0; i < p->ncats; i++)
            if (strcmp(p->cats[i].dim, "targeting") == 0 &&
                strcmp(p->cats[i].group, TARGET_GROUPS[g]) == 0 && c->nt < RP_MAXT)
                c->tcat[c->nt++] = &p->cats[i];
    for (size_t k = 0; k < sizeof COND_KEYS / sizeof *COND_KEYS; k++) {
        const rp_cat *ct = rp_cat_find(p, "targeting", COND_KEYS[k]);
        if (ct && c->nc < RP_MAXC)
            c->ccat[c->nc++] = ct;
    }
    if ((st = pm_tab_open(&t, path, err)))
        return st;
    cy = pm_tab_col(t, "year");
    long cl = pm_tab_col(t, "level"), cg = pm_tab_col(t, "instrument_groups"),
         ci = pm_tab_col(t, "instruments"), ctg = pm_tab_col(t, "targeting");
    while (!(st = pm_tab_next(t, &got, err)) && got) {
        int L = rp_level_index(p, pm_tab_get(t, cl));
        int y = atoi(pm_tab_get(t, cy));
        int yi = (y >= c->ymin && y <= c->ymax && y > 0) ? y - c->ymin : -1;
        docstate d = {c, p, 0, 0, 0, 0, 0};
        each_item(pm_tab_get(t, cg), on_group, &d);
        each_item(pm_tab_get(t, ci), on_instrument, &d);
        each_item(pm_tab_get(t, ctg), on_target, &d);
        c->lvl[L]++;
        if (yi >= 0)
            c->docs[yi][L]++;
        else
            c->nodate++;
        c->measures += d.nmeas;
        c->measures_fiscal += d.nfisc;
        if (d.gmask) {
            c->any_lvl[L]++;
            if (yi >= 0)
                c->any_year[yi]++;
        }
        for (size_t g = 0; g < c->ng; g++) {
            if (!(d.gmask >> g & 1))
                continue;
            c->g_lvl[g][L]++;
            if (yi >= 0)
                c->g_year[g][yi]++;
            c->cfg_den[L][g]++;
            c->cfg_den[RP_NLEVELS][g]++;
            for (size_t k = 0; k < c->nt; k++)
                if (d.tmask >> k & 1) {
                    c->cfg[L][g][k]++;
                    c->cfg[RP_NLEVELS][g][k]++;
                }
        }
        size_t fg = group_index(c, SUPPORT_GROUP);
        if (fg != (size_t)-1 && (d.gmask >> fg & 1)) {
            c->sup_lvl[L]++;
            if (yi >= 0)
                c->sup_year[yi]++;
            for (size_t k = 0; k <= c->nc; k++) {
                int hit = k < c->nc ? (int)(d.cmask >> k & 1) : d.cmask != 0;
                if (!hit)
                    continue;
                c->c_lvl[k][L]++;
                if (yi >= 0)
                    c->c_year[k][yi]++;
            }
        }
    }
    pm_tab_close(t);
    return st;
}

static void group_label(const rp_page *p, const char *g, char *out, size_t n)
{
    rp_cat_label(p, "instrument_group", g, out, n);
}

static void section1(rp_page *p, const corpus *c, char (*yl)[8], const char **yx, size_t ny)
{
    pm_buf *h = p->h;
    double tot = 0, local = 0;
    for (int L = 0; L < RP_NLEVELS; L++)
        tot += c->lvl[L];
    local = c->lvl[1] + c->lvl[2] + c->lvl[3];
    char a[32], b[32], d[32];
    rp_pct(a, sizeof a, c->lvl[0], tot);
    rp_pct(b, sizeof b, local, tot);
    rp_pct(d, sizeof d, c->lvl[2], local);
    /* levels by the pack's keys: slot 0 the national level, 1-3 local, 2 the second local
     * level (China's prefectures, Kazakhstan's districts) */
    rp_printf(h, "<section id=\"s1\"><h2>1. Corpus overview 语料概览</h2>\n<p class=\"lead\">"
                 "%.0f documents. The %s level issued <b>%s</b>, the local levels "
                 "<b>%s</b>; the %s level issued <b>%s</b> of the local "
                 "documents.</p>\n", tot, p->lv_key[0], a, b, p->lv_key[2], d);
    double v[RP_NLEVELS][RP_MAXY];
    rp_series s[RP_NLEVELS];
    for (int L = 0; L < RP_NLEVELS; L++) {
        for (size_t i = 0; i < ny; i++)
            v[L][i] = c->docs[i][L];
        s[L] = (rp_series){p->lv_label[L], rp_level_color[L], v[L]};
    }
    (void)yl;
    rp_fig_open(p, "fig-docs-year", "Documents per year by issuer level (stacked)");
    rp_svg_stacked(h, yx, ny, s, RP_NLEVELS, "year of the document", "documents (count)");
    char note[160];
    snprintf(note, sizeof note, "Documents without a year: %.0f (not drawn).", c->nodate);
    rp_fig_close(p, c->nodate > 0 ? note : NULL);
    double sh[2][RP_MAXY];
    for (size_t i = 0; i < ny; i++) {
        double t = 0, l = c->docs[i][1] + c->docs[i][2] + c->docs[i][3];
        for (int L = 0; L < RP_NLEVELS; L++)
            t += c->docs[i][L];
        sh[0][i] = t > 0 ? l / t : NAN;
        sh[1][i] = l > 0 ? c->docs[i][2] / l : NAN;
    }
    char n2[128], cap[160], lnote[256];
    snprintf(n2, sizeof n2, "%s share of local documents", p->lv_key[2]);
    snprintf(cap, sizeof cap, "Local share, and %s share of local documents, per year", p->lv_key[2]);
    snprintf(lnote, sizeof lnote, "Local = %s + %s + %s. Years without documents are gaps.",
             p->lv_key[1], p->lv_key[2], p->lv_key[3]);
    rp_series s2[2] = {{"local share of all documents", rp_palette[1], sh[0]},
                       {n2, rp_palette[2], sh[1]}};
    rp_fig_open(p, "fig-local-share", cap);
    rp_svg_lines(h, yx, ny, s2, 2, "year of the document", "share of documents (%)");
    rp_fig_close(p, lnote);
    pm_buf_append_str(h, "</section>\n");
}

static void section2(rp_page *p, const corpus *c, const char **yx, size_t ny)
{
    pm_buf *h = p->h;
    double tot = 0, any = 0;
    for (int L = 0; L < RP_NLEVELS; L++)
        tot += c->lvl[L], any += c->any_lvl[L];
    size_t fg = (size_t)-1;
    for (size_t g = 0; g < c->ng; g++)
        if (strcmp(c->gkey[g], SUPPORT_GROUP) == 0)
            fg = g;
    double fdocs = 0;
    for (int L = 0; fg != (size_t)-1 && L < RP_NLEVELS; L++)
        fdocs += c->g_lvl[fg][L];
    char a[32], b[32], d[32];
    rp_pct(a, sizeof a, any, tot);
    rp_pct(b, sizeof b, fdocs, any);
    rp_pct(d, sizeof d, c->measures_fiscal, c->measures);
    rp_printf(h, "<section id=\"s2\"><h2>2. Instruments 政策工具</h2>\n<p class=\"lead\">"
                 "%s of documents use at least one instrument. <b>Direct financial support</b> "
                 "(instrument group fiscal_financial: subsidies, tax incentives, credit, "
                 "guidance funds …) appears in <b>%s</b> of the instrument-using documents and "
                 "makes up <b>%s</b> of the measures (a measure = one instrument category "
                 "matched in one document; %.0f measures).</p>\n", a, b, d, c->measures);
    double v[RP_NLEVELS - 1][RP_MAXG];
    char lab[RP_MAXG][160];
    const char *cats[RP_MAXG];
    rp_series s[RP_NLEVELS - 1];
    for (int L = 0; L < RP_NLEVELS - 1; L++) {
        for (size_t g = 0; g < c->ng; g++)
            v[L][g] = c->lvl[L] > 0 ? c->g_lvl[g][L] / c->lvl[L] : NAN;
        s[L] = (rp_series){p->lv_label[L], rp_level_color[L], v[L]};
    }
    for (size_t g = 0; g < c->ng; g++) {
        group_label(p, c->gkey[g], lab[g], sizeof lab[g]);
        cats[g] = lab[g];
    }
    rp_fig_open(p, "fig-groups-level", "Share of documents using each instrument group, by issuer level");
    rp_svg_hbars(h, cats, c->ng, s, RP_NLEVELS - 1, 1, "share of the level's documents (%)");
    rp_fig_close(p, "A document counts once per group however many of the group's instruments it names.");
    double gy[RP_MAXG][RP_MAXY];
    rp_series sy[RP_MAXG];
    for (size_t g = 0; g < c->ng; g++) {
        for (size_t i = 0; i < ny; i++) {
            double t = 0;
            for (int L = 0; L < RP_NLEVELS; L++)
                t += c->docs[i][L];
            gy[g][i] = t > 0 ? c->g_year[g][i] / t : NAN;
        }
        sy[g] = (rp_series){lab[g], rp_palette[g % 8], gy[g]};
    }
    rp_fig_open(p, "fig-groups-year", "Share of documents using each instrument group, per year");
    rp_svg_lines(h, yx, ny, sy, c->ng, "year of the document", "share of the year's documents (%)");
    rp_fig_close(p, NULL);
    pm_buf_append_str(h, "</section>\n");
}

static void heat_table(rp_page *p, const corpus *c, int L)
{
    pm_buf *h = p->h;
    pm_buf_append_str(h, "<table class=\"heat\"><thead><tr><th rowspan=\"2\">instrument group</th>"
                         "<th rowspan=\"2\">docs</th>");
    for (size_t g = 0; g < 3; g++) {
        size_t n = 0;
        for (size_t k = 0; k < c->nt; k++)
            n += strcmp(c->tcat[k]->group, TARGET_GROUPS[g]) == 0;
        if (n)
            rp_printf(h, "<th colspan=\"%zu\">%s</th>", n,
                      g == 0 ? "industry stage 产业阶段" : g == 1 ? "firm type 企业类型" : "strategic goal 战略目标");
    }
    pm_buf_append_str(h, "</tr><tr>");
    for (size_t k = 0; k < c->nt; k++) {
        pm_buf_append_str(h, "<th class=\"rot\">");
        rp_esc(h, c->tcat[k]->en[0] ? c->tcat[k]->en : c->tcat[k]->key);
        pm_buf_append_str(h, "<br/>");
        rp_esc(h, c->tcat[k]->zh);
        pm_buf_append_str(h, "</th>");
    }
    pm_buf_append_str(h, "</tr></thead><tbody>\n");
    for (size_t g = 0; g < c->ng; g++) {
        char lab[160];
        group_label(p, c->gkey[g], lab, sizeof lab);
        pm_buf_append_str(h, "<tr><th>");
        rp_esc(h, lab);
        rp_printf(h, "</th><td class=\"n\">%.0f</td>", c->cfg_den[L][g]);
        for (size_t k = 0; k < c->nt; k++) {
            double den = c->cfg_den[L][g], sh = den > 0 ? c->cfg[L][g][k] / den : 0;
            char bg[8];
            const char *fg;
            rp_heat_color(sh, bg, &fg);
            if (den > 0)
                rp_printf(h, "<td style=\"background:%s;color:%s\" title=\"%.0f of %.0f\">%.0f%%</td>",
                          bg, fg, c->cfg[L][g][k], den, 100 * sh);
            else
                pm_buf_append_str(h, "<td class=\"na\">–</td>");
        }
        pm_buf_append_str(h, "</tr>\n");
    }
    pm_buf_append_str(h, "</tbody></table>\n");
}

static void section3(rp_page *p, const corpus *c)
{
    pm_buf *h = p->h;
    pm_buf_append_str(h, "<section id=\"s3\"><h2>3. Policy configurator 政策组合</h2>\n"
                         "<p class=\"lead\">Which tools governments pick for which industry stage, "
                         "firm type and strategic goal. A cell is the share of the documents using "
                         "the instrument group (row) that also name the target (column, from "
                         "<code>targeting.dict</code>); darker = more often.</p>\n");
    if (!c->nt || !c->ng) {
        pm_buf_append_str(h, "<p class=\"missing\">No targeting categories (categories.tsv has no "
                             "targeting stage / firm_type / goal groups).</p></section>\n");
        return;
    }
    rp_fig_open(p, "fig-configurator", "Instrument group × stage × firm type × goal, all levels");
    heat_table(p, c, RP_NLEVELS);
    rp_fig_close(p, NULL);
    for (int L = 0; L < RP_NLEVELS - 1; L++) {
        char id[32], cap[96];
        snprintf(id, sizeof id, "fig-configurator-%s", p->lv_key[L]);
        snprintf(cap, sizeof cap, "The same, %s governments", p->lv_label[L]);
        rp_fig_open(p, id, cap);
        heat_table(p, c, L);
        rp_fig_close(p, NULL);
    }
    pm_buf_append_str(h, "</section>\n");
}

static void section4(rp_page *p, const corpus *c, const char **yx, size_t ny)
{
    pm_buf *h = p->h;
    double sup = 0, anyc = 0;
    for (int L = 0; L < RP_NLEVELS; L++)
        sup += c->sup_lvl[L], anyc += c->c_lvl[c->nc][L];
    char a[32];
    rp_pct(a, sizeof a, anyc, sup);
    rp_printf(h, "<section id=\"s4\"><h2>4. Conditionality 支持条件</h2>\n<p class=\"lead\">"
                 "Support documents = documents with at least one fiscal_financial instrument "
                 "(%.0f). <b>%s</b> of them tie support to a condition: KPIs or performance "
                 "targets, time limits / sunset clauses, exit reviews, or clawback "
                 "(<code>targeting.dict</code>, group conditionality).</p>\n", sup, a);
    if (!c->nc) {
        pm_buf_append_str(h, "<p class=\"missing\">No conditionality categories in categories.tsv.</p></section>\n");
        return;
    }
    double v[RP_NLEVELS - 1][RP_MAXC + 1];
    char lab[RP_MAXC + 1][160];
    const char *cats[RP_MAXC + 1];
    rp_series s[RP_NLEVELS - 1];
    for (size_t k = 0; k <= c->nc; k++) {
        if (k < c->nc)
            rp_cat_label(p, "targeting", c->ccat[k]->key, lab[k], sizeof lab[k]);
        else
            snprintf(lab[k], sizeof lab[k], "any of these 任一条件");
        cats[k] = lab[k];
    }
    for (int L = 0; L < RP_NLEVELS - 1; L++) {
        for (size_t k = 0; k <= c->nc; k++)
            v[L][k] = c->sup_lvl[L] > 0 ? c->c_lvl[k][L] / c->sup_lvl[L] : NAN;
        s[L] = (rp_series){p->lv_label[L], rp_level_color[L], v[L]};
    }
    rp_fig_open(p, "fig-conditions-level", "Share of support documents with each condition, by issuer level");
    rp_svg_hbars(h, cats, c->nc + 1, s, RP_NLEVELS - 1, 1, "share of the level's support documents (%)");
    rp_fig_close(p, NULL);
    double vy[RP_MAXC + 1][RP_MAXY];
    rp_series sy[RP_MAXC + 1];
    for (size_t k = 0; k <= c->nc; k++) {
        for (size_t i = 0; i < ny; i++)
            vy[k][i] = c->sup_year[i] > 0 ? c->c_year[k][i] / c->sup_year[i] : NAN;
        sy[k] = (rp_series){lab[k], k == c->nc ? "#000000" : rp_palette[k % 8], vy[k]};
    }
    rp_fig_open(p, "fig-conditions-year", "Share of support documents with a condition, per year");
    rp_svg_lines(h, yx, ny, sy, c->nc + 1, "year of the document", "share of the year's support documents (%)");
    rp_fig_close(p, "Years without support documents are gaps.");
    pm_buf_append_str(h, "</section>\n");
}

pm_status rp_sections_corpus(rp_page *p, pm_errctx *err)
{
    corpus *c = calloc(1, sizeof *c);
    if (!c)
        return pm_errctx_set(err, PM_ERR_NOMEM, p->dir, "report");
    pm_status st = scan(p, c, err);
    if (st) {
        free(c);
        return st;
    }
    size_t ny = c->ymax >= c->ymin && c->ymax > 0 ? (size_t)(c->ymax - c->ymin + 1) : 0;
    char yl[RP_MAXY][8];
    const char *yx[RP_MAXY];
    for (size_t i = 0; i < ny; i++) {
        snprintf(yl[i], sizeof yl[i], "%d", c->ymin + (int)i);
        yx[i] = yl[i];
    }
    section1(p, c, yl, yx, ny);
    section2(p, c, yx, ny);
    section3(p, c);
    section4(p, c, yx, ny);
    free(c);
    return PM_OK;
}
