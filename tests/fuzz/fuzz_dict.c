/* fuzz_dict.c - libFuzzer harness for the dictionary loader (classify/dict.c): any bytes
 * as a .dict file must load or fail with a status and a line, never crash; a loaded set
 * is then matched against a fixed text and against the input itself, with small PCRE2
 * limits so hostile patterns stay cheap, and again with no prefilter: where neither run
 * hit a PCRE2 limit, the labels must be the same (the prefilter, its occurrence windows
 * and the veto prefilter never change an answer).
 *
 * The loader reads files, so each input is written to one scratch file per process.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policyminer/dict.h"
#include "policyminer/reader.h"
#include "policyminer/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/pm-fuzz-dict-%d.dict", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    pm_dict_options o;
    pm_dict_options_default(&o);
    o.match_limit = 10000;
    o.depth_limit = 1000;
    o.jit_stack_max = 64 * 1024;
    pm_dictset *d = NULL;
    pm_errctx err;
    pm_errctx_clear(&err);
    const char *files[] = {path};
    pm_status st = pm_dictset_load_files(&d, files, 1, &o, &err);
    if (st != PM_OK) {
        assert(d == NULL);
        assert(err.code != PM_OK);
        return 0;
    }
    pm_dict_options ro = o;
    ro.no_prefilter = 1;
    pm_dictset *r = NULL;
    if (pm_dictset_load_files(&r, files, 1, &ro, &err) != PM_OK)
        r = NULL;
    pm_dict_scratch *s = NULL, *rs = NULL;
    if (pm_dict_scratch_create(&s, d) == PM_OK && (!r || pm_dict_scratch_create(&rs, r) == PM_OK)) {
        pm_catset out[64], ref[64];
        static const char text[] = "各地要加大财政补贴力度，设立产业投资基金，支持集成电路产业发展。";
        assert(pm_dictset_ndims(d) <= 64);
        size_t bad = 0;
        /* the input itself as text: only when it is UTF-8 (the run validates first) */
        int self = pm_utf8_valid((const char *)data, size, &bad);
        for (int k = 0; k < 1 + self; k++) {
            const char *t = k ? (const char *)data : text;
            size_t tn = k ? size : sizeof text - 1;
            pm_dict_stats ds = {0, 0}, rds = {0, 0};
            /* (a scan can fail: Hyperscan 5.4 returns HS_UNKNOWN_ERROR on some control-
             * character literals; the caller then gets a status, not a label) */
            pm_status ms = pm_dictset_match(d, s, t, tn, out, &ds, NULL, NULL);
            if (!rs || ms != PM_OK)
                continue;
            if (pm_dictset_match(r, rs, t, tn, ref, &rds, NULL, NULL) != PM_OK)
                continue;
            if (ds.match_limit_hits == 0 && rds.match_limit_hits == 0)
                assert(memcmp(out, ref, pm_dictset_ndims(d) * sizeof *out) == 0);
        }
    }
    pm_dict_scratch_free(s);
    pm_dict_scratch_free(rs);
    pm_dictset_free(r);
    pm_dictset_free(d);
    return 0;
}
