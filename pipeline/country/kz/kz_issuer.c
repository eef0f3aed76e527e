/* country/kz/kz_issuer.c - who issued a Kazakh act: the body (маслихат, акимат, аким, the
 * Government, Parliament, a ministry ...) and the division, from the requisite line the
 * locator found. Divisions are matched by the gazetteer's name forms (case forms in
 * Russian, stems in Kazakh, historical names with their dates) at word starts of the
 * folded line; of the divisions named, the one the others enclose on the act's date wins
 * («маслихата Тайыншинского района Северо-Казахстанской области» → the district; a
 * district named in two oblasts is settled by the oblast named beside it; Семей in 2020 is
 * in East Kazakhstan). No code arithmetic: enclosure is the gazetteer's parent chain. */
#include <string.h>

#include "kz_internal.h"

#define KZ_MAX_MENTIONS 16
#define KZ_MAX_CANDS 8

typedef struct mention {
    size_t off;
    uint32_t cand[KZ_MAX_CANDS];
    size_t ncand;
} mention;

static int form_valid(const pm_region_form *fm, pm_ymd date)
{
    if (date == 0)
        return fm->until == 0;
    return (fm->from == 0 || date >= fm->from) && (fm->until == 0 || date < fm->until);
}

/* the division names in f[a, b): the longest form at each word start */
static size_t scan_mentions(const pm_country *c, const char *f, size_t a, size_t b, pm_ymd date,
                            mention *ms, size_t max)
{
    size_t nm = 0;
    for (size_t i = a; i < b && nm < max;) {
        if (!kz_word_start(f, i) || f[i] == ' ') {
            i++;
            continue;
        }
        size_t lo, hi, best = 0;
        pm_country_form_range(c, f + i, b - i, &lo, &hi);
        mention m = {.off = i, .ncand = 0};
        for (size_t k = lo; k < hi; k++) {
            const pm_region_form *fm = pm_country_form_at(c, k);
            if (fm->len > b - i || fm->len < best || !form_valid(fm, date) ||
                memcmp(f + i, fm->text, fm->len) != 0)
                continue;
            if (fm->len > best) {
                best = fm->len;
                m.ncand = 0;
            }
            int dup = 0;
            for (size_t q = 0; q < m.ncand; q++)
                dup |= m.cand[q] == fm->region;
            if (!dup && m.ncand < KZ_MAX_CANDS)
                m.cand[m.ncand++] = fm->region;
        }
        if (best) {
            ms[nm++] = m;
            i += best;
        } else {
            i++;
        }
    }
    return nm;
}

/* the candidate the most other mentions enclose; ties: the deeper level, then the earlier
 * mention, then the lower index (deterministic) */
static uint32_t resolve(const pm_country *c, const mention *ms, size_t nm, pm_ymd date)
{
    uint32_t best = PM_REGION_NONE;
    int best_sup = -1;
    unsigned best_lv = 0;
    for (size_t i = 0; i < nm; i++)
        for (size_t k = 0; k < ms[i].ncand; k++) {
            uint32_t cand = ms[i].cand[k];
            int sup = 0;
            for (size_t j = 0; j < nm; j++) {
                if (j == i)
                    continue;
                for (size_t q = 0; q < ms[j].ncand; q++)
                    if (ms[j].cand[q] != cand &&
                        pm_country_region_within(c, cand, ms[j].cand[q], date)) {
                        sup++;
                        break;
                    }
            }
            unsigned lv = pm_country_region_at(c, cand)->level;
            if (sup > best_sup || (sup == best_sup && lv > best_lv)) {
                best = cand;
                best_sup = sup;
                best_lv = lv;
            }
        }
    return best;
}

/* the first body word in f[a, b) (local bodies before central ones at the same place) */
static const kz_word *scan_body(const kz_state *s, const char *f, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        const kz_word *w = kz_word_at(s, f, b, i, KZ_W_BODY);
        if (w)
            return w;
    }
    return NULL;
}

int kz_find_issuer(const void *state, const pm_country *c, const char *text, size_t len,
                   pm_country_issuer *out)
{
    const kz_state *s = state;
    char f[KZ_HEAD + 1];
    size_t n = len < KZ_HEAD ? len : KZ_HEAD;
    pm_country_fold(text, n, f);
    kz_req r;
    if (!kz_locate(s, text, f, n, &r))
        return 0;
    pm_ymd date = r.date.ymd;
    /* the date and number are not names: scan around them */
    size_t a = r.start, b = r.kk ? r.end : r.date.off;
    mention ms[KZ_MAX_MENTIONS];
    size_t nm = scan_mentions(c, f, a, b, date, ms, KZ_MAX_MENTIONS);
    const kz_word *body = scan_body(s, f, a, b);
    size_t tail_a = r.end, tail_b = r.tail_end;
    if (!r.kk && r.no_end && r.no_end < r.date.off) /* «Решение №9-56 от 23.10.2012, Маслихат …» */
        tail_a = r.date.end;
    if (nm == 0 || !body) {
        if (!body)
            body = scan_body(s, f, tail_a, tail_b);
        if (nm == 0)
            nm = scan_mentions(c, f, tail_a, tail_b, date, ms, KZ_MAX_MENTIONS);
        if (nm || body)
            b = tail_b;
    }
    out->span.off = r.start;
    out->span.len = (b > r.end ? b : r.end) - r.start;
    out->body = body ? body->body : "";
    if (body && body->central) {
        out->found = 1;
        out->level = 0;
        out->region = pm_country_national(c);
        return 1;
    }
    if (nm == 0)
        return 0;
    uint32_t g = resolve(c, ms, nm, date);
    if (g == PM_REGION_NONE)
        return 0;
    out->found = 1;
    out->region = g;
    /* a division sits one level below the parent it had on the act's date: Shymkent,
     * a city of South Kazakhstan until 19 June 2018, was then at district level */
    unsigned lv = pm_country_region_at(c, g)->level;
    const pm_region *par = pm_country_region_at(c, pm_country_region_parent(c, g, date));
    if (par && par->level + 1 > lv)
        lv = par->level + 1;
    out->level = lv;
    return 1;
}
