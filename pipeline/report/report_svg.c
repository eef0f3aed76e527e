/* report/report_svg.c - the report's drawing kit: escaping, figures, and a few inline
 * SVG charts (stacked bars, lines, grouped horizontal bars, a sequential heat scale).
 *
 * Charts are plain SVG elements styled by the page's CSS classes, with axis titles and
 * units, drawn in a colour-blind-safe palette (Okabe-Ito; one-hue blues for heat maps).
 * Coordinates are printed with one decimal so the bytes do not depend on float noise.
 * Nothing here reads tables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

const char *const rp_level_color[RP_NLEVELS] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                "#999999"};
const char *const rp_palette[8] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                   "#56B4E9", "#CC79A7", "#F0E442", "#000000"};

int rp_level_index(const rp_page *p, const char *s)
{
    for (int i = 0; i < RP_NLEVELS - 1; i++)
        if (*p->lv_key[i] && strcmp(s, p->lv_key[i]) == 0)
            return i;
    return RP_NLEVELS - 1;
}

void rp_esc(pm_buf *h, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': pm_buf_append_str(h, "&amp;"); break;
        case '<': pm_buf_append_str(h, "&lt;"); break;
        case '>': pm_buf_append_str(h, "&gt;"); break;
        case '"': pm_buf_append_str(h, "&quot;"); break;
        case '\'': pm_buf_append_str(h, "&#39;"); break;
        default:
            /* C0 controls are not allowed in XML */
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                pm_buf_append_char(h, *s);
        }
    }
}

