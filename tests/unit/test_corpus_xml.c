/* Unit tests for the corpus XML reader: splitting, parsing, isolation of bad documents,
 * refusal of DTDs and entities, caps, and the strict UTF-8 validator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/reader.h"
#include "policyminer/utf8.h"

typedef struct seen {
    char ids[32][128];
    pm_status codes[32]; /* PM_OK for a parsed document */
    int n;
    char title0[256], body0[512], region0[16];
} seen;

static void run_reader(const char *data, size_t n, const pm_limits *lim_in, seen *out)
{
    pm_limits lim;
    pm_limits_default(&lim);
    if (lim_in)
        lim = *lim_in;
    const pm_format *f = pm_format_sniff(data, n);
    if (!f)
        f = pm_formats()[0];
    pm_gz *g;
    assert_int_equal(pm_gz_open_mem(&g, data, n, NULL), PM_OK);
    void *sp, *pp;
    assert_int_equal(f->split_create(&sp, &lim), PM_OK);
    assert_int_equal(f->parse_create(&pp, &lim), PM_OK);
    memset(out, 0, sizeof *out);
    for (int guard = 0; guard < 1000; guard++) {
        pm_raw raw;
        pm_reject rej;
        pm_split_result res;
        assert_int_equal(f->split_next(sp, g, &raw, &rej, &res), PM_OK);
        if (res == PM_SPLIT_END)
            break;
        assert_true(out->n < 32);
        if (res == PM_SPLIT_REJECT) {
            snprintf(out->ids[out->n], 128, "%s", rej.doc_id);
            out->codes[out->n++] = rej.code;
            continue;
        }
        pm_doc doc;
        pm_status st = f->parse(pp, &raw, &doc, &rej);
        if (st != PM_OK) {
            snprintf(out->ids[out->n], 128, "%s", rej.doc_id);
            out->codes[out->n++] = rej.code;
            continue;
        }
        snprintf(out->ids[out->n], 128, "%.*s", (int)doc.id.len, doc.id.p);
        if (out->n == 0) {
            snprintf(out->title0, sizeof out->title0, "%.*s", (int)doc.title.len, doc.title.p);
            snprintf(out->body0, sizeof out->body0, "%.*s", (int)doc.body.len, doc.body.p);
            snprintf(out->region0, sizeof out->region0, "%.*s", (int)doc.region_code.len,
                     doc.region_code.p);
        }
        out->codes[out->n++] = PM_OK;
    }
    f->split_free(sp);
    f->parse_free(pp);
    pm_gz_close(g);
}

#define RUN(str, lim, s) run_reader(str, strlen(str), lim, s)

static void test_fields_and_markup(void **state)
{
    (void)state;
    seen s;
    RUN("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><corpus>"
        "<doc id=\" a1 \"><title> 标题 &amp; 副题 </title><extra>x</extra>"
        "<region code=\"440000\"/><body><p>第一段</p>\n<p>第二&lt;段&gt;</p></body>"
        "<title>second title ignored</title></doc><document>not a doc</document>"
        "<doc id='a2'><body/></doc></corpus>", NULL, &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "a1");
    assert_string_equal(s.ids[1], "a2");
    assert_int_equal(s.codes[0], PM_OK);
    assert_string_equal(s.title0, "标题 & 副题");
    assert_string_equal(s.body0, "第一段\n第二<段>");
    assert_string_equal(s.region0, "440000");
}

static void test_single_doc_root(void **state)
{
    (void)state;
    seen s;
    RUN("<doc id=\"only\"><title>t</title></doc>\n", NULL, &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.codes[0], PM_OK);
}

