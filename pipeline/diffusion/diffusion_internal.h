/* diffusion/diffusion_internal.h - what adopt.c hands to the tables derived from the
 * network (network.c): the first adoptions of named experiments as plain rows. Private
 * to pipeline/diffusion/. */
#ifndef PM_DIFFUSION_INTERNAL_H
#define PM_DIFFUSION_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/diffusion.h"

typedef struct pm_adopt_row {
    const char *cascade; /* cascade_id as in adoptions.tsv */
    uint32_t region, province;
    int32_t date;        /* yyyymmdd (yyyy0000 when only the year is known) */
    pm_level level;
} pm_adopt_row;

/* rows: every first adoption of a named experiment, grouped by cascade in the order of
 * experiments.tsv and inside a cascade by (date, doc_id) - so the first row of a cascade
 * is its pioneer. Writes network.tsv, leaders.tsv and (o->eha_panel) eha_panel.tsv;
 * *pairs_capped: the pairs NetInf's cap on candidate parents left out. */
pm_status pm_diffusion_write_network(const pm_adopt *a, const pm_country *c,
                                     const pm_diffusion_options *o, const pm_adopt_row *rows,
                                     size_t n, const char *dir, uint64_t *pairs_capped,
                                     pm_errctx *err);

/* Reads o->officials and writes officials.tsv (one row per row given) and
 * officials_summary.tsv (observed vs randomly reassigned share of carried adoptions). */
pm_status pm_diffusion_write_officials(const pm_country *c, const pm_diffusion_options *o,
                                       const pm_adopt_row *rows, size_t n, const char *dir,
                                       pm_errctx *err);

#endif
