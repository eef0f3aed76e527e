/* policyminer/gazetteer.h - administrative divisions, organs, and issuer -> level/region.
 *
 * The gazetteer is every county-level-and-above division of the PRC 1981-2024 with its
 * historical names (dictionaries/gazetteer.tsv, derived from the Ministry of Civil Affairs
 * lists via yescallop/areacodes, CC0), plus the organ tables (dictionaries/organs.tsv:
 * central organs, organ suffixes, province abbreviations, document-number prefixes).
 * Loaded once, read-only afterwards, shared by all threads.
 *
 * Resolution is by longest match of a division name valid in the document's year,
 * disambiguated by the region hint and by the enclosing province/prefecture named earlier
 * in the same string ("广东省深圳市南山区" -> 440305).
 */
#ifndef POLICYMINER_GAZETTEER_H
#define POLICYMINER_GAZETTEER_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/status.h"

typedef enum pm_level {
    PM_LEVEL_UNKNOWN = 0,
    PM_LEVEL_CENTRAL = 1,
    PM_LEVEL_PROVINCIAL = 2,
    PM_LEVEL_PREFECTURE = 3,
    PM_LEVEL_COUNTY = 4,
    PM_LEVEL_COUNT
} pm_level;

/* "unknown", "central", "provincial", "prefecture", "county" */
const char *pm_level_key(pm_level lv);

#define PM_CODE_CENTRAL 100000u /* region code used for central issuers (全国) */

typedef struct pm_gazetteer pm_gazetteer;

/* Loads dir/gazetteer.tsv and dir/organs.tsv. On failure fills err (file, line). */
pm_status pm_gaz_load(pm_gazetteer **out, const char *dir, pm_errctx *err);
void pm_gaz_free(pm_gazetteer *g); /* accepts NULL */
const char *pm_gaz_checksum(const pm_gazetteer *g); /* "sha256:hex" over both files; "none" for NULL */

/* One division record (a code with one name over a span of years). */
typedef struct pm_division {
    uint32_t code;
    const char *name;       /* full official name, e.g. "深圳市" */
    pm_level level;         /* PROVINCIAL, PREFECTURE or COUNTY */
    uint32_t province_code;
    uint32_t parent_code;   /* prefecture for counties when it exists, else province */
    int first_year;         /* in use from (inclusive) */
    int last_year;          /* in use until (exclusive); 0 = still in use */
} pm_division;

size_t pm_gaz_count(const pm_gazetteer *g);
const pm_division *pm_gaz_at(const pm_gazetteer *g, size_t i);
/* Record for code in use in `year` (year 0 = latest record of that code); NULL if none. */
const pm_division *pm_gaz_find(const pm_gazetteer *g, uint32_t code, int year);

typedef enum pm_issuer_source {
    PM_ISRC_NONE = 0,
    PM_ISRC_FIELD = 1,     /* <issuer> */
    PM_ISRC_TITLE = 2,     /* organ before 关于 in the title */
    PM_ISRC_DOCNO = 3,     /* document-number prefix */
    PM_ISRC_SIGNATURE = 4, /* signature block at the end of the body */
    PM_ISRC_HINT = 5,      /* <region code> only */
    PM_ISRC_ENACTMENT = 6, /* the organ of a law's first adoption / promulgation line */
    PM_ISRC_REQUISITE = 7  /* the act's requisite line (a pack's find_issuer) */
} pm_issuer_source;

typedef struct pm_issuer_input {
    const char *issuer; size_t issuer_len; /* may be 0 */
    const char *title;  size_t title_len;
    const char *docno;  size_t docno_len;  /* the document number (field or found) */
    const char *body;   size_t body_len;
    const char *enact;  size_t enact_len;  /* organ of the enactment line (textparse.h) */
    uint32_t region_hint; /* from <region code>, 0 if none */
    int year;             /* document year, 0 if unknown (then: latest names) */
} pm_issuer_input;

typedef struct pm_issuer_result {
    pm_level level;
    uint32_t region_code;     /* PM_CODE_CENTRAL for central; 0 if unknown */
    uint32_t province_code;   /* 0 for central/unknown */
    const char *region_name;  /* static in g ("全国" for central); "" if unknown */
    const char *issuer;       /* the issuing organ as found: points into the input text */
    size_t issuer_len;        /* (field, title, docno prefix or signature line); 0 = none */
    pm_issuer_source source;  /* where the issuer was found */
    const char *body;         /* the kind of body that issued it, a key of the pack's organ
                                 list ("maslikhat", "akimat"); NULL = the pack has none */
} pm_issuer_result;

/* Resolves the issuer: <issuer> if given, else the title organ (before 关于), else the
 * document-number prefix, else the signature block (last lines of the body). Development
 * zone committees (管委会) take their parent's level. Never fails: unknowns are reported
 * as PM_LEVEL_UNKNOWN / code 0. Thread-safe (g is read-only). */
void pm_issuer_resolve(const pm_gazetteer *g, const pm_issuer_input *in,
                       pm_issuer_result *out);

/* Traditional character cp folded to the simplified one the gazetteer is written in (the
 * issuer resolver's table); other code points are returned unchanged. */
uint32_t pm_gaz_fold_trad(uint32_t cp);
/* Bytes of the chain of division names (full names or aliases, each inside the previous:
 * "广东省深圳市", "深圳") that s starts with; 0 = none. Names of any year count. */
size_t pm_gaz_name_prefix(const pm_gazetteer *g, const char *s, size_t n);

/* The China pack's gazetteer (country/cn/cn_regions.c loads it with the pack), for the
 * issuer resolver until China's text rules move behind country.h; NULL for other packs. */
struct pm_country;
const pm_gazetteer *pm_country_gazetteer(const struct pm_country *c);

#endif
