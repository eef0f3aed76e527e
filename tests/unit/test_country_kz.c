/* Unit tests for the Kazakhstan pack through the country interface (country.h): the pack
 * header, the dense region index and its dated ancestor chain, the issuer / date / number /
 * registration finders on requisite lines in Russian and Kazakh, and the real evaluation
 * set tests/eval/kz/truth.tsv (dev and held-out scored apart; held-out must meet the
 * issue's targets). Texts of the seven shared acts are read from ../shared when present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/country.h"

static pm_country *K;
static char *slurp_all(const char *path, size_t *n);

static int setup(void **state)
{
    (void)state;
    pm_errctx err;
    pm_status st = pm_country_open(&K, "kz", "dictionaries", &err);
    if (st != PM_OK)
        fprintf(stderr, "kz pack: %s: %s\n", err.file, err.detail);
    return st == PM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pm_country_free(K);
    return 0;
}

static uint64_t code_of(uint32_t idx)
{
    const pm_region *r = pm_country_region_at(K, idx);
    return r ? r->code : UINT64_MAX;
}

static void test_header(void **state)
{
    (void)state;
    assert_string_equal(pm_country_name(K), "kz");
    assert_int_equal(pm_country_level_count(K), 4);
    assert_string_equal(pm_country_level_key(K, 0), "central");
    assert_string_equal(pm_country_level_key(K, 3), "okrug");
    assert_string_equal(pm_country_level_key(K, 9), "");
    assert_int_equal(pm_country_code_width(K), 9);
    char b[32];
    assert_string_equal(pm_country_format_code(K, 0, b, sizeof b), "000000000");
    assert_string_equal(pm_country_format_code(K, 104500000, b, sizeof b), "104500000");
    assert_int_equal(code_of(pm_country_national(K)), 0);
    assert_non_null(strstr(pm_country_checksum(K), "sha256:"));
    assert_null(pm_country_lookup("xx"));
    assert_non_null(pm_country_lookup("cn"));
    pm_country *bad = NULL;
    pm_errctx err;
    assert_int_equal(pm_country_open(&bad, "xx", "dictionaries", &err), PM_ERR_ARG);
    assert_null(bad);
    pm_country_free(NULL);
}

static void test_cn_header(void **state)
{
    (void)state;
    pm_country *c = NULL;
    pm_errctx err;
    assert_int_equal(pm_country_open(&c, "cn", "dictionaries", &err), PM_OK);
    assert_int_equal(pm_country_code_width(c), 6);
    assert_string_equal(pm_country_level_key(c, 2), "prefecture");
    /* no module hooks yet: the finders say "not found", never crash */
    pm_country_issuer is;
    assert_int_equal(pm_country_find_issuer(c, "x", 1, &is), 0);
    pm_country_free(c);
}

static void test_fold(void **state)
{
    (void)state;
    const char *s = "МӘСЛИХАТ Ұлытау Ёлка Қонаев";
    char out[64];
    assert_int_equal(pm_country_fold(s, strlen(s), out), strlen(s));
    assert_string_equal(out, "маслихат улытау елка конаев");
}

static void test_ancestry(void **state)
{
    (void)state;
    uint32_t semey = pm_country_region_find(K, 101000000, 0);
    uint32_t abai = pm_country_region_find(K, 100000000, 0);
    uint32_t vko = pm_country_region_find(K, 630000000, 0);
    assert_int_not_equal(semey, PM_REGION_NONE);
    /* today Семей is in Abai oblast; in 2020 it was in East Kazakhstan */
    assert_int_equal(pm_country_region_ancestor(K, semey, 1, 20250101), abai);
    assert_int_equal(pm_country_region_ancestor(K, semey, 1, 20200301), vko);
    assert_true(pm_country_region_within(K, semey, vko, 20200301));
    assert_false(pm_country_region_within(K, semey, vko, 20230101));
    assert_int_equal(pm_country_region_ancestor(K, semey, 0, 20250101), pm_country_national(K));
    /* Sairam district: Turkestan oblast today, South Kazakhstan (KATO 51) before 2018-06-19 */
    uint32_t sairam = pm_country_region_find(K, 615200000, 0);
    assert_int_equal(code_of(pm_country_region_ancestor(K, sairam, 1, 20161223)), 510000000);
    assert_int_equal(code_of(pm_country_region_ancestor(K, sairam, 1, 20190101)), 610000000);
    /* the 2022 oblast itself is not an ancestor of Taldykorgan in 2021 */
    uint32_t tk = pm_country_region_find(K, 331000000, 0);
    assert_int_equal(code_of(pm_country_region_ancestor(K, tk, 1, 20210505)), 190000000);
}

