/* country/cn/cn_issuer.c - who issued a Chinese document: organ text -> level and division code.
 *
 * Evidence in order: the <issuer> field, the organ before 关于 / 印发 / 《 in the title (a
 * bare "省人民政府" / "县人民政府办公室" takes the first division of that level named later in
 * the title), the document-number prefix, the signature block, a division name opening
 * the title ("辽宁省重大动物疫情应急实施办法"), the <region> hint. A government is found
 * as a chain of division names (广东省深圳市南山区), each name the longest key at its
 * position, each link filtered to the divisions inside the previous one; the document's
 * year picks the names in use then, full names beat short aliases, the region hint
 * breaks remaining ties, and otherwise the most senior reading wins. Departments and
 * development zones take the level of the government named before them. Traditional
 * characters are folded first (fold_copy: one table word per lead and second byte says
 * whether a character has a fold). Never allocates; reads only the given text and the
 * read-only gazetteer.
 */
#include <assert.h>
#include <string.h>

#include "cn_gaz_internal.h"
#include "policyminer/hash.h"
#include "policyminer/textparse.h"
#include "policyminer/utf8.h"

#define MAX_CAND 64
#define HASHED_PREFIX 255 /* longest prefix whose hash longest() computes in one pass */
#define SCAN_BYTES 96 /* how far into an organ string a government name is looked for */

typedef struct cand {
    uint32_t idx[MAX_CAND];
    uint8_t alias[MAX_CAND];
    size_t n;
} cand;

static int boundary(const char *s, size_t n, size_t i)
{
    return i >= n || !pm_utf8_is_cont((unsigned char)s[i]);
}

