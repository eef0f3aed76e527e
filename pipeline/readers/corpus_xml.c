/* readers/corpus_xml.c - the corpus XML format: <corpus><doc id="…">…</doc>…</corpus>.
 *
 * Split: a cheap scan of the decompressed stream cuts it at "<doc" … "</doc>" (memmem,
 * no per-byte state machine), keeping at most one document plus one read block in
 * memory. A document over the size cap is skipped without being buffered; damage in the
 * compressed stream drops only the document it cuts through.
 * Parse: each slice is validated as UTF-8 and parsed alone - no DTD, no entity expansion
 * beyond the XML built-ins, no network, errors never printed - so one malformed document
 * loses only itself. A small tokenizer for the subset real corpora use (elements with
 * quoted attributes, text, the five built-in entities, character references, CDATA,
 * comments) decodes most documents in one pass; anything outside that subset or not
 * well-formed - a PI, a namespace prefix, a CR, an entity or tab in an attribute, a
 * mismatched tag - goes to libxml2, which decides (and words the reject) as before.
 * The tokenizer never accepts what libxml2 refuses, and gives the same strings. Runs of
 * CJK text are checked 32 characters a step with AVX2 where the CPU has it (run time),
 * two a step otherwise; test_corpus_xml holds both to libxml2.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__) && !defined(PM_NO_SIMD) /* PM_NO_SIMD: portable code only */
#include <immintrin.h>
#define PM_XML_HAVE_AVX2 1
#endif

#include "policyminer/buf.h"
#include "policyminer/reader.h"
#include "policyminer/utf8.h"

#define READ_BLOCK (1u << 20)
#define KEEP_TAIL 16 /* bytes kept between scans: a tag may straddle two reads */

/* ---- sniffing ------------------------------------------------------------------------ */

static int xml_sniff(const char *h, size_t n)
{
    size_t lim = n < 4096 ? n : 4096;
    for (size_t i = 0; i + 4 < lim; i++) {
        if (h[i] != '<')
            continue;
        if (i + 7 <= lim && memcmp(h + i, "<corpus", 7) == 0)
            return 1;
        if (memcmp(h + i, "<doc", 4) == 0 && i + 4 < lim) {
            char c = h[i + 4];
            if (c == ' ' || c == '>' || c == '\t' || c == '\n' || c == '\r' || c == '/')
                return 1;
        }
    }
    return 0;
}

/* ---- splitting ----------------------------------------------------------------------- */

typedef struct split {
    pm_limits lim;
    pm_buf buf;
    size_t head;       /* start of the live window in buf */
    uint64_t buf_off;  /* stream offset of the window's first byte */
    size_t scan;       /* where the next search starts */
    size_t consume;    /* bytes to drop at the next call (the record just returned) */
    int eof;
    int in_doc;
    size_t doc_start;
    int skipping;      /* inside an oversized document: looking for its end */
    uint64_t total;    /* bytes read */
    uint64_t ndocs;
    int dtd_reported, enc_checked;
    pm_status gz_err;  /* soft error to report */
    uint64_t gz_err_off;
} split;

static pm_status split_create(void **state, const pm_limits *lim)
{
    split *s = calloc(1, sizeof *s);
    if (!s)
        return PM_ERR_NOMEM;
    s->lim = *lim;
    pm_buf_init(&s->buf, (size_t)lim->max_doc_bytes + 2 * READ_BLOCK + KEEP_TAIL);
    if (pm_buf_reserve(&s->buf, READ_BLOCK) != PM_OK) { /* data is never NULL afterwards */
        free(s);
        return PM_ERR_NOMEM;
    }
    *state = s;
    return PM_OK;
}

static void split_free(void *state)
{
    split *s = state;
    if (!s)
        return;
    pm_buf_free(&s->buf);
    free(s);
}

/* The live window of the buffer is [head, len): dropping a prefix only moves head, so a
 * record costs no copy; the window is compacted once per block read (see more()). */
#define SB(s) ((s)->buf.data + (s)->head)
#define SL(s) ((s)->buf.len - (s)->head)

static void drop(split *s, size_t n)
{
    s->head += n;
    s->buf_off += n;
    s->scan = s->scan > n ? s->scan - n : 0;
    if (s->in_doc)
        s->doc_start -= n;
}

/* Reads one more block. Sets eof; a soft gzip error is remembered in gz_err. */
static pm_status more(split *s, pm_gz *in)
{
    if (s->head) { /* compact the window to the front, once per block */
        memmove(s->buf.data, s->buf.data + s->head, s->buf.len - s->head);
        s->buf.len -= s->head;
        s->head = 0;
    }
    pm_status st = pm_buf_reserve(&s->buf, READ_BLOCK);
    if (st != PM_OK)
        return st;
    size_t got = 0;
    st = pm_gz_read(in, s->buf.data + s->buf.len, READ_BLOCK, &got);
    s->buf.len += got;
    s->buf.data[s->buf.len] = '\0';
    s->total += got;
    if (st == PM_ERR_IO || st == PM_ERR_NOMEM || st == PM_ERR_INTERRUPTED)
        return st;
    if (st != PM_OK) {
        s->gz_err = st;
        s->gz_err_off = pm_gz_error_offset(in);
        return PM_OK;
    }
    if (got == 0)
        s->eof = 1;
    return PM_OK;
}

static int is_doc_tag(const char *p, const char *end)
{
    if (end - p < 5 || memcmp(p, "<doc", 4) != 0)
        return 0;
    char c = p[4];
    return c == ' ' || c == '>' || c == '\t' || c == '\n' || c == '\r' || c == '/';
}

/* First "<doc" start tag in [from, len). */
static const char *find_doc(const split *s, size_t from)
{
    const char *p = SB(s) + from, *end = SB(s) + SL(s);
    while (p < end) {
        const char *q = memmem(p, (size_t)(end - p), "<doc", 4);
        if (!q)
            return NULL;
        if (end - q < 5)
            return NULL; /* undecided until more bytes arrive */
        if (is_doc_tag(q, end))
            return q;
        p = q + 4;
    }
    return NULL;
}

