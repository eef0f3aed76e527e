/* country/cn/cn_policyname.c - the China pack's policy-name rules (pm_pname_pack_cn).
 *
 * Three rules, each giving normalised names (discover.c folds them):
 *  - title: the policy object of the title. The organ before 关于 (or before the wrapper
 *    verb) goes, then 关于, a wrapper (印发《…》), the document-type tail (的通知), the
 *    division names at its start (the gazetteer), words like 全面推行 / 在全市, and the
 *    document-type suffixes of one object (实施方案, 若干措施, 工作 …). A quoted name in
 *    the object is the name; otherwise what is left must end like a policy (制, 模式 …, or
 *    a legal instrument 条例 / 办法) to count;
 *  - quoted: “…” / 「…」 right after an adoption verb, and 《…》 after one, read like a
 *    title object;
 *  - suffix: after an adoption verb, a run of CJK characters up to the last policy
 *    suffix before a clause break (推行河长制, 开展城乡环境综合整治行动).
 * Every word list lives in dictionaries/policy_names_cn.tsv. The title is folded first
 * (width, traditional script); the body is read as it is (a traditional-script body
 * yields no body names). The body's verb scan takes 32 positions a step with AVX2 where
 * the CPU has it (run time); the scalar steps stay the reference. Never allocates per
 * document; never reads beyond the pm_doc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__) && !defined(PM_NO_SIMD) /* PM_NO_SIMD: portable code only */
#include <immintrin.h>
#define PM_CN_HAVE_AVX2 1
#endif

#include "../country_internal.h"

#include "policyminer/discover.h"
#include "policyminer/hash.h"
#include "policyminer/textparse.h"
#include "policyminer/utf8.h"

enum {
    L_TITLE_SKIP, L_TITLE_WRAP, L_TITLE_TAIL, L_LEAD, L_REGION_TAIL, L_FOLD, L_NAME_SUFFIX,
    L_KEEP_SUFFIX, L_VERB, L_ADVERB, L_RUN_STOP, L_VETO_BEFORE, L_VETO_AFTER, L_STOP_HEAD,
    L_STOP_NAME, L_COUNT
};

static const char *const kind_names[L_COUNT] = {
    "title_skip", "title_wrap", "title_tail", "lead", "region_tail", "fold_suffix",
    "name_suffix", "keep_suffix", "adopt_verb", "adverb", "run_stop", "veto_before",
    "veto_after", "stop_head", "stop_name"};

#define MAX_WORDS 256
#define WORD_BYTES 48

typedef struct wlist {
    char w[MAX_WORDS][WORD_BYTES];
    uint8_t len[MAX_WORDS];
    size_t n;
} wlist;

/* Bit sets over the CJK block U+4E00..U+9FFF, so the body scan tests one bit per
 * character instead of comparing word lists: first characters of the adoption verbs, last
 * characters of the policy suffixes, and the single-character run stops. */
#define CJK_LO 0x4E00u
#define CJK_N (0xA000u - CJK_LO)
typedef struct cjkset {
    uint64_t w[(CJK_N + 63) / 64];
} cjkset;

typedef struct cn_rules {
    wlist l[L_COUNT];
    cjkset verb_first, suffix_last, run_stop, adverb_first;
    /* first two bytes of the verbs (lead E0..FF, then any byte): the scan's one-load test */
    uint8_t verb_pair[32 * 256];
    /* the verbs' bytes 0, 1, 2 and 4 as nibble tables for the AVX2 scan (Teddy's
     * fingerprint): verb k is bucket k % 8, a byte it does not compare matches anything,
     * and a position is a candidate when all eight nibbles share a bucket; verb_at then
     * decides */
    uint8_t nib[8][16]; /* [2 * o] low, [2 * o + 1] high nibble of fingerprint byte o */
    int avx2;           /* the CPU has AVX2 (checked at load) */
    uint8_t lead_verb[MAX_WORDS]; /* lead word i holds an adoption verb (全面推行 …) */
    char checksum[72];
} cn_rules;

/* The code point of the 3-byte character at s (enough for the CJK block), else 0. */
static inline uint32_t cp3(const char *s, size_t n)
{
    uint32_t cp;
    return pm_utf8_next(s, n, &cp) == 3 ? cp : 0;
}

