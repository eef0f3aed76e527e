/* engine/engine_internal.h - pieces of the run shared between engine files only. */
#ifndef PM_ENGINE_INTERNAL_H
#define PM_ENGINE_INTERNAL_H

#include "policyminer/classify.h"
#include "policyminer/run.h"
#include "policyminer/source.h"

/* Writes OUTDIR/manifest.json (atomically): version, options, dictionary checksums,
 * inputs, counts, timings, and whether the run is complete. */
pm_status pm_manifest_write(const pm_run_options *o, const pm_classifier *c,
                            const pm_inputs *in, const pm_run_summary *s, int complete,
                            pm_errctx *err);

#endif
