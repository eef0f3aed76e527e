/* country/pack.c - loads a country pack (dictionaries/<cc>/pack.tsv and the gazetteer it
 * names) into a read-only handle: the level vocabulary, code width, national code, month
 * words, the regions as a dense index with parent edges by date, and the folded name forms
 * sorted for prefix lookup. It knows nothing about any one country: the module in
 * pipeline/country/<cc>/ reads the handle through country.h. It never does arithmetic on
 * region codes (parents come from the file) and never prints.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/country.h"
#include "policyminer/hash.h"
#include "country_internal.h"

#define PACK_LINE_MAX 4096
#define PACK_MAX_REGIONS 1000000u
#define PACK_MAX_FORMS 4000000u
#define PACK_MAX_HEADER 64

typedef struct pedge {
    uint32_t child, parent;
    pm_ymd from, until;
} pedge;

/* dense index by code: a sorted (code, idx) table built once */
typedef struct code_idx {
    uint64_t code;
    uint32_t idx;
} code_idx;

typedef struct hdr_kv {
    char *key, *val;
} hdr_kv;

struct pm_country {
    const pm_country_ops *ops;
    void *state;
    char name[16];
    char checksum[80];
    unsigned nlevels;
    char *levels[PM_COUNTRY_MAX_LEVELS];
    unsigned width;
    uint64_t national_code;
    uint32_t national;
    char *months[12][4];
    hdr_kv hdr[PACK_MAX_HEADER];
    size_t nhdr;
    pm_region *regions;
    size_t nregions, capregions;
    pedge *edges;
    size_t nedges, capedges;
    pm_region_form *forms;
    size_t nforms, capforms;
    struct code_idx *byc;   /* (code, idx) sorted by code then idx: region_find */
    uint64_t *ckey;         /* open addressing, code -> its first byc entry (clo; */
    uint32_t *clo;          /* UINT32_MAX: empty): a diffusion writer's lookups */
    size_t cbits;
    uint32_t *canon;        /* per region: region_canonical, without a search per call */
    size_t ncanon;
    uint64_t *pcode;        /* while a module adds regions: parent code, UINT64_MAX = none */
    uint32_t *bylevel;      /* region indexes grouped by level, index order inside */
    size_t lvstart[PM_COUNTRY_MAX_LEVELS + 1];
    uint64_t *adj;          /* canonical (a << 32 | b), sorted, both directions */
    size_t nadj;
    pm_country_tile *tiles; /* the report's grid, file order */
    size_t ntiles;
    char dictdir[1024], packdir[1024];
    char modsum[80];        /* the module's own files (China's gazetteer), in the checksum */
    char **strings; /* every owned string, freed at the end */
    size_t nstrings, capstrings;
};

static char *own(pm_country *c, const char *s, size_t n)
{
    if (c->nstrings == c->capstrings) {
        size_t nc = c->capstrings ? c->capstrings * 2 : 256;
        char **p = realloc(c->strings, nc * sizeof *p);
        if (!p)
            return NULL;
        c->strings = p;
        c->capstrings = nc;
    }
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    c->strings[c->nstrings++] = d;
    return d;
}

static int grow(void **p, size_t *cap, size_t n, size_t elt, size_t max)
{
    if (n < *cap)
        return 0;
    if (n >= max)
        return -1;
    size_t nc = *cap ? *cap * 2 : 64;
    if (nc > max)
        nc = max;
    void *q = realloc(*p, nc * elt);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

size_t pm_pack_split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    char *nl = strpbrk(f[n - 1], "\r\n");
    if (nl)
        *nl = '\0';
    return n;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int parse_ymd(const char *s, pm_ymd *out)
{
    uint64_t v;
    if (parse_u64(s, &v) != 0 || v > 99991231u)
        return -1;
    *out = (pm_ymd)v;
    return 0;
}

/* reads one line; strips the newline; -1 on a line longer than the cap */
static int read_line(FILE *f, char *buf, size_t cap, int *eof)
{
    if (!fgets(buf, (int)cap, f)) {
        *eof = 1;
        return 0;
    }
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (!feof(f))
        return -1;
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return 0;
}

/* The rows of a pack file: blank lines and '#' comments skipped, lines counted, a line
 * longer than PACK_LINE_MAX refused with its number. */
typedef struct pack_rows {
    FILE *f;
    const char *path;
    char line[PACK_LINE_MAX];
    unsigned ln;
} pack_rows;

static pm_status rows_open(pack_rows *r, const char *path, const char *what, pm_errctx *err)
{
    r->path = path;
    r->ln = 0;
    r->f = fopen(path, "r");
    return r->f ? PM_OK
                : pm_errctx_set(err, PM_ERR_OPEN, path, "cannot open %s: %s", what, strerror(errno));
}

/* 1 with the next row in r->line (r->ln its line number); 0 at the end, or on error with *st set. */
static int rows_next(pack_rows *r, pm_status *st, pm_errctx *err)
{
    for (;;) {
        int eof = 0;
        if (read_line(r->f, r->line, sizeof r->line, &eof) != 0) {
            *st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, r->path, "line %u too long", r->ln + 1);
            return 0;
        }
        if (eof)
            return 0;
        r->ln++;
        if (r->line[0] && r->line[0] != '#')
            return 1;
    }
}

static void rows_close(pack_rows *r) { fclose(r->f); }

