/* engine/commit.c - the committer: items, file by file in input order, become the tables.
 *
 * It owns the rules that need the whole input order: a doc id or a (title, body) seen
 * earlier makes a later document a duplicate (kept once, the later ones listed in
 * rejects.tsv); the summary counters; and feeding every kept document to the corpus-level
 * analyses (counts, text reuse, adoptions, discovery: the table in analyses.c, driven
 * only through the vtable of analysis.h). A fresh run, a merge of shard parts and a
 * refresh that replays stored files all feed the same items through here in the same
 * order, so they write the same bytes. It can also record each file's items as a block:
 * into a shard's part.pmb, or into the refresh state directory.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policyminer/hash.h"
#include "policyminer/hmap.h"
#include "policyminer/sinks.h"
#include "analysis.h"

/* The first document of each title + body, by content hash, so a later document with the
 * same text under another government's name can point at it (documents.tsv copy_of). */
typedef struct cfirst {
    uint32_t id_off, region; /* id in the commit's id arena; issuer region */
    uint16_t id_len;
    uint8_t level;
} cfirst;

typedef struct fentry {
    char *path;
    pm_finfo fi;             /* its counts and identity (the refresh checkpoint's) */
} fentry;

struct pm_commit {
    pm_commit_config cfg;
    const pm_dictset *d;
    size_t ndims, instr_dim;
    pm_outfile *f_docs, *f_rejects, *f_part;
    pm_buf rejbuf, items, blk;
    pm_analysis_ctx actx;
    void *astate[PM_ANALYSES_MAX]; /* per entry of pm_analyses(); NULL = not enabled */
    size_t nanalyses;
    size_t nfinished;        /* entries whose tables were written */
    pm_hmap *ids, *recrawls; /* id hashes and re-crawl hashes seen (values unused) */
    pm_hmap *firsts;         /* content hash -> index in first_v */
    cfirst *first_v;         /* the first document with each text, in input order */
    size_t nfirst, first_cap;
    pm_buf first_ids;        /* their doc ids */
    uint64_t *first_hash;    /* their content hashes (the checkpoint rebuilds firsts) */
    size_t first_hash_cap;
    uint64_t *idv, *recv;    /* the keys of ids and recrawls in insertion order (same) */
    size_t nidv, idv_cap, nrecv, recv_cap;
    uint64_t dig[4];         /* documents.tsv, rejects.tsv: length and digest when done */
    size_t docs_hdr, rej_hdr; /* their header bytes */
    uint64_t docs_hdr_hash;   /* pm_hash64 of documents.tsv's header */
    int done;                /* the tables were written (pm_commit_finish, complete) */
    pm_buf row;              /* a documents.tsv row with its copy_of field */
    char path[4096];
    int in_file;
    int encode;              /* this file's items go into a block (part or state) */
    uint64_t part_blocks;
    fentry *files;
    size_t nfiles, files_cap;
};

static pm_status flush_rejects(pm_commit *c, int force)
{
    if (!c->f_rejects || (!force && c->rejbuf.len < (1u << 16)))
        return PM_OK;
    pm_status st = pm_outfile_write(c->f_rejects, c->rejbuf.data, c->rejbuf.len, c->cfg.err);
    pm_buf_reset(&c->rejbuf);
    return st;
}

