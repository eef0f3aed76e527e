/* Unit tests for the JSON Lines reader: the field map (default and --map), value types,
 * one reject per bad line (not JSON, not an object, wrong field type, bad UTF-8, no id,
 * oversized), blank lines skipped, gzip damage losing only the line it cuts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "policyminer/reader.h"
#include "policyminer/status.h"
#include "reader_drive.h"

typedef struct out {
    int ndocs, nskip, nrej;
    pm_status rej[16];
    uint64_t rej_off[16];
    char id[16][64], title[16][128], issuer[16][64], docno[16][64], date[16][32],
        region[16][8], url[16][128], part_of[16][128], body[16][256];
} out;

#define CP(dst, s) snprintf(dst, sizeof dst, "%.*s", (int)(s).len, (s).p ? (s).p : "")

static void on_doc(void *ud, const pm_doc *d)
{
    out *o = ud;
    int k = o->ndocs++;
    assert_true(k < 16);
    CP(o->id[k], d->id);
    CP(o->title[k], d->title);
    CP(o->issuer[k], d->issuer);
    CP(o->docno[k], d->docno);
    CP(o->date[k], d->date);
    CP(o->region[k], d->region_code);
    CP(o->url[k], d->url);
    CP(o->part_of[k], d->part_of);
    CP(o->body[k], d->body);
}

static void on_reject(void *ud, const pm_reject *r)
{
    out *o = ud;
    assert_true(o->nrej < 16);
    o->rej_off[o->nrej] = r->offset;
    o->rej[o->nrej++] = r->code;
}

static void on_skip(void *ud, const pm_reject *r)
{
    (void)r;
    ((out *)ud)->nskip++;
}

static void run(const char *data, size_t n, const char *map, uint64_t max_doc, out *o)
{
    pm_limits lim;
    pm_limits_default(&lim);
    lim.dict_dir = "dictionaries/cn";
    lim.field_map = map;
    if (max_doc)
        lim.max_doc_bytes = max_doc;
    memset(o, 0, sizeof *o);
    static const drive_fns fns = {on_doc, on_reject, on_skip};
    drive_reader(data, n, &lim, "jsonl", &fns, o);
}

#define RUN(s, map, o) run(s, strlen(s), map, 0, o)

static void test_default_map_and_types(void **state)
{
    (void)state;
    out o;
    RUN("\xEF\xBB\xBF{\"id\":\"a1\",\"title\":\"国务院关于推行河长制的意见\",\"issuer\":\"国务院\","
        "\"docno\":\"国发〔2016〕1号\",\"date\":\"2016-12-11\",\"region\":\"100000\","
        "\"url\":\"http://www.gov.cn/x\",\"body\":\"正文\\n第二行 \\u6cb3\",\"extra\":[1,2]}\n"
        "\r\n"
        "{\"id\":42,\"body\":[\"第一段\",\"第二段\"],\"title\":null,\"url\":\"https://www.SZ.gov.cn/p\"}\r\n"
        "   \n"
        "{\"id\":\"last\",\"part_of\":\"企业债券管理条例\",\"body\":\"no newline at the end\"}",
        NULL, &o);
    assert_int_equal(o.nrej, 0);
    assert_int_equal(o.nskip, 2); /* blank lines: skipped and counted */
    assert_int_equal(o.ndocs, 3);
    assert_string_equal(o.id[0], "a1");
    assert_string_equal(o.title[0], "国务院关于推行河长制的意见");
    assert_string_equal(o.issuer[0], "国务院");
    assert_string_equal(o.docno[0], "国发〔2016〕1号");
    assert_string_equal(o.date[0], "2016-12-11");
    assert_string_equal(o.region[0], "100000");
    assert_string_equal(o.body[0], "正文\n第二行 河");
    assert_string_equal(o.id[1], "42");           /* integer id in decimal */
    assert_string_equal(o.body[1], "第一段\n第二段"); /* paragraphs joined */
    assert_string_equal(o.title[1], "");           /* null = absent */
    assert_string_equal(o.region[1], "440300");    /* from the URL host */
    assert_string_equal(o.id[2], "last");
    assert_string_equal(o.part_of[2], "企业债券管理条例"); /* the act a unit belongs to */
    assert_string_equal(o.part_of[0], "");
}

