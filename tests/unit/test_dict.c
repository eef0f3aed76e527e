/* Unit tests for the dictionary engine: format errors with file:line, veto semantics,
 * match limits, accessors, literal extraction, the Aho-Corasick scanner, and a randomized
 * check that the prefilter never changes a label (prefilter == every-pattern reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../pipeline/classify/prefilter.h"
#include "policyminer/dict.h"

static pm_dictset *load1(const char *file, pm_status want, unsigned want_line)
{
    pm_dictset *d = NULL;
    pm_errctx err;
    pm_dict_options o;
    pm_dict_options_default(&o);
    o.match_limit = 10000;
    const char *f[] = {file};
    assert_int_equal(pm_dictset_load_files(&d, f, 1, &o, &err), want);
    if (want != PM_OK) {
        assert_null(d);
        assert_int_equal(err.line, want_line);
        assert_non_null(strstr(err.file, file));
    }
    return d;
}

static void test_format_errors(void **state)
{
    (void)state;
    load1("tests/data/dict/bad_regex.dict.txt", PM_ERR_REGEX, 3);
    load1("tests/data/dict/unknown_key.dict.txt", PM_ERR_DICT_SYNTAX, 4);
    load1("tests/data/dict/dup_key.dict.txt", PM_ERR_DICT_SYNTAX, 4);
    load1("tests/data/dict/none.dict", PM_ERR_OPEN, 0);
}

static pm_catset *match(pm_dictset *d, pm_dict_scratch *s, const char *t, pm_dict_stats *st)
{
    static pm_catset out[8];
    assert_int_equal(pm_dictset_match(d, s, t, strlen(t), out, st, NULL, NULL), PM_OK);
    return out;
}

static void test_veto_and_limits(void **state)
{
    (void)state;
    pm_dictset *d = load1("tests/data/dict/good.dict", PM_OK, 0);
    pm_dict_scratch *s;
    assert_int_equal(pm_dict_scratch_create(&s, d), PM_OK);
    pm_dict_stats st = {0, 0};
    assert_true(pm_catset_has(&match(d, s, "给予补贴", &st)[0], 0));
    assert_false(pm_catset_has(&match(d, s, "决定取消补贴", &st)[0], 0));
    /* a vetoed hit does not hide a later real one */
    assert_true(pm_catset_has(&match(d, s, "取消补贴，另行给予补助", &st)[0], 0));
    /* the catastrophic pattern hits its limit; the other categories still match */
    char evil[4000];
    memset(evil, 'a', sizeof evil - 20);
    strcpy(evil + sizeof evil - 20, "c用地补贴b"); /* 'b' present: PCRE2 must try */
    pm_catset *o = match(d, s, evil, &st);
    assert_true(st.match_limit_hits >= 1);
    assert_false(pm_catset_has(&o[0], 1));
    assert_true(pm_catset_has(&o[0], 0));
    assert_true(pm_catset_has(&o[0], 2));
    assert_string_equal(pm_dictset_dim_name(d, 0), "instrument");
    assert_int_equal(pm_dictset_ncats(d, 0), 3);
    assert_string_equal(pm_dictset_cat_key(d, 0, 2), "land");
    assert_string_equal(pm_dictset_cat_group(d, 0, 0), "fiscal_financial");
    assert_int_equal(pm_dictset_ngroups(d, 0), 2);
    assert_int_equal(pm_dictset_cat_group_index(d, 0, 2), 1);
    assert_string_equal(pm_dictset_cat_label(d, 0, 0, "en"), "Subsidies");
    assert_int_equal(strncmp(pm_dictset_dim_checksum(d, 0), "sha256:", 7), 0);
    assert_int_equal(pm_dictset_dim_find(d, "nope"), (size_t)-1);
    pm_dict_scratch_free(s);
    pm_dictset_free(d);
    pm_dictset_free(NULL);
}

