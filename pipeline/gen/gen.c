/* gen/gen.c - `policyminer gen`: a synthetic corpus at any scale, with exact truth.
 *
 * Shape: issuer levels ~13/25/40/22% (central/provincial/prefecture/county) over real
 * divisions, dates 2000-2022 with volume growing over time, bodies of 1,000-8,000
 * characters (mean ~3,000), a few instruments per document (~41% with a fiscal or
 * financial one), titles, 文号 and signature blocks in the real formats; 30% of documents
 * omit <issuer>, 10% omit <date>, half carry a <region> hint.
 * Planted diffusion: each named experiment of the dictionaries starts in one local region
 * and spreads to same-province and neighbouring-province regions with exponential lags;
 * about a quarter are later adopted by the centre. Adoption documents are spread evenly
 * through the corpus.
 * Files are generated in parallel (OpenMP), each from its own random stream, and truth
 * rows are written in file order: the output is identical for any thread count.
 */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "gen_internal.h"
#include "policyminer/classify.h"
#include "policyminer/diffusion.h"
#include "policyminer/gen.h"
#include "policyminer/sinks.h"
#include "policyminer/textparse.h"
#include "policyminer/utf8.h"

void pm_gen_options_default(pm_gen_options *o)
{
    memset(o, 0, sizeof *o);
    o->dict_dir = "dictionaries";
    o->seed = 1;
    o->docs_per_file = 1000;
    o->level = 6;
    o->giant_bytes = (uint64_t)65 << 20;
}

typedef struct region {
    uint32_t code, province;
    pm_level level;
    const char *name;   /* full name */
    const char *parent; /* prefecture (or province) name for counties */
    int first_year;     /* in use from: a document dated earlier never names it */
} region;

typedef struct adoption {
    uint32_t exp;     /* experiment category */
    uint32_t region;  /* index into regions (UINT32_MAX = the centre) */
    uint32_t from;    /* region it learned from (UINT32_MAX = none) */
    int32_t date;
    uint64_t doc;     /* document index carrying it */
} adoption;

typedef struct world {
    const pm_gen_options *o;
    pm_classifier *cls;
    const pm_dictset *d;
    size_t instr, sector, exp; /* dimensions */
    region *regions;
    uint32_t nreg, by_level[PM_LEVEL_COUNT][2]; /* [first, count] in regions, sorted by level */
    const char **places;
    adoption *adopt;
    size_t nadopt;
    pm_country *country; /* the China pack: only for the province border table */
    /* What each planted phrase matches on its own, in every dimension (an example of one
     * category may also name a sector, say): the truth is the union over planted phrases. */
    pm_catset *exsets;          /* [example][dim] */
    size_t exoff[2][PM_MAX_CATS + 1]; /* first example of (instrument|sector, cat) */
    pm_catset *titlesets;       /* [experiment][dim]: the adopting title's phrase */
    size_t ndims;
    char (*chars)[4];
    pm_gen_vocab vocab;
} world;

/* Common characters (GB2312 level 1, decoded with iconv) that no dictionary pattern
 * contains, so made-up names can never form a dictionary term. */
static pm_status safe_chars(world *w)
{
    iconv_t cd = iconv_open("UTF-8", "GB2312");
    if (cd == (iconv_t)-1)
        return PM_OK; /* prose then has less entropy, nothing breaks */
    w->chars = calloc(94 * 40, sizeof *w->chars);
    if (!w->chars) {
        iconv_close(cd);
        return PM_ERR_NOMEM;
    }
    uint32_t n = 0;
    for (int hi = 0xB0; hi <= 0xD7; hi++)
        for (int lo = 0xA1; lo <= 0xFE; lo++) {
            char in[2] = {(char)hi, (char)lo}, out[8];
            char *ip = in, *op = out;
            size_t il = 2, ol = sizeof out;
            if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || op - out != 3)
                continue;
            out[3] = '\0';
            int used = 0;
            for (size_t p = 0; !used && p < pm_dictset_npatterns(w->d); p++)
                used = strstr(pm_dictset_pattern(w->d, p), out) != NULL;
            if (!used)
                memcpy(w->chars[n++], out, 4);
        }
    iconv_close(cd);
    w->vocab.chars = (const char (*)[4])w->chars;
    w->vocab.n_chars = n;
    return PM_OK;
}

static const char *const CENTRAL[] = {"国务院", "国务院办公厅", "国家发展改革委", "工业和信息化部",
                                      "财政部", "科学技术部", "商务部", "国家税务总局"};
static const char *const CENTRAL_DOCNO[] = {"国发", "国办发", "发改产业", "工信部", "财税", "国科发",
                                            "商产发", "税总发"};
static const char *const SUFFIX[PM_LEVEL_COUNT][4] = {
    {"", "", "", ""},
    {"", "", "", ""},
    {"人民政府", "人民政府办公厅", "发展和改革委员会", "财政厅"},
    {"人民政府", "人民政府办公室", "发展和改革委员会", "财政局"},
    {"人民政府", "人民政府办公室", "人民政府", "财政局"}};
static const char *const ABBR[][2] = {
    {"11", "京"}, {"12", "津"}, {"13", "冀"}, {"14", "晋"}, {"15", "内蒙古"}, {"21", "辽"}, {"22", "吉"},
    {"23", "黑"}, {"31", "沪"}, {"32", "苏"}, {"33", "浙"}, {"34", "皖"}, {"35", "闽"}, {"36", "赣"},
    {"37", "鲁"}, {"41", "豫"}, {"42", "鄂"}, {"43", "湘"}, {"44", "粤"}, {"45", "桂"}, {"46", "琼"},
    {"50", "渝"}, {"51", "川"}, {"52", "黔"}, {"53", "云"}, {"54", "藏"}, {"61", "陕"}, {"62", "甘"},
    {"63", "青"}, {"64", "宁"}, {"65", "新"}};
