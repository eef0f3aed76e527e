/* sinks/doctable.c - rows of documents.tsv and rejects.tsv, and the TSV field rule.
 *
 * Renders one classified record into one line. Runs in the workers (each into its own
 * batch buffer), so it only reads shared data. Column order is fixed here and documented
 * in the README; dictionary dimensions add one column each (instrument also adds
 * instrument_groups).
 */
#include <stdio.h>
#include <string.h>

#include "policyminer/sinks.h"
#include "policyminer/utf8.h"
#include "policyminer/ymd.h"

/* The one field rule of every table. Tabs and line breaks become spaces and other control
 * characters are dropped, so a row is always one line. A field holding a double quote is
 * written RFC 4180 style - wrapped in quotes, inner quotes doubled - because every common
 * reader (pandas, R read.delim, readr, DuckDB, Stata) treats a leading quote as the start
 * of a quoted field at its defaults; a bare quote made them merge rows or stop. */
pm_status pm_tsv_field(pm_buf *out, const char *s, size_t n, size_t max)
{
    if (max && n > max)
        n = pm_utf8_floor(s, n, max); /* back off to a character boundary */
    /* most fields (ids, codes, names) need nothing: one test per byte, then a copy */
    size_t i = 0;
    while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != 0x7f)
        i++;
    if (i == n) {
        pm_status st = pm_buf_reserve(out, n);
        if (st != PM_OK)
            return st;
        memcpy(out->data + out->len, s, n);
        out->len += n;
        out->data[out->len] = '\0';
        return PM_OK;
    }
    size_t quotes = 0;
    for (size_t i = 0; i < n; i++)
        quotes += s[i] == '"';
    pm_status st = pm_buf_reserve(out, n + (quotes ? quotes + 2 : 0));
    if (st != PM_OK)
        return st;
    char *w = out->data + out->len;
    if (quotes)
        *w++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t' || c == '\n' || c == '\r')
            *w++ = ' ';
        else if (c == '"') {
            *w++ = '"';
            *w++ = '"';
        } else if (c >= 0x20 && c != 0x7f)
            *w++ = (char)c;
    }
    if (quotes)
        *w++ = '"';
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
    return PM_OK;
}

void pm_dim_column(const char *dim, char *out, size_t outsz)
{
    size_t n = strlen(dim);
    int plural = n > 0 && dim[n - 1] != 's' && !(n > 3 && strcmp(dim + n - 3, "ing") == 0);
    snprintf(out, outsz, "%s%s", dim, plural ? "s" : "");
}

static int dim_rank(const char *name)
{
    if (strcmp(name, "instrument") == 0)
        return 0;
    if (strcmp(name, "sector") == 0)
        return 1;
    return 2;
}

