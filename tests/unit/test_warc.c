/* Unit tests for the WARC reader: record framing, which records are kept or skipped,
 * HTTP charset / chunked / gzip payloads, and damage that must lose only its own record
 * (truncated gzip member, wrong Content-Length, garbage between records, end of input). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
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
    char rej_id[16][128];
    char url[16][128], body[16][512], region[16][8], fetched[16][32], id[16][128];
} out;

static void on_doc(void *ud, const pm_doc *doc)
{
    out *o = ud;
    int k = o->ndocs++;
    assert_true(k < 16);
    snprintf(o->url[k], 128, "%.*s", (int)doc->url.len, doc->url.p);
    snprintf(o->id[k], 128, "%.*s", (int)doc->id.len, doc->id.p);
    snprintf(o->body[k], 512, "%.*s", (int)doc->body.len, doc->body.p);
    snprintf(o->region[k], 8, "%.*s", (int)doc->region_code.len, doc->region_code.p);
    snprintf(o->fetched[k], 32, "%.*s", (int)doc->fetched.len, doc->fetched.p);
}

static void on_reject(void *ud, const pm_reject *r)
{
    out *o = ud;
    assert_true(o->nrej < 16);
    assert_int_not_equal(r->code, PM_OK);
    snprintf(o->rej_id[o->nrej], 128, "%s", r->doc_id);
    o->rej[o->nrej++] = r->code;
}

static void on_skip(void *ud, const pm_reject *r)
{
    assert_int_equal(r->code, PM_OK);
    ((out *)ud)->nskip++;
}

static void run(const char *data, size_t n, uint64_t max_doc, out *o)
{
    pm_limits lim;
    pm_limits_default(&lim);
    lim.dict_dir = "dictionaries/cn";
    if (max_doc)
        lim.max_doc_bytes = max_doc;
    memset(o, 0, sizeof *o);
    static const drive_fns fns = {on_doc, on_reject, on_skip};
    drive_reader(data, n, &lim, "warc", &fns, o);
}

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* One WARC record; a response block is an HTTP message. clen_delta falsifies Content-Length. */
static void record(buf *b, const char *type, const char *uri, const char *ctype,
                   const char *block, size_t blen, long clen_delta)
{
    char h[1024];
    int hl = snprintf(h, sizeof h,
                      "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\n"
                      "WARC-Date: 2024-05-01T08:00:00Z\r\nWARC-Record-ID: <urn:uuid:x>\r\n"
                      "Content-Type: %s\r\nContent-Length: %ld\r\n\r\n",
                      type, uri, ctype, (long)blen + clen_delta);
    put(b, h, (size_t)hl);
    put(b, block, blen);
    put(b, "\r\n\r\n", 4);
}

static void http(buf *b, const char *uri, const char *headers, const char *body, size_t blen)
{
    buf m = {0};
    put(&m, headers, strlen(headers));
    put(&m, "\r\n", 2);
    put(&m, body, blen);
    record(b, "response", uri, "application/http; msgtype=response", m.p, m.n, 0);
    free(m.p);
}

static void gzip_member(buf *out, const char *p, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, n) + 64;
    unsigned char *o = malloc(cap);
    z.next_in = (unsigned char *)p;
    z.avail_in = (unsigned)n;
    z.next_out = o;
    z.avail_out = (unsigned)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    put(out, o, cap - z.avail_out);
    deflateEnd(&z);
    free(o);
}

static char *gbk(const char *s, size_t *n)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    size_t inl = strlen(s), outl = inl * 2 + 8;
    char *o = malloc(outl), *w = o, *in = (char *)s;
    assert_true(iconv(cd, &in, &inl, &w, &outl) != (size_t)-1);
    iconv_close(cd);
    *n = (size_t)(w - o);
    return o;
}

/* The records of a small crawl, each appended to its own buffer so tests can compress
 * them one member per record. 4 HTML pages, 5 records to skip. */