typedef struct want {
    const char *text;
    unsigned level;
    uint64_t code;
    const char *body;
    pm_ymd date;
    const char *no, *reg;
} want;

static void check(const want *w)
{
    pm_country_issuer is;
    size_t n = strlen(w->text);
    int got = pm_country_find_issuer(K, w->text, n, &is);
    if (!got || is.level != w->level || code_of(is.region) != w->code)
        fprintf(stderr, "issuer of «%s»: found %d level %u code %" PRIu64 "\n", w->text, got,
                is.level, code_of(is.region));
    assert_true(got);
    assert_int_equal(is.level, w->level);
    assert_int_equal(code_of(is.region), w->code);
    assert_string_equal(is.body, w->body);
    pm_ymd d;
    pm_cspan sp;
    assert_true(pm_country_find_date(K, w->text, n, &d, &sp));
    assert_int_equal(d, w->date);
    char b[64];
    assert_int_equal(pm_country_find_docno(K, w->text, n, b, sizeof b, &sp), w->no[0] != 0);
    assert_string_equal(b, w->no);
    assert_int_equal(pm_country_find_regno(K, w->text, n, b, sizeof b, &sp), w->reg[0] != 0);
    assert_string_equal(b, w->reg);
}

/* requisite lines in the forms the issue names (real acts' wording) */
static void test_requisites(void **state)
{
    (void)state;
    static const want W[] = {
        {"Решение маслихата Тайыншинского района Северо-Казахстанской области от 28 ноября "
         "2025 года № 266", 2, 596000000, "maslikhat", 20251128, "266", ""},
        {"Решение Кокшетауского городского маслихата Акмолинской области от 3 марта 2025 года "
         "№ 8С-26/2", 2, 111000000, "maslikhat", 20250303, "8С-26/2", ""},
        {"Решение маслихата района Мақаншы области Абай от 28 ноября 2025 года № 28-198/ VIII",
         2, 104500000, "maslikhat", 20251128, "28-198/VIII", ""},
        {"Постановление акимата Костанайской области от 2 мая 2024 года № 33/3- VIII. "
         "Зарегистрировано Департаментом юстиции Костанайской области 7 мая 2024 года № 3666",
         1, 390000000, "akimat", 20240502, "33/3-VIII", "3666"},
        {"Жамбыл облысы Байзақ аудандық мәслихатының 2025 жылғы 27 қарашадағы № 53-3 шешімі",
         2, 313600000, "maslikhat", 20251127, "53-3", ""},
        {"Қостанай облысы әкімдігінің 2016 жылғы 19 шілдедегі № 43/2-VIII қаулысы", 1,
         390000000, "akimat", 20160719, "43/2-VIII", ""},
        /* 2020: Семей is still in East Kazakhstan; the district is found either way */
        {"Решение Семейского городского маслихата Восточно-Казахстанской области от 20 мая 2020 "
         "года № 5-3", 2, 101000000, "maslikhat", 20200520, "5-3", ""},
        /* a historical oblast name */
        {"Решение маслихата Южно-Казахстанской области от 11 декабря 2015 года № 44/351-V", 1,
         510000000, "maslikhat", 20151211, "44/351-V", ""},
        /* Нур-Султан 2019-22 is Astana */
        {"Решение маслихата города Нур-Султана от 30 июня 2020 года № 504/71-VI", 1, 710000000,
         "maslikhat", 20200630, "504/71-VI", ""},
        /* Капшагай before its renaming is Қонаев's city administration */
        {"Решение Капшагайского городского маслихата от 24 декабря 2020 года № 78-295", 2,
         191000000, "maslikhat", 20201224, "78-295", ""},
        /* Талдыкорган of 2021 was in Almaty oblast: the oblast named beside it agrees */
        {"Решение Талдыкорганского городского маслихата Алматинской области от 5 мая 2021 года "
         "№ 7-31", 2, 331000000, "maslikhat", 20210505, "7-31", ""},
        /* a district of the old South Kazakhstan oblast */
        {"Решение маслихата Сайрамского района Южно-Казахстанской области от 23 декабря 2016 года "
         "№ 12-80/VI", 2, 615200000, "maslikhat", 20161223, "12-80/VI", ""},
        {"Постановление Правительства Республики Казахстан от 2025-03-14 № 120", 0, 0,
         "government", 20250314, "120", ""},
    };
    for (size_t i = 0; i < sizeof W / sizeof W[0]; i++)
        check(&W[i]);
}

