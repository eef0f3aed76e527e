/* Unit tests for gen: the synthetic corpus generator. Determinism across thread counts,
 * the shape of the corpus (levels, body lengths, gzip ratio), truth accounting, planted bad
 * inputs, neutral filler prose, Chinese-numeral dates. Runs from the repo root (reads
 * dictionaries/); writes under a mkdtemp directory that it removes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../pipeline/gen/gen_internal.h"
#include "policyminer/classify.h"
#include "policyminer/gen.h"

static char g_tmp[256];

static int setup(void **state)
{
    (void)state;
    snprintf(g_tmp, sizeof g_tmp, "/tmp/pm_test_gen_XXXXXX");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            rm_dir(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    (void)state;
    rm_dir(g_tmp);
    return 0;
}

static void gen(const char *sub, uint64_t n, uint32_t dpf, int threads, int level, double bad,
                uint64_t seed, pm_gen_summary *sum)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", g_tmp, sub);
    pm_gen_options o;
    pm_gen_options_default(&o);
    o.outdir = dir;
    o.n_docs = n;
    o.docs_per_file = dpf;
    o.threads = threads;
    o.level = level;
    o.bad_rate = bad;
    o.seed = seed;
    pm_errctx err;
    pm_status st = pm_gen_run(&o, sum, &err);
    if (st != PM_OK)
        fprintf(stderr, "gen: %s %s\n", err.file, err.detail);
    assert_int_equal(st, PM_OK);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* 1 when every file of a/ (recursively) exists in b/ with the same bytes (and the same count). */
static int same_tree(const char *a, const char *b)
{
    char pa[1024], pb[1024];
    DIR *d = opendir(a);
    assert_non_null(d);
    struct dirent *e;
    int same = 1, n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        if (e->d_type == DT_DIR) { /* DIR/corpus */
            same &= same_tree(pa, pb);
            n++;
            continue;
        }
        size_t la, lb;
        char *x = slurp(pa, &la), *y = slurp(pb, &lb);
        same &= x && y && la == lb && memcmp(x, y, la) == 0;
        free(x);
        free(y);
        n++;
    }
    closedir(d);
    return same && n > 3;
}

static void test_deterministic_across_threads(void **state)
{
    (void)state;
    pm_gen_summary s1, s2, s3, s4;
    gen("j1", 400, 50, 1, 1, 0.05, 42, &s1);
    gen("j2", 400, 50, 2, 1, 0.05, 42, &s2);
    gen("j3", 400, 50, 3, 1, 0.05, 42, &s3);
    gen("other", 400, 50, 2, 1, 0.05, 43, &s4);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/j1", g_tmp);
    snprintf(b, sizeof b, "%s/j2", g_tmp);
    assert_true(same_tree(a, b));
    snprintf(b, sizeof b, "%s/j3", g_tmp);
    assert_true(same_tree(a, b));
    snprintf(b, sizeof b, "%s/other", g_tmp);
    assert_false(same_tree(a, b)); /* the seed matters */
    assert_int_equal(s1.files, 8);
    assert_int_equal(s1.bytes_xml, s2.bytes_xml);
    assert_int_equal(s1.bytes_gz, s3.bytes_gz);
}

/* Reads truth_documents.tsv of sub: counts rows, levels and bad kinds. */
typedef struct truth_counts {
    unsigned rows, level[5], bad, bad_kind[8], with_fiscal, with_instr, with_exp;
} truth_counts;

