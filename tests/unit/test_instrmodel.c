/* Unit tests for classify/instrmodel.c, the clause model of dictionary hits: its feature
 * stream equals the trainer's (scripts/train-instrument-model, whose `features` produced
 * the expected streams below), a judged hit is dropped or kept by its score, a dropped hit
 * lets a later one of the same category count, the audit reports the judgement and decides
 * the match's categories, and model files are refused with their line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../pipeline/classify/instrmodel.h"
#include "policyminer/dict.h"

/* Made-up sentences; the streams are what the trainer's features() gives (ns + text). */
static const struct {
    const char *text;
    size_t hs, he;
    const char *key;
    size_t cap;
    const char *want;
} CASES[] = {
    {"甲方，对乙　企业给予补贴。丙", 24, 36, "fiscal_subsidy", 160, "s甲|s方|s甲方|s，|s方，|s甲方，|s对|s，对|s方，对|s乙|s对乙|s，对乙|s企|s乙企|s对乙企|s业|s企业|s乙企业|s业给|s企业给|s业给予|c对|c乙|c对乙|c企|c乙企|c对乙企|c业|c企业|c乙企业|c业给|c企业给|c业给予|l业|l企业|kfiscal_subsidy"},
    {"a b;给予x，y", 4, 10, "k1", 160, "sx|s予x|s给予x|s，|sx，|s予x，|sy|s，y|sx，y|cx|c予x|c给予x|rx|rx，|kk1"},
    {"前面很长的一句话给予补贴后面", 30, 36, "c", 3, "s话|s给|s话给|s予|s给予|s话给予|s予补|s给予补|s予补贴|s后|s贴后|s补贴后|s面|s后面|s贴后面|c话|c给|c话给|c予|c给予|c话给予|c予补|c给予补|c予补贴|c后|c贴后|c补贴后|c面|c后面|c贴后面|l予|l给予|r后|r后面|kc"},
    {"补贴", 0, 6, "c", 160, "kc"},
};

static void append(void *ud, char ns, const char *bytes, size_t n)
{
    char *out = ud;
    size_t l = strlen(out);
    assert_true(l + n + 3 < 4096);
    if (l)
        out[l++] = '|';
    out[l++] = ns;
    memcpy(out + l, bytes, n);
    out[l + n] = '\0';
}

static void test_features_match_trainer(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        char got[4096] = "";
        pm_imodel_features(CASES[i].text, strlen(CASES[i].text), CASES[i].hs, CASES[i].he,
                           CASES[i].key, CASES[i].cap, append, got);
        assert_string_equal(got, CASES[i].want);
    }
}

static char dir[] = "/tmp/pm_imodel_XXXXXX";
static char dictp[600], modelp[600];

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static pm_dictset *load_dict(void)
{
    write_file(dictp, "dimension = instrument\n"
                      "[fiscal_subsidy]\ngroup = fiscal_financial\nlabel_zh = 补贴\n"
                      "pattern = 给予补贴\n"
                      "[market_access]\ngroup = entry_regulation\nlabel_zh = 准入\n"
                      "pattern = 准入\n");
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_errctx err;
    pm_dictset *d = NULL;
    assert_int_equal(pm_dictset_load_files(&d, (const char *const[]){dictp}, 1, &o, &err), PM_OK);
    return d;
}

static const char *MODEL = "# test\nformat\tpm-instrument-model\t1\ndimension\tinstrument\n"
                           "cap\t160\ngroup\tfiscal_financial\t-1\t0\n"
                           "f\tc\t不得\t-5\nf\tl\t企业\t2\n";

typedef struct seen {
    int judged, dropped;
    double last;
} seen;

static void collect(void *ud, const pm_dict_hit *h)
{
    seen *s = ud;
    s->judged += h->judged;
    s->dropped += h->dropped;
    if (h->judged)
        s->last = h->score;
}