/* The id attribute of a start tag at p (cheap scan, for reporting). */
static void start_tag_id(const char *p, size_t n, char *out, size_t outsz)
{
    out[0] = '\0';
    const char *gt = memchr(p, '>', n < 4096 ? n : 4096);
    size_t lim = gt ? (size_t)(gt - p) : (n < 4096 ? n : 4096);
    for (size_t i = 4; i + 4 < lim; i++) {
        if (memcmp(p + i, "id", 2) != 0 || (p[i - 1] != ' ' && p[i - 1] != '\t' && p[i - 1] != '\n'))
            continue;
        size_t j = i + 2;
        while (j < lim && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j >= lim || p[j] != '=')
            continue;
        j++;
        while (j < lim && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j >= lim || (p[j] != '"' && p[j] != '\''))
            continue;
        char q = p[j++];
        size_t k = j;
        while (k < lim && p[k] != q)
            k++;
        size_t len = k - j < outsz - 1 ? k - j : outsz - 1;
        memcpy(out, p + j, len);
        out[len] = '\0';
        for (size_t z = 0; z < len; z++)
            if ((unsigned char)out[z] < 0x20)
                out[z] = ' ';
        return;
    }
}

static void reject(pm_reject *r, pm_status code, uint64_t off, const char *id, const char *fmt,
                   const char *arg)
{
    memset(r, 0, sizeof *r);
    r->code = code;
    r->offset = off;
    if (id)
        snprintf(r->doc_id, sizeof r->doc_id, "%s", id);
    snprintf(r->detail, sizeof r->detail, fmt, arg ? arg : "");
}

/* Outside documents: refuse DTDs (reported once) and non-UTF-8 declarations. */
static int check_prolog(split *s, size_t upto, pm_reject *rej)
{
    const char *p = SB(s) + s->scan;
    size_t n = upto > s->scan ? upto - s->scan : 0;
    if (!s->dtd_reported && (memmem(p, n, "<!DOCTYPE", 9) || memmem(p, n, "<!ENTITY", 8))) {
        s->dtd_reported = 1;
        reject(rej, PM_ERR_XML_DTD, s->buf_off + s->scan, "",
               "DOCTYPE/ENTITY declaration ignored: documents are parsed without it%s", "");
        return 1;
    }
    if (!s->enc_checked && s->buf_off == 0) {
        s->enc_checked = 1;
        const char *d = memmem(p, n, "<?xml", 5);
        const char *e = d ? memmem(d, n - (size_t)(d - p), "encoding", 8) : NULL;
        const char *close = d ? memmem(d, n - (size_t)(d - p), "?>", 2) : NULL;
        if (e && close && e < close) {
            const char *q = memchr(e, '"', (size_t)(close - e));
            if (!q)
                q = memchr(e, '\'', (size_t)(close - e));
            if (q && (size_t)(close - q) > 6 && strncasecmp(q + 1, "utf-8", 5) != 0 &&
                strncasecmp(q + 1, "utf8", 4) != 0) {
                char enc[32];
                size_t k = 0;
                while (k + 1 < sizeof enc && q + 1 + k < close && q[1 + k] != '"' && q[1 + k] != '\'')
                    k++;
                memcpy(enc, q + 1, k);
                enc[k] = '\0';
                reject(rej, PM_ERR_UTF8, 0, "", "declared encoding %s is not supported: convert to UTF-8", enc);
                return 1;
            }
        }
    }
    return 0;
}

