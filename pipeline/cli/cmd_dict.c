/* cli/cmd_dict.c - `policyminer dict check [DIR]`: validate the regex dictionaries;
 * `policyminer dict import FILE [-o OUT] [--dimension NAME] [--format yaml|liwc]`:
 * convert a quanteda YAML or LIWC .dic dictionary into our format;
 * `policyminer dict explain [-d DIR] FILE DOC_ID`: show, for one document, where its issuer,
 * level and region came from and every dictionary match behind its labels (with the
 * vetoes that fired, and the clause model's score of each hit it judged), so a researcher
 * can audit each label;
 * `policyminer dict hits [-d DIR] FILE`: every match of every document as one TSV row (the
 * clause model's training input, scripts/train-instrument-model). Printing only: the reading,
 * classifying and matching are the library's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "policyminer/classify.h"
#include "policyminer/country.h"
#include "policyminer/dict.h"
#include "policyminer/reader.h"
#include "policyminer/source.h"
#include "policyminer/ymd.h"

static void dict_usage(FILE *f)
{
    fputs("Usage: policyminer dict check [DIR]\n"
          "       policyminer dict explain [-d DIR] [--country CC] FILE DOC_ID\n"
          "       policyminer dict hits [-d DIR] [--country CC] FILE\n"
          "       policyminer dict import FILE [-o OUT.dict] [--dimension NAME]\n"
          "                               [--format yaml|liwc]\n"
          "check: compile every pattern of DIR/*.dict (default: the dictionary directory),\n"
          "run every must / must_not example, probe each pattern for catastrophic\n"
          "backtracking, and report problems with file and line. Exit 0 when all pass.\n"
          "explain: classify the document DOC_ID of FILE (gzip or plain corpus XML) and\n"
          "print its issuer evidence and every pattern match behind its labels: dictionary\n"
          "file and line, category, matched text with its byte span in the title or body,\n"
          "and the matches a `not` pattern vetoed or the clause model dropped (with its\n"
          "score). Exit 1 when the document is not found.\n"
          "hits: every match of every document of FILE, one TSV row each: doc_id, where,\n"
          "dimension, category, group, start, end (bytes), vetoed, judged, dropped, score.\n"
          "import: convert a quanteda YAML (nested keys, glob values) or LIWC .dic file\n"
          "(detected from its first character) into a .dict file (default: standard\n"
          "output); CJK terms match as substrings with the longest match winning across\n"
          "categories. Check the result with `policyminer dict check`.\n",
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
    const char *doc_id; /* dict hits */
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
    if (h->title_veto) /* the document's (or its act's) title turned the category off */
        printf("        by not_title %s:%u (the title)  /%s/\n",
               base_name(pm_dictset_dim_file(x->d, h->dim)), h->veto_line, h->veto);
    else if (h->vetoed)
        printf("        by not %s:%u [%zu,%zu) \"%.*s\"  /%s/\n",
               base_name(pm_dictset_dim_file(x->d, h->dim)), h->veto_line, h->veto_start,
               h->veto_end, (int)(h->veto_end - h->veto_start), x->text + h->veto_start,
               h->veto);
    else if (h->judged) /* the clause model (instrument_model.tsv) */
        printf("        clause model score %.4f, threshold %.4f: %s\n", h->score, h->threshold,
               h->dropped ? "dropped" : "kept");
}

/* dict hits: one row per match (ids, bytes, flags; never the text). */
static void tsv_hit(void *ud, const pm_dict_hit *h)
{
    const xctx *x = ud;
    printf("%s\t%s\t%s\t%s\t%s\t%zu\t%zu\t%d\t%d\t%d\t", x->doc_id, x->where,
           pm_dictset_dim_name(x->d, h->dim), pm_dictset_cat_key(x->d, h->dim, h->cat),
           pm_dictset_cat_group(x->d, h->dim, h->cat), h->start, h->end, h->vetoed, h->judged,
           h->dropped);
    if (h->judged)
        printf("%.17g", h->score);
    printf("\n");
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
    case PM_ISRC_ENACTMENT: return "enactment line";
    case PM_ISRC_REQUISITE: return "requisite line";
    }
    return "?";
}

/* One accepted policy-name span: which rule, where (the title is read folded: full width
 * to half width, traditional to simplified), and the name it gave. */
static void print_pname(void *ud, const char *rule, int in_title, size_t start, size_t end,
                        const char *name)
{
    (void)ud;
    printf("policy   %s  %s[%zu,%zu)  -> %s\n", rule, in_title ? "title(folded)" : "body", start,
           end, name);
}

/* Reads FILE until the document DOC_ID; prints it. Returns the exit status. With want
 * NULL (dict hits), prints every match of every document as TSV instead. */
