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
#include <dirent.h>
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
#include "policyminer/hash.h"
#include "policyminer/run.h"
#include "policyminer/sinks.h"
#include "policyminer/source.h"
#include "checkpoint.h"
#include "engine_internal.h"

enum { SLOT_FREE = 0, SLOT_QUEUED = 1, SLOT_TAKEN = 2, SLOT_DONE = 3 };
#define NO_SRC ((size_t)-1)

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
    uint64_t id_hash, content_hash, recrawl_hash;
    char *replay;        /* a stored file's block payload (refresh), owned; NULL = none */
    size_t replay_len;
    size_t row_off, row_len;
    int year;
    int32_t date;
    int date_invalid;
    pm_level level;
    uint32_t region;
    uint32_t province;
    uint32_t cited[PM_MAX_CITED];
    unsigned ncited;
    pm_pnames pnames;    /* candidate policy names (issue 14) */
    pm_catset cats[PM_MAX_DIMS];
    /* text reuse: signature, and the normalised text in the batch's rtext buffer */
    unsigned nsig;
    uint32_t sig[PM_REUSE_K];
    size_t rtext_off, rtext_len;
    size_t rkeys_off, rkeys_n; /* its sampled shingle keys in the batch's rkeys buffer */
} item;

/* Slots and workers each start a cache line of their own (and their sizes are multiples
 * of it): a worker updates its batch's row buffer and counters for every field it renders
 * while the producer fills the next slot, and a shared line would bounce between cores. */
#define LINE 64

typedef struct batch {
    _Alignas(LINE) _Atomic int state;
    const pm_format *fmt;
    pm_buf raw;
    item *items;
    size_t n, cap;
    pm_buf rows;
    pm_buf rtext;        /* text reuse: normalised texts of the batch's documents */
    pm_buf rkeys;        /* text reuse: their sampled shingle keys (uint32_t) */
    pm_status fatal;     /* PM_ERR_NOMEM in a worker stops the run */
    double t_parse, t_classify, t_render, t_reuse;
    pm_dict_stats dstats;
} batch;

typedef struct worker {
    _Alignas(LINE) pm_classify_scratch *cls;
    void *parse_scratch[8]; /* one per format, created lazily */
    double wait;         /* seconds spent with nothing queued (the stats' worker_wait) */
} worker;

typedef struct engine {
    const pm_run_options *o;
    pm_limits lim;       /* o->limits, plus where readers find their data (dict_dir) */
    pm_classifier *cls;
    pm_country *country; /* the run's pack (regions, levels, code width) */
    const pm_dictset *dicts;
    pm_inputs *inputs;
    batch *ring;
    size_t nslots;
    worker *workers;
    int nthreads;
    _Atomic int producer_done;
    /* producer-only state */
    size_t head, tail;   /* ring: [head, tail) submitted, head = oldest */
    pm_commit *cm;
    pm_finfo *finfo;     /* per input: counts and identity, filled when it was read */
    unsigned char *record; /* per input: store its block in the state directory */
    size_t next_src;     /* first input not yet begun in the committer */
    size_t open_src;     /* input open in the committer, or NO_SRC */
    char fingerprint[1024];
    char ckpt_key[1200];   /* --state: the refresh checkpoint's key (checkpoint.h) */
    size_t first_src;      /* inputs before it came from the checkpoint */
    pm_dirlock *lock_out, *lock_state; /* held for the whole run */
    pm_run_summary *sum;
    pm_errctx *err;
    double t0, last_progress;
} engine;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void) /* this thread's CPU seconds */
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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
    o->country = NULL; /* the dictionary directory's pack (its pack.tsv), else "cn" */
    pm_limits_default(&o->limits);
    pm_dict_options_default(&o->dict);
    pm_diffusion_options_default(&o->diffusion);
    pm_reuse_options_default(&o->reuse);
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