static void test_bad_documents_lose_only_themselves(void **state)
{
    (void)state;
    seen s;
    RUN("<corpus><doc id=\"g1\"><body>ok</body></doc>"
        "<doc id=\"bad\"><title>open<body>x</doc>"
        "<doc><title>no id</title></doc>"
        "<doc id=\"unclosed\"><body>never closed"
        "<doc id=\"g2\"><body>ok</body></doc>"
        "<doc id=\"ent\"><body>&undefined;</body></doc>"
        "<doc id=\"g3\"><body>ok</body></doc>"
        "<doc id=\"cut\"><body>end of file", NULL, &s);
    assert_int_equal(s.n, 8);
    assert_string_equal(s.ids[0], "g1");
    assert_int_equal(s.codes[0], PM_OK);
    assert_int_equal(s.codes[1], PM_ERR_XML);
    assert_string_equal(s.ids[1], "bad");
    assert_int_equal(s.codes[2], PM_ERR_NO_ID);
    assert_int_equal(s.codes[3], PM_ERR_XML);
    assert_string_equal(s.ids[3], "unclosed");
    assert_int_equal(s.codes[4], PM_OK);
    assert_int_equal(s.codes[5], PM_ERR_XML);
    assert_int_equal(s.codes[6], PM_OK);
    assert_int_equal(s.codes[7], PM_ERR_TRUNCATED_DOC);
    assert_string_equal(s.ids[7], "cut");
}

static void test_dtd_and_entities_refused(void **state)
{
    (void)state;
    seen s;
    RUN("<?xml version=\"1.0\"?><!DOCTYPE corpus [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
        "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        "<corpus><doc id=\"x\"><body>&xxe;</body></doc><doc id=\"y\"><body>&b;</body></doc>"
        "<doc id=\"z\"><!DOCTYPE z><body>x</body></doc><doc id=\"ok\"><body>fine</body></doc></corpus>",
        NULL, &s);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.codes[0], PM_ERR_XML_DTD); /* reported once, outside documents */
    assert_int_equal(s.codes[1], PM_ERR_XML);     /* &xxe; is undefined: nothing read */
    assert_int_equal(s.codes[2], PM_ERR_XML);
    assert_int_equal(s.codes[3], PM_ERR_XML_DTD);
    assert_int_equal(s.codes[4], PM_OK);
}

static void test_utf8_rejects(void **state)
{
    (void)state;
    seen s;
    const char data[] = "<corpus><doc id=\"o\"><body>\xc0\xaf</body></doc>"
                        "<doc id=\"s\"><body>\xed\xa0\x80</body></doc>"
                        "<doc id=\"n\"><body>a\0b</body></doc>"
                        "<doc id=\"good\"><body>\xe4\xb8\xad</body></doc></corpus>";
    run_reader(data, sizeof data - 1, NULL, &s);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.codes[0], PM_ERR_UTF8);
    assert_string_equal(s.ids[0], "o");
    assert_int_equal(s.codes[1], PM_ERR_UTF8);
    assert_int_equal(s.codes[2], PM_ERR_UTF8);
    assert_int_equal(s.codes[3], PM_OK);
    size_t bad;
    assert_true(pm_utf8_valid("\xf0\x9f\x98\x80 ok", 7, &bad));
    assert_false(pm_utf8_valid("ab\xf4\x90\x80\x80", 6, &bad));
    assert_int_equal(bad, 2);
    assert_false(pm_utf8_valid("\xe0\x80\xaf", 3, &bad)); /* overlong */
    assert_false(pm_utf8_valid("abc\xe4\xb8", 5, &bad));   /* cut */
}

static void test_giant_document_not_buffered(void **state)
{
    (void)state;
    size_t big = 6u << 20;
    char *data = malloc(big + 200);
    assert_non_null(data);
    size_t n = (size_t)sprintf(data, "<corpus><doc id=\"a\"><body>x</body></doc><doc id=\"huge\"><body>");
    memset(data + n, 'y', big);
    n += big;
    n += (size_t)sprintf(data + n, "</body></doc><doc id=\"b\"><body>z</body></doc></corpus>");
    pm_limits lim;
    pm_limits_default(&lim);
    lim.max_doc_bytes = 1u << 20;
    seen s;
    run_reader(data, n, &lim, &s);
    free(data);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.codes[0], PM_OK);
    assert_int_equal(s.codes[1], PM_ERR_DOC_TOO_BIG);
    assert_string_equal(s.ids[1], "huge");
    assert_int_equal(s.codes[2], PM_OK);
    assert_string_equal(s.ids[2], "b");
}

