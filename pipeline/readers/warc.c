/* readers/warc.c - web-archive crawls (ISO 28500 WARC 1.0/1.1), .warc or .warc.gz (the
 * gzip reader already joins the one-member-per-record compression crawlers write).
 *
 * Split: records are framed by their Content-Length, not by scanning: read the header block
 * (capped at 64 KiB), then exactly Content-Length bytes, then the CRLF CRLF terminator.
 * Only `response` records carrying an HTTP 2xx text/html (or xhtml) payload become raw
 * records; every other record (warcinfo, request, metadata, revisit, images, redirects...)
 * is skipped by design and reported as PM_SPLIT_SKIP - a count, not a reject. Skipped and
 * oversized blocks are drained without being buffered. A truncated or damaged record loses
 * only itself: a gzip error drops the record it cuts (the gzip reader resynchronises at the
 * next member), and a record whose terminator is missing is rejected and the reader
 * resynchronises at the next line starting "WARC/".
 * Parse: WARC headers again (URI, date), the HTTP header (charset, chunked transfer
 * coding, gzip content coding), then the shared HTML extractor (html.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policyminer/buf.h"
#include "readers_internal.h"

#define READ_BLOCK (1u << 16)
#define HDR_MAX (64u << 10)   /* WARC or HTTP header block */
#define HTTP_PEEK (16u << 10) /* payload bytes read to decide whether a response is HTML */

extern const pm_format pm_format_html;

/* ---- header parsing (shared by split and parse) ---------------------------------------- */

typedef struct hdrs {
    pm_str type, uri, date, ctype, id;
    uint64_t clen;
    int has_clen;
} hdrs;

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parses "Name: value" lines of [p, p+n) (n = the block without its blank line). */
static void parse_headers(const char *p, size_t n, hdrs *h, int warc)
{
    memset(h, 0, sizeof *h);
    const char *end = p + n;
    for (const char *line = p; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        const char *le = eol;
        if (le > line && le[-1] == '\r')
            le--;
        const char *colon = memchr(line, ':', (size_t)(le - line));
        if (colon && !is_blank(line[0])) {
            size_t kl = (size_t)(colon - line);
            const char *v = colon + 1, *ve = le;
            while (v < ve && is_blank(*v))
                v++;
            while (ve > v && is_blank(ve[-1]))
                ve--;
            pm_str val = {v, (size_t)(ve - v)};
#define KEY(s) (kl == sizeof(s) - 1 && strncasecmp(line, s, kl) == 0)
            if (KEY("Content-Length")) {
                uint64_t x = 0;
                size_t i = 0;
                for (; i < val.len && val.p[i] >= '0' && val.p[i] <= '9' && x < (1ull << 60); i++)
                    x = x * 10 + (uint64_t)(val.p[i] - '0');
                if (i == val.len && i > 0) {
                    h->clen = x;
                    h->has_clen = 1;
                }
            } else if (KEY("Content-Type"))
                h->ctype = val;
            else if (warc && KEY("WARC-Type"))
                h->type = val;
            else if (warc && KEY("WARC-Target-URI")) {
                if (val.len >= 2 && val.p[0] == '<' && val.p[val.len - 1] == '>') { /* 1.0 draft form */
                    val.p++;
                    val.len -= 2;
                }
                h->uri = val;
            } else if (warc && KEY("WARC-Date"))
                h->date = val;
            else if (warc && KEY("WARC-Record-ID"))
                h->id = val;
            else if (!warc && KEY("Transfer-Encoding"))
                h->type = val; /* HTTP: reuse the slot for the transfer coding */
            else if (!warc && KEY("Content-Encoding"))
                h->id = val;   /* HTTP: and this one for the content coding */
#undef KEY
        }
        line = eol + 1;
    }
}

/* End of a header block starting at p: offset just past the blank line, or 0. */
static size_t header_end(const char *p, size_t n)
{
    const char *a = memmem(p, n, "\r\n\r\n", 4);
    const char *b = memmem(p, a ? (size_t)(a - p) : n, "\n\n", 2);
    if (b)
        return (size_t)(b - p) + 2;
    return a ? (size_t)(a - p) + 4 : 0;
}

