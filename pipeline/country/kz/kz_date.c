/* country/kz/kz_date.c - dates in Kazakhstan's acts, read in the folded head: Russian
 * «28 ноября 2025 года», Kazakh «2016 жылғы 19 шілдедегі» (and the registration form
 * «2008 жылы 7 ақпанда», flagged so it is never taken for the act's date), «23.10.2012»,
 * and ISO «2025-11-28». Month words come from the pack header. find_date returns the date
 * of the act's requisite line, not the first date in the text (a title may cite another
 * act's date). */
#include <string.h>

#include "kz_internal.h"

static int digits(const char *f, size_t n, size_t i, size_t *len, unsigned *val)
{
    size_t k = 0;
    unsigned v = 0;
    while (i + k < n && f[i + k] >= '0' && f[i + k] <= '9' && k < 5) {
        v = v * 10 + (unsigned)(f[i + k] - '0');
        k++;
    }
    if (i + k < n && f[i + k] >= '0' && f[i + k] <= '9')
        return 0;
    *len = k;
    *val = v;
    return k > 0;
}

static size_t skip_sp(const char *f, size_t n, size_t i)
{
    while (i < n && f[i] == ' ')
        i++;
    return i;
}

/* skips the letters of a word (ASCII or 2-byte Cyrillic) */
static size_t skip_letters(const char *f, size_t n, size_t i)
{
    while (i < n) {
        unsigned char b = (unsigned char)f[i];
        if (b >= 'a' && b <= 'z')
            i++;
        else if (b >= 0xD0 && b <= 0xD3 && i + 1 < n)
            i += 2;
        else
            break;
    }
    return i;
}

static int month_at(const char (*words)[KZ_WORD_MAX], const char *f, size_t n, size_t i,
                    size_t *end)
{
    for (int m = 0; m < 12; m++) {
        size_t l = strlen(words[m]);
        if (l && l <= n - i && memcmp(f + i, words[m], l) == 0) {
            *end = skip_letters(f, n, i + l); /* genitive or locative ending */
            return m + 1;
        }
    }
    return 0;
}

static int valid(unsigned y, unsigned m, unsigned d)
{
    return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

int kz_next_date(const kz_state *s, const char *f, size_t n, size_t from, kz_date *d)
{
    for (size_t i = from; i < n; i++) {
        if (f[i] < '0' || f[i] > '9' || (i > 0 && f[i - 1] >= '0' && f[i - 1] <= '9'))
            continue;
        size_t k, j;
        unsigned a;
        if (!digits(f, n, i, &k, &a))
            continue;
        memset(d, 0, sizeof *d);
        j = i + k;
        /* ISO 2025-11-28 */
        if (k == 4 && j + 6 <= n && f[j] == '-') {
            size_t k2, k3;
            unsigned mo, da;
            if (digits(f, n, j + 1, &k2, &mo) && k2 == 2 && j + 3 < n && f[j + 3] == '-' &&
                digits(f, n, j + 4, &k3, &da) && k3 == 2 && valid(a, mo, da)) {
                d->off = i;
                d->end = j + 6;
                d->ymd = a * 10000 + mo * 100 + da;
                return 1;
            }
        }
        /* 23.10.2012 */
        if (k <= 2 && j + 8 <= n && f[j] == '.') {
            size_t k2, k3;
            unsigned mo, y;
            if (digits(f, n, j + 1, &k2, &mo) && k2 == 2 && f[j + 3] == '.' &&
                digits(f, n, j + 4, &k3, &y) && k3 == 4 && valid(y, mo, a)) {
                d->off = i;
                d->end = j + 8;
                d->ymd = y * 10000 + mo * 100 + a;
                return 1;
            }
        }
        /* 28 ноября 2025 года */
        if (k <= 2) {
            size_t p = skip_sp(f, n, j), me, ky;
            unsigned y;
            int mo = p > j ? month_at(s->month_ru, f, n, p, &me) : 0;
            if (mo) {
                size_t q = skip_sp(f, n, me);
                if (q > me && digits(f, n, q, &ky, &y) && ky == 4 && valid(y, (unsigned)mo, a)) {
                    d->off = i;
                    d->end = q + 4;
                    size_t w = skip_sp(f, n, d->end);
                    size_t yl = strlen(s->year_ru);
                    if (w + yl <= n && memcmp(f + w, s->year_ru, yl) == 0)
                        d->end = skip_letters(f, n, w + yl);
                    else if (w + 2 <= n && memcmp(f + w, "\xd0\xb3", 2) == 0) /* г. */
                        d->end = w + 2 + (w + 2 < n && f[w + 2] == '.');
                    d->ymd = y * 10000 + (unsigned)mo * 100 + a;
                    return 1;
                }
            }
        }
        /* 2016 жылғы 19 шілдедегі / 2008 жылы 7 ақпанда */
        if (k == 4) {
            size_t p = skip_sp(f, n, j), yl = strlen(s->year_kk);
            if (p > j && p + yl <= n && memcmp(f + p, s->year_kk, yl) == 0) {
                size_t we = skip_letters(f, n, p + yl);
                /* жылғы (folded жылгы) = of the year; жылы = in the year */
                int registration = we - p == yl + 2 && memcmp(f + p + yl, "\xd1\x8b", 2) == 0;
                size_t q = skip_sp(f, n, we), kd, me;
                unsigned da;
                if (q > we && digits(f, n, q, &kd, &da) && kd <= 2) {
                    size_t r = skip_sp(f, n, q + kd);
                    int mo = r > q + kd ? month_at(s->month_kk, f, n, r, &me) : 0;
                    if (mo && valid(a, (unsigned)mo, da)) {
                        d->off = i;
                        d->end = me;
                        d->ymd = a * 10000 + (unsigned)mo * 100 + da;
                        d->kk_year_first = 1;
                        d->kk_registration = registration;
                        return 1;
                    }
                }
            }
        }
    }
    return 0;
}

int kz_find_date(const void *state, const pm_country *c, const char *text, size_t len,
                 pm_ymd *out, pm_cspan *span)
{
    (void)c;
    char f[KZ_HEAD + 1];
    size_t n = len < KZ_HEAD ? len : KZ_HEAD;
    pm_country_fold(text, n, f);
    kz_req r;
    if (!kz_locate(state, text, f, n, &r))
        return 0;
    *out = r.date.ymd;
    span->off = r.date.off;
    span->len = r.date.end - r.date.off;
    return 1;
}
