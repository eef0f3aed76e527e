/* readers/html.c - HTML pages (one page per file, gzip or plain), and the page extractor the
 * WARC reader shares.
 *
 * Split: the whole decompressed stream is one record, capped by --max-doc-bytes (a bigger
 * page is drained without being buffered and rejected doc_too_big).
 * Parse: the encoding is decided once, in a fixed order - byte-order mark, then the HTTP
 * charset (WARC), then <meta charset> / http-equiv in the first 4 KiB, else UTF-8 if the
 * bytes are valid UTF-8, else the pack's legacy encoding (web_labels.tsv: China's GB18030) -
 * and the page is converted to UTF-8 with glibc iconv (GB2312 and GBK labels are read as
 * GB18030, their superset). Bytes invalid in that encoding
 * reject the page (bad_encoding) rather than guess. libxml2's HTML parser then builds a
 * tree with recovery, no network, no entity loading, errors never printed, its own charset
 * detection off. From the tree: the title, the body text (scripts, styles, navigation,
 * header/footer-like blocks dropped; a known content container such as UCAP-CONTENT or
 * TRS_Editor preferred when present), <meta name=...> metadata and the labelled info
 * table government sites print, in the pack's words (web_labels.tsv; China's 发文机关,
 * 发文字号, 成文日期, 索引号 ...).
 * Never: fetches anything, prints, or keeps state between pages beyond scratch buffers.
 */
#include <errno.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policyminer/buf.h"
#include "policyminer/hash.h"
#include "policyminer/utf8.h"
#include "readers_internal.h"

#define READ_BLOCK (1u << 16)
#define LABEL_VALUE_MAX 512 /* an info-table value longer than this is not a value */

/* ---- shared helpers ------------------------------------------------------------------- */

void pm_reject_set(pm_reject *r, pm_status code, uint64_t off, const char *id, size_t idlen,
                   const char *fmt, ...)
{
    memset(r, 0, sizeof *r);
    r->code = code;
    r->offset = off;
    if (id) {
        if (idlen >= sizeof r->doc_id) /* cut on a character boundary: tables stay UTF-8 */
            idlen = pm_utf8_floor(id, idlen, sizeof r->doc_id - 1);
        memcpy(r->doc_id, id, idlen);
        for (size_t i = 0; i < idlen; i++)
            if ((unsigned char)r->doc_id[i] < 0x20)
                r->doc_id[i] = ' ';
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof r->detail) { /* cut: drop a partial last character */
        size_t end = sizeof r->detail - 1;
        r->detail[pm_utf8_complete(r->detail, end)] = '\0';
    }
}

void pm_content_id(const char *p, size_t n, char *out)
{
    char hex[65];
    pm_sha256_hex(p, n, hex);
    snprintf(out, 48, "sha256:%.32s", hex);
}

/* ---- host -> region table --------------------------------------------------------------- */

typedef struct host_ent {
    char host[64];
    char code[13]; /* digits at the pack's code width (China 6, KATO 9) */
} host_ent;

struct pm_hosts {
    host_ent *e;
    size_t n;
};