static inline int cjk_has(const cjkset *c, uint32_t cp)
{
    return cp >= CJK_LO && cp < CJK_LO + CJK_N && (c->w[(cp - CJK_LO) >> 6] >> ((cp - CJK_LO) & 63) & 1);
}

static void cjk_add(cjkset *c, uint32_t cp)
{
    if (cp >= CJK_LO && cp < CJK_LO + CJK_N)
        c->w[(cp - CJK_LO) >> 6] |= 1ull << ((cp - CJK_LO) & 63);
}

#define TITLE_CAP 1024
#define NAME_MAX_CHARS 20 /* a quoted name longer than this is a sentence */
#define RUN_MAX_BYTES 48  /* 16 CJK characters after the verb */

static int cmp_len_desc(const void *p, const void *q, void *ctx)
{
    const wlist *l = ctx;
    size_t i = *(const size_t *)p, j = *(const size_t *)q;
    if (l->len[i] != l->len[j])
        return l->len[i] > l->len[j] ? -1 : 1;
    return strcmp(l->w[i], l->w[j]);
}

/* Longest words first, so every "starts with" / "ends with" takes the longest. */
static void sort_list(wlist *l)
{
    size_t idx[MAX_WORDS];
    for (size_t i = 0; i < l->n; i++)
        idx[i] = i;
    qsort_r(idx, l->n, sizeof *idx, cmp_len_desc, l);
    wlist *tmp = malloc(sizeof *tmp);
    if (!tmp)
        return; /* unsorted still works, only not longest-first */
    *tmp = *l;
    for (size_t i = 0; i < l->n; i++) {
        memcpy(l->w[i], tmp->w[idx[i]], WORD_BYTES);
        l->len[i] = tmp->len[idx[i]];
    }
    free(tmp);
}

static pm_status cn_word(void *ud, int k, const char *word, size_t wl, unsigned ln,
                         pm_errctx *err)
{
    wlist *l = &((cn_rules *)ud)->l[k];
    if (l->n == MAX_WORDS)
        return pm_errctx_set(err, PM_ERR_DICT_SYNTAX, "policy_names_cn.tsv",
                             "line %u: more than %d %s words", ln, MAX_WORDS, kind_names[k]);
    memcpy(l->w[l->n], word, wl + 1);
    l->len[l->n++] = (uint8_t)wl;
    return PM_OK;
}

