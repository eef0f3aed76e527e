/* classify/issuer.c - who issued a document: organ text -> level and division code.
 *
 * Evidence in order: the <issuer> field, the organ before 关于 / 印发 / 《 in the title (a
 * bare "省人民政府" / "县人民政府办公室" takes the first division of that level named later in
 * the title), the document-number prefix, the signature block, a division name opening
 * the title ("辽宁省重大动物疫情应急实施办法"), the <region> hint. A government is found
 * as a chain of division names (广东省深圳市南山区), each name the longest key at its
 * position, each link filtered to the divisions inside the previous one; the document's
 * year picks the names in use then, full names beat short aliases, the region hint
 * breaks remaining ties, and otherwise the most senior reading wins. Departments and
 * development zones take the level of the government named before them.
 * Never allocates; reads only the given text and the read-only gazetteer.
 */
#include <string.h>

#include "gaz_internal.h"
#include "policyminer/textparse.h"

#define MAX_CAND 64
#define SCAN_BYTES 96 /* how far into an organ string a government name is looked for */

typedef struct cand {
    uint32_t idx[MAX_CAND];
    uint8_t alias[MAX_CAND];
    size_t n;
} cand;

static int boundary(const char *s, size_t n, size_t i)
{
    return i >= n || ((unsigned char)s[i] & 0xC0) != 0x80;
}

/* Longest key at s[0..) having a posting of one of the two kinds; returns its length. */
static size_t longest(const pm_gazetteer *g, const char *s, size_t n, int k1, int k2,
                      uint32_t *first)
{
    size_t max = n < g->max_key ? n : g->max_key;
    for (size_t len = max; len >= 2; len--) {
        if (!boundary(s, n, len))
            continue;
        uint32_t p = pm_gaz_lookup(g, s, len);
        for (uint32_t q = p; q != UINT32_MAX; q = g->post[q].next)
            if (g->post[q].kind == k1 || g->post[q].kind == k2) {
                *first = p;
                return len;
            }
    }
    return 0;
}

static int inside(const pm_division *c, const pm_division *parent)
{
    if (parent->level == PM_LEVEL_PROVINCIAL)
        return c->province_code == parent->code && c->code != parent->code;
    if (parent->level == PM_LEVEL_PREFECTURE)
        return c->level == PM_LEVEL_COUNTY && (c->parent_code == parent->code ||
                                               c->code / 100 == parent->code / 100);
    return 0;
}

/* Builds the chain of division names starting at s; returns bytes consumed (0 = none). */
static size_t chain(const pm_gazetteer *g, const char *s, size_t n, cand *out)
{
    size_t p = 0;
    out->n = 0;
    while (p < n) {
        uint32_t first;
        size_t len = longest(g, s + p, n - p, GK_DIV_FULL, GK_DIV_ALIAS, &first);
        if (!len)
            break;
        cand next;
        next.n = 0;
        for (uint32_t q = first; q != UINT32_MAX && next.n < MAX_CAND; q = g->post[q].next) {
            if (g->post[q].kind != GK_DIV_FULL && g->post[q].kind != GK_DIV_ALIAS)
                continue;
            const pm_division *c = &g->div[g->post[q].value];
            int ok = out->n == 0;
            for (size_t i = 0; !ok && i < out->n; i++)
                ok = inside(c, &g->div[out->idx[i]]);
            if (ok) {
                next.idx[next.n] = g->post[q].value;
                next.alias[next.n++] = g->post[q].kind == GK_DIV_ALIAS;
            }
        }
        if (!next.n)
            break;
        *out = next;
        p += len;
    }
    return out->n ? p : 0;
}