static void test_custom_map(void **state)
{
    (void)state;
    out o;
    RUN("{\"gid\":\"g1\",\"Title\":\"标题\",\"IssueDepartment\":\"广东省人民政府\","
        "\"DocumentNO\":\"粤府〔2015〕12号\",\"IssueDate\":\"2015-03-12\",\"FullText\":\"全文\","
        "\"id\":\"ignored\",\"region\":\"110000\"}\n",
        "id=gid,title=Title,issuer=IssueDepartment,docno=DocumentNO,date=IssueDate,body=FullText,region=", &o);
    assert_int_equal(o.ndocs, 1);
    assert_string_equal(o.id[0], "g1");
    assert_string_equal(o.title[0], "标题");
    assert_string_equal(o.issuer[0], "广东省人民政府");
    assert_string_equal(o.docno[0], "粤府〔2015〕12号");
    assert_string_equal(o.date[0], "2015-03-12");
    assert_string_equal(o.body[0], "全文");
    assert_string_equal(o.region[0], ""); /* "region=" unmaps it */

    char why[160];
    assert_int_equal(pm_jsonl_map_check("id=gid,body=FullText", why, sizeof why), PM_OK);
    assert_int_equal(pm_jsonl_map_check("", why, sizeof why), PM_OK);
    assert_int_equal(pm_jsonl_map_check("idx=gid", why, sizeof why), PM_ERR_ARG);
    assert_non_null(strstr(why, "idx"));
    assert_int_equal(pm_jsonl_map_check("id=a,id=b", why, sizeof why), PM_ERR_ARG);
    assert_int_equal(pm_jsonl_map_check("title", why, sizeof why), PM_ERR_ARG);
}

static void test_bad_lines_lose_only_themselves(void **state)
{
    (void)state;
    out o;
    RUN("{\"id\":\"ok1\"}\n"
        "this is not json\n"
        "[\"an\",\"array\"]\n"
        "{\"id\":\"dup\",\"id\":\"dup2\"}\n"
        "{\"id\":\"t\",\"title\":{\"nested\":1}}\n"
        "{\"id\":\"b\",\"body\":\"bad \xC3\x28 utf8\"}\n"
        "{\"title\":\"no id\"}\n"
        "{\"id\":\"trunc\",\"body\":\"cut\n"
        "{\"id\":\"nul\",\"body\":\"a\\u0000b\"}\n"
        "{\"id\":\"ok2\"}\n",
        NULL, &o);
    assert_int_equal(o.ndocs, 2);
    assert_string_equal(o.id[0], "ok1");
    assert_string_equal(o.id[1], "ok2");
    pm_status want[] = {PM_ERR_JSON, PM_ERR_JSON, PM_ERR_JSON, PM_ERR_JSON, PM_ERR_UTF8,
                        PM_ERR_NO_ID, PM_ERR_JSON, PM_ERR_JSON};
    assert_int_equal(o.nrej, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(o.rej[i], want[i]);
    assert_int_equal(o.rej_off[0], strlen("{\"id\":\"ok1\"}\n")); /* offset of the line */
}

static void test_oversized_line_and_gzip_damage(void **state)
{
    (void)state;
    /* a 300 KB line under a 100 KB cap: rejected, not buffered, neighbours intact */
    size_t big = 300000;
    char *s = malloc(big + 200);
    size_t n = (size_t)sprintf(s, "{\"id\":\"before\"}\n{\"id\":\"huge\",\"body\":\"");
    memset(s + n, 'x', big);
    n += big;
    n += (size_t)sprintf(s + n, "\"}\n{\"id\":\"after\"}\n");
    out o;
    run(s, n, NULL, 100000, &o);
    free(s);
    assert_int_equal(o.ndocs, 2);
    assert_string_equal(o.id[0], "before");
    assert_string_equal(o.id[1], "after");
    assert_int_equal(o.nrej, 1);
    assert_int_equal(o.rej[0], PM_ERR_DOC_TOO_BIG);

    /* gzip members, the second cut short: its line is lost with one reject; the gzip
     * reader resynchronises at a later member header (the third member's header may be
     * swallowed by the damage - that is the gzip reader's contract), the last is read */
    const char *lines[4] = {"{\"id\":\"m1\"}\n", "{\"id\":\"m2\",\"body\":\"第二个成员里的一行，会被截断\"}\n",
                            "{\"id\":\"m3\"}\n", "{\"id\":\"m4\"}\n"};
    unsigned char gz[4096];
    size_t gn = 0;
    for (int i = 0; i < 4; i++) {
        z_stream z;
        memset(&z, 0, sizeof z);
        assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (unsigned char *)lines[i];
        z.avail_in = (unsigned)strlen(lines[i]);
        z.next_out = gz + gn;
        z.avail_out = (unsigned)(sizeof gz - gn);
        assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
        size_t m = sizeof gz - gn - z.avail_out;
        gn += i == 1 ? m - 12 : m; /* drop the trailer and some data of member 2 */
        deflateEnd(&z);
    }
    run((const char *)gz, gn, NULL, 0, &o);
    assert_true(o.ndocs == 2 || o.ndocs == 3);
    assert_string_equal(o.id[0], "m1");
    assert_string_equal(o.id[o.ndocs - 1], "m4");
    assert_string_not_equal(o.id[1], "m2");
    assert_int_equal(o.nrej, 1);
    assert_true(o.rej[0] == PM_ERR_GZ_TRUNCATED || o.rej[0] == PM_ERR_GZ_CORRUPT ||
                o.rej[0] == PM_ERR_GZ_CRC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_map_and_types),
        cmocka_unit_test(test_custom_map),
        cmocka_unit_test(test_bad_lines_lose_only_themselves),
        cmocka_unit_test(test_oversized_line_and_gzip_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
