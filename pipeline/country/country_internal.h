/* country/country_internal.h - what the registry and the pack modules share, and no one
 * else: the module tables, the state accessor and the region store's builder. */
#ifndef PM_COUNTRY_INTERNAL_H
#define PM_COUNTRY_INTERNAL_H

#include "policyminer/country.h"

extern const pm_country_ops pm_country_kz_ops;
extern const pm_country_ops pm_country_cn_ops;

/* The CN module's text half (country/cn/cn_text.c). */
void pm_cn_read_doc(const void *state, const pm_country *c, const struct pm_doc *doc,
                    struct pm_record *rec, char *numbuf, size_t numcap);

/* The China policy-name rules' body scan (country/cn/cn_policyname.c), for its test:
 * state is pm_pname_pack_cn's; the first position at or after i where the scan stops (an
 * adoption verb starts there; *w its length), n when none with 6 bytes after it (*w 0).
 * simd 0 takes the scalar loop, 1 the AVX2 one where the CPU has it: the same answer. */
size_t pm_cn_verb_next(const void *state, const char *s, size_t i, size_t n, int simd,
                       size_t *w);

/* The CN module (country/cn/cn_regions.c): loads China's pm_gazetteer and fills the
 * region store from it. */
pm_status pm_cn_regions_load(void **state, const pm_country *c, const char *packdir,
                             pm_errctx *err);
void pm_cn_regions_free(void *state);

/* What the module's load made (NULL before / without one). */
const void *pm_country_state(const pm_country *c);
/* A module that reads files of its own adds their checksum ("sha256:...") to the pack's. */
void pm_country_module_checksum(const pm_country *c, const char *sum);

/* Region store builder for a module whose gazetteer is not in the pack's R/F format:
 * valid only inside the module's load (pack.c owns the handle and it is not yet shared).
 * Regions are added in index order; parent_code UINT64_MAX = none (the national region
 * gets none; a missing parent code is an error at the end of the load, with its code).
 * A code may be added more than once (one record per period). */
pm_status pm_country_add_region(const pm_country *c, uint64_t code, unsigned level,
                                uint64_t parent_code, pm_ymd from, pm_ymd until,
                                const char *name, const char *name2);

/* Splits a TSV line in place at its tabs into at most max fields (the last keeps any
 * further tabs), a trailing CR/LF dropped; returns the field count (>= 1). The row
 * splitter of every pack file. */
size_t pm_pack_split_tabs(char *line, char **f, size_t max);

#endif