/* Narrows candidates to one division; 0 when none. Keeps level even when ambiguous. */
static const pm_division *choose(const pm_gazetteer *g, const cand *c, int year, uint32_t hint,
                                 pm_level *level)
{
    cand k = *c;
    /* 1: names in use in the document's year (or currently, when the year is unknown) */
    cand t = {.n = 0};
    for (size_t i = 0; i < k.n; i++) {
        const pm_division *d = &g->div[k.idx[i]];
        if (year ? pm_division_valid(d, year) : d->last_year == 0) {
            t.idx[t.n] = k.idx[i];
            t.alias[t.n++] = k.alias[i];
        }
    }
    if (t.n)
        k = t;
    /* 2: full names over aliases */
    t.n = 0;
    for (size_t i = 0; i < k.n; i++)
        if (!k.alias[i]) {
            t.idx[t.n] = k.idx[i];
            t.alias[t.n++] = 0;
        }
    if (t.n)
        k = t;
    /* 3: the region hint: same code, then same prefecture, then same province */
    if (hint && k.n > 1) {
        static const uint32_t div[3] = {1, 100, 10000};
        for (int lvl = 0; lvl < 3; lvl++) {
            t.n = 0;
            for (size_t i = 0; i < k.n; i++)
                if (g->div[k.idx[i]].code / div[lvl] == hint / div[lvl])
                    t.idx[t.n++] = k.idx[i];
            if (t.n) {
                k = t;
                break;
            }
        }
    }
    /* 4: the most senior reading */
    pm_level best = PM_LEVEL_COUNT;
    for (size_t i = 0; i < k.n; i++)
        if (g->div[k.idx[i]].level < best)
            best = g->div[k.idx[i]].level;
    t.n = 0;
    for (size_t i = 0; i < k.n; i++)
        if (g->div[k.idx[i]].level == best)
            t.idx[t.n++] = k.idx[i];
    k = t;
    *level = k.n ? best : PM_LEVEL_UNKNOWN;
    /* one code left (several rows of one code = renamings) */
    for (size_t i = 1; i < k.n; i++)
        if (g->div[k.idx[i]].code != g->div[k.idx[0]].code)
            return NULL;
    return k.n ? &g->div[k.idx[0]] : NULL;
}

static void set_division(pm_issuer_result *r, const pm_division *d, pm_level lv)
{
    r->level = lv;
    if (d) {
        r->region_code = d->code;
        r->province_code = d->province_code;
        r->region_name = d->name;
    }
}

static void set_central(pm_issuer_result *r)
{
    r->level = PM_LEVEL_CENTRAL;
    r->region_code = PM_CODE_CENTRAL;
    r->province_code = 0;
    r->region_name = "全国";
}

/* Resolves an organ string. Returns 1 when a level was found. */
static int resolve_organ(const pm_gazetteer *g, const char *s, size_t n, int year, uint32_t hint,
                         pm_issuer_result *r)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        n--;
    }
    if (n >= 6 && memcmp(s, "中共", 6) == 0 &&
        !(n >= 12 && memcmp(s, "中共中央", 12) == 0)) {
        s += 6; /* 中共广东省委 -> 广东省 */
        n -= 6;
    }
    uint32_t first;
    size_t clen = longest(g, s, n, GK_CENTRAL, -1, &first);
    if (clen) {
        /* a central organ's local branch (国家税务总局广东省税务局) belongs to that region */
        cand c;
        if (chain(g, s + clen, n - clen, &c)) {
            pm_level lv;
            const pm_division *d = choose(g, &c, year, hint, &lv);
            set_division(r, d, lv);
            return 1;
        }
        set_central(r);
        return 1;
    }
    size_t lim = n < SCAN_BYTES ? n : SCAN_BYTES;
    for (size_t p = 0; p < lim; p++) {
        if (!boundary(s, n, p))
            continue;
        cand c;
        if (chain(g, s + p, n - p, &c)) {
            pm_level lv;
            const pm_division *d = choose(g, &c, year, hint, &lv);
            set_division(r, d, lv);
            return lv != PM_LEVEL_UNKNOWN;
        }
        if (p == 0)
            continue;
        /* a central organ later in the string ("联合发文" lists) */
        if (longest(g, s + p, n - p, GK_CENTRAL, -1, &first)) {
            set_central(r);
            return 1;
        }
    }
    return 0;
}

