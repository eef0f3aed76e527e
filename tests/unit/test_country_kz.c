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
    int y0, y1; /* the years of its acts are the pack's, not China's 1949 */
    pm_country_years(K, &y0, &y1);
    assert_int_equal(y0, 1920);
    assert_int_equal(y1, 2100);
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
    int y0, y1;
    pm_country_years(c, &y0, &y1);
    assert_int_equal(y0, 1949);
    assert_int_equal(y1, 2100);
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

/* The cache of real acts' metadata (repo, path, approved_on, approved_by, requisite), read
 * from the public kazakhstan-law repositories and kept OUTSIDE the project ($PM_KZ_CACHE or
 * ../kz-cache): the project holds ids and truth only. */
typedef struct cached {
    char *id, *text;
} cached;
static cached *CACHE;
static size_t NCACHE;
static int CACHE_TRIED;
static char CACHE_PATH[1024];

static void cache_file(const char *dir, const char *name)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *fld[5];
        size_t nf = 0;
        for (char *p = line; nf < 5; nf++) {
            fld[nf] = p;
            char *t = strchr(p, '\t');
            if (!t) {
                nf++;
                break;
            }
            *t = '\0';
            p = t + 1;
        }
        if (nf != 5)
            continue;
        cached *c = realloc(CACHE, (NCACHE + 1) * sizeof *CACHE);
        assert_non_null(c);
        CACHE = c;
        size_t a = strlen(fld[0]), b = strlen(fld[1]);
        CACHE[NCACHE].id = malloc(a + b + 2);
        assert_non_null(CACHE[NCACHE].id);
        memcpy(CACHE[NCACHE].id, fld[0], a);
        CACHE[NCACHE].id[a] = ':';
        memcpy(CACHE[NCACHE].id + a + 1, fld[1], b + 1);
        CACHE[NCACHE].text = strdup(fld[4]);
        NCACHE++;
    }
    fclose(f);
}

/* meta.tsv: the first two sets' requisites; meta-b.tsv: the fresh held-out set's */
static void cache_load(void)
{
    if (CACHE_TRIED)
        return;
    CACHE_TRIED = 1;
    const char *dir = getenv("PM_KZ_CACHE");
    dir = dir && *dir ? dir : "../kz-cache";
    snprintf(CACHE_PATH, sizeof CACHE_PATH, "%s", dir);
    cache_file(dir, "meta.tsv");
    cache_file(dir, "meta-b.tsv");
}

static const char *cache_text(const char *id)
{
    cache_load();
    for (size_t i = 0; i < NCACHE; i++)
        if (strcmp(CACHE[i].id, id) == 0)
            return CACHE[i].text;
    return NULL;
}

typedef struct score {
    unsigned tot, lv, code, dt, no, rg;
} score;

/* Scores one truth file. Columns are found by name in its header (id, split, level, kato,
 * date, number, regno; lang and body when present). sc[0] = dev, sc[1] = held-out. */
static unsigned eval_file(const char *path, score sc[2], unsigned *absent)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int col[8] = {-1, -1, -1, -1, -1, -1, -1, -1}; /* id split level kato date number regno */
    static const char *const names[7] = {"id", "split", "level", "kato", "date", "number", "regno"};
    unsigned rows = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || !line[0])
            continue;
        char *fld[16];
        size_t nf = 0;
        for (char *p = line; nf < 16; nf++) {
            fld[nf] = p;
            char *t = strchr(p, '\t');
            if (!t) {
                nf++;
                break;
            }
            *t = '\0';
            p = t + 1;
        }
        if (strcmp(fld[0], "id") == 0) {
            for (size_t k = 0; k < nf; k++)
                for (int c = 0; c < 7; c++)
                    if (strcmp(fld[k], names[c]) == 0)
                        col[c] = (int)k;
            continue;
        }
        for (int c = 0; c < 7; c++)
            assert_true(col[c] >= 0 && (size_t)col[c] < nf);
        rows++;
        const char *id = fld[col[0]];
        int h = strcmp(fld[col[1]], "heldout") == 0;
        char *own = NULL;
        const char *text;
        size_t n;
        if (strncmp(id, "shared:", 7) == 0) {
            char p2[1024];
            snprintf(p2, sizeof p2, "../shared/data/%s", id + 7);
            if (!(own = slurp(p2, &n))) {
                (*absent)++;
                continue;
            }
            text = own;
        } else {
            if (!(text = cache_text(id))) {
                (*absent)++;
                continue;
            }
            n = strlen(text);
        }
        score *s = &sc[h];
        s->tot++;
        pm_country_issuer is;
        pm_ymd d = 0;
        pm_cspan sp;
        char b[64], rb[64], cb[32];
        pm_country_find_issuer(K, text, n, &is);
        int ok_lv = is.found && strcmp(pm_country_level_key(K, is.level), fld[col[2]]) == 0;
        int ok_code = is.found && strcmp(pm_country_format_code(K, code_of(is.region), cb, sizeof cb),
                                         fld[col[3]]) == 0;
        pm_country_find_date(K, text, n, &d, &sp);
        int ok_dt = d == (pm_ymd)strtoul(fld[col[4]], NULL, 10);
        b[0] = rb[0] = '\0';
        pm_country_find_docno(K, text, n, b, sizeof b, &sp);
        int ok_no = strcmp(b, fld[col[5]]) == 0;
        pm_country_find_regno(K, text, n, rb, sizeof rb, &sp);
        int ok_rg = strcmp(rb, fld[col[6]]) == 0;
        s->lv += ok_lv;
        s->code += ok_code;
        s->dt += ok_dt;
        s->no += ok_no;
        s->rg += ok_rg;
        if (!(ok_lv && ok_code && ok_dt && ok_no && ok_rg) && getenv("PM_KZ_EVAL_VERBOSE"))
            fprintf(stderr, "  miss %s [%s]: level %s code %s date %u no '%s' reg '%s'\n",
                    id + (strlen(id) > 60 ? strlen(id) - 60 : 0), fld[col[1]],
                    is.found ? pm_country_level_key(K, is.level) : "-", is.found ? cb : "-", d, b,
                    rb);
        free(own);
    }
    fclose(f);
    return rows;
}