static void test_judge_and_match(void **state)
{
    (void)state;
    pm_dictset *d = load_dict();
    write_file(modelp, MODEL);
    pm_imodel *m = NULL;
    pm_errctx err;
    assert_int_equal(pm_imodel_load(&m, modelp, d, &err), PM_OK);
    assert_non_null(m);
    assert_memory_equal(pm_imodel_checksum(m), "sha256:", 7);
    double sc, th;
    const char *kept = "对企业给予补贴", *dropped = "不得对企业给予补贴";
    size_t hs = strlen("对企业");
    assert_int_equal(pm_imodel_judge(m, 0, 0, kept, strlen(kept), hs, strlen(kept), &sc, &th), 1);
    assert_true(sc == 1.0 && th == 0.0); /* -1 + 2 */
    hs = strlen("不得对企业");
    assert_int_equal(pm_imodel_judge(m, 0, 0, dropped, strlen(dropped), hs, strlen(dropped),
                                     &sc, &th), 0);
    assert_true(sc == -4.0); /* -1 - 5 + 2 */
    /* a group the model does not name is not judged */
    assert_int_equal(pm_imodel_judge(m, 0, 1, "准入", 6, 0, 6, &sc, &th), -1);

    pm_dict_scratch *s = NULL;
    assert_int_equal(pm_dict_scratch_create(&s, d), PM_OK);
    pm_dict_scratch_set_filter(s, pm_imodel_judge, m);
    const struct {
        const char *t;
        int fiscal;
    } T[] = {
        {"对企业给予补贴", 1},
        {"不得给予补贴，准入", 0},
        {"不得给予补贴。对企业给予补贴", 1}, /* the second hit counts after the first drops */
    };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        pm_catset a[1], b[1];
        assert_int_equal(pm_dictset_match(d, s, T[i].t, strlen(T[i].t), a, NULL, NULL, NULL),
                         PM_OK);
        assert_int_equal(pm_catset_has(&a[0], 0), T[i].fiscal);
        seen sn = {0, 0, 0.0};
        assert_int_equal(pm_dictset_audit(d, s, T[i].t, strlen(T[i].t), b, 0, collect, &sn),
                         PM_OK);
        assert_memory_equal(&a[0], &b[0], sizeof a[0]);
        assert_true(sn.judged >= 1);
        assert_int_equal(sn.dropped, i == 0 ? 0 : 1);
    }
    /* no filter: every unvetoed hit counts again */
    pm_dict_scratch_set_filter(s, NULL, NULL);
    pm_catset a[1];
    assert_int_equal(pm_dictset_match(d, s, "不得给予补贴", strlen("不得给予补贴"), a, NULL,
                                      NULL, NULL), PM_OK);
    assert_true(pm_catset_has(&a[0], 0));
    pm_dict_scratch_free(s);
    pm_imodel_free(m);
    pm_dictset_free(d);
}

static void test_bad_and_absent_files(void **state)
{
    (void)state;
    pm_dictset *d = load_dict();
    pm_imodel *m = NULL;
    pm_errctx err;
    unlink(modelp);
    assert_int_equal(pm_imodel_load(&m, modelp, d, &err), PM_OK); /* absent: no model */
    assert_null(m);
    static const struct {
        const char *text;
        unsigned line;
    } BAD[] = {
        {"dimension\tinstrument\n", 1},
        {"format\tpm-instrument-model\t1\ndimension\tnone\n", 2},
        {"format\tpm-instrument-model\t1\ndimension\tinstrument\ngroup\tdemand\t0\t0\n", 3},
        {"format\tpm-instrument-model\t1\ndimension\tinstrument\n"
         "group\tfiscal_financial\t0\t0\nf\tc\t不得\tx\n", 4},
        {"format\tpm-instrument-model\t1\ndimension\tinstrument\n"
         "group\tfiscal_financial\t0\t0\nf\tc\t不得\t1\nf\tc\t不得\t2\n", 5},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        write_file(modelp, BAD[i].text);
        pm_errctx_clear(&err);
        assert_int_equal(pm_imodel_load(&m, modelp, d, &err), PM_ERR_DICT_SYNTAX);
        assert_null(m);
        assert_int_equal(err.line, BAD[i].line);
    }
    pm_imodel_free(NULL);
    pm_dictset_free(d);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(dictp, sizeof dictp, "%s/instruments.dict", dir);
    snprintf(modelp, sizeof modelp, "%s/instrument_model.tsv", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(dictp);
    unlink(modelp);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_match_trainer),
        cmocka_unit_test(test_judge_and_match),
        cmocka_unit_test(test_bad_and_absent_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
