/* diffusion/segs.c - table segments for refreshes: which byte range of adoptions.tsv and
 * edges.tsv each cascade's rows took in the last run, so that a refresh copies the rows of
 * the cascades that did not change out of that run's tables (kept in the state directory)
 * instead of deriving, formatting and writing them again. At a million documents these two
 * tables are 350 MB, most of a 1% refresh's cost.
 *
 * A writer (pm_segw) stands between adopt.c's row buffer and its output file: it counts
 * the bytes handed over, hashes each cascade's rows as one segment, and turns a copy into
 * copy_file_range of the old table's range (coalesced while the ranges are adjacent). A
 * segment is copied only when its bytes in the old table still have the hash they were
 * written with, so a table edited, truncated or replaced in the state directory costs a
 * re-derivation, never a wrong row.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diffusion_internal.h"
#include "policyminer/hash.h"

#define SEG_SEED 0x7365676d656e74ull
#define SEG_FLUSH (1u << 20)

void pm_segw_init(pm_segw *w, pm_outfile *f, pm_buf *b, int track)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->b = b;
    w->track = track;
    w->fd = -1;
    w->old = NULL;
}

void pm_segw_open_old(pm_segw *w, const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/checkpoint-%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0)
        return;
    if (fstat(fd, &sb) != 0 || sb.st_size <= 0) {
        close(fd);
        return;
    }
    /* not populated: only the segments that are copied are read (to check their hashes) */
    void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        close(fd);
        return;
    }
    w->old = p;
    w->nold = (size_t)sb.st_size;
    w->fd = fd;
}

void pm_segw_close_old(pm_segw *w)
{
    if (w->old)
        munmap((void *)w->old, w->nold);
    if (w->fd >= 0)
        close(w->fd);
    w->old = NULL;
    w->fd = -1;
}

static pm_status issue(pm_segw *w, pm_errctx *err)
{
    pm_status st = PM_OK;
    if (w->pend_len)
        st = pm_outfile_copy(w->f, w->fd, w->pend_off, w->pend_len, NULL, err);
    w->pend_len = 0;
    return st;
}

/* The buffer's bytes to the file, after any copy that comes before them. */
static pm_status hand_over(pm_segw *w, pm_errctx *err)
{
    if (w->track && w->b->len > w->mark)
        pm_hash64_update(&w->hc, w->b->data + w->mark, w->b->len - w->mark);
    pm_status st = issue(w, err);
    if (st == PM_OK && w->b->len)
        st = pm_outfile_write(w->f, w->b->data, w->b->len, err);
    w->written += w->b->len;
    pm_buf_reset(w->b);
    w->mark = 0;
    return st;
}

pm_status pm_segw_flush(pm_segw *w, int force, pm_errctx *err)
{
    if (!force && w->b->len < SEG_FLUSH)
        return PM_OK;
    return hand_over(w, err);
}

void pm_segw_begin(pm_segw *w)
{
    w->start = w->written + w->b->len;
    w->mark = w->b->len;
    if (w->track)
        pm_hash64_init(&w->hc, SEG_SEED);
}

void pm_segw_end(pm_segw *w, pm_seg *out)
{
    if (w->track && w->b->len > w->mark)
        pm_hash64_update(&w->hc, w->b->data + w->mark, w->b->len - w->mark);
    w->mark = w->b->len;
    out->off = w->start;
    out->len = w->written + w->b->len - w->start;
    out->hash = w->track ? pm_hash64_final(&w->hc) : 0;
}

int pm_segw_copy(pm_segw *w, const pm_seg *old, pm_seg *out, pm_status *st, pm_errctx *err)
{
    if (!w->old || old->off > w->nold || old->len > w->nold - old->off ||
        pm_hash64(w->old + old->off, (size_t)old->len, SEG_SEED) != old->hash)
        return 0;
    if (w->b->len) { /* rows before it; the segment they end was hashed by pm_segw_end */
        w->mark = w->b->len;
        if ((*st = hand_over(w, err)) != PM_OK)
            return 1;
    }
    if (w->pend_len && w->pend_off + w->pend_len != old->off && (*st = issue(w, err)) != PM_OK)
        return 1;
    if (!w->pend_len)
        w->pend_off = old->off;
    w->pend_len += old->len;
    *out = (pm_seg){w->written, old->len, old->hash};
    w->written += old->len;
    w->copied += old->len;
    return 1;
}

const char *pm_segw_old_bytes(const pm_segw *w, const pm_seg *old)
{
    if (!w->old || old->off > w->nold || old->len > w->nold - old->off ||
        pm_hash64(w->old + old->off, (size_t)old->len, SEG_SEED) != old->hash)
        return NULL;
    return w->old + old->off;
}

pm_status pm_segw_copy_range(pm_segw *w, uint64_t off, uint64_t len, pm_errctx *err)
{
    if (!len)
        return PM_OK;
    pm_status st = PM_OK;
    if (w->b->len && (st = hand_over(w, err)) != PM_OK) /* hashes the open segment's rows */
        return st;
    if (w->track)
        pm_hash64_update(&w->hc, w->old + off, (size_t)len);
    if (w->pend_len && w->pend_off + w->pend_len != off && (st = issue(w, err)) != PM_OK)
        return st;
    if (!w->pend_len)
        w->pend_off = off;
    w->pend_len += len;
    w->written += len;
    w->copied += len;
    return PM_OK;
}
