/* country/kz/kz_policyname.c - candidate policy names of a Kazakh act, for discovery.
 *
 * Kazakh local acts name their policy in the title: «О понижении ставки розничного налога»,
 * «Об утверждении Правил оказания социальной помощи … Тайыншинского района», in Kazakh
 * «Бөлшек салықтың мөлшерлемесін төмендету туралы». The rule reads the title only, folded
 * by pm_country_fold (lower case, Kazakh letters to their nearest Russian ones, so both
 * spellings of a word meet): it strips the act-type head (об утверждении, о, об) or the
 * Kazakh tail (… бекіту туралы), skips amendments, repeals and budgets, cuts the name where
 * the adopting region is named (… района, … области, города …, а year «на 2024»), keeps at
 * most six words and the word boundary that fits PM_PNAME_BYTES. What the words are is
 * data: dictionaries/kz/policy_names_kz.tsv. A Russian and a Kazakh title of one policy stay
 * two names (no translation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/country.h"
#include "policyminer/discover.h"
#include "policyminer/hash.h"
#include "policyminer/utf8.h"
#include "kz_internal.h"

enum { K_HEAD, K_SKIP, K_TAIL, K_CUT, K_CUT_WORD, K_CUT_AFTER, K_STOP, K_COUNT };
static const char *const KIND[K_COUNT] = {"head", "skip", "tail", "cut", "cut_word",
                                          "cut_after", "stop"};

#define KZP_WORDS 64    /* phrases per kind */
#define KZP_BYTES 64    /* bytes per phrase (folded) */
#define KZP_MAX_WORDS 6 /* words kept in a name */

typedef struct kzp_list {
    char w[KZP_WORDS][KZP_BYTES];
    unsigned char len[KZP_WORDS];
    size_t n;
} kzp_list;

typedef struct kzp_rules {
    kzp_list l[K_COUNT];
    char checksum[72];
} kzp_rules;

static pm_status kzp_word(void *ud, int k, const char *word, size_t wl, unsigned ln,
                          pm_errctx *err)
{
    kzp_list *l = &((kzp_rules *)ud)->l[k];
    if (l->n == KZP_WORDS)
        return pm_errctx_set(err, PM_ERR_DICT_SYNTAX, "policy_names_kz.tsv",
                             "line %u: more than %d %s phrases", ln, KZP_WORDS, KIND[k]);
    pm_country_fold(word, wl, l->w[l->n]); /* matched against folded titles */
    l->len[l->n++] = (unsigned char)wl;
    return PM_OK;
}

static pm_status kzp_load(void **state, const char *dict_dir, pm_errctx *err)
{
    *state = NULL;
    char path[4200];
    snprintf(path, sizeof path, "%s/policy_names_kz.tsv", dict_dir);
    kzp_rules *r = calloc(1, sizeof *r);
    if (!r)
        return pm_errctx_set(err, PM_ERR_NOMEM, path, "loading policy-name rules");
    int found;
    pm_status st = pm_pname_words_load(path, KIND, K_COUNT, KZP_BYTES, kzp_word, r, &found,
                                       r->checksum, err);
    if (st != PM_OK || !found) { /* no file: discovery is off */
        free(r);
        return st;
    }
    *state = r;
    return PM_OK;
}

static void kzp_free(void *state) { free(state); }

static const char *kzp_checksum(const void *state)
{
    return state ? ((const kzp_rules *)state)->checksum : "none";
}

/* the first phrase of l that s[0..n) starts with, as a whole word; its length or 0 */
static size_t head_of(const kzp_list *l, const char *s, size_t n)
{
    size_t best = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->len[i] <= n && memcmp(s, l->w[i], l->len[i]) == 0 &&
            (l->len[i] == n || s[l->len[i]] == ' ') && l->len[i] > best)
            best = l->len[i];
    return best;
}

/* the earliest occurrence at a word start in s[0..n) of a phrase of l: its offset, or n */
static size_t first_of(const kzp_list *l, const char *s, size_t n, size_t *plen)
{
    size_t at = n;
    for (size_t i = 0; i < l->n; i++) {
        size_t wl = l->len[i];
        for (const char *p = s; (p = memmem(p, (size_t)(s + n - p), l->w[i], wl)) != NULL; p++) {
            size_t o = (size_t)(p - s);
            if (o == 0 || s[o - 1] == ' ') { /* at a word's start; word forms may follow */
                if (o < at) {
                    at = o;
                    *plen = wl;
                }
                break;
            }
        }
    }
    return at;
}