/* Parses, classifies and renders one batch. Touches only the batch and the worker. */
static void process_batch(engine *e, worker *w, batch *b)
{
    const pm_format *fmt = b->fmt;
    size_t fi = format_index(fmt);
    b->fatal = PM_OK;
    if (!w->parse_scratch[fi] && fmt) {
        pm_status cst = fmt->parse_create(&w->parse_scratch[fi], &e->lim);
        if (cst != PM_OK) {
            w->parse_scratch[fi] = NULL;
            b->fatal = cst;
            return;
        }
    }
    const char *dim_instr_group = NULL;
    (void)dim_instr_group;
    pm_buf_reset(&b->rows);
    pm_buf_reset(&b->rtext);
    pm_buf_reset(&b->rkeys);
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
        pm_reject_set(&it->rej, PM_OK, it->offset, doc.id.p, doc.id.len, "%s", "");
        it->id_hash = pm_fnv1a64(doc.id.p, doc.id.len) | 1u; /* never 0 */
        it->content_hash = it->recrawl_hash = 0;
        if (doc.title.len || doc.body.len) { /* same title and body = the same document */
            pm_hash64_ctx hc;
            pm_hash64_init(&hc, 0x636f6e74656e74ull);
            pm_hash64_update(&hc, doc.title.p, doc.title.len);
            pm_hash64_update(&hc, "\0", 1);
            pm_hash64_update(&hc, doc.body.p, doc.body.len);
            if (doc.part_of.len) { /* the same article of two acts is two records */
                pm_hash64_update(&hc, "\0", 1);
                pm_hash64_update(&hc, doc.part_of.p, doc.part_of.len);
            }
            it->content_hash = pm_hash64_final(&hc) | 1u;
            /* a re-crawl repeats the issuer, 文号 and date too; the same text under
             * another issuer, number or date is another document (an annual notice,
             * a county reissuing its province's notice) */
            uint64_t key[4] = {it->content_hash, (uint64_t)rec.issuer.level,
                               (uint64_t)rec.issuer.region_code, (uint64_t)(uint32_t)rec.date};
            pm_hash64_init(&hc, 0x726563726177ull);
            pm_hash64_update(&hc, key, sizeof key);
            if (rec.docno.p)
                pm_hash64_update(&hc, rec.docno.p, rec.docno.len);
            it->recrawl_hash = pm_hash64_final(&hc) | 1u;
        }
        it->year = rec.year;
        it->date = rec.date;
        it->date_invalid = rec.date_field_invalid;
        it->region = rec.issuer.region_code;
        it->level = rec.issuer.level;
        it->province = rec.issuer.province_code;
        it->ncited = rec.ncited;
        memcpy(it->cited, rec.cited, sizeof it->cited);
        it->pnames = rec.pnames;
        memcpy(it->cats, rec.cats, sizeof it->cats);
        it->row_off = b->rows.len;
        st = pm_doctable_row(&b->rows, e->dicts, e->country, pm_inputs_path(e->inputs, it->src),
                             it->offset, &doc, &rec, e->o->limits.max_field_bytes);
        if (st != PM_OK) {
            b->fatal = st;
            return;
        }
        it->row_len = b->rows.len - it->row_off;
        it->nsig = 0;
        it->rtext_off = b->rtext.len;
        it->rkeys_off = b->rkeys.len;
        if (e->o->reuse.enabled) { /* text reuse: normalise and sign while the body is here */
            double t3 = now();
            st = pm_reuse_doc(&e->o->reuse, doc.body.p, doc.body.len, rec.docno.p,
                              rec.docno.len, &b->rtext, it->sig, &it->nsig, &b->rkeys);
            b->t_reuse += now() - t3;
            if (st != PM_OK) {
                b->fatal = st;
                return;
            }
        }
        it->rtext_len = b->rtext.len - it->rtext_off;
        it->rkeys_n = (b->rkeys.len - it->rkeys_off) / sizeof(uint32_t);
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
            double t = now();
            nap();
            w->wait += now() - t;
        }
    }
}

