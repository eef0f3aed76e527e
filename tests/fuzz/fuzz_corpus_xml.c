/* fuzz_corpus_xml.c - libFuzzer harness for the corpus XML splitter and parser
 * (readers/corpus_xml.c), through the gzip/plain reader exactly as a run uses them.
 *
 * Every raw record the splitter cuts must lie inside the stream; every parsed document's
 * fields must be valid UTF-8 within the record's lifetime; a rejected record must carry a
 * status key. Corpus XML records are parsed a second time with libxml2 alone
 * (xml_reference): the tokenizer's fast path must give the same status, reject and fields.
 * Small caps keep each input fast.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "policyminer/reader.h"
#include "policyminer/source.h"
#include "policyminer/utf8.h"

static int same_str(pm_str a, pm_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static void check_str(pm_str s)
{
    size_t bad = 0;
    if (s.len)
        assert(s.p != NULL);
    /* fields are UTF-8 (the record was validated before parsing) */
    assert(pm_utf8_valid(s.p, s.len, &bad) || s.len == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_limits lim;
    pm_limits_default(&lim);
    lim.max_doc_bytes = 1u << 16;
    lim.max_member_bytes = 1u << 20;
    lim.max_docs_per_file = 1000;
    pm_gz_limits gl = {lim.max_member_bytes, PM_INFLATE_ZLIB};
    pm_gz *gz = NULL;
    if (pm_gz_open_mem(&gz, data, size, &gl) != PM_OK)
        return 0;
    const char *head = NULL;
    size_t hlen = 0;
    pm_status st = pm_gz_peek(gz, 4096, &head, &hlen);
    const pm_format *fmt = (st == PM_OK && hlen) ? pm_format_sniff(head, hlen) : NULL;
    if (!fmt) { /* not sniffed: still run the corpus XML reader (the fuzzer's main target) */
        fmt = pm_formats()[0];
    }
    void *sp = NULL, *ps = NULL, *pr = NULL;
    pm_limits rlim = lim;
    rlim.xml_reference = 1;
    if (fmt->split_create(&sp, &lim) != PM_OK || fmt->parse_create(&ps, &lim) != PM_OK ||
        fmt->parse_create(&pr, &rlim) != PM_OK)
        goto done;
    for (int n = 0; n < 100000; n++) {
        pm_raw raw;
        pm_reject rej;
        pm_split_result res;
        memset(&rej, 0, sizeof rej);
        st = fmt->split_next(sp, gz, &raw, &rej, &res);
        if (st != PM_OK || res == PM_SPLIT_END)
            break;
        if (res == PM_SPLIT_SKIP) /* (a blank JSON line): nothing to parse, raw is not set */
            continue;
        if (res == PM_SPLIT_REJECT) {
            assert(rej.code != PM_OK && rej.code < PM_STATUS_LAST);
            assert(memchr(rej.doc_id, 0, sizeof rej.doc_id) != NULL);
            continue;
        }
        assert(raw.len <= lim.max_doc_bytes + 64);
        pm_doc doc;
        memset(&doc, 0, sizeof doc);
        memset(&rej, 0, sizeof rej);
        st = fmt->parse(ps, &raw, &doc, &rej);
        if (st == PM_ERR_NOMEM)
            break;
        if (st == PM_OK) {
            assert(doc.id.len > 0);
            check_str(doc.id);
            check_str(doc.title);
            check_str(doc.issuer);
            check_str(doc.docno);
            check_str(doc.date);
            check_str(doc.region_code);
            check_str(doc.url);
            check_str(doc.body);
        } else {
            assert(rej.code != PM_OK && rej.code < PM_STATUS_LAST);
        }
        if (fmt == pm_formats()[0]) { /* the reference parse: libxml2 alone */
            pm_doc rd;
            pm_reject rr;
            memset(&rd, 0, sizeof rd);
            memset(&rr, 0, sizeof rr);
            pm_status rs = fmt->parse(pr, &raw, &rd, &rr);
            if (rs == PM_ERR_NOMEM || st == PM_ERR_NOMEM)
                break;
            assert(rs == st);
            if (st == PM_OK) {
                assert(same_str(doc.id, rd.id) && same_str(doc.title, rd.title));
                assert(same_str(doc.issuer, rd.issuer) && same_str(doc.docno, rd.docno));
                assert(same_str(doc.date, rd.date) && same_str(doc.region_code, rd.region_code));
                assert(same_str(doc.url, rd.url) && same_str(doc.body, rd.body));
            } else {
                assert(rr.code == rej.code && strcmp(rr.detail, rej.detail) == 0);
            }
        }
    }
done:
    if (pr)
        fmt->parse_free(pr);
    if (ps)
        fmt->parse_free(ps);
    if (sp)
        fmt->split_free(sp);
    pm_gz_close(gz);
    return 0;
}
