/* diffusion/discover.c - the country-independent half of policy discovery: normalising
 * candidate names, the per-document candidate list, and the bounded corpus-wide table
 * of distinct names.
 *
 * Normalisation is a fixed, auditable fold (full -> half width, traditional ->
 * simplified with the gazetteer's table, ASCII lower case, spaces and quote marks
 * dropped); what counts as a name is the country pack's business (policyname_cn.c).
 * The table gives names dense indices in the order the committer first meets them, which
 * is input order in every kind of run, and stops growing at its cap: later new names are
 * dropped and counted, never silently. It never reads document text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/discover.h"
#include "policyminer/hash.h"
#include "policyminer/textparse.h"
#include "policyminer/utf8.h"

const char *pm_pname_source_key(pm_pname_source s)
{
    switch (s) {
    case PM_PSRC_TITLE: return "title";
    case PM_PSRC_QUOTED: return "quoted";
    case PM_PSRC_SUFFIX: return "suffix";
    case PM_PSRC_LAST: return "";
    }
    return "";
}

static size_t put_cp(char *out, size_t cap, size_t k, uint32_t cp)
{
    char b[4];
    size_t l = pm_utf8_encode(cp, b);
    if (k + l >= cap)
        return (size_t)-1;
    for (size_t j = 0; j < l; j++) /* 1..3 bytes: no call */
        out[k + j] = b[j];
    return k + l;
}

static int is_mark(uint32_t cp)
{
    switch (cp) {
    case '"': case '\'': case 0x201C: case 0x201D: case 0x2018: case 0x2019:
    case 0x300C: case 0x300D: case 0x300E: case 0x300F: case 0x300A: case 0x300B:
    case 0x3008: case 0x3009:
        return 1;
    default:
        return 0;
    }
}

/* Full width to half width and traditional to simplified; keeps quote marks (the rules
 * need them) unless drop_marks. */
static size_t fold(const char *s, size_t n, char *out, size_t cap, int drop_marks)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int l = pm_utf8_next(s + i, n - i, &cp);
        if (l <= 0) { /* not UTF-8: skip the byte (readers validated the text already) */
            i++;
            continue;
        }
        i += (size_t)l;
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            cp -= 0xFEE0;
        if (cp == 0x3000 || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp < 0x20)
            continue;
        if (drop_marks && is_mark(cp))
            continue;
        if (cp >= 'A' && cp <= 'Z')
            cp += 32;
        if (cp >= 0x4E00 && cp <= 0x9FFF)
            cp = pm_gaz_fold_trad(cp);
        size_t nk = put_cp(out, cap, k, cp);
        if (nk == (size_t)-1)
            return (size_t)-1;
        k = nk;
    }
    out[k] = 0;
    return k;
}

size_t pm_pname_normalize(const char *s, size_t n, char *out, size_t cap)
{
    if (!cap)
        return 0;
    size_t k = fold(s, n, out, cap, 1);
    if (k == (size_t)-1) {
        out[0] = 0;
        return 0;
    }
    return k;
}