static const char *const DOCTYPE[] = {"通知", "意见", "实施意见", "若干措施", "办法", "决定"};

static int cmp_region(const void *a, const void *b)
{
    const region *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return (x->code > y->code) - (x->code < y->code);
}

static pm_status match_one(const world *w, pm_dict_scratch *s, const char *text, pm_catset *out)
{
    pm_dict_stats ds = {0, 0};
    return pm_dictset_match(w->d, s, text, strlen(text), out, &ds, NULL, NULL);
}

static pm_status match_examples(world *w)
{
    pm_dict_scratch *s;
    pm_status st = pm_dict_scratch_create(&s, w->d);
    if (st != PM_OK)
        return st;
    w->ndims = pm_dictset_ndims(w->d);
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t dim = pass ? w->sector : w->instr;
        for (size_t c = 0; c < pm_dictset_ncats(w->d, dim); c++) {
            w->exoff[pass][c] = total;
            total += pm_dictset_cat_nexamples(w->d, dim, c);
        }
        w->exoff[pass][pm_dictset_ncats(w->d, dim)] = total;
    }
    size_t ne = w->exp == (size_t)-1 ? 0 : pm_dictset_ncats(w->d, w->exp);
    w->exsets = calloc((total + 1) * w->ndims, sizeof *w->exsets);
    w->titlesets = calloc((ne + 1) * w->ndims, sizeof *w->titlesets);
    if (!w->exsets || !w->titlesets)
        st = PM_ERR_NOMEM;
    for (int pass = 0; st == PM_OK && pass < 2; pass++) {
        size_t dim = pass ? w->sector : w->instr;
        for (size_t c = 0; st == PM_OK && c < pm_dictset_ncats(w->d, dim); c++)
            for (size_t i = 0; st == PM_OK && i < pm_dictset_cat_nexamples(w->d, dim, c); i++)
                st = match_one(w, s, pm_dictset_cat_example(w->d, dim, c, i),
                               &w->exsets[(w->exoff[pass][c] + i) * w->ndims]);
    }
    for (size_t e = 0; st == PM_OK && e < ne; e++) {
        char t[512];
        snprintf(t, sizeof t, "关于全面推行%s的实施意见", pm_dictset_cat_label(w->d, w->exp, e, "zh"));
        st = match_one(w, s, t, &w->titlesets[e * w->ndims]);
    }
    pm_dict_scratch_free(s);
    return st;
}

/* Drops place names that a dictionary pattern matches (港口区 is a sector word). */
static pm_status safe_places(world *w)
{
    pm_dict_scratch *s;
    pm_status st = pm_dict_scratch_create(&s, w->d);
    pm_catset out[PM_MAX_DIMS];
    uint32_t k = 0;
    for (uint32_t i = 0; st == PM_OK && i < w->vocab.n_places; i++) {
        st = match_one(w, s, w->places[i], out);
        int any = 0;
        for (size_t d = 0; d < w->ndims; d++)
            for (int q = 0; q < PM_CATSET_WORDS; q++)
                any |= out[d].w[q] != 0;
        if (!any)
            w->places[k++] = w->places[i];
    }
    w->vocab.n_places = k;
    pm_dict_scratch_free(s);
    return st;
}

static void catset_or(pm_catset *a, const pm_catset *b)
{
    for (int q = 0; q < PM_CATSET_WORDS; q++)
        a->w[q] |= b->w[q];
}

static pm_status build_world(world *w, pm_errctx *err)
{
    const pm_gen_options *o = w->o;
    pm_dict_options dopt;
    pm_dict_options_default(&dopt);
    pm_status st = pm_classifier_load(&w->cls, o->dict_dir, &dopt, err);
    if (st != PM_OK)
        return st;
    w->d = pm_classifier_dicts(w->cls);
    w->instr = pm_dictset_dim_find(w->d, "instrument");
    w->sector = pm_dictset_dim_find(w->d, "sector");
    w->exp = pm_dictset_dim_find(w->d, "experiment");
    if (w->instr == (size_t)-1 || w->sector == (size_t)-1)
        return pm_errctx_set(err, PM_ERR_DICT_SYNTAX, o->dict_dir,
                             "the generator needs instrument and sector dictionaries");
    const pm_gazetteer *g = pm_classifier_gazetteer(w->cls);
    size_t n = pm_gaz_count(g);
    w->regions = calloc(n, sizeof *w->regions);
    w->places = calloc(n, sizeof *w->places);
    if (!w->regions || !w->places)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const pm_division *dv = pm_gaz_at(g, i);
        if (dv->last_year || dv->code >= 710000) /* current mainland divisions only */
            continue;
        const pm_division *par = dv->level == PM_LEVEL_COUNTY ? pm_gaz_find(g, dv->parent_code, 0) : NULL;
        w->regions[w->nreg] = (region){dv->code, dv->province_code, dv->level, dv->name,
                                       par ? par->name : "", dv->first_year};
        w->places[w->nreg] = dv->name;
        w->nreg++;
    }
    qsort(w->regions, w->nreg, sizeof *w->regions, cmp_region);
    for (uint32_t i = 0; i < w->nreg; i++) {
        pm_level l = w->regions[i].level;
        if (!w->by_level[l][1])
            w->by_level[l][0] = i;
        w->by_level[l][1]++;
    }
    w->vocab.places = w->places;
    w->vocab.n_places = w->nreg;
    st = safe_chars(w);
    if (st == PM_OK)
        st = match_examples(w);
    if (st == PM_OK)
        st = safe_places(w);
    if (st == PM_OK) /* the generator writes Chinese documents: China's pack */
        st = pm_country_open(&w->country, "cn", o->dict_dir, err);
    return st;
}

