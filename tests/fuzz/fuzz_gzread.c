/* fuzz_gzread.c - libFuzzer harness for the gzip member reader (source/gzread.c).
 *
 * Feeds arbitrary bytes as a file and reads it to the end in odd-sized pieces, going on
 * after every soft error as the run does. Checks the reader's promises: it terminates,
 * never delivers more than asked, counts never run backwards, and peek agrees with the
 * first read. A small member cap keeps bombs cheap. Every input goes through zlib and,
 * when built in, ISA-L: on intact gzip data both must deliver the same bytes.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "policyminer/source.h"

/* Reads one input with one decoder; returns the bytes delivered and whether any soft
 * error was seen. */
static size_t one(const uint8_t *data, size_t size, int inflate, unsigned char *out,
                  size_t outcap, int *soft)
{
    pm_gz_limits lim = {1u << 20, inflate};
    *soft = 0;
    pm_gz *gz = NULL;
    if (pm_gz_open_mem(&gz, data, size, &lim) != PM_OK)
        return 0;
    size_t kept = 0;
    const char *head = NULL;
    size_t hlen = 0;
    char peeked[512];
    size_t npeek = 0;
    pm_status st = pm_gz_peek(gz, sizeof peeked, &head, &hlen);
    if (st == PM_OK) {
        npeek = hlen < sizeof peeked ? hlen : sizeof peeked;
        if (npeek)
            memcpy(peeked, head, npeek);
    }
    char buf[4099];
    size_t want = 1, total = 0;
    uint64_t prev_out = 0;
    int first = 1;
    for (int rounds = 0; rounds < 1 << 20; rounds++) {
        size_t got = 0;
        st = pm_gz_read(gz, buf, want, &got);
        assert(got <= want);
        if (first && got && npeek) { /* the first bytes read are the ones peeked */
            size_t k = got < npeek ? got : npeek;
            assert(memcmp(buf, peeked, k) == 0);
            first = 0;
        }
        total += got;
        if (got && kept + got <= outcap) {
            memcpy(out + kept, buf, got);
            kept += got;
        }
        if (st != PM_OK && st != PM_ERR_IO && st != PM_ERR_NOMEM)
            *soft = 1;
        assert(pm_gz_out_bytes(gz) >= prev_out);
        prev_out = pm_gz_out_bytes(gz);
        if (st == PM_ERR_IO || st == PM_ERR_NOMEM)
            break;
        if (st == PM_OK && got == 0)
            break;
        want = want * 7 % sizeof buf + 1;
    }
    assert(pm_gz_in_bytes(gz) <= size);
    (void)total;
    pm_gz_close(gz);
    return kept;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char a[1 << 16], b[1 << 16];
    int sa, sb;
    size_t na = one(data, size, PM_INFLATE_ZLIB, a, sizeof a, &sa);
    if (!pm_gz_inflate_available(PM_INFLATE_ISAL))
        return 0;
    size_t nb = one(data, size, PM_INFLATE_ISAL, b, sizeof b, &sb);
    if (!sa && !sb) { /* intact data: the decoders agree byte for byte */
        assert(na == nb);
        assert(memcmp(a, b, na) == 0);
    }
    return 0;
}
