/* classify/dictimport.c - dictionaries researchers already have -> our .dict format.
 *
 * Owns `policyminer dict import`: a small, capped reader for the YAML subset quanteda writes
 * (nested mappings of keys to lists of glob terms, block or flow lists, quoted or plain
 * scalars, comments) and for LIWC .dic files (a %-delimited header of numbered categories,
 * then "term<TAB or spaces>ids" lines; blank lines, CRLF, a BOM, "<of>"-style markers and
 * LIWC2007's parenthesised alternatives are tolerated and counted). Terms become PCRE2
 * patterns: CJK terms match as substrings, ASCII terms as case-insensitive whole words;
 * glob * and ? become bounded regex. Longest match wins across categories: when a literal
 * term of one category contains a literal CJK term of another (印度尼西亚 > 印度), the
 * shorter term's category gets a `not` veto for the longer term, and a must_not example
 * proving it. Never prints; every count and size is capped; bad input is an error with a
 * line number, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/dict.h"
#include "policyminer/reader.h"
#include "policyminer/utf8.h"

#define MAX_DEPTH 16
#define KEY_MAX 32
#define ALT_PER_LINE 40
#define LINE_BYTES 1500

typedef struct term {
    char *s;
    size_t cat;
} term;

typedef struct icat {
    char *path; /* display path, components joined with '.' */
    char key[KEY_MAX + 1];
} icat;

typedef struct imp {
    const pm_dictimport_options *o;
    pm_dictimport_stats *st;
    pm_errctx *err;
    icat cats[PM_MAX_CATS];
    size_t ncats;
    term *terms;
    size_t nterms, capterms;
} imp;

void pm_dictimport_options_default(pm_dictimport_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_terms = 200000;
    o->max_term_bytes = 256;
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

static int has_glob(const char *s) { return strpbrk(s, "*?") != NULL; }

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t' || **s == '\r'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* A category for a path of raw key components; reuses an existing one with that path. */
static pm_status add_cat(imp *m, const char *path, size_t *out, unsigned line)
{
    for (size_t i = 0; i < m->ncats; i++)
        if (strcmp(m->cats[i].path, path) == 0) {
            *out = i;
            return PM_OK;
        }
    if (m->ncats == PM_MAX_CATS)
        return pm_errctx_set(m->err, PM_ERR_TOO_BIG, NULL,
                             "line %u: more than %d categories", line, PM_MAX_CATS);
    icat *c = &m->cats[m->ncats];
    if (!(c->path = strdup(path)))
        return PM_ERR_NOMEM;
    /* key: lower-case ASCII letters and digits, everything else one '_' */
    size_t k = 0;
    for (const char *p = path; *p && k < KEY_MAX; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            c->key[k++] = (char)ch;
        else if (k && c->key[k - 1] != '_')
            c->key[k++] = '_';
    }
    while (k && c->key[k - 1] == '_')
        k--;
    c->key[k] = 0;
    if (!k || !(c->key[0] >= 'a' && c->key[0] <= 'z')) {
        char tail[KEY_MAX + 1];
        memcpy(tail, c->key, k + 1);
        snprintf(c->key, sizeof c->key, "cat%zu%s%.*s", m->ncats + 1, k ? "_" : "",
                 (int)(k > KEY_MAX - 8 ? KEY_MAX - 8 : k), tail);
    }
    /* unique: append _2, _3 ... */
    for (unsigned n = 2;; n++) {
        int clash = 0;
        for (size_t i = 0; i < m->ncats && !clash; i++)
            clash = strcmp(m->cats[i].key, c->key) == 0;
        if (!clash)
            break;
        char suf[12];
        int sl = snprintf(suf, sizeof suf, "_%u", n);
        size_t base = strlen(c->key);
        char *u = strrchr(c->key, '_');
        if (n > 2 && u)
            base = (size_t)(u - c->key);
        if (base + (size_t)sl > KEY_MAX)
            base = KEY_MAX - (size_t)sl;
        memcpy(c->key + base, suf, (size_t)sl + 1);
    }
    *out = m->ncats++;
    return PM_OK;
}

static pm_status add_term(imp *m, const char *s, size_t n, size_t cat, unsigned line)
{
    trim(&s, &n);
    if (!n)
        return PM_OK;
    if (n > m->o->max_term_bytes)
        return pm_errctx_set(m->err, PM_ERR_TOO_BIG, NULL, "line %u: term longer than %zu bytes",
                             line, m->o->max_term_bytes);
    if (m->nterms == m->o->max_terms)
        return pm_errctx_set(m->err, PM_ERR_TOO_BIG, NULL, "line %u: more than %zu terms", line,
                             m->o->max_terms);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\t')
            return pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL, "line %u: control character in term", line);
    if (m->nterms == m->capterms) {
        size_t nc = m->capterms ? 2 * m->capterms : 256;
        term *t = realloc(m->terms, nc * sizeof *t);
        if (!t)
            return PM_ERR_NOMEM;
        m->terms = t;
        m->capterms = nc;
    }
    char *c = strndup(s, n);
    if (!c)
        return PM_ERR_NOMEM;
    m->terms[m->nterms++] = (term){c, cat};
    return PM_OK;
}