/* a broken pack stops with the file and line, and leaves no handle */
static void test_bad_pack(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm_kzpackXXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128], path[160];
    snprintf(sub, sizeof sub, "%s/kz", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/pack.tsv", sub);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("name\tkz\ncode_width\t9\nnational_code\t0\nlevels\tcentral\toblast\n"
          "gazetteer\tgazetteer.tsv\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/gazetteer.tsv", sub);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("R\t000000000\t0\t-\t0\t0\tRK\tRK\nR\t190000000\t1\t777\t0\t0\tX\tX\n", f);
    fclose(f);
    pm_country *c = (pm_country *)1;
    pm_errctx err;
    assert_int_equal(pm_country_open(&c, "kz", dir, &err), PM_ERR_DICT_SYNTAX);
    assert_null(c);
    assert_int_equal(err.line, 2); /* the parent 777 is not in the gazetteer */
    assert_non_null(strstr(err.file, "gazetteer.tsv"));
    remove(path);
    snprintf(path, sizeof path, "%s/pack.tsv", sub);
    remove(path);
    rmdir(sub);
    rmdir(dir);
}

/* bad and empty input never crash and find nothing */
static void test_garbage(void **state)
{
    (void)state;
    static const char junk[] = "\xff\xfe\xd0 № № 12 от от 99 ноября 12345 года \xd3";
    pm_country_issuer is;
    pm_ymd d;
    pm_cspan sp;
    char b[8];
    assert_int_equal(pm_country_find_issuer(K, "", 0, &is), 0);
    pm_country_find_issuer(K, junk, sizeof junk - 1, &is);
    assert_int_equal(pm_country_find_date(K, junk, sizeof junk - 1, &d, &sp), 0);
    pm_country_find_docno(K, junk, sizeof junk - 1, b, sizeof b, &sp);
    assert_true(strlen(b) < sizeof b);
}

/* the sample corpus (corpora/kz/sample.xml): every act's issuer, date and number are found */
static void test_sample_corpus(void **state)
{
    (void)state;
    size_t n;
    char *x = slurp_all("corpora/kz/sample.xml", &n);
    assert_non_null(x);
    unsigned docs = 0;
    static const uint64_t want[] = {596000000, 390000000, 104500000, 111000000, 0};
    for (char *p = strstr(x, "<body>"); p; p = strstr(p, "<body>")) {
        p += 6;
        char *e = strstr(p, "</body>");
        assert_non_null(e);
        pm_country_issuer is;
        assert_true(pm_country_find_issuer(K, p, (size_t)(e - p), &is));
        assert_true(docs < sizeof want / sizeof want[0]);
        assert_int_equal(code_of(is.region), want[docs]);
        pm_ymd d;
        pm_cspan sp;
        char b[32];
        assert_true(pm_country_find_date(K, p, (size_t)(e - p), &d, &sp));
        assert_true(d >= 20250101 && d <= 20251231);
        assert_true(pm_country_find_docno(K, p, (size_t)(e - p), b, sizeof b, &sp));
        docs++;
        p = e;
    }
    assert_int_equal(docs, 5);
    free(x);
}

/* ---- the real evaluation set ------------------------------------------------------------ */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(8192 + 1);
    *n = buf ? fread(buf, 1, 8192, f) : 0;
    fclose(f);
    if (buf)
        buf[*n] = '\0';
    return buf;
}

