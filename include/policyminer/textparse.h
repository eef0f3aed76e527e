/* policyminer/textparse.h - small, total parsers for dates and document numbers (文号).
 *
 * All functions take (pointer, length) UTF-8 text, never read outside it, never allocate,
 * and return 1 when they found/parsed something, 0 otherwise (outputs then untouched).
 * Dates are int32 yyyymmdd, validated as real calendar dates (leap years included);
 * a month-only date ("2015年3月") has day 0 and is NOT returned by the date finders.
 */
#ifndef POLICYMINER_TEXTPARSE_H
#define POLICYMINER_TEXTPARSE_H

#include <stddef.h>
#include <stdint.h>

/* "2015-03-12" (also "2015/03/12", "2015.03.12", "2015-3-2", "20150312"), with optional
 * surrounding whitespace; a trailing time ("2015-03-12T10:00" / " 10:00:00") is allowed. */
int pm_date_parse_iso(const char *s, size_t n, int32_t *ymd); /* China's years (below) */
/* The same within the years [ymin, ymax] (a country pack's, pm_country_years). */
int pm_date_parse_iso_in(const char *s, size_t n, int ymin, int ymax, int32_t *ymd);

/* One Chinese date at the start of s: "2015年3月12日", "２０１５年３月１２日" (full-width
 * digits), "二〇一五年三月十二日" / "二○一五年三月十二日" / "二零一五年..." (Chinese numerals,
 * 〇 ○ 零 O for zero, 十 二十 三十一 for days). *used = bytes consumed. */
int pm_date_parse_cn(const char *s, size_t n, int32_t *ymd, size_t *used);

/* The closing date of a document: the LAST valid Chinese or ISO-with-年 date within the
 * final `tail` bytes of text (tail 0 = 600). Used for the signature block. */
int pm_date_find_closing(const char *text, size_t n, size_t tail, int32_t *ymd);

/* The enactment line of a law or regulation: in the head of the body (before its first
 * article or chapter, at most 12 lines / 3 KB), the first line that opens with a Chinese
 * date (optionally inside （ ）) and records an adoption, approval or promulgation - 通过,
 * 批准, 公布, 发布 or a 会议 - rather than a later 修正 / 修订 or only a 施行 date (a
 * province's 批准 of a city's act comes after the city's own adoption line): "2018年4月27日 第十三届全国人民代表大会常务委员会第二次会议通过",
 * "2008年1月31日 中华人民共和国国务院令第517号公布". Sets the organ span (between the
 * date and the verb; may be empty) relative to text, and the date. */
typedef struct pm_enactment {
    size_t organ_start, organ_end;
    size_t line_start, line_end;
    int32_t ymd;
} pm_enactment;
int pm_enactment_find(const char *text, size_t n, pm_enactment *out);

/* The years China's grammar (年月日 dates, 文号, pm_date_parse_iso) accepts: 1949..2100.
 * Generic code uses the pack's range instead (pm_country_years, pack.tsv `years`). */
#define PM_YEAR_MIN 1949
#define PM_YEAR_MAX 2100

typedef struct pm_docno {
    size_t start, end;        /* byte span of the whole number within the input */
    size_t prefix_start, prefix_end; /* organ prefix, e.g. "粤府办" */
    int year;                 /* e.g. 2015 */
    int serial;               /* e.g. 12 */
} pm_docno;

/* Parses a document number that makes up s (whitespace trimmed): prefix (1-12 CJK/ASCII
 * letters) + year in 〔〕 [] ［］ () （） 【】 + serial digits + 号. "粤府办〔2015〕12号". */
int pm_docno_parse(const char *s, size_t n, pm_docno *out);

/* Finds the first document number anywhere in text (spans are relative to text). */
int pm_docno_find(const char *text, size_t n, pm_docno *out);

#endif
