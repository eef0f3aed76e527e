/* classify/instrmodel.c - the clause model of a country pack (instrument_model.tsv): for
 * each dictionary hit of its dimension, does the clause around it grant or establish the
 * measure, or only name it (a condition, a duty, a definition, a ban)?
 *
 * A linear score per group over the hit's clause, trained on hand-labelled development
 * articles by scripts/train-instrument-model, which computes the same features (the unit
 * test and the trainer's own parity check hold them equal). Features, summed in this order:
 * every character 1-, 2- and 3-gram of the sentence around the hit (bounded by 。；！？ and
 * line breaks, at most `cap` code points each side) that is not wholly inside the hit, the
 * same of its clause (also bounded by ，：), the one and two characters just before and after the hit within the sentence,
 * and the category's key. Blanks (ASCII <= 0x20, U+3000) are dropped before n-gramming.
 * The score is the group's bias plus the weights of the features present; a hit is kept
 * when score >= the group's threshold. It never sees text outside the hit's sentence, keeps
 * no state, and is read-only after load (shared by every thread).
 *
 * File (UTF-8, tab-separated, '#' comment lines):
 *   format  pm-instrument-model  1
 *   dimension  instrument
 *   cap  N
 *   group  NAME  BIAS  THRESHOLD            (one per judged group, in column order)
 *   f  NS  TEXT  W_1 ... W_groups           (a feature and its weight per group)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instrmodel.h"
#include "policyminer/hash.h"
#include "policyminer/hmap.h"
#include "policyminer/utf8.h"

#define MODEL_MAX_BYTES ((size_t)64 << 20)
#define MODEL_MAX_FEATURES ((size_t)1 << 21)
#define MODEL_MAX_GROUPS 16
#define MODEL_MAX_CAP 1024
#define KEY_MAX 64

struct pm_imodel {
    size_t dim;
    size_t cap;
    size_t ngroups;
    double bias[MODEL_MAX_GROUPS], thr[MODEL_MAX_GROUPS];
    int *cat_group; /* per category of the dimension: model group, or -1 (not judged) */
    const char **cat_key;
    size_t ncats;
    pm_hmap *feat;  /* ns + text -> row */
    double *w;      /* row * ngroups + group */
    size_t nfeat;
    char checksum[72];
};

/* ---- features ----------------------------------------------------------------------- */

static int blank(uint32_t cp) { return cp <= 0x20 || cp == 0x3000; }

static int sent_delim(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF1B || cp == ';' || cp == 0xFF01 || cp == 0xFF1F ||
           cp == '!' || cp == '?' || cp == '\n' || cp == '\r';
}

static int clause_delim(uint32_t cp)
{
    return sent_delim(cp) || cp == 0xFF0C || cp == ',' || cp == 0xFF1A || cp == ':';
}

/* The code point before byte i (i > 0); its start in *at. Invalid bytes count as one. */
static uint32_t prev_cp(const char *t, size_t i, size_t *at)
{
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && pm_utf8_is_cont((unsigned char)t[j]))
        j--;
    uint32_t cp = 0xFFFD;
    if (pm_utf8_next(t + j, i - j, &cp) != (int)(i - j)) {
        j = i - 1;
        cp = 0xFFFD;
    }
    *at = j;
    return cp;
}

static uint32_t next_cp(const char *t, size_t n, size_t i, size_t *len)
{
    uint32_t cp = 0xFFFD;
    int k = pm_utf8_next(t + i, n - i, &cp);
    if (k <= 0) {
        k = 1;
        cp = 0xFFFD;
    }
    *len = (size_t)k;
    return cp;
}

/* [*a, *b): from the hit outwards to the first delimiter, at most cap code points a side. */
static void span_around(const char *t, size_t n, size_t hs, size_t he, size_t cap,
                        int (*delim)(uint32_t), size_t *a, size_t *b)
{
    size_t i = hs, k = 0, at, l;
    while (i > 0 && k < cap) {
        if (delim(prev_cp(t, i, &at)))
            break;
        i = at;
        k++;
    }
    *a = i;
    i = he;
    k = 0;
    while (i < n && k < cap) {
        if (delim(next_cp(t, n, i, &l)))
            break;
        i += l;
        k++;
    }
    *b = i;
}

