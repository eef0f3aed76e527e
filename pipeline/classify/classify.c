/* classify/classify.c - the per-document classifier: date, document number, issuer ->
 * level/region, and the dictionary category sets.
 *
 * It only combines modules in a fixed order: the <date> field (ISO or a bare year, any
 * country), then the run's country pack for the text half (country.h pm_country_read_doc:
 * the date found in the text, the document's own number, the issuer and its region, the
 * regions it cites), the pack's policy-name rules, and the dictionaries, whose hits a
 * clause model judges when the dictionaries' directory holds one (instrument_model.tsv,
 * instrmodel.c). Nothing here knows a country; it keeps no state between documents beyond
 * the scratch and never touches input bytes outside the pm_doc it is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/classify.h"
#include "policyminer/country.h"
#include "policyminer/textparse.h"
#include "policyminer/utf8.h"
#include "instrmodel.h"

struct pm_classifier {
    pm_dictset *dicts;
    const pm_country *country; /* the run's pack (regions, text half) */
    pm_country *own;           /* opened here by pm_classifier_load, else NULL */
    const pm_pname_pack *pack; /* the pack's policy-name rules (issue 14); NULL = off */
    void *pack_state;          /* NULL = off (rules' file absent) */
    pm_imodel *model;          /* the clause model of the hits; NULL = every hit counts */
};

#define NUMBUF 64 /* a number the pack normalised ("33/3-VIII") */

struct pm_classify_scratch {
    pm_dict_scratch *dict;
    pm_catset title_cats[PM_MAX_DIMS];
    char num[NUMBUF];
};

const char *pm_date_source_key(pm_date_source s)
{
    switch (s) {
    case PM_DSRC_NONE: return "";
    case PM_DSRC_FIELD: return "field";
    case PM_DSRC_SIGNATURE: return "signature";
    case PM_DSRC_DOCNO: return "docno";
    case PM_DSRC_ENACTMENT: return "enactment";
    case PM_DSRC_REQUISITE: return "requisite";
    }
    return "";
}

pm_status pm_classifier_load_country(pm_classifier **out, const pm_country *country,
                                     const char *dict_dir, const pm_dict_options *o,
                                     pm_errctx *err)
{
    *out = NULL;
    pm_classifier *c = calloc(1, sizeof *c);
    if (!c)
        return pm_errctx_set(err, PM_ERR_NOMEM, dict_dir, "loading dictionaries");
    c->country = country;
    /* the pack's dictionaries (*.dict files of dictionaries/<cc>), else the flat layout's */
    const char *ddir = pm_country_dicts_dir(country, dict_dir);
    pm_status st = pm_dictset_load(&c->dicts, ddir, o, err);
    if (st == PM_OK && pm_dictset_ndims(c->dicts) > PM_MAX_DIMS)
        st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, ddir,
                           "more than %d dictionary dimensions", PM_MAX_DIMS);
    if (st == PM_OK) { /* beside the dictionaries it judges; absent = today's labels */
        char mp[4200];
        snprintf(mp, sizeof mp, "%s/instrument_model.tsv", ddir);
        st = pm_imodel_load(&c->model, mp, c->dicts, err);
    }
    c->pack = pm_country_pnames(country);
    if (st == PM_OK && c->pack) {
        st = c->pack->load(&c->pack_state, pm_country_dir(country), err);
        if (st == PM_OK && !c->pack_state) /* the flat layout keeps them beside the rest */
            st = c->pack->load(&c->pack_state, dict_dir, err);
    }
    if (st != PM_OK) {
        pm_classifier_free(c);
        return st;
    }
    *out = c;
    return PM_OK;
}

pm_status pm_classifier_load(pm_classifier **out, const char *dict_dir,
                             const pm_dict_options *o, pm_errctx *err)
{
    *out = NULL;
    pm_country *country = NULL;
    pm_status st = pm_country_open_dir(&country, NULL, dict_dir, err);
    if (st != PM_OK)
        return st;
    st = pm_classifier_load_country(out, country, dict_dir, o, err);
    if (st != PM_OK) {
        pm_country_free(country);
        return st;
    }
    (*out)->own = country;
    return PM_OK;
}

