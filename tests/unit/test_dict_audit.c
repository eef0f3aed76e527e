/* Unit tests for the audit path behind `policyminer dict explain`: it reports every match
 * with its pattern line and span, marks the vetoed ones with the covering veto, and decides
 * the same categories as the normal (prefiltered) matcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "policyminer/dict.h"

static pm_dictset *D;
static pm_dict_scratch *S;

static int setup(void **state)
{
    (void)state;
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_errctx err;
    if (pm_dictset_load(&D, "dictionaries/cn", &o, &err) != PM_OK)
        return -1;
    return pm_dict_scratch_create(&S, D) == PM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pm_dict_scratch_free(S);
    pm_dictset_free(D);
    return 0;
}

typedef struct seen {
    size_t n, vetoed;
    pm_dict_hit last_veto;
    const char *text;
    int spans_ok;
} seen;

static void collect(void *ud, const pm_dict_hit *h)
{
    seen *s = ud;
    s->n++;
    if (h->line == 0 || h->end < h->start || h->end > strlen(s->text))
        s->spans_ok = 0;
    if (h->vetoed) {
        s->vetoed++;
        s->last_veto = *h;
    }
}

static void test_veto_reported(void **state)
{
    (void)state;
    const char *t = "对落后产能不再给予补贴";
    pm_catset cats[16];
    seen s = {0, 0, {0}, t, 1};
    assert_int_equal(pm_dictset_audit(D, S, t, strlen(t), cats, 0, collect, &s), PM_OK);
    size_t dim = pm_dictset_dim_find(D, "instrument");
    assert_true(dim != (size_t)-1);
    assert_true(s.vetoed >= 1);
    assert_true(s.spans_ok);
    assert_non_null(s.last_veto.veto);
    assert_true(s.last_veto.veto_line > 0);
    /* the veto covers the hit */
    assert_true(s.last_veto.veto_start <= s.last_veto.start);
    assert_true(s.last_veto.veto_end >= s.last_veto.end);
    /* and the category is not set */
    for (size_t c = 0; c < pm_dictset_ncats(D, dim); c++)
        if (strcmp(pm_dictset_cat_key(D, dim, c), "fiscal_subsidy") == 0)
            assert_false(pm_catset_has(&cats[dim], (unsigned)c));
}

static void test_same_categories_as_match(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "对首次认定的企业给予一次性补助50万元，落实高新技术企业减按15%的税率征收企业所得税",
        "取消对落后产能的补贴，严厉打击骗取出口退税行为",
        "设立省级产业投资基金，建设科技企业孵化器和众创空间，推动集成电路产业集群发展",
        "",
        "没有任何政策工具的一段文字。"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t nd = pm_dictset_ndims(D);
        pm_catset a[16], m[16];
        seen s = {0, 0, {0}, texts[i], 1};
        assert_int_equal(pm_dictset_audit(D, S, texts[i], strlen(texts[i]), a, 1, collect, &s),
                         PM_OK);
        assert_int_equal(pm_dictset_match(D, S, texts[i], strlen(texts[i]), m, NULL, NULL, NULL),
                         PM_OK);
        for (size_t d = 0; d < nd; d++)
            assert_memory_equal(&a[d], &m[d], sizeof a[d]);
        assert_true(s.spans_ok);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_veto_reported),
        cmocka_unit_test(test_same_categories_as_match),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