/* ---- quanteda YAML --------------------------------------------------------------------- */

/* Unquotes a scalar into dst (cap bytes); returns its length or (size_t)-1 if malformed. */
static size_t scalar(const char *s, size_t n, char *dst, size_t cap)
{
    trim(&s, &n);
    size_t o = 0;
    if (n && (*s == '"' || *s == '\'')) {
        char q = *s;
        size_t i = 1;
        for (; i < n && s[i] != q; i++) {
            char ch = s[i];
            if (q == '"' && ch == '\\' && i + 1 < n)
                ch = s[++i];
            if (q == '\'' && ch == '\'' && i + 1 < n && s[i + 1] == '\'')
                i++;
            if (o + 1 >= cap)
                return (size_t)-1;
            dst[o++] = ch;
        }
        if (i >= n)
            return (size_t)-1; /* unterminated quote */
    } else {
        /* a plain scalar ends at " #" (comment) */
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '#' && i && (s[i - 1] == ' ' || s[i - 1] == '\t'))
                break;
            if (o + 1 >= cap)
                return (size_t)-1;
            dst[o++] = s[i];
        }
        while (o && (dst[o - 1] == ' ' || dst[o - 1] == '\t'))
            o--;
    }
    dst[o] = 0;
    return o;
}

/* Items of a flow list "[a, 'b, c', d]" (s points after '['). */
static pm_status flow_items(imp *m, const char *s, size_t n, size_t cat, unsigned line)
{
    const char *close = NULL;
    char q = 0;
    size_t start = 0;
    char buf[1024];
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (q) {
            if (ch == q)
                q = 0;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            q = ch;
            continue;
        }
        if (ch == ',' || ch == ']') {
            size_t l = scalar(s + start, i - start, buf, sizeof buf);
            if (l == (size_t)-1)
                return pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL, "line %u: bad list item", line);
            pm_status rc = add_term(m, buf, l, cat, line);
            if (rc != PM_OK)
                return rc;
            start = i + 1;
            if (ch == ']') {
                close = s + i;
                break;
            }
        }
    }
    if (!close)
        return pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL, "line %u: unclosed [ list", line);
    return PM_OK;
}