pm_status pm_commit_create(pm_commit **out, const pm_commit_config *cfg)
{
    *out = NULL;
    pm_commit *c = calloc(1, sizeof *c);
    if (!c)
        return PM_ERR_NOMEM;
    c->cfg = *cfg;
    c->d = pm_classifier_dicts(cfg->cls);
    c->ndims = pm_dictset_ndims(c->d);
    c->instr_dim = pm_dictset_dim_find(c->d, "instrument");
    pm_buf_init(&c->rejbuf, (size_t)1 << 24);
    pm_buf_init(&c->items, (size_t)PM_BLK_MAX);
    pm_buf_init(&c->blk, (size_t)PM_BLK_MAX);
    pm_buf_init(&c->first_ids, (size_t)UINT32_MAX);
    pm_buf_init(&c->row, (size_t)1 << 30);
    pm_errctx *err = cfg->err;
    const char *dir = cfg->outdir;
    pm_status st = pm_hmap_create(&c->ids, 0, 0);
    if (st == PM_OK)
        st = pm_hmap_create(&c->recrawls, 0, 0);
    if (st == PM_OK)
        st = pm_hmap_create(&c->firsts, 0, 0);
    if (cfg->tables) {
        c->actx = (pm_analysis_ctx){&c->cfg, c->d, NULL};
        const pm_analysis *const *an = pm_analyses();
        for (; st == PM_OK && an[c->nanalyses]; c->nanalyses++) {
            assert(c->nanalyses < PM_ANALYSES_MAX);
            st = an[c->nanalyses]->create(&c->astate[c->nanalyses], &c->actx);
        }
        if (st == PM_OK)
            st = pm_outfile_open(&c->f_docs, dir, "documents.tsv", err);
        if (st == PM_OK)
            st = pm_outfile_open(&c->f_rejects, dir, "rejects.tsv", err);
        if (st == PM_OK) { /* a refresh checkpoint names the two tables by their digests */
            pm_outfile_track(c->f_docs);
            pm_outfile_track(c->f_rejects);
        }
        if (st == PM_OK) {
            pm_buf hdr;
            pm_buf_init(&hdr, 1u << 20);
            st = pm_doctable_header(&hdr, c->d, cfg->country);
            if (st == PM_OK)
                st = pm_outfile_write(c->f_docs, hdr.data, hdr.len, err);
            c->docs_hdr = hdr.len;
            c->docs_hdr_hash = pm_hash64(hdr.data, hdr.len, PM_OUTFILE_SEED);
            pm_buf_free(&hdr);
        }
        if (st == PM_OK)
            st = pm_rejects_header(&c->rejbuf);
        c->rej_hdr = c->rejbuf.len;
    }
    if (st == PM_OK && cfg->part) {
        st = pm_outfile_open(&c->f_part, dir, "part.pmb", err);
        if (st == PM_OK)
            st = pm_blk_header(&c->blk, cfg->part);
        if (st == PM_OK)
            st = pm_outfile_write(c->f_part, c->blk.data, c->blk.len, err);
        pm_buf_reset(&c->blk);
    }
    if (st == PM_OK && cfg->state_dir) {
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/blocks", cfg->state_dir);
        if (pm_outfile_mkdirs(sub) != 0)
            st = pm_errctx_set(err, PM_ERR_OUTPUT, sub, "cannot create: %s", strerror(errno));
    }
    if (st != PM_OK) {
        if (err && err->code == PM_OK)
            pm_errctx_set(err, st, dir, "setting up the outputs");
        pm_commit_free(c);
        return st;
    }
    *out = c;
    return PM_OK;
}

void pm_commit_free(pm_commit *c)
{
    if (!c)
        return;
    pm_outfile_abort(c->f_docs);
    pm_outfile_abort(c->f_rejects);
    pm_outfile_abort(c->f_part);
    pm_buf_free(&c->rejbuf);
    pm_buf_free(&c->items);
    pm_buf_free(&c->blk);
    const pm_analysis *const *an = pm_analyses();
    for (size_t i = c->nanalyses; i-- > 0;) /* reverse: later entries may use earlier ones' */
        an[i]->free(c->astate[i]);
    pm_hmap_free(c->ids);
    pm_hmap_free(c->recrawls);
    pm_hmap_free(c->firsts);
    free(c->first_v);
    free(c->first_hash);
    free(c->idv);
    free(c->recv);
    pm_buf_free(&c->first_ids);
    pm_buf_free(&c->row);
    for (size_t i = 0; i < c->nfiles; i++)
        free(c->files[i].path);
    free(c->files);
    free(c);
}

pm_status pm_commit_file_begin(pm_commit *c, const char *path, int record_state)
{
    if (strlen(path) >= sizeof c->path)
        return pm_errctx_set(c->cfg.err, PM_ERR_ARG, NULL, "path too long");
    strcpy(c->path, path);
    pm_buf_reset(&c->items);
    c->in_file = 1;
    /* a file replayed from the state keeps its stored block: no need to encode it again */
    c->encode = c->cfg.part || (c->cfg.state_dir && record_state);
    return PM_OK;
}

static pm_status reject_row(pm_commit *c, const char *source, const pm_reject *r)
{
    pm_run_summary *s = c->cfg.sum;
    s->docs_rejected++;
    s->docs_seen++;
    if (r->code < PM_STATUS_LAST)
        s->rejects_by_reason[r->code]++;
    if (!c->cfg.tables)
        return PM_OK;
    pm_status st = pm_rejects_row(&c->rejbuf, source, r->offset, r->doc_id, r->code, r->detail);
    return st == PM_OK ? flush_rejects(c, 0) : st;
}

/* Appends key to a capped vector of keys (the insertion order of a hash map's keys). */
static pm_status remember(uint64_t **v, size_t *n, size_t *cap, uint64_t key)
{
    pm_status st = pm_array_reserve(v, cap, *n + 1, sizeof **v, 1u << 14, UINT32_MAX);
    if (st == PM_OK)
        (*v)[(*n)++] = key;
    return st;
}

