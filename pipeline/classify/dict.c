/* classify/dict.c - regex dictionaries: the .dict format, PCRE2 compilation, one-scan
 * matching, and `dict check`.
 *
 * Loading parses every *.dict file of a directory (format: dictionaries/FORMAT.md) into
 * dimensions -> categories -> patterns, compiles each pattern with PCRE2 (UTF, UCP, JIT)
 * and feeds the literals each pattern requires (litextract.c) to one Aho-Corasick
 * automaton (acscan.c). Matching scans a text once, then confirms with PCRE2 only the
 * patterns whose literal occurred (plus the few with no extractable literal), so labels
 * equal plain PCRE2's at a fraction of the cost. Vetoes (`not`) run only to judge a hit;
 * their literals are a second scanner's, run only over the stretches around the hits
 * judged (most of a text never is), not over every text.
 * The set is read-only after load; each thread brings its own pm_dict_scratch.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/dict.h"
#include "policyminer/hash.h"
#include "policyminer/hmap.h"
#include "policyminer/utf8.h"
#include "prefilter.h"

#define MAX_PATTERNS 65536
#define MAX_LINE 65536
#define VETO_WINDOW 256
#define MAX_OCC 48 /* literal occurrence ends kept per pattern and text; more = one range:
                   * common words (提供, 保障) occur dozens of times in a body, and windows
                   * around each cost less than a search over the whole range */
#define VETO_OCC_CAP ((size_t)1 << 22) /* veto literal occurrences kept per text; more = no
                                        * stretch test for that text (the regexes decide) */
#define MAX_STOP_SETS 8 /* distinct veto stop sets per category with a stretch test */
#define STOP_SCAN 2048 /* bytes after a hit searched for the stop that ends its stretch */

/* A scanned literal of a pattern and how far before its end a match can start when the
 * match requires that occurrence (pm_literal_reach). */
typedef struct lreach {
    char *s;
    size_t n, reach;
} lreach;

typedef struct pat {
    pcre2_code *code; /* shared by the patterns and vetoes of the same source */
    int owns;         /* the first of them: frees it */
    char *src;
    unsigned line;
    uint32_t dim; /* the dimension (file) it belongs to */
    size_t maxlen; /* longest possible match in bytes, or (size_t)-1 */
    size_t minlit; /* shortest of its required literals, in bytes */
    uint32_t stops; /* stops no match can hold (pm_pattern_stops) */
    uint32_t anchor; /* a match starts only at the text's start or after one of these
                      * stops (pattern_anchor), 0 = anywhere */
    int always;   /* no required literal: run on every text */
    int jit;      /* JIT-compiled: matched through pcre2_jit_match, without the checks */
    int second;   /* a second required literal set is scanned too (pm_litextract2) */
    lreach *lr;   /* its literals' reaches where some is below maxlen, else NULL */
    size_t nlr;
} pat;

typedef struct cat {
    char *key, *group, *label_zh, *label_en;
    size_t group_idx;
    size_t first_pat, npat;   /* into d->pats, contiguous */
    size_t first_veto, nveto; /* into d->vetoes */
    uint32_t stop_sets[MAX_STOP_SETS]; /* the distinct stop sets of its vetoes */
    size_t nstop_sets;
    char **must, **must_not;
    size_t nmust, nmust_not;
    size_t first_tnot, ntnot; /* into d->tnot: its not_title rules */
    unsigned line;
} cat;

typedef struct tnot_rule {
    pcre2_code *code;
    char *src;
    unsigned line;
    uint32_t dim, cat; /* the category it turns off */
    uint32_t canon; /* the first rule with the same source: run once, its answer reused
                     * (one rule is repeated in every financing category) */
} tnot_rule;

typedef struct dim {
    char *name, *file, *description;
    char checksum[72];
    cat *cats;
    size_t ncats;
    char **groups;
    size_t ngroups;
} dim;

struct pm_dictset {
    dim *dims;
    size_t ndims;
    pat *pats;
    size_t npats, patcap;
    pat *vetoes;
    size_t nvetoes, vetocap;
    /* Per veto, the first veto with the same source: a shared block of vetoes is carried by
     * many categories, and its literals are scanned (and their hits recorded) once. */
    uint32_t *veto_canon;
    uint32_t *pat_dim, *pat_cat; /* owner of each pattern */
    /* not_title rules (every category's, in order): a category counts nothing in a
     * document whose title one of its rules matches. Run once per document on its title,
     * never on a text, so they stay out of the literal scanners. */
    tnot_rule *tnot;
    size_t ntnot, tnotcap;
    pm_hmap *codes; /* source -> its compiled code, while loading (the shared veto block
                     * repeats the same sources in every category: compiled once) */
    pm_ac *ac;
    pm_hs *hs;   /* the same literals on Hyperscan; NULL = the automaton scans */
    /* The vetoes' literals, apart: scanned only around the hits a veto is asked to judge
     * (veto_cover), not over every text, on the engine the patterns' literals use. */
    pm_ac *vac;
    pm_hs *vhs;
    size_t nvlits, vlitmax; /* how many were added; the longest, in bytes */
    pm_dict_options o;
    /* Match/depth-limit hits per pattern, then per veto, since load. The one mutable part
     * of a loaded set: a rare event, counted atomically so the sum is order-free. */
    _Atomic uint64_t *limit_hits;
};

struct pm_dict_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    uint32_t *stamp; /* per pattern: == cur when it is a candidate for this text */
    uint32_t *stamp2; /* per pattern: == cur when its second literal set occurs */
    size_t *first_end; /* per candidate pattern: end of its first literal occurrence */
    size_t *last_end;  /* ... and of its last one */
    size_t *occ;       /* per pattern, MAX_OCC slots: the occurrence ends, sorted at use */
    uint32_t *nocc;    /* how many; MAX_OCC + 1 = too many to keep (use the range) */
    pm_hs_scratch *hss, *vhss;
    uint32_t cur;
    uint32_t scan_cur; /* == cur when the literal scan ran on the current text */
    /* Occurrence ends of the (canonical) vetoes' literals in the current text, every one
     * ending in [vw_lo, vw_hi] when vw_cur == cur (the part scanned so far, grown around
     * the hits judged: veto_cover), then grouped by veto and sorted on first use after a
     * scan (vh_grouped): covering_veto asks whether one lies in the stretch a covering
     * match must fill. A scan keeps the ends in [vk_lo, vk_hi], the part new to it. */
    size_t npats, nvetoes;
    uint32_t *vh_id;
    size_t *vh_end, *vh_sorted;
    size_t nvh, vhcap;
    int vh_full;       /* more than VETO_OCC_CAP (or no memory): no stretch test */
    size_t vw_lo, vw_hi, vk_lo, vk_hi, vbase;
    uint32_t vw_cur;
    int vh_grouped;
    /* per veto, valid when vg_stamp[v] == vg_gen (it occurs in what was scanned): its ends
     * are vh_sorted[vg_start[v] .. + vg_n[v]); vg_seen lists those vetoes, vg_fill is scratch */
    uint32_t *vg_stamp, *vg_seen;
    size_t *vg_start, *vg_n, *vg_fill;
    uint32_t vg_gen;
    pm_dict_filter_fn filter; /* judges every unvetoed match (a pack's clause model) */
    void *filter_ud;
    /* the current document's title context (pm_dict_scratch_set_title): per not_title
     * rule whether it matched, and per dimension the categories that are off */
    unsigned char *tmatch;
    pm_catset *toff;
    size_t ntnot, ndims;
    int toff_any;
    /* the candidate patterns of the current text, one bit per pattern (the scan's hits and
     * the always-run ones): the match loop visits those, in pattern order, not all of them.
     * cand_ok = pattern order is (dimension, category) order, as the loop needs. */
    uint64_t *cand, *cand_always;
    size_t ncw;
    int cand_ok;
};

const char *pm_dictset_engine(const pm_dictset *d)
{
    return d->o.no_prefilter ? "none" : d->hs ? "hyperscan" : "aho-corasick";
}

void pm_dict_options_default(pm_dict_options *o)
{
    o->match_limit = 1000000;
    o->depth_limit = 100000;
    o->jit_stack_max = 1u << 20;
    o->no_prefilter = 0;
    o->engine = PM_PREFILTER_AUTO;
    o->cache_dir = NULL;
}

/* ---- where a match can start ---------------------------------------------------------- */

/* The stop bit of a class item of a lookbehind (\n, \r or one stop character), its
 * length in *len; 0 when it is anything else. */
static uint32_t lb_item(const char *p, size_t *len)
{
    if (p[0] == '\\') {
        *len = 2;
        return p[1] == 'n' ? PM_STOP_LF : p[1] == 'r' ? PM_STOP_CR : 0;
    }
    size_t l = pm_utf8_seqlen((unsigned char)p[0]);
    for (size_t k = 1; k < l; k++)
        if (!p[k])
            return 0;
    *len = l;
    return (unsigned char)p[0] >= 0x80 && l == 3 ? pm_stop_at((const unsigned char *)p, 3) : 0;
}

/* The stops S when every top-level branch of the pattern begins with (?<![^S]) - S listed
 * character by character, the stop characters of prefilter.h only - so that a match
 * starts at the text's start or right after one of them; else 0 (anything not understood,
 * \K or \Q included: 0). */