static pm_status load_header(pm_country *c, const char *path, char *gazname, size_t gazcap,
                             pm_errctx *err)
{
    pack_rows pr;
    pm_status st = rows_open(&pr, path, "pack header", err);
    if (st != PM_OK)
        return st;
    gazname[0] = '\0';
    while (st == PM_OK && rows_next(&pr, &st, err)) {
        char *line = pr.line;
        unsigned ln = pr.ln;
        char *fv[2 + PM_COUNTRY_MAX_LEVELS];
        size_t nf = pm_pack_split_tabs(line, fv, 2 + PM_COUNTRY_MAX_LEVELS);
        if (nf < 2) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: key without value", ln);
            break;
        }
        const char *k = fv[0];
        if (strcmp(k, "name") == 0) {
            if (strcmp(fv[1], c->name) != 0)
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                                   "line %u: pack says '%s', opened as '%s'", ln, fv[1], c->name);
        } else if (strcmp(k, "levels") == 0) {
            if (nf - 1 > PM_COUNTRY_MAX_LEVELS) {
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: too many levels", ln);
                break;
            }
            c->nlevels = (unsigned)(nf - 1);
            for (size_t i = 1; i < nf; i++)
                if (!(c->levels[i - 1] = own(c, fv[i], strlen(fv[i]))))
                    st = PM_ERR_NOMEM;
        } else if (strcmp(k, "code_width") == 0) {
            uint64_t w;
            if (parse_u64(fv[1], &w) != 0 || w < 1 || w > 19)
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: bad code_width", ln);
            else
                c->width = (unsigned)w;
        } else if (strcmp(k, "national_code") == 0) {
            if (parse_u64(fv[1], &c->national_code) != 0)
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: bad national_code",
                                   ln);
        } else if (strcmp(k, "gazetteer") == 0) {
            if (strchr(fv[1], '/') || strlen(fv[1]) >= gazcap)
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                                   "line %u: gazetteer must be a file name in the pack", ln);
            else
                strcpy(gazname, fv[1]);
        } else if (strcmp(k, "month") == 0) {
            uint64_t m;
            if (nf < 3 || parse_u64(fv[1], &m) != 0 || m < 1 || m > 12) {
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: month N word...", ln);
                break;
            }
            for (size_t i = 2; i < nf && i - 2 < 4; i++)
                if (!(c->months[m - 1][i - 2] = own(c, fv[i], strlen(fv[i]))))
                    st = PM_ERR_NOMEM;
        } else {
            /* any other key is kept for the module (date words, organ file names ...) */
            if (c->nhdr == PACK_MAX_HEADER) {
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: too many keys", ln);
                break;
            }
            char *kk = own(c, k, strlen(k)), *vv = own(c, fv[1], strlen(fv[1]));
            if (!kk || !vv) {
                st = PM_ERR_NOMEM;
                break;
            }
            c->hdr[c->nhdr].key = kk;
            c->hdr[c->nhdr].val = vv;
            c->nhdr++;
        }
    }
    rows_close(&pr);
    if (st == PM_OK && (c->nlevels == 0 || c->width == 0))
        st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "pack header needs levels and code_width");
    if (st == PM_ERR_NOMEM)
        pm_errctx_set(err, st, path, "out of memory");
    return st;
}

