/* country/kz/kz.c - the Kazakhstan module: its state (organ, act-type and stop words from
 * dictionaries/kz/organs.tsv, month words from the pack header, all folded once), the
 * vtable, and the requisite locator every finder starts from. An act of Kazakhstan names
 * itself in one line near the top: Russian «Решение маслихата X района Y области от
 * 28 ноября 2025 года № 266», Kazakh «Y облысы X аудандық мәслихатының 2025 жылғы
 * 28 қарашадағы № 266 шешімі». The locator finds the first date that such a line frames
 * (an act-type word before it in Russian, after its number in Kazakh) and hands the window
 * to the issuer, date and number finders. Read-only after load; never prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_internal.h"
#include "../country_internal.h"

static void fold_word(const char *w, char *out, size_t cap)
{
    size_t n = strlen(w);
    if (n >= cap)
        n = cap - 1;
    pm_country_fold(w, n, out);
}

static pm_status kz_load(void **state, const pm_country *c, const char *packdir, pm_errctx *err)
{
    *state = NULL;
    kz_state *s = calloc(1, sizeof *s);
    if (!s)
        return pm_errctx_set(err, PM_ERR_NOMEM, NULL, "out of memory");
    for (unsigned m = 1; m <= 12; m++) {
        const char *ru = pm_country_month_word(c, m, 0), *kk = pm_country_month_word(c, m, 1);
        if (!ru || !kk) {
            free(s);
            return pm_errctx_set(err, PM_ERR_DICT_SYNTAX, packdir,
                                 "pack.tsv: month %u needs a Russian and a Kazakh word", m);
        }
        fold_word(ru, s->month_ru[m - 1], KZ_WORD_MAX);
        fold_word(kk, s->month_kk[m - 1], KZ_WORD_MAX);
    }
    const char *yr = pm_country_header(c, "date_year_ru"), *yk = pm_country_header(c, "date_year_kk");
    fold_word(yr ? yr : "год", s->year_ru, KZ_WORD_MAX);
    fold_word(yk ? yk : "жыл", s->year_kk, KZ_WORD_MAX);
    const char *org = pm_country_header(c, "organs");
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", packdir, org ? org : "organs.tsv");
    FILE *f = fopen(path, "r");
    if (!f) {
        free(s);
        return pm_errctx_set(err, PM_ERR_OPEN, path, "cannot open organs: %s", strerror(errno));
    }
    char line[512];
    unsigned ln = 0;
    pm_status st = PM_OK;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *a = line, *b = strchr(a, '\t'), *w = b ? strchr(b + 1, '\t') : NULL;
        if (!b || !w || !w[1] || s->nwords == KZ_MAX_ORGANS || strlen(w + 1) >= KZ_WORD_MAX ||
            (size_t)(b - a) >= sizeof s->words[0].body) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: body<TAB>scope<TAB>word", ln);
            err->line = ln;
            break;
        }
        *b++ = '\0';
        *w++ = '\0';
        kz_word *k = &s->words[s->nwords++];
        if (strcmp(a, "acttype") == 0)
            k->kind = strcmp(b, "kk") == 0 ? KZ_W_ACT_KK : KZ_W_ACT_RU;
        else if (strcmp(a, "stop") == 0)
            k->kind = KZ_W_STOP;
        else
            k->kind = KZ_W_BODY;
        k->central = strcmp(b, "central") == 0;
        memcpy(k->body, a, (size_t)(b - 1 - a) + 1); /* with its NUL: checked above */
        fold_word(w, k->text, KZ_WORD_MAX);
        k->len = strlen(k->text);
    }
    fclose(f);
    if (st != PM_OK) {
        free(s);
        return st;
    }
    *state = s;
    return PM_OK;
}

static void kz_free(void *state)
{
    free(state);
}

const pm_country_ops pm_country_kz_ops = {
    .name = "kz",
    .load = kz_load,
    .free = kz_free,
    .find_issuer = kz_find_issuer,
    .find_date = kz_find_date,
    .find_docno = kz_find_docno,
    .find_regno = kz_find_regno,
    .read_doc = NULL, /* the generic reading over its finders (country_text.c) */
    .pnames = &pm_pname_pack_kz, /* title rules, dictionaries/kz/policy_names_kz.tsv */
    .web_labels = NULL,
};

int kz_word_start(const char *f, size_t i)
{
    if (i == 0)
        return 1;
    unsigned char p = (unsigned char)f[i - 1];
    if (p < 0x80)
        return !((p >= 'a' && p <= 'z') || (p >= '0' && p <= '9') || p == '-');
    if (p >= 0x80 && p <= 0xBF && i >= 2) {
        unsigned char q = (unsigned char)f[i - 2];
        return !(q >= 0xD0 && q <= 0xD3); /* a Cyrillic letter before: not a word start */
    }
    return 1;
}

