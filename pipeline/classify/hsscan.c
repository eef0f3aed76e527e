/* classify/hsscan.c - the literal prefilter on Hyperscan, when the build has it.
 *
 * Same job as the Aho-Corasick scanner (acscan.c): report every occurrence of every
 * required literal, with its end offset, so the matcher knows which patterns are
 * candidates and where their literals lie. Hyperscan's SIMD literal matchers (FDR/Teddy)
 * do that several times faster than a table-driven automaton whose table does not fit
 * in cache. Literals are matched as bytes; those with ASCII letters are compiled caseless
 * (ASCII folding only), exactly as the automaton folds them, so both engines report the
 * same occurrences - a unit test and `dict check` hold them to it. Without Hyperscan (or
 * on a CPU it does not support) pm_hs_build says so and the automaton is used.
 */
#include <stdlib.h>
#include <string.h>

#include "prefilter.h"

#ifdef PM_WITH_HYPERSCAN
#include <hs/hs.h>

#include "policyminer/hash.h"
#include "dictcache.h"

struct pm_hs {
    char **lits;
    size_t *lens;
    unsigned *ids, *flags;
    size_t n, cap;
    hs_database_t *db;
};

struct pm_hs_scratch {
    hs_scratch_t *s;
};

pm_status pm_hs_create(pm_hs **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? PM_OK : PM_ERR_NOMEM;
}

void pm_hs_free(pm_hs *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        free(h->lits[i]);
    free(h->lits);
    free(h->lens);
    free(h->ids);
    free(h->flags);
    hs_free_database(h->db);
    free(h);
}

pm_status pm_hs_add(pm_hs *h, const char *s, size_t n, uint32_t id)
{
    if (h->db || n == 0)
        return PM_ERR_ARG;
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 256;
        char **l = realloc(h->lits, nc * sizeof *l);
        if (l)
            h->lits = l;
        size_t *ln = realloc(h->lens, nc * sizeof *ln);
        if (ln)
            h->lens = ln;
        unsigned *i = realloc(h->ids, nc * sizeof *i);
        if (i)
            h->ids = i;
        unsigned *f = realloc(h->flags, nc * sizeof *f);
        if (f)
            h->flags = f;
        if (!l || !ln || !i || !f)
            return PM_ERR_NOMEM;
        h->cap = nc;
    }
    char *c = malloc(n);
    if (!c)
        return PM_ERR_NOMEM;
    memcpy(c, s, n);
    unsigned fl = 0;
    for (size_t k = 0; k < n; k++)
        if ((c[k] >= 'a' && c[k] <= 'z') || (c[k] >= 'A' && c[k] <= 'Z'))
            fl = HS_FLAG_CASELESS;
    h->lits[h->n] = c;
    h->lens[h->n] = n;
    h->ids[h->n] = id;
    h->flags[h->n] = fl;
    h->n++;
    return PM_OK;
}

pm_status pm_hs_build(pm_hs *h)
{
    if (h->db)
        return PM_OK;
    if (!h->n || hs_valid_platform() != HS_SUCCESS)
        return PM_ERR_ARG;
    hs_compile_error_t *ce = NULL;
    hs_error_t r = hs_compile_lit_multi((const char *const *)h->lits, h->flags, h->ids, h->lens,
                                        (unsigned)h->n, HS_MODE_BLOCK, NULL, &h->db, &ce);
    if (r != HS_SUCCESS) {
        hs_free_compile_error(ce);
        h->db = NULL;
        return r == HS_NOMEM ? PM_ERR_NOMEM : PM_ERR_ARG;
    }
    return PM_OK;
}

/* What the database is built from: every literal with its id and flags, in order, and the
 * library's version (dictcache.c keys images by it). */
static uint64_t build_key(const pm_hs *h)
{
    pm_hash64_ctx c;
    pm_hash64_init(&c, 0x68736462ull);
    const char *ver = hs_version();
    pm_hash64_update(&c, ver, strlen(ver) + 1);
    uint64_t n = h->n;
    pm_hash64_update(&c, &n, sizeof n);
    for (size_t i = 0; i < h->n; i++) {
        uint64_t meta[3] = {h->lens[i], h->ids[i], h->flags[i]};
        pm_hash64_update(&c, meta, sizeof meta);
        pm_hash64_update(&c, h->lits[i], h->lens[i]);
    }
    return pm_hash64_final(&c);
}

