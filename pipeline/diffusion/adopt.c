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
#include "policyminer/country.h"
#include "policyminer/diffusion.h"
#include "policyminer/hash.h"
#include "policyminer/hmap.h"
#include "policyminer/sinks.h"
#include "policyminer/utf8.h"
#include "policyminer/ymd.h"

typedef struct adoption {
    uint32_t cascade;
    uint32_t region;
    uint32_t province;
    int32_t date;
    uint32_t id_off;
    uint16_t id_len;
    uint8_t level;
    uint8_t fresh; /* added or replaced since the state was restored (segs.c) */
} adoption;


typedef struct cite {
    uint32_t issuer, cited;
    int32_t date;
} cite;

struct pm_adopt {
    const pm_dictset *d;
    const pm_country *c; /* regions, levels, code width, adjacency */
    pm_diffusion_options o;
    size_t exp_dim, instr_dim, sector_dim; /* (size_t)-1 when absent */
    size_t n_exp, n_instr, n_sector;
    adoption *v;
    size_t n, cap;
    pm_hmap *map;   /* (cascade << 32 | region) -> index into v */
    pm_buf ids;     /* doc id arena */
    cite *cites;    /* explicit learning: a region's document cites another's experience */
    size_t ncites, cites_cap;
    /* discovered policies (issue 14) */
    size_t base;           /* first discovered cascade = n_exp + n_instr * n_sector */
    pm_pname_table *names;
    int32_t *name_exp;     /* per name: the experiment it joins, -1 none */
    size_t name_exp_cap;
    uint64_t joined;
    uint64_t netinf_capped; /* set by pm_adopt_write: pairs the parent cap left out */
    /* text reuse (analysis/reuse.c): unordered pairs of document-id hashes, min first */
    uint64_t (*reuse)[2];
    size_t nreuse, reuse_cap;
    /* refresh segments (segs.c): with a state directory, where each cascade's rows went
     * (cur, saved with the state) and, restored, where they went last time (prev), with
     * what the last tables saw of citations and reuse pairs */
    char *state_dir;
    pm_seg_entry *prev, *cur;
    size_t nprev, ncur;
    uint64_t (*prev_reuse)[2], (*cur_reuse)[2]; /* sorted, distinct */
    size_t nprev_reuse, ncur_reuse;
    size_t ncites_prev;
    uint64_t prev_ctx, cur_ctx; /* rows_context of the last tables / of this write */
    int prev_ok;                /* the engine found the last tables as they were written */
    uint64_t seg_bytes[2]; /* this write: bytes copied, bytes derived (both tables) */
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

pm_status pm_adopt_create(pm_adopt **out, const pm_dictset *d, const pm_country *c,
                          const pm_diffusion_options *o)
{
    *out = NULL;
    pm_adopt *a = calloc(1, sizeof *a);
    if (!a)
        return PM_ERR_NOMEM;
    a->d = d;
    a->c = c;
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
    free(a->state_dir);
    free(a->prev);
    free(a->cur);
    free(a->prev_reuse);
    free(a->cur_reuse);
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
    x->fresh = 1;
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
    /* unknown is level 0, or a level whose region is not known; code 0 can be a region */
    if (!date || pm_country_record_region(a->c, level, region_code, (pm_ymd)date) == PM_REGION_NONE)
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

/* Sorts v[0..n) into cmp_adoption's order: a stable radix sort by (cascade, date) in
 * 16-bit digits, then each run of one cascade and date (rare: the same day) by the
 * comparator. The order is total (one adoption per cascade and region), so this is the
 * order qsort gives, at a fraction of the comparisons. PM_ERR_NOMEM leaves v unsorted. */
typedef struct rk { uint64_t k; size_t i; } rk;

/* Stable LSD radix sort of x[0..n) by the low `bits` bits of k, in 16-bit digits; y (n
 * entries) and cnt (65536) are scratch. Returns whichever of x and y holds the result. */
static rk *radix_rk(rk *x, rk *y, size_t n, int bits, size_t *cnt)
{
    for (int shift = 0; shift < bits; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[x[i].k >> shift & 0xffff]++;
        if (n && cnt[x[0].k >> shift & 0xffff] == n)
            continue; /* one digit value throughout: nothing moves */
        for (size_t d = 0, sum = 0; d < 65536; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            y[cnt[x[i].k >> shift & 0xffff]++] = x[i];
        rk *t = x;
        x = y;
        y = t;
    }
    return x;
}

static pm_status sort_adoptions(const pm_adopt *a, adoption *v, size_t n)
{
    rk *x = malloc((n ? n : 1) * sizeof *x), *y = malloc((n ? n : 1) * sizeof *y);
    adoption *w = malloc((n ? n : 1) * sizeof *w);
    size_t *cnt = malloc(65536 * sizeof *cnt);
    if (!x || !y || !w || !cnt) {
        free(x), free(y), free(w), free(cnt);
        return PM_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) /* dates compare as signed numbers */
        x[i] = (rk){(uint64_t)v[i].cascade << 32 | ((uint32_t)v[i].date ^ 0x80000000u), i};
    if (radix_rk(x, y, n, 64, cnt) != x) { /* keep the names: x sorted, y scratch */
        rk *t = x;
        x = y;
        y = t;
    }
    for (size_t i = 0; i < n; i++)
        w[i] = v[x[i].i];
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && x[j].k == x[i].k; j++)
            ;
        if (j - i > 1)
            qsort_r(w + i, j - i, sizeof *w, cmp_adoption, (void *)a);
    }
    memcpy(v, w, n * sizeof *w);
    free(x), free(y), free(w), free(cnt);
    return PM_OK;
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

static const char *region_name(const pm_adopt *a, unsigned level, uint32_t code, int32_t date)
{
    const pm_region *r =
        pm_country_region_at(a->c, pm_country_record_region(a->c, level, code, (pm_ymd)date));
    return r ? r->name : "";
}

/* %.4f of x exactly as printf rounds it, without printf for the usual values: printf for
 * a negative, huge or non-finite x and within 1e-6 of a rounding tie, where the binary
 * value decides (below 1e5 the product's error is under 1e-7). The writers below print
 * a few hundred thousand of these per corpus. */
/* x with 4 decimals into t (no NUL), as "%.4f" prints it; 0 when only printf can say
 * (out of range, or a tie printf rounds by its own rule). */
/* "00".."99": the writers print two digits at a time (dates, the decimals of a lag) */
static const char TWO[201] = "00010203040506070809101112131415161718192021222324"
                             "25262728293031323334353637383940414243444546474849"
                             "50515253545556575859606162636465666768697071727374"
                             "75767778798081828384858687888990919293949596979899";

static char *two(char *w, unsigned v) /* v < 100 */
{
    w[0] = TWO[2 * v];
    w[1] = TWO[2 * v + 1];
    return w + 2;
}

static size_t fix4(double x, char t[32])
{
    double y = x * 10000.0, fl = floor(y), fr = y - fl;
    if (!(x >= 0 && x < 1e5) || fabs(fr - 0.5) < 1e-6)
        return 0;
    uint64_t v = (uint64_t)fl + (fr > 0.5);
    size_t n = pm_u64_dec(t, v / 10000, 0); /* the integer part, the point, 4 decimals */
    t[n++] = '.';
    unsigned d = (unsigned)(v % 10000);
    two(two(t + n, d / 100), d % 100);
    return n + 4;
}

static pm_status put_fix4(pm_buf *b, double x)
{
    char t[32];
    size_t n = fix4(x, t);
    return n ? pm_buf_append(b, t, n) : pm_buf_printf(b, "%.4f", x);
}

/* A row of short fields: after one pm_buf_reserve(b, ROW_ROOM) for what a row's fixed
 * fields can hold, raw() copies without a call per field (tables of 10^5-10^6 rows);
 * raw_end() restores the buffer's NUL. */
#define ROW_ROOM (160 + 3 * PM_COUNTRY_CODE_BUF + 128)
static void raw(pm_buf *b, const char *s, size_t n)
{
    memcpy(b->data + b->len, s, n);
    b->len += n;
}
static void raw_tab(pm_buf *b, const char *s, size_t n)
{
    raw(b, s, n);
    b->data[b->len++] = '\t';
}
static void raw_end(pm_buf *b) { b->data[b->len] = '\0'; }

/* a record's code at the pack's width ("" when unknown) */
static const char *code_str(const pm_adopt *a, uint32_t code, char *buf, size_t cap)
{
    return pm_country_format_code(a->c, code, buf, cap);
}

/* One format per date column (a column's type must not change between corpora): yyyy-mm-dd,
 * or empty when the day is not known (a year from a document number or a
 * bare <date>2015</date>); the
 * precision goes to its own column (date_precision) and the year stays in event_time. */
static void format_date(int32_t ymd, char *out, size_t n)
{
    if (n < 11 || ymd < 10000101 || ymd > 99991231 || pm_ymd_precision(ymd) != PM_YMD_DAY) {
        pm_ymd_format(ymd, PM_YMD_DAY, out, n);
        return;
    }
    /* yyyy-mm-dd by hand, two digits at a time: adoptions.tsv prints one per row */
    unsigned y = (unsigned)(ymd / 10000), md = (unsigned)(ymd % 10000);
    char *w = two(two(out, y / 100), y % 100);
    *w++ = '-';
    w = two(w, md / 100);
    *w++ = '-';
    w = two(w, md % 100);
    *w = '\0';
}

static const char *date_precision(int32_t ymd)
{
    return pm_ymd_precision_word(ymd);
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
    size_t i = 1; /* lags come in date order, so usually sorted already */
    while (i < n && v[i - 1] <= v[i])
        i++;
    if (i < n)
        qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int pm_adopt_neighbours(const pm_adopt *a, uint32_t p1, uint32_t p2)
{
    return pm_country_region_neighbours(a->c, pm_country_region_find(a->c, p1, 0),
                                        pm_country_region_find(a->c, p2, 0));
}

/* The province a record names, as the pack's region index (PM_REGION_NONE: none); a
 * province exists from record level 2 down, when the record names one. Without the pack
 * a code 0 names none, and a named one gets index 0 (never compared as neighbours). */
static uint32_t province_at(const pm_adopt *a, pm_level level, uint32_t province)
{
    if (!a)
        return level >= PM_REC_PROVINCE && province ? 0 : PM_REGION_NONE;
    return pm_country_record_province_code(a->c, level, province);
}

/* pm_adopt_relation with both provinces' indices from province_at (pm_adopt_write looks
 * them up once per adoption, not once per edge). */
static const char *relation_at(const pm_adopt *a, pm_level level1, uint32_t province1,
                               uint32_t idx1, pm_level level2, uint32_t province2, uint32_t idx2)
{
    if (level2 && level1 && level2 < level1)
        return "up";
    if (level2 && level1 && level2 > level1)
        return "down";
    int has1 = idx1 != PM_REGION_NONE, has2 = idx2 != PM_REGION_NONE;
    if (has1 && has2 && province1 == province2)
        return "same_province";
    if (!has1 || !has2)
        return "other";
    /* the indices are canonical: pm_adopt_neighbours on the codes */
    if (a && pm_country_region_neighbours(a->c, idx1, idx2))
        return "neighbouring_province";
    return "other";
}

const char *pm_adopt_relation(const pm_adopt *a, pm_level level1, uint32_t province1,
                              pm_level level2, uint32_t province2)
{
    return relation_at(a, level1, province1, province_at(a, level1, province1), level2,
                       province2, province_at(a, level2, province2));
}

/* Pack lookups of pm_adopt_write, memoised: the same (level, code, date) recurs across
 * cascades (a region adopts many), and each lookup is a few binary searches. Direct-mapped,
 * exact (the whole key is compared). */
#define MEMO_SLOTS 4096
typedef struct memo {
    uint32_t code;
    int32_t date;
    uint8_t level, used;
    uint32_t val;
} memo;

/* A region's formatted code (pm_adopt_write's cache of code_str, direct-mapped, exact). */
typedef struct ccode {
    uint32_t code;
    uint8_t used;
    char s[PM_COUNTRY_CODE_BUF];
} ccode;

static memo *memo_slot(memo *m, unsigned level, uint32_t code, int32_t date, int *hit)
{
    uint64_t h = ((uint64_t)code << 32 ^ (uint32_t)date ^ (uint64_t)level << 27) *
                 0x9E3779B97F4A7C15ull;
    memo *e = &m[h >> 52]; /* 12 bits: MEMO_SLOTS */
    *hit = e->used && e->code == code && e->date == date && e->level == level;
    e->used = 1, e->code = code, e->date = date, e->level = (uint8_t)level;
    return e;
}

/* Per-kind accumulators for diffusion_summary.tsv. */
typedef struct kindsum {
    uint64_t cascades, by_level[PM_COUNTRY_MAX_LEVELS + 1], never_copied, copied, adopters3_sum;
    uint64_t local_origin, central_later, province_later;
    uint64_t below_min; /* discovered names adopted by fewer than min_adopters regions */
} kindsum;

enum { KIND_EXPERIMENT = 0, KIND_POLICY = 1, KIND_DISCOVERED = 2, NKINDS = 3 };

/* The end of the cascade run of v that starts at i (v is sorted by cascade), and its kind:
 * named experiments first, then the named policies, then the discovered ones. */
static size_t cascade_run(const pm_adopt *a, const adoption *v, size_t i, int *kind)
{
    size_t j = i;
    while (j < a->n && v[j].cascade == v[i].cascade)
        j++;
    *kind = v[i].cascade < a->n_exp ? KIND_EXPERIMENT
            : v[i].cascade < a->base ? KIND_POLICY
                                     : KIND_DISCOVERED;
    return j;
}
static const char *const kind_key[NKINDS] = {"experiment", "policy", "discovered"};

void pm_adopt_discover_stats(const pm_adopt *a, pm_discover_stats *out)
{
    memset(out, 0, sizeof *out);
    out->names = pm_pname_table_count(a->names);
    out->names_dropped = pm_pname_table_dropped(a->names);
    out->joined = a->joined;
    out->netinf_pairs_capped = a->netinf_capped;
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

void pm_adopt_use_tables(pm_adopt *a) { a->prev_ok = 1; }

pm_status pm_adopt_set_state(pm_adopt *a, const char *state_dir)
{
    free(a->state_dir);
    a->state_dir = state_dir ? strdup(state_dir) : NULL;
    return state_dir && !a->state_dir ? PM_ERR_NOMEM : PM_OK;
}

void pm_adopt_refresh_stats(const pm_adopt *a, uint64_t *copied, uint64_t *derived)
{
    *copied = a->seg_bytes[0];
    *derived = a->seg_bytes[1];
}

/* One cascade in the sorted adoptions (v[i..j)), and how a refresh writes its rows:
 * derived (GEN), copied whole from the last run's tables (COPY: nothing it derives from
 * changed), or merged (MERGE: the rows of unchanged adoptions and the edges of unchanged
 * destinations copied, the rest derived; see segs.c). prev: its last-run segments. */
enum { RUN_GEN = 0, RUN_COPY = 1, RUN_MERGE = 2 };
typedef struct crun {
    size_t i, j;
    int kind, mode;
    uint64_t key, digest;
    int64_t prev;
} crun;
/* per sorted adoption, in a MERGE run: its block of edges (as destination) / its edges as
 * origin must be derived (its row in adoptions.tsv is derived when it is fresh) */
enum { KF_BLOCK = 2, KF_ORIGIN = 4 };
/* a MERGE run keeps the fresh adoptions' codes in a list; past this many, GEN */
#define MERGE_MAX_FRESH 64

/* Everything besides a cascade's own adoptions that its rows in adoptions.tsv and
 * edges.tsv are derived from: the pack (codes, names, provinces, borders), the window,
 * the cascade threshold, and this layout. */
static uint64_t rows_context(const pm_adopt *a, size_t min_adopters)
{
    char s[256];
    int n = snprintf(s, sizeof s, "pm-segments 1|%s|%d|%zu", pm_country_checksum(a->c),
                     a->o.window_years, min_adopters);
    return pm_hash64(s, n > 0 && (size_t)n < sizeof s ? (size_t)n : 0, 0);
}

static int cmp_u64(const void *p, const void *q)
{
    uint64_t x = *(const uint64_t *)p, y = *(const uint64_t *)q;
    return (x > y) - (x < y);
}

/* The distinct pairs of sorted (with repeats) r[0..n) into *out. */
static pm_status distinct_pairs(uint64_t (*r)[2], size_t n, uint64_t (**out)[2], size_t *nout)
{
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out)
        return PM_ERR_NOMEM;
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (!m || cmp_reuse(r[k], (*out)[m - 1]) != 0)
            memcpy((*out)[m++], r[k], sizeof **out);
    *nout = m;
    return PM_OK;
}

/* What changed since the last tables, per adoption of the runs that may merge (kf): a
 * fresh adoption (added, or earlier than the restored one it replaced) gets its row,
 * its block of edges as destination and its edges as origin derived; an adopting
 * document whose text-reuse pairs came or went, its block and its edges as origin (the
 * evidence column); a destination that cited an adopter of the run since, its block. A
 * run with too many fresh adoptions is derived whole instead. */
static pm_status mark_changes(const pm_adopt *a, const adoption *v, const uint32_t *order,
                              crun *cr, size_t ncr, uint8_t *kf)
{
    pm_status st = PM_OK;
    cite *nc = NULL;
    uint64_t *dh = NULL; /* document-id hashes of the reuse pairs that came or went */
    size_t ndh = 0;
    size_t nnew = a->ncites > a->ncites_prev ? a->ncites - a->ncites_prev : 0;
    if (nnew) {
        if (!(nc = malloc(nnew * sizeof *nc)))
            return PM_ERR_NOMEM;
        memcpy(nc, a->cites + a->ncites_prev, nnew * sizeof *nc);
        qsort(nc, nnew, sizeof *nc, cmp_cite);
    }
    size_t p = 0, q = 0, np = a->ncur_reuse, nq = a->nprev_reuse;
    if (np + nq && !(dh = malloc(2 * (np + nq) * sizeof *dh))) {
        free(nc);
        return PM_ERR_NOMEM;
    }
    while (p < np || q < nq) {
        int c = p >= np ? 1 : q >= nq ? -1 : cmp_reuse(a->cur_reuse[p], a->prev_reuse[q]);
        if (c == 0) {
            p++, q++;
            continue;
        }
        const uint64_t *x = c < 0 ? a->cur_reuse[p++] : a->prev_reuse[q++];
        dh[ndh++] = x[0];
        dh[ndh++] = x[1];
    }
    if (ndh)
        qsort(dh, ndh, sizeof *dh, cmp_u64);
    for (size_t r = 0; r < ncr; r++) {
        crun *c = &cr[r];
        if (c->mode != RUN_MERGE)
            continue;
        size_t nfresh = 0;
        uint32_t cas = v[c->i].cascade; /* the map's number of it, before name order */
        if (cas >= a->base)
            cas = (uint32_t)(a->base + order[cas - a->base]);
        for (size_t k = c->i; k < c->j; k++) {
            const adoption *x = &v[k];
            if (x->fresh) {
                kf[k] |= KF_BLOCK | KF_ORIGIN;
                nfresh++;
            }
            if (ndh) {
                uint64_t h = pm_fnv1a64(a->ids.data + x->id_off, x->id_len);
                if (bsearch(&h, dh, ndh, sizeof *dh, cmp_u64))
                    kf[k] |= KF_BLOCK | KF_ORIGIN;
            }
            size_t lo = 0, hi = nnew; /* the new citations by this adopter */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (nc[mid].issuer < x->region)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < nnew && nc[lo].issuer == x->region; lo++)
                if (pm_hmap_get(a->map, (uint64_t)cas << 32 | nc[lo].cited))
                    kf[k] |= KF_BLOCK;
        }
        if (nfresh > MERGE_MAX_FRESH)
            c->mode = RUN_GEN;
    }
    free(nc);
    free(dh);
    return st;
}

/* The cascades of the sorted adoptions, in table order, and (with a state directory)
 * their keys, digests and how each is written (mark_changes fills kf for MERGE runs). */
static pm_status plan_runs(pm_adopt *a, const adoption *v, const uint32_t *order,
                           uint64_t (*reuse)[2], size_t min_adopters, crun **out, size_t *nout,
                           uint8_t **kfp)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n; n++) {
        int kind;
        i = cascade_run(a, v, i, &kind);
    }
    crun *cr = calloc(n ? n : 1, sizeof *cr);
    if (!cr)
        return PM_ERR_NOMEM;
    *out = cr;
    *nout = n;
    pm_status st = PM_OK;
    const int track = a->state_dir != NULL;
    free(a->cur_reuse);
    a->cur_reuse = NULL;
    a->ncur_reuse = 0;
    if (track)
        st = distinct_pairs(reuse, reuse ? a->nreuse : 0, &a->cur_reuse, &a->ncur_reuse);
    const uint64_t ctx = track ? rows_context(a, min_adopters) : 0;
    const int usable = track && a->nprev && a->prev_ok && a->prev_ctx == ctx;
    pm_hmap *pk = NULL; /* last run's key -> index + 1 */
    if (st == PM_OK && usable)
        st = pm_hmap_create(&pk, 0, 0);
    for (size_t k = 0; st == PM_OK && pk && k < a->nprev; k++) {
        int added;
        uint64_t *slot = pm_hmap_put(pk, a->prev[k].key, &added, &st);
        if (slot)
            *slot = k + 1;
    }
    for (size_t r = 0, i = 0; st == PM_OK && r < n; r++) {
        crun *c = &cr[r];
        c->i = i;
        c->j = cascade_run(a, v, i, &c->kind);
        c->prev = -1;
        c->mode = RUN_GEN;
        i = c->j;
        if (!track)
            continue;
        char name[160];
        cascade_name(a, order, v[c->i].cascade, name, sizeof name);
        size_t nl = strlen(name);
        c->key = pm_hash64(name, nl, 0);
        /* a chained mix per adoption: a streaming hash's call per field cost more than
         * the rest of the plan */
        uint64_t h = ctx ^ pm_hash64(name, nl, ctx);
        for (size_t k = c->i; k < c->j; k++) {
            const adoption *x = &v[k];
            uint64_t f = ((uint64_t)x->region << 32 | x->province) * 0x9E3779B97F4A7C15ull ^
                         ((uint64_t)(uint32_t)x->date << 24 | (uint64_t)x->level << 16 | x->id_len);
            h = (h ^ f ^ pm_fnv1a64(a->ids.data + x->id_off, x->id_len)) * 0xff51afd7ed558ccdull;
            h ^= h >> 33;
        }
        c->digest = h;
        uint64_t *slot = pk ? pm_hmap_get(pk, c->key) : NULL;
        if (slot) {
            c->prev = (int64_t)(*slot - 1);
            c->mode = a->prev[c->prev].digest == c->digest ? RUN_COPY : RUN_MERGE;
        }
    }
    pm_hmap_free(pk);
    *kfp = NULL;
    if (st == PM_OK && usable) {
        /* a COPY run whose edges read citations or reuse pairs that changed merges */
        if (!(*kfp = calloc(a->n ? a->n : 1, 1)))
            return PM_ERR_NOMEM;
        int any = a->ncites > a->ncites_prev || a->ncur_reuse != a->nprev_reuse ||
                  (a->ncur_reuse && memcmp(a->cur_reuse, a->prev_reuse,
                                           a->ncur_reuse * sizeof *a->cur_reuse) != 0);
        for (size_t r = 0; any && r < n; r++)
            if (cr[r].mode == RUN_COPY)
                cr[r].mode = RUN_MERGE;
        st = mark_changes(a, v, order, cr, n, *kfp);
        for (size_t r = 0; st == PM_OK && r < n; r++) { /* nothing to derive: copied */
            size_t k = cr[r].i;
            while (cr[r].mode == RUN_MERGE && k < cr[r].j && !(*kfp)[k])
                k++;
            if (cr[r].mode == RUN_MERGE && k == cr[r].j &&
                a->prev[cr[r].prev].digest == cr[r].digest)
                cr[r].mode = RUN_COPY;
        }
    }
    free(a->cur);
    a->cur = NULL;
    a->ncur = 0;
    a->cur_ctx = ctx;
    if (st == PM_OK && track) {
        if (!(a->cur = calloc(n ? n : 1, sizeof *a->cur)))
            return PM_ERR_NOMEM;
        a->ncur = n;
        for (size_t r = 0; r < n; r++)
            a->cur[r].key = cr[r].key, a->cur[r].digest = cr[r].digest;
    }
    return st;
}

