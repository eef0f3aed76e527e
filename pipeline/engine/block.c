/* engine/block.c - the stored form of what input files contribute: framed, checksummed
 * blocks of varint-coded items, used by shard parts (part.pmb) and the refresh state
 * (one file per input). Reading never trusts the bytes: every length is checked
 * against what remains, every block against its checksum, and a truncated stream is
 * told apart from a finished one by its end block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/hash.h"
#include "engine_internal.h"

#define BLK_SEED 0x706d626c6b31ull /* "pmblk1" */

/* ---- writing ------------------------------------------------------------------------- */

/* Appends n <= 10 bytes after one reserve, without a call per field: a checkpoint and a
 * state block are millions of small integers. */
static pm_status put_small(pm_buf *b, const unsigned char *tmp, size_t n)
{
    pm_status st = pm_buf_reserve(b, n);
    if (st != PM_OK)
        return st;
    unsigned char *w = (unsigned char *)b->data + b->len;
    for (size_t i = 0; i < n; i++)
        w[i] = tmp[i];
    b->len += n;
    b->data[b->len] = '\0';
    return PM_OK;
}

static pm_status put_u(pm_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        tmp[n++] = c | (v ? 0x80 : 0);
    } while (v);
    return put_small(b, tmp, n);
}

static pm_status put_s(pm_buf *b, int64_t v)
{
    return put_u(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); /* zigzag */
}

static pm_status put_u64(pm_buf *b, uint64_t v)
{
    unsigned char tmp[8];
    for (int i = 0; i < 8; i++)
        tmp[i] = (unsigned char)(v >> (8 * i));
    return put_small(b, tmp, 8);
}

static pm_status put_str(pm_buf *b, const char *s, size_t n)
{
    pm_status st = put_u(b, n);
    return st == PM_OK && n ? pm_buf_append(b, s, n) : st;
}

#define TRY(x) do { if ((st = (x)) != PM_OK) return st; } while (0)

/* Frames payload bytes b->data[start..] that were appended after a 12-byte gap. */
static pm_status frame_begin(pm_buf *b, const char tag[4], size_t *start)
{
    pm_status st;
    TRY(pm_buf_append(b, tag, 4));
    TRY(put_u64(b, 0)); /* length, patched by frame_end */
    *start = b->len;
    return PM_OK;
}

static pm_status frame_end(pm_buf *b, size_t start)
{
    uint64_t n = b->len - start;
    for (int i = 0; i < 8; i++)
        b->data[start - 8 + i] = (char)(n >> (8 * i));
    return put_u64(b, pm_hash64(b->data + start, n, BLK_SEED));
}

pm_status pm_blk_header(pm_buf *out, const pm_part_header *h)
{
    pm_status st;
    size_t s;
    TRY(frame_begin(out, "PMPH", &s));
    TRY(put_str(out, h->fingerprint, strlen(h->fingerprint)));
    TRY(put_u64(out, h->listing_hash));
    TRY(put_u(out, h->listing_count));
    TRY(put_u(out, h->shard_count));
    TRY(put_u(out, h->n_shards));
    for (uint32_t i = 0; i < h->n_shards; i++)
        TRY(put_u(out, h->shards[i]));
    TRY(put_u(out, h->limits.max_doc_bytes));
    TRY(put_u(out, h->limits.max_member_bytes));
    TRY(put_u(out, h->limits.max_docs_per_file));
    TRY(put_u(out, h->limits.max_field_bytes));
    TRY(put_u(out, h->dict.match_limit));
    TRY(put_u(out, h->dict.depth_limit));
    TRY(put_u(out, h->dict.jit_stack_max));
    return frame_end(out, s);
}

pm_status pm_blk_end(pm_buf *out, uint64_t n_file_blocks)
{
    pm_status st;
    size_t s;
    TRY(frame_begin(out, "PMPE", &s));
    TRY(put_u(out, n_file_blocks));
    return frame_end(out, s);
}

