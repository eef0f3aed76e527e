/* country/cn/cn_regions.c - the China pack's regions: loads China's gazetteer
 * (pm_gazetteer, classify/gazetteer.c: dictionaries/gazetteer.tsv and organs.tsv, in the
 * pack directory once they move there, else the dictionary directory as before) and fills
 * the pack's region store from it, one region per division record (code, name, period),
 * in the gazetteer's order (code, then first year), after the national region 100000 全国.
 * The ancestor chain comes from each record's parent_code / province_code, never from the
 * digits of a code. The pm_gazetteer stays in the module's state for classify/ (the issuer
 * resolver) until China's text rules move behind pm_country_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../country_internal.h"
#include "policyminer/gazetteer.h"

typedef struct cn_state {
    pm_gazetteer *g;
} cn_state;

static int has_file(const char *dir, const char *name)
{
    char p[2200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

pm_status pm_cn_regions_load(void **state, const pm_country *c, const char *packdir,
                             pm_errctx *err)
{
    *state = NULL;
    cn_state *s = calloc(1, sizeof *s);
    if (!s)
        return pm_errctx_set(err, PM_ERR_NOMEM, packdir, "out of memory");
    char dir[1100];
    if (has_file(packdir, "gazetteer.tsv"))
        snprintf(dir, sizeof dir, "%s", packdir);
    else
        snprintf(dir, sizeof dir, "%s/..", packdir);
    pm_status st = pm_gaz_load(&s->g, dir, err);
    if (st != PM_OK) {
        free(s);
        return st;
    }
    *state = s;
    pm_country_module_checksum(c, pm_gaz_checksum(s->g));
    /* pack level i = record level i + 1 = pm_level i + 1: central 0, provincial 1, ... */
    const char *nat = pm_country_header(c, "national_name");
    st = pm_country_add_region(c, PM_CODE_CENTRAL, 0, UINT64_MAX, 0, 0, nat ? nat : "全国", "");
    for (size_t i = 0; st == PM_OK && i < pm_gaz_count(s->g); i++) {
        const pm_division *d = pm_gaz_at(s->g, i);
        if (d->level < PM_LEVEL_PROVINCIAL || d->level >= PM_LEVEL_COUNT) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, dir, "division %06u: bad level",
                               (unsigned)d->code);
            break;
        }
        uint64_t parent = d->level == PM_LEVEL_PROVINCIAL ? PM_CODE_CENTRAL
                          : d->parent_code && d->parent_code != d->code ? d->parent_code
                                                                        : d->province_code;
        pm_ymd from = d->first_year > 0 ? (pm_ymd)d->first_year * 10000u : 0;
        pm_ymd until = d->last_year > 0 ? (pm_ymd)d->last_year * 10000u : 0;
        st = pm_country_add_region(c, d->code, (unsigned)d->level - 1, parent, from, until,
                                   d->name, "");
        if (st != PM_OK && err->code == PM_OK)
            pm_errctx_set(err, st, dir, "division %06u", (unsigned)d->code);
    }
    return st;
}

void pm_cn_regions_free(void *state)
{
    cn_state *s = state;
    if (!s)
        return;
    pm_gaz_free(s->g);
    free(s);
}

const pm_gazetteer *pm_country_gazetteer(const pm_country *c)
{
    if (!c || pm_country_ops_of(c) != &pm_country_cn_ops)
        return NULL;
    const cn_state *s = pm_country_state(c);
    return s ? s->g : NULL;
}
