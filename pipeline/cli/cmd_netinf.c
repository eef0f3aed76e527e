/* cli/cmd_netinf.c - `policyminer netinf`: read a cascade file, infer the network with
 * NetInf (SNAP's objective, or with --compat networkinference the R package's), write the
 * network table to stdout and a short report (counts, skipped lines, time) to stderr. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_common.h"
#include "policyminer/netinf.h"

#define MAX_REPORTED 10

static void netinf_usage(FILE *f)
{
    fputs("Usage: policyminer netinf --cascades FILE --edges K [OPTIONS]\n"
          "       policyminer netinf --compat networkinference --cascades FILE\n"
          "                          (--edges K | --p-value-cutoff P) [OPTIONS]\n"
          "Infer the diffusion network of a cascade file with NetInf (Gomez-Rodriguez,\n"
          "Leskovec & Krause 2010) and write it as TSV to stdout: origin_node,\n"
          "destination_node, marginal_gain, volume, median_lag, mean_lag (greedy order).\n\n"
          "  -c, --cascades FILE     CSV or TSV with a header (delimiter sniffed from it)\n"
          "  -k, --edges K           number of edges to select (fewer if gains run out)\n"
          "  -m, --model M           exponential (default), powerlaw or rayleigh\n"
          "  -a, --alpha A           transmission rate (default 1; powerlaw needs A > 1;\n"
          "                          networkinference: derived from the data as R does)\n"
          "      --cascade-col NAME  cascade column (default cascade_id)\n"
          "      --node-col NAME     node column (default node_name)\n"
          "      --time-col NAME     time column (default event_time)\n"
          "      --max-pairs N       cap on (cascade, earlier, later) pairs (default 32M)\n"
          "      --max-lag T         only pairs at most T apart are candidate edges\n"
          "                          (default: no limit, as SNAP)\n"
          "      --compat MODE       snap (default) or networkinference: the objective,\n"
          "                          ties, Vuong test and columns of R's NetworkInference\n"
          "                          netinf(): origin_node, destination_node, improvement,\n"
          "                          p_value (rayleigh there is R's: (t/A^2) e^(-t^2/2A^2))\n"
          "      --p-value-cutoff P  networkinference: add edges until the Vuong test's\n"
          "                          p-value reaches P, that edge included (instead of -k)\n"
          "  -h, --help              this help\n\n"
          "SPID example: policyminer netinf -c policies.csv -k 20 --cascade-col policy \\\n"
          "                --node-col statenam --time-col adopt_year\n",
          f);
}

typedef struct bad_report {
    size_t shown;
} bad_report;

static void on_bad(void *ud, const pm_errctx *e)
{
    bad_report *b = ud;
    if (b->shown++ < MAX_REPORTED)
        fprintf(stderr, "policyminer netinf: %s:%u: skipped: %s\n", e->file, e->line, e->detail);
}

int pm_cmd_netinf(int argc, char **argv)
{
    enum { O_CCOL = 256, O_NCOL, O_TCOL, O_PAIRS, O_MAXLAG, O_COMPAT, O_PCUT };
    static const struct option opts[] = {
        {"cascades", required_argument, 0, 'c'}, {"edges", required_argument, 0, 'k'},
        {"model", required_argument, 0, 'm'},    {"alpha", required_argument, 0, 'a'},
        {"cascade-col", required_argument, 0, O_CCOL}, {"node-col", required_argument, 0, O_NCOL},
        {"time-col", required_argument, 0, O_TCOL}, {"max-pairs", required_argument, 0, O_PAIRS},
        {"max-lag", required_argument, 0, O_MAXLAG},
        {"compat", required_argument, 0, O_COMPAT}, {"p-value-cutoff", required_argument, 0, O_PCUT},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    pm_netinf_options o;
    pm_netinf_options_default(&o);
    pm_cascade_columns cols = {NULL, NULL, NULL};
    const char *path = NULL;
    uint64_t k = 0, v;
    int have_k = 0, have_alpha = 0, have_cut = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:k:m:a:h", opts, NULL)) != -1) {
        int bad = 0;
        char *end = NULL;
        switch (c) {
        case 'c': path = optarg; break;
        case 'k': bad = pm_cli_parse_size(optarg, &k) || k > 10000000; have_k = 1; break;
        case 'm': bad = pm_netinf_model_parse(optarg, &o.model) != PM_OK; break;
        case 'a': have_alpha = 1; o.alpha = strtod(optarg, &end); bad = !end || *end || !(o.alpha > 0) || !isfinite(o.alpha); break;
        case O_CCOL: cols.cascade = optarg; break;
        case O_NCOL: cols.node = optarg; break;
        case O_TCOL: cols.time = optarg; break;
        case O_PAIRS: bad = pm_cli_parse_size(optarg, &v) || !v; o.max_pairs = (size_t)v; break;
        case O_MAXLAG: o.max_lag = strtod(optarg, &end); bad = !end || *end || !(o.max_lag > 0) || !isfinite(o.max_lag); break;
        case O_COMPAT: bad = pm_netinf_compat_parse(optarg, &o.compat) != PM_OK; break;
        case O_PCUT: have_cut = 1; o.p_value_cutoff = strtod(optarg, &end);
            bad = !end || *end || !(o.p_value_cutoff > 0 && o.p_value_cutoff <= 1); break;
        case 'h': netinf_usage(stdout); return PM_EXIT_OK;
        default: netinf_usage(stderr); return PM_EXIT_USAGE;
        }
        if (bad) {
            fprintf(stderr, "policyminer netinf: invalid value '%s'\n", optarg);
            return PM_EXIT_USAGE;
        }
    }
    const int ni = o.compat == PM_NETINF_COMPAT_NETWORKINFERENCE;
    if (!ni && have_cut) {
        fprintf(stderr, "policyminer netinf: --p-value-cutoff needs --compat networkinference\n");
        return PM_EXIT_USAGE;
    }
    if (!path || optind != argc || (ni ? have_k == have_cut : !have_k)) {
        if (ni && have_k && have_cut)
            fprintf(stderr, "policyminer netinf: give --edges or --p-value-cutoff, not both\n");
        netinf_usage(stderr);
        return PM_EXIT_USAGE;
    }
    if (ni && o.max_lag > 0) {
        fprintf(stderr, "policyminer netinf: --max-lag is not part of NetworkInference's model\n");
        return PM_EXIT_USAGE;
    }
    if (ni && o.model == PM_NETINF_POWERLAW) {
        fprintf(stderr, "policyminer netinf: NetworkInference has no power-law model\n");
        return PM_EXIT_USAGE;
    }
    if (ni && !have_alpha) {
        if (o.model != PM_NETINF_EXPONENTIAL) {
            fprintf(stderr, "policyminer netinf: --compat networkinference derives the rate "
                            "for the exponential model only; give --alpha\n");
            return PM_EXIT_USAGE;
        }
        o.alpha_auto = 1;
    }
    if (o.model == PM_NETINF_POWERLAW && !(o.alpha > 1)) {
        fprintf(stderr, "policyminer netinf: the powerlaw model needs --alpha > 1\n");
        return PM_EXIT_USAGE;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pm_netinf *n = NULL;
    pm_errctx err;
    pm_errctx_clear(&err);
    bad_report br = {0};
    pm_cascade_read_stats rs;
    pm_buf out;
    pm_buf_init(&out, (size_t)1 << 30);
    int rc = PM_EXIT_OK;
    pm_status st = pm_netinf_create(&n);
    if (st == PM_OK)
        st = pm_cascades_read(n, path, &cols, 0, on_bad, &br, &rs, &err);
    if (st == PM_OK)
        st = pm_netinf_infer(n, &o, (size_t)k, &err);
    if (st == PM_OK)
        st = pm_netinf_write_tsv(n, &out);
    if (st != PM_OK) {
        if (err.line)
            fprintf(stderr, "policyminer netinf: %s:%u: %s: %s\n", err.file, err.line,
                    pm_strerror(st), err.detail);
        else
            fprintf(stderr, "policyminer netinf: %s%s%s: %s\n", err.file, *err.file ? ": " : "",
                    pm_strerror(st), err.detail);
        rc = PM_EXIT_RUN_ERROR;
        goto done;
    }
    if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        fprintf(stderr, "policyminer netinf: cannot write to stdout\n");
        rc = PM_EXIT_RUN_ERROR;
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pm_netinf_stats s = pm_netinf_get_stats(n);
    if (br.shown > MAX_REPORTED)
        fprintf(stderr, "policyminer netinf: ... and %zu more skipped lines\n",
                br.shown - MAX_REPORTED);
    fprintf(stderr,
            "policyminer netinf: %zu events in %zu cascades over %zu nodes (%zu lines, %zu "
            "malformed skipped, %zu repeated (cascade, node) kept at the earliest time); "
            "%zu candidate edges from %zu pairs; %zu edges selected (%s%s, alpha %.10g%s) in "
            "%.3f s\n",
            s.events, s.cascades, s.nodes, rs.lines, rs.malformed, s.duplicates, s.candidates,
            s.pairs, pm_netinf_edge_count(n), pm_netinf_model_name(o.model),
            ni ? ", NetworkInference objective" : "", s.alpha, o.alpha_auto ? " derived" : "",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
done:
    pm_buf_free(&out);
    pm_netinf_free(n);
    return rc;
}