/* Every 1-, 2-, 3-gram ending at each non-blank code point of [a, b), in text order
 * (unigram, bigram, trigram at each position), but those wholly inside the hit [hs, he):
 * the model weighs the hit's context, not the words the dictionary matched (a context it
 * has never seen then scores its bias, whatever the matched word). */
static void ngrams(const char *t, size_t a, size_t b, size_t hs, size_t he, char ns,
                   pm_imodel_feature_fn fn, void *ud)
{
    size_t off[3] = {0, 0, 0}, len[3] = {0, 0, 0}, have = 0;
    char buf[12];
    for (size_t i = a; i < b;) {
        size_t l;
        uint32_t cp = next_cp(t, b, i, &l);
        size_t at = i;
        i += l;
        if (blank(cp))
            continue;
        /* keep the last three: off/len of code points k-2, k-1, k */
        off[0] = off[1], len[0] = len[1];
        off[1] = off[2], len[1] = len[2];
        off[2] = at, len[2] = l;
        if (have < 3)
            have++;
        for (size_t g = 1; g <= have; g++) {
            if (off[3 - g] >= hs && off[2] + len[2] <= he)
                continue;
            size_t m = 0;
            for (size_t q = 3 - g; q < 3; q++) {
                memcpy(buf + m, t + off[q], len[q]);
                m += len[q];
            }
            fn(ud, ns, buf, m);
        }
    }
}

/* The nearest non-blank code point beside the hit (at[0]) and the two nearest in text order
 * (at[1] before at[0] on the left side, after it on the right): the features tag, k found. */
static void emit_near(pm_imodel_feature_fn fn, void *ud, char tag, const char *t, size_t k,
                      const size_t at[2], const size_t ln[2], int left)
{
    char buf[8];
    if (k >= 1)
        fn(ud, tag, t + at[0], ln[0]);
    if (k >= 2) {
        size_t a = left ? 1 : 0, b = left ? 0 : 1;
        memcpy(buf, t + at[a], ln[a]);
        memcpy(buf + ln[a], t + at[b], ln[b]);
        fn(ud, tag, buf, ln[0] + ln[1]);
    }
}

void pm_imodel_features(const char *t, size_t n, size_t hs, size_t he, const char *catkey,
                        size_t cap, pm_imodel_feature_fn fn, void *ud)
{
    size_t ss, se, cs, ce;
    span_around(t, n, hs, he, cap, sent_delim, &ss, &se);
    span_around(t, n, hs, he, cap, clause_delim, &cs, &ce);
    ngrams(t, ss, se, hs, he, 's', fn, ud);
    ngrams(t, cs, ce, hs, he, 'c', fn, ud);
    /* the one and two non-blank code points just before the hit, in the sentence */
    size_t at[2], ln[2], k = 0, i = hs;
    while (i > ss && k < 2) {
        size_t j;
        uint32_t cp = prev_cp(t, i, &j);
        if (!blank(cp)) {
            at[k] = j;
            ln[k] = i - j;
            k++;
        }
        i = j;
    }
    emit_near(fn, ud, 'l', t, k, at, ln, 1);
    k = 0;
    i = he;
    while (i < se && k < 2) {
        size_t l;
        uint32_t cp = next_cp(t, se, i, &l);
        if (!blank(cp)) {
            at[k] = i;
            ln[k] = l;
            k++;
        }
        i += l;
    }
    emit_near(fn, ud, 'r', t, k, at, ln, 0);
    fn(ud, 'k', catkey, strlen(catkey));
}

/* ---- scoring ------------------------------------------------------------------------ */

typedef struct sum_ctx {
    const pm_imodel *m;
    size_t g;
    double s;
} sum_ctx;

static void add_weight(void *ud, char ns, const char *bytes, size_t n)
{
    sum_ctx *x = ud;
    char key[KEY_MAX];
    if (n + 1 > sizeof key)
        return; /* longer than any stored feature (category keys are <= 32) */
    key[0] = ns;
    memcpy(key + 1, bytes, n);
    const uint64_t *row = pm_hmap_get_bytes(x->m->feat, key, n + 1);
    if (row)
        x->s += x->m->w[*row * x->m->ngroups + x->g];
}

