/* cli/cmd_dict.c - `policyminer dict check [DIR]`: validate the regex dictionaries;
 * `policyminer dict explain [-d DIR] FILE DOC_ID`: show, for one document, where its issuer,
 * level and region came from and every dictionary match behind its labels (with the
 * vetoes that fired), so a researcher can audit each label. Printing only: the reading,
 * classifying and matching are the library's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "policyminer/classify.h"
#include "policyminer/dict.h"
#include "policyminer/reader.h"
#include "policyminer/source.h"

static void dict_usage(FILE *f)
{
    fputs("Usage: policyminer dict check [DIR]\n"
          "       policyminer dict explain [-d DIR] FILE DOC_ID\n"
          "check: compile every pattern of DIR/*.dict (default: the dictionary directory),\n"
          "run every must / must_not example, probe each pattern for catastrophic\n"
          "backtracking, and report problems with file and line. Exit 0 when all pass.\n"
          "explain: classify the document DOC_ID of FILE (gzip or plain corpus XML) and\n"
          "print its issuer evidence and every pattern match behind its labels: dictionary\n"
          "file and line, category, matched text with its byte span in the title or body,\n"
          "and the matches a `not` pattern vetoed. Exit 1 when the document is not found.\n",
          f);
}

static void report(void *ud, const char *line)
{
    (void)ud;
    fprintf(stdout, "%s\n", line);
}

/* ---- dict explain ------------------------------------------------------------------------ */

typedef struct xctx {
    const pm_dictset *d;
    const char *where; /* "title" / "body" */
    const char *text;
} xctx;

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static void print_hit(void *ud, const pm_dict_hit *h)
{
    const xctx *x = ud;
    const char *group = pm_dictset_cat_group(x->d, h->dim, h->cat);
    printf("%-7s %s/%s%s%s%s  %s:%u  %s[%zu,%zu) \"%.*s\"  /%s/\n",
           h->vetoed ? "vetoed" : "match", pm_dictset_dim_name(x->d, h->dim),
           pm_dictset_cat_key(x->d, h->dim, h->cat), *group ? " [" : "", group,
           *group ? "]" : "", base_name(pm_dictset_dim_file(x->d, h->dim)), h->line, x->where,
           h->start, h->end, (int)(h->end - h->start), x->text + h->start, h->pattern);
    if (h->vetoed)
        printf("        by not %s:%u [%zu,%zu) \"%.*s\"  /%s/\n",
               base_name(pm_dictset_dim_file(x->d, h->dim)), h->veto_line, h->veto_start,
               h->veto_end, (int)(h->veto_end - h->veto_start), x->text + h->veto_start,
               h->veto);
}

static const char *isrc_key(pm_issuer_source s)
{
    switch (s) {
    case PM_ISRC_NONE: return "none";
    case PM_ISRC_FIELD: return "issuer field";
    case PM_ISRC_TITLE: return "title";
    case PM_ISRC_DOCNO: return "document number";
    case PM_ISRC_SIGNATURE: return "signature block";
    case PM_ISRC_HINT: return "region hint";
    }
    return "?";
}