static void test_litextract(void **state)
{
    (void)state;
    pm_litset l;
    assert_true(pm_litextract("财政补贴|专项补助", strlen("财政补贴|专项补助"), &l));
    assert_int_equal(l.count, 2);
    pm_litset_free(&l);
    const char *p = "给予.{0,6}(补贴|补助|奖励)";
    assert_true(pm_litextract(p, strlen(p), &l));
    assert_int_equal(l.count, 1);
    assert_int_equal(l.n[0], 6); /* 给予 */
    pm_litset_free(&l);
    p = "(?i)\\bTax credits?\\b";
    assert_true(pm_litextract(p, strlen(p), &l));
    assert_memory_equal(l.s[0], "tax credit", 10); /* lower-cased for the folding scan */
    pm_litset_free(&l);
    p = "首台[（(]?套";
    assert_true(pm_litextract(p, strlen(p), &l));
    pm_litset_free(&l);
    assert_int_equal(pm_pattern_maxlen("给予.{0,6}(补贴|补助)", strlen("给予.{0,6}(补贴|补助)")), 6 + 24 + 6);
    assert_int_equal(pm_pattern_maxlen("补贴+", strlen("补贴+")), (size_t)-1);
    assert_int_equal(pm_pattern_maxlen("(?i)tax", 7), 12);
    /* a second required set from another part of a sequence, never from a branch */
    pm_litset l2;
    p = "(湖长制).{0,6}(实施方案|工作方案|实施意见)";
    assert_true(pm_litextract2(p, strlen(p), &l, &l2));
    assert_int_equal(l.count, 3);
    assert_int_equal(l2.count, 1);
    assert_memory_equal(l2.s[0], "湖长制", l2.n[0]);
    pm_litset_free(&l);
    pm_litset_free(&l2);
    p = "湖长制.{0,6}实施方案|河长制";
    assert_true(pm_litextract2(p, strlen(p), &l, &l2));
    assert_int_equal(l2.count, 0);
    pm_litset_free(&l);
    p = "(湖长制)?实施方案(?=工作方案)";
    assert_true(pm_litextract2(p, strlen(p), &l, &l2));
    assert_int_equal(l2.count, 0); /* optional and lookahead parts are not required */
    pm_litset_free(&l);
    p = "(?i)tax.{0,3}credit";
    assert_true(pm_litextract2(p, strlen(p), &l, &l2));
    assert_int_equal(l2.count, 0); /* caseless: one set, case-expanded */
    pm_litset_free(&l);
    p = "\\d+万元";
    assert_true(pm_litextract(p, strlen(p), &l)); /* 万元 is required */
    assert_int_equal(l.n[0], 6);
    pm_litset_free(&l);
    /* how far before a literal's end a match can start: per branch, up to the atom that
     * completes the branch's own set (pattern 226's shape: the prefix, not the tail) */
    size_t reach[PM_LIT_MAX_ALTS];
    p = "(统筹|合理)?安排[^。]{0,40}(用地|场地)|(提供|保障)[^。]{0,10}场地|(水|电)[^。]{0,10}保证供应";
    assert_true(pm_litextract(p, strlen(p), &l));
    assert_true(pm_literal_reach(p, strlen(p), &l, reach));
    assert_int_equal(l.count, 3); /* 安排, 场地 (rarer-scored than 提供|保障), 保证供应 */
    for (size_t k = 0; k < l.count; k++) {
        /* a class counts 4 bytes a character: 安排 after (统筹|合理)?; 场地 and 保证供应
         * after a branch head and [^。]{0,10} */
        size_t want = l.n[k] == 12 ? 3 + 40 + 12 : memcmp(l.s[k], "安排", 6) == 0 ? 6 + 6 : 6 + 40 + 6;
        assert_int_equal(reach[k], want);
    }
    pm_litset_free(&l);
    p = "(?i)tax|credit";
    assert_true(pm_litextract(p, strlen(p), &l));
    assert_false(pm_literal_reach(p, strlen(p), &l, reach)); /* caseless: not told by bytes */
    pm_litset_free(&l);
    p = "(补贴|补助).{0,6}给予";
    assert_true(pm_litextract(p, strlen(p), &l));
    assert_true(pm_literal_reach(p, strlen(p), &l, reach));
    for (size_t k = 0; k < l.count; k++)
        assert_int_equal(reach[k], l.n[k] == 6 && memcmp(l.s[k], "给予", 6) == 0 ? 6 + 24 + 6 : 6);
    pm_litset_free(&l);
    /* patterns that must run everywhere */
    const char *always[] = {"\\d+", "(a|bc)d?", "税?", "(?s)税收", "税收\\1", "[一二三]", "5G", "税收|ab",
                            /* "{0,4|" is a literal brace to PCRE2, and the empty branch
                             * matches anywhere (a fuzz_dict find) */
                            "补贴.{0,4||财政[x]{0,6}不得", "补贴{1,2x}财政",
                            "补贴{99999999999999999999}财政"};
    for (size_t i = 0; i < sizeof always / sizeof *always; i++) {
        assert_false(pm_litextract(always[i], strlen(always[i]), &l));
        assert_int_equal(l.count, 0);
    }
}

