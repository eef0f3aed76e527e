/* country/kz/kz_number.c - the act's own number and the justice registration number, both
 * kept as strings: «№ 266», «№ 43/2-VIII», «№ С-26/2», «№ 33/3- VIII» → «33/3-VIII»
 * (blanks around - and / dropped, a sentence's closing full stop dropped). The act number
 * is the one the requisite line carries; the registration number is the one after
 * «Зарегистрировано …» (Russian) or before «… тіркелген» (Kazakh), never confused with it. */
#include <string.h>

#include "kz_internal.h"

#define NUMSIGN "\xe2\x84\x96" /* № */

size_t kz_find_numsign(const char *t, size_t from, size_t lim)
{
    for (size_t i = from; i + 3 <= lim; i++)
        if (memcmp(t + i, NUMSIGN, 3) == 0)
            return i;
    /* «N 1089»: a Latin N as the sign, alone before a number */
    for (size_t i = from; i + 2 < lim; i++)
        if (t[i] == 'N' && (i == 0 || t[i - 1] == ' ') && (t[i + 1] == ' ' || (t[i + 1] >= '0' &&
                                                                                t[i + 1] <= '9')))
            return i;
    return (size_t)-1;
}

/* a character that may be part of a number: ASCII letter or digit, a Cyrillic letter */
static size_t num_char(const char *t, size_t n, size_t i)
{
    unsigned char b = (unsigned char)t[i];
    if ((b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z'))
        return 1;
    if (b >= 0xD0 && b <= 0xD3 && i + 1 < n && ((unsigned char)t[i + 1] & 0xC0) == 0x80)
        return 2;
    return 0;
}

static int is_sep(char ch)
{
    return ch == '-' || ch == '/' || ch == '.';
}

int kz_number_at(const char *t, size_t n, size_t i, char *buf, size_t cap, size_t *end)
{
    size_t p;
    if (i + 3 <= n && memcmp(t + i, NUMSIGN, 3) == 0)
        p = i + 3;
    else if (i < n && t[i] == 'N')
        p = i + 1;
    else
        return 0;
    while (p < n && t[p] == ' ')
        p++;
    if (p >= n || !num_char(t, n, p))
        return 0;
    size_t o = 0, last = p;
    int digits = 0;
    while (p < n && o + 4 < cap) {
        size_t k = num_char(t, n, p);
        if (k) {
            if (t[p] >= '0' && t[p] <= '9')
                digits = 1;
            memcpy(buf + o, t + p, k);
            o += k;
            p += k;
            last = p;
            continue;
        }
        if (is_sep(t[p])) {
            char sep = t[p];
            buf[o++] = t[p++];
            while (sep != '.' && p < n && t[p] == ' ')
                p++; /* «33/3- VIII» */
            continue;
        }
        if (t[p] == ' ') {
            size_t q = p;
            while (q < n && t[q] == ' ')
                q++;
            if (q < n && (t[q] == '-' || t[q] == '/')) { /* «28-198 /VIII» */
                p = q;
                continue;
            }
        }
        break;
    }
    /* drop what does not end a number: a closing full stop or a dangling separator */
    while (o > 0 && is_sep(buf[o - 1]))
        o--;
    buf[o] = '\0';
    if (!digits || o == 0)
        return 0;
    *end = last;
    return 1;
}

int kz_find_docno(const void *state, const pm_country *c, const char *text, size_t len,
                  char *buf, size_t cap, pm_cspan *span)
{
    (void)c;
    char f[KZ_HEAD + 1];
    size_t n = len < KZ_HEAD ? len : KZ_HEAD, e;
    pm_country_fold(text, n, f);
    kz_req r;
    if (!kz_locate(state, text, f, n, &r) || r.no_end == 0)
        return 0;
    if (!kz_number_at(text, n, r.no_off, buf, cap, &e))
        return 0;
    span->off = r.no_off;
    span->len = e - r.no_off;
    return 1;
}

/* «1647 нөмірімен» (folded «нөмiрiмен» -> «номиримен»): the digits before the word, in
 * t[lo, hi); 1 if found */
static int kk_number_word(const char *t, const char *f, size_t lo, size_t hi, char *buf,
                          size_t cap, pm_cspan *span)
{
    static const char w[] = "\xd0\xbd\xd0\xbe\xd0\xbc\xd0\xb8\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd0\xbd"; /* номиримен */
    size_t wl = sizeof w - 1;
    for (size_t i = hi; i-- > lo;) {
        if (i + wl > hi || memcmp(f + i, w, wl) != 0)
            continue;
        size_t e = i;
        while (e > lo && t[e - 1] == ' ')
            e--;
        size_t s = e;
        while (s > lo && ((t[s - 1] >= '0' && t[s - 1] <= '9') || t[s - 1] == '-'))
            s--;
        if (s == e || e - s >= cap || t[s] < '0' || t[s] > '9')
            return 0;
        memcpy(buf, t + s, e - s);
        buf[e - s] = '\0';
        span->off = s;
        span->len = e - s;
        return 1;
    }
    return 0;
}

int kz_find_regno(const void *state, const pm_country *c, const char *text, size_t len,
                  char *buf, size_t cap, pm_cspan *span)
{
    (void)c;
    const kz_state *s = state;
    char f[KZ_HEAD + 1];
    size_t n = len < KZ_HEAD ? len : KZ_HEAD, e;
    pm_country_fold(text, n, f);
    kz_req r;
    size_t from = 0;
    if (kz_locate(s, text, f, n, &r))
        from = r.no_end ? r.no_end : r.end;
    static const char ru[] = "\xd0\xb7\xd0\xb0\xd1\x80\xd0\xb5\xd0\xb3\xd0\xb8\xd1\x81\xd1\x82"
                             "\xd1\x80\xd0\xb8\xd1\x80\xd0\xbe\xd0\xb2\xd0\xb0\xd0\xbd"; /* зарегистрирован */
    static const char kk[] = "\xd1\x82\xd0\xb8\xd1\x80\xd0\xba\xd0\xb5\xd0\xbb"; /* тиркел (folded) */
    static const char kk2[] = "\xd0\xb5\xd0\xbd\xd0\xb3\xd0\xb8\xd0\xb7\xd0\xb8\xd0\xbb\xd0\xb4\xd0\xb8"; /* енгизилди */
    for (size_t i = from; i < n; i++) {
        if (i + sizeof ru - 1 <= n && memcmp(f + i, ru, sizeof ru - 1) == 0) {
            size_t ns = kz_find_numsign(text, i, i + 250 < n ? i + 250 : n);
            if (ns != (size_t)-1 && kz_number_at(text, n, ns, buf, cap, &e)) {
                span->off = ns;
                span->len = e - ns;
                return 1;
            }
            return 0;
        }
        int reg_kk = i + sizeof kk - 1 <= n && memcmp(f + i, kk, sizeof kk - 1) == 0;
        /* «… тізіліміне № 1733 болып енгізілді»: entered in the register */
        reg_kk |= i + sizeof kk2 - 1 <= n && memcmp(f + i, kk2, sizeof kk2 - 1) == 0;
        if (reg_kk && kz_word_start(f, i)) {
            /* Kazakh: the last number sign before «тіркелген» / «енгізілді» */
            size_t lo = i > 150 ? i - 150 : 0, best = (size_t)-1;
            if (lo < from)
                lo = from;
            for (size_t ns = kz_find_numsign(text, lo, i); ns != (size_t)-1;
                 ns = kz_find_numsign(text, ns + 1, i))
                best = ns;
            if (best != (size_t)-1 && kz_number_at(text, n, best, buf, cap, &e)) {
                span->off = best;
                span->len = e - best;
                return 1;
            }
            /* «… 1647 нөмірімен тіркелді»: the number named by «нөмірімен», no sign */
            return kk_number_word(text, f, lo, i, buf, cap, span);
        }
    }
    return 0;
}