static void test_max_docs_per_file(void **state)
{
    (void)state;
    pm_limits lim;
    pm_limits_default(&lim);
    lim.max_docs_per_file = 2;
    seen s;
    RUN("<corpus><doc id=\"1\"/><doc id=\"2\"/><doc id=\"3\"/><doc id=\"4\"/></corpus>", &lim, &s);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.codes[0], PM_OK);
    assert_int_equal(s.codes[1], PM_OK);
    assert_int_equal(s.codes[2], PM_ERR_TOO_MANY_DOCS);
    assert_int_equal(s.codes[3], PM_ERR_TOO_MANY_DOCS);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_non_null(pm_format_sniff("\xef\xbb\xbf<?xml version='1.0'?>\n<corpus>", 32));
    assert_non_null(pm_format_sniff("  <doc id=\"1\">", 14));
    assert_null(pm_format_sniff("<document>", 10));
    assert_null(pm_format_sniff("plain text", 10));
    seen s;
    RUN("not xml at all", NULL, &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.codes[0], PM_ERR_NOT_CORPUS);
}

/* The plain-body fast path must give exactly what a full libxml2 parse gives; every case
 * here is one where a careless shortcut would not. */
static void test_plain_body_fast_path(void **state)
{
    (void)state;
    static const struct {
        const char *xml, *body;
        pm_status code;
    } cases[] = {
        {"<doc id=\"a\"><title>t</title><body>  纯文本 \n 第二行 </body></doc>", "  纯文本 \n 第二行 ", PM_OK},
        {"<doc id=\"a\"><body>a &amp; b</body></doc>", "a & b", PM_OK},
        {"<doc id=\"a\"><body>x\r\ny</body></doc>", "x\ny", PM_OK},
        {"<doc id=\"a\"><!-- <body>no</body> --><body>yes</body></doc>", "yes", PM_OK},
        {"<doc id=\"a\"><extra><body>inner</body></extra></doc>", "", PM_OK},
        {"<doc id=\"a\"><body lang=\"zh\">attr</body><extra><body>inner</body></extra></doc>", "attr", PM_OK},
        {"<doc id=\"a\"><body>first</body><body>second</body></doc>", "first", PM_OK},
        {"<doc id=\"a\"><body>a<b>bold</b>c</body></doc>", "aboldc", PM_OK},
        {"<doc id=\"a\"><body><![CDATA[<raw>]]></body></doc>", "<raw>", PM_OK},
        {"<doc id=\"a\"><body>bad\x01</body></doc>", "", PM_ERR_XML},
        {"<doc id=\"a\"><body>a]]>b</body></doc>", "", PM_ERR_XML},
        {"<doc id=\"a\"><body>\xEF\xBF\xBF</body></doc>", "", PM_ERR_XML},
        {"<doc id=\"a\"><body>unclosed</doc>", "", PM_ERR_XML},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[512];
        snprintf(buf, sizeof buf, "<corpus>%s</corpus>", cases[i].xml);
        seen out;
        run_reader(buf, strlen(buf), NULL, &out);
        assert_int_equal(out.n, 1);
        assert_int_equal(out.codes[0], cases[i].code);
        if (cases[i].code == PM_OK)
            assert_string_equal(out.body0, cases[i].body);
    }
}


/* ---- the tokenizer against libxml2 ------------------------------------------------------ */

typedef struct parsed {
    pm_status code;
    char f[9][1024]; /* id, title, issuer, docno, date, region, url, part_of, body */
    size_t len[9];
} parsed;

/* Parses the first record of <corpus>xml</corpus> with the tokenizer on or off. */
static void parse_one(const char *xml, int reference, parsed *out)
{
    static char buf[8192];
    int n = snprintf(buf, sizeof buf, "<corpus>%s</corpus>", xml);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    pm_limits lim;
    pm_limits_default(&lim);
    lim.xml_reference = reference;
    const pm_format *f = pm_formats()[0];
    pm_gz *g;
    assert_int_equal(pm_gz_open_mem(&g, buf, (size_t)n, NULL), PM_OK);
    void *sp, *pp;
    assert_int_equal(f->split_create(&sp, &lim), PM_OK);
    assert_int_equal(f->parse_create(&pp, &lim), PM_OK);
    memset(out, 0, sizeof *out);
    pm_raw raw;
    pm_reject rej;
    pm_split_result res;
    assert_int_equal(f->split_next(sp, g, &raw, &rej, &res), PM_OK);
    if (res == PM_SPLIT_RECORD) {
        pm_doc doc;
        out->code = f->parse(pp, &raw, &doc, &rej);
        const pm_str *fs[9] = {&doc.id, &doc.title, &doc.issuer, &doc.docno, &doc.date,
                               &doc.region_code, &doc.url, &doc.part_of, &doc.body};
        for (int k = 0; out->code == PM_OK && k < 9; k++) {
            assert_true(fs[k]->len < sizeof out->f[k]);
            memcpy(out->f[k], fs[k]->p ? fs[k]->p : "", fs[k]->len);
            out->len[k] = fs[k]->len;
        }
        if (out->code != PM_OK)
            snprintf(out->f[0], sizeof out->f[0], "%d %s", (int)rej.code, rej.detail);
    } else {
        out->code = res == PM_SPLIT_REJECT ? rej.code : PM_ERR_EMPTY;
    }
    f->parse_free(pp);
    f->split_free(sp);
    pm_gz_close(g);
}

