/* Unit tests for China's text half (country/cn/cn_text.c): the regions a body cites
 * (学习借鉴 X 经验), found by looking for verbs only before a noun, against the plain
 * search of the whole body verb by verb (the rule as first written), on random bodies
 * built from the words that matter, clause breaks and place names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/classify.h"
#include "policyminer/country.h"
#include "policyminer/doc.h"
#include "policyminer/gazetteer.h"

/* The reference: every occurrence of every verb, in verb order, by memmem. */
static void ref_citations(const pm_gazetteer *g, const char *t, size_t n, const pm_record *rec,
                          uint32_t *cited, unsigned *ncited)
{
    static const char *const verbs[] = {"借鉴", "学习", "复制推广", "参照"};
    static const char *const nouns[] = {"经验", "做法", "模式"};
    *ncited = 0;
    for (size_t v = 0; v < 4; v++) {
        size_t vl = strlen(verbs[v]);
        for (const char *q = t; q && (q = memmem(q, (size_t)(t + n - q), verbs[v], vl)) != NULL;
             q += vl) {
            const char *s0 = q + vl, *lim = s0 + 36 < t + n ? s0 + 36 : t + n, *end = NULL;
            for (size_t k = 0; k < 3; k++) {
                const char *e = memmem(s0, (size_t)(lim - s0), nouns[k], strlen(nouns[k]));
                if (e && (!end || e < end))
                    end = e;
            }
            if (!end || end == s0 || memmem(s0, (size_t)(end - s0), "。", 3) ||
                memmem(s0, (size_t)(end - s0), "；", 3) || memmem(s0, (size_t)(end - s0), "，", 3) ||
                memchr(s0, '\n', (size_t)(end - s0)))
                continue;
            pm_issuer_input in = {.issuer = s0, .issuer_len = (size_t)(end - s0), .year = rec->year};
            pm_issuer_result r;
            pm_issuer_resolve(g, &in, &r);
            uint32_t code = r.region_code;
            if (!code || code == PM_CODE_CENTRAL || code == rec->issuer.region_code)
                continue;
            int dup = 0;
            for (unsigned i = 0; i < *ncited; i++)
                dup |= cited[i] == code;
            if (!dup && *ncited < PM_MAX_CITED)
                cited[(*ncited)++] = code;
        }
    }
}

static void test_citations_equal_reference(void **state)
{
    (void)state;
    static const char *const words[] = {"学习", "借鉴", "复制推广", "参照", "经验", "做法", "模式",
                                        "浙江", "湖州市", "江苏省无锡市", "深圳", "先进地区", "的",
                                        "。", "，", "；", "\n", "工作", "推进", "安吉县", "有关"};
    enum { NW = sizeof words / sizeof *words };
    pm_country *c;
    pm_errctx err;
    assert_int_equal(pm_country_open(&c, "cn", "dictionaries", &err), PM_OK);
    const pm_gazetteer *g = pm_country_gazetteer(c);
    unsigned seed = 2024;
    int with = 0;
    static char body[8192];
    for (int t = 0; t < 3000; t++) {
        size_t len = 0;
        int nw = 1 + rand_r(&seed) % (t % 10 == 0 ? 900 : 60); /* some with > 64 nouns */
        for (int i = 0; i < nw; i++) {
            const char *w = words[rand_r(&seed) % NW];
            size_t wl = strlen(w);
            if (len + wl >= sizeof body)
                break;
            memcpy(body + len, w, wl);
            len += wl;
        }
        pm_doc doc;
        memset(&doc, 0, sizeof doc);
        doc.title.p = "关于推广先进经验的通知";
        doc.title.len = strlen(doc.title.p);
        doc.body.p = body;
        doc.body.len = len;
        if (t % 3 == 0) {
            doc.issuer.p = "浙江省人民政府";
            doc.issuer.len = strlen(doc.issuer.p);
        }
        pm_record rec;
        memset(&rec, 0, sizeof rec);
        char num[64];
        pm_country_read_doc(c, &doc, &rec, num, sizeof num);
        uint32_t want[PM_MAX_CITED];
        unsigned nwant;
        ref_citations(g, body, len, &rec, want, &nwant);
        assert_int_equal(rec.ncited, nwant);
        assert_memory_equal(rec.cited, want, nwant * sizeof *want);
        with += nwant > 0;
    }
    assert_true(with > 300); /* the bodies do cite */
    pm_country_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_citations_equal_reference),
    };
    return cmocka_run_group_tests_name("cn_text", tests, NULL, NULL);
}
