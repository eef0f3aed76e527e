/* Unit tests for the gazetteer and issuer resolution: levels, historical names, chains of
 * names, development zones, title / document-number / signature evidence, hints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policyminer/gazetteer.h"

static pm_gazetteer *G;

static int setup(void **state)
{
    (void)state;
    pm_errctx err;
    return pm_gaz_load(&G, "dictionaries/cn", &err) == PM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pm_gaz_free(G);
    return 0;
}

typedef struct ex {
    const char *issuer, *title, *docno, *body;
    uint32_t hint;
    int year;
} ex;

static pm_issuer_result resolve(ex e)
{
    pm_issuer_input in = {e.issuer, e.issuer ? strlen(e.issuer) : 0, e.title,
                          e.title ? strlen(e.title) : 0, e.docno, e.docno ? strlen(e.docno) : 0,
                          e.body, e.body ? strlen(e.body) : 0, NULL, 0, e.hint, e.year};
    pm_issuer_result r;
    pm_issuer_resolve(G, &in, &r);
    return r;
}

#define CHECK(e, lv, code, src)                                                           \
    do {                                                                                  \
        pm_issuer_result r_ = resolve(e);                                                 \
        assert_string_equal(pm_level_key(r_.level), pm_level_key(lv));                    \
        assert_int_equal(r_.region_code, code);                                           \
        assert_int_equal(r_.source, src);                                                 \
    } while (0)

static void test_table_loaded(void **state)
{
    (void)state;
    assert_true(pm_gaz_count(G) > 6000);
    for (size_t i = 0; i < pm_gaz_count(G); i++) {
        const pm_division *d = pm_gaz_at(G, i);
        assert_true(d->province_code % 10000 == 0);
        assert_non_null(pm_gaz_find(G, d->province_code, 0));
        if (i)
            assert_true(pm_gaz_at(G, i - 1)->code <= d->code); /* sorted by code */
    }
    assert_string_equal(pm_gaz_find(G, 110103, 2005)->name, "崇文区");
    assert_int_equal(strncmp(pm_gaz_checksum(G), "sha256:", 7), 0);
    assert_string_equal(pm_level_key(PM_LEVEL_PREFECTURE), "prefecture");
}

static void test_field_issuers(void **state)
{
    (void)state;
    CHECK(((ex){.issuer = "广东省人民政府"}), PM_LEVEL_PROVINCIAL, 440000, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "深圳市人民政府办公厅"}), PM_LEVEL_PREFECTURE, 440300, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "广东省深圳市南山区人民政府"}), PM_LEVEL_COUNTY, 440305, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "北京市海淀区人民政府"}), PM_LEVEL_COUNTY, 110108, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "北京市人民政府"}), PM_LEVEL_PROVINCIAL, 110000, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "国务院办公厅"}), PM_LEVEL_CENTRAL, PM_CODE_CENTRAL, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "财政部"}), PM_LEVEL_CENTRAL, PM_CODE_CENTRAL, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "国家发展改革委 工业和信息化部"}), PM_LEVEL_CENTRAL, PM_CODE_CENTRAL, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "苏州工业园区管理委员会"}), PM_LEVEL_PREFECTURE, 320500, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "延边朝鲜族自治州人民政府"}), PM_LEVEL_PREFECTURE, 222400, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "江苏省昆山市人民政府"}), PM_LEVEL_COUNTY, 320583, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "中共浙江省委"}), PM_LEVEL_PROVINCIAL, 330000, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "国家税务总局广东省税务局"}), PM_LEVEL_PROVINCIAL, 440000, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "吉林省人民政府"}), PM_LEVEL_PROVINCIAL, 220000, PM_ISRC_FIELD);
    CHECK(((ex){.issuer = "吉林市人民政府"}), PM_LEVEL_PREFECTURE, 220200, PM_ISRC_FIELD);
}

static void test_history_and_hints(void **state)
{
    (void)state;
    /* abolished in 2010: still resolves for a 2005 document */
    CHECK(((ex){.issuer = "北京市崇文区人民政府", .year = 2005}), PM_LEVEL_COUNTY, 110103, PM_ISRC_FIELD);
    /* several 鼓楼区 exist: the hint picks Fuzhou's */
    CHECK(((ex){.issuer = "鼓楼区人民政府", .hint = 350100}), PM_LEVEL_COUNTY, 350102, PM_ISRC_FIELD);
    /* without a hint the level is still known, the region is not */
    pm_issuer_result r = resolve((ex){.issuer = "鼓楼区人民政府"});
    assert_int_equal(r.level, PM_LEVEL_COUNTY);
    assert_int_equal(r.region_code, 0);
    /* 省政府 alone: the hint says which */
    CHECK(((ex){.issuer = "省政府办公厅", .hint = 330000}), PM_LEVEL_PROVINCIAL, 330000, PM_ISRC_HINT);
    CHECK(((ex){.issuer = "某某协会"}), PM_LEVEL_UNKNOWN, 0, PM_ISRC_NONE);
}

