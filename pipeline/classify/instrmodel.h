/* classify/instrmodel.h - internal: the clause model that judges each dictionary hit of one
 * dimension (a pack's instrument_model.tsv; format and features in instrmodel.c). Used by
 * classify.c as the dictionary scratch's hit filter, and by its unit test for the features
 * the trainer (scripts/train-instrument-model) must compute identically. */
#ifndef PM_CLASSIFY_INSTRMODEL_H
#define PM_CLASSIFY_INSTRMODEL_H

#include <stddef.h>
#include "policyminer/dict.h"
#include "policyminer/status.h"

typedef struct pm_imodel pm_imodel;

/* Loads the model at path for the dictionary set d (its dimension and groups must exist in
 * d). An absent file is no error: PM_OK with *out NULL (today's behaviour). On a bad file
 * returns PM_ERR_DICT_SYNTAX / PM_ERR_TOO_BIG / PM_ERR_NOMEM / PM_ERR_IO with err filled
 * (file, line) and *out NULL. */
pm_status pm_imodel_load(pm_imodel **out, const char *path, const pm_dictset *d,
                         pm_errctx *err);
void pm_imodel_free(pm_imodel *m); /* accepts NULL */
const char *pm_imodel_checksum(const pm_imodel *m); /* "sha256:..." of the file */

/* The hit filter (pm_dict_filter_fn; ud = the model): -1 when the model does not judge
 * hits of (dim, cat), else 1 (keep: score >= threshold) or 0 (drop), with the clause
 * score and the group's threshold in *score and *threshold. */
int pm_imodel_judge(void *ud, size_t dim, size_t cat, const char *text, size_t len,
                    size_t start, size_t end, double *score, double *threshold);

/* The feature stream of the hit [start, end) of category key catkey in text, in the order
 * the score sums it: fn(ud, ns, bytes, n) once per occurrence (ns: 's' sentence n-gram,
 * 'c' clause n-gram, 'l' / 'r' context before / after the hit, 'k' category key). */
typedef void (*pm_imodel_feature_fn)(void *ud, char ns, const char *bytes, size_t n);
void pm_imodel_features(const char *text, size_t len, size_t start, size_t end,
                        const char *catkey, size_t cap, pm_imodel_feature_fn fn, void *ud);

#endif