static int str_has(pm_str s, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= s.len; i++)
        if (strncasecmp(s.p + i, lit, l) == 0)
            return 1;
    return 0;
}

/* ---- sniffing --------------------------------------------------------------------------- */

static int warc_sniff(const char *h, size_t n)
{
    return n >= 7 && memcmp(h, "WARC/1.", 7) == 0;
}

/* ---- splitting -------------------------------------------------------------------------- */

typedef struct wsplit {
    pm_limits lim;
    pm_buf buf;
    size_t head;       /* live window [head, len) */
    uint64_t buf_off;  /* stream offset of data[head] */
    uint64_t skip;     /* bytes still to discard (a skipped or oversized block) */
    size_t consume;    /* bytes of the record just returned */
    int eof;
    pm_status gz_err;
    uint64_t gz_err_off;
    int garbage;       /* between records, not at a "WARC/" line: resynchronising */
    int garbage_told;  /* the bytes being skipped were already reported with their record */
    uint64_t garbage_off;
    uint64_t nresp;    /* response records kept or rejected (the per-file cap) */
} wsplit;

#define WB(s) ((s)->buf.data + (s)->head)
#define WL(s) ((s)->buf.len - (s)->head)

static pm_status wsplit_create(void **state, const pm_limits *lim)
{
    wsplit *s = calloc(1, sizeof *s);
    if (!s)
        return PM_ERR_NOMEM;
    s->lim = *lim;
    pm_buf_init(&s->buf, (size_t)lim->max_doc_bytes + HDR_MAX + 2 * READ_BLOCK + 16);
    if (pm_buf_reserve(&s->buf, READ_BLOCK) != PM_OK) {
        free(s);
        return PM_ERR_NOMEM;
    }
    *state = s;
    return PM_OK;
}

static void wsplit_free(void *state)
{
    wsplit *s = state;
    if (!s)
        return;
    pm_buf_free(&s->buf);
    free(s);
}

static void wdrop(wsplit *s, size_t n)
{
    s->head += n;
    s->buf_off += n;
}

/* Reads one block; remembers a soft gzip error instead of reading past it. */
static pm_status wmore(wsplit *s, pm_gz *in)
{
    return pm_window_more(&s->buf, &s->head, in, READ_BLOCK, &s->eof, &s->gz_err, &s->gz_err_off);
}

/* Makes n bytes available; *ok = 0 when the input ends or a gzip error comes first. */
static pm_status need(wsplit *s, pm_gz *in, size_t n, int *ok)
{
    while (WL(s) < n && !s->eof && s->gz_err == PM_OK) {
        pm_status st = wmore(s, in);
        if (st != PM_OK)
            return st;
    }
    *ok = WL(s) >= n;
    return PM_OK;
}

/* The record being read was cut by damage in the compressed stream, or by the end. */
static void lose_record(wsplit *s, pm_reject *rej, const hdrs *h, const char *what)
{
    const char *uri = h ? h->uri.p : NULL;
    size_t ul = h ? h->uri.len : 0;
    char uribuf[128] = "";
    if (uri) { /* copy before the window moves */
        snprintf(uribuf, sizeof uribuf, "%.*s", (int)(ul < 127 ? ul : 127), uri);
        ul = strlen(uribuf);
    }
    if (s->gz_err != PM_OK) {
        pm_reject_set(rej, s->gz_err, s->buf_off, uribuf, ul,
                      "%s cut by gzip damage at compressed offset %llu; the next member is read",
                      what, (unsigned long long)s->gz_err_off);
        s->gz_err = PM_OK;
    } else
        pm_reject_set(rej, PM_ERR_TRUNCATED_DOC, s->buf_off, uribuf, ul,
                      "input ends inside the %s", what);
    wdrop(s, WL(s));
    s->skip = 0;
}

