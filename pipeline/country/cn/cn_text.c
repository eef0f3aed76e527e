/* country/cn/cn_text.c - the China pack's text half: what classify/ asks of a Chinese
 * document through pm_country_ops.read_doc - its date (when the <date> field gave none),
 * its own 文号, its issuer and the regions whose experience it cites.
 *
 * The order of evidence is the one classify.c used before the pack interface, so China's
 * tables stay byte-identical: date from the <date> field (set by classify.c), else a law's
 * first adoption / promulgation line, else the closing 年月日 date of the body, else the
 * year of the 文号; the 文号 from the field, else the first one in the title, else in the
 * body's head, skipping one that cites another document; the issuer through China's
 * resolver (cn_issuer.c) over the field, title, 文号 prefix, enactment organ, signature
 * and <region code> hint. The gazetteer is the pack's (cn_regions.c loads it). The
 * citation nouns are found with AVX2 (run time) or SSE2 where the CPU has them. Read-only;
 * never prints; never allocates.
 */
#include <assert.h>
#include <string.h>
#if defined(__SSE2__) && !defined(PM_NO_SIMD)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__) && !defined(PM_NO_SIMD) /* PM_NO_SIMD: portable code only */
#include <immintrin.h>
#define PM_CN_TEXT_HAVE_AVX2 1
#endif

#include "../country_internal.h"
#include "policyminer/classify.h"
#include "policyminer/gazetteer.h"
#include "policyminer/textparse.h"

/* How far into the body a document number is looked for (the header block). */
#define DOCNO_HEAD_BYTES 600

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
static const char *const CITE_NOUNS[] = {"经验", "做法", "模式"};

/* The verb at q: the words up to the first noun within 36 bytes, in one clause, read as
 * an issuer; its region is cited unless it is the centre, the issuer's own, or known. */
static void cite_at(const pm_gazetteer *g, const char *t, size_t n, const char *q, size_t vl,
                    pm_record *out)
{
    const char *s0 = q + vl, *lim = s0 + 36 < t + n ? s0 + 36 : t + n;
    const char *end = NULL;
    for (size_t k = 0; k < sizeof CITE_NOUNS / sizeof *CITE_NOUNS; k++) {
        const char *e = memmem(s0, (size_t)(lim - s0), CITE_NOUNS[k], strlen(CITE_NOUNS[k]));
        if (e && (!end || e < end))
            end = e;
    }
    if (!end || end == s0)
        return;
    /* one clause: no sentence or clause break between verb and noun */
    if (memmem(s0, (size_t)(end - s0), "。", 3) || memmem(s0, (size_t)(end - s0), "；", 3) ||
        memmem(s0, (size_t)(end - s0), "，", 3) || memchr(s0, '\n', (size_t)(end - s0)))
        return;
    pm_issuer_input in = {.issuer = s0, .issuer_len = (size_t)(end - s0), .year = out->year};
    pm_issuer_result r;
    pm_issuer_resolve(g, &in, &r);
    uint32_t code = r.region_code;
    if (!code || code == PM_CODE_CENTRAL || code == out->issuer.region_code)
        return;
    int dup = 0;
    for (unsigned i = 0; i < out->ncited; i++)
        dup |= out->cited[i] == code;
    if (!dup && out->ncited < PM_MAX_CITED)
        out->cited[out->ncited++] = code;
}

#define NOUNS_KEPT 64 /* noun occurrences a body's verbs are looked for before; more = all */
#define NOUN_BYTES 6  /* every CITE_NOUNS entry is two CJK characters */

/* Noun k at t + i (NOUN_BYTES left), else 0. */
static int noun_at(const char *t, size_t k)
{
    return memcmp(t, CITE_NOUNS[k], NOUN_BYTES) == 0;
}

#if defined(PM_CN_TEXT_HAVE_AVX2) || (defined(__SSE2__) && !defined(PM_NO_SIMD))
/* The vector steps' candidates: bit b of m set where t[p + b] may start a noun (its three
 * lead bytes matched); the ones that do go to at[] (the first cap of them), counted in *na. */
static void take_nouns(const char *t, size_t p, uint32_t m, const char **at, size_t cap,
                       size_t *na)
{
    for (; m; m &= m - 1) {
        size_t j = p + (size_t)__builtin_ctz(m);
        for (size_t k = 0; k < sizeof CITE_NOUNS / sizeof *CITE_NOUNS; k++)
            if (noun_at(t + j, k)) {
                if (*na < cap)
                    at[*na] = t + j;
                ++*na;
                break;
            }
    }
}
#endif

#ifdef PM_CN_TEXT_HAVE_AVX2
/* find_nouns' first stretch where the CPU has AVX2: 32 positions a step from *i while 38
 * bytes are left, the same compares as the SSE2 steps; *i is left where they go on. */
__attribute__((target("avx2"))) static size_t find_nouns_avx2(const char *t, size_t n,
                                                               const char **at, size_t cap,
                                                               size_t *i)
{
    enum { NN = sizeof CITE_NOUNS / sizeof *CITE_NOUNS };
    size_t na = 0, p = *i;
    __m256i c[NN][3];
    for (size_t k = 0; k < NN; k++)
        for (int b = 0; b < 3; b++)
            c[k][b] = _mm256_set1_epi8(CITE_NOUNS[k][b]);
    for (; n >= NOUN_BYTES + 32 && p <= n - NOUN_BYTES - 32; p += 32) {
        const __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(t + p));
        const __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(t + p + 1));
        const __m256i v2 = _mm256_loadu_si256((const __m256i *)(const void *)(t + p + 2));
        __m256i any = _mm256_setzero_si256();
        for (size_t k = 0; k < NN; k++)
            any = _mm256_or_si256(any, _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(v0, c[k][0]),
                                                                         _mm256_cmpeq_epi8(v1, c[k][1])),
                                                        _mm256_cmpeq_epi8(v2, c[k][2])));
        take_nouns(t, p, (uint32_t)_mm256_movemask_epi8(any), at, cap, &na);
    }
    *i = p;
    return na;
}
#endif