static int cmp_code(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

static int cmp_ci(const void *a, const void *b)
{
    const code_idx *x = a, *y = b;
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_form(const void *a, const void *b)
{
    const pm_region_form *x = a, *y = b;
    int r = strcmp(x->text, y->text);
    if (r)
        return r;
    return x->region < y->region ? -1 : x->region > y->region;
}


static uint32_t find_code(const code_idx *t, size_t n, uint64_t code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && t[lo].code == code ? t[lo].idx : PM_REGION_NONE;
}

static pm_status load_gazetteer(pm_country *c, const char *path, pm_errctx *err)
{
    pack_rows pr;
    pm_status st = rows_open(&pr, path, "gazetteer", err);
    if (st != PM_OK)
        return st;
    /* two passes over rows kept in memory: R rows first (parents may come later) */
    typedef struct raw {
        char kind;
        uint64_t a, b;
        pm_ymd from, until;
        unsigned level;
        char *s1, *s2;
        unsigned line;
    } raw;
    raw *rows = NULL;
    size_t nrows = 0, caprows = 0;
    while (st == PM_OK && rows_next(&pr, &st, err)) {
        char *line = pr.line;
        unsigned ln = pr.ln;
        char *fv[8];
        size_t nf = pm_pack_split_tabs(line, fv, 8);
        raw r;
        memset(&r, 0, sizeof r);
        r.kind = fv[0][0];
        r.line = ln;
        int bad = fv[0][1] != '\0';
        if (!bad && r.kind == 'R' && nf == 8) {
            uint64_t lv = 0; /* read only when parsed, but clang cannot see it */
            bad = parse_u64(fv[1], &r.a) || parse_u64(fv[2], &lv) || lv >= c->nlevels ||
                  (strcmp(fv[3], "-") != 0 && parse_u64(fv[3], &r.b)) ||
                  parse_ymd(fv[4], &r.from) || parse_ymd(fv[5], &r.until);
            r.level = (unsigned)lv;
            if (strcmp(fv[3], "-") == 0)
                r.b = UINT64_MAX;
            if (!bad && (!(r.s1 = own(c, fv[6], strlen(fv[6]))) ||
                         !(r.s2 = own(c, fv[7], strlen(fv[7])))))
                st = PM_ERR_NOMEM;
        } else if (!bad && r.kind == 'P' && nf == 5) {
            bad = parse_u64(fv[1], &r.a) || parse_u64(fv[2], &r.b) || parse_ymd(fv[3], &r.from) ||
                  parse_ymd(fv[4], &r.until);
        } else if (!bad && r.kind == 'F' && nf == 5) {
            bad = parse_u64(fv[1], &r.a) || parse_ymd(fv[2], &r.from) ||
                  parse_ymd(fv[3], &r.until) || !fv[4][0];
            if (!bad) {
                size_t n = strlen(fv[4]);
                char *folded = own(c, fv[4], n);
                if (!folded)
                    st = PM_ERR_NOMEM;
                else
                    pm_country_fold(fv[4], n, folded);
                r.s1 = folded;
            }
        } else {
            bad = 1;
        }
        if (bad) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: bad %c row", ln, r.kind);
            err->line = ln;
            break;
        }
        if (st == PM_OK && grow((void **)&rows, &caprows, nrows, sizeof *rows,
                                PACK_MAX_REGIONS + PACK_MAX_FORMS) != 0)
            st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "too many rows");
        if (st == PM_OK)
            rows[nrows++] = r;
    }
    rows_close(&pr);
    code_idx *ci = NULL;
    size_t nci = 0;
    if (st == PM_OK) {
        for (size_t i = 0; i < nrows && st == PM_OK; i++) {
            if (rows[i].kind != 'R')
                continue;
            if (grow((void **)&c->regions, &c->capregions, c->nregions, sizeof *c->regions,
                     PACK_MAX_REGIONS) != 0) {
                st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "too many regions");
                break;
            }
            pm_region *g = &c->regions[c->nregions++];
            g->code = rows[i].a;
            g->level = rows[i].level;
            g->parent = PM_REGION_NONE;
            g->from = rows[i].from;
            g->until = rows[i].until;
            g->name = rows[i].s1;
            g->name2 = rows[i].s2;
        }
        ci = malloc((c->nregions ? c->nregions : 1) * sizeof *ci);
        if (!ci)
            st = PM_ERR_NOMEM;
    }
    if (st == PM_OK) {
        /* one record per code: historical records carry their own code */
        for (size_t i = 0; i < c->nregions; i++) {
            ci[i].code = c->regions[i].code;
            ci[i].idx = (uint32_t)i;
        }
        nci = c->nregions;
        qsort(ci, nci, sizeof *ci, cmp_code);
        for (size_t i = 1; i < nci; i++)
            if (ci[i].code == ci[i - 1].code) {
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "code %" PRIu64 " twice",
                                   ci[i].code);
                break;
            }
    }
    size_t ri = 0;
    for (size_t i = 0; i < nrows && st == PM_OK; i++) {
        raw *r = &rows[i];
        if (r->kind == 'R') {
            if (r->b != UINT64_MAX) {
                uint32_t p = find_code(ci, nci, r->b);
                if (p == PM_REGION_NONE) {
                    st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                                       "line %u: parent %" PRIu64 " not in the gazetteer",
                                       r->line, r->b);
                    err->line = r->line;
                }
                c->regions[ri].parent = p;
            }
            ri++;
        } else if (r->kind == 'P') {
            uint32_t ch = find_code(ci, nci, r->a), p = find_code(ci, nci, r->b);
            if (ch == PM_REGION_NONE || p == PM_REGION_NONE) {
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: unknown code",
                                   r->line);
                err->line = r->line;
            } else if (grow((void **)&c->edges, &c->capedges, c->nedges, sizeof *c->edges,
                            PACK_MAX_REGIONS) != 0) {
                st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "too many parent edges");
            } else {
                c->edges[c->nedges++] = (pedge){ch, p, r->from, r->until};
            }
        } else {
            uint32_t g = find_code(ci, nci, r->a);
            if (g == PM_REGION_NONE) {
                st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: unknown code",
                                   r->line);
                err->line = r->line;
            } else if (grow((void **)&c->forms, &c->capforms, c->nforms, sizeof *c->forms,
                            PACK_MAX_FORMS) != 0) {
                st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "too many forms");
            } else {
                c->forms[c->nforms++] =
                    (pm_region_form){r->s1, strlen(r->s1), g, r->from, r->until};
            }
        }
    }
    if (st == PM_OK) {
        c->national = find_code(ci, nci, c->national_code);
        if (c->national == PM_REGION_NONE)
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "national code not in gazetteer");
        if (c->nforms)
            qsort(c->forms, c->nforms, sizeof *c->forms, cmp_form);
    }
    if (st == PM_ERR_NOMEM)
        pm_errctx_set(err, st, path, "out of memory");
    free(ci);
    free(rows);
    return st;
}