static pm_status parse_yaml(imp *m, const char *t, size_t len)
{
    struct {
        size_t indent;
        char *key;
    } stack[MAX_DEPTH];
    size_t depth = 0;
    pm_status rc = PM_OK;
    unsigned line = 0;
    char buf[1024], path[2048];
    size_t cur = (size_t)-1; /* category receiving "- item" lines */
    size_t cur_indent = 0;
    for (size_t p = 0; p < len && rc == PM_OK;) {
        const char *l = t + p;
        const char *nl = memchr(l, '\n', len - p);
        size_t ll = nl ? (size_t)(nl - l) : len - p;
        p += ll + 1;
        line++;
        size_t ind = 0;
        while (ind < ll && (l[ind] == ' ' || l[ind] == '\t'))
            ind++;
        const char *s = l + ind;
        size_t n = ll - ind;
        trim(&s, &n);
        if (!n || *s == '#' || (n >= 3 && memcmp(s, "---", 3) == 0) ||
            (n >= 3 && memcmp(s, "...", 3) == 0))
            continue;
        if (*s == '-' && (n == 1 || s[1] == ' ')) { /* list item */
            if (cur == (size_t)-1 || ind < cur_indent) {
                rc = pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL,
                                   "line %u: list item without a key", line);
                break;
            }
            size_t l2 = scalar(s + 1, n - 1, buf, sizeof buf);
            if (l2 == (size_t)-1) {
                rc = pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL, "line %u: bad list item", line);
                break;
            }
            rc = add_term(m, buf, l2, cur, line);
            continue;
        }
        /* key: [value] -- the colon outside quotes followed by space or end */
        const char *colon = NULL;
        char q = 0;
        for (size_t i = 0; i < n; i++) {
            if (q) {
                if (s[i] == q)
                    q = 0;
            } else if (s[i] == '"' || s[i] == '\'') {
                q = s[i];
            } else if (s[i] == ':' && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t')) {
                colon = s + i;
                break;
            }
        }
        if (!colon) {
            rc = pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL,
                               "line %u: expected \"key:\" or \"- term\"", line);
            break;
        }
        size_t kl = scalar(s, (size_t)(colon - s), buf, sizeof buf);
        if (kl == (size_t)-1 || kl == 0) {
            rc = pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL, "line %u: empty or bad key", line);
            break;
        }
        while (depth && stack[depth - 1].indent >= ind)
            free(stack[--depth].key);
        if (depth == MAX_DEPTH) {
            rc = pm_errctx_set(m->err, PM_ERR_TOO_BIG, NULL, "line %u: nesting deeper than %d",
                               line, MAX_DEPTH);
            break;
        }
        if (!(stack[depth].key = strdup(buf))) {
            rc = PM_ERR_NOMEM;
            break;
        }
        stack[depth++].indent = ind;
        size_t o = 0;
        for (size_t i = 0; i < depth; i++) {
            int w = snprintf(path + o, sizeof path - o, "%s%s", i ? "." : "", stack[i].key);
            if (w < 0 || (size_t)w >= sizeof path - o) {
                rc = pm_errctx_set(m->err, PM_ERR_TOO_BIG, NULL, "line %u: key path too long", line);
                break;
            }
            o += (size_t)w;
        }
        if (rc != PM_OK)
            break;
        const char *v = colon + 1;
        size_t vn = n - (size_t)(v - s);
        trim(&v, &vn);
        cur = (size_t)-1;
        if (vn && *v != '#') {
            size_t cat;
            if ((rc = add_cat(m, path, &cat, line)) != PM_OK)
                break;
            if (*v == '[') {
                rc = flow_items(m, v + 1, vn - 1, cat, line);
            } else {
                size_t l2 = scalar(v, vn, buf, sizeof buf);
                rc = l2 == (size_t)-1 ? pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL,
                                                      "line %u: bad value", line)
                                      : add_term(m, buf, l2, cat, line);
            }
        } else {
            /* items (or a nested mapping) follow; a category is made only if items come */
            rc = add_cat(m, path, &cur, line);
            cur_indent = ind;
        }
    }
    while (depth)
        free(stack[--depth].key);
    return rc;
}

/* ---- LIWC .dic ----------------------------------------------------------------------------- */

