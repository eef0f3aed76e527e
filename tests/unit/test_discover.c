/* Unit tests for policy discovery (issue 14): the generic fold, the per-document candidate
 * list and its cap, the bounded name table, the Chinese rules on titles and bodies, and
 * the join of a discovered name into a named experiment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/classify.h"
#include "policyminer/diffusion.h"
#include "policyminer/discover.h"
#include "../../pipeline/country/country_internal.h"

static pm_gazetteer *G;
static pm_country *C;
static void *R; /* the Chinese pack's state */

static int setup(void **state)
{
    (void)state;
    pm_errctx err;
    if (pm_gaz_load(&G, "dictionaries/cn", &err) != PM_OK ||
        pm_country_open(&C, "cn", "dictionaries", &err) != PM_OK)
        return -1;
    return pm_pname_pack_cn.load(&R, "dictionaries/cn", &err) == PM_OK && R ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pm_pname_pack_cn.free(R);
    pm_gaz_free(G);
    pm_country_free(C);
    return 0;
}

/* The names the rules give for a title and a body, joined with '|'. */
static const char *names(const char *title, const char *body)
{
    static char out[512];
    pm_pnames pn;
    memset(&pn, 0, sizeof pn);
    pm_pname_input in = {title, strlen(title), body, strlen(body), NULL, 0, 2020};
    pm_pname_pack_cn.extract(R, G, &in, &pn, NULL, NULL);
    out[0] = 0;
    for (unsigned i = 0; i < pn.n; i++) {
        if (i)
            strcat(out, "|");
        strcat(out, pn.v[i].s);
    }
    return out;
}

static void test_normalize(void **state)
{
    (void)state;
    char out[PM_PNAME_BYTES];
    /* full width, traditional script, quote marks and spaces */
    size_t n = pm_pname_normalize("“最多跑 一次”ＡＢ長", strlen("“最多跑 一次”ＡＢ長"), out, sizeof out);
    assert_string_equal(out, "最多跑一次ab长");
    assert_int_equal(n, strlen("最多跑一次ab长"));
    /* a name too long for a candidate gives nothing rather than a cut character */
    char longname[200] = "";
    for (int i = 0; i < 30; i++)
        strcat(longname, "长");
    assert_int_equal(pm_pname_normalize(longname, strlen(longname), out, sizeof out), 0);
}

static void test_candidate_cap(void **state)
{
    (void)state;
    pm_pnames pn;
    memset(&pn, 0, sizeof pn);
    char nm[16];
    for (int i = 0; i < PM_MAX_PNAMES + 3; i++) {
        snprintf(nm, sizeof nm, "name%d", i);
        pm_pnames_add(&pn, nm, strlen(nm), PM_PSRC_SUFFIX, 0);
        pm_pnames_add(&pn, nm, strlen(nm), PM_PSRC_SUFFIX, 0); /* duplicates are one */
    }
    assert_int_equal(pn.n, PM_MAX_PNAMES);
    assert_int_equal(pn.cut, 6); /* occurrences beyond the cap: they are not kept to compare */
}

static void test_table_bounded(void **state)
{
    (void)state;
    pm_pname_table *t;
    assert_int_equal(pm_pname_table_create(&t, 2), PM_OK);
    uint32_t a, b, c, a2;
    assert_int_equal(pm_pname_table_intern(t, "河长制", strlen("河长制"), &a), PM_OK);
    assert_int_equal(pm_pname_table_intern(t, "街长制", strlen("街长制"), &b), PM_OK);
    assert_int_equal(pm_pname_table_intern(t, "林长制", strlen("林长制"), &c), PM_OK);
    assert_int_equal(pm_pname_table_intern(t, "河长制", strlen("河长制"), &a2), PM_OK);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(c, UINT32_MAX); /* full: dropped, counted */
    assert_int_equal(a2, 0);         /* known names still found */
    assert_int_equal(pm_pname_table_count(t), 2);
    assert_int_equal(pm_pname_table_dropped(t), 1);
    pm_pname_table_free(t);
    pm_pname_table_free(NULL);
}

static void test_title_rules(void **state)
{
    (void)state;
    assert_string_equal(names("青岛市文明行为促进条例", ""), "文明行为促进条例");
    assert_string_equal(names("XX市人民政府关于印发无锡市推行河长制实施方案的通知", ""), "河长制");
    assert_string_equal(names("关于开展“最多跑一次”改革的实施意见", ""), "最多跑一次");
    assert_string_equal(names("深圳经济特区绿色建筑条例", ""), "绿色建筑条例");
    assert_string_equal(names("泉州市人民政府关于全面推行街长制的实施意见", ""), "街长制");
    assert_string_equal(names("重慶市人民政府關於全面推行街長制的通知", ""), "街长制");
    /* framed as an adoption: a name without a policy suffix still counts */
    assert_string_equal(names("某市人民政府关于全面推行一网通办的实施意见", ""), "一网通办");
    /* not adoptions, or generic */
    assert_string_equal(names("广东省人民代表大会常务委员会关于批准《江门市文明行为促进条例》的决定", ""), "");
    assert_string_equal(names("莆田市人民政府关于加强安全生产工作的通知", ""), "");
    assert_string_equal(names("成都市人民政府关于印发成都市进一步做好相关工作若干措施的通知", ""), "");
    assert_string_equal(names("关于建立健全工作机制的通知", ""), "");
    assert_string_equal(names("关于加快发展养老服务业的若干意见", ""), "");
}