static void same_both_ways(const char *xml)
{
    parsed a, b;
    parse_one(xml, 0, &a);
    parse_one(xml, 1, &b);
    if (a.code != b.code || memcmp(a.len, b.len, sizeof a.len) != 0 || memcmp(a.f, b.f, sizeof a.f) != 0) {
        fprintf(stderr, "tokenizer and libxml2 differ on: %s\n  fast %d [%s] body [%s]\n  ref  %d [%s] body [%s]\n",
                xml, (int)a.code, a.f[0], a.f[8], (int)b.code, b.f[0], b.f[8]);
        fail();
    }
}

/* <part_of> (the act an article belongs to) is read, trimmed like a title, both ways. */
static void test_part_of(void **state)
{
    (void)state;
    for (int ref = 0; ref < 2; ref++) {
        parsed a;
        parse_one("<doc id=\"a\"><title>第九条</title><part_of> 企业债券管理条例 </part_of>"
                  "<body>b</body></doc>", ref, &a);
        assert_int_equal(a.code, PM_OK);
        assert_string_equal(a.f[1], "第九条");
        assert_string_equal(a.f[7], "企业债券管理条例");
        assert_string_equal(a.f[8], "b");
    }
}

/* Hand-picked cases where a careless tokenizer would differ from libxml2. */
static void test_tokenizer_cases(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "<doc id=\"a\"><title> t </title><body><p style=\"x:1;\">段落</p>\n<p>二</p></body></doc>",
        "<doc id=' a '><body>a &amp; b &lt;c&gt; &quot;&apos;</body></doc>",
        "<doc id=\"a\"><body>&#12289;&#x3002;&#x1F600;&#65;&#x41;</body></doc>",
        "<doc id=\"a\"><body>&#X41;</body></doc>",
        "<doc id=\"a\"><body>&#0;</body></doc>",
        "<doc id=\"a\"><body>&#xFFFE;</body></doc>",
        "<doc id=\"a\"><body>&#x110000;</body></doc>",
        "<doc id=\"a\"><body>&#13;&#9;</body></doc>",
        "<doc id=\"a\"><body>&nbsp;</body></doc>",
        "<doc id=\"a\"><body>&amp</body></doc>",
        "<doc id=\"a\"><body>a & b</body></doc>",
        "<doc id=\"a\"><body>x\r\ny\rz</body></doc>",
        "<doc id=\"a\"><body>a<![CDATA[<raw>&amp;]]>b</body></doc>",
        "<doc id=\"a\"><body>a<![CDATA[x]]]>b</body></doc>",
        "<doc id=\"a\"><body>a<!-- c --->b</body></doc>",
        "<doc id=\"a\"><body>a<!-- c -- d -->b</body></doc>",
        "<doc id=\"a\"><body>a<!---->b<!--->-->c</body></doc>",
        "<doc id=\"a\"><body>a<!-- <!DOCTYPE x> -->b</body></doc>",
        "<doc id=\"a\"><body><![CDATA[<!ENTITY x \"y\">]]></body></doc>",
        "<doc id=\"a\"><body>a<?pi x?>b</body></doc>",
        "<doc id=\"a\"><body>a<?xml version=\"1.0\"?>b</body></doc>",
        "<doc id=\"a\"><body>a]]>b</body></doc>",
        "<doc id=\"a\"><body>a]]b]>c</body></doc>",
        "<doc id=\"a\"><body>\xEF\xBF\xBF</body></doc>",
        "<doc id=\"a\"><body>\xEF\xBF\xBD\xEF\xBC\x8C</body></doc>",
        "<doc id=\"a\"><body>bad\x01</body></doc>",
        "<doc id=\"a\"><body>\x7f\xc2\x80</body></doc>",
        "<doc id=\"a\"><body>unclosed</doc>",
        "<doc id=\"a\"><body><p>unclosed</body></doc>",
        "<doc id=\"a\"><body><p></P></body></doc>",
        "<doc id=\"a\"><body><p ></p ><br/><br /></body></doc>",
        "<doc id=\"a\"><body><p a=\"1\"b=\"2\">x</p></body></doc>",
        "<doc id=\"a\"><body><p a=\"1\" a=\"2\">x</p></body></doc>",
        "<doc id=\"a\"><body><p a=1>x</p></body></doc>",
        "<doc id=\"a\"><body><p a=\"<\">x</p></body></doc>",
        "<doc id=\"a\"><body><p a=\"x&amp;y\">x</p></body></doc>",
        "<doc id=\"a\"><body><p a = 'x>y'>x</p></body></doc>",
        "<doc id=\"a\"><body><p a=\"1\tb\">x</p></body></doc>",
        "<doc id=\"a\"><body><x:p>ns</x:p></body></doc>",
        "<doc id=\"a\"><body xmlns=\"urn:x\">ns</body></doc>",
        "<doc id=\"a\"><x:body xmlns:x=\"urn:x\">ns</x:body></doc>",
        "<doc id=\"a\"><body><段>x</段></body></doc>",
        "<doc id=\"a\"><body>< p>x</body></doc>",
        "<doc id=\"a\"><body>a</body>tail</doc>",
        "<doc id=\"a\"><!-- <body>no</body> --><body>yes</body></doc>",
        "<doc id=\"a\"><extra><body>inner</body></extra></doc>",
        "<doc id=\"a\"><body lang=\"zh\">attr</body><extra><body>inner</body></extra></doc>",
        "<doc id=\"a\"><body>first</body><body>second</body></doc>",
        "<doc id=\"a\"><title>one<b> two </b></title><title>x</title><body/></doc>",
        "<doc id=\"a\"><region code=\" 440000 \">text</region><body>b</body></doc>",
        "<doc id=\"a\"><region>  110000 </region><region code=\"1\"/></doc>",
        "<doc id=\"a\"><region code=\"\"/></doc>",
        "<doc id=\"a\"><issuer>\n 国务院 \n</issuer><docno>x〔2020〕1号</docno><date>2020-01-02</date><url>http://a/?x=1</url></doc>",
        "<doc id=\"a\"><title>第九条</title><part_of> 企业债券管理条例 </part_of><body>b</body></doc>",
        "<doc id=\"\"><body>no id</body></doc>",
        "<doc><body>no id</body></doc>",
        "<doc id=\"a\"/>",
        "<doc id=\"a\" />",
        "<doc id=\"a\"></doc>",
        "<doc id=\"a\" id=\"b\"></doc>",
        "<doc\tid=\"a\"\n>x</doc>",
        "<doc id=\"a\"><body>a</body ></doc >",
        "<doc id=\"a\"><body>\t\n</body></doc>",
        "<doc id=\"a\"><b\xC3\xA9>x</b\xC3\xA9></doc>",
        "<doc id=\"a\"><body><p>a</p></b></body></doc>",
        "<doc id=\"a\"><body></body></doc>",
        "<doc id=\"a\"><body>&#x3002</body></doc>",
        "<doc id=\"a\"><body>&#;</body></doc>",
        "<doc id=\"a\"><body>&#x;</body></doc>",
        "<doc id=\"a\"><body>&#99999999;</body></doc>",
        "<doc id=\"a\"><body>&#1114111;&#1114112;</body></doc>",
        "<doc id=\"a\"><body>&#xD800;</body></doc>",
        "<doc id=\"a\"><body>a<![CDATA[\r]]>b</body></doc>",
        "<doc id=\"a\"><body>a<![CDATA[unterminated</body></doc>",
        "<doc id=\"a\"><body>a<!-- unterminated</body></doc>",
        "<doc id=\"a\"><body>a<!DOCTYPE x>b</body></doc>",
        /* bad UTF-8 wherever it can sit: the tokenizer checks it in the same pass */
        "<doc id=\"a\"><body>\xE4\xB8</body></doc>",
        "<doc id=\"a\"><body>\xE4\xB8\xADx\x80</body></doc>",
        "<doc id=\"a\"><body>\xC0\xAF</body></doc>",
        "<doc id=\"a\"><body>\xE0\x80\xAF</body></doc>",
        "<doc id=\"a\"><body>\xED\xA0\x80</body></doc>",
        "<doc id=\"a\"><body>\xF4\x90\x80\x80</body></doc>",
        "<doc id=\"a\"><body>\xF0\x9F\x98\x80\xF0\x8F\x80\x80</body></doc>",
        "<doc id=\"a\"><body>\xF5\x80\x80\x80</body></doc>",
        "<doc id=\"a\"><body>\xC3\xA9\xC3</body></doc>",
        "<doc id=\"\xC3\"><body>x</body></doc>",
        "<doc id=\"\xE4\xB8\xAD\"><body>x</body></doc>",
        "<doc id=\"a\"><body><p class=\"\xFF\">x</p></body></doc>",
        "<doc id=\"a\"><body><!-- \xE4\xB8 -->x</body></doc>",
        "<doc id=\"a\"><body><![CDATA[\xED\xBF\xBF]]>x</body></doc>",
        "<doc id=\"a\"><body>\xEF\xBF\xBE</body></doc>",
        "<doc id=\"a\"><body>\xEF\xBF\xBD\xEE\x80\x80\xE1\x80\x80</body></doc>",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        same_both_ways(cases[i]);
}

