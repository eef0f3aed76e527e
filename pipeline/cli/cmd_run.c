/* cli/cmd_run.c - `policyminer run`: options in, pm_run() out, a summary for people.
 *
 * Installs SIGINT/SIGTERM handlers that only set a flag; the library stops cleanly and
 * leaves the output directory marked incomplete.
 */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_common.h"
#include "cli_mpi.h"
#include "policyminer/netinf.h"
#include "policyminer/run.h"
#include "policyminer/source.h"

static volatile sig_atomic_t g_stop; /* the one global: written only by the signal handler */

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void run_usage(FILE *f)
{
    fputs("Usage: policyminer run [OPTIONS] -o OUTDIR INPUT...\n"
          "Classify every document of the INPUTs (files, directories walked recursively,\n"
          "or - for standard input; gzip or plain corpus XML, HTML pages, WARC crawls or\n"
          "JSON Lines, recognised by content) and write documents.tsv,\n"
          "counts.tsv, rejects.tsv and manifest.json into OUTDIR.\n\n"
          "  -o, --output DIR          output directory (created if missing)\n"
          "  -j, --threads N           worker threads (default: all cores)\n"
          "  -d, --dict DIR            dictionary directory (default: ./dictionaries, else\n"
          "                            the installed one)\n"
          "      --country CC          country pack: cn (China) or kz (Kazakhstan), read from\n"
          "                            DIR/CC/ (default: the pack DIR is, else cn)\n"
          "      --max-doc-bytes N     largest document accepted (default 64M)\n"
          "      --max-member-bytes N  largest decompressed gzip member (default 4G)\n"
          "      --max-docs-per-file N documents read per file (default 0 = no limit)\n"
          "      --max-field-bytes N   longest text field in tables (default 4096)\n"
          "      --match-limit N       PCRE2 match limit per pattern and document\n"
          "      --depth-limit N       PCRE2 depth limit\n"
          "      --jit-stack N         PCRE2 JIT stack per thread (default 1M)\n"
          "      --no-prefilter        run every regex on every document (reference mode)\n"
          "      --inflate zlib|isal   gzip decoder (default isal = ISA-L igzip when built in,\n"
          "                            else zlib; same output)\n"
          "      --scanner S           literal prefilter: auto (default: hyperscan when built\n"
          "                            in and supported, else ac), hyperscan, ac\n"
          "      --no-diffusion        skip the diffusion tables\n"
          PM_CLI_REUSE_USAGE
          "      --no-generic-policies diffusion over named experiments only, not over\n"
          "                            instrument x sector combinations\n"
          "      --window YEARS        edges.tsv: max lag between adopters (default 5)\n"
          "      --shard I/N           process only shard I of N (0 <= I < N) and write a\n"
          "                            partial output (part.pmb) for `policyminer merge`\n"
          "      --state DIR           refresh: remember each input file's results in DIR and\n"
          "                            reuse them while the file is unchanged\n"
          "      --state-verify        with --state: compare content hashes of all files, not\n"
          "                            only of files whose size/mtime/ctime/inode changed\n"
          "      --netinf-edges K      network.tsv: NetInf edges over the named experiments and\n"
          "                            discovered policies\n"
          "                            (default: one per region that ever follows, at most\n"
          "                            1000; 0 = off, header only)\n"
          "      --netinf-model M      exponential (default), powerlaw or rayleigh\n"
          "      --netinf-alpha A      transmission rate per year (default 1)\n"
          "      --eha-panel           also write eha_panel.tsv (event-history panel)\n"
          "      --min-adopters N      discovered policies: distinct regions a candidate name\n"
          "                            needs to become a cascade (default 3)\n"
          "      --max-policy-names N  distinct candidate names kept (default 1048576; later\n"
          "                            new names are dropped and counted in manifest.json)\n"
          "      --no-discovery        no discovered policies (named experiments only)\n"
          "      --officials FILE      officials' postings (person_id, region_code, start,\n"
          "                            end): write officials.tsv, officials_summary.tsv\n"
          "      --map KEY=FIELD,...   JSON Lines field names (keys id title issuer docno\n"
          "                            date region url body; default: each key itself)\n"
          "      --stats               print the per-stage time profile at the end\n"
          "  -q, --quiet               no progress line and no summary\n"
          "  -h, --help                this help\n"
          "  -V, --version             program version\n\n"
          "Sizes take K, M or G suffixes. Exit status: 0 success (rejected documents are\n"
          "reported in rejects.tsv, not failures), 1 run error, 2 usage error.\n",
          f);
}