static void test_inferred_issuers(void **state)
{
    (void)state;
    CHECK(((ex){.title = "浙江省人民政府关于加快发展的意见"}), PM_LEVEL_PROVINCIAL, 330000, PM_ISRC_TITLE);
    CHECK(((ex){.title = "关于印发若干措施的通知", .docno = "粤府办〔2015〕12号"}), PM_LEVEL_PROVINCIAL,
          440000, PM_ISRC_DOCNO);
    CHECK(((ex){.title = "关于印发《中国制造2025》的通知", .docno = "国发〔2015〕28号"}), PM_LEVEL_CENTRAL,
          PM_CODE_CENTRAL, PM_ISRC_DOCNO);
    CHECK(((ex){.docno = "深府〔2016〕7号"}), PM_LEVEL_PREFECTURE, 440300, PM_ISRC_DOCNO);
    CHECK(((ex){.title = "关于推进改革的实施意见",
                .body = "正文。\n\n杭州市人民政府\n2016年5月3日\n（此件公开发布）"}),
          PM_LEVEL_PREFECTURE, 330100, PM_ISRC_SIGNATURE);
}

/* Pages served in traditional script: the organ is read through folded characters and
 * reported at its place in the original text; simplified names (乾县) are left alone. */
static void test_traditional_script(void **state)
{
    (void)state;
    const char *t = "重慶市人民政府關於印發貫徹落實國務院水污染防治行動計畫實施方案的通知";
    pm_issuer_input in = {NULL, 0, t, strlen(t), NULL, 0, NULL, 0, NULL, 0, 0, 2015};
    pm_issuer_result r;
    pm_issuer_resolve(G, &in, &r);
    assert_int_equal(r.level, PM_LEVEL_PROVINCIAL);
    assert_int_equal(r.region_code, 500000);
    assert_ptr_equal(r.issuer, t); /* into the caller's text, not a folded copy */
    assert_int_equal(r.issuer_len, strlen("重慶市人民政府"));
    CHECK(((ex){.title = "國務院關于推進海南國際旅游島建設發展的若干意見", .year = 2009}),
          PM_LEVEL_CENTRAL, PM_CODE_CENTRAL, PM_ISRC_TITLE);
    CHECK(((ex){.title = "大寧縣人民政府辦公室關于印發秋冬季大氣污染綜合治理攻堅方案的通知",
                .year = 2021}),
          PM_LEVEL_COUNTY, 141030, PM_ISRC_TITLE);
    CHECK(((ex){.title = "江蘇省大氣顆粒物污染防治管理辦法", .year = 2013}), PM_LEVEL_PROVINCIAL,
          320000, PM_ISRC_TITLE);
    CHECK(((ex){.title = "關于同意將沈陽等城市確定為中國服務外包示範城市的通知",
                .body = "正文。\n\n商務部\n2016年5月5日"}),
          PM_LEVEL_CENTRAL, PM_CODE_CENTRAL, PM_ISRC_SIGNATURE);
    CHECK(((ex){.title = "乾县人民政府关于加快发展的意见", .year = 2010}), PM_LEVEL_COUNTY, 610424,
          PM_ISRC_TITLE);
    /* a long body: only its tail is folded, and the signature is found in place */
    static char body[4096];
    memset(body, 'x', 3000);
    strcpy(body + 3000, "\n\n溫州市人民政府\n2017年6月30日");
    pm_issuer_input b = {NULL, 0, "關于印發土壤污染防治工作方案的通知", 0, NULL, 0, body,
                         strlen(body), NULL, 0, 0, 2017};
    b.title_len = strlen(b.title);
    pm_issuer_resolve(G, &b, &r);
    assert_int_equal(r.region_code, 330300);
    assert_int_equal(r.source, PM_ISRC_SIGNATURE);
    assert_ptr_equal(r.issuer, body + 3002);
}

static void test_regenerate_matches(void **state)
{
    (void)state;
    struct stat sb;
    if (stat("../shared/data/cn-areacodes/result.csv", &sb) != 0)
        skip(); /* the source table is only beside a checkout, not in an install */
    int rc = system("python3 scripts/build-gazetteer ../shared/data/cn-areacodes/result.csv "
                    "| cmp -s - dictionaries/cn/gazetteer.tsv");
    assert_int_equal(rc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_loaded),      cmocka_unit_test(test_field_issuers),
        cmocka_unit_test(test_history_and_hints), cmocka_unit_test(test_inferred_issuers),
        cmocka_unit_test(test_traditional_script), cmocka_unit_test(test_regenerate_matches),
    };
    return cmocka_run_group_tests_name("gazetteer", tests, setup, teardown);
}