/* Runs of three-byte characters, read two at a time while eight bytes remain: one bad or
 * special sequence at every position of runs of every length up to 14 characters, among
 * plain ones and fullwidth punctuation (lead EF), must be taken or refused as libxml2 does. */
static void test_tokenizer_cjk_runs(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "\xE0\x80\xAF", "\xE0\xA0\x80", "\xED\xA0\x80", "\xED\x9F\xBF", "\xEF\xBF\xBE",
        "\xEF\xBF\xBF", "\xEF\xBF\xBD", "\xEF\xBC\x8C", "\xE4\xB8\x41", "\xE4\x41\xAD",
        "\xE4\xB8\xC0", "\xE4\xB8", "\xE4", "a", "<b/>", "&amp;", "\xC3\xA9", "\xF0\x9F\x98\x80",
    };
    static const char *const fill[] = {"\xE4\xB8\xAD", "\xEF\xBC\x8C", "\xE8\xBF\x9E"};
    char xml[512];
    for (size_t len = 1; len <= 14; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t o = 0; o < sizeof odd / sizeof *odd; o++)
                for (size_t f = 0; f < sizeof fill / sizeof *fill; f++) {
                    size_t n = (size_t)snprintf(xml, sizeof xml, "<doc id=\"a\"><body>");
                    for (size_t i = 0; i < len; i++)
                        n += (size_t)snprintf(xml + n, sizeof xml - n, "%s",
                                              i == at ? odd[o] : fill[(f + i) % 3]);
                    snprintf(xml + n, sizeof xml - n, "</body></doc>");
                    same_both_ways(xml);
                }
}