/* Where the organ ends in a title: the first 关于, 印发, 转发, 批转, 贯彻 or 《 (0 = none, or
 * the title starts with it). "上海市人民政府印发《关于…》的通知" ends at 印发, not at the 关于
 * inside the book-title marks; "市政府贯彻国务院关于…" ends before the 国务院 it implements. */
static size_t organ_end(const char *t, size_t n)
{
    static const char *const stop[] = {"关于", "印发", "转发", "批转", "贯彻", "《"};
    size_t best = 0;
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++) {
        const char *k = memmem(t, n, stop[i], strlen(stop[i]));
        if (k && k > t && (best == 0 || (size_t)(k - t) < best))
            best = (size_t)(k - t);
    }
    return best;
}

/* The level a bare organ names by its first character ("省人民政府", "县政府办公室",
 * "自治区人民政府"); UNKNOWN when it starts otherwise. */
static pm_level bare_level(const char *s, size_t n)
{
    static const struct {
        const char *w;
        pm_level lv;
    } w[] = {{"自治区", PM_LEVEL_PROVINCIAL}, {"省", PM_LEVEL_PROVINCIAL},
             {"市", PM_LEVEL_PREFECTURE},     {"州", PM_LEVEL_PREFECTURE},
             {"盟", PM_LEVEL_PREFECTURE},     {"县", PM_LEVEL_COUNTY},
             {"区", PM_LEVEL_COUNTY},         {"旗", PM_LEVEL_COUNTY}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        size_t l = strlen(w[i].w);
        if (n > l && memcmp(s, w[i].w, l) == 0)
            return w[i].lv;
    }
    return PM_LEVEL_UNKNOWN;
}

/* A bare organ ("省人民政府关于印发湖北省…办法的通知") is the government of the first
 * division of its level named in the rest of the title; a name of another level is
 * skipped whole. Returns 1 if found. */
static int resolve_bare(const pm_gazetteer *g, const char *t, size_t organ, size_t n, int year,
                        uint32_t hint, pm_issuer_result *r)
{
    pm_level want = bare_level(t, organ);
    if (want == PM_LEVEL_UNKNOWN)
        return 0;
    size_t lim = n < 4 * SCAN_BYTES ? n : 4 * SCAN_BYTES;
    for (size_t p = organ; p < lim; p++) {
        if (!boundary(t, n, p))
            continue;
        cand c;
        size_t len = chain(g, t + p, n - p, &c);
        if (!len)
            continue;
        pm_level lv;
        const pm_division *d = choose(g, &c, year, hint, &lv);
        if (d && lv == want) {
            set_division(r, d, lv);
            return 1;
        }
        p += len - 1; /* a longer name is not re-read from its middle */
    }
    return 0;
}

static int from_code(const pm_gazetteer *g, uint32_t code, int year, pm_issuer_result *r)
{
    if (code == PM_CODE_CENTRAL) {
        set_central(r);
        return 1;
    }
    const pm_division *d = pm_gaz_find(g, code, year);
    if (!d)
        return 0;
    set_division(r, d, d->level);
    return 1;
}

static int resolve_docno(const pm_gazetteer *g, const char *s, size_t n, int year,
                         pm_issuer_result *r)
{
    pm_docno dn;
    if (!pm_docno_parse(s, n, &dn) && !pm_docno_find(s, n, &dn))
        return 0;
    const char *p = s + dn.prefix_start;
    size_t pl = dn.prefix_end - dn.prefix_start;
    uint32_t first;
    size_t len = longest(g, p, pl, GK_DOCNO, -1, &first);
    if (len) {
        for (uint32_t q = first; q != UINT32_MAX; q = g->post[q].next)
            if (g->post[q].kind == GK_DOCNO && from_code(g, g->post[q].value, year, r)) {
                r->issuer = p;
                r->issuer_len = len;
                return 1;
            }
    }
    /* a province abbreviation followed by 府/政/办 (粤府办, 浙政发) */
    len = longest(g, p, pl, GK_ABBR, -1, &first);
    if (len && len < pl) {
        const char *rest = p + len;
        if (strncmp(rest, "府", 3) == 0 || strncmp(rest, "政", 3) == 0 ||
            strncmp(rest, "办", 3) == 0)
            for (uint32_t q = first; q != UINT32_MAX; q = g->post[q].next)
                if (g->post[q].kind == GK_ABBR && from_code(g, g->post[q].value, year, r)) {
                    r->issuer = p;
                    r->issuer_len = pl;
                    return 1;
                }
    }
    return 0;
}