static pm_status split_next(void *state, pm_gz *in, pm_raw *raw, pm_reject *rej,
                            pm_split_result *res)
{
    split *s = state;
    if (s->consume) {
        drop(s, s->consume);
        s->consume = 0;
    }
    for (;;) {
        if (s->gz_err != PM_OK) {
            /* Good bytes before the damage are all buffered; a document cut by it is lost. */
            char id[128] = "";
            uint64_t off = s->buf_off + SL(s);
            if (s->in_doc) {
                start_tag_id(SB(s) + s->doc_start, SL(s) - s->doc_start, id, sizeof id);
                off = s->buf_off + s->doc_start;
                drop(s, s->doc_start);
                s->in_doc = 0;
                drop(s, SL(s));
            } else if (s->skipping) {
                s->skipping = 0;
            }
            char detail[120];
            /* A CRC/length mismatch is found after the member's data was passed on (members
             * are streamed): its documents were read, but may be damaged. */
            snprintf(detail, sizeof detail,
                     s->gz_err == PM_ERR_GZ_CRC
                         ? "at compressed offset %llu; member data read but fails its CRC32/length check"
                         : "at compressed offset %llu; data up to the next member lost",
                     (unsigned long long)s->gz_err_off);
            reject(rej, s->gz_err, off, id, "%s", detail);
            s->gz_err = PM_OK;
            /* whatever partial text is buffered cannot be trusted to join the next member */
            if (!s->in_doc)
                drop(s, SL(s));
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        if (s->skipping) {
            /* Oversized document: look for its end or the next start, buffering nothing. */
            const char *end = memmem(SB(s) + s->scan, SL(s) - s->scan, "</doc>", 6);
            const char *next = find_doc(s, s->scan);
            if (end && (!next || end < next)) {
                drop(s, (size_t)(end - SB(s)) + 6);
                s->scan = 0;
                s->skipping = 0;
                continue;
            }
            if (next) {
                drop(s, (size_t)(next - SB(s)));
                s->scan = 0;
                s->skipping = 0;
                continue;
            }
            if (s->eof) {
                *res = PM_SPLIT_END;
                return PM_OK;
            }
            if (SL(s) > KEEP_TAIL)
                drop(s, SL(s) - KEEP_TAIL);
            s->scan = 0;
            pm_status st = more(s, in);
            if (st != PM_OK)
                return st;
            continue;
        }
        if (!s->in_doc) {
            const char *d = find_doc(s, s->scan);
            size_t upto = d ? (size_t)(d - SB(s)) : SL(s);
            if (check_prolog(s, upto, rej)) {
                *res = PM_SPLIT_REJECT;
                return PM_OK;
            }
            if (d) {
                drop(s, upto);
                s->in_doc = 1;
                s->doc_start = 0;
                s->scan = 4;
                continue;
            }
            if (s->eof) {
                if (s->ndocs == 0 && !s->dtd_reported) {
                    reject(rej, s->total ? PM_ERR_NOT_CORPUS : PM_ERR_EMPTY, 0, "",
                           s->total ? "no <doc> element found%s" : "no bytes%s", "");
                    s->ndocs = 1; /* report once */
                    *res = PM_SPLIT_REJECT;
                    return PM_OK;
                }
                *res = PM_SPLIT_END;
                return PM_OK;
            }
            if (SL(s) > KEEP_TAIL) {
                s->scan = SL(s) - KEEP_TAIL;
                drop(s, s->scan);
            }
            pm_status st = more(s, in);
            if (st != PM_OK)
                return st;
            continue;
        }
        /* inside a document: find its end, or a new start that proves it unclosed */
        const char *base = SB(s);
        const char *gt = memchr(base + s->doc_start, '>', SL(s) - s->doc_start);
        const char *end, *next_start = NULL;
        size_t end_len = 6;
        if (gt && gt[-1] == '/') { /* <doc id="x"/>: an empty document */
            end = gt - 1;
            end_len = 2;
        } else {
            /* one pass over the document: stop at the first "</doc>" or "<doc" */
            end = NULL;
            next_start = NULL;
            const char *q = base + s->scan, *lim = base + SL(s);
            while ((q = memchr(q, '<', (size_t)(lim - q))) != NULL) {
                if (lim - q < 6)
                    break; /* undecided until more bytes arrive */
                if (q[1] == '/' && memcmp(q, "</doc>", 6) == 0) {
                    end = q;
                    break;
                }
                if (is_doc_tag(q, lim)) {
                    next_start = q;
                    break;
                }
                q++;
            }
        }
        const char *next = next_start;
        if (next && (!end || next < end)) {
            char id[128];
            start_tag_id(base + s->doc_start, (size_t)(next - base) - s->doc_start, id, sizeof id);
            reject(rej, PM_ERR_XML, s->buf_off + s->doc_start, id,
                   "<doc> not closed before the next <doc>%s", "");
            drop(s, (size_t)(next - base));
            s->doc_start = 0;
            s->scan = 4;
            s->ndocs++;
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        if (end) {
            size_t stop = (size_t)(end - base) + end_len;
            s->in_doc = 0;
            s->ndocs++;
            if (s->lim.max_docs_per_file && s->ndocs > s->lim.max_docs_per_file) {
                char id[128];
                start_tag_id(base + s->doc_start, stop - s->doc_start, id, sizeof id);
                reject(rej, PM_ERR_TOO_MANY_DOCS, s->buf_off + s->doc_start, id,
                       "beyond --max-docs-per-file%s", "");
                s->consume = stop;
                *res = PM_SPLIT_REJECT;
                return PM_OK;
            }
            if (stop - s->doc_start > s->lim.max_doc_bytes) {
                char id[128];
                start_tag_id(base + s->doc_start, stop - s->doc_start, id, sizeof id);
                reject(rej, PM_ERR_DOC_TOO_BIG, s->buf_off + s->doc_start, id,
                       "larger than --max-doc-bytes%s", "");
                s->consume = stop;
                *res = PM_SPLIT_REJECT;
                return PM_OK;
            }
            raw->p = base + s->doc_start;
            raw->len = stop - s->doc_start;
            raw->offset = s->buf_off + s->doc_start;
            s->consume = stop;
            s->scan = stop;
            *res = PM_SPLIT_RECORD;
            return PM_OK;
        }
        if (SL(s) - s->doc_start > s->lim.max_doc_bytes) {
            char id[128];
            start_tag_id(base + s->doc_start, SL(s) - s->doc_start, id, sizeof id);
            reject(rej, PM_ERR_DOC_TOO_BIG, s->buf_off + s->doc_start, id,
                   "larger than --max-doc-bytes; skipped without buffering%s", "");
            s->in_doc = 0;
            s->skipping = 1;
            s->ndocs++;
            size_t keep = SL(s) > KEEP_TAIL ? SL(s) - KEEP_TAIL : 0;
            drop(s, keep);
            s->scan = 0;
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        if (s->eof) {
            char id[128];
            start_tag_id(base + s->doc_start, SL(s) - s->doc_start, id, sizeof id);
            reject(rej, PM_ERR_TRUNCATED_DOC, s->buf_off + s->doc_start, id,
                   "input ends inside the document%s", "");
            s->in_doc = 0;
            s->ndocs++;
            drop(s, SL(s));
            *res = PM_SPLIT_REJECT;
            return PM_OK;
        }
        s->scan = SL(s) > s->doc_start + 8 ? SL(s) - 8 : s->doc_start + 4;
        pm_status st = more(s, in);
        if (st != PM_OK)
            return st;
    }
}

/* ---- parsing ------------------------------------------------------------------------- */

typedef struct parser {
    xmlParserCtxtPtr ctxt;
    pm_buf arena;
    pm_buf shell;   /* the document with its plain-text body taken out (fast path) */
    pm_limits lim;
    unsigned char stop[256]; /* text bytes the tokenizer must look at (see tk_text) */
    unsigned char look[256]; /* three-byte leads that cjk3_bad must check: E0, ED, EF */
    int avx2;                /* the CPU has AVX2: CJK runs 32 characters a step */
    /* start tags with attributes taken lately (<p style="…">, <span class="…">), one per
     * slot by the name's first letter: the same bytes again parse the same way, so they
     * are compared, not parsed (a tag read for a wanted attribute never comes from here) */
    struct {
        char b[64];
        size_t len, nlen;
        int empty;
    } memo[4];
} parser;

static pm_status parse_create(void **scratch, const pm_limits *lim)
{
    parser *p = calloc(1, sizeof *p);
    if (!p)
        return PM_ERR_NOMEM;
    p->ctxt = xmlNewParserCtxt();
    if (!p->ctxt) {
        free(p);
        return PM_ERR_NOMEM;
    }
    p->lim = *lim;
    for (unsigned c = 0; c < 0x20; c++)
        p->stop[c] = 1; /* controls and CR; tab and LF are let through in tk_text */
    for (unsigned c = 0x80; c < 0x100; c++)
        p->stop[c] = 1; /* checked as UTF-8 in the same pass */
    p->stop['<'] = p->stop['&'] = p->stop[']'] = 1;
    p->look[0xE0] = p->look[0xED] = p->look[0xEF] = 1;
#ifdef PM_XML_HAVE_AVX2
    p->avx2 = __builtin_cpu_supports("avx2");
#endif
    pm_buf_init(&p->arena, (size_t)lim->max_doc_bytes + 4096);
    pm_buf_init(&p->shell, (size_t)lim->max_doc_bytes + 4096);
    *scratch = p;
    return PM_OK;
}

static void parse_free(void *scratch)
{
    parser *p = scratch;
    if (!p)
        return;
    xmlFreeParserCtxt(p->ctxt);
    pm_buf_free(&p->arena);
    pm_buf_free(&p->shell);
    free(p);
}

typedef struct span {
    size_t off, len;
    int set;
} span;

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Copies text into the arena (trimmed unless keep_ws), recording offset and length. */
static pm_status keep(parser *p, span *sp, const char *t, int keep_ws)
{
    size_t n = strlen(t);
    if (!keep_ws) {
        while (n && is_ws(*t)) {
            t++;
            n--;
        }
        while (n && is_ws(t[n - 1]))
            n--;
    }
    sp->off = p->arena.len;
    sp->len = n;
    sp->set = 1;
    pm_status st = pm_buf_append(&p->arena, t, n);
    if (st == PM_OK)
        st = pm_buf_append_char(&p->arena, '\0');
    return st;
}

/* A DOCTYPE or ENTITY declaration anywhere in the slice (one pass: '<' is rare in text). */
static int has_declaration(const char *p, size_t n)
{
    const char *q = p, *lim = p + n;
    while ((q = memchr(q, '<', (size_t)(lim - q))) != NULL) {
        if (lim - q >= 9 && memcmp(q, "<!DOCTYPE", 9) == 0)
            return 1;
        if (lim - q >= 8 && memcmp(q, "<!ENTITY", 8) == 0)
            return 1;
        q++;
    }
    return 0;
}

static const char *find(const char *h, size_t n, const char *needle)
{
    return memmem(h, n, needle, strlen(needle));
}

/* Most bodies are plain text: no markup, no entity, no CR, nothing XML 1.0 forbids. Such a
 * body's text is its bytes, so libxml2 need not decode it character by character (the
 * largest cost of parsing); it parses the rest of the document with the body emptied.
 * Taken only when the answer is certainly the same as the full parse: the document has
 * exactly one "<body" and it is a bare "<body>" tag, no comment, CDATA section or processing instruction that
 * could hide one, and the body holds no byte that libxml2 would treat specially (its
 * valid UTF-8 was checked before). Sets [*bs, *be) to the body text, or returns 0. */
static int plain_body(const char *d, size_t n, const char **bs, const char **be)
{
    const char *lim = d + n, *o = find(d, n, "<body");
    if (!o || o[5] != '>' || find(o + 5, (size_t)(lim - o - 5), "<body") || find(d, n, "<!--") ||
        find(d, n, "<![CDATA[") || find(d + 1, n - 1, "<?"))
        return 0;
    const char *s = o + 6, *e = find(s, (size_t)(lim - s), "</body>");
    if (!e)
        return 0;
    for (const unsigned char *q = (const unsigned char *)s; q < (const unsigned char *)e; q++) {
        unsigned c = *q;
        if (c < 0x20 ? c != '\t' && c != '\n' : c == '<' || c == '&')
            return 0; /* markup, an entity, CR (normalised by XML) or a forbidden control */
        if (c == ']' && e - (const char *)q >= 3 && q[1] == ']' && q[2] == '>')
            return 0; /* "]]>" is an error in text */
        if (c == 0xEF && e - (const char *)q >= 3 && q[1] == 0xBF && (q[2] == 0xBE || q[2] == 0xBF))
            return 0; /* U+FFFE, U+FFFF are not XML characters */
    }
    *bs = s;
    *be = e;
    return 1;
}

/* ---- the fast tokenizer -------------------------------------------------------------- */

enum { F_ID, F_TITLE, F_ISSUER, F_DOCNO, F_DATE, F_REGION, F_URL, F_PART_OF, F_BODY, F_N };
static const char *const FIELD_NAMES[F_N] = {"", "title", "issuer", "docno", "date", "region", "url",
                                             "part_of", "body"};

#define TK_MAX_DEPTH 256 /* deeper documents go to libxml2 (its own limits then apply) */
#define TK_MAX_ATTRS 32

typedef struct tk {
    parser *p;
    const char *q, *lim;
    span *f;
    int cap;         /* field whose text is being collected, or -1 */
} tk;

/* ASCII letters and '_' (bits 64..127 of the ASCII table), and '-' '.' and digits (bits
 * 0..63): one shift and mask per character instead of a chain of range tests. */
#define TK_LETTERS 0x07FFFFFE87FFFFFEull /* A-Z _ a-z, as c - 64 */
#define TK_NAME_LO 0x03FF600000000000ull /* - . 0-9 */

static int tk_name_start(unsigned char c)
{
    return c >= 64 && c < 128 && (TK_LETTERS >> (c - 64) & 1);
}

static int tk_name_char(unsigned char c)
{
    return c < 64 ? (int)(TK_NAME_LO >> c & 1) : c < 128 && (TK_LETTERS >> (c - 64) & 1);
}

/* An ASCII name without ':' at q; returns its length, 0 when the tokenizer does not take it
 * (empty, a namespace prefix, a non-ASCII name character). */
static inline size_t tk_name(const char *q, const char *lim)
{
    if (q >= lim || !tk_name_start((unsigned char)*q))
        return 0;
    size_t n = 1;
    while (q + n < lim && tk_name_char((unsigned char)q[n]))
        n++;
    if (q + n < lim && (q[n] == ':' || (unsigned char)q[n] >= 0x80))
        return 0;
    return n;
}

/* Bytes of [s, e) that are XML characters libxml2 passes through unchanged: valid UTF-8,
 * no control but tab and LF (CR is normalised, so it goes to libxml2), not U+FFFE / U+FFFF. */
static int tk_plain_chars(const char *s, const char *e)
{
    if (!pm_utf8_valid(s, (size_t)(e - s), NULL))
        return 0;
    for (const unsigned char *u = (const unsigned char *)s; u < (const unsigned char *)e; u++) {
        if (*u < 0x20 && *u != '\t' && *u != '\n')
            return 0;
        if (*u == 0xEF && e - (const char *)u >= 3 && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF))
            return 0;
    }
    return 1;
}

/* 1 when [s, e) is printable ASCII (0x20..0x7F) without '<' or '&': an attribute value
 * (style="text-indent:2em;") taken as it is. Eight bytes a step: a byte >= 0x80, < 0x20,
 * or equal to '<' or '&' shows in the word's flags (exact for "any byte"). */
static int tk_attr_ascii(const char *s, const char *e)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    for (; e - s >= 8; s += 8) {
        uint64_t x;
        memcpy(&x, s, 8);
        uint64_t lt = x ^ (ones * '<'), amp = x ^ (ones * '&');
        if ((x | ((x - ones * 0x20) & ~x) | ((lt - ones) & ~lt) | ((amp - ones) & ~amp)) & high)
            return 0;
    }
    for (; s < e; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x80 || c == '<' || c == '&')
            return 0;
    }
    return 1;
}

