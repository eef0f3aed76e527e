/* engine/merge.c - shard parts -> the tables a single run would have written.
 *
 * Each part.pmb holds, per input file of its shard and in input order, the items that
 * file contributed. Merging is a k-way merge of the parts by path (the input order is the
 * byte-wise order of paths, source.h) feeding the same committer a run uses; so N shards
 * plus a merge give the single run's bytes, and neither the order of the parts nor how
 * they were grouped by earlier partial merges can change anything. Memory: one block per
 * part.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine_internal.h"
#include "policyminer/sinks.h"

void pm_merge_options_default(pm_merge_options *o)
{
    memset(o, 0, sizeof *o);
    o->dict_dir = "dictionaries";
    o->country = NULL; /* as pm_run_options */
    pm_diffusion_options_default(&o->diffusion);
    pm_reuse_options_default(&o->reuse);
}

typedef struct part {
    char path[4200];
    FILE *f;
    pm_part_header h;
    pm_buf payload;
    pm_blk_view *view;
    int has;              /* a file block is loaded */
    uint64_t blocks;      /* file blocks read */
} part;

/* Loads the next file block of p, or sees its end block. */
static pm_status part_next(part *p, pm_errctx *err)
{
    char tag[5];
    pm_status st = pm_blk_read(p->f, &p->payload, tag, err, p->path);
    if (st != PM_OK)
        return st;
    if (strcmp(tag, "PMPE") == 0) {
        uint64_t n = 0;
        p->has = 0;
        if (pm_blk_parse_end(&p->payload, &n) != PM_OK || n != p->blocks)
            return pm_errctx_set(err, PM_ERR_STATE, p->path, "end block does not match the part");
        return PM_OK;
    }
    if (strcmp(tag, "PMFB") != 0 || pm_blk_file_open(p->view, &p->payload) != PM_OK)
        return pm_errctx_set(err, PM_ERR_STATE, p->path, "not a file block");
    p->has = 1;
    p->blocks++;
    return PM_OK;
}

static pm_status part_open(part *p, const char *arg, pm_errctx *err)
{
    struct stat sb;
    if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode))
        snprintf(p->path, sizeof p->path, "%s/part.pmb", arg);
    else
        snprintf(p->path, sizeof p->path, "%s", arg);
    pm_buf_init(&p->payload, (size_t)PM_BLK_MAX);
    p->view = calloc(1, sizeof *p->view);
    if (!p->view)
        return PM_ERR_NOMEM;
    p->f = fopen(p->path, "rb");
    if (!p->f)
        return pm_errctx_set(err, PM_ERR_OPEN, p->path, "%s", strerror(errno));
    char tag[5];
    pm_status st = pm_blk_read(p->f, &p->payload, tag, err, p->path);
    if (st == PM_OK && (strcmp(tag, "PMPH") != 0 || pm_blk_parse_header(&p->payload, &p->h) != PM_OK))
        st = pm_errctx_set(err, PM_ERR_STATE, p->path, "not a policyminer part (no header)");
    if (st == PM_OK && !p->h.shard_count)
        st = pm_errctx_set(err, PM_ERR_STATE, p->path, "not a shard part");
    return st;
}

static void part_close(part *p)
{
    if (p->f)
        fclose(p->f);
    pm_buf_free(&p->payload);
    free(p->view);
}

/* Same inputs, dictionaries, version and limits; every shard at most once (and all of
 * them unless partial). Fills *m with the header of the union. */
static pm_status check_parts(part *ps, size_t n, int partial, const char *fingerprint,
                             pm_part_header *m, pm_errctx *err)
{
    *m = ps[0].h;
    m->n_shards = 0;
    unsigned char seen[256] = {0};
    for (size_t i = 0; i < n; i++) {
        const pm_part_header *h = &ps[i].h;
        /* dictionaries and version must be these; limits must agree between parts */
        const char *bar = strstr(fingerprint, " | ");
        size_t dl = bar ? (size_t)(bar - fingerprint) : strlen(fingerprint);
        if (strncmp(h->fingerprint, fingerprint, dl) != 0 || strcmp(h->fingerprint, ps[0].h.fingerprint) != 0)
            return pm_errctx_set(err, PM_ERR_STATE, ps[i].path,
                                 "made with other dictionaries, limits or program version "
                                 "than these (%s)", fingerprint);
        if (h->listing_hash != m->listing_hash || h->shard_count != m->shard_count)
            return pm_errctx_set(err, PM_ERR_STATE, ps[i].path,
                                 "made from other inputs or another shard count than %s",
                                 ps[0].path);
        for (uint32_t k = 0; k < h->n_shards; k++) {
            if (seen[h->shards[k]]++)
                return pm_errctx_set(err, PM_ERR_STATE, ps[i].path, "shard %u/%u given twice",
                                     (unsigned)h->shards[k], (unsigned)h->shard_count);
        }
    }
    for (uint32_t s = 0; s < m->shard_count; s++) {
        if (seen[s])
            m->shards[m->n_shards++] = s;
        else if (!partial)
            return pm_errctx_set(err, PM_ERR_STATE, NULL,
                                 "shard %u/%u is missing (re-run it with --shard %u/%u, or "
                                 "merge --partial)",
                                 (unsigned)s, (unsigned)m->shard_count, (unsigned)s,
                                 (unsigned)m->shard_count);
    }
    return PM_OK;
}

