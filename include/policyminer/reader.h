/* policyminer/reader.h - document formats behind one small interface.
 *
 * Reading is two-phase so that the expensive half runs in parallel:
 *   split  (sequential, per input stream): cut the decompressed stream into raw records
 *          (for corpus XML: one "<doc ...>...</doc>" slice each), cheap, bounded memory;
 *   parse  (parallel, per raw record): turn one raw record into a pm_doc.
 * A format is one file in pipeline/readers/ plus one entry in the format table.
 *
 * Ownership: a pm_raw returned by split_next points into the splitter's buffer and is valid
 * until the next split call; the caller copies it. A pm_doc returned by parse points into
 * the parse scratch and is valid until the next parse with that scratch.
 */
#ifndef POLICYMINER_READER_H
#define POLICYMINER_READER_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/doc.h"
#include "policyminer/status.h"
#include "policyminer/source.h"

typedef struct pm_limits {
    uint64_t max_doc_bytes;      /* raw bytes per document (default 64 MiB) */
    uint64_t max_member_bytes;   /* decompressed bytes per gzip member (default 4 GiB) */
    uint64_t max_docs_per_file;  /* documents per input file (default 0 = unlimited) */
    uint32_t max_field_bytes;    /* output field cap (title, issuer ...; default 4096) */
    /* Reader settings that are not sizes travel here too, so the format vtable stays as is.
     * Both strings are borrowed and must outlive the readers; NULL = default. */
    const char *dict_dir;        /* where HTML/WARC/JSONL find gov_hosts.tsv (URL host ->
                                  * region hint); NULL or no file = no host hints */
    const char *field_map;       /* JSON Lines --map "id=gid,title=Title,..." */
    int inflate;                 /* PM_INFLATE_ISAL when built in (default), else ZLIB (source.h) */
    int xml_reference;           /* corpus XML: parse every document with libxml2 alone,
                                  * never the fast tokenizer (the reference it is tested
                                  * against; default 0) */
} pm_limits;

void pm_limits_default(pm_limits *lim);

/* One raw record cut from the stream. */
typedef struct pm_raw {
    const char *p;
    size_t len;
    uint64_t offset; /* uncompressed byte offset of the record in its source */
} pm_raw;

/* Something that could not be used: written to rejects.tsv. */
typedef struct pm_reject {
    pm_status code;
    uint64_t offset;
    char doc_id[128];   /* empty when unknown */
    char detail[160];
} pm_reject;

typedef enum pm_split_result {
    PM_SPLIT_RECORD = 0, /* *raw filled */
    PM_SPLIT_REJECT = 1, /* *rej filled; call again */
    PM_SPLIT_END = 2,    /* no more records */
    PM_SPLIT_SKIP = 3    /* a record skipped by design, not a document and not an error
                          * (a WARC request/metadata record, a non-HTML response); *rej
                          * says what it was (code PM_OK, detail); call again */
} pm_split_result;

typedef struct pm_format {
    const char *name; /* "corpus-xml" */
    /* 1 when the first bytes of the decompressed stream look like this format. */
    int (*sniff)(const char *head, size_t n);
    pm_status (*split_create)(void **state, const pm_limits *lim);
    /* Returns PM_OK and sets *res; non-OK only for hard errors (NOMEM, IO). Soft gzip
     * errors from the stream become rejects (documents in the damaged range are lost and
     * reported as one reject with the gzip reason). */
    pm_status (*split_next)(void *state, pm_gz *in, pm_raw *raw, pm_reject *rej,
                            pm_split_result *res);
    void (*split_free)(void *state);
    pm_status (*parse_create)(void **scratch, const pm_limits *lim);
    /* Parses one raw record. PM_OK: *doc filled. Any other status except PM_ERR_NOMEM:
     * the record is rejected (*rej filled with code, doc id if known, detail). */
    pm_status (*parse)(void *scratch, const pm_raw *raw, pm_doc *doc, pm_reject *rej);
    void (*parse_free)(void *scratch);
} pm_format;

/* Fills a reject: code, offset, doc id (cut to fit on a character boundary, control
 * characters made spaces; id may
 * be NULL) and a printf-style detail. */
void pm_reject_set(pm_reject *r, pm_status code, uint64_t off, const char *id, size_t idlen,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* The built-in formats (corpus XML first, new ones appended); NULL-terminated.
 * pm_format_sniff tries them in its own order: WARC, JSON Lines, HTML, corpus XML. */
const pm_format *const *pm_formats(void);
/* Initialises the parsing libraries' global state (libxml2's xmlInitParser). Call once,
 * before readers run on several threads at the same time: libxml2 2.9 creating parser
 * contexts concurrently before it is initialised can deadlock. pm_run does this. */
void pm_readers_init(void);

/* First format whose sniff accepts head, or NULL. */
const pm_format *pm_format_sniff(const char *head, size_t n);

/* Checks a JSON Lines field map ("id=gid,title=Title"; keys id title issuer docno date
 * region url body, each at most once; "key=" leaves it unmapped). PM_OK, or PM_ERR_ARG
 * with a reason in why. */
pm_status pm_jsonl_map_check(const char *spec, char *why, size_t whylen);

#endif