static int tk_emit(tk *t, const char *s, size_t n)
{
    if (t->cap < 0)
        return 1;
    pm_buf *a = &t->p->arena;
    if (n <= a->max && a->len <= a->max - n && a->len + n < a->cap) { /* room: no call */
        memcpy(a->data + a->len, s, n);
        a->len += n;
        a->data[a->len] = '\0';
        return 1;
    }
    return pm_buf_append(a, s, n) == PM_OK;
}

static void tk_field_open(tk *t, int k)
{
    t->cap = k;
    t->f[k].off = t->p->arena.len;
    t->f[k].set = 1;
}

/* Ends field k's text: trimmed like keep() (the body keeps its whitespace), NUL after. */
static int tk_field_close(tk *t, int k)
{
    pm_buf *a = &t->p->arena;
    size_t s = t->f[k].off, e = a->len;
    if (k != F_BODY) {
        size_t b = s;
        while (b < e && is_ws(a->data[b]))
            b++;
        while (e > b && is_ws(a->data[e - 1]))
            e--;
        if (b > s && e > b) /* (an empty arena has no data yet) */
            memmove(a->data + s, a->data + b, e - b);
        e = s + (e - b);
        a->len = e;
    }
    t->f[k].len = e - s;
    t->cap = -1;
    return pm_buf_append_char(a, '\0') == PM_OK;
}

