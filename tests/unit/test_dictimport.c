/* Unit tests for dictionary import (quanteda YAML, LIWC .dic): nested keys and globs, the
 * LIWC quirks (tabs or spaces, CRLF, BOM, "<of>" markers, parenthesised ids, blank lines,
 * unknown ids), longest-match priority (印度尼西亚 must not count as 印度), caps, and that
 * garbage never crashes. Fixtures: tests/data/dictimport/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policyminer/dict.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *c = malloc(*n + 1);
    memcpy(c, buf, *n);
    c[*n] = 0;
    return c;
}

/* Imports text, writes it to a temp .dict file, loads it. */
static pm_dictset *import_load(const char *text, size_t n, const char *dimension,
                               pm_dictimport_stats *st)
{
    pm_dictimport_options o;
    pm_dictimport_options_default(&o);
    o.dimension = dimension;
    pm_buf out;
    pm_buf_init(&out, 1 << 20);
    pm_errctx err;
    pm_errctx_clear(&err);
    assert_int_equal(pm_dict_import(text, n, &o, &out, st, &err), PM_OK);
    char path[] = "/tmp/pm_dictimport_XXXXXX.dict";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, out.data, out.len), (ssize_t)out.len);
    close(fd);
    pm_buf_free(&out);
    pm_dict_options dopt;
    pm_dict_options_default(&dopt);
    pm_dictset *d = NULL;
    const char *files[1] = {path};
    assert_int_equal(pm_dictset_load_files(&d, files, 1, &dopt, &err), PM_OK);
    /* every generated example must pass dict check's rules: run them here via match */
    unlink(path);
    return d;
}

/* The categories of dimension 0 matching text, as "a;b" in out. */
static const char *cats_of(pm_dictset *d, const char *text, char *out, size_t cap)
{
    pm_dict_scratch *s = NULL;
    assert_int_equal(pm_dict_scratch_create(&s, d), PM_OK);
    pm_catset cs[16];
    assert_int_equal(pm_dictset_match(d, s, text, strlen(text), cs, NULL, NULL, NULL), PM_OK);
    out[0] = 0;
    for (size_t c = 0; c < pm_dictset_ncats(d, 0); c++)
        if (pm_catset_has(&cs[0], (unsigned)c)) {
            if (out[0])
                strncat(out, ";", cap - strlen(out) - 1);
            strncat(out, pm_dictset_cat_key(d, 0, c), cap - strlen(out) - 1);
        }
    pm_dict_scratch_free(s);
    return out;
}

static void test_yaml_nested_globs_longest(void **state)
{
    (void)state;
    size_t n;
    char *t = slurp("tests/data/dictimport/countries.yml", &n);
    pm_dictimport_stats st;
    pm_dictset *d = import_load(t, n, "countries", &st);
    assert_string_equal(pm_dictset_dim_name(d, 0), "countries");
    assert_int_equal(st.categories, 5); /* "asia" holds only nested keys */
    assert_int_equal(st.terms, 12);
    assert_int_equal(st.vetoes, 1);
    char b[256];
    /* the point of longest-match priority */
    assert_string_equal(cats_of(d, "印度尼西亚的经济", b, sizeof b), "asia_southeast");
    assert_string_equal(cats_of(d, "印度与印度尼西亚", b, sizeof b), "asia_south;asia_southeast");
    assert_string_equal(cats_of(d, "印度", b, sizeof b), "asia_south");
    /* globs: econom* is a word prefix, case-insensitive; tax is a whole word */
    assert_string_equal(cats_of(d, "Economic growth", b, sizeof b), "economy");
    assert_string_equal(cats_of(d, "a taxi ride", b, sizeof b), "");
    assert_string_equal(cats_of(d, "the trade   war", b, sizeof b), "economy");
    /* a quoted key with a space; a CJK glob with a trailing * is a substring */
    assert_string_equal(cats_of(d, "税收优惠和贷款贴息", b, sizeof b), "policy_tools");
    assert_string_equal(pm_dictset_cat_label(d, 0, 0, "en"), "asia.east");
    pm_dictset_free(d);
    free(t);
}

static void test_liwc_quirks(void **state)
{
    (void)state;
    size_t n;
    char *t = slurp("tests/data/dictimport/liwc_small.dic", &n);
    pm_dictimport_stats st;
    pm_dictset *d = import_load(t, n, "liwc", &st);
    assert_int_equal(st.categories, 4);
    assert_int_equal(st.markers, 1);       /* kind <of> */
    assert_int_equal(st.skipped_ids, 3);   /* "(02", "134)125/464", 999 */
    assert_int_equal(st.skipped_lines, 1); /* nothingness 999 */
    char b[256];
    assert_string_equal(cats_of(d, "I like it", b, sizeof b), "funct;pronoun;posemo");
    assert_string_equal(cats_of(d, "they abandoned hope", b, sizeof b), "affect");
    assert_string_equal(cats_of(d, "good", b, sizeof b), "posemo;affect"); /* spaces, not tabs */
    pm_dictset_free(d);
    free(t);
    /* CRLF and a CJK longer match across LIWC categories */
    t = slurp("tests/data/dictimport/liwc_crlf.dic", &n);
    d = import_load(t, n, "liwc2", &st);
    assert_string_equal(cats_of(d, "贷款贴息", b, sizeof b), "trade");
    assert_string_equal(cats_of(d, "银行贷款", b, sizeof b), "finance");
    pm_dictset_free(d);
    free(t);
    /* a BOM is skipped */
    const char bom[] = "\xEF\xBB\xBF%\n1\tx\n%\n测试\t1\n";
    d = import_load(bom, sizeof bom - 1, "bom", &st);
    assert_string_equal(cats_of(d, "测试", b, sizeof b), "x");
    pm_dictset_free(d);
}

