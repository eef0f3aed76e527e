/* classify/textparse.c - dates (ISO and Chinese, incl. Chinese numerals) and document
 * numbers (文号) found in policy text.
 *
 * Small total functions over (pointer, length): they decode UTF-8 one code point at a
 * time, never read past the given length, never allocate, and validate every date
 * against the calendar. They return 1 on success and leave outputs untouched otherwise.
 */
#include <string.h>

#include "policyminer/textparse.h"
#include "policyminer/utf8.h"

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

static int valid_date_in(int y, int m, int d, int ymin, int ymax)
{
    return y >= ymin && y <= ymax && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* China's grammar (年月日, 文号): the People's Republic's years */
static int valid_date(int y, int m, int d) { return valid_date_in(y, m, d, PM_YEAR_MIN, PM_YEAR_MAX); }

/* ASCII or full-width digit value, else -1. */
static int digit(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (int)(cp - 0xFF10);
    return -1;
}

/* Chinese numeral digit (incl. the zero forms used in dates), else -1. */
static int cn_digit(uint32_t cp)
{
    switch (cp) {
    case 0x3007: case 0x25CB: case 0x96F6: case 'O': case 'o': case 0xFF2F: case 0x039F:
        return 0; /* 〇 ○ 零 O o Ｏ Ο */
    case 0x4E00: return 1; case 0x4E8C: return 2; case 0x4E09: return 3; case 0x56DB: return 4;
    case 0x4E94: return 5; case 0x516D: return 6; case 0x4E03: return 7; case 0x516B: return 8;
    case 0x4E5D: return 9;
    }
    return -1;
}

static int is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0; }

/* Cursor over UTF-8 text. */
typedef struct cur {
    const char *s;
    size_t n, i;
} cur;

static int peek(const cur *c, uint32_t *cp, int *len)
{
    *len = pm_utf8_next(c->s + c->i, c->n - c->i, cp);
    return *len > 0;
}

static void skip_spaces(cur *c)
{
    uint32_t cp;
    int l;
    while (peek(c, &cp, &l) && is_space(cp))
        c->i += (size_t)l;
}

static int eat(cur *c, uint32_t want)
{
    uint32_t cp;
    int l;
    skip_spaces(c);
    if (peek(c, &cp, &l) && cp == want) {
        c->i += (size_t)l;
        return 1;
    }
    return 0;
}

/* Arabic number of 1..max_digits digits. */
static int read_num(cur *c, int max_digits, int *v)
{
    uint32_t cp;
    int l, k = 0, acc = 0;
    while (k < max_digits && peek(c, &cp, &l) && digit(cp) >= 0) {
        acc = acc * 10 + digit(cp);
        c->i += (size_t)l;
        k++;
    }
    if (k == 0 || (peek(c, &cp, &l) && digit(cp) >= 0))
        return 0;
    *v = acc;
    return 1;
}

/* Year written digit by digit in Chinese numerals (二〇一五). */
static int read_cn_year(cur *c, int *v)
{
    uint32_t cp;
    int l, acc = 0;
    for (int k = 0; k < 4; k++) {
        if (!peek(c, &cp, &l) || cn_digit(cp) < 0)
            return 0;
        acc = acc * 10 + cn_digit(cp);
        c->i += (size_t)l;
    }
    *v = acc;
    return 1;
}

/* Month or day in Chinese numerals: 三, 十, 十二, 二十, 二十一, 三十一, 廿五, 卅一. */
static int read_cn_small(cur *c, int *v)
{
    uint32_t cp;
    int l, tens = -1, units = 0, seen = 0;
    size_t start = c->i;
    while (peek(c, &cp, &l)) {
        int dv = cn_digit(cp);
        if (cp == 0x5341) { /* 十 */
            if (tens >= 0)
                break;
            tens = seen ? units : 1;
            units = 0;
            seen = 1;
        } else if (cp == 0x5EFF || cp == 0x5345) { /* 廿 卅 */
            if (seen)
                break;
            tens = cp == 0x5EFF ? 2 : 3;
            seen = 1;
        } else if (dv > 0) {
            if (seen && tens < 0)
                break; /* two bare digits: not a small number */
            units = dv;
            seen = 1;
        } else {
            break;
        }
        c->i += (size_t)l;
    }
    if (!seen) {
        c->i = start;
        return 0;
    }
    *v = (tens > 0 ? tens * 10 : 0) + units;
    return *v > 0;
}