/* A reference at t->q ('&'): the five built-ins and character references. */
static int tk_ref(tk *t)
{
    const char *q = t->q + 1, *lim = t->lim;
    static const struct { const char *name; size_t n; char c; } builtin[] = {
        {"lt;", 3, '<'}, {"gt;", 3, '>'}, {"amp;", 4, '&'}, {"quot;", 5, '"'}, {"apos;", 5, '\''}};
    if (q < lim && *q != '#') {
        for (size_t i = 0; i < 5; i++)
            if ((size_t)(lim - q) >= builtin[i].n && memcmp(q, builtin[i].name, builtin[i].n) == 0) {
                t->q = q + builtin[i].n;
                return tk_emit(t, &builtin[i].c, 1);
            }
        return 0;
    }
    q++;
    int hex = q < lim && *q == 'x';
    q += hex;
    uint32_t v = 0;
    size_t nd = 0;
    for (; q < lim && *q != ';'; q++, nd++) {
        unsigned c = (unsigned char)*q, d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        if (nd >= 7)
            return 0;
        v = v * (hex ? 16 : 10) + d;
    }
    if (q >= lim || nd == 0)
        return 0;
    if (!(v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
          (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF)))
        return 0;
    char u[4];
    size_t un;
    if (v < 0x80) {
        u[0] = (char)v;
        un = 1;
    } else if (v < 0x800) {
        u[0] = (char)(0xC0 | (v >> 6));
        u[1] = (char)(0x80 | (v & 0x3F));
        un = 2;
    } else if (v < 0x10000) {
        u[0] = (char)(0xE0 | (v >> 12));
        u[1] = (char)(0x80 | ((v >> 6) & 0x3F));
        u[2] = (char)(0x80 | (v & 0x3F));
        un = 3;
    } else {
        u[0] = (char)(0xF0 | (v >> 18));
        u[1] = (char)(0x80 | ((v >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((v >> 6) & 0x3F));
        u[3] = (char)(0x80 | (v & 0x3F));
        un = 4;
    }
    t->q = q + 1;
    return tk_emit(t, u, un);
}

/* Eight bytes at u as a little-endian word, whatever the host (compilers make it one load). */
static uint64_t load64le(const unsigned char *u)
{
    return (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 | (uint64_t)u[3] << 24 |
           (uint64_t)u[4] << 32 | (uint64_t)u[5] << 40 | (uint64_t)u[6] << 48 | (uint64_t)u[7] << 56;
}

/* A three-byte sequence (lead 1110xxxx, two continuation bytes) that is overlong, a
 * surrogate, or U+FFFE / U+FFFF: invalid, or no XML character. */
static int cjk3_bad(const unsigned char *u)
{
    return (u[0] == 0xE0 && u[1] < 0xA0) || (u[0] == 0xED && u[1] > 0x9F) ||
           (u[0] == 0xEF && u[1] == 0xBF && u[2] >= 0xBE);
}

#ifdef PM_XML_HAVE_AVX2
/* Per byte of 96 (32 three-byte characters, three AVX2 steps): the mask and value of a
 * lead (1110xxxx) or a continuation byte (10xxxxxx), and which bytes are leads. */
#define L3(x, y) x, y, y
#define L3x32(x, y)                                                                             \
    L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y),   \
        L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y),         \
        L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y),         \
        L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y), L3(x, y)
static const uint8_t cjk96_mask[96] = {L3x32(0xF0, 0xC0)};
static const uint8_t cjk96_want[96] = {L3x32(0xE0, 0x80)};
static const uint8_t cjk96_lead[96] = {L3x32(0xFF, 0x00)};
#undef L3x32
#undef L3

/* How many bytes from u on (u[0..n), n >= 33) are whole three-byte sequences that cjk3_bad
 * need not look at (no lead E0 or ED, no EF BF): what the eight-byte steps below accept
 * without a closer look; a multiple of 3. 32 bytes a step while 33 are left (the byte
 * after each step is read too), the lead / continuation pattern repeating every 96. */
__attribute__((target("avx2"))) static size_t cjk_plain_avx2(const unsigned char *u, size_t n)
{
    const __m256i e0 = _mm256_set1_epi8((char)0xE0), ed = _mm256_set1_epi8((char)0xED);
    const __m256i ef = _mm256_set1_epi8((char)0xEF), bf = _mm256_set1_epi8((char)0xBF);
    size_t done = 0;
    for (unsigned r = 0; n - done >= 33; r = r == 2 ? 0 : r + 1, done += 32) {
        /* the batch's raw bytes are cold by now (see the steps of two below) */
        __builtin_prefetch(u + done + 1024);
        __m256i v = _mm256_loadu_si256((const __m256i *)(u + done));
        __m256i nx = _mm256_loadu_si256((const __m256i *)(u + done + 1));
        __m256i m = _mm256_loadu_si256((const __m256i *)(cjk96_mask + 32 * r));
        __m256i w = _mm256_loadu_si256((const __m256i *)(cjk96_want + 32 * r));
        __m256i ld = _mm256_loadu_si256((const __m256i *)(cjk96_lead + 32 * r));
        __m256i shape = _mm256_cmpeq_epi8(_mm256_and_si256(v, m), w);
        __m256i odd = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, e0), _mm256_cmpeq_epi8(v, ed)),
            _mm256_and_si256(_mm256_cmpeq_epi8(v, ef), _mm256_cmpeq_epi8(nx, bf)));
        uint32_t ok = (uint32_t)_mm256_movemask_epi8(_mm256_andnot_si256(_mm256_and_si256(odd, ld), shape));
        if (ok != 0xFFFFFFFFu)
            return (done + (size_t)__builtin_ctz(~ok)) / 3 * 3;
    }
    return done / 3 * 3;
}
#endif

