/* core/hmap.c - the one hash map (hmap.h): linear probing over parallel key / value
 * arrays, Fibonacci hashing of the key into the slot index, load <= 1/2, doubling growth
 * under an entry cap. Byte keys live in an arena; their slot key is a 64-bit hash of the
 * bytes (never 0, so 0 marks an empty slot), compared before the bytes themselves. In
 * 64-bit mode every key value is allowed: key 0 is kept beside the table.
 * Never prints, never iterates for a caller (see the header).
 */
#include <stdlib.h>
#include <string.h>

#include "policyminer/hash.h"
#include "policyminer/hmap.h"

struct pm_hmap {
    uint64_t *keys;          /* 0 = empty slot */
    uint64_t *vals;
    uint64_t *koff;          /* bytes mode: key offset in the arena, and length */
    uint32_t *klen;
    size_t cap, n, max;
    int bytes;
    int has_zero;            /* 64-bit mode: key 0 and its value */
    uint64_t zero_val;
    char *arena;
    size_t alen, acap;
};

static size_t slot_of(uint64_t key, size_t cap)
{
    /* the product's high bits mix every key bit; cap is a power of two */
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

pm_status pm_hmap_create(pm_hmap **out, int bytes, size_t max_entries)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return PM_ERR_NOMEM;
    (*out)->bytes = bytes;
    (*out)->max = max_entries && max_entries < UINT32_MAX ? max_entries : UINT32_MAX;
    return PM_OK;
}

void pm_hmap_free(pm_hmap *m)
{
    if (!m)
        return;
    free(m->keys);
    free(m->vals);
    free(m->koff);
    free(m->klen);
    free(m->arena);
    free(m);
}

size_t pm_hmap_count(const pm_hmap *m) { return m->n + (size_t)m->has_zero; }

/* Rehashes into ncap slots (a power of two above twice the entries). */
static pm_status grow_to(pm_hmap *m, size_t ncap)
{
    uint64_t *nk = calloc(ncap, sizeof *nk), *nv = malloc(ncap * sizeof *nv);
    uint64_t *no = m->bytes ? malloc(ncap * sizeof *no) : NULL;
    uint32_t *nl = m->bytes ? malloc(ncap * sizeof *nl) : NULL;
    if (!nk || !nv || (m->bytes && (!no || !nl))) {
        free(nk), free(nv), free(no), free(nl);
        return PM_ERR_NOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(m->keys[i], ncap);
        while (nk[j])
            j = (j + 1) & (ncap - 1);
        nk[j] = m->keys[i];
        nv[j] = m->vals[i];
        if (m->bytes) {
            no[j] = m->koff[i];
            nl[j] = m->klen[i];
        }
    }
    free(m->keys), free(m->vals), free(m->koff), free(m->klen);
    m->keys = nk, m->vals = nv, m->koff = no, m->klen = nl;
    m->cap = ncap;
    return PM_OK;
}

static pm_status grow(pm_hmap *m) { return grow_to(m, m->cap ? m->cap * 2 : 1024); }

pm_status pm_hmap_reserve(pm_hmap *m, size_t n)
{
    if (n > m->max)
        n = m->max;
    size_t ncap = m->cap ? m->cap : 1024;
    while (n * 2 > ncap) /* the size doubling would reach, in one rehash before the inserts */
        ncap *= 2;
    return ncap == m->cap ? PM_OK : grow_to(m, ncap);
}

/* Room for one more entry: the cap first, then the load. */
static pm_status room(pm_hmap *m)
{
    if (pm_hmap_count(m) >= m->max)
        return PM_ERR_TOO_BIG;
    return (m->n + 1) * 2 > m->cap ? grow(m) : PM_OK;
}