static pm_status cn_load(void **state, const char *dict_dir, pm_errctx *err)
{
    *state = NULL;
    char path[4200];
    snprintf(path, sizeof path, "%s/policy_names_cn.tsv", dict_dir);
    cn_rules *r = calloc(1, sizeof *r);
    if (!r)
        return pm_errctx_set(err, PM_ERR_NOMEM, path, "loading policy-name rules");
    int found;
    pm_status st = pm_pname_words_load(path, kind_names, L_COUNT, WORD_BYTES, cn_word, r, &found,
                                       r->checksum, err);
    if (st != PM_OK || !found) { /* no file: discovery is off */
        free(r);
        return st;
    }
    for (int i = 0; i < L_COUNT; i++)
        sort_list(&r->l[i]);
    for (size_t i = 0; i < r->l[L_VERB].n; i++)
        cjk_add(&r->verb_first, cp3(r->l[L_VERB].w[i], r->l[L_VERB].len[i]));
    for (size_t i = 0; i < r->l[L_LEAD].n; i++)
        for (size_t v = 0; v < r->l[L_VERB].n && !r->lead_verb[i]; v++)
            r->lead_verb[i] = memmem(r->l[L_LEAD].w[i], r->l[L_LEAD].len[i], r->l[L_VERB].w[v],
                                     r->l[L_VERB].len[v]) != NULL;
    for (size_t i = 0; i < r->l[L_NAME_SUFFIX].n; i++) {
        const wlist *l = &r->l[L_NAME_SUFFIX];
        if (l->len[i] >= 3)
            cjk_add(&r->suffix_last, cp3(l->w[i] + l->len[i] - 3, 3));
    }
    for (size_t i = 0; i < r->l[L_VERB].n; i++) {
        unsigned c0 = (unsigned char)r->l[L_VERB].w[i][0];
        if (c0 >= 0xE0 && r->l[L_VERB].len[i] >= 2) /* the scan tests only such leads */
            r->verb_pair[(c0 - 0xE0) << 8 | (unsigned char)r->l[L_VERB].w[i][1]] = 1;
    }
    static const unsigned fp_off[4] = {0, 1, 2, 4};
    for (size_t i = 0; i < r->l[L_VERB].n; i++) {
        uint8_t bit = (uint8_t)(1u << (i % 8));
        for (int o = 0; o < 4; o++) {
            unsigned off = fp_off[o], c = (unsigned char)r->l[L_VERB].w[i][off];
            if (off < r->l[L_VERB].len[i] || off == 2) { /* verb_at compares byte 2 always */
                r->nib[2 * o][c & 15] |= bit;
                r->nib[2 * o + 1][c >> 4] |= bit;
            } else
                for (int x = 0; x < 16; x++) {
                    r->nib[2 * o][x] |= bit;
                    r->nib[2 * o + 1][x] |= bit;
                }
        }
    }
#ifdef PM_CN_HAVE_AVX2
    r->avx2 = __builtin_cpu_supports("avx2");
#endif
    for (size_t i = 0; i < r->l[L_ADVERB].n; i++)
        cjk_add(&r->adverb_first, cp3(r->l[L_ADVERB].w[i], r->l[L_ADVERB].len[i]));
    for (size_t i = 0; i < r->l[L_RUN_STOP].n; i++)
        if (r->l[L_RUN_STOP].len[i] == 3)
            cjk_add(&r->run_stop, cp3(r->l[L_RUN_STOP].w[i], 3));
    *state = r;
    return PM_OK;
}

static void cn_free(void *state) { free(state); }

static const char *cn_checksum(const void *state)
{
    return state ? ((const cn_rules *)state)->checksum : "none";
}

/* ---- matching helpers ------------------------------------------------------------------ */

/* The first word of l that s[0..n) starts with (the longest: lists are sorted so), as
 * its index + 1; 0 when none. */
static size_t starts_which(const wlist *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++) /* the first byte before a call (words are not empty) */
        if (l->len[i] <= n && l->w[i][0] == s[0] && memcmp(s, l->w[i], l->len[i]) == 0)
            return i + 1;
    return 0;
}

static size_t starts(const wlist *l, const char *s, size_t n)
{
    size_t i = starts_which(l, s, n);
    return i ? l->len[i - 1] : 0;
}

static size_t ends(const wlist *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++) /* the last byte before a call */
        if (l->len[i] <= n && l->w[i][l->len[i] - 1] == s[n - 1] &&
            memcmp(s + n - l->len[i], l->w[i], l->len[i]) == 0)
            return l->len[i];
    return 0;
}

static int equals(const wlist *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->len[i] == n && l->w[i][0] == s[0] && memcmp(s, l->w[i], n) == 0)
            return 1;
    return 0;
}

static int is_cjk_at(const char *s, size_t n, size_t i)
{
    uint32_t cp;
    int l = pm_utf8_next(s + i, n - i, &cp);
    return l == 3 && cp >= 0x4E00 && cp <= 0x9FFF;
}

static size_t nchars(const char *s, size_t n)
{
    return pm_utf8_count(s, n);
}

static const char OPEN_Q[] = "\xe2\x80\x9c";  /* “ */
static const char CLOSE_Q[] = "\xe2\x80\x9d"; /* ” */
static const char OPEN_C[] = "\xe3\x80\x8c";  /* 「 */
static const char CLOSE_C[] = "\xe3\x80\x8d"; /* 」 */
static const char OPEN_B[] = "\xe3\x80\x8a";  /* 《 */
static const char CLOSE_B[] = "\xe3\x80\x8b"; /* 》 */

/* The division names, what may follow them and the lead words at the start of s[*a..*b),
 * removed in turn until none is left. Returns 1 when a removed lead word holds an
 * adoption verb (全面推行, 深入开展 …). */