/* ---- producer side ------------------------------------------------------------------ */

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

static int in_shard(const engine *e, size_t i)
{
    return !e->o->shard_count || i % e->o->shard_count == e->o->shard_index;
}

static pm_status end_open_file(engine *e)
{
    if (e->open_src == NO_SRC)
        return PM_OK;
    size_t i = e->open_src;
    e->open_src = NO_SRC;
    return pm_commit_file_end(e->cm, &e->finfo[i], e->record[i]);
}

/* Makes input src the committer's open file: ends the open one, and begins and ends every
 * input of this shard in between (files that yielded no items still count). */
static pm_status advance_to(engine *e, size_t src)
{
    if (e->open_src == src)
        return PM_OK;
    pm_status st = end_open_file(e);
    while (st == PM_OK && e->next_src <= src && e->next_src < pm_inputs_count(e->inputs)) {
        size_t i = e->next_src++;
        if (!in_shard(e, i))
            continue;
        st = pm_commit_file_begin(e->cm, pm_inputs_path(e->inputs, i), e->record[i]);
        e->open_src = i;
        if (st == PM_OK && i != src)
            st = end_open_file(e);
    }
    return st;
}

/* A stored file's items, replayed exactly as they were first committed. */
static pm_status replay(engine *e, const item *it)
{
    pm_buf payload = {it->replay, it->replay_len, it->replay_len, it->replay_len};
    pm_blk_view *v = malloc(sizeof *v);
    if (!v)
        return PM_ERR_NOMEM;
    pm_status st = pm_blk_file_open(v, &payload);
    v->ndims = pm_dictset_ndims(e->dicts);
    pm_citem ci;
    int r = 0;
    while (st == PM_OK && (r = pm_blk_file_next(v, &ci)) > 0)
        st = pm_commit_item(e->cm, &ci);
    if (st == PM_OK && r < 0)
        st = pm_errctx_set(e->err, PM_ERR_STATE, pm_inputs_path(e->inputs, it->src),
                           "stored results are damaged; remove the state directory");
    free(v);
    return st;
}

static pm_status commit_batch(engine *e, batch *b)
{
    double t = now();
    if (b->fatal != PM_OK)
        return pm_errctx_set(e->err, b->fatal, NULL, "worker failed");
    pm_status st = PM_OK;
    pm_citem ci;
    for (size_t i = 0; st == PM_OK && i < b->n; i++) {
        item *it = &b->items[i];
        st = advance_to(e, it->src);
        if (st != PM_OK)
            break;
        if (it->replay) {
            st = replay(e, it);
            free(it->replay);
            it->replay = NULL;
            continue;
        }
        memset(&ci, 0, offsetof(pm_citem, cats));
        ci.rej = it->rej;
        if (it->is_file) {
            ci.kind = PM_CI_FILE;
        } else if (!it->ok) {
            ci.kind = PM_CI_REJECT;
        } else {
            ci.kind = PM_CI_DOC;
            ci.id_hash = it->id_hash;
            ci.content_hash = it->content_hash;
            ci.recrawl_hash = it->recrawl_hash;
            ci.year = it->year;
            ci.date = it->date;
            ci.date_invalid = it->date_invalid;
            ci.level = it->level;
            ci.region = it->region;
            ci.province = it->province;
            ci.ncited = it->ncited;
            memcpy(ci.cited, it->cited, sizeof ci.cited);
            ci.pnames = it->pnames;
            memcpy(ci.cats, it->cats, sizeof ci.cats);
            ci.row = b->rows.data + it->row_off;
            ci.row_len = it->row_len;
            ci.nsig = it->nsig; /* text reuse */
            memcpy(ci.sig, it->sig, sizeof ci.sig);
            ci.rtext = b->rtext.data + it->rtext_off;
            ci.rtext_len = it->rtext_len;
            ci.rkeys = (const uint32_t *)(const void *)(b->rkeys.data + it->rkeys_off);
            ci.nrkeys = it->rkeys_n;
        }
        st = pm_commit_item(e->cm, &ci);
    }
    e->sum->stats.parse += b->t_parse;
    e->sum->stats.classify += b->t_classify;
    e->sum->stats.render += b->t_render;
    e->sum->stats.reuse_sign += b->t_reuse;
    e->sum->stats.regex_runs += b->dstats.regex_runs;
    e->sum->stats.match_limit_hits += b->dstats.match_limit_hits;
    e->sum->stats.commit += now() - t;
    return st;
}

