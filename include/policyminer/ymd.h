/* policyminer/ymd.h - the one formatter of the pipeline's dates.
 *
 * A date is a yyyymmdd integer: mm and dd are 00 when not known (a year from a document
 * number, a bare <date>2015</date>), and 0 is "no date". Every table prints dates through
 * these, so a column's form never depends on which file wrote it.
 */
#ifndef POLICYMINER_YMD_H
#define POLICYMINER_YMD_H

#include <stddef.h>
#include <stdint.h>

typedef enum pm_ymd_prec {
    PM_YMD_NONE = 0,  /* no date */
    PM_YMD_YEAR = 1,
    PM_YMD_MONTH = 2,
    PM_YMD_DAY = 3
} pm_ymd_prec;

int pm_ymd_year(int64_t ymd);            /* 0 for no date */
pm_ymd_prec pm_ymd_precision(int64_t ymd);
/* "", "year", "month" or "day" (the date_precision columns) */
const char *pm_ymd_precision_word(int64_t ymd);
/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" as far as the date is known, but "" when it is known
 * less precisely than `min` (PM_YMD_DAY: a full date or nothing; PM_YMD_YEAR: any date)
 * or not at all. Returns buf; buf must hold 11 bytes for any date (cap is respected). */
char *pm_ymd_format(int64_t ymd, pm_ymd_prec min, char *buf, size_t cap);
#define PM_YMD_BUF 16

#endif