static int strip_head(const cn_rules *r, const pm_gazetteer *g, const char *s, size_t *a,
                      size_t b)
{
    int verb = 0;
    for (int guard = 0; guard < 16 && *a < b; guard++) {
        size_t k = pm_gaz_name_prefix(g, s + *a, b - *a);
        if (k && k < b - *a) {
            *a += k;
            *a += starts(&r->l[L_REGION_TAIL], s + *a, b - *a);
            continue;
        }
        size_t w = starts_which(&r->l[L_LEAD], s + *a, b - *a);
        k = w ? r->l[L_LEAD].len[w - 1] : 0;
        if (k && k < b - *a) {
            verb |= r->lead_verb[w - 1]; /* the lead word is s[*a..*a+k) */
            *a += k;
            continue;
        }
        break;
    }
    return verb;
}

/* Document-type suffixes of one object at the end of s[a..*b), removed in turn. */
static void strip_fold(const cn_rules *r, const char *s, size_t a, size_t *b)
{
    for (int guard = 0; guard < 16 && *b > a; guard++) {
        size_t k = ends(&r->l[L_FOLD], s + a, *b - a);
        if (!k)
            k = ends(&r->l[L_TITLE_TAIL], s + a, *b - a);
        if (!k || k >= *b - a)
            break;
        *b -= k;
    }
}

/* A policy-like name: ends with a policy or instrument suffix with at least two characters
 * before it, is not a generic name and does not start like a national law or a pronoun. */
static int policy_like(const cn_rules *r, const char *s, size_t n)
{
    size_t e = ends(&r->l[L_NAME_SUFFIX], s, n);
    if (!e)
        e = ends(&r->l[L_KEEP_SUFFIX], s, n);
    if (!e || nchars(s, n - e) < 2 || nchars(s, n) > NAME_MAX_CHARS)
        return 0;
    return !equals(&r->l[L_STOP_NAME], s, n) && !starts(&r->l[L_STOP_HEAD], s, n);
}

static int quoted_ok(const cn_rules *r, const char *s, size_t n)
{
    size_t c = nchars(s, n);
    return c >= 2 && c <= NAME_MAX_CHARS && is_cjk_at(s, n, 0) &&
           !equals(&r->l[L_STOP_NAME], s, n) && !starts(&r->l[L_STOP_HEAD], s, n);
}

static void emit(pm_pnames *out, const char *raw, size_t n, pm_pname_source src, size_t off,
                 const char *rule, int in_title, pm_pname_explain_fn explain, void *ud)
{
    char nm[PM_PNAME_BYTES];
    size_t k = pm_pname_normalize(raw, n, nm, sizeof nm);
    if (!k)
        return;
    pm_pnames_add(out, nm, k, src, off);
    if (explain)
        explain(ud, rule, in_title, off, off + n, nm);
}

/* An object (title object or 《…》 content) s[a..b): head and suffixes stripped, then
 * a quoted name inside, else the object if it reads like a policy name. */
static void object_name(const cn_rules *r, const pm_gazetteer *g, const char *s, size_t a,
                        size_t b, pm_pname_source src, int in_title, pm_pnames *out,
                        pm_pname_explain_fn explain, void *ud)
{
    int verb = strip_head(r, g, s, &a, b);
    if (a >= b || starts(&r->l[L_TITLE_SKIP], s + a, b - a))
        return;
    const char *opens[2] = {OPEN_Q, OPEN_C}, *closes[2] = {CLOSE_Q, CLOSE_C};
    for (int q = 0; q < 2; q++) {
        const char *o = memmem(s + a, b - a, opens[q], 3);
        if (!o)
            continue;
        const char *c = memmem(o + 3, (size_t)(s + b - o - 3), closes[q], 3);
        if (c && quoted_ok(r, o + 3, (size_t)(c - o - 3))) {
            emit(out, o + 3, (size_t)(c - o - 3), src, (size_t)(o + 3 - s),
                 in_title ? "title: quoted name in the object" : "quoted: 《》 with a quoted name",
                 in_title, explain, ud);
            return;
        }
    }
    size_t b0 = b;
    strip_fold(r, s, a, &b);
    verb |= strip_head(r, g, s, &a, b);
    char nm[PM_PNAME_BYTES];
    size_t k = pm_pname_normalize(s + a, b - a, nm, sizeof nm);
    /* policy-like by its ending, or framed as an adoption: 关于全面推行X的实施意见 */
    if (k && (policy_like(r, nm, k) || (verb && b < b0 && quoted_ok(r, nm, k))))
        emit(out, s + a, b - a, src, a,
             in_title ? "title: object of the title" : "quoted: 《》 after an adoption verb",
             in_title, explain, ud);
}