static void count_hit(void *ud, uint32_t id, size_t end)
{
    (void)end;
    ((int *)ud)[id]++;
}

static void test_ac_scanner(void **state)
{
    (void)state;
    pm_ac *ac;
    assert_int_equal(pm_ac_create(&ac), PM_OK);
    assert_int_equal(pm_ac_add(ac, "he", 2, 0), PM_OK);
    assert_int_equal(pm_ac_add(ac, "she", 3, 1), PM_OK);
    assert_int_equal(pm_ac_add(ac, "hers", 4, 2), PM_OK);
    assert_int_equal(pm_ac_add(ac, "补贴", 6, 3), PM_OK);
    assert_int_equal(pm_ac_build(ac), PM_OK);
    int hits[4] = {0};
    const char *t = "USHERS 补贴补贴";
    pm_ac_scan(ac, t, strlen(t), count_hit, hits);
    assert_int_equal(hits[0], 1); /* he (case-folded) */
    assert_int_equal(hits[1], 1);
    assert_int_equal(hits[2], 1);
    assert_int_equal(hits[3], 2);
    pm_ac_free(ac);
}

/* Long texts are scanned in interleaved pieces: every occurrence must still be reported
 * exactly once, with the right end, including occurrences straddling piece borders. */
typedef struct occ {
    int count[64];
    size_t min_end[64];
} occ;

static void occ_hit(void *ud, uint32_t id, size_t end)
{
    occ *o = ud;
    if (!o->count[id]++ || end < o->min_end[id])
        o->min_end[id] = end;
}

static void test_ac_long_texts(void **state)
{
    (void)state;
    static const char *const AL[] = {"补", "贴", "税", "a", "b"};
    unsigned seed = 99;
    for (int round = 0; round < 20; round++) {
        pm_ac *ac;
        pm_hs *hs;
        assert_int_equal(pm_ac_create(&ac), PM_OK);
        assert_int_equal(pm_hs_create(&hs), PM_OK);
        char lits[40][64];
        int nl = 5 + rand_r(&seed) % 35;
        for (int l = 0; l < nl; l++) {
            lits[l][0] = 0;
            int len = 1 + rand_r(&seed) % 6;
            for (int i = 0; i < len; i++)
                strcat(lits[l], AL[rand_r(&seed) % 5]);
            assert_int_equal(pm_ac_add(ac, lits[l], strlen(lits[l]), (uint32_t)l), PM_OK);
            assert_int_equal(pm_hs_add(hs, lits[l], strlen(lits[l]), (uint32_t)l), PM_OK);
        }
        assert_int_equal(pm_ac_build(ac), PM_OK);
        int have_hs = pm_hs_build(hs) == PM_OK;
        assert_int_equal(have_hs, pm_hs_available());
        pm_hs_scratch *hss = NULL;
        if (have_hs)
            assert_int_equal(pm_hs_scratch_create(hs, &hss), PM_OK);
        size_t cap = 9000 + (size_t)(rand_r(&seed) % 40000);
        char *t = malloc(cap + 8);
        size_t n = 0;
        while (n + 3 < cap) {
            const char *c = AL[rand_r(&seed) % 5];
            memcpy(t + n, c, strlen(c));
            n += strlen(c);
        }
        t[n] = 0;
        occ got, hgot;
        memset(&got, 0, sizeof got);
        memset(&hgot, 0, sizeof hgot);
        pm_ac_scan(ac, t, n, occ_hit, &got);
        if (have_hs) {
            assert_int_equal(pm_hs_scan(hs, hss, t, n, occ_hit, &hgot), PM_OK);
            assert_memory_equal(&got, &hgot, sizeof got); /* both scanners, same occurrences */
        }
        for (int l = 0; l < nl; l++) { /* the naive reference */
            int cnt = 0;
            size_t first = 0, ll = strlen(lits[l]);
            for (const char *q = t; (q = strstr(q, lits[l])) != NULL; q++)
                if (!cnt++)
                    first = (size_t)(q - t) + ll;
            assert_int_equal(got.count[l], cnt);
            if (cnt)
                assert_int_equal(got.min_end[l], first);
        }
        free(t);
        pm_ac_free(ac);
        pm_hs_scratch_free(hss);
        pm_hs_free(hs);
    }
}

