/* Unit tests for netinf: the SNAP reference edges and gains, lazy evaluation agreeing
 * with a brute-force greedy, deterministic ties, models and bad arguments; the
 * NetworkInference mode on a cascade set worked out by hand under R's rules and against
 * R's own output on SPID (../shared, skipped when absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policyminer/netinf.h"

/* Loads a cascade_id,node_name,event_time CSV with a header (test-only parsing). */
static pm_netinf *load_csv(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    pm_netinf *n;
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    char line[256], c[64], v[64];
    double t;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(sscanf(line, "%63[^,],%63[^,],%lf", c, v, &t), 3);
        assert_int_equal(pm_netinf_add(n, c, v, t), PM_OK);
    }
    fclose(f);
    return n;
}

static void test_reference(void **state)
{
    (void)state;
    pm_netinf *n = load_csv("tests/data/netinf/cascades_snap_example.csv");
    pm_netinf_stats s = pm_netinf_get_stats(n);
    assert_int_equal(s.cascades, 54);
    assert_int_equal(s.nodes, 31); /* node 19 of the 32 never adopts */
    assert_int_equal(s.duplicates, 0);
    pm_netinf_options o;
    pm_netinf_options_default(&o);
    pm_errctx err;
    pm_errctx_clear(&err);
    assert_int_equal(pm_netinf_infer(n, &o, 5, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 5);

    FILE *f = fopen("tests/data/netinf/validation.csv", "r");
    assert_non_null(f);
    char line[256], u[64], v[64];
    double vol, gain, med, mean;
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(sscanf(line, "%63[^,],%63[^,],%lf,%lf,%lf,%lf", u, v, &vol, &gain,
                                &med, &mean), 6);
        int hit = 0;
        for (size_t i = 0; i < 5; i++) {
            const pm_netinf_edge *e = pm_netinf_edge_at(n, i);
            if (strcmp(e->origin, u) || strcmp(e->destination, v))
                continue;
            hit = 1;
            char a[64], b[64];
            snprintf(a, sizeof a, "%.6f", e->gain);
            snprintf(b, sizeof b, "%.6f", gain);
            assert_string_equal(a, b);
            assert_int_equal(e->volume, (unsigned)vol);
            assert_true(fabs(e->median_lag - med) < 5e-7);
            assert_true(fabs(e->mean_lag - mean) < 5e-7);
        }
        assert_true(hit);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 5);
    /* greedy order is by decreasing gain */
    for (size_t i = 1; i < 5; i++)
        assert_true(pm_netinf_edge_at(n, i - 1)->gain >= pm_netinf_edge_at(n, i)->gain);
    assert_string_equal(pm_netinf_edge_at(n, 0)->origin, "23");
    assert_string_equal(pm_netinf_edge_at(n, 0)->destination, "0");
    pm_netinf_free(n);
}


/* Exhaustive greedy over a small synthetic set, written independently of the library's
 * lazy heap: every round scans every (u, v) and takes the best gain (ties by names). */
#define BN 8
#define BC 40

/* Log transmission likelihood of a delay dt under model m (the textbook forms). */
static double log_w(pm_netinf_model m, double alpha, double dt)
{
    if (m == PM_NETINF_EXPONENTIAL)
        return log(alpha) - alpha * dt;
    if (m == PM_NETINF_POWERLAW)
        return log(alpha - 1) - alpha * log(dt);
    return log(alpha) + log(dt) - 0.5 * alpha * dt * dt;
}

static void brute(const double t[BC][BN], pm_netinf_model m, double alpha, size_t k,
                  int out_u[], int out_v[], double out_g[], size_t *nout)
{
    double best[BC][BN];
    int used[BN][BN] = {{0}};
    for (int c = 0; c < BC; c++)
        for (int v = 0; v < BN; v++)
            best[c][v] = log(1e-64);
    *nout = 0;
    while (*nout < k) {
        double bg = 0;
        int bu = -1, bv = -1;
        for (int u = 0; u < BN; u++)
            for (int v = 0; v < BN; v++) {
                if (u == v || used[u][v])
                    continue;
                double g = 0;
                for (int c = 0; c < BC; c++) {
                    if (t[c][u] < 0 || t[c][v] < 0 || !(t[c][u] < t[c][v]))
                        continue;
                    double lw = log_w(m, alpha, t[c][v] - t[c][u]);
                    if (lw > best[c][v])
                        g += lw - best[c][v];
                }
                if (g > bg) { /* strict: the first in (u, v) order wins ties (names "n0".."n7") */
                    bg = g;
                    bu = u;
                    bv = v;
                }
            }
        if (bu < 0)
            break;
        used[bu][bv] = 1;
        for (int c = 0; c < BC; c++) {
            if (t[c][bu] < 0 || t[c][bv] < 0 || !(t[c][bu] < t[c][bv]))
                continue;
            double lw = log_w(m, alpha, t[c][bv] - t[c][bu]);
            if (lw > best[c][bv])
                best[c][bv] = lw;
        }
        out_u[*nout] = bu;
        out_v[*nout] = bv;
        out_g[*nout] = bg;
        (*nout)++;
    }
}

