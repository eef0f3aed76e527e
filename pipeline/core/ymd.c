/* core/ymd.c - yyyymmdd dates to text: the year, how precisely the date is known, and
 * "YYYY[-MM[-DD]]". The only place that takes a date's digits apart for printing. */
#include <stdio.h>

#include "policyminer/ymd.h"

int pm_ymd_year(int64_t ymd)
{
    return ymd > 0 ? (int)(ymd / 10000) : 0;
}

pm_ymd_prec pm_ymd_precision(int64_t ymd)
{
    if (ymd <= 0)
        return PM_YMD_NONE;
    return ymd % 100 ? PM_YMD_DAY : ymd % 10000 ? PM_YMD_MONTH : PM_YMD_YEAR;
}

const char *pm_ymd_precision_word(int64_t ymd)
{
    static const char *const W[] = {"", "year", "month", "day"};
    return W[pm_ymd_precision(ymd)];
}

char *pm_ymd_format(int64_t ymd, pm_ymd_prec min, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    pm_ymd_prec p = pm_ymd_precision(ymd);
    int y = (int)(ymd / 10000), m = (int)(ymd / 100 % 100), d = (int)(ymd % 100);
    if (p == PM_YMD_NONE || p < min) {
        buf[0] = '\0';
    } else if (y <= 9999 && cap >= 11) { /* the digits by hand: what the snprintfs print */
        char *o = buf;
        *o++ = (char)('0' + y / 1000);
        *o++ = (char)('0' + y / 100 % 10);
        *o++ = (char)('0' + y / 10 % 10);
        *o++ = (char)('0' + y % 10);
        if (p >= PM_YMD_MONTH) {
            *o++ = '-';
            *o++ = (char)('0' + m / 10);
            *o++ = (char)('0' + m % 10);
        }
        if (p == PM_YMD_DAY) {
            *o++ = '-';
            *o++ = (char)('0' + d / 10);
            *o++ = (char)('0' + d % 10);
        }
        *o = '\0';
    } else if (p == PM_YMD_DAY)
        snprintf(buf, cap, "%04d-%02d-%02d", y, m, d);
    else if (p == PM_YMD_MONTH)
        snprintf(buf, cap, "%04d-%02d", y, m);
    else
        snprintf(buf, cap, "%04d", y);
    return buf;
}
