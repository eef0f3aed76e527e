/* cli/cli_common.h - small helpers shared by the subcommands (option values, dictionary
 * directory lookup). */
#ifndef PM_CLI_COMMON_H
#define PM_CLI_COMMON_H

#include <stdint.h>
#include "policyminer/reuse.h"

/* Parses a non-negative integer with an optional K/M/G suffix (powers of 1024).
 * Returns 0 on success. */
int pm_cli_parse_size(const char *s, uint64_t *out);
/* The dictionary directory to use when none is given: ./dictionaries if it exists,
 * else the installed one. */
const char *pm_cli_default_dict_dir(void);

/* Text reuse options, shared by run and merge (merge must be given what the shards ran
 * with): option ids start at PM_CLI_OPT_REUSE; PM_CLI_REUSE_LONGOPTS goes into a
 * struct option table. pm_cli_reuse_option: -1 = not a reuse option, 0 = taken, 1 = bad. */
enum { PM_CLI_OPT_REUSE = 900, PM_CLI_OPT_NOREUSE, PM_CLI_OPT_REUSE_THRESHOLD,
       PM_CLI_OPT_REUSE_MAXCHARS, PM_CLI_OPT_REUSE_MINCHARS, PM_CLI_OPT_REUSE_BOILER,
       PM_CLI_OPT_REUSE_BUCKET, PM_CLI_OPT_REUSE_CAND, PM_CLI_OPT_REUSE_EXHAUSTIVE };
#define PM_CLI_REUSE_LONGOPTS \
    {"reuse", no_argument, 0, PM_CLI_OPT_REUSE}, \
    {"no-reuse", no_argument, 0, PM_CLI_OPT_NOREUSE}, \
    {"reuse-threshold", required_argument, 0, PM_CLI_OPT_REUSE_THRESHOLD}, \
    {"reuse-max-chars", required_argument, 0, PM_CLI_OPT_REUSE_MAXCHARS}, \
    {"reuse-min-chars", required_argument, 0, PM_CLI_OPT_REUSE_MINCHARS}, \
    {"reuse-boilerplate", required_argument, 0, PM_CLI_OPT_REUSE_BOILER}, \
    {"reuse-bucket-cap", required_argument, 0, PM_CLI_OPT_REUSE_BUCKET}, \
    {"reuse-max-candidates", required_argument, 0, PM_CLI_OPT_REUSE_CAND}, \
    {"reuse-exhaustive", no_argument, 0, PM_CLI_OPT_REUSE_EXHAUSTIVE}
#define PM_CLI_REUSE_USAGE \
    "      --reuse / --no-reuse  text reuse tables (reuse_pairs.tsv, reuse_edges.tsv,\n" \
    "                            reuse_boilerplate.tsv; default " PM_REUSE_DEFAULT_WORD ")\n" \
    "      --reuse-threshold C   report pairs where one document has at least this share\n" \
    "                            of its shingles in the other (default 0.35)\n" \
    "      --reuse-max-chars N   normalised characters kept per document (default 2000)\n" \
    "      --reuse-min-chars N   shorter documents take no part (default 50)\n" \
    "      --reuse-boilerplate S shingles in more than this share of documents do not\n" \
    "                            count (default 0.01, at least 10 documents)\n" \
    "      --reuse-bucket-cap N  LSH buckets with more documents are dropped (default 200)\n" \
    "      --reuse-max-candidates N  candidate pairs verified at most (default 20M)\n" \
    "      --reuse-exhaustive    verify every pair, not LSH candidates (small corpora)\n"
int pm_cli_reuse_option(int c, const char *arg, pm_reuse_options *r);

#endif
