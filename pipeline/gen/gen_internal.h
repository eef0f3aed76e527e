/* gen/gen_internal.h - pieces of the generator shared by gen.c (orchestration, files,
 * truth, planted cascades) and gen_text.c (prose). */
#ifndef PM_GEN_INTERNAL_H
#define PM_GEN_INTERNAL_H

#include <stdint.h>

#include "policyminer/buf.h"

/* xoshiro256**: fast, good, tiny state; seeded through splitmix64. */
typedef struct pm_rng {
    uint64_t s[4];
} pm_rng;

void pm_rng_seed(pm_rng *r, uint64_t seed);
uint64_t pm_rng_next(pm_rng *r);
/* Uniform in [0, n). */
uint32_t pm_rng_below(pm_rng *r, uint32_t n);
/* Uniform in [0, 1). */
double pm_rng_unit(pm_rng *r);

/* Appends n_chars (approximately) of neutral policy prose: sentences built from a
 * vocabulary that no dictionary pattern matches, with numbers, place names and names
 * made of common characters that no pattern uses, for a realistic compression ratio. */
typedef struct pm_gen_vocab {
    const char *const *places; /* region names */
    uint32_t n_places;
    const char (*chars)[4];    /* common characters no dictionary pattern uses */
    uint32_t n_chars;
} pm_gen_vocab;

pm_status pm_gen_prose(pm_buf *b, pm_rng *r, int n_chars, const pm_gen_vocab *v);
/* A date in Chinese numerals: 二〇一五年三月十二日. */
pm_status pm_gen_cn_date(pm_buf *b, int32_t ymd);

#endif