static int explain_file(const char *path, const char *want, pm_classifier *cls,
                        const pm_country *pack)
{
    pm_limits lim;
    pm_limits_default(&lim);
    pm_gz_limits gl = {lim.max_member_bytes, lim.inflate};
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
    pm_dict_scratch *ds = NULL; /* the classify scratch's: the audit judges as the run */
    int rc = PM_EXIT_RUN_ERROR, found = 0;
    char idbuf[512];
    if (!fmt) {
        fprintf(stderr, "policyminer dict explain: %s: not a corpus file\n", path);
        goto out;
    }
    if (fmt->split_create(&sp, &lim) != PM_OK || fmt->parse_create(&ps, &lim) != PM_OK ||
        pm_classify_scratch_create(&cs, cls) != PM_OK) {
        fprintf(stderr, "policyminer dict explain: out of memory\n");
        goto out;
    }
    ds = pm_classify_scratch_dict(cs);
    if (!want) {
        printf("doc_id\twhere\tdimension\tcategory\tgroup\tstart\tend\tvetoed\tjudged\t"
               "dropped\tscore\n");
        rc = PM_EXIT_OK;
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
        if (!want) {
            const pm_dictset *d = pm_classifier_dicts(cls);
            pm_catset a[PM_MAX_DIMS];
            snprintf(idbuf, sizeof idbuf, "%.*s", (int)doc.id.len, doc.id.p);
            xctx x = {d, "title", doc.title.p ? doc.title.p : "", idbuf};
            pm_classify_set_context(cls, cs, &doc, NULL); /* not_title, as the run */
            pm_dictset_audit(d, ds, x.text, doc.title.len, a, 64, tsv_hit, &x);
            x.where = "body";
            x.text = doc.body.p ? doc.body.p : "";
            pm_dictset_audit(d, ds, x.text, doc.body.len, a, 64, tsv_hit, &x);
            continue;
        }
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
        if (doc.part_of.len)
            printf("part of  %.*s\n", (int)doc.part_of.len, doc.part_of.p);
        printf("issuer   %.*s  (from %s)\n", (int)r.issuer.issuer_len,
               r.issuer.issuer ? r.issuer.issuer : "", isrc_key(r.issuer.source));
        char code[PM_COUNTRY_CODE_BUF] = "", day[PM_YMD_BUF];
        if (pm_country_record_region(pack, r.issuer.level, r.issuer.region_code, (pm_ymd)r.date) !=
            PM_REGION_NONE) /* a known region: never by its code alone (country.h) */
            pm_country_format_code(pack, r.issuer.region_code, code, sizeof code);
        printf("level    %s  region %s %s\n", pm_country_record_level_key(pack, r.issuer.level),
               code, r.issuer.region_name);
        printf("docno    %.*s\n", (int)r.docno.len, r.docno.p ? r.docno.p : "");
        if (r.date)
            printf("date     %s  (from %s)\n", pm_ymd_format(r.date, PM_YMD_YEAR, day, sizeof day),
                   pm_date_source_key(r.date_source));
        else
            printf("date     unknown\n");
        /* The audit path re-runs every pattern; its categories must equal the run's. */
        const pm_dictset *d = pm_classifier_dicts(cls);
        size_t nd = pm_dictset_ndims(d);
        pm_catset a[PM_MAX_DIMS], b[PM_MAX_DIMS];
        xctx x = {d, "title", doc.title.p ? doc.title.p : "", want};
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
        /* Candidate policy names (policy_names_cn.tsv): every accepted span, then the
         * record's list, which must be what the run stores. */
        pm_pnames pn;
        pm_classify_pnames(cls, &doc, &r, &pn, print_pname, NULL);
        printf("policies");
        for (unsigned k = 0; k < r.pnames.n; k++)
            printf(" %s(%s)", r.pnames.v[k].s,
                   pm_pname_source_key((pm_pname_source)r.pnames.v[k].source));
        if (r.pnames.cut)
            printf("  (+%u beyond the cap of %d)", r.pnames.cut, PM_MAX_PNAMES);
        printf("\n");
        if (pn.n != r.pnames.n || memcmp(pn.v, r.pnames.v, pn.n * sizeof *pn.v) != 0)
            rc = PM_EXIT_RUN_ERROR;
        if (rc != PM_EXIT_OK)
            fprintf(stderr, "policyminer dict explain: audit and run disagree (a bug)\n");
        break;
    }
    if (!found && want)
        fprintf(stderr, "policyminer dict explain: no document \"%s\" in %s\n", want, path);
out:
    pm_classify_scratch_free(cs);
    if (fmt && ps)
        fmt->parse_free(ps);
    if (fmt && sp)
        fmt->split_free(sp);
    pm_gz_close(gz);
    return rc;
}