pm_status pm_country_add_region(const pm_country *cc, uint64_t code, unsigned level,
                                uint64_t parent_code, pm_ymd from, pm_ymd until,
                                const char *name, const char *name2)
{
    /* the handle was allocated writable by pm_country_open, which is still loading it */
    pm_country *c = (pm_country *)cc;
    if (level >= c->nlevels)
        return PM_ERR_DICT_SYNTAX;
    size_t cap = c->capregions;
    if (grow((void **)&c->regions, &c->capregions, c->nregions, sizeof *c->regions,
             PACK_MAX_REGIONS) != 0)
        return PM_ERR_TOO_BIG;
    if (c->capregions != cap || !c->pcode) {
        uint64_t *p = realloc(c->pcode, c->capregions * sizeof *p);
        if (!p)
            return PM_ERR_NOMEM;
        c->pcode = p;
    }
    const char *n1 = own(c, name ? name : "", name ? strlen(name) : 0);
    const char *n2 = own(c, name2 ? name2 : "", name2 ? strlen(name2) : 0);
    if (!n1 || !n2)
        return PM_ERR_NOMEM;
    c->pcode[c->nregions] = parent_code;
    c->regions[c->nregions++] = (pm_region){code, level, PM_REGION_NONE, from, until, n1, n2};
    return PM_OK;
}

void pm_country_module_checksum(const pm_country *cc, const char *sum)
{
    pm_country *c = (pm_country *)cc; /* only during the module's load, as above */
    snprintf(c->modsum, sizeof c->modsum, "%s", sum);
}

static size_t code_slot(const pm_country *c, uint64_t code)
{
    return (size_t)((code * 0x9E3779B97F4A7C15ull) >> (64 - c->cbits));
}

/* The code index, the parents a module gave by code, the level lists and the national
 * region: built once at the end of the load, whoever filled the regions. */
static pm_status regions_index(pm_country *c, pm_errctx *err)
{
    free(c->byc);
    c->byc = malloc((c->nregions ? c->nregions : 1) * sizeof *c->byc);
    c->bylevel = malloc((c->nregions ? c->nregions : 1) * sizeof *c->bylevel);
    if (!c->byc || !c->bylevel)
        return pm_errctx_set(err, PM_ERR_NOMEM, c->packdir, "out of memory");
    for (size_t i = 0; i < c->nregions; i++)
        c->byc[i] = (code_idx){c->regions[i].code, (uint32_t)i};
    if (c->nregions)
        qsort(c->byc, c->nregions, sizeof *c->byc, cmp_ci);
    /* a probe instead of a binary search per lookup (pm_adopt_write asks a few per row) */
    free(c->ckey);
    free(c->clo);
    for (c->cbits = 4; ((size_t)1 << c->cbits) < 2 * c->nregions; c->cbits++)
        ;
    c->ckey = malloc(((size_t)1 << c->cbits) * sizeof *c->ckey);
    c->clo = malloc(((size_t)1 << c->cbits) * sizeof *c->clo);
    if (!c->ckey || !c->clo)
        return pm_errctx_set(err, PM_ERR_NOMEM, c->packdir, "out of memory");
    memset(c->clo, 0xff, ((size_t)1 << c->cbits) * sizeof *c->clo);
    for (size_t i = 0; i < c->nregions; i++) {
        if (i && c->byc[i].code == c->byc[i - 1].code)
            continue;
        size_t m = ((size_t)1 << c->cbits) - 1, h = code_slot(c, c->byc[i].code);
        while (c->clo[h] != UINT32_MAX)
            h = (h + 1) & m;
        c->ckey[h] = c->byc[i].code;
        c->clo[h] = (uint32_t)i;
    }
    free(c->canon);
    c->ncanon = 0;
    c->canon = malloc((c->nregions ? c->nregions : 1) * sizeof *c->canon);
    if (!c->canon)
        return pm_errctx_set(err, PM_ERR_NOMEM, c->packdir, "out of memory");
    for (size_t i = 0, j; i < c->nregions; i = j) { /* a code's last record, as region_find */
        for (j = i + 1; j < c->nregions && c->byc[j].code == c->byc[i].code; j++)
            ;
        for (size_t k = i; k < j; k++)
            c->canon[c->byc[k].idx] = c->byc[j - 1].idx;
    }
    c->ncanon = c->nregions;
    if (c->pcode) {
        for (size_t i = 0; i < c->nregions; i++) {
            if (c->pcode[i] == UINT64_MAX)
                continue;
            uint32_t p = pm_country_region_find(c, c->pcode[i], 0);
            if (p == PM_REGION_NONE || p == i)
                return pm_errctx_set(err, PM_ERR_DICT_SYNTAX, c->packdir,
                                     "region %" PRIu64 ": parent %" PRIu64 " not in the gazetteer",
                                     c->regions[i].code, c->pcode[i]);
            c->regions[i].parent = p;
        }
        free(c->pcode);
        c->pcode = NULL;
    }
    size_t n = 0;
    for (unsigned l = 0; l < c->nlevels; l++) {
        c->lvstart[l] = n;
        for (size_t i = 0; i < c->nregions; i++)
            if (c->regions[i].level == l)
                c->bylevel[n++] = (uint32_t)i;
    }
    c->lvstart[c->nlevels] = n;
    if (c->nregions) {
        c->national = pm_country_region_find(c, c->national_code, 0);
        if (c->national == PM_REGION_NONE || c->regions[c->national].level != 0)
            return pm_errctx_set(err, PM_ERR_DICT_SYNTAX, c->packdir,
                                 "national code %" PRIu64 " is not a top-level region",
                                 c->national_code);
    }
    return PM_OK;
}

