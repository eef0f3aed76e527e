/* core/status.c - messages and table keys for pm_status, and error-context helpers.
 *
 * Both lookups are switches without a default, so adding a status without its message
 * fails the -Wall -Werror build (the curl lib/strerror.c pattern).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policyminer/status.h"

const char *pm_strerror(pm_status st)
{
    switch (st) {
    case PM_OK: return "no error";
    case PM_ERR_NOMEM: return "out of memory";
    case PM_ERR_IO: return "read error";
    case PM_ERR_OPEN: return "cannot open";
    case PM_ERR_ARG: return "invalid argument";
    case PM_ERR_TOO_BIG: return "size limit exceeded";
    case PM_ERR_GZ_TRUNCATED: return "gzip member truncated";
    case PM_ERR_GZ_CORRUPT: return "corrupt gzip data";
    case PM_ERR_GZ_CRC: return "gzip checksum mismatch";
    case PM_ERR_GZ_TRAILING: return "garbage after gzip member";
    case PM_ERR_EMPTY: return "empty input";
    case PM_ERR_NOT_CORPUS: return "not a recognised corpus format";
    case PM_ERR_XML: return "malformed XML";
    case PM_ERR_XML_DTD: return "DTD or entity declaration refused";
    case PM_ERR_NO_ID: return "document without id";
    case PM_ERR_UTF8: return "invalid UTF-8";
    case PM_ERR_DOC_TOO_BIG: return "document exceeds size limit";
    case PM_ERR_DUP_ID: return "duplicate document id";
    case PM_ERR_DICT_SYNTAX: return "dictionary syntax error";
    case PM_ERR_DICT_EXAMPLE: return "dictionary example failed";
    case PM_ERR_REGEX: return "invalid regular expression";
    case PM_ERR_MATCH_LIMIT: return "regex match limit reached";
    case PM_ERR_OUTPUT: return "cannot write output";
    case PM_ERR_INTERRUPTED: return "interrupted";
    case PM_ERR_TRUNCATED_DOC: return "document truncated by end of input";
    case PM_ERR_TOO_MANY_DOCS: return "too many documents in one file";
    case PM_ERR_LOOP: return "directory loop";
    case PM_ERR_DUP_CONTENT: return "a re-crawl of an earlier document (same text, issuer, 文号 and date)";
    case PM_ERR_STATE: return "state or partial output unusable";
    case PM_ERR_JSON: return "malformed JSON line";
    case PM_ERR_WARC: return "malformed WARC record";
    case PM_ERR_ENCODING: return "unsupported or invalid character encoding";
    case PM_ERR_ACCOUNTING: return "documents not accounted for";
    case PM_STATUS_LAST: break;
    }
    return "unknown status";
}

const char *pm_status_key(pm_status st)
{
    switch (st) {
    case PM_OK: return "ok";
    case PM_ERR_NOMEM: return "out_of_memory";
    case PM_ERR_IO: return "read_error";
    case PM_ERR_OPEN: return "cannot_open";
    case PM_ERR_ARG: return "invalid_argument";
    case PM_ERR_TOO_BIG: return "size_limit";
    case PM_ERR_GZ_TRUNCATED: return "gzip_truncated";
    case PM_ERR_GZ_CORRUPT: return "gzip_corrupt";
    case PM_ERR_GZ_CRC: return "gzip_crc";
    case PM_ERR_GZ_TRAILING: return "gzip_trailing_garbage";
    case PM_ERR_EMPTY: return "empty_file";
    case PM_ERR_NOT_CORPUS: return "not_corpus";
    case PM_ERR_XML: return "malformed_xml";
    case PM_ERR_XML_DTD: return "dtd_refused";
    case PM_ERR_NO_ID: return "missing_id";
    case PM_ERR_UTF8: return "invalid_utf8";
    case PM_ERR_DOC_TOO_BIG: return "doc_too_big";
    case PM_ERR_DUP_ID: return "duplicate_id";
    case PM_ERR_DICT_SYNTAX: return "dict_syntax";
    case PM_ERR_DICT_EXAMPLE: return "dict_example";
    case PM_ERR_REGEX: return "regex_error";
    case PM_ERR_MATCH_LIMIT: return "match_limit";
    case PM_ERR_OUTPUT: return "output_error";
    case PM_ERR_INTERRUPTED: return "interrupted";
    case PM_ERR_TRUNCATED_DOC: return "doc_truncated";
    case PM_ERR_TOO_MANY_DOCS: return "too_many_docs";
    case PM_ERR_LOOP: return "directory_loop";
    case PM_ERR_DUP_CONTENT: return "duplicate_content";
    case PM_ERR_STATE: return "bad_state";
    case PM_ERR_JSON: return "malformed_json";
    case PM_ERR_WARC: return "malformed_warc";
    case PM_ERR_ENCODING: return "bad_encoding";
    case PM_ERR_ACCOUNTING: return "accounting";
    case PM_STATUS_LAST: break;
    }
    return "unknown";
}

void pm_errctx_clear(pm_errctx *ctx)
{
    if (ctx)
        memset(ctx, 0, sizeof *ctx);
}

pm_status pm_errctx_set(pm_errctx *ctx, pm_status code, const char *file, const char *fmt, ...)
{
    if (!ctx)
        return code;
    ctx->code = code;
    if (file)
        snprintf(ctx->file, sizeof ctx->file, "%s", file);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ctx->detail, sizeof ctx->detail, fmt, ap);
        va_end(ap);
    }
    return code;
}
