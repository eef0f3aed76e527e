/* engine/run.c - the main job: inputs -> batches -> workers -> ordered commit -> tables.
 *
 * Threads: one OpenMP team. Thread 0 is the producer: it walks the inputs in their
 * defined order, inflates and splits them into batches of raw documents, and commits
 * finished batches strictly in sequence (documents.tsv rows, counts, rejects, duplicate
 * ids). The other threads are workers: they claim queued batches from a fixed ring (an
 * atomic compare-and-swap on the slot state), parse and classify every document with
 * their own scratch, and render the rows. When the ring is full the producer helps by
 * processing queued batches itself, so -j1 is the same code with no workers.
 *
 * Determinism: batches are cut and committed in input order, and a batch's result
 * depends only on its contents, so the output is byte-identical for any thread count.
 * Memory: ring slots x batch size + the largest document.
 * Never: prints, exits, or touches the outputs from a worker.
 */
#include <errno.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "policyminer/classify.h"
#include "policyminer/diffusion.h"
#include "policyminer/hash.h"
#include "policyminer/run.h"
#include "policyminer/sinks.h"
#include "policyminer/source.h"
#include "engine_internal.h"

enum { SLOT_FREE = 0, SLOT_QUEUED = 1, SLOT_TAKEN = 2, SLOT_DONE = 3 };

#define BATCH_BYTES (1u << 20) /* raw bytes per batch before it is submitted */
#define BATCH_DOCS 512u

typedef struct item {
    int is_doc;          /* raw document (else a reject from the splitter) */
    int is_file;         /* a file-level problem: a rejects row, not a document */
    size_t src;          /* input index */
    uint64_t offset;
    size_t raw_off, raw_len;
    /* results */
    int ok;              /* classified */
    pm_reject rej;       /* reject (splitter's or the worker's); doc id copied when ok */
    uint64_t id_hash;
    size_t row_off, row_len;
    int year;
    int32_t date;
    pm_level level;
    uint32_t region;
    uint32_t province;
    pm_catset cats[PM_MAX_DIMS];
} item;

typedef struct batch {
    _Atomic int state;
    const pm_format *fmt;
    pm_buf raw;
    item *items;
    size_t n, cap;
    pm_buf rows;
    pm_status fatal;     /* PM_ERR_NOMEM in a worker stops the run */
    double t_parse, t_classify, t_render;
    pm_dict_stats dstats;
} batch;

typedef struct worker {
    pm_classify_scratch *cls;
    void *parse_scratch[8]; /* one per format, created lazily */
} worker;

typedef struct engine {
    const pm_run_options *o;
    pm_classifier *cls;
    const pm_dictset *dicts;
    pm_inputs *inputs;
    batch *ring;
    size_t nslots;
    worker *workers;
    int nthreads;
    _Atomic int producer_done;
    /* producer-only state */
    size_t head, tail;   /* ring: [head, tail) submitted, head = oldest */
    pm_outfile *f_docs, *f_rejects;
    pm_counts *counts;
    pm_adopt *adopt;
    pm_buf rejbuf;
    uint64_t *ids;       /* open-addressing set of doc-id hashes (0 = empty) */
    size_t ids_cap, ids_n;
    pm_run_summary *sum;
    pm_errctx *err;
    double t0, last_progress;
    size_t instr_dim;    /* instrument dimension or (size_t)-1 */
} engine;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void nap(void)
{
    struct timespec ts = {0, 50000};
    nanosleep(&ts, NULL);
}

void pm_run_options_default(pm_run_options *o)
{
    memset(o, 0, sizeof *o);
    o->dict_dir = "dictionaries";
    pm_limits_default(&o->limits);
    pm_dict_options_default(&o->dict);
    pm_diffusion_options_default(&o->diffusion);
}

/* ---- worker side ------------------------------------------------------------------- */

static size_t format_index(const pm_format *f)
{
    const pm_format *const *all = pm_formats();
    for (size_t i = 0; all[i]; i++)
        if (all[i] == f)
            return i;
    return 0;
}

static void set_reject(pm_reject *r, pm_status code, uint64_t offset, const char *id,
                       size_t idlen, const char *detail)
{
    memset(r, 0, sizeof *r);
    r->code = code;
    r->offset = offset;
    if (id) {
        if (idlen >= sizeof r->doc_id)
            idlen = sizeof r->doc_id - 1;
        memcpy(r->doc_id, id, idlen);
    }
    if (detail)
        snprintf(r->detail, sizeof r->detail, "%s", detail);
}

