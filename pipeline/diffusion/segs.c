/* diffusion/segs.c - table segments for refreshes: which byte range of adoptions.tsv and
 * edges.tsv each cascade's rows took in the last run, so that a refresh copies the rows
 * that did not change out of that run's tables (kept in the state directory) instead of
 * deriving, formatting and writing them again. At a million documents these two tables
 * are 350 MB, most of a 1% refresh's cost.
 *
 * A writer (pm_segw) stands between adopt.c's row buffer and its output file: it counts
 * the bytes of each cascade's rows (its segment), and turns copies of the old table into
 * one pending range that grows while the copies are adjacent. A long pending range
 * goes to copy_file_range (page-cache pages move without the user-space copy of write(2),
 * several times cheaper here); a short one is appended to the row buffer, since a system
 * call per few rows costs more than the bytes. The old tables are used only when the
 * engine found them with the identity (inode, size, times) they had when the checkpoint
 * was written: one edited, truncated or replaced in the state directory costs a
 * re-derivation, never a wrong row; adopt.c also checks every merged row's codes.
 *
 * Order: the file holds what was handed over, then the buffer's bytes, then the pending
 * copy. pm_segw_gen settles the pending copy before new rows enter the buffer.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diffusion_internal.h"

#define SEG_FLUSH (1u << 20)
#define SEG_COPY_MIN (16u << 10) /* shorter copies go through the row buffer */

void pm_segw_init(pm_segw *w, pm_outfile *f, pm_buf *b)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->b = b;
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
    /* not populated: only the short copies and the merged rows are read */
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

/* The bytes of the file so far, of the buffer, and of the pending copy. */
static uint64_t pos(const pm_segw *w) { return w->written + w->b->len + w->pend_len; }

/* The buffer's bytes to the file. */
static pm_status hand_over(pm_segw *w, pm_errctx *err)
{
    pm_status st = w->b->len ? pm_outfile_write(w->f, w->b->data, w->b->len, err) : PM_OK;
    w->written += w->b->len;
    pm_buf_reset(w->b);
    return st;
}

/* The pending copy after the buffer: appended to it when short, else
 * the buffer is handed over and the range copied in the kernel. */
static pm_status settle(pm_segw *w, pm_errctx *err)
{
    pm_status st = PM_OK;
    if (!w->pend_len)
        return PM_OK;
    uint64_t off = w->pend_off, len = w->pend_len;
    w->pend_len = 0;
    if (len < SEG_COPY_MIN) {
        return pm_buf_append(w->b, w->old + off, (size_t)len);
    }
    if ((st = hand_over(w, err)) != PM_OK)
        return st;
    st = pm_outfile_copy(w->f, w->fd, off, len, NULL, err);
    w->written += len;
    return st;
}

/* Old bytes [off, off + len) come next. */
static pm_status pend(pm_segw *w, uint64_t off, uint64_t len, pm_errctx *err)
{
    pm_status st = PM_OK;
    if (!len)
        return PM_OK;
    if (w->pend_len && w->pend_off + w->pend_len != off && (st = settle(w, err)) != PM_OK)
        return st;
    if (!w->pend_len)
        w->pend_off = off;
    w->pend_len += len;
    w->copied += len;
    return PM_OK;
}

pm_status pm_segw_gen(pm_segw *w, pm_errctx *err) { return w->pend_len ? settle(w, err) : PM_OK; }

pm_status pm_segw_flush(pm_segw *w, int force, pm_errctx *err)
{
    pm_status st = PM_OK;
    if (force || w->b->len >= SEG_FLUSH)
        st = hand_over(w, err);
    if (st == PM_OK && force && w->pend_len) {
        st = settle(w, err);
        if (st == PM_OK && w->b->len)
            st = hand_over(w, err);
    }
    return st;
}

void pm_segw_begin(pm_segw *w) { w->start = pos(w); }

void pm_segw_end(pm_segw *w, pm_seg *out)
{
    out->off = w->start;
    out->len = pos(w) - w->start;
}

const char *pm_segw_old_bytes(const pm_segw *w, const pm_seg *old)
{
    if (!w->old || old->off > w->nold || old->len > w->nold - old->off)
        return NULL;
    return w->old + old->off;
}

int pm_segw_copy(pm_segw *w, const pm_seg *old, pm_seg *out, pm_status *st, pm_errctx *err)
{
    if (!pm_segw_old_bytes(w, old))
        return 0;
    uint64_t at = pos(w);
    *st = pend(w, old->off, old->len, err);
    *out = (pm_seg){at, old->len};
    return 1;
}

pm_status pm_segw_copy_range(pm_segw *w, uint64_t off, uint64_t len, pm_errctx *err)
{
    return pend(w, off, len, err);
}