static void batch_reset(batch *b)
{
    for (size_t i = 0; i < b->n; i++) { /* left over when a commit failed */
        free(b->items[i].replay);
        b->items[i].replay = NULL;
    }
    pm_buf_reset(&b->raw);
    b->n = 0;
    b->t_parse = b->t_classify = b->t_render = b->t_reuse = 0;
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
        if (!helped) {
            double t = now();
            nap();
            e->sum->stats.producer_wait += now() - t;
        }
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
    pm_status gst = pm_array_reserve(&b->items, &b->cap, b->n + 1, sizeof *b->items, 64,
                                     SIZE_MAX / sizeof *b->items);
    if (gst != PM_OK)
        return gst;
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
    pm_gz_limits gl = {e->o->limits.max_member_bytes, e->o->limits.inflate};
    pm_finfo *fi = &e->finfo[idx];
    if (!fi->size)
        fi->size = pm_inputs_size(e->inputs, idx);
    pm_status st = pm_gz_open(&gz, path, &gl);
    if (st == PM_ERR_NOMEM) /* the machine's problem, not the file's: stop the run */
        return st;
    if (st != PM_OK) {
        fi->failed = 1;
        fi->complete = 1;
        return file_reject(e, idx, st, strerror(errno));
    }
    pm_gz_set_stop(gz, e->o->stop);
    const char *head = NULL;
    size_t hlen = 0;
    st = pm_gz_peek(gz, 4096, &head, &hlen);
    if (st == PM_ERR_IO || st == PM_ERR_NOMEM) {
        pm_gz_close(gz);
        fi->failed = 1;
        fi->complete = st == PM_ERR_IO;
        return st == PM_ERR_IO ? file_reject(e, idx, st, "read failed") : st;
    }
    const pm_format *fmt = hlen ? pm_format_sniff(head, hlen) : NULL;
    int utf16 = hlen >= 2 && (((unsigned char)head[0] == 0xFF && (unsigned char)head[1] == 0xFE) ||
                              ((unsigned char)head[0] == 0xFE && (unsigned char)head[1] == 0xFF));
    if (!fmt || utf16) {
        fi->bytes_in = pm_gz_in_bytes(gz);
        pm_gz_close(gz);
        fi->read = 1;
        fi->complete = 1;
        fi->not_corpus = 1;
        if (utf16)
            return file_reject(e, idx, PM_ERR_UTF8, "UTF-16 text (byte-order mark): convert to UTF-8");
        return file_reject(e, idx, hlen ? PM_ERR_NOT_CORPUS : PM_ERR_EMPTY,
                           hlen ? "no known format (corpus XML expected)" : "zero bytes");
    }
    void *sp = NULL;
    st = fmt->split_create(&sp, &e->lim);
    if (st != PM_OK) {
        pm_gz_close(gz);
        return st;
    }
    fi->read = 1;
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
        if (res == PM_SPLIT_SKIP) { /* by design (WARC request, blank line): counted only */
            fi->records_skipped++;
            continue;
        }
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
    fi->bytes_in = pm_gz_in_bytes(gz);
    fi->bytes_out = pm_gz_out_bytes(gz);
    fi->complete = st == PM_OK && !stopped(e);
    fmt->split_free(sp);
    pm_gz_close(gz);
    return st;
}