void pm_classifier_free(pm_classifier *c)
{
    if (!c)
        return;
    pm_dictset_free(c->dicts);
    pm_imodel_free(c->model);
    if (c->pack)
        c->pack->free(c->pack_state);
    pm_country_free(c->own);
    free(c);
}

const pm_dictset *pm_classifier_dicts(const pm_classifier *c) { return c->dicts; }
const pm_country *pm_classifier_country(const pm_classifier *c) { return c->country; }
const char *pm_classifier_pname_checksum(const pm_classifier *c)
{
    return c->pack ? c->pack->checksum(c->pack_state) : "none";
}
const char *pm_classifier_model_checksum(const pm_classifier *c)
{
    return c->model ? pm_imodel_checksum(c->model) : NULL;
}
pm_dict_scratch *pm_classify_scratch_dict(pm_classify_scratch *s) { return s->dict; }

void pm_classify_pnames(const pm_classifier *c, const pm_doc *doc, const pm_record *rec,
                        pm_pnames *out, pm_pname_explain_fn explain, void *ud)
{
    memset(out, 0, sizeof *out);
    if (!c->pack)
        return;
    pm_pname_input pi = {doc->title.p, doc->title.len, doc->body.p, doc->body.len,
                         rec->issuer.issuer, rec->issuer.issuer_len, rec->year};
    c->pack->extract(c->pack_state, pm_country_gazetteer(c->country), &pi, out, explain, ud);
}
const pm_gazetteer *pm_classifier_gazetteer(const pm_classifier *c)
{
    return pm_country_gazetteer(c->country);
}

/* 1 when s holds only blanks (an empty <date> is missing, not invalid). */
static int all_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

/* A <date> that is only a year ("2015", blanks around): yyyy0000, year precision. */
static int bare_year(const char *s, size_t n, int ymin, int ymax, int32_t *ymd)
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
    if (y < ymin || y > ymax)
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
    if (c->model)
        pm_dict_scratch_set_filter(s->dict, pm_imodel_judge, c->model);
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

void pm_classify_set_context(const pm_classifier *c, pm_classify_scratch *s, const pm_doc *doc,
                             pm_dict_stats *st)
{
    pm_str t = pm_doc_context_title(doc);
    pm_dict_scratch_set_title(s->dict, c->dicts, t.p, t.len, st);
}

static uint32_t count_code_points(const char *p, size_t n)
{
    return (uint32_t)pm_utf8_count(p, n);
}

pm_status pm_classify(const pm_classifier *c, pm_classify_scratch *s, const pm_doc *doc,
                      pm_record *out, pm_dict_stats *st, pm_dict_explain_fn explain, void *ud)
{
    memset(out, 0, sizeof *out);

    /* The <date> field, any country: an ISO date or a bare year, within the pack's years. */
    int32_t ymd = 0;
    int ymin, ymax;
    pm_country_years(c->country, &ymin, &ymax);
    int field_given = doc->date.len && !all_blank(doc->date.p, doc->date.len);
    if (field_given && (pm_date_parse_iso_in(doc->date.p, doc->date.len, ymin, ymax, &ymd) ||
                        bare_year(doc->date.p, doc->date.len, ymin, ymax, &ymd))) {
        out->date_source = PM_DSRC_FIELD; /* a bare year is yyyy0000: year precision */
        out->date = ymd;
        out->year = ymd / 10000;
    }
    /* The text half through the pack: the date found in the text (when the field gave
     * none), the own number, the issuer, the regions cited. */
    pm_country_read_doc(c->country, doc, out, s->num, sizeof s->num);
    /* counted, never silently dropped (2015-02-30, 0000-00-00); the next evidence is used */
    out->date_field_invalid = field_given && out->date_source != PM_DSRC_FIELD;

    out->n_chars = count_code_points(doc->body.p, doc->body.len);
    pm_classify_pnames(c, doc, out, &out->pnames, NULL, NULL);

    /* Title and body are matched separately (no copy) and their category sets OR-ed;
     * the categories the title context turns off (not_title) count in neither. */
    pm_classify_set_context(c, s, doc, st);
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