static uint32_t pattern_anchor(const char *src)
{
    static const char open[] = "(?<![^";
    uint32_t all = 0;
    const char *b = src; /* the current branch's start */
    int depth = 0;
    for (const char *p = src;; p++) {
        if (*p == '\0' || (*p == '|' && depth == 0)) {
            if (strncmp(b, open, sizeof open - 1) != 0)
                return 0;
            uint32_t m = 0;
            const char *q = b + sizeof open - 1;
            while (*q && *q != ']') {
                size_t len = 0;
                uint32_t bit = lb_item(q, &len);
                if (!bit)
                    return 0;
                m |= bit;
                q += len;
            }
            if (!m || q[0] != ']' || q[1] != ')')
                return 0;
            all |= m;
            if (*p == '\0')
                return depth == 0 ? all : 0;
            b = p + 1;
            continue;
        }
        if (*p == '\\') {
            if (!p[1] || p[1] == 'K' || p[1] == 'Q')
                return 0;
            p++;
        } else if (*p == '[') { /* a class: its ']' first or escaped is no end */
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            for (; *p && *p != ']'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (!*p)
                return 0;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            if (--depth < 0)
                return 0;
        }
    }
}

/* ---- parsing the format -------------------------------------------------------------- */

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    return p;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static int valid_key(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 32 || k[0] < 'a' || k[0] > 'z')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
            return 0;
    return 1;
}

static pm_status push_str(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof **v);
    if (!nv)
        return PM_ERR_NOMEM;
    *v = nv;
    if (!(nv[*n] = xstrdup(s)))
        return PM_ERR_NOMEM;
    (*n)++;
    return PM_OK;
}

/* A category's not_title rule: compiled on its own (no literals: it runs once per
 * document, on the title only). Rules stay contiguous per category, as its patterns do. */
static pm_status add_title_rule(pm_dictset *d, cat *c, const char *src, const char *file,
                                unsigned line, pm_errctx *err)
{
    if (d->ntnot >= MAX_PATTERNS) { /* the cap every pattern list has */
        pm_errctx_set(err, PM_ERR_DICT_SYNTAX, file, "line %u: more than %d not_title rules",
                      line, MAX_PATTERNS);
        err->line = line;
        return PM_ERR_DICT_SYNTAX;
    }
    if (d->ntnot == d->tnotcap) {
        size_t cap = d->tnotcap ? 2 * d->tnotcap : 8;
        tnot_rule *a = realloc(d->tnot, cap * sizeof *a);
        if (!a)
            return PM_ERR_NOMEM;
        d->tnot = a;
        d->tnotcap = cap;
    }
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                                     &ec, &eo, NULL);
    if (!code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        pm_errctx_set(err, PM_ERR_REGEX, file, "line %u: %s at offset %zu in not_title /%s/",
                      line, (const char *)msg, (size_t)eo, src);
        err->line = line;
        return PM_ERR_REGEX;
    }
#ifndef PM_NO_JIT
    /* one run per document, but the interpreter's backtracking over .* on a title cost 6 us
     * a document (+10% of a run); JIT is ten times faster. Without it the interpreter runs. */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
#endif
    char *cp = xstrdup(src);
    if (!cp) {
        pcre2_code_free(code);
        return PM_ERR_NOMEM;
    }
    tnot_rule *r = &d->tnot[d->ntnot];
    r->code = code;
    r->src = cp;
    r->line = line;
    r->dim = (uint32_t)(d->ndims - 1);
    r->cat = (uint32_t)(c - d->dims[d->ndims - 1].cats);
    r->canon = (uint32_t)d->ntnot;
    for (size_t t = 0; t < d->ntnot; t++)
        if (strcmp(d->tnot[t].src, src) == 0) {
            r->canon = (uint32_t)t;
            break;
        }
    d->ntnot++;
    c->ntnot++;
    return PM_OK;
}

static pm_status compile(pm_dictset *d, const char *src, const char *file, unsigned line,
                         pat *out, pm_errctx *err)
{
    int ec, added = 0;
    PCRE2_SIZE eo;
    pm_status hst = PM_OK;
    if (!d->codes && (hst = pm_hmap_create(&d->codes, 1, 0)) != PM_OK)
        return hst;
    uint64_t *slot = pm_hmap_put_bytes(d->codes, src, strlen(src), &added, &hst);
    if (!slot)
        return hst;
    if (!added) { /* compiled before: the same code, JIT or not */
        pcre2_code *code = (pcre2_code *)(uintptr_t)*slot;
        size_t jsz = 0;
        out->jit = pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jsz) == 0 && jsz > 0;
        out->code = code;
        out->owns = 0;
        goto fill;
    }
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT, &ec, &eo,
                                     NULL);
    *slot = (uint64_t)(uintptr_t)code; /* NULL: the load fails here and stops */
    if (!code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        pm_errctx_set(err, PM_ERR_REGEX, file, "line %u: %s at offset %zu in /%s/", line,
                      (const char *)msg, (size_t)eo, src);
        err->line = line;
        return PM_ERR_REGEX;
    }
    out->jit = 0;
#ifndef PM_NO_JIT /* -DPM_NO_JIT: the interpreter only (make valgrind: memcheck misreads JIT code) */
    /* falls back to the interpreter if absent */
    out->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
#endif
    out->code = code;
    out->owns = 1;
fill:
    out->src = xstrdup(src);
    out->line = line;
    out->always = 1;
    out->maxlen = (size_t)-1;
    out->minlit = 0;
    out->stops = 0;
    out->anchor = 0;
    out->second = 0;
    out->lr = NULL;
    out->nlr = 0;
    out->dim = (uint32_t)(d->ndims - 1);
    if (!out->src) { /* not counted by the caller: nothing else frees its code (when it
                      * owns it; the map forgets the source, so no one shares it) */
        if (out->owns) {
            pcre2_code_free(out->code);
            pm_hmap_free(d->codes);
            d->codes = NULL;
        }
        out->code = NULL;
        return PM_ERR_NOMEM;
    }
    return PM_OK;
}

static pm_status grow_pats(pat **v, size_t *cap, size_t need)
{
    if (need <= *cap)
        return PM_OK;
    size_t nc = *cap ? *cap * 2 : 256;
    while (nc < need)
        nc *= 2;
    pat *n = realloc(*v, nc * sizeof *n);
    if (!n)
        return PM_ERR_NOMEM;
    *v = n;
    *cap = nc;
    return PM_OK;
}

#define FAIL(code, ...)                                                                   \
    do {                                                                                  \
        st = pm_errctx_set(err, code, path, __VA_ARGS__);                                 \
        if (err)                                                                          \
            err->line = ln;                                                               \
        goto done;                                                                        \
    } while (0)

