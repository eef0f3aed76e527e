/* Unit tests for dates (ISO, Chinese, Chinese numerals, closing dates), document
 * numbers (文号) and SHA-256 / FNV-1a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/hash.h"
#include "policyminer/textparse.h"

static int32_t iso(const char *s)
{
    int32_t v = -1;
    return pm_date_parse_iso(s, strlen(s), &v) ? v : -1;
}

static int32_t cn(const char *s)
{
    int32_t v = -1;
    size_t used;
    return pm_date_parse_cn(s, strlen(s), &v, &used) ? v : -1;
}

static void test_iso_dates(void **state)
{
    (void)state;
    assert_int_equal(iso("2015-03-12"), 20150312);
    assert_int_equal(iso(" 2015/3/2 "), 20150302);
    assert_int_equal(iso("2015.03.12"), 20150312);
    assert_int_equal(iso("20150312"), 20150312);
    assert_int_equal(iso("2015-03-12T10:00:00"), 20150312);
    assert_int_equal(iso("2016-02-29"), 20160229);
    assert_int_equal(iso("2015-02-29"), -1);
    assert_int_equal(iso("2015-13-01"), -1);
    assert_int_equal(iso("1800-01-01"), -1);
    assert_int_equal(iso("2015-03-12x"), -1);
    assert_int_equal(iso(""), -1);
}

static void test_chinese_dates(void **state)
{
    (void)state;
    assert_int_equal(cn("2015年3月12日"), 20150312);
    assert_int_equal(cn("２０１５年３月１２日"), 20150312);
    assert_int_equal(cn("二〇一五年三月十二日"), 20150312);
    assert_int_equal(cn("二○一五年十二月三十一日"), 20151231);
    assert_int_equal(cn("二零二零年二月二十九日"), 20200229);
    assert_int_equal(cn("二〇一九年十月一日"), 20191001);
    assert_int_equal(cn("二〇一九年十一月二十日"), 20191120);
    assert_int_equal(cn("2019年 1月 5日"), 20190105);
    assert_int_equal(cn("二〇一九年二月三十日"), -1);
    assert_int_equal(cn("2015年3月"), -1); /* month only */
    assert_int_equal(cn("二〇一五年"), -1);
}

static void test_closing_date(void **state)
{
    (void)state;
    const char *body = "根据《意见》（2014年5月1日印发），现提出以下措施。\n\n"
                       "广东省人民政府\n二〇一五年三月十二日\n（此件公开发布）";
    int32_t v = 0;
    assert_true(pm_date_find_closing(body, strlen(body), 0, &v));
    assert_int_equal(v, 20150312);
    const char *none = "各地要抓好落实。粤府〔2015〕12号";
    assert_false(pm_date_find_closing(none, strlen(none), 0, &v));
    /* a tail that starts mid-character must not be misread */
    const char *t = "二〇一五年三月十二日";
    assert_true(pm_date_find_closing(t, strlen(t), 7, &v) == 0 || v == 20150312);
}

static void docno(const char *s, int find, const char *prefix, int year, int serial)
{
    pm_docno d;
    int ok = find ? pm_docno_find(s, strlen(s), &d) : pm_docno_parse(s, strlen(s), &d);
    assert_true(ok);
    assert_int_equal(d.prefix_end - d.prefix_start, strlen(prefix));
    assert_memory_equal(s + d.prefix_start, prefix, strlen(prefix));
    assert_int_equal(d.year, year);
    assert_int_equal(d.serial, serial);
}

static void test_docno(void **state)
{
    (void)state;
    docno("粤府办〔2015〕12号", 0, "粤府办", 2015, 12);
    docno("国发〔2015〕28号", 0, "国发", 2015, 28);
    docno("国办发[2016]5号", 0, "国办发", 2016, 5);
    docno("沪府发（2018）3号", 0, "沪府发", 2018, 3);
    docno("浙政办发【2020】101号", 0, "浙政办发", 2020, 101);
    docno("京政发〔2019〕第8号", 0, "京政发", 2019, 8);
    docno("工信部联规〔2016〕349号", 0, "工信部联规", 2016, 349);
    docno("深府规﹝2020﹞1号", 0, "深府规", 2020, 1);
    docno("财税〔２０１９〕１３号", 0, "财税", 2019, 13);
    docno("广东省人民政府关于印发若干措施的通知（粤府〔2016〕31号）", 1, "粤府", 2016, 31);
    docno("各有关单位：\n粤科规范字〔2019〕1号\n", 1, "粤科规范字", 2019, 1);
    pm_docno d;
    assert_false(pm_docno_parse("2015年3月12日", 17, &d));
    assert_false(pm_docno_parse("粤府办〔2015〕", 17, &d));
    assert_false(pm_docno_find("（2015）", 9, &d));
    /* never reads past n: a number cut in the middle of 号 */
    const char *cut = "粤府〔2015〕12号";
    assert_false(pm_docno_parse(cut, strlen(cut) - 1, &d));
}

/* The enactment line: the first history line that adopts or promulgates, not a later
 * amendment or a bare effective date; none once the articles begin. */
static void test_enactment(void **state)
{
    (void)state;
    pm_enactment e;
    const char *t = "2001年5月1日 起施行\n2008年1月31日 中华人民共和国国务院令第517号公布\n"
                    "2016年2月6日 根据某决定修订\n\n第一条 为了……";
    assert_true(pm_enactment_find(t, strlen(t), &e));
    assert_int_equal(e.ymd, 20080131);
    assert_memory_equal(t + e.organ_start, "中华人民共和国国务院令第517号", e.organ_end - e.organ_start);
    t = "（2019年3月2日某市第十五届人民代表大会常务委员会第九次会议通过　2019年5月30日某省人大常委会批准）";
    assert_true(pm_enactment_find(t, strlen(t), &e));
    assert_int_equal(e.ymd, 20190302);
    assert_memory_equal(t + e.organ_start, "某市第十五届人民代表大会常务委员会第九次",
                        e.organ_end - e.organ_start);
    t = "2010年1月1日 第一次修正通过\n2015年1月1日 某某会议通过";
    assert_true(pm_enactment_find(t, strlen(t), &e));
    assert_int_equal(e.ymd, 20150101); /* the amendment line is skipped */
    t = "第一条 2015年1月1日 某某会议通过";
    assert_false(pm_enactment_find(t, strlen(t), &e));
    t = "2015年2月30日 某某会议通过"; /* not a date */
    assert_false(pm_enactment_find(t, strlen(t), &e));
}

static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    pm_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    pm_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    pm_sha256_hex(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* one million 'a', fed in odd-sized pieces */
    pm_sha256 c;
    pm_sha256_init(&c);
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    for (size_t off = 0, k = 1; off < 1000000; off += k, k = k * 3 % 997 + 1)
        pm_sha256_update(&c, a + off, off + k > 1000000 ? 1000000 - off : k);
    free(a);
    unsigned char d[32];
    pm_sha256_final(&c, d);
    assert_int_equal(d[0], 0xcd);
    assert_int_equal(d[1], 0xc7);
    assert_int_equal(d[31], 0xd0);
    assert_int_not_equal(pm_fnv1a64("a", 1), pm_fnv1a64("b", 1));
    char out[72];
    assert_int_equal(pm_sha256_file("/nonexistent/x", out), PM_ERR_OPEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_dates),     cmocka_unit_test(test_chinese_dates),
        cmocka_unit_test(test_closing_date),  cmocka_unit_test(test_docno),     cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_enactment),
    };
    return cmocka_run_group_tests_name("textparse", tests, NULL, NULL);
}
