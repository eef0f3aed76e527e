/* diffusion/cascades_io.c - reads cascade files (cascade, node, time) into a pm_netinf.
 *
 * One pass, one line at a time into a capped buffer; the header names the columns and
 * sets the delimiter (tab if the header has one, else comma). Quoted fields follow
 * RFC 4180 within a line (a quoted field cannot span lines: such a line is malformed).
 * A bad line is counted and reported through the caller's callback with file:line, then
 * skipped; only I/O failures, a header without the needed columns, or limits of the
 * network itself stop the read. Never prints.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/buf.h"
#include "policyminer/netinf.h"

#define MAX_FIELDS 256

/* Reads one line (without the newline, CR stripped) into b. Returns 1 when a line was
 * read, 0 at end of file, -1 on a read error. *too_long is set when the line exceeded
 * the cap (the rest of it is consumed and dropped). */
static int read_line(FILE *f, pm_buf *b, int *too_long)
{
    pm_buf_reset(b);
    *too_long = 0;
    int c, any = 0;
    while ((c = getc(f)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (!*too_long && pm_buf_append_char(b, (char)c) != PM_OK)
            *too_long = 1;
    }
    if (c == EOF && ferror(f))
        return -1;
    if (!any)
        return 0;
    if (b->len && b->data[b->len - 1] == '\r')
        b->data[--b->len] = '\0';
    return 1;
}

/* Splits line in place into fields; returns the count, or -1 on bad quoting or too many
 * fields. Unquoted fields are trimmed of surrounding spaces. */
static int split(char *line, char delim, char **fields)
{
    int nf = 0;
    char *p = line;
    for (;;) {
        if (nf == MAX_FIELDS)
            return -1;
        while (*p == ' ')
            p++;
        if (*p == '"') {
            char *out = ++p, *start = p;
            for (;;) {
                if (*p == '\0')
                    return -1; /* unterminated quote */
                if (*p == '"') {
                    if (p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *out++ = *p++;
            }
            while (*p == ' ')
                p++;
            if (*p != delim && *p != '\0')
                return -1; /* text after the closing quote */
            fields[nf++] = start;
            char end = *p;
            *out = '\0';
            if (end == '\0')
                return nf;
            p++;
        } else {
            char *start = p;
            while (*p && *p != delim)
                p++;
            char end = *p;
            char *q = p;
            while (q > start && q[-1] == ' ')
                q--;
            *q = '\0';
            fields[nf++] = start;
            if (end == '\0')
                return nf;
            p++;
        }
    }
}

static void report(pm_cascade_bad_fn bad, void *ud, const char *path, size_t line,
                   const char *why)
{
    if (!bad)
        return;
    pm_errctx e;
    pm_errctx_clear(&e);
    pm_errctx_set(&e, PM_ERR_ARG, path, "%s", why);
    e.line = (unsigned)line;
    bad(ud, &e);
}

pm_status pm_cascades_read(pm_netinf *n, const char *path, const pm_cascade_columns *cols,
                           size_t max_line, pm_cascade_bad_fn bad, void *ud,
                           pm_cascade_read_stats *rs, pm_errctx *err)
{
    memset(rs, 0, sizeof *rs);
    const char *want[3] = {cols && cols->cascade ? cols->cascade : "cascade_id",
                           cols && cols->node ? cols->node : "node_name",
                           cols && cols->time ? cols->time : "event_time"};
    FILE *f = fopen(path, "rb");
    if (!f)
        return pm_errctx_set(err, PM_ERR_OPEN, path, "%s", strerror(errno));
    pm_buf b;
    pm_buf_init(&b, max_line ? max_line : (size_t)1 << 20);
    char *fields[MAX_FIELDS];
    pm_status st = PM_OK;
    int too_long, r;
    size_t lineno = 0;
    int col[3] = {-1, -1, -1};

    /* header */
    do {
        r = read_line(f, &b, &too_long);
        lineno++;
    } while (r == 1 && !too_long && b.len == 0);
    if (r < 0) {
        st = pm_errctx_set(err, PM_ERR_IO, path, "read error");
        goto done;
    }
    if (r == 0) {
        st = pm_errctx_set(err, PM_ERR_EMPTY, path, "no header row");
        goto done;
    }
    if (too_long) {
        st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "header longer than the line cap");
        goto done;
    }
    {
        char *h = b.data;
        if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF)
            h += 3;
        rs->delimiter = strchr(h, '\t') ? '\t' : ',';
        int nf = split(h, rs->delimiter, fields);
        for (int i = 0; i < nf; i++)
            for (int k = 0; k < 3; k++)
                if (col[k] < 0 && strcmp(fields[i], want[k]) == 0)
                    col[k] = i;
        for (int k = 0; k < 3; k++)
            if (col[k] < 0) {
                st = pm_errctx_set(err, PM_ERR_ARG, path, "header has no column '%s'", want[k]);
                err->line = (unsigned)lineno;
                goto done;
            }
    }
    int need = col[0] > col[1] ? col[0] : col[1];
    need = (need > col[2] ? need : col[2]) + 1;

    while ((r = read_line(f, &b, &too_long)) == 1) {
        lineno++;
        if (!too_long && b.len == 0)
            continue;
        rs->lines++;
        if (too_long) {
            rs->malformed++;
            report(bad, ud, path, lineno, "line longer than the line cap");
            continue;
        }
        if (strlen(b.data) != b.len) {
            rs->malformed++;
            report(bad, ud, path, lineno, "NUL byte in line");
            continue;
        }
        int nf = split(b.data, rs->delimiter, fields);
        if (nf < 0) {
            rs->malformed++;
            report(bad, ud, path, lineno, "bad quoting or too many fields");
            continue;
        }
        if (nf < need) {
            rs->malformed++;
            report(bad, ud, path, lineno, "too few fields");
            continue;
        }
        const char *c = fields[col[0]], *v = fields[col[1]], *ts = fields[col[2]];
        char *end = NULL;
        errno = 0;
        double t = strtod(ts, &end);
        if (!*ts || !end || *end || errno == ERANGE || !isfinite(t)) {
            rs->malformed++;
            report(bad, ud, path, lineno, "event time is not a finite number");
            continue;
        }
        if (!*c || !*v) {
            rs->malformed++;
            report(bad, ud, path, lineno, "empty cascade id or node name");
            continue;
        }
        st = pm_netinf_add(n, c, v, t);
        if (st != PM_OK) {
            pm_errctx_set(err, st, path, "cannot add event");
            err->line = (unsigned)lineno;
            goto done;
        }
        rs->rows++;
    }
    if (r < 0)
        st = pm_errctx_set(err, PM_ERR_IO, path, "read error after line %zu", lineno);
done:
    pm_buf_free(&b);
    fclose(f);
    return st;
}