/* Parses, classifies and renders one batch. Touches only the batch and the worker. */
static void process_batch(engine *e, worker *w, batch *b)
{
    const pm_format *fmt = b->fmt;
    size_t fi = format_index(fmt);
    b->fatal = PM_OK;
    if (!w->parse_scratch[fi] && fmt &&
        fmt->parse_create(&w->parse_scratch[fi], &e->o->limits) != PM_OK) {
        b->fatal = PM_ERR_NOMEM;
        return;
    }
    const char *dim_instr_group = NULL;
    (void)dim_instr_group;
    pm_buf_reset(&b->rows);
    for (size_t i = 0; i < b->n; i++) {
        item *it = &b->items[i];
        if (!it->is_doc)
            continue;
        double t = now();
        pm_raw raw = {b->raw.data + it->raw_off, it->raw_len, it->offset};
        pm_doc doc;
        pm_reject rej;
        memset(&rej, 0, sizeof rej);
        pm_status st = fmt->parse(w->parse_scratch[fi], &raw, &doc, &rej);
        double t1 = now();
        b->t_parse += t1 - t;
        if (st == PM_ERR_NOMEM) {
            b->fatal = st;
            return;
        }
        if (st != PM_OK) {
            it->ok = 0;
            it->rej = rej;
            it->rej.code = rej.code ? rej.code : st;
            it->rej.offset = it->offset;
            continue;
        }
        pm_record rec;
        st = pm_classify(e->cls, w->cls, &doc, &rec, &b->dstats, NULL, NULL);
        double t2 = now();
        b->t_classify += t2 - t1;
        if (st != PM_OK) {
            b->fatal = st;
            return;
        }
        it->ok = 1;
        set_reject(&it->rej, PM_OK, it->offset, doc.id.p, doc.id.len, NULL);
        it->id_hash = pm_fnv1a64(doc.id.p, doc.id.len) | 1u; /* never 0 */
        it->year = rec.year;
        it->date = rec.date;
        it->region = rec.issuer.region_code;
        it->level = rec.issuer.level;
        it->province = rec.issuer.province_code;
        memcpy(it->cats, rec.cats, sizeof it->cats);
        it->row_off = b->rows.len;
        st = pm_doctable_row(&b->rows, e->dicts, pm_inputs_path(e->inputs, it->src),
                             it->offset, &doc, &rec, e->o->limits.max_field_bytes);
        if (st != PM_OK) {
            b->fatal = st;
            return;
        }
        it->row_len = b->rows.len - it->row_off;
        b->t_render += now() - t2;
    }
}

static int claim(batch *b)
{
    int expect = SLOT_QUEUED;
    return atomic_compare_exchange_strong(&b->state, &expect, SLOT_TAKEN);
}

static void worker_loop(engine *e, int tid)
{
    worker *w = &e->workers[tid];
    for (;;) {
        int did = 0;
        for (size_t k = 0; k < e->nslots; k++) {
            batch *b = &e->ring[k];
            if (atomic_load(&b->state) == SLOT_QUEUED && claim(b)) {
                process_batch(e, w, b);
                atomic_store(&b->state, SLOT_DONE);
                did = 1;
            }
        }
        if (!did) {
            if (atomic_load(&e->producer_done))
                return;
            nap();
        }
    }
}

/* ---- producer side ------------------------------------------------------------------ */

static pm_status reject_row(engine *e, const char *source, const pm_reject *r)
{
    e->sum->docs_rejected++;
    e->sum->docs_seen++;
    if (r->code < PM_STATUS_LAST)
        e->sum->rejects_by_reason[r->code]++;
    pm_status st = pm_rejects_row(&e->rejbuf, source, r->offset, r->doc_id, r->code, r->detail);
    if (st == PM_OK && e->rejbuf.len > (1u << 16)) {
        st = pm_outfile_write(e->f_rejects, e->rejbuf.data, e->rejbuf.len, e->err);
        pm_buf_reset(&e->rejbuf);
    }
    return st;
}

/* A file-level problem (cannot open, empty, not a corpus): a rejects row that is not a
 * document. It travels through the batches like everything else, so rejects.tsv keeps
 * input order whatever the thread count. */
