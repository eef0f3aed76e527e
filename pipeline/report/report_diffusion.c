/* report/report_diffusion.c - sections 5 and 6 of the report: how policies spread.
 *
 * Section 5 reads experiments.tsv (cascades, direction), diffusion_summary.tsv (origin
 * levels) and adoptions.tsv (adoption S-curves, cascade strips, follower lags). Section 6
 * reads network.tsv (NetInf edges drawn on a region tile grid, the gain-by-edge elbow),
 * leaders.tsv, and reuse_edges.tsv / reuse_pairs.tsv when another stage wrote them.
 * A missing table is said in the page, never an error. The tile grid is the country
 * pack's (report_tiles.c: from manifest.json, regions placed by their province in
 * leaders.tsv); regions it does not know go to one "other" tile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sinks/tables_internal.h"
#include "report_internal.h"

#define MAX_CASCADES 100000
#define MAX_ADOPT 2000000
#define TOP_EXPERIMENTS 6
#define TOP_POLICIES 3
#define DRAW_EDGES 40

typedef struct cascade {
    char id[96], kind[16], pioneer[96], first_date[16];
    int plevel;
    long n;
    double median_lag;
    int bottom_up, top_down, shown;
    double t0; /* earliest event time */
} cascade;

typedef struct adopt {
    size_t c;    /* cascade index */
    double t;
    int level;
} adopt;

static int cmp_cascade_id(const void *a, const void *b)
{
    return strcmp(((const cascade *)a)->id, ((const cascade *)b)->id);
}

static long find_cascade(cascade *cs, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        int r = strcmp(cs[m].id, id);
        if (!r)
            return (long)m;
        if (r < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return -1;
}

static int cmp_adopt(const void *a, const void *b)
{
    const adopt *x = a, *y = b;
    if (x->c != y->c)
        return x->c < y->c ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->level - y->level;
}

static void missing(pm_buf *h, const char *what)
{
    pm_buf_append_str(h, "<p class=\"missing\">");
    rp_esc(h, what);
    pm_buf_append_str(h, "</p>\n");
}

/* One cascade: S-curve (cumulative adopters) above a strip of adopters by date. */
static void cascade_panel(rp_page *p, const cascade *c, const adopt *a, size_t n, size_t idx)
{
    pm_buf *h = p->h;
    char id[48], cap[256];
    snprintf(id, sizeof id, "fig-cascade-%zu", idx + 1);
    snprintf(cap, sizeof cap, "%s (%s): %ld adopters, pioneer %s", c->id, c->kind, c->n, c->pioneer);
    rp_fig_open(p, id, cap);
    double t0 = a[0].t, t1 = a[n - 1].t;
    double lo = floor(t0), hi = ceil(t1 + 1e-9);
    if (hi - lo < 2)
        hi = lo + 2;
    const double w = 360, hh = 200, ml = 44, mr = 10, mt = 10, ph = 110, sy = 150;
    double pw = w - ml - mr;
    double ymax, ystep;
    rp_nice((double)n, &ymax, &ystep);
    rp_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
                 "height=\"%.0f\" role=\"img\" aria-label=\"adoption curve\">", w, hh, w, hh);
    for (double t = 0; t <= ymax + 1e-9; t += ystep) {
        double y = mt + ph - ph * t / ymax;
        rp_printf(h, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                     "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>",
                  ml, y, ml + pw, y, ml - 4, y + 4, t);
    }
    double span = hi - lo, step = span > 20 ? 5 : span > 8 ? 2 : 1;
    for (double yv = lo; yv <= hi + 1e-9; yv += step) {
        double x = ml + pw * (yv - lo) / span;
        rp_printf(h, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                     "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>",
                  x, mt, x, sy + 8, x, sy + 22, yv);
    }
    pm_buf_append_str(h, "<path class=\"curve\" d=\"");
    for (size_t i = 0; i < n; i++) {
        double x = ml + pw * (a[i].t - lo) / span;
        double yprev = mt + ph - ph * (double)i / ymax, y = mt + ph - ph * (double)(i + 1) / ymax;
        rp_printf(h, "%s%.1f %.1f L%.1f %.1f ", i ? "L" : "M", x, yprev, x, y);
    }
    rp_printf(h, "L%.1f %.1f\"/>", ml + pw * (t1 - lo) / span + 4, mt + ph - ph * (double)n / ymax);
    for (size_t i = 0; i < n; i++) {
        double x = ml + pw * (a[i].t - lo) / span, y = mt + ph - ph * (double)(i + 1) / ymax;
        rp_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>"
                     "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" fill-opacity=\"0.75\">"
                     "<title>%.2f %s</title></circle>",
                  x, y, rp_level_color[a[i].level], x, sy, rp_level_color[a[i].level], a[i].t,
                  p->lv_key[a[i].level]);
    }
    rp_printf(h, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", ml,
              sy + 8, ml + pw, sy + 8);
    rp_printf(h, "<text class=\"atitle\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">adoption date (year)</text>"
                 "<text class=\"atitle\" transform=\"translate(11,%.1f) rotate(-90)\" text-anchor=\"middle\">adopters (cumulative)</text>"
                 "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">strip</text></svg>\n",
              ml + pw / 2, hh - 4, mt + ph / 2, ml - 4, sy + 4);
    rp_fig_close(p, NULL);
}