static int all_digits(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static pm_status parse_liwc(imp *m, const char *t, size_t len)
{
    long ids[PM_MAX_CATS];
    size_t idcat[PM_MAX_CATS];
    size_t nids = 0;
    int section = 0; /* 0 before the first %, 1 header, 2 entries */
    unsigned line = 0;
    char word[1024];
    for (size_t p = 0; p < len;) {
        const char *l = t + p;
        const char *nl = memchr(l, '\n', len - p);
        size_t ll = nl ? (size_t)(nl - l) : len - p;
        p += ll + 1;
        line++;
        const char *s = l;
        size_t n = ll;
        trim(&s, &n);
        if (!n)
            continue;
        if (*s == '%') {
            if (section == 2)
                return pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL,
                                     "line %u: a third %% line", line);
            section++;
            continue;
        }
        if (section == 0)
            return pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL,
                                 "line %u: a LIWC .dic starts with a %% line", line);
        if (section == 1) { /* "12<ws>name" */
            size_t i = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                i++;
            size_t j = i;
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            if (!i || i > 9 || j == i || j == n)
                return pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL,
                                     "line %u: expected \"number name\" in the header", line);
            if (nids == PM_MAX_CATS)
                return pm_errctx_set(m->err, PM_ERR_TOO_BIG, NULL,
                                     "line %u: more than %d categories", line, PM_MAX_CATS);
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(n - j), s + j);
            ids[nids] = strtol(s, NULL, 10);
            pm_status rc = add_cat(m, name, &idcat[nids], line);
            if (rc != PM_OK)
                return rc;
            nids++;
            continue;
        }
        /* entry: the term runs to the first TAB, else to the first all-digit token */
        size_t wend = 0;
        const char *tab = memchr(s, '\t', n);
        if (tab) {
            wend = (size_t)(tab - s);
        } else {
            size_t i = 0;
            while (i < n) {
                size_t a = i;
                while (i < n && s[i] != ' ')
                    i++;
                if (a && all_digits(s + a, i - a)) {
                    wend = a;
                    break;
                }
                while (i < n && s[i] == ' ')
                    i++;
            }
            if (!wend) {
                m->st->skipped_lines++; /* a term with no category */
                continue;
            }
        }
        /* drop "<of>"-style markers from the term */
        size_t wl = 0;
        int marker = 0;
        for (size_t i = 0; i < wend && wl + 1 < sizeof word; i++) {
            if (s[i] == '<') {
                const char *gt = memchr(s + i, '>', wend - i);
                if (gt) {
                    i = (size_t)(gt - s);
                    marker = 1;
                    continue;
                }
            }
            word[wl++] = s[i];
        }
        word[wl] = 0;
        if (marker)
            m->st->markers++;
        const char *ws = word;
        size_t wn = wl;
        trim(&ws, &wn);
        /* single spaces inside a phrase are kept; runs collapse */
        if (!wn) {
            m->st->skipped_lines++;
            continue;
        }
        int any = 0;
        for (size_t i = wend; i < n;) {
            while (i < n && (s[i] == ' ' || s[i] == '\t'))
                i++;
            size_t a = i;
            while (i < n && s[i] != ' ' && s[i] != '\t')
                i++;
            if (a == i)
                break;
            if (!all_digits(s + a, i - a) || i - a > 9) {
                m->st->skipped_ids++; /* "(02 134)125/464" alternatives, stray text */
                continue;
            }
            long id = strtol(s + a, NULL, 10);
            size_t k = 0;
            while (k < nids && ids[k] != id)
                k++;
            if (k == nids) {
                m->st->skipped_ids++;
                continue;
            }
            pm_status rc = add_term(m, ws, wn, idcat[k], line);
            if (rc != PM_OK)
                return rc;
            any = 1;
        }
        if (!any)
            m->st->skipped_lines++;
    }
    if (section < 2)
        return pm_errctx_set(m->err, PM_ERR_DICT_SYNTAX, NULL,
                             "the %% header of categories is not closed");
    return PM_OK;
}

/* ---- output ---------------------------------------------------------------------------- */

/* Appends term as a regex: CJK literal (substring), or an ASCII whole word; globs bounded. */
static pm_status regex_of(pm_buf *b, const char *s)
{
    int ascii = is_ascii(s);
    pm_status rc = PM_OK;
    size_t n = strlen(s);
    size_t a = 0, z = n;
    if (!ascii) { /* substring matching: leading / trailing * add nothing */
        while (a < z && s[a] == '*')
            a++;
        while (z > a && s[z - 1] == '*')
            z--;
    }
    if (ascii && a < z && s[a] != '*')
        rc = pm_buf_append_str(b, "\\b");
    for (size_t i = a; i < z && rc == PM_OK; i++) {
        char ch = s[i];
        if (ch == '*')
            rc = pm_buf_append_str(b, ascii ? "\\w*" : ".{0,8}");
        else if (ch == '?')
            rc = pm_buf_append_str(b, ascii ? "\\w" : ".");
        else if (strchr("\\^$.|+()[]{}", ch))
            rc = pm_buf_printf(b, "\\%c", ch);
        else if (ch == ' ')
            rc = pm_buf_append_str(b, "\\s+");
        else
            rc = pm_buf_append_char(b, ch);
    }
    if (rc == PM_OK && ascii && z > a && s[z - 1] != '*')
        rc = pm_buf_append_str(b, "\\b");
    return rc;
}