static pm_status add_item(engine *e, const item *proto, const pm_raw *raw, const pm_format *fmt);

static pm_status file_reject(engine *e, size_t src, pm_status code, const char *detail)
{
    item proto;
    memset(&proto, 0, offsetof(item, cats));
    proto.is_file = 1;
    proto.src = src;
    proto.rej.code = code;
    snprintf(proto.rej.detail, sizeof proto.rej.detail, "%s", detail);
    return add_item(e, &proto, NULL, NULL);
}

/* Inserts h; returns 1 if it was already present. */
static int ids_insert(engine *e, uint64_t h, pm_status *st)
{
    if ((e->ids_n + 1) * 2 > e->ids_cap) {
        size_t ncap = e->ids_cap ? e->ids_cap * 2 : 1u << 16;
        uint64_t *n = calloc(ncap, sizeof *n);
        if (!n) {
            *st = PM_ERR_NOMEM;
            return 0;
        }
        for (size_t i = 0; i < e->ids_cap; i++) {
            if (!e->ids[i])
                continue;
            size_t j = (e->ids[i] * 0x9E3779B97F4A7C15ull) >> 20 & (ncap - 1);
            while (n[j])
                j = (j + 1) & (ncap - 1);
            n[j] = e->ids[i];
        }
        free(e->ids);
        e->ids = n;
        e->ids_cap = ncap;
    }
    size_t j = (h * 0x9E3779B97F4A7C15ull) >> 20 & (e->ids_cap - 1);
    while (e->ids[j]) {
        if (e->ids[j] == h)
            return 1;
        j = (j + 1) & (e->ids_cap - 1);
    }
    e->ids[j] = h;
    e->ids_n++;
    return 0;
}

static pm_status commit_batch(engine *e, batch *b)
{
    double t = now();
    if (b->fatal != PM_OK)
        return pm_errctx_set(e->err, b->fatal, NULL, "worker failed");
    pm_status st = PM_OK;
    for (size_t i = 0; st == PM_OK && i < b->n; i++) {
        item *it = &b->items[i];
        const char *source = pm_inputs_path(e->inputs, it->src);
        if (it->is_file) {
            if (it->rej.code < PM_STATUS_LAST)
                e->sum->rejects_by_reason[it->rej.code]++;
            st = pm_rejects_row(&e->rejbuf, source, 0, "", it->rej.code, it->rej.detail);
            continue;
        }
        if (!it->ok) {
            st = reject_row(e, source, &it->rej);
            continue;
        }
        if (ids_insert(e, it->id_hash, &st)) {
            pm_reject r = it->rej;
            r.code = PM_ERR_DUP_ID;
            snprintf(r.detail, sizeof r.detail, "id seen earlier in the input order; kept the first");
            st = reject_row(e, source, &r);
            continue;
        }
        if (st != PM_OK)
            break;
        st = pm_outfile_write(e->f_docs, b->rows.data + it->row_off, it->row_len, e->err);
        if (st == PM_OK)
            st = pm_counts_add(e->counts, it->year, it->level, it->province, it->cats);
        if (st == PM_OK && e->adopt)
            st = pm_adopt_add(e->adopt, it->rej.doc_id, it->date, it->level, it->region,
                              it->province, it->cats);
        e->sum->docs_seen++;
        e->sum->docs_classified++;
        e->sum->by_level[it->level < 8 ? it->level : 0]++;
        if (e->instr_dim != (size_t)-1) {
            const pm_catset *cs = &it->cats[e->instr_dim];
            size_t nc = pm_dictset_ncats(e->dicts, e->instr_dim);
            int any = 0, fiscal = 0;
            for (size_t c = 0; c < nc; c++) {
                if (!pm_catset_has(cs, (unsigned)c))
                    continue;
                any = 1;
                if (strcmp(pm_dictset_cat_group(e->dicts, e->instr_dim, c), "fiscal_financial") == 0)
                    fiscal = 1;
            }
            e->sum->instrument_docs += (uint64_t)any;
            e->sum->fiscal_docs += (uint64_t)fiscal;
        }
    }
    e->sum->stats.parse += b->t_parse;
    e->sum->stats.classify += b->t_classify;
    e->sum->stats.render += b->t_render;
    e->sum->stats.regex_runs += b->dstats.regex_runs;
    e->sum->stats.match_limit_hits += b->dstats.match_limit_hits;
    e->sum->stats.commit += now() - t;
    return st;
}