void rp_printf(pm_buf *h, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        pm_buf_append(h, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void rp_fig_open(rp_page *p, const char *id, const char *caption)
{
    p->nfig++;
    rp_printf(p->h, "<figure id=\"%s\" class=\"fig\"><figcaption><b>Figure %d.</b> ", id, p->nfig);
    rp_esc(p->h, caption);
    pm_buf_append_str(p->h, "</figcaption>\n");
}

void rp_fig_close(rp_page *p, const char *note)
{
    if (note && *note) {
        pm_buf_append_str(p->h, "<p class=\"note\">");
        rp_esc(p->h, note);
        pm_buf_append_str(p->h, "</p>");
    }
    pm_buf_append_str(p->h, "</figure>\n");
}

void rp_pct(char *out, size_t n, double num, double den)
{
    if (den > 0)
        snprintf(out, n, "%.1f%%", 100.0 * num / den);
    else
        snprintf(out, n, "–");
}

void rp_nice(double v, double *max, double *step)
{
    if (!(v > 0))
        v = 1;
    double mag = pow(10, floor(log10(v)));
    double f = v / mag, s;
    if (f <= 1.0)
        s = 0.2;
    else if (f <= 2.0)
        s = 0.5;
    else if (f <= 5.0)
        s = 1.0;
    else
        s = 2.0;
    s *= mag;
    if (s < 1 && v >= 1)
        s = 1;
    *step = s;
    *max = ceil(v / s) * s;
}

void rp_legend(pm_buf *h, const rp_series *s, size_t ns)
{
    pm_buf_append_str(h, "<div class=\"legend\">");
    for (size_t i = 0; i < ns; i++) {
        rp_printf(h, "<span><i style=\"background:%s\"></i>", s[i].color);
        rp_esc(h, s[i].name);
        pm_buf_append_str(h, "</span>");
    }
    pm_buf_append_str(h, "</div>\n");
}

/* Plot area geometry shared by the vertical charts. */
#define W 760.0
#define H 300.0
#define ML 60.0
#define MR 16.0
#define MT 14.0
#define MB 52.0

static void axes(pm_buf *h, const char *const *x, size_t n, double ymax, double ystep, int pct,
                 const char *xlabel, const char *ylabel)
{
    double pw = W - ML - MR, ph = H - MT - MB;
    for (double t = 0; t <= ymax + 1e-9; t += ystep) {
        double y = MT + ph - ph * t / ymax;
        rp_printf(h, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                  ML, y, ML + pw, y);
        if (pct)
            rp_printf(h, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f%%</text>",
                      ML - 6, y + 4, t * 100);
        else
            rp_printf(h, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>",
                      ML - 6, y + 4, t);
    }
    size_t every = n > 16 ? (n + 15) / 16 : 1;
    for (size_t i = 0; i < n; i++) {
        if (i % every && i != n - 1)
            continue;
        double cx = ML + pw * ((double)i + 0.5) / (double)n;
        rp_printf(h, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", cx,
                  MT + ph + 16);
        rp_esc(h, x[i]);
        pm_buf_append_str(h, "</text>");
    }
    rp_printf(h, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", ML,
              MT + ph, ML + pw, MT + ph);
    rp_printf(h, "<text class=\"atitle\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", ML + pw / 2,
              H - 10);
    rp_esc(h, xlabel);
    rp_printf(h, "</text><text class=\"atitle\" transform=\"translate(14,%.1f) rotate(-90)\" "
                 "text-anchor=\"middle\">", MT + ph / 2);
    rp_esc(h, ylabel);
    pm_buf_append_str(h, "</text>");
}

static void svg_open(pm_buf *h, double w, double hh, const char *label)
{
    rp_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                 "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"", w, hh, w, hh);
    rp_esc(h, label);
    pm_buf_append_str(h, "\">");
}

void rp_svg_stacked(pm_buf *h, const char *const *x, size_t n, const rp_series *s, size_t ns,
                    const char *xlabel, const char *ylabel)
{
    double top = 0;
    for (size_t i = 0; i < n; i++) {
        double t = 0;
        for (size_t k = 0; k < ns; k++)
            t += isnan(s[k].v[i]) ? 0 : s[k].v[i];
        if (t > top)
            top = t;
    }
    double ymax, ystep;
    rp_nice(top, &ymax, &ystep);
    svg_open(h, W, H, ylabel);
    axes(h, x, n, ymax, ystep, 0, xlabel, ylabel);
    double pw = W - ML - MR, ph = H - MT - MB, bw = n ? pw / (double)n : pw;
    for (size_t i = 0; i < n; i++) {
        double acc = 0;
        for (size_t k = 0; k < ns; k++) {
            double v = isnan(s[k].v[i]) ? 0 : s[k].v[i];
            if (v <= 0)
                continue;
            double y0 = MT + ph - ph * (acc + v) / ymax, hh = ph * v / ymax;
            rp_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                         "<title>", ML + bw * (double)i + bw * 0.1, y0, bw * 0.8, hh, s[k].color);
            rp_esc(h, x[i]);
            rp_printf(h, " %s: %.0f</title></rect>", s[k].name, v);
            acc += v;
        }
    }
    pm_buf_append_str(h, "</svg>\n");
    rp_legend(h, s, ns);
}

void rp_svg_lines(pm_buf *h, const char *const *x, size_t n, const rp_series *s, size_t ns,
                  const char *xlabel, const char *ylabel)
{
    svg_open(h, W, H, ylabel);
    axes(h, x, n, 1.0, 0.2, 1, xlabel, ylabel);
    double pw = W - ML - MR, ph = H - MT - MB;
    static const char *const dash[] = {"", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", ""};
    for (size_t k = 0; k < ns; k++) {
        pm_buf_append_str(h, "<path fill=\"none\" stroke-width=\"2.2\" ");
        rp_printf(h, "stroke=\"%s\"", s[k].color);
        if (*dash[k % 8])
            rp_printf(h, " stroke-dasharray=\"%s\"", dash[k % 8]);
        pm_buf_append_str(h, " d=\"");
        int pen = 0;
        for (size_t i = 0; i < n; i++) {
            if (isnan(s[k].v[i])) {
                pen = 0;
                continue;
            }
            double cx = ML + pw * ((double)i + 0.5) / (double)n, cy = MT + ph - ph * s[k].v[i];
            rp_printf(h, "%s%.1f %.1f ", pen ? "L" : "M", cx, cy);
            pen = 1;
        }
        pm_buf_append_str(h, "\"/>");
        for (size_t i = 0; i < n; i++) {
            if (isnan(s[k].v[i]))
                continue;
            double cx = ML + pw * ((double)i + 0.5) / (double)n, cy = MT + ph - ph * s[k].v[i];
            rp_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"%s\"><title>", cx, cy,
                      s[k].color);
            rp_esc(h, x[i]);
            rp_printf(h, " %s: %.1f%%</title></circle>", s[k].name, 100 * s[k].v[i]);
        }
    }
    pm_buf_append_str(h, "</svg>\n");
    rp_legend(h, s, ns);
}

void rp_svg_hbars(pm_buf *h, const char *const *cats, size_t n, const rp_series *s, size_t ns,
                  int pct, const char *xlabel)
{
    double bh = 11, gap = 10, lw = 250, top = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ns; k++)
            if (!isnan(s[k].v[i]) && s[k].v[i] > top)
                top = s[k].v[i];
    double xmax, xstep;
    if (pct) {
        rp_nice(top > 0 ? top : 0.01, &xmax, &xstep);
        if (xmax > 1)
            xmax = 1, xstep = 0.2;
        if (xmax < 0.1) /* whole-percent ticks even when every share is tiny */
            xmax = 0.1, xstep = 0.02;
    } else {
        rp_nice(top, &xmax, &xstep);
    }
    double gh = bh * (double)ns + gap, hh = MT + gh * (double)n + 40, pw = W - lw - 50;
    svg_open(h, W, hh, xlabel);
    for (double t = 0; t <= xmax + 1e-9; t += xstep) {
        double cx = lw + pw * t / xmax;
        rp_printf(h, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cx,
                  MT, cx, MT + gh * (double)n);
        if (pct)
            rp_printf(h, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f%%</text>",
                      cx, MT + gh * (double)n + 14, t * 100);
        else
            rp_printf(h, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>",
                      cx, MT + gh * (double)n + 14, t);
    }
    for (size_t i = 0; i < n; i++) {
        double y = MT + gh * (double)i;
        rp_printf(h, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", lw - 8,
                  y + (bh * (double)ns) / 2 + 4);
        rp_esc(h, cats[i]);
        pm_buf_append_str(h, "</text>");
        for (size_t k = 0; k < ns; k++) {
            double v = isnan(s[k].v[i]) ? 0 : s[k].v[i];
            double w = pw * v / xmax;
            rp_printf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                      lw, y + bh * (double)k, w, bh - 1, s[k].color);
            rp_esc(h, cats[i]);
            if (pct)
                rp_printf(h, " %s: %.1f%%</title></rect>", s[k].name, 100 * v);
            else
                rp_printf(h, " %s: %g</title></rect>", s[k].name, v);
            if (ns == 1 || v > 0) {
                if (pct)
                    rp_printf(h, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\">%.0f%%</text>", lw + w + 3,
                              y + bh * (double)k + bh - 2, 100 * v);
                else
                    rp_printf(h, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\">%g</text>", lw + w + 3,
                              y + bh * (double)k + bh - 2, v);
            }
        }
    }
    rp_printf(h, "<text class=\"atitle\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", lw + pw / 2,
              hh - 8);
    rp_esc(h, xlabel);
    pm_buf_append_str(h, "</text></svg>\n");
    if (ns > 1)
        rp_legend(h, s, ns);
}

void rp_heat_color(double share, char bg[8], const char **fg)
{
    /* light to dark blue (one hue: readable for every colour vision) */
    static const int stops[5][3] = {{247, 251, 255}, {198, 219, 239}, {107, 174, 214},
                                    {33, 113, 181}, {8, 48, 107}};
    if (!(share > 0))
        share = 0;
    if (share > 1)
        share = 1;
    double t = share * 4;
    int i = (int)t;
    if (i >= 4)
        i = 3;
    double f = t - i;
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f);
    snprintf(bg, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
    *fg = share > 0.5 ? "#ffffff" : "#111111";
}
