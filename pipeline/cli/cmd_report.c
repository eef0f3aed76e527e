/* cli/cmd_report.c - `policyminer report [-d DICT] OUTDIR`: the labels, the typed
 * description and the HTML report of a finished output directory (categories.tsv from the
 * dictionaries, then datapackage.json, policyminer.do and report.html from the tables). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "policyminer/country.h"
#include "policyminer/dict.h"
#include "policyminer/report.h"

static void report_usage(FILE *f)
{
    fputs("Usage: policyminer report [OPTIONS] OUTDIR\n"
          "Write OUTDIR/report.html (self-contained HTML: inline SVG and CSS, no script),\n"
          "OUTDIR/categories.tsv (every dictionary category with its labels),\n"
          "OUTDIR/datapackage.json (Frictionless Table Schema of every table) and\n"
          "OUTDIR/policyminer.do (Stata import with labels), from a finished run's tables.\n\n"
          "  -d, --dict DIR   dictionaries the run used (default ./dictionaries, else installed)\n"
          "  -q, --quiet      no summary line\n"
          "  -h, --help       this help\n\n"
          "Exit status: 0 written, 1 error (no documents.tsv, unreadable table, unwritable\n"
          "directory, bad dictionary), 2 usage error.\n",
          f);
}

static int fail(const pm_errctx *e)
{
    fprintf(stderr, "policyminer report: %s%s%s: %s\n", e->file, e->file[0] ? ": " : "",
            pm_strerror(e->code), e->detail);
    return PM_EXIT_RUN_ERROR;
}

/* the country pack's name from OUTDIR/manifest.json ("country": {"name": "kz", ...}); ""
 * for an output written before packs */
static void manifest_country(const char *outdir, char *cc, size_t cap)
{
    char path[4200], buf[65536];
    snprintf(path, sizeof path, "%s/manifest.json", outdir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strstr(buf, "\"country\": {\"name\": \"");
    if (!p)
        return;
    p += strlen("\"country\": {\"name\": \"");
    size_t k = 0;
    while (p[k] && p[k] != '"' && k + 1 < cap) {
        cc[k] = p[k];
        k++;
    }
    cc[k] = '\0';
}

int pm_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"dict", required_argument, 0, 'd'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *dict_dir = NULL;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dict_dir = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': report_usage(stdout); return PM_EXIT_OK;
        default: report_usage(stderr); return PM_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        report_usage(stderr);
        return PM_EXIT_USAGE;
    }
    const char *outdir = argv[optind];
    pm_errctx err;
    pm_errctx_clear(&err);
    if (pm_report_check(outdir, &err))
        return fail(&err);
    pm_dict_options dopt;
    pm_dict_options_default(&dopt);
    pm_dictset *d = NULL;
    /* the dictionaries of the pack the run used (manifest.json names it) */
    char cc[32] = "", ddir[2200];
    manifest_country(outdir, cc, sizeof cc);
    const char *dd = pm_country_dict_dir(dict_dir ? dict_dir : pm_cli_default_dict_dir(), cc,
                                         ddir, sizeof ddir);
    if (pm_dictset_load(&d, dd, &dopt, &err))
        return fail(&err);
    pm_status st = pm_categories_write(outdir, d, &err);
    pm_dictset_free(d);
    if (!st)
        st = pm_datapackage_write(outdir, &err);
    if (!st)
        st = pm_stata_write(outdir, &err);
    if (!st)
        st = pm_report_write(outdir, &err);
    if (st)
        return fail(&err);
    if (!quiet)
        fprintf(stderr, "policyminer report: wrote %s/report.html, categories.tsv, datapackage.json, "
                        "policyminer.do\n", outdir);
    return PM_EXIT_OK;
}
