/* Unit tests for sinks: TSV field rule, column naming, counts aggregate (add, merge order
 * independence, sorted output), atomic output files, rejects rows. */
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

#include "policyminer/sinks.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void test_tsv_field(void **state)
{
    (void)state;
    pm_buf b;
    pm_buf_init(&b, 1 << 10);
    assert_int_equal(pm_tsv_field(&b, "a\tb\nc\rd\x01" "e", 9, 0), PM_OK);
    assert_string_equal(b.data, "a b c de");
    pm_buf_reset(&b);
    /* cap on a character boundary: 深圳 is 6 bytes; a cap of 4 keeps only 深 */
    assert_int_equal(pm_tsv_field(&b, "深圳", 6, 4), PM_OK);
    assert_string_equal(b.data, "深");
    pm_buf_reset(&b);
    /* a quote anywhere: the whole field is quoted and inner quotes doubled */
    assert_int_equal(pm_tsv_field(&b, "\"深发\"〔2015〕1号", 22, 0), PM_OK);
    assert_string_equal(b.data, "\"\"\"深发\"\"〔2015〕1号\"");
    pm_buf_reset(&b);
    assert_int_equal(pm_tsv_field(&b, "\"", 1, 0), PM_OK);
    assert_string_equal(b.data, "\"\"\"\"");
    pm_buf_free(&b);
}

static void test_dim_column(void **state)
{
    (void)state;
    char c[64];
    pm_dim_column("instrument", c, sizeof c);
    assert_string_equal(c, "instruments");
    pm_dim_column("targeting", c, sizeof c);
    assert_string_equal(c, "targeting");
    pm_dim_column("sectors", c, sizeof c);
    assert_string_equal(c, "sectors");
}

static pm_dictset *load_dict(void)
{
    const char *files[] = {"tests/data/sinks/instruments.dict"};
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_dictset *d = NULL;
    pm_errctx err;
    assert_int_equal(pm_dictset_load_files(&d, files, 1, &o, &err), PM_OK);
    return d;
}

static void test_counts_merge_is_order_free(void **state)
{
    (void)state;
    pm_dictset *d = load_dict();
    pm_catset cats[PM_MAX_DIMS];
    memset(cats, 0, sizeof cats);
    pm_catset_set(&cats[0], 0); /* tax_incentive */

    pm_country *cn;
    pm_errctx cerr;
    assert_int_equal(pm_country_open(&cn, "cn", "dictionaries", &cerr), PM_OK);
    pm_counts *a, *b, *all1, *all2;
    assert_int_equal(pm_counts_create(&a, d, cn), PM_OK);
    assert_int_equal(pm_counts_create(&b, d, cn), PM_OK);
    assert_int_equal(pm_counts_create(&all1, d, cn), PM_OK);
    assert_int_equal(pm_counts_create(&all2, d, cn), PM_OK);
    for (int i = 0; i < 3000; i++) /* forces the map to grow */
        assert_int_equal(pm_counts_add(i % 2 ? a : b, 2000 + i % 23, (pm_level)(2 + i % 3),
                                       (uint32_t)(110000 + (i % 31) * 10000), cats), PM_OK);
    assert_int_equal(pm_counts_merge(all1, a), PM_OK);
    assert_int_equal(pm_counts_merge(all1, b), PM_OK);
    assert_int_equal(pm_counts_merge(all2, b), PM_OK);
    assert_int_equal(pm_counts_merge(all2, a), PM_OK);
    /* the refresh checkpoint's round trip: all2 rebuilt from all1's exported pairs */
    pm_counts_free(all2);
    assert_int_equal(pm_counts_create(&all2, d, cn), PM_OK);
    const uint64_t(*kv)[2];
    size_t nkv;
    pm_counts_export(all1, &kv, &nkv);
    assert_true(nkv > 1000);
    assert_int_equal(pm_counts_import(all2, kv, nkv), PM_OK);

    char dir[] = "/tmp/pm_sinks_XXXXXX";
    assert_non_null(mkdtemp(dir));
    pm_errctx err;
    pm_outfile *f;
    assert_int_equal(pm_outfile_open(&f, dir, "c1.tsv", &err), PM_OK);
    assert_int_equal(pm_counts_write(all1, f, &err), PM_OK);
    assert_int_equal(pm_outfile_commit(f, &err), PM_OK);
    assert_int_equal(pm_outfile_open(&f, dir, "c2.tsv", &err), PM_OK);
    assert_int_equal(pm_counts_write(all2, f, &err), PM_OK);
    assert_int_equal(pm_outfile_commit(f, &err), PM_OK);

    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s/c1.tsv", dir);
    snprintf(p2, sizeof p2, "%s/c2.tsv", dir);
    char *t1 = strdup(slurp(p1));
    char *t2 = slurp(p2);
    assert_string_equal(t1, t2);
    assert_true(strncmp(t1, "year\tlevel\tprovince_code\tdimension\tcategory\tn_docs\n", 50) == 0);
    /* 2000/provincial/110000: i with i%23==0, i%3==0, i%31==0 -> i multiple of 2139 ->
     * i = 0 and 2139 (a province is a record's from level 2 on: country.h) */
    assert_non_null(strstr(t1, "\n2000\tprovincial\t110000\tlevel\tprovincial\t2\n"));
    assert_non_null(strstr(t1, "\n2000\tprovincial\t110000\tinstrument\ttax_incentive\t2\n"));
    assert_non_null(strstr(t1, "\n2000\tprovincial\t110000\tinstrument_group\tfiscal_financial\t2\n"));
    assert_non_null(strstr(t1, "\n2000\tprovincial\t110000\tinstrument_group\tany\t2\n"));
    free(t1);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    pm_counts_free(a);
    pm_counts_free(b);
    pm_counts_free(all1);
    pm_country_free(cn);
    pm_counts_free(all2);
    pm_counts_free(NULL);
    pm_dictset_free(d);
}

