/* policyminer/status.h - the one status enum of the library, and error context.
 *
 * Every fallible library call returns a pm_status. Values are pinned: they appear in
 * manifests and are never renumbered; new codes go before PM_STATUS_LAST.
 * pm_status_key() gives the short snake_case reason written to rejects.tsv.
 */
#ifndef POLICYMINER_STATUS_H
#define POLICYMINER_STATUS_H

#include <stddef.h>
#include <stdint.h>

typedef enum pm_status {
    PM_OK = 0,
    PM_ERR_NOMEM = 1,          /* allocation failed */
    PM_ERR_IO = 2,             /* read failed (EIO, unreadable file) */
    PM_ERR_OPEN = 3,           /* path cannot be opened */
    PM_ERR_ARG = 4,            /* invalid argument or option */
    PM_ERR_TOO_BIG = 5,        /* a capped buffer would exceed its cap */
    PM_ERR_GZ_TRUNCATED = 6,   /* gzip member ends before its trailer */
    PM_ERR_GZ_CORRUPT = 7,     /* invalid gzip header or deflate data */
    PM_ERR_GZ_CRC = 8,         /* gzip trailer CRC32 or ISIZE mismatch */
    PM_ERR_GZ_TRAILING = 9,    /* bytes after the last member that are not a member */
    PM_ERR_EMPTY = 10,         /* zero-byte input */
    PM_ERR_NOT_CORPUS = 11,    /* no recognised format */
    PM_ERR_XML = 12,           /* malformed XML document */
    PM_ERR_XML_DTD = 13,       /* DOCTYPE / entity declarations refused */
    PM_ERR_NO_ID = 14,         /* <doc> without a usable id attribute */
    PM_ERR_UTF8 = 15,          /* invalid UTF-8 (incl. overlong forms, NUL) */
    PM_ERR_DOC_TOO_BIG = 16,   /* document beyond the per-document byte cap */
    PM_ERR_DUP_ID = 17,        /* doc id already seen in this run */
    PM_ERR_DICT_SYNTAX = 18,   /* dictionary file syntax error */
    PM_ERR_DICT_EXAMPLE = 19,  /* a dictionary example failed */
    PM_ERR_REGEX = 20,         /* pattern does not compile */
    PM_ERR_MATCH_LIMIT = 21,   /* PCRE2 match/depth limit hit */
    PM_ERR_OUTPUT = 22,        /* output cannot be written */
    PM_ERR_INTERRUPTED = 23,   /* stopped by a signal */
    PM_ERR_TRUNCATED_DOC = 24, /* document cut off by end of input */
    PM_ERR_TOO_MANY_DOCS = 25, /* per-file document cap reached */
    PM_ERR_LOOP = 26,          /* directory loop (symlink) */
    PM_ERR_DUP_CONTENT = 27,   /* re-crawl: same text, issuer, 文号 and date as an earlier one */
    PM_ERR_STATE = 28,         /* state or partial output unusable or inconsistent */
    PM_ERR_JSON = 29,          /* JSON Lines: a line that is not a JSON object, or a bad field */
    PM_ERR_WARC = 30,          /* malformed WARC record (headers, length, framing) */
    PM_ERR_ENCODING = 31,      /* unknown charset, or bytes invalid in the declared one */
    PM_ERR_ACCOUNTING = 32,    /* documents seen != classified + rejected at the end */
    PM_STATUS_LAST
} pm_status;

/* Human-readable message; never NULL. */
const char *pm_strerror(pm_status st);
/* Short snake_case key for tables ("gzip_truncated"); never NULL. */
const char *pm_status_key(pm_status st);

/* Where an error happened. Filled by the callee on failure; fields it cannot know stay
 * empty / zero. Plain value type, no ownership. */
typedef struct pm_errctx {
    pm_status code;
    uint64_t offset;        /* byte offset (uncompressed unless noted in detail) */
    unsigned line;          /* 1-based line for text inputs (dictionaries), 0 = n/a */
    char file[512];
    char doc_id[128];
    char detail[256];
} pm_errctx;

/* Clears ctx to "no error". */
void pm_errctx_clear(pm_errctx *ctx);
/* Sets code, file (may be NULL) and a printf-style detail; returns code for tail calls. */
pm_status pm_errctx_set(pm_errctx *ctx, pm_status code, const char *file, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