pm_status pm_hosts_load(pm_hosts **out, const char *dict_dir)
{
    *out = NULL;
    pm_hosts *h = calloc(1, sizeof *h);
    if (!h)
        return PM_ERR_NOMEM;
    *out = h;
    if (!dict_dir)
        return PM_OK;
    char path[4096];
    snprintf(path, sizeof path, "%s/gov_hosts.tsv", dict_dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return PM_OK; /* an older dictionary directory: no hints, not an error */
    char line[512];
    size_t cap = 0;
    pm_status st = PM_OK;
    while (st == PM_OK && fgets(line, sizeof line, f)) {
        size_t l = strcspn(line, "\r\n");
        line[l] = '\0';
        if (line[0] == '#' || line[0] == '\0' || strncmp(line, "host\t", 5) == 0)
            continue; /* comment, blank, header row */
        char *tab = strchr(line, '\t');
        if (!tab || tab == line || (size_t)(tab - line) >= sizeof h->e[0].host) {
            st = PM_ERR_DICT_SYNTAX;
            break;
        }
        const char *code = tab + 1;
        size_t cl = strcspn(code, "\t");
        if (cl == 0 || cl >= sizeof h->e[0].code || strspn(code, "0123456789") < cl) {
            st = PM_ERR_DICT_SYNTAX;
            break;
        }
        if (h->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            host_ent *ne = realloc(h->e, nc * sizeof *ne);
            if (!ne) {
                st = PM_ERR_NOMEM;
                break;
            }
            h->e = ne;
            cap = nc;
        }
        host_ent *e = &h->e[h->n++];
        memset(e, 0, sizeof *e);
        memcpy(e->host, line, (size_t)(tab - line));
        for (char *c = e->host; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        memcpy(e->code, code, cl);
    }
    fclose(f);
    if (st != PM_OK) {
        pm_hosts_free(h);
        *out = NULL;
    }
    return st;
}

void pm_hosts_free(pm_hosts *h)
{
    if (!h)
        return;
    free(h->e);
    free(h);
}

const char *pm_hosts_region(const pm_hosts *h, const char *url, size_t n)
{
    if (!h || !h->n || !url || !n)
        return NULL;
    /* host = between "://" (if any) and the first of / ? # : */
    const char *p = url, *end = url + n;
    const char *sch = memmem(url, n, "://", 3);
    if (sch)
        p = sch + 3;
    const char *at = p;
    while (at < end && *at != '/' && *at != '?' && *at != '#')
        at++;
    const char *user = memchr(p, '@', (size_t)(at - p));
    if (user)
        p = user + 1;
    const char *q = p;
    while (q < at && *q != ':')
        q++;
    char host[256];
    size_t hl = (size_t)(q - p);
    if (hl == 0 || hl >= sizeof host)
        return NULL;
    for (size_t i = 0; i < hl; i++)
        host[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a') : p[i];
    host[hl] = '\0';
    /* longest suffix first: try the full host, then drop one label at a time */
    for (const char *s = host; s && *s;) {
        for (size_t i = 0; i < h->n; i++)
            if (strcmp(h->e[i].host, s) == 0)
                return h->e[i].code;
        s = strchr(s, '.');
        if (s)
            s++;
    }
    return NULL;
}

/* ---- sniffing ------------------------------------------------------------------------- */

static int ci_prefix(const char *p, const char *end, const char *lit)
{
    size_t l = strlen(lit);
    return (size_t)(end - p) >= l && strncasecmp(p, lit, l) == 0;
}

static int html_sniff(const char *h, size_t n)
{
    const char *p = h, *end = h + (n < 4096 ? n : 4096);
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (ci_prefix(p, end, "<!--")) {
            const char *c = memmem(p, (size_t)(end - p), "-->", 3);
            if (!c)
                return 0;
            p = c + 3;
        } else if (ci_prefix(p, end, "<?xml")) {
            const char *c = memmem(p, (size_t)(end - p), "?>", 2);
            if (!c)
                return 0;
            p = c + 2;
        } else
            break;
    }
    static const char *const starts[] = {"<!doctype html", "<html", "<head", "<meta",
                                         "<title", "<body", "<link", NULL};
    for (int i = 0; starts[i]; i++)
        if (ci_prefix(p, end, starts[i])) {
            const char *c = p + strlen(starts[i]);
            return c >= end || *c == ' ' || *c == '>' || *c == '\t' || *c == '\r' ||
                   *c == '\n' || *c == '/';
        }
    return 0;
}

/* ---- splitting: the whole stream is one page ------------------------------------------ */

typedef struct hsplit {
    pm_limits lim;
    pm_buf buf;
    int done;
} hsplit;

static pm_status hsplit_create(void **state, const pm_limits *lim)
{
    hsplit *s = calloc(1, sizeof *s);
    if (!s)
        return PM_ERR_NOMEM;
    s->lim = *lim;
    pm_buf_init(&s->buf, (size_t)lim->max_doc_bytes + READ_BLOCK);
    *state = s;
    return PM_OK;
}

static void hsplit_free(void *state)
{
    hsplit *s = state;
    if (!s)
        return;
    pm_buf_free(&s->buf);
    free(s);
}

static pm_status hsplit_next(void *state, pm_gz *in, pm_raw *raw, pm_reject *rej,
                             pm_split_result *res)
{
    hsplit *s = state;
    if (s->done) {
        *res = PM_SPLIT_END;
        return PM_OK;
    }
    s->done = 1;
    pm_status soft = PM_OK;
    int too_big = 0;
    char sink[4096];
    for (;;) {
        size_t got = 0;
        pm_status st;
        if (too_big) { /* drain without buffering */
            st = pm_gz_read(in, sink, sizeof sink, &got);
        } else {
            st = pm_buf_reserve(&s->buf, READ_BLOCK);
            if (st != PM_OK && st != PM_ERR_TOO_BIG)
                return st;
            if (st == PM_ERR_TOO_BIG) {
                too_big = 1;
                pm_buf_reset(&s->buf);
                continue;
            }
            st = pm_gz_read(in, s->buf.data + s->buf.len, READ_BLOCK, &got);
            s->buf.len += got;
            s->buf.data[s->buf.len] = '\0';
            if (s->buf.len > s->lim.max_doc_bytes) {
                too_big = 1;
                pm_buf_reset(&s->buf);
            }
        }
        if (st == PM_ERR_IO || st == PM_ERR_NOMEM)
            return st;
        if (st != PM_OK) {
            if (soft == PM_OK)
                soft = st;
            continue; /* keep draining: the rest of the page is lost with it */
        }
        if (got == 0)
            break;
    }
    if (soft != PM_OK) {
        pm_reject_set(rej, soft, 0, NULL, 0, "page damaged at compressed offset %llu",
                      (unsigned long long)pm_gz_error_offset(in));
        *res = PM_SPLIT_REJECT;
        return PM_OK;
    }
    if (too_big) {
        pm_reject_set(rej, PM_ERR_DOC_TOO_BIG, 0, NULL, 0,
                      "page larger than --max-doc-bytes; skipped without buffering");
        *res = PM_SPLIT_REJECT;
        return PM_OK;
    }
    raw->p = s->buf.data;
    raw->len = s->buf.len;
    raw->offset = 0;
    *res = PM_SPLIT_RECORD;
    return PM_OK;
}

/* ---- the extractor ---------------------------------------------------------------------- */

enum { F_ID, F_TITLE, F_ISSUER, F_DOCNO, F_DATE, F_REGION, F_URL, F_BODY, F_FETCHED, NF };

typedef struct span {
    size_t off, len;
    int set;
} span;

/* A country pack's web vocabulary (its web_labels.tsv, beside gov_hosts.tsv): the labels
 * of the info table government sites print above a document, the <meta name> keys in the
 * pack's language, and the encoding an undeclared non-UTF-8 page is read in. A pack without
 * the file has none of them: such a page is then rejected as invalid UTF-8, never guessed. */
#define WEB_LABELS_MAX 64
typedef struct web_label {
    char text[48];
    int field; /* F_* or -1: recognised (a value stops there) but not used */
} web_label;

typedef struct web_vocab {
    web_label label[WEB_LABELS_MAX], meta[WEB_LABELS_MAX];
    size_t nlabel, nmeta;
    char fallback[32]; /* iconv name; "" = none */
} web_vocab;

struct pm_html {
    pm_limits lim;
    htmlParserCtxtPtr ctxt;
    pm_hosts *hosts;
    web_vocab web;
    iconv_t cd;
    char cd_name[48];
    pm_buf conv;  /* the page in UTF-8 */
    pm_buf text;  /* body text */
    pm_buf flat;  /* all visible text, one line per block/cell: where labels are found */
    pm_buf arena; /* the other fields */
    span f[NF];
    /* text builder state */
    int pending_space, line_start;
};

static int web_field(const char *k)
{
    static const struct {
        const char *key;
        int field;
    } F[] = {{"id", F_ID}, {"title", F_TITLE}, {"issuer", F_ISSUER}, {"docno", F_DOCNO},
             {"date", F_DATE}, {"-", -1}};
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
        if (strcmp(k, F[i].key) == 0)
            return F[i].field;
    return -2;
}

/* Reads dir/web_labels.tsv: "encoding NAME", "label TEXT FIELD", "meta TEXT FIELD" rows
 * (tab-separated; FIELD id|title|issuer|docno|date|-). No file = an empty vocabulary. */
static pm_status web_vocab_load(web_vocab *w, const char *dir)
{
    memset(w, 0, sizeof *w);
    if (!dir)
        return PM_OK;
    char path[4096];
    snprintf(path, sizeof path, "%s/web_labels.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return PM_OK;
    char line[512];
    pm_status st = PM_OK;
    while (st == PM_OK && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *k = line, *a = strchr(k, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
        if (!a) {
            st = PM_ERR_DICT_SYNTAX;
            break;
        }
        *a++ = '\0';
        if (b)
            *b++ = '\0';
        if (strcmp(k, "encoding") == 0 && !b && strlen(a) < sizeof w->fallback) {
            memcpy(w->fallback, a, strlen(a) + 1);
            continue;
        }
        int is_label = strcmp(k, "label") == 0, is_meta = strcmp(k, "meta") == 0;
        int fld = b ? web_field(b) : -2;
        web_label *arr = is_label ? w->label : w->meta;
        size_t *n = is_label ? &w->nlabel : &w->nmeta;
        if ((!is_label && !is_meta) || fld == -2 || !*a || strlen(a) >= sizeof arr[0].text ||
            *n == WEB_LABELS_MAX) {
            st = PM_ERR_DICT_SYNTAX;
            break;
        }
        memcpy(arr[*n].text, a, strlen(a) + 1);
        arr[(*n)++].field = fld;
    }
    fclose(f);
    return st;
}

pm_status pm_html_create(pm_html **out, const pm_limits *lim)
{
    *out = NULL;
    pm_html *h = calloc(1, sizeof *h);
    if (!h)
        return PM_ERR_NOMEM;
    h->lim = *lim;
    h->cd = (iconv_t)-1;
    size_t cap = (size_t)lim->max_doc_bytes;
    pm_buf_init(&h->conv, cap * 2 + 64);
    pm_buf_init(&h->text, cap * 2 + 64);
    pm_buf_init(&h->flat, cap * 2 + 64);
    pm_buf_init(&h->arena, 1u << 20);
    h->ctxt = htmlNewParserCtxt();
    pm_status st = h->ctxt ? PM_OK : PM_ERR_NOMEM;
    if (st == PM_OK)
        st = pm_hosts_load(&h->hosts, lim->dict_dir);
    if (st == PM_OK)
        st = web_vocab_load(&h->web, lim->dict_dir);
    if (st != PM_OK) {
        pm_html_free(h);
        return st;
    }
    *out = h;
    return PM_OK;
}

void pm_html_free(pm_html *h)
{
    if (!h)
        return;
    if (h->ctxt)
        htmlFreeParserCtxt(h->ctxt);
    if (h->cd != (iconv_t)-1)
        iconv_close(h->cd);
    pm_hosts_free(h->hosts);
    pm_buf_free(&h->conv);
    pm_buf_free(&h->text);
    pm_buf_free(&h->flat);
    pm_buf_free(&h->arena);
    free(h);
}

/* --- encoding --- */

/* The charset value after "charset" at p (skips '=', blanks, quotes); "" if none. */
static void charset_value(const char *p, const char *end, char *out, size_t outsz)
{
    size_t k = 0;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p < end && *p == '=') {
        p++;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\''))
            p++;
        while (p < end && k + 1 < outsz &&
               ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '-' || *p == '_' || *p == '.' || *p == ':'))
            out[k++] = *p++;
    }
    out[k] = '\0';
}

