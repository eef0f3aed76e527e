/* Unit tests for the issuer evidence that real titles needed (tests/eval/): the organ ends
 * at 印发 / 《 as well as 关于, a bare "省人民政府" takes the division of its level named
 * later in the title, and a title that opens with its jurisdiction and names no organ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

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

static pm_issuer_result title_only(const char *title, const char *docno, int year)
{
    pm_issuer_input in = {NULL, 0, title, strlen(title), docno, docno ? strlen(docno) : 0,
                          NULL, 0, NULL, 0, 0, year};
    pm_issuer_result r;
    pm_issuer_resolve(G, &in, &r);
    return r;
}

static pm_issuer_result with_enactment(const char *title, const char *enact, const char *body)
{
    pm_issuer_input in = {NULL, 0, title, strlen(title), NULL, 0, body, body ? strlen(body) : 0,
                          enact, enact ? strlen(enact) : 0, 0, 2019};
    pm_issuer_result r;
    pm_issuer_resolve(G, &in, &r);
    return r;
}

/* Laws: the body that adopted or promulgated them decides; a title in a legislative form
 * with no jurisdiction is national; a sentence at the end of a long law is no signature. */
static void test_legislation(void **state)
{
    (void)state;
    pm_issuer_result r = with_enactment("青岛市文明行为促进条例", "青岛市第十六届人民代表大会常务委员会第十五次", NULL);
    assert_int_equal(r.level, PM_LEVEL_PREFECTURE);
    assert_int_equal(r.region_code, 370200);
    assert_int_equal(r.source, PM_ISRC_ENACTMENT);
    r = with_enactment("上海市浦东新区促进某产业规定", "上海市第十五届人民代表大会常务委员会第三十次", NULL);
    assert_int_equal(r.level, PM_LEVEL_PROVINCIAL); /* the city's congress, not the district */
    assert_int_equal(r.region_code, 310000);
    r = with_enactment("某某管理条例", "第十三届全国人民代表大会常务委员会第二次", NULL);
    assert_int_equal(r.level, PM_LEVEL_CENTRAL);
    r = with_enactment("某某管理条例", "中华人民共和国国务院令第517号", NULL);
    assert_int_equal(r.level, PM_LEVEL_CENTRAL);
    r = with_enactment("某某管理条例（试行）", NULL, NULL);
    assert_int_equal(r.level, PM_LEVEL_CENTRAL);
    r = with_enactment("深圳经济特区数据条例", NULL, NULL);
    assert_int_equal(r.region_code, 440300);
    /* the last clause of a law names 台湾 and 生态环境部: neither is a signature */
    r = with_enactment("关于做好某项工作的通知", NULL,
                       "正文。\n（四）台湾同胞投资企业投诉事项的；\n第三十八条 市生态环境部门可以制定工作指引。");
    assert_int_equal(r.level, PM_LEVEL_UNKNOWN);
}

static void test_organ_ends_before_yinfa(void **state)
{
    (void)state;
    pm_issuer_result r =
        title_only("上海市人民政府印发《关于本市加强政务诚信建设的实施意见》的通知", NULL, 2017);
    assert_int_equal(r.region_code, 310000);
    assert_int_equal(r.source, PM_ISRC_TITLE);
    /* the issuer text stops at 印发: no book-title mark leaks into documents.tsv */
    assert_int_equal(r.issuer_len, strlen("上海市人民政府"));
}

static void test_bare_level_organ(void **state)
{
    (void)state;
    pm_issuer_result r = title_only("省人民政府关于印发湖北省信访事项复查复核办法的通知", NULL, 2011);
    assert_int_equal(r.level, PM_LEVEL_PROVINCIAL);
    assert_int_equal(r.region_code, 420000);
    r = title_only("县人民政府关于印发《浠水县人民政府工作规则》的通知", NULL, 2017);
    assert_int_equal(r.level, PM_LEVEL_COUNTY);
    assert_int_equal(r.region_code, 421125);
    /* a name of another level is not taken: 省 … 武汉市 names no province */
    r = title_only("省人民政府关于同意武汉市城市总体规划的通知", NULL, 2010);
    assert_int_not_equal(r.region_code, 420100);
    /* the organ ends at 贯彻: the 国务院 it implements is not the issuer; 上海 is not a
     * prefecture, so the 文号 decides */
    r = title_only("市政府贯彻国务院关于推进上海加快发展现代服务业和先进制造业建设国际金融中心"
                   "和国际航运中心意见的实施意见", "沪府发〔2009〕25号", 2009);
    assert_int_equal(r.level, PM_LEVEL_PROVINCIAL);
    assert_int_equal(r.region_code, 310000);
    /* a bare organ with no division anywhere stays unresolved */
    r = title_only("市人民政府关于进一步优化营商环境的实施方案", NULL, 2018);
    assert_int_equal(r.level, PM_LEVEL_UNKNOWN);
}

static void test_title_opens_with_jurisdiction(void **state)
{
    (void)state;
    pm_issuer_result r = title_only("辽宁省重大动物疫情应急实施办法", "辽宁省人民政府令第192号", 2005);
    assert_int_equal(r.level, PM_LEVEL_PROVINCIAL);
    assert_int_equal(r.region_code, 210000);
    r = title_only("盐池县人民政府工作规则", "盐政发〔2017〕40号", 2017);
    assert_int_equal(r.region_code, 640323);
    /* historical name in its year */
    r = title_only("襄樊市城市建设管理办法", NULL, 2005);
    assert_int_equal(r.region_code, 420600);
    assert_string_equal(r.region_name, "襄樊市");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legislation),
        cmocka_unit_test(test_organ_ends_before_yinfa),
        cmocka_unit_test(test_bare_level_organ),
        cmocka_unit_test(test_title_opens_with_jurisdiction),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