static void title_rule(const cn_rules *r, const pm_gazetteer *g, const pm_pname_input *in,
                       pm_pnames *out, pm_pname_explain_fn explain, void *ud)
{
    char t[TITLE_CAP];
    size_t n = pm_pname_fold_text(in->title, in->title_len, t, sizeof t);
    if (!n)
        return;
    size_t a = 0, b = n;
    /* the organ: everything before the first 关于, else before the first wrapper verb */
    const char *gy = memmem(t, n, "关于", 6);
    if (gy)
        a = (size_t)(gy - t) + 6;
    else
        for (size_t i = 0; i < r->l[L_TITLE_WRAP].n; i++) {
            const char *w = memmem(t, n, r->l[L_TITLE_WRAP].w[i], r->l[L_TITLE_WRAP].len[i]);
            if (w && (!a || (size_t)(w - t) < a))
                a = (size_t)(w - t);
        }
    for (int guard = 0; guard < 4 && a < b; guard++) {
        if (starts(&r->l[L_TITLE_SKIP], t + a, b - a))
            return;
        size_t w = starts(&r->l[L_TITLE_WRAP], t + a, b - a);
        if (!w)
            break;
        a += w;
        if (b - a >= 6 && memcmp(t + a, OPEN_B, 3) == 0) { /* 印发《…》: the book title */
            const char *c = memmem(t + a + 3, b - a - 3, CLOSE_B, 3);
            if (c) {
                b = (size_t)(c - t);
                a += 3;
            }
            break;
        }
        const char *g2 = memmem(t + a, b - a, "关于", 6); /* 转发省政府关于…的通知的通知 */
        if (g2)
            a = (size_t)(g2 - t) + 6;
    }
    for (int guard = 0; guard < 8 && b > a; guard++) {
        size_t k = ends(&r->l[L_TITLE_TAIL], t + a, b - a);
        if (!k || k >= b - a)
            break;
        b -= k;
    }
    if (b - a >= 6 && memcmp(t + a, OPEN_B, 3) == 0 && memcmp(t + b - 3, CLOSE_B, 3) == 0) {
        a += 3;
        b -= 3;
    }
    if (a < b)
        object_name(r, g, t, a, b, PM_PSRC_TITLE, 1, out, explain, ud);
}

/* 1 when a veto word (借鉴, 学习 …) stands in the 8 characters before the verb at i, in
 * the same clause. */
static int vetoed_before(const cn_rules *r, const char *s, size_t i)
{
    size_t from = i > 24 ? i - 24 : 0;
    from = pm_utf8_ceil(s, i, from);
    for (size_t p = i; p > from;) { /* walk back to the clause break */
        size_t q = p - 1;
        while (q > from && ((unsigned char)s[q] & 0xC0) == 0x80)
            q--;
        if (!is_cjk_at(s, i, q)) {
            from = p;
            break;
        }
        p = q;
    }
    for (size_t k = 0; k < r->l[L_VETO_BEFORE].n; k++)
        if (memmem(s + from, i - from, r->l[L_VETO_BEFORE].w[k], r->l[L_VETO_BEFORE].len[k]))
            return 1;
    return 0;
}

/* The length of the adoption verb (the longest first) starting at s[i], a lead E0..FF
 * with 6 bytes after it, else 0. */