/* <meta charset=X> or <meta http-equiv content="...; charset=X"> in the first 4 KiB. */
static void meta_charset(const char *p, size_t n, char *out, size_t outsz)
{
    out[0] = '\0';
    const char *end = p + (n < 4096 ? n : 4096);
    for (const char *q = p; (q = memchr(q, '<', (size_t)(end - q))) != NULL; q++) {
        if (!ci_prefix(q, end, "<meta"))
            continue;
        const char *gt = memchr(q, '>', (size_t)(end - q));
        if (!gt)
            return;
        for (const char *c = q; c + 7 <= gt; c++)
            if (strncasecmp(c, "charset", 7) == 0) {
                charset_value(c + 7, gt, out, outsz);
                if (out[0])
                    return;
            }
    }
}

/* Canonical iconv name for a declared label, or the label itself. */
static const char *canonical_charset(const char *label)
{
    static const char *const gb[] = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn",
                                     "gb_2312-80", "csgb2312", "ms936", "windows-936", NULL};
    static const char *const utf8[] = {"utf-8", "utf8", "unicode-1-1-utf-8", NULL};
    static const char *const latin[] = {"iso-8859-1", "latin1", "us-ascii", "ascii",
                                        "windows-1252", "cp1252", NULL};
    for (int i = 0; utf8[i]; i++)
        if (strcasecmp(label, utf8[i]) == 0)
            return "UTF-8";
    for (int i = 0; gb[i]; i++)
        if (strcasecmp(label, gb[i]) == 0)
            return "GB18030";
    for (int i = 0; latin[i]; i++)
        if (strcasecmp(label, latin[i]) == 0)
            return "WINDOWS-1252"; /* what browsers read these labels as */
    if (strcasecmp(label, "big5") == 0 || strcasecmp(label, "big5-hkscs") == 0)
        return "BIG5-HKSCS";
    return label;
}

