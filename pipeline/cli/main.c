/* cli/main.c - the policyminer program: dispatches to a subcommand.
 *
 * Only pipeline/cli/ prints for people or chooses exit codes; everything else is the
 * library behind include/policyminer/.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* A run's phases allocate and free large arrays one after the other (the restored state,
 * the sorted adoptions, NetInf's maps); glibc hands blocks over 128 KB back to the kernel
 * at once, so each phase faults its pages in again. Keeping up to 128 MB of freed heap
 * for reuse cut a 1% refresh's page faults by a third and its kernel time with them, for
 * about 15% more peak RSS. A process-wide choice, so the program's, not the library's. */
static void tune_malloc(void)
{
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
}

static void usage(FILE *f)
{
    fputs("Usage: policyminer COMMAND [OPTIONS]\n"
          "Text-mine compressed policy-document corpora into tidy statistics tables.\n\n"
          "Commands:\n"
          "  run     classify every document of the inputs and write the tables\n"
          "  dict    check the regex dictionaries (dict check [DIR])\n"
          "  gen     write a synthetic corpus with ground truth\n"
          "  merge   combine the partial outputs of `run --shard I/N` into the tables\n"
          "  netinf  infer a diffusion network from a cascade file (NetInf)\n"
          "  report  HTML report, datapackage.json, categories.tsv, Stata .do of an output\n"
          "  export  every table of an output directory into SQLite (export --sqlite DB DIR)\n\n"
          "  policyminer COMMAND --help   options of one command\n"
          "  policyminer --version        program version\n",
          f);
}

int main(int argc, char **argv)
{
    tune_malloc();
    if (argc < 2) {
        usage(stderr);
        return PM_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return PM_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("policyminer %s\n", PM_VERSION);
        return PM_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return pm_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "dict") == 0)
        return pm_cmd_dict(argc - 1, argv + 1);
    if (strcmp(cmd, "gen") == 0)
        return pm_cmd_gen(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return pm_cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "netinf") == 0)
        return pm_cmd_netinf(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return pm_cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0)
        return pm_cmd_export(argc - 1, argv + 1);
    fprintf(stderr, "policyminer: unknown command '%s'\n", cmd);
    usage(stderr);
    return PM_EXIT_USAGE;
}
