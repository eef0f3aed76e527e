/* Unit tests for text reuse (issue 15): normalisation, the rolling shingle against the
 * reference hash, and the corpus side on a small synthetic set: a short text copied inside
 * a long one pairs with containment 1 (a containment anchor candidate: its Jaccard is far
 * below the LSH threshold), a near copy pairs, and unrelated texts do not. */
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

#include "policyminer/reuse.h"
#include "policyminer/utf8.h"
#include "../../pipeline/analysis/reuse_internal.h"

/* A deterministic text of n CJK ideographs drawn from a small alphabet (so shingles
 * recur across texts the way words do), seeded by seed. */
static void cjk_text(pm_buf *b, unsigned n, uint64_t seed)
{
    for (unsigned i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t c = 0x4E00 + (uint32_t)(seed >> 33) % 600;
        char u[3] = {(char)(0xE0 | c >> 12), (char)(0x80 | (c >> 6 & 0x3F)),
                     (char)(0x80 | (c & 0x3F))};
        assert_int_equal(pm_buf_append(b, u, 3), PM_OK);
        if (i % 37 == 36)
            assert_int_equal(pm_buf_append_str(b, "，\n"), PM_OK); /* dropped */
    }
}

static void test_normalise(void **state)
{
    (void)state;
    pm_reuse_options o;
    pm_reuse_options_default(&o);
    const char *body = "ＡＢＣ１２３， 第一条\n京政发〔2020〕1号\n为了加强管理。";
    pm_buf text, keys;
    pm_buf_init(&text, 1 << 20);
    pm_buf_init(&keys, 1 << 20);
    uint32_t sig[PM_REUSE_K];
    unsigned nsig = 9;
    assert_int_equal(pm_reuse_doc(&o, body, strlen(body), "京政发〔2020〕1号",
                                  strlen("京政发〔2020〕1号"), &text, sig, &nsig, &keys),
                     PM_OK);
    /* width fold, lower case, punctuation and whitespace out, the 文号 line out; the
     * text is 16-bit units (UTF-16LE) */
    const char *want = "abc123第一条为了加强管理";
    uint32_t cp[64], wcp[64];
    size_t nw = 0;
    for (size_t i = 0; want[i];) {
        int l = pm_utf8_next(want + i, strlen(want + i), &wcp[nw++]);
        assert_true(l > 0);
        i += (size_t)l;
    }
    assert_int_equal(text.len, 2 * nw);
    assert_int_equal(pm_reuse_decode(text.data, text.len, cp, 64), nw);
    assert_int_equal(pm_reuse_text_chars(text.data, text.len), nw);
    assert_memory_equal(cp, wcp, nw * sizeof *cp);
    /* a character above U+FFFF is a surrogate pair, one code point */
    pm_buf_reset(&text);
    pm_buf_reset(&keys);
    const char *sup = "第一条\xF0\xA0\xAE\xB7为了加强管理";
    assert_int_equal(pm_reuse_doc(&o, sup, strlen(sup), NULL, 0, &text, sig, &nsig, &keys), PM_OK);
    assert_int_equal(text.len, 2 * 10 + 2);
    assert_int_equal(pm_reuse_text_chars(text.data, text.len), 10);
    assert_int_equal(pm_reuse_decode(text.data, text.len, cp, 64), 10);
    assert_int_equal(cp[3], 0x20BB7);
    assert_int_equal(cp[4], 0x4E3A);
    assert_int_equal(nsig, PM_REUSE_K);
    pm_buf_free(&text);
    pm_buf_free(&keys);
}

