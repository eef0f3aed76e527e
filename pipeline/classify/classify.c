/* classify/classify.c - the per-document classifier: date, document number, issuer ->
 * level/region, and the dictionary category sets.
 *
 * It only combines the specialised modules (textparse, gazetteer/issuer, dict) in a fixed
 * order of evidence; it keeps no state between documents beyond the scratch and never
 * touches input bytes outside the pm_doc it is given.
 */
#include <stdlib.h>
#include <string.h>

#include "policyminer/classify.h"
#include "policyminer/textparse.h"
#include "policyminer/utf8.h"

struct pm_classifier {
    pm_dictset *dicts;
    pm_gazetteer *gaz;
    const pm_pname_pack *pack; /* policy-name rules (issue 14); state NULL = off */
    void *pack_state;
};

struct pm_classify_scratch {
    pm_dict_scratch *dict;
    pm_catset title_cats[PM_MAX_DIMS];
};

/* How far into the body a document number is looked for (the header block). */
#define DOCNO_HEAD_BYTES 600

const char *pm_date_source_key(pm_date_source s)
{
    switch (s) {
    case PM_DSRC_NONE: return "";
    case PM_DSRC_FIELD: return "field";
    case PM_DSRC_SIGNATURE: return "signature";
    case PM_DSRC_DOCNO: return "docno";
    case PM_DSRC_ENACTMENT: return "enactment";
    }
    return "";
}

pm_status pm_classifier_load(pm_classifier **out, const char *dict_dir,
                             const pm_dict_options *o, pm_errctx *err)
{
    *out = NULL;
    pm_classifier *c = calloc(1, sizeof *c);
    if (!c)
        return pm_errctx_set(err, PM_ERR_NOMEM, dict_dir, "loading dictionaries");
    pm_status st = pm_dictset_load(&c->dicts, dict_dir, o, err);
    if (st == PM_OK && pm_dictset_ndims(c->dicts) > PM_MAX_DIMS)
        st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, dict_dir,
                           "more than %d dictionary dimensions", PM_MAX_DIMS);
    if (st == PM_OK)
        st = pm_gaz_load(&c->gaz, dict_dir, err);
    c->pack = &pm_pname_pack_cn;
    if (st == PM_OK)
        st = c->pack->load(&c->pack_state, dict_dir, err);
    if (st != PM_OK) {
        pm_classifier_free(c);
        return st;
    }
    *out = c;
    return PM_OK;
}

void pm_classifier_free(pm_classifier *c)
{
    if (!c)
        return;
    pm_dictset_free(c->dicts);
    pm_gaz_free(c->gaz);
    if (c->pack)
        c->pack->free(c->pack_state);
    free(c);
}

const pm_dictset *pm_classifier_dicts(const pm_classifier *c) { return c->dicts; }
const char *pm_classifier_pname_checksum(const pm_classifier *c)
{
    return c->pack->checksum(c->pack_state);
}

void pm_classify_pnames(const pm_classifier *c, const pm_doc *doc, const pm_record *rec,
                        pm_pnames *out, pm_pname_explain_fn explain, void *ud)
{
    memset(out, 0, sizeof *out);
    pm_pname_input pi = {doc->title.p, doc->title.len, doc->body.p, doc->body.len,
                         rec->issuer.issuer, rec->issuer.issuer_len, rec->year};
    c->pack->extract(c->pack_state, c->gaz, &pi, out, explain, ud);
}
const pm_gazetteer *pm_classifier_gazetteer(const pm_classifier *c) { return c->gaz; }

/* 1 when s holds only blanks (an empty <date> is missing, not invalid). */
static int all_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