uint64_t *pm_hmap_get(const pm_hmap *m, uint64_t key)
{
    if (!key)
        return m->has_zero ? (uint64_t *)&m->zero_val : NULL;
    if (!m->cap)
        return NULL;
    for (size_t j = slot_of(key, m->cap); m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (m->keys[j] == key)
            return &m->vals[j];
    return NULL;
}

uint64_t *pm_hmap_put(pm_hmap *m, uint64_t key, int *added, pm_status *st)
{
    *added = 0;
    uint64_t *v = pm_hmap_get(m, key);
    if (v)
        return v;
    if ((*st = room(m)) != PM_OK)
        return NULL;
    *added = 1;
    if (!key) {
        m->has_zero = 1;
        m->zero_val = 0;
        return &m->zero_val;
    }
    size_t j = slot_of(key, m->cap);
    while (m->keys[j])
        j = (j + 1) & (m->cap - 1);
    m->keys[j] = key;
    m->vals[j] = 0;
    m->n++;
    return &m->vals[j];
}

pm_status pm_hmap_put_new(pm_hmap *m, const uint64_t *keys, const uint64_t *vals, size_t n)
{
    if (m->bytes)
        return PM_ERR_ARG;
    if (n > m->max || pm_hmap_count(m) > m->max - n)
        return PM_ERR_TOO_BIG;
    pm_status st = pm_hmap_reserve(m, m->n + n);
    if (st != PM_OK)
        return st;
    /* (slot << 32 | key index) for keys under 2^32, else one put per key */
    uint64_t *x = n >= 4096 && n <= UINT32_MAX && m->cap <= ((size_t)1 << 32)
                      ? malloc(2 * n * sizeof *x) : NULL;
    size_t *cnt = x ? malloc(65536 * sizeof *cnt) : NULL;
    if (!cnt) {
        free(x);
        for (size_t i = 0; i < n; i++) {
            int added = 0;
            uint64_t *v = pm_hmap_put(m, keys[i], &added, &st);
            if (!v)
                return st;
            if (!added)
                return PM_ERR_STATE;
            *v = vals ? vals[i] : 0;
        }
        return PM_OK;
    }
    uint64_t *y = x + n;
    for (size_t i = 0; i < n; i++)
        x[i] = (uint64_t)slot_of(keys[i], m->cap) << 32 | i;
    for (int shift = 32; (size_t)1 << (shift - 32) < m->cap; shift += 16) { /* LSD radix */
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[x[i] >> shift & 0xffff]++;
        for (size_t d = 0, sum = 0; d < 65536; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            y[cnt[x[i] >> shift & 0xffff]++] = x[i];
        uint64_t *t = x;
        x = y;
        y = t;
    }
    for (size_t r = 0; r < n && st == PM_OK; r++) {
        size_t i = (size_t)(x[r] & 0xffffffffu);
        uint64_t key = keys[i], val = vals ? vals[i] : 0;
        if (!key) {
            if (m->has_zero) {
                st = PM_ERR_STATE;
                break;
            }
            m->has_zero = 1;
            m->zero_val = val;
            continue;
        }
        size_t j = slot_of(key, m->cap);
        for (; m->keys[j] && m->keys[j] != key; j = (j + 1) & (m->cap - 1))
            ;
        if (m->keys[j]) { /* present: the caller said new */
            st = PM_ERR_STATE;
            break;
        }
        m->keys[j] = key;
        m->vals[j] = val;
        m->n++;
    }
    free(x < y ? x : y); /* the one allocation, whichever half holds the result */
    free(cnt);
    return st;
}

static uint64_t bytes_hash(const void *key, size_t len)
{
    uint64_t h = pm_hash64(key, len, 0x686d6170ull);
    return h ? h : 1;
}

/* The slot of the byte key: its entry, or the empty slot where it would go. */
static size_t find_bytes(const pm_hmap *m, const void *key, size_t len, uint64_t h)
{
    size_t j = slot_of(h, m->cap);
    for (; m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (m->keys[j] == h && m->klen[j] == len && memcmp(m->arena + m->koff[j], key, len) == 0)
            break;
    return j;
}

uint64_t *pm_hmap_get_bytes(const pm_hmap *m, const void *key, size_t len)
{
    if (!m->cap)
        return NULL;
    size_t j = find_bytes(m, key, len, bytes_hash(key, len));
    return m->keys[j] ? &m->vals[j] : NULL;
}

uint64_t *pm_hmap_put_bytes(pm_hmap *m, const void *key, size_t len, int *added,
                            pm_status *st)
{
    *added = 0;
    uint64_t h = bytes_hash(key, len);
    if (m->cap) {
        size_t j = find_bytes(m, key, len, h);
        if (m->keys[j])
            return &m->vals[j];
    }
    if (len > UINT32_MAX) {
        *st = PM_ERR_TOO_BIG;
        return NULL;
    }
    if (m->alen + len > m->acap) {
        size_t nc = m->acap ? m->acap : 1u << 12;
        while (nc < m->alen + len)
            nc *= 2;
        char *na = realloc(m->arena, nc);
        if (!na) {
            *st = PM_ERR_NOMEM;
            return NULL;
        }
        m->arena = na;
        m->acap = nc;
    }
    if ((*st = room(m)) != PM_OK)
        return NULL;
    size_t j = find_bytes(m, key, len, h);
    if (len)
        memcpy(m->arena + m->alen, key, len);
    m->keys[j] = h;
    m->vals[j] = 0;
    m->koff[j] = m->alen;
    m->klen[j] = (uint32_t)len;
    m->alen += len;
    m->n++;
    *added = 1;
    return &m->vals[j];
}
