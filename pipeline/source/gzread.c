/* source/gzread.c - streaming reader for gzip (any number of members) or plain bytes.
 *
 * Owns one fixed input buffer and a zlib inflate stream; decompressed bytes go straight
 * into the caller's buffer, so memory is constant whatever the file size. The format is
 * decided by the first two bytes (1f 8b), never by the name. Damage is a *soft* error:
 * every good byte before it is delivered first, the error is returned once, and reading
 * resumes at the next plausible gzip member header, so one bad member loses only itself.
 * Trailing zero bytes (tar/dd padding) after the last member are accepted silently.
 * Never prints; never reads more than one input buffer ahead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef PM_WITH_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "policyminer/source.h"

#define IN_BUF (256u * 1024u)
#define PEEK_MAX (64u * 1024u)

enum { MODE_UNKNOWN, MODE_GZIP, MODE_PLAIN };

struct pm_gz {
    int fd, own_fd;
    const unsigned char *mem; /* memory source, or NULL */
    size_t mem_len, mem_pos;
    unsigned char *in;
    size_t in_pos, in_len;
    uint64_t in_base;  /* source offset of in[0] */
    int eof;           /* source exhausted (in may still hold bytes) */
    z_stream zs;
    int zs_init, in_member, mode;
    int isal;          /* inflate with ISA-L instead of zlib */
#ifdef PM_WITH_ISAL
    struct inflate_state *is;
#endif
    uint64_t member_out, max_member_out, out_total;
    unsigned members;
    pm_status pending; /* soft error to report on the next read */
    int resync;        /* scanning for the next member header */
    uint64_t err_off;
    char *peek;
    size_t peek_len, peek_pos;
    int peeked, read_started;
    volatile sig_atomic_t *stop; /* see pm_gz_set_stop */
};

static pm_status gz_new(pm_gz **out, const pm_gz_limits *lim)
{
    pm_gz *g = calloc(1, sizeof *g);
    if (!g)
        return PM_ERR_NOMEM;
    g->in = malloc(IN_BUF);
    if (!g->in) {
        free(g);
        return PM_ERR_NOMEM;
    }
    g->fd = -1;
    g->max_member_out = lim ? lim->max_member_out : 0;
#ifdef PM_WITH_ISAL
    if (lim && lim->inflate == PM_INFLATE_ISAL) {
        g->isal = 1;
        g->is = malloc(sizeof *g->is);
        if (!g->is) {
            free(g->in);
            free(g);
            return PM_ERR_NOMEM;
        }
    }
#endif
    *out = g;
    return PM_OK;
}

pm_status pm_gz_open(pm_gz **out, const char *path, const pm_gz_limits *lim)
{
    *out = NULL;
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return PM_ERR_OPEN;
    pm_gz *g;
    pm_status st = gz_new(&g, lim);
    if (st != PM_OK) {
        if (fd > 0)
            close(fd);
        return st;
    }
    g->fd = fd;
    g->own_fd = fd > 0;
    *out = g;
    return PM_OK;
}

pm_status pm_gz_open_mem(pm_gz **out, const void *data, size_t n, const pm_gz_limits *lim)
{
    *out = NULL;
    pm_gz *g;
    pm_status st = gz_new(&g, lim);
    if (st != PM_OK)
        return st;
    g->mem = data;
    g->mem_len = n;
    *out = g;
    return PM_OK;
}

void pm_gz_set_stop(pm_gz *g, volatile sig_atomic_t *stop) { g->stop = stop; }

void pm_gz_close(pm_gz *g)
{
    if (!g)
        return;
    if (g->zs_init)
        inflateEnd(&g->zs);
#ifdef PM_WITH_ISAL
    free(g->is);
#endif
    if (g->own_fd)
        close(g->fd);
    free(g->in);
    free(g->peek);
    free(g);
}

/* Moves unread input to the front and reads more. Returns PM_OK (maybe at eof), IO, or
 * INTERRUPTED (a signal while the stop flag is set). */
