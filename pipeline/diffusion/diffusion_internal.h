/* diffusion/diffusion_internal.h - what adopt.c hands to the tables derived from the
 * network (network.c): the first adoptions of named experiments as plain rows. Private
 * to pipeline/diffusion/. */
#ifndef PM_DIFFUSION_INTERNAL_H
#define PM_DIFFUSION_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/buf.h"
#include "policyminer/diffusion.h"
#include "policyminer/hash.h"
#include "policyminer/sinks.h"

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

/* ---- refresh segments (segs.c) -------------------------------------------------------
 * One cascade's rows in one table: where they start, how many bytes, their pm_hash64. */
typedef struct pm_seg {
    uint64_t off, len, hash;
} pm_seg;
enum { PM_SEG_ADOPTIONS = 0, PM_SEG_EDGES = 1, PM_SEG_TABLES = 2 };
/* A cascade's segments, keyed by its cascade_id's hash, with the digest of everything
 * its rows are derived from (its adoptions, the pack, the options that shape the rows). */
typedef struct pm_seg_entry {
    uint64_t key, digest;
    pm_seg t[PM_SEG_TABLES];
} pm_seg_entry;

/* A table's writer: rows go through *b; segments are counted (and hashed when track) as
 * they are handed to f; copies come from the last run's table, when one is open. */
typedef struct pm_segw {
    pm_outfile *f;
    pm_buf *b;
    int track;
    uint64_t written;       /* bytes before b's: in the file, or a pending copy */
    uint64_t start;         /* the open segment's first byte */
    size_t mark;            /* b's bytes before it are hashed into earlier segments */
    pm_hash64_ctx hc;
    const char *old;        /* the last run's table, mapped (NULL: none) */
    size_t nold;
    int fd;
    uint64_t pend_off, pend_len; /* a copy not yet issued (adjacent ones coalesce) */
    uint64_t copied;        /* bytes copied rather than written */
} pm_segw;
void pm_segw_init(pm_segw *w, pm_outfile *f, pm_buf *b, int track);
/* Maps dir/checkpoint-NAME when it exists (nothing to copy from otherwise). */
void pm_segw_open_old(pm_segw *w, const char *dir, const char *name);
void pm_segw_close_old(pm_segw *w);
/* Hands b to the file when it is full (force: always, and any pending copy). */
pm_status pm_segw_flush(pm_segw *w, int force, pm_errctx *err);
/* A cascade's rows start (after the bytes in b) / end: *out is their segment. */
void pm_segw_begin(pm_segw *w);
void pm_segw_end(pm_segw *w, pm_seg *out);
/* Copies the old segment when its bytes still hash as recorded: 1 (then *st says whether
 * the writes went well, and *out is its segment in the new table); 0 when it cannot. */
int pm_segw_copy(pm_segw *w, const pm_seg *old, pm_seg *out, pm_status *st, pm_errctx *err);
/* The old segment's bytes when they still hash as recorded, else NULL. */
const char *pm_segw_old_bytes(const pm_segw *w, const pm_seg *old);
/* Inside an open segment (pm_segw_begin): the old table's bytes [off, off + len) come
 * next, as if written (hashed into the segment when tracking). */
pm_status pm_segw_copy_range(pm_segw *w, uint64_t off, uint64_t len, pm_errctx *err);

#endif