/* Random patterns from a small grammar over a small alphabet, random texts: the prefilter
 * and the every-pattern reference must give the same categories every time. */
static const char *const ALPHA[] = {"补", "贴", "税", "收", "a", "b", "用", "地"};

static void rnd_lit(char *out, unsigned *seed, int len)
{
    for (int i = 0; i < len; i++)
        strcat(out, ALPHA[rand_r(seed) % 8]);
}

/* One dictionary file loaded three ways: [0] the default scanner (Hyperscan when built
 * in), [1] no prefilter (every pattern runs: the reference), [2] the automaton. */
static void load_three(const char *path, pm_dictset *d[3], pm_dict_scratch *s[3])
{
    pm_dict_options o[3];
    pm_dict_options_default(&o[0]);
    o[1] = o[2] = o[0];
    o[1].no_prefilter = 1;
    o[2].engine = PM_PREFILTER_AC;
    const char *files[] = {path};
    pm_errctx err;
    for (int k = 0; k < 3; k++) {
        assert_int_equal(pm_dictset_load_files(&d[k], files, 1, &o[k], &err), PM_OK);
        assert_int_equal(pm_dict_scratch_create(&s[k], d[k]), PM_OK);
    }
}

static void free_three(pm_dictset *d[3], pm_dict_scratch *s[3])
{
    for (int k = 0; k < 3; k++) {
        pm_dict_scratch_free(s[k]);
        pm_dictset_free(d[k]);
    }
}

/* The stops no match can hold: consuming atoms count, lookarounds do not; anything not
 * understood names none. */
static void test_pattern_stops(void **state)
{
    (void)state;
    const uint32_t clause = PM_STOP_LF | PM_STOP_PERIOD | PM_STOP_SEMI | PM_STOP_COLON;
    const char *p = "(?<![^。；：\\n])[^。；：\\n]{0,120}?(是指|系指)[^。；：\\n]{0,120}";
    assert_int_equal(pm_pattern_stops(p, strlen(p)), clause);
    p = "(?<![^。；：\\n])(?![^。；：\\n]{0,12}?(?:给予|安排))[^。；：\\nA-Za-z]{1,120}(?![^。；：\\n])";
    assert_int_equal(pm_pattern_stops(p, strlen(p)), clause);
    p = "给予[^。；，]{0,12}(补贴|补助)";
    assert_int_equal(pm_pattern_stops(p, strlen(p)), PM_STOP_PERIOD | PM_STOP_SEMI | PM_STOP_COMMA);
    p = "原则。?"; /* the optional 。 is consumed */
    assert_int_equal(pm_pattern_stops(p, strlen(p)) & PM_STOP_PERIOD, 0);
    p = "[^。]{0,4}[，,]x"; /* a listed stop is matchable, ASCII ones too */
    assert_int_equal(pm_pattern_stops(p, strlen(p)), PM_STOP_PERIOD);
    p = "[\\s。]补贴"; /* \s holds \n */
    assert_int_equal(pm_pattern_stops(p, strlen(p)) & (PM_STOP_LF | PM_STOP_PERIOD), 0);
    p = "[^\\x{3002}]补贴"; /* an escape not understood in a negated class: nothing named */
    assert_int_equal(pm_pattern_stops(p, strlen(p)) & PM_STOP_PERIOD, 0);
    p = "[\\p{P}]补贴"; /* ... in a positive class: it may match any stop */
    assert_int_equal(pm_pattern_stops(p, strlen(p)), 0);
    p = "补.贴"; /* dot matches every stop (but \n, counted all the same) */
    assert_int_equal(pm_pattern_stops(p, strlen(p)), 0);
    p = "(?s)补贴"; /* options, back references: not understood */
    assert_int_equal(pm_pattern_stops(p, strlen(p)), 0);
    p = "(补)\\1";
    assert_int_equal(pm_pattern_stops(p, strlen(p)), 0);
    p = "[]。]a"; /* a leading ] is a member */
    assert_int_equal(pm_pattern_stops(p, strlen(p)) & PM_STOP_PERIOD, 0);
    p = "[\\x{3000}-\\x{3003}]"; /* a range from an escape: not understood */
    assert_int_equal(pm_pattern_stops(p, strlen(p)), 0);
    p = "[、-〃]"; /* U+3001..U+3003 */
    assert_int_equal(pm_pattern_stops(p, strlen(p)) & (PM_STOP_PERIOD | PM_STOP_DUN), 0);
    unsigned char u[] = "\xe3\x80\x82\xef\xbc\x8c;";
    assert_int_equal(pm_stop_at(u, 7), PM_STOP_PERIOD);
    assert_int_equal(pm_stop_at(u + 3, 4), PM_STOP_COMMA);
    assert_int_equal(pm_stop_at(u + 6, 1), PM_STOP_A_SEMI);
    assert_int_equal(pm_stop_at(u + 1, 6), 0);
}

