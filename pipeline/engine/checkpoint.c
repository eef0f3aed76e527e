/* engine/checkpoint.c - the refresh checkpoint: where the last complete --state run ended.
 *
 * Replaying every stored file re-adds every document to the duplicate sets, the counts
 * and the adoptions, which made a refresh that adds 1% of the files cost 12-15% of a
 * clean run. So a complete run also leaves, in its state directory:
 *   checkpoint.pmc        one framed, checksummed block: a key (the fingerprint and the
 *                         options the analyses' state depends on), then the committer's
 *                         state after its last file (commit.c: pm_commit_save), which
 *                         lists those files with their identity;
 *   checkpoint-documents.tsv, checkpoint-rejects.tsv
 *                         that run's two input-ordered tables (hard links when the output
 *                         directory is on the same file system, else copies), named in
 *                         the block by length and digest;
 *   reuse/                text reuse's spills and state (analysis/reuse.c: named in the
 *                         block, verified by it when loaded).
 * The next run uses it when the checkpoint's files are, in order, the first inputs of
 * this run and each still has its recorded size, mtime, ctime and inode: the committer is
 * restored, the tables' rows are copied, and only the inputs after them are read or
 * replayed. Anything else (a file deleted, rewritten or inserted before the end, another
 * dictionary or option, --state-verify, a damaged or foreign checkpoint)
 * falls back to the replay of stored blocks, which gives the same bytes, only slower.
 * Never: trusts a byte it has not verified, or makes a run fail because the checkpoint
 * is unusable.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/diffusion.h"
#include "policyminer/hash.h"
#include "policyminer/sinks.h"
#include "checkpoint.h"

#define CK_NAME "checkpoint.pmc"
static const char *const TABLES[2] = {"documents.tsv", "rejects.tsv"};
static const char *const SEG_TABLES[2] = {"adoptions.tsv", "edges.tsv"};

void pm_ckpt_key(const char *fingerprint, const pm_diffusion_options *d, int no_diffusion,
                 const pm_reuse_options *r, char *out, size_t n)
{
    /* what decides the analyses' state besides the documents: which cascades exist
     * (generic policies, discovery and its name cap), whether there are any, and reuse */
    snprintf(out, n, "%s | state g%d d%d m%zu n%d r%d", fingerprint, d->generic_policies,
             d->discover, d->max_policy_names, no_diffusion, r && r->enabled);
}

static void unmap(pm_ckpt_table *m)
{
    if (m->p)
        munmap((void *)m->p, m->n);
    if (m->fd >= 0)
        close(m->fd);
    m->p = NULL;
    m->fd = -1;
}

/* A verified table: mapped read-only and its length and digest what the checkpoint says;
 * its descriptor stays open so its rows can be copied inside the kernel, and the digest
 * state carries on into the new table's (pm_ckpt_table, engine_internal.h). */
static int map_table(const char *state_dir, int t, uint64_t len, uint64_t hash, pm_ckpt_table *m)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/checkpoint-%s", state_dir, TABLES[t]);
    m->p = NULL;
    m->n = 0;
    m->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (m->fd < 0)
        return 0;
    struct stat sb;
    int ok = fstat(m->fd, &sb) == 0 && (uint64_t)sb.st_size == len && len > 0;
    /* populated at once: one pass over the page cache instead of a fault per page */
    void *p = ok ? mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, m->fd, 0)
                 : MAP_FAILED;
    if (p == MAP_FAILED) {
        close(m->fd);
        m->fd = -1;
        return 0;
    }
    pm_hash64_init(&m->hc, PM_OUTFILE_SEED);
    pm_hash64_update(&m->hc, p, (size_t)len);
    m->p = p;
    m->n = (size_t)len;
    if (pm_hash64_final(&m->hc) != hash) {
        unmap(m);
        return 0;
    }
    return 1;
}

/* The identity of state_dir/checkpoint-NAME (size, inode, mtime; zeros: none): the two
 * tables a refresh copies diffusion rows from are used only while they keep it, so a
 * table written to in place (a new mtime) or replaced is never copied from. */
static void seg_identity(const char *state_dir, const char *name, uint64_t id[4])
{
    char path[4200];
    struct stat sb;
    snprintf(path, sizeof path, "%s/checkpoint-%s", state_dir, name);
    memset(id, 0, 4 * sizeof *id);
    if (stat(path, &sb) != 0)
        return;
    id[0] = (uint64_t)sb.st_size;
    id[1] = (uint64_t)sb.st_ino;
    id[2] = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec;
    id[3] = 0; /* not ctime: removing the output directory's link to it changes that */
}

/* The checkpoint's key and files against this run's inputs: how many leading inputs it
 * covers (0 = not usable). k is left just past the files. */
