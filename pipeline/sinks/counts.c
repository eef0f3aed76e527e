/* sinks/counts.c - the tidy long aggregate behind counts.tsv.
 *
 * Counts documents per (year, level, province, dimension, category): packed 64-bit keys
 * in core's hash map, pointing into an array of (key, count) in first-seen order. The
 * packing order is the output sort order, so writing is one sort of that array. The province is the country pack's region index of the
 * record's province (its canonical record, country.h), so provinces sort in the pack's
 * order and print at its code width; levels are record levels named by the pack. Dimensions: "level" (category = the level), every dictionary
 * dimension in table order, and after "instrument" the pseudo-dimension
 * "instrument_group" (its groups, plus "any" = documents with at least one instrument).
 * Merging is addition, so it is associative and commutative (threads, shards, refresh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/country.h"
#include "policyminer/hmap.h"
#include "policyminer/sinks.h"

#define SLOT_MAX 64

typedef struct slot_info {
    int kind;   /* 0 level, 1 dictionary dim, 2 instrument groups */
    size_t dim; /* dictionary dimension for kind 1 and 2 */
} slot_info;

struct pm_counts {
    const pm_dictset *d;
    const pm_country *country;
    pm_hmap *map;   /* packed key -> index in kv */
    uint64_t (*kv)[2]; /* (packed key, documents) */
    size_t n, cap;
    slot_info slots[SLOT_MAX];
    size_t nslots;
    size_t dim_slot[PM_MAX_DIMS];
    size_t group_slot; /* (size_t)-1 if no instrument dimension */
};

/* year 12 bits | record level 4 | province region index + 1 (0 = none) 20 | slot 12 |
 * category 16: a pack has at most PM_COUNTRY_MAX_LEVELS levels and fewer than 2^20
 * regions (pack.c caps them) */
#define PROV_BITS 20
static uint64_t pack(int year, unsigned level, uint32_t prov, size_t slot, size_t cat)
{
    if (year < 0 || year > 4095)
        year = 0;
    return ((uint64_t)year << 52) | ((uint64_t)(level & 15u) << 48) |
           ((uint64_t)(prov & ((1u << PROV_BITS) - 1)) << 28) | ((uint64_t)slot << 16) |
           (uint64_t)cat;
}

pm_status pm_counts_create(pm_counts **out, const pm_dictset *d, const pm_country *country)
{
    *out = NULL;
    pm_counts *c = calloc(1, sizeof *c);
    if (!c)
        return PM_ERR_NOMEM;
    c->d = d;
    c->country = country;
    if (pm_country_region_count(country) >= (1u << PROV_BITS) - 1) {
        free(c);
        return PM_ERR_TOO_BIG;
    }
    if (pm_hmap_create(&c->map, 0, 0) != PM_OK) {
        pm_counts_free(c);
        return PM_ERR_NOMEM;
    }
    size_t order[PM_MAX_DIMS];
    pm_dim_order(d, order);
    c->group_slot = (size_t)-1;
    c->slots[c->nslots++] = (slot_info){0, 0};
    for (size_t i = 0; i < pm_dictset_ndims(d) && c->nslots + 2 <= SLOT_MAX; i++) {
        size_t dim = order[i];
        c->dim_slot[dim] = c->nslots;
        c->slots[c->nslots++] = (slot_info){1, dim};
        if (strcmp(pm_dictset_dim_name(d, dim), "instrument") == 0) {
            c->group_slot = c->nslots;
            c->slots[c->nslots++] = (slot_info){2, dim};
        }
    }
    *out = c;
    return PM_OK;
}

void pm_counts_free(pm_counts *c)
{
    if (!c)
        return;
    pm_hmap_free(c->map);
    free(c->kv);
    free(c);
}

/* A bijection (splitmix64's finaliser): the map places keys by their low and middle bits,
 * and packed keys differ mostly in the high ones (year, level), which made long probe
 * chains; mixed keys are as distinct as the packed ones. */
static uint64_t mix(uint64_t k)
{
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ull;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebull;
    return k ^ (k >> 31);
}

static pm_status bump(pm_counts *c, uint64_t key, uint64_t by)
{
    pm_status st = pm_array_reserve(&c->kv, &c->cap, c->n + 1, sizeof *c->kv, 1024, UINT32_MAX);
    int added = 0;
    uint64_t *i = st == PM_OK ? pm_hmap_put(c->map, mix(key), &added, &st) : NULL;
    if (!i)
        return st;
    if (added) {
        *i = c->n;
        c->kv[c->n][0] = key;
        c->kv[c->n++][1] = 0;
    }
    c->kv[*i][1] += by;
    return PM_OK;
}