static char *slurp_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(65536 + 1);
    *n = buf ? fread(buf, 1, 65536, f) : 0;
    fclose(f);
    if (buf)
        buf[*n] = '\0';
    return buf;
}

static void test_eval(void **state)
{
    (void)state;
    FILE *f = fopen("tests/eval/kz/truth.tsv", "r");
    assert_non_null(f);
    char line[4096];
    unsigned tot[2] = {0}, lv[2] = {0}, code[2] = {0}, dt[2] = {0}, no[2] = {0}, rg[2] = {0};
    unsigned skipped = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || strncmp(line, "id\t", 3) == 0)
            continue;
        char *fld[8];
        size_t nf = 0;
        for (char *p = line; nf < 8; nf++) {
            fld[nf] = p;
            char *t = strchr(p, '\t');
            if (!t) {
                nf++;
                break;
            }
            *t = '\0';
            p = t + 1;
        }
        assert_int_equal(nf, 8);
        int h = strcmp(fld[1], "heldout") == 0;
        char *text = fld[7], *own = NULL;
        size_t n = strlen(text);
        if (strncmp(fld[0], "shared:", 7) == 0) {
            char path[1024];
            snprintf(path, sizeof path, "../shared/data/%s", fld[0] + 7);
            if (!(own = slurp(path, &n))) {
                skipped++;
                continue;
            }
            text = own;
        }
        tot[h]++;
        pm_country_issuer is;
        pm_ymd d = 0;
        pm_cspan sp;
        char b[64], cb[32];
        pm_country_find_issuer(K, text, n, &is);
        int ok_lv = is.found && strcmp(pm_country_level_key(K, is.level), fld[2]) == 0;
        int ok_code = is.found &&
                      strcmp(pm_country_format_code(K, code_of(is.region), cb, sizeof cb), fld[3]) == 0;
        pm_country_find_date(K, text, n, &d, &sp);
        int ok_dt = d == (pm_ymd)strtoul(fld[4], NULL, 10);
        pm_country_find_docno(K, text, n, b, sizeof b, &sp);
        int ok_no = strcmp(b, fld[5]) == 0;
        pm_country_find_regno(K, text, n, b + 32, 32, &sp);
        int ok_rg = strcmp(b + 32, fld[6]) == 0;
        rg[h] += ok_rg;
        lv[h] += ok_lv;
        code[h] += ok_code;
        dt[h] += ok_dt;
        no[h] += ok_no;
        if (!(ok_lv && ok_code && ok_dt && ok_no))
            fprintf(stderr, "  miss %s [%s]: level %s code %s date %u no '%s'\n", fld[0], fld[1],
                    is.found ? pm_country_level_key(K, is.level) : "-",
                    is.found ? cb : "-", d, b);
        free(own);
    }
    fclose(f);
    for (int h = 0; h < 2; h++)
        if (tot[h])
            fprintf(stderr,
                    "kz eval %-7s n=%u level %.1f%% code %.1f%% date %.1f%% number %.1f%% "
                    "registration %.1f%%\n",
                    h ? "heldout" : "dev", tot[h], 100.0 * lv[h] / tot[h], 100.0 * code[h] / tot[h],
                    100.0 * dt[h] / tot[h], 100.0 * no[h] / tot[h], 100.0 * rg[h] / tot[h]);
    if (skipped)
        fprintf(stderr, "kz eval: %u shared acts skipped (../shared/data/kz absent)\n", skipped);
    assert_true(tot[1] > 0);
    /* the targets, on the held-out part */
    assert_true(lv[1] * 100 >= 95 * tot[1]);
    assert_true(code[1] * 100 >= 95 * tot[1]);
    assert_true(dt[1] * 100 >= 98 * tot[1]);
    assert_true(no[1] * 100 >= 95 * tot[1]);
    assert_true(rg[1] * 100 >= 95 * tot[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),   cmocka_unit_test(test_cn_header),
        cmocka_unit_test(test_fold),     cmocka_unit_test(test_ancestry),
        cmocka_unit_test(test_requisites), cmocka_unit_test(test_garbage), cmocka_unit_test(test_bad_pack),
        cmocka_unit_test(test_sample_corpus), cmocka_unit_test(test_eval),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