/* Clause-bounded vetoes (the stretch test in covering_veto, also for vetoes with no
 * literal) against the every-pattern reference, on texts full of stops. */
static void test_clause_veto_equivalence(void **state)
{
    (void)state;
    static const char *const A[] = {"补", "贴", "税", "收", "。", "；", "，", "\n", "用", "a"};
    unsigned seed = 777;
    char path[] = "/tmp/pm_dict_clause_XXXXXX", path0[] = "/tmp/pm_dict_noveto_XXXXXX";
    int fd = mkstemp(path), fd0 = mkstemp(path0);
    assert_true(fd >= 0 && fd0 >= 0);
    FILE *f = fdopen(fd, "w"), *f0 = fdopen(fd0, "w"); /* f0: the same without vetoes */
    fprintf(f, "dimension = rnd\n");
    fprintf(f0, "dimension = rnd\n");
    for (int c = 0; c < 40; c++) {
        fprintf(f, "[c%d]\n", c);
        const char *x = A[rand_r(&seed) % 4], *y = A[rand_r(&seed) % 4];
        fprintf(f, "pattern = %s%s\n", x, y);
        fprintf(f, "pattern = %s.{0,4}%s\n", y, x); /* may cross a stop */
        fprintf(f0, "[c%d]\npattern = %s%s\npattern = %s.{0,4}%s\n", c, x, y, y, x);
        switch (rand_r(&seed) % 5) {
        case 0: fprintf(f, "not = (?<![^。；\\n])[^。；\\n]{0,6}?(%s用|用%s)[^。；\\n]{0,6}\n", x, y); break;
        case 1: fprintf(f, "not = (?<![^。；\\n])(?![^。；\\n]{0,8}?(?:%s收|用))[^。；\\n]{1,12}(?![^。；\\n])\n", y); break;
        case 2: fprintf(f, "not = [^。，]{0,3}%s[^。，]{0,3}\n", x); break;
        case 3: fprintf(f, "not = (?<![^。；：，\\n])[^。；：，\\n]{0,9}?用[^。；：，\\n]{0,3}\n"); break;
        default: fprintf(f, "not = (?<![^。])(?=[^。]{0,9}?%s。)[^。]{0,9}\n", y); break;
        }
        if (c % 3 == 0) /* a shared block: the same veto in several categories */
            fprintf(f, "not = (?<![^。；\\n])[^。；\\n]{0,10}?税收[^。；\\n]{0,10}\n");
    }
    fclose(f);
    fclose(f0);
    pm_dictset *d3[3], *dv[3];
    pm_dict_scratch *s3[3], *sv[3];
    load_three(path, d3, s3);
    load_three(path0, dv, sv);
    pm_dictset *da = d3[0], *db = d3[1], *dc = d3[2], *d0 = dv[0];
    pm_dict_scratch *sa = s3[0], *sb = s3[1], *sc = s3[2], *s0 = sv[0];
    int nonzero = 0, differ = 0;
    for (int t = 0; t < 4000; t++) {
        char text[1024] = "";
        int len = rand_r(&seed) % (t % 2 ? 30 : 120);
        for (int i = 0; i < len; i++)
            strcat(text, A[rand_r(&seed) % 10]);
        pm_catset oa[1], ob[1], oc[1], o0[1], none[1];
        pm_dictset_match(d0, s0, text, strlen(text), o0, NULL, NULL, NULL);
        pm_dictset_match(da, sa, text, strlen(text), oa, NULL, NULL, NULL);
        pm_dictset_match(db, sb, text, strlen(text), ob, NULL, NULL, NULL);
        pm_dictset_match(dc, sc, text, strlen(text), oc, NULL, NULL, NULL);
        assert_memory_equal(oa, ob, sizeof oa);
        assert_memory_equal(oc, ob, sizeof oc);
        memset(none, 0, sizeof none);
        nonzero += memcmp(oa, none, sizeof oa) != 0;
        differ += memcmp(oa, o0, sizeof oa) != 0; /* the vetoes did take hits away */
    }
    assert_true(nonzero > 500);
    assert_true(differ > 500);
    free_three(d3, s3);
    free_three(dv, sv);
    unlink(path);
    unlink(path0);
}