/* Every noun occurrence in [t, t+n), in text order, in one pass instead of one memmem pass
 * per noun: with AVX2 (checked at run time) 32 positions a step, else with SSE2 16, each noun's first character (three bytes)
 * compared at all of them at once, and only the positions that hold one are compared
 * whole; elsewhere (and for the tail) one position at a time. No noun overlaps itself or
 * another, so these are the occurrences the memmem passes found. Returns how many there
 * are; the first `cap` go to at[]. */
static size_t find_nouns(const char *t, size_t n, const char **at, size_t cap)
{
    enum { NN = sizeof CITE_NOUNS / sizeof *CITE_NOUNS };
    size_t na = 0, i = 0;
#ifdef PM_CN_TEXT_HAVE_AVX2
    if (__builtin_cpu_supports("avx2"))
        na = find_nouns_avx2(t, n, at, cap, &i);
#endif
#if defined(__SSE2__) && !defined(PM_NO_SIMD)
    __m128i c[NN][3];
    for (size_t k = 0; k < NN; k++) {
        assert(strlen(CITE_NOUNS[k]) == NOUN_BYTES);
        for (int b = 0; b < 3; b++)
            c[k][b] = _mm_set1_epi8(CITE_NOUNS[k][b]);
    }
    for (; n >= NOUN_BYTES + 16 && i <= n - NOUN_BYTES - 16; i += 16) {
        const __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        const __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 1));
        const __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 2));
        __m128i any = _mm_setzero_si128();
        for (size_t k = 0; k < NN; k++)
            any = _mm_or_si128(any, _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(v0, c[k][0]),
                                                                _mm_cmpeq_epi8(v1, c[k][1])),
                                                  _mm_cmpeq_epi8(v2, c[k][2])));
        take_nouns(t, i, (uint32_t)_mm_movemask_epi8(any), at, cap, &na);
    }
#endif
    for (; i + NOUN_BYTES <= n; i++)
        for (size_t k = 0; k < NN; k++)
            if (t[i] == CITE_NOUNS[k][0] && noun_at(t + i, k)) {
                if (na < cap)
                    at[na] = t + i;
                na++;
                break;
            }
    return na;
}

static void find_citations(const pm_gazetteer *g, const char *t, size_t n, pm_record *out)
{
    static const char *const verbs[] = {"借鉴", "学习", "复制推广", "参照"};
    out->ncited = 0;
    /* A citation needs a noun within 36 bytes after its verb, and the nouns are rarer than
     * the verbs: find them first, then look for verbs only where one could end before a
     * noun. Those are the verb occurrences a search of the whole body would keep, met in
     * the same order (verb by verb, in text order), so the codes come out the same. */
    const char *at[NOUNS_KEPT];
    const size_t nlmin = NOUN_BYTES;
    size_t na = find_nouns(t, n, at, NOUNS_KEPT);
    if (!na)
        return;
    for (size_t v = 0; v < sizeof verbs / sizeof *verbs; v++) {
        size_t vl = strlen(verbs[v]);
        if (na > NOUNS_KEPT) {
            for (const char *q = t; (q = memmem(q, (size_t)(t + n - q), verbs[v], vl)) != NULL;
                 q += vl)
                cite_at(g, t, n, q, vl, out);
            continue;
        }
        size_t done = 0; /* verbs starting before this offset were looked for */
        for (size_t i = 0; i < na; i++) {
            /* a verb at q with its noun at e: q + vl < e, e + nl <= q + vl + 36 */
            size_t e = (size_t)(at[i] - t);
            if (e < vl + 1)
                continue;
            size_t lo = e + nlmin > vl + 36 ? e + nlmin - vl - 36 : 0, hi = e - vl - 1;
            if (lo < done)
                lo = done;
            for (size_t q = lo; q <= hi;) {
                const char *f = memmem(t + q, hi + vl - q, verbs[v], vl);
                if (!f)
                    break;
                cite_at(g, t, n, f, vl, out);
                q = (size_t)(f - t) + vl;
            }
            if (hi + 1 > done)
                done = hi + 1;
        }
    }
}

void pm_cn_read_doc(const void *state, const pm_country *c, const pm_doc *doc, pm_record *out,
                    char *numbuf, size_t numcap)
{
    (void)state;
    (void)numbuf;
    (void)numcap;
    const pm_gazetteer *g = pm_country_gazetteer(c);
    pm_docno dn;
    int have_dn = 0;
    find_docno(doc, &out->docno, &dn, &have_dn);

    /* A law's first adoption or promulgation line names its issuer and its date (later
     * amendments do not: the organ that revises a law is not a new issuer). */
    pm_enactment en;
    int have_en = doc->body.len && pm_enactment_find(doc->body.p, doc->body.len, &en);

    /* Date evidence after the field (classify.c), strongest first. */
    if (out->date_source == PM_DSRC_NONE) {
        int32_t ymd = 0;
        if (have_en) {
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
    }

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
    pm_issuer_resolve(g, &in, &out->issuer);
    find_citations(g, doc->body.p, doc->body.len, out);
}
