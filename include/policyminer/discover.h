/* policyminer/discover.h - policies found in the text rather than named in a list.
 *
 * Two halves:
 *  - per document, a country pack's rules propose a few candidate policy names (the
 *    object of the title, quoted names, names with a policy suffix next to an adoption
 *    verb), normalised by generic steps every pack shares (full/half width, traditional
 *    -> simplified, spaces dropped, region names stripped with the gazetteer). The
 *    candidates are small and travel in the committed record, so shards, merges and
 *    refreshes see exactly what a clean run saw;
 *  - over the corpus, a bounded table of distinct names (pm_pnames_*): each name gets a
 *    dense index in first-seen order of the committer, which sees every document in input
 *    order in every kind of run. When the table is full, new names are dropped and counted.
 *
 * A pack is a small vtable (pm_pname_pack): load its data from the dictionary directory,
 * extract candidates, free. The Chinese pack is pm_pname_pack_cn (classify/policyname_cn.c,
 * data in dictionaries/policy_names_cn.tsv); a pack for another country replaces it.
 */
#ifndef POLICYMINER_DISCOVER_H
#define POLICYMINER_DISCOVER_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/gazetteer.h"
#include "policyminer/status.h"

#define PM_MAX_PNAMES 6    /* candidates kept per document (more are counted as cut) */
#define PM_PNAME_BYTES 64  /* longest candidate, NUL included (21 CJK characters) */

/* Where a candidate came from (policies.tsv and `dict explain` say it). */
typedef enum pm_pname_source {
    PM_PSRC_TITLE = 1,   /* the policy object of the title */
    PM_PSRC_QUOTED = 2,  /* a quoted name “…” 「…」 《…》 after an adoption verb */
    PM_PSRC_SUFFIX = 3,  /* a name ending in 制/模式/机制/… after an adoption verb */
    PM_PSRC_LAST
} pm_pname_source;

/* "title", "quoted", "suffix" */
const char *pm_pname_source_key(pm_pname_source s);

typedef struct pm_pname {
    char s[PM_PNAME_BYTES]; /* normalised UTF-8, NUL-terminated */
    uint8_t len;
    uint8_t source;         /* pm_pname_source */
    uint32_t offset;        /* byte offset of the raw span (title or body) for audits */
} pm_pname;

typedef struct pm_pnames {
    unsigned n;
    unsigned cut;           /* candidate occurrences beyond PM_MAX_PNAMES, not kept */
    pm_pname v[PM_MAX_PNAMES];
} pm_pnames;

/* What the rules read of a document. */
typedef struct pm_pname_input {
    const char *title; size_t title_len;
    const char *body;  size_t body_len;
    const char *issuer; size_t issuer_len; /* the organ as found (may point into title) */
    int year;
} pm_pname_input;

/* Called for each raw span a rule accepted (audit; may be NULL). */
typedef void (*pm_pname_explain_fn)(void *ud, const char *rule, int in_title, size_t start,
                                    size_t end, const char *name);

typedef struct pm_pname_pack {
    const char *name; /* "cn" */
    /* Loads the pack's data from dict_dir; *state NULL and PM_OK when the pack's file is
     * absent (discovery is then off). */
    pm_status (*load)(void **state, const char *dict_dir, pm_errctx *err);
    void (*free)(void *state);
    const char *(*checksum)(const void *state); /* "sha256:hex" of its data */
    void (*extract)(const void *state, const pm_gazetteer *g, const pm_pname_input *in,
                    pm_pnames *out, pm_pname_explain_fn explain, void *ud);
} pm_pname_pack;

extern const pm_pname_pack pm_pname_pack_cn;

/* ---- generic steps a pack calls ------------------------------------------------------ */

/* Normalises s[0..n) into out (cap bytes): full-width ASCII to half width, traditional to
 * simplified, ASCII letters lower-cased, spaces and quote marks dropped. Returns the length
 * (0 when nothing is left or the result does not fit). */
size_t pm_pname_normalize(const char *s, size_t n, char *out, size_t cap);
/* The same fold with quote marks kept (what the rules read a title in); the text is cut on
 * a character boundary to fit cap. Returns the length. */
size_t pm_pname_fold_text(const char *s, size_t n, char *out, size_t cap);
/* Reads a pack's word file (path): "KIND<TAB>word" rows, '#' comments and blank lines
 * skipped, KIND one of kinds[0..nkinds), each word shorter than max_bytes. add(ud, kind,
 * word, len, line) takes each row; a status other than PM_OK stops the read with it. A
 * missing file is PM_OK with *found 0 (the pack then has no discovery); on success *found
 * is 1 and checksum holds "sha256:hex" of the file. */
typedef pm_status (*pm_pname_word_fn)(void *ud, int kind, const char *word, size_t len,
                                      unsigned line, pm_errctx *err);
pm_status pm_pname_words_load(const char *path, const char *const *kinds, int nkinds,
                              size_t max_bytes, pm_pname_word_fn add, void *ud, int *found,
                              char checksum[72], pm_errctx *err);
/* Adds a normalised name (deduplicated; beyond the cap it is counted in out->cut). */
void pm_pnames_add(pm_pnames *out, const char *name, size_t len, pm_pname_source src,
                   size_t offset);

/* ---- the corpus-wide table of distinct names ----------------------------------------- */

typedef struct pm_pname_table pm_pname_table;

/* max_names: distinct names kept (0 = default 1<<20). */
pm_status pm_pname_table_create(pm_pname_table **out, size_t max_names);
void pm_pname_table_free(pm_pname_table *t); /* accepts NULL */
/* Index of name (added when new). *idx = UINT32_MAX and PM_OK when the table is full
 * (the drop is counted). Returns PM_ERR_NOMEM on allocation failure. */
pm_status pm_pname_table_intern(pm_pname_table *t, const char *name, size_t len,
                                uint32_t *idx);
size_t pm_pname_table_count(const pm_pname_table *t);
const char *pm_pname_table_name(const pm_pname_table *t, uint32_t idx, size_t *len);
uint64_t pm_pname_table_dropped(const pm_pname_table *t); /* candidate uses dropped */
/* Stable 64-bit hash of a name (cascade ids "disc_<12 hex>"). */
uint64_t pm_pname_hash(const char *name, size_t len);

#endif