static void batch_reset(batch *b)
{
    pm_buf_reset(&b->raw);
    b->n = 0;
    b->t_parse = b->t_classify = b->t_render = 0;
    memset(&b->dstats, 0, sizeof b->dstats);
    b->fmt = NULL;
}

/* Waits for the oldest submitted batch, processing queued ones meanwhile, and commits it. */
static pm_status retire_oldest(engine *e)
{
    batch *b = &e->ring[e->head % e->nslots];
    while (atomic_load(&b->state) != SLOT_DONE) {
        if (claim(b)) {
            process_batch(e, &e->workers[0], b);
            atomic_store(&b->state, SLOT_DONE);
            break;
        }
        int helped = 0;
        for (size_t k = e->head + 1; k < e->tail && !helped; k++) {
            batch *o = &e->ring[k % e->nslots];
            if (atomic_load(&o->state) == SLOT_QUEUED && claim(o)) {
                process_batch(e, &e->workers[0], o);
                atomic_store(&o->state, SLOT_DONE);
                helped = 1;
            }
        }
        if (!helped)
            nap();
    }
    pm_status st = commit_batch(e, b);
    batch_reset(b);
    atomic_store(&b->state, SLOT_FREE);
    e->head++;
    return st;
}

static batch *current(engine *e) { return &e->ring[e->tail % e->nslots]; }

static pm_status submit(engine *e)
{
    batch *b = current(e);
    if (b->n == 0)
        return PM_OK;
    atomic_store(&b->state, SLOT_QUEUED);
    e->tail++;
    if (e->tail - e->head >= e->nslots)
        return retire_oldest(e);
    return PM_OK;
}

static pm_status add_item(engine *e, const item *proto, const pm_raw *raw, const pm_format *fmt)
{
    batch *b = current(e);
    if (b->n && b->fmt != fmt && raw) {
        pm_status st = submit(e);
        if (st != PM_OK)
            return st;
        b = current(e);
    }
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        item *ni = realloc(b->items, ncap * sizeof *ni);
        if (!ni)
            return PM_ERR_NOMEM;
        b->items = ni;
        b->cap = ncap;
    }
    item *it = &b->items[b->n];
    memset(it, 0, offsetof(item, cats));
    *it = *proto;
    if (raw) {
        it->raw_off = b->raw.len;
        it->raw_len = raw->len;
        pm_status st = pm_buf_append(&b->raw, raw->p, raw->len);
        if (st != PM_OK)
            return st;
        if (!b->fmt)
            b->fmt = fmt;
    }
    b->n++;
    if (b->raw.len >= BATCH_BYTES || b->n >= BATCH_DOCS)
        return submit(e);
    return PM_OK;
}

static void progress(engine *e, uint64_t files_done)
{
    if (!e->o->progress)
        return;
    double t = now();
    if (t - e->last_progress < 0.5)
        return;
    e->last_progress = t;
    pm_run_progress p = {files_done, pm_inputs_count(e->inputs), e->sum->docs_seen,
                         e->sum->docs_classified, e->sum->docs_rejected, e->sum->bytes_in,
                         e->sum->bytes_out, t - e->t0};
    e->o->progress(e->o->progress_ud, &p);
}

static int stopped(const engine *e) { return e->o->stop && *e->o->stop; }