static void read_truth(const char *sub, truth_counts *tc)
{
    memset(tc, 0, sizeof *tc);
    char p[512];
    snprintf(p, sizeof p, "%s/%s/truth_documents.tsv", g_tmp, sub);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    static char line[1 << 16];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "doc_id\tfile\tlevel\tregion_code\tprovince_code\tdate\tinstruments\t"
                                 "instrument_groups\tsectors\texperiments\tbad"));
    static const char *const lv[] = {"unknown", "central", "provincial", "prefecture", "county"};
    static const char *const bk[] = {"malformed_xml", "invalid_utf8", "missing_id", "doc_truncated",
                                     "doc_too_big"};
    while (fgets(line, sizeof line, f)) {
        char *col[12];
        int n = 0;
        for (char *s = line, *t; n < 12 && (t = strsep(&s, "\t\n")) != NULL;)
            col[n++] = t;
        assert_true(n >= 11);
        tc->rows++;
        for (int i = 0; i < 5; i++)
            tc->level[i] += strcmp(col[2], lv[i]) == 0;
        tc->with_fiscal += strstr(col[7], "fiscal_financial") != NULL;
        tc->with_instr += col[6][0] != '\0';
        tc->with_exp += col[9][0] != '\0';
        if (col[10][0]) {
            tc->bad++;
            int known = 0;
            for (int i = 0; i < 5; i++)
                if (strcmp(col[10], bk[i]) == 0) {
                    tc->bad_kind[i]++;
                    known = 1;
                }
            assert_true(known);
        }
        /* dates 2000-2022, the truth's region is a six-digit code */
        assert_true(strncmp(col[5], "2000", 4) >= 0 && strncmp(col[5], "2022", 4) <= 0);
        assert_int_equal(strlen(col[3]), 6);
    }
    fclose(f);
}