static size_t verb_at(const cn_rules *r, const char *s, size_t i, size_t n)
{
    const wlist *verbs = &r->l[L_VERB];
    const unsigned char *u = (const unsigned char *)s;
    if (!r->verb_pair[(u[i] - 0xE0) << 8 | u[i + 1]] || !cjk_has(&r->verb_first, cp3(s + i, n - i)))
        return 0;
    for (size_t k = 0; k < verbs->n; k++) /* the third byte first: no call per verb */
        if (verbs->len[k] <= n - i && verbs->w[k][2] == s[i + 2] &&
            memcmp(s + i, verbs->w[k], verbs->len[k]) == 0)
            return verbs->len[k];
    return 0;
}

/* The scan's next verb at or after i: it steps ASCII and continuation bytes one on, a lead
 * E0..FF that starts no verb three on, and stops where one does (*w its length); n when
 * none is left with 6 bytes after it. */
static size_t verb_next_scalar(const cn_rules *r, const char *s, size_t i, size_t n, size_t *w)
{
    const unsigned char *u = (const unsigned char *)s;
    for (;;) {
        if (i + 6 > n)
            return n;
        if (u[i] < 0xE0) {
            i++;
            continue;
        }
        if ((*w = verb_at(r, s, i, n)) != 0)
            return i;
        i += 3;
    }
}

#ifdef PM_CN_HAVE_AVX2
/* The same, 32 positions a step: the verbs' fingerprints (bytes 0, 1, 2, 4: one pshufb
 * per nibble) mark the candidates, verb_at decides. With no verb before it, the steps
 * reach a position q unless one of the two bytes before it (from the start on) is a lead
 * E0..FF, whose step would jump over q: only invalid UTF-8 does that at a verb, and then
 * the scalar steps decide from the start. */
__attribute__((target("avx2"))) static inline __m256i fp_byte(const uint8_t lo_t[16],
                                                               const uint8_t hi_t[16],
                                                               const unsigned char *p)
{
    const __m256i lo = _mm256_set1_epi8(0x0F);
    const __m256i tl = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)lo_t));
    const __m256i th = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)hi_t));
    __m256i a = _mm256_loadu_si256((const __m256i *)p);
    return _mm256_and_si256(_mm256_shuffle_epi8(tl, _mm256_and_si256(a, lo)),
                            _mm256_shuffle_epi8(th, _mm256_and_si256(_mm256_srli_epi16(a, 4), lo)));
}

__attribute__((target("avx2"))) static size_t verb_next_avx2(const cn_rules *r, const char *s,
                                                              size_t i0, size_t n, size_t *w)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = i0;
    const __m256i zero = _mm256_setzero_si256();
    for (; i + 36 <= n; i += 32) {
        /* bytes 0 and 1 first: in most blocks no verb's first two bytes stand anywhere */
        __m256i m = _mm256_and_si256(fp_byte(r->nib[0], r->nib[1], u + i), fp_byte(r->nib[2], r->nib[3], u + i + 1));
        if (_mm256_testz_si256(m, m))
            continue;
        m = _mm256_and_si256(m, _mm256_and_si256(fp_byte(r->nib[4], r->nib[5], u + i + 2),
                                                 fp_byte(r->nib[6], r->nib[7], u + i + 4)));
        uint32_t cand = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero));
        while (cand) {
            size_t q = i + (size_t)__builtin_ctz(cand);
            cand &= cand - 1;
            if (u[q] < 0xE0 || !(*w = verb_at(r, s, q, n)))
                continue;
            if ((q > i0 && u[q - 1] >= 0xE0) || (q > i0 + 1 && u[q - 2] >= 0xE0))
                return verb_next_scalar(r, s, i0, n, w);
            return q; /* q + 6 <= n: q < i + 32 */
        }
    }
    /* no verb in [i0, i): the steps reach the last position p <= i not one or two bytes
     * after a lead (i0 at least), and go on from there */
    size_t p = i;
    while (p > i0 && (u[p - 1] >= 0xE0 || (p > i0 + 1 && u[p - 2] >= 0xE0)))
        p--;
    return verb_next_scalar(r, s, p, n, w);
}
#endif

size_t pm_cn_verb_next(const void *state, const char *s, size_t i, size_t n, int simd,
                       size_t *w)
{
    const cn_rules *r = state;
    *w = 0;
#ifdef PM_CN_HAVE_AVX2
    if (simd && r->avx2)
        return verb_next_avx2(r, s, i, n, w);
#else
    (void)simd;
#endif
    return verb_next_scalar(r, s, i, n, w);
}