static int is_date_line(const char *s, size_t n)
{
    int32_t ymd;
    size_t used;
    return pm_date_parse_cn(s, n, &ymd, &used) || pm_date_parse_iso(s, n, &ymd);
}

/* The signature block: the organ line near the end of the body. */
static int resolve_signature(const pm_gazetteer *g, const char *b, size_t n, int year,
                             uint32_t hint, pm_issuer_result *r)
{
    size_t end = n, lines = 0;
    size_t floor = n > 600 ? n - 600 : 0;
    while (end > floor && lines < 8) {
        size_t start = end;
        while (start > floor && b[start - 1] != '\n')
            start--;
        const char *l = b + start;
        size_t ll = end - start;
        while (ll && (l[ll - 1] == '\r' || l[ll - 1] == ' '))
            ll--;
        while (ll && (*l == ' ' || *l == '\t')) {
            l++;
            ll--;
        }
        if (ll && ll <= 120 && !is_date_line(l, ll) &&
            strncmp(l, "（", 3) != 0 && *l != '(') {
            lines++;
            if (resolve_organ(g, l, ll, year, hint, r)) {
                r->issuer = l;
                r->issuer_len = ll;
                return 1;
            }
        }
        if (start == 0)
            break;
        end = start - 1;
    }
    return 0;
}

void pm_issuer_resolve(const pm_gazetteer *g, const pm_issuer_input *in, pm_issuer_result *out)
{
    memset(out, 0, sizeof *out);
    out->region_name = "";
    int y = in->year;
    uint32_t hint = in->region_hint;
    if (in->issuer_len) {
        out->issuer = in->issuer;
        out->issuer_len = in->issuer_len;
        if (resolve_organ(g, in->issuer, in->issuer_len, y, hint, out)) {
            out->source = PM_ISRC_FIELD;
            return;
        }
    }
    if (in->title_len) {
        const char *t = in->title;
        size_t k = organ_end(t, in->title_len);
        if (k && (resolve_organ(g, t, k, y, hint, out) ||
                  resolve_bare(g, t, k, in->title_len, y, hint, out))) {
            if (!in->issuer_len) {
                out->issuer = t;
                out->issuer_len = k;
            }
            out->source = PM_ISRC_TITLE;
            return;
        }
    }
    const char *is = out->issuer;
    size_t il = out->issuer_len;
    if (in->docno_len && resolve_docno(g, in->docno, in->docno_len, y, out)) {
        if (in->issuer_len) {
            out->issuer = is;
            out->issuer_len = il;
        }
        out->source = PM_ISRC_DOCNO;
        return;
    }
    if (in->body_len && resolve_signature(g, in->body, in->body_len, y, hint, out)) {
        if (in->issuer_len) {
            out->issuer = is;
            out->issuer_len = il;
        }
        out->source = PM_ISRC_SIGNATURE;
        return;
    }
    /* a title that opens with its jurisdiction and names no organ (regulations, 办法) */
    if (in->title_len) {
        cand c;
        size_t len = chain(g, in->title, in->title_len, &c);
        if (len) {
            pm_level lv;
            const pm_division *d = choose(g, &c, y, hint, &lv);
            if (d && lv != PM_LEVEL_UNKNOWN) {
                set_division(out, d, lv);
                if (!in->issuer_len) {
                    out->issuer = in->title;
                    out->issuer_len = len;
                }
                out->source = PM_ISRC_TITLE;
                return;
            }
        }
    }
    if (hint && from_code(g, hint, y, out)) {
        out->source = PM_ISRC_HINT;
        return;
    }
    out->level = PM_LEVEL_UNKNOWN;
    out->region_code = 0;
    out->province_code = 0;
    out->region_name = "";
}