static pm_status load_file(pm_dictset *d, const char *path, pm_errctx *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return pm_errctx_set(err, PM_ERR_OPEN, path, "cannot open dictionary");
    pm_status st = PM_OK;
    dim *dm = NULL;
    unsigned ln = 0;
    char *line = malloc(MAX_LINE);
    if (!line) {
        fclose(f);
        return PM_ERR_NOMEM;
    }
    dim *nd = realloc(d->dims, (d->ndims + 1) * sizeof *nd);
    if (!nd) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    d->dims = nd;
    dm = &d->dims[d->ndims++];
    memset(dm, 0, sizeof *dm);
    if (!(dm->file = xstrdup(path))) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    if (pm_sha256_file(path, dm->checksum) != PM_OK)
        FAIL(PM_ERR_IO, "cannot read");
    cat *c = NULL;
    while (fgets(line, MAX_LINE, f)) {
        ln++;
        size_t len = strlen(line);
        if (len == MAX_LINE - 1 && line[len - 1] != '\n')
            FAIL(PM_ERR_DICT_SYNTAX, "line %u longer than %d bytes", ln, MAX_LINE);
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || trim(e + 1)[0])
                FAIL(PM_ERR_DICT_SYNTAX, "line %u: expected [category_key]", ln);
            *e = '\0';
            char *key = trim(s + 1);
            if (!valid_key(key))
                FAIL(PM_ERR_DICT_SYNTAX, "line %u: bad category key '%s' (snake_case, <= 32)", ln, key);
            for (size_t i = 0; i < dm->ncats; i++)
                if (strcmp(dm->cats[i].key, key) == 0)
                    FAIL(PM_ERR_DICT_SYNTAX, "line %u: duplicate category '%s'", ln, key);
            if (dm->ncats >= PM_MAX_CATS)
                FAIL(PM_ERR_DICT_SYNTAX, "line %u: more than %d categories", ln, PM_MAX_CATS);
            cat *ncs = realloc(dm->cats, (dm->ncats + 1) * sizeof *ncs);
            if (!ncs) {
                st = PM_ERR_NOMEM;
                goto done;
            }
            dm->cats = ncs;
            c = &dm->cats[dm->ncats++];
            memset(c, 0, sizeof *c);
            c->key = xstrdup(key);
            c->line = ln;
            c->first_pat = d->npats;
            c->first_veto = d->nvetoes;
            c->first_tnot = d->ntnot;
            if (!c->key) {
                st = PM_ERR_NOMEM;
                goto done;
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq)
            FAIL(PM_ERR_DICT_SYNTAX, "line %u: expected key = value", ln);
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        if (!c) {
            if (strcmp(k, "dimension") == 0) {
                if (!valid_key(v))
                    FAIL(PM_ERR_DICT_SYNTAX, "line %u: bad dimension key '%s'", ln, v);
                free(dm->name);
                if (!(dm->name = xstrdup(v))) {
                    st = PM_ERR_NOMEM;
                    goto done;
                }
            } else if (strcmp(k, "description") == 0 || strcmp(k, "source") == 0) {
                if (strcmp(k, "description") == 0) {
                    free(dm->description);
                    if (!(dm->description = xstrdup(v))) {
                        st = PM_ERR_NOMEM;
                        goto done;
                    }
                }
            } else {
                FAIL(PM_ERR_DICT_SYNTAX, "line %u: unknown header key '%s'", ln, k);
            }
            continue;
        }
        if (!*v)
            FAIL(PM_ERR_DICT_SYNTAX, "line %u: empty value for '%s'", ln, k);
        if (strcmp(k, "pattern") == 0 || strcmp(k, "not") == 0) {
            int veto = k[0] == 'n';
            /* patterns of a category must stay contiguous: refuse them after another
             * category has started (cannot happen: c is the newest) */
            if (d->npats + d->nvetoes >= MAX_PATTERNS)
                FAIL(PM_ERR_DICT_SYNTAX, "line %u: more than %d patterns", ln, MAX_PATTERNS);
            if (veto) {
                if ((st = grow_pats(&d->vetoes, &d->vetocap, d->nvetoes + 1)) != PM_OK)
                    goto done;
                if ((st = compile(d, v, path, ln, &d->vetoes[d->nvetoes], err)) != PM_OK)
                    goto done;
                d->nvetoes++;
                c->nveto++;
            } else {
                if ((st = grow_pats(&d->pats, &d->patcap, d->npats + 1)) != PM_OK)
                    goto done;
                if ((st = compile(d, v, path, ln, &d->pats[d->npats], err)) != PM_OK)
                    goto done;
                d->npats++;
                c->npat++;
            }
        } else if (strcmp(k, "not_title") == 0) {
            st = add_title_rule(d, c, v, path, ln, err);
        } else if (strcmp(k, "must") == 0) {
            st = push_str(&c->must, &c->nmust, v);
        } else if (strcmp(k, "must_not") == 0) {
            st = push_str(&c->must_not, &c->nmust_not, v);
        } else if (strcmp(k, "group") == 0) {
            if (!valid_key(v))
                FAIL(PM_ERR_DICT_SYNTAX, "line %u: bad group key '%s'", ln, v);
            free(c->group);
            if (!(c->group = xstrdup(v)))
                st = PM_ERR_NOMEM;
        } else if (strcmp(k, "label_zh") == 0) {
            free(c->label_zh);
            if (!(c->label_zh = xstrdup(v)))
                st = PM_ERR_NOMEM;
        } else if (strcmp(k, "label_en") == 0) {
            free(c->label_en);
            if (!(c->label_en = xstrdup(v)))
                st = PM_ERR_NOMEM;
        } else if (strcmp(k, "pioneer") == 0 || strcmp(k, "since") == 0 || strcmp(k, "note") == 0) {
            /* experiment metadata: documentation for people, checked for shape only */
        } else {
            FAIL(PM_ERR_DICT_SYNTAX, "line %u: unknown key '%s'", ln, k);
        }
        if (st != PM_OK)
            goto done;
    }
    if (!dm->name)
        FAIL(PM_ERR_DICT_SYNTAX, "no 'dimension =' line%s", "");
    for (size_t i = 0; i + 1 < d->ndims; i++)
        if (strcmp(d->dims[i].name, dm->name) == 0)
            FAIL(PM_ERR_DICT_SYNTAX, "dimension '%s' defined twice", dm->name);
    for (size_t i = 0; i < dm->ncats; i++)
        if (dm->cats[i].npat == 0) {
            ln = dm->cats[i].line;
            FAIL(PM_ERR_DICT_SYNTAX, "line %u: category '%s' has no pattern", ln, dm->cats[i].key);
        }
    /* groups in first-seen order */
    for (size_t i = 0; i < dm->ncats; i++) {
        cat *ci = &dm->cats[i];
        if (!ci->group) {
            ci->group_idx = 0;
            continue;
        }
        size_t g = 0;
        while (g < dm->ngroups && strcmp(dm->groups[g], ci->group) != 0)
            g++;
        if (g == dm->ngroups && (st = push_str(&dm->groups, &dm->ngroups, ci->group)) != PM_OK)
            goto done;
        ci->group_idx = g;
    }
done:
    free(line);
    fclose(f);
    return st;
}

/* The literals' reaches of a bounded pattern, kept when one is below its maxlen: the
 * windows around that literal's occurrences are then that much narrower. */
static pm_status keep_reach(pat *p, const pm_litset *ls)
{
    size_t reach[PM_LIT_MAX_ALTS];
    if (!pm_literal_reach(p->src, strlen(p->src), ls, reach))
        return PM_OK;
    int useful = 0;
    for (size_t k = 0; k < ls->count; k++)
        useful |= reach[k] < p->maxlen;
    if (!useful)
        return PM_OK;
    p->lr = calloc(ls->count, sizeof *p->lr);
    if (!p->lr)
        return PM_ERR_NOMEM;
    for (size_t k = 0; k < ls->count; k++) {
        p->lr[k].s = malloc(ls->n[k]);
        if (!p->lr[k].s)
            return PM_ERR_NOMEM;
        p->nlr = k + 1;
        memcpy(p->lr[k].s, ls->s[k], ls->n[k]);
        p->lr[k].n = ls->n[k];
        p->lr[k].reach = reach[k] < p->maxlen ? reach[k] : p->maxlen;
    }
    return PM_OK;
}

static pm_status build_prefilter(pm_dictset *d, pm_errctx *err)
{
    d->pat_dim = malloc((d->npats + 1) * sizeof *d->pat_dim);
    d->pat_cat = malloc((d->npats + 1) * sizeof *d->pat_cat);
    if (!d->pat_dim || !d->pat_cat)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < d->ndims; i++)
        for (size_t c = 0; c < d->dims[i].ncats; c++)
            for (size_t k = 0; k < d->dims[i].cats[c].npat; k++) {
                d->pat_dim[d->dims[i].cats[c].first_pat + k] = (uint32_t)i;
                d->pat_cat[d->dims[i].cats[c].first_pat + k] = (uint32_t)c;
            }
    pm_status st = pm_ac_create(&d->ac);
    if (st == PM_OK)
        st = pm_ac_create(&d->vac);
    int want_hs = d->o.engine != PM_PREFILTER_AC && !d->o.no_prefilter;
    if (st == PM_OK && want_hs)
        st = pm_hs_create(&d->hs);
    if (st == PM_OK && want_hs)
        st = pm_hs_create(&d->vhs);
    for (size_t p = 0; st == PM_OK && p < d->npats; p++) {
        pm_litset ls, l2;
        if (d->o.no_prefilter ||
            !pm_litextract2(d->pats[p].src, strlen(d->pats[p].src), &ls, &l2))
            continue;
        d->pats[p].always = 0;
        d->pats[p].maxlen = pm_pattern_maxlen(d->pats[p].src, strlen(d->pats[p].src));
        d->pats[p].minlit = pm_litset_min(&ls);
        if (st == PM_OK && d->pats[p].maxlen != (size_t)-1)
            st = keep_reach(&d->pats[p], &ls);
        for (size_t k = 0; st == PM_OK && k < ls.count; k++) {
            st = pm_ac_add(d->ac, ls.s[k], ls.n[k], (uint32_t)p);
            if (st == PM_OK && d->hs)
                st = pm_hs_add(d->hs, ls.s[k], ls.n[k], (uint32_t)p);
        }
        /* A second required set from another part of the pattern, under its own id after
         * the vetoes': the pattern is a candidate only where both occur. A list of common
         * words (实施方案|工作方案|...) next to a rare name then no longer runs it. */
        d->pats[p].second = l2.count > 0;
        uint32_t id2 = (uint32_t)(d->npats + d->nvetoes + p);
        for (size_t k = 0; st == PM_OK && k < l2.count; k++) {
            st = pm_ac_add(d->ac, l2.s[k], l2.n[k], id2);
            if (st == PM_OK && d->hs)
                st = pm_hs_add(d->hs, l2.s[k], l2.n[k], id2);
        }
        pm_litset_free(&ls);
        pm_litset_free(&l2);
    }
    /* Vetoes' literals too (ids after the patterns'), in their own scanner: a veto none of
     * whose literals occurs near a hit cannot cover it, so its regex need not run
     * (covering_veto). Identical vetoes share the first one's literals and hit records
     * (veto_canon). */
    pm_hmap *seen = NULL;
    if (st == PM_OK) {
        d->veto_canon = malloc((d->nvetoes + 1) * sizeof *d->veto_canon);
        st = d->veto_canon ? pm_hmap_create(&seen, 1, 0) : PM_ERR_NOMEM;
    }
    for (size_t v = 0; st == PM_OK && v < d->nvetoes; v++) {
        int added;
        uint64_t *first = pm_hmap_put_bytes(seen, d->vetoes[v].src, strlen(d->vetoes[v].src),
                                            &added, &st);
        if (!first)
            break;
        if (added)
            *first = v;
        d->veto_canon[v] = (uint32_t)*first;
    }
    pm_hmap_free(seen);
    for (size_t v = 0; st == PM_OK && v < d->nvetoes; v++) {
        pm_litset ls;
        pat *vp = &d->vetoes[v];
        if (!d->o.no_prefilter) { /* structural: vetoes without a literal have stops too */
            vp->stops = pm_pattern_stops(vp->src, strlen(vp->src));
            vp->anchor = pattern_anchor(vp->src);
        }
        if (d->o.no_prefilter || !pm_litextract(vp->src, strlen(vp->src), &ls))
            continue;
        vp->always = 0;
        vp->maxlen = pm_pattern_maxlen(vp->src, strlen(vp->src));
        vp->minlit = pm_litset_min(&ls);
        if (d->veto_canon[v] != v) { /* the first copy's literals stand for it */
            pm_litset_free(&ls);
            continue;
        }
        for (size_t k = 0; st == PM_OK && k < ls.count; k++) {
            st = pm_ac_add(d->vac, ls.s[k], ls.n[k], (uint32_t)(d->npats + v));
            if (st == PM_OK && d->vhs)
                st = pm_hs_add(d->vhs, ls.s[k], ls.n[k], (uint32_t)(d->npats + v));
            d->nvlits++;
            if (ls.n[k] > d->vlitmax)
                d->vlitmax = ls.n[k];
        }
        pm_litset_free(&ls);
    }
    /* Hyperscan when it can; the automaton's table is built only when it will scan (its
     * trie stays for the statistics), which saves most of the start-up time. */
    if (st == PM_OK && d->hs) {
        pm_hs *both[2] = {d->hs, d->vhs};
        pm_status hst = pm_hs_build_cached_set(both, d->nvlits ? 2 : 1, d->o.cache_dir);
        if (hst != PM_OK) {
            pm_hs_free(d->hs);
            pm_hs_free(d->vhs);
            d->hs = NULL;
            d->vhs = NULL;
            if (hst == PM_ERR_NOMEM || d->o.engine == PM_PREFILTER_HYPERSCAN) {
                pm_errctx_set(err, hst == PM_ERR_NOMEM ? hst : PM_ERR_ARG, NULL,
                              "Hyperscan prefilter not available (not built in, or this CPU)");
                return hst == PM_ERR_NOMEM ? hst : PM_ERR_ARG;
            }
        }
    }
    if (!d->nvlits) { /* nothing to scan for the vetoes */
        pm_hs_free(d->vhs);
        d->vhs = NULL;
    }
    if (st == PM_OK && !d->hs)
        st = pm_ac_build(d->ac);
    if (st == PM_OK && !d->hs && d->nvlits)
        st = pm_ac_build(d->vac);
    if (st != PM_OK)
        pm_errctx_set(err, st, NULL, "building the literal prefilter");
    /* each category's distinct veto stop sets: one pass over a hit's surroundings finds the
     * stretch of each (find_stretches) */
    for (size_t i = 0; st == PM_OK && i < d->ndims; i++)
        for (size_t c = 0; c < d->dims[i].ncats; c++) {
            cat *ci = &d->dims[i].cats[c];
            for (size_t v = 0; v < ci->nveto; v++) {
                uint32_t m = d->vetoes[ci->first_veto + v].stops;
                size_t k = 0;
                while (k < ci->nstop_sets && ci->stop_sets[k] != m)
                    k++;
                if (m && k == ci->nstop_sets && k < MAX_STOP_SETS)
                    ci->stop_sets[ci->nstop_sets++] = m;
            }
        }
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