pm_status pm_hs_build_cached(pm_hs *h, const char *cache_dir)
{
    if (h->db || !cache_dir)
        return pm_hs_build(h);
    if (!h->n || hs_valid_platform() != HS_SUCCESS)
        return PM_ERR_ARG;
    uint64_t key = build_key(h);
    char *img = NULL;
    size_t len = 0;
    if (pm_dictcache_load(cache_dir, key, &img, &len) == PM_OK) {
        hs_database_t *db = NULL; /* the library checks version and platform itself */
        if (hs_deserialize_database(img, len, &db) == HS_SUCCESS)
            h->db = db;
        free(img);
        if (h->db)
            return PM_OK;
    }
    pm_status st = pm_hs_build(h);
    char *out = NULL;
    size_t olen = 0;
    if (st == PM_OK && hs_serialize_database(h->db, &out, &olen) == HS_SUCCESS) {
        (void)pm_dictcache_store(cache_dir, key, out, olen); /* a cache only: best effort */
        free(out); /* hs_serialize_database allocates with the default (malloc) allocator */
    }
    return st;
}

pm_status pm_hs_scratch_create(const pm_hs *h, pm_hs_scratch **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return PM_ERR_NOMEM;
    if (hs_alloc_scratch(h->db, &(*out)->s) != HS_SUCCESS) {
        free(*out);
        *out = NULL;
        return PM_ERR_NOMEM;
    }
    return PM_OK;
}

void pm_hs_scratch_free(pm_hs_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->s);
    free(s);
}

typedef struct relay {
    void (*hit)(void *ud, uint32_t id, size_t end);
    void *ud;
    size_t base;    /* offset of the window in the text */
    size_t done;    /* occurrences ending at or before this were reported already */
} relay;

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
                    unsigned flags, void *ctx)
{
    (void)from;
    (void)flags;
    const relay *r = ctx;
    size_t end = r->base + (size_t)to;
    if (end > r->done)
        r->hit(r->ud, id, end);
    return 0;
}

pm_status pm_hs_scan(const pm_hs *h, pm_hs_scratch *s, const char *text, size_t n,
                     void (*hit)(void *ud, uint32_t id, size_t end), void *ud)
{
    /* block mode takes an unsigned length: longer texts go in windows that overlap by
     * more than the longest literal, each occurrence reported by the first window that
     * holds it whole */
    const size_t win = (size_t)1 << 30, over = 4096;
    relay r = {hit, ud, 0, 0};
    for (;;) {
        size_t len = n - r.base < win ? n - r.base : win;
        if (hs_scan(h->db, text + r.base, (unsigned)len, 0, s->s, on_match, &r) != HS_SUCCESS)
            return PM_ERR_NOMEM;
        if (r.base + len >= n)
            return PM_OK;
        r.done = r.base + len;
        r.base += len - over;
    }
}

int pm_hs_available(void) { return hs_valid_platform() == HS_SUCCESS; }

#else /* no Hyperscan in this build: the automaton does the work */

pm_status pm_hs_create(pm_hs **out)
{
    *out = NULL;
    return PM_OK;
}
void pm_hs_free(pm_hs *h) { (void)h; }
pm_status pm_hs_add(pm_hs *h, const char *s, size_t n, uint32_t id)
{
    (void)h, (void)s, (void)n, (void)id;
    return PM_OK;
}
pm_status pm_hs_build(pm_hs *h)
{
    (void)h;
    return PM_ERR_ARG;
}
pm_status pm_hs_build_cached(pm_hs *h, const char *cache_dir)
{
    (void)cache_dir;
    return pm_hs_build(h);
}
pm_status pm_hs_scratch_create(const pm_hs *h, pm_hs_scratch **out)
{
    (void)h;
    *out = NULL;
    return PM_ERR_ARG;
}
void pm_hs_scratch_free(pm_hs_scratch *s) { (void)s; }
pm_status pm_hs_scan(const pm_hs *h, pm_hs_scratch *s, const char *text, size_t n,
                     void (*hit)(void *ud, uint32_t id, size_t end), void *ud)
{
    (void)h, (void)s, (void)text, (void)n, (void)hit, (void)ud;
    return PM_ERR_ARG;
}
int pm_hs_available(void) { return 0; }
#endif