/* Converts [p, n) from enc to UTF-8 into h->conv. */
static pm_status convert(pm_html *h, const char *enc, const char *p, size_t n, size_t *bad_at)
{
    pm_buf_reset(&h->conv);
    if (h->cd == (iconv_t)-1 || strcmp(h->cd_name, enc) != 0) {
        if (h->cd != (iconv_t)-1)
            iconv_close(h->cd);
        h->cd_name[0] = '\0';
        h->cd = iconv_open("UTF-8", enc);
        if (h->cd == (iconv_t)-1)
            return PM_ERR_ARG;
        snprintf(h->cd_name, sizeof h->cd_name, "%s", enc);
    }
    iconv(h->cd, NULL, NULL, NULL, NULL);
    char *in = (char *)p;
    size_t inleft = n;
    for (;;) {
        pm_status st = pm_buf_reserve(&h->conv, inleft * 2 + 16);
        if (st != PM_OK)
            return st;
        char *o = h->conv.data + h->conv.len;
        size_t oleft = h->conv.cap - h->conv.len - 1;
        size_t r = iconv(h->cd, &in, &inleft, &o, &oleft);
        h->conv.len = (size_t)(o - h->conv.data);
        h->conv.data[h->conv.len] = '\0';
        if (r != (size_t)-1) {
            /* flush any shift state */
            o = h->conv.data + h->conv.len;
            oleft = h->conv.cap - h->conv.len - 1;
            iconv(h->cd, NULL, NULL, &o, &oleft);
            h->conv.len = (size_t)(o - h->conv.data);
            h->conv.data[h->conv.len] = '\0';
            return PM_OK;
        }
        if (errno == E2BIG)
            continue;
        *bad_at = (size_t)(in - p);
        return PM_ERR_ENCODING; /* EILSEQ, or EINVAL: a sequence cut at the end */
    }
}

/* --- text building --- */

static inline int is_space_at(const unsigned char *s, size_t n, size_t *len)
{
    if (s[0] > ' ' && s[0] != 0xC2 && s[0] != 0xE3) /* the common case, decided at once */
        return 0;
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f') {
        *len = 1;
        return 1;
    }
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) { /* no-break space */
        *len = 2;
        return 1;
    }
    if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { /* ideographic space */
        *len = 3;
        return 1;
    }
    return 0;
}

/* Appends text with blanks collapsed; blanks at a line start are dropped. */
static pm_status add_text(pm_buf *b, int *pending, int *line_start, const char *t)
{
    const unsigned char *s = (const unsigned char *)t;
    size_t n = strlen(t), i = 0;
    pm_status st = PM_OK;
    while (st == PM_OK && i < n) {
        size_t l;
        if (is_space_at(s + i, n - i, &l)) {
            *pending = 1;
            i += l;
            continue;
        }
        size_t j = i + 1;
        while (j < n && !is_space_at(s + j, n - j, &l))
            j++;
        if (*pending && !*line_start)
            st = pm_buf_append_char(b, ' ');
        if (st == PM_OK)
            st = pm_buf_append(b, s + i, j - i);
        *pending = 0;
        *line_start = 0;
        i = j;
    }
    return st;
}

static pm_status end_line(pm_buf *b, int *pending, int *line_start)
{
    *pending = 0;
    if (*line_start || b->len == 0)
        return PM_OK;
    *line_start = 1;
    return pm_buf_append_char(b, '\n');
}

static int name_is(const xmlNode *n, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcasecmp((const char *)n->name, names[i]) == 0)
            return 1;
    return 0;
}

static const char *const NEVER_TEXT[] = {"script", "style", "noscript", "template", "head",
                                         "select", "option", "iframe", "object", "svg",
                                         "button", "textarea", NULL};
static const char *const BOILER_TAGS[] = {"nav", "header", "footer", "aside", "form", "menu", NULL};
static const char *const BLOCKS[] = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3",
                                     "h4", "h5", "h6", "table", "section", "article", "ul",
                                     "ol", "dl", "dt", "dd", "blockquote", "pre", "hr",
                                     "center", "caption", "tbody", "main", NULL};
/* id/class fragments of navigation-like blocks on government sites */
static const char *const BOILER_MARKS[] = {"nav", "menu", "header", "footer", "breadcrumb",
                                           "crumb", "sidebar", "share", "copyright", "toolbar",
                                           "banner", "position", "location", NULL};
/* ids/classes of the article container on common CMSs (TRS, UCAP, ...) */
static const char *const CONTENT_MARKS[] = {"UCAP-CONTENT", "TRS_Editor", "pages_content",
                                            "article-content", "article_content", "zoom",
                                            "content", "mainText", "main-content", NULL};