static pm_split_result skip_record(wsplit *s, pm_reject *rej, uint64_t total, const char *fmt,
                                   pm_str what)
{
    pm_reject_set(rej, PM_OK, s->buf_off, NULL, 0, fmt, (int)(what.len < 60 ? what.len : 60),
                  what.p ? what.p : "");
    s->skip = total;
    return PM_SPLIT_SKIP;
}

/* Decides from the HTTP head of a response block whether it carries an HTML page;
 * fills why (for the skip count) when not. */
static int http_is_html(const char *p, size_t n, int complete, char *why, size_t whysz)
{
    size_t he = header_end(p, n);
    if (!he) {
        snprintf(why, whysz, complete ? "response without an HTTP header" : "HTTP header over 16 KiB");
        return 0;
    }
    int code = 0;
    const char *sp = n > 5 ? memchr(p, ' ', he) : NULL; /* "HTTP/1.1 200", "HTTP/2 200" */
    if (n < 12 || memcmp(p, "HTTP/", 5) != 0 || !sp || sscanf(sp, " %3d", &code) != 1) {
        snprintf(why, whysz, "response without an HTTP status line");
        return 0;
    }
    if (code < 200 || code > 299) {
        snprintf(why, whysz, "HTTP status %d", code);
        return 0;
    }
    hdrs h;
    parse_headers(p, he, &h, 0);
    if (h.ctype.len)
        if (str_has(h.ctype, "text/html") || str_has(h.ctype, "application/xhtml"))
            return 1;
    if (!h.ctype.len && pm_format_html.sniff(p + he, n - he))
        return 1;
    snprintf(why, whysz, "payload %.*s", (int)(h.ctype.len < 60 ? h.ctype.len : 60),
             h.ctype.len ? h.ctype.p : "(no type, not HTML)");
    return 0;
}