static size_t covered(pm_blk_cur *k, const char *key, const pm_inputs *in)
{
    size_t klen;
    const char *ck = pm_blk_get_str(k, &klen);
    if (k->bad || klen != strlen(key) || memcmp(ck, key, klen) != 0)
        return 0;
    uint64_t n = pm_blk_get_u(k);
    if (k->bad || n == 0 || n > pm_inputs_count(in))
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t plen;
        const char *path = pm_blk_get_str(k, &plen);
        uint64_t size = pm_blk_get_u(k), ino = pm_blk_get_u(k);
        int64_t mt = (int64_t)pm_blk_get_u64(k), ct = (int64_t)pm_blk_get_u64(k);
        const char *want = pm_inputs_path(in, i);
        pm_finfo fi;
        if (k->bad || plen != strlen(want) || memcmp(path, want, plen) != 0 ||
            strcmp(want, "-") == 0 || pm_finfo_stat(want, &fi) != PM_OK || fi.size != size ||
            fi.ino != ino || fi.mtime_ns != mt || fi.ctime_ns != ct)
            return 0;
    }
    return (size_t)n;
}

pm_status pm_ckpt_restore(const char *state_dir, const char *key, const pm_inputs *in,
                          pm_commit *cm, size_t *n_covered, pm_errctx *err)
{
    *n_covered = 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/" CK_NAME, state_dir);
    /* mapped, not read: the block is parsed where it lies */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PM_OK;
    struct stat sb;
    void *map = fstat(fd, &sb) == 0 && sb.st_size > 0
                    ? mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
                    : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED)
        return PM_OK;
    char tag[5] = "";
    const char *payload = NULL;
    size_t plen = 0;
    pm_status st = pm_blk_check(map, (size_t)sb.st_size, tag, &payload, &plen) ? PM_OK : PM_ERR_STATE;
    size_t n = 0;
    pm_ckpt_table t[2] = {{NULL, 0, -1, {{0}, 0, {0}, 0, 0}}, {NULL, 0, -1, {{0}, 0, {0}, 0, 0}}};
    pm_blk_cur k = {(const unsigned char *)payload, (const unsigned char *)payload + plen, 0};
    if (st == PM_OK && strcmp(tag, "PMCK") == 0) /* damaged or foreign: replay instead */
        n = covered(&k, key, in);
    int seg_ok = n > 0; /* the kept adoptions.tsv / edges.tsv as they were saved */
    for (size_t t = 0; n && t < sizeof SEG_TABLES / sizeof *SEG_TABLES; t++) {
        uint64_t want[4], have[4];
        for (int f = 0; f < 4; f++)
            want[f] = pm_blk_get_u64(&k);
        seg_identity(state_dir, SEG_TABLES[t], have);
        seg_ok = seg_ok && !k.bad && want[0] && memcmp(want, have, sizeof want) == 0;
    }
    if (k.bad)
        n = 0;
    uint64_t dig[4];
    size_t rest = (size_t)(k.end - k.p);
    if (n && !(pm_commit_saved_digests(k.p, rest, dig) &&
               map_table(state_dir, 0, dig[0], dig[1], &t[0]) &&
               map_table(state_dir, 1, dig[2], dig[3], &t[1])))
        n = 0;
    st = PM_OK;
    if (n) {
        /* the committer now holds part of the restored state: a failure stops the run,
         * and the checkpoint goes so that the next run replays instead */
        st = pm_commit_restore(cm, k.p, rest, &t[0], &t[1]);
        if (st == PM_OK && seg_ok && pm_commit_adopt(cm))
            pm_adopt_use_tables(pm_commit_adopt(cm));
        if (st != PM_OK) {
            unlink(path);
            if (err->code == PM_OK)
                pm_errctx_set(err, st, path, "refresh checkpoint unusable (removed): run again");
            n = 0;
        }
    }
    unmap(&t[0]);
    unmap(&t[1]);
    munmap(map, (size_t)sb.st_size);
    *n_covered = n;
    return st;
}

void pm_ckpt_drop(const char *state_dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" CK_NAME, state_dir);
    unlink(path);
}