int pm_imodel_judge(void *ud, size_t dim, size_t cat, const char *text, size_t len,
                    size_t start, size_t end, double *score, double *threshold)
{
    const pm_imodel *m = ud;
    if (dim != m->dim || cat >= m->ncats || m->cat_group[cat] < 0)
        return -1;
    sum_ctx x = {m, (size_t)m->cat_group[cat], 0.0};
    x.s = m->bias[x.g];
    pm_imodel_features(text, len, start, end, m->cat_key[cat], m->cap, add_weight, &x);
    *score = x.s;
    *threshold = m->thr[x.g];
    return x.s >= m->thr[x.g];
}

/* ---- loading ------------------------------------------------------------------------ */

void pm_imodel_free(pm_imodel *m)
{
    if (!m)
        return;
    pm_hmap_free(m->feat);
    free(m->w);
    free(m->cat_group);
    free(m->cat_key);
    free(m);
}

const char *pm_imodel_checksum(const pm_imodel *m) { return m->checksum; }

/* Splits line at tabs into at most max fields; returns the count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t k = 0;
    f[k++] = line;
    for (char *p = line; *p && k < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[k++] = p + 1;
        }
    return k;
}

/* A finite number filling s (no NaN or infinity: a weight must keep scores comparable). */
static int parse_num(const char *s, double *v)
{
    char *e;
    *v = strtod(s, &e);
    return e != s && *e == '\0' && *v == *v && *v - *v == 0.0;
}

static char *read_all(const char *path, size_t *n, pm_status *st)
{
    FILE *f = fopen(path, "rb");
    *st = PM_ERR_OPEN;
    if (!f)
        return NULL;
    char *b = NULL;
    size_t cap = 0, len = 0;
    *st = PM_OK;
    for (;;) {
        if (len + 65536 + 1 > cap) {
            if (cap >= MODEL_MAX_BYTES) {
                *st = PM_ERR_TOO_BIG;
                break;
            }
            size_t nc = cap ? cap * 2 : 65536 * 2;
            char *nb = realloc(b, nc);
            if (!nb) {
                *st = PM_ERR_NOMEM;
                break;
            }
            b = nb;
            cap = nc;
        }
        size_t r = fread(b + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0) {
            if (ferror(f))
                *st = PM_ERR_IO;
            break;
        }
    }
    fclose(f);
    if (*st != PM_OK) {
        free(b);
        return NULL;
    }
    b[len] = '\0';
    *n = len;
    return b;
}

#define BAD(...)                                                                    \
    do {                                                                            \
        st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, __VA_ARGS__);             \
        err->line = lineno;                                                         \
        goto fail;                                                                  \
    } while (0)