static void test_lazy_equals_exhaustive(void **state)
{
    (void)state;
    static const pm_netinf_model models[3] = {PM_NETINF_EXPONENTIAL, PM_NETINF_POWERLAW,
                                              PM_NETINF_RAYLEIGH};
    static const double alphas[3] = {0.7, 2.0, 1.5};
    uint64_t seed = 12345;
    for (int round = 0; round < 6; round++) {
        double t[BC][BN];
        for (int c = 0; c < BC; c++)
            for (int v = 0; v < BN; v++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                unsigned r = (unsigned)(seed >> 33);
                /* ~half adopt; times on a coarse grid so ties occur */
                t[c][v] = (r & 1) ? -1.0 : (double)((r >> 1) % 12) * 0.5;
            }
        pm_netinf *n;
        assert_int_equal(pm_netinf_create(&n), PM_OK);
        /* add in reverse order: the result must not depend on input order */
        for (int c = BC - 1; c >= 0; c--)
            for (int v = BN - 1; v >= 0; v--)
                if (t[c][v] >= 0) {
                    char cs[16], vs[16];
                    snprintf(cs, sizeof cs, "c%02d", c);
                    snprintf(vs, sizeof vs, "n%d", v);
                    assert_int_equal(pm_netinf_add(n, cs, vs, t[c][v]), PM_OK);
                }
        pm_netinf_options o;
        pm_netinf_options_default(&o);
        o.model = models[round % 3];
        o.alpha = alphas[round % 3];
        pm_errctx err;
        pm_errctx_clear(&err);
        assert_int_equal(pm_netinf_infer(n, &o, 20, &err), PM_OK);
        int bu[20], bv[20];
        double bg[20];
        size_t nb;
        brute((const double(*)[BN])t, o.model, o.alpha, 20, bu, bv, bg, &nb);
        assert_true(nb > 5);
        assert_int_equal(pm_netinf_edge_count(n), nb);
        for (size_t i = 0; i < nb; i++) {
            const pm_netinf_edge *e = pm_netinf_edge_at(n, i);
            char us[16], vs[16];
            snprintf(us, sizeof us, "n%d", bu[i]);
            snprintf(vs, sizeof vs, "n%d", bv[i]);
            assert_string_equal(e->origin, us);
            assert_string_equal(e->destination, vs);
            assert_true(fabs(e->gain - bg[i]) <= 1e-9 * fabs(bg[i]));
        }
        pm_netinf_free(n);
    }
}