static pm_status wsplit_next(void *state, pm_gz *in, pm_raw *raw, pm_reject *rej,
                             pm_split_result *res)
{
    wsplit *s = state;
    if (s->consume) {
        wdrop(s, s->consume);
        s->consume = 0;
    }
    int ok;
    pm_status st;
    for (;;) {
        if (s->skip) { /* drain a block we do not keep */
            size_t k = WL(s) < s->skip ? WL(s) : (size_t)s->skip;
            wdrop(s, k);
            s->skip -= k;
            if (!s->skip)
                continue;
            if (s->gz_err != PM_OK || s->eof) {
                /* the block being drained is cut short: whatever its Content-Length still
                 * covered is lost (a bogus length could hide records), so say so */
                uint64_t left = s->skip;
                s->skip = 0;
                if (s->gz_err != PM_OK)
                    lose_record(s, rej, NULL, "a skipped record");
                else
                    pm_reject_set(rej, PM_ERR_TRUNCATED_DOC, s->buf_off, NULL, 0,
                                  "input ends %llu bytes short of a skipped record's Content-Length",
                                  (unsigned long long)left);
                *res = PM_SPLIT_REJECT;
                return PM_OK;
            }
            if ((st = wmore(s, in)) != PM_OK)
                return st;
            continue;
        }
        /* blank lines between records */
        while (WL(s) && (WB(s)[0] == '\r' || WB(s)[0] == '\n'))
            wdrop(s, 1);
        if ((st = need(s, in, 8, &ok)) != PM_OK)
            return st;
        if (!ok && WL(s) == 0 && s->gz_err == PM_OK) {
            if (s->garbage) {
                s->garbage = 0;
                if (s->garbage_told) {
                    s->garbage_told = 0;
                    continue;
                }
                pm_reject_set(rej, PM_ERR_WARC, s->garbage_off, NULL, 0,
                              "bytes that are not a WARC record, up to the end of the input");
                *res = PM_SPLIT_REJECT;
                return PM_OK;
            }
            *res = PM_SPLIT_END;
            return PM_OK;
        }
        if (!ok && s->gz_err != PM_OK) {
            lose_record(s, rej, NULL, "record");
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        if (!ok || memcmp(WB(s), "WARC/1.", 7) != 0) {
            /* not at a record: resynchronise at the next line starting "WARC/1." */
            if (!s->garbage) {
                s->garbage = 1;
                s->garbage_off = s->buf_off;
            }
            const char *nx = WL(s) > 1 ? memmem(WB(s) + 1, WL(s) - 1, "\nWARC/1.", 8) : NULL;
            if (nx) {
                wdrop(s, (size_t)(nx - WB(s)) + 1);
                s->garbage = 0;
                if (s->garbage_told) {
                    s->garbage_told = 0;
                    continue;
                }
                pm_reject_set(rej, PM_ERR_WARC, s->garbage_off, NULL, 0,
                              "%llu bytes that are not a WARC record skipped",
                              (unsigned long long)(s->buf_off - s->garbage_off));
                *res = PM_SPLIT_REJECT;
                return PM_OK;
            }
            if (!ok || s->eof) {
                wdrop(s, WL(s));
                continue; /* reported at the end above */
            }
            if (s->gz_err != PM_OK) {
                /* inside garbage already: the damage adds nothing to lose, and the next
                 * member starts afresh (possibly with a record) */
                s->gz_err = PM_OK;
                wdrop(s, WL(s));
                continue;
            }
            wdrop(s, WL(s) - 8); /* keep a tail: the marker may straddle reads */
            if ((st = wmore(s, in)) != PM_OK)
                return st;
            continue;
        }
        if (s->garbage) { /* resynchronised at a record start */
            s->garbage = 0;
            if (!s->garbage_told) {
                pm_reject_set(rej, PM_ERR_WARC, s->garbage_off, NULL, 0,
                              "%llu bytes that are not a WARC record skipped",
                              (unsigned long long)(s->buf_off - s->garbage_off));
                *res = PM_SPLIT_REJECT;
                return PM_OK;
            }
            s->garbage_told = 0;
        }
        /* the WARC header block */
        size_t he;
        for (;;) {
            he = header_end(WB(s), WL(s) < HDR_MAX ? WL(s) : HDR_MAX);
            if (he || WL(s) >= HDR_MAX || s->eof || s->gz_err != PM_OK)
                break;
            if ((st = wmore(s, in)) != PM_OK)
                return st;
        }
        if (!he) {
            if (WL(s) >= HDR_MAX) {
                pm_reject_set(rej, PM_ERR_WARC, s->buf_off, NULL, 0, "WARC header block over 64 KiB");
                wdrop(s, 7);
                s->garbage = 1;
                s->garbage_told = 1;
                s->garbage_off = s->buf_off;
            } else
                lose_record(s, rej, NULL, "WARC header");
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        hdrs h;
        parse_headers(WB(s), he, &h, 1);
        if (!h.has_clen) {
            pm_reject_set(rej, PM_ERR_WARC, s->buf_off, h.uri.p, h.uri.len,
                          "record without a valid Content-Length");
            wdrop(s, 7);
            s->garbage = 1;
            s->garbage_told = 1;
            s->garbage_off = s->buf_off;
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        uint64_t total = he + h.clen;
        if (!(h.type.len == 8 && strncasecmp(h.type.p, "response", 8) == 0)) {
            *res = skip_record(s, rej, total, "WARC-Type %.*s", h.type);
            return PM_OK;
        }
        if (!str_has(h.ctype, "application/http")) {
            *res = skip_record(s, rej, total, "response of type %.*s", h.ctype);
            return PM_OK;
        }
        s->nresp++;
        if (s->lim.max_docs_per_file && s->nresp > s->lim.max_docs_per_file) {
            pm_reject_set(rej, PM_ERR_TOO_MANY_DOCS, s->buf_off, h.uri.p, h.uri.len,
                          "beyond --max-docs-per-file");
            s->skip = total;
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        /* enough of the payload to see the HTTP header */
        size_t peek = he + (size_t)(h.clen < HTTP_PEEK ? h.clen : HTTP_PEEK);
        if ((st = need(s, in, peek, &ok)) != PM_OK)
            return st;
        parse_headers(WB(s), he, &h, 1); /* reading may have moved the window */
        if (!ok) {
            lose_record(s, rej, &h, "response record");
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        char why[96];
        if (!http_is_html(WB(s) + he, peek - he, h.clen <= HTTP_PEEK, why, sizeof why)) {
            pm_str w = {why, strlen(why)};
            *res = skip_record(s, rej, total, "%.*s", w);
            return PM_OK;
        }
        if (h.clen > s->lim.max_doc_bytes) {
            pm_reject_set(rej, PM_ERR_DOC_TOO_BIG, s->buf_off, h.uri.p, h.uri.len,
                          "response larger than --max-doc-bytes; skipped without buffering");
            s->skip = total;
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        if ((st = need(s, in, (size_t)total + 4, &ok)) != PM_OK)
            return st;
        parse_headers(WB(s), he, &h, 1); /* the window may have moved */
        if (!ok && WL(s) < total) {
            lose_record(s, rej, &h, "response record");
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        const char *term = WB(s) + total;
        size_t after = WL(s) - (size_t)total;
        if ((after >= 4 && memcmp(term, "\r\n\r\n", 4) != 0) ||
            (after < 4 && memcmp(term, "\r\n\r\n", after) != 0)) {
            /* Content-Length disagrees with the data: this record is unusable; look for
             * the next one from just after its start */
            pm_reject_set(rej, PM_ERR_WARC, s->buf_off, h.uri.p, h.uri.len,
                          "record not followed by CRLF CRLF (truncated, or wrong Content-Length)");
            wdrop(s, 7);
            s->garbage = 1;
            s->garbage_told = 1; /* reported here: the resynchronisation adds no row */
            s->garbage_off = s->buf_off;
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        raw->p = WB(s);
        raw->len = (size_t)total;
        raw->offset = s->buf_off;
        s->consume = (size_t)total + (after < 4 ? after : 4);
        *res = PM_SPLIT_RECORD;
        return PM_OK;
    }
}

/* ---- parsing ---------------------------------------------------------------------------- */

typedef struct wscratch {
    pm_html *html;
    pm_buf body; /* de-chunked / inflated payload */
    pm_limits lim;
} wscratch;

static pm_status wparse_create(void **scratch, const pm_limits *lim)
{
    wscratch *w = calloc(1, sizeof *w);
    if (!w)
        return PM_ERR_NOMEM;
    w->lim = *lim;
    pm_buf_init(&w->body, (size_t)lim->max_doc_bytes + 16);
    pm_status st = pm_html_create(&w->html, lim);
    if (st != PM_OK) {
        pm_buf_free(&w->body);
        free(w);
        return st;
    }
    *scratch = w;
    return PM_OK;
}

static void wparse_free(void *scratch)
{
    wscratch *w = scratch;
    if (!w)
        return;
    pm_html_free(w->html);
    pm_buf_free(&w->body);
    free(w);
}

/* Undoes "Transfer-Encoding: chunked" into w->body; 0 on malformed chunking. */
static int dechunk(wscratch *w, const char *p, size_t n, pm_status *st)
{
    pm_buf_reset(&w->body);
    size_t i = 0;
    for (;;) {
        uint64_t sz = 0;
        size_t d = 0;
        for (; i < n && d < 16; i++, d++) {
            char c = p[i];
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                   : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (v < 0)
                break;
            sz = sz * 16 + (uint64_t)v;
        }
        if (!d)
            return 0;
        const char *nl = memchr(p + i, '\n', n - i); /* chunk extensions are ignored */
        if (!nl)
            return 0;
        i = (size_t)(nl - p) + 1;
        if (sz == 0)
            return 1;
        if (sz > n - i)
            return 0;
        if ((*st = pm_buf_append(&w->body, p + i, (size_t)sz)) != PM_OK)
            return 0;
        i += (size_t)sz;
        if (i < n && p[i] == '\r')
            i++;
        if (i < n && p[i] == '\n')
            i++;
    }
}

/* Undoes "Content-Encoding: gzip" (the multi-member reader does the work). */
static pm_status gunzip(wscratch *w, const char *p, size_t n)
{
    pm_gz *g;
    pm_gz_limits gl = {w->lim.max_doc_bytes, PM_INFLATE_ZLIB};
    pm_status st = pm_gz_open_mem(&g, p, n, &gl);
    if (st != PM_OK)
        return st;
    pm_buf out;
    pm_buf_init(&out, (size_t)w->lim.max_doc_bytes + 16);
    for (;;) {
        st = pm_buf_reserve(&out, READ_BLOCK);
        if (st != PM_OK)
            break;
        size_t got = 0;
        st = pm_gz_read(g, out.data + out.len, READ_BLOCK, &got);
        out.len += got;
        if (st != PM_OK || got == 0)
            break;
    }
    pm_gz_close(g);
    if (st == PM_OK) {
        pm_buf_free(&w->body);
        w->body = out; /* same cap */
    } else
        pm_buf_free(&out);
    return st;
}

static pm_status wparse(void *scratch, const pm_raw *raw, pm_doc *doc, pm_reject *rej)
{
    wscratch *w = scratch;
    memset(doc, 0, sizeof *doc);
    size_t he = header_end(raw->p, raw->len);
    hdrs wh, hh;
    parse_headers(raw->p, he, &wh, 1);
    const char *blk = raw->p + he;
    size_t bn = raw->len - he;
    size_t hhe = header_end(blk, bn);
    if (!he || !hhe) { /* the splitter checked both; a hand-made raw record may not be */
        pm_reject_set(rej, PM_ERR_WARC, raw->offset, wh.uri.p, wh.uri.len, "no HTTP header");
        return PM_ERR_WARC;
    }
    parse_headers(blk, hhe, &hh, 0);
    const char *pay = blk + hhe;
    size_t pn = bn - hhe;
    pm_status st = PM_OK;
    if (hh.type.len && str_has(hh.type, "chunked")) {
        if (!dechunk(w, pay, pn, &st)) {
            if (st == PM_ERR_NOMEM)
                return st;
            pm_reject_set(rej, PM_ERR_WARC, raw->offset, wh.uri.p, wh.uri.len,
                          "malformed chunked transfer coding");
            return PM_ERR_WARC;
        }
        pay = w->body.data ? w->body.data : "";
        pn = w->body.len;
    }
    if (hh.id.len && !(hh.id.len == 8 && strncasecmp(hh.id.p, "identity", 8) == 0)) {
        if (str_has(hh.id, "gzip"))
            st = gunzip(w, pay, pn);
        else
            st = PM_ERR_ARG;
        if (st == PM_ERR_NOMEM)
            return st;
        if (st != PM_OK) {
            pm_reject_set(rej, st == PM_ERR_ARG ? PM_ERR_WARC : st, raw->offset, wh.uri.p, wh.uri.len,
                          "content coding %.*s could not be undone", (int)(hh.id.len < 40 ? hh.id.len : 40),
                          hh.id.p);
            return st == PM_ERR_ARG ? PM_ERR_WARC : st;
        }
        pay = w->body.data ? w->body.data : "";
        pn = w->body.len;
    }
    pm_html_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.offset = raw->offset;
    ctx.url = wh.uri;
    ctx.fetched = wh.date;
    /* charset=... in the HTTP Content-Type */
    for (size_t i = 0; i + 8 <= hh.ctype.len; i++)
        if (strncasecmp(hh.ctype.p + i, "charset=", 8) == 0) {
            const char *v = hh.ctype.p + i + 8, *e = hh.ctype.p + hh.ctype.len;
            while (v < e && (*v == '"' || *v == '\''))
                v++;
            const char *ve = v;
            while (ve < e && *ve != ';' && *ve != '"' && *ve != '\'' && *ve != ' ')
                ve++;
            ctx.charset.p = v;
            ctx.charset.len = (size_t)(ve - v);
            break;
        }
    return pm_html_extract(w->html, pay, pn, &ctx, doc, rej);
}

const pm_format pm_format_warc = {
    .name = "warc",
    .sniff = warc_sniff,
    .split_create = wsplit_create,
    .split_next = wsplit_next,
    .split_free = wsplit_free,
    .parse_create = wparse_create,
    .parse = wparse,
    .parse_free = wparse_free,
};