static void count_instruments(pm_commit *c, const pm_citem *it)
{
    if (c->instr_dim == (size_t)-1)
        return;
    const pm_catset *cs = &it->cats[c->instr_dim];
    size_t nc = pm_dictset_ncats(c->d, c->instr_dim);
    int any = 0, fiscal = 0;
    for (size_t k = 0; k < nc; k++) {
        if (!pm_catset_has(cs, (unsigned)k))
            continue;
        any = 1;
        if (strcmp(pm_dictset_cat_group(c->d, c->instr_dim, k), "fiscal_financial") == 0)
            fiscal = 1;
    }
    c->cfg.sum->instrument_docs += (uint64_t)any;
    c->cfg.sum->fiscal_docs += (uint64_t)fiscal;
}

pm_status pm_commit_item(pm_commit *c, const pm_citem *it)
{
    pm_status st = PM_OK;
    pm_run_summary *s = c->cfg.sum;
    if (c->encode)
        if ((st = pm_blk_items_add(&c->items, it, c->ndims)) != PM_OK)
            return pm_errctx_set(c->cfg.err, st, c->path, "recording the file's results");
    const char *source = it->source ? it->source : c->path;
    if (it->kind == PM_CI_FILE) {
        if (it->rej.code < PM_STATUS_LAST)
            s->rejects_by_reason[it->rej.code]++;
        if (!c->cfg.tables)
            return PM_OK;
        st = pm_rejects_row(&c->rejbuf, source, 0, "", it->rej.code, it->rej.detail);
        return st == PM_OK ? flush_rejects(c, 0) : st;
    }
    if (it->kind == PM_CI_REJECT)
        return reject_row(c, source, &it->rej);

    /* The first document with an id in input order is kept, and the first fetch of a
     * document: a re-crawl repeats title, body, resolved issuer, 文号 and date. */
    int added = 0, dup;
    pm_status why = PM_ERR_DUP_ID;
    if (!pm_hmap_put(c->ids, it->id_hash, &added, &st) ||
        (added && (st = remember(&c->idv, &c->nidv, &c->idv_cap, it->id_hash)) != PM_OK))
        return pm_errctx_set(c->cfg.err, st, c->path, "remembering document ids");
    dup = !added;
    if (!dup && it->recrawl_hash) {
        if (!pm_hmap_put(c->recrawls, it->recrawl_hash, &added, &st) ||
            (added && (st = remember(&c->recv, &c->nrecv, &c->recv_cap, it->recrawl_hash)) != PM_OK))
            return pm_errctx_set(c->cfg.err, st, c->path, "remembering document ids");
        dup = !added;
        why = PM_ERR_DUP_CONTENT;
    }
    if (dup) {
        pm_reject r = it->rej;
        r.code = why;
        snprintf(r.detail, sizeof r.detail, "%s",
                 why == PM_ERR_DUP_ID ? "id seen earlier in the input order; kept the first"
                                      : "a re-crawl: title, body, issuer, 文号 and date identical "
                                        "to an earlier document; kept the first");
        return reject_row(c, source, &r);
    }
    /* The same text issued by another government is a reissue: kept, and pointed at the
     * first document (in input order) that carried it. */
    const char *copy_of = "";
    size_t copy_len = 0;
    if (it->content_hash) {
        int added;
        uint64_t *slot = pm_hmap_put(c->firsts, it->content_hash, &added, &st);
        if (!slot)
            return pm_errctx_set(c->cfg.err, st, c->path, "remembering document texts");
        if (added) {
            size_t idn = strnlen(it->rej.doc_id, sizeof it->rej.doc_id);
            if (c->first_ids.len + idn > UINT32_MAX || idn > UINT16_MAX)
                return pm_errctx_set(c->cfg.err, PM_ERR_TOO_BIG, c->path,
                                     "more than 4 GB of document ids");
            uint32_t off = (uint32_t)c->first_ids.len;
            st = pm_array_reserve(&c->first_v, &c->first_cap, c->nfirst + 1, sizeof *c->first_v,
                                  1u << 14, UINT32_MAX);
            if (st == PM_OK)
                st = pm_array_reserve(&c->first_hash, &c->first_hash_cap, c->nfirst + 1,
                                      sizeof *c->first_hash, 1u << 14, UINT32_MAX);
            if (st == PM_OK)
                st = pm_buf_append(&c->first_ids, it->rej.doc_id, idn);
            if (st != PM_OK)
                return st; /* the map then holds an index not yet filled: the run stops */
            *slot = c->nfirst;
            c->first_hash[c->nfirst] = it->content_hash;
            c->first_v[c->nfirst++] = (cfirst){off, it->region, (uint16_t)idn, (uint8_t)it->level};
        } else if (c->first_v[*slot].region != it->region ||
                   c->first_v[*slot].level != it->level) {
            const cfirst *f = &c->first_v[*slot];
            copy_of = c->first_ids.data + f->id_off;
            copy_len = f->id_len;
        }
    }
    if (c->cfg.tables) {
        pm_buf_reset(&c->row);
        st = pm_buf_append(&c->row, it->row, it->row_len ? it->row_len - 1 : 0); /* no \n */
        if (st == PM_OK)
            st = pm_buf_append(&c->row, "\t", 1);
        if (st == PM_OK)
            st = pm_tsv_field(&c->row, copy_of, copy_len, 0);
        if (st == PM_OK)
            st = pm_buf_append(&c->row, "\n", 1);
        if (st == PM_OK)
            st = pm_outfile_write(c->f_docs, c->row.data, c->row.len, c->cfg.err);
        const pm_analysis *const *an = pm_analyses();
        for (size_t i = 0; st == PM_OK && i < c->nanalyses; i++)
            if (c->astate[i] && an[i]->add)
                st = an[i]->add(c->astate[i], it, &c->actx);
    }
    s->docs_seen++;
    s->docs_classified++;
    s->invalid_date_fields += (uint64_t)(it->date_invalid != 0);
    s->by_level[it->level < 9 ? it->level : 0]++;
    s->discovery.candidates += it->pnames.n; /* issue 14: what discovery saw and cut */
    s->discovery.cut_per_doc += it->pnames.cut;
    s->discovery.docs_with_candidates += it->pnames.n > 0;
    count_instruments(c, it);
    return st;
}

