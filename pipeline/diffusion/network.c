/* diffusion/network.c - the tables built on the named experiments' first adoptions as a
 * whole: network.tsv (NetInf), leaders.tsv (who pioneers, who follows, who influences)
 * and, on request, eha_panel.tsv (the pooled event-history panel).
 *
 * Input is the sorted row list adopt.c prepares (diffusion_internal.h); regions are kept
 * in a sorted array and found by binary search. Runs in the committing thread after all
 * adoptions are merged, so nothing here depends on the thread count. Never prints.
 * NetInf weighs only each adopter's PM_NETINF_MAX_PARENTS most recent earlier adopters
 * (discovered cascades can hold thousands of regions; the pairs left out are counted).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diffusion_internal.h"
#include "policyminer/buf.h"
#include "policyminer/netinf.h"
#include "policyminer/sinks.h"
#include "policyminer/ymd.h"

#define AUTO_EDGES_MAX 1000

typedef struct region {
    uint32_t code, province;
    pm_level level;
    int32_t first_date;  /* of its first adoption: picks the name in use then */
    uint32_t adopted, pioneered, followed;
    uint64_t rank_sum;
    uint32_t out_deg, in_deg;
} region;

static int cmp_u32(const void *p, const void *q)
{
    uint32_t x = *(const uint32_t *)p, y = *(const uint32_t *)q;
    return (x > y) - (x < y);
}

static region *find_region(region *r, size_t n, uint32_t code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid].code < code)
            lo = mid + 1;
        else if (r[mid].code > code)
            hi = mid;
        else
            return &r[mid];
    }
    return NULL;
}

static const char *region_label(const pm_country *c, pm_level level, uint32_t code,
                                int32_t date)
{
    const pm_region *r =
        pm_country_region_at(c, pm_country_record_region(c, level, code, (pm_ymd)date));
    return r ? r->name : "";
}

static pm_status flush_buf(pm_outfile *f, pm_buf *b, int force, pm_errctx *err)
{
    if (!force && b->len < (1u << 20))
        return PM_OK;
    pm_status st = pm_outfile_write(f, b->data, b->len, err);
    pm_buf_reset(b);
    return st;
}

#define TRY(x) do { if ((st = (x)) != PM_OK) goto done; } while (0)

/* One member of the event-history risk set: a division and the years it existed. */
typedef struct riskr {
    uint32_t code, province; /* province: its canonical region index, NONE above it */
    pm_level level;
    int from, to; /* in use from `from` until `to` (exclusive; 0 = still in use) */
} riskr;

static int cmp_riskr(const void *p, const void *q)
{
    const riskr *x = p, *y = q;
    return (x->code > y->code) - (x->code < y->code);
}

/* The risk set: every division of the gazetteer in use at some point of [y_min, y_max],
 * one entry per code with the span of years it existed, plus any adopting region the
 * gazetteer does not know (never expected; kept so that no adoption falls out). Sorted by
 * code. Non-adopters belong in it: leaving them out would select on the outcome. */
static pm_status risk_set(const pm_country *c, const region *regs, size_t nreg, int y_min,
                          int y_max, riskr **out, size_t *nout)
{
    size_t cap = pm_country_region_count(c) + nreg + 1, n = 0;
    riskr *r = calloc(cap, sizeof *r);
    if (!r)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < pm_country_region_count(c); i++) {
        const pm_region *dv = pm_country_region_at(c, (uint32_t)i);
        if (dv->level == 0) /* the national region is no member */
            continue;
        int first_year = pm_ymd_year(dv->from), last_year = pm_ymd_year(dv->until);
        if (n && r[n - 1].code == dv->code) { /* a renamed division: widen its span */
            if (first_year < r[n - 1].from)
                r[n - 1].from = first_year;
            if (!last_year || (r[n - 1].to && last_year > r[n - 1].to))
                r[n - 1].to = last_year;
            continue;
        }
        uint32_t pv = pm_country_region_ancestor(c, (uint32_t)i, 1, 0);
        r[n++] = (riskr){(uint32_t)dv->code,
                         pv == PM_REGION_NONE ? pv : pm_country_region_canonical(c, pv),
                         (pm_level)(dv->level + 1), first_year, last_year};
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) /* in use during the adoption period */
        if (r[i].from <= y_max && (!r[i].to || r[i].to > y_min))
            r[k++] = r[i];
    n = k;
    qsort(r, n, sizeof *r, cmp_riskr);
    size_t known = n;
    for (size_t i = 0; i < nreg; i++) {
        if (regs[i].level == PM_REC_NATIONAL)
            continue;
        riskr key = {.code = regs[i].code};
        if (!bsearch(&key, r, known, sizeof *r, cmp_riskr))
            r[n++] = (riskr){regs[i].code,
                             pm_country_record_province(c, regs[i].level, regs[i].code,
                                                        (pm_ymd)regs[i].first_date),
                             regs[i].level, y_min, 0};
    }
    qsort(r, n, sizeof *r, cmp_riskr);
    *out = r;
    *nout = n;
    return PM_OK;
}