/* Longer runs, read 32 characters a step where the CPU has AVX2 (while 97 bytes remain):
 * the same odd sequences at every position of runs of 30 to 72 characters. */
static void test_tokenizer_cjk_long_runs(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "\xE0\x80\xAF", "\xE0\xA0\x80", "\xED\xA0\x80", "\xED\x9F\xBF", "\xEF\xBF\xBE",
        "\xEF\xBF\xBF", "\xEF\xBF\xBD", "\xEF\xBC\x8C", "\xE4\xB8\x41", "\xE4\x41\xAD",
        "\xE4\xB8\xC0", "\xE4\xB8", "\xE4", "a", "<b/>", "&amp;", "\xC3\xA9", "\xF0\x9F\x98\x80",
    };
    static const char *const fill[] = {"\xE4\xB8\xAD", "\xEF\xBC\x8C", "\xE8\xBF\x9E", "\xEF\xBF\xA1"};
    char xml[1024];
    for (size_t len = 30; len <= 72; len += 3)
        for (size_t at = 0; at < len; at++)
            for (size_t o = 0; o < sizeof odd / sizeof *odd; o++) {
                size_t n = (size_t)snprintf(xml, sizeof xml, "<doc id=\"a\"><body>");
                for (size_t i = 0; i < len; i++)
                    n += (size_t)snprintf(xml + n, sizeof xml - n, "%s",
                                          i == at ? odd[o] : fill[(i * 7 + o) % 4]);
                snprintf(xml + n, sizeof xml - n, "</body></doc>");
                same_both_ways(xml);
            }
}

