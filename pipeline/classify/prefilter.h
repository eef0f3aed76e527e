/* classify/prefilter.h - required-literal extraction and the Aho-Corasick scanner behind
 * the dictionary matcher (internal to pipeline/classify). */
#ifndef PM_PREFILTER_H
#define PM_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "policyminer/status.h"

#define PM_LIT_MAX_ALTS 64

typedef struct pm_litset {
    char *s[PM_LIT_MAX_ALTS];
    size_t n[PM_LIT_MAX_ALTS];
    size_t count;
} pm_litset;

/* Fills out with literals every match of the pattern must contain; returns 0 (and an
 * empty set) when the pattern must always run. Caller frees with pm_litset_free. */
int pm_litextract(const char *pattern, size_t n, pm_litset *out);
void pm_litset_free(pm_litset *l);

/* Aho-Corasick automaton over byte strings, each tagged with an id. Build once, then
 * scan read-only from any number of threads. */
typedef struct pm_ac pm_ac;
pm_status pm_ac_create(pm_ac **out);
pm_status pm_ac_add(pm_ac *ac, const char *s, size_t n, uint32_t id);
pm_status pm_ac_build(pm_ac *ac);
void pm_ac_free(pm_ac *ac);
size_t pm_ac_states(const pm_ac *ac);
/* Calls hit(ud, id) for every occurrence of every literal in text (ids may repeat). */
void pm_ac_scan(const pm_ac *ac, const char *text, size_t n, void (*hit)(void *ud, uint32_t id),
                void *ud);

#endif