static pm_status write_state(pm_commit *c, const pm_finfo *fi)
{
    pm_part_header h;
    memset(&h, 0, sizeof h);
    snprintf(h.fingerprint, sizeof h.fingerprint, "%s", c->cfg.fingerprint);
    pm_buf_reset(&c->blk);
    pm_status st = pm_blk_header(&c->blk, &h);
    if (st == PM_OK)
        st = pm_blk_file(&c->blk, c->path, fi, &c->items);
    if (st == PM_OK)
        st = pm_blk_end(&c->blk, 1);
    char dir[4096], name[32];
    snprintf(dir, sizeof dir, "%s/blocks", c->cfg.state_dir);
    pm_state_name(c->path, name);
    pm_outfile *f = NULL;
    if (st == PM_OK)
        st = pm_outfile_open(&f, dir, name, c->cfg.err);
    if (st == PM_OK)
        st = pm_outfile_write(f, c->blk.data, c->blk.len, c->cfg.err);
    if (st == PM_OK) {
        st = pm_outfile_commit(f, c->cfg.err);
        f = NULL;
    }
    pm_outfile_abort(f);
    pm_buf_reset(&c->blk);
    return st;
}

pm_status pm_commit_file_end(pm_commit *c, const pm_finfo *fi, int record_state)
{
    pm_status st = PM_OK;
    pm_run_summary *s = c->cfg.sum;
    c->in_file = 0;
    if (c->path[0]) { /* "" is the listing's own rows (directory loops), not a file */
        s->files_seen++;
        s->files_read += (uint64_t)fi->read;
        s->files_failed += (uint64_t)fi->failed;
        s->files_not_corpus += (uint64_t)fi->not_corpus;
        s->bytes_in += fi->bytes_in;
        s->bytes_out += fi->bytes_out;
        s->records_skipped += fi->records_skipped;
        st = pm_array_reserve(&c->files, &c->files_cap, c->nfiles + 1, sizeof *c->files, 256,
                              SIZE_MAX / sizeof *c->files);
        if (st != PM_OK)
            return st;
        c->files[c->nfiles].path = strdup(c->path);
        if (!c->files[c->nfiles].path)
            return PM_ERR_NOMEM;
        c->files[c->nfiles++].fi = *fi;
    }
    if (c->cfg.part) {
        pm_buf_reset(&c->blk);
        st = pm_blk_file(&c->blk, c->path, fi, &c->items);
        if (st == PM_OK)
            st = pm_outfile_write(c->f_part, c->blk.data, c->blk.len, c->cfg.err);
        pm_buf_reset(&c->blk);
        c->part_blocks++;
    }
    /* Only a file read to its end is worth remembering. */
    if (st == PM_OK && c->cfg.state_dir && record_state && fi->complete && c->path[0])
        st = write_state(c, fi);
    pm_buf_reset(&c->items);
    return st;
}