/* Random documents built from pieces of markup, good and bad: both paths must agree on
 * every one (the rejects included). */
static void test_tokenizer_random(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "文本", "政策", "a", " ", "\t", "\n", "\r", "\r\n", "&amp;", "&lt;", "&gt;", "&quot;",
        "&apos;", "&#12289;", "&#x3002;", "&#X41;", "&#0;", "&nbsp;", "&", "]]>", "]", "]]",
        ">", "<p>", "</p>", "<p style=\"text-indent:2em;\">", "<br/>", "<br />", "<span class='s'>",
        "</span>", "<strong>", "</strong>", "<!-- c -->", "<!-- a -- b -->", "<!---->",
        "<![CDATA[x<y&z]]>", "<![CDATA[]]>", "<?pi x?>", "<a:b>", "</a:b>", "<title>", "</title>",
        "<region code=\"110000\">", "<region>", "</region>", "<issuer>", "</issuer>", "<date>",
        "</date>", "\xEF\xBF\xBF", "\xEF\xBC\x8C", "\x01", "<b x='1' x='2'>", "<b x=\"1\"y=\"2\">",
        "</b>", "<b x=\"&amp;\">", "<!DOCTYPE x>", "<body>", "</body>", "<", "&#x1F600;", "\xC3\xA9",
        "\xE4\xB8", "\x80", "\xF0\x9F\x98\x80", "\xED\xA0\x80", "\xC0\xAF", "<b x=\"\xE4\">", "<img src=\"a.png\"/>",
        "<img src=\"b.png\" />", "<p style=\"text-indent:2em;\">",
    };
    const size_t np = sizeof pieces / sizeof *pieces;
    uint64_t r = 12345;
    char xml[4096];
    for (int it = 0; it < 4000; it++) {
        size_t n = (size_t)snprintf(xml, sizeof xml, "<doc id=\"d%d\">", it);
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        int with_body = (r >> 33) % 4 != 0;
        if (with_body)
            n += (size_t)snprintf(xml + n, sizeof xml - n, "<title>t</title><body>");
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        int k = 1 + (int)((r >> 33) % 12);
        for (int j = 0; j < k; j++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            /* mostly benign pieces, so that many documents stay well-formed */
            size_t pi = (size_t)((r >> 33) % np);
            if ((r >> 20) % 3)
                pi = (size_t)((r >> 33) % 30);
            n += (size_t)snprintf(xml + n, sizeof xml - n, "%s", pieces[pi]);
        }
        n += (size_t)snprintf(xml + n, sizeof xml - n, "%s</doc>", with_body ? "</body>" : "");
        assert_true(n < sizeof xml);
        same_both_ways(xml);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_markup),
        cmocka_unit_test(test_single_doc_root),
        cmocka_unit_test(test_bad_documents_lose_only_themselves),
        cmocka_unit_test(test_dtd_and_entities_refused),
        cmocka_unit_test(test_utf8_rejects),
        cmocka_unit_test(test_giant_document_not_buffered),
        cmocka_unit_test(test_max_docs_per_file),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_plain_body_fast_path),
        cmocka_unit_test(test_part_of), cmocka_unit_test(test_tokenizer_cases),
        cmocka_unit_test(test_tokenizer_cjk_runs),
        cmocka_unit_test(test_tokenizer_cjk_long_runs),
        cmocka_unit_test(test_tokenizer_random),
    };
    return cmocka_run_group_tests_name("corpus_xml", tests, NULL, NULL);
}
