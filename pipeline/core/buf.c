/* core/buf.c - the capped growable buffer (pm_buf) and the capped array (pm_array_reserve).
 *
 * Doubles capacity up to the cap; never grows past `max`, never leaves the buffer in a
 * half-updated state on failure.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"

void pm_buf_init(pm_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void pm_buf_free(pm_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void pm_buf_reset(pm_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

pm_status pm_buf_reserve(pm_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return PM_ERR_TOO_BIG;
    size_t need = b->len + extra + 1; /* +1 for the NUL */
    if (need <= b->cap)
        return PM_OK;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > b->max + 1)
        ncap = b->max + 1;
    char *p = realloc(b->data, ncap);
    if (!p)
        return PM_ERR_NOMEM;
    b->data = p;
    b->cap = ncap;
    return PM_OK;
}

pm_status pm_buf_append(pm_buf *b, const void *p, size_t n)
{
    pm_status st = pm_buf_reserve(b, n);
    if (st != PM_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return PM_OK;
}

pm_status pm_buf_append_str(pm_buf *b, const char *s)
{
    return pm_buf_append(b, s, strlen(s));
}

pm_status pm_buf_append_char(pm_buf *b, char c)
{
    return pm_buf_append(b, &c, 1);
}

pm_status pm_buf_printf(pm_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return PM_ERR_ARG;
    if ((size_t)n < sizeof small)
        return pm_buf_append(b, small, (size_t)n);
    pm_status st = pm_buf_reserve(b, (size_t)n);
    if (st != PM_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return PM_OK;
}

void pm_buf_consume(pm_buf *b, size_t n)
{
    if (n >= b->len) {
        pm_buf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

pm_status pm_array_reserve(void *arrp, size_t *cap, size_t need, size_t elem, size_t first,
                           size_t max)
{
    if (need <= *cap)
        return PM_OK;
    if (need > max || need > SIZE_MAX / elem)
        return PM_ERR_TOO_BIG;
    size_t nc = *cap ? *cap : (first ? first : 1);
    while (nc < need)
        nc = nc > SIZE_MAX / 2 ? need : nc * 2;
    if (nc > max)
        nc = max;
    if (nc > SIZE_MAX / elem)
        nc = need;
    void *old; /* the caller's T *, read and written as bytes: no aliasing assumption */
    memcpy(&old, arrp, sizeof old);
    void *na = realloc(old, nc * elem);
    if (!na)
        return PM_ERR_NOMEM;
    memcpy(arrp, &na, sizeof na);
    *cap = nc;
    return PM_OK;
}

size_t pm_u64_dec(char out[PM_U64_DEC_MAX], uint64_t v, unsigned width)
{
    /* two digits per division (the tables print millions of small numbers: dates, codes,
     * the four decimals of a lag), written from the end of a scratch buffer */
    static const char two[201] = "00010203040506070809101112131415161718192021222324"
                                 "25262728293031323334353637383940414243444546474849"
                                 "50515253545556575859606162636465666768697071727374"
                                 "75767778798081828384858687888990919293949596979899";
    char t[PM_U64_DEC_MAX];
    size_t n = PM_U64_DEC_MAX;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        t[--n] = two[2 * r + 1];
        t[--n] = two[2 * r];
    }
    if (v >= 10) {
        t[--n] = two[2 * v + 1];
        t[--n] = two[2 * v];
    } else {
        t[--n] = (char)('0' + v);
    }
    if (width > PM_U64_DEC_MAX)
        width = PM_U64_DEC_MAX;
    size_t k = 0, len = PM_U64_DEC_MAX - n;
    while (k + len < width)
        out[k++] = '0';
    while (n < PM_U64_DEC_MAX)
        out[k++] = t[n++];
    return k;
}
