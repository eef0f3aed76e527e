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
    /* The database holds each distinct literal once (many patterns share 负责, 实施方案 …);
     * literal u stands for the ids uids[ustart[u] .. ustart[u + 1]). */
    unsigned *ustart, *uids;
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
    free(h->ustart);
    free(h->uids);
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

static int cmp_lit(const void *a, const void *b, void *ctx)
{
    const pm_hs *h = ctx;
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    if (h->flags[x] != h->flags[y])
        return h->flags[x] < h->flags[y] ? -1 : 1;
    if (h->lens[x] != h->lens[y])
        return h->lens[x] < h->lens[y] ? -1 : 1;
    int c = memcmp(h->lits[x], h->lits[y], h->lens[x]);
    return c ? c : x < y ? -1 : x > y;
}

/* The literal -> ids map, then the database: compiled, or `cached` (an image deserialised
 * by pm_hs_build_cached, compiled from the same literals in the same order, so its ids are
 * this map's). The map is needed either way: the scan reports through it. */
static pm_status build(pm_hs *h, hs_database_t *cached)
{
    if (h->db) {
        hs_free_database(cached);
        return PM_OK;
    }
    if (!h->n || hs_valid_platform() != HS_SUCCESS) {
        hs_free_database(cached);
        return PM_ERR_ARG;
    }
    /* distinct literals (same bytes, same case flag) into one database entry each */
    unsigned *ord = malloc(h->n * sizeof *ord), *uid = malloc(h->n * sizeof *uid);
    const char **ul = malloc(h->n * sizeof *ul);
    size_t *ulen = malloc(h->n * sizeof *ulen);
    unsigned *ufl = malloc(h->n * sizeof *ufl);
    free(h->ustart);
    free(h->uids);
    h->ustart = malloc((h->n + 1) * sizeof *h->ustart);
    h->uids = malloc(h->n * sizeof *h->uids);
    if (!ord || !uid || !ul || !ulen || !ufl || !h->ustart || !h->uids) {
        free(ord), free(uid), free(ul), free(ulen), free(ufl);
        hs_free_database(cached);
        return PM_ERR_NOMEM;
    }
    for (size_t i = 0; i < h->n; i++)
        ord[i] = (unsigned)i;
    qsort_r(ord, h->n, sizeof *ord, cmp_lit, h);
    size_t nu = 0;
    for (size_t k = 0; k < h->n; k++) {
        unsigned i = ord[k], j = k ? ord[k - 1] : 0;
        if (!k || h->flags[i] != h->flags[j] || h->lens[i] != h->lens[j] ||
            memcmp(h->lits[i], h->lits[j], h->lens[i]) != 0) {
            ul[nu] = h->lits[i];
            ulen[nu] = h->lens[i];
            ufl[nu] = h->flags[i];
            uid[nu] = (unsigned)nu;
            h->ustart[nu++] = (unsigned)k;
        }
        h->uids[k] = h->ids[i];
    }
    h->ustart[nu] = (unsigned)h->n;
    /* an id listed twice for one literal (a set naming it twice) reports it twice */
    size_t w = 0;
    for (size_t u = 0; u < nu; u++) {
        size_t a = h->ustart[u], b = h->ustart[u + 1];
        h->ustart[u] = (unsigned)w;
        for (size_t k = a; k < b; k++)
            if (k == a || h->uids[k] != h->uids[k - 1])
                h->uids[w++] = h->uids[k];
    }
    h->ustart[nu] = (unsigned)w;
    if (cached) {
        free(ord), free(uid), free(ul), free(ulen), free(ufl);
        h->db = cached;
        return PM_OK;
    }
    hs_compile_error_t *ce = NULL;
    hs_error_t r = hs_compile_lit_multi(ul, ufl, uid, ulen, (unsigned)nu, HS_MODE_BLOCK, NULL,
                                        &h->db, &ce);
    free(ord), free(uid), free(ul), free(ulen), free(ufl);
    if (r != HS_SUCCESS) {
        hs_free_compile_error(ce);
        h->db = NULL;
        return r == HS_NOMEM ? PM_ERR_NOMEM : PM_ERR_ARG;
    }
    return PM_OK;
}

pm_status pm_hs_build(pm_hs *h) { return build(h, NULL); }

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

static void put64(char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (char)(v >> (8 * i));
}

static uint64_t get64(const char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | (unsigned char)p[i];
    return v;
}

