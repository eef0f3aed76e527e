/* Unit tests for the region half of the country packs (issue 13): the region store and its
 * API on a tiny pack of 9-digit codes whose national code is 0 (tests/data/regions/kz),
 * and counts, adoptions, edges, nodes, NetInf and the EHA panel driven through it: codes
 * print at width 9, provinces are ancestors (on the document's date), neighbours come from
 * the pack's adjacency file. Also: China's pack agrees with China's gazetteer. */
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

#include "policyminer/country.h"
#include "policyminer/diffusion.h"
#include "policyminer/gazetteer.h"
#include "policyminer/sinks.h"
#include "policyminer/ymd.h"

#define PACKS "tests/data/regions"

static pm_country *K; /* the 9-digit test pack */
static pm_dictset *D; /* China's dictionaries: only for an experiment dimension */

static int setup(void **state)
{
    (void)state;
    pm_errctx err;
    pm_dict_options o;
    pm_dict_options_default(&o);
    if (pm_dictset_load(&D, "dictionaries/cn", &o, &err) != PM_OK)
        return -1;
    if (pm_country_open(&K, "kz", PACKS, &err) != PM_OK) {
        fprintf(stderr, "%s: %s\n", err.file, err.detail);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pm_country_free(K);
    pm_dictset_free(D);
    return 0;
}

static uint32_t idx(uint64_t code)
{
    uint32_t r = pm_country_region_find(K, code, 0);
    assert_true(r != PM_REGION_NONE);
    return r;
}

static const char *code_of(uint32_t r)
{
    static char buf[PM_COUNTRY_CODE_BUF];
    return pm_country_format_region(K, r, buf, sizeof buf);
}

static void test_store(void **state)
{
    (void)state;
    assert_int_equal(pm_country_code_width(K), 9);
    assert_int_equal(pm_country_region_count(K), 9);
    uint32_t nat = pm_country_national(K);
    assert_int_equal(pm_country_region_at(K, nat)->code, 0);
    assert_string_equal(code_of(nat), "000000000");
    char b[PM_COUNTRY_CODE_BUF];
    assert_string_equal(pm_country_format_code(K, 101010000, b, sizeof b), "101010000");
    assert_string_equal(pm_country_format_region(K, PM_REGION_NONE, b, sizeof b), "");
    /* levels: the pack's vocabulary, record level = 1 + pack level, 0 unknown */
    assert_string_equal(pm_country_record_level_key(K, 0), "unknown");
    assert_string_equal(pm_country_record_level_key(K, 1), "central");
    assert_string_equal(pm_country_record_level_key(K, 3), "district");
    assert_string_equal(pm_country_record_level_key(K, 9), "unknown");
    assert_int_equal(pm_country_level_size(K, 1), 3);
    assert_int_equal(pm_country_level_size(K, 3), 1);
    assert_int_equal(pm_country_level_region(K, 3, 0), idx(101010000));
    assert_int_equal(pm_country_level_region(K, 3, 1), PM_REGION_NONE);
    /* unknown is level 0, never code 0: code 0 is the republic */
    assert_int_equal(pm_country_record_region(K, 0, 0, 0), PM_REGION_NONE);
    assert_int_equal(pm_country_record_region(K, 1, 0, 20200101), nat);
    assert_int_equal(pm_country_record_region(K, 1, 123, 20200101), nat);
    assert_int_equal(pm_country_record_province(K, 1, 0, 20200101), PM_REGION_NONE);
    assert_int_equal(pm_country_record_region(K, 3, 999999999, 0), PM_REGION_NONE);
    /* a level known without its region: code 0 (the republic) is no district */
    assert_int_equal(pm_country_record_region(K, 3, 0, 20200101), PM_REGION_NONE);
    assert_int_equal(pm_country_record_province_code(K, 3, 0), PM_REGION_NONE);
    assert_int_equal(pm_country_record_province_code(K, 3, 100000000), idx(100000000));
    assert_int_equal(pm_country_record_province_code(K, 3, 101000000), PM_REGION_NONE);
    assert_int_equal(pm_country_record_province_code(K, 1, 100000000), PM_REGION_NONE);
    /* ancestors from the file: an okrug's province is its oblast */
    assert_int_equal(pm_country_record_province(K, 4, 101010000, 20200101), idx(100000000));
    assert_int_equal(pm_country_region_ancestor(K, idx(101010000), 2, 0), idx(101000000));
    assert_int_equal(pm_country_record_province(K, 2, 200000000, 0), idx(200000000));
    /* and by date: C1 belonged to A until oblast C was made in June 2022 */
    assert_int_equal(pm_country_record_province(K, 3, 301000000, 20200101), idx(100000000));
    assert_int_equal(pm_country_record_province(K, 3, 301000000, 20230101), idx(300000000));
    assert_true(pm_country_region_within(K, idx(301000000), idx(100000000), 20210101));
    assert_false(pm_country_region_within(K, idx(301000000), idx(100000000), 20230101));
    assert_int_equal(pm_country_region_find(K, 300000000, 20200101), PM_REGION_NONE);
    assert_int_equal(pm_country_region_find(K, 300000000, 20230101), idx(300000000));
    /* neighbours: the adjacency file, symmetric */
    assert_int_equal(pm_country_adjacency_count(K), 2);
    assert_true(pm_country_region_neighbours(K, idx(100000000), idx(200000000)));
    assert_true(pm_country_region_neighbours(K, idx(200000000), idx(100000000)));
    assert_false(pm_country_region_neighbours(K, idx(100000000), idx(300000000)));
    assert_false(pm_country_region_neighbours(K, idx(100000000), PM_REGION_NONE));
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_bad_adjacency(void **state)
{
    (void)state;
    char root[] = "/tmp/pm_pack_XXXXXX";
    assert_non_null(mkdtemp(root));
    char dir[600];
    snprintf(dir, sizeof dir, "%s/kz", root);
    assert_int_equal(mkdir(dir, 0700), 0);
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "cp " PACKS "/kz/pack.tsv " PACKS "/kz/gazetteer.tsv " PACKS
             "/kz/organs.tsv %s/", dir);
    assert_int_equal(system(cmd), 0);
    pm_country *c = NULL;
    pm_errctx err;
    put(dir, "adjacency.tsv", "100000000\t200000000\n"); /* one direction only */
    assert_int_equal(pm_country_open(&c, "kz", root, &err), PM_ERR_DICT_SYNTAX);
    assert_null(c);
    assert_non_null(strstr(err.detail, "asymmetric"));
    put(dir, "adjacency.tsv", "100000000\t555000000\n"); /* not a region */
    assert_int_equal(pm_country_open(&c, "kz", root, &err), PM_ERR_DICT_SYNTAX);
    put(dir, "adjacency.tsv", "# no borders at all\n");
    assert_int_equal(pm_country_open(&c, "kz", root, &err), PM_OK);
    assert_false(pm_country_region_neighbours(c, pm_country_region_find(c, 100000000, 0),
                                              pm_country_region_find(c, 200000000, 0)));
    pm_country_free(c);
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
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
    return buf;
}

static void test_counts(void **state)
{
    (void)state;
    size_t exp = pm_dictset_dim_find(D, "experiment");
    pm_catset cats[PM_MAX_DIMS];
    memset(cats, 0, sizeof cats);
    pm_catset_set(&cats[exp], 0);
    pm_counts *c;
    assert_int_equal(pm_counts_create(&c, D, K), PM_OK);
    assert_int_equal(pm_counts_add(c, 2020, (pm_level)3, 100000000, cats), PM_OK);
    assert_int_equal(pm_counts_add(c, 2020, (pm_level)4, 100000000, cats), PM_OK);
    assert_int_equal(pm_counts_add(c, 2020, (pm_level)3, 200000000, cats), PM_OK);
    assert_int_equal(pm_counts_add(c, 2020, (pm_level)1, 0, cats), PM_OK); /* the republic */
    assert_int_equal(pm_counts_add(c, 2021, (pm_level)0, 0, cats), PM_OK); /* unknown */
    assert_int_equal(pm_counts_add(c, 2022, (pm_level)3, 0, cats), PM_OK); /* no province */
    char dir[] = "/tmp/pm_rcounts_XXXXXX";
    assert_non_null(mkdtemp(dir));
    pm_errctx err;
    pm_outfile *f;
    assert_int_equal(pm_outfile_open(&f, dir, "counts.tsv", &err), PM_OK);
    assert_int_equal(pm_counts_write(c, f, &err), PM_OK);
    assert_int_equal(pm_outfile_commit(f, &err), PM_OK);
    char *t = slurp(dir, "counts.tsv");
    assert_non_null(strstr(t, "\n2020\tcentral\t\tlevel\tcentral\t1\n"));
    assert_non_null(strstr(t, "\n2020\tdistrict\t100000000\tlevel\tdistrict\t1\n"));
    assert_non_null(strstr(t, "\n2020\tokrug\t100000000\tlevel\tokrug\t1\n"));
    assert_non_null(strstr(t, "\n2020\tdistrict\t200000000\tlevel\tdistrict\t1\n"));
    assert_non_null(strstr(t, "\n2021\tunknown\t\tlevel\tunknown\t1\n"));
    assert_non_null(strstr(t, "\n2022\tdistrict\t\tlevel\tdistrict\t1\n"));
    /* provinces in the pack's order: A before B */
    assert_true(strstr(t, "\n2020\tdistrict\t100000000\t") < strstr(t, "\n2020\tdistrict\t200000000\t"));
    free(t);
    char p[600];
    snprintf(p, sizeof p, "%s/counts.tsv", dir);
    unlink(p);
    rmdir(dir);
    pm_counts_free(c);
}

static void test_adoptions(void **state)
{
    (void)state;
    size_t exp = pm_dictset_dim_find(D, "experiment");
    assert_true(exp != (size_t)-1);
    const char *casc = pm_dictset_cat_key(D, exp, 0);
    pm_catset cats[PM_MAX_DIMS];
    memset(cats, 0, sizeof cats);
    pm_catset_set(&cats[exp], 0);
    struct { const char *id; int32_t date; unsigned lv; uint32_t code, prov; } docs[] = {
        {"a1", 20180301, 3, 101000000, 100000000},
        {"rep", 20190101, 1, 0, 0},           /* the republic, code 0 */
        {"b1", 20190601, 3, 201000000, 200000000},
        {"a", 20200101, 2, 100000000, 100000000},
        {"c1", 20210101, 3, 301000000, 100000000}, /* in A then */
        {"ok", 20210601, 4, 101010000, 100000000},
        {"unk", 20200101, 0, 0, 0},           /* unknown: cannot adopt */
        {"amb", 20200101, 3, 0, 0},           /* a district not resolved: code 0 is the
                                               * republic's, not this record's region */
    };
    pm_diffusion_options o;
    pm_diffusion_options_default(&o);
    o.eha_panel = 1;
    o.netinf_edges = 3;
    o.generic_policies = 0;
    o.discover = 0;
    pm_adopt *a;
    assert_int_equal(pm_adopt_create(&a, D, K, &o), PM_OK);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        assert_int_equal(pm_adopt_add(a, docs[i].id, docs[i].date, (pm_level)docs[i].lv,
                                      docs[i].code, docs[i].prov, cats, NULL), PM_OK);
    char dir[] = "/tmp/pm_radopt_XXXXXX";
    assert_non_null(mkdtemp(dir));
    pm_errctx err;
    assert_int_equal(pm_adopt_write(a, dir, &err), PM_OK);
    char line[512];

    char *t = slurp(dir, "adoptions.tsv");
    snprintf(line, sizeof line, "\n%s\t000000000\t2019.0000\tcentral\t\trep\t2019-01-01\tday\n", casc);
    assert_non_null(strstr(t, line));
    snprintf(line, sizeof line, "\n%s\t101010000\t", casc);
    assert_non_null(strstr(t, line));
    assert_non_null(strstr(t, "\tokrug\t100000000\tok\t2021-06-01\tday\n"));
    assert_null(strstr(t, "\tunk\t"));
    assert_null(strstr(t, "\tamb\t"));
    free(t);

    t = slurp(dir, "edges.tsv");
    snprintf(line, sizeof line, "\n%s\t101000000\t100000000\t", casc);
    assert_non_null(strstr(t, line));
    assert_non_null(strstr(strstr(t, line), "\tup\t"));
    snprintf(line, sizeof line, "\n%s\t101000000\t201000000\t", casc);
    assert_non_null(strstr(t, line));
    assert_non_null(strstr(strstr(t, line), "\tneighbouring_province\t"));
    snprintf(line, sizeof line, "\n%s\t201000000\t301000000\t", casc); /* C1 was in A */
    assert_non_null(strstr(t, line));
    assert_non_null(strstr(strstr(t, line), "\tneighbouring_province\t"));
    snprintf(line, sizeof line, "\n%s\t101000000\t301000000\t", casc);
    assert_non_null(strstr(strstr(t, line), "\tsame_province\t"));
    free(t);

    t = slurp(dir, "experiments.tsv");
    snprintf(line, sizeof line, "\n%s\texperiment\t101000000\tDistrict A1\tdistrict\t2018-03-01\tday\t6\t", casc);
    assert_non_null(strstr(t, line));
    free(t);

    t = slurp(dir, "nodes.tsv");
    assert_non_null(strstr(t, "\n000000000\tRepublic\tcentral\t\t\t\n"));
    assert_non_null(strstr(t, "\n101010000\tOkrug A1a\tokrug\t100000000\t\t\n"));
    assert_null(strstr(t, "\n300000000\t")); /* made in 2022, after the last adoption */
    free(t);

    t = slurp(dir, "diffusion_summary.tsv");
    assert_non_null(strstr(t, "\nexperiment\tshare_origin_district\t1.0000\t1\n"));
    assert_non_null(strstr(t, "\nexperiment\tshare_origin_okrug\t"));
    free(t);

    t = slurp(dir, "leaders.tsv");
    assert_non_null(strstr(t, "\n301000000\tCity C1\tdistrict\t100000000\t1\t0\t"));
    assert_non_null(strstr(t, "\n000000000\tRepublic\tcentral\t\t1\t0\t"));
    free(t);

    t = slurp(dir, "network.tsv");
    char *nl = strchr(t, '\n');
    assert_non_null(nl);
    assert_true(nl[1] != '\0'); /* NetInf chose edges */
    for (char *l = nl + 1; *l; l = strchr(l, '\n') + 1) { /* origin and destination: 9 digits */
        assert_true(strspn(l, "0123456789") == 9 && l[9] == '\t');
        assert_true(strspn(l + 10, "0123456789") == 9 && l[19] == '\t');
    }
    free(t);

    t = slurp(dir, "eha_panel.tsv");
    /* B1 in 2019: nothing earlier in B, A1 (2018) across the border; the centre not yet */
    snprintf(line, sizeof line, "\n%s\t201000000\t2019\t1\t0\t1\t0\tdistrict\t200000000\n", casc);
    assert_non_null(strstr(t, line));
    /* A2 never adopts: in 2021 A has A1 (2018) and A (2020) before it, B1 next door */
    snprintf(line, sizeof line, "\n%s\t102000000\t2021\t0\t2\t1\t1\tdistrict\t100000000\n", casc);
    assert_non_null(strstr(t, line));
    /* the republic is no member of the risk set */
    snprintf(line, sizeof line, "\n%s\t000000000\t", casc);
    assert_null(strstr(t, line));
    free(t);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    pm_adopt_free(a);
}

static void test_ymd(void **state)
{
    (void)state;
    char b[PM_YMD_BUF];
    assert_string_equal(pm_ymd_format(20150312, PM_YMD_YEAR, b, sizeof b), "2015-03-12");
    assert_string_equal(pm_ymd_format(20150300, PM_YMD_YEAR, b, sizeof b), "2015-03");
    assert_string_equal(pm_ymd_format(20150000, PM_YMD_YEAR, b, sizeof b), "2015");
    assert_string_equal(pm_ymd_format(20150000, PM_YMD_DAY, b, sizeof b), "");
    assert_string_equal(pm_ymd_format(0, PM_YMD_YEAR, b, sizeof b), "");
    assert_string_equal(pm_ymd_precision_word(20150312), "day");
    assert_string_equal(pm_ymd_precision_word(20150300), "month");
    assert_string_equal(pm_ymd_precision_word(20150000), "year");
    assert_string_equal(pm_ymd_precision_word(0), "");
    assert_int_equal(pm_ymd_year(20150312), 2015);
}

/* China's pack: one region per gazetteer record after 全国, and the ancestor chain built
 * from parent_code gives every record the province its province_code names. */
static void test_china_pack(void **state)
{
    (void)state;
    pm_country *c;
    pm_errctx err;
    assert_int_equal(pm_country_open(&c, "cn", "dictionaries", &err), PM_OK);
    const pm_gazetteer *g = pm_country_gazetteer(c);
    assert_non_null(g);
    assert_null(pm_country_gazetteer(K));
    assert_int_equal(pm_country_region_count(c), pm_gaz_count(g) + 1);
    const pm_region *nat = pm_country_region_at(c, pm_country_national(c));
    assert_int_equal(nat->code, PM_CODE_CENTRAL);
    assert_string_equal(nat->name, "全国");
    for (size_t i = 0; i < pm_gaz_count(g); i++) {
        const pm_division *d = pm_gaz_at(g, i);
        uint32_t r = pm_country_record_province(c, d->level, d->code,
                                                (pm_ymd)d->first_year * 10000u);
        assert_true(r != PM_REGION_NONE);
        assert_int_equal(pm_country_region_at(c, r)->code, d->province_code);
        assert_string_equal(pm_country_record_level_key(c, d->level), pm_level_key(d->level));
    }
    char b[PM_COUNTRY_CODE_BUF];
    assert_string_equal(pm_country_format_code(c, 110000, b, sizeof b), "110000");
    assert_true(pm_country_region_neighbours(c, pm_country_region_find(c, 320000, 0),
                                             pm_country_region_find(c, 330000, 0)));
    assert_int_equal(strncmp(pm_country_checksum(c), "sha256:", 7), 0);
    pm_country_free(c);
    pm_country_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_bad_adjacency),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_adoptions),
        cmocka_unit_test(test_ymd),
        cmocka_unit_test(test_china_pack),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