static int cmp_u64p(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The adjacency file: "code<TAB>code" rows (# comments; before the first row, a header line
 * whose first field is not a number), each direction given, so it must be symmetric. */
static pm_status load_adjacency(pm_country *c, const char *path, pm_errctx *err)
{
    pack_rows pr;
    pm_status st = rows_open(&pr, path, "adjacency", err);
    if (st != PM_OK)
        return st;
    size_t cap = 0;
    while (st == PM_OK && rows_next(&pr, &st, err)) {
        char *line = pr.line;
        unsigned ln = pr.ln;
        if (c->nadj == 0 && (line[0] < '0' || line[0] > '9')) /* the header line */
            continue;
        char *fv[3];
        uint64_t x, y;
        size_t nf = pm_pack_split_tabs(line, fv, 3);
        uint32_t a = PM_REGION_NONE, b = PM_REGION_NONE;
        if (nf == 2 && parse_u64(fv[0], &x) == 0 && parse_u64(fv[1], &y) == 0) {
            a = pm_country_region_find(c, x, 0);
            b = pm_country_region_find(c, y, 0);
        }
        if (a == PM_REGION_NONE || b == PM_REGION_NONE || a == b) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                               "line %u: expected two different codes of the gazetteer", ln);
            err->line = ln;
        } else if (grow((void **)&c->adj, &cap, c->nadj, sizeof *c->adj, PACK_MAX_REGIONS) != 0) {
            st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "too many adjacency rows");
        } else {
            c->adj[c->nadj++] = (uint64_t)a << 32 | b;
        }
    }
    rows_close(&pr);
    if (st != PM_OK)
        return st;
    if (c->nadj)
        qsort(c->adj, c->nadj, sizeof *c->adj, cmp_u64p);
    size_t m = 0;
    for (size_t i = 0; i < c->nadj; i++)
        if (!m || c->adj[i] != c->adj[m - 1])
            c->adj[m++] = c->adj[i];
    c->nadj = m;
    for (size_t i = 0; i < c->nadj; i++) {
        uint32_t a = (uint32_t)(c->adj[i] >> 32), b = (uint32_t)c->adj[i];
        if (!pm_country_region_neighbours(c, b, a))
            return pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                                 "asymmetric: %" PRIu64 " -> %" PRIu64 " has no reverse row",
                                 c->regions[a].code, c->regions[b].code);
    }
    return PM_OK;
}

#define PACK_MAX_TILES 256

/* The tile grid: "code<TAB>col<TAB>row<TAB>label" rows, '#' comments; code "-" = the tile
 * of every region no other tile holds. */
static pm_status load_tiles(pm_country *c, const char *path, pm_errctx *err)
{
    pack_rows pr;
    pm_status st = rows_open(&pr, path, "tiles", err);
    if (st != PM_OK)
        return st;
    size_t cap = 0;
    while (st == PM_OK && rows_next(&pr, &st, err)) {
        char *line = pr.line;
        unsigned ln = pr.ln;
        char *fv[5];
        uint64_t code = 0, col, row;
        size_t nf = pm_pack_split_tabs(line, fv, 5);
        uint32_t r = PM_REGION_NONE;
        int bad = nf != 4 || parse_u64(fv[1], &col) || parse_u64(fv[2], &row) || col > 64 ||
                  row > 64 || !fv[3][0];
        if (!bad && strcmp(fv[0], "-") != 0)
            bad = parse_u64(fv[0], &code) || (r = pm_country_region_find(c, code, 0)) == PM_REGION_NONE;
        const char *lab = bad ? NULL : own(c, fv[3], strlen(fv[3]));
        if (bad) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                               "line %u: code (of the gazetteer, or -), col, row, label", ln);
            err->line = ln;
        } else if (!lab) {
            st = pm_errctx_set(err, PM_ERR_NOMEM, path, "out of memory");
        } else if (grow((void **)&c->tiles, &cap, c->ntiles, sizeof *c->tiles, PACK_MAX_TILES) != 0) {
            st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "more than %u tiles", PACK_MAX_TILES);
        } else {
            c->tiles[c->ntiles++] = (pm_country_tile){r, (unsigned)col, (unsigned)row, lab};
        }
    }
    rows_close(&pr);
    return st;
}

size_t pm_country_tile_count(const pm_country *c) { return c->ntiles; }

const pm_country_tile *pm_country_tile_at(const pm_country *c, size_t i)
{
    return i < c->ntiles ? &c->tiles[i] : NULL;
}

/* A file the header names: in the pack directory, else (China's files until they move
 * into dictionaries/cn/) in the dictionary directory above it. */
static void pack_file(const pm_country *c, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", c->packdir, name);
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    else
        snprintf(path, cap, "%s/%s", c->dictdir, name);
}