static pm_status import_status(const char *text, size_t n, pm_dictimport_options *o,
                               unsigned *line_in_detail)
{
    pm_buf out;
    pm_buf_init(&out, 1 << 20);
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_status rc = pm_dict_import(text, n, o, &out, NULL, &err);
    if (line_in_detail)
        *line_in_detail = (unsigned)(strstr(err.detail, "line ") != NULL);
    pm_buf_free(&out);
    return rc;
}

#define IMP(text, o, l) import_status(text, strlen(text), o, l)

static void test_errors_and_caps(void **state)
{
    (void)state;
    pm_dictimport_options o;
    pm_dictimport_options_default(&o);
    unsigned has_line = 0;
    assert_int_equal(IMP("a:\n- 'unterminated\n", &o, &has_line), PM_ERR_DICT_SYNTAX);
    assert_true(has_line);
    assert_int_equal(IMP("- orphan\n", &o, NULL), PM_ERR_DICT_SYNTAX);
    assert_int_equal(IMP("a: [x, y\n", &o, NULL), PM_ERR_DICT_SYNTAX);
    assert_int_equal(IMP("k: \xff\xfe\n", &o, NULL), PM_ERR_UTF8);
    assert_int_equal(IMP("", &o, NULL), PM_ERR_DICT_SYNTAX); /* no terms */
    assert_int_equal(IMP("%\n1 x\nword 1\n", &o, NULL), PM_ERR_DICT_SYNTAX);
    /* nesting deeper than the cap */
    char deep[2048] = "";
    for (int i = 0; i < 20; i++) {
        char l[64];
        snprintf(l, sizeof l, "%*sk%d:\n", i, "", i);
        strcat(deep, l);
    }
    strcat(deep, "                    - x\n");
    assert_int_equal(import_status(deep, strlen(deep), &o, NULL), PM_ERR_TOO_BIG);
    /* term and count caps */
    o.max_terms = 2;
    assert_int_equal(IMP("a: [x, y, z]\n", &o, NULL), PM_ERR_TOO_BIG);
    pm_dictimport_options_default(&o);
    o.max_term_bytes = 4;
    assert_int_equal(IMP("a: [toolong]\n", &o, NULL), PM_ERR_TOO_BIG);
    /* more categories than a dimension holds */
    pm_dictimport_options_default(&o);
    static char many[300 * 16];
    many[0] = 0;
    for (int i = 0; i < 300; i++) {
        char l[32];
        snprintf(l, sizeof l, "k%d: [t%d]\n", i, i);
        strcat(many, l);
    }
    assert_int_equal(import_status(many, strlen(many), &o, NULL), PM_ERR_TOO_BIG);
}

/* Mutated fixtures and random bytes: any status, never a crash (run under ASan too). */
static void test_garbage_never_crashes(void **state)
{
    (void)state;
    const char *const fx[] = {"tests/data/dictimport/countries.yml",
                              "tests/data/dictimport/liwc_small.dic",
                              "tests/data/dictimport/liwc_crlf.dic"};
    uint32_t r = 12345;
    pm_dictimport_options o;
    pm_dictimport_options_default(&o);
    for (size_t f = 0; f < 3; f++) {
        size_t n;
        char *t = slurp(fx[f], &n);
        char *m = malloc(n + 1);
        for (int round = 0; round < 400; round++) {
            memcpy(m, t, n);
            size_t len = n;
            for (int k = 0; k < 1 + round % 8; k++) {
                r = r * 1103515245u + 12345u;
                size_t at = (r >> 8) % (len ? len : 1);
                int op = (int)((r >> 4) % 3);
                if (op == 0 && len)
                    m[at] = (char)(r >> 16); /* flip a byte */
                else if (op == 1 && len)
                    len = at; /* truncate */
                else if (len)
                    m[at] = "\n:-[]'\"%\t #<>*?"[(r >> 20) % 15];
            }
            pm_buf out;
            pm_buf_init(&out, 1 << 20);
            pm_errctx err;
            pm_errctx_clear(&err);
            pm_status rc = pm_dict_import(m, len, &o, &out, NULL, &err);
            assert_true(rc == PM_OK || rc == PM_ERR_DICT_SYNTAX || rc == PM_ERR_UTF8 ||
                        rc == PM_ERR_TOO_BIG);
            pm_buf_free(&out);
        }
        free(m);
        free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_nested_globs_longest),
        cmocka_unit_test(test_liwc_quirks),
        cmocka_unit_test(test_errors_and_caps),
        cmocka_unit_test(test_garbage_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