static void test_prefilter_equivalence(void **state)
{
    (void)state;
    unsigned seed = 12345;
    char path[] = "/tmp/pm_dict_rand_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "dimension = rnd\n");
    for (int c = 0; c < 60; c++) {
        fprintf(f, "[c%d]\n", c);
        for (int k = 0; k < 3; k++) {
            char p[256] = "";
            switch (rand_r(&seed) % 7) {
            case 0: rnd_lit(p, &seed, 2); break;
            case 1: rnd_lit(p, &seed, 1); strcat(p, "|"); rnd_lit(p, &seed, 2); break;
            case 2: rnd_lit(p, &seed, 1); strcat(p, ".{0,3}"); rnd_lit(p, &seed, 2); break;
            case 3: strcat(p, "("); rnd_lit(p, &seed, 1); strcat(p, ")?"); rnd_lit(p, &seed, 2); break;
            case 4: strcat(p, "[补税]"); rnd_lit(p, &seed, 1); break;
            case 5:
                if (rand_r(&seed) % 2) { /* branches whose literal sits early in a long match */
                    strcat(p, "(");
                    rnd_lit(p, &seed, 1);
                    strcat(p, ")?");
                    rnd_lit(p, &seed, 2);
                    strcat(p, "[^a]{0,6}");
                    rnd_lit(p, &seed, 1);
                    strcat(p, "|");
                    rnd_lit(p, &seed, 2);
                    strcat(p, ".{0,2}");
                    rnd_lit(p, &seed, 1);
                    break;
                }
                /* fall through */
            default: rnd_lit(p, &seed, 1); strcat(p, "+"); rnd_lit(p, &seed, 1); break;
            }
            fprintf(f, "pattern = %s\n", p);
        }
        /* vetoes go through the prefilter too (skipped where none of their literals can
         * lie in a covering match): bounded, leading-class and alternation forms */
        if (rand_r(&seed) % 2 == 0) {
            char v[64] = "", w[64] = "";
            rnd_lit(v, &seed, 1);
            rnd_lit(w, &seed, 2);
            switch (rand_r(&seed) % 3) {
            case 0: fprintf(f, "not = %s.{0,2}%s\n", v, ALPHA[rand_r(&seed) % 8]); break;
            case 1: fprintf(f, "not = [^x]{0,6}%s\n", v); break;
            default: fprintf(f, "not = %s|%s.{0,4}\n", w, v); break;
            }
        }
    }
    fclose(f);
    /* a: the default scanner (Hyperscan when built in), c: the automaton, b: no prefilter */
    pm_dict_options a, b, c;
    pm_dict_options_default(&a);
    b = a;
    b.no_prefilter = 1;
    c = a;
    c.engine = PM_PREFILTER_AC;
    const char *files[] = {path};
    pm_dictset *da, *db, *dc;
    pm_errctx err;
    assert_int_equal(pm_dictset_load_files(&da, files, 1, &a, &err), PM_OK);
    assert_int_equal(pm_dictset_load_files(&db, files, 1, &b, &err), PM_OK);
    assert_int_equal(pm_dictset_load_files(&dc, files, 1, &c, &err), PM_OK);
    assert_string_equal(pm_dictset_engine(da), pm_hs_available() ? "hyperscan" : "aho-corasick");
    assert_string_equal(pm_dictset_engine(dc), "aho-corasick");
    pm_dict_scratch *sa, *sb, *sc;
    assert_int_equal(pm_dict_scratch_create(&sa, da), PM_OK);
    assert_int_equal(pm_dict_scratch_create(&sb, db), PM_OK);
    assert_int_equal(pm_dict_scratch_create(&sc, dc), PM_OK);
    int nonzero = 0;
    for (int t = 0; t < 3000; t++) {
        char text[512] = "";
        int len = rand_r(&seed) % (t % 2 ? 24 : 90); /* long ones: many occurrences, windows */
        rnd_lit(text, &seed, len);
        for (char *q = text; *q; q++) /* ASCII case is folded by both scanners alike */
            if ((*q == 'a' || *q == 'b') && rand_r(&seed) % 3 == 0)
                *q = (char)(*q - 'a' + 'A');
        pm_catset oa[1], ob[1], oc[1];
        pm_dictset_match(da, sa, text, strlen(text), oa, NULL, NULL, NULL);
        pm_dictset_match(db, sb, text, strlen(text), ob, NULL, NULL, NULL);
        pm_dictset_match(dc, sc, text, strlen(text), oc, NULL, NULL, NULL);
        assert_memory_equal(oa, ob, sizeof oa);
        assert_memory_equal(oc, ob, sizeof oc);
        nonzero += oa[0].w[0] != 0;
    }
    assert_true(nonzero > 100); /* the texts do exercise the patterns */
    pm_dict_scratch_free(sa);
    pm_dict_scratch_free(sb);
    pm_dict_scratch_free(sc);
    pm_dictset_free(da);
    pm_dictset_free(db);
    pm_dictset_free(dc);
    unlink(path);
}

