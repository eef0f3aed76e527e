/* diffusion/adopt.c - first adoptions per (cascade, region) and the tables derived from
 * them: adoptions.tsv, nodes.tsv, experiments.tsv, diffusion_summary.tsv, edges.tsv,
 * policies.tsv.
 *
 * Cascades are numbered: named experiments, then instrument x sector pairs, then the
 * discovered policies (issue 14: one per distinct candidate name, in the bounded table of
 * discover.c; written in name order, and only those adopted by min_adopters regions).
 *
 * Adoptions live in a vector indexed by an open-addressing map of (cascade, region)
 * keys; an adoption is replaced only by a strictly earlier (date, doc_id), so the result
 * does not depend on the order documents arrive in. Everything here runs in the
 * committing thread; nothing reads document text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diffusion_internal.h"
#include "policyminer/buf.h"
#include "policyminer/diffusion.h"
#include "policyminer/hash.h"
#include "policyminer/hmap.h"
#include "policyminer/sinks.h"
#include "policyminer/utf8.h"

typedef struct adoption {
    uint32_t cascade;
    uint32_t region;
    uint32_t province;
    int32_t date;
    uint32_t id_off;
    uint16_t id_len;
    uint8_t level;
} adoption;

typedef struct cite {
    uint32_t issuer, cited;
    int32_t date;
} cite;

struct pm_adopt {
    const pm_dictset *d;
    const pm_gazetteer *g;
    pm_diffusion_options o;
    size_t exp_dim, instr_dim, sector_dim; /* (size_t)-1 when absent */
    size_t n_exp, n_instr, n_sector;
    adoption *v;
    size_t n, cap;
    pm_hmap *map;   /* (cascade << 32 | region) -> index into v */
    pm_buf ids;     /* doc id arena */
    uint8_t adj[100][100]; /* land borders by two-digit province prefix */
    cite *cites;    /* explicit learning: a region's document cites another's experience */
    size_t ncites, cites_cap;
    /* discovered policies (issue 14) */
    size_t base;           /* first discovered cascade = n_exp + n_instr * n_sector */
    pm_pname_table *names;
    int32_t *name_exp;     /* per name: the experiment it joins, -1 none */
    size_t name_exp_cap;
    uint64_t joined;
    /* text reuse (analysis/reuse.c): unordered pairs of document-id hashes, min first */
    uint64_t (*reuse)[2];
    size_t nreuse, reuse_cap;
};

#define NONE ((size_t)-1)

void pm_diffusion_options_default(pm_diffusion_options *o)
{
    o->generic_policies = 1;
    o->window_years = 5;
    o->netinf_edges = -1;
    o->netinf_model = 0; /* PM_NETINF_EXPONENTIAL */
    o->netinf_alpha = 1.0;
    o->eha_panel = 0;
    o->officials = NULL;
    o->officials_seed = 1;
    o->officials_permutations = 100;
    o->discover = 1;
    o->min_adopters = 3;
    o->max_policy_names = (size_t)1 << 20;
}

double pm_decimal_year(int32_t ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (m == 0)
        return y + 0.5;
    static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int doy = cum[m - 1] + d - 1 + (leap && m > 2);
    return y + (double)doy / (leap ? 366.0 : 365.0);
}

pm_status pm_adopt_create(pm_adopt **out, const pm_dictset *d, const pm_gazetteer *g,
                          const pm_diffusion_options *o)
{
    *out = NULL;
    pm_adopt *a = calloc(1, sizeof *a);
    if (!a)
        return PM_ERR_NOMEM;
    a->d = d;
    a->g = g;
    if (o)
        a->o = *o;
    else
        pm_diffusion_options_default(&a->o);
    a->exp_dim = pm_dictset_dim_find(d, "experiment");
    a->instr_dim = pm_dictset_dim_find(d, "instrument");
    a->sector_dim = pm_dictset_dim_find(d, "sector");
    a->n_exp = a->exp_dim == NONE ? 0 : pm_dictset_ncats(d, a->exp_dim);
    a->n_instr = a->instr_dim == NONE ? 0 : pm_dictset_ncats(d, a->instr_dim);
    a->n_sector = a->sector_dim == NONE ? 0 : pm_dictset_ncats(d, a->sector_dim);
    if (!a->o.generic_policies)
        a->n_instr = a->n_sector = 0;
    pm_buf_init(&a->ids, (size_t)1 << 32);
    if (pm_hmap_create(&a->map, 0, UINT32_MAX) != PM_OK) {
        pm_adopt_free(a);
        return PM_ERR_NOMEM;
    }
    a->base = a->n_exp + a->n_instr * a->n_sector;
    if (a->o.discover) {
        pm_status st = pm_pname_table_create(&a->names, a->o.max_policy_names);
        if (st != PM_OK) {
            pm_adopt_free(a);
            return st;
        }
    }
    *out = a;
    return PM_OK;
}

void pm_adopt_free(pm_adopt *a)
{
    if (!a)
        return;
    free(a->v);
    pm_hmap_free(a->map);
    free(a->cites);
    pm_pname_table_free(a->names);
    free(a->name_exp);
    free(a->reuse);
    pm_buf_free(&a->ids);
    free(a);
}