/* An example phrase that the term's regex matches. */
static pm_status example_of(pm_buf *b, const char *s)
{
    int ascii = is_ascii(s);
    pm_status rc = PM_OK;
    for (const char *p = s; *p && rc == PM_OK; p++)
        if (*p == '?')
            rc = pm_buf_append_str(b, ascii ? "x" : "一");
        else if (*p != '*')
            rc = pm_buf_append_char(b, *p);
    return rc;
}

static int term_in_cat(const imp *m, const char *s, size_t cat)
{
    for (size_t i = 0; i < m->nterms; i++)
        if (m->terms[i].cat == cat && strcmp(m->terms[i].s, s) == 0)
            return 1;
    return 0;
}

/* Writes "key = alt|alt|..." lines for the terms of cat selected by pick (NULL: all). */
static pm_status alt_lines(imp *m, pm_buf *out, const char *key, size_t cat, int ascii_flag,
                           const char *const *list, size_t nlist)
{
    pm_status rc = PM_OK;
    size_t k = 0, line_start = out->len;
    int open = 0;
    size_t total = list ? nlist : m->nterms;
    for (size_t i = 0; i < total && rc == PM_OK; i++) {
        const char *s = list ? list[i] : m->terms[i].s;
        if (!list && (m->terms[i].cat != cat || is_ascii(s) != ascii_flag))
            continue;
        if (!list) { /* skip duplicates within the category */
            int dup = 0;
            for (size_t j = 0; j < i && !dup; j++)
                dup = m->terms[j].cat == cat && strcmp(m->terms[j].s, s) == 0;
            if (dup)
                continue;
        }
        if (open && (k == ALT_PER_LINE || out->len - line_start > LINE_BYTES)) {
            rc = pm_buf_append_char(out, '\n');
            open = 0;
        }
        if (!open) {
            line_start = out->len;
            rc = pm_buf_printf(out, "%s = %s", key, ascii_flag ? "(?i)" : "");
            open = 1;
            k = 0;
        } else {
            rc = pm_buf_append_char(out, '|');
        }
        if (rc == PM_OK)
            rc = regex_of(out, s);
        k++;
    }
    if (open && rc == PM_OK)
        rc = pm_buf_append_char(out, '\n');
    return rc;
}

