/* report/report_internal.h - shared by the report's files: the page being written, the
 * category labels, the SVG chart helpers and the sections. */
#ifndef PM_REPORT_INTERNAL_H
#define PM_REPORT_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include "policyminer/buf.h"
#include "policyminer/status.h"

/* Issuer levels drawn: the pack's first four (manifest.json "country" "levels") and
 * "unknown" last. A pack with more levels folds the deeper ones into the last slot. */
#define RP_NLEVELS 5
extern const char *const rp_level_color[RP_NLEVELS];
extern const char *const rp_palette[8]; /* Okabe-Ito, colour-blind safe */

/* One category of categories.tsv. */
typedef struct rp_cat {
    char dim[48], key[48], group[48], zh[96], en[96];
} rp_cat;

typedef struct rp_page {
    pm_buf *h;        /* the HTML being written */
    const char *dir;  /* OUTDIR */
    rp_cat *cats;     /* categories.tsv (may be empty) */
    size_t ncats;
    int nfig;         /* figures written */
    /* level keys and labels from the manifest (rp_levels_load); "" for unused slots */
    const char *lv_key[RP_NLEVELS], *lv_label[RP_NLEVELS];
    char lv_store[RP_NLEVELS][2][96];
} rp_page;

/* Reads the level vocabulary of the run's pack from manifest.json; without one (an older
 * output), the level values of documents.tsv in order of first appearance. */
void rp_levels_load(rp_page *p);
int rp_level_index(const rp_page *p, const char *s); /* 0..4; unknown/other -> 4 */
/* Category lookup; NULL when unknown. */
const rp_cat *rp_cat_find(const rp_page *p, const char *dim, const char *key);
/* "English label (中文)" of a category, or the key itself. */
void rp_cat_label(const rp_page *p, const char *dim, const char *key, char *out, size_t n);
int rp_path(const rp_page *p, const char *table, char *out, size_t n); /* 1 if it exists */

/* ---- HTML / SVG writing --------------------------------------------------------------- */
void rp_esc(pm_buf *h, const char *s);           /* text and attribute escaping */
void rp_printf(pm_buf *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void rp_fig_open(rp_page *p, const char *id, const char *caption);
void rp_fig_close(rp_page *p, const char *note); /* note may be NULL */
void rp_pct(char *out, size_t n, double num, double den); /* "12.3%" or "–" */

typedef struct rp_series {
    const char *name;
    const char *color;
    const double *v; /* n values; NAN = missing */
} rp_series;

/* Stacked vertical bars over x labels (counts). */
void rp_svg_stacked(pm_buf *h, const char *const *x, size_t n, const rp_series *s, size_t ns,
                    const char *xlabel, const char *ylabel);
/* Lines over x labels; values are shares in [0,1], drawn as percent. */
void rp_svg_lines(pm_buf *h, const char *const *x, size_t n, const rp_series *s, size_t ns,
                  const char *xlabel, const char *ylabel);
/* Horizontal grouped bars: categories down, one bar per series; percent when pct. */
void rp_svg_hbars(pm_buf *h, const char *const *cats, size_t n, const rp_series *s, size_t ns,
                  int pct, const char *xlabel);
/* Legend swatches as HTML. */
void rp_legend(pm_buf *h, const rp_series *s, size_t ns);
/* Colour of a share on the heat-map scale (blues). */
void rp_heat_color(double share, char bg[8], const char **fg);
/* Nice axis maximum and tick step for max value v. */
void rp_nice(double v, double *max, double *step);

/* ---- the region tile grid (report_tiles.c) -------------------------------------------- */
typedef struct rp_grid rp_grid;
/* The pack's grid (manifest.json) and the regions of leaders.tsv; NULL only without memory. */
rp_grid *rp_grid_load(const rp_page *p);
void rp_grid_free(rp_grid *g); /* accepts NULL */
size_t rp_grid_tiles(const rp_grid *g);
int rp_grid_cols(const rp_grid *g);
int rp_grid_rows(const rp_grid *g);
/* Centre and label of tile i, for tiles of side `tile`. */
void rp_grid_tile(const rp_grid *g, size_t i, double tile, double *x, double *y,
                  const char **label);
/* Position of a region code on the grid, and its tile's label. */
void rp_grid_place(const rp_grid *g, const char *code, double tile, double *x, double *y,
                   const char **label);

/* ---- sections ------------------------------------------------------------------------- */
pm_status rp_sections_corpus(rp_page *p, pm_errctx *err);    /* 1-4: documents.tsv */
pm_status rp_sections_diffusion(rp_page *p, pm_errctx *err); /* 5-6 */
pm_status rp_section_run(rp_page *p, pm_errctx *err);        /* 7 */

#endif