pm_status pm_country_open(pm_country **out, const char *cc, const char *dictdir, pm_errctx *err)
{
    pm_errctx_clear(err);
    *out = NULL;
    const pm_country_ops *ops = pm_country_lookup(cc);
    if (!ops)
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "unknown country pack '%s'", cc ? cc : "");
    pm_country *c = calloc(1, sizeof *c);
    if (!c)
        return pm_errctx_set(err, PM_ERR_NOMEM, NULL, "out of memory");
    c->ops = ops;
    c->national = PM_REGION_NONE;
    snprintf(c->name, sizeof c->name, "%s", ops->name);
    char dir[1024], path[2400], gaz[256];
    snprintf(dir, sizeof dir, "%s/%s", dictdir, c->name);
    snprintf(c->dictdir, sizeof c->dictdir, "%s", dictdir);
    snprintf(c->packdir, sizeof c->packdir, "%s", dir);
    snprintf(path, sizeof path, "%s/pack.tsv", dir);
    pm_status st = load_header(c, path, gaz, sizeof gaz, err);
    pm_sha256 h;
    pm_sha256_init(&h);
    char fsum[72];
    if (st == PM_OK && (st = pm_sha256_file(path, fsum)) == PM_OK)
        pm_sha256_update(&h, fsum, strlen(fsum));
    else if (st != PM_OK && err->code == PM_OK)
        pm_errctx_set(err, st, path, "cannot checksum");
    if (st == PM_OK && gaz[0]) {
        snprintf(path, sizeof path, "%s/%s", dir, gaz);
        st = load_gazetteer(c, path, err);
        if (st == PM_OK && (st = pm_sha256_file(path, fsum)) == PM_OK)
            pm_sha256_update(&h, fsum, strlen(fsum));
        else if (st != PM_OK && err->code == PM_OK)
            pm_errctx_set(err, st, path, "cannot checksum");
    }
    if (st == PM_OK && ops->load)
        st = ops->load(&c->state, c, dir, err);
    if (st == PM_OK)
        st = regions_index(c, err);
    const char *adjname = st == PM_OK ? pm_country_header(c, "adjacency") : NULL;
    if (adjname) {
        if (strchr(adjname, '/'))
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, dir, "adjacency must be a file name");
        else
            pack_file(c, adjname, path, sizeof path);
        if (st == PM_OK)
            st = load_adjacency(c, path, err);
        if (st == PM_OK && (st = pm_sha256_file(path, fsum)) == PM_OK)
            pm_sha256_update(&h, fsum, strlen(fsum));
    }
    const char *tilename = st == PM_OK ? pm_country_header(c, "tiles") : NULL;
    if (tilename) {
        if (strchr(tilename, '/'))
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, dir, "tiles must be a file name");
        else
            pack_file(c, tilename, path, sizeof path);
        if (st == PM_OK)
            st = load_tiles(c, path, err);
        if (st == PM_OK && (st = pm_sha256_file(path, fsum)) == PM_OK)
            pm_sha256_update(&h, fsum, strlen(fsum));
    }
    if (st == PM_OK && c->modsum[0])
        pm_sha256_update(&h, c->modsum, strlen(c->modsum));
    if (st == PM_OK) {
        unsigned char d[32];
        pm_sha256_final(&h, d);
        strcpy(c->checksum, "sha256:");
        for (int i = 0; i < 32; i++)
            snprintf(c->checksum + 7 + 2 * i, 3, "%02x", d[i]);
    }
    if (st != PM_OK) {
        if (err->code == PM_OK)
            pm_errctx_set(err, st, dir, "loading the %s pack", c->name);
        pm_country_free(c);
        return st;
    }
    *out = c;
    return PM_OK;
}

