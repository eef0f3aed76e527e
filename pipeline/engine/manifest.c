/* engine/manifest.c - manifest.json: what was run, on what, with which dictionaries,
 * and what came out. Written last; "complete": true only for a finished run, so a
 * partial output directory is never mistaken for a finished one. JSON is rendered by
 * hand (flat, small) with strict string escaping.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "policyminer/buf.h"
#include "policyminer/hash.h"
#include "policyminer/sinks.h"
#include "policyminer/source.h"
#include "engine_internal.h"

#ifndef PM_VERSION
#define PM_VERSION "0.0.0"
#endif

static pm_status json_str(pm_buf *b, const char *s)
{
    pm_status st = pm_buf_append_char(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; st == PM_OK && *p; p++) {
        if (*p == '"' || *p == '\\')
            st = pm_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            st = pm_buf_printf(b, "\\u%04x", *p);
        else
            st = pm_buf_append_char(b, (char)*p);
    }
    if (st == PM_OK)
        st = pm_buf_append_char(b, '"');
    return st;
}

/* One entry of "match_limit_patterns" (a callback of pm_dictset_limit_hits). */
typedef struct limit_ctx {
    pm_buf *b;
    const pm_dictset *d;
    pm_status st;
    int n;
} limit_ctx;

static void limit_entry(void *ud, size_t dim, size_t cat, const char *pattern, int veto,
                        uint64_t hits)
{
    limit_ctx *x = ud;
    if (x->st != PM_OK)
        return;
    x->st = pm_buf_printf(x->b, "%s\n    {\"dimension\": ", x->n++ ? "," : "");
    if (x->st == PM_OK)
        x->st = json_str(x->b, pm_dictset_dim_name(x->d, dim));
    if (x->st == PM_OK)
        x->st = pm_buf_append_str(x->b, ", \"category\": ");
    if (x->st == PM_OK)
        x->st = json_str(x->b, pm_dictset_cat_key(x->d, dim, cat));
    if (x->st == PM_OK)
        x->st = pm_buf_append_str(x->b, ", \"pattern\": ");
    if (x->st == PM_OK)
        x->st = json_str(x->b, pattern);
    if (x->st == PM_OK)
        x->st = pm_buf_printf(x->b, ", \"veto\": %s, \"hits\": %llu}",
                              veto ? "true" : "false", (unsigned long long)hits);
}

#define TRY(x) do { if ((st = (x)) != PM_OK) goto done; } while (0)

/* Streams text into a digest: the description is never cut, however many dimensions. */
static void dig(pm_sha256 *h, const char *fmt, const char *a, const char *b)
{
    pm_sha256_update(h, fmt, strlen(fmt));
    pm_sha256_update(h, a, strlen(a) + 1);
    pm_sha256_update(h, b, strlen(b) + 1);
}