static void body_rules(const cn_rules *r, const pm_gazetteer *g, const pm_pname_input *in,
                       pm_pnames *out, pm_pname_explain_fn explain, void *ud)
{
    const char *s = in->body;
    size_t n = in->body_len;
    for (size_t i = 0; i + 6 <= n; i++) {
        /* verbs are CJK: ASCII and continuation bytes step on; a lead E0..FF whose next
         * byte starts no verb skips its two next bytes (verb_next: the positions looked
         * at are the same with and without AVX2) */
        size_t w;
        i = pm_cn_verb_next(r, s, i, n, 1, &w);
        if (i + 6 > n)
            return;
        size_t j = i + w;
        for (int guard = 0; guard < 3 && cjk_has(&r->adverb_first, cp3(s + j, n - j)); guard++) {
            size_t k = starts(&r->l[L_ADVERB], s + j, n - j);
            if (!k)
                break;
            j += k;
        }
        if (j + 3 <= n && (memcmp(s + j, OPEN_Q, 3) == 0 || memcmp(s + j, OPEN_C, 3) == 0 ||
                           memcmp(s + j, OPEN_B, 3) == 0)) {
            const char *close = memcmp(s + j, OPEN_Q, 3) == 0   ? CLOSE_Q
                                : memcmp(s + j, OPEN_C, 3) == 0 ? CLOSE_C
                                                                : CLOSE_B;
            size_t lim = n - j - 3 < 3 * NAME_MAX_CHARS + 3 ? n - j - 3 : 3 * NAME_MAX_CHARS + 3;
            const char *c = memmem(s + j + 3, lim, close, 3);
            if (c) {
                size_t a = j + 3, b = (size_t)(c - s);
                if (vetoed_before(r, s, i))
                    ;
                else if (close == CLOSE_B)
                    object_name(r, g, s, a, b, PM_PSRC_QUOTED, 0, out, explain, ud);
                else if (!starts(&r->l[L_VETO_AFTER], c + 3, (size_t)(s + n - c - 3)) &&
                         quoted_ok(r, s + a, b - a))
                    emit(out, s + a, b - a, PM_PSRC_QUOTED, a,
                         "quoted: a quoted name after an adoption verb", 0, explain, ud);
                i = b + 2;
                continue;
            }
        }
        /* suffix rule: the CJK run after the verb, up to a clause break or a joining word */
        size_t e = j;
        for (uint32_t cp; e < n && e - j < RUN_MAX_BYTES && (cp = cp3(s + e, n - e)) >= CJK_LO &&
                          cp < CJK_LO + CJK_N && !cjk_has(&r->run_stop, cp);)
            e += 3;
        size_t best = 0;
        for (size_t k = e; k > j; k -= 3)
            if (cjk_has(&r->suffix_last, cp3(s + k - 3, 3)) &&
                ends(&r->l[L_NAME_SUFFIX], s + j, k - j)) {
                best = k;
                break;
            }
        if (best && !starts(&r->l[L_VETO_AFTER], s + best, n - best) && !vetoed_before(r, s, i)) {
            size_t a = j;
            strip_head(r, g, s, &a, best);
            char nm[PM_PNAME_BYTES];
            size_t k = pm_pname_normalize(s + a, best - a, nm, sizeof nm);
            if (k && policy_like(r, nm, k))
                emit(out, s + a, best - a, PM_PSRC_SUFFIX, a,
                     "suffix: a policy suffix after an adoption verb", 0, explain, ud);
        }
        i = j - 1;
    }
}

static void cn_extract(const void *state, const pm_gazetteer *g, const pm_pname_input *in,
                       pm_pnames *out, pm_pname_explain_fn explain, void *ud)
{
    const cn_rules *r = state;
    if (!r)
        return;
    if (in->title_len)
        title_rule(r, g, in, out, explain, ud);
    if (in->body_len)
        body_rules(r, g, in, out, explain, ud);
}

const pm_pname_pack pm_pname_pack_cn = {"cn", cn_load, cn_free, cn_checksum, cn_extract};
