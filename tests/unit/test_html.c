/* Unit tests for the HTML reader: encodings (GBK page converted, undeclared GB bytes,
 * invalid bytes rejected), broken markup recovered, boilerplate dropped, <meta> and
 * info-table metadata and the pack's web vocabulary, the doc-id rule, host region hints,
 * caps and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/reader.h"

typedef struct page {
    pm_status code; /* PM_OK, or the reject */
    char detail[160];
    char id[256], title[256], issuer[128], docno[64], date[32], region[8], url[256];
    char body[4096];
} page;

static void cp(char *dst, size_t n, pm_str s)
{
    snprintf(dst, n, "%.*s", (int)s.len, s.p ? s.p : "");
}

/* Sniffs, splits and parses one in-memory file; the page must come out as one record. */
static void run_page_in(const char *dict_dir, const char *data, size_t n, uint64_t max_doc,
                        page *out)
{
    pm_limits lim;
    pm_limits_default(&lim);
    lim.dict_dir = dict_dir;
    if (max_doc)
        lim.max_doc_bytes = max_doc;
    const pm_format *f = pm_format_sniff(data, n);
    assert_non_null(f);
    assert_string_equal(f->name, "html");
    pm_gz *g;
    assert_int_equal(pm_gz_open_mem(&g, data, n, NULL), PM_OK);
    void *sp, *pp;
    assert_int_equal(f->split_create(&sp, &lim), PM_OK);
    assert_int_equal(f->parse_create(&pp, &lim), PM_OK);
    memset(out, 0, sizeof *out);
    pm_raw raw;
    pm_reject rej;
    pm_split_result res;
    assert_int_equal(f->split_next(sp, g, &raw, &rej, &res), PM_OK);
    if (res == PM_SPLIT_REJECT) {
        out->code = rej.code;
        snprintf(out->detail, sizeof out->detail, "%s", rej.detail);
    } else {
        assert_int_equal(res, PM_SPLIT_RECORD);
        pm_doc doc;
        pm_status st = f->parse(pp, &raw, &doc, &rej);
        out->code = st;
        if (st != PM_OK) {
            assert_int_equal(st, rej.code);
            snprintf(out->detail, sizeof out->detail, "%s", rej.detail);
        } else {
            cp(out->id, sizeof out->id, doc.id);
            cp(out->title, sizeof out->title, doc.title);
            cp(out->issuer, sizeof out->issuer, doc.issuer);
            cp(out->docno, sizeof out->docno, doc.docno);
            cp(out->date, sizeof out->date, doc.date);
            cp(out->region, sizeof out->region, doc.region_code);
            cp(out->url, sizeof out->url, doc.url);
            cp(out->body, sizeof out->body, doc.body);
        }
    }
    assert_int_equal(f->split_next(sp, g, &raw, &rej, &res), PM_OK);
    assert_int_equal(res, PM_SPLIT_END);
    f->split_free(sp);
    f->parse_free(pp);
    pm_gz_close(g);
}

static void run_page(const char *data, size_t n, uint64_t max_doc, page *out)
{
    run_page_in("dictionaries/cn", data, n, max_doc, out);
}

/* UTF-8 -> GB18030 (GBK for these characters), written in the test rather than kept as
 * binary fixtures. Caller frees. */
static char *to_gbk(const char *utf8, size_t *outlen)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inl = strlen(utf8), outl = inl * 2 + 16;
    char *out = malloc(outl), *o = out;
    char *in = (char *)utf8;
    assert_true(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
    iconv_close(cd);
    *outlen = (size_t)(o - out);
    return out;
}