pm_status pm_blk_items_add(pm_buf *b, const pm_citem *it, size_t ndims)
{
    pm_status st;
    TRY(put_u(b, (uint64_t)it->kind + 1)); /* 0 ends the item list */
    TRY(put_u(b, it->rej.offset));
    TRY(put_u(b, (uint64_t)it->rej.code));
    TRY(put_str(b, it->rej.doc_id, strnlen(it->rej.doc_id, sizeof it->rej.doc_id)));
    TRY(put_str(b, it->rej.detail, strnlen(it->rej.detail, sizeof it->rej.detail)));
    TRY(put_str(b, it->source ? it->source : "", it->source ? strlen(it->source) : 0));
    if (it->kind != PM_CI_DOC)
        return PM_OK;
    TRY(put_u64(b, it->id_hash));
    TRY(put_u64(b, it->content_hash));
    TRY(put_u64(b, it->recrawl_hash));
    TRY(put_s(b, it->year));
    TRY(put_s(b, it->date));
    TRY(put_u(b, (uint64_t)(it->date_invalid != 0)));
    TRY(put_u(b, (uint64_t)it->level));
    TRY(put_u(b, it->region));
    TRY(put_u(b, it->province));
    TRY(put_u(b, it->ncited));
    for (unsigned k = 0; k < it->ncited && k < PM_MAX_CITED; k++)
        TRY(put_u(b, it->cited[k]));
    /* discovered policies (issue 14): count, cut, then source + name per candidate */
    TRY(put_u(b, it->pnames.n));
    TRY(put_u(b, it->pnames.cut));
    for (unsigned k = 0; k < it->pnames.n && k < PM_MAX_PNAMES; k++) {
        TRY(put_u(b, it->pnames.v[k].source));
        TRY(put_u(b, it->pnames.v[k].offset));
        TRY(put_str(b, it->pnames.v[k].s, it->pnames.v[k].len));
    }
    for (size_t d = 0; d < ndims; d++)
        for (int w = 0; w < PM_CATSET_WORDS; w++)
            TRY(put_u(b, it->cats[d].w[w]));
    TRY(put_str(b, it->row, it->row_len));
    /* text reuse: signature count (0 or PM_REUSE_K), values as fixed 4 bytes, text */
    TRY(put_u(b, it->nsig));
    for (unsigned k = 0; k < it->nsig && k < PM_REUSE_K; k++) {
        unsigned char w[4] = {(unsigned char)it->sig[k], (unsigned char)(it->sig[k] >> 8),
                              (unsigned char)(it->sig[k] >> 16), (unsigned char)(it->sig[k] >> 24)};
        TRY(pm_buf_append(b, w, 4));
    }
    return put_str(b, it->rtext ? it->rtext : "", it->rtext ? it->rtext_len : 0);
}

pm_status pm_blk_file(pm_buf *out, const char *path, const pm_finfo *fi, const pm_buf *items)
{
    pm_status st;
    size_t s;
    TRY(frame_begin(out, "PMFB", &s));
    TRY(put_str(out, path, strlen(path)));
    TRY(put_u(out, (uint64_t)(fi->read | fi->failed << 1 | fi->complete << 2 | fi->not_corpus << 3)));
    TRY(put_u(out, fi->bytes_in));
    TRY(put_u(out, fi->bytes_out));
    TRY(put_u(out, fi->records_skipped));
    TRY(put_u(out, fi->size));
    TRY(put_u(out, fi->ino));
    TRY(put_s(out, fi->mtime_ns));
    TRY(put_s(out, fi->ctime_ns));
    TRY(put_u64(out, fi->content_hash));
    if (items->len)
        TRY(pm_buf_append(out, items->data, items->len));
    TRY(put_u(out, 0));
    return frame_end(out, s);
}

/* ---- reading ------------------------------------------------------------------------- */

typedef struct cur {
    const unsigned char *p, *end;
    int bad;
} cur;

static uint64_t get_u(cur *c)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->end) {
            c->bad = 1;
            return 0;
        }
        unsigned char b = *c->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    c->bad = 1;
    return 0;
}