static pm_status section5(rp_page *p, cascade *cs, size_t nc, pm_errctx *err)
{
    pm_buf *h = p->h;
    pm_buf_append_str(h, "<section id=\"s5\"><h2>5. Diffusion 政策扩散</h2>\n");
    if (!nc) {
        missing(h, "experiments.tsv is absent or has no cascade: nothing spread in this corpus.");
        pm_buf_append_str(h, "</section>\n");
        return PM_OK;
    }
    /* direction per kind */
    const char *kinds[2] = {"experiment", "policy"};
    pm_buf_append_str(h, "<p class=\"lead\">A cascade is a named experiment of "
                         "<code>experiments.dict</code> or a discovered instrument × sector policy; "
                         "a region adopts it with its first document naming it.</p>\n"
                         "<table class=\"data\"><thead><tr><th>kind</th><th>cascades</th>"
                         "<th>bottom-up (local pioneer, centre later)</th><th>top-down (centre first)</th>"
                         "<th>never reached the centre</th><th>median of median follower lags (years)</th></tr></thead><tbody>\n");
    for (int k = 0; k < 2; k++) {
        long n = 0, bu = 0, td = 0;
        double lags[1024];
        size_t nl = 0;
        for (size_t i = 0; i < nc; i++) {
            if (strcmp(cs[i].kind, kinds[k]) != 0)
                continue;
            n++, bu += cs[i].bottom_up, td += cs[i].top_down;
            if (!isnan(cs[i].median_lag) && nl < 1024)
                lags[nl++] = cs[i].median_lag;
        }
        for (size_t i = 1; i < nl; i++) /* insertion sort: small */
            for (size_t j = i; j > 0 && lags[j - 1] > lags[j]; j--) {
                double t = lags[j];
                lags[j] = lags[j - 1], lags[j - 1] = t;
            }
        char med[32] = "–";
        if (nl)
            snprintf(med, sizeof med, "%.2f", nl % 2 ? lags[nl / 2] : (lags[nl / 2 - 1] + lags[nl / 2]) / 2);
        rp_printf(h, "<tr><td>%s</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
                     "<td class=\"n\">%ld</td><td class=\"n\">%s</td></tr>\n",
                  kinds[k], n, bu, td, n - bu - td, med);
    }
    pm_buf_append_str(h, "</tbody></table>\n");
    /* origin levels from diffusion_summary.tsv */
    char path[4096];
    double share[2][RP_NLEVELS];
    for (int k = 0; k < 2; k++)
        for (int L = 0; L < RP_NLEVELS; L++)
            share[k][L] = NAN;
    pm_tab *t = NULL;
    if (rp_path(p, "diffusion_summary", path, sizeof path) && pm_tab_open(&t, path, err) == PM_OK) {
        long ck = pm_tab_col(t, "kind"), cst = pm_tab_col(t, "statistic"), cv = pm_tab_col(t, "value");
        int got;
        pm_status st;
        while (!(st = pm_tab_next(t, &got, err)) && got) {
            const char *s = pm_tab_get(t, cst);
            if (strncmp(s, "share_origin_", 13) != 0)
                continue;
            int k = strcmp(pm_tab_get(t, ck), "policy") == 0;
            share[k][rp_level_index(p, s + 13)] = atof(pm_tab_get(t, cv));
        }
        pm_tab_close(t);
        if (st)
            return st;
        const char *cats[RP_NLEVELS - 1];
        for (int L = 0; L < RP_NLEVELS - 1; L++)
            cats[L] = p->lv_label[L];
        rp_series s[2] = {{"named experiments", rp_palette[0], share[0]},
                          {"discovered policies", rp_palette[3], share[1]}};
        for (int k = 0; k < 2; k++)
            for (int L = 0; L < RP_NLEVELS; L++)
                if (isnan(share[k][L]))
                    share[k][L] = 0;
        rp_fig_open(p, "fig-origin-levels", "Level of the pioneer (first adopter), share of cascades");
        rp_svg_hbars(h, cats, RP_NLEVELS - 1, s, 2, 1, "share of cascades (%)");
        rp_fig_close(p, "From diffusion_summary.tsv (share_origin_<level>).");
    } else {
        missing(h, "diffusion_summary.tsv is absent.");
    }
    /* adoptions of the shown cascades and of every named experiment (for the lags) */
    adopt *ad = NULL;
    size_t na = 0, cap = 0;
    pm_status st = PM_OK;
    if (rp_path(p, "adoptions", path, sizeof path) && pm_tab_open(&t, path, err) == PM_OK) {
        long cc = pm_tab_col(t, "cascade_id"), ct = pm_tab_col(t, "event_time"), cl = pm_tab_col(t, "level");
        int got;
        while (!(st = pm_tab_next(t, &got, err)) && got) {
            long ci = find_cascade(cs, nc, pm_tab_get(t, cc));
            if (ci < 0 || (!cs[ci].shown && strcmp(cs[ci].kind, "experiment") != 0) || na >= MAX_ADOPT)
                continue;
            if (na == cap) {
                size_t ncap = cap ? cap * 2 : 1024;
                adopt *nv = realloc(ad, ncap * sizeof *nv);
                if (!nv) {
                    st = pm_errctx_set(err, PM_ERR_NOMEM, path, "adoptions");
                    break;
                }
                ad = nv, cap = ncap;
            }
            ad[na++] = (adopt){(size_t)ci, atof(pm_tab_get(t, ct)), rp_level_index(p, pm_tab_get(t, cl))};
        }
        pm_tab_close(t);
    } else {
        missing(h, "adoptions.tsv is absent: no adoption curves.");
    }
    if (st) {
        free(ad);
        return st;
    }
    if (na)
        qsort(ad, na, sizeof *ad, cmp_adopt);
    /* follower lags behind the pioneer, named experiments, 1-year bins */
    double bins[21] = {0};
    const char *binlab[21];
    char bl[21][12];
    for (size_t i = 0, j; i < na; i = j) {
        for (j = i; j < na && ad[j].c == ad[i].c; j++)
            if (j > i && strcmp(cs[ad[i].c].kind, "experiment") == 0) {
                int b = (int)floor(ad[j].t - ad[i].t);
                bins[b < 0 ? 0 : b > 20 ? 20 : b]++;
            }
    }
    for (int b = 0; b < 21; b++) {
        snprintf(bl[b], sizeof bl[b], b == 20 ? "20+" : "%d", b);
        binlab[b] = bl[b];
    }
    rp_series ls = {"followers", rp_palette[4], bins};
    rp_fig_open(p, "fig-lags", "Follower lags behind the pioneer, named experiments");
    rp_svg_stacked(h, binlab, 21, &ls, 1, "years after the first adoption (1-year bins)", "followers (count)");
    rp_fig_close(p, NULL);
    /* the panels, in the order the cascades were ranked */
    rp_series lev[RP_NLEVELS];
    for (int L = 0; L < RP_NLEVELS; L++)
        lev[L] = (rp_series){p->lv_label[L], rp_level_color[L], NULL};
    pm_buf_append_str(h, "<h3>Top cascades: adoption S-curve and cascade strip (adopters by date, coloured by level)</h3>\n");
    rp_legend(h, lev, RP_NLEVELS);
    pm_buf_append_str(h, "<div class=\"grid2\">");
    for (int rank = 1, shown = 0; rank <= TOP_EXPERIMENTS + TOP_POLICIES; rank++) {
        for (size_t i = 0; i < nc; i++) {
            if (cs[i].shown != rank)
                continue;
            size_t a0 = 0;
            while (a0 < na && ad[a0].c != i)
                a0++;
            size_t a1 = a0;
            while (a1 < na && ad[a1].c == i)
                a1++;
            if (a1 > a0)
                cascade_panel(p, &cs[i], ad + a0, a1 - a0, (size_t)shown++);
        }
    }
    pm_buf_append_str(h, "</div></section>\n");
    free(ad);
    return PM_OK;
}

