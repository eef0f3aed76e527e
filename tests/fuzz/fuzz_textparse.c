/* fuzz_textparse.c - libFuzzer harness for the date and document-number (文号) parsers
 * (classify/textparse.c): each must stay inside its input, return only calendar-valid
 * dates in the accepted year range, and spans that lie inside the text.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/textparse.h"

static int valid_ymd(int32_t ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < PM_YEAR_MIN || y > PM_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 0;
    return 1;
}

static void check_docno(const pm_docno *dn, size_t n)
{
    assert(dn->start <= dn->end && dn->end <= n);
    assert(dn->prefix_start <= dn->prefix_end && dn->prefix_end <= n);
    assert(dn->year >= PM_YEAR_MIN && dn->year <= PM_YEAR_MAX);
    assert(dn->serial >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size heap copy, so ASan sees any read past the end */
    char *t = (char *)malloc(size ? size : 1);
    if (!t)
        return 0;
    memcpy(t, data, size);
    int32_t ymd = 0;
    size_t used = 0;
    if (pm_date_parse_iso(t, size, &ymd))
        assert(valid_ymd(ymd));
    if (pm_date_parse_cn(t, size, &ymd, &used)) {
        assert(valid_ymd(ymd));
        assert(used > 0 && used <= size);
    }
    if (pm_date_find_closing(t, size, 0, &ymd))
        assert(valid_ymd(ymd));
    if (pm_date_find_closing(t, size, 7, &ymd))
        assert(valid_ymd(ymd));
    pm_docno dn;
    if (pm_docno_parse(t, size, &dn))
        check_docno(&dn, size);
    if (pm_docno_find(t, size, &dn))
        check_docno(&dn, size);
    uint32_t cp;
    for (size_t i = 0; i < size;) {
        int l = pm_utf8_next(t + i, size - i, &cp);
        if (l <= 0) {
            i++;
            continue;
        }
        assert((size_t)l <= size - i);
        i += (size_t)l;
    }
    free(t);
    return 0;
}