/* 1 when the field f[0..n) is one of the codes fc[0..nf) (fl: their lengths). */
static int code_in(const char *f, size_t n, const char *const *fc, const size_t *fl, size_t nf)
{
    for (size_t m = 0; m < nf; m++)
        if (fl[m] == n && memcmp(fc[m], f, n) == 0)
            return 1;
    return 0;
}

/* The field-th (from 0) tab-separated field of the row at p, which ends in '\n' before
 * end: *f, *fn. Returns the next row, NULL when there is no whole row. */
static const char *row_field(const char *p, const char *end, int field, const char **f,
                             size_t *fn)
{
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        return NULL;
    const char *q = p;
    for (int i = 0; i < field; i++) {
        if (!(q = memchr(q, '\t', (size_t)(eol - q))))
            return NULL;
        q++;
    }
    const char *t = memchr(q, '\t', (size_t)(eol - q));
    *f = q;
    *fn = (size_t)((t ? t : eol) - q);
    return eol + 1;
}

/* Past the rows at p whose field-th field is a fresh adoption's code (fc: the rows of its
 * old version), stopping at one with the code expected next (ck, nk; NULL: none), which is
 * compared first since it is the usual row. */
static const char *past_fresh(const char *p, const char *end, int field, const char *ck,
                              size_t nk, const char *const *fc, const size_t *fl, size_t nf)
{
    const char *f, *nx;
    size_t fn;
    while (p < end && (nx = row_field(p, end, field, &f, &fn)) &&
           !(ck && fn == nk && memcmp(f, ck, nk) == 0) && code_in(f, fn, fc, fl, nf))
        p = nx;
    return p;
}