static void dig_hex(pm_sha256 *h, char hex[65])
{
    unsigned char d[32];
    pm_sha256_final(h, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* "policyminer VERSION; dictionaries sha256:H1 | read sha256:H2": H1 digests everything
 * that decides a row from a text (gazetteer, every dimension's name and checksum, the host
 * table), H2 how the inputs were read (limits, field map). Fixed length, so nothing is
 * lost to a buffer; merge compares the part before the bar with its own dictionaries,
 * and the whole between parts. */
void pm_fingerprint(const pm_classifier *c, const pm_country *country, const pm_limits *lim,
                    const pm_dict_options *o, const pm_reuse_options *reuse, char *out,
                    size_t n)
{
    const pm_dictset *d = pm_classifier_dicts(c);
    pm_sha256 h;
    pm_sha256_init(&h);
    dig(&h, "gazetteer", pm_gaz_checksum(pm_classifier_gazetteer(c)), "");
    /* the country pack decides regions, levels and how codes print */
    dig(&h, "country", pm_country_name(country), pm_country_checksum(country));
    for (size_t i = 0; i < pm_dictset_ndims(d); i++)
        dig(&h, "dimension", pm_dictset_dim_name(d, i), pm_dictset_dim_checksum(d, i));
    /* the web readers' host table decides region hints too */
    char hosts[4200], sum[72] = "none";
    snprintf(hosts, sizeof hosts, "%s/gov_hosts.tsv", lim->dict_dir ? lim->dict_dir : ".");
    if (pm_sha256_file(hosts, sum) != PM_OK)
        snprintf(sum, sizeof sum, "none");
    dig(&h, "hosts", sum, "");
    /* policy-name rules decide the stored candidates */
    dig(&h, "policy_names", pm_classifier_pname_checksum(c), "");
    /* a clause model decides which hits count (only digested when present: packs without
     * one keep their fingerprint) */
    if (pm_classifier_model_checksum(c))
        dig(&h, "instrument_model", pm_classifier_model_checksum(c), "");
    /* text reuse decides what a record carries (and merge must be given the same) */
    char rd[256];
    pm_reuse_options_describe(reuse, rd, sizeof rd);
    /* (with reuse on, the text's stored form too: records of another form are refused) */
    dig(&h, "reuse", rd, reuse->enabled ? PM_REUSE_TEXT_FORM : "");
    char h1[65], h2[65], lims[256];
    dig_hex(&h, h1);
    pm_sha256_init(&h);
    snprintf(lims, sizeof lims, "%llu %llu %llu %u %u %u",
             (unsigned long long)lim->max_doc_bytes, (unsigned long long)lim->max_member_bytes,
             (unsigned long long)lim->max_docs_per_file, (unsigned)lim->max_field_bytes,
             (unsigned)o->match_limit, (unsigned)o->depth_limit);
    dig(&h, "limits", lims, lim->field_map ? lim->field_map : "-");
    dig_hex(&h, h2);
    snprintf(out, n, "policyminer %s; dictionaries sha256:%s | read sha256:%s", PM_VERSION, h1, h2);
}

pm_status pm_manifest_write(const pm_run_options *o, const pm_classifier *c,
                            const pm_country *country, const pm_commit *cm, const pm_run_summary *s, int complete,
                            pm_errctx *err)
{
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 30);
    pm_status st = PM_OK;
    char when[64];
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);

    TRY(pm_buf_printf(&b, "{\n  \"program\": \"policyminer\",\n  \"version\": \"%s\",\n",
                      PM_VERSION));
    TRY(pm_buf_printf(&b, "  \"complete\": %s,\n  \"finished_utc\": \"%s\",\n",
                      complete ? "true" : "false", when));
    TRY(pm_buf_append_str(&b, "  \"command_line\": "));
    TRY(json_str(&b, o->command_line ? o->command_line : ""));
    TRY(pm_buf_printf(&b, ",\n  \"threads\": %d,\n", s->threads));
    if (o->shard_count)
        TRY(pm_buf_printf(&b, "  \"partial\": {\"shard\": %u, \"of\": %u, \"part\": \"part.pmb\"},\n",
                          (unsigned)o->shard_index, (unsigned)o->shard_count));
    if (o->state_dir) {
        TRY(pm_buf_append_str(&b, "  \"state\": {\"dir\": "));
        TRY(json_str(&b, o->state_dir));
        TRY(pm_buf_printf(&b, ", \"files_reused\": %llu, \"files_from_checkpoint\": %llu, "
                              "\"files_dropped\": %llu, \"diffusion_row_bytes_copied\": %llu, "
                              "\"diffusion_row_bytes_derived\": %llu},\n",
                          (unsigned long long)s->state_reused,
                          (unsigned long long)s->state_checkpoint,
                          (unsigned long long)s->state_removed,
                          (unsigned long long)s->state_rows_copied,
                          (unsigned long long)s->state_rows_derived));
    }
    TRY(pm_buf_printf(&b,
                      "  \"limits\": {\"max_doc_bytes\": %llu, \"max_member_bytes\": %llu, "
                      "\"max_docs_per_file\": %llu, \"max_field_bytes\": %u, "
                      "\"match_limit\": %u, \"depth_limit\": %u, \"jit_stack_bytes\": %zu},\n",
                      (unsigned long long)o->limits.max_doc_bytes,
                      (unsigned long long)o->limits.max_member_bytes,
                      (unsigned long long)o->limits.max_docs_per_file,
                      (unsigned)o->limits.max_field_bytes, (unsigned)o->dict.match_limit,
                      (unsigned)o->dict.depth_limit, o->dict.jit_stack_max));

    const pm_dictset *d = pm_classifier_dicts(c);
    TRY(pm_buf_append_str(&b, "  \"dictionaries\": [\n"));
    for (size_t i = 0; i < pm_dictset_ndims(d); i++) {
        TRY(pm_buf_append_str(&b, "    {\"dimension\": "));
        TRY(json_str(&b, pm_dictset_dim_name(d, i)));
        TRY(pm_buf_append_str(&b, ", \"file\": "));
        TRY(json_str(&b, pm_dictset_dim_file(d, i)));
        TRY(pm_buf_printf(&b, ", \"categories\": %zu, \"checksum\": ", pm_dictset_ncats(d, i)));
        TRY(json_str(&b, pm_dictset_dim_checksum(d, i)));
        TRY(pm_buf_printf(&b, "}%s\n", i + 1 < pm_dictset_ndims(d) ? "," : ""));
    }
    TRY(pm_buf_append_str(&b, "  ],\n  \"literal_scanner\": "));
    TRY(json_str(&b, pm_dictset_engine(d)));
    TRY(pm_buf_printf(&b, ",\n  \"inflate\": \"%s\"",
                      o->limits.inflate == PM_INFLATE_ISAL ? "isal" : "zlib"));
    TRY(pm_buf_append_str(&b, ",\n  \"gazetteer_checksum\": "));
    TRY(json_str(&b, pm_gaz_checksum(pm_classifier_gazetteer(c))));
    TRY(pm_buf_append_str(&b, ",\n  \"country\": {\"name\": "));
    TRY(json_str(&b, pm_country_name(country)));
    TRY(pm_buf_append_str(&b, ", \"checksum\": "));
    TRY(json_str(&b, pm_country_checksum(country)));
    /* what the report needs to name levels without reading the pack: its vocabulary and
     * the labels of pack.tsv (label_<level>; the key when there is none) */
    TRY(pm_buf_printf(&b, ", \"code_width\": %u, \"levels\": [", pm_country_code_width(country)));
    for (unsigned l = 0; l < pm_country_level_count(country); l++) {
        TRY(pm_buf_append_str(&b, l ? ", " : ""));
        TRY(json_str(&b, pm_country_level_key(country, l)));
    }
    TRY(pm_buf_append_str(&b, "], \"level_labels\": ["));
    for (unsigned l = 0; l <= pm_country_level_count(country); l++) {
        const char *k = l < pm_country_level_count(country) ? pm_country_level_key(country, l)
                                                            : "unknown";
        char hk[80];
        snprintf(hk, sizeof hk, "label_%s", k);
        const char *lab = pm_country_header(country, hk);
        TRY(pm_buf_append_str(&b, l ? ", " : ""));
        TRY(json_str(&b, lab ? lab : k));
    }
    /* and the pack's tile grid for the report's network map: [code, col, row, label] */
    TRY(pm_buf_append_str(&b, "], \"tiles\": ["));
    for (size_t i = 0; i < pm_country_tile_count(country); i++) {
        const pm_country_tile *t = pm_country_tile_at(country, i);
        char cb[PM_COUNTRY_CODE_BUF];
        TRY(pm_buf_append_str(&b, i ? ", [" : "["));
        TRY(json_str(&b, pm_country_format_region(country, t->region, cb, sizeof cb)));
        TRY(pm_buf_printf(&b, ", %u, %u, ", t->col, t->row));
        TRY(json_str(&b, t->label));
        TRY(pm_buf_append_str(&b, "]"));
    }
    TRY(pm_buf_append_str(&b, "]}"));
    TRY(pm_buf_append_str(&b, ",\n  \"inputs\": [\n"));
    size_t n = pm_commit_nfiles(cm);
    for (size_t i = 0; i < n; i++) {
        TRY(pm_buf_append_str(&b, "    {\"path\": "));
        TRY(json_str(&b, pm_commit_file_path(cm, i)));
        TRY(pm_buf_printf(&b, ", \"bytes\": %llu}%s\n",
                          (unsigned long long)pm_commit_file_size(cm, i), i + 1 < n ? "," : ""));
    }
    TRY(pm_buf_append_str(&b, "  ],\n"));
    TRY(pm_buf_printf(&b,
                      "  \"counts\": {\n    \"files_seen\": %llu, \"files_read\": %llu, "
                      "\"files_failed\": %llu, \"files_not_corpus\": %llu,\n    \"docs_seen\": %llu, \"docs_classified\": %llu, "
                      "\"docs_rejected\": %llu,\n    \"bytes_in\": %llu, \"bytes_out\": %llu, \"records_skipped\": %llu,\n"
                      "    \"rejects_by_reason\": {",
                      (unsigned long long)s->files_seen, (unsigned long long)s->files_read,
                      (unsigned long long)s->files_failed,
                      (unsigned long long)s->files_not_corpus, (unsigned long long)s->docs_seen,
                      (unsigned long long)s->docs_classified,
                      (unsigned long long)s->docs_rejected, (unsigned long long)s->bytes_in,
                      (unsigned long long)s->bytes_out, (unsigned long long)s->records_skipped));
    int first = 1;
    for (int r = 1; r < PM_STATUS_LAST; r++) {
        if (!s->rejects_by_reason[r])
            continue;
        TRY(pm_buf_printf(&b, "%s\"%s\": %llu", first ? "" : ", ", pm_status_key((pm_status)r),
                          (unsigned long long)s->rejects_by_reason[r]));
        first = 0;
    }
    TRY(pm_buf_append_str(&b, "},\n    \"documents_by_level\": {"));
    /* record levels: 0 unknown, then the pack's vocabulary */
    for (unsigned l = 0; l <= pm_country_level_count(country) && l < 9; l++)
        TRY(pm_buf_printf(&b, "%s\"%s\": %llu", l ? ", " : "",
                          pm_country_record_level_key(country, l),
                          (unsigned long long)s->by_level[l]));
    /* per input field: values given but not valid (the document is kept, the field unused) */
    TRY(pm_buf_printf(&b, "},\n    \"invalid_fields\": {\"date\": %llu}",
                      (unsigned long long)s->invalid_date_fields));
    TRY(pm_buf_append_str(&b, "\n  },\n"));
    TRY(pm_buf_printf(&b,
                      "  \"discovery\": {\"candidates\": %llu, \"candidates_cut_per_doc\": %llu, "
                      "\"docs_with_candidates\": %llu, \"max_per_doc\": %d,\n    \"names\": %llu, "
                      "\"names_max\": %llu, \"name_uses_dropped\": %llu, \"joined_experiments\": %llu, "
                      "\"cascades\": %llu, \"min_adopters\": %d,\n    \"netinf_max_parents\": %d, "
                      "\"netinf_pairs_capped\": %llu},\n",
                      (unsigned long long)s->discovery.candidates,
                      (unsigned long long)s->discovery.cut_per_doc,
                      (unsigned long long)s->discovery.docs_with_candidates, PM_MAX_PNAMES,
                      (unsigned long long)s->discovery.names,
                      (unsigned long long)o->diffusion.max_policy_names,
                      (unsigned long long)s->discovery.names_dropped,
                      (unsigned long long)s->discovery.joined,
                      (unsigned long long)s->discovery.cascades, o->diffusion.min_adopters,
                      PM_NETINF_MAX_PARENTS,
                      (unsigned long long)s->discovery.netinf_pairs_capped));
    TRY(pm_buf_printf(&b,
                      "  \"timings_seconds\": {\"wall\": %.3f, \"read_split\": %.3f, "
                      "\"parse\": %.3f, \"classify\": %.3f, \"render\": %.3f, "
                      "\"reuse_sign\": %.3f, \"commit\": %.3f},\n  \"regex_runs\": %llu,\n"
                      "  \"match_limit_hits\": %llu,\n",
                      s->stats.wall, s->stats.read_split, s->stats.parse, s->stats.classify,
                      s->stats.render, s->stats.reuse_sign, s->stats.commit, (unsigned long long)s->stats.regex_runs,
                      (unsigned long long)s->stats.match_limit_hits));
    /* Which patterns gave up, so a dictionary author can fix them (the documents were
     * still classified by every other pattern). */
    /* text reuse: options and what the candidate stage did (bucket cap included) */
    {
        char rd[256];
        pm_reuse_options_describe(&o->reuse, rd, sizeof rd);
        TRY(pm_buf_append_str(&b, "  \"reuse\": {\"options\": "));
        TRY(json_str(&b, rd));
        const pm_reuse_stats *rs = pm_commit_reuse_stats(cm);
        if (o->reuse.enabled)
            TRY(pm_buf_printf(&b, ", \"signature_values\": %d, \"bands\": %d, \"rows\": %d, "
                              "\"threshold\": %.4f, \"max_chars\": %u, \"min_chars\": %u, "
                              "\"boilerplate_share\": %.4f, \"bucket_cap\": %u, "
                              "\"anchor_bucket_cap\": %u, \"align_share\": %.2f, "
                              "\"min_aligned\": %d, \"max_candidates\": %llu",
                              PM_REUSE_K, PM_REUSE_BANDS, PM_REUSE_ROWS, o->reuse.threshold,
                              (unsigned)o->reuse.max_chars, (unsigned)o->reuse.min_chars,
                              o->reuse.boilerplate_share, (unsigned)o->reuse.bucket_cap,
                              (unsigned)PM_REUSE_ANCHOR_CAP(&o->reuse), PM_REUSE_ALIGN_SHARE,
                              PM_REUSE_MIN_ALIGNED, (unsigned long long)o->reuse.max_candidates));
        if (rs)
            TRY(pm_buf_printf(&b, ", \"docs\": %llu, \"docs_short\": %llu, "
                              "\"candidates\": %llu, \"candidates_screened\": %llu, \"candidates_truncated\": %s, "
                              "\"buckets_capped\": %llu, \"bucket_docs_capped\": %llu, "
                              "\"largest_bucket\": %llu, \"boilerplate_df\": %llu, "
                              "\"pairs\": %llu, \"seconds\": %.3f",
                              (unsigned long long)rs->docs, (unsigned long long)rs->docs_short,
                              (unsigned long long)rs->candidates,
                              (unsigned long long)rs->candidates_screened,
                              rs->candidates_truncated ? "true" : "false",
                              (unsigned long long)rs->buckets_capped,
                              (unsigned long long)rs->bucket_docs_capped,
                              (unsigned long long)rs->largest_bucket,
                              (unsigned long long)rs->boilerplate_df,
                              (unsigned long long)rs->pairs, rs->seconds));
        if (rs)
            TRY(pm_buf_printf(&b, ", \"candidates_anchor\": %llu, \"candidates_anchor_screened\": %llu, "
                              "\"candidates_verified\": %llu, "
                              "\"anchor_buckets_capped\": %llu, \"anchor_bucket_docs_capped\": %llu, "
                              "\"largest_anchor_bucket\": %llu, \"cpu_seconds\": %.3f, "
                              "\"add_seconds\": %.3f",
                              (unsigned long long)rs->candidates_anchor,
                              (unsigned long long)rs->candidates_anchor_screened,
                              (unsigned long long)rs->candidates_verified,
                              (unsigned long long)rs->anchor_buckets_capped,
                              (unsigned long long)rs->anchor_bucket_docs_capped,
                              (unsigned long long)rs->largest_anchor_bucket, rs->cpu_seconds,
                              rs->add_seconds));
        if (rs) { /* a refresh: whether the LSH candidates came from the last finish's */
            TRY(pm_buf_append_str(&b, ", \"lsh_candidates\": "));
            TRY(json_str(&b, pm_reuse_lsh_path_name(rs->lsh_path)));
            TRY(pm_buf_printf(&b, ", \"lsh_new_docs\": %llu", (unsigned long long)rs->lsh_new_docs));
            TRY(pm_buf_append_str(&b, ", \"anchor_candidates\": "));
            TRY(json_str(&b, pm_reuse_lsh_path_name(rs->anchor_path)));
            TRY(pm_buf_printf(&b, ", \"verdicts_reused\": %llu, \"anchor_keys_sized\": %llu",
                              (unsigned long long)rs->verdicts_reused,
                              (unsigned long long)rs->anchor_keys_sized));
        }
        TRY(pm_buf_append_str(&b, "},\n"));
    }
    TRY(pm_buf_append_str(&b, "  \"match_limit_patterns\": ["));
    limit_ctx lx = {&b, d, PM_OK, 0};
    pm_dictset_limit_hits(d, limit_entry, &lx);
    TRY(lx.st);
    TRY(pm_buf_append_str(&b, lx.n ? "\n  ]\n}\n" : "]\n}\n"));

    pm_outfile *f = NULL;
    TRY(pm_outfile_open(&f, o->outdir, "manifest.json", err));
    st = pm_outfile_write(f, b.data, b.len, err);
    if (st == PM_OK)
        st = pm_outfile_commit(f, err);
    else
        pm_outfile_abort(f);
done:
    if (st != PM_OK && err && err->code == PM_OK)
        pm_errctx_set(err, st, o->outdir, "writing manifest.json");
    pm_buf_free(&b);
    return st;
}