pm_status pm_merge(const pm_merge_options *o, pm_run_summary *sum, pm_errctx *err)
{
    memset(sum, 0, sizeof *sum);
    pm_errctx_clear(err);
    if (!o->outdir || !o->n_parts)
        return pm_errctx_set(err, PM_ERR_ARG, NULL, "need an output directory and parts");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    part *ps = calloc(o->n_parts, sizeof *ps);
    if (!ps)
        return PM_ERR_NOMEM;
    pm_classifier *cls = NULL;
    pm_country *country = NULL;
    pm_commit *cm = NULL;
    pm_dirlock *lock = NULL;
    pm_status st = o->lock_held ? PM_OK : pm_dirlock_acquire(&lock, o->outdir, err);
    for (size_t i = 0; st == PM_OK && i < o->n_parts; i++)
        st = part_open(&ps[i], o->parts[i], err);
    pm_run_options ro;
    pm_run_options_default(&ro);
    if (st == PM_OK) {
        ro.limits = ps[0].h.limits;
        ro.limits.dict_dir = o->dict_dir;
        ro.dict = ps[0].h.dict;
        st = pm_country_open_dir(&country, o->country, o->dict_dir, err);
        if (st == PM_OK)
            st = pm_classifier_load_country(&cls, country, o->dict_dir, &ro.dict, err);
        if (st == PM_OK) /* as the run found the host table */
            ro.limits.dict_dir = pm_country_file_dir(country, o->dict_dir, "gov_hosts.tsv");
    }
    char fp[1024];
    pm_part_header m;
    if (st == PM_OK) {
        ro.reuse = o->reuse;
        for (unsigned l = 0; l <= pm_country_level_count(country) && l < 9; l++)
            snprintf(sum->level_key[l], sizeof sum->level_key[l], "%s",
                     pm_country_record_level_key(country, l));
        pm_fingerprint(cls, country, &ro.limits, &ro.dict, &o->reuse, fp, sizeof fp);
        st = check_parts(ps, o->n_parts, o->partial, fp, &m, err);
    }
    char mpath[4200];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", o->outdir);
    if (st == PM_OK && unlink(mpath) != 0 && errno != ENOENT)
        st = pm_errctx_set(err, PM_ERR_OUTPUT, mpath, "cannot remove: %s", strerror(errno));
    if (st == PM_OK) {
        pm_commit_config cc = {o->outdir, o->dict_dir, cls, country, &o->diffusion, o->no_diffusion,
                               !o->partial, o->partial ? &m : NULL, NULL, fp, sum, err,
                               &o->reuse};
        st = pm_commit_create(&cm, &cc);
    }
    size_t ndims = cls ? pm_dictset_ndims(pm_classifier_dicts(cls)) : 0;
    for (size_t i = 0; st == PM_OK && i < o->n_parts; i++) {
        ps[i].view->ndims = ndims;
        st = part_next(&ps[i], err);
    }
    const char *last = NULL;
    char lastbuf[4096] = "";
    while (st == PM_OK) {
        part *best = NULL;
        for (size_t i = 0; i < o->n_parts; i++)
            if (ps[i].has && (!best || strcmp(ps[i].view->path, best->view->path) < 0))
                best = &ps[i];
        if (!best)
            break;
        const char *path = best->view->path;
        if (last && strcmp(path, last) <= 0) {
            st = pm_errctx_set(err, PM_ERR_STATE, best->path, "input %s appears twice or out of order",
                               path);
            break;
        }
        st = pm_commit_file_begin(cm, path, 0);
        pm_citem ci;
        int r = 0;
        while (st == PM_OK && (r = pm_blk_file_next(best->view, &ci)) > 0)
            st = pm_commit_item(cm, &ci);
        if (st == PM_OK && r < 0)
            st = pm_errctx_set(err, PM_ERR_STATE, best->path, "damaged items for %s", path);
        if (st == PM_OK)
            st = pm_commit_file_end(cm, &best->view->fi, 0);
        snprintf(lastbuf, sizeof lastbuf, "%s", path);
        last = lastbuf;
        if (st == PM_OK)
            st = part_next(best, err);
    }
    int complete = st == PM_OK;
    if (cm) {
        pm_status fst = pm_commit_finish(cm, complete, 0);
        if (st == PM_OK)
            st = fst;
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sum->stats.wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    sum->threads = 1;
    if (st == PM_OK && sum->docs_seen != sum->docs_classified + sum->docs_rejected)
        st = pm_errctx_set(err, PM_ERR_ACCOUNTING, NULL, "seen %llu != classified %llu + rejected %llu",
                           (unsigned long long)sum->docs_seen, (unsigned long long)sum->docs_classified,
                           (unsigned long long)sum->docs_rejected);
    if (st == PM_OK) {
        ro.outdir = o->outdir;
        ro.dict_dir = o->dict_dir;
        ro.command_line = o->command_line;
        ro.diffusion = o->diffusion;
        ro.shard_count = o->partial ? m.shard_count : 0;
        ro.country = pm_country_name(country);
        st = pm_manifest_write(&ro, cls, country, cm, sum, 1, err);
    }
    pm_commit_free(cm);
    pm_classifier_free(cls);
    pm_country_free(country);
    for (size_t i = 0; i < o->n_parts; i++)
        part_close(&ps[i]);
    free(ps);
    pm_dirlock_release(lock);
    return st;
}