static int dict_explain(int argc, char **argv, int hits)
{
    const char *dir = NULL, *cc = NULL;
    int i = 1;
    while (i + 1 < argc) {
        if (strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--dict") == 0)
            dir = argv[i + 1];
        else if (strcmp(argv[i], "--country") == 0)
            cc = argv[i + 1];
        else
            break;
        i += 2;
    }
    if (argc - i != (hits ? 1 : 2)) {
        dict_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_dict_options o;
    pm_dict_options_default(&o);
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_classifier *cls = NULL;
    pm_country *country = NULL;
    const char *ddir = dir ? dir : pm_cli_default_dict_dir();
    if (pm_country_open_dir(&country, cc, ddir, &err) != PM_OK ||
        pm_classifier_load_country(&cls, country, ddir, &o, &err) != PM_OK) {
        pm_country_free(country);
        fprintf(stderr, "policyminer dict explain: %s: %s%s%s\n", pm_strerror(err.code),
                err.file, err.line ? ":" : "", err.detail);
        return PM_EXIT_RUN_ERROR;
    }
    /* the run's pack reads the text and prints codes and levels */
    int rc = explain_file(argv[i], hits ? NULL : argv[i + 1], cls, country);
    pm_classifier_free(cls);
    pm_country_free(country);
    return rc;
}

/* ---- dict import ------------------------------------------------------------------------- */

#define IMPORT_MAX_IN (64u << 20)   /* dictionaries are small; a bigger file is a mistake */
#define IMPORT_MAX_OUT (256u << 20)

static int dict_import(int argc, char **argv)
{
    const char *in = NULL, *outp = NULL, *dimname = NULL;
    pm_dictimport_options o;
    pm_dictimport_options_default(&o);
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            outp = argv[++i];
        else if (strcmp(argv[i], "--dimension") == 0 && i + 1 < argc)
            dimname = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "yaml") == 0)
                o.format = PM_DICTIMPORT_YAML;
            else if (strcmp(argv[i], "liwc") == 0)
                o.format = PM_DICTIMPORT_LIWC;
            else {
                dict_usage(stderr);
                return PM_EXIT_USAGE;
            }
        } else if (!in && argv[i][0] != '-')
            in = argv[i];
        else {
            dict_usage(stderr);
            return PM_EXIT_USAGE;
        }
    }
    if (!in) {
        dict_usage(stderr);
        return PM_EXIT_USAGE;
    }
    /* the dimension key defaults to the file name, made snake_case */
    char dim[33];
    const char *b = base_name(dimname ? dimname : in);
    size_t k = 0;
    for (const char *p = b; *p && *p != '.' && k < sizeof dim - 1; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
            dim[k++] = c;
        else if (k && dim[k - 1] != '_')
            dim[k++] = '_';
    }
    dim[k] = 0;
    if (!k || dim[0] < 'a' || dim[0] > 'z')
        snprintf(dim, sizeof dim, "imported");
    o.dimension = dim;
    o.source = in;
    FILE *f = fopen(in, "rb");
    if (!f) {
        fprintf(stderr, "policyminer dict import: cannot open %s\n", in);
        return PM_EXIT_RUN_ERROR;
    }
    pm_buf text, out;
    pm_buf_init(&text, IMPORT_MAX_IN);
    pm_buf_init(&out, IMPORT_MAX_OUT);
    char chunk[65536];
    size_t got;
    pm_status st = PM_OK;
    while (st == PM_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = pm_buf_append(&text, chunk, got);
    int rd_err = ferror(f);
    fclose(f);
    int rc = PM_EXIT_OK;
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_dictimport_stats stats;
    if (st != PM_OK || rd_err) {
        fprintf(stderr, "policyminer dict import: %s: %s\n", in,
                st == PM_ERR_TOO_BIG ? "larger than 64 MiB" : "read error");
        rc = PM_EXIT_RUN_ERROR;
    } else if ((st = pm_dict_import(text.data ? text.data : "", text.len, &o, &out, &stats,
                                    &err)) != PM_OK) {
        fprintf(stderr, "policyminer dict import: %s: %s: %s\n", in, pm_strerror(err.code),
                err.detail);
        rc = PM_EXIT_RUN_ERROR;
    } else {
        FILE *w = outp ? fopen(outp, "wb") : stdout;
        if (!w || fwrite(out.data, 1, out.len, w) != out.len || (outp && fclose(w) != 0)) {
            fprintf(stderr, "policyminer dict import: cannot write %s\n", outp ? outp : "output");
            rc = PM_EXIT_RUN_ERROR;
        }
        fprintf(stderr,
                "policyminer dict import: %s: %zu categories, %zu terms, %zu longer-match "
                "vetoes; skipped %zu lines, %zu category ids, %zu <..> markers\n",
                in, stats.categories, stats.terms, stats.vetoes, stats.skipped_lines,
                stats.skipped_ids, stats.markers);
    }
    pm_buf_free(&text);
    pm_buf_free(&out);
    return rc;
}

int pm_cmd_dict(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        dict_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? PM_EXIT_USAGE : PM_EXIT_OK;
    }
    if (strcmp(argv[1], "explain") == 0)
        return dict_explain(argc - 1, argv + 1, 0);
    if (strcmp(argv[1], "hits") == 0)
        return dict_explain(argc - 1, argv + 1, 1);
    if (strcmp(argv[1], "import") == 0)
        return dict_import(argc - 1, argv + 1);
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