/* eha_panel.tsv: for each experiment, every division of the risk set, for each year it
 * existed from the experiment's first adoption until it adopts or the last year in which
 * anything was adopted. */
static pm_status write_eha(const pm_adopt *a, const pm_country *c, const pm_adopt_row *rows,
                           size_t n, const region *regs, size_t nreg, const char *dir,
                           pm_errctx *err)
{
    (void)a;
    pm_status st = PM_OK;
    pm_outfile *f = NULL;
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 30);
    uint32_t *cum = NULL;  /* [province slot][year offset]: adopters up to then */
    uint32_t *pslot = NULL; /* per region index: its province slot (canonical provinces) */
    uint8_t *nb = NULL;     /* [slot][slot]: the provinces share a border */
    size_t np = 0;
    int32_t *ayear = NULL; /* per risk-set member: adoption year in this cascade, 0 = none */
    riskr *rs = NULL;
    size_t nrs = 0;
    int end_year = 0, start_year = 0;
    for (size_t i = 0; i < n; i++) {
        int y = pm_ymd_year(rows[i].date);
        if (y > end_year)
            end_year = y;
        if (!start_year || y < start_year)
            start_year = y;
    }
    TRY(risk_set(c, regs, nreg, start_year, end_year, &rs, &nrs));
    ayear = calloc(nrs ? nrs : 1, sizeof *ayear);
    if (!ayear) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    /* the provinces (canonical regions of the pack's second level) and their borders, once */
    size_t nr = pm_country_region_count(c);
    pslot = malloc((nr ? nr : 1) * sizeof *pslot);
    if (!pslot) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t r = 0; r < nr; r++)
        pslot[r] = UINT32_MAX;
    for (size_t k = 0; k < pm_country_level_size(c, 1); k++) {
        uint32_t r = pm_country_level_region(c, 1, k);
        if (pm_country_region_canonical(c, r) == r)
            pslot[r] = (uint32_t)np++;
    }
    uint32_t *prov_of_slot = malloc((np ? np : 1) * sizeof *prov_of_slot);
    nb = calloc(np ? np * np : 1, 1);
    if (!prov_of_slot || !nb) {
        free(prov_of_slot);
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t r = 0; r < nr; r++)
        if (pslot[r] != UINT32_MAX)
            prov_of_slot[pslot[r]] = (uint32_t)r;
    for (size_t p = 0; p < np; p++)
        for (size_t q = 0; q < np; q++)
            nb[p * np + q] = (uint8_t)pm_country_region_neighbours(c, prov_of_slot[p], prov_of_slot[q]);
    free(prov_of_slot);

    TRY(pm_outfile_open(&f, dir, "eha_panel.tsv", err));
    TRY(pm_buf_append_str(&b, "cascade_id\tnode_name\tyear\tadopted\tprior_same_province\t"
                              "prior_neighbouring\tcentre_before\tlevel\tprovince_code\n"));
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(rows[j].cascade, rows[i].cascade) == 0)
            j++;
        const int y0 = pm_ymd_year(rows[i].date);
        const size_t ny = (size_t)(end_year - y0 + 1);
        free(cum);
        cum = calloc((np ? np : 1) * ny, sizeof *cum);
        if (!cum) {
            st = PM_ERR_NOMEM;
            goto done;
        }
        int centre_year = 0;
        memset(ayear, 0, (nrs ? nrs : 1) * sizeof *ayear);
        for (size_t k = i; k < j; k++) {
            int y = pm_ymd_year(rows[k].date);
            riskr key = {.code = rows[k].region};
            const riskr *r = bsearch(&key, rs, nrs, sizeof *rs, cmp_riskr);
            if (r)
                ayear[r - rs] = y;
            if (rows[k].level == PM_REC_NATIONAL) {
                if (!centre_year)
                    centre_year = y;
                continue;
            }
            uint32_t pv = pm_country_record_province(c, rows[k].level, rows[k].region,
                                                     (pm_ymd)rows[k].date);
            if (pv != PM_REGION_NONE && pslot[pv] != UINT32_MAX)
                cum[pslot[pv] * ny + (size_t)(y - y0)]++;
        }
        for (size_t p = 0; p < np; p++)
            for (size_t t = 1; t < ny; t++)
                cum[p * ny + t] += cum[p * ny + t - 1];
        for (size_t r = 0; r < nrs; r++) {
            const riskr *rg = &rs[r];
            int first = rg->from > y0 ? rg->from : y0;
            int last = ayear[r] ? ayear[r] : end_year;
            if (rg->to && rg->to - 1 < last && !ayear[r])
                last = rg->to - 1;
            if (ayear[r] && first > ayear[r]) /* adopted under a name given later (林芝市 in
                                               * 2014, created 2015): its adoption year counts */
                first = ayear[r];
            const uint32_t p = rg->province == PM_REGION_NONE ? UINT32_MAX : pslot[rg->province];
            char cb[PM_COUNTRY_CODE_BUF], pb[PM_COUNTRY_CODE_BUF];
            pm_country_format_code(c, rg->code, cb, sizeof cb);
            pm_country_format_region(c, rg->province, pb, sizeof pb);
            for (int y = first; y <= last; y++) {
                uint32_t same = 0, neigh = 0;
                if (y > y0 && p != UINT32_MAX) {
                    const size_t t = (size_t)(y - 1 - y0);
                    same = cum[p * ny + t];
                    for (size_t q = 0; q < np; q++)
                        if (nb[p * np + q])
                            neigh += cum[q * ny + t];
                }
                TRY(pm_tsv_field(&b, rows[i].cascade, strlen(rows[i].cascade), 0));
                TRY(pm_buf_printf(&b, "\t%s\t%d\t%d\t%u\t%u\t%d\t%s\t", cb, y,
                                  y == ayear[r], same, neigh, centre_year && centre_year < y,
                                  pm_country_record_level_key(c, rg->level)));
                TRY(pm_buf_append_str(&b, pb));
                TRY(pm_buf_append_char(&b, '\n'));
                TRY(flush_buf(f, &b, 0, err));
            }
        }
        i = j;
    }
    TRY(flush_buf(f, &b, 1, err));
    TRY(pm_outfile_commit_take(&f, err));
