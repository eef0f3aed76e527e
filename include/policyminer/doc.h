/* policyminer/doc.h - the document a reader produces and the classifier consumes.
 *
 * Every format (pipeline/readers/) fills the same fields; nothing downstream knows which
 * format a document came from. Ownership: the strings point into the reader's parse
 * scratch and are valid until its next parse (reader.h); copy what must outlive that.
 */
#ifndef POLICYMINER_DOC_H
#define POLICYMINER_DOC_H

#include <stddef.h>

/* A string field: not NUL-terminated in general; len 0 = absent. UTF-8. */
typedef struct pm_str {
    const char *p;
    size_t len;
} pm_str;

typedef struct pm_doc {
    pm_str id;
    pm_str title;
    pm_str issuer;
    pm_str docno;
    pm_str date;        /* as given, e.g. "2015-03-12" */
    pm_str region_code; /* <region code="440000"> hint */
    pm_str url;
    pm_str body;        /* text content, markup removed, entities decoded */
    pm_str fetched;     /* WARC-Date: when the page was crawled - never the issue date */
    pm_str part_of;     /* <part_of>: the title of the act this record is a unit of (an
                         * article of a law): the title `not_title` rules read, never
                         * matched as text; empty = the record is the whole document */
} pm_doc;

/* The title a document's `not_title` rules read: the act's when it is a unit of one. */
static inline pm_str pm_doc_context_title(const pm_doc *d)
{
    return d->part_of.len ? d->part_of : d->title;
}

#endif