static void on_progress(void *ud, const pm_run_progress *p)
{
    (void)ud;
    double mb = (double)p->bytes_out / 1e6;
    fprintf(stderr, "\r%llu/%llu files  %llu docs (%llu rejected)  %.0f MB  %.1f MB/s   ",
            (unsigned long long)p->files_done, (unsigned long long)p->files_total,
            (unsigned long long)p->docs_seen, (unsigned long long)p->docs_rejected, mb,
            p->elapsed > 0 ? mb / p->elapsed : 0.0);
}

static double pct(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static void print_summary(const pm_run_summary *s, const char *outdir)
{
    double mb = (double)s->bytes_out / 1e6, w = s->stats.wall > 0 ? s->stats.wall : 1e-9;
    /* levels are the run's pack's (record level 1 = national, 2 and below = local) */
    uint64_t local = 0;
    for (int l = 2; l < 9; l++)
        local += s->by_level[l];
    fprintf(stderr,
            "policyminer: %llu files, %llu documents: %llu classified, %llu rejected\n"
            "  %.1f MB uncompressed in %.2f s = %.1f MB/s (%d threads)\n"
            "  level:",
            (unsigned long long)s->files_seen, (unsigned long long)s->docs_seen,
            (unsigned long long)s->docs_classified, (unsigned long long)s->docs_rejected, mb,
            s->stats.wall, mb / w, s->threads);
    for (int l = 1; l < 9 && s->level_key[l][0]; l++)
        fprintf(stderr, " %s %.1f%%,", s->level_key[l], pct(s->by_level[l], s->docs_classified));
    fprintf(stderr, " unknown %.1f%%\n", pct(s->by_level[0], s->docs_classified));
    if (s->level_key[3][0])
        fprintf(stderr, "  local documents issued by %s-level governments: %.1f%%\n",
                s->level_key[3], pct(s->by_level[3], local));
    fprintf(stderr,
            "  documents with a fiscal/financial instrument: %.1f%% of those with any instrument\n"
            "  tables in %s/ (rejects.tsv lists every rejected document and why)\n",
            pct(s->fiscal_docs, s->instrument_docs), outdir);
    if (s->records_skipped)
        fprintf(stderr, "  %llu records skipped by design (WARC records other than HTML responses, "
                        "blank JSON lines)\n", (unsigned long long)s->records_skipped);
}

/* The accounting every run gives: where every file and document went. */
static void print_accounting(const pm_run_summary *s)
{
    fprintf(stderr, "  files: %llu seen, %llu read, %llu failed; bytes: %llu in, %llu out\n",
            (unsigned long long)s->files_seen, (unsigned long long)s->files_read,
            (unsigned long long)s->files_failed, (unsigned long long)s->bytes_in,
            (unsigned long long)s->bytes_out);
    if (s->files_not_corpus)
        fprintf(stderr, "  %llu file(s) read but not corpus (no known format, empty or UTF-16): see rejects.tsv\n",
                (unsigned long long)s->files_not_corpus);
    if (!s->docs_rejected)
        return;
    fputs("  rejects (documents and files) by reason:", stderr);
    for (int r = 1; r < PM_STATUS_LAST; r++)
        if (s->rejects_by_reason[r])
            fprintf(stderr, " %s %llu", pm_status_key((pm_status)r),
                    (unsigned long long)s->rejects_by_reason[r]);
    fputc('\n', stderr);
}

static void print_stats(const pm_run_summary *s)
{
    const pm_run_stats *t = &s->stats;
    double mb = (double)s->bytes_out / 1e6;
    fprintf(stderr,
            "stage profile (seconds; workers summed over threads):\n"
            "  read+split (inflate, cut documents) %8.3f\n"
            "  parse      (XML per document)       %8.3f\n"
            "  classify   (dates, issuer, regex)   %8.3f\n"
            "  render     (TSV rows)               %8.3f\n"
            "    of which text reuse's signing     %8.3f\n"
            "  commit     (aggregate, write)       %8.3f\n"
            "  serial: setup (load dictionaries)   %8.3f   (CPU %.3f)\n"
            "  serial: finish (aggregate tables)   %8.3f   (CPU %.3f)\n"
            "  waiting: producer %.3f, workers %.3f\n"
            "  wall                                %8.3f   %.1f MB/s\n"
            "  regex runs %llu, match-limit hits %llu\n",
            t->read_split, t->parse, t->classify, t->render, t->reuse_sign, t->commit, t->setup,
            t->setup_cpu, t->finish, t->finish_cpu, t->producer_wait, t->worker_wait, t->wall,
            t->wall > 0 ? mb / t->wall : 0.0, (unsigned long long)t->regex_runs,
            (unsigned long long)t->match_limit_hits);
}

enum { OPT_MAXDOC = 256, OPT_MAXMEMBER, OPT_MAXDOCS, OPT_MAXFIELD, OPT_MATCH, OPT_DEPTH,
       OPT_NOPRE, OPT_STATS, OPT_NODIFF, OPT_NOGENERIC, OPT_WINDOW, OPT_SHARD, OPT_STATE,
       OPT_STATE_VERIFY, OPT_MAP, OPT_SCANNER, OPT_INFLATE };
enum { OPT_NETINF_EDGES = 512, OPT_NETINF_MODEL, OPT_NETINF_ALPHA, OPT_EHA, OPT_OFFICIALS,
       OPT_MIN_ADOPTERS, OPT_MAX_NAMES, OPT_NODISCOVER };
enum { OPT_JITSTACK = 400, OPT_COUNTRY };

int pm_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},   {"threads", required_argument, 0, 'j'},
        {"dict", required_argument, 0, 'd'},     {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},           {"version", no_argument, 0, 'V'},
        {"max-doc-bytes", required_argument, 0, OPT_MAXDOC},
        {"max-member-bytes", required_argument, 0, OPT_MAXMEMBER},
        {"max-docs-per-file", required_argument, 0, OPT_MAXDOCS},
        {"max-field-bytes", required_argument, 0, OPT_MAXFIELD},
        {"match-limit", required_argument, 0, OPT_MATCH},
        {"depth-limit", required_argument, 0, OPT_DEPTH},
        {"jit-stack", required_argument, 0, OPT_JITSTACK},
        {"country", required_argument, 0, OPT_COUNTRY},
        {"no-prefilter", no_argument, 0, OPT_NOPRE},
        {"stats", no_argument, 0, OPT_STATS},
        {"no-diffusion", no_argument, 0, OPT_NODIFF},
        {"no-generic-policies", no_argument, 0, OPT_NOGENERIC},
        {"window", required_argument, 0, OPT_WINDOW},
        {"shard", required_argument, 0, OPT_SHARD},
        {"state", required_argument, 0, OPT_STATE},
        {"state-verify", no_argument, 0, OPT_STATE_VERIFY},
        {"netinf-edges", required_argument, 0, OPT_NETINF_EDGES},
        {"netinf-model", required_argument, 0, OPT_NETINF_MODEL},
        {"netinf-alpha", required_argument, 0, OPT_NETINF_ALPHA},
        {"eha-panel", no_argument, 0, OPT_EHA},
        {"officials", required_argument, 0, OPT_OFFICIALS},
        {"min-adopters", required_argument, 0, OPT_MIN_ADOPTERS},
        {"max-policy-names", required_argument, 0, OPT_MAX_NAMES},
        {"no-discovery", no_argument, 0, OPT_NODISCOVER},
        {"map", required_argument, 0, OPT_MAP},
        {"scanner", required_argument, 0, OPT_SCANNER},
        {"inflate", required_argument, 0, OPT_INFLATE},
        PM_CLI_REUSE_LONGOPTS,
        {0, 0, 0, 0}};
    pm_run_options o;
    pm_run_options_default(&o);
    o.dict_dir = NULL;
    int quiet = 0, stats = 0, c;
    uint64_t v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:j:d:qhV", opts, NULL)) != -1) {
        int bad = pm_cli_reuse_option(c, optarg, &o.reuse);
        if (bad >= 0)
            c = 0; /* taken (or bad) as a text reuse option */
        else
            bad = 0;
        switch (c) {
        case 0: break;
        case 'o': o.outdir = optarg; break;
        case 'j': bad = pm_cli_parse_size(optarg, &v) || v < 1 || v > 1024; o.threads = (int)v; break;
        case 'd': o.dict_dir = optarg; break;
        case OPT_COUNTRY: o.country = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': run_usage(stdout); return PM_EXIT_OK;
        case 'V': printf("policyminer %s\n", PM_VERSION); return PM_EXIT_OK;
        case OPT_MAXDOC: bad = pm_cli_parse_size(optarg, &v) || !v; o.limits.max_doc_bytes = v; break;
        case OPT_MAXMEMBER: bad = pm_cli_parse_size(optarg, &v); o.limits.max_member_bytes = v; break;
        case OPT_MAXDOCS: bad = pm_cli_parse_size(optarg, &v); o.limits.max_docs_per_file = v; break;
        case OPT_MAXFIELD: bad = pm_cli_parse_size(optarg, &v) || v > UINT32_MAX; o.limits.max_field_bytes = (uint32_t)v; break;
        case OPT_MATCH: bad = pm_cli_parse_size(optarg, &v) || !v || v > UINT32_MAX; o.dict.match_limit = (uint32_t)v; break;
        case OPT_DEPTH: bad = pm_cli_parse_size(optarg, &v) || !v || v > UINT32_MAX; o.dict.depth_limit = (uint32_t)v; break;
        case OPT_JITSTACK: bad = pm_cli_parse_size(optarg, &v) || v < 4096 || v > ((uint64_t)1 << 30); o.dict.jit_stack_max = (size_t)v; break;
        case OPT_NOPRE: o.dict.no_prefilter = 1; break;
        case OPT_STATS: stats = 1; break;
        case OPT_NODIFF: o.no_diffusion = 1; break;
        case OPT_NOGENERIC: o.diffusion.generic_policies = 0; break;
        case OPT_WINDOW: bad = pm_cli_parse_size(optarg, &v) || !v || v > 100; o.diffusion.window_years = (int)v; break;
        case OPT_SHARD: {
            unsigned si = 0, sn = 0;
            char tail;
            bad = sscanf(optarg, "%u/%u%c", &si, &sn, &tail) != 2 || sn < 1 || sn > 256 || si >= sn;
            o.shard_index = si;
            o.shard_count = sn;
            break;
        }
        case OPT_STATE: o.state_dir = optarg; break;
        case OPT_INFLATE:
            o.limits.inflate = !strcmp(optarg, "isal") ? PM_INFLATE_ISAL : PM_INFLATE_ZLIB;
            bad = (strcmp(optarg, "zlib") && strcmp(optarg, "isal"));
            if (!bad && !pm_gz_inflate_available(o.limits.inflate)) {
                fprintf(stderr, "policyminer run: --inflate isal: this build has no ISA-L\n");
                return PM_EXIT_USAGE;
            }
            break;
        case OPT_SCANNER:
            bad = strcmp(optarg, "auto") && strcmp(optarg, "ac") && strcmp(optarg, "hyperscan");
            o.dict.engine = !strcmp(optarg, "ac") ? PM_PREFILTER_AC
                            : !strcmp(optarg, "hyperscan") ? PM_PREFILTER_HYPERSCAN : PM_PREFILTER_AUTO;
            break;
        case OPT_STATE_VERIFY: o.state_verify = 1; break;
        case OPT_NETINF_EDGES: bad = pm_cli_parse_size(optarg, &v) || v > 1000000; o.diffusion.netinf_edges = (int)v; break;
        case OPT_NETINF_MODEL: { pm_netinf_model m; bad = pm_netinf_model_parse(optarg, &m) != PM_OK; o.diffusion.netinf_model = (int)m; break; }
        case OPT_NETINF_ALPHA: { char *end = NULL; o.diffusion.netinf_alpha = strtod(optarg, &end); bad = !end || *end || !(o.diffusion.netinf_alpha > 0) || !isfinite(o.diffusion.netinf_alpha); break; }
        case OPT_EHA: o.diffusion.eha_panel = 1; break;
        case OPT_OFFICIALS: o.diffusion.officials = optarg; break;
        case OPT_MIN_ADOPTERS: bad = pm_cli_parse_size(optarg, &v) || !v || v > 100000; o.diffusion.min_adopters = (int)v; break;
        case OPT_MAX_NAMES: bad = pm_cli_parse_size(optarg, &v) || !v || v > ((uint64_t)1 << 31); o.diffusion.max_policy_names = (size_t)v; break;
        case OPT_NODISCOVER: o.diffusion.discover = 0; break;
        case OPT_MAP: {
            char why[160];
            if (pm_jsonl_map_check(optarg, why, sizeof why) != PM_OK) {
                fprintf(stderr, "policyminer run: --map: %s\n", why);
                return PM_EXIT_USAGE;
            }
            o.limits.field_map = optarg;
            break;
        }
        default: run_usage(stderr); return PM_EXIT_USAGE;
        }
        if (bad) {
            fprintf(stderr, "policyminer run: invalid value '%s'\n", optarg);
            return PM_EXIT_USAGE;
        }
    }
    if (o.diffusion.netinf_model == PM_NETINF_POWERLAW && !(o.diffusion.netinf_alpha > 1)) {
        fprintf(stderr, "policyminer run: --netinf-model powerlaw needs --netinf-alpha > 1\n");
        return PM_EXIT_USAGE;
    }
    if (!o.outdir || optind >= argc) {
        fprintf(stderr, "policyminer run: need -o OUTDIR and at least one INPUT\n");
        run_usage(stderr);
        return PM_EXIT_USAGE;
    }
    if (!o.dict_dir)
        o.dict_dir = pm_cli_default_dict_dir();
    o.inputs = (const char *const *)(argv + optind);
    o.n_inputs = (size_t)(argc - optind);

    char cmdline[2048] = "policyminer";
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(cmdline);
        snprintf(cmdline + l, sizeof cmdline - l, " %s", argv[i]);
    }
    o.command_line = cmdline;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    o.stop = &g_stop;
    if (!quiet && isatty(2))
        o.progress = on_progress;

