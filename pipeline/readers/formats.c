/* readers/formats.c - the table of document formats, content sniffing, default limits.
 * (Every reader validates its records with core's strict pm_utf8_valid, utf8.h.)
 *
 * Adding a format = one file in readers/ plus one entry in FORMATS below.
 */
#include <libxml/parser.h>
#include <string.h>

#include "policyminer/reader.h"
#include "policyminer/source.h"
#include "readers_internal.h"

extern const pm_format pm_format_corpus_xml;
extern const pm_format pm_format_html;
extern const pm_format pm_format_warc;
extern const pm_format pm_format_jsonl;

/* Sniffing order: the strict signatures first (a WARC file starts "WARC/", JSON Lines with
 * '{', an HTML page with a doctype or <html>-like first tag), corpus XML last because it
 * accepts a <corpus>/<doc> tag anywhere in the first 4 KiB. The index of a format here is
 * also its slot in the engine's per-worker scratch, so new formats go at the end. */
static const pm_format *const FORMATS[] = {&pm_format_corpus_xml, &pm_format_html,
                                           &pm_format_warc, &pm_format_jsonl, NULL};
static const pm_format *const SNIFF_ORDER[] = {&pm_format_warc, &pm_format_jsonl,
                                               &pm_format_html, &pm_format_corpus_xml, NULL};

const pm_format *const *pm_formats(void) { return FORMATS; }

void pm_readers_init(void) { xmlInitParser(); }

const pm_format *pm_format_sniff(const char *head, size_t n)
{
    for (size_t i = 0; SNIFF_ORDER[i]; i++)
        if (SNIFF_ORDER[i]->sniff(head, n))
            return SNIFF_ORDER[i];
    return NULL;
}

void pm_limits_default(pm_limits *lim)
{
    lim->max_doc_bytes = 64ull << 20;
    lim->max_member_bytes = 4ull << 30;
    lim->max_docs_per_file = 0;
    lim->max_field_bytes = 4096;
    /* ISA-L's inflate when the build has it (same bytes and damage handling, ~3x faster
     * than zlib); `--inflate zlib` still selects the decoder that always works */
    lim->inflate = pm_gz_inflate_available(PM_INFLATE_ISAL) ? PM_INFLATE_ISAL : PM_INFLATE_ZLIB;
    lim->xml_reference = 0;
    lim->dict_dir = NULL;
    lim->field_map = NULL;
}

pm_status pm_window_more(pm_buf *buf, size_t *head, pm_gz *in, size_t block, int *eof,
                         pm_status *gz_err, uint64_t *gz_err_off)
{
    if (*head) {
        memmove(buf->data, buf->data + *head, buf->len - *head);
        buf->len -= *head;
        *head = 0;
    }
    pm_status st = pm_buf_reserve(buf, block);
    if (st != PM_OK)
        return st;
    size_t got = 0;
    st = pm_gz_read(in, buf->data + buf->len, block, &got);
    buf->len += got;
    buf->data[buf->len] = '\0';
    if (st == PM_ERR_IO || st == PM_ERR_NOMEM)
        return st;
    if (st != PM_OK) {
        *gz_err = st;
        *gz_err_off = pm_gz_error_offset(in);
    } else if (got == 0) {
        *eof = 1;
    }
    return PM_OK;
}