int pm_date_parse_cn(const char *s, size_t n, int32_t *ymd, size_t *used)
{
    cur c = {s, n, 0};
    int y, m, d;
    uint32_t cp;
    int l;
    if (!peek(&c, &cp, &l))
        return 0;
    int arabic = digit(cp) >= 0;
    if (arabic ? !read_num(&c, 4, &y) : !read_cn_year(&c, &y))
        return 0;
    if (!eat(&c, 0x5E74)) /* 年 */
        return 0;
    skip_spaces(&c);
    if (!(read_num(&c, 2, &m) || read_cn_small(&c, &m)) || !eat(&c, 0x6708)) /* 月 */
        return 0;
    skip_spaces(&c);
    if (!(read_num(&c, 2, &d) || read_cn_small(&c, &d)))
        return 0;
    if (!eat(&c, 0x65E5) && !eat(&c, 0x53F7)) /* 日 (号 in informal text) */
        return 0;
    if (!valid_date(y, m, d))
        return 0;
    *ymd = y * 10000 + m * 100 + d;
    if (used)
        *used = c.i;
    return 1;
}

int pm_date_parse_iso(const char *s, size_t n, int32_t *ymd)
{
    return pm_date_parse_iso_in(s, n, PM_YEAR_MIN, PM_YEAR_MAX, ymd);
}

int pm_date_parse_iso_in(const char *s, size_t n, int ymin, int ymax, int32_t *ymd)
{
    cur c = {s, n, 0};
    int y, m, d;
    skip_spaces(&c);
    size_t start = c.i;
    int k = 0;
    while (c.i + (size_t)k < n && s[c.i + k] >= '0' && s[c.i + k] <= '9')
        k++;
    if (k == 8) {
        y = (s[start] - '0') * 1000 + (s[start + 1] - '0') * 100 + (s[start + 2] - '0') * 10 +
            (s[start + 3] - '0');
        m = (s[start + 4] - '0') * 10 + (s[start + 5] - '0');
        d = (s[start + 6] - '0') * 10 + (s[start + 7] - '0');
        c.i += 8;
    } else {
        if (k != 4 || !read_num(&c, 4, &y) || c.i >= n)
            return 0;
        char sep = s[c.i];
        if (sep != '-' && sep != '/' && sep != '.')
            return 0;
        c.i++;
        if (!read_num(&c, 2, &m) || c.i >= n || s[c.i] != sep)
            return 0;
        c.i++;
        if (!read_num(&c, 2, &d))
            return 0;
    }
    /* optional time part, then only blanks */
    if (c.i < n && (s[c.i] == 'T' || s[c.i] == ' ')) {
        size_t j = c.i + 1;
        if (j < n && s[j] >= '0' && s[j] <= '9') {
            while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == ':' || s[j] == '.' ||
                             s[j] == 'Z' || s[j] == '+' || s[j] == '-'))
                j++;
            c.i = j;
        }
    }
    skip_spaces(&c);
    while (c.i < n && (s[c.i] == '\n' || s[c.i] == '\r'))
        c.i++;
    if (c.i != n || !valid_date_in(y, m, d, ymin, ymax))
        return 0;
    *ymd = y * 10000 + m * 100 + d;
    return 1;
}

int pm_date_find_closing(const char *text, size_t n, size_t tail, int32_t *ymd)
{
    if (tail == 0)
        tail = 600;
    size_t i = pm_utf8_ceil(text, n, n > tail ? n - tail : 0);
    int found = 0;
    int32_t best = 0;
    while (i < n) {
        int32_t v;
        size_t used;
        uint32_t cp;
        int l = pm_utf8_next(text + i, n - i, &cp);
        /* a date starts with a digit (Arabic or Chinese): elsewhere pm_date_parse_cn
         * returns 0 at its first character, so it is not called there */
        if (l > 0 && (digit(cp) >= 0 || cn_digit(cp) >= 0) &&
            pm_date_parse_cn(text + i, n - i, &v, &used)) {
            best = v;
            found = 1;
            i += used;
            continue;
        }
        i += l > 0 ? (size_t)l : 1;
    }
    if (found)
        *ymd = best;
    return found;
}

/* ---- document numbers ----------------------------------------------------------------- */

static int bracket_open(uint32_t cp)
{
    return cp == 0x3014 || cp == 0xFF3B || cp == '[' || cp == '(' || cp == 0xFF08 ||
           cp == 0x3010 || cp == 0xFE5D;
}

static int bracket_close(uint32_t cp)
{
    return cp == 0x3015 || cp == 0xFF3D || cp == ']' || cp == ')' || cp == 0xFF09 ||
           cp == 0x3011 || cp == 0xFE5E;
}

