/* Unit tests for the source stage: gzip member reader (multi-member, damage, resync,
 * caps, peek) and input walking (sorting, dedupe, loops). Fixtures are built in memory
 * with zlib so no binary test data is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "policyminer/source.h"

/* gzip-compresses data into out (one member); returns compressed size. */
static size_t gz_member(const char *data, size_t n, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t k = cap - z.avail_out;
    deflateEnd(&z);
    return k;
}

typedef struct result {
    char data[1 << 16];
    size_t len;
    pm_status errs[8];
    int nerr;
} result;

/* The inflate under test: every gzip test runs on zlib, then again on ISA-L when built in
 * (test-only state, set by main between the two runs). */
static int g_inflate = PM_INFLATE_ZLIB;

/* Reads everything with reads of `step` bytes, collecting soft errors. */
static void read_all(const void *buf, size_t n, size_t step, uint64_t cap, result *r)
{
    pm_gz_limits lim = {cap, g_inflate};
    pm_gz *g;
    memset(r, 0, sizeof *r);
    assert_int_equal(pm_gz_open_mem(&g, buf, n, &lim), PM_OK);
    for (int guard = 0; guard < 100000; guard++) {
        size_t got = 0;
        pm_status st = pm_gz_read(g, r->data + r->len, step, &got);
        r->len += got;
        if (st != PM_OK) {
            assert_true(st != PM_ERR_IO && st != PM_ERR_NOMEM);
            assert_true(r->nerr < 8);
            r->errs[r->nerr++] = st;
            continue;
        }
        if (got == 0)
            break;
    }
    pm_gz_close(g);
}

static void test_multi_member_and_steps(void **state)
{
    (void)state;
    unsigned char buf[4096];
    size_t n = gz_member("alpha ", 6, buf, sizeof buf);
    n += gz_member("", 0, buf + n, sizeof buf - n); /* an empty member */
    n += gz_member("beta ", 5, buf + n, sizeof buf - n);
    n += gz_member("gamma", 5, buf + n, sizeof buf - n);
    result r1, r2;
    read_all(buf, n, 4096, 0, &r1);
    read_all(buf, n, 1, 0, &r2);
    assert_int_equal(r1.nerr, 0);
    assert_int_equal(r1.len, 16);
    assert_memory_equal(r1.data, "alpha beta gamma", 16);
    assert_int_equal(r2.len, r1.len);
    assert_memory_equal(r2.data, r1.data, r1.len);
}

static void test_plain_passthrough(void **state)
{
    (void)state;
    result r;
    read_all("<corpus/>\n", 10, 3, 0, &r);
    assert_int_equal(r.nerr, 0);
    assert_int_equal(r.len, 10);
    assert_memory_equal(r.data, "<corpus/>\n", 10);
    read_all("", 0, 16, 0, &r);
    assert_int_equal(r.len, 0);
    assert_int_equal(r.nerr, 0);
}

static void test_truncated_member(void **state)
{
    (void)state;
    unsigned char buf[4096];
    char big[3000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + (i * 7919) % 26);
    size_t a = gz_member("first.", 6, buf, sizeof buf);
    size_t b = gz_member(big, sizeof big, buf + a, sizeof buf - a);
    result r;
    read_all(buf, a + b / 2, 512, 0, &r);
    assert_int_equal(r.nerr, 1);
    assert_int_equal(r.errs[0], PM_ERR_GZ_TRUNCATED);
    assert_true(r.len >= 6);
    assert_memory_equal(r.data, "first.", 6);
    /* whatever was decoded of the cut member is a prefix of it */
    assert_memory_equal(r.data + 6, big, r.len - 6);
}

static void test_corrupt_member_resyncs(void **state)
{
    (void)state;
    unsigned char buf[8192];
    char mid[2000];
    for (size_t i = 0; i < sizeof mid; i++)
        mid[i] = (char)('A' + (i * 31) % 26);
    size_t a = gz_member("one|", 4, buf, sizeof buf);
    size_t b = gz_member(mid, sizeof mid, buf + a, sizeof buf - a);
    size_t c = gz_member("|three", 6, buf + a + b, sizeof buf - a - b);
    for (size_t i = a + 20; i < a + b - 20; i++) /* wreck member 2's deflate data */
        buf[i] ^= 0x5a;
    result r;
    read_all(buf, a + b + c, 4096, 0, &r);
    assert_true(r.nerr >= 1);
    assert_true(r.errs[0] == PM_ERR_GZ_CORRUPT || r.errs[0] == PM_ERR_GZ_CRC);
    assert_memory_equal(r.data, "one|", 4);
    /* member 3 survives the damage */
    assert_true(r.len >= 10);
    assert_memory_equal(r.data + r.len - 6, "|three", 6);
}

static void test_crc_mismatch(void **state)
{
    (void)state;
    unsigned char buf[1024];
    size_t a = gz_member("payload", 7, buf, sizeof buf);
    buf[a - 8] ^= 0xff; /* CRC32 in the trailer */
    size_t b = gz_member("next", 4, buf + a, sizeof buf - a);
    result r;
    read_all(buf, a + b, 64, 0, &r);
    assert_int_equal(r.nerr, 1);
    assert_int_equal(r.errs[0], PM_ERR_GZ_CRC);
    assert_memory_equal(r.data + r.len - 4, "next", 4);
}