/* The signer's rolling shingle gives the reference pm_reuse_shingle's sampled keys. */
static void test_rolling_shingle(void **state)
{
    (void)state;
    pm_reuse_options o;
    pm_reuse_options_default(&o);
    pm_buf body, text, keys;
    pm_buf_init(&body, 1 << 20);
    pm_buf_init(&text, 1 << 20);
    pm_buf_init(&keys, 1 << 20);
    cjk_text(&body, 900, 7);
    assert_int_equal(pm_buf_append_str(&body, "ａｂｃ and ASCII 42"), PM_OK);
    uint32_t sig[PM_REUSE_K];
    unsigned nsig = 0;
    assert_int_equal(pm_reuse_doc(&o, body.data, body.len, NULL, 0, &text, sig, &nsig, &keys),
                     PM_OK);
    uint32_t *cp = malloc(4000 * sizeof *cp);
    size_t ncp = pm_reuse_decode(text.data, text.len, cp, 4000), nk = 0;
    const uint32_t *k = (const uint32_t *)(const void *)keys.data;
    for (size_t p = 0; p + PM_REUSE_SHINGLE <= ncp; p++) {
        uint64_t h = pm_reuse_shingle(cp + p);
        if (PM_REUSE_SAMPLED(h)) {
            assert_true(nk < keys.len / 4);
            assert_int_equal(k[nk], PM_REUSE_KEY(h));
            nk++;
        }
    }
    assert_int_equal(nk, keys.len / 4);
    assert_true(nk > 100);
    free(cp);
    pm_buf_free(&body);
    pm_buf_free(&text);
    pm_buf_free(&keys);
}

static void add_doc(pm_reuse *r, const pm_reuse_options *o, const char *id, int32_t date,
                    const pm_buf *body)
{
    pm_buf text, keys;
    pm_buf_init(&text, 1 << 20);
    pm_buf_init(&keys, 1 << 20);
    uint32_t sig[PM_REUSE_K];
    unsigned nsig = 0;
    assert_int_equal(pm_reuse_doc(o, body->data, body->len, NULL, 0, &text, sig, &nsig, &keys),
                     PM_OK);
    assert_int_equal(pm_reuse_add(r, id, date, PM_LEVEL_PREFECTURE, 330100, 330000, sig, nsig,
                                  text.data, text.len, (const uint32_t *)(const void *)keys.data,
                                  keys.len / 4),
                     PM_OK);
    pm_buf_free(&text);
    pm_buf_free(&keys);
}

/* The AVX2 and AVX-512 kernels against the scalar one on mixed texts: long ideograph runs (the vector
 * path), punctuation it drops and punctuation it leaves to the scalar step, ASCII, full-width letters, 2- and 4-byte characters, stray bytes,
 * a 文号 line, lengths around the blocks and max_chars cuts: the same text, signature and
 * keys, byte for byte. Skipped where the CPU has no AVX2. */
static void test_kernels_agree(void **state)
{
    (void)state;
#if defined(__GNUC__) && defined(__x86_64__)
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("bmi2"))
        skip();
    /* levels 2 (AVX-512 hashing) and 3 (AVX-512 decoding) too where the CPU has them */
    int top = 1;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl"))
        top = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") ? 3 : 2;
#else
    const int top = 0;
    skip();