static void test_body_rules(void **state)
{
    (void)state;
    assert_string_equal(names("", "全面推行河长制，由各级负责人担任河长。"), "河长制");
    assert_string_equal(names("", "深入开展“一件事一次办”改革。"), "一件事一次办");
    assert_string_equal(names("", "开展城乡环境综合整治行动和文明城市创建。"), "城乡环境综合整治行动");
    assert_string_equal(names("", "推行河长制和湖长制。"), "河长制");
    /* citations of another's experience, generic names, national laws */
    assert_string_equal(names("", "学习借鉴外地推行湖长制的经验。"), "");
    assert_string_equal(names("", "推行河长制经验。"), "");
    assert_string_equal(names("", "建立健全工作机制。"), "");
    assert_string_equal(names("", "实施《中华人民共和国安全生产法》办法。"), "");
}

/* A name containing a named experiment's label joins it; any other is discovered. */
static void test_join_experiment(void **state)
{
    (void)state;
    pm_errctx err;
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_dictset *d;
    assert_int_equal(pm_dictset_load(&d, "dictionaries/cn", &o, &err), PM_OK);
    pm_adopt *a;
    assert_int_equal(pm_adopt_create(&a, d, C, NULL), PM_OK);
    pm_catset cats[PM_MAX_DIMS];
    memset(cats, 0, sizeof cats);
    pm_pnames pn;
    memset(&pn, 0, sizeof pn);
    pm_pnames_add(&pn, "河长制", strlen("河长制"), PM_PSRC_TITLE, 0);
    pm_pnames_add(&pn, "街长制", strlen("街长制"), PM_PSRC_TITLE, 0);
    assert_int_equal(pm_adopt_add(a, "x1", 20150101, PM_LEVEL_PREFECTURE, 350500, 350000, cats, &pn),
                     PM_OK);
    pm_discover_stats ds;
    pm_adopt_discover_stats(a, &ds);
    assert_int_equal(ds.names, 2);
    assert_int_equal(ds.joined, 1);   /* 河长制 -> river_chief */
    assert_int_equal(ds.cascades, 0); /* one region is below the minimum of 3 */
    pm_adopt_free(a);
    pm_dictset_free(d);
}

/* The body scan's stops with and without AVX2: the same at every start, on text mixing
 * verbs, other ideographs, ASCII, punctuation and invalid UTF-8 (stray leads, cut
 * characters), which is where the vector scan hands over to the scalar steps. */
static void test_verb_scan_simd(void **state)
{
    (void)state;
    static const char *const piece[] = {
        "推行", "实施", "建立", "开展", "试点", "推广", "实行", "试行", "印发", "制定", "推",
        "实", "试", "河长制", "的", "工作", "，", "。", "“", "”", "《", "》", "ab", " ", "\n",
        "1", "\xe5", "\xe6\x8e", "\xe8\xaf", "\xe5\xe5\xae", "\x80", "\xf0\x9f\x98\x80",
        "\xe6\xe6\x8e\xa8", "\xff\xe5\xbb"};
    const size_t np = sizeof piece / sizeof *piece;
    char buf[600];
    uint64_t seed = 17;
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t want = (size_t)(seed >> 33) % 500;
        int dense = round % 4; /* 0: mostly ideographs, the rest more and more noise */
        while (n < want) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t k = (size_t)(seed >> 33) % (dense ? np : 20);
            size_t l = strlen(piece[k]);
            if (n + l > sizeof buf)
                break;
            memcpy(buf + n, piece[k], l);
            n += l;
        }
        for (size_t i = 0; i <= n; i++) {
            size_t w0, w1;
            assert_int_equal(pm_cn_verb_next(R, buf, i, n, 0, &w0), pm_cn_verb_next(R, buf, i, n, 1, &w1));
            assert_int_equal(w0, w1);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_candidate_cap),
        cmocka_unit_test(test_table_bounded),
        cmocka_unit_test(test_title_rules),
        cmocka_unit_test(test_body_rules),
        cmocka_unit_test(test_verb_scan_simd),
        cmocka_unit_test(test_join_experiment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