static int attr_has(const xmlNode *n, const char *attr, const char *const *marks, int exact)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    if (!v)
        return 0;
    int hit = 0;
    for (int i = 0; marks[i] && !hit; i++) {
        if (!exact) {
            hit = strcasestr((const char *)v, marks[i]) != NULL;
            continue;
        }
        /* a whole space-separated token */
        size_t ml = strlen(marks[i]);
        for (const char *t = (const char *)v; *t && !hit;) {
            while (*t == ' ' || *t == '\t')
                t++;
            size_t tl = strcspn(t, " \t");
            hit = tl == ml && strncasecmp(t, marks[i], ml) == 0;
            t += tl;
        }
    }
    xmlFree(v);
    return hit;
}

static int is_boilerplate(const xmlNode *n)
{
    return name_is(n, BOILER_TAGS) || attr_has(n, "id", BOILER_MARKS, 0) ||
           attr_has(n, "class", BOILER_MARKS, 0);
}

/* Walks the subtree under root without recursion (a 100 000-deep page cannot overflow the
 * stack), writing text to b; skip_boiler drops navigation-like blocks. */
static pm_status walk_text(pm_html *h, xmlNode *root, pm_buf *b, int skip_boiler)
{
    pm_status st = PM_OK;
    h->pending_space = 0;
    h->line_start = 1;
    xmlNode *n = root ? root->children : NULL;
    while (n && st == PM_OK) {
        int down = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                st = add_text(b, &h->pending_space, &h->line_start, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            down = !name_is(n, NEVER_TEXT) && !(skip_boiler && is_boilerplate(n));
            if (down && name_is(n, BLOCKS))
                st = end_line(b, &h->pending_space, &h->line_start);
        }
        if (down && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            if (n->type == XML_ELEMENT_NODE && name_is(n, BLOCKS) && st == PM_OK)
                st = end_line(b, &h->pending_space, &h->line_start);
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (!n || n == root) {
                n = NULL;
                break;
            }
        }
    }
    while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' '))
        b->data[--b->len] = '\0';
    return st;
}

/* First element in document order (under root) named one of names, or with an id/class
 * that is one of marks; NULL if none. */
static xmlNode *find_element(xmlNode *root, const char *const *names, const char *const *marks)
{
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            if (names && name_is(n, names))
                return n;
            if (marks && (attr_has(n, "id", marks, 1) || attr_has(n, "class", marks, 1)))
                return n;
        }
        if (n->children && n->type == XML_ELEMENT_NODE && !name_is(n, NEVER_TEXT)) {
            n = n->children;
            continue;
        }
        while (n && !n->next && n != root)
            n = n->parent;
        if (!n || n == root)
            return NULL;
        n = n->next;
    }
    return NULL;
}

/* --- fields --- */

static pm_status put(pm_html *h, span *sp, const char *t, size_t n);

static const char *field_p(const pm_html *h, int k) { return h->arena.data + h->f[k].off; }

/* "2015年3月12日" (ASCII digits) -> "2015-03-12" in place of the field; anything else stays. */
static pm_status normalise_date(pm_html *h)
{
    if (!h->f[F_DATE].set)
        return PM_OK;
    const char *s = field_p(h, F_DATE);
    int y = 0, m = 0, d = 0, used = 0;
    if (sscanf(s, "%4d年%2d月%2d日%n", &y, &m, &d, &used) == 3 && used > 0 && y > 999) {
        char iso[32];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
        h->f[F_DATE].set = 0;
        return put(h, &h->f[F_DATE], iso, strlen(iso));
    }
    return PM_OK;
}

/* Info-table labels (the pack's, web_vocab): a label at a line start, letters possibly
 * spaced ("索 引 号"), then an optional colon; the value is the rest of the line, or the
 * next line if that is empty. */

/* Matches label at p allowing blanks between its characters; returns bytes used or 0. */
static size_t match_label(const char *p, const char *end, const char *label)
{
    const char *q = p;
    for (const char *l = label; *l;) {
        size_t cl = pm_utf8_seqlen((unsigned char)*l);
        if ((size_t)(end - q) < cl || memcmp(q, l, cl) != 0)
            return 0;
        q += cl;
        l += cl;
        if (*l) {
            size_t sl;
            while (q < end && *q != '\n' && is_space_at((const unsigned char *)q, (size_t)(end - q), &sl))
                q += sl;
        }
    }
    return (size_t)(q - p);
}

/* Label at the start of a line segment: returns its index in w->label and sets *after. */
static int label_at(const web_vocab *w, const char *p, const char *end, const char **after)
{
    for (int i = 0; i < (int)w->nlabel; i++) {
        size_t l = match_label(p, end, w->label[i].text);
        if (!l)
            continue;
        const char *q = p + l;
        size_t sl;
        while (q < end && *q != '\n' && is_space_at((const unsigned char *)q, (size_t)(end - q), &sl))
            q += sl;
        if (q < end && *q == ':')
            q++;
        else if ((size_t)(end - q) >= 3 && memcmp(q, "\xEF\xBC\x9A", 3) == 0) /* ： */
            q += 3;
        else if (q < end && *q != '\n')
            continue; /* "标题为..." in running text is not a label */
        *after = q;
        return i;
    }
    return -1;
}