static int id_cmp(const pm_adopt *a, const adoption *x, const char *id, size_t len)
{
    size_t m = x->id_len < len ? x->id_len : len;
    int c = memcmp(a->ids.data + x->id_off, id, m);
    if (c)
        return c;
    return (x->id_len > len) - (x->id_len < len);
}

static pm_status offer(pm_adopt *a, uint32_t cascade, uint32_t region, uint32_t province,
                       int32_t date, pm_level level, const char *id, size_t idlen)
{
    /* room first, so the map never holds an index past the end of v */
    pm_status st = pm_array_reserve(&a->v, &a->cap, a->n + 1, sizeof *a->v, 1024, UINT32_MAX);
    int added = 0;
    uint64_t *slot = st == PM_OK ? pm_hmap_put(a->map, (uint64_t)cascade << 32 | region, &added, &st)
                                 : NULL;
    if (!slot)
        return st;
    adoption *x;
    if (!added) {
        x = &a->v[*slot];
        if (x->date < date || (x->date == date && id_cmp(a, x, id, idlen) <= 0))
            return PM_OK; /* the existing adoption is earlier */
    } else {
        *slot = a->n;
        x = &a->v[a->n++];
        x->cascade = cascade;
        x->region = region;
    }
    if (idlen > 255) /* kept to 255 bytes, cut on a UTF-8 character boundary */
        idlen = pm_utf8_floor(id, idlen, 255);
    if ((st = pm_buf_append(&a->ids, id, idlen)) != PM_OK)
        return st;
    x->province = province;
    x->date = date;
    x->level = (uint8_t)level;
    x->id_off = (uint32_t)(a->ids.len - idlen);
    x->id_len = (uint16_t)idlen;
    return PM_OK;
}

/* The cascade of a candidate name: the named experiment whose label_zh it contains (it
 * joins it), else its own discovered cascade; UINT32_MAX when the name table is full. */
static pm_status name_cascade(pm_adopt *a, const char *name, size_t len, uint32_t *cascade)
{
    uint32_t idx;
    *cascade = UINT32_MAX;
    size_t before = pm_pname_table_count(a->names);
    pm_status st = pm_pname_table_intern(a->names, name, len, &idx);
    if (st != PM_OK || idx == UINT32_MAX)
        return st;
    if (idx >= before) { /* a new name: does a named experiment cover it? */
        st = pm_array_reserve(&a->name_exp, &a->name_exp_cap, (size_t)idx + 1,
                              sizeof *a->name_exp, 1024, UINT32_MAX);
        if (st != PM_OK)
            return st;
        a->name_exp[idx] = -1;
        for (size_t e = 0; e < a->n_exp; e++) {
            const char *lab = pm_dictset_cat_label(a->d, a->exp_dim, e, "zh");
            if (lab && *lab && strstr(name, lab)) {
                a->name_exp[idx] = (int32_t)e;
                break;
            }
        }
    }
    if (a->name_exp[idx] >= 0) {
        a->joined++;
        *cascade = (uint32_t)a->name_exp[idx];
    } else
        *cascade = (uint32_t)(a->base + idx);
    return PM_OK;
}

pm_status pm_adopt_add(pm_adopt *a, const char *doc_id, int32_t date, pm_level level,
                       uint32_t region_code, uint32_t province_code, const pm_catset *cats,
                       const pm_pnames *pn)
{
    if (!date || !region_code)
        return PM_OK;
    size_t idlen = strlen(doc_id);
    pm_status st = PM_OK;
    for (unsigned k = 0; a->names && pn && st == PM_OK && k < pn->n; k++) {
        uint32_t c;
        st = name_cascade(a, pn->v[k].s, pn->v[k].len, &c);
        if (st == PM_OK && c != UINT32_MAX)
            st = offer(a, c, region_code, province_code, date, level, doc_id, idlen);
    }
    if (a->exp_dim != NONE)
        for (size_t c = 0; st == PM_OK && c < a->n_exp; c++)
            if (pm_catset_has(&cats[a->exp_dim], (unsigned)c))
                st = offer(a, (uint32_t)c, region_code, province_code, date, level, doc_id, idlen);
    if (!a->n_instr || !a->n_sector)
        return st;
    for (size_t i = 0; st == PM_OK && i < a->n_instr; i++) {
        if (!pm_catset_has(&cats[a->instr_dim], (unsigned)i))
            continue;
        for (size_t s = 0; st == PM_OK && s < a->n_sector; s++)
            if (pm_catset_has(&cats[a->sector_dim], (unsigned)s))
                st = offer(a, (uint32_t)(a->n_exp + i * a->n_sector + s), region_code,
                           province_code, date, level, doc_id, idlen);
    }
    return st;
}

