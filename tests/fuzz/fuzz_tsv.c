/* fuzz_tsv.c - libFuzzer harness for the TSV table readers: the gazetteer and organ
 * tables (classify/gazetteer.c). The input is split at the first form feed into
 * gazetteer.tsv and organs.tsv in a scratch directory; loading must succeed or fail with
 * a status, never crash or leak.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policyminer/gazetteer.h"

static int put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = !n || fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/pm-fuzz-tsv-%d", (int)getpid());
        mkdir(dir, 0700);
    }
    const uint8_t *ff = memchr(data, '\f', size);
    size_t n1 = ff ? (size_t)(ff - data) : size;
    if (put(dir, "gazetteer.tsv", data, n1) ||
        put(dir, "organs.tsv", ff ? ff + 1 : data, ff ? size - n1 - 1 : 0))
        return 0;
    pm_gazetteer *g = NULL;
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_status st = pm_gaz_load(&g, dir, &err);
    if (st == PM_OK)
        assert(g != NULL && pm_gaz_checksum(g) != NULL);
    else
        assert(g == NULL);
    pm_gaz_free(g);
    return 0;
}
