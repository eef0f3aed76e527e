/* Unit tests for the committer's analysis table (engine/analysis.h): every entry is
 * complete and named once, and an entry's merge of two partials writes the same bytes as
 * one instance fed everything (counts through the vtable alone). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/dict.h"
#include "../../pipeline/engine/analysis.h"

static void test_table_is_complete(void **state)
{
    (void)state;
    const pm_analysis *const *an = pm_analyses();
    size_t n = 0;
    for (; an[n]; n++) {
        assert_non_null(an[n]->name);
        assert_non_null(an[n]->create);
        assert_non_null(an[n]->finish);
        assert_non_null(an[n]->free);
        an[n]->free(NULL); /* free accepts NULL */
        for (size_t k = 0; k < n; k++)
            assert_string_not_equal(an[k]->name, an[n]->name);
    }
    assert_true(n >= 4 && n <= PM_ANALYSES_MAX);
}

static char *slurp(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strdup(buf);
}

static void test_merge_equals_one_pass(void **state)
{
    (void)state;
    const char *files[] = {"tests/data/sinks/instruments.dict"};
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_dictset *d = NULL;
    pm_errctx err;
    assert_int_equal(pm_dictset_load_files(&d, files, 1, &o, &err), PM_OK);
    char d1[] = "/tmp/pm_analysis_XXXXXX", d2[] = "/tmp/pm_analysis_XXXXXX";
    assert_non_null(mkdtemp(d1));
    assert_non_null(mkdtemp(d2));
    pm_run_summary sum;
    memset(&sum, 0, sizeof sum);
    pm_country *cn = NULL;
    assert_int_equal(pm_country_open(&cn, "cn", "dictionaries", &err), PM_OK);
    pm_commit_config c1 = {0}, c2 = {0};
    c1.outdir = d1, c1.sum = &sum, c1.err = &err, c1.country = cn;
    c2 = c1;
    c2.outdir = d2;
    pm_analysis_ctx x1 = {&c1, d, NULL}, x2 = {&c2, d, NULL};
    const pm_analysis *a = &pm_analysis_counts;
    void *all = NULL, *p1 = NULL, *p2 = NULL;
    assert_int_equal(a->create(&all, &x1), PM_OK);
    assert_int_equal(a->create(&p1, &x2), PM_OK);
    assert_int_equal(a->create(&p2, &x2), PM_OK);
    pm_citem it;
    memset(&it, 0, sizeof it);
    for (int i = 0; i < 2000; i++) {
        memset(it.cats, 0, sizeof it.cats);
        pm_catset_set(&it.cats[0], (unsigned)(i % 2));
        it.year = 2000 + i % 17;
        it.level = (pm_level)(2 + i % 3);
        it.province = (uint32_t)(110000 + (i % 29) * 10000);
        assert_int_equal(a->add(all, &it, &x1), PM_OK);
        assert_int_equal(a->add(i % 3 ? p1 : p2, &it, &x2), PM_OK);
    }
    assert_non_null(a->merge);
    assert_int_equal(a->merge(p2, p1), PM_OK);
    assert_int_equal(a->finish(all, &x1), PM_OK);
    assert_int_equal(a->finish(p2, &x2), PM_OK);
    char *t1 = slurp(d1, "counts.tsv"), *t2 = slurp(d2, "counts.tsv");
    assert_true(strlen(t1) > 100);
    assert_string_equal(t1, t2);
    free(t1), free(t2);
    a->free(all), a->free(p1), a->free(p2);
    pm_dictset_free(d);
    pm_country_free(cn);
    for (const char *const *dir = (const char *const[]){d1, d2, NULL}; *dir; dir++) {
        char path[512];
        snprintf(path, sizeof path, "%s/counts.tsv", *dir);
        remove(path);
        remove(*dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_complete),
        cmocka_unit_test(test_merge_equals_one_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