/* Every enabled analysis' finish, as if in table order: the entries marked alone run as
 * tasks (each with its own error context) beside the others, which run in order on this
 * thread; the first failure in table order is the result. Within a parallel region that
 * uses two threads for the serial end of a run; outside one, the same work in turn. */
static pm_status finish_analyses(pm_commit *c)
{
    const pm_analysis *const *an = pm_analyses();
    pm_status ast[PM_ANALYSES_MAX];
    pm_errctx aerr[PM_ANALYSES_MAX];
    pm_commit_config acfg[PM_ANALYSES_MAX];
    pm_analysis_ctx actx[PM_ANALYSES_MAX];
    for (size_t i = 0; i < c->nanalyses; i++) {
        ast[i] = PM_OK;
        if (!c->astate[i] || !an[i]->alone)
            continue;
        pm_errctx_clear(&aerr[i]);
        acfg[i] = c->cfg;
        acfg[i].err = &aerr[i];
        actx[i] = c->actx;
        actx[i].cfg = &acfg[i];
#pragma omp task default(none) firstprivate(i) shared(c, an, ast, actx)
        ast[i] = an[i]->finish(c->astate[i], &actx[i]);
    }
    pm_status st = PM_OK;
    size_t failed = c->nanalyses;
    for (size_t i = 0; i < c->nanalyses && st == PM_OK; i++)
        if (c->astate[i] && !an[i]->alone && (st = an[i]->finish(c->astate[i], &c->actx)) != PM_OK)
            failed = i;
#pragma omp taskwait
    for (size_t i = 0; i < failed; i++)
        if (ast[i] != PM_OK) {
            failed = i;
            st = ast[i];
            if (c->cfg.err)
                *c->cfg.err = aerr[i];
            break;
        }
    c->nfinished = failed;
    return st;
}

pm_status pm_commit_finish(pm_commit *c, int complete, int keep_partial)
{
    pm_status st = flush_rejects(c, 1);
    pm_errctx *err = c->cfg.err;
    if (!complete || st != PM_OK) {
        if (st == PM_OK && keep_partial) { /* interrupted: partial tables stay as .part */
            pm_outfile_keep_partial(c->f_docs);
            pm_outfile_keep_partial(c->f_rejects);
            c->f_docs = c->f_rejects = NULL;
        }
        pm_outfile_abort(c->f_docs);
        pm_outfile_abort(c->f_rejects);
        pm_outfile_abort(c->f_part);
        c->f_docs = c->f_rejects = c->f_part = NULL;
        return st;
    }
    if (c->f_part) {
        pm_buf_reset(&c->blk);
        st = pm_blk_end(&c->blk, c->part_blocks);
        if (st == PM_OK)
            st = pm_outfile_write(c->f_part, c->blk.data, c->blk.len, err);
        if (st == PM_OK)
            st = pm_outfile_commit(c->f_part, err);
        c->f_part = NULL;
    }
    if (st == PM_OK && c->cfg.tables) {
        /* The two big tables reach the disk before any table is renamed: a full disk then
         * leaves no table at all under its final name. */
        st = pm_outfile_sync(c->f_docs, err);
        if (st == PM_OK)
            st = pm_outfile_sync(c->f_rejects, err);
        if (st == PM_OK)
            st = finish_analyses(c);
        pm_outfile_digest(c->f_docs, &c->dig[0], &c->dig[1]);
        pm_outfile_digest(c->f_rejects, &c->dig[2], &c->dig[3]);
        if (st == PM_OK) {
            st = pm_outfile_commit(c->f_docs, err);
            c->f_docs = NULL;
        }
        if (st == PM_OK) {
            st = pm_outfile_commit(c->f_rejects, err);
            c->f_rejects = NULL;
        }
        c->done = st == PM_OK;
    }
    return st;
}

size_t pm_commit_nfiles(const pm_commit *c) { return c->nfiles; }
const pm_reuse_stats *pm_commit_reuse_stats(const pm_commit *c)
{
    if (!c)
        return NULL;
    const pm_analysis *const *an = pm_analyses();
    for (size_t i = 0; i < c->nfinished; i++)
        if (an[i] == &pm_analysis_reuse && c->astate[i])
            return pm_reuse_get_stats(c->astate[i]);
    return NULL;
}
const char *pm_commit_file_path(const pm_commit *c, size_t i) { return c->files[i].path; }
uint64_t pm_commit_file_size(const pm_commit *c, size_t i) { return c->files[i].fi.size; }
const pm_finfo *pm_commit_file_info(const pm_commit *c, size_t i) { return &c->files[i].fi; }