/* A MERGE run's old rows of adoptions.tsv (ob[0..olen), at offset base of the old table)
 * matched to its unchanged adoptions in order: for each k of [i, j) that is not fresh,
 * off/len[k - i] is the range of its row; the rows of fresh adoptions' old versions are
 * passed over. 0 when the old rows do not match: the run is then derived, never
 * half-copied. */
static int match_rows(const char *ob, size_t olen, uint64_t base, const adoption *v,
                      const char (*codes)[PM_COUNTRY_CODE_BUF], size_t i, size_t j,
                      uint64_t *off, uint64_t *len)
{
    const char *fc[MERGE_MAX_FRESH];
    size_t fl[MERGE_MAX_FRESH], nf = 0;
    for (size_t k = i; k < j; k++)
        if (v[k].fresh) {
            if (nf == MERGE_MAX_FRESH)
                return 0;
            fc[nf] = codes[k];
            fl[nf++] = strlen(codes[k]);
        }
    const char *p = ob, *end = ob + olen, *f, *nx;
    size_t fn;
    for (size_t k = i; k <= j; k++) {
        size_t nk = k < j ? strlen(codes[k]) : 0;
        p = past_fresh(p, end, 1, k < j && !v[k].fresh ? codes[k] : NULL, nk, fc, fl, nf);
        if (k == j)
            return p == end;
        if (v[k].fresh)
            continue;
        if (p == end || !(nx = row_field(p, end, 1, &f, &fn)) || fn != nk ||
            memcmp(f, codes[k], nk) != 0)
            return 0;
        off[k - i] = base + (uint64_t)(p - ob);
        len[k - i] = (uint64_t)(nx - p);
        p = nx;
    }
    return 1;
}

