/* Unit tests for reading tables back (sinks/tabread.c, sinks/catalogue.c): RFC-4180
 * quoted fields (doubled quotes, tabs and newlines inside), a BOM, CRLF, short rows,
 * columns found by name, and the type check that settles datapackage.json's types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../pipeline/sinks/tables_internal.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_quoted_and_ragged(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm_tabread_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/documents.tsv", dir);
    write_file(path, "\xEF\xBB\xBF" "doc_id\tissuer\tyear\r\n"
                     "a\t\"say \"\"hi\"\"\tthere\"\t2015\r\n"
                     "b\t\"two\nlines\"\t\n"
                     "c\n"
                     "\n"
                     "d\tplain\t2020\textra\n");
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_tab *t = NULL;
    assert_int_equal(pm_tab_open(&t, path, &err), PM_OK);
    assert_int_equal(pm_tab_ncols(t), 3);
    assert_int_equal(pm_tab_col(t, "doc_id"), 0); /* the BOM is not part of the name */
    assert_int_equal(pm_tab_col(t, "year"), 2);
    assert_int_equal(pm_tab_col(t, "copy_of"), -1);
    int got = 0;
    assert_int_equal(pm_tab_next(t, &got, &err), PM_OK);
    assert_true(got);
    assert_string_equal(pm_tab_get(t, 1), "say \"hi\"\tthere");
    assert_string_equal(pm_tab_get(t, 2), "2015"); /* CR dropped */
    assert_string_equal(pm_tab_get(t, -1), "");
    assert_int_equal(pm_tab_next(t, &got, &err), PM_OK);
    assert_string_equal(pm_tab_get(t, 0), "b");
    assert_string_equal(pm_tab_get(t, 1), "two\nlines");
    assert_string_equal(pm_tab_get(t, 2), "");
    assert_int_equal(pm_tab_next(t, &got, &err), PM_OK);
    assert_string_equal(pm_tab_get(t, 0), "c");
    assert_string_equal(pm_tab_get(t, 1), ""); /* short row */
    assert_int_equal(pm_tab_next(t, &got, &err), PM_OK); /* the blank line is skipped */
    assert_string_equal(pm_tab_get(t, 0), "d");
    assert_int_equal(pm_tab_ragged(t), 1);
    assert_int_equal(pm_tab_next(t, &got, &err), PM_OK);
    assert_false(got);
    pm_tab_close(t);

    /* the scan: year stays integer, doc_id is unique and non-empty -> the key holds */
    pm_tabinfo ti;
    assert_int_equal(pm_tabinfo_scan(&ti, dir, "documents.tsv", &err), PM_OK);
    assert_int_equal(ti.nrows, 4);
    assert_int_equal(ti.types[2], PM_COL_INTEGER);
    assert_int_equal(ti.nmissing[2], 2);
    assert_true(ti.pkey_ok);
    pm_tabinfo_free(&ti);
    /* a value that is not an integer turns the column into a string; a repeated id
     * drops the key */
    write_file(path, "doc_id\tyear\na\t2015\na\t20x5\n");
    assert_int_equal(pm_tabinfo_scan(&ti, dir, "documents.tsv", &err), PM_OK);
    assert_int_equal(ti.types[1], PM_COL_STRING);
    assert_false(ti.pkey_ok);
    pm_tabinfo_free(&ti);
    unlink(path);
    assert_int_equal(pm_tab_open(&t, path, &err), PM_ERR_OPEN);
    assert_null(t);
    write_file(path, "");
    assert_int_equal(pm_tab_open(&t, path, &err), PM_ERR_EMPTY);
    unlink(path);
    rmdir(dir);
}

static void test_catalogue(void **state)
{
    (void)state;
    const char *d = NULL;
    assert_int_equal(pm_catalogue_column("documents", "region_code", &d), PM_COL_STRING);
    assert_true(strlen(d) > 0);
    assert_int_equal(pm_catalogue_column("adoptions", "event_time", NULL), PM_COL_NUMBER);
    /* a column of a table the catalogue does not know borrows the entry of its name */
    assert_int_equal(pm_catalogue_column("reuse_edges", "lag_years", NULL), PM_COL_NUMBER);
    assert_int_equal(pm_catalogue_column("reuse_edges", "whatever", &d), PM_COL_STRING);
    assert_string_equal(d, "");
    assert_true(pm_coltype_accepts(PM_COL_INTEGER, "-12"));
    assert_false(pm_coltype_accepts(PM_COL_INTEGER, "1.5"));
    assert_true(pm_coltype_accepts(PM_COL_NUMBER, "0.0323"));
    assert_false(pm_coltype_accepts(PM_COL_NUMBER, "1e5"));
    assert_false(pm_coltype_accepts(PM_COL_NUMBER, "nan"));
    assert_true(pm_coltype_accepts(PM_COL_DATE, "2016-12-11"));
    assert_false(pm_coltype_accepts(PM_COL_DATE, "2016-13-11"));
    assert_false(pm_coltype_accepts(PM_COL_DATE, "2016-12"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_and_ragged),
        cmocka_unit_test(test_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