static void test_ties_duplicates_and_args(void **state)
{
    (void)state;
    pm_netinf *n;
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    /* two identical cascades from b and a to z: equal gains, "a" wins by name */
    assert_int_equal(pm_netinf_add(n, "1", "b", 0.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "1", "z", 1.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "2", "a", 0.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "2", "z", 1.0), PM_OK);
    /* a repeat keeps the earliest time and is counted */
    assert_int_equal(pm_netinf_add(n, "2", "z", 0.5), PM_OK);
    assert_int_equal(pm_netinf_add(n, "2", "z", 3.0), PM_OK);
    /* tied with the first node: cannot be its child */
    assert_int_equal(pm_netinf_add(n, "3", "a", 2.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "3", "b", 2.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "1", "q", NAN), PM_ERR_ARG);
    assert_int_equal(pm_netinf_add(n, "", "q", 1.0), PM_ERR_ARG);
    pm_netinf_stats s = pm_netinf_get_stats(n);
    assert_int_equal(s.events, 6);
    assert_int_equal(s.duplicates, 2);
    pm_netinf_options o;
    pm_netinf_options_default(&o);
    pm_errctx err;
    pm_errctx_clear(&err);
    assert_int_equal(pm_netinf_infer(n, &o, 10, &err), PM_OK);
    assert_int_equal(pm_netinf_get_stats(n).candidates, 2); /* b->z, a->z; no a<->b */
    /* a->z (lag 0.5) gains more than b->z (lag 1) */
    assert_int_equal(pm_netinf_edge_count(n), 2);
    assert_string_equal(pm_netinf_edge_at(n, 0)->origin, "a");
    assert_true(fabs(pm_netinf_edge_at(n, 0)->gain - (-log(1e-64) - 0.5)) < 1e-9);
    assert_true(fabs(pm_netinf_edge_at(n, 0)->mean_lag - 0.5) < 1e-12);
    /* a lag cap drops b->z (lag 1) from the candidates */
    o.max_lag = 0.7;
    assert_int_equal(pm_netinf_infer(n, &o, 10, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 1);
    assert_int_equal(pm_netinf_get_stats(n).candidates, 1);
    o.max_lag = 0;
    assert_int_equal(pm_netinf_infer(n, &o, 10, &err), PM_OK);
    pm_buf b;
    pm_buf_init(&b, 1 << 16);
    assert_int_equal(pm_netinf_write_tsv(n, &b), PM_OK);
    assert_string_equal(b.data, "origin_node\tdestination_node\tmarginal_gain\tvolume\tmedian_lag\tmean_lag\n"
                                "a\tz\t146.865446\t1\t0.500000\t0.500000\n"
                                "b\tz\t146.365446\t1\t1.000000\t1.000000\n");
    pm_buf_free(&b);
    pm_netinf_free(n);

    /* equal gains: byte order of names decides, whatever the input order */
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    assert_int_equal(pm_netinf_add(n, "1", "b", 0.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "1", "z", 1.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "2", "a", 0.0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "2", "z", 1.0), PM_OK);
    assert_int_equal(pm_netinf_infer(n, &o, 1, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 1);
    assert_string_equal(pm_netinf_edge_at(n, 0)->origin, "a");

    o.model = PM_NETINF_POWERLAW;
    o.alpha = 1.0;
    assert_int_equal(pm_netinf_infer(n, &o, 1, &err), PM_ERR_ARG);
    assert_int_equal(pm_netinf_edge_count(n), 0);
    o.model = PM_NETINF_EXPONENTIAL;
    o.max_pairs = 1;
    pm_errctx_clear(&err);
    assert_int_equal(pm_netinf_infer(n, &o, 1, &err), PM_ERR_TOO_BIG);
    pm_netinf_free(n);
    pm_netinf_free(NULL);

    pm_netinf_model m;
    assert_int_equal(pm_netinf_model_parse("rayleigh", &m), PM_OK);
    assert_int_equal(m, PM_NETINF_RAYLEIGH);
    assert_int_equal(pm_netinf_model_parse("gauss", &m), PM_ERR_ARG);
}

typedef struct bad_lines {
    unsigned line[16];
    size_t n;
} bad_lines;

static void on_bad(void *ud, const pm_errctx *e)
{
    bad_lines *b = ud;
    assert_true(strstr(e->file, "messy.csv") != NULL);
    if (b->n < 16)
        b->line[b->n++] = e->line;
}

static void test_reader(void **state)
{
    (void)state;
    pm_netinf *n;
    pm_errctx err;
    pm_cascade_read_stats rs;
    /* TSV, columns in another order, a blank line */
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    assert_int_equal(pm_cascades_read(n, "tests/data/netinf/reordered.tsv", NULL, 0, NULL, NULL,
                                      &rs, &err), PM_OK);
    assert_int_equal(rs.delimiter, '\t');
    assert_int_equal(rs.rows, 5);
    assert_int_equal(rs.malformed, 0);
    pm_netinf_stats s = pm_netinf_get_stats(n);
    assert_int_equal(s.cascades, 2);
    assert_int_equal(s.nodes, 5);
    assert_int_equal(pm_netinf_infer(n, NULL, 1, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 1);
    pm_netinf_free(n);

    /* SPID-style names, BOM, CRLF, quotes; five bad lines reported with their numbers */
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    pm_cascade_columns cols = {"policy", "statenam", "adopt_year"};
    bad_lines bl = {{0}, 0};
    assert_int_equal(pm_cascades_read(n, "tests/data/netinf/messy.csv", &cols, 0, on_bad, &bl,
                                      &rs, &err), PM_OK);
    assert_int_equal(rs.delimiter, ',');
    assert_int_equal(rs.lines, 9);
    assert_int_equal(rs.rows, 5);
    assert_int_equal(rs.malformed, 4);
    assert_int_equal(bl.n, 4);
    assert_int_equal(bl.line[0], 5); /* Ohio: too few fields */
    assert_int_equal(bl.line[1], 6); /* NA time */
    assert_int_equal(bl.line[2], 7); /* unterminated quote */
    assert_int_equal(bl.line[3], 8); /* empty node */
    s = pm_netinf_get_stats(n);
    assert_int_equal(s.cascades, 3);  /* "debt act, 2005", "say \"hi\"", "plain" */
    assert_int_equal(s.duplicates, 1); /* Utah twice: 1990 kept */
    assert_int_equal(pm_netinf_infer(n, NULL, 5, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 1);
    assert_string_equal(pm_netinf_edge_at(n, 0)->origin, "Delaware");
    assert_string_equal(pm_netinf_edge_at(n, 0)->destination, "Colorado");
    pm_netinf_free(n);

    /* missing column, missing file, line cap */
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    pm_errctx_clear(&err);
    assert_int_equal(pm_cascades_read(n, "tests/data/netinf/messy.csv", NULL, 0, NULL, NULL, &rs,
                                      &err), PM_ERR_ARG);
    assert_true(strstr(err.detail, "cascade_id") != NULL);
    assert_int_equal(err.line, 1);
    assert_int_equal(pm_cascades_read(n, "tests/data/netinf/none.csv", NULL, 0, NULL, NULL, &rs,
                                      &err), PM_ERR_OPEN);
    assert_int_equal(pm_cascades_read(n, "tests/data/netinf/messy.csv", &cols, 20, NULL, NULL, &rs,
                                      &err), PM_ERR_TOO_BIG);
    /* an empty file and a header-only file */
    char path[] = "/tmp/pm_netinf_testXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(pm_cascades_read(n, path, NULL, 0, NULL, NULL, &rs, &err), PM_ERR_EMPTY);
    FILE *hf = fopen(path, "w");
    assert_non_null(hf);
    fputs("cascade_id,node_name,event_time\n", hf);
    fclose(hf);
    assert_int_equal(pm_cascades_read(n, path, NULL, 0, NULL, NULL, &rs, &err), PM_OK);
    assert_int_equal(rs.rows, 0);
    assert_int_equal(pm_netinf_infer(n, NULL, 3, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 0);
    unlink(path);
    /* the refused headers added nothing */
    assert_int_equal(pm_cascades_read(n, "tests/data/netinf/reordered.tsv", NULL, 0, NULL, NULL,
                                      &rs, &err), PM_OK);
    assert_int_equal(pm_netinf_get_stats(n).events, 5);
    pm_netinf_free(n);
}

/* ---- NetworkInference mode --------------------------------------------------------------
 * Three cascades, rate 1 (f(d) = e^-d), added so that first appearance is s, r, q (R's ids
 * 0, 1, 2) while byte order is the reverse:
 *   x: s@0 r@1 q@3     y: r@0 s@2     z: s@0 q@0 r@2   (s and q tied: neither is a parent)
 * A node explained by its nearest earlier node at gap g scores log(1e-10 e^-g); with a
 * network parent at gap d, log(0.5 e^-d). So an edge gains L + g - d per cascade, L =
 * log(0.5 / 1e-10) = log(5e9), when that is positive. Candidates (5, from 6 pairs):
 *   s->r  x: d=1 g=1, z: d=2 g=2   2L
 *   s->q  x: d=3 g=2               L - 1
 *   r->q  x: d=2 g=2               L
 *   r->s  y: d=2 g=2               L
 *   q->r  z: d=2 g=2               L
 * Round 1 takes s->r (2L); q->r then gains nothing in z (its score equals r's new one).
 * Round 2: r->q and r->s tie at L; R takes the last in (child id, parent id) order, child
 * q (id 2) over s (id 0): r->q. Then s->q gains nothing. Round 3: r->s (L). Rounds 4 and 5
 * are the zero gains, last in that order first: s->q (child q), then q->r (child r).
 *
 * Vuong test (n = 3 cascades, penalty p = 1/3 per edge, kept in the stored scores of
 * cascades not re-scored since): liks are the per-cascade changes of the stored score.
 *   round 1: [L-p, -p, L-p]  stat = (2L - 3p) / L
 *   round 2: [L, -p, -p]     stat = (L - 2p) / (L + p)   (x's drift of round 1 undone)
 *   round 3: [-p, L+p, -p]   stat = (L - p) / (L + 2p)
 *   rounds 4, 5: no change, stat -> -inf, p-value 1.
 * (sum / (sd sqrt n) with the sample sd; [a, a, b] has sd |b - a| / sqrt 3.) The p-value
 * is 1 - Phi(stat); R uses an approximation of Phi good to 1.5e-7. */
static pm_netinf *hand_set(void)
{
    pm_netinf *n;
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    static const struct { const char *c, *v; double t; } ev[] = {
        {"x", "s", 0}, {"x", "r", 1}, {"x", "q", 3}, {"y", "r", 0}, {"y", "s", 2},
        {"z", "s", 0}, {"z", "q", 0}, {"z", "r", 2}};
    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
        assert_int_equal(pm_netinf_add(n, ev[i].c, ev[i].v, ev[i].t), PM_OK);
    return n;
}

static double upper_tail(double z)
{
    return 0.5 * erfc(z / sqrt(2.0));
}

static void expect_edge(const pm_netinf *n, size_t i, const char *u, const char *v, double gain,
                        double pval)
{
    const pm_netinf_edge *e = pm_netinf_edge_at(n, i);
    assert_non_null(e);
    assert_string_equal(e->origin, u);
    assert_string_equal(e->destination, v);
    assert_true(fabs(e->gain - gain) < 1e-9);
    assert_true(fabs(e->p_value - pval) < 1e-6);
}

static void test_networkinference_by_hand(void **state)
{
    (void)state;
    const double L = log(5e9), p = 1.0 / 3.0;
    pm_netinf *n = hand_set();
    pm_netinf_options o;
    pm_netinf_options_default(&o);
    o.compat = PM_NETINF_COMPAT_NETWORKINFERENCE;
    o.alpha = 1.0;
    pm_errctx err;
    pm_errctx_clear(&err);
    assert_int_equal(pm_netinf_infer(n, &o, 5, &err), PM_OK);
    assert_int_equal(pm_netinf_get_stats(n).candidates, 5);
    assert_int_equal(pm_netinf_get_stats(n).pairs, 6);
    assert_int_equal(pm_netinf_edge_count(n), 5);
    expect_edge(n, 0, "s", "r", 2 * L, upper_tail((2 * L - 3 * p) / L));
    expect_edge(n, 1, "r", "q", L, upper_tail((L - 2 * p) / (L + p)));
    expect_edge(n, 2, "r", "s", L, upper_tail((L - p) / (L + 2 * p)));
    expect_edge(n, 3, "s", "q", 0, 1);
    expect_edge(n, 4, "q", "r", 0, 1);
    /* without the drift round 2 would be 1 - Phi((L - 3p) / L): the test tells them apart */
    assert_true(fabs(upper_tail((L - 2 * p) / (L + p)) - upper_tail((L - 3 * p) / L)) > 1e-4);
    assert_int_equal(pm_netinf_edge_at(n, 0)->volume, 2);
    assert_true(fabs(pm_netinf_edge_at(n, 0)->mean_lag - 1.5) < 1e-12);

    pm_buf b;
    pm_buf_init(&b, 1 << 16);
    assert_int_equal(pm_netinf_write_tsv(n, &b), PM_OK);
    assert_true(strncmp(b.data, "origin_node\tdestination_node\timprovement\tp_value\ns\tr\t44.66", 55) == 0);
    pm_buf_free(&b);

    /* p-value cutoff: round 2's p (0.17) is the first >= 0.1, and it is kept, as in R */
    o.p_value_cutoff = 0.1;
    assert_int_equal(pm_netinf_infer(n, &o, 0, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 2);
    expect_edge(n, 1, "r", "q", L, upper_tail((L - 2 * p) / (L + p)));
    /* a cutoff never reached: every possible edge */
    o.p_value_cutoff = 1;
    assert_int_equal(pm_netinf_infer(n, &o, 0, &err), PM_OK);
    assert_int_equal(pm_netinf_edge_count(n), 4); /* round 4's p-value is 1 >= 1 */

    /* R's derived rate: fan delays 1,3,2,0,2 (mean 1.6), chain delays 1,2,2,0,2 (mean
     * 1.4): (1/1.4 + 1/1.6) / 2 */
    o.p_value_cutoff = 0;
    o.alpha_auto = 1;
    assert_int_equal(pm_netinf_infer(n, &o, 1, &err), PM_OK);
    assert_true(fabs(pm_netinf_get_stats(n).alpha - (1 / 1.4 + 1 / 1.6) / 2) < 1e-15);
    o.alpha_auto = 0;

    /* more edges than possible is an error (as in R), as are the power law and a bad
     * cutoff; no edges are left behind */
    pm_errctx_clear(&err);
    assert_int_equal(pm_netinf_infer(n, &o, 6, &err), PM_ERR_ARG);
    assert_true(strstr(err.detail, "only 5") != NULL);
    assert_int_equal(pm_netinf_edge_count(n), 0);
    o.model = PM_NETINF_POWERLAW;
    o.alpha = 2;
    assert_int_equal(pm_netinf_infer(n, &o, 1, &err), PM_ERR_ARG);
    o.model = PM_NETINF_EXPONENTIAL;
    o.p_value_cutoff = 1.5;
    assert_int_equal(pm_netinf_infer(n, &o, 1, &err), PM_ERR_ARG);
    o.p_value_cutoff = 0;
    /* a delay whose density underflows: zero likelihood, reported as R does */
    assert_int_equal(pm_netinf_add(n, "w", "s", 0), PM_OK);
    assert_int_equal(pm_netinf_add(n, "w", "r", 1e6), PM_OK);
    pm_errctx_clear(&err);
    assert_int_equal(pm_netinf_infer(n, &o, 1, &err), PM_ERR_ARG);
    assert_true(strstr(err.detail, "zero likelihood") != NULL);
    pm_netinf_free(n);

    /* the SNAP mode on the same handle type is untouched by these options' defaults */
    pm_netinf_compat c;
    assert_int_equal(pm_netinf_compat_parse("networkinference", &c), PM_OK);
    assert_int_equal(c, PM_NETINF_COMPAT_NETWORKINFERENCE);
    assert_int_equal(pm_netinf_compat_parse("snap", &c), PM_OK);
    assert_int_equal(c, PM_NETINF_COMPAT_SNAP);
    assert_int_equal(pm_netinf_compat_parse("R", &c), PM_ERR_ARG);
}

/* R's output on SPID v1.0 (NetworkInference 1.2.5, R 4.2.2; ../shared/data/spid): the same
 * table byte for byte, for 100 edges at rate 0.5 and for the p-value cutoff 0.05 with the
 * rate R derives when no params are given (the reference was made that way: at rate 0.5
 * the first improvement would be 3834.875..., the reference's is 3744.719...). */
static int read_whole(const char *path, pm_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(pm_buf_append(out, chunk, got), PM_OK);
    fclose(f);
    return 0;
}

static void test_networkinference_spid(void **state)
{
    (void)state;
    static const char *policies = "../shared/data/spid/policies.csv";
    if (access(policies, R_OK) != 0) {
        print_message("skipped: %s absent (R NetworkInference comparison)\n", policies);
        skip();
    }
    static const struct { const char *ref; size_t k; double cutoff; int auto_alpha; size_t rows; } runs[] = {
        {"../shared/data/spid/networkinference_exp_100.tsv", 100, 0, 0, 100},
        {"../shared/data/spid/networkinference_exp_p05.tsv", 0, 0.05, 1, 686}};
    pm_netinf *n;
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    pm_cascade_columns cols = {"policy", "statenam", "adopt_year"};
    pm_cascade_read_stats rs;
    pm_errctx err;
    pm_errctx_clear(&err);
    assert_int_equal(pm_cascades_read(n, policies, &cols, 0, NULL, NULL, &rs, &err), PM_OK);
    assert_int_equal(rs.rows, 17835);
    for (size_t r = 0; r < 2; r++) {
        pm_netinf_options o;
        pm_netinf_options_default(&o);
        o.compat = PM_NETINF_COMPAT_NETWORKINFERENCE;
        o.alpha = 0.5;
        o.p_value_cutoff = runs[r].cutoff;
        o.alpha_auto = runs[r].auto_alpha;
        assert_int_equal(pm_netinf_infer(n, &o, runs[r].k, &err), PM_OK);
        assert_int_equal(pm_netinf_edge_count(n), runs[r].rows);
        pm_buf got, want;
        pm_buf_init(&got, 1 << 20);
        pm_buf_init(&want, 1 << 20);
        assert_int_equal(pm_netinf_write_tsv(n, &got), PM_OK);
        if (read_whole(runs[r].ref, &want) != 0)
            fail_msg("%s missing beside %s", runs[r].ref, policies);
        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0) {
            /* say where, so a failure is readable */
            size_t i = 0, line = 1;
            while (i < got.len && i < want.len && got.data[i] == want.data[i])
                line += got.data[i++] == '\n';
            fail_msg("%s differs from R's output at line %zu", runs[r].ref, line);
        }
        pm_buf_free(&got);
        pm_buf_free(&want);
    }
    pm_netinf_free(n);
}

/* max_parents: a node's candidates are its K most recent strictly earlier adopters (within
 * max_lag); the pairs left out are counted, and a cap above every cascade's size changes
 * nothing (the reference edges, gains and pairs stay as SNAP's). */
static void test_max_parents(void **state)
{
    (void)state;
    pm_netinf *n;
    assert_int_equal(pm_netinf_create(&n), PM_OK);
    /* one cascade: a at 0, b at 1, c at 2, d and e both at 3, f at 10 */
    const char *nodes[] = {"a", "b", "c", "d", "e", "f"};
    const double times[] = {0, 1, 2, 3, 3, 10};
    for (int i = 0; i < 6; i++)
        assert_int_equal(pm_netinf_add(n, "x", nodes[i], times[i]), PM_OK);
    pm_netinf_options o;
    pm_netinf_options_default(&o);
    pm_errctx err;
    pm_errctx_clear(&err);
    assert_int_equal(pm_netinf_infer(n, &o, 3, &err), PM_OK);
    pm_netinf_stats s = pm_netinf_get_stats(n);
    assert_int_equal(s.pairs, 0 + 1 + 2 + 3 + 3 + 5);
    assert_int_equal(s.pairs_capped, 0);
    o.max_parents = 2; /* b 1, c 2, d 2 (of 3), e 2 (of 3; d ties, not earlier), f 2 (of 5) */
    assert_int_equal(pm_netinf_infer(n, &o, 3, &err), PM_OK);
    s = pm_netinf_get_stats(n);
    assert_int_equal(s.pairs, 1 + 2 + 2 + 2 + 2);
    assert_int_equal(s.pairs_capped, 1 + 1 + 3);
    assert_int_equal(s.candidates, 9); /* a-b a-c b-c b-d c-d b-e c-e d-f e-f */
    o.max_lag = 7.5; /* f: d and e only (c is 8 before): nothing left to cap */
    assert_int_equal(pm_netinf_infer(n, &o, 3, &err), PM_OK);
    s = pm_netinf_get_stats(n);
    assert_int_equal(s.pairs, 1 + 2 + 2 + 2 + 2);
    assert_int_equal(s.pairs_capped, 1 + 1);
    pm_netinf_free(n);

    n = load_csv("tests/data/netinf/cascades_snap_example.csv");
    pm_netinf_options_default(&o);
    assert_int_equal(pm_netinf_infer(n, &o, 5, &err), PM_OK);
    pm_netinf_stats all = pm_netinf_get_stats(n);
    double gains[5];
    for (int i = 0; i < 5; i++)
        gains[i] = pm_netinf_edge_at(n, (size_t)i)->gain;
    o.max_parents = 1000;
    assert_int_equal(pm_netinf_infer(n, &o, 5, &err), PM_OK);
    assert_int_equal(pm_netinf_get_stats(n).pairs, all.pairs);
    assert_int_equal(pm_netinf_get_stats(n).pairs_capped, 0);
    for (int i = 0; i < 5; i++)
        assert_true(pm_netinf_edge_at(n, (size_t)i)->gain == gains[i]);
    pm_netinf_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_max_parents),
        cmocka_unit_test(test_lazy_equals_exhaustive),
        cmocka_unit_test(test_ties_duplicates_and_args),
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_networkinference_by_hand),
        cmocka_unit_test(test_networkinference_spid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