#endif
    static const char *const bits[] = {"，", "。\n", "ＡＢ", "Ab9 ", "é", "\xF0\x9F\x98\x80",
                                       "\xFF", "\xE4\xB8", "、", "京政发〔2020〕1号", "\n",
                                       "㐀", "ꀀ", "\xE2\x80\x94", "（一）", "：", "“", "”",
                                       "！", "＠", "［", "\xE2\x81\x80", "Ｚ", "·"};
    pm_buf body, t0, t1, k0, k1;
    pm_buf_init(&body, 1 << 22);
    pm_buf_init(&t0, 1 << 22);
    pm_buf_init(&t1, 1 << 22);
    pm_buf_init(&k0, 1 << 22);
    pm_buf_init(&k1, 1 << 22);
    uint64_t seed = 7;
    for (int round = 0; round < 400; round++) {
        pm_reuse_options o;
        pm_reuse_options_default(&o);
        o.enabled = 1;
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        o.max_chars = (round % 5 == 0) ? 5 + (uint32_t)(seed >> 40) % 600 : 2000;
        pm_buf_reset(&body);
        unsigned len = (unsigned)(seed >> 33) % 3000;
        for (unsigned i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(seed >> 33);
            if (r % 100 < (unsigned)(round % 7) * 3) {
                assert_int_equal(pm_buf_append_str(&body, bits[r / 100 % (sizeof bits / sizeof *bits)]), PM_OK);
            } else {
                uint32_t c = 0x4E00 + r / 128 % 700;
                if (r % 97 == 0)
                    c = 0x3400 + r % 0x6C00; /* other lead bytes (E3, EA): the scalar path */
                char u[3] = {(char)(0xE0 | c >> 12), (char)(0x80 | (c >> 6 & 0x3F)),
                             (char)(0x80 | (c & 0x3F))};
                assert_int_equal(pm_buf_append(&body, u, 3), PM_OK);
            }
        }
        const char *no = round % 3 == 0 ? "京政发〔2020〕1号" : NULL;
        uint32_t s0[PM_REUSE_K], s1[PM_REUSE_K];
        unsigned n0 = 0, n1 = 0;
        pm_buf_reset(&t0), pm_buf_reset(&t1), pm_buf_reset(&k0), pm_buf_reset(&k1);
        /* keys NULL every fourth round: the sink path */
        pm_buf *kk0 = round % 4 == 3 ? NULL : &k0, *kk1 = round % 4 == 3 ? NULL : &k1;
        assert_int_equal(pm_reuse_doc_kernel(&o, body.data, body.len, no, no ? strlen(no) : 0,
                                             &t0, s0, &n0, kk0, 0), PM_OK);
        for (int level = 1; level <= top; level++) {
            pm_buf_reset(&t1), pm_buf_reset(&k1);
            n1 = 0;
            assert_int_equal(pm_reuse_doc_kernel(&o, body.data, body.len, no,
                                                 no ? strlen(no) : 0, &t1, s1, &n1, kk1, level),
                             PM_OK);
            assert_int_equal(n0, n1);
            assert_int_equal(t0.len, t1.len);
            assert_memory_equal(t0.data, t1.data, t0.len);
            if (n0)
                assert_memory_equal(s0, s1, sizeof s0);
            assert_int_equal(k0.len, k1.len);
            if (k0.len)
                assert_memory_equal(k0.data, k1.data, k0.len);
        }
    }
    pm_buf_free(&body), pm_buf_free(&t0), pm_buf_free(&t1), pm_buf_free(&k0), pm_buf_free(&k1);
}

