/* fuzz_cascades.c - libFuzzer harness for the cascade-file reader and NetInf
 * (diffusion/cascades_io.c, netinf.c): any bytes as a CSV/TSV cascade file must be read or
 * refused with a status, and whatever was read must infer a network and render it, never
 * crash, hang or leak. Small caps keep each input fast.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policyminer/buf.h"
#include "policyminer/netinf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/pm-fuzz-cascades-%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    if (size)
        fwrite(data, 1, size, f);
    fclose(f);
    pm_netinf *n = NULL;
    if (pm_netinf_create(&n) != PM_OK)
        return 0;
    pm_errctx err;
    pm_errctx_clear(&err);
    pm_cascade_read_stats rs;
    memset(&rs, 0, sizeof rs);
    pm_status st = pm_cascades_read(n, path, NULL, 4096, NULL, NULL, &rs, &err);
    assert(rs.rows <= rs.lines);
    if (st == PM_OK) {
        pm_netinf_options o;
        pm_netinf_options_default(&o);
        o.max_pairs = 1u << 16;
        if (pm_netinf_infer(n, &o, 8, &err) == PM_OK) {
            pm_buf b;
            pm_buf_init(&b, 1u << 24);
            st = pm_netinf_write_tsv(n, &b);
            assert(st == PM_OK || st == PM_ERR_NOMEM || st == PM_ERR_TOO_BIG);
            pm_buf_free(&b);
        }
    }
    pm_netinf_free(n);
    return 0;
}