/* Reads FILE until the document DOC_ID; prints it. Returns the exit status. */
static int explain_file(const char *path, const char *want, pm_classifier *cls)
{
    pm_limits lim;
    pm_limits_default(&lim);
    pm_gz_limits gl = {lim.max_member_bytes};
    pm_gz *gz = NULL;
    if (pm_gz_open(&gz, path, &gl) != PM_OK) {
        fprintf(stderr, "policyminer dict explain: cannot open %s\n", path);
        return PM_EXIT_RUN_ERROR;
    }
    const char *head = NULL;
    size_t hlen = 0;
    const pm_format *fmt = pm_gz_peek(gz, 4096, &head, &hlen) == PM_OK && hlen
                               ? pm_format_sniff(head, hlen)
                               : NULL;
    void *sp = NULL, *ps = NULL;
    pm_classify_scratch *cs = NULL;
    pm_dict_scratch *ds = NULL;
    int rc = PM_EXIT_RUN_ERROR, found = 0;
    if (!fmt) {
        fprintf(stderr, "policyminer dict explain: %s: not a corpus file\n", path);
        goto out;
    }
    if (fmt->split_create(&sp, &lim) != PM_OK || fmt->parse_create(&ps, &lim) != PM_OK ||
        pm_classify_scratch_create(&cs, cls) != PM_OK ||
        pm_dict_scratch_create(&ds, pm_classifier_dicts(cls)) != PM_OK) {
        fprintf(stderr, "policyminer dict explain: out of memory\n");
        goto out;
    }
    for (;;) {
        pm_raw raw;
        pm_reject rej;
        pm_split_result res;
        if (fmt->split_next(sp, gz, &raw, &rej, &res) != PM_OK || res == PM_SPLIT_END)
            break;
        if (res != PM_SPLIT_RECORD)
            continue;
        pm_doc doc;
        if (fmt->parse(ps, &raw, &doc, &rej) != PM_OK)
            continue;
        if (doc.id.len != strlen(want) || memcmp(doc.id.p, want, doc.id.len) != 0)
            continue;
        found = 1;
        pm_record r;
        pm_dict_stats st = {0, 0};
        if (pm_classify(cls, cs, &doc, &r, &st, NULL, NULL) != PM_OK) {
            fprintf(stderr, "policyminer dict explain: out of memory\n");
            break;
        }
        printf("document %s  %s  byte %llu\n", want, path, (unsigned long long)raw.offset);
        printf("title    %.*s\n", (int)doc.title.len, doc.title.p ? doc.title.p : "");
        printf("issuer   %.*s  (from %s)\n", (int)r.issuer.issuer_len,
               r.issuer.issuer ? r.issuer.issuer : "", isrc_key(r.issuer.source));
        printf("level    %s  region %06u %s\n", pm_level_key(r.issuer.level),
               (unsigned)r.issuer.region_code, r.issuer.region_name);
        printf("docno    %.*s\n", (int)r.docno.len, r.docno.p ? r.docno.p : "");
        if (r.date)
            printf("date     %04d-%02d-%02d  (from %s)\n", (int)(r.date / 10000),
                   (int)(r.date / 100 % 100), (int)(r.date % 100),
                   pm_date_source_key(r.date_source));
        else
            printf("date     unknown\n");
        /* The audit path re-runs every pattern; its categories must equal the run's. */
        const pm_dictset *d = pm_classifier_dicts(cls);
        size_t nd = pm_dictset_ndims(d);
        pm_catset a[PM_MAX_DIMS], b[PM_MAX_DIMS];
        xctx x = {d, "title", doc.title.p ? doc.title.p : ""};
        pm_dictset_audit(d, ds, x.text, doc.title.len, a, 0, print_hit, &x);
        x.where = "body";
        x.text = doc.body.p ? doc.body.p : "";
        pm_dictset_audit(d, ds, x.text, doc.body.len, b, 0, print_hit, &x);
        rc = PM_EXIT_OK;
        for (size_t i = 0; i < nd; i++) {
            printf("%-10s", pm_dictset_dim_name(d, i));
            for (size_t c = 0; c < pm_dictset_ncats(d, i); c++) {
                int on = pm_catset_has(&r.cats[i], (unsigned)c);
                if (on)
                    printf(" %s", pm_dictset_cat_key(d, i, c));
                if (on != (pm_catset_has(&a[i], (unsigned)c) | pm_catset_has(&b[i], (unsigned)c)))
                    rc = PM_EXIT_RUN_ERROR;
            }
            printf("\n");
        }
        if (rc != PM_EXIT_OK)
            fprintf(stderr, "policyminer dict explain: audit and run disagree (a bug)\n");
        break;
    }
    if (!found)
        fprintf(stderr, "policyminer dict explain: no document \"%s\" in %s\n", want, path);
out:
    pm_dict_scratch_free(ds);
    pm_classify_scratch_free(cs);
    if (fmt && ps)
        fmt->parse_free(ps);
    if (fmt && sp)
        fmt->split_free(sp);
    pm_gz_close(gz);
    return rc;
}

static int dict_explain(int argc, char **argv)
{
    const char *dir = NULL;
    int i = 1;
    if (i + 1 < argc && (strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--dict") == 0)) {
        dir = argv[i + 1];
        i += 2;
    }
    if (argc - i != 2) {
        dict_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_classifier *cls = NULL;
    if (pm_classifier_load(&cls, dir ? dir : pm_cli_default_dict_dir(), &o, &err) != PM_OK) {
        fprintf(stderr, "policyminer dict explain: %s: %s%s%s\n", pm_strerror(err.code),
                err.file, err.line ? ":" : "", err.detail);
        return PM_EXIT_RUN_ERROR;
    }
    int rc = explain_file(argv[i], argv[i + 1], cls);
    pm_classifier_free(cls);
    return rc;
}

int pm_cmd_dict(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        dict_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? PM_EXIT_USAGE : PM_EXIT_OK;
    }
    if (strcmp(argv[1], "explain") == 0)
        return dict_explain(argc - 1, argv + 1);
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