#ifdef PM_WITH_MPI
    int handled = 0, mcode = pm_cli_mpi_run(&o, quiet, &handled);
    if (handled || mcode != PM_EXIT_OK)
        return mcode;
#endif
    pm_run_summary sum;
    pm_errctx err;
    pm_status st = pm_run(&o, &sum, &err);
#ifdef PM_WITH_MPI
    pm_cli_mpi_finalize();
#endif
    if (o.progress)
        fputs("\r\033[K", stderr);
    if (!quiet && (st == PM_OK || st == PM_ERR_OPEN)) {
        if (o.shard_count)
            fprintf(stderr, "policyminer: shard %u/%u: %llu files, %llu documents -> %s/part.pmb "
                            "(combine the shards with `policyminer merge`)\n",
                    (unsigned)o.shard_index, (unsigned)o.shard_count,
                    (unsigned long long)sum.files_seen, (unsigned long long)sum.docs_seen, o.outdir);
        else
            print_summary(&sum, o.outdir);
        if (o.state_dir)
            fprintf(stderr, "  refresh: %llu of %llu files reused from %s, %llu read, %llu dropped\n",
                    (unsigned long long)sum.state_reused, (unsigned long long)sum.files_seen,
                    o.state_dir, (unsigned long long)(sum.files_seen - sum.state_reused),
                    (unsigned long long)sum.state_removed);
    }
    if (!quiet && (st == PM_OK || st == PM_ERR_OPEN || st == PM_ERR_INTERRUPTED))
        print_accounting(&sum);
    if (stats)
        print_stats(&sum);
    if (st != PM_OK) {
        fprintf(stderr, "policyminer run: %s%s%s%s%s\n", pm_strerror(st),
                err.file[0] ? ": " : "", err.file, err.detail[0] ? ": " : "", err.detail);
        if (st == PM_ERR_INTERRUPTED)
            fprintf(stderr, "policyminer run: output in %s is INCOMPLETE (manifest.json "
                            "says \"complete\": false)\n", o.outdir);
        return PM_EXIT_RUN_ERROR;
    }
    return PM_EXIT_OK;
}
