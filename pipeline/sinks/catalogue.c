/* sinks/catalogue.c - what every column of every table means: type, description, keys.
 *
 * One place that datapackage.json, the Stata labels, the SQLite column types and the
 * report's axis labels all read, so a table documented once is typed everywhere. The
 * descriptions follow README "Output tables". A column not listed here (a table that grew
 * a column, a table of another module) is a string with no description; a name listed
 * under another table ("doc_id") borrows that entry.
 */
#include <stdlib.h>
#include <string.h>

#include "tables_internal.h"

typedef struct colent {
    const char *table, *col;
    pm_coltype type;
    const char *desc;
} colent;

#define S PM_COL_STRING
#define I PM_COL_INTEGER
#define N PM_COL_NUMBER
#define D PM_COL_DATE

static const colent COLS[] = {
    {"documents", "doc_id", S, "Document id (the id attribute or field of the source)"},
    {"documents", "source", S, "Input file the document came from"},
    {"documents", "offset", I, "Byte offset of the document in the decompressed input file"},
    {"documents", "date", D, "Date of the document (YYYY-MM-DD)"},
    {"documents", "year", I, "Year of the document"},
    {"documents", "date_source", S, "Where the date came from: field, signature, docno"},
    {"documents", "issuer", S, "Issuing organ as found in the document"},
    {"documents", "issuer_body", S, "Kind of body that issued it, from the pack's organ list (maslikhat, akimat, akim ...); only in packs that name body kinds"},
    {"documents", "level", S, "Issuer level: a level of the country pack (China: central, provincial, prefecture, county) or unknown"},
    {"documents", "region_code", S, "Division code of the issuing government, at the pack's code width (China: 100000 = central)"},
    {"documents", "region_name", S, "Name of the issuing division in the document's year"},
    {"documents", "province_code", S, "Province of the issuer: its division at the pack's second level"},
    {"documents", "docno", S, "Document number (wenhao)"},
    {"documents", "instruments", S, "Instrument categories matched, ';'-separated (categories.tsv)"},
    {"documents", "instrument_groups", S, "Instrument groups of those categories, ';'-separated"},
    {"documents", "sectors", S, "Sector categories matched, ';'-separated"},
    {"documents", "experiments", S, "Named experiments matched, ';'-separated"},
    {"documents", "targeting", S, "Targeting and conditionality categories, ';'-separated"},
    {"documents", "n_chars", I, "Length of the body in Unicode characters"},
    {"documents", "copy_of", S, "doc_id of the earlier document this one copies, if any"},
    {"counts", "year", I, "Year (empty = unknown)"},
    {"counts", "level", S, "Issuer level"},
    {"counts", "province_code", S, "Province: the division at the pack's second level (empty for the national level and unknown)"},
    {"counts", "dimension", S, "level, instrument_group or a dictionary dimension"},
    {"counts", "category", S, "Category key within the dimension (categories.tsv)"},
    {"counts", "n_docs", I, "Classified documents in the cell"},
    {"rejects", "source", S, "Input file"},
    {"rejects", "offset", I, "Byte offset of the rejected document or damage"},
    {"rejects", "reason", S, "Reject reason key (README, rejects.tsv)"},
    {"rejects", "detail", S, "Detail of the problem"},
    {"adoptions", "cascade_id", S, "Cascade: a named experiment or an instrument+sector policy"},
    {"adoptions", "node_name", S, "Adopting region (division code)"},
    {"adoptions", "event_time", N, "Adoption time in decimal years"},
    {"adoptions", "date", D, "Date of the adopting document"},
    {"nodes", "name", S, "Region name"},
    {"nodes", "first_year", I, "First year the division existed (gazetteer)"},
    {"nodes", "last_year", I, "Last year the division existed (empty = still exists)"},
    {"experiments", "kind", S, "experiment (named in experiments.dict) or policy"},
    {"experiments", "pioneer_code", S, "First adopter (division code)"},
    {"experiments", "pioneer_name", S, "First adopter's name"},
    {"experiments", "pioneer_level", S, "First adopter's level"},
    {"experiments", "first_date", D, "Date of the first adoption"},
    {"experiments", "n_adopters", I, "Regions that adopted"},
    {"experiments", "adopters_1y", I, "Followers within 1 year of the pioneer"},
    {"experiments", "adopters_3y", I, "Followers within 3 years of the pioneer"},
    {"experiments", "adopters_5y", I, "Followers within 5 years of the pioneer"},
    {"experiments", "median_lag_years", N, "Median follower lag behind the pioneer (years)"},
    {"experiments", "share_provinces", N, "Provinces reached / the pack's provinces (China: 31)"},
    {"experiments", "central_adopted", I, "1 if the centre adopted"},
    {"experiments", "central_date", D, "Date of the centre's adoption"},
    {"experiments", "bottom_up", I, "1 if a local pioneer was followed by the centre"},
    {"experiments", "top_down", I, "1 if the centre was first"},
    {"diffusion_summary", "kind", S, "experiment or policy"},
    {"diffusion_summary", "statistic", S, "Headline statistic"},
    {"diffusion_summary", "value", N, "Its value"},
    {"diffusion_summary", "n", I, "Cascades it is computed over"},
    {"edges", "origin_node", S, "Earlier adopter (division code)"},
    {"edges", "destination_node", S, "Later adopter (division code)"},
    {"edges", "lag_years", N, "Destination's adoption minus origin's (years)"},
    {"edges", "relation", S, "up, down, same_province, neighbouring_province, other"},
    {"edges", "evidence", S, "citation when the destination cited the origin's experience"},
    {"network", "marginal_gain", N, "NetInf log-likelihood gain when the edge was added"},
    {"network", "volume", I, "Experiments in which the origin was the most likely parent"},
    {"network", "median_lag", N, "Median lag over those experiments (years)"},
    {"network", "mean_lag", N, "Mean lag over those experiments (years)"},
    {"network", "origin_name", S, "Origin region's name"},
    {"network", "destination_name", S, "Destination region's name"},
    {"leaders", "experiments_adopted", I, "Named experiments the region adopted"},
    {"leaders", "experiments_pioneered", I, "Named experiments it adopted first"},
    {"leaders", "mean_adoption_rank", N, "Mean rank of its adoptions (1 = first)"},
    {"leaders", "out_degree", I, "Edges out of it in network.tsv"},
    {"leaders", "in_degree", I, "Edges into it in network.tsv"},
    {"eha_panel", "year", I, "Year at risk"},
    {"eha_panel", "adopted", I, "1 in the year the region adopted"},
    {"eha_panel", "prior_same_province", I, "Adopters in the region's province in earlier years"},
    {"eha_panel", "prior_neighbouring", I, "Adopters in neighbouring provinces in earlier years"},
    {"eha_panel", "centre_before", I, "1 if the centre adopted in an earlier year"},
    {"officials", "follower", I, "0 for the pioneer, 1 for a follower"},
    {"officials", "carried", I, "1 if an official's move carried the adoption"},
    {"officials", "person_id", S, "Official of the earliest carrying move"},
    {"officials", "from_node", S, "Region the official came from"},
    {"officials", "move_date", D, "Date of the move"},
    {"officials_summary", "statistic", S, "Statistic"},
    {"officials_summary", "value", N, "Its value"},
    {"officials_summary", "n", I, "Observations"},
    {"categories", "dimension", S, "Dictionary dimension (instrument, sector, ...)"},
    {"categories", "category", S, "Category key as written in the tables"},
    {"categories", "group", S, "Group of the category (instrument group, target group ...)"},
    {"categories", "label_zh", S, "Chinese label"},
    {"categories", "label_en", S, "English label"},
};

