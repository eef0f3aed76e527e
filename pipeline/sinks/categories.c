/* sinks/categories.c - categories.tsv: the value labels of every dictionary category.
 *
 * One row per category of every dimension, in the order the tables list dimensions
 * (pm_dim_order) and categories (dictionary order): dimension, category, group, label_zh,
 * label_en. The instrument groups get rows too (dimension instrument_group), so every
 * value that counts.tsv can hold in `category` has a label. Written atomically.
 */
#include <stdlib.h>
#include <string.h>

#include "policyminer/report.h"
#include "policyminer/sinks.h"

static pm_status row(pm_buf *b, const char *dim, const char *cat, const char *group,
                     const char *zh, const char *en)
{
    pm_status st;
    const char *f[5] = {dim, cat, group, zh, en};
    for (int i = 0; i < 5; i++) {
        if (i && (st = pm_buf_append_char(b, '\t')))
            return st;
        if ((st = pm_tsv_field(b, f[i] ? f[i] : "", strlen(f[i] ? f[i] : ""), 0)))
            return st;
    }
    return pm_buf_append_char(b, '\n');
}

/* English and Chinese names of the instrument groups are not in the dictionary files
 * (groups are keys only); these are the labels README uses. Unknown groups get none. */
static void group_labels(const char *g, const char **zh, const char **en)
{
    static const char *const L[][3] = {
        {"fiscal_financial", "财政金融", "Fiscal and financial support"},
        {"entry_regulation", "准入管制", "Entry regulation"},
        {"inputs", "要素投入", "Inputs (land, talent, technology)"},
        {"demand", "需求拉动", "Demand-side measures"},
        {"supply_chain", "供应链", "Supply-chain measures"},
        {"any", "任一工具", "Any instrument"},
    };
    *zh = *en = "";
    for (size_t i = 0; i < sizeof L / sizeof *L; i++)
        if (strcmp(L[i][0], g) == 0) {
            *zh = L[i][1];
            *en = L[i][2];
        }
}

pm_status pm_categories_write(const char *outdir, const pm_dictset *d, pm_errctx *err)
{
    size_t nd = pm_dictset_ndims(d);
    size_t *order = calloc(nd ? nd : 1, sizeof *order);
    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 28);
    pm_status st = order ? PM_OK : PM_ERR_NOMEM;
    if (!st) {
        pm_dim_order(d, order);
        st = pm_buf_append_str(&b, "dimension\tcategory\tgroup\tlabel_zh\tlabel_en\n");
    }
    for (size_t k = 0; !st && k < nd; k++) {
        size_t dim = order[k];
        const char *dn = pm_dictset_dim_name(d, dim);
        for (size_t c = 0; !st && c < pm_dictset_ncats(d, dim); c++)
            st = row(&b, dn, pm_dictset_cat_key(d, dim, c), pm_dictset_cat_group(d, dim, c),
                     pm_dictset_cat_label(d, dim, c, "zh"), pm_dictset_cat_label(d, dim, c, "en"));
        if (strcmp(dn, "instrument") == 0) {
            const char *zh, *en;
            for (size_t g = 0; !st && g < pm_dictset_ngroups(d, dim); g++) {
                const char *gk = pm_dictset_group_key(d, dim, g);
                group_labels(gk, &zh, &en);
                st = row(&b, "instrument_group", gk, "", zh, en);
            }
            if (!st) {
                group_labels("any", &zh, &en);
                st = row(&b, "instrument_group", "any", "", zh, en);
            }
        }
    }
    free(order);
    if (st) {
        pm_buf_free(&b);
        return pm_errctx_set(err, st, outdir, "building categories.tsv");
    }
    pm_outfile *f = NULL;
    if (!(st = pm_outfile_open(&f, outdir, "categories.tsv", err))) {
        if ((st = pm_outfile_write(f, b.data, b.len, err)))
            pm_outfile_abort(f);
        else
            st = pm_outfile_commit(f, err);
    }
    pm_buf_free(&b);
    return st;
}