/* One image for k databases (one of them: the database's own serialisation; more: each
 * one's length, then its bytes), so a set built together is cached as one file (storing
 * an image removes the others). Sets the databases from it, or returns nonzero. */
static int from_image(pm_hs *const *hs, size_t k, const char *img, size_t len)
{
    hs_database_t *db[8] = {0};
    size_t at = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < k; i++) {
        size_t n = len - at;
        if (k > 1) {
            ok = len - at >= 8 && (n = (size_t)get64(img + at)) <= len - at - 8;
            at += 8;
        }
        /* the library checks version and platform itself */
        ok = ok && hs_deserialize_database(img + at, n, &db[i]) == HS_SUCCESS;
        at += n;
    }
    ok = ok && at == len;
    for (size_t i = 0; i < k; i++) {
        if (!ok) {
            hs_free_database(db[i]);
            continue;
        }
        if (build(hs[i], db[i]) != PM_OK)
            ok = 0; /* frees db[i]; the caller compiles afresh */
    }
    return ok ? 0 : -1;
}

pm_status pm_hs_build_cached_set(pm_hs *const *hs, size_t k, const char *cache_dir)
{
    if (k == 0 || k > 8)
        return PM_ERR_ARG;
    int fresh = !cache_dir;
    for (size_t i = 0; i < k; i++) {
        if (!hs[i]->n || hs_valid_platform() != HS_SUCCESS)
            return PM_ERR_ARG;
        fresh |= hs[i]->db != NULL;
    }
    if (fresh) {
        for (size_t i = 0; i < k; i++) {
            pm_status st = pm_hs_build(hs[i]);
            if (st != PM_OK)
                return st;
        }
        return PM_OK;
    }
    uint64_t key = build_key(hs[0]);
    if (k > 1) { /* a set's key: its members' keys in order */
        pm_hash64_ctx c;
        pm_hash64_init(&c, 0x68737365ull);
        for (size_t i = 0; i < k; i++) {
            uint64_t ki = build_key(hs[i]);
            pm_hash64_update(&c, &ki, sizeof ki);
        }
        key = pm_hash64_final(&c);
    }
    char *img = NULL;
    size_t len = 0;
    if (pm_dictcache_load(cache_dir, key, &img, &len) == PM_OK) {
        int ok = from_image(hs, k, img, len) == 0;
        free(img);
        if (ok)
            return PM_OK;
    }
    for (size_t i = 0; i < k; i++) {
        pm_status st = pm_hs_build(hs[i]);
        if (st != PM_OK)
            return st;
    }
    char *part[8] = {0};
    size_t plen[8] = {0}, total = 0;
    int ok = 1;
    for (size_t i = 0; ok && i < k; i++) {
        ok = hs_serialize_database(hs[i]->db, &part[i], &plen[i]) == HS_SUCCESS;
        total += plen[i] + (k > 1 ? 8 : 0);
    }
    char *out = ok ? malloc(total ? total : 1) : NULL;
    if (out) {
        size_t at = 0;
        for (size_t i = 0; i < k; i++) {
            if (k > 1) {
                put64(out + at, plen[i]);
                at += 8;
            }
            memcpy(out + at, part[i], plen[i]);
            at += plen[i];
        }
        (void)pm_dictcache_store(cache_dir, key, out, total); /* a cache only: best effort */
    }
    free(out);
    for (size_t i = 0; i < k; i++)
        free(part[i]); /* hs_serialize_database allocates with the default (malloc) allocator */
    return PM_OK;
}

pm_status pm_hs_build_cached(pm_hs *h, const char *cache_dir)
{
    return pm_hs_build_cached_set(&h, 1, cache_dir);
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
    const pm_hs *h;
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
        for (unsigned k = r->h->ustart[id]; k < r->h->ustart[id + 1]; k++)
            r->hit(r->ud, r->h->uids[k], end);
    return 0;
}

pm_status pm_hs_scan(const pm_hs *h, pm_hs_scratch *s, const char *text, size_t n,
                     void (*hit)(void *ud, uint32_t id, size_t end), void *ud)
{
    /* block mode takes an unsigned length: longer texts go in windows that overlap by
     * more than the longest literal, each occurrence reported by the first window that
     * holds it whole */
    const size_t win = (size_t)1 << 30, over = 4096;
    relay r = {h, hit, ud, 0, 0};
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
pm_status pm_hs_build_cached_set(pm_hs *const *hs, size_t k, const char *cache_dir)
{
    (void)hs, (void)k, (void)cache_dir;
    return PM_ERR_ARG;
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
