/* Unit tests for diffusion: decimal years, the province border table, and first
 * adoptions that do not depend on the order documents arrive in (threads, shards). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policyminer/diffusion.h"

static pm_dictset *D;
static pm_country *G; /* China's pack: regions and the province border table */

static int setup(void **state)
{
    (void)state;
    pm_errctx err;
    pm_dict_options o;
    pm_dict_options_default(&o);
    if (pm_dictset_load(&D, "dictionaries/cn", &o, &err) != PM_OK)
        return -1;
    return pm_country_open(&G, "cn", "dictionaries", &err) == PM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pm_dictset_free(D);
    pm_country_free(G);
    return 0;
}

static void test_decimal_year(void **state)
{
    (void)state;
    assert_true(pm_decimal_year(20150101) == 2015.0);
    assert_true(pm_decimal_year(20150000) == 2015.5);
    assert_true(pm_decimal_year(20160301) > 2016.16 && pm_decimal_year(20160301) < 2016.17);
}

static void test_adjacency(void **state)
{
    (void)state;
    pm_adopt *a;
    assert_int_equal(pm_adopt_create(&a, D, G, NULL), PM_OK);
    assert_true(pm_adopt_neighbours(a, 320000, 330000));  /* Jiangsu - Zhejiang */
    assert_true(pm_adopt_neighbours(a, 330000, 320000));
    assert_false(pm_adopt_neighbours(a, 440000, 460000)); /* Hainan is an island */
    assert_false(pm_adopt_neighbours(a, 110000, 440000));
    int edges = 0;
    for (uint32_t p = 11; p < 100; p++)
        for (uint32_t q = 11; q < 100; q++) {
            int x = pm_adopt_neighbours(a, p * 10000, q * 10000);
            assert_int_equal(x, pm_adopt_neighbours(a, q * 10000, p * 10000));
            edges += x;
        }
    assert_true(edges > 100);
    /* (an asymmetric table is refused when the pack opens: test_regions.c) */
    pm_adopt_free(a);
    pm_adopt_free(NULL);
}

static char *slurp(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(p);
    return buf;
}

static void test_order_free_first_adoption(void **state)
{
    (void)state;
    size_t exp = pm_dictset_dim_find(D, "experiment");
    assert_true(exp != (size_t)-1);
    pm_catset cats[16];
    memset(cats, 0, sizeof cats);
    pm_catset_set(&cats[exp], 0);
    struct { const char *id; int32_t date; pm_level lv; uint32_t code, prov; } docs[] = {
        {"b", 20100301, PM_LEVEL_PREFECTURE, 320500, 320000},
        {"a", 20100301, PM_LEVEL_PREFECTURE, 320500, 320000}, /* same day: id "a" wins */
        {"c", 20080101, PM_LEVEL_PREFECTURE, 320200, 320000},
        {"d", 20170101, PM_LEVEL_CENTRAL, 100000, 0},
        {"e", 20120101, PM_LEVEL_UNKNOWN, 0, 0}, /* unknown region: cannot adopt */
    };
    char dirs[2][32] = {"/tmp/pm_adoptA_XXXXXX", "/tmp/pm_adoptB_XXXXXX"};
    char *tables[2];
    for (int order = 0; order < 2; order++) {
        assert_non_null(mkdtemp(dirs[order]));
        pm_adopt *a, *part;
        assert_int_equal(pm_adopt_create(&a, D, G, NULL), PM_OK);
        assert_int_equal(pm_adopt_create(&part, D, G, NULL), PM_OK);
        for (int k = 0; k < 5; k++) {
            int i = order ? 4 - k : k;
            /* order 1 also goes through a merge, as shards would */
            pm_adopt *into = order && k % 2 ? part : a;
            assert_int_equal(pm_adopt_add(into, docs[i].id, docs[i].date, docs[i].lv, docs[i].code,
                                          docs[i].prov, cats, NULL), PM_OK);
        }
        assert_int_equal(pm_adopt_merge(a, part), PM_OK);
        pm_errctx err;
        assert_int_equal(pm_adopt_write(a, dirs[order], &err), PM_OK);
        tables[order] = slurp(dirs[order], "adoptions.tsv");
        free(slurp(dirs[order], "experiments.tsv"));
        free(slurp(dirs[order], "edges.tsv"));
        free(slurp(dirs[order], "diffusion_summary.tsv"));
        free(slurp(dirs[order], "nodes.tsv"));
        rmdir(dirs[order]);
        pm_adopt_free(a);
        pm_adopt_free(part);
    }
    assert_string_equal(tables[0], tables[1]);
    assert_non_null(strstr(tables[0], "\t320500\t2010.1616\tprefecture\t320000\ta\t2010-03-01\tday\n"));
    assert_non_null(strstr(tables[0], "\t320200\t2008.0000\t"));
    assert_null(strstr(tables[0], "\te\t"));
    free(tables[0]);
    free(tables[1]);
}