/* --state: reuse the stored results of input idx when the file is unchanged. Sets
 * *reused; on reuse a replay item carries the stored block to the committer. */
static pm_status try_reuse(engine *e, size_t idx, int *reused)
{
    *reused = 0;
    const char *path = pm_inputs_path(e->inputs, idx);
    pm_finfo *fi = &e->finfo[idx];
    e->record[idx] = strcmp(path, "-") != 0;
    if (!e->record[idx] || pm_finfo_stat(path, fi) != PM_OK)
        return PM_OK; /* stdin, or gone: read it as usual (and report) */
    pm_buf payload;
    pm_buf_init(&payload, (size_t)PM_BLK_MAX);
    int found = 0;
    pm_status st = pm_state_load(e->o->state_dir, path, e->fingerprint, &payload, &found, e->err);
    pm_blk_view *v = NULL;
    if (st == PM_OK && found && !(v = malloc(sizeof *v)))
        st = PM_ERR_NOMEM;
    if (st == PM_OK && found && pm_blk_file_open(v, &payload) == PM_OK) {
        const pm_finfo *old = &v->fi;
        int same_stat = old->size == fi->size && old->mtime_ns == fi->mtime_ns &&
                        old->ctime_ns == fi->ctime_ns && old->ino == fi->ino;
        if (same_stat && !e->o->state_verify) {
            *reused = 1;
            e->record[idx] = 0;
        } else if (old->size == fi->size) { /* touched or copied: compare the content */
            st = pm_file_hash64(path, &fi->content_hash);
            *reused = st == PM_OK && fi->content_hash == old->content_hash;
            e->record[idx] = !same_stat; /* remember the new identity */
            if (st != PM_OK) /* unreadable now: read_input reports it */
                st = PM_OK;
        }
        if (*reused) {
            pm_finfo cur = *fi;
            *fi = *old;
            fi->size = cur.size;
            fi->ino = cur.ino;
            fi->mtime_ns = cur.mtime_ns;
            fi->ctime_ns = cur.ctime_ns;
        }
    }
    free(v);
    if (st == PM_OK && *reused) {
        item proto;
        memset(&proto, 0, offsetof(item, cats));
        proto.src = idx;
        proto.replay = payload.data; /* handed over to the item */
        proto.replay_len = payload.len;
        payload.data = NULL;
        e->sum->state_reused++;
        st = add_item(e, &proto, NULL, NULL);
    }
    pm_buf_free(&payload);
    if (st == PM_OK && !*reused && !fi->content_hash && pm_file_hash64(path, &fi->content_hash) != PM_OK)
        fi->content_hash = 0;
    return st;
}

static pm_status produce(engine *e)
{
    pm_status st = PM_OK;
    size_t n = pm_inputs_count(e->inputs);
    for (size_t i = e->first_src; i < n && st == PM_OK && !stopped(e); i++) {
        if (!in_shard(e, i))
            continue;
        int reused = 0;
        if (e->o->state_dir)
            st = try_reuse(e, i, &reused);
        if (st == PM_OK && !reused)
            st = read_input(e, i);
    }
    if (st == PM_OK)
        st = submit(e);
    /* Drain: commit everything submitted, even after an error, so no worker is left
     * holding a slot. */
    while (e->head < e->tail) {
        pm_status s2 = retire_oldest(e);
        if (st == PM_OK)
            st = s2;
    }
    /* inputs of this shard that yielded no items at all still count as files */
    if (st == PM_OK && !stopped(e))
        st = advance_to(e, n);
    if (st == PM_OK)
        st = end_open_file(e);
    return st;
}

/* ---- setup / teardown ---------------------------------------------------------------- */