/* Character data up to the next '<' (references decoded). Runs of bytes that need no
 * look are copied in one piece; t->p->stop marks the ones that do. */
static int tk_text(tk *t)
{
    const unsigned char *stop = t->p->stop;
    const char *q = t->q, *lim = t->lim, *run = q;
    for (;;) {
        while (q < lim && !stop[(unsigned char)*q])
            q++;
        if (q >= lim || *q == '<' || *q == '&') {
            if (q > run && !tk_emit(t, run, (size_t)(q - run)))
                return 0;
            t->q = q;
            if (q >= lim || *q == '<')
                return 1;
            if (!tk_ref(t))
                return 0;
            q = run = t->q;
            continue;
        }
        const unsigned char *u = (const unsigned char *)q;
        if ((u[0] & 0xF0) == 0xE0) { /* most of a CJK text: a run of three-byte characters */
            const unsigned char *ul = (const unsigned char *)lim;
            const unsigned char *look = t->p->look;
            /* two characters a step while eight bytes can be read: both leads 1110xxxx and
             * all four continuation bytes 10xxxxxx in one masked compare; only the leads
             * E0, ED and EF (fullwidth punctuation: common) need a closer look */
            /* with AVX2, 32 bytes a step while 33 can be read; where it stops (the run
             * ends, or a lead needs a closer look) one step of two goes on */
            for (int more = 1; more && ul - u >= 8;) {
                const unsigned char *upto = ul;
#ifdef PM_XML_HAVE_AVX2
                if (t->p->avx2 && ul - u >= 33) {
                    u += cjk_plain_avx2(u, (size_t)(ul - u));
                    if (ul - u >= 33)
                        upto = u + 6; /* one step of two: it ends the run or looks closer */
                }
#endif
                while (ul - u >= 8 && u < upto) {
                    /* the batch's raw bytes are cold by now (classifying the documents
                     * before evicted them): the loads here stalled on memory, a prefetch
                     * ahead helps */
                    __builtin_prefetch(u + 1024);
                    uint64_t w = load64le(u);
                    if ((w & 0xC0C0F0C0C0F0ull) != 0x8080E08080E0ull) {
                        more = 0;
                        break;
                    }
                    if ((look[w & 0xFF] | look[w >> 24 & 0xFF]) && (cjk3_bad(u) || cjk3_bad(u + 3)))
                        return 0;
                    u += 6;
                }
            }
            while (u < ul && (u[0] & 0xF0) == 0xE0) {
                if (ul - u < 3 || ((u[1] ^ 0x80u) | (u[2] ^ 0x80u)) >= 0x40)
                    return 0; /* invalid (the full path reports where) */
                if (cjk3_bad(u))
                    return 0;
                u += 3;
            }
            q = (const char *)u;
            continue;
        }
        size_t left = (size_t)(lim - q);
        if (u[0] >= 0xC2 && u[0] <= 0xDF) {
            if (left < 2 || (u[1] & 0xC0) != 0x80)
                return 0;
            q += 2;
            continue;
        }
        if (u[0] >= 0xF0 && u[0] <= 0xF4) {
            if (left < 4 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 ||
                (u[3] & 0xC0) != 0x80 || (u[0] == 0xF0 && u[1] < 0x90) || (u[0] == 0xF4 && u[1] > 0x8F))
                return 0;
            q += 4;
            continue;
        }
        if (u[0] >= 0x80)
            return 0; /* a stray continuation byte or an impossible lead */
        if (u[0] == ']') {
            if (left >= 3 && q[1] == ']' && q[2] == '>')
                return 0; /* an error in text */
        } else if (u[0] != '\t' && u[0] != '\n') {
            return 0; /* CR (normalised by XML), NUL or a forbidden control */
        }
        q++;
    }
}

static int tk_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* A start tag at t->q ('<' + name start). Sets *empty for "<x/>", *name / *nlen, and the
 * decoded values of the attributes "id" and "code" when asked for (NULL = not present). */
static int tk_start_tag_parse(tk *t, const char **name, size_t *nlen, int *empty,
                              const char **idv, size_t *idn, const char *want);

/* A start tag at t->q ('<' + name start), as tk_start_tag_parse reads it; a tag with the
 * bytes of the last one taken (without a wanted attribute) is taken the same way. */
static int tk_start_tag(tk *t, const char **name, size_t *nlen, int *empty, const char **idv,
                        size_t *idn, const char *want)
{
    parser *p = t->p;
    const char *q0 = t->q;
    size_t slot = t->lim - q0 > 1 ? (unsigned char)q0[1] & 3 : 0;
    if (!want && p->memo[slot].len && (size_t)(t->lim - q0) >= p->memo[slot].len &&
        memcmp(q0, p->memo[slot].b, p->memo[slot].len) == 0) {
        *name = q0 + 1;
        *nlen = p->memo[slot].nlen;
        *empty = p->memo[slot].empty;
        *idv = NULL;
        t->q = q0 + p->memo[slot].len;
        return 1;
    }
    if (!tk_start_tag_parse(t, name, nlen, empty, idv, idn, want))
        return 0;
    size_t len = (size_t)(t->q - q0);
    if (!want && len <= sizeof p->memo[slot].b && len > *nlen + 3) { /* it had attributes */
        memcpy(p->memo[slot].b, q0, len);
        p->memo[slot].len = len;
        p->memo[slot].nlen = *nlen;
        p->memo[slot].empty = *empty;
    }
    return 1;
}