pm_status pm_counts_add(pm_counts *c, int year, pm_level level, uint32_t province_code,
                        const pm_catset *cats)
{
    /* the province exists from record level 2 down (country.h) */
    uint32_t pi = pm_country_record_province_code(c->country, level, province_code);
    uint32_t prov = pi == PM_REGION_NONE ? 0 : pi + 1;
    pm_status st = bump(c, pack(year, level, prov, 0, level), 1);
    for (size_t s = 1; st == PM_OK && s < c->nslots; s++) {
        const slot_info *si = &c->slots[s];
        const pm_catset *cs = &cats[si->dim];
        size_t n = pm_dictset_ncats(c->d, si->dim);
        if (si->kind == 1) {
            for (size_t k = 0; st == PM_OK && k < n; k++)
                if (pm_catset_has(cs, (unsigned)k))
                    st = bump(c, pack(year, level, prov, s, k), 1);
        } else {
            pm_catset g;
            memset(&g, 0, sizeof g);
            int any = 0;
            for (size_t k = 0; k < n; k++) {
                if (!pm_catset_has(cs, (unsigned)k))
                    continue;
                any = 1;
                if (pm_dictset_cat_group(c->d, si->dim, k)[0])
                    pm_catset_set(&g, (unsigned)pm_dictset_cat_group_index(c->d, si->dim, k));
            }
            size_t ng = pm_dictset_ngroups(c->d, si->dim);
            for (size_t k = 0; st == PM_OK && k < ng; k++)
                if (pm_catset_has(&g, (unsigned)k))
                    st = bump(c, pack(year, level, prov, s, k), 1);
            if (st == PM_OK && any)
                st = bump(c, pack(year, level, prov, s, ng), 1);
        }
    }
    return st;
}