/* ---- section 6 ---------------------------------------------------------------------- */

typedef struct nedge {
    char o[16], d[16], on[64], dn[64], rel[32];
    double gain;
    long volume;
} nedge;

static void network_map(rp_page *p, const nedge *e, size_t n)
{
    pm_buf *h = p->h;
    rp_grid *g = rp_grid_load(p);
    if (!g)
        return;
    const double tile = 74, w = tile * rp_grid_cols(g) + 20, hh = tile * rp_grid_rows(g) + 20;
    rp_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
                 "height=\"%.0f\" role=\"img\" aria-label=\"network\"><defs>", w, hh, w, hh);
    static const char *const rels[] = {"up", "down", "same_province", "neighbouring_province", "other"};
    static const char *const relc[] = {"#D55E00", "#0072B2", "#009E73", "#E69F00", "#666666"};
    for (int r = 0; r < 5; r++)
        rp_printf(h, "<marker id=\"ar%d\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" "
                     "markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" "
                     "fill=\"%s\"/></marker>", r, relc[r]);
    pm_buf_append_str(h, "</defs>");
    /* the tiles */
    for (size_t i = 0; i < rp_grid_tiles(g); i++) {
        double x, y;
        const char *lab;
        rp_grid_tile(g, i, tile, &x, &y, &lab);
        rp_printf(h, "<rect class=\"tile\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"4\"/>"
                     "<text class=\"tilelab\" x=\"%.1f\" y=\"%.1f\">",
                  x - tile / 2 + 2, y - tile / 2 + 2, tile - 4, tile - 4, x - tile / 2 + 5,
                  y - tile / 2 + 14);
        rp_esc(h, lab);
        pm_buf_append_str(h, "</text>");
    }
    for (size_t i = 0; i < n; i++) {
        double x0, y0, x1, y1;
        const char *l;
        rp_grid_place(g, e[i].o, tile, &x0, &y0, &l);
        rp_grid_place(g, e[i].d, tile, &x1, &y1, &l);
        int r = 4;
        for (int k = 0; k < 4; k++)
            if (strcmp(e[i].rel, rels[k]) == 0)
                r = k;
        double mx = (x0 + x1) / 2 - (y1 - y0) * 0.2, my = (y0 + y1) / 2 + (x1 - x0) * 0.2;
        double sw = 1.2 + (e[i].volume > 1 ? log((double)e[i].volume) : 0);
        rp_printf(h, "<path class=\"edge\" d=\"M%.1f %.1f Q%.1f %.1f %.1f %.1f\" stroke=\"%s\" "
                     "stroke-width=\"%.1f\" marker-end=\"url(#ar%d)\"><title>", x0, y0, mx, my, x1, y1,
                  relc[r], sw, r);
        rp_esc(h, e[i].on);
        pm_buf_append_str(h, " → ");
        rp_esc(h, e[i].dn);
        rp_printf(h, " (gain %.1f, %ld experiments, %s)</title></path>", e[i].gain, e[i].volume, e[i].rel);
    }
    for (size_t i = 0; i < 2 * n; i++) {
        const char *code = i % 2 ? e[i / 2].d : e[i / 2].o;
        double x, y;
        const char *l;
        rp_grid_place(g, code, tile, &x, &y, &l);
        rp_printf(h, "<circle class=\"node\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"><title>%s</title></circle>",
                  x, y, code);
    }
    pm_buf_append_str(h, "</svg>\n");
    rp_series leg[5];
    static const char *const reln[] = {"up the hierarchy", "down the hierarchy", "same province",
                                       "neighbouring province", "other"};
    for (int r = 0; r < 5; r++)
        leg[r] = (rp_series){reln[r], relc[r], NULL};
    rp_legend(h, leg, 5);
    rp_grid_free(g);
}