static int prefix_char(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

/* From the opening bracket at s[i]: year, closing bracket, serial, 号. Returns end. */
static size_t docno_tail(const char *s, size_t n, size_t i, int *year, int *serial)
{
    cur c = {s, n, i};
    uint32_t cp;
    int l;
    if (!peek(&c, &cp, &l) || !bracket_open(cp))
        return 0;
    c.i += (size_t)l;
    skip_spaces(&c);
    if (!read_num(&c, 4, year) || *year < PM_YEAR_MIN || *year > PM_YEAR_MAX)
        return 0;
    skip_spaces(&c);
    if (!peek(&c, &cp, &l) || !bracket_close(cp))
        return 0;
    c.i += (size_t)l;
    skip_spaces(&c);
    if (peek(&c, &cp, &l) && cp == 0x7B2C) /* 第 */
        c.i += (size_t)l;
    if (!read_num(&c, 6, serial))
        return 0;
    if (!eat(&c, 0x53F7)) /* 号 */
        return 0;
    return c.i;
}

int pm_docno_parse(const char *s, size_t n, pm_docno *out)
{
    cur c = {s, n, 0};
    skip_spaces(&c);
    size_t start = c.i, chars = 0;
    uint32_t cp;
    int l;
    while (peek(&c, &cp, &l) && prefix_char(cp)) {
        c.i += (size_t)l;
        chars++;
    }
    if (chars < 1 || chars > 12)
        return 0;
    size_t pend = c.i;
    int year, serial;
    size_t end = docno_tail(s, n, c.i, &year, &serial);
    if (!end)
        return 0;
    cur t = {s, n, end};
    skip_spaces(&t);
    while (t.i < n && (s[t.i] == '\n' || s[t.i] == '\r'))
        t.i++;
    if (t.i != n)
        return 0;
    out->start = start;
    out->end = end;
    out->prefix_start = start;
    out->prefix_end = pend;
    out->year = year;
    out->serial = serial;
    return 1;
}

int pm_docno_find(const char *text, size_t n, pm_docno *out)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int l = pm_utf8_next(text + i, n - i, &cp);
        if (l <= 0) {
            i++;
            continue;
        }
        if (bracket_open(cp) && i > 0) {
            int year, serial;
            size_t end = docno_tail(text, n, i, &year, &serial);
            if (end) {
                /* walk back over the prefix: at most 12 ideographs / letters */
                size_t p = i, chars = 0;
                while (p > 0 && chars < 12) {
                    size_t q = p - 1;
                    while (q > 0 && ((unsigned char)text[q] & 0xC0) == 0x80)
                        q--;
                    uint32_t pc;
                    if (pm_utf8_next(text + q, p - q, &pc) != (int)(p - q) || !prefix_char(pc))
                        break;
                    p = q;
                    chars++;
                }
                if (chars >= 1) {
                    out->start = p;
                    out->end = end;
                    out->prefix_start = p;
                    out->prefix_end = i;
                    out->year = year;
                    out->serial = serial;
                    return 1;
                }
            }
        }
        i += (size_t)l;
    }
    return 0;
}

/* ---- enactment lines ----------------------------------------------------------------- */

static const char *find_in(const char *s, size_t n, const char *w)
{
    return memmem(s, n, w, strlen(w));
}

static int starts(const char *s, size_t n, const char *w)
{
    size_t l = strlen(w);
    return n >= l && memcmp(s, w, l) == 0;
}

int pm_enactment_find(const char *text, size_t n, pm_enactment *out)
{
    size_t lim = n < 3072 ? n : 3072, pos = 0;
    for (int lines = 0; pos < lim && lines < 12;) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - text) : n, a = pos;
        pos = end + 1;
        while (a < end && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        if (a == end)
            continue;
        lines++;
        const char *l = text + a;
        size_t ll = end - a;
        /* the articles begin: no enactment line after them */
        if (starts(l, ll, "第一条") || starts(l, ll, "第一章") || starts(l, ll, "#"))
            return 0;
        size_t off = 0;
        if (starts(l, ll, "（"))
            off = 3;
        else if (*l == '(')
            off = 1;
        int32_t ymd;
        size_t used;
        if (!pm_date_parse_cn(l + off, ll - off, &ymd, &used))
            continue;
        size_t o = off + used;
        /* the verb that closes this record; a line of several records ends the first */
        static const char *const verbs[] = {"通过", "公布", "发布", "会议", "批准"};
        const char *v = NULL;
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
            const char *k = find_in(l + o, ll - o, verbs[i]);
            if (k && (!v || k < v))
                v = k;
        }
        if (!v)
            continue; /* 施行 only */
        const char *m1 = find_in(l + o, (size_t)(v - l) - o, "修正");
        const char *m2 = find_in(l + o, (size_t)(v - l) - o, "修订");
        const char *m3 = find_in(l + o, (size_t)(v - l) - o, "修改");
        if (m1 || m2 || m3)
            continue; /* an amendment is not the enactment */
        while (o < ll && (l[o] == ' ' || l[o] == '\t'))
            o++;
        out->organ_start = a + o;
        out->organ_end = (size_t)(v - text);
        out->line_start = a;
        out->line_end = end;
        out->ymd = ymd;
        return 1;
    }
    return 0;
}