#undef S
#undef I
#undef N
#undef D

typedef struct tabent {
    const char *table, *desc, *pkey;
} tabent;

static const tabent TABLES[] = {
    {"documents", "One row per classified document, in input order", "doc_id"},
    {"counts", "Documents per year x level x province x dimension x category", "year,level,province_code,dimension,category"},
    {"rejects", "Every document or file that could not be used, and why", ""},
    {"adoptions", "First adoption of each cascade by each region", "cascade_id,node_name"},
    {"nodes", "Regions that could adopt, and the centre", "node_name"},
    {"experiments", "One row per cascade: pioneer, reach, lags, direction", "cascade_id"},
    {"diffusion_summary", "Headline diffusion statistics per kind of cascade", "kind,statistic"},
    {"edges", "Ordered pairs of adopters of a named experiment within the window", "cascade_id,origin_node,destination_node"},
    {"network", "Diffusion network inferred by NetInf, in greedy order", "origin_node,destination_node"},
    {"leaders", "Regions that adopted a named experiment: how early, how central", "node_name"},
    {"eha_panel", "Event-history panel: experiment x region x year at risk", "cascade_id,node_name,year"},
    {"officials", "Adoptions and whether an official's move carried them", "cascade_id,node_name"},
    {"officials_summary", "Officials statistics with a permutation baseline", "statistic"},
    {"categories", "Every dictionary category with its group and labels", "dimension,category"},
};