/* Reads one input to the end, feeding batches. Soft problems become rejects. */
static pm_status read_input(engine *e, size_t idx)
{
    const char *path = pm_inputs_path(e->inputs, idx);
    pm_gz *gz = NULL;
    pm_gz_limits gl = {e->o->limits.max_member_bytes};
    e->sum->files_seen++;
    pm_status st = pm_gz_open(&gz, path, &gl);
    if (st == PM_ERR_NOMEM) /* the machine's problem, not the file's: stop the run */
        return st;
    if (st != PM_OK) {
        e->sum->files_failed++;
        return file_reject(e, idx, st, strerror(errno));
    }
    pm_gz_set_stop(gz, e->o->stop);
    const char *head = NULL;
    size_t hlen = 0;
    st = pm_gz_peek(gz, 4096, &head, &hlen);
    if (st == PM_ERR_IO || st == PM_ERR_NOMEM) {
        pm_gz_close(gz);
        e->sum->files_failed++;
        return st == PM_ERR_IO ? file_reject(e, idx, st, "read failed") : st;
    }
    const pm_format *fmt = hlen ? pm_format_sniff(head, hlen) : NULL;
    int utf16 = hlen >= 2 && (((unsigned char)head[0] == 0xFF && (unsigned char)head[1] == 0xFE) ||
                              ((unsigned char)head[0] == 0xFE && (unsigned char)head[1] == 0xFF));
    if (!fmt || utf16) {
        e->sum->bytes_in += pm_gz_in_bytes(gz);
        pm_gz_close(gz);
        e->sum->files_read++;
        if (utf16)
            return file_reject(e, idx, PM_ERR_UTF8, "UTF-16 text (byte-order mark): convert to UTF-8");
        return file_reject(e, idx, hlen ? PM_ERR_NOT_CORPUS : PM_ERR_EMPTY,
                           hlen ? "no known format (corpus XML expected)" : "zero bytes");
    }
    void *sp = NULL;
    st = fmt->split_create(&sp, &e->o->limits);
    if (st != PM_OK) {
        pm_gz_close(gz);
        return st;
    }
    e->sum->files_read++;
    double t = now();
    for (;;) {
        if (stopped(e))
            break;
        pm_raw raw;
        pm_reject rej;
        pm_split_result res;
        st = fmt->split_next(sp, gz, &raw, &rej, &res);
        if (st == PM_ERR_INTERRUPTED && stopped(e)) { /* a read cut short by the stop signal */
            st = PM_OK;
            break;
        }
        if (st != PM_OK) {
            pm_errctx_set(e->err, st, path, "reading input");
            break;
        }
        if (res == PM_SPLIT_END)
            break;
        item proto;
        memset(&proto, 0, offsetof(item, cats));
        proto.src = idx;
        e->sum->stats.read_split += now() - t;
        if (res == PM_SPLIT_RECORD) {
            proto.is_doc = 1;
            proto.offset = raw.offset;
            st = add_item(e, &proto, &raw, fmt);
        } else {
            proto.rej = rej;
            proto.offset = rej.offset;
            st = add_item(e, &proto, NULL, fmt);
        }
        t = now();
        if (st != PM_OK) {
            pm_errctx_set(e->err, st, path, "processing");
            break;
        }
        progress(e, idx);
    }
    e->sum->stats.read_split += now() - t;
    e->sum->bytes_in += pm_gz_in_bytes(gz);
    e->sum->bytes_out += pm_gz_out_bytes(gz);
    fmt->split_free(sp);
    pm_gz_close(gz);
    return st;
}

static pm_status produce(engine *e)
{
    pm_status st = PM_OK;
    size_t n = pm_inputs_count(e->inputs);
    for (size_t i = 0; i < n && st == PM_OK && !stopped(e); i++)
        st = read_input(e, i);
    if (st == PM_OK)
        st = submit(e);
    /* Drain: commit everything submitted, even after an error, so no worker is left
     * holding a slot. */
    while (e->head < e->tail) {
        pm_status s2 = retire_oldest(e);
        if (st == PM_OK)
            st = s2;
    }
    return st;
}

/* ---- setup / teardown ---------------------------------------------------------------- */

static pm_status open_outputs(engine *e)
{
    const char *dir = e->o->outdir;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return pm_errctx_set(e->err, PM_ERR_OUTPUT, dir, "cannot create: %s", strerror(errno));
    /* A stale manifest must never vouch for tables this run is about to replace. */
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    if (unlink(mpath) != 0 && errno != ENOENT)
        return pm_errctx_set(e->err, PM_ERR_OUTPUT, mpath, "cannot remove: %s", strerror(errno));
    pm_status st = pm_outfile_open(&e->f_docs, dir, "documents.tsv", e->err);
    if (st == PM_OK)
        st = pm_outfile_open(&e->f_rejects, dir, "rejects.tsv", e->err);
    if (st != PM_OK)
        return st;
    pm_buf hdr;
    pm_buf_init(&hdr, 1u << 20);
    st = pm_doctable_header(&hdr, e->dicts);
    if (st == PM_OK)
        st = pm_outfile_write(e->f_docs, hdr.data, hdr.len, e->err);
    pm_buf_free(&hdr);
    if (st == PM_OK)
        st = pm_rejects_header(&e->rejbuf);
    return st;
}