pm_status pm_dictset_load_files(pm_dictset **out, const char *const *files, size_t n,
                                const pm_dict_options *o, pm_errctx *err)
{
    *out = NULL;
    pm_errctx_clear(err);
    pm_dictset *d = calloc(1, sizeof *d);
    if (!d)
        return pm_errctx_set(err, PM_ERR_NOMEM, NULL, "loading dictionaries");
    if (o)
        d->o = *o;
    else
        pm_dict_options_default(&d->o);
    pm_status st = PM_OK;
    for (size_t i = 0; st == PM_OK && i < n; i++)
        st = load_file(d, files[i], err);
    if (st == PM_OK && d->ndims > 64)
        st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, NULL, "more than 64 dictionary files");
    pm_hmap_free(d->codes); /* loading is over */
    d->codes = NULL;
    if (st == PM_OK)
        st = build_prefilter(d, err);
    if (st == PM_OK) {
        d->limit_hits = calloc(d->npats + d->nvetoes + 1, sizeof *d->limit_hits);
        if (!d->limit_hits)
            st = pm_errctx_set(err, PM_ERR_NOMEM, NULL, "loading dictionaries");
    }
    if (st != PM_OK) {
        if (err && err->code == PM_OK)
            pm_errctx_set(err, st, NULL, "loading dictionaries");
        pm_dictset_free(d);
        return st;
    }
    *out = d;
    return PM_OK;
}

pm_status pm_dictset_load(pm_dictset **out, const char *dir, const pm_dict_options *o,
                          pm_errctx *err)
{
    *out = NULL;
    DIR *dh = opendir(dir);
    if (!dh)
        return pm_errctx_set(err, PM_ERR_OPEN, dir, "cannot open dictionary directory");
    char **names = NULL;
    size_t nn = 0;
    pm_status st = PM_OK;
    struct dirent *de;
    while (st == PM_OK && (de = readdir(dh))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".dict") != 0 || de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        st = push_str(&names, &nn, path);
    }
    closedir(dh);
    if (st == PM_OK && nn == 0)
        st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, dir, "no *.dict files");
    if (st == PM_OK) {
        qsort(names, nn, sizeof *names, cmp_str);
        st = pm_dictset_load_files(out, (const char *const *)names, nn, o, err);
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    return st;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void pm_dictset_free(pm_dictset *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ndims; i++) {
        dim *dm = &d->dims[i];
        for (size_t c = 0; c < dm->ncats; c++) {
            cat *ci = &dm->cats[c];
            free(ci->key);
            free(ci->group);
            free(ci->label_zh);
            free(ci->label_en);
            free_strs(ci->must, ci->nmust);
            free_strs(ci->must_not, ci->nmust_not);
        }
        free(dm->cats);
        free(dm->name);
        free(dm->file);
        free(dm->description);
        free_strs(dm->groups, dm->ngroups);
    }
    free(d->dims);
    for (size_t p = 0; p < d->npats; p++) {
        if (d->pats[p].owns)
            pcre2_code_free(d->pats[p].code);
        free(d->pats[p].src);
        for (size_t k = 0; k < d->pats[p].nlr; k++)
            free(d->pats[p].lr[k].s);
        free(d->pats[p].lr);
    }
    for (size_t p = 0; p < d->nvetoes; p++) {
        if (d->vetoes[p].owns)
            pcre2_code_free(d->vetoes[p].code);
        free(d->vetoes[p].src);
    }
    for (size_t t = 0; t < d->ntnot; t++) {
        pcre2_code_free(d->tnot[t].code);
        free(d->tnot[t].src);
    }
    free(d->tnot);
    free(d->pats);
    free(d->vetoes);
    free(d->veto_canon);
    free(d->pat_dim);
    free(d->pat_cat);
    free(d->limit_hits);
    pm_hmap_free(d->codes);
    pm_ac_free(d->ac);
    pm_hs_free(d->hs);
    pm_ac_free(d->vac);
    pm_hs_free(d->vhs);
    free(d);
}

/* ---- accessors ------------------------------------------------------------------------- */

size_t pm_dictset_ndims(const pm_dictset *d) { return d->ndims; }
const char *pm_dictset_dim_name(const pm_dictset *d, size_t i) { return d->dims[i].name; }
const char *pm_dictset_dim_file(const pm_dictset *d, size_t i) { return d->dims[i].file; }
const char *pm_dictset_dim_checksum(const pm_dictset *d, size_t i) { return d->dims[i].checksum; }
size_t pm_dictset_ncats(const pm_dictset *d, size_t i) { return d->dims[i].ncats; }
size_t pm_dictset_npatterns(const pm_dictset *d) { return d->npats; }

size_t pm_dictset_dim_find(const pm_dictset *d, const char *name)
{
    for (size_t i = 0; i < d->ndims; i++)
        if (strcmp(d->dims[i].name, name) == 0)
            return i;
    return (size_t)-1;
}

const char *pm_dictset_cat_key(const pm_dictset *d, size_t i, size_t c)
{
    return d->dims[i].cats[c].key;
}

const char *pm_dictset_cat_group(const pm_dictset *d, size_t i, size_t c)
{
    const char *g = d->dims[i].cats[c].group;
    return g ? g : "";
}

const char *pm_dictset_cat_label(const pm_dictset *d, size_t i, size_t c, const char *lang)
{
    const cat *ci = &d->dims[i].cats[c];
    const char *l = lang && strcmp(lang, "en") == 0 ? ci->label_en : ci->label_zh;
    return l ? l : ci->key;
}

size_t pm_dictset_ngroups(const pm_dictset *d, size_t i) { return d->dims[i].ngroups; }
const char *pm_dictset_pattern(const pm_dictset *d, size_t i) { return d->pats[i].src; }

void pm_dictset_limit_hits(const pm_dictset *d, pm_dict_limit_fn fn, void *ud)
{
    for (size_t i = 0; i < d->ndims; i++)
        for (size_t c = 0; c < d->dims[i].ncats; c++) {
            const cat *ci = &d->dims[i].cats[c];
            for (size_t k = 0; k < ci->npat; k++) {
                uint64_t h = atomic_load(&d->limit_hits[ci->first_pat + k]);
                if (h)
                    fn(ud, i, c, d->pats[ci->first_pat + k].src, 0, h);
            }
            for (size_t v = 0; v < ci->nveto; v++) {
                uint64_t h = atomic_load(&d->limit_hits[d->npats + ci->first_veto + v]);
                if (h)
                    fn(ud, i, c, d->vetoes[ci->first_veto + v].src, 1, h);
            }
        }
}
size_t pm_dictset_cat_nexamples(const pm_dictset *d, size_t i, size_t c)
{
    return d->dims[i].cats[c].nmust;
}
const char *pm_dictset_cat_example(const pm_dictset *d, size_t i, size_t c, size_t k)
{
    return d->dims[i].cats[c].must[k];
}
const char *pm_dictset_group_key(const pm_dictset *d, size_t i, size_t g)
{
    return d->dims[i].groups[g];
}
size_t pm_dictset_cat_group_index(const pm_dictset *d, size_t i, size_t c)
{
    return d->dims[i].cats[c].group_idx;
}