/* The refresh checkpoint's round trip: a table loaded from another's saved bytes writes
 * the same tables; damaged bytes and a table that is not fresh are refused. */
static void test_save_load(void **state)
{
    (void)state;
    size_t exp = pm_dictset_dim_find(D, "experiment");
    pm_catset cats[16];
    memset(cats, 0, sizeof cats);
    pm_catset_set(&cats[exp], 0);
    pm_pnames pn;
    memset(&pn, 0, sizeof pn);
    pm_pnames_add(&pn, "街长制", strlen("街长制"), PM_PSRC_TITLE, 0);
    pm_adopt *a, *b;
    assert_int_equal(pm_adopt_create(&a, D, G, NULL), PM_OK);
    assert_int_equal(pm_adopt_create(&b, D, G, NULL), PM_OK);
    static const uint32_t codes[] = {320500, 320200, 330100, 110000, 440300};
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "d%02d", i);
        assert_int_equal(pm_adopt_add(a, id, 20100101 + (i % 7) * 10000 + i % 28, PM_LEVEL_PREFECTURE,
                                      codes[i % 5], codes[i % 5] / 10000 * 10000, cats, &pn), PM_OK);
    }
    assert_int_equal(pm_adopt_cite(a, 330100, 320500, 20150101), PM_OK);
    pm_buf sv;
    pm_buf_init(&sv, 1u << 24);
    assert_int_equal(pm_adopt_save(a, &sv), PM_OK);
    assert_int_equal(pm_adopt_load(b, sv.data, sv.len), PM_OK);
    assert_int_equal(pm_adopt_load(b, sv.data, sv.len), PM_ERR_ARG); /* not fresh */
    const char *names[] = {"adoptions.tsv", "experiments.tsv", "edges.tsv", "policies.tsv",
                           "diffusion_summary.tsv", "nodes.tsv", "network.tsv", "leaders.tsv"};
    char dirs[2][32] = {"/tmp/pm_saveA_XXXXXX", "/tmp/pm_saveB_XXXXXX"};
    pm_adopt *ab[2] = {a, b};
    char *t[2][8];
    for (int k = 0; k < 2; k++) {
        assert_non_null(mkdtemp(dirs[k]));
        pm_errctx err;
        assert_int_equal(pm_adopt_write(ab[k], dirs[k], &err), PM_OK);
        for (int n = 0; n < 8; n++)
            t[k][n] = slurp(dirs[k], names[n]);
        rmdir(dirs[k]);
    }
    for (int n = 0; n < 8; n++) {
        assert_string_equal(t[0][n], t[1][n]);
        free(t[0][n]);
        free(t[1][n]);
    }
    pm_adopt *c;
    assert_int_equal(pm_adopt_create(&c, D, G, NULL), PM_OK);
    assert_int_equal(pm_adopt_load(c, sv.data, sv.len - 1), PM_ERR_STATE); /* cut short */
    pm_adopt_free(c);
    pm_buf_free(&sv);
    pm_adopt_free(a);
    pm_adopt_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_year),
        cmocka_unit_test(test_adjacency),
        cmocka_unit_test(test_order_free_first_adoption),
        cmocka_unit_test(test_save_load),
    };
    return cmocka_run_group_tests_name("diffusion", tests, setup, teardown);
}