static void test_outfile_abort_leaves_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm_sinks_XXXXXX";
    assert_non_null(mkdtemp(dir));
    pm_errctx err;
    pm_outfile *f;
    assert_int_equal(pm_outfile_open(&f, dir, "t.tsv", &err), PM_OK);
    assert_int_equal(pm_outfile_write(f, "x\n", 2, &err), PM_OK);
    char final[256], tmp[256];
    snprintf(final, sizeof final, "%s/t.tsv", dir);
    snprintf(tmp, sizeof tmp, "%s/.t.tsv.%ld.part", dir, (long)getpid()); /* unique per run */
    struct stat sb;
    assert_int_equal(stat(tmp, &sb), 0);
    assert_int_not_equal(stat(final, &sb), 0); /* not under the final name while writing */
    pm_outfile_abort(f);
    assert_int_not_equal(stat(tmp, &sb), 0);
    assert_int_not_equal(stat(final, &sb), 0);
    pm_outfile_abort(NULL);
    /* an unwritable directory is an output error with the path in the context */
    assert_int_equal(pm_outfile_open(&f, "/proc/nonexistent-dir", "t.tsv", &err), PM_ERR_OUTPUT);
    assert_non_null(strstr(err.file, "/proc/nonexistent-dir"));
    rmdir(dir);
}

static void test_rejects_row(void **state)
{
    (void)state;
    pm_buf b;
    pm_buf_init(&b, 1 << 12);
    assert_int_equal(pm_rejects_header(&b), PM_OK);
    assert_int_equal(pm_rejects_row(&b, "a.xml.gz", 42, "d\t1", PM_ERR_XML, "line 3: bad\ttag"), PM_OK);
    assert_string_equal(b.data, "source\toffset\tdoc_id\treason\tdetail\n"
                                "a.xml.gz\t42\td 1\tmalformed_xml\tline 3: bad tag\n");
    pm_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsv_field),
        cmocka_unit_test(test_dim_column),
        cmocka_unit_test(test_counts_merge_is_order_free),
        cmocka_unit_test(test_outfile_abort_leaves_nothing),
        cmocka_unit_test(test_rejects_row),
    };
    return cmocka_run_group_tests_name("sinks", tests, NULL, NULL);
}