void pm_country_free(pm_country *c)
{
    if (!c)
        return;
    if (c->ops && c->ops->free)
        c->ops->free(c->state);
    for (size_t i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    free(c->strings);
    free(c->regions);
    free(c->edges);
    free(c->forms);
    free(c->byc);
    free(c->ckey);
    free(c->clo);
    free(c->canon);
    free(c->pcode);
    free(c->bylevel);
    free(c->adj);
    free(c->tiles);
    free(c);
}

const char *pm_country_name(const pm_country *c) { return c->name; }
const char *pm_country_checksum(const pm_country *c) { return c->checksum; }
const char *pm_country_dir(const pm_country *c) { return c->packdir; }
unsigned pm_country_level_count(const pm_country *c) { return c->nlevels; }
unsigned pm_country_code_width(const pm_country *c) { return c->width; }
uint32_t pm_country_national(const pm_country *c) { return c->national; }
const pm_country_ops *pm_country_ops_of(const pm_country *c) { return c->ops; }
const void *pm_country_state(const pm_country *c) { return c->state; }

const char *pm_country_level_key(const pm_country *c, unsigned level)
{
    return level < c->nlevels ? c->levels[level] : "";
}

char *pm_country_format_code(const pm_country *c, uint64_t code, char *buf, size_t cap)
{
    /* "%0*" PRIu64 without printf: the tables of a run print millions of codes */
    char t[PM_U64_DEC_MAX];
    size_t n = c->width <= PM_U64_DEC_MAX ? pm_u64_dec(t, code, c->width) : 0;
    if (!n || n >= cap) { /* a buffer too small: snprintf's cut */
        snprintf(buf, cap, "%0*" PRIu64, (int)c->width, code);
        return buf;
    }
    memcpy(buf, t, n);
    buf[n] = '\0';
    return buf;
}

const char *pm_country_month_word(const pm_country *c, unsigned m, unsigned k)
{
    return m >= 1 && m <= 12 && k < 4 ? c->months[m - 1][k] : NULL;
}

const char *pm_country_header(const pm_country *c, const char *key)
{
    for (size_t i = 0; i < c->nhdr; i++)
        if (strcmp(c->hdr[i].key, key) == 0)
            return c->hdr[i].val;
    return NULL;
}

static int header_year(const pm_country *c, const char *key, int dflt)
{
    const char *v = pm_country_header(c, key);
    uint64_t y;
    return v && parse_u64(v, &y) == 0 && y >= 1 && y <= 9999 ? (int)y : dflt;
}

void pm_country_years(const pm_country *c, int *first, int *last)
{
    *first = header_year(c, "year_first", PM_COUNTRY_YEAR_FIRST);
    *last = header_year(c, "year_last", PM_COUNTRY_YEAR_LAST);
}

size_t pm_country_region_count(const pm_country *c) { return c->nregions; }

const pm_region *pm_country_region_at(const pm_country *c, uint32_t idx)
{
    return idx < c->nregions ? &c->regions[idx] : NULL;
}

static int in_span(pm_ymd d, pm_ymd from, pm_ymd until)
{
    if (d == 0)
        return until == 0; /* undated: the present arrangement */
    return (from == 0 || d >= from) && (until == 0 || d < until);
}

uint32_t pm_country_region_parent(const pm_country *c, uint32_t idx, pm_ymd date)
{
    if (idx >= c->nregions)
        return PM_REGION_NONE;
    for (size_t i = 0; i < c->nedges; i++)
        if (c->edges[i].child == idx && date && in_span(date, c->edges[i].from, c->edges[i].until))
            return c->edges[i].parent;
    return c->regions[idx].parent;
}

uint32_t pm_country_region_ancestor(const pm_country *c, uint32_t idx, unsigned level,
                                    pm_ymd date)
{
    /* the chain is at most one step per level; the bound guards against a cyclic file */
    for (unsigned steps = 0; idx != PM_REGION_NONE && steps <= PM_COUNTRY_MAX_LEVELS; steps++) {
        if (c->regions[idx].level == level)
            return idx;
        if (c->regions[idx].level < level)
            return PM_REGION_NONE;
        idx = pm_country_region_parent(c, idx, date);
    }
    return PM_REGION_NONE;
}

int pm_country_region_within(const pm_country *c, uint32_t idx, uint32_t anc, pm_ymd date)
{
    for (unsigned steps = 0; idx != PM_REGION_NONE && steps <= PM_COUNTRY_MAX_LEVELS; steps++) {
        if (idx == anc)
            return 1;
        idx = pm_country_region_parent(c, idx, date);
    }
    return 0;
}

uint32_t pm_country_region_find(const pm_country *c, uint64_t code, pm_ymd date)
{
    size_t lo = 0, hi = c->byc ? c->nregions : 0;
    if (c->clo) { /* the code's first entry, or none */
        size_t m = ((size_t)1 << c->cbits) - 1, h = code_slot(c, code);
        while (c->clo[h] != UINT32_MAX && c->ckey[h] != code)
            h = (h + 1) & m;
        lo = c->clo[h] == UINT32_MAX ? c->nregions : c->clo[h];
    } else
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (c->byc[mid].code < code)
                lo = mid + 1;
            else
                hi = mid;
        }
    uint32_t last = PM_REGION_NONE;
    for (size_t i = lo; i < c->nregions && c->byc && c->byc[i].code == code; i++) {
        const pm_region *r = &c->regions[c->byc[i].idx];
        if (date && (r->from == 0 || date >= r->from) && (r->until == 0 || date < r->until))
            return c->byc[i].idx;
        last = c->byc[i].idx;
    }
    return date ? PM_REGION_NONE : last;
}

uint32_t pm_country_region_canonical(const pm_country *c, uint32_t idx)
{
    if (idx < c->ncanon && c->ncanon == c->nregions)
        return c->canon[idx];
    return idx < c->nregions ? pm_country_region_find(c, c->regions[idx].code, 0)
                             : PM_REGION_NONE;
}

size_t pm_country_level_size(const pm_country *c, unsigned level)
{
    return level < c->nlevels && c->bylevel ? c->lvstart[level + 1] - c->lvstart[level] : 0;
}

uint32_t pm_country_level_region(const pm_country *c, unsigned level, size_t i)
{
    return i < pm_country_level_size(c, level) ? c->bylevel[c->lvstart[level] + i]
                                               : PM_REGION_NONE;
}