pm_status pm_adopt_cite(pm_adopt *a, uint32_t issuer, uint32_t cited, int32_t date)
{
    if (!issuer || !cited || issuer == cited || !date)
        return PM_OK;
    pm_status st = pm_array_reserve(&a->cites, &a->cites_cap, a->ncites + 1, sizeof *a->cites,
                                    256, UINT32_MAX);
    if (st != PM_OK)
        return st;
    a->cites[a->ncites++] = (cite){issuer, cited, date};
    return PM_OK;
}

/* ---- text reuse as edge evidence ---------------------------------------------------- */

static void reuse_key(const char *x, size_t nx, const char *y, size_t ny, uint64_t k[2])
{
    uint64_t hx = pm_fnv1a64(x, nx), hy = pm_fnv1a64(y, ny);
    k[0] = hx < hy ? hx : hy;
    k[1] = hx < hy ? hy : hx;
}

pm_status pm_adopt_reuse(pm_adopt *a, const char *id_a, size_t len_a, const char *id_b,
                         size_t len_b)
{
    pm_status st = pm_array_reserve(&a->reuse, &a->reuse_cap, a->nreuse + 1, sizeof *a->reuse,
                                    256, UINT32_MAX);
    if (st != PM_OK)
        return st;
    reuse_key(id_a, len_a, id_b, len_b, a->reuse[a->nreuse++]);
    return PM_OK;
}

static int cmp_reuse(const void *p, const void *q)
{
    const uint64_t *x = p, *y = q;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* 1 when the two adopting documents form a verified reuse pair (a->reuse sorted). */
static int reused(const pm_adopt *a, uint64_t (*sorted)[2], const adoption *x,
                  const adoption *y)
{
    if (!sorted)
        return 0;
    uint64_t k[2];
    reuse_key(a->ids.data + x->id_off, x->id_len, a->ids.data + y->id_off, y->id_len, k);
    return bsearch(k, sorted, a->nreuse, sizeof *sorted, cmp_reuse) != NULL;
}

static int cmp_cite(const void *p, const void *q)
{
    const cite *x = p, *y = q;
    if (x->issuer != y->issuer)
        return x->issuer < y->issuer ? -1 : 1;
    if (x->cited != y->cited)
        return x->cited < y->cited ? -1 : 1;
    return (x->date > y->date) - (x->date < y->date);
}

/* 1 when a document of `issuer` cited `cited`'s experience on or before `date` (cs sorted). */
static int cited_before(const cite *cs, size_t n, uint32_t issuer, uint32_t cited, int32_t date)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first entry >= (issuer, cited) */
        size_t mid = (lo + hi) / 2;
        if (cs[mid].issuer < issuer || (cs[mid].issuer == issuer && cs[mid].cited < cited))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && cs[lo].issuer == issuer && cs[lo].cited == cited && cs[lo].date <= date;
}