/* What pm_adopt_write's passes share: the sorted adoptions and what it computed once per
 * adoption. Read-only while the passes run. */
typedef struct wview {
    const pm_adopt *a;
    const adoption *v;
    const double *dy;                       /* decimal years */
    const char (*codes)[PM_COUNTRY_CODE_BUF]; /* region codes */
    const uint32_t *pidx;                   /* province_at */
    const cite *cites;                      /* sorted copy, or NULL */
    uint64_t (*reuse)[2];                   /* sorted copy, or NULL */
    const uint32_t *order;                  /* discovered names in name order */
    size_t min_adopters;
    const crun *cr;                         /* the cascades, in table order */
    size_t ncr;
    uint64_t *bytes;                        /* edges.tsv: bytes copied, derived */
    const uint8_t *kf;                      /* MERGE runs: what must be derived */
} wview;

/* A cascade's old segment, before it is copied whole: it follows a row's end, ends one,
 * and its first row names the cascade (key: pm_hash64 of the name) - what a table cut or
 * shifted since would not. Empty segments are whole. */
static int seg_looks_whole(const pm_segw *w, const pm_seg *os, uint64_t key)
{
    const char *p = pm_segw_old_bytes(w, os), *tab;
    if (!p || !os->len)
        return p != NULL;
    return os->off > 0 && p[-1] == '\n' && p[os->len - 1] == '\n' &&
           (tab = memchr(p, '\t', (size_t)os->len)) && pm_hash64(p, (size_t)(tab - p), 0) == key;
}

/* One row of edges.tsv: origin e, destination k of the cascade `name`. */
static pm_status edge_row(const wview *w, const char *name, size_t name_len, size_t e, size_t k,
                          double lag, pm_buf *bd)
{
    const pm_adopt *a = w->a;
    const adoption *v = w->v, *x = &v[k];
    pm_status st;
    int ev = w->cites && cited_before(w->cites, a->ncites, x->region, v[e].region, x->date);
    int tr = reused(a, w->reuse, &v[e], x); /* text reuse evidence */
    const char *rel = relation_at(a, (pm_level)v[e].level, v[e].province, w->pidx[e],
                                  (pm_level)x->level, x->province, w->pidx[k]);
    const char *evd = ev && tr ? "citation+text_reuse" : tr ? "text_reuse" : ev ? "citation" : "none";
    char fl[32];
    size_t nfl = fix4(lag, fl);
    if ((st = pm_buf_reserve(bd, ROW_ROOM)) != PM_OK)
        return st;
    raw_tab(bd, name, name_len);
    raw_tab(bd, w->codes[e], strlen(w->codes[e]));
    raw_tab(bd, w->codes[k], strlen(w->codes[k]));
    if (!nfl) {
        raw_end(bd);
        if ((st = put_fix4(bd, lag)) != PM_OK || (st = pm_buf_reserve(bd, ROW_ROOM)) != PM_OK)
            return st;
    } else
        raw(bd, fl, nfl);
    raw(bd, "\t", 1);
    raw_tab(bd, rel, strlen(rel));
    raw(bd, evd, strlen(evd));
    raw(bd, "\n", 1);
    raw_end(bd);
    return PM_OK;
}

/* The origin (field 1) and destination (field 2) of the edges row at p: the next row, or
 * NULL when there is no whole row. */
static const char *edge_fields(const char *p, const char *end, const char **o, size_t *no,
                               const char **d, size_t *nd)
{
    const char *eol = memchr(p, '\n', (size_t)(end - p)), *t1, *t2, *t3;
    if (!eol || !(t1 = memchr(p, '\t', (size_t)(eol - p))) ||
        !(t2 = memchr(t1 + 1, '\t', (size_t)(eol - t1 - 1))))
        return NULL;
    t3 = memchr(t2 + 1, '\t', (size_t)(eol - t2 - 1));
    *o = t1 + 1, *no = (size_t)(t2 - t1 - 1);
    *d = t2 + 1, *nd = (size_t)((t3 ? t3 : eol) - t2 - 1);
    return eol + 1;
}

static int within(const double *dy, size_t e, size_t k, double window)
{
    double lag = dy[k] - dy[e];
    return lag > 0 && lag <= window;
}

/* A MERGE run's old edges (ob[0..olen), at offset base of the old table) checked row by
 * row against the run now: each unchanged destination k's old block (maybe empty; its
 * range into off/len[k - i]) must hold, in order, one row per unchanged origin within
 * the window, and besides only rows of the old versions of fresh adoptions (as origin
 * or destination), which a merge passes over. 0 when they do not: the run is derived. */
static int match_edges(const char *ob, size_t olen, uint64_t base, const wview *w, size_t i,
                       size_t j, const char *const *fc, const size_t *fl, size_t nf,
                       uint64_t *off, uint64_t *len)
{
    const adoption *v = w->v;
    const double win = (double)w->a->o.window_years;
    const char *p = ob, *end = ob + olen, *o, *d;
    size_t no, nd;
    for (size_t k = i; k <= j; k++) {
        const char *nx;
        /* the usual row is the one expected next: compared first, the fresh codes after */
        const char *ck = k < j ? w->codes[k] : "";
        size_t nk = strlen(ck), e = i;
        p = past_fresh(p, end, 2, k < j && !v[k].fresh ? ck : NULL, nk, fc, fl, nf);
        if (k == j)
            return p == end;
        if (v[k].fresh)
            continue;
        const char *s0 = p;
        while (p < end) {
            if (!(nx = edge_fields(p, end, &o, &no, &d, &nd)))
                return 0;
            if (nd != nk || memcmp(d, ck, nk) != 0)
                break;
            p = nx;
            while (e < k && (v[e].fresh || !within(w->dy, e, k, win)))
                e++;
            if (e < k && strlen(w->codes[e]) == no && memcmp(w->codes[e], o, no) == 0) {
                e++;
                continue;
            }
            if (!code_in(o, no, fc, fl, nf)) /* else: from a fresh origin's old version */
                return 0;
        }
        while (e < k && (v[e].fresh || !within(w->dy, e, k, win)))
            e++;
        if (e != k)
            return 0;
        off[k - i] = base + (uint64_t)(s0 - ob);
        len[k - i] = (uint64_t)(p - s0);
    }
    return 1;
}

/* edges.tsv: in each cascade, every earlier adopter within the window, named experiments
 * and discovered cascades only (generic policies would be quadratic in thousands of
 * regions). Its own pass, so that it can run beside the other tables; the file is left
 * open in *out for the caller to commit with the others. A refresh copies the rows that
 * did not change from the last run's table (plan_runs, match_edges). */
