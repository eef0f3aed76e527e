/* tests/bench/reuse_mem.c - the text reuse stage alone at N documents, for its memory and
 * its growth (make bench-reuse-mem): N synthetic texts of LEN ideographs (default 300, so
 * the spill stays small; the memory per document does not depend on the text's length)
 * go through pm_reuse_doc and pm_reuse_add, then pm_reuse_finish writes into DIR.
 *   reuse_mem N [LEN] [DIR]   (peak RSS: run it under /usr/bin/time -v) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policyminer/reuse.h"
int main(int argc, char **argv)
{
    if (argc < 2)
        return 64;
    size_t n = strtoull(argv[1], 0, 10);
    unsigned len = argc > 2 ? (unsigned)atoi(argv[2]) : 300;
    const char *dir = argc > 3 ? argv[3] : ".";
    pm_reuse_options o; pm_reuse_options_default(&o);
    pm_reuse *r; pm_errctx err; memset(&err, 0, sizeof err);
    if (pm_reuse_create(&r, &o, dir, &err) != PM_OK) return 1;
    pm_buf body, text, keys; pm_buf_init(&body, 1<<20); pm_buf_init(&text, 1<<20); pm_buf_init(&keys, 1<<20);
    uint64_t seed = 1;
    char id[32];
    for (size_t d = 0; d < n; d++) {
        pm_buf_reset(&body); pm_buf_reset(&text); pm_buf_reset(&keys);
        for (unsigned i = 0; i < len; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t c = 0x4E00 + (uint32_t)(seed >> 33) % 3000;
            char u[3] = {(char)(0xE0 | c >> 12), (char)(0x80 | (c >> 6 & 0x3F)), (char)(0x80 | (c & 0x3F))};
            pm_buf_append(&body, u, 3);
        }
        uint32_t sig[PM_REUSE_K]; unsigned nsig;
        pm_reuse_doc(&o, body.data, body.len, NULL, 0, &text, sig, &nsig, &keys);
        snprintf(id, sizeof id, "d%09zu", d);
        if (pm_reuse_add(r, id, 20100101 + (int32_t)(d % 3000), PM_LEVEL_COUNTY, 110101, 110000, sig, nsig,
                         text.data, text.len, (const uint32_t *)(void *)keys.data, keys.len / 4) != PM_OK) return 2;
    }
    if (pm_reuse_finish(r, NULL, dir, &err) != PM_OK) return 3;
    const pm_reuse_stats *s = pm_reuse_get_stats(r);
    printf("docs %llu candidates %llu anchor %llu pairs %llu finish cpu %.2f\n", (unsigned long long)s->docs,
           (unsigned long long)s->candidates, (unsigned long long)s->candidates_anchor, (unsigned long long)s->pairs, s->cpu_seconds);
    pm_reuse_free(r);
    return 0;
}