/* ---- refresh state ------------------------------------------------------------------------ */

void pm_state_name(const char *path, char out[32])
{
    snprintf(out, 32, "%016llx.pmb",
             (unsigned long long)pm_hash64(path, strlen(path), 0x7374617465ull));
}

pm_status pm_state_load(const char *state_dir, const char *path, const char *fingerprint,
                        pm_buf *payload, int *found, pm_errctx *err)
{
    *found = 0;
    char name[32], full[4600];
    pm_state_name(path, name);
    snprintf(full, sizeof full, "%s/blocks/%s", state_dir, name);
    FILE *f = fopen(full, "rb");
    if (!f)
        return errno == ENOENT ? PM_OK
                               : pm_errctx_set(err, PM_ERR_STATE, full, "%s", strerror(errno));
    /* A damaged or foreign state file is not an error: the input is simply read again. */
    char tag[5];
    pm_part_header h;
    pm_errctx quiet;
    pm_status st = pm_blk_read(f, payload, tag, &quiet, full);
    int ok = st == PM_OK && strcmp(tag, "PMPH") == 0 && pm_blk_parse_header(payload, &h) == PM_OK &&
             strcmp(h.fingerprint, fingerprint) == 0;
    pm_buf endb;
    pm_buf_init(&endb, 1u << 10);
    char t1[5], t2[5];
    uint64_t n = 0;
    ok = ok && pm_blk_read(f, payload, t1, &quiet, full) == PM_OK && strcmp(t1, "PMFB") == 0 &&
         pm_blk_read(f, &endb, t2, &quiet, full) == PM_OK && strcmp(t2, "PMPE") == 0 &&
         pm_blk_parse_end(&endb, &n) == PM_OK && n == 1;
    if (ok) {
        pm_blk_view v;
        ok = pm_blk_file_open(&v, payload) == PM_OK && strcmp(v.path, path) == 0 && v.fi.complete;
    }
    pm_buf_free(&endb);
    fclose(f);
    if (st == PM_ERR_NOMEM)
        return pm_errctx_set(err, st, full, "loading state");
    *found = ok;
    return PM_OK;
}

/* ---- refresh checkpoint --------------------------------------------------------------------
 * The committer's state after its last file: what the next refresh would otherwise rebuild
 * by replaying every stored file. Varint-coded with the block codec's pieces; the engine
 * frames it, checksums it and keys it by the fingerprint (checkpoint.c). */

#define CK_VERSION 2 /* 2: the adoptions carry their table segments */

/* The summary counters the committer adds to, in one fixed order. */
static size_t sum_fields(pm_run_summary *s, uint64_t **f)
{
    size_t n = 0;
    uint64_t *one[] = {&s->files_seen, &s->files_read, &s->files_failed, &s->files_not_corpus,
                       &s->bytes_in, &s->bytes_out, &s->records_skipped, &s->docs_seen,
                       &s->docs_classified, &s->docs_rejected, &s->invalid_date_fields,
                       &s->fiscal_docs, &s->instrument_docs, &s->discovery.candidates,
                       &s->discovery.cut_per_doc, &s->discovery.docs_with_candidates};
    for (size_t i = 0; i < sizeof one / sizeof *one; i++)
        f[n++] = one[i];
    for (size_t i = 0; i < 9; i++)
        f[n++] = &s->by_level[i];
    for (size_t i = 0; i < PM_STATUS_LAST; i++)
        f[n++] = &s->rejects_by_reason[i];
    return n;
}
#define SUM_FIELDS_MAX (16 + 9 + PM_STATUS_LAST)

static pm_status put_keys(pm_buf *b, const uint64_t *v, size_t n)
{
    pm_status st = pm_blk_put_u(b, n);
    for (size_t i = 0; st == PM_OK && i < n; i++)
        st = pm_blk_put_u64(b, v[i]);
    return st;
}