static int32_t random_date(pm_rng *r, int y0, int y1)
{
    int y = y0 + (int)pm_rng_below(r, (uint32_t)(y1 - y0 + 1));
    int m = 1 + (int)pm_rng_below(r, 12);
    int d = 1 + (int)pm_rng_below(r, 28);
    return y * 10000 + m * 100 + d;
}

static int32_t add_years(int32_t ymd, double years)
{
    double t = ymd / 10000 + ((ymd / 100 % 100) - 1) / 12.0 + years;
    int y = (int)t;
    int m = 1 + (int)((t - y) * 12);
    if (y > 2022)
        return 20221231;
    return y * 10000 + m * 100 + 1 + (int)(ymd % 100 % 28);
}

static uint32_t pick_level(const world *w, pm_rng *r, pm_level l)
{
    return w->by_level[l][0] + pm_rng_below(r, w->by_level[l][1]);
}

/* A region of level l in use in `year` (米林市 from 2023 never issues a 2010 document): the
 * first pick if it was, else further picks, else the first such region of the level. */
static uint32_t pick_level_in(const world *w, pm_rng *r, pm_level l, uint32_t first, int year)
{
    uint32_t c = first;
    for (int tries = 0; w->regions[c].first_year > year && tries < 64; tries++)
        c = pick_level(w, r, l);
    for (uint32_t i = 0; w->regions[c].first_year > year && i < w->by_level[l][1]; i++)
        c = w->by_level[l][0] + i;
    return c;
}

/* A region of level l near `src`: same province, else a neighbouring one, else any. */
static uint32_t pick_near(const world *w, pm_rng *r, uint32_t src, pm_level l)
{
    double u = pm_rng_unit(r);
    uint32_t prov = w->regions[src].province;
    for (int tries = 0; tries < 200; tries++) {
        uint32_t c = pick_level(w, r, l);
        uint32_t p = w->regions[c].province;
        if (c == src)
            continue;
        if (u < 0.5 ? p == prov : u < 0.8 ? pm_country_region_neighbours(w->country, pm_country_region_find(w->country, p, 0),
                                                             pm_country_region_find(w->country, prov, 0)) : 1)
            return c;
    }
    return pick_level(w, r, l);
}

static int cmp_adoption(const void *a, const void *b)
{
    const adoption *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->exp != y->exp)
        return x->exp < y->exp ? -1 : 1;
    return (x->region > y->region) - (x->region < y->region);
}

/* Giant documents sit at evenly spaced indices (never on a planted adoption: see
 * plant_cascades, which skips them). */
static int is_giant(const pm_gen_options *o, uint64_t d)
{
    for (uint32_t k = 0; k < o->giant; k++)
        if (d == (2 * k + 1) * o->n_docs / (2 * (uint64_t)o->giant))
            return 1;
    return 0;
}

/* Plants the cascades: every experiment of the dictionary spreads over the regions. */
static pm_status plant_cascades(world *w)
{
    if (w->exp == (size_t)-1 || w->o->n_docs < 200)
        return PM_OK;
    pm_rng r;
    pm_rng_seed(&r, w->o->seed ^ 0xC0FFEEull);
    size_t ne = pm_dictset_ncats(w->d, w->exp), cap = ne * 64;
    w->adopt = calloc(cap, sizeof *w->adopt);
    if (!w->adopt)
        return PM_ERR_NOMEM;
    for (uint32_t e = 0; e < ne; e++) {
        double u = pm_rng_unit(&r);
        pm_level pl = u < 0.8 ? PM_LEVEL_PREFECTURE : u < 0.9 ? PM_LEVEL_COUNTY : PM_LEVEL_PROVINCIAL;
        size_t first = w->nadopt;
        uint32_t pioneer = pick_level(w, &r, pl);
        int32_t t0 = random_date(&r, 2004, 2016);
        pioneer = pick_level_in(w, &r, pl, pioneer, t0 / 10000);
        w->adopt[w->nadopt++] = (adoption){e, pioneer, UINT32_MAX, t0, 0};
        int copied = pm_rng_unit(&r) < 0.68;
        int n = copied ? 3 + (int)pm_rng_below(&r, 12) : 0;
        for (int k = 0; k < n && w->nadopt < cap - 1; k++) {
            const adoption *src = &w->adopt[first + pm_rng_below(&r, (uint32_t)(w->nadopt - first))];
            if (src->region == UINT32_MAX)
                continue;
            uint32_t dst = pick_near(w, &r, src->region, PM_LEVEL_PREFECTURE);
            int dup = 0;
            for (size_t q = first; q < w->nadopt; q++)
                dup |= w->adopt[q].region == dst;
            if (dup)
                continue;
            int32_t t = add_years(src->date, -log(1.0 - pm_rng_unit(&r)) * 1.5);
            if (w->regions[dst].first_year > t / 10000) /* not yet created then */
                continue;
            w->adopt[w->nadopt++] = (adoption){e, dst, src->region, t, 0};
        }
        if (pm_rng_unit(&r) < 0.24)
            w->adopt[w->nadopt++] =
                (adoption){e, UINT32_MAX, UINT32_MAX, add_years(t0, 3 + pm_rng_unit(&r) * 5), 0};
    }
    qsort(w->adopt, w->nadopt, sizeof *w->adopt, cmp_adoption);
    if (w->nadopt > w->o->n_docs)
        w->nadopt = (size_t)w->o->n_docs;
    for (size_t i = 0; i < w->nadopt; i++) { /* spread evenly through the corpus */
        uint64_t d = (uint64_t)((double)i * (double)w->o->n_docs / (double)w->nadopt);
        while (is_giant(w->o, d) || (i && d <= w->adopt[i - 1].doc))
            d++;
        w->adopt[i].doc = d < w->o->n_docs ? d : w->o->n_docs - 1;
    }
    return PM_OK;
}