/* trims blanks, commas and quote-like ASCII from both ends of s[*a..*b) */
static void trim(const char *s, size_t *a, size_t *b)
{
    while (*a < *b && (s[*a] == ' ' || s[*a] == ',' || s[*a] == '"'))
        (*a)++;
    while (*b > *a && (s[*b - 1] == ' ' || s[*b - 1] == ',' || s[*b - 1] == '"' || s[*b - 1] == '.'))
        (*b)--;
}

static void kzp_extract(const void *state, const pm_gazetteer *g, const pm_pname_input *in,
                        pm_pnames *out, pm_pname_explain_fn explain, void *ud)
{
    (void)g;
    const kzp_rules *r = state;
    if (!r || !in->title_len)
        return;
    char t[512];
    size_t n = pm_utf8_floor(in->title, in->title_len, sizeof t - 1);
    pm_country_fold(in->title, n, t); /* same byte length: offsets hold */
    size_t a = 0, b = n, wl;
    trim(t, &a, &b);
    if (head_of(&r->l[K_SKIP], t + a, b - a) || first_of(&r->l[K_SKIP], t + a, b - a, &wl) < b - a)
        return; /* amendments, repeals, budgets: no new policy */
    size_t h = head_of(&r->l[K_HEAD], t + a, b - a);
    a += h;
    /* Kazakh: the act's verb comes last («… бекіту туралы») */
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < r->l[K_TAIL].n; i++) {
            size_t tl = r->l[K_TAIL].len[i];
            if (b - a > tl && memcmp(t + b - tl, r->l[K_TAIL].w[i], tl) == 0 && t[b - tl - 1] == ' ') {
                b -= tl + 1;
                again = 1;
            }
        }
    }
    trim(t, &a, &b);
    /* the region is named after the object (… района) or, in Kazakh, before it (… ауданының) */
    size_t o = first_of(&r->l[K_CUT_AFTER], t + a, b - a, &wl);
    if (o < b - a) {
        size_t e = a + o + wl; /* drop through the end of that word */
        while (e < b && t[e] != ' ')
            e++;
        a = e;
    }
    trim(t, &a, &b);
    o = first_of(&r->l[K_CUT], t + a, b - a, &wl);
    size_t ow = first_of(&r->l[K_CUT_WORD], t + a, b - a, &wl);
    if (ow < o) { /* «Тайыншинского района»: the adjective before the marker goes too */
        size_t e = a + ow;
        while (e > a && t[e - 1] == ' ')
            e--;
        while (e > a && t[e - 1] != ' ')
            e--;
        o = e - a;
    }
    if (o < b - a)
        b = a + o;
    trim(t, &a, &b);
    /* at most KZP_MAX_WORDS words, cut on a word boundary to fit */
    size_t words = 0, e = a;
    while (e < b && words < KZP_MAX_WORDS) {
        size_t w = e;
        while (w < b && t[w] != ' ')
            w++;
        if (w - a >= PM_PNAME_BYTES)
            break;
        words++;
        e = w;
        while (e < b && t[e] == ' ')
            e++;
    }
    b = e;
    trim(t, &a, &b);
    if (words < 2 || b <= a)
        return; /* one word is no policy name */
    for (size_t i = 0; i < r->l[K_STOP].n; i++)
        if (r->l[K_STOP].len[i] == b - a && memcmp(t + a, r->l[K_STOP].w[i], b - a) == 0)
            return;
    char name[PM_PNAME_BYTES];
    size_t m = 0;
    for (size_t i = a; i < b; i++) /* runs of blanks become one */
        if (t[i] != ' ' || (m && name[m - 1] != ' '))
            name[m++] = t[i];
    pm_pnames_add(out, name, m, PM_PSRC_TITLE, a);
    if (explain) {
        name[m] = 0;
        explain(ud, "title", 1, a, b, name);
    }
}

const pm_pname_pack pm_pname_pack_kz = {"kz", kzp_load, kzp_free, kzp_checksum, kzp_extract};
