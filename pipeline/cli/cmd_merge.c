/* cli/cmd_merge.c - `policyminer merge`: shard parts in, pm_merge() out. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "policyminer/netinf.h"
#include "policyminer/run.h"

static void merge_usage(FILE *f)
{
    fputs("Usage: policyminer merge [OPTIONS] -o OUTDIR PART...\n"
          "Combine the partial outputs of `policyminer run --shard I/N` (their directories or\n"
          "part.pmb files, in any order) into the tables one run over all inputs writes,\n"
          "byte for byte.\n\n"
          "  -o, --output DIR          output directory (created if missing)\n"
          "  -d, --dict DIR            dictionary directory (must be the shards' dictionaries)\n"
          "      --country CC          country pack (must be the shards' pack: cn, kz)\n"
          "      --partial             allow a subset of the shards; write a combined part.pmb\n"
          "                            to merge again later instead of the tables\n"
          "      --no-diffusion        skip the diffusion tables\n"
          PM_CLI_REUSE_USAGE
          "      --no-generic-policies diffusion over named experiments only\n"
          "      --window YEARS        edges.tsv: max lag between adopters (default 5)\n"
          "      --netinf-edges K, --netinf-model M, --netinf-alpha A, --eha-panel,\n"
          "      --min-adopters N, --max-policy-names N, --no-discovery,\n"
          "      --officials FILE      the diffusion options of `policyminer run`: the\n"
          "                            diffusion tables are derived here, not in the shards\n"
          "  -q, --quiet               no summary\n"
          "  -h, --help                this help\n\n"
          "Exit status: 0 success, 1 error (a missing or repeated shard, parts from other\n"
          "inputs or dictionaries, a damaged part), 2 usage error.\n",
          f);
}

enum { OPT_PARTIAL = 256, OPT_NODIFF, OPT_NOGENERIC, OPT_WINDOW, OPT_NETINF_EDGES,
       OPT_NETINF_MODEL, OPT_NETINF_ALPHA, OPT_EHA, OPT_OFFICIALS,
       OPT_MIN_ADOPTERS, OPT_MAX_NAMES, OPT_NODISCOVER, OPT_COUNTRY };

int pm_cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"dict", required_argument, 0, 'd'},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {"partial", no_argument, 0, OPT_PARTIAL},
        {"country", required_argument, 0, OPT_COUNTRY},
        {"no-diffusion", no_argument, 0, OPT_NODIFF},
        {"no-generic-policies", no_argument, 0, OPT_NOGENERIC},
        {"window", required_argument, 0, OPT_WINDOW},
        {"netinf-edges", required_argument, 0, OPT_NETINF_EDGES},
        {"netinf-model", required_argument, 0, OPT_NETINF_MODEL},
        {"netinf-alpha", required_argument, 0, OPT_NETINF_ALPHA},
        {"eha-panel", no_argument, 0, OPT_EHA},
        {"officials", required_argument, 0, OPT_OFFICIALS},
        {"min-adopters", required_argument, 0, OPT_MIN_ADOPTERS},
        {"max-policy-names", required_argument, 0, OPT_MAX_NAMES},
        {"no-discovery", no_argument, 0, OPT_NODISCOVER},
        PM_CLI_REUSE_LONGOPTS,
        {0, 0, 0, 0}};
    pm_merge_options o;
    pm_merge_options_default(&o);
    o.dict_dir = NULL;
    int quiet = 0, c;
    uint64_t v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:d:qh", opts, NULL)) != -1) {
        int bad = pm_cli_reuse_option(c, optarg, &o.reuse);
        if (bad >= 0)
            c = 0; /* taken (or bad) as a text reuse option */
        else
            bad = 0;
        switch (c) {
        case 0: break;
        case 'o': o.outdir = optarg; break;
        case 'd': o.dict_dir = optarg; break;
        case OPT_COUNTRY: o.country = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': merge_usage(stdout); return PM_EXIT_OK;
        case OPT_PARTIAL: o.partial = 1; break;
        case OPT_NODIFF: o.no_diffusion = 1; break;
        case OPT_NOGENERIC: o.diffusion.generic_policies = 0; break;
        case OPT_WINDOW: bad = pm_cli_parse_size(optarg, &v) || !v || v > 100; o.diffusion.window_years = (int)v; break;
        case OPT_NETINF_EDGES: bad = pm_cli_parse_size(optarg, &v) || v > 1000000; o.diffusion.netinf_edges = (int)v; break;
        case OPT_NETINF_MODEL: { pm_netinf_model m; bad = pm_netinf_model_parse(optarg, &m) != PM_OK; o.diffusion.netinf_model = (int)m; break; }
        case OPT_NETINF_ALPHA: { char *end = NULL; o.diffusion.netinf_alpha = strtod(optarg, &end); bad = !end || *end || !(o.diffusion.netinf_alpha > 0) || !isfinite(o.diffusion.netinf_alpha); break; }
        case OPT_EHA: o.diffusion.eha_panel = 1; break;
        case OPT_OFFICIALS: o.diffusion.officials = optarg; break;
        case OPT_MIN_ADOPTERS: bad = pm_cli_parse_size(optarg, &v) || !v || v > 100000; o.diffusion.min_adopters = (int)v; break;
        case OPT_MAX_NAMES: bad = pm_cli_parse_size(optarg, &v) || !v || v > ((uint64_t)1 << 31); o.diffusion.max_policy_names = (size_t)v; break;
        case OPT_NODISCOVER: o.diffusion.discover = 0; break;
        default: merge_usage(stderr); return PM_EXIT_USAGE;
        }
        if (bad) {
            fprintf(stderr, "policyminer merge: invalid value '%s'\n", optarg);
            return PM_EXIT_USAGE;
        }
    }
    if (!o.outdir || optind >= argc) {
        fprintf(stderr, "policyminer merge: need -o OUTDIR and at least one PART\n");
        merge_usage(stderr);
        return PM_EXIT_USAGE;
    }
    if (!o.dict_dir)
        o.dict_dir = pm_cli_default_dict_dir();
    o.parts = (const char *const *)(argv + optind);
    o.n_parts = (size_t)(argc - optind);
    char cmdline[2048] = "policyminer";
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(cmdline);
        snprintf(cmdline + l, sizeof cmdline - l, " %s", argv[i]);
    }
    o.command_line = cmdline;

    pm_run_summary sum;
    pm_errctx err;
    pm_status st = pm_merge(&o, &sum, &err);
    if (st != PM_OK) {
        fprintf(stderr, "policyminer merge: %s%s%s%s%s\n", pm_strerror(st),
                err.file[0] ? ": " : "", err.file, err.detail[0] ? ": " : "", err.detail);
        return PM_EXIT_RUN_ERROR;
    }
    if (!quiet)
        fprintf(stderr, "policyminer merge: %zu parts, %llu files, %llu documents (%llu classified, "
                        "%llu rejected) -> %s/\n",
                o.n_parts, (unsigned long long)sum.files_seen, (unsigned long long)sum.docs_seen,
                (unsigned long long)sum.docs_classified, (unsigned long long)sum.docs_rejected,
                o.outdir);
    return PM_EXIT_OK;
}