static int64_t get_s(cur *c)
{
    uint64_t u = get_u(c);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static uint64_t get_u64(cur *c)
{
    if (c->end - c->p < 8) {
        c->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | c->p[i];
    c->p += 8;
    return v;
}

static const char *get_str(cur *c, size_t *n)
{
    uint64_t len = get_u(c);
    if (c->bad || len > (uint64_t)(c->end - c->p)) {
        c->bad = 1;
        *n = 0;
        return "";
    }
    const char *s = (const char *)c->p;
    c->p += len;
    *n = (size_t)len;
    return s;
}

static void get_cstr(cur *c, char *out, size_t cap)
{
    size_t n;
    const char *s = get_str(c, &n);
    if (n >= cap) {
        c->bad = 1;
        n = 0;
    }
    memcpy(out, s, n);
    out[n] = 0;
    if (memchr(out, 0, n))
        c->bad = 1;
}

pm_status pm_blk_read(FILE *f, pm_buf *payload, char tag[5], pm_errctx *err, const char *path)
{
    unsigned char hdr[12];
    size_t got = fread(hdr, 1, sizeof hdr, f);
    if (got != sizeof hdr)
        return pm_errctx_set(err, ferror(f) ? PM_ERR_IO : PM_ERR_STATE, path,
                             "truncated: a block header is cut off");
    memcpy(tag, hdr, 4);
    tag[4] = 0;
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = (n << 8) | hdr[4 + i];
    if (n > PM_BLK_MAX || n + 9 > payload->max)
        return pm_errctx_set(err, PM_ERR_STATE, path, "block of %llu bytes is beyond the cap",
                             (unsigned long long)n);
    pm_buf_reset(payload);
    pm_status st = pm_buf_reserve(payload, (size_t)n + 8);
    if (st != PM_OK)
        return pm_errctx_set(err, st, path, "reading a block");
    if (fread(payload->data, 1, (size_t)n + 8, f) != (size_t)n + 8)
        return pm_errctx_set(err, ferror(f) ? PM_ERR_IO : PM_ERR_STATE, path,
                             "truncated: a block is cut off");
    uint64_t want = 0;
    for (int i = 7; i >= 0; i--)
        want = (want << 8) | (unsigned char)payload->data[n + (size_t)i];
    if (pm_hash64(payload->data, (size_t)n, BLK_SEED) != want)
        return pm_errctx_set(err, PM_ERR_STATE, path, "block checksum mismatch (damaged file)");
    payload->len = (size_t)n;
    payload->data[n] = 0;
    return PM_OK;
}

pm_status pm_blk_parse_header(const pm_buf *payload, pm_part_header *h)
{
    cur c = {(const unsigned char *)payload->data,
             (const unsigned char *)payload->data + payload->len, 0};
    memset(h, 0, sizeof *h);
    get_cstr(&c, h->fingerprint, sizeof h->fingerprint);
    h->listing_hash = get_u64(&c);
    h->listing_count = get_u(&c);
    uint64_t sc = get_u(&c), ns = get_u(&c);
    if (sc > 256 || ns > 256 || ns > (sc ? sc : 1))
        return PM_ERR_STATE;
    h->shard_count = (uint32_t)sc;
    h->n_shards = (uint32_t)ns;
    for (uint32_t i = 0; i < h->n_shards; i++) {
        uint64_t s = get_u(&c);
        if (sc && s >= sc)
            return PM_ERR_STATE;
        h->shards[i] = (uint32_t)s;
    }
    h->limits.max_doc_bytes = get_u(&c);
    h->limits.max_member_bytes = get_u(&c);
    h->limits.max_docs_per_file = get_u(&c);
    h->limits.max_field_bytes = (uint32_t)get_u(&c);
    h->dict.match_limit = (uint32_t)get_u(&c);
    h->dict.depth_limit = (uint32_t)get_u(&c);
    h->dict.jit_stack_max = (size_t)get_u(&c);
    return c.bad || c.p != c.end ? PM_ERR_STATE : PM_OK;
}

pm_status pm_blk_parse_end(const pm_buf *payload, uint64_t *n)
{
    cur c = {(const unsigned char *)payload->data,
             (const unsigned char *)payload->data + payload->len, 0};
    *n = get_u(&c);
    return c.bad || c.p != c.end ? PM_ERR_STATE : PM_OK;
}

pm_status pm_blk_file_open(pm_blk_view *v, const pm_buf *payload)
{
    cur c = {(const unsigned char *)payload->data,
             (const unsigned char *)payload->data + payload->len, 0};
    memset(&v->fi, 0, sizeof v->fi);
    get_cstr(&c, v->pathbuf, sizeof v->pathbuf);
    uint64_t flags = get_u(&c);
    v->fi.read = (int)(flags & 1);
    v->fi.failed = (int)(flags >> 1 & 1);
    v->fi.complete = (int)(flags >> 2 & 1);
    v->fi.not_corpus = (int)(flags >> 3 & 1);
    v->fi.bytes_in = get_u(&c);
    v->fi.bytes_out = get_u(&c);
    v->fi.records_skipped = get_u(&c);
    v->fi.size = get_u(&c);
    v->fi.ino = get_u(&c);
    v->fi.mtime_ns = get_s(&c);
    v->fi.ctime_ns = get_s(&c);
    v->fi.content_hash = get_u64(&c);
    v->path = v->pathbuf;
    v->p = c.p;
    v->end = c.end;
    return c.bad ? PM_ERR_STATE : PM_OK;
}

int pm_blk_file_next(pm_blk_view *v, pm_citem *it)
{
    cur c = {v->p, v->end, 0};
    uint64_t kind = get_u(&c);
    if (c.bad)
        return -1;
    if (kind == 0)
        return c.p == c.end ? 0 : -1;
    if (kind > 3)
        return -1;
    memset(it, 0, offsetof(pm_citem, cats));
    it->kind = (int)kind - 1;
    it->rej.offset = get_u(&c);
    uint64_t code = get_u(&c);
    if (code >= PM_STATUS_LAST)
        return -1;
    it->rej.code = (pm_status)code;
    get_cstr(&c, it->rej.doc_id, sizeof it->rej.doc_id);
    get_cstr(&c, it->rej.detail, sizeof it->rej.detail);
    get_cstr(&c, v->srcbuf, sizeof v->srcbuf);
    it->source = v->srcbuf[0] ? v->srcbuf : NULL;
    if (it->kind == PM_CI_DOC) {
        it->id_hash = get_u64(&c);
        it->content_hash = get_u64(&c);
        it->recrawl_hash = get_u64(&c);
        it->year = (int)get_s(&c);
        it->date = (int32_t)get_s(&c);
        it->date_invalid = (int)(get_u(&c) & 1);
        uint64_t lv = get_u(&c);
        if (lv > PM_COUNTRY_MAX_LEVELS) /* record levels: 0 unknown, 1 + the pack's level */
            return -1;
        it->level = (pm_level)lv;
        it->region = (uint32_t)get_u(&c);
        it->province = (uint32_t)get_u(&c);
        uint64_t nc = get_u(&c);
        if (nc > PM_MAX_CITED)
            return -1;
        it->ncited = (unsigned)nc;
        for (unsigned k = 0; k < it->ncited; k++)
            it->cited[k] = (uint32_t)get_u(&c);
        /* discovered policies (issue 14) */
        uint64_t np = get_u(&c), cut = get_u(&c);
        if (np > PM_MAX_PNAMES || cut > UINT32_MAX)
            return -1;
        it->pnames.n = (unsigned)np;
        it->pnames.cut = (unsigned)cut;
        for (unsigned k = 0; k < it->pnames.n; k++) {
            pm_pname *pn = &it->pnames.v[k];
            uint64_t src = get_u(&c), off = get_u(&c);
            size_t len;
            const char *nm = get_str(&c, &len);
            if (src == 0 || src >= PM_PSRC_LAST || off > UINT32_MAX || !len ||
                len >= PM_PNAME_BYTES || memchr(nm, 0, len))
                return -1;
            pn->source = (uint8_t)src;
            pn->offset = (uint32_t)off;
            memcpy(pn->s, nm, len);
            pn->s[len] = 0;
            pn->len = (uint8_t)len;
        }
        memset(it->cats, 0, sizeof it->cats);
        if (v->ndims > PM_MAX_DIMS)
            return -1;
        for (size_t d = 0; d < v->ndims; d++)
            for (int w = 0; w < PM_CATSET_WORDS; w++)
                it->cats[d].w[w] = get_u(&c);
        it->row = get_str(&c, &it->row_len);
        if (!c.bad && (it->row_len == 0 || it->row[it->row_len - 1] != '\n'))
            return -1;
        /* text reuse (see pm_blk_items_add) */
        uint64_t ns = get_u(&c);
        if (ns != 0 && ns != PM_REUSE_K)
            return -1;
        it->nsig = (unsigned)ns;
        if ((uint64_t)(c.end - c.p) < ns * 4)
            return -1;
        for (unsigned k = 0; k < it->nsig; k++, c.p += 4)
            it->sig[k] = (uint32_t)c.p[0] | (uint32_t)c.p[1] << 8 | (uint32_t)c.p[2] << 16 |
                         (uint32_t)c.p[3] << 24;
        it->rtext = get_str(&c, &it->rtext_len);
        it->rkeys = NULL;
        it->nrkeys = 0;
    }
    if (c.bad)
        return -1;
    v->p = c.p;
    return 1;
}

/* ---- the same codec for other stored state (the refresh checkpoint) ----------------------- */

pm_status pm_blk_put_u(pm_buf *b, uint64_t v) { return put_u(b, v); }
pm_status pm_blk_put_u64(pm_buf *b, uint64_t v) { return put_u64(b, v); }
pm_status pm_blk_put_str(pm_buf *b, const char *s, size_t n) { return put_str(b, s, n); }

pm_status pm_blk_frame_begin(pm_buf *b, const char tag[4], size_t *start)
{
    return frame_begin(b, tag, start);
}

pm_status pm_blk_frame_end(pm_buf *b, size_t start) { return frame_end(b, start); }

int pm_blk_check(const void *p, size_t n, char tag[5], const char **payload, size_t *len)
{
    const unsigned char *u = p;
    if (n < 20)
        return 0;
    uint64_t m = 0;
    for (int i = 7; i >= 0; i--)
        m = (m << 8) | u[4 + i];
    if (m > PM_BLK_MAX || m != n - 20)
        return 0;
    uint64_t want = 0;
    for (int i = 7; i >= 0; i--)
        want = (want << 8) | u[12 + m + (size_t)i];
    if (pm_hash64(u + 12, (size_t)m, BLK_SEED) != want)
        return 0;
    memcpy(tag, u, 4);
    tag[4] = 0;
    *payload = (const char *)u + 12;
    *len = (size_t)m;
    return 1;
}

pm_status pm_blk_frame(pm_buf *out, const char tag[4], const pm_buf *payload)
{
    pm_status st;
    size_t s;
    TRY(frame_begin(out, tag, &s));
    TRY(pm_buf_append(out, payload->data, payload->len));
    return frame_end(out, s);
}

uint64_t pm_blk_get_u(pm_blk_cur *c)
{
    cur k = {c->p, c->end, c->bad};
    uint64_t v = get_u(&k);
    c->p = k.p, c->bad = k.bad;
    return v;
}

uint64_t pm_blk_get_u64(pm_blk_cur *c)
{
    cur k = {c->p, c->end, c->bad};
    uint64_t v = get_u64(&k);
    c->p = k.p, c->bad = k.bad;
    return v;
}

const char *pm_blk_get_str(pm_blk_cur *c, size_t *n)
{
    cur k = {c->p, c->end, c->bad};
    const char *s = get_str(&k, n);
    c->p = k.p, c->bad = k.bad;
    return s;
}

/* ---- identity of files ------------------------------------------------------------------ */

pm_status pm_finfo_stat(const char *path, pm_finfo *fi)
{
    struct stat sb;
    memset(fi, 0, sizeof *fi);
    if (strcmp(path, "-") == 0)
        return PM_OK;
    if (stat(path, &sb) != 0)
        return PM_ERR_OPEN;
    fi->size = (uint64_t)sb.st_size;
    fi->ino = (uint64_t)sb.st_ino;
    fi->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    fi->ctime_ns = (int64_t)sb.st_ctim.tv_sec * 1000000000 + sb.st_ctim.tv_nsec;
    return PM_OK;
}

pm_status pm_file_hash64(const char *path, uint64_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PM_ERR_OPEN;
    enum { CHUNK = 1 << 20 };
    unsigned char *buf = malloc(CHUNK);
    if (!buf) {
        close(fd);
        return PM_ERR_NOMEM;
    }
    pm_hash64_ctx c;
    pm_hash64_init(&c, BLK_SEED);
    pm_status st = PM_OK;
    for (;;) {
        ssize_t n = read(fd, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = PM_ERR_IO;
            break;
        }
        if (n == 0)
            break;
        pm_hash64_update(&c, buf, (size_t)n);
    }
    free(buf);
    close(fd);
    *out = pm_hash64_final(&c) | 1; /* 0 means "not computed" */
    return st;
}