static const char GD_PAGE[] =
    "<!DOCTYPE html>\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
    "<title>广东省人民政府关于加快发展集成电路产业的若干意见_广东省人民政府门户网站</title>"
    "<link rel=\"canonical\" href=\"http://www.gd.gov.cn/zwgk/content/post_1.html\">"
    "<style>p{color:red}</style><script>var s=\"<p>脚本文字</p>\";</script></head>"
    "<body><div class=\"nav-bar\">首页 &gt; 政务公开</div>"
    "<table class=\"info\"><tr><td>索 引 号：</td><td>006939748/2015-00012</td>"
    "<td>主题分类：</td><td>工业</td></tr>"
    "<tr><td>发文机关：</td><td>广东省人民政府</td><td>成文日期：</td><td>2015年03月12日</td></tr>"
    "<tr><td><b>发文字号：</b></td><td>粤府〔2015〕12号</td></tr></table>"
    "<div id=\"UCAP-CONTENT\"><p>各地级以上市人民政府：</p>"
    "<p>　　为加快发展集成电路产业，给予财政补贴<b>和税收优惠</b>。"
    "<p>广东省人民政府<br>2015年3月12日</div>"
    "<div class=\"footer\">版权所有 广东省人民政府</div></body></html>\n";

static void test_gbk_page_converted(void **state)
{
    (void)state;
    size_t n;
    char *gbk = to_gbk(GD_PAGE, &n);
    assert_null(memmem(gbk, n, "广东", strlen("广东"))); /* really not UTF-8 any more */
    page p;
    run_page(gbk, n, 0, &p);
    free(gbk);
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.id, "006939748/2015-00012");           /* 索引号 */
    assert_string_equal(p.title, "广东省人民政府关于加快发展集成电路产业的若干意见"); /* site tail cut */
    assert_string_equal(p.issuer, "广东省人民政府");
    assert_string_equal(p.docno, "粤府〔2015〕12号");
    assert_string_equal(p.date, "2015-03-12");                   /* 成文日期, normalised */
    assert_string_equal(p.url, "http://www.gd.gov.cn/zwgk/content/post_1.html");
    assert_string_equal(p.region, "440000");                     /* gd.gov.cn */
    assert_non_null(strstr(p.body, "给予财政补贴和税收优惠。"));    /* inline <b> joined */
    assert_non_null(strstr(p.body, "2015年3月12日"));
    assert_null(strstr(p.body, "首页"));      /* navigation */
    assert_null(strstr(p.body, "版权所有"));  /* footer */
    assert_null(strstr(p.body, "脚本文字"));  /* script */
    assert_null(strstr(p.body, "索"));        /* the info table is outside the container */
    assert_null(strstr(p.body, "　"));        /* ideographic-space indent collapsed */
}

static void test_undeclared_gb_bytes_and_meta_charset(void **state)
{
    (void)state;
    /* no declaration, bytes not UTF-8: read as GB18030 */
    size_t n;
    char *gbk = to_gbk("<html><body><p>关于印发《深圳市促进产业发展办法》的通知</p></body></html>", &n);
    page p;
    run_page(gbk, n, 0, &p);
    free(gbk);
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.body, "关于印发《深圳市促进产业发展办法》的通知");
    assert_int_equal(strncmp(p.id, "sha256:", 7), 0); /* no 索引号, no URL: content hash */
    assert_int_equal(strlen(p.id), 7 + 32);
    /* <meta charset="GBK"> in HTML5 form, with a UTF-8 byte-order mark? The BOM wins. */
    static const char bom[] = "\xEF\xBB\xBF<html><head><meta charset=\"GBK\"></head><body>统一编码</body></html>";
    run_page(bom, strlen(bom), 0, &p);
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.body, "统一编码");
}

/* The web vocabulary is the pack's data (web_labels.tsv): a pack without one reads no
 * Chinese labels or meta keys and guesses no legacy encoding - an undeclared page that is
 * not UTF-8 is rejected, counted, never read as GB18030. */
static void test_web_vocabulary_is_the_packs(void **state)
{
    (void)state;
    size_t n;
    char *gbk = to_gbk("<html><body><p>关于印发《深圳市促进产业发展办法》的通知</p></body></html>", &n);
    page p;
    run_page_in("tests/data/regions/kz", gbk, n, 0, &p);
    free(gbk);
    assert_int_equal(p.code, PM_ERR_UTF8);
    static const char meta[] = "<html><head><meta name=\"发文机关\" content=\"深圳市人民政府\">"
                               "</head><body><p>发文字号：深府〔2020〕1号</p><p>正文</p></body></html>";
    run_page_in("tests/data/regions/kz", meta, strlen(meta), 0, &p);
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.issuer, "");
    assert_string_equal(p.docno, "");
    run_page(meta, strlen(meta), 0, &p); /* China's pack reads both */
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.issuer, "深圳市人民政府");
    assert_string_equal(p.docno, "深府〔2020〕1号");
}

