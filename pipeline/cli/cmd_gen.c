/* cli/cmd_gen.c - `policyminer gen`: options in, pm_gen_run() out, a one-line report. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_common.h"
#include "policyminer/gen.h"

static void gen_usage(FILE *f)
{
    fputs("Usage: policyminer gen -n DOCS -o DIR [OPTIONS]\n"
          "Write a synthetic corpus of DOCS documents (corpus XML, gzip) with its ground truth:\n"
          "truth_documents.tsv, truth_cascades.tsv (planted diffusion), truth_rejects.tsv.\n\n"
          "  -n, --docs N            number of documents (K/M suffixes allowed)\n"
          "  -o, --output DIR        output directory\n"
          "      --seed S            random seed (default 1); same seed, same bytes\n"
          "      --docs-per-file K   documents per file (default 1000)\n"
          "      --bad-rate R        share of documents planted broken, 0..1 (default 0)\n"
          "      --gzip-level L      1..9 (default 6)\n"
          "      --giant N           also plant N giant documents (rejected as doc_too_big)\n"
          "      --giant-bytes B     size of a giant document (default 65M, K/M/G suffixes)\n"
          "      --copies R          share of documents that copy an earlier one's body,\n"
          "                          whole or 50-90% of it (default 0): truth_reuse.tsv\n"
          "  -d, --dict DIR          dictionary directory\n"
          "  -j, --threads N         threads (default: all cores; output does not depend on it)\n"
          "  -h, --help              this help\n",
          f);
}

int pm_cmd_gen(int argc, char **argv)
{
    enum { O_SEED = 256, O_DPF, O_BAD, O_LEVEL, O_GIANT, O_GIANT_BYTES, O_COPIES };
    static const struct option opts[] = {
        {"docs", required_argument, 0, 'n'},  {"output", required_argument, 0, 'o'},
        {"seed", required_argument, 0, O_SEED}, {"docs-per-file", required_argument, 0, O_DPF},
        {"bad-rate", required_argument, 0, O_BAD}, {"gzip-level", required_argument, 0, O_LEVEL},
        {"dict", required_argument, 0, 'd'},  {"threads", required_argument, 0, 'j'},
        {"giant", required_argument, 0, O_GIANT}, {"giant-bytes", required_argument, 0, O_GIANT_BYTES},
        {"copies", required_argument, 0, O_COPIES},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    pm_gen_options o;
    pm_gen_options_default(&o);
    o.dict_dir = NULL;
    uint64_t v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:o:d:j:h", opts, NULL)) != -1) {
        int bad = 0;
        char *end = NULL;
        switch (c) {
        case 'n': bad = pm_cli_parse_size(optarg, &v) || !v; o.n_docs = v; break;
        case 'o': o.outdir = optarg; break;
        case 'd': o.dict_dir = optarg; break;
        case 'j': bad = pm_cli_parse_size(optarg, &v) || !v || v > 1024; o.threads = (int)v; break;
        case O_SEED: bad = pm_cli_parse_size(optarg, &v); o.seed = v; break;
        case O_DPF: bad = pm_cli_parse_size(optarg, &v) || !v || v > 10000000; o.docs_per_file = (uint32_t)v; break;
        case O_BAD: o.bad_rate = strtod(optarg, &end); bad = !end || *end || o.bad_rate < 0 || o.bad_rate > 1; break;
        case O_LEVEL: bad = pm_cli_parse_size(optarg, &v) || v < 1 || v > 9; o.level = (int)v; break;
        case O_GIANT: bad = pm_cli_parse_size(optarg, &v) || v > 1000; o.giant = (uint32_t)v; break;
        case O_GIANT_BYTES: bad = pm_cli_parse_size(optarg, &v) || v < 1024 || v > ((uint64_t)1 << 30); o.giant_bytes = v; break;
        case O_COPIES: o.copy_rate = strtod(optarg, &end); bad = !end || *end || o.copy_rate < 0 || o.copy_rate > 1; break;
        case 'h': gen_usage(stdout); return PM_EXIT_OK;
        default: gen_usage(stderr); return PM_EXIT_USAGE;
        }
        if (bad) {
            fprintf(stderr, "policyminer gen: invalid value '%s'\n", optarg);
            return PM_EXIT_USAGE;
        }
    }
    if (!o.n_docs || !o.outdir || optind != argc) {
        gen_usage(stderr);
        return PM_EXIT_USAGE;
    }
    if (!o.dict_dir)
        o.dict_dir = pm_cli_default_dict_dir();
    pm_gen_summary s;
    pm_errctx err;
    pm_status st = pm_gen_run(&o, &s, &err);
    if (st != PM_OK) {
        fprintf(stderr, "policyminer gen: %s: %s %s\n", pm_strerror(st), err.file, err.detail);
        return PM_EXIT_RUN_ERROR;
    }
    fprintf(stderr,
            "policyminer gen: %llu documents in %llu files (%llu planted bad), %llu adoptions of "
            "%llu experiments; %.1f MB XML -> %.1f MB gzip (ratio %.2f) in %.2f s (%.1f MB/s)\n"
            "  per core: XML built at %.1f MB/s, gzip level %d at %.1f MB/s; %llu truncated files\n",
            (unsigned long long)s.docs, (unsigned long long)s.files, (unsigned long long)s.bad_docs,
            (unsigned long long)s.adoptions, (unsigned long long)s.cascades, s.bytes_xml / 1e6,
            s.bytes_gz / 1e6, s.bytes_gz ? (double)s.bytes_xml / (double)s.bytes_gz : 0.0,
            s.seconds, s.seconds > 0 ? s.bytes_xml / 1e6 / s.seconds : 0.0,
            s.gen_seconds > 0 ? s.bytes_xml / 1e6 / s.gen_seconds : 0.0, o.level,
            s.gzip_seconds > 0 ? s.bytes_xml / 1e6 / s.gzip_seconds : 0.0,
            (unsigned long long)s.truncated_files);
    return PM_EXIT_OK;
}