pm_status pm_commit_save(const pm_commit *c, pm_buf *out)
{
    if (!c->done || !c->cfg.tables || c->cfg.part)
        return PM_ERR_ARG;
    const pm_analysis *const *an = pm_analyses();
    for (size_t i = 0; i < c->nanalyses; i++)
        if (c->astate[i] && an[i]->add && !an[i]->save)
            return PM_ERR_ARG;
    pm_status st = PM_OK;
#define PUT(x) do { if ((st = (x)) != PM_OK) return st; } while (0)
    PUT(pm_blk_put_u(out, CK_VERSION));
    for (int k = 0; k < 4; k++)
        PUT(pm_blk_put_u64(out, c->dig[k]));
    uint64_t *f[SUM_FIELDS_MAX];
    size_t nf = sum_fields(c->cfg.sum, f);
    PUT(pm_blk_put_u(out, nf));
    for (size_t i = 0; i < nf; i++)
        PUT(pm_blk_put_u(out, *f[i]));
    PUT(pm_blk_put_u(out, c->nfiles));
    for (size_t i = 0; i < c->nfiles; i++) { /* path and identity; counts are in the summary */
        const pm_finfo *fi = &c->files[i].fi;
        PUT(pm_blk_put_str(out, c->files[i].path, strlen(c->files[i].path)));
        PUT(pm_blk_put_u(out, fi->size));
        PUT(pm_blk_put_u(out, fi->ino));
        PUT(pm_blk_put_u64(out, (uint64_t)fi->mtime_ns));
        PUT(pm_blk_put_u64(out, (uint64_t)fi->ctime_ns));
        PUT(pm_blk_put_u64(out, fi->content_hash));
    }
    PUT(put_keys(out, c->idv, c->nidv));
    PUT(put_keys(out, c->recv, c->nrecv));
    PUT(pm_blk_put_u(out, c->nfirst));
    for (size_t i = 0; i < c->nfirst; i++) {
        const cfirst *x = &c->first_v[i];
        PUT(pm_blk_put_u64(out, c->first_hash[i]));
        PUT(pm_blk_put_str(out, c->first_ids.data + x->id_off, x->id_len));
        PUT(pm_blk_put_u(out, x->region));
        PUT(pm_blk_put_u(out, x->level));
    }
    pm_buf ab;
    pm_buf_init(&ab, (size_t)PM_BLK_MAX);
    for (size_t i = 0; st == PM_OK && i < c->nanalyses; i++) {
        pm_buf_reset(&ab);
        if (c->astate[i] && an[i]->save)
            st = an[i]->save(c->astate[i], &ab);
        if (st == PM_OK)
            st = pm_blk_put_str(out, ab.data ? ab.data : "", ab.len);
    }
    pm_buf_free(&ab);
#undef PUT
    return st;
}

int pm_commit_saved_digests(const void *p, size_t n, uint64_t dig[4])
{
    pm_blk_cur k = {p, (const unsigned char *)p + n, 0};
    if (pm_blk_get_u(&k) != CK_VERSION)
        return 0;
    for (int i = 0; i < 4; i++)
        dig[i] = pm_blk_get_u64(&k);
    return !k.bad;
}

static pm_status get_keys(pm_blk_cur *k, pm_hmap *m, uint64_t **v, size_t *nv, size_t *cap)
{
    uint64_t n = pm_blk_get_u(k);
    if (k->bad || n > (uint64_t)(k->end - k->p) / 8)
        return PM_ERR_STATE;
    size_t first = *nv;
    pm_status st = PM_OK;
    for (uint64_t i = 0; st == PM_OK && i < n; i++)
        st = remember(v, nv, cap, pm_blk_get_u64(k));
    /* then the map in one pass over its slots: a repeated key is a bad state */
    return st == PM_OK ? pm_hmap_put_new(m, *v + first, NULL, *nv - first) : st;
}