/* (?i) over letters beyond ASCII: the scanners fold ASCII only, so the prefilter must scan
 * every case variant of a caseless literal (or the label is silently lost). Each text must
 * get the label under both scanners, exactly as with no prefilter. */
static void test_caseless_unicode(void **state)
{
    (void)state;
    char path[] = "/tmp/pm_dict_ci_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "dimension = ci\n[subsidy]\npattern = (?i)субсиди\npattern = (?i)επιδότηση\n"
               "[credit]\npattern = (?i)kredit\n[sigma]\npattern = (?i)σης\n");
    fclose(f);
    struct { const char *text; int cat; } cases[] = {
        {"Субсидии предоставляются", 0}, {"СУБСИДИРОВАНИЕ", 0}, {"субсидия", 0},
        {"ΕΠΙΔΌΤΗΣΗ επιχειρήσεων", 0}, {"Επιδότηση", 0},
        {"\xE2\x84\xAAREDIT", 1}, /* the Kelvin sign folds to k */
        {"ΣΗΣ", 2}, {"τησης", 2}, {"ςης", 2}, /* final and capital sigma fold to σ */
    };
    const char *files[] = {path};
    pm_dict_options o[3];
    pm_dict_options_default(&o[0]);
    o[1] = o[0];
    o[1].engine = PM_PREFILTER_AC;
    o[2] = o[0];
    o[2].no_prefilter = 1;
    pm_dictset *d[3];
    pm_dict_scratch *sc[3];
    pm_errctx err;
    for (int e = 0; e < 3; e++) {
        assert_int_equal(pm_dictset_load_files(&d[e], files, 1, &o[e], &err), PM_OK);
        assert_int_equal(pm_dict_scratch_create(&sc[e], d[e]), PM_OK);
    }
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int e = 0; e < 3; e++) {
            pm_catset out[1];
            pm_dictset_match(d[e], sc[e], cases[i].text, strlen(cases[i].text), out, NULL, NULL, NULL);
            if (!(out[0].w[0] >> cases[i].cat & 1))
                fail_msg("engine %d: '%s' lost its label", e, cases[i].text);
        }
    pm_litset l; /* still filtered, not run on every text */
    assert_true(pm_litextract("(?i)субсиди", strlen("(?i)субсиди"), &l));
    assert_true(l.count > 1);
    pm_litset_free(&l);
    for (int e = 0; e < 3; e++) {
        pm_dict_scratch_free(sc[e]);
        pm_dictset_free(d[e]);
    }
    unlink(path);
}