const kz_word *kz_word_at(const kz_state *s, const char *f, size_t n, size_t i, int kind)
{
    if (!kz_word_start(f, i))
        return NULL;
    const kz_word *best = NULL;
    for (size_t k = 0; k < s->nwords; k++) {
        const kz_word *w = &s->words[k];
        if ((int)w->kind != kind || w->len > n - i || (best && w->len <= best->len))
            continue;
        if (memcmp(f + i, w->text, w->len) == 0)
            best = w;
    }
    return best;
}

/* the start of the Kazakh requisite: just after the title's closing «туралы», else a
 * bounded stretch before the date */
static size_t kk_start(const char *f, size_t date_off)
{
    size_t lo = date_off > 400 ? date_off - 400 : 0;
    static const char tur[] = "туралы";
    size_t tl = sizeof tur - 1;
    for (size_t i = date_off; i-- > lo;)
        if (i + tl <= date_off && memcmp(f + i, tur, tl) == 0 && kz_word_start(f, i))
            return i + tl;
    size_t st = date_off > 250 ? date_off - 250 : 0;
    while (st > 0 && st < date_off && f[st] != ' ')
        st++;
    return st;
}

int kz_locate(const kz_state *s, const char *t, const char *f, size_t n, kz_req *r)
{
    memset(r, 0, sizeof *r);
    kz_date d, first = {0};
    int have_first = 0;
    size_t prev_end = 0;
    char nb[64];
    for (size_t from = 0; kz_next_date(s, f, n, from, &d); from = d.end) {
        if (!have_first && !d.kk_registration) {
            first = d;
            have_first = 1;
        }
        if (d.kk_registration) {
            prev_end = d.end;
            continue;
        }
        /* Russian: an act-type word before the date, with no other date in between */
        size_t lo = d.off > 400 ? d.off - 400 : 0;
        if (lo < prev_end)
            lo = prev_end;
        size_t act = (size_t)-1;
        for (size_t i = d.off; i-- > lo;)
            if (kz_word_at(s, f, n, i, KZ_W_ACT_RU)) {
                act = i;
                break;
            }
        if (act != (size_t)-1 && !d.kk_year_first) {
            r->found = 1;
            r->start = act;
            r->date = d;
            r->end = d.end;
            size_t ns = kz_find_numsign(t, d.end, d.end + 40 < n ? d.end + 40 : n), ne;
            if (ns != (size_t)-1 && kz_number_at(t, n, ns, nb, sizeof nb, &ne)) {
                r->no_off = ns;
                r->no_end = ne;
                r->end = ne;
            } else {
                ns = kz_find_numsign(t, act, d.off);
                if (ns != (size_t)-1 && kz_number_at(t, n, ns, nb, sizeof nb, &ne)) {
                    r->no_off = ns;
                    r->no_end = ne;
                }
            }
            break;
        }
        /* Kazakh: «… 2025 жылғы 31 қазандағы № 33-4 шешімі» */
        if (d.kk_year_first) {
            size_t e = d.end, ns = kz_find_numsign(t, d.end, d.end + 60 < n ? d.end + 60 : n), ne;
            size_t no_off = 0, no_end = 0;
            if (ns != (size_t)-1 && kz_number_at(t, n, ns, nb, sizeof nb, &ne)) {
                no_off = ns;
                no_end = ne;
                e = ne;
            }
            size_t lim = e + 40 < n ? e + 40 : n;
            for (size_t i = e; i < lim; i++) {
                const kz_word *w = kz_word_at(s, f, n, i, KZ_W_ACT_KK);
                if (w) {
                    r->found = 1;
                    r->kk = 1;
                    r->date = d;
                    r->start = kk_start(f, d.off);
                    if (r->start < prev_end)
                        r->start = prev_end;
                    r->end = i + w->len;
                    r->no_off = no_off;
                    r->no_end = no_end;
                    break;
                }
            }
            if (r->found)
                break;
        }
        prev_end = d.end;
    }
    if (!r->found && have_first) {
        /* no act-type word framed a date: the first date and what surrounds it */
        r->found = 1;
        r->kk = first.kk_year_first;
        r->date = first;
        r->start = r->kk ? kk_start(f, first.off) : (first.off > 250 ? first.off - 250 : 0);
        r->end = first.end;
        size_t ns = kz_find_numsign(t, first.end, first.end + 60 < n ? first.end + 60 : n), ne;
        if (ns != (size_t)-1 && kz_number_at(t, n, ns, nb, sizeof nb, &ne)) {
            r->no_off = ns;
            r->no_end = ne;
            r->end = ne;
        }
    }
    if (!r->found)
        return 0;
    /* the tail: what follows up to a stop word or the end of the sentence */
    size_t te = r->end, lim = r->end + 160 < n ? r->end + 160 : n;
    while (te < lim && f[te] != '.' && !kz_word_at(s, f, n, te, KZ_W_STOP))
        te++;
    r->tail_end = te;
    return 1;
}