static void test_bad_encodings_rejected(void **state)
{
    (void)state;
    page p;
    static const char bad_utf8[] = "<html><head><meta charset=\"utf-8\"></head><body>ab\xC3\x28</body></html>";
    run_page(bad_utf8, strlen(bad_utf8), 0, &p);
    assert_int_equal(p.code, PM_ERR_UTF8);
    static const char bad_gb[] = "<html><head><meta charset=\"gb2312\"></head><body>ab\x81\x20zz</body></html>";
    run_page(bad_gb, strlen(bad_gb), 0, &p);
    assert_int_equal(p.code, PM_ERR_ENCODING);
    assert_non_null(strstr(p.detail, "gb2312"));
    static const char unknown[] = "<html><head><meta charset=\"x-no-such-charset\"></head><body>x</body></html>";
    run_page(unknown, strlen(unknown), 0, &p);
    assert_int_equal(p.code, PM_ERR_ENCODING);
    assert_non_null(strstr(p.detail, "x-no-such-charset"));
    static const char nul[] = "<html><body>a\0b</body></html>";
    run_page(nul, sizeof nul - 1, 0, &p);
    assert_int_equal(p.code, PM_ERR_UTF8);
}

static void test_broken_html_recovered(void **state)
{
    (void)state;
    page p;
    static const char broken[] =
        "<html><head><title>国务院关于推行河长制的意见</title><body><div><p>第一段<span>未闭合"
        "</div></div></p><table><tr><td>表格里<td>两格</table><p>最后一段 &amp; &nbsp;完 &bogus; <<>";
    run_page(broken, strlen(broken), 0, &p);
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.title, "国务院关于推行河长制的意见");
    assert_non_null(strstr(p.body, "第一段未闭合"));
    assert_non_null(strstr(p.body, "表格里\n两格"));
    assert_non_null(strstr(p.body, "最后一段 & 完"));
    /* an internal DTD subset is refused like in corpus XML: nothing read, nothing expanded */
    static const char xxe[] =
        "<!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\"><!ENTITY y \"expanded\">]>\n"
        "<html><body><p>a&x;b&y;c</p></body></html>";
    run_page(xxe, strlen(xxe), 0, &p);
    assert_int_equal(p.code, PM_ERR_XML_DTD);
    /* deep nesting does not recurse on the C stack */
    size_t depth = 20000, len = 0;
    char *deep = malloc(depth * 11 + 64);
    len += (size_t)sprintf(deep, "<html><body>");
    for (size_t i = 0; i < depth; i++)
        len += (size_t)sprintf(deep + len, "<div>");
    len += (size_t)sprintf(deep + len, "深处</body></html>");
    run_page(deep, len, 0, &p);
    free(deep);
    assert_int_equal(p.code, PM_OK);
}