static pm_status scan_labels(pm_html *h, span *lab)
{
    const char *s = h->flat.data ? h->flat.data : "", *end = s + h->flat.len; /* no page text yet: "" */
    for (const char *line = s; line && line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *after, *tmp;
        /* a line may hold several "label：value" pairs */
        for (const char *p = line; p < eol;) {
            size_t sl;
            while (p < eol && is_space_at((const unsigned char *)p, (size_t)(eol - p), &sl))
                p += sl;
            int li = p < eol ? label_at(&h->web, p, eol, &after) : -1;
            if (li < 0)
                break;
            const char *v = after, *vend = eol;
            while (v < eol && is_space_at((const unsigned char *)v, (size_t)(eol - v), &sl))
                v += sl;
            if (v == eol && eol < end) { /* value in the next cell, unless it is a label */
                const char *nv = eol + 1, *nvend = memchr(nv, '\n', (size_t)(end - nv));
                if (!nvend)
                    nvend = end;
                if (label_at(&h->web, nv, nvend, &tmp) < 0) {
                    v = nv;
                    vend = nvend;
                }
            }
            /* a value stops at the next label on its line (after a blank) */
            const char *stop = vend;
            for (const char *q = v; q < vend; q++) {
                if (is_space_at((const unsigned char *)q, (size_t)(vend - q), &sl)) {
                    const char *r = q + sl;
                    while (r < vend && is_space_at((const unsigned char *)r, (size_t)(vend - r), &sl))
                        r += sl;
                    if (r < vend && label_at(&h->web, r, vend, &tmp) >= 0) {
                        stop = q;
                        break;
                    }
                }
            }
            int fld = h->web.label[li].field;
            if (fld >= 0 && !lab[fld].set && stop > v && (size_t)(stop - v) <= LABEL_VALUE_MAX) {
                lab[fld].off = (size_t)(v - s);
                lab[fld].len = (size_t)(stop - v);
                lab[fld].set = 1;
            }
            if (vend != eol) { /* consumed the next line */
                eol = vend;
                break;
            }
            p = stop;
        }
        line = eol < end ? eol + 1 : NULL;
    }
    return PM_OK;
}

/* Copies trimmed text into the arena as a candidate value (at most 2 KiB, cut on a
 * character boundary: a field is a label, not a document). */
static pm_status put(pm_html *h, span *sp, const char *t, size_t n)
{
    size_t l;
    while (n && is_space_at((const unsigned char *)t, n, &l)) {
        t += l;
        n -= l;
    }
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\n' || t[n - 1] == '\t' || t[n - 1] == '\r'))
        n--;
    if (n > 2048)
        n = pm_utf8_floor(t, n, 2048);
    if (n == 0 || sp->set)
        return PM_OK;
    sp->off = h->arena.len;
    sp->len = n;
    sp->set = 1;
    pm_status st = pm_buf_append(&h->arena, t, n);
    if (st == PM_OK)
        st = pm_buf_append_char(&h->arena, '\0');
    return st;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t l = strlen(suf);
    return n >= l && memcmp(s + n - l, suf, l) == 0;
}

/* ContentSource names an issuer only when it looks like an organ, not a news agency. */
static int organ_like(const char *s, size_t n)
{
    static const char *const suf[] = {"政府", "办公厅", "办公室", "委员会", "厅", "局", "部",
                                      "委", "国务院", NULL};
    for (int i = 0; suf[i]; i++)
        if (ends_with(s, n, suf[i]))
            return 1;
    return 0;
}

/* <title> text without a site-name tail ("关于…的通知_广东省人民政府门户网站"). */
static size_t title_without_site(const char *t, size_t n)
{
    static const char *const seps[] = {"_", " - ", "－", "|", NULL};
    for (int i = 0; seps[i]; i++) {
        size_t sl = strlen(seps[i]);
        for (size_t k = n; k-- > 0;) {
            if (k + sl > n || memcmp(t + k, seps[i], sl) != 0)
                continue;
            const char *tail = t + k + sl;
            size_t tl = n - k - sl;
            if (k > 0 && (memmem(tail, tl, "网", 3) || memmem(tail, tl, "政府", 6) ||
                          memmem(tail, tl, "门户", 6)))
                return k;
            break;
        }
    }
    return n;
}

/* Next node in document order under root (elements only are descended). */
static xmlNode *next_node(xmlNode *n, const xmlNode *root, int descend)
{
    if (descend && n->type == XML_ELEMENT_NODE && n->children)
        return n->children;
    while (n && n != root && !n->next)
        n = n->parent;
    return (!n || n == root) ? NULL : n->next;
}

typedef struct meta_found {
    span title, id, issuer, docno, date, pubdate, source, url, canon, head_title;
} meta_found;

/* The meta span a pack's key names (its F_* field); NULL for "-". */
static span *meta_span(meta_found *m, int field)
{
    switch (field) {
    case F_ID: return &m->id;
    case F_TITLE: return &m->title;
    case F_ISSUER: return &m->issuer;
    case F_DOCNO: return &m->docno;
    case F_DATE: return &m->date;
    default: return NULL;
    }
}

