/* cli/cmd_export.c - `policyminer export --sqlite OUT.db OUTDIR`: every table of a
 * finished output directory in one SQLite database (typed STRICT tables, keys, indexes). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "policyminer/report.h"

static void export_usage(FILE *f)
{
    fputs("Usage: policyminer export --sqlite OUT.db OUTDIR\n"
          "Copy every table (*.tsv) of OUTDIR into the SQLite database OUT.db (replaced):\n"
          "STRICT tables typed as datapackage.json, primary keys, indexes on id and code\n"
          "columns, empty fields as NULL.\n\n"
          "  -s, --sqlite FILE  the database to write\n"
          "  -h, --help         this help\n\n"
          "Exit status: 0 written, 1 error, 2 usage error.\n",
          f);
}

int pm_cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"sqlite", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *db = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': db = optarg; break;
        case 'h': export_usage(stdout); return PM_EXIT_OK;
        default: export_usage(stderr); return PM_EXIT_USAGE;
        }
    }
    if (!db || optind != argc - 1) {
        export_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_errctx err;
    pm_errctx_clear(&err);
    if (pm_export_sqlite(db, argv[optind], &err)) {
        fprintf(stderr, "policyminer export: %s%s%s: %s\n", err.file, err.file[0] ? ": " : "",
                pm_strerror(err.code), err.detail);
        return PM_EXIT_RUN_ERROR;
    }
    return PM_EXIT_OK;
}