/* ---- matching -------------------------------------------------------------------------- */

pm_status pm_dict_scratch_create(pm_dict_scratch **out, const pm_dictset *d)
{
    *out = NULL;
    pm_dict_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return PM_ERR_NOMEM;
    s->md = pcre2_match_data_create(16, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->jit = pcre2_jit_stack_create(32 * 1024, d->o.jit_stack_max ? d->o.jit_stack_max : (1u << 20), NULL);
    /* per pattern (the vetoes' literal hits are kept apart: vh_*) */
    s->stamp = calloc(d->npats + 1, sizeof *s->stamp);
    s->stamp2 = calloc(d->npats + 1, sizeof *s->stamp2);
    s->first_end = calloc(d->npats + 1, sizeof *s->first_end);
    s->last_end = calloc(d->npats + 1, sizeof *s->last_end);
    s->occ = calloc((d->npats + 1) * MAX_OCC, sizeof *s->occ);
    s->nocc = calloc(d->npats + 1, sizeof *s->nocc);
    s->npats = d->npats;
    s->nvetoes = d->nvetoes;
    s->vg_stamp = calloc(d->nvetoes + 1, sizeof *s->vg_stamp);
    s->vg_seen = calloc(d->nvetoes + 1, sizeof *s->vg_seen);
    s->vg_start = calloc(d->nvetoes + 1, sizeof *s->vg_start);
    s->vg_n = calloc(d->nvetoes + 1, sizeof *s->vg_n);
    s->vg_fill = calloc(d->nvetoes + 1, sizeof *s->vg_fill);
    s->ncw = (d->npats + 63) / 64;
    s->cand = calloc(s->ncw + 1, sizeof *s->cand);
    s->cand_always = calloc(s->ncw + 1, sizeof *s->cand_always);
    s->ntnot = d->ntnot;
    s->ndims = d->ndims;
    s->tmatch = calloc(d->ntnot + 1, 1);
    s->toff = calloc(d->ndims + 1, sizeof *s->toff);
    if (!s->tmatch || !s->toff) {
        pm_dict_scratch_free(s);
        return PM_ERR_NOMEM;
    }
    if (!s->md || !s->mctx || !s->stamp || !s->stamp2 || !s->first_end || !s->last_end ||
        !s->occ || !s->nocc || !s->vg_stamp || !s->vg_seen || !s->vg_start || !s->vg_n ||
        !s->vg_fill || !s->cand || !s->cand_always) {
        pm_dict_scratch_free(s);
        return PM_ERR_NOMEM;
    }
    if ((d->hs && pm_hs_scratch_create(d->hs, &s->hss) != PM_OK) ||
        (d->vhs && pm_hs_scratch_create(d->vhs, &s->vhss) != PM_OK)) {
        pm_dict_scratch_free(s);
        return PM_ERR_NOMEM;
    }
    s->cand_ok = d->pat_dim != NULL && d->pat_cat != NULL;
    for (size_t p = 0; p < d->npats; p++) {
        if (d->pats[p].always)
            s->cand_always[p >> 6] |= 1ull << (p & 63);
        if (p && s->cand_ok && (d->pat_dim[p] < d->pat_dim[p - 1] ||
                                (d->pat_dim[p] == d->pat_dim[p - 1] && d->pat_cat[p] < d->pat_cat[p - 1])))
            s->cand_ok = 0;
    }
    pcre2_set_match_limit(s->mctx, d->o.match_limit);
    pcre2_set_depth_limit(s->mctx, d->o.depth_limit);
    if (s->jit)
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
    *out = s;
    return PM_OK;
}

void pm_dict_scratch_set_filter(pm_dict_scratch *s, pm_dict_filter_fn fn, void *ud)
{
    s->filter = fn;
    s->filter_ud = ud;
}

void pm_dict_scratch_set_title(pm_dict_scratch *s, const pm_dictset *d, const char *title,
                               size_t len, pm_dict_stats *st)
{
    s->toff_any = 0;
    memset(s->tmatch, 0, s->ntnot);
    memset(s->toff, 0, s->ndims * sizeof *s->toff);
    if (!d->ntnot || !title || !len)
        return;
    pcre2_set_offset_limit(s->mctx, PCRE2_UNSET); /* a text's search may have left one */
    for (size_t t = 0; t < d->ntnot; t++) {
        const tnot_rule *r = &d->tnot[t];
        int rc;
        if (r->canon < t) { /* the same rule ran on this title already */
            rc = s->tmatch[r->canon] ? 1 : PCRE2_ERROR_NOMATCH;
        } else {
            if (st)
                st->regex_runs++;
            rc = pcre2_match(r->code, (PCRE2_SPTR)title, len, 0, 0, s->md, s->mctx);
        }
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
            if (st) /* no match, counted (a title is short: never seen in practice) */
                st->match_limit_hits++;
        } else if (rc >= 0) {
            s->tmatch[t] = 1;
            pm_catset_set(&s->toff[r->dim], r->cat);
            s->toff_any = 1;
        }
    }
}

/* The first not_title rule of (dim, cat) that matched the current title, or (size_t)-1. */
static size_t title_rule(const pm_dictset *d, const pm_dict_scratch *s, size_t i, size_t c)
{
    if (!s->toff_any || !pm_catset_has(&s->toff[i], (unsigned)c))
        return (size_t)-1;
    const cat *ci = &d->dims[i].cats[c];
    for (size_t k = 0; k < ci->ntnot; k++)
        if (s->tmatch[ci->first_tnot + k])
            return ci->first_tnot + k;
    return (size_t)-1;
}

/* 0 when the scratch's filter drops the unvetoed match [hs, he) of (dim, cat). */
static int filter_keeps(pm_dict_scratch *s, size_t dim, size_t cat, const char *t, size_t n,
                        size_t hs, size_t he)
{
    double sc, th;
    return !s->filter || s->filter(s->filter_ud, dim, cat, t, n, hs, he, &sc, &th) != 0;
}

void pm_dict_scratch_free(pm_dict_scratch *s)
{
    if (!s)
        return;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit);
    free(s->stamp);
    free(s->stamp2);
    free(s->first_end);
    free(s->last_end);
    free(s->occ);
    free(s->nocc);
    free(s->vh_id);
    free(s->vh_end);
    free(s->vh_sorted);
    free(s->vg_stamp);
    free(s->cand);
    free(s->cand_always);
    free(s->tmatch);
    free(s->toff);
    free(s->vg_seen);
    free(s->vg_start);
    free(s->vg_n);
    free(s->vg_fill);
    pm_hs_scratch_free(s->hss);
    pm_hs_scratch_free(s->vhss);
    free(s);
}

/* Keeps a veto literal's occurrence end for the stretch test (veto_occ_in): the veto
 * scanner's callback, over the part [vbase, ...) of the text, keeping what is new. */
