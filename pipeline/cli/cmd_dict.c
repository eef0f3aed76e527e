/* cli/cmd_dict.c - `policyminer dict check [DIR]`: validate the regex dictionaries. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "policyminer/dict.h"

static void dict_usage(FILE *f)
{
    fputs("Usage: policyminer dict check [DIR]\n"
          "Compile every pattern of DIR/*.dict (default: the dictionary directory), run\n"
          "every must / must_not example, probe each pattern for catastrophic\n"
          "backtracking, and report problems with file and line. Exit 0 when all pass.\n",
          f);
}

static void report(void *ud, const char *line)
{
    (void)ud;
    fprintf(stdout, "%s\n", line);
}

int pm_cmd_dict(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        dict_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? PM_EXIT_USAGE : PM_EXIT_OK;
    }
    if (strcmp(argv[1], "check") != 0 || argc > 3) {
        dict_usage(stderr);
        return PM_EXIT_USAGE;
    }
    const char *dir = argc == 3 ? argv[2] : pm_cli_default_dict_dir();
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_errctx err;
    pm_errctx_clear(&err);
    long fails = pm_dict_check(dir, &o, report, NULL, &err);
    if (fails < 0) {
        fprintf(stderr, "policyminer dict: %s: %s%s%s\n", pm_strerror(err.code),
                err.file, err.line ? ":" : "", err.detail);
        if (err.line)
            fprintf(stderr, "  at line %u\n", err.line);
        return PM_EXIT_RUN_ERROR;
    }
    if (fails > 0) {
        fprintf(stderr, "policyminer dict check: %ld failure(s) in %s\n", fails, dir);
        return PM_EXIT_RUN_ERROR;
    }
    printf("policyminer dict check: %s: all patterns compile, all examples pass\n", dir);
    return PM_EXIT_OK;
}
