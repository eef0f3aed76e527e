/* policyminer/buf.h - growable byte buffer with a hard cap (after curl's dynbuf).
 *
 * A plain value type: init, use, free. Growth beyond `max` fails with PM_ERR_TOO_BIG and
 * leaves the contents unchanged, so a gzip bomb or a giant document cannot take the
 * machine down. data is always NUL-terminated when non-NULL (the NUL is not counted).
 */
#ifndef POLICYMINER_BUF_H
#define POLICYMINER_BUF_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

typedef struct pm_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
} pm_buf;

void pm_buf_init(pm_buf *b, size_t max);
void pm_buf_free(pm_buf *b);          /* accepts a zeroed buffer */
void pm_buf_reset(pm_buf *b);         /* len = 0, keeps memory */
pm_status pm_buf_reserve(pm_buf *b, size_t extra);
pm_status pm_buf_append(pm_buf *b, const void *p, size_t n);
pm_status pm_buf_append_str(pm_buf *b, const char *s);
pm_status pm_buf_append_char(pm_buf *b, char c);
pm_status pm_buf_printf(pm_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* v in decimal, zero-padded to at least `width` digits (width <= 20), into out without a
 * NUL; returns the length. For the table writers, which print millions of numbers and
 * where printf's format parsing was a tenth of a refresh. */
#define PM_U64_DEC_MAX 20
size_t pm_u64_dec(char out[PM_U64_DEC_MAX], uint64_t v, unsigned width);
/* Drops the first n bytes (memmove); n <= len. */
void pm_buf_consume(pm_buf *b, size_t n);

/* The capped array: makes room for `need` elements of `elem` bytes in the array whose
 * address is at arrp (a T **) and whose capacity, in elements, is *cap: doubling from
 * `first`, never beyond `max` elements. PM_OK; PM_ERR_TOO_BIG when need > max;
 * PM_ERR_NOMEM. The array and *cap are unchanged on failure. */
pm_status pm_array_reserve(void *arrp, size_t *cap, size_t need, size_t elem, size_t first,
                           size_t max);

#endif
