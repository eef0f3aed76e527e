/* report/report_tiles.c - where a region sits on the report's network map.
 *
 * The grid is the run's country pack's (manifest.json "country" "tiles": code, column,
 * row, label; China's is dictionaries/cn/tiles.tsv, its provincial units placed roughly by
 * geography, no map data). Without one, the provinces the tables name get a grid of their
 * own, in code order. A region goes to the tile of its province (leaders.tsv's
 * province_code, never digits of its code), or to its own tile (the centre, a province),
 * or to the "other" tile. Inside a tile the tile's own region sits at the centre and the
 * others on rings around it, in code order.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sinks/tables_internal.h"
#include "report_internal.h"

#define GRID_MAX_TILES 128
#define GRID_MAX_NODES 100000

typedef struct gtile {
    char code[24]; /* "" = the "other" tile */
    char label[64];
    int col, row;
    unsigned members; /* regions placed on it so far (ring slots) */
} gtile;

typedef struct gnode {
    char code[24], prov[24];
    int tile;      /* index into tiles */
    unsigned slot; /* 0 = the tile's centre, k >= 1 = k-th ring position */
} gnode;

struct rp_grid {
    gtile t[GRID_MAX_TILES];
    size_t nt;
    int other;
    int cols, rows;
    gnode *n;
    size_t nn;
};

static int cmp_node(const void *a, const void *b)
{
    return strcmp(((const gnode *)a)->code, ((const gnode *)b)->code);
}

static int find_tile(const rp_grid *g, const char *code)
{
    for (size_t i = 0; i < g->nt; i++)
        if (g->t[i].code[0] && strcmp(g->t[i].code, code) == 0)
            return (int)i;
    return -1;
}

static void add_tile(rp_grid *g, const char *code, const char *label, int col, int row)
{
    if (g->nt == GRID_MAX_TILES)
        return;
    gtile *t = &g->t[g->nt++];
    snprintf(t->code, sizeof t->code, "%s", code);
    snprintf(t->label, sizeof t->label, "%s", label);
    t->col = col;
    t->row = row;
    if (!code[0])
        g->other = (int)g->nt - 1;
    if (col + 1 > g->cols)
        g->cols = col + 1;
    if (row + 1 > g->rows)
        g->rows = row + 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

rp_grid *rp_grid_load(const rp_page *p)
{
    rp_grid *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->other = -1;
    /* the regions of leaders.tsv (every node of network.tsv is one) and their provinces */
    char path[4096];
    pm_tab *t = NULL;
    pm_errctx err;
    if (rp_path(p, "leaders", path, sizeof path) && pm_tab_open(&t, path, &err) == PM_OK) {
        long cc = pm_tab_col(t, "node_name"), cp = pm_tab_col(t, "province_code"),
             cn = pm_tab_col(t, "name");
        size_t cap = 0;
        int got = 0;
        while (cc >= 0 && g->nn < GRID_MAX_NODES && pm_tab_next(t, &got, &err) == PM_OK && got) {
            if (g->nn == cap) {
                size_t nc = cap ? cap * 2 : 256;
                gnode *nn = realloc(g->n, nc * sizeof *nn);
                if (!nn)
                    break;
                g->n = nn;
                cap = nc;
            }
            gnode *x = &g->n[g->nn++];
            memset(x, 0, sizeof *x);
            snprintf(x->code, sizeof x->code, "%s", pm_tab_get(t, cc));
            snprintf(x->prov, sizeof x->prov, "%s", cp >= 0 ? pm_tab_get(t, cp) : "");
            (void)cn;
        }
        pm_tab_close(t);
    }
    if (g->nn)
        qsort(g->n, g->nn, sizeof *g->n, cmp_node);
    /* the pack's grid */
    snprintf(path, sizeof path, "%s/manifest.json", p->dir);
    json_error_t je;
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    json_t *a = json_object_get(json_object_get(m, "country"), "tiles");
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++) {
        json_t *e = json_array_get(a, i);
        const char *code = json_string_value(json_array_get(e, 0));
        const char *lab = json_string_value(json_array_get(e, 3));
        json_int_t col = json_integer_value(json_array_get(e, 1));
        json_int_t row = json_integer_value(json_array_get(e, 2));
        if (code && lab && col >= 0 && col < 64 && row >= 0 && row < 64)
            add_tile(g, code, lab, (int)col, (int)row);
    }
    json_decref(m);
    if (!g->nt) {
        /* no grid in the pack: the provinces named, in code order, 8 to a row, after the
         * regions with no province (the centre) and before the "other" tile */
        char **pv = malloc((g->nn ? g->nn : 1) * sizeof *pv);
        size_t np = 0;
        for (size_t i = 0; pv && i < g->nn; i++)
            pv[np++] = g->n[i].prov[0] ? g->n[i].prov : g->n[i].code;
        if (pv && np)
            qsort(pv, np, sizeof *pv, cmp_str);
        int k = 0;
        for (size_t i = 0; pv && i < np && k < 63; i++)
            if (!i || strcmp(pv[i], pv[i - 1]) != 0) {
                add_tile(g, pv[i], pv[i], k % 8, k / 8);
                k++;
            }
        free(pv);
    }
    if (g->other < 0)
        add_tile(g, "", "other", g->nt ? 0 : 0, g->rows);
    /* each region's tile and ring slot, in code order */
    for (size_t i = 0; i < g->nn; i++) {
        gnode *x = &g->n[i];
        int own = find_tile(g, x->code);
        int tp = x->prov[0] ? find_tile(g, x->prov) : -1;
        x->tile = own >= 0 ? own : tp >= 0 ? tp : g->other;
        x->slot = own >= 0 || x->tile == g->other ? 0 : ++g->t[x->tile].members;
    }
    if (g->cols < 1)
        g->cols = 1;
    return g;
}