static void test_trailing_garbage_and_padding(void **state)
{
    (void)state;
    unsigned char buf[1024];
    size_t a = gz_member("data", 4, buf, sizeof buf);
    memcpy(buf + a, "GARBAGE!", 8);
    result r;
    read_all(buf, a + 8, 64, 0, &r);
    assert_int_equal(r.nerr, 1);
    assert_int_equal(r.errs[0], PM_ERR_GZ_TRAILING);
    assert_int_equal(r.len, 4);
    memset(buf + a, 0, 512); /* tar/dd padding is fine */
    read_all(buf, a + 512, 64, 0, &r);
    assert_int_equal(r.nerr, 0);
    assert_int_equal(r.len, 4);
}

static void test_member_cap(void **state)
{
    (void)state;
    static char zeros[200000];
    static unsigned char buf[8192];
    size_t a = gz_member(zeros, sizeof zeros, buf, sizeof buf); /* ~1000:1 */
    size_t b = gz_member("after", 5, buf + a, sizeof buf - a);
    result r;
    read_all(buf, a + b, 60000, 50000, &r);
    assert_int_equal(r.nerr, 1);
    assert_int_equal(r.errs[0], PM_ERR_TOO_BIG);
    assert_int_equal(r.len, 50000 + 5);
    assert_memory_equal(r.data + 50000, "after", 5);
}

static void test_peek_then_read(void **state)
{
    (void)state;
    unsigned char buf[1024];
    size_t a = gz_member("0123456789", 10, buf, sizeof buf);
    pm_gz *g;
    pm_gz_limits lim0 = {0, g_inflate};
    assert_int_equal(pm_gz_open_mem(&g, buf, a, &lim0), PM_OK);
    const char *head;
    size_t hl;
    assert_int_equal(pm_gz_peek(g, 4, &head, &hl), PM_OK);
    assert_int_equal(hl, 4);
    assert_memory_equal(head, "0123", 4);
    assert_true(pm_gz_is_compressed(g));
    char out[32];
    size_t got, total = 0;
    while (pm_gz_read(g, out + total, 3, &got) == PM_OK && got)
        total += got;
    assert_int_equal(total, 10);
    assert_memory_equal(out, "0123456789", 10);
    assert_int_equal(pm_gz_members(g), 1);
    assert_int_equal(pm_gz_out_bytes(g), 10);
    pm_gz_close(g);
    pm_gz_close(NULL);
}

static void touch(const char *p)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
}

static void test_inputs_walk(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm_inputs_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[512];
    snprintf(p, sizeof p, "%s/b", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/b/z.xml", dir);
    touch(p);
    snprintf(p, sizeof p, "%s/a.xml", dir);
    touch(p);
    snprintf(p, sizeof p, "%s/b/.hidden.xml", dir);
    touch(p);
    char loop[512];
    snprintf(loop, sizeof loop, "%s/b/up", dir);
    assert_int_equal(symlink(dir, loop), 0); /* b/up -> dir: a loop */
    char missing[512];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    const char *args[] = {p /* b/.hidden.xml again */, dir, "-", missing};
    pm_inputs *in;
    assert_int_equal(pm_inputs_create(&in, args, 4), PM_OK);
    assert_int_equal(pm_inputs_count(in), 4); /* -, a.xml, b/.hidden.xml, b/z.xml */
    assert_string_equal(pm_inputs_path(in, 0), "-");
    char want[512];
    snprintf(want, sizeof want, "%s/a.xml", dir);
    assert_string_equal(pm_inputs_path(in, 1), want);
    snprintf(want, sizeof want, "%s/b/z.xml", dir);
    assert_string_equal(pm_inputs_path(in, 3), want);
    assert_int_equal(pm_inputs_size(in, 1), 1);
    int loops = 0, opens = 0;
    for (size_t i = 0; i < pm_inputs_failed_count(in); i++) {
        loops += pm_inputs_failed_code(in, i) == PM_ERR_LOOP;
        opens += pm_inputs_failed_code(in, i) == PM_ERR_OPEN;
    }
    assert_int_equal(loops, 1);
    assert_int_equal(opens, 1);
    pm_inputs_free(in);
    pm_inputs_free(NULL);
    unlink(loop);
    snprintf(p, sizeof p, "%s/b/z.xml", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/b/.hidden.xml", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/a.xml", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/b", dir);
    rmdir(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_member_and_steps),
        cmocka_unit_test(test_plain_passthrough),
        cmocka_unit_test(test_truncated_member),
        cmocka_unit_test(test_corrupt_member_resyncs),
        cmocka_unit_test(test_crc_mismatch),
        cmocka_unit_test(test_trailing_garbage_and_padding),
        cmocka_unit_test(test_member_cap),
        cmocka_unit_test(test_peek_then_read),
        cmocka_unit_test(test_inputs_walk),
    };
    int rc = cmocka_run_group_tests_name("gzread (zlib)", tests, NULL, NULL);
    if (pm_gz_inflate_available(PM_INFLATE_ISAL)) {
        g_inflate = PM_INFLATE_ISAL;
        rc |= cmocka_run_group_tests_name("gzread (ISA-L)", tests, NULL, NULL);
    }
    return rc;
}
