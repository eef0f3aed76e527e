/* engine/checkpoint.h - the refresh checkpoint (checkpoint.c says what it holds and when
 * it is used). Internal to the engine. */
#ifndef PM_ENGINE_CHECKPOINT_H
#define PM_ENGINE_CHECKPOINT_H

#include "engine_internal.h"

/* The key a checkpoint must carry to be used: the fingerprint and the options the
 * analyses' state depends on. */
void pm_ckpt_key(const char *fingerprint, const pm_diffusion_options *d, int no_diffusion,
                 const pm_reuse_options *r, char *out, size_t n);
/* Restores the committer cm (just created, nothing committed) from state_dir's checkpoint
 * when it carries key and covers the first inputs of in unchanged; *n_covered = how many
 * (0 = nothing restored, not an error). An error only when restoring failed half-way
 * (the checkpoint is removed): then cm is half restored and must not be used; with
 * PM_ERR_STATE (a damaged or inconsistent part) a new committer can replay instead. */
pm_status pm_ckpt_restore(const char *state_dir, const char *key, const pm_inputs *in,
                          pm_commit *cm, size_t *n_covered, pm_errctx *err);
/* After a complete run whose tables are in outdir: replaces the checkpoint. Fails only on
 * no memory; a checkpoint not saved only makes the next refresh replay. */
pm_status pm_ckpt_save(const char *state_dir, const char *key, const char *outdir,
                       const pm_commit *cm, pm_errctx *err);

/* Removes state_dir's checkpoint (a run that went on from it found part of it damaged
 * only when it read it: the next run replays the stored files instead). */
void pm_ckpt_drop(const char *state_dir);

#endif
