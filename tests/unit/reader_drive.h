/* reader_drive.h - test helper: drives one reader over an in-memory input the way the engine
 * does (peek, sniff, split, parse), handing each document, reject and skipped record to
 * callbacks. Shared by the reader tests so each keeps only what it records. Include after
 * cmocka.h. */
#ifndef PM_TEST_READER_DRIVE_H
#define PM_TEST_READER_DRIVE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/reader.h"
#include "policyminer/source.h"

typedef struct drive_fns {
    void (*doc)(void *ud, const pm_doc *d);
    void (*reject)(void *ud, const pm_reject *r);
    void (*skipped)(void *ud, const pm_reject *r);
} drive_fns;

/* Asserts the input sniffs as `format`, then reads it to the end (at most 200 records). */
static void drive_reader(const char *data, size_t n, const pm_limits *lim, const char *format,
                         const drive_fns *fn, void *ud)
{
    pm_gz *g;
    assert_int_equal(pm_gz_open_mem(&g, data, n, NULL), PM_OK);
    const char *head;
    size_t hl;
    assert_int_equal(pm_gz_peek(g, 4096, &head, &hl), PM_OK); /* sniff the inflated bytes */
    const pm_format *f = pm_format_sniff(head, hl);
    assert_non_null(f);
    assert_string_equal(f->name, format);
    void *sp, *pp;
    assert_int_equal(f->split_create(&sp, lim), PM_OK);
    assert_int_equal(f->parse_create(&pp, lim), PM_OK);
    for (int guard = 0; guard < 200; guard++) {
        pm_raw raw;
        pm_reject rej;
        pm_split_result res;
        assert_int_equal(f->split_next(sp, g, &raw, &rej, &res), PM_OK);
        if (res == PM_SPLIT_END)
            break;
        if (res == PM_SPLIT_SKIP) {
            fn->skipped(ud, &rej);
            continue;
        }
        pm_doc d;
        if (res == PM_SPLIT_RECORD && f->parse(pp, &raw, &d, &rej) == PM_OK) {
            fn->doc(ud, &d);
            continue;
        }
        if (getenv("PM_TEST_VERBOSE"))
            fprintf(stderr, "reject %s at %llu [%s]: %s\n", pm_status_key(rej.code),
                    (unsigned long long)rej.offset, rej.doc_id, rej.detail);
        fn->reject(ud, &rej);
    }
    f->split_free(sp);
    f->parse_free(pp);
    pm_gz_close(g);
}

#endif