pm_status pm_imodel_load(pm_imodel **out, const char *path, const pm_dictset *d,
                         pm_errctx *err)
{
    *out = NULL;
    size_t n = 0;
    pm_status st;
    char *text = read_all(path, &n, &st);
    if (st == PM_ERR_OPEN)
        return PM_OK; /* no model: every hit counts */
    if (st != PM_OK)
        return pm_errctx_set(err, st, path, "reading the instrument model");
    unsigned lineno = 0;
    pm_imodel *m = calloc(1, sizeof *m);
    size_t wcap = 0;
    if (!m) {
        free(text);
        return pm_errctx_set(err, PM_ERR_NOMEM, path, "loading the instrument model");
    }
    m->dim = (size_t)-1;
    m->cap = 160;
    if ((st = pm_hmap_create(&m->feat, 1, MODEL_MAX_FEATURES)) != PM_OK) {
        st = pm_errctx_set(err, st, path, "loading the instrument model");
        goto fail;
    }
    if ((st = pm_sha256_file(path, m->checksum)) != PM_OK) {
        st = pm_errctx_set(err, st, path, "checksum of the instrument model");
        goto fail;
    }
    int have_format = 0;
    char *f[3 + MODEL_MAX_GROUPS + 1];
    for (char *line = text, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (!ll || line[0] == '#')
            continue;
        size_t k = split_tabs(line, f, sizeof f / sizeof *f);
        if (strcmp(f[0], "format") == 0) {
            if (k != 3 || strcmp(f[1], "pm-instrument-model") != 0 || strcmp(f[2], "1") != 0)
                BAD("not a pm-instrument-model 1 file");
            have_format = 1;
        } else if (!have_format) {
            BAD("the first line must be: format<TAB>pm-instrument-model<TAB>1");
        } else if (strcmp(f[0], "dimension") == 0) {
            if (k != 2 || m->dim != (size_t)-1)
                BAD("one dimension line, with one name");
            m->dim = pm_dictset_dim_find(d, f[1]);
            if (m->dim == (size_t)-1)
                BAD("dimension %s is not in the dictionaries", f[1]);
            m->ncats = pm_dictset_ncats(d, m->dim);
            m->cat_group = malloc((m->ncats + 1) * sizeof *m->cat_group);
            m->cat_key = malloc((m->ncats + 1) * sizeof *m->cat_key);
            if (!m->cat_group || !m->cat_key) {
                st = pm_errctx_set(err, PM_ERR_NOMEM, path, "loading the instrument model");
                goto fail;
            }
            for (size_t c = 0; c < m->ncats; c++) {
                m->cat_group[c] = -1;
                m->cat_key[c] = pm_dictset_cat_key(d, m->dim, c);
            }
        } else if (strcmp(f[0], "cap") == 0) {
            double v;
            if (k != 2 || !parse_num(f[1], &v) || !(v >= 1 && v <= MODEL_MAX_CAP) ||
                v != (double)(size_t)v) /* NaN fails the range test before the cast */
                BAD("cap: a whole number of code points, 1..%d", MODEL_MAX_CAP);
            m->cap = (size_t)v;
        } else if (strcmp(f[0], "group") == 0) {
            if (m->dim == (size_t)-1 || m->nfeat)
                BAD("group lines come after the dimension and before the features");
            if (k != 4 || m->ngroups >= MODEL_MAX_GROUPS || !parse_num(f[2], &m->bias[m->ngroups]) ||
                !parse_num(f[3], &m->thr[m->ngroups]))
                BAD("group NAME BIAS THRESHOLD (at most %d groups)", MODEL_MAX_GROUPS);
            size_t hit = 0;
            for (size_t c = 0; c < m->ncats; c++)
                if (strcmp(pm_dictset_cat_group(d, m->dim, c), f[1]) == 0) {
                    if (m->cat_group[c] >= 0)
                        BAD("group %s given twice", f[1]);
                    m->cat_group[c] = (int)m->ngroups;
                    hit++;
                }
            if (!hit)
                BAD("group %s has no category in dimension %s", f[1],
                    pm_dictset_dim_name(d, m->dim));
            m->ngroups++;
        } else if (strcmp(f[0], "f") == 0) {
            if (!m->ngroups)
                BAD("features before any group line");
            if (k != 3 + m->ngroups || strlen(f[1]) != 1 || !*f[2] ||
                strlen(f[2]) + 1 > KEY_MAX)
                BAD("f NS TEXT and one weight per group (%zu)", m->ngroups);
            if (m->nfeat == wcap) {
                size_t nc = wcap ? wcap * 2 : 4096;
                double *nw = realloc(m->w, nc * m->ngroups * sizeof *nw);
                if (!nw) {
                    st = pm_errctx_set(err, PM_ERR_NOMEM, path, "loading the instrument model");
                    goto fail;
                }
                m->w = nw;
                wcap = nc;
            }
            for (size_t g = 0; g < m->ngroups; g++)
                if (!parse_num(f[3 + g], &m->w[m->nfeat * m->ngroups + g]))
                    BAD("weight %s is not a number", f[3 + g]);
            char key[KEY_MAX];
            size_t kl = strlen(f[2]);
            key[0] = f[1][0];
            memcpy(key + 1, f[2], kl);
            int added;
            uint64_t *v = pm_hmap_put_bytes(m->feat, key, kl + 1, &added, &st);
            if (!v) {
                st = pm_errctx_set(err, st, path, "too many features (cap %zu)",
                                   MODEL_MAX_FEATURES);
                goto fail;
            }
            if (!added)
                BAD("feature %s %s given twice", f[1], f[2]);
            *v = m->nfeat++;
        } else {
            BAD("unknown line kind \"%s\"", f[0]);
        }
    }
    if (!have_format || !m->ngroups)
        BAD("no format or no group line");
    free(text);
    *out = m;
    return PM_OK;
fail:
    free(text);
    pm_imodel_free(m);
    return st;
}