static void print_score(const char *set, const char *part, const score *s)
{
    if (!s->tot)
        return;
    fprintf(stderr,
            "kz eval %-8s %-7s n=%u level %.1f%% code %.1f%% date %.1f%% number %.1f%% "
            "registration %.1f%%\n",
            set, part, s->tot, 100.0 * s->lv / s->tot, 100.0 * s->code / s->tot,
            100.0 * s->dt / s->tot, 100.0 * s->no / s->tot, 100.0 * s->rg / s->tot);
}

/* the targets (issue 13 "Done when") */
static void assert_targets(const score *s)
{
    assert_true(s->lv * 100 >= 95 * s->tot);
    assert_true(s->code * 100 >= 95 * s->tot);
    assert_true(s->dt * 100 >= 98 * s->tot);
    assert_true(s->no * 100 >= 95 * s->tot);
}

/* The first set (tests/eval/kz/truth.tsv): used while the pack was written, so a
 * development set now; its held-out half keeps the gate it had. */
static void test_eval(void **state)
{
    (void)state;
    score sc[2] = {{0}};
    unsigned absent = 0;
    eval_file("tests/eval/kz/truth.tsv", sc, &absent);
    print_score("truth", "dev", &sc[0]);
    print_score("truth", "heldout", &sc[1]);
    if (absent)
        fprintf(stderr, "kz eval truth: %u acts skipped (text absent: ../shared/data/kz or %s)\n",
                absent, CACHE_PATH);
    if (!sc[1].tot) {
        skip();
        return;
    }
    assert_targets(&sc[1]);
    assert_true(sc[1].rg * 100 >= 95 * sc[1].tot);
}

/* One set of real local acts, truth from the source's own metadata
 * (tests/eval/kz/build-heldout.py), gated on its held-out part. */
static void eval_set(const char *name, const char *path)
{
    score sc[2] = {{0}};
    unsigned absent = 0;
    unsigned rows = eval_file(path, sc, &absent);
    assert_true(rows >= 60);
    if (absent == rows) {
        fprintf(stderr,
                "kz eval %s: SKIPPED - the cache of real acts (%s/meta.tsv, meta-b.tsv) is "
                "absent: the %u acts' texts live outside the project "
                "(tests/eval/kz/README.md says how to rebuild it)\n",
                name, CACHE_PATH, rows);
        skip();
        return;
    }
    print_score(name, "dev", &sc[0]);
    print_score(name, "heldout", &sc[1]);
    if (absent)
        fprintf(stderr, "kz eval %s: %u of %u acts absent from %s\n", name, absent, rows,
                CACHE_PATH);
    assert_targets(&sc[1]);
}

/* The first 81-act set (heldout.tsv): its held-out misses guided the fixes of round 1, so
 * it is a development set now; it stays gated as a regression check. */
static void test_eval_heldout(void **state)
{
    (void)state;
    eval_set("set1", "tests/eval/kz/heldout.tsv");
}

/* The fresh held-out set (heldout2.tsv): 70 acts fetched after round 1 was frozen and
 * scored once, never used for a change. The gate. */
static void test_eval_fresh(void **state)
{
    (void)state;
    eval_set("set2", "tests/eval/kz/heldout2.tsv");
}

/* which pack a dictionary directory names (--country, -d DIR, the flat layout) */
static void test_open_dir(void **state)
{
    (void)state;
    pm_errctx err;
    pm_country *c = NULL;
    assert_int_equal(pm_country_open_dir(&c, NULL, "dictionaries/kz", &err), PM_OK);
    assert_string_equal(pm_country_name(c), "kz"); /* -d dictionaries/kz: the dir is the pack */
    pm_country_free(c);
    assert_int_equal(pm_country_open_dir(&c, "kz", "dictionaries", &err), PM_OK);
    assert_string_equal(pm_country_name(c), "kz");
    pm_country_free(c);
    assert_int_equal(pm_country_open_dir(&c, "xx", "dictionaries", &err), PM_ERR_ARG);
    assert_null(c);
    char b[2200];
    assert_string_equal(pm_country_dict_dir("dictionaries", "kz", b, sizeof b), "dictionaries/kz");
    assert_string_equal(pm_country_dict_dir("dictionaries", NULL, b, sizeof b), "dictionaries/cn");
    assert_string_equal(pm_country_dict_dir("dictionaries/kz", "kz", b, sizeof b),
                        "dictionaries/kz");
    /* a flat directory of older versions (China's files at the top) is refused, clearly */
    char tmp[] = "/tmp/pm-flat-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    char p[256];
    snprintf(p, sizeof p, "%s/gazetteer.tsv", tmp);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(pm_country_open_dir(&c, NULL, tmp, &err), PM_ERR_OPEN);
    assert_non_null(strstr(err.detail, "flat layout"));
    unlink(p);
    rmdir(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),   cmocka_unit_test(test_cn_header),
        cmocka_unit_test(test_fold),     cmocka_unit_test(test_ancestry),
        cmocka_unit_test(test_requisites), cmocka_unit_test(test_garbage), cmocka_unit_test(test_bad_pack),
        cmocka_unit_test(test_sample_corpus), cmocka_unit_test(test_eval),
        cmocka_unit_test(test_eval_heldout), cmocka_unit_test(test_eval_fresh),
        cmocka_unit_test(test_open_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
