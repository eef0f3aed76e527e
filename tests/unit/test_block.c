/* Unit tests for the stored block format (shard parts, refresh state) and the 64-bit
 * content hash: round trip of every item kind, streaming hash equals one-shot, and damaged
 * bytes (every truncation, random flips) are refused, never crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/hash.h"
#include "../../pipeline/engine/engine_internal.h"

static void test_hash64_streaming(void **state)
{
    (void)state;
    unsigned char data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 131 + 7);
    for (size_t n = 0; n <= sizeof data; n += 37) {
        uint64_t one = pm_hash64(data, n, 42);
        pm_hash64_ctx c;
        pm_hash64_init(&c, 42);
        for (size_t off = 0; off < n; off += 5)
            pm_hash64_update(&c, data + off, n - off < 5 ? n - off : 5);
        assert_true(pm_hash64_final(&c) == one);
        if (n) /* one flipped bit changes the hash */
            data[n / 2] ^= 1, assert_true(pm_hash64(data, n, 42) != one), data[n / 2] ^= 1;
    }
    assert_true(pm_hash64("abc", 3, 0) != pm_hash64("abc", 3, 1));
}

/* Writes a header, one file block with a document, a reject and a file-level row, and
 * an end block into f. */
static void write_sample(pm_buf *out)
{
    pm_part_header h;
    memset(&h, 0, sizeof h);
    strcpy(h.fingerprint, "policyminer test");
    h.listing_hash = 0x1234;
    h.listing_count = 3;
    h.shard_count = 4;
    h.n_shards = 2;
    h.shards[0] = 1;
    h.shards[1] = 3;
    h.limits.max_doc_bytes = 99;
    assert_int_equal(pm_blk_header(out, &h), PM_OK);
    pm_buf items;
    pm_buf_init(&items, 1 << 20);
    pm_citem it;
    memset(&it, 0, sizeof it);
    it.kind = PM_CI_DOC;
    strcpy(it.rej.doc_id, "doc-1");
    it.rej.offset = 77;
    it.id_hash = 5;
    it.content_hash = 9;
    it.year = 2015;
    it.date = 20150312;
    it.level = PM_LEVEL_PREFECTURE;
    it.region = 440300;
    it.province = 440000;
    pm_catset_set(&it.cats[1], 200);
    it.row = "doc-1\trow\n";
    it.row_len = strlen(it.row);
    assert_int_equal(pm_blk_items_add(&items, &it, 3), PM_OK);
    memset(&it, 0, sizeof it);
    it.kind = PM_CI_REJECT;
    it.rej.code = PM_ERR_XML;
    it.rej.offset = 500;
    strcpy(it.rej.detail, "broken");
    assert_int_equal(pm_blk_items_add(&items, &it, 3), PM_OK);
    memset(&it, 0, sizeof it);
    it.kind = PM_CI_FILE;
    it.rej.code = PM_ERR_LOOP;
    it.source = "some/loop";
    assert_int_equal(pm_blk_items_add(&items, &it, 3), PM_OK);
    pm_finfo fi;
    memset(&fi, 0, sizeof fi);
    fi.read = fi.complete = 1;
    fi.bytes_in = 10;
    fi.bytes_out = 30;
    fi.size = 10;
    fi.mtime_ns = -5; /* before 1970: signed values survive */
    fi.content_hash = 0xfeedfacecafebeefull;
    assert_int_equal(pm_blk_file(out, "corpus/a.xml.gz", &fi, &items), PM_OK);
    assert_int_equal(pm_blk_end(out, 1), PM_OK);
    pm_buf_free(&items);
}

/* Reads a whole sample back; returns PM_OK when everything checks out. */
static pm_status read_sample(const void *bytes, size_t n, int verify)
{
    FILE *f = fmemopen((void *)bytes, n, "rb");
    assert_non_null(f);
    pm_buf p;
    pm_buf_init(&p, 1 << 20);
    pm_errctx err;
    char tag[5];
    pm_part_header h;
    pm_blk_view *v = calloc(1, sizeof *v);
    pm_status st = pm_blk_read(f, &p, tag, &err, "x");
    if (st == PM_OK && (strcmp(tag, "PMPH") || pm_blk_parse_header(&p, &h) != PM_OK))
        st = PM_ERR_STATE;
    if (st == PM_OK && verify) {
        assert_string_equal(h.fingerprint, "policyminer test");
        assert_int_equal(h.n_shards, 2);
        assert_int_equal(h.shards[1], 3);
        assert_int_equal(h.limits.max_doc_bytes, 99);
    }
    if (st == PM_OK)
        st = pm_blk_read(f, &p, tag, &err, "x");
    if (st == PM_OK && (strcmp(tag, "PMFB") || pm_blk_file_open(v, &p) != PM_OK))
        st = PM_ERR_STATE;
    int r = 1, k = 0;
    pm_citem it;
    v->ndims = 3;
    while (st == PM_OK && (r = pm_blk_file_next(v, &it)) > 0) {
        if (verify && k == 0) {
            assert_int_equal(it.kind, PM_CI_DOC);
            assert_string_equal(it.rej.doc_id, "doc-1");
            assert_int_equal(it.date, 20150312);
            assert_int_equal(it.region, 440300);
            assert_true(pm_catset_has(&it.cats[1], 200));
            assert_false(pm_catset_has(&it.cats[0], 200));
            assert_int_equal(it.row_len, strlen("doc-1\trow\n"));
        }
        if (verify && k == 1) {
            assert_int_equal(it.rej.code, PM_ERR_XML);
            assert_string_equal(it.rej.detail, "broken");
        }
        if (verify && k == 2)
            assert_string_equal(it.source, "some/loop");
        k++;
    }
    if (st == PM_OK && r < 0)
        st = PM_ERR_STATE;
    if (st == PM_OK && verify) {
        assert_int_equal(k, 3);
        assert_string_equal(v->path, "corpus/a.xml.gz");
        assert_true(v->fi.mtime_ns == -5);
        assert_true(v->fi.content_hash == 0xfeedfacecafebeefull);
    }
    uint64_t nb = 0;
    if (st == PM_OK)
        st = pm_blk_read(f, &p, tag, &err, "x");
    if (st == PM_OK && (strcmp(tag, "PMPE") || pm_blk_parse_end(&p, &nb) != PM_OK || nb != 1))
        st = PM_ERR_STATE;
    free(v);
    pm_buf_free(&p);
    fclose(f);
    return st;
}

static void test_round_trip(void **state)
{
    (void)state;
    pm_buf b;
    pm_buf_init(&b, 1 << 20);
    write_sample(&b);
    assert_int_equal(read_sample(b.data, b.len, 1), PM_OK);
    pm_buf_free(&b);
}

static void test_damage_refused(void **state)
{
    (void)state;
    pm_buf b;
    pm_buf_init(&b, 1 << 20);
    write_sample(&b);
    for (size_t n = 1; n < b.len; n++) /* every truncation */
        assert_int_not_equal(read_sample(b.data, n, 0), PM_OK);
    char *copy = malloc(b.len);
    unsigned seed = 1;
    for (int round = 0; round < 2000; round++) { /* random flips: checksums catch them */
        memcpy(copy, b.data, b.len);
        seed = seed * 1103515245u + 12345u;
        size_t at = (seed >> 8) % b.len;
        copy[at] ^= (char)(1 + (seed >> 24) % 255);
        /* every byte is a tag, a length, payload or checksum: any change is refused */
        assert_int_not_equal(read_sample(copy, b.len, 0), PM_OK);
    }
    free(copy);
    pm_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash64_streaming),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damage_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