static int crawl(buf recs[12])
{
    int k = 0;
    memset(recs, 0, 12 * sizeof *recs);
    record(&recs[k++], "warcinfo", "", "application/warc-fields", "software: test\r\n", 16, 0);
    record(&recs[k++], "request", "http://www.gd.gov.cn/a.html", "application/http; msgtype=request",
           "GET /a.html HTTP/1.1\r\n\r\n", 24, 0);
    const char *p1 = "<html><head><title>t</title></head><body><p>广东页面正文</p></body></html>";
    http(&recs[k++], "http://www.gd.gov.cn/a.html", "HTTP/2 200\r\nContent-Type: text/html; charset=utf-8\r\n",
         p1, strlen(p1));
    record(&recs[k++], "metadata", "http://www.gd.gov.cn/a.html", "application/warc-fields", "outlinks: x\r\n", 13, 0);
    http(&recs[k++], "http://www.gd.gov.cn/logo.png", "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n", "\x89PNG", 4);
    http(&recs[k++], "http://www.gd.gov.cn/old", "HTTP/1.1 301 Moved\r\nLocation: /new\r\n", "", 0);
    size_t gn;
    char *g = gbk("<html><body><p>深圳市页面，编码来自HTTP头</p></body></html>", &gn);
    http(&recs[k++], "http://www.sz.gov.cn/b.html", "HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=\"GBK\"\r\n", g, gn);
    free(g);
    const char *chunked = "1e\r\n<html><body><p>分块传输的页面\r\n7\r\n</p></b\r\n0\r\n\r\n";
    /* "<html><body><p>分块传输的页面" is 15 + 7*3 = 36 bytes: say so in hex */
    (void)chunked;
    char ch[256];
    const char *part1 = "<html><body><p>分块传输的页面", *part2 = "</p></body></html>";
    int cl = snprintf(ch, sizeof ch, "%zx\r\n%s\r\n%zx\r\n%s\r\n0\r\n\r\n", strlen(part1), part1,
                      strlen(part2), part2);
    http(&recs[k++], "http://www.hangzhou.gov.cn/c.html",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n", ch, (size_t)cl);
    buf z = {0};
    const char *p4 = "<html><body><p>压缩传输的页面</p></body></html>";
    gzip_member(&z, p4, strlen(p4));
    http(&recs[k++], "http://www.wuhan.gov.cn/d.html",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Encoding: gzip\r\n", z.p, z.n);
    free(z.p);
    return k;
}

static void check_crawl(const out *o)
{
    assert_int_equal(o->nrej, 0);
    assert_int_equal(o->ndocs, 4);
    assert_int_equal(o->nskip, 5);
    assert_string_equal(o->url[0], "http://www.gd.gov.cn/a.html");
    assert_string_equal(o->id[0], o->url[0]); /* no 索引号: the URL */
    assert_string_equal(o->region[0], "440000");
    assert_string_equal(o->fetched[0], "2024-05-01T08:00:00Z");
    assert_string_equal(o->body[0], "广东页面正文");
    assert_string_equal(o->body[1], "深圳市页面，编码来自HTTP头");
    assert_string_equal(o->region[1], "440300");
    assert_string_equal(o->body[2], "分块传输的页面");
    assert_string_equal(o->region[2], "330100");
    assert_string_equal(o->body[3], "压缩传输的页面");
}

static void test_plain_and_per_record_gzip(void **state)
{
    (void)state;
    buf recs[12], plain = {0}, gz = {0};
    int k = crawl(recs);
    for (int i = 0; i < k; i++) {
        put(&plain, recs[i].p, recs[i].n);
        gzip_member(&gz, recs[i].p, recs[i].n);
        free(recs[i].p);
    }
    out o;
    run(plain.p, plain.n, 0, &o);
    check_crawl(&o);
    run(gz.p, gz.n, 0, &o);
    check_crawl(&o);
    free(plain.p);
    free(gz.p);
}

static void test_truncated_gzip_member_loses_only_its_record(void **state)
{
    (void)state;
    buf recs[12], gz = {0};
    int k = crawl(recs);
    for (int i = 0; i < k; i++) {
        if (i == 2) { /* the first HTML response: keep only half its member */
            buf m = {0};
            gzip_member(&m, recs[i].p, recs[i].n);
            put(&gz, m.p, m.n / 2);
            free(m.p);
        } else
            gzip_member(&gz, recs[i].p, recs[i].n);
        free(recs[i].p);
    }
    out o;
    run(gz.p, gz.n, 0, &o);
    free(gz.p);
    assert_int_equal(o.ndocs, 3);
    assert_string_equal(o.body[0], "深圳市页面，编码来自HTTP头");
    assert_int_equal(o.nrej, 1);
    /* the reader sees the next member's header inside the cut deflate data: truncated,
     * corrupt or CRC, depending on where the cut falls */
    assert_true(o.rej[0] == PM_ERR_GZ_TRUNCATED || o.rej[0] == PM_ERR_GZ_CORRUPT ||
                o.rej[0] == PM_ERR_GZ_CRC);
}

static void test_framing_damage(void **state)
{
    (void)state;
    const char *page = "<html><body>页</body></html>";
    char resp[256];
    int rl = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n%s", page);
    buf b = {0};
    record(&b, "response", "http://a.example/1", "application/http; msgtype=response", resp, (size_t)rl, 0);
    /* Content-Length 40 bytes too long: swallows the start of the next record */
    record(&b, "response", "http://a.example/2", "application/http; msgtype=response", resp, (size_t)rl, 40);
    record(&b, "response", "http://a.example/3", "application/http; msgtype=response", resp, (size_t)rl, 0);
    put(&b, "garbage that is not a record\r\n", 30);
    record(&b, "response", "http://a.example/4", "application/http; msgtype=response", resp, (size_t)rl, 0);
    put(&b, "WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\n\r\n", 65); /* no length */
    record(&b, "response", "http://a.example/5", "application/http; msgtype=response", resp, (size_t)rl, 0);
    /* ends inside the last record */
    record(&b, "response", "http://a.example/6", "application/http; msgtype=response", resp, (size_t)rl, 0);
    b.n -= 20;
    out o;
    run(b.p, b.n, 0, &o);
    free(b.p);
    /* record 3 survives: the resynchronisation starts just after record 2's start */
    assert_int_equal(o.ndocs, 4);
    assert_string_equal(o.url[0], "http://a.example/1");
    assert_string_equal(o.url[1], "http://a.example/3");
    assert_string_equal(o.url[2], "http://a.example/4");
    assert_string_equal(o.url[3], "http://a.example/5");
    /* record 2 (wrong length), the garbage, the record without a length, the truncated
     * last one: one reject each */
    assert_int_equal(o.nrej, 4);
    assert_int_equal(o.rej[0], PM_ERR_WARC);
    assert_string_equal(o.rej_id[0], "http://a.example/2");
    assert_int_equal(o.rej[1], PM_ERR_WARC);
    assert_int_equal(o.rej[2], PM_ERR_WARC);
    assert_int_equal(o.rej[3], PM_ERR_TRUNCATED_DOC);
    assert_string_equal(o.rej_id[3], "http://a.example/6");
}

static void test_oversized_response_skipped(void **state)
{
    (void)state;
    buf b = {0}, body = {0};
    put(&body, "<html><body>", 12);
    for (int i = 0; i < 20000; i++)
        put(&body, "很长的页面", 15);
    put(&body, "</body></html>", 14);
    char hdr[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n";
    http(&b, "http://big.example/", hdr, body.p, body.n);
    const char *small = "<html><body>小</body></html>";
    http(&b, "http://small.example/", hdr, small, strlen(small));
    out o;
    run(b.p, b.n, 100000, &o);
    assert_int_equal(o.nrej, 1);
    assert_int_equal(o.rej[0], PM_ERR_DOC_TOO_BIG);
    assert_string_equal(o.rej_id[0], "http://big.example/");
    assert_int_equal(o.ndocs, 1);
    assert_string_equal(o.body[0], "小");
    /* a skipped record whose Content-Length runs past the end hides whatever follows:
     * reported, not silent */
    buf c = {0};
    http(&c, "http://small.example/", hdr, small, strlen(small));
    record(&c, "metadata", "http://small.example/", "application/warc-fields", "x: y\r\n", 6, 100000);
    http(&c, "http://hidden.example/", hdr, small, strlen(small));
    run(c.p, c.n, 0, &o);
    assert_int_equal(o.ndocs, 1);
    assert_int_equal(o.nrej, 1);
    assert_int_equal(o.rej[0], PM_ERR_TRUNCATED_DOC);
    free(c.p);
    free(b.p);
    free(body.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_per_record_gzip),
        cmocka_unit_test(test_truncated_gzip_member_loses_only_its_record),
        cmocka_unit_test(test_framing_damage),
        cmocka_unit_test(test_oversized_response_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