static int tk_start_tag_parse(tk *t, const char **name, size_t *nlen, int *empty,
                              const char **idv, size_t *idn, const char *want)
{
    const char *q = t->q + 1, *lim = t->lim;
    size_t n = tk_name(q, lim);
    if (!n)
        return 0;
    *name = q;
    *nlen = n;
    q += n;
    *idv = NULL;
    const char *an[TK_MAX_ATTRS];
    size_t anl[TK_MAX_ATTRS], na = 0;
    for (;;) {
        int sp = 0;
        while (q < lim && tk_ws((unsigned char)*q)) {
            q++;
            sp = 1;
        }
        if (q >= lim)
            return 0;
        if (*q == '>') {
            *empty = 0;
            t->q = q + 1;
            return 1;
        }
        if (*q == '/') {
            if (q + 1 >= lim || q[1] != '>')
                return 0;
            *empty = 1;
            t->q = q + 2;
            return 1;
        }
        if (!sp)
            return 0; /* attributes are separated by whitespace */
        size_t a = tk_name(q, lim);
        if (!a || na == TK_MAX_ATTRS || (a >= 5 && memcmp(q, "xmlns", 5) == 0))
            return 0;
        for (size_t i = 0; i < na; i++)
            if (anl[i] == a && memcmp(an[i], q, a) == 0)
                return 0; /* a repeated attribute is an error */
        an[na] = q;
        anl[na++] = a;
        const char *aname = q;
        q += a;
        while (q < lim && tk_ws((unsigned char)*q))
            q++;
        if (q >= lim || *q != '=')
            return 0;
        q++;
        while (q < lim && tk_ws((unsigned char)*q))
            q++;
        if (q >= lim || (*q != '"' && *q != '\''))
            return 0;
        const char *v = q + 1, *ve = memchr(v, *q, (size_t)(lim - v));
        if (!ve)
            return 0;
        if (!tk_attr_ascii(v, ve)) { /* else nothing below can refuse it */
            for (const char *z = v; z < ve; z++)
                if (*z == '<' || *z == '&' || *z == '\t' || *z == '\n')
                    return 0; /* an error, or a value libxml2 would rewrite */
            if (!tk_plain_chars(v, ve))
                return 0;
        }
        if (want && a == strlen(want) && memcmp(aname, want, a) == 0) {
            *idv = v;
            *idn = (size_t)(ve - v);
        }
        q = ve + 1;
    }
}

/* Decodes the document at [d, d+n) into p->arena and f. 1 = done, exactly as libxml2 would
 * have it: every byte valid UTF-8 (text is checked in the same pass, the rest piecewise at
 * ASCII boundaries), and no DOCTYPE/ENTITY declaration anywhere in the bytes (the only
 * places '<' can hide in an accepted document are comments and CDATA, checked there);
 * 0 = not taken (the full path decides and words any reject). f and the arena are garbage
 * after 0. */
static int fast_parse(parser *p, const char *d, size_t n, span f[F_N])
{
    tk t = {p, d, d + n, f, -1};
    const char *sname[TK_MAX_DEPTH];
    size_t slen[TK_MAX_DEPTH];
    int depth = 0, cap_depth = -1;
    pm_buf_reset(&p->arena);
    memset(f, 0, F_N * sizeof *f);
    /* the root: <doc ...> */
    {
        const char *name, *idv;
        size_t nl, idn = 0;
        int empty;
        if (n < 5 || d[0] != '<' || !tk_start_tag(&t, &name, &nl, &empty, &idv, &idn, "id"))
            return 0;
        if (nl != 3 || memcmp(name, "doc", 3) != 0)
            return 0;
        if (idv) {
            tk_field_open(&t, F_ID);
            if (!tk_emit(&t, idv, idn) || !tk_field_close(&t, F_ID))
                return 0;
        }
        if (empty)
            return t.q == t.lim;
        sname[0] = name;
        slen[0] = nl;
        depth = 1;
    }
    while (depth > 0) {
        if (!tk_text(&t))
            return 0;
        const char *q = t.q, *lim = t.lim;
        if (q >= lim)
            return 0; /* unclosed */
        if (q + 1 < lim && q[1] == '/') { /* end tag */
            size_t nl = tk_name(q + 2, lim);
            if (!nl || nl != slen[depth - 1] || memcmp(q + 2, sname[depth - 1], nl) != 0)
                return 0;
            q += 2 + nl;
            while (q < lim && tk_ws((unsigned char)*q))
                q++;
            if (q >= lim || *q != '>')
                return 0;
            t.q = q + 1;
            depth--;
            if (depth == cap_depth) {
                if (!tk_field_close(&t, t.cap))
                    return 0;
                cap_depth = -1;
            }
            continue;
        }
        if (lim - q >= 4 && memcmp(q, "<!--", 4) == 0) {
            const char *c = q + 4, *e = memmem(c, (size_t)(lim - c), "--", 2);
            if (!e || e + 2 >= lim || e[2] != '>' || !tk_plain_chars(c, e) ||
                has_declaration(c, (size_t)(e - c)))
                return 0;
            t.q = e + 3;
            continue;
        }
        if (lim - q >= 9 && memcmp(q, "<![CDATA[", 9) == 0) {
            const char *c = q + 9, *e = memmem(c, (size_t)(lim - c), "]]>", 3);
            if (!e || !tk_plain_chars(c, e) || has_declaration(c, (size_t)(e - c)) ||
                !tk_emit(&t, c, (size_t)(e - c)))
                return 0;
            t.q = e + 3;
            continue;
        }
        /* a start tag, or something the tokenizer leaves to libxml2 ("<?", "<!x") */
        const char *name, *attr;
        size_t nl, an = 0;
        int empty;
        int k = -1;
        if (depth == 1 && cap_depth < 0) { /* a field of the document? the first one counts */
            size_t n0 = tk_name(q + 1, lim);
            for (int i = 1; n0 && i < F_N; i++)
                if (!f[i].set && strlen(FIELD_NAMES[i]) == n0 && memcmp(q + 1, FIELD_NAMES[i], n0) == 0)
                    k = i;
        }
        if (!tk_start_tag(&t, &name, &nl, &empty, &attr, &an, k == F_REGION ? "code" : NULL))
            return 0;
        if (k == F_REGION && attr) { /* <region code="…">: the attribute, not the text */
            tk_field_open(&t, k);
            if (!tk_emit(&t, attr, an) || !tk_field_close(&t, k))
                return 0;
            k = -1;
        }
        if (empty) {
            if (k >= 0) {
                tk_field_open(&t, k);
                if (!tk_field_close(&t, k))
                    return 0;
            }
            continue;
        }
        if (depth == TK_MAX_DEPTH)
            return 0;
        sname[depth] = name;
        slen[depth] = nl;
        depth++;
        if (k >= 0) {
            tk_field_open(&t, k);
            cap_depth = 1;
        }
    }
    return t.q == t.lim; /* nothing may follow the root */
}

