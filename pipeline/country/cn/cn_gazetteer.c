/* country/cn/cn_gazetteer.c - loads China's division table and the organ tables into one
 * read-only name index.
 *
 * Every name (official division names, their short aliases, central organs, department
 * suffixes, province abbreviations, document-number prefixes) is a key of one
 * open-addressing hash map whose postings say what the key is and what it points to.
 * Lookups are by exact byte string; the issuer resolver asks for the longest key at a
 * position. Loaded once, never modified afterwards, shared by all threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cn_gaz_internal.h"
#include "../country_internal.h"
#include "policyminer/hash.h"

const char *pm_level_key(pm_level lv)
{
    switch (lv) {
    case PM_LEVEL_UNKNOWN: return "unknown";
    case PM_LEVEL_CENTRAL: return "central";
    case PM_LEVEL_PROVINCIAL: return "provincial";
    case PM_LEVEL_PREFECTURE: return "prefecture";
    case PM_LEVEL_COUNTY: return "county";
    case PM_LEVEL_COUNT: break;
    }
    return "unknown";
}

static char *dupn(pm_gazetteer *g, const char *s, size_t n)
{
    (void)g;
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static pm_status map_grow(pm_gazetteer *g)
{
    size_t ncap = g->kcap ? g->kcap * 2 : 8192;
    gaz_key *nk = calloc(ncap, sizeof *nk);
    if (!nk)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < g->kcap; i++) {
        if (!g->keys[i].s)
            continue;
        size_t j = g->keys[i].hash & (ncap - 1);
        while (nk[j].s)
            j = (j + 1) & (ncap - 1);
        nk[j] = g->keys[i];
    }
    free(g->keys);
    g->keys = nk;
    g->kcap = ncap;
    return PM_OK;
}

static size_t bloom_bit(uint64_t h) { return (size_t)(h >> 40) & (PM_GAZ_BLOOM_BITS - 1); }

static pm_status add_key(pm_gazetteer *g, const char *s, size_t n, int kind, uint32_t value)
{
    if (n == 0)
        return PM_OK;
    if ((g->nkeys + 1) * 2 > g->kcap) {
        pm_status st = map_grow(g);
        if (st != PM_OK)
            return st;
    }
    if (g->npost == g->pcap) {
        size_t nc = g->pcap ? g->pcap * 2 : 16384;
        gaz_post *np = realloc(g->post, nc * sizeof *np);
        if (!np)
            return PM_ERR_NOMEM;
        g->post = np;
        g->pcap = nc;
    }
    uint64_t h = pm_fnv1a64(s, n);
    size_t j = h & (g->kcap - 1);
    while (g->keys[j].s && !(g->keys[j].hash == h && g->keys[j].len == n &&
                             memcmp(g->keys[j].s, s, n) == 0))
        j = (j + 1) & (g->kcap - 1);
    if (!g->keys[j].s) {
        char *k = dupn(g, s, n);
        if (!k)
            return PM_ERR_NOMEM;
        g->keys[j] = (gaz_key){k, n, h, UINT32_MAX};
        g->nkeys++;
        size_t b = bloom_bit(h);
        g->kbloom[b >> 6] |= 1ull << (b & 63);
        if (n > g->max_key)
            g->max_key = n;
    }
    g->post[g->npost] = (gaz_post){(uint8_t)kind, value, g->keys[j].first};
    g->keys[j].first = (uint32_t)g->npost++;
    return PM_OK;
}

uint32_t pm_gaz_lookup(const pm_gazetteer *g, const char *s, size_t n)
{
    if (n == 0 || n > g->max_key || !g->kcap)
        return UINT32_MAX;
    return pm_gaz_lookup_hashed(g, s, n, pm_fnv1a64(s, n));
}

uint32_t pm_gaz_lookup_hashed(const pm_gazetteer *g, const char *s, size_t n, uint64_t h)
{
    if (n == 0 || n > g->max_key || !g->kcap)
        return UINT32_MAX;
    size_t b = bloom_bit(h);
    if (!(g->kbloom[b >> 6] >> (b & 63) & 1))
        return UINT32_MAX;
    size_t j = h & (g->kcap - 1);
    while (g->keys[j].s) {
        if (g->keys[j].hash == h && g->keys[j].len == n && memcmp(g->keys[j].s, s, n) == 0)
            return g->keys[j].first;
        j = (j + 1) & (g->kcap - 1);
    }
    return UINT32_MAX;
}


static pm_level level_of(const char *s)
{
    if (strcmp(s, "provincial") == 0)
        return PM_LEVEL_PROVINCIAL;
    if (strcmp(s, "prefecture") == 0)
        return PM_LEVEL_PREFECTURE;
    if (strcmp(s, "county") == 0)
        return PM_LEVEL_COUNTY;
    return PM_LEVEL_UNKNOWN;
}

static pm_status load_divisions(pm_gazetteer *g, const char *path, pm_errctx *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return pm_errctx_set(err, PM_ERR_OPEN, path, "cannot open gazetteer");
    char line[4096];
    unsigned ln = 0;
    pm_status st = PM_OK;
    while (st == PM_OK && fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || line[0] == '\n' || strncmp(line, "code\t", 5) == 0)
            continue;
        char *fl[9];
        size_t nf = pm_pack_split_tabs(line, fl, 9);
        pm_level lv = nf >= 9 ? level_of(fl[2]) : PM_LEVEL_UNKNOWN;
        if (nf < 9 || strlen(fl[0]) != 6 || lv == PM_LEVEL_UNKNOWN) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: expected 9 columns", ln);
            err->line = ln;
            break;
        }
        if (g->ndiv == g->divcap) {
            size_t nc = g->divcap ? g->divcap * 2 : 8192;
            pm_division *nd = realloc(g->div, nc * sizeof *nd);
            if (!nd) {
                st = PM_ERR_NOMEM;
                break;
            }
            g->div = nd;
            g->divcap = nc;
        }
        char *name = dupn(g, fl[1], strlen(fl[1]));
        if (!name) {
            st = PM_ERR_NOMEM;
            break;
        }
        uint32_t idx = (uint32_t)g->ndiv;
        g->div[g->ndiv++] = (pm_division){
            (uint32_t)strtoul(fl[0], NULL, 10), name, lv, (uint32_t)strtoul(fl[3], NULL, 10),
            (uint32_t)strtoul(fl[4], NULL, 10), atoi(fl[5]), atoi(fl[6])};
        st = add_key(g, fl[1], strlen(fl[1]), GK_DIV_FULL, idx);
        for (char *a = fl[8]; st == PM_OK && *a;) {
            char *semi = strchr(a, ';');
            size_t al = semi ? (size_t)(semi - a) : strlen(a);
            st = add_key(g, a, al, GK_DIV_ALIAS, idx);
            a += al + (semi ? 1 : 0);
        }
    }
    fclose(f);
    if (st == PM_OK && g->ndiv == 0)
        st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "no divisions");
    return st;
}

static pm_status load_organs(pm_gazetteer *g, const char *path, pm_errctx *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return pm_errctx_set(err, PM_ERR_OPEN, path, "cannot open organ table");
    char line[1024];
    unsigned ln = 0;
    pm_status st = PM_OK;
    static const char *const kinds[] = {"central_organ", "organ_suffix", "province_abbr", "docno_prefix"};
    static const int kval[] = {GK_CENTRAL, GK_SUFFIX, GK_ABBR, GK_DOCNO};
    while (st == PM_OK && fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || line[0] == '\n' || strncmp(line, "kind\t", 5) == 0)
            continue;
        char *fl[3];
        size_t nf = pm_pack_split_tabs(line, fl, 3);
        int kind = -1;
        for (int k = 0; k < 4 && nf >= 2; k++)
            if (strcmp(fl[0], kinds[k]) == 0)
                kind = kval[k];
        if (kind < 0 || !fl[1][0]) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path, "line %u: unknown kind or empty text", ln);
            err->line = ln;
            break;
        }
        uint32_t v = nf >= 3 ? (uint32_t)strtoul(fl[2], NULL, 10) : 0;
        st = add_key(g, fl[1], strlen(fl[1]), kind, v);
    }
    fclose(f);
    return st;
}

static pm_status checksum_both(pm_gazetteer *g, const char *a, const char *b)
{
    char ha[72], hb[72];
    if (pm_sha256_file(a, ha) != PM_OK || pm_sha256_file(b, hb) != PM_OK)
        return PM_ERR_IO;
    char both[160];
    snprintf(both, sizeof both, "%s %s", ha, hb);
    memcpy(g->checksum, "sha256:", 7);
    pm_sha256_hex(both, strlen(both), g->checksum + 7);
    return PM_OK;
}

pm_status pm_gaz_load(pm_gazetteer **out, const char *dir, pm_errctx *err)
{
    *out = NULL;
    pm_gazetteer *g = calloc(1, sizeof *g);
    if (!g)
        return pm_errctx_set(err, PM_ERR_NOMEM, dir, "loading gazetteer");
    pm_gaz_trad_bits(g->trad_bits, g->trad_rank);
    for (uint32_t lead = 0; lead < 6; lead++)
        for (uint32_t c1 = 0; c1 < 64; c1++) {
            uint32_t page = (4 + lead) << 6 | c1, w = page - PM_GAZ_TRAD_BASE / 64;
            g->trad_by_lead[lead << 6 | c1] = w < PM_GAZ_TRAD_WORDS ? g->trad_bits[w] : 0;
        }
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/gazetteer.tsv", dir);
    snprintf(p2, sizeof p2, "%s/organs.tsv", dir);
    pm_status st = map_grow(g);
    if (st == PM_OK)
        st = load_divisions(g, p1, err);
    if (st == PM_OK)
        st = load_organs(g, p2, err);
    if (st == PM_OK && checksum_both(g, p1, p2) != PM_OK)
        st = pm_errctx_set(err, PM_ERR_IO, p1, "cannot checksum");
    if (st != PM_OK) {
        if (err && err->code == PM_OK)
            pm_errctx_set(err, st, p1, "loading gazetteer");
        pm_gaz_free(g);
        return st;
    }
    *out = g;
    return PM_OK;
}

void pm_gaz_free(pm_gazetteer *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->kcap; i++)
        free(g->keys[i].s);
    for (size_t i = 0; i < g->ndiv; i++)
        free((char *)g->div[i].name);
    free(g->keys);
    free(g->post);
    free(g->div);
    free(g);
}

/* NULL (a pack without China's gazetteer) has none */
const char *pm_gaz_checksum(const pm_gazetteer *g) { return g ? g->checksum : "none"; }
size_t pm_gaz_count(const pm_gazetteer *g) { return g->ndiv; }
const pm_division *pm_gaz_at(const pm_gazetteer *g, size_t i) { return &g->div[i]; }

int pm_division_valid(const pm_division *d, int year)
{
    return d->first_year <= year && (d->last_year == 0 || year < d->last_year);
}

const pm_division *pm_gaz_find(const pm_gazetteer *g, uint32_t code, int year)
{
    /* rows are sorted by code then first year: binary search the first row of the code */
    size_t lo = 0, hi = g->ndiv;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->div[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    const pm_division *best = NULL;
    for (size_t i = lo; i < g->ndiv && g->div[i].code == code; i++) {
        if (year && pm_division_valid(&g->div[i], year))
            return &g->div[i];
        best = &g->div[i]; /* latest record of the code */
    }
    return best;
}