void pm_dim_order(const pm_dictset *d, size_t *order)
{
    size_t n = pm_dictset_ndims(d);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* insertion sort: tiny n, stable */
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        while (j > 0) {
            const char *a = pm_dictset_dim_name(d, order[j - 1]);
            const char *b = pm_dictset_dim_name(d, v);
            int ra = dim_rank(a), rb = dim_rank(b);
            if (ra < rb || (ra == rb && strcmp(a, b) <= 0))
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

static int is_instrument(const pm_dictset *d, size_t dim)
{
    return strcmp(pm_dictset_dim_name(d, dim), "instrument") == 0;
}

/* A pack whose organ list names kinds of body (Kazakhstan: маслихат, акимат, аким) says
 * so in its header (issuer_body 1), and documents.tsv then has an issuer_body column after
 * issuer; packs without (China) keep the table as it was. */
static int has_body_column(const pm_country *c)
{
    const char *v = c ? pm_country_header(c, "issuer_body") : NULL;
    return v && strcmp(v, "1") == 0;
}

pm_status pm_doctable_header(pm_buf *out, const pm_dictset *d, const pm_country *c)
{
    pm_status st = pm_buf_append_str(out, "doc_id\tsource\toffset\tdate\tyear\tdate_source\t"
                                          "issuer\t");
    if (st == PM_OK && has_body_column(c))
        st = pm_buf_append_str(out, "issuer_body\t");
    if (st == PM_OK)
        st = pm_buf_append_str(out, "level\tregion_code\tregion_name\tprovince_code\tdocno");
    size_t order[PM_MAX_DIMS];
    pm_dim_order(d, order);
    for (size_t i = 0; st == PM_OK && i < pm_dictset_ndims(d); i++) {
        char col[64];
        pm_dim_column(pm_dictset_dim_name(d, order[i]), col, sizeof col);
        st = pm_buf_printf(out, "\t%s", col);
        if (st == PM_OK && is_instrument(d, order[i]))
            st = pm_buf_append_str(out, "\tinstrument_groups");
    }
    if (st == PM_OK)
        st = pm_buf_append_str(out, "\tn_chars\tcopy_of\n");
    return st;
}

/* Category keys of one set, ';'-joined in dictionary order. */
static pm_status cat_list(pm_buf *out, const pm_dictset *d, size_t dim, const pm_catset *cs)
{
    pm_status st = PM_OK;
    int first = 1;
    size_t n = pm_dictset_ncats(d, dim);
    for (size_t c = 0; st == PM_OK && c < n; c++) {
        if (!pm_catset_has(cs, (unsigned)c))
            continue;
        if (!first)
            st = pm_buf_append_char(out, ';');
        if (st == PM_OK)
            st = pm_buf_append_str(out, pm_dictset_cat_key(d, dim, c));
        first = 0;
    }
    return st;
}

static pm_status group_list(pm_buf *out, const pm_dictset *d, size_t dim, const pm_catset *cs)
{
    size_t ng = pm_dictset_ngroups(d, dim), n = pm_dictset_ncats(d, dim);
    pm_catset groups;
    memset(&groups, 0, sizeof groups);
    for (size_t c = 0; c < n; c++)
        if (pm_catset_has(cs, (unsigned)c) && pm_dictset_cat_group(d, dim, c)[0])
            pm_catset_set(&groups, (unsigned)pm_dictset_cat_group_index(d, dim, c));
    pm_status st = PM_OK;
    int first = 1;
    for (size_t g = 0; st == PM_OK && g < ng; g++) {
        if (!pm_catset_has(&groups, (unsigned)g))
            continue;
        if (!first)
            st = pm_buf_append_char(out, ';');
        if (st == PM_OK)
            st = pm_buf_append_str(out, pm_dictset_group_key(d, dim, g));
        first = 0;
    }
    return st;
}

#define TRY(x) do { pm_status st_ = (x); if (st_ != PM_OK) return st_; } while (0)

/* sep1, s, sep2 (a NUL sep is left out): the row's fixed pieces without printf's format
 * parsing, which was a third of a row's instructions. */
static pm_status put3(pm_buf *out, char sep1, const char *s, size_t n, char sep2)
{
    TRY(pm_buf_reserve(out, n + (sep1 != 0) + (sep2 != 0)));
    char *p = out->data + out->len;
    if (sep1)
        *p++ = sep1;
    memcpy(p, s, n);
    p += n;
    if (sep2)
        *p++ = sep2;
    out->len = (size_t)(p - out->data);
    out->data[out->len] = '\0';
    return PM_OK;
}

static pm_status put_u64(pm_buf *out, char sep1, uint64_t v, char sep2)
{
    char d[PM_U64_DEC_MAX];
    size_t n = pm_u64_dec(d, v, 1);
    return put3(out, sep1, d, n, sep2);
}

pm_status pm_doctable_row(pm_buf *out, const pm_dictset *d, const pm_country *c,
                          const char *source, uint64_t offset, const pm_doc *doc,
                          const pm_record *r, size_t max_field)
{
    char buf[PM_COUNTRY_CODE_BUF];
    TRY(pm_tsv_field(out, doc->id.p, doc->id.len, max_field));
    TRY(pm_buf_append_char(out, '\t'));
    TRY(pm_tsv_field(out, source, strlen(source), 0));
    TRY(put_u64(out, '\t', offset, '\t'));
    /* a full date or nothing: a year-only date is in the year column only */
    const char *ymd = pm_ymd_format(r->date, PM_YMD_DAY, buf, sizeof buf);
    TRY(put3(out, 0, ymd, strlen(ymd), '\t'));
    if (r->year > 0)
        TRY(put_u64(out, 0, (uint64_t)r->year, 0));
    else if (r->year)
        TRY(pm_buf_printf(out, "%d", r->year));
    const char *dsk = pm_date_source_key(r->date_source);
    TRY(put3(out, '\t', dsk, strlen(dsk), '\t'));
    TRY(pm_tsv_field(out, r->issuer.issuer ? r->issuer.issuer : "", r->issuer.issuer_len,
                     max_field));
    if (has_body_column(c)) {
        const char *ib = r->issuer.body ? r->issuer.body : "";
        TRY(put3(out, '\t', ib, strlen(ib), 0));
    }
    /* unknown is level 0 whatever the code; a province exists from level 2 (country.h) */
    const char *lk = pm_country_record_level_key(c, r->issuer.level);
    TRY(put3(out, '\t', lk, strlen(lk), '\t'));
    if (pm_country_record_region(c, r->issuer.level, r->issuer.region_code, (pm_ymd)r->date) !=
        PM_REGION_NONE)
        TRY(pm_buf_append_str(out, pm_country_format_code(c, r->issuer.region_code, buf, sizeof buf)));
    TRY(pm_buf_append_char(out, '\t'));
    const char *rn = r->issuer.region_name ? r->issuer.region_name : "";
    TRY(pm_tsv_field(out, rn, strlen(rn), max_field));
    TRY(pm_buf_append_char(out, '\t'));
    uint32_t pv = pm_country_record_province_code(c, r->issuer.level, r->issuer.province_code);
    TRY(pm_buf_append_str(out, pm_country_format_region(c, pv, buf, sizeof buf)));
    TRY(pm_buf_append_char(out, '\t'));
    TRY(pm_tsv_field(out, r->docno.p ? r->docno.p : "", r->docno.len, max_field));

    size_t order[PM_MAX_DIMS];
    pm_dim_order(d, order);
    for (size_t i = 0; i < r->ndims; i++) {
        size_t dim = order[i];
        TRY(pm_buf_append_char(out, '\t'));
        TRY(cat_list(out, d, dim, &r->cats[dim]));
        if (is_instrument(d, dim)) {
            TRY(pm_buf_append_char(out, '\t'));
            TRY(group_list(out, d, dim, &r->cats[dim]));
        }
    }
    return put_u64(out, '\t', (unsigned)r->n_chars, '\n');
}

pm_status pm_rejects_header(pm_buf *out)
{
    return pm_buf_append_str(out, "source\toffset\tdoc_id\treason\tdetail\n");
}

pm_status pm_rejects_row(pm_buf *out, const char *source, uint64_t offset,
                         const char *doc_id, pm_status reason, const char *detail)
{
    TRY(pm_tsv_field(out, source, strlen(source), 0));
    TRY(pm_buf_printf(out, "\t%llu\t", (unsigned long long)offset));
    TRY(pm_tsv_field(out, doc_id ? doc_id : "", doc_id ? strlen(doc_id) : 0, 256));
    TRY(pm_buf_printf(out, "\t%s\t", pm_status_key(reason)));
    TRY(pm_tsv_field(out, detail ? detail : "", detail ? strlen(detail) : 0, 512));
    return pm_buf_append_char(out, '\n');
}
