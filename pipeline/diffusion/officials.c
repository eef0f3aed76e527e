/* diffusion/officials.c - do leaders carry policies when they move? officials.tsv and
 * officials_summary.tsv from an officials file (person_id, region_code, start, end).
 *
 * A move is two consecutive postings of one person (by start date) in different regions;
 * it happens at the start of the second posting. An adoption of experiment c by region B
 * on date d is "carried" when some move A -> B happened in [d - window, d] and A had
 * adopted c strictly before that move. The same share is then recomputed with the moves'
 * destinations randomly reassigned among the moves (origin and date kept; Fisher-Yates
 * driven by splitmix64 from a fixed seed), so a researcher can compare observed and
 * chance. Reads the file itself (header names the columns, tab or comma); malformed lines
 * are skipped and counted in the summary. Never prints.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diffusion_internal.h"
#include "policyminer/buf.h"
#include "policyminer/sinks.h"
#include "policyminer/ymd.h"

#define MAX_POSTINGS 1000000u
#define PERSON_MAX 63

typedef struct posting {
    char person[PERSON_MAX + 1];
    uint32_t region;
    int32_t start, end; /* yyyymmdd; end 0 = still serving */
} posting;

typedef struct move {
    uint32_t from, to;
    int32_t date;
    double t;        /* decimal year */
    uint32_t posting; /* the destination posting (person id) */
} move;

typedef struct adopt_key {
    uint32_t cascade, region; /* cascade = group number in rows */
    double t;
} adopt_key;

/* "YYYY-MM-DD", "YYYY-MM", "YYYY" or "YYYYMMDD" -> yyyymmdd (month/day 0 when absent);
 * 0 when malformed. */
static int32_t parse_date(const char *s)
{
    int y = 0, m = 0, d = 0, n = 0;
    size_t len = strlen(s);
    if (len == 8 && strspn(s, "0123456789") == 8)
        return (int32_t)strtol(s, NULL, 10);
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && (size_t)n == len) {
    } else if (sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && (size_t)n == len) {
        d = 0;
    } else if (len == 4 && strspn(s, "0123456789") == 4) {
        y = atoi(s);
        m = d = 0;
    } else {
        return 0;
    }
    if (y < 1000 || y > 9999 || m < 0 || m > 12 || d < 0 || d > 31 || (!m && d))
        return 0;
    return (int32_t)(y * 10000 + m * 100 + d);
}

static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static int split(char *line, char delim, char **f, int max)
{
    int n = 0;
    for (char *p = line;;) {
        if (n == max)
            return -1;
        char *q = strchr(p, delim);
        if (q)
            *q = '\0';
        f[n++] = trim(p);
        if (!q)
            return n;
        p = q + 1;
    }
}

typedef struct offile {
    posting *p;
    size_t n, cap;
    size_t lines, malformed;
    unsigned first_bad;
} offile;

static pm_status read_officials(const pm_country *c, const char *path, offile *of, pm_errctx *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return pm_errctx_set(err, PM_ERR_OPEN, path, "officials file: %s", strerror(errno));
    char line[4096];
    char *fl[32];
    int col[4] = {-1, -1, -1, -1};
    static const char *const names[4] = {"person_id", "region_code", "start", "end"};
    pm_status st = PM_OK;
    unsigned ln = 0;
    char delim = ',';
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return pm_errctx_set(err, PM_ERR_EMPTY, path, "officials file has no header");
    }
    ln = 1;
    delim = strchr(line, '\t') ? '\t' : ',';
    int nf = split(line, delim, fl, 32);
    for (int i = 0; i < nf; i++)
        for (int k = 0; k < 4; k++)
            if (col[k] < 0 && strcmp(fl[i], names[k]) == 0)
                col[k] = i;
    for (int k = 0; k < 4; k++)
        if (col[k] < 0) {
            fclose(f);
            st = pm_errctx_set(err, PM_ERR_ARG, path, "officials header has no column '%s'", names[k]);
            err->line = 1;
            return st;
        }
    int need = 0;
    for (int k = 0; k < 4; k++)
        if (col[k] + 1 > need)
            need = col[k] + 1;
    while (fgets(line, sizeof line, f)) {
        ln++;
        size_t len = strlen(line);
        int whole = len && line[len - 1] == '\n';
        if (!whole && !feof(f)) { /* longer than the line buffer: skip the rest */
            int c;
            while ((c = getc(f)) != EOF && c != '\n')
                ;
        }
        char *t = trim(line);
        if (!*t)
            continue;
        of->lines++;
        nf = whole || feof(f) ? split(t, delim, fl, 32) : -1;
        int32_t start = 0, end = 0;
        unsigned long region = 0;
        char *endp = NULL;
        int ok = nf >= need;
        if (ok) {
            region = strtoul(fl[col[1]], &endp, 10);
            start = parse_date(fl[col[2]]);
            end = *fl[col[3]] ? parse_date(fl[col[3]]) : 0;
            /* a code of the pack, written at its width */
            ok = *fl[col[0]] && strlen(fl[col[0]]) <= PERSON_MAX && endp && !*endp &&
                 endp != fl[col[1]] && strlen(fl[col[1]]) == pm_country_code_width(c) &&
                 region <= UINT32_MAX && pm_country_region_find(c, region, 0) != PM_REGION_NONE &&
                 start &&
                 (!*fl[col[3]] || (end && end >= start));
        }
        if (!ok) {
            if (!of->malformed++)
                of->first_bad = ln;
            continue;
        }
        if (of->n == MAX_POSTINGS) {
            st = pm_errctx_set(err, PM_ERR_TOO_BIG, path, "more than %u postings", MAX_POSTINGS);
            err->line = ln;
            break;
        }
        if (of->n == of->cap) {
            size_t nc = of->cap ? of->cap * 2 : 256;
            posting *np = realloc(of->p, nc * sizeof *np);
            if (!np) {
                st = PM_ERR_NOMEM;
                break;
            }
            of->p = np;
            of->cap = nc;
        }
        posting *p = &of->p[of->n++];
        snprintf(p->person, sizeof p->person, "%s", fl[col[0]]);
        p->region = (uint32_t)region;
        p->start = start;
        p->end = end;
    }
    if (st == PM_OK && ferror(f))
        st = pm_errctx_set(err, PM_ERR_IO, path, "read error");
    fclose(f);
    return st;
}