static pm_status write_edges(const wview *w, const char *dir, pm_outfile **out, pm_errctx *err)
{
    const pm_adopt *a = w->a;
    const adoption *v = w->v;
    pm_status st = PM_OK;
    pm_buf bd;
    pm_buf_init(&bd, (size_t)1 << 30);
    pm_segw sw;
    pm_segw_init(&sw, NULL, &bd);
    uint64_t *moff = NULL; /* a MERGE run's old blocks: offsets, then lengths */
    size_t mcap = 0;
    TRY(pm_outfile_open(out, dir, "edges.tsv", err));
    sw.f = *out;
    if (a->state_dir && a->nprev && a->prev_ok)
        pm_segw_open_old(&sw, a->state_dir, "edges.tsv");
    TRY(pm_buf_append_str(&bd, "cascade_id\torigin_node\tdestination_node\tlag_years\t"
                               "relation\tevidence\n"));
    for (size_t r = 0; r < w->ncr; r++) {
        const size_t i = w->cr[r].i, j = w->cr[r].j;
        const int kind = w->cr[r].kind;
        if (kind == KIND_POLICY || (kind == KIND_DISCOVERED && j - i < w->min_adopters))
            continue;
        pm_seg *seg = a->cur ? &a->cur[r].t[PM_SEG_EDGES] : NULL;
        int mode = w->cr[r].mode;
        const pm_seg *os = mode != RUN_GEN ? &a->prev[w->cr[r].prev].t[PM_SEG_EDGES] : NULL;
        if (mode == RUN_COPY) {
            if (seg_looks_whole(&sw, os, w->cr[r].key) && pm_segw_copy(&sw, os, seg, &st, err)) {
                if (st != PM_OK)
                    goto done;
                continue;
            }
            mode = RUN_GEN;
        }
        const char *fc[MERGE_MAX_FRESH]; /* the fresh adoptions' codes */
        size_t fl[MERGE_MAX_FRESH], nf = 0;
        const char *ob = NULL;
        if (mode == RUN_MERGE) {
            for (size_t k = i; k < j && nf <= MERGE_MAX_FRESH; k++)
                if (v[k].fresh && nf < MERGE_MAX_FRESH)
                    fc[nf] = w->codes[k], fl[nf] = strlen(w->codes[k]), nf++;
                else if (v[k].fresh)
                    nf = MERGE_MAX_FRESH + 1;
            ob = nf <= MERGE_MAX_FRESH ? pm_segw_old_bytes(&sw, os) : NULL;
            TRY(pm_array_reserve(&moff, &mcap, 2 * (j - i), sizeof *moff, 256, SIZE_MAX / 16));
            if (!ob || !match_edges(ob, os->len, os->off, w, i, j, fc, fl, nf, moff, moff + (j - i)))
                mode = RUN_GEN;
        }
        pm_segw_begin(&sw);
        char name[160];
        cascade_name(a, w->order, v[i].cascade, name, sizeof name);
        const size_t name_len = strlen(name);
        for (size_t k = i + 1; k < j; k++) {
            const double t = w->dy[k];
            if (mode == RUN_MERGE && !v[k].fresh && !(w->kf[k] & KF_BLOCK)) {
                /* its old block, but for rows of changed origins */
                const char *q = ob + (moff[k - i] - os->off), *qe = q + moff[(j - i) + (k - i)];
                for (size_t e = i; e < k; e++) {
                    double lag = t - w->dy[e];
                    if (lag <= 0 || lag > a->o.window_years)
                        continue;
                    if (!v[e].fresh) { /* its old row: past old versions of fresh origins */
                        const char *o, *d, *nx = NULL;
                        size_t no, nd, ne = strlen(w->codes[e]);
                        while (q < qe && (nx = edge_fields(q, qe, &o, &no, &d, &nd)) &&
                               !(no == ne && memcmp(o, w->codes[e], ne) == 0))
                            q = nx;
                        if (!nx) { /* match_edges checked it is there */
                            st = PM_ERR_STATE;
                            goto done;
                        }
                        if (!(w->kf[e] & KF_ORIGIN))
                            TRY(pm_segw_copy_range(&sw, os->off + (uint64_t)(q - ob),
                                                   (uint64_t)(nx - q), err));
                        q = nx;
                        if (!(w->kf[e] & KF_ORIGIN))
                            continue;
                    }
                    TRY(pm_segw_gen(&sw, err));
                    TRY(edge_row(w, name, name_len, e, k, lag, &bd));
                    TRY(pm_segw_flush(&sw, 0, err));
                }
                continue;
            }
            for (size_t e = i; e < k; e++) {
                double lag = t - w->dy[e];
                if (lag <= 0 || lag > a->o.window_years)
                    continue;
                TRY(pm_segw_gen(&sw, err));
                TRY(edge_row(w, name, name_len, e, k, lag, &bd));
                TRY(pm_segw_flush(&sw, 0, err));
            }
        }
        if (seg)
            pm_segw_end(&sw, seg);
    }
    TRY(pm_segw_flush(&sw, 1, err));
done:
    w->bytes[0] = sw.copied;
    w->bytes[1] = sw.written - sw.copied;
    free(moff);
    pm_segw_close_old(&sw);
    pm_buf_free(&bd);
    return st;
}

pm_status pm_adopt_write(pm_adopt *a, const char *dir, pm_errctx *err)
{
    pm_status st = PM_OK;
    adoption *v = NULL;
    double *lags = NULL;
    cite *cites = NULL;
    uint64_t(*reuse)[2] = NULL;
    pm_adopt_row *rows = NULL;
    uint32_t *order = NULL, *rank = NULL, *touched = NULL;
    unsigned char *named_mark = NULL; /* per region record: a table names its code */
    uint32_t *pidx = NULL; /* per sorted adoption: province_at of it */
    char (*codes)[PM_COUNTRY_CODE_BUF] = NULL; /* per sorted adoption: its region's code */
    char (*pvcode)[PM_COUNTRY_CODE_BUF] = NULL; /* per region index: its code, once */
    double *dy = NULL; /* per sorted adoption: pm_decimal_year of its date */
    memo *pmemo = calloc(MEMO_SLOTS, sizeof *pmemo), *rmemo = calloc(MEMO_SLOTS, sizeof *rmemo);
    unsigned char *pmark = NULL; /* per region index: province marks of the cascade */
    char (*disc_ids)[24] = NULL;
    crun *cr = NULL; /* the cascades in table order (plan_runs) */
    size_t ncr = 0;
    uint8_t *kf = NULL; /* per sorted adoption of a MERGE run: KF_BLOCK, KF_ORIGIN */
    uint64_t *moff = NULL; /* a MERGE run's old ranges: offsets, then lengths */
    size_t mcap = 0;
    uint64_t ebytes[2] = {0, 0};
    pm_segw sa; /* adoptions.tsv's writer */
    pm_segw_init(&sa, NULL, NULL);
    int spawned = 0; /* the network and edges tasks were started; the first's status,
                      * context, capped pairs */
    pm_status nst = PM_OK;
    pm_errctx nerr;
    pm_errctx_clear(&nerr);
    uint64_t ncapped = 0;
    size_t nrows = 0;
    pm_outfile *fa = NULL, *fe = NULL, *fs = NULL, *fn = NULL, *fd = NULL, *fp = NULL;
    pm_status dst = PM_OK; /* the edges task's status and context */
    pm_errctx derr;
    pm_errctx_clear(&derr);
    pm_buf b, be, bp;
    pm_buf_init(&b, (size_t)1 << 30);
    pm_buf_init(&be, (size_t)1 << 30);
    pm_buf_init(&bp, (size_t)1 << 30);
    const size_t min_adopters = a->o.min_adopters > 0 ? (size_t)a->o.min_adopters : 1;
    size_t nnames = pm_pname_table_count(a->names);

    v = malloc((a->n ? a->n : 1) * sizeof *v);
    lags = malloc((a->n ? a->n : 1) * sizeof *lags);
    size_t nregions = pm_country_region_count(a->c);
    pmark = calloc(nregions ? nregions : 1, 1);
    touched = malloc((a->n ? a->n : 1) * sizeof *touched);
    /* share_provinces: out of the pack's provinces ("provinces" in the header: China's 31
     * of the mainland), else out of every code at its second level */
    const char *np = pm_country_header(a->c, "provinces");
    double provinces = np ? strtod(np, NULL) : 0;
    if (!(provinces > 0)) {
        size_t n1 = pm_country_level_size(a->c, 1), distinct = 0;
        for (size_t k = 0; k < n1; k++) {
            uint32_t r = pm_country_level_region(a->c, 1, k);
            distinct += pm_country_region_canonical(a->c, r) == r;
        }
        provinces = distinct ? (double)distinct : NAN;
    }
    if (!v || !lags || !pmark || !touched || !pmemo || !rmemo) {
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
    if (sort_adoptions(a, v, a->n) != PM_OK)
        qsort_r(v, a->n, sizeof *v, cmp_adoption, (void *)a); /* no memory for the radix */
    pidx = malloc((a->n ? a->n : 1) * sizeof *pidx);
    if (!pidx) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < a->n; k++) {
        int hit;
        memo *e = memo_slot(pmemo, v[k].level, v[k].province, 0, &hit);
        if (!hit)
            e->val = province_at(a, (pm_level)v[k].level, v[k].province);
        pidx[k] = e->val;
    }
    /* each adopter's decimal year, once: every later adopter of the cascade subtracts it */
    dy = malloc((a->n ? a->n : 1) * sizeof *dy);
    if (!dy) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < a->n; k++)
        dy[k] = pm_decimal_year(v[k].date);
    /* each adopter's code, formatted once: every edge names its origin again */
    codes = malloc((a->n ? a->n : 1) * sizeof *codes);
    if (!codes) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    /* through a direct-mapped cache by code: a region adopts many policies */
    ccode *cc = calloc(MEMO_SLOTS, sizeof *cc);
    if (!cc) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < a->n; k++) {
        ccode *e = &cc[(v[k].region * 2654435761u) >> 20 & (MEMO_SLOTS - 1)];
        if (!e->used || e->code != v[k].region) {
            code_str(a, v[k].region, e->s, sizeof e->s);
            e->code = v[k].region;
            e->used = 1;
        }
        memcpy(codes[k], e->s, sizeof codes[k]);
    }
    free(cc);
    /* each province's code once (by region index), for adoptions.tsv's province column */
    pvcode = malloc((nregions ? nregions : 1) * sizeof *pvcode);
    if (!pvcode) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t r = 0; r < nregions; r++)
        pvcode[r][0] = '\1'; /* not formatted yet (a code is digits or "") */
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
    TRY(plan_runs(a, v, order, reuse, min_adopters, &cr, &ncr, &kf));

    /* network.tsv, leaders.tsv, eha_panel.tsv, officials: over the named experiments and
     * then the discovered cascades (in the order of experiments.tsv). They read only the
     * sorted adoptions and write their own files, so with a team of threads they are a
     * task beside the tables below (NetInf is a fifth of this function's work); their
     * error, with its own context, counts after the tables' own. */
    rows = malloc((a->n ? a->n : 1) * sizeof *rows);
    if (!rows) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < a->n && v[i].cascade < a->n_exp; i++)
        rows[nrows++] = (pm_adopt_row){pm_dictset_cat_key(a->d, a->exp_dim, v[i].cascade),
                                       v[i].region, v[i].province, v[i].date,
                                       (pm_level)v[i].level};
    size_t nd = 0; /* discovered cascades with min_adopters regions: ndisc below */
    for (size_t i = 0; i < a->n;) {
        size_t j = i;
        while (j < a->n && v[j].cascade == v[i].cascade)
            j++;
        nd += v[i].cascade >= a->base && j - i >= min_adopters;
        i = j;
    }
    disc_ids = malloc((nd ? nd : 1) * sizeof *disc_ids);
    if (!disc_ids) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    size_t di = 0;
    for (size_t i = 0; i < a->n;) {
        size_t j = i;
        while (j < a->n && v[j].cascade == v[i].cascade)
            j++;
        if (v[i].cascade >= a->base && j - i >= min_adopters && di < nd) {
            cascade_name(a, order, v[i].cascade, disc_ids[di], sizeof disc_ids[di]);
            for (size_t k = i; k < j; k++)
                rows[nrows++] = (pm_adopt_row){disc_ids[di], v[k].region, v[k].province,
                                               v[k].date, (pm_level)v[k].level};
            di++;
        }
        i = j;
    }
    spawned = 1;