static void engine_free(engine *e)
{
    if (e->ring) {
        for (size_t k = 0; k < e->nslots; k++) {
            batch_reset(&e->ring[k]);
            pm_buf_free(&e->ring[k].raw);
            pm_buf_free(&e->ring[k].rows);
            pm_buf_free(&e->ring[k].rtext);
            pm_buf_free(&e->ring[k].rkeys);
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
    pm_commit_free(e->cm);
    free(e->finfo);
    free(e->record);
    pm_inputs_free(e->inputs);
    pm_classifier_free(e->cls);
    pm_country_free(e->country);
    pm_dirlock_release(e->lock_state);
    pm_dirlock_release(e->lock_out);
}

static uint64_t listing_hash(const pm_inputs *in)
{
    pm_hash64_ctx c;
    pm_hash64_init(&c, 0x6c697374ull);
    for (size_t i = 0; i < pm_inputs_count(in); i++) {
        const char *p = pm_inputs_path(in, i);
        pm_hash64_update(&c, p, strlen(p) + 1);
    }
    return pm_hash64_final(&c);
}

/* Opens the output directory and the committer. A stale manifest must never vouch for
 * tables this run is about to replace, so it goes first. */
static pm_status open_outputs(engine *e, pm_part_header *ph)
{
    const pm_run_options *o = e->o;
    const char *dir = o->outdir;
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    if (unlink(mpath) != 0 && errno != ENOENT)
        return pm_errctx_set(e->err, PM_ERR_OUTPUT, mpath, "cannot remove: %s", strerror(errno));
    memset(ph, 0, sizeof *ph);
    snprintf(ph->fingerprint, sizeof ph->fingerprint, "%s", e->fingerprint);
    ph->listing_hash = listing_hash(e->inputs);
    ph->listing_count = pm_inputs_count(e->inputs);
    ph->shard_count = o->shard_count;
    ph->n_shards = 1;
    ph->shards[0] = o->shard_index;
    ph->limits = o->limits;
    ph->dict = o->dict;
    pm_commit_config cc = {dir, o->dict_dir, e->cls, e->country, &o->diffusion, o->no_diffusion,
                           !o->shard_count, o->shard_count ? ph : NULL, o->state_dir,
                           e->fingerprint, e->sum, e->err, &o->reuse};
    pm_status st = pm_commit_create(&e->cm, &cc);
    /* Directory loops are found while expanding the inputs, before any file: their rows
     * come first, from a pseudo-file "" that shard 0 carries. */
    size_t nf = pm_inputs_failed_count(e->inputs);
    if (st == PM_OK && nf && (!o->shard_count || o->shard_index == 0)) {
        st = pm_commit_file_begin(e->cm, "", 0);
        for (size_t i = 0; st == PM_OK && i < nf; i++) {
            pm_citem ci;
            memset(&ci, 0, offsetof(pm_citem, cats));
            ci.kind = PM_CI_FILE;
            ci.rej.code = PM_ERR_LOOP;
            ci.source = pm_inputs_failed_path(e->inputs, i);
            snprintf(ci.rej.detail, sizeof ci.rej.detail,
                     "symlink loop: directory already on the walk path; not followed");
            st = pm_commit_item(e->cm, &ci);
        }
        pm_finfo none;
        memset(&none, 0, sizeof none);
        if (st == PM_OK)
            st = pm_commit_file_end(e->cm, &none, 0);
    }
    return st;
}

/* After a complete run: stored files whose input is gone are dropped, and temporary files
 * a killed run left behind are removed. */
static pm_status state_gc(engine *e)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/blocks", e->o->state_dir);
    size_t n = pm_inputs_count(e->inputs);
    char (*keep)[32] = calloc(n + 1, sizeof *keep);
    if (!keep)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        pm_state_name(pm_inputs_path(e->inputs, i), keep[i]);
    qsort(keep, n, sizeof *keep, (int (*)(const void *, const void *))strcmp);
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        const char *nm = de->d_name;
        size_t l = strlen(nm);
        int tmp = nm[0] == '.' && l > 5 && strcmp(nm + l - 5, ".part") == 0;
        int blk = nm[0] != '.' && l > 4 && strcmp(nm + l - 4, ".pmb") == 0;
        if (!tmp && !blk)
            continue;
        if (blk && bsearch(nm, keep, n, sizeof *keep, (int (*)(const void *, const void *))strcmp))
            continue;
        char full[4400];
        snprintf(full, sizeof full, "%s/%s", dir, nm);
        if (unlink(full) == 0 && blk)
            e->sum->state_removed++;
    }
    if (d)
        closedir(d);
    free(keep);
    return PM_OK;
}