static pm_status collect_meta(pm_html *h, xmlNode *root, meta_found *m)
{
    pm_status st = PM_OK;
    for (xmlNode *n = root; n && st == PM_OK; n = next_node(n, root, 1)) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)n->name;
        if (strcasecmp(nm, "title") == 0 && !m->head_title.set) {
            xmlChar *t = xmlNodeGetContent(n);
            if (t) {
                st = put(h, &m->head_title, (const char *)t,
                         title_without_site((const char *)t, strlen((const char *)t)));
                xmlFree(t);
            }
            continue;
        }
        if (strcasecmp(nm, "link") == 0) {
            xmlChar *rel = xmlGetProp(n, (const xmlChar *)"rel");
            if (rel && strcasecmp((const char *)rel, "canonical") == 0) {
                xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
                if (href)
                    st = put(h, &m->canon, (const char *)href, strlen((const char *)href));
                xmlFree(href);
            }
            xmlFree(rel);
            continue;
        }
        if (strcasecmp(nm, "meta") != 0)
            continue;
        xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
        if (!name)
            name = xmlGetProp(n, (const xmlChar *)"property");
        xmlChar *content = name ? xmlGetProp(n, (const xmlChar *)"content") : NULL;
        if (name && content) {
            const char *k = (const char *)name, *v = (const char *)content;
            size_t vl = strlen(v);
            span *dst = NULL;
            if (strcasecmp(k, "ArticleTitle") == 0)
                dst = &m->title;
            else if (strcasecmp(k, "PubDate") == 0 || strcasecmp(k, "firstpublishedtime") == 0)
                dst = &m->pubdate;
            else if (strcasecmp(k, "ContentSource") == 0)
                dst = &m->source;
            else if (strcasecmp(k, "Url") == 0 || strcasecmp(k, "og:url") == 0)
                dst = &m->url;
            else if (strcasecmp(k, "IndexNumber") == 0)
                dst = &m->id;
            else if (strcasecmp(k, "IssuingAuthority") == 0)
                dst = &m->issuer;
            else if (strcasecmp(k, "DocumentNumber") == 0)
                dst = &m->docno;
            else if (strcasecmp(k, "WrittenDate") == 0)
                dst = &m->date;
            for (size_t i = 0; !dst && i < h->web.nmeta; i++) /* the pack's own keys */
                if (strcmp(k, h->web.meta[i].text) == 0)
                    dst = meta_span(m, h->web.meta[i].field);
            if (dst)
                st = put(h, dst, v, vl);
        }
        xmlFree(name);
        xmlFree(content);
    }
    return st;
}

