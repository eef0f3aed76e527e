/* country/registry.c - the table of country packs: a name ("cn", "kz") to its module.
 * Adding a country = one directory dictionaries/<cc>/, one module pipeline/country/<cc>/,
 * one row here. classify/ reaches a country only through these tables (country.h). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "country_internal.h"
#include "policyminer/discover.h"

/* cn: regions from China's gazetteer (country/cn/cn_regions.c); the text half - 年月日
 * dates, 文号, the issuer grammar, citations - in cn_text.c / cn_issuer.c, policy names in
 * cn_policyname.c */
const pm_country_ops pm_country_cn_ops = {
    .name = "cn",
    .load = pm_cn_regions_load,
    .free = pm_cn_regions_free,
    .read_doc = pm_cn_read_doc,
    .pnames = &pm_pname_pack_cn,
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

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

/* the name line of dir/pack.tsv into cc (cap bytes); 1 if found */
static int pack_name(const char *dir, char *cc, size_t cap)
{
    char path[2200], line[256];
    snprintf(path, sizeof path, "%s/pack.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        size_t l = strlen(line + 5);
        if (strncmp(line, "name\t", 5) == 0 && l > 0 && l < cap) {
            memcpy(cc, line + 5, l + 1);
            found = 1;
        }
    }
    fclose(f);
    return found;
}

pm_status pm_country_open_dir(pm_country **out, const char *cc, const char *dir, pm_errctx *err)
{
    char name[64], path[2200], up[2200];
    snprintf(up, sizeof up, "%s/..", dir);
    int here = pack_name(dir, name, sizeof name); /* dir is itself a pack directory */
    if (!cc || !*cc) {
        if (here)
            return pm_country_open(out, name, up, err);
        snprintf(path, sizeof path, "%s/cn/pack.tsv", dir);
        snprintf(up, sizeof up, "%s/gazetteer.tsv", dir);
        if (!file_exists(path) && file_exists(up)) /* a dictionary directory of before packs */
            return pm_errctx_set(err, PM_ERR_OPEN, dir,
                                 "the flat layout of older versions: move China's files into "
                                 "%s/cn/ beside a cn/pack.tsv (see dictionaries/cn/)", dir);
        return pm_country_open(out, "cn", dir, err);
    }
    snprintf(path, sizeof path, "%s/%s/pack.tsv", dir, cc);
    if (!file_exists(path) && here && strcmp(name, cc) == 0)
        return pm_country_open(out, cc, up, err);
    return pm_country_open(out, cc, dir, err);
}

const char *pm_country_file_dir(const pm_country *c, const char *dict_dir, const char *file)
{
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", pm_country_dir(c), file);
    return file_exists(path) ? pm_country_dir(c) : dict_dir;
}

/* 1 if dir holds a *.dict file */
static int has_dict(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int found = 0;
    struct dirent *de;
    while (!found && (de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        found = l > 5 && de->d_name[0] != '.' && strcmp(de->d_name + l - 5, ".dict") == 0;
    }
    closedir(d);
    return found;
}

const char *pm_country_dict_dir(const char *dict_dir, const char *cc, char *buf, size_t cap)
{
    char name[64];
    if (pack_name(dict_dir, name, sizeof name) && (!cc || !*cc || strcmp(cc, name) == 0))
        return dict_dir; /* dict_dir is the pack's own directory */
    snprintf(buf, cap, "%s/%s", dict_dir, cc && *cc ? cc : "cn");
    return has_dict(buf) ? buf : dict_dir;
}

const char *pm_country_dicts_dir(const pm_country *c, const char *dict_dir)
{
    return has_dict(pm_country_dir(c)) ? pm_country_dir(c) : dict_dir;
}