/* state_dir/checkpoint-NAME becomes outdir/NAME: a hard link, else a copy. */
static int keep_table(const char *outdir, const char *state_dir, const char *name)
{
    char from[4200], to[4200], tmp[4300];
    snprintf(from, sizeof from, "%s/%s", outdir, name);
    snprintf(to, sizeof to, "%s/checkpoint-%s", state_dir, name);
    snprintf(tmp, sizeof tmp, "%s/.checkpoint-%s.%ld.part", state_dir, name, (long)getpid());
    unlink(tmp);
    if (link(from, tmp) != 0) {
        int in = open(from, O_RDONLY | O_CLOEXEC);
        int out = in < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        struct stat sb;
        int ok = out >= 0 && fstat(in, &sb) == 0;
        for (off_t left = ok ? sb.st_size : 0; ok && left > 0;) {
            ssize_t w = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
            ok = w > 0;
            left -= w > 0 ? w : 0;
        }
        ok = ok && fsync(out) == 0;
        if (in >= 0)
            close(in);
        if (out >= 0 && close(out) != 0)
            ok = 0;
        if (!ok) {
            unlink(tmp);
            return 0;
        }
    }
    if (rename(tmp, to) != 0) {
        unlink(tmp);
        return 0;
    }
    return 1;
}

pm_status pm_ckpt_save(const char *state_dir, const char *key, const char *outdir,
                       const pm_commit *cm, pm_errctx *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/" CK_NAME, state_dir);
    /* The old checkpoint goes before its tables are replaced. Were it left (unlink
     * refused), it would still be right: it stands for its own files, and its digests name
     * its own tables, so with new tables in their place it is simply not used. */
    struct stat osb; /* the last checkpoint's size: this one's is about the same */
    size_t hint = stat(path, &osb) == 0 && osb.st_size > 0 ? (size_t)osb.st_size : 0;
    unlink(path);
    /* the tables a refresh copies unchanged cascades' rows from (adopt.c, segs.c), with
     * their identity after the link: one missing or changed later costs only speed */
    uint64_t segid[2][4];
    for (size_t t = 0; t < sizeof SEG_TABLES / sizeof *SEG_TABLES; t++) {
        if (!keep_table(outdir, state_dir, SEG_TABLES[t])) {
            char p2[4200];
            snprintf(p2, sizeof p2, "%s/checkpoint-%s", state_dir, SEG_TABLES[t]);
            unlink(p2);
        }
        seg_identity(state_dir, SEG_TABLES[t], segid[t]);
    }
    pm_buf pl;
    pm_buf_init(&pl, (size_t)PM_BLK_MAX + 64);
    size_t fs = 0;
    pm_status st = hint ? pm_buf_reserve(&pl, hint + hint / 8) : PM_OK;
    if (st == PM_ERR_NOMEM)
        st = PM_OK; /* only a hint */
    if (st == PM_OK)
        st = pm_blk_frame_begin(&pl, "PMCK", &fs);
    if (st == PM_OK)
        st = pm_blk_put_str(&pl, key, strlen(key));
    size_t nf = pm_commit_nfiles(cm);
    if (st == PM_OK)
        st = pm_blk_put_u(&pl, nf);
    for (size_t i = 0; st == PM_OK && i < nf; i++) {
        const char *p = pm_commit_file_path(cm, i);
        const pm_finfo *fi = pm_commit_file_info(cm, i);
        st = pm_blk_put_str(&pl, p, strlen(p));
        if (st == PM_OK)
            st = pm_blk_put_u(&pl, fi->size);
        if (st == PM_OK)
            st = pm_blk_put_u(&pl, fi->ino);
        if (st == PM_OK)
            st = pm_blk_put_u64(&pl, (uint64_t)fi->mtime_ns);
        if (st == PM_OK)
            st = pm_blk_put_u64(&pl, (uint64_t)fi->ctime_ns);
    }
    for (size_t t = 0; t < sizeof SEG_TABLES / sizeof *SEG_TABLES; t++)
        for (int f = 0; st == PM_OK && f < 4; f++)
            st = pm_blk_put_u64(&pl, segid[t][f]);
    if (st == PM_OK)
        st = pm_commit_save(cm, &pl);
    if (st == PM_OK)
        st = pm_blk_frame_end(&pl, fs);
    /* nothing to keep (an analysis without a state, no files) or no memory: no checkpoint */
    if (st != PM_OK || nf == 0 || !keep_table(outdir, state_dir, TABLES[0]) ||
        !keep_table(outdir, state_dir, TABLES[1])) {
        pm_buf_free(&pl);
        return st == PM_ERR_NOMEM ? pm_errctx_set(err, st, path, "saving the refresh checkpoint")
                                  : PM_OK;
    }
    pm_outfile *f = NULL;
    pm_errctx quiet;
    pm_errctx_clear(&quiet);
    st = pm_outfile_open(&f, state_dir, CK_NAME, &quiet);
    if (st == PM_OK)
        st = pm_outfile_write(f, pl.data, pl.len, &quiet);
    if (st == PM_OK)
        st = pm_outfile_commit(f, &quiet);
    else
        pm_outfile_abort(f);
    pm_buf_free(&pl);
    return PM_OK; /* a checkpoint not written only makes the next refresh slower */
}