static pm_status finish_outputs(engine *e, int complete)
{
    pm_status st = PM_OK;
    if (e->rejbuf.len)
        st = pm_outfile_write(e->f_rejects, e->rejbuf.data, e->rejbuf.len, e->err);
    pm_buf_reset(&e->rejbuf);
    if (!complete || st != PM_OK) {
        if (st == PM_OK && stopped(e)) { /* interrupted: partial tables stay as .part */
            pm_outfile_keep_partial(e->f_docs);
            pm_outfile_keep_partial(e->f_rejects);
            e->f_docs = e->f_rejects = NULL;
        }
        pm_outfile_abort(e->f_docs);
        pm_outfile_abort(e->f_rejects);
        e->f_docs = e->f_rejects = NULL;
        return st;
    }
    /* The two big tables reach the disk before any table is renamed: a full disk then
     * leaves no table at all under its final name. */
    st = pm_outfile_sync(e->f_docs, e->err);
    if (st == PM_OK)
        st = pm_outfile_sync(e->f_rejects, e->err);
    pm_outfile *fc = NULL;
    if (st == PM_OK)
        st = pm_outfile_open(&fc, e->o->outdir, "counts.tsv", e->err);
    if (st == PM_OK)
        st = pm_counts_write(e->counts, fc, e->err);
    if (st == PM_OK) {
        st = pm_outfile_commit(fc, e->err);
        fc = NULL;
    }
    pm_outfile_abort(fc);
    if (st == PM_OK && e->adopt)
        st = pm_adopt_write(e->adopt, e->o->outdir, e->err);
    if (st == PM_OK) {
        st = pm_outfile_commit(e->f_docs, e->err);
        e->f_docs = NULL;
    }
    if (st == PM_OK) {
        st = pm_outfile_commit(e->f_rejects, e->err);
        e->f_rejects = NULL;
    }
    pm_outfile_abort(e->f_docs);
    pm_outfile_abort(e->f_rejects);
    e->f_docs = e->f_rejects = NULL;
    return st;
}

static void engine_free(engine *e)
{
    if (e->ring) {
        for (size_t k = 0; k < e->nslots; k++) {
            pm_buf_free(&e->ring[k].raw);
            pm_buf_free(&e->ring[k].rows);
            free(e->ring[k].items);
        }
        free(e->ring);
    }
    if (e->workers) {
        const pm_format *const *all = pm_formats();
        for (int t = 0; t < e->nthreads; t++) {
            pm_classify_scratch_free(e->workers[t].cls);
            for (size_t f = 0; all[f] && f < 8; f++)
                if (e->workers[t].parse_scratch[f])
                    all[f]->parse_free(e->workers[t].parse_scratch[f]);
        }
        free(e->workers);
    }
    pm_outfile_abort(e->f_docs);
    pm_outfile_abort(e->f_rejects);
    pm_counts_free(e->counts);
    pm_adopt_free(e->adopt);
    pm_buf_free(&e->rejbuf);
    free(e->ids);
    pm_inputs_free(e->inputs);
    pm_classifier_free(e->cls);
}