done:
    pm_outfile_abort(f);
    pm_buf_free(&b);
    free(cum);
    free(pslot);
    free(nb);
    free(ayear);
    free(rs);
    return st;
}

pm_status pm_diffusion_write_network(const pm_adopt *a, const pm_country *c,
                                     const pm_diffusion_options *o, const pm_adopt_row *rows,
                                     size_t n, const char *dir, uint64_t *pairs_capped,
                                     pm_errctx *err)
{
    pm_status st = PM_OK;
    *pairs_capped = 0;
    region *regs = NULL;
    uint32_t *codes = NULL;
    size_t nreg = 0;
    pm_netinf *ni = NULL;
    pm_outfile *fnet = NULL, *flead = NULL;
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 30);

    /* the regions that adopted some named experiment */
    codes = malloc((n ? n : 1) * sizeof *codes);
    regs = calloc(n ? n : 1, sizeof *regs);
    if (!codes || !regs) {
        st = PM_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        codes[i] = rows[i].region;
    qsort(codes, n, sizeof *codes, cmp_u32);
    for (size_t i = 0; i < n; i++)
        if (!nreg || codes[i] != regs[nreg - 1].code)
            regs[nreg++].code = codes[i];
    for (size_t i = 0; i < n;) {
        size_t j = i, first_of_date = i;
        while (j < n && strcmp(rows[j].cascade, rows[i].cascade) == 0)
            j++;
        for (size_t k = i; k < j; k++) {
            region *r = find_region(regs, nreg, rows[k].region);
            assert(r); /* every row's region was collected above */
            if (!r->adopted || rows[k].date < r->first_date) {
                r->first_date = rows[k].date;
                r->level = rows[k].level;
                r->province = rows[k].province;
            }
            if (rows[k].date != rows[first_of_date].date)
                first_of_date = k;
            r->adopted++;
            r->rank_sum += first_of_date - i + 1; /* 1 + adopters strictly earlier */
            if (k == i)
                r->pioneered++;
            else
                r->followed++;
        }
        i = j;
    }

    /* network.tsv */
    size_t k = 0;
    if (o->netinf_edges < 0) {
        for (size_t r = 0; r < nreg; r++)
            k += regs[r].followed > 0;
        if (k > AUTO_EDGES_MAX)
            k = AUTO_EDGES_MAX;
    } else {
        k = (size_t)o->netinf_edges;
    }
    TRY(pm_netinf_create(&ni));
    if (k) {
        char node[PM_COUNTRY_CODE_BUF];
        for (size_t i = 0; i < n; i++) {
            pm_country_format_code(c, rows[i].region, node, sizeof node);
            TRY(pm_netinf_add(ni, rows[i].cascade, node, pm_decimal_year(rows[i].date)));
        }
        pm_netinf_options no;
        pm_netinf_options_default(&no);
        no.model = (pm_netinf_model)o->netinf_model;
        no.alpha = o->netinf_alpha;
        no.max_lag = o->window_years; /* as edges.tsv; also bounds the pair count */
        no.max_parents = PM_NETINF_MAX_PARENTS;
        TRY(pm_netinf_infer(ni, &no, k, err));
        *pairs_capped = pm_netinf_get_stats(ni).pairs_capped;
    }
    TRY(pm_outfile_open(&fnet, dir, "network.tsv", err));
    TRY(pm_buf_append_str(&b, "origin_node\tdestination_node\tmarginal_gain\tvolume\tmedian_lag\t"
                              "mean_lag\trelation\torigin_name\tdestination_name\n"));
    for (size_t e = 0; e < pm_netinf_edge_count(ni); e++) {
        const pm_netinf_edge *ed = pm_netinf_edge_at(ni, e);
        region *ro = find_region(regs, nreg, (uint32_t)strtoull(ed->origin, NULL, 10));
        region *rd = find_region(regs, nreg, (uint32_t)strtoull(ed->destination, NULL, 10));
        if (!ro || !rd) { /* names are the codes written above */
            st = PM_ERR_ARG;
            goto done;
        }
        ro->out_deg++;
        rd->in_deg++;
        TRY(pm_buf_printf(&b, "%s\t%s\t%.6f\t%u\t%.4f\t%.4f\t%s\t", ed->origin, ed->destination,
                          ed->gain, ed->volume, ed->median_lag, ed->mean_lag,
                          pm_adopt_relation(a, ro->level, ro->province, rd->level, rd->province)));
        const char *on = region_label(c, ro->level, ro->code, ro->first_date);
        const char *dn = region_label(c, rd->level, rd->code, rd->first_date);
        TRY(pm_tsv_field(&b, on, strlen(on), 0));
        TRY(pm_buf_append_char(&b, '\t'));
        TRY(pm_tsv_field(&b, dn, strlen(dn), 0));
        TRY(pm_buf_append_char(&b, '\n'));
        TRY(flush_buf(fnet, &b, 0, err));
    }
    TRY(flush_buf(fnet, &b, 1, err));

    /* leaders.tsv */
    TRY(pm_outfile_open(&flead, dir, "leaders.tsv", err));
    TRY(pm_buf_append_str(&b, "node_name\tname\tlevel\tprovince_code\texperiments_adopted\t"
                              "experiments_pioneered\tmean_adoption_rank\tout_degree\tin_degree\n"));
    for (size_t r = 0; r < nreg; r++) {
        const region *rg = &regs[r];
        const char *nm = region_label(c, rg->level, rg->code, rg->first_date);
        char cb[PM_COUNTRY_CODE_BUF];
        TRY(pm_buf_printf(&b, "%s\t", pm_country_format_code(c, rg->code, cb, sizeof cb)));
        TRY(pm_tsv_field(&b, nm, strlen(nm), 0));
        TRY(pm_buf_printf(&b, "\t%s\t", pm_country_record_level_key(c, rg->level)));
        uint32_t pv = pm_country_record_province(c, rg->level, rg->code, (pm_ymd)rg->first_date);
        TRY(pm_buf_append_str(&b, pm_country_format_region(c, pv, cb, sizeof cb)));
        TRY(pm_buf_printf(&b, "\t%u\t%u\t%.4f\t%u\t%u\n", rg->adopted, rg->pioneered,
                          (double)rg->rank_sum / (double)rg->adopted, rg->out_deg, rg->in_deg));
        TRY(flush_buf(flead, &b, 0, err));
    }
    TRY(flush_buf(flead, &b, 1, err));

    if (o->eha_panel)
        TRY(write_eha(a, c, rows, n, regs, nreg, dir, err));
    TRY(pm_outfile_commit_take(&fnet, err));
    TRY(pm_outfile_commit_take(&flead, err));
done:
    pm_outfile_abort(fnet);
    pm_outfile_abort(flead);
    pm_buf_free(&b);
    pm_netinf_free(ni);
    free(codes);
    free(regs);
    if (st != PM_OK && err && err->code == PM_OK)
        pm_errctx_set(err, st, dir, "writing network tables");
    return st;
}