static void test_levels_and_truth_rows(void **state)
{
    (void)state;
    pm_gen_summary s;
    gen("shape", 3000, 500, 2, 1, 0, 7, &s);
    truth_counts tc;
    read_truth("shape", &tc);
    assert_int_equal(tc.rows, 3000);
    assert_int_equal(s.docs, 3000);
    assert_int_equal(tc.bad, 0);
    assert_int_equal(tc.level[0], 0);
    double want[5] = {0, 0.13, 0.25, 0.40, 0.22};
    for (int i = 1; i < 5; i++) {
        double got = tc.level[i] / 3000.0;
        if (got < want[i] - 0.03 || got > want[i] + 0.03)
            fail_msg("level %d share %.3f, want %.2f", i, got, want[i]);
    }
    /* ~41% of documents with a fiscal or financial measure, every one with an instrument */
    double fiscal = tc.with_fiscal / 3000.0;
    if (fiscal < 0.36 || fiscal > 0.50)
        fail_msg("fiscal share %.3f", fiscal);
    assert_int_equal(tc.with_instr, 3000);
    assert_true(tc.with_exp > 20); /* planted adoptions */
    assert_int_equal(s.adoptions, tc.with_exp);

    /* cascades: one pioneer per experiment that has rows, learned_from set for the rest */
    char p[512];
    snprintf(p, sizeof p, "%s/shape/truth_cascades.tsv", g_tmp);
    size_t len;
    char *c = slurp(p, &len);
    assert_non_null(c);
    unsigned rows = 0, pioneers = 0;
    for (char *l = strchr(c, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        rows++;
        char *end = strchr(l + 1, '\n');
        pioneers += end && end[-1] == '1';
    }
    assert_int_equal(rows, s.adoptions);
    assert_true(pioneers > 0 && pioneers <= s.cascades);
    free(c);
}

/* Body length in characters, from the uncompressed XML. */
static void test_body_lengths_and_gzip_ratio(void **state)
{
    (void)state;
    pm_gen_summary s;
    gen("ratio", 600, 600, 1, 6, 0, 9, &s);
    double ratio = (double)s.bytes_xml / (double)s.bytes_gz;
    if (ratio < 2.2 || ratio > 3.5)
        fail_msg("gzip ratio %.2f outside [2.2, 3.5]", ratio);
    char p[512];
    snprintf(p, sizeof p, "%s/ratio/corpus/corpus-00000.xml.gz", g_tmp);
    gzFile f = gzopen(p, "rb");
    assert_non_null(f);
    size_t cap = s.bytes_xml + 1, n = 0;
    char *x = malloc(cap);
    assert_non_null(x);
    int k;
    while ((k = gzread(f, x + n, (unsigned)(cap - n))) > 0)
        n += (size_t)k;
    gzclose(f);
    x[n] = '\0';
    assert_int_equal(n, s.bytes_xml);
    unsigned docs = 0, minc = ~0u, maxc = 0;
    double sum = 0;
    for (char *b = strstr(x, "<body>"); b; b = strstr(b, "<body>")) {
        b += 6;
        char *e = strstr(b, "</body>");
        assert_non_null(e);
        unsigned chars = 0;
        for (char *q = b; q < e; q++)
            chars += ((unsigned char)*q & 0xC0) != 0x80;
        minc = chars < minc ? chars : minc;
        maxc = chars > maxc ? chars : maxc;
        sum += chars;
        docs++;
        b = e;
    }
    assert_int_equal(docs, 600);
    double mean = sum / docs;
    if (minc < 1000 || maxc > 9000 || mean < 2500 || mean > 3800)
        fail_msg("body chars min %u max %u mean %.0f", minc, maxc, mean);
    /* real formats: signature date in Chinese numerals, 文号 with 〔year〕 */
    assert_non_null(strstr(x, "〇"));
    assert_non_null(strstr(x, "〕"));
    assert_non_null(strstr(x, "号</docno>"));
    free(x);
}

static unsigned count_lines_with(const char *path, const char *needle)
{
    size_t len;
    char *c = slurp(path, &len);
    assert_non_null(c);
    unsigned n = 0;
    for (char *p = strstr(c, needle); p; p = strstr(p + 1, needle))
        n++;
    free(c);
    return n;
}

static void test_bad_rate_accounting(void **state)
{
    (void)state;
    pm_gen_summary s;
    gen("bad", 2000, 40, 2, 1, 0.1, 5, &s);
    truth_counts tc;
    read_truth("bad", &tc);
    assert_int_equal(tc.rows, 2000);
    double share = tc.bad / 2000.0;
    if (share < 0.07 || share > 0.13)
        fail_msg("bad share %.3f, want ~0.10", share);
    for (int i = 0; i < 4; i++)
        assert_true(tc.bad_kind[i] > 0);
    /* every bad document has its expected reject; each truncated file adds gzip_truncated */
    char p[512];
    snprintf(p, sizeof p, "%s/bad/truth_rejects.tsv", g_tmp);
    unsigned trunc = count_lines_with(p, "\tgzip_truncated\t");
    assert_int_equal(trunc, s.truncated_files);
    assert_int_equal(trunc, tc.bad_kind[3]);
    assert_int_equal(count_lines_with(p, "\n") - 1, tc.bad + trunc);
    assert_int_equal(count_lines_with(p, "\tmissing_id\t\n"), tc.bad_kind[2]);
    assert_int_equal(s.bad_docs, tc.bad);

    /* a truncated file really ends inside a member; the others decode cleanly */
    size_t len;
    char *rej = slurp(p, &len);
    char *t = strstr(rej, "\tgzip_truncated\t");
    assert_non_null(t);
    char name[64];
    size_t nl = (size_t)(t - rej);
    while (nl && rej[nl - 1] != '\n')
        nl--;
    snprintf(name, sizeof name, "%.*s", (int)(t - rej - (ptrdiff_t)nl), rej + nl);
    free(rej);
    snprintf(p, sizeof p, "%s/bad/corpus/%s", g_tmp, name);
    gzFile f = gzopen(p, "rb");
    assert_non_null(f);
    char buf[65536];
    int k, errnum = 0;
    size_t got = 0;
    while ((k = gzread(f, buf, sizeof buf)) > 0)
        got += (size_t)k;
    gzerror(f, &errnum);
    gzclose(f);
    assert_true(got > 1000);
    /* zlib reports a truncated stream as Z_BUF_ERROR ("unexpected end of file") */
    assert_int_equal(errnum, Z_BUF_ERROR);
}

static void test_filler_is_neutral(void **state)
{
    (void)state;
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_classifier *c;
    pm_errctx err;
    assert_int_equal(pm_classifier_load(&c, "dictionaries", &o, &err), PM_OK);
    const pm_dictset *d = pm_classifier_dicts(c);
    static const char *const places[] = {"平昌县", "大同市", "武清区", "凌海市"};
    pm_gen_vocab v = {places, 4, NULL, 0};
    pm_rng r;
    pm_rng_seed(&r, 3);
    pm_buf b;
    pm_buf_init(&b, 1 << 24);
    assert_int_equal(pm_gen_prose(&b, &r, 200000, &v), PM_OK);
    assert_true(b.len >= 600000);
    pm_dict_scratch *s;
    assert_int_equal(pm_dict_scratch_create(&s, d), PM_OK);
    pm_catset out[PM_MAX_DIMS];
    pm_dict_stats ds = {0, 0};
    assert_int_equal(pm_dictset_match(d, s, b.data, b.len, out, &ds, NULL, NULL), PM_OK);
    for (size_t dim = 0; dim < pm_dictset_ndims(d); dim++)
        for (size_t cat = 0; cat < pm_dictset_ncats(d, dim); cat++)
            if (pm_catset_has(&out[dim], (unsigned)cat))
                fail_msg("filler prose matches %s:%s", pm_dictset_dim_name(d, dim),
                         pm_dictset_cat_key(d, dim, cat));
    pm_dict_scratch_free(s);
    pm_buf_free(&b);
    pm_classifier_free(c);
}

static void test_cn_date_and_rng(void **state)
{
    (void)state;
    pm_buf b;
    pm_buf_init(&b, 256);
    assert_int_equal(pm_gen_cn_date(&b, 20150312), PM_OK);
    assert_string_equal(b.data, "二〇一五年三月十二日");
    pm_buf_reset(&b);
    assert_int_equal(pm_gen_cn_date(&b, 20201231), PM_OK);
    assert_string_equal(b.data, "二〇二〇年十二月三十一日");
    pm_buf_reset(&b);
    assert_int_equal(pm_gen_cn_date(&b, 20000120), PM_OK);
    assert_string_equal(b.data, "二〇〇〇年一月二十日");
    pm_buf_free(&b);

    pm_rng a, c;
    pm_rng_seed(&a, 1);
    pm_rng_seed(&c, 1);
    unsigned hist[10] = {0};
    for (int i = 0; i < 100000; i++) {
        uint64_t x = pm_rng_next(&a);
        assert_true(x == pm_rng_next(&c));
        uint32_t k = pm_rng_below(&a, 10);
        assert_true(k < 10);
        hist[k]++;
        double u = pm_rng_unit(&a);
        assert_true(u >= 0 && u < 1);
        pm_rng_next(&c);
        pm_rng_next(&c);
    }
    for (int i = 0; i < 10; i++)
        assert_true(hist[i] > 9500 && hist[i] < 10500);
}

/* The truth tables go beside the corpus, not into it: a run over DIR/corpus must meet
 * documents only (issue 11: truth files inside were rejected as not_corpus). Parents of
 * -o are created. */
static void test_truth_beside_corpus(void **state)
{
    (void)state;
    pm_gen_summary s;
    gen("beside/a/b", 120, 50, 1, 1, 0, 5, &s);
    char p[512];
    snprintf(p, sizeof p, "%s/beside/a/b/corpus", g_tmp);
    DIR *d = opendir(p);
    assert_non_null(d);
    struct dirent *e;
    int ncorpus = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (strncmp(e->d_name, "corpus-", 7) != 0 || !strstr(e->d_name, ".xml.gz"))
            fail_msg("not a corpus file in the corpus directory: %s", e->d_name);
        ncorpus++;
    }
    closedir(d);
    assert_int_equal(ncorpus, 3);
    const char *truth[] = {"truth_documents.tsv", "truth_cascades.tsv", "truth_rejects.tsv"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/beside/a/b/%s", g_tmp, truth[i]);
        assert_int_equal(access(p, R_OK), 0);
    }
}

static void test_rejects_bad_options(void **state)
{
    (void)state;
    pm_gen_options o;
    pm_gen_options_default(&o);
    pm_gen_summary s;
    pm_errctx err;
    assert_int_equal(pm_gen_run(&o, &s, &err), PM_ERR_ARG); /* no -n, no -o */
    o.outdir = g_tmp;
    o.n_docs = 10;
    o.dict_dir = "/nonexistent/dictionaries";
    assert_int_not_equal(pm_gen_run(&o, &s, &err), PM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cn_date_and_rng),
        cmocka_unit_test(test_truth_beside_corpus),
        cmocka_unit_test(test_rejects_bad_options),
        cmocka_unit_test(test_deterministic_across_threads),
        cmocka_unit_test(test_levels_and_truth_rows),
        cmocka_unit_test(test_body_lengths_and_gzip_ratio),
        cmocka_unit_test(test_bad_rate_accounting),
        cmocka_unit_test(test_filler_is_neutral),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
