/* country/registry.c - the table of country packs: a name ("cn", "kz") to its module.
 * Adding a country = one directory dictionaries/<cc>/, one module pipeline/country/<cc>/,
 * one row here. The China pack has a header only for now: its issuer, date and number
 * still live in classify/ until they move behind this interface (issue 13). */
#include <string.h>

#include "country_internal.h"

/* cn: header, level vocabulary and regions (country/cn/cn_regions.c); the find_* hooks
 * are still in classify/ */
const pm_country_ops pm_country_cn_ops = {
    .name = "cn",
    .load = pm_cn_regions_load,
    .free = pm_cn_regions_free,
};

static const pm_country_ops *const PACKS[] = {
    &pm_country_cn_ops, /* sorted by name */
    &pm_country_kz_ops,
};

const pm_country_ops *pm_country_lookup(const char *cc)
{
    if (!cc)
        return NULL;
    for (size_t i = 0; i < sizeof PACKS / sizeof PACKS[0]; i++)
        if (strcmp(PACKS[i]->name, cc) == 0)
            return PACKS[i];
    return NULL;
}

const char *pm_country_name_at(size_t i)
{
    return i < sizeof PACKS / sizeof PACKS[0] ? PACKS[i]->name : NULL;
}