static int cmp_posting(const void *a, const void *b)
{
    const posting *x = a, *y = b;
    int c = strcmp(x->person, y->person);
    if (c)
        return c;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->region > y->region) - (x->region < y->region);
}

static int cmp_move(const void *a, const void *b)
{
    const move *x = a, *y = b;
    if (x->to != y->to)
        return x->to < y->to ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->posting != y->posting)
        return x->posting < y->posting ? -1 : 1;
    return (x->from > y->from) - (x->from < y->from);
}

static int cmp_key(const void *a, const void *b)
{
    const adopt_key *x = a, *y = b;
    if (x->cascade != y->cascade)
        return x->cascade < y->cascade ? -1 : 1;
    return (x->region > y->region) - (x->region < y->region);
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The first move (in (time, person) order) that carries adoption (c, region, t), or -1.
 * mv is sorted by (to, t, ...). */
static long carrier(const move *mv, size_t nm, const adopt_key *keys, size_t nk, uint32_t c,
                    uint32_t region, double t, double window)
{
    size_t lo = 0, hi = nm;
    while (lo < hi) { /* first move into region */
        size_t mid = lo + (hi - lo) / 2;
        if (mv[mid].to < region)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < nm && mv[i].to == region && mv[i].t <= t; i++) {
        if (mv[i].t < t - window)
            continue;
        adopt_key k = {c, mv[i].from, 0};
        const adopt_key *a = bsearch(&k, keys, nk, sizeof *keys, cmp_key);
        if (a && a->t < mv[i].t)
            return (long)i;
    }
    return -1;
}

static void format_ymd(int32_t ymd, char *out, size_t n)
{
    pm_ymd_format(ymd, PM_YMD_YEAR, out, n);
}

#define TRY(x) do { if ((st = (x)) != PM_OK) goto done; } while (0)

pm_status pm_diffusion_write_officials(const pm_country *country, const pm_diffusion_options *o,
                                       const pm_adopt_row *rows, size_t n, const char *dir,
                                       pm_errctx *err)
{
    pm_status st = PM_OK;
    offile of = {0};
    move *mv = NULL, *perm = NULL;
    adopt_key *keys = NULL;
    uint32_t *cidx = NULL;
    pm_outfile *f = NULL, *fs = NULL;
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 30);
    const double window = o->window_years;

    TRY(read_officials(country, o->officials, &of, err));
    qsort(of.p, of.n, sizeof *of.p, cmp_posting);
    mv = malloc((of.n ? of.n : 1) * sizeof *mv);
    perm = malloc((of.n ? of.n : 1) * sizeof *perm);
    keys = malloc((n ? n : 1) * sizeof *keys);
    cidx = malloc((n ? n : 1) * sizeof *cidx);
    if (!mv || !perm || !keys || !cidx) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    size_t nm = 0;
    for (size_t i = 1; i < of.n; i++)
        if (strcmp(of.p[i].person, of.p[i - 1].person) == 0 && of.p[i].region != of.p[i - 1].region)
            mv[nm++] = (move){of.p[i - 1].region, of.p[i].region, of.p[i].start,
                              pm_decimal_year(of.p[i].start), (uint32_t)i};
    qsort(mv, nm, sizeof *mv, cmp_move);

    uint32_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(rows[i].cascade, rows[i - 1].cascade) != 0)
            c++;
        cidx[i] = c;
        keys[i] = (adopt_key){c, rows[i].region, pm_decimal_year(rows[i].date)};
    }
    qsort(keys, n, sizeof *keys, cmp_key);

    /* observed */
    TRY(pm_outfile_open(&f, dir, "officials.tsv", err));
    TRY(pm_buf_append_str(&b, "cascade_id\tnode_name\tdate\tfollower\tcarried\tperson_id\t"
                              "from_node\tmove_date\n"));
    size_t followers = 0, carried = 0;
    for (size_t i = 0; i < n; i++) {
        int follower = i && cidx[i] == cidx[i - 1];
        long m = follower ? carrier(mv, nm, keys, n, cidx[i], rows[i].region,
                                    pm_decimal_year(rows[i].date), window)
                          : -1;
        followers += (size_t)follower;
        carried += m >= 0;
        char d[16];
        format_ymd(rows[i].date, d, sizeof d);
        TRY(pm_tsv_field(&b, rows[i].cascade, strlen(rows[i].cascade), 0));
        char cb[PM_COUNTRY_CODE_BUF];
        TRY(pm_buf_printf(&b, "\t%s\t%s\t%d\t%d\t",
                          pm_country_format_code(country, rows[i].region, cb, sizeof cb), d, follower,
                          m >= 0));
        if (m >= 0) {
            const char *person = of.p[mv[m].posting].person;
            char md[16];
            format_ymd(mv[m].date, md, sizeof md);
            TRY(pm_tsv_field(&b, person, strlen(person), 0));
            TRY(pm_buf_printf(&b, "\t%s\t%s", pm_country_format_code(country, mv[m].from, cb, sizeof cb), md));
        } else {
            TRY(pm_buf_append_str(&b, "\t\t"));
        }
        TRY(pm_buf_append_char(&b, '\n'));
        if (b.len > (1u << 20)) {
            TRY(pm_outfile_write(f, b.data, b.len, err));
            pm_buf_reset(&b);
        }
    }
    TRY(pm_outfile_write(f, b.data, b.len, err));
    pm_buf_reset(&b);

    /* reassigned: destinations shuffled among the moves */
    uint64_t seed = o->officials_seed;
    int R = o->officials_permutations > 0 ? o->officials_permutations : 0;
    double sum_share = 0;
    int at_least = 0;
    for (int r = 0; r < R; r++) {
        memcpy(perm, mv, nm * sizeof *mv);
        for (size_t i = nm; i > 1; i--) {
            size_t j = (size_t)(splitmix64(&seed) % i);
            uint32_t tmp = perm[i - 1].to;
            perm[i - 1].to = perm[j].to;
            perm[j].to = tmp;
        }
        qsort(perm, nm, sizeof *perm, cmp_move);
        size_t cr = 0;
        for (size_t i = 1; i < n; i++)
            if (cidx[i] == cidx[i - 1])
                cr += carrier(perm, nm, keys, n, cidx[i], rows[i].region,
                              pm_decimal_year(rows[i].date), window) >= 0;
        sum_share += followers ? (double)cr / (double)followers : 0;
        at_least += cr >= carried;
    }

    TRY(pm_outfile_open(&fs, dir, "officials_summary.tsv", err));
    TRY(pm_buf_printf(&b, "statistic\tvalue\tn\n"
                          "lines\t%zu\t%zu\n"
                          "postings\t%zu\t%zu\n"
                          "malformed_lines\t%zu\t%zu\n"
                          "first_malformed_line\t",
                      of.lines, of.lines, of.n, of.lines, of.malformed, of.lines));
    if (of.malformed)
        TRY(pm_buf_printf(&b, "%u", of.first_bad));
    TRY(pm_buf_printf(&b, "\t%zu\n"
                          "moves\t%zu\t%zu\n"
                          "followers\t%zu\t%zu\n",
                      of.malformed, nm, nm, followers, followers));
    if (followers)
        TRY(pm_buf_printf(&b, "share_carried\t%.4f\t%zu\n", (double)carried / (double)followers,
                          carried));
    else
        TRY(pm_buf_printf(&b, "share_carried\t\t0\n"));
    if (followers && R)
        TRY(pm_buf_printf(&b, "share_carried_reassigned\t%.4f\t%d\n"
                              "reassigned_at_least_observed\t%.4f\t%d\n",
                          sum_share / R, R, (double)at_least / R, at_least));
    else
        TRY(pm_buf_printf(&b, "share_carried_reassigned\t\t%d\nreassigned_at_least_observed\t\t0\n", R));
    TRY(pm_outfile_write(fs, b.data, b.len, err));
    TRY(pm_outfile_commit_take(&f, err));
    TRY(pm_outfile_commit_take(&fs, err));
done:
    pm_outfile_abort(f);
    pm_outfile_abort(fs);
    pm_buf_free(&b);
    free(of.p);
    free(mv);
    free(perm);
    free(keys);
    free(cidx);
    if (st != PM_OK && err && err->code == PM_OK)
        pm_errctx_set(err, st, o->officials, "officials tables");
    return st;
}
