/* sinks/outfile.c - atomic output files: write to DIR/.NAME.PID.part, rename when complete.
 *
 * A table appears under its final name only after it has been completely written,
 * flushed and fsync'ed; any failure (disk full, EIO) leaves no file under the final name.
 * Writes are buffered by stdio with a large buffer; every write error is checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/hash.h"
#include "policyminer/sinks.h"

struct pm_outfile {
    FILE *fp;
    int track;           /* keep the length and digest of what is written */
    uint64_t bytes;
    pm_hash64_ctx hc;
    char tmp[4096];
    char final[4096];
    char partial[4096];  /* where an interrupted run leaves it: dir/.name.part */
    char *iobuf;
};

#define OUT_IOBUF (1u << 20)

pm_status pm_outfile_open(pm_outfile **out, const char *dir, const char *name, pm_errctx *err)
{
    *out = NULL;
    pm_outfile *f = calloc(1, sizeof *f);
    if (!f)
        return pm_errctx_set(err, PM_ERR_NOMEM, dir, "opening %s", name);
    /* The temporary name is unique per process, so nothing another run left (or is
     * writing, without the directory lock) is ever appended to or renamed as ours. */
    int a = snprintf(f->tmp, sizeof f->tmp, "%s/.%s.%ld.part", dir, name, (long)getpid());
    int b = snprintf(f->final, sizeof f->final, "%s/%s", dir, name);
    int c = snprintf(f->partial, sizeof f->partial, "%s/.%s.part", dir, name);
    if (a < 0 || b < 0 || c < 0 || (size_t)a >= sizeof f->tmp || (size_t)b >= sizeof f->final ||
        (size_t)c >= sizeof f->partial) {
        free(f);
        return pm_errctx_set(err, PM_ERR_ARG, dir, "output path too long");
    }
    f->fp = fopen(f->tmp, "wb");
    if (!f->fp) {
        pm_status st = pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "%s", strerror(errno));
        free(f);
        return st;
    }
    f->iobuf = malloc(OUT_IOBUF);
    if (f->iobuf)
        setvbuf(f->fp, f->iobuf, _IOFBF, OUT_IOBUF);
    *out = f;
    return PM_OK;
}

pm_status pm_outfile_write(pm_outfile *f, const void *p, size_t n, pm_errctx *err)
{
    if (n && fwrite(p, 1, n, f->fp) != n)
        return pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "write failed: %s", strerror(errno));
    if (f->track && n) {
        pm_hash64_update(&f->hc, p, n);
        f->bytes += n;
    }
    return PM_OK;
}

pm_status pm_outfile_copy(pm_outfile *f, int fd, uint64_t off, uint64_t len,
                          const pm_hash64_ctx *resume, pm_errctx *err)
{
    if (fflush(f->fp) != 0)
        return pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "write failed: %s", strerror(errno));
    const int hash_here = f->track && !resume;
    off_t o = (off_t)off;
    uint64_t left = len;
    /* Page-cache pages move without the user-space copy of write(2), which costs about
     * four times as much here; a file system or kernel that refuses goes the slow way. */
    while (left && !hash_here) {
        ssize_t w = copy_file_range(fd, &o, fileno(f->fp), NULL,
                                    left > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)left, 0);
        if (w > 0)
            left -= (uint64_t)w;
        else if (w < 0 && errno == EINTR)
            continue;
        else if (w == 0)
            return pm_errctx_set(err, PM_ERR_IO, f->tmp, "copy source ends early");
        else
            break;
    }
    char buf[1u << 16];
    while (left) {
        ssize_t r = pread(fd, buf, left > sizeof buf ? sizeof buf : (size_t)left, o);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return pm_errctx_set(err, PM_ERR_IO, f->tmp, "copy source: %s",
                                 r ? strerror(errno) : "ends early");
        if (fwrite(buf, 1, (size_t)r, f->fp) != (size_t)r)
            return pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "write failed: %s", strerror(errno));
        if (hash_here)
            pm_hash64_update(&f->hc, buf, (size_t)r);
        o += r;
        left -= (uint64_t)r;
    }
    /* stdio appends after what the kernel wrote behind its back */
    if (fflush(f->fp) != 0 || fseeko(f->fp, 0, SEEK_END) != 0)
        return pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "write failed: %s", strerror(errno));
    if (f->track && resume) {
        f->hc = *resume;
        f->bytes = resume->total;
    } else if (f->track)
        f->bytes += len;
    return PM_OK;
}

void pm_outfile_track(pm_outfile *f)
{
    f->track = 1;
    f->bytes = 0;
    pm_hash64_init(&f->hc, PM_OUTFILE_SEED);
}

void pm_outfile_digest(const pm_outfile *f, uint64_t *bytes, uint64_t *hash)
{
    *bytes = f->bytes;
    *hash = pm_hash64_final(&f->hc);
}

pm_status pm_outfile_sync(pm_outfile *f, pm_errctx *err)
{
    if (fflush(f->fp) != 0 || fsync(fileno(f->fp)) != 0)
        return pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "flush failed: %s", strerror(errno));
    return PM_OK;
}

static void outfile_release(pm_outfile *f)
{
    free(f->iobuf);
    free(f);
}

pm_status pm_outfile_commit(pm_outfile *f, pm_errctx *err)
{
    pm_status st = PM_OK;
    if (fflush(f->fp) != 0 || fsync(fileno(f->fp)) != 0)
        st = pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "flush failed: %s", strerror(errno));
    if (fclose(f->fp) != 0 && st == PM_OK)
        st = pm_errctx_set(err, PM_ERR_OUTPUT, f->tmp, "close failed: %s", strerror(errno));
    if (st == PM_OK && rename(f->tmp, f->final) != 0)
        st = pm_errctx_set(err, PM_ERR_OUTPUT, f->final, "rename failed: %s", strerror(errno));
    if (st != PM_OK)
        unlink(f->tmp);
    outfile_release(f);
    return st;
}

pm_status pm_outfile_commit_take(pm_outfile **f, pm_errctx *err)
{
    pm_outfile *t = *f;
    *f = NULL;
    return pm_outfile_commit(t, err);
}

void pm_outfile_abort(pm_outfile *f)
{
    if (!f)
        return;
    fclose(f->fp);
    unlink(f->tmp);
    outfile_release(f);
}

void pm_outfile_keep_partial(pm_outfile *f)
{
    if (!f)
        return;
    fclose(f->fp); /* a write error here changes nothing: the file is marked partial */
    if (rename(f->tmp, f->partial) != 0)
        unlink(f->tmp);
    outfile_release(f);
}

int pm_outfile_mkdirs(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p) {
        errno = n ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    memcpy(p, dir, n + 1);
    /* each parent in turn, then DIR itself; EEXIST on a parent that is a file is
     * caught by the final mkdir failing with ENOTDIR */
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return -1;
        p[i] = c;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return -1;
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}