static pm_status fill(pm_gz *g)
{
    if (g->in_pos > 0) {
        size_t keep = g->in_len - g->in_pos;
        memmove(g->in, g->in + g->in_pos, keep);
        g->in_base += g->in_pos;
        g->in_len = keep;
        g->in_pos = 0;
    }
    while (!g->eof && g->in_len < IN_BUF) {
        size_t room = IN_BUF - g->in_len;
        if (g->mem) {
            size_t k = g->mem_len - g->mem_pos < room ? g->mem_len - g->mem_pos : room;
            memcpy(g->in + g->in_len, g->mem + g->mem_pos, k);
            g->mem_pos += k;
            g->in_len += k;
            if (g->mem_pos == g->mem_len)
                g->eof = 1;
            break;
        }
        ssize_t r = read(g->fd, g->in + g->in_len, room);
        if (r < 0 && errno == EINTR) {
            if (g->stop && *g->stop)
                return PM_ERR_INTERRUPTED;
            continue;
        }
        if (r < 0)
            return PM_ERR_IO;
        if (r == 0)
            g->eof = 1;
        g->in_len += (size_t)r;
        break;
    }
    return PM_OK;
}

static size_t avail(const pm_gz *g) { return g->in_len - g->in_pos; }

/* Ensures at least k bytes are buffered unless the source ends first. */
static pm_status want(pm_gz *g, size_t k)
{
    while (avail(g) < k && !g->eof) {
        pm_status st = fill(g);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

static int looks_like_member(const unsigned char *p, size_t n)
{
    /* magic, deflate, no reserved flag bits */
    return n >= 4 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 && (p[3] & 0xE0) == 0;
}

/* Skips to the next plausible member header; at eof leaves the buffer empty. */
static pm_status resync(pm_gz *g)
{
    for (;;) {
        pm_status st = want(g, 4);
        if (st != PM_OK)
            return st;
        size_t n = avail(g);
        if (n < 4) {
            g->in_pos = g->in_len; /* fewer than a header's bytes left: nothing to find */
            if (g->eof)
                return PM_OK;
            continue;
        }
        const unsigned char *p = g->in + g->in_pos;
        const unsigned char *hit = NULL;
        for (size_t i = 0; i + 4 <= n; i++) {
            const unsigned char *q = memchr(p + i, 0x1f, n - i - 3);
            if (!q)
                break;
            if (looks_like_member(q, (size_t)(p + n - q))) {
                hit = q;
                break;
            }
            i = (size_t)(q - p);
        }
        if (hit) {
            g->in_pos += (size_t)(hit - p);
            g->resync = 0;
            return PM_OK;
        }
        g->in_pos += n - 3; /* keep 3 bytes: a header may straddle the refill */
        if (g->eof) {
            g->in_pos = g->in_len;
            return PM_OK;
        }
    }
}

static pm_status soft(pm_gz *g, pm_status code, uint64_t off)
{
    g->err_off = off;
    g->in_member = 0;
    g->resync = 1;
    return code;
}

/* Decodes gzip into out[0..n); sets *got. May return a soft error with *got bytes good. */
static pm_status read_gzip(pm_gz *g, unsigned char *out, size_t n, size_t *got)
{
    size_t produced = 0;
    while (produced < n) {
        if (g->resync) {
            pm_status st = resync(g);
            if (st != PM_OK)
                return st;
        }
        if (!g->in_member) {
            pm_status st = want(g, 4);
            if (st != PM_OK)
                return st;
            size_t a = avail(g);
            if (a == 0)
                break; /* clean end */
            const unsigned char *p = g->in + g->in_pos;
            if (!looks_like_member(p, a)) {
                /* zero padding to the end is fine; anything else is trailing garbage */
                int zeros = 1;
                for (;;) {
                    for (size_t i = 0; i < avail(g) && zeros; i++)
                        zeros = g->in[g->in_pos + i] == 0;
                    if (!zeros || g->eof)
                        break;
                    g->in_pos = g->in_len;
                    st = fill(g);
                    if (st != PM_OK)
                        return st;
                }
                if (zeros) {
                    g->in_pos = g->in_len;
                    break;
                }
                *got = produced;
                return soft(g, PM_ERR_GZ_TRAILING, g->in_base + g->in_pos);
            }
#ifdef PM_WITH_ISAL
            if (g->isal) {
                isal_inflate_init(g->is); /* parses the gzip header, checks CRC and size */
                g->is->crc_flag = ISAL_GZIP;
            } else
#endif
            if (!g->zs_init) {
                memset(&g->zs, 0, sizeof g->zs);
                if (inflateInit2(&g->zs, 15 + 16) != Z_OK)
                    return PM_ERR_NOMEM;
                g->zs_init = 1;
            } else if (inflateReset2(&g->zs, 15 + 16) != Z_OK) {
                return PM_ERR_NOMEM;
            }
            g->in_member = 1;
            g->member_out = 0;
            g->members++;
        }
        if (avail(g) == 0) {
            pm_status st = fill(g);
            if (st != PM_OK)
                return st;
            if (avail(g) == 0) { /* eof inside a member */
                *got = produced;
                return soft(g, PM_ERR_GZ_TRUNCATED, g->in_base + g->in_pos);
            }
        }
        size_t room = n - produced;
        if (g->max_member_out && room > g->max_member_out - g->member_out + 1)
            room = (size_t)(g->max_member_out - g->member_out + 1);
        int zr;
        size_t used, made;
#ifdef PM_WITH_ISAL
        if (g->isal) { /* ISA-L's results mapped onto zlib's codes: one logic below */
            struct inflate_state *is = g->is;
            is->next_in = g->in + g->in_pos;
            is->avail_in = (uint32_t)(avail(g) > UINT32_MAX ? UINT32_MAX : avail(g));
            is->next_out = out + produced;
            is->avail_out = (uint32_t)(room > UINT32_MAX ? UINT32_MAX : room);
            int ir = isal_inflate(is);
            used = (size_t)(is->next_in - (g->in + g->in_pos));
            made = (size_t)(is->next_out - (out + produced));
            if (ir == ISAL_DECOMP_OK && is->block_state == ISAL_BLOCK_FINISH)
                zr = Z_STREAM_END;
            else if (ir == ISAL_INCORRECT_CHECKSUM)
                zr = Z_DATA_ERROR, g->zs.msg = (char *)"incorrect data check";
            else if (ir < 0)
                zr = Z_DATA_ERROR, g->zs.msg = (char *)"invalid deflate data";
            else
                zr = used || made ? Z_OK : Z_BUF_ERROR;
        } else
#endif
        {
            g->zs.next_in = g->in + g->in_pos;
            g->zs.avail_in = (uInt)(avail(g) > UINT32_MAX ? UINT32_MAX : avail(g));
            g->zs.next_out = out + produced;
            g->zs.avail_out = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
            zr = inflate(&g->zs, Z_NO_FLUSH);
            used = (size_t)(g->zs.next_in - (g->in + g->in_pos));
            made = (size_t)(g->zs.next_out - (out + produced));
        }
        uint64_t at = g->in_base + g->in_pos;
        g->in_pos += used;
        g->member_out += made;
        if (g->max_member_out && g->member_out > g->max_member_out) {
            /* deliver up to the cap, then drop the rest of the member */
            made -= (size_t)(g->member_out - g->max_member_out);
            produced += made;
            *got = produced;
            return soft(g, PM_ERR_TOO_BIG, at);
        }
        produced += made;
        if (zr == Z_STREAM_END) {
            g->in_member = 0;
            continue;
        }
        if (zr == Z_DATA_ERROR) {
            const char *m = g->zs.msg ? g->zs.msg : "";
            pm_status code = strstr(m, "incorrect data check") || strstr(m, "incorrect length check")
                                 ? PM_ERR_GZ_CRC : PM_ERR_GZ_CORRUPT;
            *got = produced;
            return soft(g, code, g->in_base + g->in_pos);
        }
        if (zr == Z_MEM_ERROR)
            return PM_ERR_NOMEM;
        if (zr == Z_BUF_ERROR && used == 0 && made == 0 && g->eof && avail(g) == 0) {
            *got = produced;
            return soft(g, PM_ERR_GZ_TRUNCATED, g->in_base + g->in_pos);
        }
    }
    *got = produced;
    return PM_OK;
}

static pm_status read_raw(pm_gz *g, void *buf, size_t n, size_t *got)
{
    *got = 0;
    if (g->pending != PM_OK) {
        pm_status st = g->pending;
        g->pending = PM_OK;
        return st;
    }
    if (g->mode == MODE_UNKNOWN) {
        pm_status st = want(g, 2);
        if (st != PM_OK)
            return st;
        g->mode = avail(g) >= 2 && g->in[g->in_pos] == 0x1f && g->in[g->in_pos + 1] == 0x8b
                      ? MODE_GZIP : MODE_PLAIN;
    }
    if (g->mode == MODE_PLAIN) {
        if (avail(g) == 0) {
            pm_status st = fill(g);
            if (st != PM_OK)
                return st;
        }
        size_t k = avail(g) < n ? avail(g) : n;
        memcpy(buf, g->in + g->in_pos, k);
        g->in_pos += k;
        *got = k;
        g->out_total += k;
        return PM_OK;
    }
    size_t made = 0;
    pm_status st = read_gzip(g, buf, n, &made);
    g->out_total += made;
    *got = made;
    if (st != PM_OK && st != PM_ERR_IO && st != PM_ERR_NOMEM && made > 0) {
        g->pending = st; /* good bytes first, the error on the next call */
        return PM_OK;
    }
    return st;
}

pm_status pm_gz_read(pm_gz *g, void *buf, size_t n, size_t *got)
{
    g->read_started = 1;
    if (g->peek_pos < g->peek_len) {
        size_t k = g->peek_len - g->peek_pos < n ? g->peek_len - g->peek_pos : n;
        memcpy(buf, g->peek + g->peek_pos, k);
        g->peek_pos += k;
        *got = k;
        return PM_OK;
    }
    return read_raw(g, buf, n, got);
}

pm_status pm_gz_peek(pm_gz *g, size_t n, const char **head, size_t *len)
{
    if (g->read_started || g->peeked) {
        *head = g->peek;
        *len = g->peek_len;
        return g->read_started ? PM_ERR_ARG : PM_OK;
    }
    if (n > PEEK_MAX)
        n = PEEK_MAX;
    g->peek = malloc(n ? n : 1);
    if (!g->peek)
        return PM_ERR_NOMEM;
    g->peeked = 1;
    pm_status st = PM_OK;
    while (g->peek_len < n) {
        size_t got = 0;
        st = read_raw(g, g->peek + g->peek_len, n - g->peek_len, &got);
        if (st != PM_OK) {
            if (st != PM_ERR_IO && st != PM_ERR_NOMEM) {
                g->pending = st; /* reported by the first read, after the peeked bytes */
                st = PM_OK;
            }
            break;
        }
        g->peek_len += got;
        if (got == 0 || g->pending != PM_OK)
            break;
    }
    *head = g->peek;
    *len = g->peek_len;
    return st;
}

int pm_gz_inflate_available(int which)
{
#ifdef PM_WITH_ISAL
    return which == PM_INFLATE_ZLIB || which == PM_INFLATE_ISAL;
#else
    return which == PM_INFLATE_ZLIB;
#endif
}

int pm_gz_is_compressed(const pm_gz *g) { return g->mode == MODE_GZIP; }
uint64_t pm_gz_in_bytes(const pm_gz *g) { return g->in_base + g->in_pos; }
uint64_t pm_gz_out_bytes(const pm_gz *g) { return g->out_total; }
unsigned pm_gz_members(const pm_gz *g) { return g->members; }
uint64_t pm_gz_error_offset(const pm_gz *g) { return g->err_off; }