static pm_status section6(rp_page *p, pm_errctx *err)
{
    pm_buf *h = p->h;
    pm_buf_append_str(h, "<section id=\"s6\"><h2>6. Inferred network 扩散网络</h2>\n");
    char path[4096];
    pm_tab *t = NULL;
    pm_status st = PM_OK;
    nedge *e = NULL;
    size_t n = 0;
    if (rp_path(p, "network", path, sizeof path) && pm_tab_open(&t, path, err) == PM_OK) {
        e = calloc(1000, sizeof *e);
        if (!e) {
            pm_tab_close(t);
            return pm_errctx_set(err, PM_ERR_NOMEM, path, "network");
        }
        long co = pm_tab_col(t, "origin_node"), cd = pm_tab_col(t, "destination_node"),
             cg = pm_tab_col(t, "marginal_gain"), cv = pm_tab_col(t, "volume"),
             cr = pm_tab_col(t, "relation"), con = pm_tab_col(t, "origin_name"),
             cdn = pm_tab_col(t, "destination_name");
        int got;
        while (!(st = pm_tab_next(t, &got, err)) && got && n < 1000) {
            nedge *x = &e[n++];
            snprintf(x->o, sizeof x->o, "%s", pm_tab_get(t, co));
            snprintf(x->d, sizeof x->d, "%s", pm_tab_get(t, cd));
            snprintf(x->on, sizeof x->on, "%s", *pm_tab_get(t, con) ? pm_tab_get(t, con) : x->o);
            snprintf(x->dn, sizeof x->dn, "%s", *pm_tab_get(t, cdn) ? pm_tab_get(t, cdn) : x->d);
            snprintf(x->rel, sizeof x->rel, "%s", pm_tab_get(t, cr));
            x->gain = atof(pm_tab_get(t, cg));
            x->volume = atol(pm_tab_get(t, cv));
        }
        pm_tab_close(t);
    }
    if (st) {
        free(e);
        return st;
    }
    if (!n) {
        missing(h, "network.tsv is absent or empty: no region followed another in a named experiment.");
    } else {
        rp_printf(h, "<p class=\"lead\">NetInf (exponential model) selected %zu edges over the named "
                     "experiments; the map draws the first %d in greedy order. Provincial units are "
                     "tiles of the country pack's grid (China's placed roughly by geography); a "
                     "province's own government sits at its tile's centre and its other regions "
                     "on rings around it; the centre has its own tile. Width grows with the edge's volume (experiments it explains).</p>\n",
                  n, n < DRAW_EDGES ? (int)n : DRAW_EDGES);
        rp_fig_open(p, "fig-network", "Inferred diffusion network (top edges) on a region tile grid");
        network_map(p, e, n < DRAW_EDGES ? n : DRAW_EDGES);
        rp_fig_close(p, NULL);
        const char **x = calloc(n, sizeof *x);
        char (*xl)[24] = calloc(n, sizeof *xl);
        double *g = calloc(n, sizeof *g);
        if (!x || !xl || !g) {
            free(x), free(xl), free(g), free(e);
            return pm_errctx_set(err, PM_ERR_NOMEM, path, "network");
        }
        double top = 0;
        for (size_t i = 0; i < n; i++) {
            snprintf(xl[i], sizeof xl[i], "%zu", i + 1);
            x[i] = xl[i];
            top = e[i].gain > top ? e[i].gain : top;
        }
        for (size_t i = 0; i < n; i++)
            g[i] = top > 0 ? e[i].gain / top : 0;
        rp_series s = {"marginal gain (share of the first edge's)", rp_palette[1], g};
        rp_fig_open(p, "fig-elbow", "NetInf gain by edge (the elbow): where extra edges stop adding likelihood");
        rp_svg_lines(h, x, n, &s, 1, "edge, in greedy order", "marginal gain / first edge's gain (%)");
        char note[160];
        snprintf(note, sizeof note, "First edge's gain: %.2f log-likelihood units.", top);
        rp_fig_close(p, note);
        free(x), free(xl), free(g);
    }
    free(e);
    /* leaders */
    if (rp_path(p, "leaders", path, sizeof path) && pm_tab_open(&t, path, err) == PM_OK) {
        static const char *const cols[] = {"node_name", "name", "level", "experiments_adopted",
                                           "experiments_pioneered", "mean_adoption_rank",
                                           "out_degree", "in_degree"};
        long ci[8];
        for (int i = 0; i < 8; i++)
            ci[i] = pm_tab_col(t, cols[i]);
        rp_fig_open(p, "fig-leaders", "Leaders: regions that pioneer and are followed (leaders.tsv, first 20 rows by experiments pioneered)");
        /* read all, keep the 20 with most pioneered, then most adopted, then code */
        typedef struct lrow { char f[8][64]; long piv, adp; } lrow;
        lrow *rows = NULL;
        size_t nr = 0, cap = 0;
        int got;
        while (!(st = pm_tab_next(t, &got, err)) && got) {
            if (nr == cap) {
                size_t nc2 = cap ? cap * 2 : 64;
                lrow *nv = realloc(rows, nc2 * sizeof *nv);
                if (!nv) {
                    st = pm_errctx_set(err, PM_ERR_NOMEM, path, "leaders");
                    break;
                }
                rows = nv, cap = nc2;
            }
            for (int i = 0; i < 8; i++)
                snprintf(rows[nr].f[i], sizeof rows[nr].f[i], "%s", pm_tab_get(t, ci[i]));
            rows[nr].piv = atol(rows[nr].f[4]);
            rows[nr].adp = atol(rows[nr].f[3]);
            nr++;
        }
        pm_tab_close(t);
        pm_buf_append_str(h, "<table class=\"data\"><thead><tr><th>code</th><th>region</th><th>level</th>"
                             "<th>adopted</th><th>pioneered</th><th>mean adoption rank</th>"
                             "<th>out-degree</th><th>in-degree</th></tr></thead><tbody>\n");
        for (size_t k = 0; k < 20 && k < nr; k++) {
            size_t best = k;
            for (size_t j = k + 1; j < nr; j++) {
                const lrow *a = &rows[j], *b = &rows[best];
                if (a->piv > b->piv || (a->piv == b->piv && (a->adp > b->adp ||
                    (a->adp == b->adp && strcmp(a->f[0], b->f[0]) < 0))))
                    best = j;
            }
            lrow tmp = rows[k];
            rows[k] = rows[best], rows[best] = tmp;
            pm_buf_append_str(h, "<tr>");
            for (int i = 0; i < 8; i++) {
                pm_buf_append_str(h, i >= 3 ? "<td class=\"n\">" : "<td>");
                rp_esc(h, rows[k].f[i]);
                pm_buf_append_str(h, "</td>");
            }
            pm_buf_append_str(h, "</tr>\n");
        }
        pm_buf_append_str(h, "</tbody></table>\n");
        rp_fig_close(p, "Rank = 1 + regions that adopted strictly earlier; lower = more innovative.");
        free(rows);
        if (st)
            return st;
    } else {
        missing(h, "leaders.tsv is absent.");
    }
    /* text reuse, written by another stage when it ran */
    if (rp_path(p, "reuse_edges", path, sizeof path) && pm_tab_open(&t, path, err) == PM_OK) {
        size_t nc = pm_tab_ncols(t) < 8 ? pm_tab_ncols(t) : 8;
        rp_fig_open(p, "fig-reuse", "Text-reuse evidence: documents that copy text from another region's (reuse_edges.tsv, first 20 rows)");
        pm_buf_append_str(h, "<table class=\"data\"><thead><tr>");
        for (size_t i = 0; i < nc; i++) {
            pm_buf_append_str(h, "<th>");
            rp_esc(h, pm_tab_colname(t, i));
            pm_buf_append_str(h, "</th>");
        }
        pm_buf_append_str(h, "</tr></thead><tbody>\n");
        int got;
        unsigned long rows = 0;
        while (!(st = pm_tab_next(t, &got, err)) && got) {
            if (rows++ >= 20)
                continue;
            pm_buf_append_str(h, "<tr>");
            for (size_t i = 0; i < nc; i++) {
                pm_buf_append_str(h, "<td>");
                rp_esc(h, pm_tab_get(t, (long)i));
                pm_buf_append_str(h, "</td>");
            }
            pm_buf_append_str(h, "</tr>\n");
        }
        pm_tab_close(t);
        rp_printf(h, "</tbody></table><p class=\"note\">%lu reuse edges in all.</p>", rows);
        rp_fig_close(p, NULL);
        if (st)
            return st;
    } else {
        missing(h, "No text-reuse table (reuse_edges.tsv) in this output.");
    }
    pm_buf_append_str(h, "</section>\n");
    return PM_OK;
}