int pm_country_region_neighbours(const pm_country *c, uint32_t a, uint32_t b)
{
    a = pm_country_region_canonical(c, a);
    b = pm_country_region_canonical(c, b);
    if (a == PM_REGION_NONE || b == PM_REGION_NONE)
        return 0;
    uint64_t k = (uint64_t)a << 32 | b;
    size_t lo = 0, hi = c->nadj;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->adj[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nadj && c->adj[lo] == k;
}

size_t pm_country_adjacency_count(const pm_country *c) { return c->nadj; }

uint32_t pm_country_record_region(const pm_country *c, unsigned rec_level, uint64_t code,
                                  pm_ymd date)
{
    if (rec_level == 0 || rec_level > c->nlevels)
        return PM_REGION_NONE;
    if (rec_level == 1)
        return c->national;
    uint32_t r = date ? pm_country_region_find(c, code, date) : PM_REGION_NONE;
    if (r == PM_REGION_NONE)
        r = pm_country_region_find(c, code, 0);
    /* a local record whose code is no local region (China's ambiguous 西湖区: level known,
     * region not; or the national code) has no region */
    return r != PM_REGION_NONE && c->regions[r].level > 0 ? r : PM_REGION_NONE;
}

uint32_t pm_country_record_province_code(const pm_country *c, unsigned rec_level,
                                         uint64_t province_code)
{
    if (rec_level < 2 || rec_level > c->nlevels)
        return PM_REGION_NONE;
    uint32_t r = pm_country_region_find(c, province_code, 0);
    return r != PM_REGION_NONE && c->regions[r].level == 1 ? r : PM_REGION_NONE;
}

uint32_t pm_country_record_province(const pm_country *c, unsigned rec_level, uint64_t code,
                                    pm_ymd date)
{
    if (rec_level < 2)
        return PM_REGION_NONE;
    uint32_t r = pm_country_record_region(c, rec_level, code, date);
    uint32_t p = r == PM_REGION_NONE ? r : pm_country_region_ancestor(c, r, 1, date);
    return p == PM_REGION_NONE ? p : pm_country_region_canonical(c, p);
}

const char *pm_country_record_level_key(const pm_country *c, unsigned rec_level)
{
    return rec_level == 0 || rec_level > c->nlevels ? "unknown" : c->levels[rec_level - 1];
}

char *pm_country_format_region(const pm_country *c, uint32_t idx, char *buf, size_t cap)
{
    if (idx >= c->nregions) {
        if (cap)
            buf[0] = '\0';
        return buf;
    }
    return pm_country_format_code(c, c->regions[idx].code, buf, cap);
}

size_t pm_country_form_count(const pm_country *c) { return c->nforms; }

const pm_region_form *pm_country_form_at(const pm_country *c, size_t i)
{
    return i < c->nforms ? &c->forms[i] : NULL;
}

static int cmp_key(const char *form, const char *key, size_t kl)
{
    return strncmp(form, key, kl);
}

void pm_country_form_range(const pm_country *c, const char *key4, size_t keylen, size_t *lo,
                           size_t *hi)
{
    size_t kl = keylen < 4 ? keylen : 4;
    size_t a = 0, b = c->nforms;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (cmp_key(c->forms[m].text, key4, kl) < 0)
            a = m + 1;
        else
            b = m;
    }
    size_t e = a, z = c->nforms;
    while (e < z) {
        size_t m = e + (z - e) / 2;
        if (cmp_key(c->forms[m].text, key4, kl) <= 0)
            e = m + 1;
        else
            z = m;
    }
    *lo = a;
    *hi = e;
}

int pm_country_find_issuer(const pm_country *c, const char *text, size_t len,
                           pm_country_issuer *out)
{
    memset(out, 0, sizeof *out);
    out->body = "";
    out->region = PM_REGION_NONE;
    return c->ops->find_issuer ? c->ops->find_issuer(c->state, c, text, len, out) : 0;
}

int pm_country_find_date(const pm_country *c, const char *text, size_t len, pm_ymd *out,
                         pm_cspan *span)
{
    *out = 0;
    memset(span, 0, sizeof *span);
    return c->ops->find_date ? c->ops->find_date(c->state, c, text, len, out, span) : 0;
}

int pm_country_find_docno(const pm_country *c, const char *text, size_t len, char *buf,
                          size_t cap, pm_cspan *span)
{
    if (cap)
        buf[0] = '\0';
    memset(span, 0, sizeof *span);
    return c->ops->find_docno && cap ? c->ops->find_docno(c->state, c, text, len, buf, cap, span)
                                     : 0;
}

int pm_country_find_regno(const pm_country *c, const char *text, size_t len, char *buf,
                          size_t cap, pm_cspan *span)
{
    if (cap)
        buf[0] = '\0';
    memset(span, 0, sizeof *span);
    return c->ops->find_regno && cap ? c->ops->find_regno(c->state, c, text, len, buf, cap, span)
                                     : 0;
}

size_t pm_country_fold(const char *s, size_t len, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char *o = (unsigned char *)out;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = u[i];
        if (b < 0x80) {
            o[i] = (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32)
                   : (b == '\t' || b == '\n' || b == '\r') ? ' ' : b;
            continue;
        }
        if (i + 1 >= len || (b != 0xC2 && (b < 0xD0 || b > 0xD3))) {
            o[i] = b;
            continue;
        }
        unsigned cp = ((unsigned)(b & 0x1F) << 6) | (u[i + 1] & 0x3F);
        unsigned r = cp;
        if (cp == 0xA0) { /* NBSP: two spaces keep the length */
            o[i] = ' ';
            o[i + 1] = ' ';
            i++;
            continue;
        }
        if (cp >= 0x410 && cp <= 0x42F)
            r = cp + 0x20;
        else if (cp == 0x401 || cp == 0x451)
            r = 0x435;
        else if (cp == 0x4D8 || cp == 0x4D9)
            r = 0x430;
        else if (cp == 0x492 || cp == 0x493)
            r = 0x433;
        else if (cp == 0x49A || cp == 0x49B)
            r = 0x43A;
        else if (cp == 0x4A2 || cp == 0x4A3)
            r = 0x43D;
        else if (cp == 0x4E8 || cp == 0x4E9)
            r = 0x43E;
        else if (cp == 0x4B0 || cp == 0x4B1 || cp == 0x4AE || cp == 0x4AF)
            r = 0x443;
        else if (cp == 0x4BA || cp == 0x4BB)
            r = 0x445;
        else if (cp == 0x406 || cp == 0x456)
            r = 0x438;
        if ((u[i + 1] & 0xC0) != 0x80) { /* not a continuation byte: copy as is */
            o[i] = b;
            continue;
        }
        o[i] = (unsigned char)(0xC0 | (r >> 6));
        o[i + 1] = (unsigned char)(0x80 | (r & 0x3F));
        i++;
    }
    out[len] = '\0';
    return len;
}
