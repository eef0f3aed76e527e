/* Unit tests for diffusion/segs.c, the refresh's table writer, and pm_outfile_copy: the
 * file holds derived rows and copied old bytes in the order they were given, whether a
 * copy is short (through the row buffer) or long (copy_file_range), adjacent copies
 * coalesce, segments get their offsets and lengths, a segment outside the old table is
 * refused, and a tracked copy carries the digest state on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../pipeline/diffusion/diffusion_internal.h"
#include "policyminer/hash.h"
#include "policyminer/sinks.h"

static char dir[64];

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    p[len] = 0;
    *n = (size_t)len;
    return p;
}

/* The old table: a header, three short rows, then one long row (past the short-copy cap). */
static size_t write_old(char **bytes)
{
    char path[128];
    snprintf(path, sizeof path, "%s/checkpoint-t.tsv", dir);
    size_t big = 100000;
    char *p = malloc(64 + big);
    assert_non_null(p);
    size_t n = (size_t)sprintf(p, "h\nr1\nr2\nr3\n");
    memset(p + n, 'x', big - 1);
    p[n + big - 1] = '\n';
    n += big;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
    *bytes = p;
    return n;
}

static void test_order_and_segments(void **state)
{
    (void)state;
    char *old;
    size_t nold = write_old(&old);
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_outfile *f = NULL;
    assert_int_equal(pm_outfile_open(&f, dir, "new.tsv", &err), PM_OK);
    pm_buf b;
    pm_buf_init(&b, 1u << 24);
    pm_segw w;
    pm_segw_init(&w, f, &b);
    pm_segw_open_old(&w, dir, "t.tsv");
    assert_non_null(w.old);
    assert_int_equal(pm_buf_append_str(&b, "H\n"), PM_OK);

    /* segment 1: old r1 r2 (adjacent: one pending copy), a derived row, old r3 */
    pm_seg s1, s2, s3;
    pm_segw_begin(&w);
    assert_int_equal(pm_segw_copy_range(&w, 2, 3, &err), PM_OK);
    assert_int_equal(pm_segw_copy_range(&w, 5, 3, &err), PM_OK);
    assert_int_equal(w.pend_len, 6);
    assert_int_equal(pm_segw_gen(&w, &err), PM_OK);
    assert_int_equal(pm_buf_append_str(&b, "new\n"), PM_OK);
    assert_int_equal(pm_segw_copy_range(&w, 8, 3, &err), PM_OK);
    pm_segw_end(&w, &s1);
    assert_int_equal(s1.off, 2);
    assert_int_equal(s1.len, 3 + 3 + 4 + 3);

    /* segment 2: the long row copied whole (in the kernel), then a derived row */
    pm_seg old2 = {11, nold - 11};
    pm_status st = PM_OK;
    assert_int_equal(pm_segw_copy(&w, &old2, &s2, &st, &err), 1);
    assert_int_equal(st, PM_OK);
    assert_int_equal(s2.off, 2 + s1.len);
    assert_int_equal(s2.len, nold - 11);
    pm_segw_begin(&w);
    assert_int_equal(pm_segw_gen(&w, &err), PM_OK);
    assert_int_equal(pm_buf_append_str(&b, "tail\n"), PM_OK);
    pm_segw_end(&w, &s3);
    assert_int_equal(s3.off, s2.off + s2.len);
    assert_int_equal(s3.len, 5);

    /* a segment past the old table's end is refused, nothing written for it */
    pm_seg bad = {nold - 2, 10}, s4;
    assert_int_equal(pm_segw_copy(&w, &bad, &s4, &st, &err), 0);
    assert_null(pm_segw_old_bytes(&w, &bad));

    assert_int_equal(pm_segw_flush(&w, 1, &err), PM_OK);
    assert_int_equal(w.copied, 9 + nold - 11);
    pm_segw_close_old(&w);
    assert_int_equal(pm_outfile_commit(f, &err), PM_OK);
    pm_buf_free(&b);

    char path[128];
    snprintf(path, sizeof path, "%s/new.tsv", dir);
    size_t n;
    char *got = slurp(path, &n);
    size_t want_n = 2 + 6 + 4 + 3 + (nold - 11) + 5;
    assert_int_equal(n, want_n);
    assert_memory_equal(got, "H\nr1\nr2\nnew\nr3\n", 15);
    assert_memory_equal(got + 15, old + 11, nold - 11);
    assert_memory_equal(got + 15 + nold - 11, "tail\n", 5);
    free(got);
    free(old);
}

/* pm_outfile_copy into a tracked file: the digest of the whole file, given the state of
 * the bytes before and including the copy; and untracked, the bytes in place. */
static void test_outfile_copy(void **state)
{
    (void)state;
    char *old;
    size_t nold = write_old(&old);
    char path[128];
    snprintf(path, sizeof path, "%s/checkpoint-t.tsv", dir);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_outfile *f = NULL;
    assert_int_equal(pm_outfile_open(&f, dir, "copy.tsv", &err), PM_OK);
    pm_outfile_track(f);
    /* as a refresh does: the old file's header is this run's too */
    assert_int_equal(pm_outfile_write(f, old, 2, &err), PM_OK);
    pm_hash64_ctx hc;
    pm_hash64_init(&hc, PM_OUTFILE_SEED);
    pm_hash64_update(&hc, old, nold);
    assert_int_equal(pm_outfile_copy(f, fd, 2, nold - 2, &hc, &err), PM_OK);
    assert_int_equal(pm_outfile_write(f, "more\n", 5, &err), PM_OK);
    uint64_t bytes, hash;
    pm_outfile_digest(f, &bytes, &hash);
    assert_int_equal(bytes, nold + 5);
    assert_int_equal(pm_outfile_commit(f, &err), PM_OK);
    close(fd);
    snprintf(path, sizeof path, "%s/copy.tsv", dir);
    size_t n;
    char *got = slurp(path, &n);
    assert_int_equal(n, nold + 5);
    assert_memory_equal(got, old, nold);
    assert_memory_equal(got + nold, "more\n", 5);
    assert_int_equal(hash, pm_hash64(got, n, PM_OUTFILE_SEED));
    free(got);
    free(old);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pm-test-segs-%ld", (long)getpid());
    if (pm_outfile_mkdirs(dir) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_segments),
        cmocka_unit_test(test_outfile_copy),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