pm_status rp_sections_diffusion(rp_page *p, pm_errctx *err)
{
    char path[4096];
    cascade *cs = NULL;
    size_t nc = 0, cap = 0;
    pm_tab *t = NULL;
    pm_status st = PM_OK;
    if (rp_path(p, "experiments", path, sizeof path) && pm_tab_open(&t, path, err) == PM_OK) {
        long cid = pm_tab_col(t, "cascade_id"), ck = pm_tab_col(t, "kind"),
             cn = pm_tab_col(t, "n_adopters"), cpn = pm_tab_col(t, "pioneer_name"),
             cpl = pm_tab_col(t, "pioneer_level"), cfd = pm_tab_col(t, "first_date"),
             cml = pm_tab_col(t, "median_lag_years"), cbu = pm_tab_col(t, "bottom_up"),
             ctd = pm_tab_col(t, "top_down");
        int got;
        while (!(st = pm_tab_next(t, &got, err)) && got && nc < MAX_CASCADES) {
            if (nc == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                cascade *nv = realloc(cs, ncap * sizeof *nv);
                if (!nv) {
                    st = pm_errctx_set(err, PM_ERR_NOMEM, path, "experiments");
                    break;
                }
                cs = nv, cap = ncap;
            }
            cascade *c = &cs[nc++];
            memset(c, 0, sizeof *c);
            snprintf(c->id, sizeof c->id, "%s", pm_tab_get(t, cid));
            snprintf(c->kind, sizeof c->kind, "%s", pm_tab_get(t, ck));
            snprintf(c->pioneer, sizeof c->pioneer, "%s", pm_tab_get(t, cpn));
            snprintf(c->first_date, sizeof c->first_date, "%s", pm_tab_get(t, cfd));
            c->plevel = rp_level_index(p, pm_tab_get(t, cpl));
            c->n = atol(pm_tab_get(t, cn));
            c->median_lag = *pm_tab_get(t, cml) ? atof(pm_tab_get(t, cml)) : NAN;
            c->bottom_up = atoi(pm_tab_get(t, cbu)) == 1;
            c->top_down = atoi(pm_tab_get(t, ctd)) == 1;
        }
        pm_tab_close(t);
    }
    if (st) {
        free(cs);
        return st;
    }
    if (nc)
        qsort(cs, nc, sizeof *cs, cmp_cascade_id);
    /* rank: most adopters first, then id (the array is in id order, so ties keep it) */
    int rank = 0;
    for (int k = 0; k < 2; k++) {
        const char *kind = k ? "policy" : "experiment";
        int want = k ? TOP_POLICIES : TOP_EXPERIMENTS;
        for (int r = 0; r < want; r++) {
            long best = -1;
            for (size_t i = 0; i < nc; i++)
                if (!cs[i].shown && cs[i].n >= 2 && strcmp(cs[i].kind, kind) == 0 &&
                    (best < 0 || cs[i].n > cs[best].n))
                    best = (long)i;
            if (best < 0)
                break;
            cs[best].shown = ++rank;
        }
    }
    st = section5(p, cs, nc, err);
    free(cs);
    if (!st)
        st = section6(p, err);
    return st;
}