pm_status pm_commit_restore(pm_commit *c, const void *p, size_t n, const pm_ckpt_table *dt,
                            const pm_ckpt_table *rt)
{
    const char *docs = dt->p, *rej = rt->p;
    const size_t docs_len = dt->n, rej_len = rt->n;
    if (!c->cfg.tables || c->nfiles || c->in_file || pm_hmap_count(c->ids) ||
        docs_len < c->docs_hdr || rej_len < c->rej_hdr)
        return PM_ERR_ARG;
    pm_blk_cur k = {p, (const unsigned char *)p + n, 0};
    uint64_t dig[4];
    if (!pm_commit_saved_digests(p, n, dig) || dig[0] != docs_len || dig[2] != rej_len)
        return PM_ERR_STATE;
    pm_blk_get_u(&k);
    for (int i = 0; i < 4; i++)
        pm_blk_get_u64(&k);
    uint64_t *f[SUM_FIELDS_MAX];
    size_t nf = sum_fields(c->cfg.sum, f);
    if (pm_blk_get_u(&k) != nf)
        return PM_ERR_STATE;
    for (size_t i = 0; i < nf; i++)
        *f[i] += pm_blk_get_u(&k);
    uint64_t nfiles = pm_blk_get_u(&k);
    pm_status st = k.bad || nfiles > (uint64_t)(k.end - k.p) ? PM_ERR_STATE : PM_OK;
    for (uint64_t i = 0; st == PM_OK && i < nfiles; i++) {
        size_t len;
        const char *path = pm_blk_get_str(&k, &len);
        pm_finfo fi;
        memset(&fi, 0, sizeof fi);
        fi.size = pm_blk_get_u(&k);
        fi.ino = pm_blk_get_u(&k);
        fi.mtime_ns = (int64_t)pm_blk_get_u64(&k);
        fi.ctime_ns = (int64_t)pm_blk_get_u64(&k);
        fi.content_hash = pm_blk_get_u64(&k);
        if (k.bad || !len || len >= sizeof c->path || memchr(path, 0, len))
            return PM_ERR_STATE;
        st = pm_array_reserve(&c->files, &c->files_cap, c->nfiles + 1, sizeof *c->files, 256,
                              SIZE_MAX / sizeof *c->files);
        if (st != PM_OK)
            return st;
        if (!(c->files[c->nfiles].path = strndup(path, len)))
            return PM_ERR_NOMEM;
        c->files[c->nfiles++].fi = fi;
    }
    if (st == PM_OK)
        st = get_keys(&k, c->ids, &c->idv, &c->nidv, &c->idv_cap);
    if (st == PM_OK)
        st = get_keys(&k, c->recrawls, &c->recv, &c->nrecv, &c->recv_cap);
    uint64_t nfirst = st == PM_OK ? pm_blk_get_u(&k) : 0;
    if (st == PM_OK && (k.bad || nfirst > (uint64_t)(k.end - k.p) / 8))
        st = PM_ERR_STATE;
    if (st == PM_OK)
        st = pm_hmap_reserve(c->firsts, (size_t)nfirst);
    for (uint64_t i = 0; st == PM_OK && i < nfirst; i++) {
        uint64_t h = pm_blk_get_u64(&k);
        size_t idn;
        const char *id = pm_blk_get_str(&k, &idn);
        uint64_t region = pm_blk_get_u(&k), level = pm_blk_get_u(&k);
        if (k.bad || idn > UINT16_MAX || c->first_ids.len + idn > UINT32_MAX ||
            region > UINT32_MAX || level > 255)
            return PM_ERR_STATE;
        int added = 0;
        uint64_t *slot = pm_hmap_put(c->firsts, h, &added, &st);
        if (!slot)
            return st;
        if (!added)
            return PM_ERR_STATE;
        st = pm_array_reserve(&c->first_v, &c->first_cap, c->nfirst + 1, sizeof *c->first_v,
                              1u << 14, UINT32_MAX);
        if (st == PM_OK)
            st = pm_array_reserve(&c->first_hash, &c->first_hash_cap, c->nfirst + 1,
                                  sizeof *c->first_hash, 1u << 14, UINT32_MAX);
        uint32_t off = (uint32_t)c->first_ids.len;
        if (st == PM_OK)
            st = pm_buf_append(&c->first_ids, id, idn);
        if (st != PM_OK)
            return st;
        *slot = c->nfirst;
        c->first_hash[c->nfirst] = h;
        c->first_v[c->nfirst++] = (cfirst){off, (uint32_t)region, (uint16_t)idn, (uint8_t)level};
    }
    const pm_analysis *const *an = pm_analyses();
    for (size_t i = 0; st == PM_OK && i < c->nanalyses; i++) {
        size_t len;
        const char *ab = pm_blk_get_str(&k, &len);
        if (k.bad)
            st = PM_ERR_STATE;
        else if (c->astate[i] && an[i]->load)
            st = an[i]->load(c->astate[i], ab, len);
        else if (len || (c->astate[i] && an[i]->add))
            st = PM_ERR_STATE; /* saved by another setup */
    }
    if (st == PM_OK && k.p != k.end)
        st = PM_ERR_STATE;
    /* the rows of the files it covers, as they were written (headers are this run's) */
    /* documents.tsv holds only this run's header so far: when the old one is the same,
     * the old file's digest state is the new one's after its rows */
    if (st == PM_OK && dt->fd >= 0 && pm_hash64(docs, c->docs_hdr, PM_OUTFILE_SEED) == c->docs_hdr_hash)
        st = pm_outfile_copy(c->f_docs, dt->fd, c->docs_hdr, docs_len - c->docs_hdr, &dt->hc,
                             c->cfg.err);
    else if (st == PM_OK)
        st = pm_outfile_write(c->f_docs, docs + c->docs_hdr, docs_len - c->docs_hdr, c->cfg.err);
    if (st == PM_OK)
        st = flush_rejects(c, 1);
    if (st == PM_OK)
        st = pm_outfile_write(c->f_rejects, rej + c->rej_hdr, rej_len - c->rej_hdr, c->cfg.err);
    return st;
}