static const adoption *adoption_at(const world *w, uint64_t doc)
{
    size_t lo = 0, hi = w->nadopt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->adopt[mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < w->nadopt && w->adopt[lo].doc == doc ? &w->adopt[lo] : NULL;
}

static const char *abbr(uint32_t province)
{
    char p[3];
    snprintf(p, sizeof p, "%02u", province / 10000 % 100);
    for (size_t i = 0; i < sizeof ABBR / sizeof *ABBR; i++)
        if (strcmp(ABBR[i][0], p) == 0)
            return ABBR[i][1];
    return "";
}

/* Category keys picked for one document: instruments and sectors (bitsets). */
typedef struct picks {
    pm_catset instr, sector, exp;
} picks;

static void pick_categories(const world *w, pm_rng *r, picks *p)
{
    memset(p, 0, sizeof *p);
    size_t ni = pm_dictset_ncats(w->d, w->instr), ns = pm_dictset_ncats(w->d, w->sector);
    int want_fiscal = pm_rng_unit(r) < 0.41;
    int k = 1 + (int)pm_rng_below(r, 3);
    for (int tries = 0; k > 0 && tries < 100; tries++) {
        size_t c = pm_rng_below(r, (uint32_t)ni);
        int fiscal = strcmp(pm_dictset_cat_group(w->d, w->instr, c), "fiscal_financial") == 0;
        if (fiscal != want_fiscal && !(want_fiscal && k > 1 && !fiscal))
            continue;
        if (!pm_dictset_cat_nexamples(w->d, w->instr, c))
            continue;
        pm_catset_set(&p->instr, (unsigned)c);
        if (fiscal)
            want_fiscal = 0; /* one fiscal measure is enough */
        k--;
    }
    int m = 1 + (int)pm_rng_below(r, 2);
    for (int tries = 0; m > 0 && tries < 100; tries++) {
        size_t c = pm_rng_below(r, (uint32_t)ns);
        if (pm_dictset_cat_nexamples(w->d, w->sector, c)) {
            pm_catset_set(&p->sector, (unsigned)c);
            m--;
        }
    }
}

static pm_status keys(pm_buf *b, const pm_dictset *d, size_t dim, const pm_catset *cs, int groups)
{
    pm_status st = PM_OK;
    int first = 1;
    if (groups) {
        for (size_t g = 0; st == PM_OK && g < pm_dictset_ngroups(d, dim); g++) {
            int any = 0;
            for (size_t c = 0; c < pm_dictset_ncats(d, dim); c++)
                any |= pm_catset_has(cs, (unsigned)c) && pm_dictset_cat_group_index(d, dim, c) == g &&
                       pm_dictset_cat_group(d, dim, c)[0];
            if (any) {
                st = pm_buf_printf(b, "%s%s", first ? "" : ";", pm_dictset_group_key(d, dim, g));
                first = 0;
            }
        }
        return st;
    }
    for (size_t c = 0; st == PM_OK && c < pm_dictset_ncats(d, dim); c++)
        if (pm_catset_has(cs, (unsigned)c)) {
            st = pm_buf_printf(b, "%s%s", first ? "" : ";", pm_dictset_cat_key(d, dim, c));
            first = 0;
        }
    return st;
}

typedef struct filebuf {
    pm_buf xml, truth, rejects;
    uint64_t bad;
    /* planted text reuse (--copies): the last clean original body of this file */
    pm_buf src, reuse;
    uint64_t src_idx;
    int have_src;
} filebuf;


#define TRY(x) do { if ((st = (x)) != PM_OK) return st; } while (0)

/* --copies: replaces the body just written at x[from..] by a copy of the file's last
 * original body: whole (40% of the copies), a contiguous 50-90% of it with 10-40% new
 * prose around it (35%), or an excerpt: a contiguous 15-35% of it taken from its first
 * 5,400 bytes (inside what text reuse keeps), with a little new prose (25%: a short
 * document copied inside a longer one). Truth: truth_reuse.tsv (source, copy, kind,
 * share of the source). */
static pm_status plant_copy(const world *w, pm_rng *r, uint64_t idx, filebuf *fb, size_t from)
{
    pm_status st;
    pm_buf *x = &fb->xml;
    const char *s = fb->src.data;
    size_t n = fb->src.len, a = 0, b = n;
    double u = pm_rng_unit(r);
    int whole = u < 0.4, excerpt = u >= 0.75;
    double share = 1.0;
    if (!whole) {
        share = excerpt ? 0.15 + 0.2 * pm_rng_unit(r) : 0.5 + 0.4 * pm_rng_unit(r);
        size_t keep = (size_t)((double)n * share);
        size_t room = n - keep;
        if (excerpt && keep < 5400)
            room = room < 5400 - keep ? room : 5400 - keep;
        a = (size_t)((double)room * pm_rng_unit(r));
        b = a + keep;
        a = pm_utf8_ceil(s, n, a); /* on character boundaries */
        b = pm_utf8_ceil(s, n, b);
    }
    x->len = from;
    /* new prose before and after: 10-40% of the copied length in all (excerpts 0-10%) */
    double more = excerpt ? 0.05 : 0.15, base = excerpt ? 0.0 : 0.05;
    if (!whole)
        TRY(pm_gen_prose(x, r, (int)((double)(b - a) / 3.0 * (base + more * pm_rng_unit(r))), &w->vocab));
    TRY(pm_buf_append(x, s + a, b - a));
    if (!whole)
        TRY(pm_gen_prose(x, r, (int)((double)(b - a) / 3.0 * (base + more * pm_rng_unit(r))), &w->vocab));
    return pm_buf_printf(&fb->reuse, "d%08llu	d%08llu	%s	%.4f\n",
                         (unsigned long long)fb->src_idx, (unsigned long long)idx,
                         whole ? "copy" : excerpt ? "excerpt" : "partial",
                         (double)(b - a) / (double)(n ? n : 1));
}

/* kind: 0 = may be planted bad at the requested rate, -1 = must stay clean (it will be
 * cut by a truncated gzip member), PM_ERR_DOC_TOO_BIG = a giant document. */
static pm_status gen_doc(const world *w, pm_rng *r, uint64_t idx, const char *fname, filebuf *fb,
                         int kind)
{
    pm_status st;
    const adoption *ad = adoption_at(w, idx);
    picks pk;
    pick_categories(w, r, &pk);
    pm_catset truth[PM_MAX_DIMS];
    memset(truth, 0, sizeof truth);
    /* who and when */
    pm_level lv;
    uint32_t reg = UINT32_MAX;
    int32_t date;
    if (ad) {
        reg = ad->region;
        lv = reg == UINT32_MAX ? PM_LEVEL_CENTRAL : w->regions[reg].level;
        date = ad->date;
        pm_catset_set(&pk.exp, ad->exp);
        for (size_t d = 0; d < w->ndims; d++)
            catset_or(&truth[d], &w->titlesets[ad->exp * w->ndims + d]);
    } else {
        double u = pm_rng_unit(r);
        lv = u < 0.13 ? PM_LEVEL_CENTRAL : u < 0.38 ? PM_LEVEL_PROVINCIAL : u < 0.78 ? PM_LEVEL_PREFECTURE
                                                                         : PM_LEVEL_COUNTY;
        if (lv != PM_LEVEL_CENTRAL)
            reg = pick_level(w, r, lv);
        /* volume grows over time: year density ~ (year - 1995) */
        double y = 1995 + sqrt(25.0 + pm_rng_unit(r) * (27.0 * 27.0 - 25.0)) + 0.0;
        int yi = (int)y;
        if (yi < 2000)
            yi = 2000;
        if (yi > 2022)
            yi = 2022;
        date = random_date(r, yi, yi);
        if (reg != UINT32_MAX)
            reg = pick_level_in(w, r, lv, reg, yi);
    }
    const region *R = reg == UINT32_MAX ? NULL : &w->regions[reg];
    char issuer[256], docno[96], title[512];
    uint32_t ci = pm_rng_below(r, 8);
    if (!R)
        snprintf(issuer, sizeof issuer, "%s", CENTRAL[ci]);
    else if (lv == PM_LEVEL_COUNTY && R->parent[0] && pm_rng_unit(r) < 0.6)
        snprintf(issuer, sizeof issuer, "%s%s%s", R->parent, R->name, SUFFIX[lv][pm_rng_below(r, 4)]);
    else
        snprintf(issuer, sizeof issuer, "%s%s", R->name, SUFFIX[lv][pm_rng_below(r, 4)]);
    int year = date / 10000;
    unsigned serial = 1 + pm_rng_below(r, 150);
    if (!R)
        snprintf(docno, sizeof docno, "%s〔%d〕%u号", CENTRAL_DOCNO[ci], year, serial);
    else if (lv == PM_LEVEL_PROVINCIAL)
        snprintf(docno, sizeof docno, "%s%s〔%d〕%u号", abbr(R->province),
                 pm_rng_unit(r) < 0.5 ? "府" : "政发", year, serial);
    else {
        uint32_t cp;
        int l = pm_utf8_next(R->name, strlen(R->name), &cp);
        snprintf(docno, sizeof docno, "%.*s%s〔%d〕%u号", l, R->name,
                 lv == PM_LEVEL_PREFECTURE ? "府" : "政发", year, serial);
    }
    const char *where = R ? R->name : "";
    if (ad) /* the adopting title names the experiment with an adoption verb */
        snprintf(title, sizeof title, "%s关于全面推行%s的实施意见", issuer,
                 pm_dictset_cat_label(w->d, w->exp, ad->exp, "zh"));
    else
        snprintf(title, sizeof title, "%s关于印发《%s进一步做好相关工作若干措施》的%s", issuer, where,
                 DOCTYPE[pm_rng_below(r, 6)]);

    /* bad documents, planted at the requested rate */
    pm_status bad = PM_OK;
    if (kind == PM_ERR_DOC_TOO_BIG)
        bad = PM_ERR_DOC_TOO_BIG;
    else if (w->o->bad_rate > 0 && pm_rng_unit(r) < w->o->bad_rate && kind == 0 && !ad) {
        static const pm_status kinds[] = {PM_ERR_XML, PM_ERR_UTF8, PM_ERR_NO_ID};
        bad = kinds[pm_rng_below(r, 3)]; /* adoption documents stay clean: cascades are exact */
    }

    pm_buf *x = &fb->xml;
    if (bad == PM_ERR_NO_ID)
        TRY(pm_buf_append_str(x, "<doc>"));
    else
        TRY(pm_buf_printf(x, "<doc id=\"d%08llu\">", (unsigned long long)idx));
    TRY(pm_buf_printf(x, "<title>%s</title>", title));
    int omit_issuer = pm_rng_unit(r) < 0.3, omit_date = pm_rng_unit(r) < 0.1;
    if (!omit_issuer)
        TRY(pm_buf_printf(x, "<issuer>%s</issuer>", issuer));
    TRY(pm_buf_printf(x, "<docno>%s</docno>", docno));
    if (!omit_date)
        TRY(pm_buf_printf(x, "<date>%04d-%02d-%02d</date>", year, date / 100 % 100, date % 100));
    if (R && pm_rng_unit(r) < 0.5)
        TRY(pm_buf_printf(x, "<region code=\"%06u\"/>", (unsigned)R->code));
    TRY(pm_buf_printf(x, "<url>http://www.example.gov.cn/zwgk/%llu.html</url><body>",
                      (unsigned long long)idx));
    size_t body_from = x->len;
    /* body: length 1,000-8,000 characters, mean ~3,000 (log-normal) */
    double len = exp(7.9 + 0.45 * sqrt(-2 * log(1 - pm_rng_unit(r))) * cos(6.283185307 * pm_rng_unit(r)));
    int chars = len < 1000 ? 1000 : len > 8000 ? 8000 : (int)len;
    TRY(pm_buf_append_str(x, "各有关单位：\n"));
    int nplant = 0;
    for (size_t c = 0; c < pm_dictset_ncats(w->d, w->instr); c++)
        nplant += pm_catset_has(&pk.instr, (unsigned)c);
    for (size_t c = 0; c < pm_dictset_ncats(w->d, w->sector); c++)
        nplant += pm_catset_has(&pk.sector, (unsigned)c);
    int chunk = chars / (nplant + 2);
    int n_done = 0;
    static const char *const ORD[] = {"一", "二", "三", "四", "五", "六", "七", "八"};
    for (int pass = 0; pass < 2; pass++) {
        size_t dim = pass ? w->sector : w->instr;
        const pm_catset *cs = pass ? &pk.sector : &pk.instr;
        for (size_t c = 0; c < pm_dictset_ncats(w->d, dim); c++) {
            if (!pm_catset_has(cs, (unsigned)c))
                continue;
            TRY(pm_gen_prose(x, r, chunk, &w->vocab));
            size_t ne = pm_dictset_cat_nexamples(w->d, dim, c), e = pm_rng_below(r, (uint32_t)ne);
            TRY(pm_buf_printf(x, "\n%s、%s。", ORD[n_done++ % 8], pm_dictset_cat_example(w->d, dim, c, e)));
            for (size_t d = 0; d < w->ndims; d++)
                catset_or(&truth[d], &w->exsets[(w->exoff[pass][c] + e) * w->ndims + d]);
        }
    }
    if (ad && ad->from != UINT32_MAX)
        TRY(pm_buf_printf(x, "\n学习%s的经验，结合本地实际推进工作。", w->regions[ad->from].name));
    TRY(pm_gen_prose(x, r, chunk * 2, &w->vocab));
    if (bad == PM_ERR_DOC_TOO_BIG) { /* repeat one stretch of prose past the size cap */
        TRY(pm_buf_reserve(x, w->o->giant_bytes + 200000)); /* no realloc: we copy from x */
        size_t from = x->len;
        TRY(pm_gen_prose(x, r, 20000, &w->vocab));
        size_t n = x->len - from;
        while (x->len - from < w->o->giant_bytes)
            TRY(pm_buf_append(x, x->data + from, n));
    }
    if (bad == PM_ERR_UTF8)
        TRY(pm_buf_append_str(x, "\xff\xfe"));
    if (bad == PM_ERR_XML)
        TRY(pm_buf_append_str(x, "<p>未闭合的段落"));
    TRY(pm_buf_printf(x, "\n\n%s\n", issuer));
    TRY(pm_gen_cn_date(x, date));
    TRY(pm_buf_append_str(x, "\n（此件公开发布）"));
    if (w->o->copy_rate > 0 && bad == PM_OK && !ad && kind == 0) { /* planted text reuse */
        if (fb->have_src && pm_rng_unit(r) < w->o->copy_rate) {
            TRY(plant_copy(w, r, idx, fb, body_from));
        } else {
            pm_buf_reset(&fb->src);
            TRY(pm_buf_append(&fb->src, x->data + body_from, x->len - body_from));
            fb->src_idx = idx;
            fb->have_src = 1;
        }
    }
    TRY(pm_buf_append_str(x, "</body></doc>\n"));

    if (bad != PM_OK) {
        fb->bad++;
        TRY(pm_buf_printf(&fb->rejects, "%s\t%s\t", fname, pm_status_key(bad)));
        if (bad != PM_ERR_NO_ID)
            TRY(pm_buf_printf(&fb->rejects, "d%08llu", (unsigned long long)idx));
        TRY(pm_buf_append_char(&fb->rejects, '\n'));
    }
    pm_buf *t = &fb->truth;
    TRY(pm_buf_printf(t, "d%08llu\t%s\t%s\t", (unsigned long long)idx, fname, pm_level_key(lv)));
    TRY(pm_buf_printf(t, "%06u\t", R ? (unsigned)R->code : PM_CODE_CENTRAL));
    if (R)
        TRY(pm_buf_printf(t, "%06u", (unsigned)R->province));
    TRY(pm_buf_printf(t, "\t%04d-%02d-%02d\t", year, date / 100 % 100, date % 100));
    TRY(keys(t, w->d, w->instr, &truth[w->instr], 0));
    TRY(pm_buf_append_char(t, '\t'));
    TRY(keys(t, w->d, w->instr, &truth[w->instr], 1));
    TRY(pm_buf_append_char(t, '\t'));
    TRY(keys(t, w->d, w->sector, &truth[w->sector], 0));
    TRY(pm_buf_append_char(t, '\t'));
    if (w->exp != (size_t)-1)
        TRY(keys(t, w->d, w->exp, &truth[w->exp], 0));
    /* a document cut by the truncated member: its bad key is set by the caller */
    return pm_buf_printf(t, "\t%s\n", bad != PM_OK ? pm_status_key(bad) : kind < 0 ? pm_status_key(PM_ERR_TRUNCATED_DOC) : "");
}

/* Appends one gzip member of p[0..n) to f. With keep < n the member is cut: only the
 * compressed bytes that decode to p[0..keep) are written (a sync flush there), so a reader
 * sees exactly those bytes and then a member that ends before its trailer. */
static int gz_member(FILE *f, const char *p, size_t n, size_t keep, int level, unsigned char *out,
                     size_t outsz, uint64_t *gz_bytes)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    int rc = 0, done = 0;
    size_t pos = 0;
    while (!done && rc == 0) {
        size_t stop = keep < n ? keep : n;
        size_t k = stop - pos > (1u << 20) ? 1u << 20 : stop - pos;
        int flush = pos + k < stop ? Z_NO_FLUSH : keep < n ? Z_SYNC_FLUSH : Z_FINISH;
        z.next_in = (unsigned char *)(uintptr_t)(p + pos);
        z.avail_in = (unsigned)k;
        do {
            z.next_out = out;
            z.avail_out = (unsigned)outsz;
            int zr = deflate(&z, flush);
            if (zr == Z_STREAM_ERROR) {
                rc = -1;
                break;
            }
            size_t have = outsz - z.avail_out;
            if (have && fwrite(out, 1, have, f) != have)
                rc = -1;
            *gz_bytes += have;
            if (zr == Z_STREAM_END)
                done = 1;
        } while (rc == 0 && (z.avail_in || z.avail_out == 0));
        pos += k;
        if (flush == Z_SYNC_FLUSH)
            done = 1;
    }
    deflateEnd(&z);
    return rc;
}