static const pm_catalogue_fk FKEYS[] = {
    {"adoptions", "doc_id", "documents", "doc_id"},
    {"adoptions", "node_name", "nodes", "node_name"},
    {"leaders", "node_name", "nodes", "node_name"},
    {NULL, NULL, NULL, NULL},
};

pm_coltype pm_catalogue_column(const char *table, const char *col, const char **desc)
{
    const colent *any = NULL;
    for (size_t i = 0; i < sizeof COLS / sizeof *COLS; i++) {
        if (strcmp(COLS[i].col, col) != 0)
            continue;
        if (strcmp(COLS[i].table, table) == 0) {
            any = &COLS[i];
            break;
        }
        if (!any)
            any = &COLS[i];
    }
    if (desc)
        *desc = any ? any->desc : "";
    return any ? any->type : PM_COL_STRING;
}

const char *pm_catalogue_table(const char *table)
{
    for (size_t i = 0; i < sizeof TABLES / sizeof *TABLES; i++)
        if (strcmp(TABLES[i].table, table) == 0)
            return TABLES[i].desc;
    return "";
}

const char *pm_catalogue_pkey(const char *table)
{
    for (size_t i = 0; i < sizeof TABLES / sizeof *TABLES; i++)
        if (strcmp(TABLES[i].table, table) == 0)
            return TABLES[i].pkey;
    return "";
}

const pm_catalogue_fk *pm_catalogue_fkeys(void) { return FKEYS; }

const char *pm_coltype_name(pm_coltype t)
{
    switch (t) {
    case PM_COL_STRING: return "string";
    case PM_COL_INTEGER: return "integer";
    case PM_COL_NUMBER: return "number";
    case PM_COL_DATE: return "date";
    }
    return "string";
}

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

int pm_coltype_accepts(pm_coltype t, const char *s)
{
    size_t n = strlen(s);
    switch (t) {
    case PM_COL_STRING: return 1;
    case PM_COL_INTEGER:
        if (*s == '-')
            s++, n--;
        return n > 0 && n <= 18 && is_digits(s, n);
    case PM_COL_NUMBER: {
        /* plain decimal notation only: what the tables write, and what every reader takes */
        const char *p = s;
        if (*p == '-')
            p++;
        size_t a = strspn(p, "0123456789");
        if (!a)
            return 0;
        p += a;
        if (*p == '.') {
            p++;
            size_t b = strspn(p, "0123456789");
            if (!b)
                return 0;
            p += b;
        }
        return *p == '\0';
    }
    case PM_COL_DATE: {
        if (n != 10 || s[4] != '-' || s[7] != '-' || !is_digits(s, 4) || !is_digits(s + 5, 2) ||
            !is_digits(s + 8, 2))
            return 0;
        int m = atoi(s + 5), d = atoi(s + 8);
        return m >= 1 && m <= 12 && d >= 1 && d <= 31;
    }
    }
    return 0;
}