/* Longest key at s[0..) having a posting of one of the two kinds; returns its length. */
static size_t longest(const pm_gazetteer *g, const char *s, size_t n, int k1, int k2,
                      uint32_t *first)
{
    size_t max = n < g->max_key ? n : g->max_key;
    uint64_t h[HASHED_PREFIX + 1]; /* the hash of every prefix, in one pass */
    size_t nh = max < HASHED_PREFIX ? max : HASHED_PREFIX;
    h[0] = PM_FNV1A64_INIT;
    for (size_t i = 0; i < nh; i++)
        h[i + 1] = pm_fnv1a64_step(h[i], (unsigned char)s[i]);
    for (size_t len = max; len >= 2; len--) {
        if (!boundary(s, n, len))
            continue;
        uint32_t p = len <= nh ? pm_gaz_lookup_hashed(g, s, len, h[len]) : pm_gaz_lookup(g, s, len);
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

/* A signature line names an organ and/or a date and nothing else: a line that holds a
 * sentence (。；，：、！？ or an article's 第…条) is body text, never a signature - else the
 * last clause of a long law ("…台湾同胞投资企业投诉事项的；") was read as its issuer. */
static int is_sentence(const char *l, size_t ll)
{
    static const char *const punct[] = {"。", "；", "，", "：", "、", "！", "？", ";", ":"};
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++)
        if (memmem(l, ll, punct[i], strlen(punct[i])))
            return 1;
    if (ll >= 6 && memcmp(l, "第", 3) == 0) {
        const char *t = memmem(l, ll < 30 ? ll : 30, "条", 3);
        if (t)
            return 1;
    }
    return 0;
}

/* The signature block: the organ line near the end of the body. */
static int resolve_signature(const pm_gazetteer *g, const char *b, size_t n, int year,
                             uint32_t hint, pm_issuer_result *r)
{
    size_t end = n, lines = 0;
    size_t floor = n > 600 ? n - 600 : 0;
    while (floor > 0 && !boundary(b, n, floor)) /* never start a line inside a character */
        floor++;
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
        if (ll && ll <= 120 && !is_date_line(l, ll) && !is_sentence(l, ll) &&
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

/* A title in a legislative form (…法, …条例, …规定, …办法, …细则, …规则, …解释, …决定, a
 * trailing （试行） or （二） aside). Local legislation carries its jurisdiction in its title
 * (青岛市…条例), so such a title with no region and no other evidence is national law. */
static int legislative_title(const char *t, size_t n)
{
    while (n >= 3 && (memcmp(t + n - 3, "）", 3) == 0 || t[n - 1] == ')')) {
        size_t open = n;
        while (open > 0 && memcmp(t + open - (open >= 3 ? 3 : open), "（", 3) != 0 &&
               t[open - 1] != '(')
            open--;
        if (open == 0)
            return 0;
        n = t[open - 1] == '(' ? open - 1 : open - 3;
    }
    static const char *const forms[] = {"法", "条例", "规定", "办法", "细则", "规则", "解释", "决定"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        size_t l = strlen(forms[i]);
        if (n > l && memcmp(t + n - l, forms[i], l) == 0)
            return 1;
    }
    return 0;
}

static void resolve_all(const pm_gazetteer *g, const pm_issuer_input *in, pm_issuer_result *out)
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
    /* a law: the body that adopted or promulgated it (a city's act approved by its
     * province is the city's; the approving line is never the enactment line) */
    if (in->enact_len && resolve_organ(g, in->enact, in->enact_len, y, hint, out)) {
        if (!in->issuer_len) {
            out->issuer = in->enact;
            out->issuer_len = in->enact_len;
        }
        out->source = PM_ISRC_ENACTMENT;
        return;
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
    if (in->title_len && legislative_title(in->title, in->title_len)) {
        set_central(out);
        out->source = PM_ISRC_TITLE;
        return;
    }
    out->level = PM_LEVEL_UNKNOWN;
    out->region_code = 0;
    out->province_code = 0;
    out->region_name = "";
}

/* Traditional characters folded to the simplified ones the gazetteer and organ list are
 * written in: pages are often served in traditional script (重慶市人民政府關於印發…,
 * 渝府發〔2015〕69號), which matched no name. Only characters that occur in no gazetteer or
 * organ key are folded (乾县 keeps its 乾), so a simplified text reads as before; every pair
 * is three UTF-8 bytes on both sides, so offsets in a folded copy are offsets in the text.
 * Generated from OpenCC's t2s character table, restricted to the characters of
 * dictionaries/gazetteer.tsv, dictionaries/organs.tsv and the title words read here. */
static const uint16_t trad_fold[][2] = {
    {0x4E9E, 0x4E9A}, {0x4F86, 0x6765}, {0x4F96, 0x4ED1}, {0x5009, 0x4ED3}, {0x500B, 0x4E2A},
    {0x5011, 0x4EEC}, {0x502B, 0x4F26}, {0x5049, 0x4F1F}, {0x5099, 0x5907}, {0x50B3, 0x4F20},
    {0x50D5, 0x4EC6}, {0x50F9, 0x4EF7}, {0x5100, 0x4EEA}, {0x5132, 0x50A8}, {0x5152, 0x513F},
    {0x5157, 0x5156}, {0x5167, 0x5185}, {0x5169, 0x4E24}, {0x518A, 0x518C}, {0x51F1, 0x51EF},
    {0x5225, 0x522B}, {0x5247, 0x5219}, {0x525B, 0x521A}, {0x5283, 0x5212}, {0x528D, 0x5251},
    {0x52D5, 0x52A8}, {0x52D9, 0x52A1}, {0x52DD, 0x80DC}, {0x52DE, 0x52B3}, {0x52F8, 0x529D},
    {0x52FB, 0x5300}, {0x532F, 0x6C47}, {0x5340, 0x533A}, {0x5354, 0x534F}, {0x53C3, 0x53C2},
    {0x53E2, 0x4E1B}, {0x5433, 0x5434}, {0x5442, 0x5415}, {0x54E1, 0x5458}, {0x5553, 0x542F},
    {0x555F, 0x542F}, {0x55AE, 0x5355}, {0x570B, 0x56FD}, {0x570D, 0x56F4}, {0x5712, 0x56ED},
    {0x5716, 0x56FE}, {0x5718, 0x56E2}, {0x582F, 0x5C27}, {0x5834, 0x573A}, {0x5857, 0x6D82},
    {0x588A, 0x57AB}, {0x58BE, 0x57A6}, {0x58C7, 0x575B}, {0x58D8, 0x5792}, {0x58E9, 0x575D},
    {0x58EF, 0x58EE}, {0x58FA, 0x58F6}, {0x58FD, 0x5BFF}, {0x5922, 0x68A6}, {0x593E, 0x5939},
    {0x5A41, 0x5A04}, {0x5B6B, 0x5B59}, {0x5B78, 0x5B66}, {0x5BAE, 0x5BAB}, {0x5BE7, 0x5B81},
    {0x5BE9, 0x5BA1}, {0x5BEC, 0x5BBD}, {0x5BF6, 0x5B9D}, {0x5C07, 0x5C06}, {0x5C08, 0x4E13},
    {0x5C0B, 0x5BFB}, {0x5C0E, 0x5BFC}, {0x5CA1, 0x5188}, {0x5CEF, 0x5CF0}, {0x5CF6, 0x5C9B},
    {0x5CFD, 0x5CE1}, {0x5D0D, 0x5D03}, {0x5D17, 0x5C97}, {0x5D50, 0x5C9A}, {0x5D97, 0x5D02},
    {0x5DA7, 0x5CC4}, {0x5DBA, 0x5CAD}, {0x5DBC, 0x5C7F}, {0x5DBD, 0x5CB3}, {0x5DD2, 0x5CE6},
    {0x5DD6, 0x5CA9}, {0x5E2B, 0x5E08}, {0x5E36, 0x5E26}, {0x5E79, 0x5E72}, {0x5EAB, 0x5E93},
    {0x5EC2, 0x53A2}, {0x5EC8, 0x53A6}, {0x5EE0, 0x5382}, {0x5EE3, 0x5E7F}, {0x5EEC, 0x5E90},
    {0x5EF3, 0x5385}, {0x5F35, 0x5F20}, {0x5F37, 0x5F3A}, {0x5F4C, 0x5F25}, {0x5F65, 0x5F66},
    {0x5F8C, 0x540E}, {0x5F9E, 0x4ECE}, {0x5FA9, 0x590D}, {0x5FB5, 0x5F81}, {0x5FB9, 0x5F7B},
    {0x6046, 0x6052}, {0x611B, 0x7231}, {0x6144, 0x6817}, {0x614B, 0x6001}, {0x6176, 0x5E86},
    {0x6191, 0x51ED}, {0x61C9, 0x5E94}, {0x61F7, 0x6000}, {0x6236, 0x6237}, {0x63DA, 0x626C},
    {0x64AB, 0x629A}, {0x64DA, 0x636E}, {0x6558, 0x53D9}, {0x6578, 0x6570}, {0x65BC, 0x4E8E},
    {0x6649, 0x664B}, {0x6689, 0x6656}, {0x6703, 0x4F1A}, {0x6771, 0x4E1C}, {0x68D7, 0x67A3},
    {0x68F2, 0x6816}, {0x694A, 0x6768}, {0x696D, 0x4E1A}, {0x6975, 0x6781}, {0x69AE, 0x8363},
    {0x69CB, 0x6784}, {0x6A02, 0x4E50}, {0x6A05, 0x679E}, {0x6A13, 0x697C}, {0x6A19, 0x6807},
    {0x6A39, 0x6811}, {0x6A3A, 0x6866}, {0x6A4B, 0x6865}, {0x6A5F, 0x673A}, {0x6A6B, 0x6A2A},
    {0x6A94, 0x6863}, {0x6AA2, 0x68C0}, {0x6B0A, 0x6743}, {0x6B12, 0x683E}, {0x6B3D, 0x94A6},
    {0x6B77, 0x5386}, {0x6B78, 0x5F52}, {0x6D87, 0x6CFE}, {0x6DBC, 0x51C9}, {0x6DE5, 0x6E0C},
    {0x6DF6, 0x6D9E}, {0x6E26, 0x6DA1}, {0x6E3E, 0x6D51}, {0x6E5E, 0x6D48}, {0x6E6F, 0x6C64},
    {0x6E96, 0x51C6}, {0x6E9D, 0x6C9F}, {0x6EAB, 0x6E29}, {0x6EAE, 0x6D49}, {0x6EC4, 0x6CA7},
    {0x6ECE, 0x8365}, {0x6EEC, 0x6CAA}, {0x6EFF, 0x6EE1}, {0x6F22, 0x6C49}, {0x6F23, 0x6D9F},
    {0x6F35, 0x6E86}, {0x6F41, 0x988D}, {0x6F5B, 0x6F5C}, {0x6F64, 0x6DA6}, {0x6F6F, 0x6D54},
    {0x6F97, 0x6DA7}, {0x6FA0, 0x6E11}, {0x6FA4, 0x6CFD}, {0x6FB1, 0x6DC0}, {0x6FDF, 0x6D4E},
    {0x6FF0, 0x6F4D}, {0x6FF1, 0x6EE8}, {0x700F, 0x6D4F}, {0x7018, 0x6CF8}, {0x703E, 0x6F9C},
    {0x7058, 0x6EE9}, {0x7063, 0x6E7E}, {0x7064, 0x6EE6}, {0x70BA, 0x4E3A}, {0x70CF, 0x4E4C},
    {0x7121, 0x65E0}, {0x7159, 0x70DF}, {0x7169, 0x70E6}, {0x71C8, 0x706F}, {0x71DF, 0x8425},
    {0x7210, 0x7089}, {0x7232, 0x4E3A}, {0x723E, 0x5C14}, {0x7336, 0x72B9}, {0x7345, 0x72EE},
    {0x7368, 0x72EC}, {0x7372, 0x83B7}, {0x737B, 0x732E}, {0x743F, 0x73F2}, {0x7464, 0x7476},
    {0x746A, 0x739B}, {0x74B0, 0x73AF}, {0x74CA, 0x743C}, {0x750C, 0x74EF}, {0x7515, 0x74EE},
    {0x7522, 0x4EA7}, {0x7562, 0x6BD5}, {0x7576, 0x5F53}, {0x7587, 0x7574}, {0x758A, 0x53E0},
    {0x7642, 0x7597}, {0x767C, 0x53D1}, {0x76E3, 0x76D1}, {0x76E4, 0x76D8}, {0x76E7, 0x5362},
    {0x786F, 0x781A}, {0x78A9, 0x7855}, {0x78AD, 0x7800}, {0x78BA, 0x786E}, {0x78BC, 0x7801},
    {0x7904, 0x785A}, {0x7926, 0x77FF}, {0x797F, 0x7984}, {0x79AA, 0x7985}, {0x79AE, 0x793C},
    {0x7A05, 0x7A0E}, {0x7A1C, 0x68F1}, {0x7A31, 0x79F0}, {0x7A4D, 0x79EF}, {0x7AAA, 0x6D3C},
    {0x7AAE, 0x7A77}, {0x7AAF, 0x7A91}, {0x7AF6, 0x7ADE}, {0x7BC0, 0x8282}, {0x7BC4, 0x8303},
    {0x7BC9, 0x7B51}, {0x7C21, 0x7B80}, {0x7CB5, 0x7CA4}, {0x7CE7, 0x7CAE}, {0x7D05, 0x7EA2},
    {0x7D0D, 0x7EB3}, {0x7D30, 0x7EC6}, {0x7D39, 0x7ECD}, {0x7D44, 0x7EC4}, {0x7D50, 0x7ED3},
    {0x7D61, 0x7EDC}, {0x7D71, 0x7EDF}, {0x7D73, 0x7EDB}, {0x7D8F, 0x7EE5}, {0x7D93, 0x7ECF},
    {0x7DA0, 0x7EFF}, {0x7DAD, 0x7EF4}, {0x7DB2, 0x7F51}, {0x7DBF, 0x7EF5}, {0x7E09, 0x7F19},
    {0x7E23, 0x53BF}, {0x7E3D, 0x603B}, {0x7E3E, 0x7EE9}, {0x7E54, 0x7EC7}, {0x7F85, 0x7F57},
    {0x7FA3, 0x7FA4}, {0x7FA9, 0x4E49}, {0x7FD2, 0x4E60}, {0x8056, 0x5723}, {0x805E, 0x95FB},
    {0x806F, 0x8054}, {0x8076, 0x8042}, {0x8085, 0x8083}, {0x812B, 0x8131}, {0x81A0, 0x80F6},
    {0x81D8, 0x814A}, {0x81E5, 0x5367}, {0x81E8, 0x4E34}, {0x81FA, 0x53F0}, {0x8208, 0x5174},
    {0x820A, 0x65E7}, {0x834A, 0x8346}, {0x838A, 0x5E84}, {0x83EF, 0x534E}, {0x840A, 0x83B1},
    {0x842C, 0x4E07}, {0x8449, 0x53F6}, {0x84BC, 0x82CD}, {0x84CB, 0x76D6}, {0x84EE, 0x83B2},
    {0x852D, 0x836B}, {0x856A, 0x829C}, {0x856D, 0x8427}, {0x858A, 0x84DF}, {0x858C, 0x8297},
    {0x85A9, 0x8428}, {0x85CD, 0x84DD}, {0x85E5, 0x836F}, {0x85F4, 0x8574}, {0x85FA, 0x853A},
    {0x8604, 0x8572}, {0x8606, 0x82A6}, {0x8607, 0x82CF}, {0x860A, 0x8574}, {0x862D, 0x5170},
    {0x863F, 0x841D}, {0x865F, 0x53F7}, {0x8853, 0x672F}, {0x885B, 0x536B}, {0x885D, 0x51B2},
    {0x88CF, 0x91CC}, {0x88E1, 0x91CC}, {0x898F, 0x89C4}, {0x8996, 0x89C6}, {0x89BA, 0x89C9},
    {0x89C0, 0x89C2}, {0x8A08, 0x8BA1}, {0x8A17, 0x6258}, {0x8A25, 0x8BB7}, {0x8A2A, 0x8BBF},
    {0x8A2D, 0x8BBE}, {0x8A31, 0x8BB8}, {0x8A54, 0x8BCF}, {0x8A8D, 0x8BA4}, {0x8A9E, 0x8BED},
    {0x8ABC, 0x8C0A}, {0x8ABF, 0x8C03}, {0x8AF8, 0x8BF8}, {0x8AFE, 0x8BFA}, {0x8B00, 0x8C0B},
    {0x8B19, 0x8C26}, {0x8B1D, 0x8C22}, {0x8B28, 0x8C1F}, {0x8B49, 0x8BC1}, {0x8B58, 0x8BC6},
    {0x8B59, 0x8C2F}, {0x8B5C, 0x8C31}, {0x8B77, 0x62A4}, {0x8B93, 0x8BA9}, {0x8C50, 0x4E30},
    {0x8C9D, 0x8D1D}, {0x8C9E, 0x8D1E}, {0x8CA1, 0x8D22}, {0x8CA2, 0x8D21}, {0x8CA7, 0x8D2B},
    {0x8CAB, 0x8D2F}, {0x8CB4, 0x8D35}, {0x8CBB, 0x8D39}, {0x8CBF, 0x8D38}, {0x8CC0, 0x8D3A},
    {0x8CC7, 0x8D44}, {0x8CC8, 0x8D3E}, {0x8CD3, 0x5BBE}, {0x8CDA, 0x8D49}, {0x8CE2, 0x8D24},
    {0x8CE3, 0x5356}, {0x8CEA, 0x8D28}, {0x8CFD, 0x8D5B}, {0x8D0A, 0x8D5E}, {0x8D1B, 0x8D63},
    {0x8D99, 0x8D75}, {0x8ECA, 0x8F66}, {0x8ECD, 0x519B}, {0x8F09, 0x8F7D}, {0x8F1D, 0x8F89},
    {0x8F2A, 0x8F6E}, {0x8F38, 0x8F93}, {0x8F3F, 0x8206}, {0x8F49, 0x8F6C}, {0x8FA6, 0x529E},
    {0x8FB2, 0x519C}, {0x9023, 0x8FDE}, {0x9032, 0x8FDB}, {0x904A, 0x6E38}, {0x904B, 0x8FD0},
    {0x9054, 0x8FBE}, {0x9059, 0x9065}, {0x905C, 0x900A}, {0x9060, 0x8FDC}, {0x9077, 0x8FC1},
    {0x907C, 0x8FBD}, {0x9081, 0x8FC8}, {0x908A, 0x8FB9}, {0x90DF, 0x90CF}, {0x90F5, 0x90AE},
    {0x9106, 0x90D3}, {0x9109, 0x4E61}, {0x9112, 0x90B9}, {0x9116, 0x90E7}, {0x9127, 0x9093},
    {0x912D, 0x90D1}, {0x9130, 0x90BB}, {0x9132, 0x90F8}, {0x9134, 0x90BA}, {0x91AB, 0x533B},
    {0x925B, 0x94C5}, {0x9280, 0x94F6}, {0x9285, 0x94DC}, {0x92D2, 0x950B}, {0x92FC, 0x94A2},
    {0x9322, 0x94B1}, {0x9326, 0x9526}, {0x932B, 0x9521}, {0x932F, 0x9519}, {0x937E, 0x949F},
    {0x93A3, 0x84E5}, {0x93AE, 0x9547}, {0x93E1, 0x955C}, {0x9435, 0x94C1}, {0x9472, 0x9576},
    {0x9577, 0x957F}, {0x9580, 0x95E8}, {0x958B, 0x5F00}, {0x9593, 0x95F4}, {0x9594, 0x95F5},
    {0x9598, 0x95F8}, {0x95A3, 0x9601}, {0x95A9, 0x95FD}, {0x95AC, 0x9606}, {0x95B1, 0x9605},
    {0x95B2, 0x9605}, {0x95B6, 0x960A}, {0x95BB, 0x960E}, {0x95DC, 0x5173}, {0x9658, 0x9649},
    {0x965D, 0x9655}, {0x9670, 0x9634}, {0x9673, 0x9648}, {0x9678, 0x9646}, {0x967D, 0x9633},
    {0x969B, 0x9645}, {0x96A8, 0x968F}, {0x96AA, 0x9669}, {0x96B4, 0x9647}, {0x96D9, 0x53CC},
    {0x96DC, 0x6742}, {0x96DE, 0x9E21}, {0x96E2, 0x79BB}, {0x96F2, 0x4E91}, {0x96FB, 0x7535},
    {0x9748, 0x7075}, {0x975C, 0x9759}, {0x978F, 0x5DE9}, {0x97D3, 0x97E9}, {0x97FF, 0x54CD},
    {0x9802, 0x9876}, {0x9805, 0x9879}, {0x9806, 0x987A}, {0x9810, 0x9884}, {0x9817, 0x9887},
    {0x9818, 0x9886}, {0x982D, 0x5934}, {0x984D, 0x989D}, {0x985E, 0x7C7B}, {0x98A8, 0x98CE},
    {0x9918, 0x4F59}, {0x9928, 0x9986}, {0x9952, 0x9976}, {0x99AC, 0x9A6C}, {0x99D0, 0x9A7B},
    {0x9A30, 0x817E}, {0x9A4A, 0x9A85}, {0x9A57, 0x9A8C}, {0x9A5B, 0x9A7F}, {0x9AD4, 0x4F53},
    {0x9B25, 0x6597}, {0x9B31, 0x90C1}, {0x9B5A, 0x9C7C}, {0x9B6F, 0x9C81}, {0x9B81, 0x9C85},
    {0x9BAE, 0x9C9C}, {0x9BC9, 0x9CA4}, {0x9CE9, 0x9E20}, {0x9CF3, 0x51E4}, {0x9CF4, 0x9E23},
    {0x9D1B, 0x9E33}, {0x9D28, 0x9E2D}, {0x9D5D, 0x9E45}, {0x9DB4, 0x9E64}, {0x9DF9, 0x9E70},
    {0x9E79, 0x54B8}, {0x9E7C, 0x78B1}, {0x9E7D, 0x76D0}, {0x9E97, 0x4E3D}, {0x9EA5, 0x9EA6},
    {0x9EC3, 0x9EC4}, {0x9EDE, 0x70B9}, {0x9EE8, 0x515A}, {0x9F4A, 0x9F50}, {0x9F8D, 0x9F99},
    {0x9F90, 0x5E9E},
};

static uint32_t fold_cp(uint32_t cp)
{
    size_t n = sizeof trad_fold / sizeof trad_fold[0];
    if (cp < trad_fold[0][0] || cp > trad_fold[n - 1][0])
        return cp;
    /* the last key <= cp, halving without a branch on the comparison (a conditional
     * move): most look-ups are of characters with no fold, and mispredict either way */
    const uint16_t(*b)[2] = trad_fold;
    while (n > 1) {
        size_t half = n / 2;
        b = b[half][0] <= cp ? b + half : b;
        n -= half;
    }
    return b[0][0] == cp ? b[0][1] : cp;
}

void pm_gaz_trad_bits(uint64_t bits[PM_GAZ_TRAD_WORDS], uint16_t rank[PM_GAZ_TRAD_WORDS])
{
    const size_t nt = sizeof trad_fold / sizeof trad_fold[0];
    memset(bits, 0, PM_GAZ_TRAD_WORDS * sizeof bits[0]);
    for (size_t i = 0; i < nt; i++) {
        assert(i == 0 || trad_fold[i][0] > trad_fold[i - 1][0]); /* sorted, no key twice */
        uint32_t k = trad_fold[i][0] - PM_GAZ_TRAD_BASE;
        if (k < PM_GAZ_TRAD_WORDS * 64u)
            bits[k >> 6] |= (uint64_t)1 << (k & 63);
    }
    size_t i = 0;
    for (uint32_t w = 0; w < PM_GAZ_TRAD_WORDS; w++) {
        while (i < nt && trad_fold[i][0] < PM_GAZ_TRAD_BASE + 64 * w)
            i++;
        rank[w] = (uint16_t)i;
    }
}

/* fold_cp of a code point foldable() said yes to: its table entry is the word's rank plus
 * the set bits below its own. */
static uint32_t fold_ranked(const pm_gazetteer *g, uint32_t cp)
{
    uint32_t k = cp - PM_GAZ_TRAD_BASE;
    uint64_t below = g->trad_bits[k >> 6] & (((uint64_t)1 << (k & 63)) - 1);
    size_t idx = g->trad_rank[k >> 6] + (size_t)__builtin_popcountll(below);
    assert(trad_fold[idx][0] == cp);
    return trad_fold[idx][1];
}

/* 1 when cp has a fold: one bit test, so simplified text (nearly every character) never
 * reaches the binary search; the issuer reads about 2 KB of every document through it. */
static int foldable(const pm_gazetteer *g, uint32_t cp)
{
    uint32_t k = cp - PM_GAZ_TRAD_BASE;
    return k < PM_GAZ_TRAD_WORDS * 64u && (g->trad_bits[k >> 6] >> (k & 63) & 1);
}

/* For policy-name discovery (issue 14): the same fold and the same name chains, public. */
uint32_t pm_gaz_fold_trad(uint32_t cp) { return fold_cp(cp); }

size_t pm_gaz_name_prefix(const pm_gazetteer *g, const char *s, size_t n)
{
    cand c;
    return chain(g, s, n, &c);
}

/* Copies s[0..n) (at most cap bytes, cut at a character boundary) into buf with traditional
 * characters folded. Returns the copied length, or 0 when nothing in s needs folding (then
 * the text is read in place and nothing is copied). */
/* From i, past ASCII and the characters U+4000..U+9FFF that have no fold (lead E4..E9
 * and two continuation bytes: valid, three bytes each): where fold_copy's loop would step
 * over them; stops at anything else. One table word per lead and second byte. */
static size_t skip_unfoldable(const pm_gazetteer *g, const unsigned char *u, size_t i, size_t m)
{
    while (i + 3 <= m) {
        unsigned b0 = u[i];
        if (b0 < 0x80) {
            i++;
            continue;
        }
        unsigned l = b0 - 0xE4u, c1 = u[i + 1] ^ 0x80u, c2 = u[i + 2] ^ 0x80u;
        if (l > 5u || (c1 | c2) >= 0x40u || (g->trad_by_lead[l << 6 | c1] >> c2 & 1))
            return i;
        i += 3;
    }
    return i;
}

static size_t fold_copy(const pm_gazetteer *g, const char *s, size_t n, char *buf, size_t cap)
{
    size_t m = pm_utf8_floor(s, n, n < cap ? n : cap);
    size_t i = 0, done = 0; /* s[0..done) is already in buf */
    const unsigned char *u = (const unsigned char *)s;
    while (i < m) {
        uint32_t cp, f;
        char e[4];
        int l;
        if ((i = skip_unfoldable(g, u, i, m)) >= m)
            break;
        if (u[i] < 0x80) { /* pm_utf8_next's cases by hand, the common ones first */
            i++;
            continue;
        }
        if ((u[i] & 0xF0) == 0xE0 && m - i >= 3 && ((u[i + 1] ^ 0x80) | (u[i + 2] ^ 0x80)) < 0x40) {
            cp = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);
            if (!foldable(g, cp)) { /* (a foldable one is neither overlong nor a surrogate) */
                i += cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? 3 : 1;
                continue;
            }
            l = 3;
        } else {
            l = pm_utf8_next(s + i, m - i, &cp);
        }
        /* the fold maps CJK to CJK: a 3-byte character stays 3 bytes, so offsets hold */
        if (l == 3 && foldable(g, cp) && (f = fold_ranked(g, cp)) != cp && pm_utf8_encode(f, e) == 3) {
            if (i - done <= 24) /* folded text: the gaps are short, a call costs more */
                for (; done < i; done++)
                    buf[done] = s[done];
            else
                memcpy(buf + done, s + done, i - done);
            buf[i] = e[0];
            buf[i + 1] = e[1];
            buf[i + 2] = e[2];
            done = i + 3;
        }
        i += l ? (size_t)l : 1;
    }
    if (!done)
        return 0;
    memcpy(buf + done, s + done, m - done);
    return m;
}

/* Reads the field from buf when it needed folding; keeps the original text otherwise. */
static void fold_field(const pm_gazetteer *g, const char **p, size_t *n, char *buf, size_t cap)
{
    size_t m = *p ? fold_copy(g, *p, *n, buf, cap) : 0;
    if (m) {
        *p = buf;
        *n = m;
    }
}

/* A pointer into a folded copy, moved to the same offset in the text it was copied from. */
static void unfold_ptr(const char **q, const char *buf, size_t len, const char *orig)
{
    if (*q >= buf && *q < buf + len)
        *q = orig + (*q - buf);
}

void pm_issuer_resolve(const pm_gazetteer *g, const pm_issuer_input *in, pm_issuer_result *out)
{
    char bi[256], bt[1024], bd[128], bb[1024];
    pm_issuer_input f = *in;
    fold_field(g, &f.issuer, &f.issuer_len, bi, sizeof bi);
    fold_field(g, &f.title, &f.title_len, bt, sizeof bt);
    fold_field(g, &f.docno, &f.docno_len, bd, sizeof bd);
    /* the body is read only for its signature block, in its last 600 bytes */
    size_t skip = 0;
    if (in->body && in->body_len > sizeof bb) {
        skip = in->body_len - sizeof bb;
        while (skip < in->body_len && !boundary(in->body, in->body_len, skip))
            skip++;
    }
    size_t bn = in->body ? fold_copy(g, in->body + skip, in->body_len - skip, bb, sizeof bb) : 0;
    if (bn) {
        f.body = bb;
        f.body_len = bn;
    }
    if (f.issuer == in->issuer && f.title == in->title && f.docno == in->docno && !bn) {
        resolve_all(g, in, out);
        return;
    }
    resolve_all(g, &f, out);
    if (out->issuer) {
        unfold_ptr(&out->issuer, bi, sizeof bi, in->issuer);
        unfold_ptr(&out->issuer, bt, sizeof bt, in->title);
        unfold_ptr(&out->issuer, bd, sizeof bd, in->docno);
        unfold_ptr(&out->issuer, bb, sizeof bb, in->body ? in->body + skip : NULL);
    }
}