/* Writes the file as one gzip member, or (cut > 0) as two: [0, cut) whole, then the rest
 * in a member truncated at half_at. */
static pm_status write_file(const char *path, const pm_buf *x, size_t cut, size_t half_at, int level,
                            uint64_t *gz_bytes)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return PM_ERR_OUTPUT;
    size_t outsz = (size_t)1 << 18;
    unsigned char *out = malloc(outsz);
    int rc = out ? 0 : -1;
    if (rc == 0 && cut)
        rc = gz_member(f, x->data, cut, cut, level, out, outsz, gz_bytes);
    if (rc == 0)
        rc = gz_member(f, x->data + cut, x->len - cut, cut ? half_at - cut : x->len - cut, level, out,
                       outsz, gz_bytes);
    free(out);
    if (fclose(f) != 0)
        rc = -1;
    return rc == 0 ? PM_OK : PM_ERR_OUTPUT;
}

static pm_status write_text(const char *dir, const char *name, const char *header, pm_buf *rows,
                            pm_errctx *err)
{
    pm_outfile *f;
    pm_status st = pm_outfile_open(&f, dir, name, err);
    if (st != PM_OK)
        return st;
    st = pm_outfile_write(f, header, strlen(header), err);
    if (st == PM_OK)
        st = pm_outfile_write(f, rows->data ? rows->data : "", rows->len, err);
    if (st == PM_OK)
        return pm_outfile_commit(f, err);
    pm_outfile_abort(f);
    return st;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

pm_status pm_gen_run(const pm_gen_options *o, pm_gen_summary *sum, pm_errctx *err)
{
    memset(sum, 0, sizeof *sum);
    pm_errctx_clear(err);
    double t0 = now();
    if (!o->outdir || !o->n_docs || !o->docs_per_file)
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "need -n DOCS, -o DIR and docs per file > 0");
    /* the documents go to DIR/corpus and the truth tables beside them in DIR, so a run
     * over DIR/corpus reads documents only */
    char cdir[4096];
    if (snprintf(cdir, sizeof cdir, "%s/corpus", o->outdir) >= (int)sizeof cdir)
        return pm_errctx_set(err, PM_ERR_ARG, o->outdir, "output path too long");
    if (pm_outfile_mkdirs(cdir) != 0)
        return pm_errctx_set(err, PM_ERR_OUTPUT, cdir, "cannot create: %s", strerror(errno));
    world w;
    memset(&w, 0, sizeof w);
    w.o = o;
    pm_status st = build_world(&w, err);
    if (st == PM_OK)
        st = plant_cascades(&w);
    uint64_t nfiles = (o->n_docs + o->docs_per_file - 1) / o->docs_per_file;
    pm_buf truth, rejects, reuse;
    pm_buf_init(&reuse, (size_t)1 << 32);
    pm_buf_init(&truth, (size_t)1 << 34);
    pm_buf_init(&rejects, (size_t)1 << 32);
    int nt = o->threads > 0 ? o->threads : omp_get_num_procs();
    pm_status shared = st;
    uint64_t xml_bytes = 0, gz_bytes = 0, bad = 0, trunc_files = 0;
    double t_gen = 0, t_gz = 0;
    if (st == PM_OK) {
#pragma omp parallel for ordered schedule(dynamic, 1) num_threads(nt) reduction(+ : xml_bytes, gz_bytes, bad, t_gen, t_gz, trunc_files)
        for (uint64_t f = 0; f < nfiles; f++) {
            filebuf fb;
            pm_buf_init(&fb.xml, (size_t)1 << 31);
            pm_buf_init(&fb.truth, (size_t)1 << 30);
            pm_buf_init(&fb.rejects, (size_t)1 << 30);
            pm_buf_init(&fb.src, (size_t)1 << 30);
            pm_buf_init(&fb.reuse, (size_t)1 << 30);
            fb.bad = 0;
            fb.have_src = 0;
            fb.src_idx = 0;
            pm_rng r;
            pm_rng_seed(&r, o->seed * 0x9E3779B97F4A7C15ull + f + 1);
            char name[64], path[4200];
            snprintf(name, sizeof name, "corpus-%05llu.xml.gz", (unsigned long long)f);
            snprintf(path, sizeof path, "%s/%s", cdir, name);
            double ta = now();
            pm_status s = pm_buf_append_str(&fb.xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<corpus>\n");
            uint64_t end = (f + 1) * o->docs_per_file < o->n_docs ? (f + 1) * o->docs_per_file : o->n_docs;
            /* a truncated final member (rate bad_rate per file) cuts the file's last
             * document in half; never one that carries a planted adoption */
            int trunc = o->bad_rate > 0 && pm_rng_unit(&r) < o->bad_rate && !adoption_at(&w, end - 1) &&
                        !is_giant(o, end - 1);
            size_t cut = 0, half = 0;
            for (uint64_t d = f * o->docs_per_file; s == PM_OK && d < end; d++) {
                if (trunc && d == end - 1)
                    cut = fb.xml.len;
                s = gen_doc(&w, &r, d, name, &fb, is_giant(o, d) ? PM_ERR_DOC_TOO_BIG : trunc && d == end - 1 ? -1 : 0);
                if (trunc && d == end - 1)
                    half = cut + (fb.xml.len - cut) / 2;
            }
            if (s == PM_OK)
                s = pm_buf_append_str(&fb.xml, "</corpus>\n");
            if (s == PM_OK && trunc) {
                fb.bad++;
                s = pm_buf_printf(&fb.rejects, "%s\t%s\t\n%s\t%s\td%08llu\n", name,
                                  pm_status_key(PM_ERR_GZ_TRUNCATED), name,
                                  pm_status_key(PM_ERR_TRUNCATED_DOC), (unsigned long long)(end - 1));
            }
            uint64_t gzb = 0;
            double tb = now();
            if (s == PM_OK)
                s = write_file(path, &fb.xml, cut, half, o->level, &gzb);
            t_gen += tb - ta;
            t_gz += now() - tb;
            trunc_files += trunc;
            xml_bytes += fb.xml.len;
            gz_bytes += gzb;
            bad += fb.bad;
#pragma omp ordered
            {
                if (s == PM_OK)
                    s = pm_buf_append(&truth, fb.truth.data ? fb.truth.data : "", fb.truth.len);
                if (s == PM_OK)
                    s = pm_buf_append(&rejects, fb.rejects.data ? fb.rejects.data : "", fb.rejects.len);
                if (s == PM_OK)
                    s = pm_buf_append(&reuse, fb.reuse.data ? fb.reuse.data : "", fb.reuse.len);
                if (s != PM_OK && shared == PM_OK)
                    shared = s;
            }
            pm_buf_free(&fb.xml);
            pm_buf_free(&fb.truth);
            pm_buf_free(&fb.rejects);
            pm_buf_free(&fb.src);
            pm_buf_free(&fb.reuse);
        }
        st = shared;
        if (st != PM_OK)
            pm_errctx_set(err, st, o->outdir, "writing the corpus");
    }
    if (st == PM_OK)
        st = write_text(o->outdir, "truth_documents.tsv",
                        "doc_id\tfile\tlevel\tregion_code\tprovince_code\tdate\tinstruments\t"
                        "instrument_groups\tsectors\texperiments\tbad\n", &truth, err);
    if (st == PM_OK)
        st = write_text(o->outdir, "truth_rejects.tsv", "file\treason\tdoc_id\n", &rejects, err);
    if (st == PM_OK && o->copy_rate > 0)
        st = write_text(o->outdir, "truth_reuse.tsv", "source_doc_id\tcopy_doc_id\tkind\tshare\n",
                        &reuse, err);
    if (st == PM_OK) {
        pm_buf c;
        pm_buf_init(&c, (size_t)1 << 30);
        for (size_t i = 0; st == PM_OK && i < w.nadopt; i++) {
            const adoption *a = &w.adopt[i];
            const region *R = a->region == UINT32_MAX ? NULL : &w.regions[a->region];
            st = pm_buf_printf(&c, "%s\t%s\t%06u\t%s\t%04d-%02d-%02d\td%08llu\t",
                               pm_dictset_cat_key(w.d, w.exp, a->exp), pm_dictset_cat_key(w.d, w.exp, a->exp),
                               R ? (unsigned)R->code : PM_CODE_CENTRAL,
                               pm_level_key(R ? R->level : PM_LEVEL_CENTRAL), a->date / 10000,
                               a->date / 100 % 100, a->date % 100, (unsigned long long)a->doc);
            if (st == PM_OK && a->from != UINT32_MAX)
                st = pm_buf_printf(&c, "%06u", (unsigned)w.regions[a->from].code);
            int pioneer = 1;
            for (size_t k = 0; k < i; k++)
                pioneer &= w.adopt[k].exp != a->exp;
            if (st == PM_OK)
                st = pm_buf_printf(&c, "\t%d\n", pioneer);
        }
        if (st == PM_OK)
            st = write_text(o->outdir, "truth_cascades.tsv",
                            "experiment\tcascade_id\tnode\tlevel\tdate\tdoc_id\tlearned_from\tis_pioneer\n",
                            &c, err);
        pm_buf_free(&c);
    }
    sum->docs = o->n_docs;
    sum->files = nfiles;
    sum->bad_docs = bad;
    sum->bytes_xml = xml_bytes;
    sum->bytes_gz = gz_bytes;
    sum->adoptions = w.nadopt;
    sum->cascades = !w.d || w.exp == (size_t)-1 ? 0 : pm_dictset_ncats(w.d, w.exp);
    sum->seconds = now() - t0;
    sum->gen_seconds = t_gen;
    sum->gzip_seconds = t_gz;
    sum->truncated_files = trunc_files;
    pm_buf_free(&truth);
    pm_buf_free(&rejects);
    pm_buf_free(&reuse);
    free(w.regions);
    free(w.places);
    free(w.chars);
    free(w.exsets);
    free(w.titlesets);
    free(w.adopt);
    pm_country_free(w.country);
    pm_classifier_free(w.cls);
    return st;
}