/* The checks after a parse, whichever way it went, and the fields into *doc. */
static pm_status fields_out(parser *p, const pm_raw *raw, const span f[F_N], int root_is_doc,
                            pm_doc *doc, pm_reject *rej)
{
    if (!root_is_doc) {
        reject(rej, PM_ERR_XML, raw->offset, "", "root element is not <doc>%s", "");
        return PM_ERR_XML;
    }
    if (!f[F_ID].set || f[F_ID].len == 0) {
        reject(rej, PM_ERR_NO_ID, raw->offset, "", "<doc> has no id attribute%s", "");
        return PM_ERR_NO_ID;
    }
    pm_str *out[F_N] = {&doc->id, &doc->title, &doc->issuer, &doc->docno, &doc->date,
                        &doc->region_code, &doc->url, &doc->part_of, &doc->body};
    for (int k = 0; k < F_N; k++)
        if (f[k].set) {
            out[k]->p = p->arena.data + f[k].off;
            out[k]->len = f[k].len;
        }
    return PM_OK;
}

static pm_status parse(void *scratch, const pm_raw *raw, pm_doc *doc, pm_reject *rej)
{
    parser *p = scratch;
    char id[128];
    memset(doc, 0, sizeof *doc);
    span f[F_N];
    if (!p->lim.xml_reference && raw->len <= INT32_MAX && fast_parse(p, raw->p, raw->len, f))
        return fields_out(p, raw, f, 1, doc, rej);
    size_t bad;
    if (!pm_utf8_valid(raw->p, raw->len, &bad)) {
        start_tag_id(raw->p, raw->len, id, sizeof id);
        char d[64];
        snprintf(d, sizeof d, "%s at byte %zu of the document",
                 raw->p[bad] == 0 ? "NUL byte" : "invalid sequence", bad);
        reject(rej, PM_ERR_UTF8, raw->offset, id, "%s", d);
        return PM_ERR_UTF8;
    }
    if (has_declaration(raw->p, raw->len)) {
        start_tag_id(raw->p, raw->len, id, sizeof id);
        reject(rej, PM_ERR_XML_DTD, raw->offset, id, "DTD inside a document refused%s", "");
        return PM_ERR_XML_DTD;
    }
    if (raw->len > INT32_MAX) {
        reject(rej, PM_ERR_DOC_TOO_BIG, raw->offset, "", "document too large for the parser%s", "");
        return PM_ERR_DOC_TOO_BIG;
    }
    const char *bs = NULL, *be = NULL, *src = raw->p;
    size_t srclen = raw->len;
    if (plain_body(raw->p, raw->len, &bs, &be)) {
        pm_buf_reset(&p->shell);
        pm_status sst = pm_buf_append(&p->shell, raw->p, (size_t)(bs - raw->p));
        if (sst == PM_OK)
            sst = pm_buf_append(&p->shell, be, (size_t)(raw->p + raw->len - be));
        if (sst == PM_OK) {
            src = p->shell.data;
            srclen = p->shell.len;
        } else {
            bs = be = NULL;
        }
    }
    xmlCtxtReset(p->ctxt);
    xmlDocPtr x = xmlCtxtReadMemory(p->ctxt, src, (int)srclen, NULL, "UTF-8",
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                        XML_PARSE_NOCDATA | XML_PARSE_HUGE);
    if (!x) {
        start_tag_id(raw->p, raw->len, id, sizeof id);
        const xmlError *e = xmlCtxtGetLastError(p->ctxt);
        char d[160];
        snprintf(d, sizeof d, "line %d: %s", e ? e->line : 0, e && e->message ? e->message : "parse error");
        size_t dl = strlen(d);
        while (dl && (d[dl - 1] == '\n' || d[dl - 1] == ' '))
            d[--dl] = '\0';
        reject(rej, PM_ERR_XML, raw->offset, id, "%s", d);
        return PM_ERR_XML;
    }
    pm_status st = PM_OK;
    xmlNodePtr root = xmlDocGetRootElement(x);
    memset(f, 0, sizeof f);
    pm_buf_reset(&p->arena);
    xmlChar *idv = root ? xmlGetProp(root, (const xmlChar *)"id") : NULL;
    if (idv) {
        st = keep(p, &f[F_ID], (const char *)idv, 0);
        xmlFree(idv);
    }
    for (xmlNodePtr c = root ? root->children : NULL; st == PM_OK && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (int k = 1; k < F_N; k++) {
            if (f[k].set || strcmp((const char *)c->name, FIELD_NAMES[k]) != 0)
                continue;
            if (k == F_BODY && bs) { /* the emptied body: its text is the bytes taken out */
                f[k].off = p->arena.len;
                f[k].len = (size_t)(be - bs);
                f[k].set = 1;
                st = pm_buf_append(&p->arena, bs, f[k].len);
                if (st == PM_OK)
                    st = pm_buf_append_char(&p->arena, '\0');
                break;
            }
            xmlChar *v = NULL;
            if (k == F_REGION)
                v = xmlGetProp(c, (const xmlChar *)"code");
            if (!v)
                v = xmlNodeGetContent(c);
            if (!v) {
                st = PM_ERR_NOMEM;
                break;
            }
            st = keep(p, &f[k], (const char *)v, k == F_BODY);
            xmlFree(v);
            break;
        }
    }
    int root_is_doc = root && strcmp((const char *)root->name, "doc") == 0;
    xmlFreeDoc(x);
    if (st == PM_ERR_TOO_BIG) {
        reject(rej, PM_ERR_DOC_TOO_BIG, raw->offset, "", "document text exceeds the cap%s", "");
        return PM_ERR_DOC_TOO_BIG;
    }
    if (st != PM_OK)
        return st;
    return fields_out(p, raw, f, root_is_doc, doc, rej);
}

const pm_format pm_format_corpus_xml = {
    .name = "corpus-xml",
    .sniff = xml_sniff,
    .split_create = split_create,
    .split_next = split_next,
    .split_free = split_free,
    .parse_create = parse_create,
    .parse = parse,
    .parse_free = parse_free,
};
