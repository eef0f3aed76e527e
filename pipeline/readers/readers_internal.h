/* readers/readers_internal.h - what the web formats share inside readers/: the HTML page
 * extractor (html.c, used by the HTML and WARC readers), the URL-host region hints
 * (dictionaries/gov_hosts.tsv), and the whole-stream / per-line helpers.
 * Not a public header: nothing outside pipeline/readers/ includes it.
 */
#ifndef POLICYMINER_READERS_INTERNAL_H
#define POLICYMINER_READERS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "policyminer/buf.h"
#include "policyminer/reader.h"
#include "policyminer/source.h"

/* ---- URL host -> region code hints --------------------------------------------------- */

typedef struct pm_hosts pm_hosts;

/* Loads DIR/gov_hosts.tsv. A missing directory or file gives an empty table (PM_OK);
 * a malformed line gives PM_ERR_DICT_SYNTAX. *out is NULL only on failure. */
pm_status pm_hosts_load(pm_hosts **out, const char *dict_dir);
void pm_hosts_free(pm_hosts *h); /* accepts NULL */
/* The six-digit code for the URL's host (longest listed suffix on a label boundary:
 * www.sz.gov.cn -> sz.gov.cn), or NULL. */
const char *pm_hosts_region(const pm_hosts *h, const char *url, size_t n);

/* ---- HTML page -> pm_doc --------------------------------------------------------------- */

typedef struct pm_html pm_html;

pm_status pm_html_create(pm_html **out, const pm_limits *lim);
void pm_html_free(pm_html *h); /* accepts NULL */

/* What the caller knows about a page from outside it (WARC headers); all may be empty. */
typedef struct pm_html_ctx {
    pm_str charset;  /* HTTP Content-Type charset: wins over <meta> */
    pm_str url;      /* WARC-Target-URI */
    pm_str fetched;  /* WARC-Date */
    uint64_t offset; /* for rejects */
} pm_html_ctx;

/* Detects the encoding, converts to UTF-8 (glibc iconv), parses with libxml2's HTML parser
 * (recovering, no network, no entity loading) and fills *doc with strings owned by h,
 * valid until the next call. PM_OK, PM_ERR_NOMEM, or a reject code with *rej filled. */
pm_status pm_html_extract(pm_html *h, const char *p, size_t n, const pm_html_ctx *ctx,
                          pm_doc *doc, pm_reject *rej);

/* Stable content id: "sha256:" + the first 32 hex digits of SHA-256(p, n). out >= 48. */
void pm_content_id(const char *p, size_t n, char *out);

/* ---- the splitters' read window ---------------------------------------------------------- */

/* A splitter keeps the live bytes [*head, buf->len) of the stream. This moves them to the
 * front, appends up to block more bytes read from in (buf stays NUL-terminated), and
 * remembers a soft gzip error in *gz_err / *gz_err_off instead of reading past it; *eof
 * is set at a clean end. PM_OK, or PM_ERR_IO / PM_ERR_NOMEM / PM_ERR_TOO_BIG (the cap). */
pm_status pm_window_more(pm_buf *buf, size_t *head, pm_gz *in, size_t block, int *eof,
                         pm_status *gz_err, uint64_t *gz_err_off);



#endif