pm_status pm_run(const pm_run_options *o, pm_run_summary *sum, pm_errctx *err)
{
    engine E, *e = &E;
    memset(e, 0, sizeof *e);
    memset(sum, 0, sizeof *sum);
    pm_errctx_clear(err);
    e->o = o;
    e->sum = sum;
    e->err = err;
    e->t0 = now();
    e->instr_dim = (size_t)-1;
    pm_buf_init(&e->rejbuf, (size_t)1 << 24);

    if (!o->outdir || !o->n_inputs)
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "need an output directory and inputs");

    pm_status st = pm_classifier_load(&e->cls, o->dict_dir, &o->dict, err);
    if (st != PM_OK) {
        engine_free(e);
        return st;
    }
    e->dicts = pm_classifier_dicts(e->cls);
    e->instr_dim = pm_dictset_dim_find(e->dicts, "instrument");

    st = pm_inputs_create(&e->inputs, o->inputs, o->n_inputs);
    /* A path that does not exist is a run error, said before any work; a directory loop
     * met while walking is reported in rejects.tsv and the run goes on. */
    for (size_t i = 0; st == PM_OK && i < pm_inputs_failed_count(e->inputs); i++)
        if (pm_inputs_failed_code(e->inputs, i) != PM_ERR_LOOP)
            st = pm_errctx_set(err, pm_inputs_failed_code(e->inputs, i),
                               pm_inputs_failed_path(e->inputs, i), "%s",
                               pm_strerror(pm_inputs_failed_code(e->inputs, i)));
    if (st != PM_OK) {
        engine_free(e);
        return st;
    }

    int nt = o->threads > 0 ? o->threads : omp_get_num_procs();
    if (nt < 1)
        nt = 1;
    e->nthreads = nt;
    sum->threads = nt;
    e->nslots = (size_t)nt * 2 + 2;
    e->ring = calloc(e->nslots, sizeof *e->ring);
    e->workers = calloc((size_t)nt, sizeof *e->workers);
    if (!e->ring || !e->workers)
        st = PM_ERR_NOMEM;
    for (size_t k = 0; st == PM_OK && k < e->nslots; k++) {
        pm_buf_init(&e->ring[k].raw, BATCH_BYTES + o->limits.max_doc_bytes + 1024);
        pm_buf_init(&e->ring[k].rows, (size_t)1 << 31);
        atomic_init(&e->ring[k].state, SLOT_FREE);
    }
    for (int t = 0; st == PM_OK && t < nt; t++)
        st = pm_classify_scratch_create(&e->workers[t].cls, e->cls);
    if (st == PM_OK)
        st = pm_counts_create(&e->counts, e->dicts);
    if (st == PM_OK && !o->no_diffusion)
        st = pm_adopt_create(&e->adopt, e->dicts, pm_classifier_gazetteer(e->cls), &o->diffusion);
    if (st == PM_OK && e->adopt) {
        char adj[4096];
        snprintf(adj, sizeof adj, "%s/province_adjacency.tsv", o->dict_dir);
        st = pm_adopt_load_adjacency(e->adopt, adj, err);
    }
    if (st == PM_OK)
        st = open_outputs(e);
    /* Loops are found while expanding the inputs, before any batch: rows come first. */
    for (size_t i = 0; st == PM_OK && i < pm_inputs_failed_count(e->inputs); i++) {
        sum->rejects_by_reason[PM_ERR_LOOP]++;
        st = pm_rejects_row(&e->rejbuf, pm_inputs_failed_path(e->inputs, i), 0, "", PM_ERR_LOOP,
                            "symlink loop: directory already on the walk path; not followed");
    }
    if (st != PM_OK) {
        if (err->code == PM_OK)
            pm_errctx_set(err, st, o->outdir, "setting up the run");
        engine_free(e);
        return st;
    }

    atomic_init(&e->producer_done, 0);
    pm_status pst = PM_OK;
#pragma omp parallel num_threads(nt)
    {
        int tid = omp_get_thread_num();
        if (tid == 0) {
            pst = produce(e);
            atomic_store(&e->producer_done, 1);
        } else {
            worker_loop(e, tid);
        }
    }
    st = pst;

    int interrupted = stopped(e);
    int complete = st == PM_OK && !interrupted;
    pm_status fst = finish_outputs(e, complete);
    if (st == PM_OK && fst != PM_OK)
        st = fst;
    complete = complete && fst == PM_OK;
    sum->stats.wall = now() - e->t0;
    if (interrupted && st == PM_OK)
        st = pm_errctx_set(err, PM_ERR_INTERRUPTED, NULL, "stopped by signal");
    /* The accounting identity every run must satisfy. */
    if (sum->docs_seen != sum->docs_classified + sum->docs_rejected && st == PM_OK)
        st = pm_errctx_set(err, PM_ERR_ACCOUNTING, NULL, "seen %llu != classified %llu + rejected %llu",
                           (unsigned long long)sum->docs_seen, (unsigned long long)sum->docs_classified,
                           (unsigned long long)sum->docs_rejected);

    /* The manifest is written for complete and incomplete runs alike; only a complete run
     * says so. Unreadable files make the run's status an error, but its tables are whole. */
    if (st == PM_OK || st == PM_ERR_INTERRUPTED) {
        pm_status mst = pm_manifest_write(o, e->cls, e->inputs, sum, complete, err);
        if (st == PM_OK)
            st = mst;
    }
    if (st == PM_OK && sum->files_failed)
        st = pm_errctx_set(err, PM_ERR_OPEN, NULL, "%llu input file(s) could not be read",
                           (unsigned long long)sum->files_failed);
    engine_free(e);
    return st;
}