static void test_containment_pair(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-test-reuse-XXXXXX";
    assert_non_null(mkdtemp(dir));
    pm_reuse_options o;
    pm_reuse_options_default(&o);
    pm_reuse *r = NULL;
    pm_errctx err;
    memset(&err, 0, sizeof err);
    assert_int_equal(pm_reuse_create(&r, &o, dir, &err), PM_OK);
    pm_buf b;
    pm_buf_init(&b, 1 << 22);
    char id[32];
    for (unsigned i = 0; i < 40; i++) { /* unrelated texts */
        pm_buf_reset(&b);
        cjk_text(&b, 1200, 1000 + i);
        snprintf(id, sizeof id, "other-%02u", i);
        add_doc(r, &o, id, 20150101 + (int32_t)i, &b);
    }
    pm_buf_reset(&b);
    cjk_text(&b, 1800, 42); /* the long source */
    add_doc(r, &o, "long", 20100101, &b);
    /* a short excerpt of it (ideographs 300-550: bytes 3 per character, plus the
     * dropped "，\n" every 37), with a little text of its own */
    pm_buf src;
    pm_buf_init(&src, 1 << 22);
    pm_buf_append(&src, b.data, b.len);
    pm_buf_reset(&b);
    cjk_text(&b, 20, 9);
    size_t from = 300 * 3 + (300 / 37) * 4, to = 550 * 3 + (550 / 37) * 4;
    assert_int_equal(pm_buf_append(&b, src.data + from, to - from), PM_OK);
    add_doc(r, &o, "short", 20120101, &b);
    /* a near copy of an unrelated one: every 50th character changed */
    pm_buf_reset(&b);
    cjk_text(&b, 1200, 1003);
    for (size_t i = 150; i + 3 <= b.len; i += 150)
        if (((unsigned char)b.data[i] & 0xF0) == 0xE0)
            b.data[i + 2] = (char)(0x80 | ((b.data[i + 2] + 1) & 0x3F));
    add_doc(r, &o, "near", 20200101, &b);
    assert_int_equal(pm_reuse_finish(r, NULL, dir, &err), PM_OK);
    const pm_reuse_stats *s = pm_reuse_get_stats(r);
    assert_int_equal(s->docs, 43);
    assert_true(s->candidates_anchor >= 1);

    char path[64], line[1024];
    snprintf(path, sizeof path, "%s/reuse_pairs.tsv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int rows = 0, saw_short = 0, saw_near = 0;
    while (fgets(line, sizeof line, f)) {
        if (rows++ == 0)
            continue; /* header */
        /* doc_id_a, doc_id_b, 6 columns (regions, levels, dates: may be empty), jaccard,
         * containment_a, containment_b */
        char *col[12] = {0}, *p = line;
        for (int k = 0; k < 12 && p; k++)
            col[k] = strsep(&p, "\t");
        assert_non_null(col[10]);
        const char *a = col[0], *d = col[1];
        double j = atof(col[8]), ca = atof(col[9]), cb = atof(col[10]);
        if (!strcmp(a, "long") && !strcmp(d, "short")) {
            saw_short = 1;
            assert_true(cb > 0.9);  /* the short one lies inside the long one */
            assert_true(j < 0.2);   /* far below what LSH alone would find */
        } else if (!strcmp(a, "other-03") && !strcmp(d, "near")) {
            saw_near = 1;
            assert_true(ca > 0.6 && cb > 0.6);
        } else {
            fail_msg("unexpected pair %s %s", a, d);
        }
    }
    fclose(f);
    assert_true(saw_short);
    assert_true(saw_near);
    pm_buf_free(&b);
    pm_buf_free(&src);
    pm_reuse_free(r);
    const char *names[] = {"reuse_pairs.tsv", "reuse_edges.tsv", "reuse_boilerplate.tsv"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The corpus of test_containment_pair, document i of it (0..42) into r. */
static void corpus_doc(pm_reuse *r, const pm_reuse_options *o, unsigned i)
{
    pm_buf b, src;
    pm_buf_init(&b, 1 << 22);
    pm_buf_init(&src, 1 << 22);
    char id[32];
    if (i < 40) {
        cjk_text(&b, 1200, 1000 + i);
        snprintf(id, sizeof id, "other-%02u", i);
        add_doc(r, o, id, 20150101 + (int32_t)i, &b);
    } else if (i == 40) {
        cjk_text(&b, 1800, 42);
        add_doc(r, o, "long", 20100101, &b);
    } else if (i == 41) {
        cjk_text(&src, 1800, 42);
        cjk_text(&b, 20, 9);
        size_t from = 300 * 3 + (300 / 37) * 4, to = 550 * 3 + (550 / 37) * 4;
        assert_int_equal(pm_buf_append(&b, src.data + from, to - from), PM_OK);
        add_doc(r, o, "short", 20120101, &b);
    } else {
        cjk_text(&b, 1200, 1003);
        for (size_t k = 150; k + 3 <= b.len; k += 150)
            if (((unsigned char)b.data[k] & 0xF0) == 0xE0)
                b.data[k + 2] = (char)(0x80 | ((b.data[k + 2] + 1) & 0x3F));
        add_doc(r, o, "near", 20200101, &b);
    }
    pm_buf_free(&b);
    pm_buf_free(&src);
}

static void same_file(const char *d1, const char *d2, const char *name)
{
    char p1[128], p2[128];
    snprintf(p1, sizeof p1, "%s/%s", d1, name);
    snprintf(p2, sizeof p2, "%s/%s", d2, name);
    FILE *f1 = fopen(p1, "rb"), *f2 = fopen(p2, "rb");
    assert_non_null(f1);
    assert_non_null(f2);
    int c1, c2;
    do {
        c1 = fgetc(f1), c2 = fgetc(f2);
        assert_int_equal(c1, c2);
    } while (c1 != EOF);
    fclose(f1), fclose(f2);
}

/* The refresh checkpoint: a run over 30 documents (the long text and its excerpt among
 * them) saved, a second one loading it and adding the other 13 (the near copy among them)
 * writes the tables of one clean run over all 43, on the incremental path, and takes the
 * excerpt pair's verdict from the first; a descriptor naming another meta, and a load
 * after an add, are refused. */
static unsigned ck_order(unsigned i) /* long, short, other-00..39, near */
{
    return i < 2 ? 40 + i : i < 42 ? i - 2 : 42;
}
static void test_checkpoint_refresh(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-test-reuseck-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ck[64], out[3][64];
    snprintf(ck, sizeof ck, "%s/state", dir);
    for (int k = 0; k < 3; k++) {
        snprintf(out[k], sizeof out[k], "%s/out%d", dir, k);
        assert_int_equal(mkdir(out[k], 0777), 0);
    }
    assert_int_equal(mkdir(ck, 0777), 0);
    pm_reuse_options o;
    pm_reuse_options_default(&o);
    pm_errctx err;
    memset(&err, 0, sizeof err);
    pm_reuse *r = NULL;
    assert_int_equal(pm_reuse_create(&r, &o, out[0], &err), PM_OK);
    assert_int_equal(pm_reuse_checkpoint(r, ck, &err), PM_OK);
    for (unsigned i = 0; i < 30; i++)
        corpus_doc(r, &o, ck_order(i));
    assert_int_equal(pm_reuse_finish(r, NULL, out[0], &err), PM_OK);
    pm_buf desc;
    pm_buf_init(&desc, 1 << 16);
    assert_int_equal(pm_reuse_save(r, &desc), PM_OK);
    pm_reuse_free(r);

    /* refused: a descriptor of another meta; a load after an add */
    pm_buf bad;
    pm_buf_init(&bad, 1 << 16);
    pm_buf_append(&bad, desc.data, desc.len);
    bad.data[bad.len - 24] ^= 1; /* (the meta's sequence number) */
    assert_int_equal(pm_reuse_create(&r, &o, out[1], &err), PM_OK);
    assert_int_equal(pm_reuse_checkpoint(r, ck, &err), PM_OK);
    assert_int_equal(pm_reuse_load(r, bad.data, bad.len), PM_ERR_STATE);
    corpus_doc(r, &o, 0);
    assert_int_equal(pm_reuse_load(r, desc.data, desc.len), PM_ERR_ARG);
    pm_reuse_free(r);

    assert_int_equal(pm_reuse_create(&r, &o, out[1], &err), PM_OK);
    assert_int_equal(pm_reuse_checkpoint(r, ck, &err), PM_OK);
    assert_int_equal(pm_reuse_load(r, desc.data, desc.len), PM_OK);
    for (unsigned i = 30; i < 43; i++)
        corpus_doc(r, &o, ck_order(i));
    assert_int_equal(pm_reuse_finish(r, NULL, out[1], &err), PM_OK);
    assert_int_equal(pm_reuse_get_stats(r)->docs, 43);
    assert_int_equal(pm_reuse_get_stats(r)->lsh_path, PM_REUSE_LSH_INCREMENTAL);
    assert_int_equal(pm_reuse_get_stats(r)->lsh_new_docs, 13);
    assert_true(pm_reuse_get_stats(r)->verdicts_reused > 0); /* (the cut stays at 10) */
    pm_reuse_stats inc = *pm_reuse_get_stats(r);
    pm_reuse_free(r);

    assert_int_equal(pm_reuse_create(&r, &o, out[2], &err), PM_OK);
    for (unsigned i = 0; i < 43; i++)
        corpus_doc(r, &o, ck_order(i));
    assert_int_equal(pm_reuse_finish(r, NULL, out[2], &err), PM_OK);
    const pm_reuse_stats *s = pm_reuse_get_stats(r);
    assert_int_equal(inc.pairs, s->pairs);
    assert_int_equal(inc.candidates, s->candidates);
    assert_int_equal(inc.candidates_anchor, s->candidates_anchor);
    assert_int_equal(inc.candidates_screened, s->candidates_screened);
    assert_true(s->pairs >= 2);
    pm_reuse_free(r);
    const char *names[] = {"reuse_pairs.tsv", "reuse_edges.tsv", "reuse_boilerplate.tsv"};
    for (int i = 0; i < 3; i++)
        same_file(out[1], out[2], names[i]);
    pm_buf_free(&desc);
    pm_buf_free(&bad);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_rolling_shingle),
        cmocka_unit_test(test_kernels_agree),
        cmocka_unit_test(test_containment_pair),
        cmocka_unit_test(test_checkpoint_refresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