/* A <date> that is only a year ("2015", blanks around): yyyy0000, year precision. */
static int bare_year(const char *s, size_t n, int32_t *ymd)
{
    size_t i = 0, j = n;
    while (i < j && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\n' || s[j - 1] == '\r'))
        j--;
    if (j - i != 4)
        return 0;
    int y = 0;
    for (size_t k = i; k < j; k++) {
        if (s[k] < '0' || s[k] > '9')
            return 0;
        y = y * 10 + (s[k] - '0');
    }
    if (y < PM_YEAR_MIN || y > PM_YEAR_MAX)
        return 0;
    *ymd = (int32_t)y * 10000;
    return 1;
}

pm_status pm_classify_scratch_create(pm_classify_scratch **out, const pm_classifier *c)
{
    *out = NULL;
    pm_classify_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return PM_ERR_NOMEM;
    pm_status st = pm_dict_scratch_create(&s->dict, c->dicts);
    if (st != PM_OK) {
        free(s);
        return st;
    }
    *out = s;
    return PM_OK;
}

void pm_classify_scratch_free(pm_classify_scratch *s)
{
    if (!s)
        return;
    pm_dict_scratch_free(s->dict);
    free(s);
}

static uint32_t parse_code(pm_str s)
{
    if (s.len != 6)
        return 0;
    uint32_t v = 0;
    for (size_t i = 0; i < 6; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
        v = v * 10 + (uint32_t)(s.p[i] - '0');
    }
    return v;
}

static uint32_t count_code_points(const char *p, size_t n)
{
    return (uint32_t)pm_utf8_count(p, n);
}

/* A 文号 in parentheses right after a closing 》 cites the document named in the marks. */
static int cited(const char *p, size_t start)
{
    static const char *const open[] = {"》（", "》("};
    for (size_t i = 0; i < 2; i++) {
        size_t l = strlen(open[i]);
        if (start >= l && memcmp(p + start - l, open[i], l) == 0)
            return 1;
    }
    return 0;
}

/* Document number: the field, else the first 文号 in the title, else in the body head,
 * skipping numbers that cite another document. */
static void find_docno(const pm_doc *doc, pm_str *out, pm_docno *parsed, int *have)
{
    *have = 0;
    out->p = NULL;
    out->len = 0;
    if (doc->docno.len) {
        *out = doc->docno;
        *have = pm_docno_parse(doc->docno.p, doc->docno.len, parsed);
        return;
    }
    size_t head = doc->body.len < DOCNO_HEAD_BYTES ? doc->body.len : DOCNO_HEAD_BYTES;
    const pm_str where[2] = {doc->title, {doc->body.p, head}};
    for (int i = 0; i < 2; i++) {
        size_t off = 0;
        while (off < where[i].len && pm_docno_find(where[i].p + off, where[i].len - off, parsed)) {
            size_t st = off + parsed->start, en = off + parsed->end;
            if (cited(where[i].p, st)) { /* 《…》（国函〔2009〕125号）: another document's */
                off = en;
                continue;
            }
            parsed->start = st;
            parsed->end = en;
            parsed->prefix_start += off;
            parsed->prefix_end += off;
            out->p = where[i].p + st;
            out->len = en - st;
            *have = 1;
            return;
        }
    }
}

/* Explicit learning: "学习借鉴 / 借鉴 / 学习 / 复制推广 / 参照 <region> <经验|做法|模式>" in
 * one clause. The words between the verb and the noun are read as an issuer would be (so
 * 浙江, 湖州市, 江苏省无锡市 resolve, 外地 and 先进地区 do not); the issuer's own region
 * and the centre are not citations. */
static void find_citations(const pm_classifier *c, const char *t, size_t n, pm_record *out)
{
    static const char *const verbs[] = {"借鉴", "学习", "复制推广", "参照"};
    static const char *const nouns[] = {"经验", "做法", "模式"};
    out->ncited = 0;
    for (size_t v = 0; v < sizeof verbs / sizeof *verbs; v++) {
        size_t vl = strlen(verbs[v]);
        for (const char *q = t; q && (q = memmem(q, (size_t)(t + n - q), verbs[v], vl)) != NULL;
             q += vl) {
            const char *s0 = q + vl, *lim = s0 + 36 < t + n ? s0 + 36 : t + n;
            const char *end = NULL;
            for (size_t k = 0; k < sizeof nouns / sizeof *nouns; k++) {
                const char *e = memmem(s0, (size_t)(lim - s0), nouns[k], strlen(nouns[k]));
                if (e && (!end || e < end))
                    end = e;
            }
            if (!end || end == s0)
                continue;
            /* one clause: no sentence or clause break between verb and noun */
            if (memmem(s0, (size_t)(end - s0), "。", 3) || memmem(s0, (size_t)(end - s0), "；", 3) ||
                memmem(s0, (size_t)(end - s0), "，", 3) || memchr(s0, '\n', (size_t)(end - s0)))
                continue;
            pm_issuer_input in = {.issuer = s0, .issuer_len = (size_t)(end - s0), .year = out->year};
            pm_issuer_result r;
            pm_issuer_resolve(c->gaz, &in, &r);
            uint32_t code = r.region_code;
            if (!code || code == PM_CODE_CENTRAL || code == out->issuer.region_code)
                continue;
            int dup = 0;
            for (unsigned i = 0; i < out->ncited; i++)
                dup |= out->cited[i] == code;
            if (!dup && out->ncited < PM_MAX_CITED)
                out->cited[out->ncited++] = code;
        }
    }
}

pm_status pm_classify(const pm_classifier *c, pm_classify_scratch *s, const pm_doc *doc,
                      pm_record *out, pm_dict_stats *st, pm_dict_explain_fn explain, void *ud)
{
    memset(out, 0, sizeof *out);

    pm_docno dn;
    int have_dn = 0;
    find_docno(doc, &out->docno, &dn, &have_dn);

    /* A law's first adoption or promulgation line names its issuer and its date (later
     * amendments do not: the organ that revises a law is not a new issuer). */
    pm_enactment en;
    int have_en = doc->body.len && pm_enactment_find(doc->body.p, doc->body.len, &en);

    /* Date evidence, strongest first. */
    int32_t ymd = 0;
    int field_given = doc->date.len && !all_blank(doc->date.p, doc->date.len);
    if (field_given && (pm_date_parse_iso(doc->date.p, doc->date.len, &ymd) ||
                        bare_year(doc->date.p, doc->date.len, &ymd))) {
        out->date_source = PM_DSRC_FIELD; /* a bare year is yyyy0000: year precision */
    } else if (have_en) {
        ymd = en.ymd;
        out->date_source = PM_DSRC_ENACTMENT;
    } else if (doc->body.len && pm_date_find_closing(doc->body.p, doc->body.len, 0, &ymd)) {
        out->date_source = PM_DSRC_SIGNATURE;
    } else if (have_dn && dn.year >= PM_YEAR_MIN && dn.year <= PM_YEAR_MAX) {
        ymd = (int32_t)dn.year * 10000;
        out->date_source = PM_DSRC_DOCNO;
    }
    out->date = ymd;
    out->year = ymd / 10000;
    /* counted, never silently dropped (2015-02-30, 0000-00-00); the next evidence is used */
    out->date_field_invalid = field_given && out->date_source != PM_DSRC_FIELD;

    pm_issuer_input in = {
        .issuer = doc->issuer.p, .issuer_len = doc->issuer.len,
        .title = doc->title.p, .title_len = doc->title.len,
        .docno = out->docno.p, .docno_len = out->docno.len,
        .body = doc->body.p, .body_len = doc->body.len,
        .enact = have_en ? doc->body.p + en.organ_start : NULL,
        .enact_len = have_en ? en.organ_end - en.organ_start : 0,
        .region_hint = parse_code(doc->region_code),
        .year = out->year,
    };
    pm_issuer_resolve(c->gaz, &in, &out->issuer);

    out->n_chars = count_code_points(doc->body.p, doc->body.len);
    find_citations(c, doc->body.p, doc->body.len, out);
    pm_classify_pnames(c, doc, out, &out->pnames, NULL, NULL);

    /* Title and body are matched separately (no copy) and their category sets OR-ed. */
    size_t nd = pm_dictset_ndims(c->dicts);
    out->ndims = nd;
    pm_status rc = PM_OK;
    if (doc->title.len) {
        rc = pm_dictset_match(c->dicts, s->dict, doc->title.p, doc->title.len, s->title_cats,
                              st, explain, ud);
        if (rc != PM_OK)
            return rc;
    } else {
        memset(s->title_cats, 0, sizeof s->title_cats);
    }
    rc = pm_dictset_match(c->dicts, s->dict, doc->body.p ? doc->body.p : "", doc->body.len,
                          out->cats, st, explain, ud);
    if (rc != PM_OK)
        return rc;
    for (size_t d = 0; d < nd; d++)
        for (size_t w = 0; w < PM_CATSET_WORDS; w++)
            out->cats[d].w[w] |= s->title_cats[d].w[w];
    return PM_OK;
}