#pragma omp task default(none) shared(a, rows, nrows, dir, ncapped, nerr, nst)
    {
        nst = pm_diffusion_write_network(a, a->c, &a->o, rows, nrows, dir, &ncapped, &nerr);
        if (nst == PM_OK && a->o.officials)
            nst = pm_diffusion_write_officials(a->c, &a->o, rows, nrows, dir, &nerr);
    }

    TRY(pm_outfile_open(&fa, dir, "adoptions.tsv", err));
    TRY(pm_outfile_open(&fe, dir, "experiments.tsv", err));
    TRY(pm_outfile_open(&fp, dir, "policies.tsv", err));
    TRY(pm_buf_append_str(&bp, "cascade_id\tname\tn_adopters\tpioneer_code\tpioneer_name\t"
                               "pioneer_level\tfirst_date\tfirst_date_precision\tprovince_bottom_up\texample_doc_1\t"
                               "example_doc_2\texample_doc_3\n"));
    TRY(pm_buf_append_str(&b, "cascade_id\tnode_name\tevent_time\tlevel\tprovince_code\tdoc_id\tdate\t"
                              "date_precision\n"));
    pm_segw_init(&sa, fa, &b);
    if (a->state_dir && a->nprev && a->prev_ok)
        pm_segw_open_old(&sa, a->state_dir, "adoptions.tsv");
    TRY(pm_buf_append_str(&be, "cascade_id\tkind\tpioneer_code\tpioneer_name\tpioneer_level\t"
                               "first_date\tfirst_date_precision\tn_adopters\tadopters_1y\tadopters_3y\tadopters_5y\t"
                               "median_lag_years\tshare_provinces\tcentral_adopted\t"
                               "central_date\tcentral_date_precision\tbottom_up\ttop_down\tprovince_bottom_up\tname\n"));
    wview wv = {a, v, dy, (const char(*)[PM_COUNTRY_CODE_BUF])codes, pidx, cites, reuse, order,
                min_adopters, cr, ncr, ebytes, kf};