pm_status pm_counts_merge(pm_counts *c, const pm_counts *from)
{
    for (size_t i = 0; i < from->n; i++) {
        pm_status st = bump(c, from->kv[i][0], from->kv[i][1]);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

void pm_counts_export(const pm_counts *c, const uint64_t (**kv)[2], size_t *n)
{
    *kv = (const uint64_t(*)[2])c->kv;
    *n = c->n;
}

pm_status pm_counts_import(pm_counts *c, const uint64_t (*kv)[2], size_t n)
{
    if (!c->n && n) { /* into an empty table (a refresh's restore): the map in slot order */
        uint64_t *keys = malloc(2 * n * sizeof *keys);
        pm_status st = keys ? pm_array_reserve(&c->kv, &c->cap, n, sizeof *c->kv, 1024, UINT32_MAX)
                            : PM_ERR_NOMEM;
        for (size_t i = 0; st == PM_OK && i < n; i++) {
            keys[i] = mix(kv[i][0]);
            keys[n + i] = i;
            c->kv[i][0] = kv[i][0];
            c->kv[i][1] = kv[i][1];
        }
        if (st == PM_OK && (st = pm_hmap_put_new(c->map, keys, keys + n, n)) == PM_OK)
            c->n = n;
        free(keys);
        if (st != PM_ERR_STATE) /* a repeated key: added one by one below, summed */
            return st;
        pm_hmap_free(c->map);
        c->map = NULL;
        if ((st = pm_hmap_create(&c->map, 0, 0)) != PM_OK)
            return st;
    }
    pm_status st = pm_hmap_reserve(c->map, c->n + n);
    if (st == PM_OK)
        st = pm_array_reserve(&c->kv, &c->cap, c->n + n, sizeof *c->kv, 1024, UINT32_MAX);
    for (size_t i = 0; st == PM_OK && i < n; i++)
        st = bump(c, kv[i][0], kv[i][1]);
    return st;
}

/* Sorts the (key, count) pairs by key: an LSD radix sort on 16-bit digits, skipping a digit
 * every key shares (keys are unique, so the order is total). The qsort it replaces was a
 * quarter of writing the table, which a refresh does whole for a handful of changes.
 * Returns the sorted array (x or y); NULL when out of memory. */
static uint64_t (*sort_pairs(uint64_t (*x)[2], uint64_t (*y)[2], size_t n))[2]
{
    size_t *cnt = malloc(65536 * sizeof *cnt);
    if (!cnt)
        return NULL;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[x[i][0] >> shift & 0xffff]++;
        if (n && cnt[x[0][0] >> shift & 0xffff] == n)
            continue;
        for (size_t d = 0, sum = 0; d < 65536; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t *to = y[cnt[x[i][0] >> shift & 0xffff]++];
            to[0] = x[i][0];
            to[1] = x[i][1];
        }
        uint64_t (*t)[2] = x;
        x = y;
        y = t;
    }
    free(cnt);
    return x;
}

static void put(pm_buf *b, const char *s, size_t n) /* after a pm_buf_reserve for it */
{
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

pm_status pm_counts_write(const pm_counts *c, pm_outfile *f, pm_errctx *err)
{
    size_t m = c->n;
    uint64_t (*x)[2] = malloc((m ? m : 1) * sizeof *x), (*y)[2] = malloc((m ? m : 1) * sizeof *y);
    uint64_t (*pairs)[2] = x && y ? (m ? memcpy(x, c->kv, m * sizeof *x), sort_pairs(x, y, m) : x)
                                  : NULL;
    if (!pairs) {
        free(x);
        free(y);
        return pm_errctx_set(err, PM_ERR_NOMEM, NULL, "sorting counts");
    }

    pm_buf b;
    pm_buf_init(&b, (size_t)1 << 30);
    pm_status st = pm_buf_append_str(&b, "year\tlevel\tprovince_code\tdimension\tcategory\tn_docs\n");
    /* the province's code, formatted once per run of keys with that province (keys sort
     * by year, level, province: consecutive rows mostly share it) */
    uint32_t last_prov = 0;
    char pb[PM_COUNTRY_CODE_BUF];
    size_t npb = 0;
    for (size_t i = 0; st == PM_OK && i < m; i++) {
        uint64_t k = pairs[i][0];
        int year = (int)(k >> 52);
        unsigned level = (unsigned)(k >> 48) & 15u;
        uint32_t prov = (uint32_t)(k >> 28) & ((1u << PROV_BITS) - 1);
        size_t slot = (size_t)(k >> 16) & 0xfffu, cat = (size_t)(k & 0xffffu);
        const slot_info *si = &c->slots[slot];
        const char *dim, *catkey;
        if (si->kind == 0) {
            dim = "level";
            catkey = pm_country_record_level_key(c->country, (unsigned)cat);
        } else if (si->kind == 1) {
            dim = pm_dictset_dim_name(c->d, si->dim);
            catkey = pm_dictset_cat_key(c->d, si->dim, cat);
        } else {
            dim = "instrument_group";
            catkey = cat < pm_dictset_ngroups(c->d, si->dim)
                         ? pm_dictset_group_key(c->d, si->dim, cat) : "any";
        }
        if (prov != last_prov) {
            npb = prov ? strlen(pm_country_format_region(c->country, prov - 1, pb, sizeof pb)) : 0;
            last_prov = prov;
        }
        /* one reserve per row, then the fields copied: a refresh writes this whole table */
        const char *lk = pm_country_record_level_key(c->country, level);
        size_t nlk = strlen(lk), ndim = strlen(dim), ncat = strlen(catkey);
        st = pm_buf_reserve(&b, 2 * PM_U64_DEC_MAX + nlk + npb + ndim + ncat + 8);
        if (st != PM_OK)
            break;
        char num[PM_U64_DEC_MAX];
        if (year)
            put(&b, num, pm_u64_dec(num, (uint64_t)year, 0));
        put(&b, "\t", 1);
        put(&b, lk, nlk);
        put(&b, "\t", 1);
        put(&b, pb, npb);
        put(&b, "\t", 1);
        put(&b, dim, ndim);
        put(&b, "\t", 1);
        put(&b, catkey, ncat);
        put(&b, "\t", 1);
        put(&b, num, pm_u64_dec(num, pairs[i][1], 0));
        put(&b, "\n", 1);
        b.data[b.len] = '\0';
        if (b.len > (1u << 20)) {
            st = pm_outfile_write(f, b.data, b.len, err);
            pm_buf_reset(&b);
        }
    }
    if (st == PM_OK)
        st = pm_outfile_write(f, b.data, b.len, err);
    else if (st != PM_ERR_OUTPUT)
        pm_errctx_set(err, st, NULL, "writing counts");
    pm_buf_free(&b);
    free(x);
    free(y);
    return st;
}
