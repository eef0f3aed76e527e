/* fuzz_dict.c - libFuzzer harness for the dictionary loader (classify/dict.c): any bytes
 * as a .dict file must load or fail with a status and a line, never crash; a loaded set
 * is then matched against a fixed text and against the input itself, with small PCRE2
 * limits so hostile patterns stay cheap.
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
    pm_dict_scratch *s = NULL;
    if (pm_dict_scratch_create(&s, d) == PM_OK) {
        pm_catset out[64];
        pm_dict_stats ds = {0, 0};
        static const char text[] = "各地要加大财政补贴力度，设立产业投资基金，支持集成电路产业发展。";
        assert(pm_dictset_ndims(d) <= 64);
        pm_dictset_match(d, s, text, sizeof text - 1, out, &ds, NULL, NULL);
        size_t bad = 0;
        /* the input itself as text: only when it is UTF-8 (the run validates first) */
        if (pm_utf8_valid((const char *)data, size, &bad))
            pm_dictset_match(d, s, (const char *)data, size, out, &ds, NULL, NULL);
        pm_dict_scratch_free(s);
    }
    pm_dictset_free(d);
    return 0;
}