/* The first candidate that is set becomes field k. */
static void choose(pm_html *h, int k, const span *a, const span *b, const span *c)
{
    const span *all[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (all[i] && all[i]->set) {
            h->f[k] = *all[i];
            return;
        }
}

static pm_status extract_tree(pm_html *h, htmlDocPtr x, const pm_html_ctx *ctx)
{
    xmlNode *root = xmlDocGetRootElement(x);
    if (!root)
        return PM_OK;
    static const char *const body_name[] = {"body", NULL};
    static const char *const article_name[] = {"article", NULL};
    xmlNode *body = find_element(root, body_name, NULL);
    if (!body)
        body = root;
    meta_found m;
    memset(&m, 0, sizeof m);
    pm_status st = collect_meta(h, root, &m);
    /* body text: the article container if the CMS marks one, else the page minus
     * navigation-like blocks */
    xmlNode *box = find_element(body, NULL, CONTENT_MARKS);
    if (!box)
        box = find_element(body, article_name, NULL);
    if (st == PM_OK && box)
        st = walk_text(h, box, &h->text, 1);
    if (st == PM_OK && h->text.len < 16) {
        pm_buf_reset(&h->text);
        st = walk_text(h, body, &h->text, 1);
    }
    if (st == PM_OK)
        st = walk_text(h, body, &h->flat, 0);
    span lab[NF], labv[NF];
    memset(lab, 0, sizeof lab);
    memset(labv, 0, sizeof labv);
    if (st == PM_OK)
        st = scan_labels(h, lab);
    for (int k = 0; k < NF && st == PM_OK; k++)
        if (lab[k].set)
            st = put(h, &labv[k], h->flat.data + lab[k].off, lab[k].len);
    if (st != PM_OK)
        return st;
    choose(h, F_TITLE, &m.title, &labv[F_TITLE], &m.head_title);
    choose(h, F_ISSUER, &m.issuer, &labv[F_ISSUER], NULL);
    if (!h->f[F_ISSUER].set && m.source.set &&
        organ_like(h->arena.data + m.source.off, m.source.len))
        h->f[F_ISSUER] = m.source;
    choose(h, F_DOCNO, &m.docno, &labv[F_DOCNO], NULL);
    choose(h, F_DATE, &m.date, &labv[F_DATE], &m.pubdate);
    choose(h, F_ID, &m.id, &labv[F_ID], NULL);
    if (ctx->url.len)
        st = put(h, &h->f[F_URL], ctx->url.p, ctx->url.len);
    else
        choose(h, F_URL, &m.canon, &m.url, NULL);
    if (st == PM_OK && ctx->fetched.len)
        st = put(h, &h->f[F_FETCHED], ctx->fetched.p, ctx->fetched.len);
    return st;
}

/* Id, region hint and date form: the rules the README documents. */
static pm_status finish_fields(pm_html *h, const char *raw, size_t rawn)
{
    pm_status st = normalise_date(h);
    if (st == PM_OK && !h->f[F_ID].set) {
        if (h->f[F_URL].set)
            h->f[F_ID] = h->f[F_URL];
        else {
            char cid[48];
            pm_content_id(raw, rawn, cid);
            st = put(h, &h->f[F_ID], cid, strlen(cid));
        }
    }
    if (st == PM_OK && h->f[F_URL].set) {
        const char *code = pm_hosts_region(h->hosts, field_p(h, F_URL), h->f[F_URL].len);
        if (code)
            st = put(h, &h->f[F_REGION], code, strlen(code));
    }
    return st;
}

pm_status pm_html_extract(pm_html *h, const char *p, size_t n, const pm_html_ctx *ctx,
                          pm_doc *doc, pm_reject *rej)
{
    memset(doc, 0, sizeof *doc);
    memset(h->f, 0, sizeof h->f);
    pm_buf_reset(&h->arena);
    pm_buf_reset(&h->text);
    pm_buf_reset(&h->flat);
    const char *rid = ctx->url.p;
    size_t ridl = ctx->url.len;
    const unsigned char *u = (const unsigned char *)p;
    /* 1. encoding */
    char label[48] = "";
    const char *enc, *src = p;
    size_t sn = n;
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        enc = "UTF-8";
        src += 3;
        sn -= 3;
    } else if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        pm_reject_set(rej, PM_ERR_ENCODING, ctx->offset, rid, ridl, "UTF-16 page: not supported");
        return PM_ERR_ENCODING;
    } else {
        if (ctx->charset.len && ctx->charset.len < sizeof label) {
            memcpy(label, ctx->charset.p, ctx->charset.len);
            label[ctx->charset.len] = '\0';
        } else
            meta_charset(p, n, label, sizeof label);
        if (label[0])
            enc = canonical_charset(label);
        else
            enc = pm_utf8_valid(p, n, NULL) || !h->web.fallback[0]
                      ? "UTF-8"
                      : h->web.fallback; /* undeclared: the pack's common legacy encoding */
    }
    if (strcmp(enc, "UTF-8") != 0) {
        size_t bad = 0;
        pm_status st = convert(h, enc, src, sn, &bad);
        if (st == PM_ERR_ARG) {
            pm_reject_set(rej, PM_ERR_ENCODING, ctx->offset, rid, ridl, "unsupported charset %s", label);
            return PM_ERR_ENCODING;
        }
        if (st == PM_ERR_ENCODING) {
            pm_reject_set(rej, PM_ERR_ENCODING, ctx->offset, rid, ridl,
                          "bytes invalid in %s (%s) at byte %zu of the page", label[0] ? label : "undeclared",
                          enc, bad + (size_t)(src - p));
            return PM_ERR_ENCODING;
        }
        if (st == PM_ERR_TOO_BIG) {
            pm_reject_set(rej, PM_ERR_DOC_TOO_BIG, ctx->offset, rid, ridl, "page too large once converted");
            return PM_ERR_DOC_TOO_BIG;
        }
        if (st != PM_OK)
            return st;
        src = h->conv.data;
        sn = h->conv.len;
    }
    size_t bad;
    if (!pm_utf8_valid(src, sn, &bad)) {
        pm_reject_set(rej, PM_ERR_UTF8, ctx->offset, rid, ridl, "%s at byte %zu of the %s page",
                      src[bad] == 0 ? "NUL byte" : "invalid UTF-8", bad,
                      label[0] ? label : "undeclared-encoding");
        return PM_ERR_UTF8;
    }
    /* Entity declarations have no place in a web page; the HTML parser would not expand
     * them, but it would show the declaration as text: refuse, as corpus XML does. */
    if (memmem(src, sn, "<!ENTITY", 8)) {
        pm_reject_set(rej, PM_ERR_XML_DTD, ctx->offset, rid, ridl, "entity declaration in the page refused");
        return PM_ERR_XML_DTD;
    }
    if (sn > INT32_MAX) {
        pm_reject_set(rej, PM_ERR_DOC_TOO_BIG, ctx->offset, rid, ridl, "page too large for the parser");
        return PM_ERR_DOC_TOO_BIG;
    }
    /* 2. parse: recovering, no network, quiet, our encoding decision final */
    htmlCtxtReset(h->ctxt);
    htmlDocPtr x = htmlCtxtReadMemory(h->ctxt, src, (int)sn, NULL, "UTF-8",
                                      HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                          HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC |
                                          HTML_PARSE_NODEFDTD);
    if (!x || !xmlDocGetRootElement(x)) {
        if (x)
            xmlFreeDoc(x);
        pm_reject_set(rej, PM_ERR_XML, ctx->offset, rid, ridl, "no HTML element could be recovered");
        return PM_ERR_XML;
    }
    /* 3. fields */
    pm_status st = extract_tree(h, x, ctx);
    xmlFreeDoc(x);
    if (st == PM_OK)
        st = finish_fields(h, p, n);
    if (st == PM_ERR_TOO_BIG) {
        pm_reject_set(rej, PM_ERR_DOC_TOO_BIG, ctx->offset, rid, ridl, "page text exceeds the cap");
        return PM_ERR_DOC_TOO_BIG;
    }
    if (st != PM_OK)
        return st;
    pm_str *out[NF] = {&doc->id, &doc->title, &doc->issuer, &doc->docno, &doc->date,
                       &doc->region_code, &doc->url, &doc->body, &doc->fetched};
    for (int k = 0; k < NF; k++)
        if (h->f[k].set && k != F_BODY) {
            out[k]->p = field_p(h, k);
            out[k]->len = h->f[k].len;
        }
    doc->body.p = h->text.data ? h->text.data : "";
    doc->body.len = h->text.len;
    return PM_OK;
}

/* ---- the format ------------------------------------------------------------------------ */

static pm_status hparse_create(void **scratch, const pm_limits *lim)
{
    pm_html *h;
    pm_status st = pm_html_create(&h, lim);
    *scratch = h;
    return st;
}

static void hparse_free(void *scratch) { pm_html_free(scratch); }

static pm_status hparse(void *scratch, const pm_raw *raw, pm_doc *doc, pm_reject *rej)
{
    pm_html_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.offset = raw->offset;
    return pm_html_extract(scratch, raw->p, raw->len, &ctx, doc, rej);
}

const pm_format pm_format_html = {
    .name = "html",
    .sniff = html_sniff,
    .split_create = hsplit_create,
    .split_next = hsplit_next,
    .split_free = hsplit_free,
    .parse_create = hparse_create,
    .parse = hparse,
    .parse_free = hparse_free,
};