void rp_grid_free(rp_grid *g)
{
    if (!g)
        return;
    free(g->n);
    free(g);
}

size_t rp_grid_tiles(const rp_grid *g) { return g ? g->nt : 0; }
int rp_grid_cols(const rp_grid *g) { return g ? g->cols : 1; }
int rp_grid_rows(const rp_grid *g) { return g ? g->rows : 1; }

static void tile_centre(const rp_grid *g, int k, double tile, double *x, double *y,
                        const char **label)
{
    const gtile *t = &g->t[k];
    *x = 10 + tile * ((double)t->col + 0.5);
    *y = 10 + tile * ((double)t->row + 0.5);
    *label = t->label;
}

void rp_grid_tile(const rp_grid *g, size_t i, double tile, double *x, double *y,
                  const char **label)
{
    tile_centre(g, (int)i, tile, x, y, label);
}

void rp_grid_place(const rp_grid *g, const char *code, double tile, double *x, double *y,
                   const char **label)
{
    gnode key;
    snprintf(key.code, sizeof key.code, "%s", code);
    const gnode *n = g->nn ? bsearch(&key, g->n, g->nn, sizeof *g->n, cmp_node) : NULL;
    int k = n ? n->tile : find_tile(g, code) >= 0 ? find_tile(g, code) : g->other;
    tile_centre(g, k, tile, x, y, label);
    if (!n || n->slot == 0)
        return;
    static const double ring[8][2] = {{0, -1}, {0.71, -0.71}, {1, 0}, {0.71, 0.71},
                                      {0, 1}, {-0.71, 0.71}, {-1, 0}, {-0.71, -0.71}};
    unsigned s = (n->slot - 1) % 8, lap = (n->slot - 1) / 8;
    double r = tile * (0.27 - 0.08 * (double)(lap % 3)); /* later laps nearer the centre */
    *x += ring[s][0] * r;
    *y += ring[s][1] * r + 4;
}