#pragma omp task default(none) shared(wv, dir, fd, dst, derr)
    dst = write_edges(&wv, dir, &fd, &derr);

    kindsum ks[NKINDS];
    memset(ks, 0, sizeof ks);
    int min_year = 0, max_year = 0;
    for (size_t ri = 0; ri < ncr; ri++) {
        const size_t i = cr[ri].i, j = cr[ri].j;
        const int kind = cr[ri].kind;
        if (kind == KIND_DISCOVERED && j - i < min_adopters) { /* not a cascade */
            ks[kind].below_min++;
            continue;
        }
        /* a refresh copies the rows of a cascade that did not change */
        pm_seg *seg = a->cur ? &a->cur[ri].t[PM_SEG_ADOPTIONS] : NULL;
        int mode = cr[ri].mode, copied = 0;
        const pm_seg *os = mode != RUN_GEN ? &a->prev[cr[ri].prev].t[PM_SEG_ADOPTIONS] : NULL;
        if (mode == RUN_COPY) {
            copied = seg_looks_whole(&sa, os, cr[ri].key) && pm_segw_copy(&sa, os, seg, &st, err);
            if (copied && st != PM_OK)
                goto done;
            if (!copied)
                mode = RUN_GEN;
        }
        if (mode == RUN_MERGE) {
            const char *ob = pm_segw_old_bytes(&sa, os);
            TRY(pm_array_reserve(&moff, &mcap, 2 * (j - i), sizeof *moff, 256, SIZE_MAX / 16));
            if (!ob || !match_rows(ob, os->len, os->off, v,
                                   (const char(*)[PM_COUNTRY_CODE_BUF])codes, i, j, moff,
                                   moff + (j - i)))
                mode = RUN_GEN;
        }
        if (!copied)
            pm_segw_begin(&sa);
        char name[160];
        cascade_name(a, order, v[i].cascade, name, sizeof name);
        const size_t name_len = strlen(name);
        double t0 = dy[i];
        size_t n1 = 0, n3 = 0, n5 = 0, nl = 0;
        int central = 0;
        int32_t central_date = 0;
        /* per province (canonical region index): bit 1 adopted, bit 2 a locality below it
         * adopted; the touched ones are cleared after the cascade */
        size_t ntouched = 0, nprov = 0;
        unsigned province_bu = 0; /* provinces adopting after one of their own localities */
        for (size_t k = i; k < j; k++) {
            const adoption *x = &v[k];
            double t = dy[k];
            int y = pm_ymd_year(x->date);
            if (!min_year || y < min_year)
                min_year = y;
            if (y > max_year)
                max_year = y;
            int hit;
            memo *me = memo_slot(rmemo, x->level, x->region, x->date, &hit);
            if (!hit)
                me->val = pm_country_record_province(a->c, x->level, x->region, (pm_ymd)x->date);
            uint32_t pv = me->val;
            if (mode == RUN_MERGE && !x->fresh)
                TRY(pm_segw_copy_range(&sa, moff[k - i], moff[(j - i) + (k - i)], err));
            else if (!copied) { /* the row */
            TRY(pm_segw_gen(&sa, err));
            char date[16];
            format_date(x->date, date, sizeof date);
            char cbuf[PM_COUNTRY_CODE_BUF];
            const char *xcode = codes[k]; /* also every edge's destination below */
            char ft[32];
            size_t nft = fix4(t, ft);
            const char *lk = pm_country_record_level_key(a->c, x->level);
            size_t nlk = strlen(lk);
            if (pv != PM_REGION_NONE && pv < nregions) {
                if (pvcode[pv][0] == '\1')
                    pm_country_format_region(a->c, pv, pvcode[pv], sizeof pvcode[pv]);
                memcpy(cbuf, pvcode[pv], sizeof cbuf);
            } else if (pv != PM_REGION_NONE)
                pm_country_format_region(a->c, pv, cbuf, sizeof cbuf);
            else
                cbuf[0] = '\0';
            TRY(pm_buf_reserve(&b, ROW_ROOM + nlk)); /* the row up to its doc id */
            raw_tab(&b, name, name_len);
            raw_tab(&b, xcode, strlen(xcode));
            if (nft)
                raw_tab(&b, ft, nft);
            else {
                raw_end(&b);
                TRY(put_fix4(&b, t));
                TRY(pm_buf_reserve(&b, ROW_ROOM + nlk));
                raw(&b, "\t", 1);
            }
            raw_tab(&b, lk, nlk);
            raw_tab(&b, cbuf, strlen(cbuf));
            raw_end(&b);
            TRY(pm_tsv_field(&b, a->ids.data + x->id_off, x->id_len, 0));
            const char *dp = date_precision(x->date);
            size_t ndp = strlen(dp);
            TRY(pm_buf_reserve(&b, 32 + ndp));
            raw(&b, "\t", 1);
            raw_tab(&b, date, strlen(date));
            raw(&b, dp, ndp);
            raw(&b, "\n", 1);
            raw_end(&b);
            TRY(pm_segw_flush(&sa, 0, err));
            }
            if (x->level == PM_REC_NATIONAL && !central) {
                central = 1;
                central_date = x->date;
            }
            if (pv != PM_REGION_NONE) {
                if (!pmark[pv])
                    touched[ntouched++] = pv;
                nprov += !(pmark[pv] & 1u);
                pmark[pv] |= 1u;
                if (x->level == PM_REC_PROVINCE)
                    province_bu += (pmark[pv] >> 1) & 1u;
                else if (x->level > PM_REC_PROVINCE)
                    pmark[pv] |= 2u;
            }
            if (k > i) {
                double lag = t - t0;
                lags[nl++] = lag;
                n1 += lag <= 1.0;
                n3 += lag <= 3.0;
                n5 += lag <= 5.0;
            }
        }
        if (seg && !copied)
            pm_segw_end(&sa, seg);
        for (size_t t = 0; t < ntouched; t++)
            pmark[touched[t]] = 0;
        const adoption *p = &v[i];
        int bottom_up = central && p->level != PM_REC_NATIONAL;
        int top_down = p->level == PM_REC_NATIONAL;
        char pcode[PM_COUNTRY_CODE_BUF];
        code_str(a, p->region, pcode, sizeof pcode);
        double med = median(lags, nl);
        char first[16];
        format_date(p->date, first, sizeof first);
        TRY(pm_buf_printf(&be, "%s\t%s\t%s\t", name, kind_key[kind], pcode));
        const char *rn = region_name(a, p->level, p->region, p->date);
        TRY(pm_tsv_field(&be, rn, strlen(rn), 0));
        TRY(pm_buf_printf(&be, "\t%s\t%s\t%s\t%zu\t%zu\t%zu\t%zu\t", pm_country_record_level_key(a->c, p->level),
                          first, date_precision(p->date), j - i, n1, n3, n5));
        if (nl)
            TRY(pm_buf_printf(&be, "%.4f", med));
        TRY(pm_buf_printf(&be, "\t%.4f\t%d\t", (double)nprov / provinces, central));
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
            TRY(pm_buf_printf(&bp, "\t%zu\t%s\t", j - i, pcode));
            TRY(pm_tsv_field(&bp, rn, strlen(rn), 0));
            TRY(pm_buf_printf(&bp, "\t%s\t%s\t%s\t%u", pm_country_record_level_key(a->c, p->level), first,
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
        s->by_level[p->level <= PM_COUNTRY_MAX_LEVELS ? p->level : 0]++;
        if (j - i == 1)
            s->never_copied++;
        else {
            s->copied++;
            s->adopters3_sum += n3;
        }
        if (p->level != PM_REC_NATIONAL) {
            s->local_origin++;
            s->central_later += (uint64_t)central;
        }
        if (p->level > PM_REC_PROVINCE)
            s->province_later += province_bu > 0;
    }
    TRY(pm_segw_flush(&sa, 1, err));
    TRY(flush(fp, &bp, 1, err));
    TRY(flush(fe, &be, 1, err));

    /* diffusion_summary.tsv: the headline shares, per kind of cascade */
    TRY(pm_outfile_open(&fs, dir, "diffusion_summary.tsv", err));
    TRY(pm_buf_append_str(&b, "kind\tstatistic\tvalue\tn\n"));
    for (int k = 0; k < NKINDS; k++) {
        const kindsum *s = &ks[k];
        const char *kn = kind_key[k];
        double n = s->cascades ? (double)s->cascades : NAN;
        TRY(pm_buf_printf(&b, "%s\tcascades\t%llu\t%llu\n", kn, (unsigned long long)s->cascades,
                          (unsigned long long)s->cascades));
        for (unsigned l = 1; l <= pm_country_level_count(a->c); l++) {
            TRY(pm_buf_printf(&b, "%s\tshare_origin_%s", kn, pm_country_record_level_key(a->c, l)));
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
        uint64_t local = 0; /* below the province level */
        for (unsigned l = PM_REC_PROVINCE + 1; l <= pm_country_level_count(a->c); l++)
            local += s->by_level[l];
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
    /* the codes the tables name, marked on the code's last record (what region_find gives
     * without a date): a probe each, not a sort of two codes per adoption */
    named_mark = calloc(nregions ? nregions : 1, 1);
    if (!named_mark) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < a->n; i++) {
        uint32_t u[2] = {v[i].region,
                         v[i].level >= PM_REC_PROVINCE ? v[i].province : v[i].region};
        for (int t = 0; t < 2 - (u[1] == u[0]); t++) {
            uint32_t r = pm_country_region_find(a->c, u[t], 0);
            if (r != PM_REGION_NONE && r < nregions)
                named_mark[r] = 1;
        }
    }
    TRY(pm_outfile_open(&fn, dir, "nodes.tsv", err));
    TRY(pm_buf_append_str(&b, "node_name\tname\tlevel\tprovince_code\tfirst_year\tlast_year\n"));
    {
        char cb[PM_COUNTRY_CODE_BUF];
        const pm_region *nat = pm_country_region_at(a->c, pm_country_national(a->c));
        TRY(pm_buf_printf(&b, "%s\t", pm_country_format_region(a->c, pm_country_national(a->c), cb, sizeof cb)));
        TRY(pm_tsv_field(&b, nat ? nat->name : "", nat ? strlen(nat->name) : 0, 0));
        TRY(pm_buf_printf(&b, "\t%s\t\t\t\n", pm_country_record_level_key(a->c, PM_REC_NATIONAL)));
    }
    /* a renamed division has several records: one node per code (the first that is in
     * use in the period, or named) */
    uint32_t last = PM_REGION_NONE;
    for (size_t i = 0; i < pm_country_region_count(a->c); i++) {
        const pm_region *dv = pm_country_region_at(a->c, (uint32_t)i);
        if (dv->level == 0 || (last != PM_REGION_NONE &&
                               pm_country_region_at(a->c, last)->code == dv->code))
            continue;
        uint32_t code = (uint32_t)dv->code;
        int first_year = pm_ymd_year(dv->from), last_year = pm_ymd_year(dv->until);
        uint32_t lastrec = pm_country_region_find(a->c, code, 0);
        int named = lastrec != PM_REGION_NONE && lastrec < nregions && named_mark[lastrec];
        if (!named && min_year &&
            ((last_year && last_year <= min_year) || first_year > max_year))
            continue;
        if (!named && !min_year && last_year)
            continue;
        last = (uint32_t)i;
        char cb[PM_COUNTRY_CODE_BUF];
        TRY(pm_buf_printf(&b, "%s\t", pm_country_format_code(a->c, dv->code, cb, sizeof cb)));
        TRY(pm_tsv_field(&b, dv->name, strlen(dv->name), 0));
        uint32_t pv = pm_country_region_ancestor(a->c, (uint32_t)i, 1, 0);
        TRY(pm_buf_printf(&b, "\t%s\t", pm_country_record_level_key(a->c, dv->level + 1)));
        TRY(pm_buf_append_str(&b, pm_country_format_region(a->c, pv, cb, sizeof cb)));
        TRY(pm_buf_append_char(&b, '\t')); /* years empty when the pack does not know them */
        if (first_year)
            TRY(pm_buf_printf(&b, "%d", first_year));
        TRY(pm_buf_append_char(&b, '\t'));
        if (last_year)
            TRY(pm_buf_printf(&b, "%d", last_year));
        TRY(pm_buf_append_char(&b, '\n'));
        TRY(flush(fn, &b, 0, err));
    }
    TRY(flush(fn, &b, 1, err));

    /* the edges task's file, committed in its place among the others */
#pragma omp taskwait
    a->seg_bytes[0] = sa.copied + ebytes[0];
    a->seg_bytes[1] = sa.written - sa.copied + ebytes[1];
    if (dst != PM_OK) {
        st = dst;
        if (err)
            *err = derr;
        goto done;
    }
    TRY(pm_outfile_commit_take(&fa, err));
    TRY(pm_outfile_commit_take(&fe, err));
    TRY(pm_outfile_commit_take(&fd, err));
    TRY(pm_outfile_commit_take(&fp, err));
    TRY(pm_outfile_commit_take(&fs, err));
    TRY(pm_outfile_commit_take(&fn, err));

done:
    if (spawned) { /* the network task reads rows and v: wait before freeing them */
#pragma omp taskwait
        a->netinf_capped = ncapped;
        if (st == PM_OK && nst != PM_OK) {
            st = nst;
            if (err)
                *err = nerr;
        }
    }
    pm_segw_close_old(&sa);
    free(cr);
    free(kf);
    free(moff);
    free(rows);
    free(named_mark);
    free(pidx);
    free(codes);
    free(pvcode);
    free(pmemo);
    free(dy);
    free(rmemo);
    free(pmark);
    free(touched);
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
    free(v);
    free(lags);
    free(cites);
    free(reuse);
    if (st != PM_OK && err && err->code == PM_OK)
        pm_errctx_set(err, st, dir, "writing diffusion tables");
    return st;
}

/* ---- refresh checkpoint: the whole state as bytes and back ------------------------------
 * Fixed-width little-endian fields, ids inline; the reader checks every length. Only a
 * table built with the same dictionaries and options reads it back (the engine keys the
 * checkpoint by both), so the layout needs no version of its own. */

static pm_status sv_u(pm_buf *b, uint64_t v, int bytes)
{
    unsigned char t[8];
    for (int i = 0; i < bytes; i++)
        t[i] = (unsigned char)(v >> (8 * i));
    return pm_buf_append(b, t, (size_t)bytes);
}

/* little-endian into reserved room: the adoptions are saved with one reserve each */
static unsigned char *le(unsigned char *w, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        w[i] = (unsigned char)(v >> (8 * i));
    return w + bytes;
}

typedef struct rdcur {
    const unsigned char *p, *end;
    int bad;
} rdcur;

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t ld_u(rdcur *c, int bytes)
{
    uint64_t v = 0;
    if (c->end - c->p < bytes) {
        c->bad = 1;
        return 0;
    }
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | c->p[i];
    c->p += bytes;
    return v;
}

pm_status pm_adopt_save(const pm_adopt *a, pm_buf *out)
{
    if (a->names && pm_pname_table_dropped(a->names))
        return PM_ERR_ARG; /* the drops are not restorable: a refresh replays instead */
    pm_status st;
#define SV(v, w) do { if ((st = sv_u(out, (uint64_t)(v), (w))) != PM_OK) return st; } while (0)
    SV(a->n_exp, 4);
    SV(a->base, 8);
    SV(a->names != NULL, 1);
    SV(a->n, 8);
    for (size_t i = 0; i < a->n; i++) { /* the layout of SV's, one reserve per adoption */
        const adoption *x = &a->v[i];
        if ((st = pm_buf_reserve(out, 19 + (size_t)x->id_len)) != PM_OK)
            return st;
        unsigned char *w = (unsigned char *)out->data + out->len;
        w = le(w, x->cascade, 4);
        w = le(w, x->region, 4);
        w = le(w, x->province, 4);
        w = le(w, (uint32_t)x->date, 4);
        w = le(w, x->level, 1);
        w = le(w, x->id_len, 2);
        memcpy(w, a->ids.data + x->id_off, x->id_len);
        out->len += 19 + (size_t)x->id_len;
        out->data[out->len] = '\0';
    }
    SV(a->ncites, 8);
    for (size_t i = 0; i < a->ncites; i++) {
        SV(a->cites[i].issuer, 4);
        SV(a->cites[i].cited, 4);
        SV((uint32_t)a->cites[i].date, 4);
    }
    size_t nn = a->names ? pm_pname_table_count(a->names) : 0;
    SV(nn, 8);
    for (size_t i = 0; i < nn; i++) {
        size_t len;
        const char *nm = pm_pname_table_name(a->names, (uint32_t)i, &len);
        SV(len, 2);
        if ((st = pm_buf_append(out, nm, len)) != PM_OK)
            return st;
        SV((uint32_t)a->name_exp[i], 4);
    }
    SV(a->joined, 8);
    /* text reuse pairs are no state of the adoptions: text reuse tells every finish its
     * own (a refresh's can lose some of the last run's), so none are kept */
    SV((uint64_t)0, 8);
    /* where the last pm_adopt_write put each cascade's rows (segs.c), and the reuse pairs
     * those rows saw: a refresh copies what did not change */
    size_t nseg = 0;
    for (size_t i = 0; i < a->ncur; i++)
        nseg += a->cur[i].t[PM_SEG_ADOPTIONS].len > 0;
    SV(a->cur_ctx, 8);
    SV(nseg, 8);
    for (size_t i = 0; i < a->ncur; i++) {
        const pm_seg_entry *e = &a->cur[i];
        if (!e->t[PM_SEG_ADOPTIONS].len)
            continue;
        SV(e->key, 8);
        SV(e->digest, 8);
        for (int t = 0; t < PM_SEG_TABLES; t++) {
            SV(e->t[t].off, 8);
            SV(e->t[t].len, 8);
        }
    }
    SV(a->ncur_reuse, 8);
    for (size_t i = 0; i < a->ncur_reuse; i++) {
        SV(a->cur_reuse[i][0], 8);
        SV(a->cur_reuse[i][1], 8);
    }
#undef SV
    return PM_OK;
}

pm_status pm_adopt_load(pm_adopt *a, const void *p, size_t n)
{
    if (a->n || a->ncites || a->nreuse || (a->names && pm_pname_table_count(a->names)))
        return PM_ERR_ARG; /* only into a fresh table */
    rdcur c = {p, (const unsigned char *)p + n, 0};
    pm_status st = PM_OK;
    if (ld_u(&c, 4) != a->n_exp || ld_u(&c, 8) != a->base || ld_u(&c, 1) != (a->names != NULL))
        return PM_ERR_STATE;
    uint64_t nv = ld_u(&c, 8);
    if (nv > (uint64_t)(c.end - c.p) / 19)
        return PM_ERR_STATE;
    if ((st = pm_array_reserve(&a->v, &a->cap, (size_t)nv ? (size_t)nv : 1, sizeof *a->v, 1024,
                               UINT32_MAX)) != PM_OK)
        return st;
    for (uint64_t i = 0; st == PM_OK && i < nv && !c.bad; i++) {
        adoption x; /* ld_u's fields, read in place once the 19 bytes are known to be there */
        if (c.end - c.p < 19)
            return PM_ERR_STATE;
        x.cascade = (uint32_t)get_le(c.p, 4);
        x.region = (uint32_t)get_le(c.p + 4, 4);
        x.province = (uint32_t)get_le(c.p + 8, 4);
        x.date = (int32_t)(uint32_t)get_le(c.p + 12, 4);
        x.level = c.p[16];
        x.id_len = (uint16_t)get_le(c.p + 17, 2);
        x.fresh = 0;
        c.p += 19;
        if (x.id_len > 255 || c.end - c.p < x.id_len)
            return PM_ERR_STATE;
        x.id_off = (uint32_t)a->ids.len;
        if ((st = pm_buf_append(&a->ids, c.p, x.id_len)) != PM_OK)
            return st;
        c.p += x.id_len;
        a->v[a->n++] = x;
    }
    /* the map in one pass over its slots (pm_hmap_put_new), after the adoptions */
    uint64_t *keys = malloc((a->n ? a->n : 1) * 2 * sizeof *keys);
    if (!keys)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < a->n; i++) {
        keys[i] = (uint64_t)a->v[i].cascade << 32 | a->v[i].region;
        keys[a->n + i] = i;
    }
    if (st == PM_OK)
        st = pm_hmap_put_new(a->map, keys, keys + a->n, a->n);
    free(keys);
    if (st != PM_OK)
        return st;
    uint64_t nc = ld_u(&c, 8);
    if (c.bad || nc > (uint64_t)(c.end - c.p) / 12)
        return PM_ERR_STATE;
    for (uint64_t i = 0; st == PM_OK && i < nc; i++) {
        uint32_t is = (uint32_t)ld_u(&c, 4), ci = (uint32_t)ld_u(&c, 4);
        st = pm_adopt_cite(a, is, ci, (int32_t)(uint32_t)ld_u(&c, 4));
    }
    uint64_t nn = ld_u(&c, 8);
    if (c.bad || (nn && !a->names) || nn > (uint64_t)(c.end - c.p) / 6)
        return PM_ERR_STATE;
    if (nn && (st = pm_array_reserve(&a->name_exp, &a->name_exp_cap, (size_t)nn, sizeof *a->name_exp,
                                     1024, UINT32_MAX)) != PM_OK)
        return st;
    for (uint64_t i = 0; st == PM_OK && i < nn; i++) {
        size_t len = (size_t)ld_u(&c, 2);
        if (c.bad || !len || len >= PM_PNAME_BYTES || (size_t)(c.end - c.p) < len)
            return PM_ERR_STATE;
        uint32_t idx;
        st = pm_pname_table_intern(a->names, (const char *)c.p, len, &idx);
        c.p += len;
        if (st == PM_OK && idx != i) /* names come back in their first-seen order */
            return PM_ERR_STATE;
        a->name_exp[i] = (int32_t)(uint32_t)ld_u(&c, 4);
    }
    a->joined = ld_u(&c, 8);
    uint64_t nr = ld_u(&c, 8);
    if (c.bad || nr > (uint64_t)(c.end - c.p) / 16)
        return PM_ERR_STATE;
    for (uint64_t i = 0; st == PM_OK && i < nr; i++) {
        st = pm_array_reserve(&a->reuse, &a->reuse_cap, a->nreuse + 1, sizeof *a->reuse, 256,
                              UINT32_MAX);
        if (st == PM_OK) {
            a->reuse[a->nreuse][0] = ld_u(&c, 8);
            a->reuse[a->nreuse++][1] = ld_u(&c, 8);
        }
    }
    a->prev_ctx = st == PM_OK ? ld_u(&c, 8) : 0;
    uint64_t ns = st == PM_OK ? ld_u(&c, 8) : 0;
    if (st == PM_OK && (c.bad || ns > (uint64_t)(c.end - c.p) / 48))
        return PM_ERR_STATE;
    if (ns && !(a->prev = calloc((size_t)ns, sizeof *a->prev)))
        return PM_ERR_NOMEM;
    for (uint64_t i = 0; i < ns; i++) {
        pm_seg_entry *e = &a->prev[i];
        e->key = ld_u(&c, 8);
        e->digest = ld_u(&c, 8);
        for (int t = 0; t < PM_SEG_TABLES; t++) {
            e->t[t].off = ld_u(&c, 8);
            e->t[t].len = ld_u(&c, 8);
        }
    }
    a->nprev = (size_t)ns;
    uint64_t npr = st == PM_OK ? ld_u(&c, 8) : 0;
    if (st == PM_OK && (c.bad || npr > (uint64_t)(c.end - c.p) / 16))
        return PM_ERR_STATE;
    if (npr && !(a->prev_reuse = malloc((size_t)npr * sizeof *a->prev_reuse)))
        return PM_ERR_NOMEM;
    for (uint64_t i = 0; i < npr; i++) {
        a->prev_reuse[i][0] = ld_u(&c, 8);
        a->prev_reuse[i][1] = ld_u(&c, 8);
    }
    a->nprev_reuse = (size_t)npr;
    a->ncites_prev = a->ncites;
    if (st == PM_OK && (c.bad || c.p != c.end))
        st = PM_ERR_STATE;
    return st;
}