static pm_status write_dict(imp *m, pm_buf *out, const char *fmtname)
{
    const pm_dictimport_options *o = m->o;
    const char *src = o->source ? o->source : "(input)";
    size_t used = 0; /* keys that hold terms (a key with only nested keys is no category) */
    for (size_t c = 0; c < m->ncats; c++)
        for (size_t i = 0; i < m->nterms; i++)
            if (m->terms[i].cat == c) {
                used++;
                break;
            }
    pm_status rc = pm_buf_printf(
        out,
        "# Imported by `policyminer dict import` from %s (%s): %zu categories, %zu terms.\n"
        "# CJK terms match as substrings, ASCII terms as case-insensitive whole words; glob *\n"
        "# and ? became bounded regex. Where a literal term of another category contains a\n"
        "# CJK term of this one (印度尼西亚 > 印度), a `not` veto lets the longer match win.\n"
        "# Category keys are the key path made snake_case; label_en keeps the path.\n"
        "dimension = %s\ndescription = Imported from %s\nsource = %s\n",
        src, fmtname, used, m->nterms, o->dimension ? o->dimension : "imported", src, src);
    const char **longer = NULL;
    if (m->nterms && !(longer = malloc(m->nterms * sizeof *longer)))
        return PM_ERR_NOMEM;
    for (size_t c = 0; c < m->ncats && rc == PM_OK; c++) {
        size_t nterm = 0;
        for (size_t i = 0; i < m->nterms; i++)
            nterm += m->terms[i].cat == c;
        if (!nterm)
            continue; /* a key with only nested keys */
        m->st->categories++;
        rc = pm_buf_printf(out, "\n[%s]\nlabel_en = %s\n", m->cats[c].key, m->cats[c].path);
        if (rc == PM_OK && !is_ascii(m->cats[c].path))
            rc = pm_buf_printf(out, "label_zh = %s\n", m->cats[c].path);
        if (rc == PM_OK)
            rc = alt_lines(m, out, "pattern", c, 0, NULL, 0);
        if (rc == PM_OK)
            rc = alt_lines(m, out, "pattern", c, 1, NULL, 0);
        /* longest match wins: literal terms of other categories containing a CJK literal
         * term of this one (and not themselves terms of this one) */
        size_t nl = 0;
        for (size_t i = 0; i < m->nterms && rc == PM_OK; i++) {
            const term *u = &m->terms[i];
            if (u->cat == c || has_glob(u->s) || is_ascii(u->s) || term_in_cat(m, u->s, c))
                continue;
            int contains = 0;
            for (size_t j = 0; j < m->nterms && !contains; j++) {
                const term *t = &m->terms[j];
                contains = t->cat == c && !has_glob(t->s) && !is_ascii(t->s) &&
                           strlen(t->s) < strlen(u->s) && strstr(u->s, t->s);
            }
            int dup = 0;
            for (size_t k = 0; k < nl && !dup; k++)
                dup = strcmp(longer[k], u->s) == 0;
            if (contains && !dup)
                longer[nl++] = u->s;
        }
        if (rc == PM_OK && nl) {
            m->st->vetoes += nl;
            rc = alt_lines(m, out, "not", c, 0, longer, nl);
        }
        /* examples: the first term must match; the first longer term must not */
        for (size_t i = 0; i < m->nterms && rc == PM_OK; i++)
            if (m->terms[i].cat == c) {
                rc = pm_buf_append_str(out, "must = ");
                if (rc == PM_OK)
                    rc = example_of(out, m->terms[i].s);
                if (rc == PM_OK)
                    rc = pm_buf_append_char(out, '\n');
                break;
            }
        if (rc == PM_OK && nl)
            rc = pm_buf_printf(out, "must_not = %s\n", longer[0]);
    }
    free(longer);
    return rc;
}

pm_status pm_dict_import(const char *text, size_t len, const pm_dictimport_options *o,
                         pm_buf *out, pm_dictimport_stats *st, pm_errctx *err)
{
    pm_dictimport_stats dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* BOM */
        text += 3;
        len -= 3;
    }
    size_t bad;
    if (!pm_utf8_valid(text, len, &bad)) {
        pm_errctx_set(err, PM_ERR_UTF8, NULL, "invalid UTF-8 at byte %zu", bad);
        err->offset = bad;
        return PM_ERR_UTF8;
    }
    pm_dictimport_format f = o->format;
    if (f == PM_DICTIMPORT_AUTO) {
        size_t i = 0;
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
            i++;
        f = i < len && text[i] == '%' ? PM_DICTIMPORT_LIWC : PM_DICTIMPORT_YAML;
    }
    imp *m = calloc(1, sizeof *m);
    if (!m)
        return PM_ERR_NOMEM;
    m->o = o;
    m->st = st;
    m->err = err;
    pm_status rc = f == PM_DICTIMPORT_LIWC ? parse_liwc(m, text, len) : parse_yaml(m, text, len);
    if (rc == PM_OK && !m->nterms)
        rc = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, NULL, "no terms found");
    if (rc == PM_OK)
        rc = write_dict(m, out, f == PM_DICTIMPORT_LIWC ? "LIWC .dic" : "quanteda YAML");
    st->terms = m->nterms;
    for (size_t i = 0; i < m->nterms; i++)
        free(m->terms[i].s);
    free(m->terms);
    for (size_t i = 0; i < m->ncats; i++)
        free(m->cats[i].path);
    free(m);
    if (rc != PM_OK && err->code == PM_OK)
        pm_errctx_set(err, rc, NULL, "%s", pm_strerror(rc));
    return rc;
}