static void test_meta_fields_and_hosts(void **state)
{
    (void)state;
    page p;
    static const char meta[] =
        "<html><head><meta name=\"ArticleTitle\" content=\"深圳市人民政府关于促进产业的通知\">"
        "<meta name=\"PubDate\" content=\"2016-05-04 09:30\">"
        "<meta name=\"ContentSource\" content=\"深圳市人民政府办公厅\">"
        "<meta name=\"Url\" content=\"http://fgw.SZ.gov.cn:8080/a/b.html\"></head>"
        "<body><nav>导航</nav><ul class=\"menu\"><li>菜单</li></ul>"
        "<p>发文机关：深圳市人民政府 发文字号：深府〔2016〕3号</p><p>正文内容。</p></body></html>";
    run_page(meta, strlen(meta), 0, &p);
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.title, "深圳市人民政府关于促进产业的通知");
    assert_string_equal(p.date, "2016-05-04 09:30"); /* PubDate when no 成文日期 */
    assert_string_equal(p.issuer, "深圳市人民政府");  /* two labels on one line */
    assert_string_equal(p.docno, "深府〔2016〕3号");
    assert_string_equal(p.url, "http://fgw.SZ.gov.cn:8080/a/b.html");
    assert_string_equal(p.id, p.url);                 /* no 索引号: the URL */
    assert_string_equal(p.region, "440300");          /* longest suffix: sz.gov.cn */
    assert_null(strstr(p.body, "导航"));
    assert_null(strstr(p.body, "菜单"));
    assert_non_null(strstr(p.body, "正文内容。"));
    /* ContentSource that is not an organ is not an issuer; a host not listed gives no hint */
    static const char news[] =
        "<html><head><meta name=\"ContentSource\" content=\"新华社\"><link rel=\"canonical\" "
        "href=\"https://www.example.com/x\"></head><body>标题为某某的文章</body></html>";
    run_page(news, strlen(news), 0, &p);
    assert_int_equal(p.code, PM_OK);
    assert_string_equal(p.issuer, "");
    assert_string_equal(p.region, "");
    assert_string_equal(p.title, ""); /* "标题为…" in running text is not a label */
}

static void test_id_is_deterministic_and_page_cap(void **state)
{
    (void)state;
    static const char a[] = "<html><body>同一页面</body></html>";
    page p1, p2;
    run_page(a, strlen(a), 0, &p1);
    run_page(a, strlen(a), 0, &p2);
    assert_string_equal(p1.id, p2.id);
    static const char b[] = "<html><body>另一页面</body></html>";
    run_page(b, strlen(b), 0, &p2);
    assert_string_not_equal(p1.id, p2.id);
    /* a page over the cap is drained, not buffered, and rejected */
    size_t n = 300000;
    char *big = malloc(n);
    memset(big, 'x', n);
    memcpy(big, "<html><body>", 12);
    run_page(big, n, 100000, &p1);
    free(big);
    assert_int_equal(p1.code, PM_ERR_DOC_TOO_BIG);
}

static void test_sniff(void **state)
{
    (void)state;
    const struct {
        const char *s;
        const char *fmt; /* NULL = not recognised */
    } cases[] = {
        {"<!DOCTYPE html><html>", "html"},
        {"\xEF\xBB\xBF  <!-- c --><HTML lang=zh>", "html"},
        {"<?xml version=\"1.0\"?><html xmlns=\"x\">", "html"},
        {"<meta charset=gbk><title>x</title>", "html"},
        {"<?xml version=\"1.0\"?><corpus><doc id=\"a\">", "corpus-xml"},
        {"<doc id=\"a\"><body>x</body></doc>", "corpus-xml"},
        {"<htmlx>", NULL},
        {"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"},
        {"WARC/1.1\r\n", "warc"},
        {"  {\"id\": 1}\n", "jsonl"},
        {"[1,2]", NULL},
        {"plain text", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const pm_format *f = pm_format_sniff(cases[i].s, strlen(cases[i].s));
        if (!cases[i].fmt)
            assert_null(f);
        else {
            assert_non_null(f);
            assert_string_equal(f->name, cases[i].fmt);
        }
    }
    /* corpus XML stays first in the table (its scratch slot), every format is listed */
    const pm_format *const *all = pm_formats();
    assert_string_equal(all[0]->name, "corpus-xml");
    size_t k = 0;
    while (all[k])
        k++;
    assert_int_equal(k, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gbk_page_converted),
        cmocka_unit_test(test_undeclared_gb_bytes_and_meta_charset),
        cmocka_unit_test(test_bad_encodings_rejected),
        cmocka_unit_test(test_broken_html_recovered),
        cmocka_unit_test(test_meta_fields_and_hosts),
        cmocka_unit_test(test_id_is_deterministic_and_page_cap),
        cmocka_unit_test(test_web_vocabulary_is_the_packs),
        cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