pm_status pm_adopt_merge(pm_adopt *a, const pm_adopt *from)
{
    for (size_t i = 0; i < from->ncites; i++) {
        pm_status st = pm_adopt_cite(a, from->cites[i].issuer, from->cites[i].cited,
                                     from->cites[i].date);
        if (st != PM_OK)
            return st;
    }
    for (size_t i = 0; i < from->n; i++) {
        const adoption *x = &from->v[i];
        uint32_t c = x->cascade;
        if (c >= from->base) { /* a discovered name: its index in this table */
            size_t len;
            const char *nm = pm_pname_table_name(from->names, (uint32_t)(c - from->base), &len);
            pm_status st = a->names ? name_cascade(a, nm, len, &c) : PM_OK;
            if (st != PM_OK)
                return st;
            if (!a->names || c == UINT32_MAX)
                continue;
        }
        pm_status st = offer(a, c, x->region, x->province, x->date,
                             (pm_level)x->level, from->ids.data + x->id_off, x->id_len);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

/* ---- writing ------------------------------------------------------------------------ */

static int cmp_adoption(const void *p, const void *q, void *ctx)
{
    const pm_adopt *a = ctx;
    const adoption *x = p, *y = q;
    if (x->cascade != y->cascade)
        return x->cascade < y->cascade ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    int c = id_cmp(a, x, a->ids.data + y->id_off, y->id_len);
    if (c)
        return c;
    return (x->region > y->region) - (x->region < y->region);
}

/* Discovered cascades are written in name order: order[rank] = name index. */
static int cmp_names(const void *p, const void *q, void *ctx)
{
    const pm_pname_table *t = ctx;
    size_t lx, ly;
    const char *x = pm_pname_table_name(t, *(const uint32_t *)p, &lx);
    const char *y = pm_pname_table_name(t, *(const uint32_t *)q, &ly);
    return strcmp(x, y);
}

static const char *disc_name(const pm_adopt *a, const uint32_t *order, uint32_t c)
{
    size_t len;
    return pm_pname_table_name(a->names, order[c - a->base], &len);
}

static void cascade_name(const pm_adopt *a, const uint32_t *order, uint32_t c, char *out,
                         size_t n)
{
    if (c >= a->base) { /* a stable id: the same name has the same id in every corpus */
        const char *nm = disc_name(a, order, c);
        snprintf(out, n, "disc_%012llx",
                 (unsigned long long)(pm_pname_hash(nm, strlen(nm)) >> 16));
        return;
    }
    if (c < a->n_exp) {
        snprintf(out, n, "%s", pm_dictset_cat_key(a->d, a->exp_dim, c));
        return;
    }
    size_t k = c - a->n_exp;
    snprintf(out, n, "%s+%s", pm_dictset_cat_key(a->d, a->instr_dim, k / a->n_sector),
             pm_dictset_cat_key(a->d, a->sector_dim, k % a->n_sector));
}

static const char *region_name(const pm_adopt *a, uint32_t code, int32_t date)
{
    if (code == PM_CODE_CENTRAL)
        return "全国";
    const pm_division *dv = pm_gaz_find(a->g, code, date / 10000);
    if (!dv)
        dv = pm_gaz_find(a->g, code, 0);
    return dv ? dv->name : "";
}

/* One format per date column (a column's type must not change between corpora): yyyy-mm-dd,
 * or empty when the day is not known (a year from a document number or a
 * bare <date>2015</date>); the
 * precision goes to its own column (date_precision) and the year stays in event_time. */
static void format_date(int32_t ymd, char *out, size_t n)
{
    if (ymd % 100)
        snprintf(out, n, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
    else
        snprintf(out, n, "%s", "");
}

static const char *date_precision(int32_t ymd)
{
    return !ymd ? "" : ymd % 100 ? "day" : ymd % 10000 ? "month" : "year";
}

/* A share or mean; empty (missing) when undefined, as R, Stata and pandas expect. */
static pm_status num(pm_buf *b, const char *pre, double v, const char *post)
{
    pm_status st = pm_buf_append_str(b, pre);
    if (st == PM_OK && !isnan(v))
        st = pm_buf_printf(b, "%.4f", v);
    if (st == PM_OK)
        st = pm_buf_append_str(b, post);
    return st;
}

static pm_status flush(pm_outfile *f, pm_buf *b, int force, pm_errctx *err)
{
    if (!force && b->len < (1u << 20))
        return PM_OK;
    pm_status st = pm_outfile_write(f, b->data, b->len, err);
    pm_buf_reset(b);
    return st;
}

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

pm_status pm_adopt_load_adjacency(pm_adopt *a, const char *path, pm_errctx *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return pm_errctx_set(err, PM_ERR_OPEN, path, "cannot open province adjacency");
    char line[256];
    unsigned ln = 0;
    pm_status st = PM_OK;
    memset(a->adj, 0, sizeof a->adj);
    while (st == PM_OK && fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || line[0] == '\n' || strncmp(line, "province_code", 13) == 0)
            continue;
        unsigned p1, p2;
        if (sscanf(line, "%u\t%u", &p1, &p2) != 2 || p1 % 10000 || p2 % 10000 ||
            p1 >= 1000000 || p2 >= 1000000) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: expected two province codes", ln);
            if (err)
                err->line = ln;
            break;
        }
        a->adj[p1 / 10000][p2 / 10000] = 1;
    }
    fclose(f);
    for (int i = 0; st == PM_OK && i < 100; i++)
        for (int j = 0; j < 100; j++)
            if (a->adj[i][j] != a->adj[j][i]) {
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                                   "not symmetric: %02d0000 -> %02d0000 has no reverse", i, j);
                break;
            }
    return st;
}

int pm_adopt_neighbours(const pm_adopt *a, uint32_t p1, uint32_t p2)
{
    if (!p1 || !p2 || p1 >= 1000000 || p2 >= 1000000)
        return 0;
    return a->adj[p1 / 10000][p2 / 10000];
}

const char *pm_adopt_relation(const pm_adopt *a, pm_level level1, uint32_t province1,
                              pm_level level2, uint32_t province2)
{
    if (level2 && level1 && level2 < level1)
        return "up";
    if (level2 && level1 && level2 > level1)
        return "down";
    if (province1 && province1 == province2)
        return "same_province";
    if (a && pm_adopt_neighbours(a, province1, province2))
        return "neighbouring_province";
    return "other";
}

static const char *relation(const pm_adopt *a, const adoption *x, const adoption *y)
{
    return pm_adopt_relation(a, (pm_level)x->level, x->province, (pm_level)y->level, y->province);
}

/* Per-kind accumulators for diffusion_summary.tsv. */
typedef struct kindsum {
    uint64_t cascades, by_level[PM_LEVEL_COUNT], never_copied, copied, adopters3_sum;
    uint64_t local_origin, central_later, province_later;
    uint64_t below_min; /* discovered names adopted by fewer than min_adopters regions */
} kindsum;

enum { KIND_EXPERIMENT = 0, KIND_POLICY = 1, KIND_DISCOVERED = 2, NKINDS = 3 };
static const char *const kind_key[NKINDS] = {"experiment", "policy", "discovered"};