pm_status pm_run(const pm_run_options *o, pm_run_summary *sum, pm_errctx *err)
{
    engine E, *e = &E;
    memset(e, 0, sizeof *e);
    memset(sum, 0, sizeof *sum);
    pm_errctx_clear(err);
    e->o = o;
    e->lim = o->limits;
    if (!e->lim.dict_dir)
        e->lim.dict_dir = o->dict_dir;
    e->sum = sum;
    e->err = err;
    e->t0 = now();
    e->open_src = NO_SRC;

    if (!o->outdir || !o->n_inputs)
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "need an output directory and inputs");
    if (o->shard_count && (o->shard_index >= o->shard_count || o->shard_count > 256))
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "shard I/N needs 0 <= I < N <= 256");

    /* One run per directory, decided before anything there is touched (and before the
     * slow dictionary load, so a second run refuses at once). */
    pm_status st = pm_dirlock_acquire(&e->lock_out, o->outdir, err);
    if (st == PM_OK && o->state_dir)
        st = pm_dirlock_acquire(&e->lock_state, o->state_dir, err);
    /* the pack first: the classifier reads every document's text half through it */
    if (st == PM_OK)
        st = pm_country_open_dir(&e->country, o->country, o->dict_dir, err);
    /* a refresh keeps the compiled prefilter in its state (classify/dictcache.c) */
    pm_dict_options dopt = o->dict;
    char cache_dir[4200];
    if (o->state_dir) {
        snprintf(cache_dir, sizeof cache_dir, "%s/dictcache", o->state_dir);
        dopt.cache_dir = cache_dir;
    }
    if (st == PM_OK)
        st = pm_classifier_load_country(&e->cls, e->country, o->dict_dir, &dopt, err);
    /* the web readers' host table is a pack file too */
    if (st == PM_OK && e->lim.dict_dir == o->dict_dir)
        e->lim.dict_dir = pm_country_file_dir(e->country, o->dict_dir, "gov_hosts.tsv");
    if (st != PM_OK) {
        engine_free(e);
        return st;
    }
    e->dicts = pm_classifier_dicts(e->cls);
    for (unsigned l = 0; l <= pm_country_level_count(e->country) && l < 9; l++)
        snprintf(sum->level_key[l], sizeof sum->level_key[l], "%s",
                 pm_country_record_level_key(e->country, l));
    pm_fingerprint(e->cls, e->country, &e->lim, &o->dict, &o->reuse, e->fingerprint, sizeof e->fingerprint);

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
    size_t ninputs = pm_inputs_count(e->inputs);
    e->ring = aligned_alloc(LINE, e->nslots * sizeof *e->ring);
    e->workers = aligned_alloc(LINE, (size_t)nt * sizeof *e->workers);
    if (e->ring)
        memset(e->ring, 0, e->nslots * sizeof *e->ring);
    if (e->workers)
        memset(e->workers, 0, (size_t)nt * sizeof *e->workers);
    e->finfo = calloc(ninputs + 1, sizeof *e->finfo);
    e->record = calloc(ninputs + 1, 1);
    if (!e->ring || !e->workers || !e->finfo || !e->record)
        st = PM_ERR_NOMEM;
    for (size_t k = 0; st == PM_OK && k < e->nslots; k++) {
        pm_buf_init(&e->ring[k].raw, BATCH_BYTES + o->limits.max_doc_bytes + 1024);
        pm_buf_init(&e->ring[k].rows, (size_t)1 << 31);
        pm_buf_init(&e->ring[k].rtext, (size_t)1 << 31);
        pm_buf_init(&e->ring[k].rkeys, (size_t)1 << 31);
        atomic_init(&e->ring[k].state, SLOT_FREE);
    }
    for (int t = 0; st == PM_OK && t < nt; t++)
        st = pm_classify_scratch_create(&e->workers[t].cls, e->cls);
    pm_part_header ph;
    if (st == PM_OK)
        st = open_outputs(e, &ph);
    if (st != PM_OK) {
        if (err->code == PM_OK)
            pm_errctx_set(err, st, o->outdir, "setting up the run");
        engine_free(e);
        return st;
    }

    /* A refresh starts where the last complete run ended when its inputs come first and
     * unchanged (checkpoint.c); the rest of the inputs are read or replayed as usual.
     * Directory loops' rows come before every file, so they disable it. */
    if (o->state_dir) {
        pm_ckpt_key(e->fingerprint, &o->diffusion, o->no_diffusion, &o->reuse, e->ckpt_key,
                    sizeof e->ckpt_key);
        if (!o->shard_count && !o->state_verify && !pm_inputs_failed_count(e->inputs)) {
            pm_run_summary before = *sum;
            st = pm_ckpt_restore(o->state_dir, e->ckpt_key, e->inputs, e->cm, &e->first_src, err);
            /* Found damaged half-way through restoring (text reuse verifies its files as
             * it loads them; the checkpoint is then removed): the committer, half
             * restored, is made again and the stored files are replayed, as without one. */
            if (st == PM_ERR_STATE) {
                pm_commit_free(e->cm);
                e->cm = NULL;
                *sum = before;
                pm_errctx_clear(err);
                e->first_src = 0;
                st = open_outputs(e, &ph);
            }
        }
        e->next_src = e->first_src;
        sum->state_reused += e->first_src;
        sum->state_checkpoint = e->first_src;
        if (st != PM_OK) {
            engine_free(e);
            return st;
        }
    }

    atomic_init(&e->producer_done, 0);
    pm_readers_init(); /* before any thread creates a parser */
    sum->stats.setup = now() - e->t0;
    sum->stats.setup_cpu = cpu_now();
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
    for (int t = 0; t < nt; t++)
        sum->stats.worker_wait += e->workers[t].wait;
    double t_fin = now(), c_fin = cpu_now();

    int interrupted = stopped(e);
    int complete = st == PM_OK && !interrupted;
    /* The aggregate tables are the serial end of the run: with two threads or more, the
     * committer's independent writers run as tasks of a team of two (commit.c, adopt.c). */
    pm_status fst = PM_OK;
#pragma omp parallel num_threads(nt > 1 ? 2 : 1)
#pragma omp single
    fst = pm_commit_finish(e->cm, complete, interrupted);
    if (st == PM_OK && fst != PM_OK)
        st = fst;
    /* text reuse checks the checkpoint's texts only as its finish reads them */
    if (fst == PM_ERR_STATE && e->first_src)
        pm_ckpt_drop(o->state_dir);
    complete = complete && fst == PM_OK;
    if (complete && o->state_dir)
        st = state_gc(e);
    if (complete && st == PM_OK && o->state_dir && !o->shard_count)
        st = pm_ckpt_save(o->state_dir, e->ckpt_key, o->outdir, e->cm, err);
    sum->stats.finish = now() - t_fin;
    sum->stats.finish_cpu = cpu_now() - c_fin;
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
        pm_status mst = pm_manifest_write(o, e->cls, e->country, e->cm, sum, complete, err);
        if (st == PM_OK)
            st = mst;
    }
    if (st == PM_OK && sum->files_failed)
        st = pm_errctx_set(err, PM_ERR_OPEN, NULL, "%llu input file(s) could not be read",
                           (unsigned long long)sum->files_failed);
    engine_free(e);
    return st;
}