size_t pm_pname_fold_text(const char *s, size_t n, char *out, size_t cap)
{
    while (n) {
        size_t k = fold(s, n, out, cap, 0);
        if (k != (size_t)-1)
            return k;
        n = n > 64 ? n - 64 : 0; /* too long: fold less */
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    out[0] = 0;
    return 0;
}

pm_status pm_pname_words_load(const char *path, const char *const *kinds, int nkinds,
                              size_t max_bytes, pm_pname_word_fn add, void *ud, int *found,
                              char checksum[72], pm_errctx *err)
{
    *found = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return PM_OK; /* no data: discovery is off */
    char line[512];
    unsigned ln = 0;
    pm_status st = PM_OK;
    while (st == PM_OK && fgets(line, sizeof line, f)) {
        ln++;
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        if (!n || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        int k = -1;
        if (tab) {
            *tab = 0;
            for (int i = 0; i < nkinds; i++)
                if (strcmp(line, kinds[i]) == 0)
                    k = i;
        }
        size_t wl = tab ? strlen(tab + 1) : 0;
        if (k < 0 || !wl || wl >= max_bytes || strchr(tab + 1, '\t')) {
            st = pm_errctx_set(err, PM_ERR_DICT_SYNTAX, path,
                               "line %u: expected a known KIND, a tab and one word (< %zu bytes)",
                               ln, max_bytes);
            if (err)
                err->line = ln;
            break;
        }
        st = add(ud, k, tab + 1, wl, ln, err);
    }
    fclose(f);
    if (st == PM_OK && pm_sha256_file(path, checksum) != PM_OK)
        st = pm_errctx_set(err, PM_ERR_OPEN, path, "cannot read");
    *found = st == PM_OK;
    return st;
}

void pm_pnames_add(pm_pnames *out, const char *name, size_t len, pm_pname_source src,
                   size_t offset)
{
    if (!len || len >= PM_PNAME_BYTES)
        return;
    for (unsigned i = 0; i < out->n; i++)
        if (out->v[i].len == len && memcmp(out->v[i].s, name, len) == 0)
            return;
    if (out->n == PM_MAX_PNAMES) {
        out->cut++;
        return;
    }
    pm_pname *p = &out->v[out->n++];
    memcpy(p->s, name, len);
    p->s[len] = 0;
    p->len = (uint8_t)len;
    p->source = (uint8_t)src;
    p->offset = (uint32_t)offset;
}

/* ---- distinct names -------------------------------------------------------------------- */

typedef struct pentry {
    uint64_t hash;
    uint32_t off;   /* into the arena */
    uint8_t len;
} pentry;

struct pm_pname_table {
    pentry *v;
    size_t n, max;
    uint32_t *slot; /* index + 1, 0 = empty */
    size_t scap;
    char *arena;
    size_t alen, acap;
    uint64_t dropped;
};

#define NAME_SEED 0x706e616d65ull /* "pname" */

uint64_t pm_pname_hash(const char *name, size_t len)
{
    return pm_hash64(name, len, NAME_SEED);
}

pm_status pm_pname_table_create(pm_pname_table **out, size_t max_names)
{
    *out = NULL;
    pm_pname_table *t = calloc(1, sizeof *t);
    if (!t)
        return PM_ERR_NOMEM;
    t->max = max_names ? max_names : (size_t)1 << 20;
    if (t->max > UINT32_MAX - 1)
        t->max = UINT32_MAX - 1;
    *out = t;
    return PM_OK;
}

void pm_pname_table_free(pm_pname_table *t)
{
    if (!t)
        return;
    free(t->v);
    free(t->slot);
    free(t->arena);
    free(t);
}

static pm_status grow_slots(pm_pname_table *t)
{
    size_t ncap = t->scap ? t->scap * 2 : 1024;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = t->v[i].hash & (ncap - 1);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = (uint32_t)i + 1;
    }
    free(t->slot);
    t->slot = ns;
    t->scap = ncap;
    return PM_OK;
}

pm_status pm_pname_table_intern(pm_pname_table *t, const char *name, size_t len, uint32_t *idx)
{
    *idx = UINT32_MAX;
    if (!len || len >= PM_PNAME_BYTES)
        return PM_OK;
    if ((t->n + 1) * 2 > t->scap) {
        pm_status st = grow_slots(t);
        if (st != PM_OK)
            return st;
    }
    uint64_t h = pm_pname_hash(name, len);
    size_t j = h & (t->scap - 1);
    while (t->slot[j]) {
        const pentry *e = &t->v[t->slot[j] - 1];
        if (e->hash == h && e->len == len && memcmp(t->arena + e->off, name, len) == 0) {
            *idx = t->slot[j] - 1;
            return PM_OK;
        }
        j = (j + 1) & (t->scap - 1);
    }
    if (t->n >= t->max) { /* full: the name is dropped, and said so in manifest.json */
        t->dropped++;
        return PM_OK;
    }
    if (t->alen + len + 1 > t->acap) {
        size_t nc = t->acap ? t->acap * 2 : 1 << 16;
        char *na = realloc(t->arena, nc);
        if (!na)
            return PM_ERR_NOMEM;
        t->arena = na;
        t->acap = nc;
    }
    if (t->n % 1024 == 0) {
        pentry *nv = realloc(t->v, (t->n + 1024) * sizeof *nv);
        if (!nv)
            return PM_ERR_NOMEM;
        t->v = nv;
    }
    memcpy(t->arena + t->alen, name, len);
    t->arena[t->alen + len] = 0;
    t->v[t->n] = (pentry){h, (uint32_t)t->alen, (uint8_t)len};
    t->alen += len + 1;
    t->slot[j] = (uint32_t)t->n + 1;
    *idx = (uint32_t)t->n++;
    return PM_OK;
}

size_t pm_pname_table_count(const pm_pname_table *t) { return t ? t->n : 0; }

const char *pm_pname_table_name(const pm_pname_table *t, uint32_t idx, size_t *len)
{
    *len = t->v[idx].len;
    return t->arena + t->v[idx].off;
}

uint64_t pm_pname_table_dropped(const pm_pname_table *t) { return t ? t->dropped : 0; }