void pm_adopt_discover_stats(const pm_adopt *a, pm_discover_stats *out)
{
    memset(out, 0, sizeof *out);
    out->names = pm_pname_table_count(a->names);
    out->names_dropped = pm_pname_table_dropped(a->names);
    out->joined = a->joined;
    size_t min = a->o.min_adopters > 0 ? (size_t)a->o.min_adopters : 1;
    /* cascades: names whose distinct regions reach the minimum (counted from the map) */
    size_t nn = out->names;
    uint32_t *cnt = nn ? calloc(nn, sizeof *cnt) : NULL;
    if (!cnt)
        return;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].cascade >= a->base)
            cnt[a->v[i].cascade - a->base]++;
    for (size_t i = 0; i < nn; i++)
        out->cascades += cnt[i] >= min;
    free(cnt);
}

#define TRY(x) do { if ((st = (x)) != PM_OK) goto done; } while (0)

static int cmp_u32(const void *p, const void *q)
{
    uint32_t x = *(const uint32_t *)p, y = *(const uint32_t *)q;
    return (x > y) - (x < y);
}

pm_status pm_adopt_write(const pm_adopt *a, const char *dir, pm_errctx *err)
{
    pm_status st = PM_OK;
    adoption *v = NULL;
    double *lags = NULL;
    cite *cites = NULL;
    uint64_t(*reuse)[2] = NULL;
    pm_adopt_row *rows = NULL;
    uint32_t *order = NULL, *rank = NULL, *used = NULL;
    char (*disc_ids)[24] = NULL;
    pm_outfile *fa = NULL, *fe = NULL, *fs = NULL, *fn = NULL, *fd = NULL, *fp = NULL;
    pm_buf b, be, bd, bp;
    pm_buf_init(&b, (size_t)1 << 30);
    pm_buf_init(&be, (size_t)1 << 30);
    pm_buf_init(&bd, (size_t)1 << 30);
    pm_buf_init(&bp, (size_t)1 << 30);
    const size_t min_adopters = a->o.min_adopters > 0 ? (size_t)a->o.min_adopters : 1;
    size_t nnames = pm_pname_table_count(a->names), ndisc = 0;

    v = malloc((a->n ? a->n : 1) * sizeof *v);
    lags = malloc((a->n ? a->n : 1) * sizeof *lags);
    if (!v || !lags) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    if (a->n)
        memcpy(v, a->v, a->n * sizeof *v);
    /* discovered cascades renumbered in name order, so the tables do not depend on the
     * order names were first met in */
    order = malloc((nnames ? nnames : 1) * sizeof *order);
    rank = malloc((nnames ? nnames : 1) * sizeof *rank);
    if (!order || !rank) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < nnames; k++)
        order[k] = (uint32_t)k;
    if (nnames)
        qsort_r(order, nnames, sizeof *order, cmp_names, a->names);
    for (size_t k = 0; k < nnames; k++)
        rank[order[k]] = (uint32_t)k;
    for (size_t k = 0; k < a->n; k++)
        if (v[k].cascade >= a->base)
            v[k].cascade = (uint32_t)(a->base + rank[v[k].cascade - a->base]);
    qsort_r(v, a->n, sizeof *v, cmp_adoption, (void *)a);
    if (a->ncites) { /* sorted copy: each (issuer, cited) pair's earliest citation first */
        cites = malloc(a->ncites * sizeof *cites);
        if (!cites) {
            st = PM_ERR_NOMEM;
            goto done;
        }
        memcpy(cites, a->cites, a->ncites * sizeof *cites);
        qsort(cites, a->ncites, sizeof *cites, cmp_cite);
    }
    if (a->nreuse) { /* sorted copy, looked up per edge */
        reuse = malloc(a->nreuse * sizeof *reuse);
        if (!reuse) {
            st = PM_ERR_NOMEM;
            goto done;
        }
        memcpy(reuse, a->reuse, a->nreuse * sizeof *reuse);
        qsort(reuse, a->nreuse, sizeof *reuse, cmp_reuse);
    }

    TRY(pm_outfile_open(&fa, dir, "adoptions.tsv", err));
    TRY(pm_outfile_open(&fe, dir, "experiments.tsv", err));
    TRY(pm_outfile_open(&fd, dir, "edges.tsv", err));
    TRY(pm_outfile_open(&fp, dir, "policies.tsv", err));
    TRY(pm_buf_append_str(&bp, "cascade_id\tname\tn_adopters\tpioneer_code\tpioneer_name\t"
                               "pioneer_level\tfirst_date\tfirst_date_precision\tprovince_bottom_up\texample_doc_1\t"
                               "example_doc_2\texample_doc_3\n"));
    TRY(pm_buf_append_str(&b, "cascade_id\tnode_name\tevent_time\tlevel\tprovince_code\tdoc_id\tdate\t"
                              "date_precision\n"));
    TRY(pm_buf_append_str(&be, "cascade_id\tkind\tpioneer_code\tpioneer_name\tpioneer_level\t"
                               "first_date\tfirst_date_precision\tn_adopters\tadopters_1y\tadopters_3y\tadopters_5y\t"
                               "median_lag_years\tshare_provinces\tcentral_adopted\t"
                               "central_date\tcentral_date_precision\tbottom_up\ttop_down\tprovince_bottom_up\tname\n"));
    TRY(pm_buf_append_str(&bd, "cascade_id\torigin_node\tdestination_node\tlag_years\t"
                               "relation\tevidence\n"));

    kindsum ks[NKINDS];
    memset(ks, 0, sizeof ks);
    int min_year = 0, max_year = 0;
    for (size_t i = 0; i < a->n;) {
        size_t j = i;
        while (j < a->n && v[j].cascade == v[i].cascade)
            j++;
        int kind = v[i].cascade < a->n_exp ? KIND_EXPERIMENT
                   : v[i].cascade < a->base ? KIND_POLICY
                                            : KIND_DISCOVERED;
        if (kind == KIND_DISCOVERED && j - i < min_adopters) { /* not a cascade */
            ks[kind].below_min++;
            i = j;
            continue;
        }
        ndisc += kind == KIND_DISCOVERED;
        char name[160];
        cascade_name(a, order, v[i].cascade, name, sizeof name);
        double t0 = pm_decimal_year(v[i].date);
        size_t n1 = 0, n3 = 0, n5 = 0, nl = 0;
        int central = 0;
        int32_t central_date = 0;
        uint64_t provs[2] = {0, 0}; /* bitset over province prefixes 11..65 */
        uint64_t local_provs[2] = {0, 0}; /* provinces where a city or county adopted */
        unsigned province_bu = 0; /* provinces adopting after one of their own localities */
        for (size_t k = i; k < j; k++) {
            const adoption *x = &v[k];
            double t = pm_decimal_year(x->date);
            int y = x->date / 10000;
            if (!min_year || y < min_year)
                min_year = y;
            if (y > max_year)
                max_year = y;
            char date[16];
            format_date(x->date, date, sizeof date);
            TRY(pm_buf_printf(&b, "%s\t%06u\t%.4f\t%s\t", name, (unsigned)x->region, t,
                              pm_level_key((pm_level)x->level)));
            if (x->province)
                TRY(pm_buf_printf(&b, "%06u", (unsigned)x->province));
            TRY(pm_buf_append_char(&b, '\t'));
            TRY(pm_tsv_field(&b, a->ids.data + x->id_off, x->id_len, 0));
            TRY(pm_buf_printf(&b, "\t%s\t%s\n", date, date_precision(x->date)));
            TRY(flush(fa, &b, 0, err));
            if (x->region == PM_CODE_CENTRAL && !central) {
                central = 1;
                central_date = x->date;
            }
            if (x->province) {
                unsigned p = x->province / 10000u;
                if (p < 128) {
                    provs[p >> 6] |= 1ull << (p & 63);
                    if (x->level == PM_LEVEL_PROVINCIAL)
                        province_bu += (unsigned)(local_provs[p >> 6] >> (p & 63) & 1u);
                    else if (x->level > PM_LEVEL_PROVINCIAL)
                        local_provs[p >> 6] |= 1ull << (p & 63);
                }
            }
            if (k > i) {
                double lag = t - t0;
                lags[nl++] = lag;
                n1 += lag <= 1.0;
                n3 += lag <= 3.0;
                n5 += lag <= 5.0;
            }
            /* edges: every earlier adopter within the window, named experiments only
             * (generic policies would be quadratic in thousands of regions) */
            if (kind != KIND_POLICY)
                for (size_t e = i; e < k; e++) {
                    double lag = t - pm_decimal_year(v[e].date);
                    if (lag <= 0 || lag > a->o.window_years)
                        continue;
                    int ev = cites && cited_before(cites, a->ncites, x->region, v[e].region,
                                                   x->date);
                    int tr = reused(a, reuse, &v[e], x); /* text reuse evidence */
                    TRY(pm_buf_printf(&bd, "%s\t%06u\t%06u\t%.4f\t%s\t%s\n", name,
                                      (unsigned)v[e].region, (unsigned)x->region, lag,
                                      relation(a, &v[e], x),
                                      ev && tr ? "citation+text_reuse"
                                      : tr     ? "text_reuse"
                                      : ev     ? "citation"
                                               : "none"));
                    TRY(flush(fd, &bd, 0, err));
                }
        }
        const adoption *p = &v[i];
        int nprov = __builtin_popcountll(provs[0]) + __builtin_popcountll(provs[1]);
        int bottom_up = central && p->region != PM_CODE_CENTRAL;
        int top_down = p->region == PM_CODE_CENTRAL;
        double med = median(lags, nl);
        char first[16];
        format_date(p->date, first, sizeof first);
        TRY(pm_buf_printf(&be, "%s\t%s\t%06u\t", name, kind_key[kind], (unsigned)p->region));
        const char *rn = region_name(a, p->region, p->date);
        TRY(pm_tsv_field(&be, rn, strlen(rn), 0));
        TRY(pm_buf_printf(&be, "\t%s\t%s\t%s\t%zu\t%zu\t%zu\t%zu\t", pm_level_key((pm_level)p->level),
                          first, date_precision(p->date), j - i, n1, n3, n5));
        if (nl)
            TRY(pm_buf_printf(&be, "%.4f", med));
        TRY(pm_buf_printf(&be, "\t%.4f\t%d\t", nprov / 31.0, central));
        if (central) {
            char cd[16];
            format_date(central_date, cd, sizeof cd);
            TRY(pm_buf_append_str(&be, cd));
        }
        TRY(pm_buf_printf(&be, "\t%s\t%d\t%d\t%u\t", central ? date_precision(central_date) : "",
                          bottom_up, top_down, province_bu));
        const char *label = kind == KIND_EXPERIMENT
                                ? pm_dictset_cat_label(a->d, a->exp_dim, v[i].cascade, "zh")
                            : kind == KIND_DISCOVERED ? disc_name(a, order, v[i].cascade)
                                                      : "";
        if (!label)
            label = "";
        TRY(pm_tsv_field(&be, label, strlen(label), 0));
        TRY(pm_buf_append_char(&be, '\n'));
        TRY(flush(fe, &be, 0, err));
        if (kind == KIND_DISCOVERED) { /* policies.tsv: the audit view of a discovered one */
            TRY(pm_buf_printf(&bp, "%s\t", name));
            TRY(pm_tsv_field(&bp, label, strlen(label), 0));
            TRY(pm_buf_printf(&bp, "\t%zu\t%06u\t", j - i, (unsigned)p->region));
            TRY(pm_tsv_field(&bp, rn, strlen(rn), 0));
            TRY(pm_buf_printf(&bp, "\t%s\t%s\t%s\t%u", pm_level_key((pm_level)p->level), first,
                              date_precision(p->date), province_bu));
            for (size_t k = i; k < i + 3; k++) {
                TRY(pm_buf_append_char(&bp, '\t'));
                if (k < j)
                    TRY(pm_tsv_field(&bp, a->ids.data + v[k].id_off, v[k].id_len, 0));
            }
            TRY(pm_buf_append_char(&bp, '\n'));
            TRY(flush(fp, &bp, 0, err));
        }

        kindsum *s = &ks[kind];
        s->cascades++;
        s->by_level[p->level < PM_LEVEL_COUNT ? p->level : 0]++;
        if (j - i == 1)
            s->never_copied++;
        else {
            s->copied++;
            s->adopters3_sum += n3;
        }
        if (p->region != PM_CODE_CENTRAL) {
            s->local_origin++;
            s->central_later += (uint64_t)central;
        }
        if (p->level > PM_LEVEL_PROVINCIAL)
            s->province_later += province_bu > 0;
        i = j;
    }
    TRY(flush(fa, &b, 1, err));
    TRY(flush(fp, &bp, 1, err));
    TRY(flush(fe, &be, 1, err));
    TRY(flush(fd, &bd, 1, err));

    /* diffusion_summary.tsv: the headline shares, per kind of cascade */
    TRY(pm_outfile_open(&fs, dir, "diffusion_summary.tsv", err));
    TRY(pm_buf_append_str(&b, "kind\tstatistic\tvalue\tn\n"));
    for (int k = 0; k < NKINDS; k++) {
        const kindsum *s = &ks[k];
        const char *kn = kind_key[k];
        double n = s->cascades ? (double)s->cascades : NAN;
        TRY(pm_buf_printf(&b, "%s\tcascades\t%llu\t%llu\n", kn, (unsigned long long)s->cascades,
                          (unsigned long long)s->cascades));
        for (int l = 1; l < PM_LEVEL_COUNT; l++) {
            TRY(pm_buf_printf(&b, "%s\tshare_origin_%s", kn, pm_level_key((pm_level)l)));
            TRY(num(&b, "\t", s->by_level[l] / n, ""));
            TRY(pm_buf_printf(&b, "\t%llu\n", (unsigned long long)s->by_level[l]));
        }
        TRY(pm_buf_printf(&b, "%s\tshare_never_copied", kn));
        TRY(num(&b, "\t", s->never_copied / n, ""));
        TRY(pm_buf_printf(&b, "\t%llu\n", (unsigned long long)s->never_copied));
        TRY(pm_buf_printf(&b, "%s\tmean_adopters_3y_if_copied", kn));
        TRY(num(&b, "\t", s->copied ? (double)s->adopters3_sum / (double)s->copied : NAN, ""));
        TRY(pm_buf_printf(&b, "\t%llu\n", (unsigned long long)s->copied));
        TRY(pm_buf_printf(&b, "%s\tshare_local_later_central", kn));
        TRY(num(&b, "\t", s->local_origin ? (double)s->central_later / (double)s->local_origin : NAN, ""));
        TRY(pm_buf_printf(&b, "\t%llu\n", (unsigned long long)s->central_later));
        /* bottom-up within a province: a city or county first, its province later */
        uint64_t local = s->by_level[PM_LEVEL_PREFECTURE] + s->by_level[PM_LEVEL_COUNTY];
        TRY(pm_buf_printf(&b, "%s\tshare_local_later_province", kn));
        TRY(num(&b, "\t", local ? (double)s->province_later / (double)local : NAN, ""));
        TRY(pm_buf_printf(&b, "\t%llu\n", (unsigned long long)s->province_later));
        if (k == KIND_DISCOVERED) { /* names that never reached min_adopters regions */
            uint64_t all = s->cascades + s->below_min;
            TRY(pm_buf_printf(&b, "%s\tshare_names_below_min_adopters", kn));
            TRY(num(&b, "\t", all ? (double)s->below_min / (double)all : NAN, ""));
            TRY(pm_buf_printf(&b, "\t%llu\n", (unsigned long long)s->below_min));
        }
    }
    TRY(flush(fs, &b, 1, err));

    /* nodes.tsv: every division in use at some point of the adoption period, and the centre;
     * and every division any table names, even one created after its adoption (a page
     * carrying a later name): no code in a table may lack its node */
    used = malloc((a->n ? 2 * a->n : 1) * sizeof *used);
    if (!used) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < a->n; i++) {
        used[2 * i] = v[i].region;
        used[2 * i + 1] = v[i].province;
    }
    qsort(used, 2 * a->n, sizeof *used, cmp_u32);
    TRY(pm_outfile_open(&fn, dir, "nodes.tsv", err));
    TRY(pm_buf_append_str(&b, "node_name\tname\tlevel\tprovince_code\tfirst_year\tlast_year\n"));
    TRY(pm_buf_printf(&b, "%06u\t全国\tcentral\t\t\t\n", PM_CODE_CENTRAL));
    uint32_t last_code = 0; /* a renamed division has several rows: one node per code */
    for (size_t i = 0; i < pm_gaz_count(a->g); i++) {
        const pm_division *dv = pm_gaz_at(a->g, i);
        if (dv->code == last_code)
            continue;
        int named = a->n && bsearch(&dv->code, used, 2 * a->n, sizeof *used, cmp_u32);
        if (!named && min_year &&
            ((dv->last_year && dv->last_year <= min_year) || dv->first_year > max_year))
            continue;
        if (!named && !min_year && dv->last_year)
            continue;
        last_code = dv->code;
        TRY(pm_buf_printf(&b, "%06u\t", (unsigned)dv->code));
        TRY(pm_tsv_field(&b, dv->name, strlen(dv->name), 0));
        TRY(pm_buf_printf(&b, "\t%s\t%06u\t%d\t", pm_level_key(dv->level),
                          (unsigned)dv->province_code, dv->first_year));
        if (dv->last_year)
            TRY(pm_buf_printf(&b, "%d", dv->last_year));
        TRY(pm_buf_append_char(&b, '\n'));
        TRY(flush(fn, &b, 0, err));
    }
    TRY(flush(fn, &b, 1, err));

    TRY(pm_outfile_commit_take(&fa, err));
    TRY(pm_outfile_commit_take(&fe, err));
    TRY(pm_outfile_commit_take(&fd, err));
    TRY(pm_outfile_commit_take(&fp, err));
    TRY(pm_outfile_commit_take(&fs, err));
    TRY(pm_outfile_commit_take(&fn, err));

    /* network.tsv, leaders.tsv, eha_panel.tsv: over the named experiments */
    rows = malloc((a->n ? a->n : 1) * sizeof *rows);
    if (!rows) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    size_t nrows = 0;
    for (size_t i = 0; i < a->n && v[i].cascade < a->n_exp; i++)
        rows[nrows++] = (pm_adopt_row){pm_dictset_cat_key(a->d, a->exp_dim, v[i].cascade),
                                       v[i].region, v[i].province, v[i].date,
                                       (pm_level)v[i].level};
    /* and over the discovered cascades, after them in the order of experiments.tsv */
    disc_ids = malloc((ndisc ? ndisc : 1) * sizeof *disc_ids);
    if (!disc_ids) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    size_t di = 0;
    for (size_t i = 0; i < a->n;) {
        size_t j = i;
        while (j < a->n && v[j].cascade == v[i].cascade)
            j++;
        if (v[i].cascade >= a->base && j - i >= min_adopters && di < ndisc) {
            cascade_name(a, order, v[i].cascade, disc_ids[di], sizeof disc_ids[di]);
            for (size_t k = i; k < j; k++)
                rows[nrows++] = (pm_adopt_row){disc_ids[di], v[k].region, v[k].province,
                                               v[k].date, (pm_level)v[k].level};
            di++;
        }
        i = j;
    }
    TRY(pm_diffusion_write_network(a, a->g, &a->o, rows, nrows, dir, err));
    if (a->o.officials)
        TRY(pm_diffusion_write_officials(&a->o, rows, nrows, dir, err));
done:
    free(rows);
    free(used);
    free(order);
    free(rank);
    free(disc_ids);
    pm_outfile_abort(fp);
    pm_buf_free(&bp);
    pm_outfile_abort(fa);
    pm_outfile_abort(fe);
    pm_outfile_abort(fd);
    pm_outfile_abort(fs);
    pm_outfile_abort(fn);
    pm_buf_free(&b);
    pm_buf_free(&be);
    pm_buf_free(&bd);
    free(v);
    free(lags);
    free(cites);
    free(reuse);
    if (st != PM_OK && err && err->code == PM_OK)
        pm_errctx_set(err, st, dir, "writing diffusion tables");
    return st;
}