static void keep_veto_hit(void *ud, uint32_t id, size_t end)
{
    pm_dict_scratch *s = ud;
    end += s->vbase;
    if (s->vh_full || end < s->vk_lo || end > s->vk_hi)
        return;
    if (s->nvh == s->vhcap) {
        size_t nc = s->vhcap ? s->vhcap * 2 : 1024;
        uint32_t *ni = nc <= VETO_OCC_CAP ? realloc(s->vh_id, nc * sizeof *ni) : NULL;
        if (ni)
            s->vh_id = ni;
        size_t *ne = ni ? realloc(s->vh_end, nc * sizeof *ne) : NULL;
        if (ne)
            s->vh_end = ne;
        size_t *ns = ne ? realloc(s->vh_sorted, nc * sizeof *ns) : NULL;
        if (ns)
            s->vh_sorted = ns;
        if (!ns) { /* over the cap or out of memory: the regexes decide, as without it */
            s->vh_full = 1;
            return;
        }
        s->vhcap = nc;
    }
    s->vh_id[s->nvh] = (uint32_t)(id - s->npats);
    s->vh_end[s->nvh++] = end;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Groups the kept occurrence ends by veto, each group sorted: a counting sort over the
 * vetoes that occur in this text only (most of the loaded ones do not), then each group
 * in order (the scan gives the ends nearly sorted: insertion sort, or qsort for a long
 * group not already in order). */
static void group_veto_hits(pm_dict_scratch *s)
{
    if (++s->vg_gen == 0) { /* wrap-around: start clean */
        memset(s->vg_stamp, 0, (s->nvetoes + 1) * sizeof *s->vg_stamp);
        s->vg_gen = 1;
    }
    size_t nseen = 0;
    for (size_t i = 0; i < s->nvh; i++) {
        uint32_t v = s->vh_id[i];
        if (s->vg_stamp[v] != s->vg_gen) {
            s->vg_stamp[v] = s->vg_gen;
            s->vg_n[v] = 0;
            s->vg_seen[nseen++] = v;
        }
        s->vg_n[v]++;
    }
    size_t at = 0;
    for (size_t k = 0; k < nseen; k++) {
        uint32_t v = s->vg_seen[k];
        s->vg_start[v] = s->vg_fill[v] = at;
        at += s->vg_n[v];
    }
    for (size_t i = 0; i < s->nvh; i++)
        s->vh_sorted[s->vg_fill[s->vh_id[i]]++] = s->vh_end[i];
    for (size_t k = 0; k < nseen; k++) {
        uint32_t v = s->vg_seen[k];
        size_t *e = s->vh_sorted + s->vg_start[v], m = s->vg_n[v];
        if (m > 32) {
            size_t i = 1;
            while (i < m && e[i - 1] <= e[i])
                i++;
            if (i < m)
                qsort(e, m, sizeof *e, cmp_size);
            continue;
        }
        for (size_t i = 1; i < m; i++) {
            size_t x = e[i], j = i;
            for (; j > 0 && e[j - 1] > x; j--)
                e[j] = e[j - 1];
            e[j] = x;
        }
    }
    s->vh_grouped = 1;
}

/* 1 when a literal occurrence of (canonical) veto v ends in [lo, hi]. */
static int veto_occ_in(pm_dict_scratch *s, size_t v, size_t lo, size_t hi)
{
    if (lo > hi)
        return 0;
    if (!s->vh_grouped)
        group_veto_hits(s);
    if (s->vg_stamp[v] != s->vg_gen)
        return 0;
    const size_t *e = s->vh_sorted;
    size_t a = s->vg_start[v], end = a + s->vg_n[v], b = end;
    while (a < b) { /* the first end >= lo */
        size_t m = a + (b - a) / 2;
        if (e[m] < lo)
            a = m + 1;
        else
            b = m;
    }
    return a < end && e[a] <= hi;
}

/* The veto literals' occurrences ending in [lo, hi] of the bytes [a, b) (b <= n), kept. */
static void veto_scan(const pm_dictset *d, pm_dict_scratch *s, const char *t, size_t a,
                      size_t b, size_t lo, size_t hi)
{
    s->vbase = a;
    s->vk_lo = lo;
    s->vk_hi = hi;
    s->vh_grouped = 0;
    if (!d->vhs)
        pm_ac_scan(d->vac, t + a, b - a, keep_veto_hit, s);
    else if (pm_hs_scan(d->vhs, s->vhss, t + a, b - a, keep_veto_hit, s) != PM_OK)
        s->vh_full = 1; /* no memory for the scan: the regexes decide, as without it */
}

/* Makes sure every occurrence of a veto literal ending in [lo, hi] (hi <= n) is kept:
 * scans what is not yet, starting the longest literal early so that none is cut. Each
 * part is scanned once while the hits judged lie near one another (the usual case); a
 * part far from the rest starts a new one (what was kept stays: it is true). */
static void veto_cover(const pm_dictset *d, pm_dict_scratch *s, const char *t, size_t lo,
                       size_t hi)
{
    const size_t L = d->vlitmax;
    if (lo > hi || (s->vw_cur == s->cur && lo >= s->vw_lo && hi <= s->vw_hi))
        return;
    if (s->vw_cur != s->cur || hi + (hi - lo) < s->vw_lo || lo > s->vw_hi + (hi - lo)) {
        veto_scan(d, s, t, lo > L ? lo - L : 0, hi, lo, hi);
        s->vw_cur = s->cur;
        s->vw_lo = lo;
        s->vw_hi = hi;
        return;
    }
    if (lo < s->vw_lo) { /* the ends in [lo, vw_lo) */
        veto_scan(d, s, t, lo > L ? lo - L : 0, s->vw_lo, lo, s->vw_lo - 1);
        s->vw_lo = lo;
    }
    if (hi > s->vw_hi) { /* the ends in (vw_hi, hi] */
        size_t a = s->vw_hi + 1 > L ? s->vw_hi + 1 - L : 0;
        veto_scan(d, s, t, a, hi, s->vw_hi + 1, hi);
        s->vw_hi = hi;
    }
}

static void on_hit(void *ud, uint32_t id, size_t end)
{
    pm_dict_scratch *s = ud;
    if (id >= s->npats) { /* a pattern's second set: only that it occurs */
        s->stamp2[id - s->npats - s->nvetoes] = s->cur;
        return;
    }
    if (s->stamp[id] != s->cur) { /* hits come in no particular order: keep the extremes */
        s->stamp[id] = s->cur;
        s->cand[id >> 6] |= 1ull << (id & 63);
        s->first_end[id] = s->last_end[id] = end;
        s->occ[(size_t)id * MAX_OCC] = end;
        s->nocc[id] = 1;
        return;
    } else if (end < s->first_end[id]) {
        s->first_end[id] = end;
    } else if (end > s->last_end[id]) {
        s->last_end[id] = end;
    }
    uint32_t k = s->nocc[id];
    if (k <= MAX_OCC) { /* ... and the ends themselves while there are few */
        size_t *o = s->occ + (size_t)id * MAX_OCC;
        /* the same end twice (two literals of the pattern ending together) comes in a
         * row; a repeat that slips through only makes an overlapping window, merged */
        if (k && o[k - 1] == end)
            return;
        if (k < MAX_OCC)
            o[k] = end;
        s->nocc[id] = k + 1;
    }
}

/* Runs code at offset; returns 1 match, 0 none, -1 limit hit. */
/* limit: the last offset a match may start at (PCRE2_UNSET = anywhere). A search that
 * cannot succeed stops there instead of scanning to the end of the text. idx names the
 * pattern (or npats + veto) whose match-limit hits are counted; d NULL = not counted. */
static int run_lim(const pm_dictset *d, size_t idx, const pat *p, pm_dict_scratch *s,
                   const char *t, size_t n, size_t off, size_t limit, pm_dict_stats *st)
{
    pcre2_set_offset_limit(s->mctx, limit);
    if (st)
        st->regex_runs++;
    /* the texts are valid UTF-8 and off a character boundary, which is all pcre2_match
     * would check before calling the JIT code */
    int rc = p->jit ? pcre2_jit_match(p->code, (PCRE2_SPTR)t, n, off, PCRE2_NO_UTF_CHECK, s->md, s->mctx)
                    : pcre2_match(p->code, (PCRE2_SPTR)t, n, off, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
    if (rc > 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (st)
        st->match_limit_hits++;
    if (d)
        atomic_fetch_add_explicit(&d->limit_hits[idx], 1, memory_order_relaxed);
    return -1;
}

/* The audit path: no limit, not counted. */
static int run(const pat *p, pm_dict_scratch *s, const char *t, size_t n, size_t off,
               pm_dict_stats *st)
{
    return run_lim(NULL, 0, p, s, t, n, off, PCRE2_UNSET, st);
}

/* The stop-free stretches around a hit, one per stop set of its category: stretch k is
 * [ss[k], se[k]), holds [hs, he), starts at or after off and holds no stop of set k;
 * ok[k] is 0 when [hs, he) holds such a stop itself. One pass each way finds the nearest
 * stop of every kind until each set has one; the search after the hit gives up
 * STOP_SCAN bytes on (se = n: not known to end before). */
typedef struct stretches {
    size_t ss[MAX_STOP_SETS], se[MAX_STOP_SETS];
    int ok[MAX_STOP_SETS];
} stretches;

static int all_met(const uint32_t *sets, size_t ns, uint32_t found)
{
    for (size_t k = 0; k < ns; k++)
        if (!(sets[k] & found))
            return 0;
    return 1;
}

static void find_stretches(const char *t, size_t n, size_t off, size_t hs, size_t he,
                           const uint32_t *sets, size_t ns, stretches *r)
{
    const unsigned char *u = (const unsigned char *)t;
    size_t before[16], after[16]; /* per stop bit: where the nearest one ends / starts */
    uint32_t found = 0, inside = 0, later = 0;
    for (size_t i = hs; i > off && !all_met(sets, ns, found); i--) {
        size_t at = u[i - 1] < 0x80 ? i - 1 : i - off >= 3 && u[i - 3] >= 0xE0 ? i - 3 : i;
        uint32_t b = at < i ? pm_stop_at(u + at, i - at) & ~found : 0;
        if (b) {
            found |= b;
            before[__builtin_ctz(b)] = i;
        }
    }
    for (size_t i = hs; i < he; i++)
        inside |= pm_stop_at(u + i, n - i);
    size_t far = n - he > STOP_SCAN ? he + STOP_SCAN : n;
    for (size_t i = he; i < far && !all_met(sets, ns, later); i++) {
        uint32_t b = pm_stop_at(u + i, n - i) & ~later;
        if (b) {
            later |= b;
            after[__builtin_ctz(b)] = i;
        }
    }
    for (size_t k = 0; k < ns; k++) {
        r->ok[k] = !(inside & sets[k]);
        r->ss[k] = off;
        r->se[k] = n;
        for (uint32_t m = sets[k] & found; m; m &= m - 1)
            if (before[__builtin_ctz(m)] > r->ss[k])
                r->ss[k] = before[__builtin_ctz(m)];
        for (uint32_t m = sets[k] & later; m; m &= m - 1)
            if (after[__builtin_ctz(m)] < r->se[k])
                r->se[k] = after[__builtin_ctz(m)];
    }
}

/* The first veto of c covering the hit [hs, he), or NULL; *vs, *ve get its span. The run
 * and the audit (dict explain) both decide through here. */
static const pat *covering_veto(const pm_dictset *d, const cat *c, pm_dict_scratch *s,
                                const char *t, size_t n, size_t hs, size_t he, size_t *vs,
                                size_t *ve, pm_dict_stats *st)
{
    size_t start = hs > VETO_WINDOW ? hs - VETO_WINDOW : 0;
    while (start > 0 && ((unsigned char)t[start] & 0xC0) == 0x80)
        start--;
    int scanned = s->cur && s->scan_cur == s->cur;
    stretches sp;
    int have_sp = 0;
    for (size_t v = 0; v < c->nveto; v++) {
        const pat *p = &d->vetoes[c->first_veto + v];
        size_t off = start;
        uint32_t canon = d->veto_canon[c->first_veto + v];
        size_t hi = p->maxlen != (size_t)-1 && n - hs > p->maxlen ? hs + p->maxlen : n;
        size_t k = 0, last = hs; /* the last offset a covering match can start at */
        while (k < c->nstop_sets && c->stop_sets[k] != p->stops)
            k++;
        if (scanned && p->stops && k < c->nstop_sets) {
            /* No match of this veto holds one of its stops, so a covering one lies in the
             * hit's stop-free stretch [ss, se), and none can if the hit holds a stop.
             * Matches that start before ss end before it, so the search from off meets the
             * same matches from ss on as a search from ss: it starts there. */
            if (!have_sp) {
                find_stretches(t, n, start, hs, he, c->stop_sets, c->nstop_sets, &sp);
                have_sp = 1;
            }
            if (!sp.ok[k])
                continue;
            off = sp.ss[k];
            if (sp.se[k] < hi)
                hi = sp.se[k];
            /* A match that starts only after one of its anchor stops (or at 0), all of
             * them stops of this stretch, which holds none before hs: it starts at ss. */
            if (p->anchor && !(p->anchor & ~p->stops))
                last = off;
        }
        /* ... and a literal occurrence lies whole in the covering match: after off, by hi */
        if (scanned && !p->always) {
            veto_cover(d, s, t, off + p->minlit, hi);
            if (!s->vh_full && !veto_occ_in(s, canon, off + p->minlit, hi))
                continue;
        }
        while (off <= last) {
            /* a covering veto starts by hs: the search need not look further */
            int r = run_lim(d, d->npats + c->first_veto + v, p, s, t, n, off, last, st);
            if (r <= 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
            if (ov[0] > hs)
                break;
            if (ov[1] >= he) {
                *vs = ov[0];
                *ve = ov[1];
                return p;
            }
            off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
            off = pm_utf8_ceil(t, n, off);
        }
    }
    return NULL;
}

static int vetoed(const pm_dictset *d, const cat *c, pm_dict_scratch *s, const char *t,
                  size_t n, size_t hs, size_t he, pm_dict_stats *st)
{
    size_t vs, ve;
    return covering_veto(d, c, s, t, n, hs, he, &vs, &ve, st) != NULL;
}

/* 1 when pattern p has a non-vetoed match in t. */
static int pattern_hits(const pm_dictset *d, const cat *c, size_t pid, pm_dict_scratch *s,
                        const char *t, size_t n, size_t off, size_t limit, pm_dict_stats *st,
                        pm_dict_explain_fn explain, void *ud, size_t dimi, size_t cati)
{
    const pat *p = &d->pats[pid];
    while (off <= n && (limit == PCRE2_UNSET || off <= limit)) {
        int r = run_lim(d, pid, p, s, t, n, off, limit, st);
        if (r <= 0)
            return 0;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
        size_t hs = ov[0], he = ov[1];
        if ((!c->nveto || !vetoed(d, c, s, t, n, hs, he, st)) &&
            filter_keeps(s, dimi, cati, t, n, hs, he)) {
            if (explain)
                explain(ud, dimi, cati, p->src, hs, he);
            return 1;
        }
        off = he > hs ? he : hs + 1;
        off = pm_utf8_ceil(t, n, off);
    }
    return 0;
}

/* How far before the occurrence ending at e a match holding it can start: the largest
 * reach of the pattern's literals that end there (maxlen when none does byte for byte,
 * as a case variant the scanner folded). */
static size_t occ_reach(const pat *p, const char *t, size_t e)
{
    size_t r = 0;
    int found = 0;
    for (size_t k = 0; k < p->nlr; k++)
        if (p->lr[k].n <= e && p->lr[k].s[p->lr[k].n - 1] == t[e - 1] && /* (a cheap veto) */
            memcmp(t + e - p->lr[k].n, p->lr[k].s, p->lr[k].n - 1) == 0) {
            found = 1;
            if (p->lr[k].reach > r)
                r = p->lr[k].reach;
        }
    return found ? r : p->maxlen;
}

/* pattern_hits over the windows where a match can start: a match of at most maxlen bytes
 * contains an occurrence of one of its literals, so it starts in [e - maxlen, e - minlit]
 * for one of the occurrence ends e (at or before the occurrence's start). The matches met are the ones pattern_hits would meet scanning
 * the whole range (each search finds the leftmost match at or after its start, and every
 * match starts in some window), so the answer is the same; the bytes scanned are fewer. */
static int pattern_hits_windows(const pm_dictset *d, const cat *c, size_t pid, pm_dict_scratch *s,
                                const char *t, size_t n, size_t *ends, size_t m,
                                pm_dict_stats *st, pm_dict_explain_fn explain, void *ud,
                                size_t dimi, size_t cati)
{
    const pat *p = &d->pats[pid];
    for (size_t i = 1; i < m; i++) { /* few: insertion sort */
        size_t v = ends[i], j = i;
        for (; j > 0 && ends[j - 1] > v; j--)
            ends[j] = ends[j - 1];
        ends[j] = v;
    }
    /* where a match holding occurrence i can start, at the earliest; made non-decreasing
     * (a window only grows) so that the windows come in text order, as the matches must */
    size_t from[MAX_OCC];
    for (size_t i = 0; i < m; i++) {
        size_t r = occ_reach(p, t, ends[i]);
        from[i] = ends[i] > r ? ends[i] - r : 0;
    }
    for (size_t i = m; i-- > 1;)
        if (from[i] < from[i - 1])
            from[i - 1] = from[i];
    size_t cur = 0, w = 0, ml = p->minlit;
    while (w < m) {
        size_t ws = from[w], we = ends[w] - ml; /* ends[w] >= ml: it ends a literal */
        /* windows that reach the next one's occurrence: one window (a start between them
         * starts no match, and one search costs less than two) */
        while (w + 1 < m && from[w + 1] <= ends[w])
            we = ends[++w] - ml;
        w++;
        ws = pm_utf8_floor(t, n, ws);
        if (ws < cur)
            ws = cur; /* never back over a vetoed match */
        while (ws <= we && ws <= n) {
            int r = run_lim(d, pid, p, s, t, n, ws, we, st);
            if (r < 0)
                return 0;
            if (r == 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
            size_t hs = ov[0], he = ov[1];
            if ((!c->nveto || !vetoed(d, c, s, t, n, hs, he, st)) &&
                filter_keeps(s, dimi, cati, t, n, hs, he)) {
                if (explain)
                    explain(ud, dimi, cati, p->src, hs, he);
                return 1;
            }
            /* the rest of the window may hold another match */
            cur = pm_utf8_ceil(t, n, he > hs ? he : hs + 1);
            ws = cur;
        }
    }
    return 0;
}

/* 1 when candidate pattern pid of category ci has a match no veto covers in the text. */
static int pattern_decides(const pm_dictset *d, pm_dict_scratch *s, const cat *ci, size_t pid,
                           const char *text, size_t len, pm_dict_stats *st,
                           pm_dict_explain_fn explain, void *ud, size_t i, size_t c)
{
    const pat *p = &d->pats[pid];
    if (!p->always && (s->stamp[pid] != s->cur || (p->second && s->stamp2[pid] != s->cur)))
        return 0;
    if (!p->always && p->maxlen != (size_t)-1 && s->nocc[pid] <= MAX_OCC)
        return pattern_hits_windows(d, ci, pid, s, text, len, s->occ + pid * MAX_OCC,
                                    s->nocc[pid], st, explain, ud, i, c);
    /* Every match contains a literal occurrence ending at or after the first one, so none
     * can start more than maxlen bytes before that end. */
    size_t off = 0;
    if (!p->always && p->maxlen != (size_t)-1 && s->first_end[pid] > p->maxlen)
        off = pm_utf8_floor(text, len, s->first_end[pid] - p->maxlen);
    /* ... and it starts by the start of one, the last one ending at last_end */
    size_t limit = p->always ? PCRE2_UNSET : s->last_end[pid] - p->minlit;
    return pattern_hits(d, ci, pid, s, text, len, off, limit, st, explain, ud, i, c);
}

pm_status pm_dictset_match(const pm_dictset *d, pm_dict_scratch *s, const char *text,
                           size_t len, pm_catset *out, pm_dict_stats *st,
                           pm_dict_explain_fn explain, void *ud)
{
    for (size_t i = 0; i < d->ndims; i++)
        memset(&out[i], 0, sizeof out[i]);
    if (++s->cur == 0) { /* stamp wrap-around: start clean */
        memset(s->stamp, 0, (d->npats + 1) * sizeof *s->stamp);
        memset(s->stamp2, 0, (d->npats + 1) * sizeof *s->stamp2);
        s->cur = 1;
        s->vw_cur = 0;
    }
    s->nvh = 0;
    s->vh_full = 0;
    s->vh_grouped = 0;
    memcpy(s->cand, s->cand_always, s->ncw * sizeof *s->cand);
    if (!d->o.no_prefilter) {
        if (!d->hs)
            pm_ac_scan(d->ac, text, len, on_hit, s);
        else if (pm_hs_scan(d->hs, s->hss, text, len, on_hit, s) != PM_OK)
            return PM_ERR_NOMEM; /* Hyperscan fails only without memory for its scratch */
        s->scan_cur = s->cur;
    }
    if (s->cand_ok) {
        /* the candidates in pattern order, which is (dimension, category, pattern) order:
         * the same runs as the loop below, without visiting the patterns no literal hit */
        for (size_t wi = 0; wi < s->ncw; wi++)
            for (uint64_t m = s->cand[wi]; m; m &= m - 1) {
                size_t pid = wi * 64 + (size_t)__builtin_ctzll(m);
                size_t i = d->pat_dim[pid], c = d->pat_cat[pid];
                if (!explain && pm_catset_has(&out[i], (unsigned)c))
                    continue; /* decided by an earlier pattern of its category */
                if (s->toff_any && pm_catset_has(&s->toff[i], (unsigned)c))
                    continue; /* off for this document's title (not_title) */
                if (pattern_decides(d, s, &d->dims[i].cats[c], pid, text, len, st, explain, ud, i, c))
                    pm_catset_set(&out[i], (unsigned)c);
            }
        return PM_OK;
    }
    for (size_t i = 0; i < d->ndims; i++) {
        const dim *dm = &d->dims[i];
        for (size_t c = 0; c < dm->ncats; c++) {
            const cat *ci = &dm->cats[c];
            if (s->toff_any && pm_catset_has(&s->toff[i], (unsigned)c))
                continue; /* off for this document's title (not_title) */
            for (size_t k = 0; k < ci->npat; k++)
                if (pattern_decides(d, s, ci, ci->first_pat + k, text, len, st, explain, ud, i, c)) {
                    pm_catset_set(&out[i], (unsigned)c);
                    if (!explain)
                        break; /* the category is decided */
                }
        }
    }
    return PM_OK;
}

/* ---- audit (dict explain): the slow, exhaustive path; never used by runs ---------------- */


pm_status pm_dictset_audit(const pm_dictset *d, pm_dict_scratch *s, const char *text,
                           size_t len, pm_catset *out, size_t max_per_pattern,
                           pm_dict_audit_fn fn, void *ud)
{
    if (!max_per_pattern)
        max_per_pattern = 16;
    s->scan_cur = 0; /* no literal scan here: every veto runs (covering_veto) */
    for (size_t i = 0; i < d->ndims; i++)
        memset(&out[i], 0, sizeof out[i]);
    for (size_t i = 0; i < d->ndims; i++) {
        const dim *dm = &d->dims[i];
        for (size_t c = 0; c < dm->ncats; c++) {
            const cat *ci = &dm->cats[c];
            for (size_t k = 0; k < ci->npat; k++) {
                const pat *p = &d->pats[ci->first_pat + k];
                size_t off = 0, seen = 0;
                /* the cap limits reports, not evaluation: keep looking past vetoed matches */
                while (off <= len &&
                       (seen < max_per_pattern || !pm_catset_has(&out[i], (unsigned)c))) {
                    if (run(p, s, text, len, off, NULL) <= 0)
                        break;
                    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
                    pm_dict_hit h = {.dim = i, .cat = c, .pattern = p->src, .line = p->line,
                                     .start = ov[0], .end = ov[1]};
                    size_t tr = title_rule(d, s, i, c);
                    const pat *v = tr == (size_t)-1 && ci->nveto
                                       ? covering_veto(d, ci, s, text, len, h.start, h.end,
                                                       &h.veto_start, &h.veto_end, NULL)
                                       : NULL;
                    if (tr != (size_t)-1) {
                        h.vetoed = 1;
                        h.title_veto = 1;
                        h.veto = d->tnot[tr].src;
                        h.veto_line = d->tnot[tr].line;
                    } else if (v) {
                        h.vetoed = 1;
                        h.veto = v->src;
                        h.veto_line = v->line;
                    } else {
                        int j = s->filter ? s->filter(s->filter_ud, i, c, text, len, h.start,
                                                      h.end, &h.score, &h.threshold)
                                          : -1;
                        h.judged = j >= 0;
                        h.dropped = j == 0;
                        if (!h.dropped)
                            pm_catset_set(&out[i], (unsigned)c);
                    }
                    if (fn && seen < max_per_pattern)
                        fn(ud, &h);
                    seen++;
                    off = h.end > h.start ? h.end : h.start + 1;
                    off = pm_utf8_ceil(text, len, off);
                }
            }
        }
    }
    return PM_OK;
}

/* ---- dict check -------------------------------------------------------------------------- */

static void say(pm_dict_report_fn rep, void *ud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(pm_dict_report_fn rep, void *ud, const char *fmt, ...)
{
    if (!rep)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    rep(ud, line);
}

static size_t first_char_len(const char *s)
{
    size_t n = pm_utf8_seqlen((unsigned char)s[0]);
    size_t k = 0;
    while (k < n && s[k])
        k++;
    return k ? k : 1;
}

long pm_dict_check(const char *dir, const pm_dict_options *o, pm_dict_report_fn rep, void *ud,
                   pm_errctx *err)
{
    pm_dict_options fast = o ? *o : (pm_dict_options){0};
    if (!o)
        pm_dict_options_default(&fast);
    pm_dict_options ref = fast;
    fast.no_prefilter = 0;
    ref.no_prefilter = 1;
    pm_dictset *d = NULL, *r = NULL;
    if (pm_dictset_load(&d, dir, &fast, err) != PM_OK)
        return -1;
    if (pm_dictset_load(&r, dir, &ref, err) != PM_OK) {
        pm_dictset_free(d);
        return -1;
    }
    pm_dict_scratch *sd = NULL, *sr = NULL;
    long fails = 0;
    if (pm_dict_scratch_create(&sd, d) != PM_OK || pm_dict_scratch_create(&sr, r) != PM_OK) {
        pm_errctx_set(err, PM_ERR_NOMEM, dir, "dict check");
        fails = -1;
        goto out;
    }
    pm_catset a[64], b[64];
    size_t always = 0;
    for (size_t p = 0; p < d->npats; p++)
        always += (size_t)d->pats[p].always;
    for (size_t i = 0; i < d->ndims; i++) {
        const dim *dm = &d->dims[i];
        for (size_t c = 0; c < dm->ncats; c++) {
            const cat *ci = &dm->cats[c];
            for (int kind = 0; kind < 2; kind++) {
                char **ex = kind ? ci->must_not : ci->must;
                size_t nex = kind ? ci->nmust_not : ci->nmust;
                for (size_t e = 0; e < nex; e++) {
                    pm_dictset_match(d, sd, ex[e], strlen(ex[e]), a, NULL, NULL, NULL);
                    pm_dictset_match(r, sr, ex[e], strlen(ex[e]), b, NULL, NULL, NULL);
                    int hit = pm_catset_has(&a[i], (unsigned)c);
                    if (hit != !kind) {
                        fails++;
                        say(rep, ud, "%s:%u: [%s] %s example %s: %s", dm->file, ci->line, ci->key,
                            kind ? "must_not" : "must", kind ? "matched" : "did not match", ex[e]);
                    }
                    if (memcmp(a, b, d->ndims * sizeof *a) != 0) {
                        fails++;
                        say(rep, ud, "%s:%u: [%s] prefilter and reference disagree on: %s",
                            dm->file, ci->line, ci->key, ex[e]);
                    }
                }
            }
            if (ci->nmust == 0)
                say(rep, ud, "%s:%u: [%s] note: no must example", dm->file, ci->line, ci->key);
        }
    }
    /* catastrophic backtracking probe: adversarial strings under a small match limit */
    {
        pcre2_match_context *mc = pcre2_match_context_create(NULL);
        pcre2_match_data *md = pcre2_match_data_create(4, NULL);
        pcre2_set_match_limit(mc, 100000);
        static const char *const seeds[] = {"a", "的", " ", "1", "补贴"};
        pm_buf adv;
        pm_buf_init(&adv, 1u << 20);
        for (size_t p = 0; mc && md && p < d->npats + d->nvetoes; p++) {
            const pat *pt = p < d->npats ? &d->pats[p] : &d->vetoes[p - d->npats];
            for (size_t k = 0; k < sizeof seeds / sizeof *seeds + 1; k++) {
                pm_buf_reset(&adv);
                const char *sd0 = k < sizeof seeds / sizeof *seeds ? seeds[k] : pt->src;
                size_t sl = k < sizeof seeds / sizeof *seeds ? strlen(sd0) : first_char_len(sd0);
                for (int rep_i = 0; rep_i < 5000 && adv.len + sl < adv.max; rep_i++)
                    pm_buf_append(&adv, sd0, sl);
                pm_buf_append_char(&adv, '!');
                /* then the pattern's own characters, so a required final character is
                 * present and the engine really has to backtrack over the run */
                for (const char *q = pt->src; *q; q++)
                    if (!strchr("()[]{}|?*+.^$\\", *q))
                        pm_buf_append_char(&adv, *q);
                int rc = pcre2_match(pt->code, (PCRE2_SPTR)adv.data, adv.len, 0, 0, md, mc);
                if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                    rc == PCRE2_ERROR_JIT_STACKLIMIT) {
                    fails++;
                    say(rep, ud, "%s:%u: pattern may backtrack catastrophically: /%s/",
                        d->dims[pt->dim].file, pt->line, pt->src);
                    break;
                }
            }
        }
        pm_buf_free(&adv);
        pcre2_match_data_free(md);
        pcre2_match_context_free(mc);
    }
    say(rep, ud, "%zu dimensions, %zu patterns (%zu without a required literal: run on every text), "
                 "%zu vetoes, %zu automaton states, literal scanner %s; %ld failure(s)",
        d->ndims, d->npats, always, d->nvetoes, pm_ac_states(d->ac) + pm_ac_states(d->vac), pm_dictset_engine(d), fails);
out:
    pm_dict_scratch_free(sd);
    pm_dict_scratch_free(sr);
    pm_dictset_free(d);
    pm_dictset_free(r);
    return fails;
}
