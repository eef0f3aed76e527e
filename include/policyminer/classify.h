/* policyminer/classify.h - one document in, one compact record out.
 *
 * The classifier bundles the read-only knowledge of a run (regex dictionaries + gazetteer)
 * and applies it to a parsed document: date (and where it came from), document number,
 * issuer -> level and region, and the category sets of every dictionary dimension.
 * Shared read-only across threads; each worker owns a pm_classify_scratch.
 */
#ifndef POLICYMINER_CLASSIFY_H
#define POLICYMINER_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/dict.h"
#include "policyminer/discover.h"
#include "policyminer/doc.h"
#include "policyminer/gazetteer.h"
#include "policyminer/status.h"

#define PM_MAX_DIMS 16
#define PM_MAX_CITED 4

typedef enum pm_date_source {
    PM_DSRC_NONE = 0,
    PM_DSRC_FIELD = 1,     /* <date> */
    PM_DSRC_SIGNATURE = 2, /* closing date of the body */
    PM_DSRC_DOCNO = 3,     /* year of the document number (month/day unknown) */
    PM_DSRC_ENACTMENT = 4, /* the first adoption / promulgation line of a law */
    PM_DSRC_REQUISITE = 5  /* the act's requisite line (a pack's find_date) */
} pm_date_source;

/* "", "field", "signature", "docno", "enactment", "requisite" */
const char *pm_date_source_key(pm_date_source s);

typedef struct pm_classifier pm_classifier;
typedef struct pm_classify_scratch pm_classify_scratch;

struct pm_country;

/* Loads the classifier of a country pack (country.h): the pack's dictionaries (the *.dict
 * files of its directory dict_dir/<cc>/, else of dict_dir - the flat layout) and its
 * policy-name rules (same places). Every document's date, own number, issuer and
 * citations come from the pack. The pack stays the caller's and must outlive *out. */
pm_status pm_classifier_load_country(pm_classifier **out, const struct pm_country *country,
                                     const char *dict_dir, const pm_dict_options *o,
                                     pm_errctx *err);
/* Same, with the pack dict_dir names (pm_country_open_dir: its pack.tsv, else "cn"),
 * opened and owned by the classifier. */
pm_status pm_classifier_load(pm_classifier **out, const char *dict_dir,
                             const pm_dict_options *o, pm_errctx *err);
const struct pm_country *pm_classifier_country(const pm_classifier *c);
void pm_classifier_free(pm_classifier *c); /* accepts NULL */
const pm_dictset *pm_classifier_dicts(const pm_classifier *c);
const pm_gazetteer *pm_classifier_gazetteer(const pm_classifier *c);

pm_status pm_classify_scratch_create(pm_classify_scratch **out, const pm_classifier *c);
void pm_classify_scratch_free(pm_classify_scratch *s); /* accepts NULL */

typedef struct pm_record {
    int32_t date;               /* yyyymmdd; for PM_DSRC_DOCNO yyyy0000; 0 unknown */
    int year;                   /* 0 unknown */
    pm_date_source date_source;
    int date_field_invalid;     /* <date> given but neither a calendar date nor a bare year */
    pm_issuer_result issuer;    /* level, region, province; issuer text points into doc */
    pm_str docno;               /* <docno> or the document's own number the pack found */
    uint32_t n_chars;           /* Unicode code points of the body */
    uint32_t cited[PM_MAX_CITED];          /* regions whose experience the text cites (学习借鉴 X 经验) */
    unsigned ncited;
    pm_pnames pnames;           /* candidate policy names (discover.h), input order */
    size_t ndims;               /* == pm_dictset_ndims() */
    pm_catset cats[PM_MAX_DIMS];
} pm_record;

/* Classifies doc. Pointers in *out point into doc, the classifier or the scratch (a
 * number the pack normalised); valid while all are and until the scratch's next use. Returns PM_OK or PM_ERR_NOMEM. Match-limit hits are counted in st. */
/* "sha256:hex" of the policy-name rules' data, "none" when discovery is off. */
const char *pm_classifier_pname_checksum(const pm_classifier *c);
/* "sha256:hex" of the clause model that judges the dictionary hits (instrument_model.tsv
 * beside the dictionaries), or NULL when there is none (every unvetoed hit counts). */
const char *pm_classifier_model_checksum(const pm_classifier *c);
/* The scratch's dictionary scratch, with the classifier's hit filter set: an audit through
 * it (pm_dictset_audit) judges hits as the run does. */
pm_dict_scratch *pm_classify_scratch_dict(pm_classify_scratch *s);
/* Sets that scratch's title context for doc (pm_doc_context_title: the act's title for a
 * unit of one), as pm_classify does first: an audit of doc's texts without pm_classify
 * calls this before pm_dictset_audit. */
void pm_classify_set_context(const pm_classifier *c, pm_classify_scratch *s, const pm_doc *doc,
                             pm_dict_stats *st);
/* The candidate policy names of doc (rec: its record, for issuer and year), calling
 * explain for each accepted span (audit; may be NULL). pm_classify fills rec->pnames
 * the same way. */
void pm_classify_pnames(const pm_classifier *c, const pm_doc *doc, const pm_record *rec,
                        pm_pnames *out, pm_pname_explain_fn explain, void *ud);

pm_status pm_classify(const pm_classifier *c, pm_classify_scratch *s, const pm_doc *doc,
                      pm_record *out, pm_dict_stats *st, pm_dict_explain_fn explain, void *ud);

#endif