static void report_count(void *ud, const char *line)
{
    (void)line;
    (*(int *)ud)++;
}

static void count_title_vetoes(void *ud, const pm_dict_hit *h)
{
    if (h->title_veto) {
        assert_true(h->vetoed);
        /* the category's own rule line in title.dict.txt (the guarantee's rule is shared) */
        assert_int_equal(h->veto_line, h->cat == 0 ? 7 : 16);
        (*(int *)ud)++;
    }
}

/* not_title: a category is off for a whole document whose title a rule matches (the act's
 * title for an article), in both matchers; another title, or none, turns it back on. */
static void test_title_rules(void **state)
{
    (void)state;
    load1("tests/data/dict/bad_title.dict.txt", PM_ERR_REGEX, 5);
    pm_dictset *d = load1("tests/data/dict/title.dict.txt", PM_OK, 0);
    pm_dict_scratch *s;
    assert_int_equal(pm_dict_scratch_create(&s, d), PM_OK);
    pm_dict_stats st = {0, 0};
    const char *text = "支持企业发行债券，给予补贴，提供融资担保。";
    assert_true(pm_catset_has(&match(d, s, text, &st)[0], 0));
    const char *t1 = "企业债券管理条例";
    pm_dict_scratch_set_title(s, d, t1, strlen(t1), &st);
    pm_catset *o = match(d, s, text, &st);
    assert_false(pm_catset_has(&o[0], 0)); /* credit: off for this title */
    assert_true(pm_catset_has(&o[0], 1));  /* subsidy has no title rule */
    assert_false(pm_catset_has(&o[0], 2)); /* guarantee: the same rule, run once, reused */
    /* a search with a veto window sets an offset limit on the scratch's match context;
     * the next document's title rule must not inherit it (it did: the rule failed) */
    pm_dict_scratch_set_title(s, d, NULL, 0, &st);
    assert_false(pm_catset_has(&match(d, s, "违反规定发行企业债券的，给予补贴", &st)[0], 0));
    pm_dict_scratch_set_title(s, d, t1, strlen(t1), &st);
    assert_false(pm_catset_has(&match(d, s, text, &st)[0], 0));
    pm_catset a[8];
    int tv = 0;
    assert_int_equal(pm_dictset_audit(d, s, text, strlen(text), a, 0, count_title_vetoes, &tv), PM_OK);
    assert_false(pm_catset_has(&a[0], 0)); /* the audit decides alike, */
    assert_int_equal(tv, 2);               /* and reports the hits vetoed by the rules */
    const char *t2 = "促进中小企业发展条例";
    pm_dict_scratch_set_title(s, d, t2, strlen(t2), &st);
    assert_true(pm_catset_has(&match(d, s, text, &st)[0], 0));
    assert_true(pm_catset_has(&match(d, s, text, &st)[0], 2));
    pm_dict_scratch_set_title(s, d, t1, strlen(t1), &st);
    pm_dict_scratch_set_title(s, d, NULL, 0, &st); /* cleared */
    assert_true(pm_catset_has(&match(d, s, text, &st)[0], 0));
    pm_dict_scratch_free(s);
    pm_dictset_free(d);
}

static void test_shipped_dictionaries_check(void **state)
{
    (void)state;
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_errctx err;
    int lines = 0;
    assert_int_equal(pm_dict_check("dictionaries/cn", &o, report_count, &lines, &err), 0);
    assert_true(lines >= 1);
    /* the catastrophic test pattern is flagged */
    assert_true(pm_dict_check("tests/data/dict", &o, report_count, &lines, &err) >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_errors),       cmocka_unit_test(test_veto_and_limits),
        cmocka_unit_test(test_litextract),        cmocka_unit_test(test_title_rules),
        cmocka_unit_test(test_caseless_unicode),
        cmocka_unit_test(test_ac_scanner),
        cmocka_unit_test(test_ac_long_texts),
        cmocka_unit_test(test_prefilter_equivalence), cmocka_unit_test(test_shipped_dictionaries_check),
        cmocka_unit_test(test_pattern_stops),        cmocka_unit_test(test_clause_veto_equivalence),
    };
    return cmocka_run_group_tests_name("dict", tests, NULL, NULL);
}
