/* classify/litextract.c - the literals a PCRE2 pattern cannot match without.
 *
 * For a pattern P it computes a set L of byte strings such that every match of P
 * contains at least one string of L (a "necessary OR-set"); the scanner then runs P only
 * on texts where some string of L occurs. The analysis is deliberately conservative:
 * anything it does not fully understand (inline options other than a leading (?i), backreferences, \Q…\E, hex
 * escapes, a branch with no literal of at least 3 bytes) makes the pattern "always run",
 * which costs speed, never correctness.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policyminer/utf8.h"

#include "prefilter.h"
#include "casefold_table.h"

#define MIN_LIT 3   /* bytes: one CJK character, or three ASCII */
#define MAX_ALTS 64 /* literals in one OR-set */

typedef struct lits {
    char *s[MAX_ALTS];
    size_t n[MAX_ALTS];
    size_t count;
    int none;     /* no usable literal */
} lits;

static void lits_free(lits *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->s[i]);
    l->count = 0;
}

static size_t lits_min(const lits *l)
{
    size_t m = (size_t)-1;
    for (size_t i = 0; i < l->count; i++)
        if (l->n[i] < m)
            m = l->n[i];
    return l->count ? m : 0;
}

/* Scores an OR-set: longer shortest literal is better; more alternatives are worse. */
static long score(const lits *l)
{
    if (l->none || !l->count)
        return -1;
    return (long)lits_min(l) * 8 - (long)l->count;
}

typedef struct parser {
    const char *p;
    size_t n, i;
    int bail;
    int depth;   /* group nesting: 0 = the pattern's own sequence */
    lits *other; /* NULL, or where the top sequence's runner-up set goes (pm_litextract2) */
    int top_alt; /* the pattern itself is an alternation: its branches' sets are not required */
} parser;

/* Scores a set as a second, independent filter: few alternatives first (one rare term
 * beats a list of common words), then length. */
static long score_other(const lits *l)
{
    return (long)lits_min(l) - (long)l->count * 64;
}


static int is_quant_start(const parser *ps)
{
    if (ps->i >= ps->n)
        return 0;
    char c = ps->p[ps->i];
    return c == '?' || c == '*' || c == '+' || c == '{';
}

/* Reads a quantifier; returns 1 if it allows zero repetitions. */
static int read_quant(parser *ps)
{
    char c = ps->p[ps->i];
    int optional = 0;
    if (c == '?' || c == '*')
        optional = 1;
    if (c == '{') {
        /* PCRE2 10.42 reads "{" as a quantifier only in the forms {n}, {n,} and {n,m};
         * anything else is a literal brace (then the caller gives up on the pattern).
         * Skipping ahead to any later '}' would swallow alternatives (fuzz_dict). */
        size_t j = ps->i + 1;
        long lo = 0;
        int digits = 0, d2 = 0;
        while (j < ps->n && ps->p[j] >= '0' && ps->p[j] <= '9' && digits < 6) {
            lo = lo * 10 + (ps->p[j] - '0');
            j++;
            digits++;
        }
        if (j < ps->n && ps->p[j] == ',')
            for (j++; j < ps->n && ps->p[j] >= '0' && ps->p[j] <= '9' && d2 < 6; j++)
                d2++;
        if (!digits || j >= ps->n || ps->p[j] != '}')
            return -1; /* a literal '{' (or a count too long to be one) */
        ps->i = j + 1;
        optional = lo == 0;
    } else {
        ps->i++;
    }
    if (ps->i < ps->n && (ps->p[ps->i] == '?' || ps->p[ps->i] == '+'))
        ps->i++; /* lazy / possessive */
    return optional;
}

static void parse_alt(parser *ps, lits *out);

/* A run of literal bytes being collected in a sequence. */
typedef struct run {
    char buf[256];
    size_t len;
    size_t last_char; /* start of the last character in buf */
} run;

static void consider(lits *best, lits *cand)
{
    if (score(cand) > score(best)) {
        lits_free(best);
        *best = *cand;
        cand->count = 0;
    } else {
        lits_free(cand);
    }
}

/* consider() in the pattern's own sequence: the set that loses can still serve as the
 * second filter. Every set of that sequence is required (optional parts never get here). */
static void consider_top(parser *ps, lits *best, lits *cand)
{
    if (!ps->other || ps->depth) {
        consider(best, cand);
        return;
    }
    lits loser;
    if (score(cand) > score(best)) {
        loser = *best;
        *best = *cand;
    } else {
        loser = *cand;
    }
    cand->count = 0;
    if (loser.count && (!ps->other->count || score_other(&loser) > score_other(ps->other))) {
        lits_free(ps->other);
        *ps->other = loser;
    } else {
        lits_free(&loser);
    }
}

static void flush_run(parser *ps, run *r, lits *best)
{
    if (r->len >= MIN_LIT) {
        lits c = {.count = 1};
        c.s[0] = malloc(r->len);
        if (c.s[0]) {
            memcpy(c.s[0], r->buf, r->len);
            c.n[0] = r->len;
            consider_top(ps, best, &c);
        }
    }
    r->len = 0;
}

/* Parses a sequence up to '|' or ')' and returns its best required OR-set. */
static void parse_seq(parser *ps, lits *best)
{
    run r = {.len = 0};
    best->count = 0;
    best->none = 0;
    while (ps->i < ps->n && !ps->bail) {
        char c = ps->p[ps->i];
        if (c == '|' || c == ')')
            break;
        if (c == '(') {
            ps->i++;
            int zero_width = 0;
            if (ps->i < ps->n && ps->p[ps->i] == '?') {
                const char *q = ps->p + ps->i;
                size_t left = ps->n - ps->i;
                if (left >= 2 && q[1] == ':')
                    ps->i += 2;
                else if (left >= 2 && (q[1] == '=' || q[1] == '!')) {
                    ps->i += 2;
                    zero_width = 1;
                } else if (left >= 3 && q[1] == '<' && (q[2] == '=' || q[2] == '!')) {
                    ps->i += 3;
                    zero_width = 1;
                } else if (left >= 2 && (q[1] == '<' || q[1] == 'P' || q[1] == '\'')) {
                    /* named group: skip the name */
                    size_t j = ps->i + 2;
                    while (j < ps->n && ps->p[j] != '>' && ps->p[j] != '\'')
                        j++;
                    ps->i = j + 1;
                } else {
                    ps->bail = 1; /* inline options and the rest */
                    break;
                }
            }
            lits inner = {.count = 0};
            ps->depth++;
            parse_alt(ps, &inner);
            ps->depth--;
            if (ps->bail || ps->i >= ps->n || ps->p[ps->i] != ')') {
                lits_free(&inner);
                ps->bail = 1;
                break;
            }
            ps->i++;
            int optional = 0;
            if (is_quant_start(ps)) {
                int q = read_quant(ps);
                if (q < 0) {
                    lits_free(&inner);
                    ps->bail = 1;
                    break;
                }
                optional = q;
            }
            flush_run(ps, &r, best);
            if (zero_width || optional)
                lits_free(&inner);
            else
                consider_top(ps, best, &inner);
            continue;
        }
        if (c == '[') {
            /* a class: skip it (it is not a literal) */
            size_t j = ps->i + 1;
            if (j < ps->n && ps->p[j] == '^')
                j++;
            if (j < ps->n && ps->p[j] == ']')
                j++;
            while (j < ps->n && ps->p[j] != ']') {
                if (ps->p[j] == '\\')
                    j++;
                j++;
            }
            ps->i = j + 1;
            flush_run(ps, &r, best);
            if (is_quant_start(ps) && read_quant(ps) < 0)
                ps->bail = 1;
            continue;
        }
        if (c == '.' || c == '^' || c == '$') {
            ps->i++;
            flush_run(ps, &r, best);
            if (c == '.' && is_quant_start(ps) && read_quant(ps) < 0)
                ps->bail = 1;
            continue;
        }
        /* a literal character (possibly escaped), or a non-literal escape */
        char lit[4];
        size_t ll = 0;
        if (c == '\\') {
            if (ps->i + 1 >= ps->n) {
                ps->bail = 1;
                break;
            }
            char e = ps->p[ps->i + 1];
            if (strchr(".()[]{}|\\*+?^$/-#&~\"' ", e)) {
                lit[0] = e;
                ll = 1;
                ps->i += 2;
            } else if (strchr("dDwWsShHvVbBAzZGRXNK", e)) {
                ps->i += 2;
                flush_run(ps, &r, best);
                if (is_quant_start(ps) && read_quant(ps) < 0)
                    ps->bail = 1;
                continue;
            } else if (e == 'p' || e == 'P') {
                size_t j = ps->i + 2;
                if (j < ps->n && ps->p[j] == '{') {
                    while (j < ps->n && ps->p[j] != '}')
                        j++;
                    j++;
                } else {
                    j++;
                }
                ps->i = j;
                flush_run(ps, &r, best);
                if (is_quant_start(ps) && read_quant(ps) < 0)
                    ps->bail = 1;
                continue;
            } else {
                ps->bail = 1; /* \Q, \x, \1, \n ... */
                break;
            }
        } else {
            if (c == '*' || c == '+' || c == '?' || c == '{') {
                ps->bail = 1; /* quantifier without atom or literal brace */
                break;
            }
            ll = pm_utf8_seqlen((unsigned char)c);
            if (ps->i + ll > ps->n) {
                ps->bail = 1;
                break;
            }
            memcpy(lit, ps->p + ps->i, ll);
            ps->i += ll;
        }
        if (r.len + ll > sizeof r.buf)
            flush_run(ps, &r, best);
        r.last_char = r.len;
        memcpy(r.buf + r.len, lit, ll);
        r.len += ll;
        if (is_quant_start(ps)) {
            int q = read_quant(ps);
            if (q < 0) {
                ps->bail = 1;
                break;
            }
            if (q) { /* the character is optional: the run ends before it */
                r.len = r.last_char;
                flush_run(ps, &r, best);
            } else { /* required but repeated: the run ends after it */
                flush_run(ps, &r, best);
            }
        }
    }
    flush_run(ps, &r, best);
    if (!best->count)
        best->none = 1;
}

/* Alternation: the union of every branch's set; no set if any branch has none. */
static void parse_alt(parser *ps, lits *out)
{
    out->count = 0;
    out->none = 0;
    for (;;) {
        lits b = {.count = 0};
        parse_seq(ps, &b);
        if (ps->bail) {
            lits_free(&b);
            break;
        }
        if (b.none || out->none || out->count + b.count > MAX_ALTS) {
            out->none = 1;
            lits_free(&b);
        } else {
            for (size_t i = 0; i < b.count; i++) {
                out->s[out->count] = b.s[i];
                out->n[out->count++] = b.n[i];
            }
            b.count = 0;
        }
        if (ps->i < ps->n && ps->p[ps->i] == '|') {
            ps->top_alt |= ps->depth == 0;
            ps->i++;
            continue;
        }
        break;
    }
    if (out->none)
        lits_free(out);
}

/* ---- caseless literals ---------------------------------------------------------------
 * The scanners fold ASCII case only, but PCRE2 (UTF + UCP) matches a (?i) pattern by
 * Unicode case folding: субсиди must also find Субсидии, and k must find the Kelvin sign.
 * So a caseless literal is cut to a window of at most CF_BUDGET case variants and scanned
 * in each of them (any substring of a required literal is required too); a literal with
 * no such window of MIN_LIT bytes makes the pattern always run. */
#define CF_BUDGET 8

static int cf_set(uint32_t cp)
{
    size_t lo = 0, hi = sizeof pm_cf_index / sizeof pm_cf_index[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pm_cf_index[mid].cp == cp)
            return pm_cf_index[mid].set;
        if (pm_cf_index[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The forms cp takes for a scanner that folds ASCII: cp alone, or its set with ASCII
 * members lower-cased and repeats dropped. Returns the count (1..PM_CF_SET_MAX). */
static size_t cf_variants(uint32_t cp, uint32_t out[PM_CF_SET_MAX])
{
    int s = cf_set(cp);
    if (s < 0) {
        out[0] = cp;
        return 1;
    }
    size_t n = 0;
    for (const uint32_t *m = pm_cf_sets[s]; *m; m++) {
        uint32_t v = *m >= 'A' && *m <= 'Z' ? *m - 'A' + 'a' : *m;
        size_t k = 0;
        while (k < n && out[k] != v)
            k++;
        if (k == n)
            out[n++] = v;
    }
    return n;
}

/* Patterns come from validated dictionaries; a bad byte still steps on as itself. */
static size_t utf8_decode(const char *p, size_t n, uint32_t *cp)
{
    int l = pm_utf8_next(p, n, cp);
    if (l)
        return (size_t)l;
    *cp = (unsigned char)p[0];
    return 1;
}

/* Appends every case variant of the best window of s[0..n) to out; 0 = no window. */
static int cf_expand(const char *s, size_t n, lits *out)
{
    enum { MAXCP = 256 };
    uint32_t cps[MAXCP];
    size_t off[MAXCP + 1], nvar[MAXCP], m = 0;
    for (size_t i = 0; i < n && m < MAXCP;) {
        uint32_t v[PM_CF_SET_MAX];
        off[m] = i;
        i += utf8_decode(s + i, n - i, &cps[m]);
        nvar[m] = cf_variants(cps[m], v);
        off[++m] = i;
    }
    /* the longest window (in bytes) whose variant count stays within the budget */
    size_t best_a = 0, best_b = 0, best_bytes = 0, best_prod = 0;
    for (size_t a = 0; a < m; a++) {
        size_t prod = 1;
        for (size_t b = a; b < m; b++) {
            prod *= nvar[b];
            if (prod > CF_BUDGET)
                break;
            size_t bytes = off[b + 1] - off[a];
            if (bytes > best_bytes || (bytes == best_bytes && prod < best_prod)) {
                best_a = a, best_b = b + 1, best_bytes = bytes, best_prod = prod;
            }
        }
    }
    if (best_bytes < MIN_LIT || out->count + best_prod > MAX_ALTS)
        return 0;
    for (size_t k = 0; k < best_prod; k++) {
        char *lit = malloc((best_b - best_a) * 4);
        if (!lit)
            return 0;
        size_t w = 0, rest = k;
        for (size_t c = best_a; c < best_b; c++) {
            uint32_t v[PM_CF_SET_MAX];
            size_t nv = cf_variants(cps[c], v);
            w += pm_utf8_encode(v[rest % nv], lit + w);
            rest /= nv;
        }
        out->s[out->count] = lit;
        out->n[out->count++] = w;
    }
    return 1;
}

static int litextract(const char *pattern, size_t n, pm_litset *out, pm_litset *second);

int pm_litextract(const char *pattern, size_t n, pm_litset *out)
{
    return litextract(pattern, n, out, NULL);
}

int pm_litextract2(const char *pattern, size_t n, pm_litset *out, pm_litset *second)
{
    return litextract(pattern, n, out, second);
}

static void lower_ascii(lits *l)
{
    for (size_t i = 0; i < l->count; i++)
        for (size_t k = 0; k < l->n[i]; k++)
            if (l->s[i][k] >= 'A' && l->s[i][k] <= 'Z')
                l->s[i][k] = (char)(l->s[i][k] - 'A' + 'a');
}

static int litextract(const char *pattern, size_t n, pm_litset *out, pm_litset *second)
{
    if (second)
        second->count = 0;
    /* A leading (?i) is fine: ASCII letters are lower-cased (the scanners fold ASCII) and
     * other cased letters are scanned in each of their case variants (cf_expand). */
    int caseless = 0;
    if (n >= 4 && memcmp(pattern, "(?i)", 4) == 0) {
        pattern += 4;
        n -= 4;
        caseless = 1;
    }
    lits other = {.count = 0};
    parser ps = {pattern, n, 0, 0, 0, second && !caseless ? &other : NULL, 0};
    lits l = {.count = 0};
    parse_alt(&ps, &l);
    if (ps.bail || ps.i != n || l.none || !l.count) {
        lits_free(&l);
        lits_free(&other);
        out->count = 0;
        return 0;
    }
    lower_ascii(&l);
    /* only a sequence's sets are each required: with a top-level | the set is the union */
    /* ... and only a set that looks rare: a few terms of three CJK characters or more (a
     * name like 湖长制). Common words would cost the scan more hits than they save runs. */
    if (second && other.count && !ps.top_alt && other.count <= 4 && lits_min(&other) >= 9) {
        lower_ascii(&other);
        second->count = other.count;
        for (size_t i = 0; i < other.count; i++) {
            second->s[i] = other.s[i];
            second->n[i] = other.n[i];
        }
    } else {
        lits_free(&other);
    }
    if (caseless) {
        lits x = {.count = 0};
        for (size_t i = 0; i < l.count; i++)
            if (!cf_expand(l.s[i], l.n[i], &x)) {
                lits_free(&x);
                lits_free(&l);
                out->count = 0;
                return 0;
            }
        lits_free(&l);
        l = x;
    }
    out->count = l.count;
    for (size_t i = 0; i < l.count; i++) {
        out->s[i] = l.s[i];
        out->n[i] = l.n[i];
    }
    return 1;
}

size_t pm_litset_min(const pm_litset *l)
{
    size_t m = (size_t)-1;
    for (size_t i = 0; i < l->count; i++)
        if (l->n[i] < m)
            m = l->n[i];
    return l->count ? m : 0;
}

void pm_litset_free(pm_litset *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->s[i]);
    l->count = 0;
}

/* ---- the longest a match can be ----------------------------------------------------- */

#define UNBOUNDED ((size_t)-1)

static size_t add_len(size_t a, size_t b) { return a == UNBOUNDED || b == UNBOUNDED ? UNBOUNDED : a + b; }

static size_t max_alt(parser *ps, int caseless);

/* At '(': steps past it and a (?: (?= (?! (?<= (?<! opener; 1 for a lookaround (it
 * consumes nothing), 0 for a group, -1 (bail set) for anything else. */
static int group_open(parser *ps)
{
    ps->i++;
    if (ps->i >= ps->n || ps->p[ps->i] != '?')
        return 0;
    const char *q = ps->p + ps->i;
    size_t left = ps->n - ps->i;
    if (left >= 2 && q[1] == ':') {
        ps->i += 2;
        return 0;
    }
    if (left >= 2 && (q[1] == '=' || q[1] == '!')) {
        ps->i += 2;
        return 1;
    }
    if (left >= 3 && q[1] == '<' && (q[2] == '=' || q[2] == '!')) {
        ps->i += 3;
        return 1;
    }
    ps->bail = 1;
    return -1;
}

/* At the group's ')': steps past it, or sets bail and returns 0. */
static int group_close(parser *ps)
{
    if (ps->bail || ps->i >= ps->n || ps->p[ps->i] != ')') {
        ps->bail = 1;
        return 0;
    }
    ps->i++;
    return 1;
}

/* Multiplies by a following quantifier's maximum (or marks the atom unbounded). */
static size_t quantify(parser *ps, size_t atom)
{
    if (ps->i >= ps->n)
        return atom;
    char c = ps->p[ps->i];
    size_t mult = 1;
    if (c == '?') {
        ps->i++;
    } else if (c == '*' || c == '+') {
        ps->i++;
        mult = UNBOUNDED;
    } else if (c == '{') {
        size_t j = ps->i + 1, lo = 0, hi = 0;
        int d1 = 0, d2 = 0, comma = 0;
        while (j < ps->n && ps->p[j] >= '0' && ps->p[j] <= '9' && d1 < 6) {
            lo = lo * 10 + (size_t)(ps->p[j++] - '0');
            d1++;
        }
        if (j < ps->n && ps->p[j] == ',') {
            comma = 1;
            j++;
            while (j < ps->n && ps->p[j] >= '0' && ps->p[j] <= '9' && d2 < 6) {
                hi = hi * 10 + (size_t)(ps->p[j++] - '0');
                d2++;
            }
        }
        if (!d1 || j >= ps->n || ps->p[j] != '}') {
            ps->bail = 1;
            return UNBOUNDED;
        }
        ps->i = j + 1;
        mult = comma ? (d2 ? hi : UNBOUNDED) : lo;
    } else {
        return atom;
    }
    if (ps->i < ps->n && (ps->p[ps->i] == '?' || ps->p[ps->i] == '+'))
        ps->i++;
    if (atom == UNBOUNDED || mult == UNBOUNDED)
        return atom == 0 ? 0 : UNBOUNDED;
    return atom * mult;
}

/* One atom at ps->i (not '|' or ')') with its quantifier: the most bytes it can match. */
static size_t max_atom(parser *ps, int caseless)
{
    char c = ps->p[ps->i];
    size_t atom;
    if (c == '(') {
        int zero = group_open(ps);
        if (zero < 0)
            return UNBOUNDED;
        atom = max_alt(ps, caseless);
        if (!group_close(ps))
            return UNBOUNDED;
        if (zero)
            atom = 0;
    } else if (c == '[') {
        size_t j = ps->i + 1;
        if (j < ps->n && ps->p[j] == '^')
            j++;
        if (j < ps->n && ps->p[j] == ']')
            j++;
        while (j < ps->n && ps->p[j] != ']') {
            if (ps->p[j] == '\\')
                j++;
            j++;
        }
        ps->i = j + 1;
        atom = 4;
    } else if (c == '.') {
        ps->i++;
        atom = 4;
    } else if (c == '^' || c == '$') {
        ps->i++;
        atom = 0;
    } else if (c == '\\') {
        if (ps->i + 1 >= ps->n) {
            ps->bail = 1;
            return UNBOUNDED;
        }
        char e = ps->p[ps->i + 1];
        ps->i += 2;
        if (strchr("bBAzZG", e))
            atom = 0;
        else if (strchr("dDwWsShHvVN", e))
            atom = 4;
        else if (strchr(".()[]{}|\\*+?^$/-#&~\"' ", e))
            atom = caseless ? 4 : 1;
        else if (e == 'p' || e == 'P') {
            if (ps->i < ps->n && ps->p[ps->i] == '{') {
                while (ps->i < ps->n && ps->p[ps->i] != '}')
                    ps->i++;
                ps->i++;
            } else {
                ps->i++;
            }
            atom = 4;
        } else {
            ps->bail = 1;
            return UNBOUNDED;
        }
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
        ps->bail = 1;
        return UNBOUNDED;
    } else {
        size_t l = pm_utf8_seqlen((unsigned char)c);
        ps->i += l;
        /* caseless matching may pair an ASCII letter with a longer code point (K, ſ) */
        atom = caseless ? 4 : l;
    }
    return quantify(ps, atom);
}

static size_t max_seq(parser *ps, int caseless)
{
    size_t total = 0;
    while (ps->i < ps->n && !ps->bail) {
        char c = ps->p[ps->i];
        if (c == '|' || c == ')')
            break;
        total = add_len(total, max_atom(ps, caseless));
    }
    return total;
}

static size_t max_alt(parser *ps, int caseless)
{
    size_t best = 0;
    for (;;) {
        size_t b = max_seq(ps, caseless);
        if (ps->bail)
            return UNBOUNDED;
        if (b == UNBOUNDED || b > best)
            best = b;
        if (best == UNBOUNDED)
            return UNBOUNDED;
        if (ps->i < ps->n && ps->p[ps->i] == '|') {
            ps->i++;
            continue;
        }
        return best;
    }
}

size_t pm_pattern_maxlen(const char *pattern, size_t n)
{
    int caseless = 0;
    if (n >= 4 && memcmp(pattern, "(?i)", 4) == 0) {
        pattern += 4;
        n -= 4;
        caseless = 1;
    }
    parser ps = {.p = pattern, .n = n};
    size_t m = max_alt(&ps, caseless);
    return ps.bail || ps.i != n ? UNBOUNDED : m;
}

/* ---- how far before a literal's end a match can start -------------------------------- *
 * Per top-level branch: its own required set (pm_litextract of the branch) and the
 * shortest prefix of its atoms whose required set is already that set. Every match of
 * the branch begins with a match of that prefix, which holds an occurrence of the set,
 * so the match starts at most maxlen(prefix) bytes before that occurrence ends. */

static int same_set(const pm_litset *a, const pm_litset *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        size_t j = 0;
        while (j < b->count && !(b->n[j] == a->n[i] && memcmp(b->s[j], a->s[i], a->n[i]) == 0))
            j++;
        if (j == b->count)
            return 0;
    }
    return 1;
}

#define MAX_CUTS 64 /* atoms of one branch looked at */

/* The bound of the branch [bs, be) whose atoms end at cuts[0..ncut), for the set si. */
static size_t branch_reach(const char *p, size_t bs, const size_t *cuts, size_t ncut,
                           const pm_litset *si)
{
    for (size_t c = 0; c < ncut; c++) {
        pm_litset t;
        if (!pm_litextract(p + bs, cuts[c] - bs, &t))
            continue;
        int eq = same_set(&t, si);
        pm_litset_free(&t);
        if (eq)
            return pm_pattern_maxlen(p + bs, cuts[c] - bs);
    }
    return UNBOUNDED;
}

int pm_literal_reach(const char *pattern, size_t n, const pm_litset *set, size_t *reach)
{
    if (n >= 4 && memcmp(pattern, "(?i)", 4) == 0)
        return 0; /* the scanners fold case: an occurrence is not told by its bytes */
    int covered[PM_LIT_MAX_ALTS] = {0};
    for (size_t k = 0; k < set->count; k++)
        reach[k] = 0;
    parser ps = {.p = pattern, .n = n};
    for (;;) {
        size_t bs = ps.i, cuts[MAX_CUTS], ncut = 0;
        while (ps.i < n && !ps.bail && pattern[ps.i] != '|' && pattern[ps.i] != ')') {
            max_atom(&ps, 0);
            if (ncut == MAX_CUTS)
                return 0;
            cuts[ncut++] = ps.i;
        }
        if (ps.bail || (ps.i < n && pattern[ps.i] == ')') || ps.i > n)
            return 0;
        pm_litset si;
        if (!pm_litextract(pattern + bs, ps.i - bs, &si))
            return 0;
        size_t r = branch_reach(pattern, bs, cuts, ncut, &si);
        int ok = 1;
        for (size_t i = 0; ok && i < si.count; i++) {
            size_t k = 0; /* the branch's strings must be the pattern's (the ones scanned) */
            while (k < set->count && !(set->n[k] == si.n[i] && memcmp(set->s[k], si.s[i], si.n[i]) == 0))
                k++;
            if (k == set->count) {
                ok = 0;
                break;
            }
            covered[k] = 1;
            if (r == UNBOUNDED || r > reach[k])
                reach[k] = r;
        }
        pm_litset_free(&si);
        if (!ok)
            return 0;
        if (ps.i < n) { /* a '|' */
            ps.i++;
            continue;
        }
        break;
    }
    for (size_t k = 0; k < set->count; k++)
        if (!covered[k]) /* the pattern's set is not the union of its branches' */
            return 0;
    return 1;
}

/* ---- the stops a match cannot hold -------------------------------------------------- *
 * A union, over the consuming atoms, of the stops each can match; the stop set is its
 * complement. Lookaround contents consume nothing and do not count. Whatever is not
 * understood counts as matching every stop (or gives up), so a stop is named only when
 * no match can contain it. */

static uint32_t cp_stop(uint32_t cp)
{
    char b[4];
    size_t l = pm_utf8_encode(cp, b);
    return l ? pm_stop_at((const unsigned char *)b, l) : 0;
}

/* The stops with code points in [lo, hi]. */
static uint32_t range_stops(uint32_t lo, uint32_t hi)
{
    static const uint32_t cps[] = {'\n', '\r', 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF0C,
                                   0xFF01, 0xFF1F, ';', ':', ',', '!', '?', '.'};
    uint32_t m = 0;
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++)
        if (cps[i] >= lo && cps[i] <= hi)
            m |= cp_stop(cps[i]);
    return m;
}

/* One item of a class at p[*j]: sets *cp for a single character (returns 1), or sets
 * *m to the stops of a set escape and *unknown when it is not understood (returns 0). */
static int class_item(const char *p, size_t n, size_t *j, uint32_t *cp, uint32_t *m, int *unknown)
{
    *m = 0;
    if (p[*j] == '\\') {
        if (*j + 1 >= n) {
            *unknown = 1;
            *j = n;
            return 0;
        }
        char e = p[*j + 1];
        *j += 2;
        if (e == 'n' || e == 'r' || e == 't') {
            *cp = e == 'n' ? '\n' : e == 'r' ? '\r' : '\t';
            return 1;
        }
        if (e == 'd' || e == 'w')
            return 0; /* digits, letters, marks and _ hold no stop */
        if (e == 's') {
            *m = PM_STOP_LF | PM_STOP_CR;
            return 0;
        }
        if (e && strchr(".()[]{}|\\*+?^$/-#&~\"' ,;:!", e)) {
            *cp = (unsigned char)e;
            return 1;
        }
        if ((e == 'p' || e == 'P' || e == 'x') && *j < n && p[*j] == '{') {
            while (*j < n && p[*j] != '}')
                (*j)++;
            (*j)++;
        }
        *unknown = 1;
        return 0;
    }
    if (p[*j] == '[' && *j + 1 < n && p[*j + 1] == ':') { /* [:alpha:] */
        size_t k = *j + 2;
        while (k + 1 < n && !(p[k] == ':' && p[k + 1] == ']'))
            k++;
        *j = k + 2;
        *unknown = 1;
        return 0;
    }
    *j += utf8_decode(p + *j, n - *j, cp);
    return 1;
}

/* The stops a class can match; ps->i at '['. */
static uint32_t class_stops(parser *ps)
{
    const char *p = ps->p;
    size_t n = ps->n, j = ps->i + 1;
    int neg = 0, unknown = 0, first = 1;
    if (j < n && p[j] == '^') {
        neg = 1;
        j++;
    }
    uint32_t listed = 0;
    while (j < n && (first || p[j] != ']')) {
        first = 0;
        uint32_t lo, hi, m;
        if (!class_item(p, n, &j, &lo, &m, &unknown)) {
            listed |= m;
            continue;
        }
        if (j + 1 < n && p[j] == '-' && p[j + 1] != ']') {
            j++;
            if (!class_item(p, n, &j, &hi, &m, &unknown)) {
                unknown = 1; /* a range to a set escape: not understood */
                continue;
            }
            listed |= range_stops(lo, hi);
        } else {
            listed |= cp_stop(lo);
        }
    }
    if (j >= n) {
        ps->bail = 1;
        return PM_STOP_ALL;
    }
    ps->i = j + 1;
    /* an unknown item of a negated class only takes characters away: ignoring it is safe */
    return neg ? PM_STOP_ALL & ~listed : unknown ? PM_STOP_ALL : listed;
}

static uint32_t stops_alt(parser *ps);

static uint32_t stops_seq(parser *ps)
{
    uint32_t can = 0;
    while (ps->i < ps->n && !ps->bail) {
        char c = ps->p[ps->i];
        if (c == '|' || c == ')')
            break;
        uint32_t atom;
        if (c == '(') {
            int zero = group_open(ps);
            if (zero < 0)
                return PM_STOP_ALL;
            atom = stops_alt(ps);
            if (!group_close(ps))
                return PM_STOP_ALL;
            if (zero)
                atom = 0;
        } else if (c == '[') {
            atom = class_stops(ps);
        } else if (c == '.') {
            ps->i++;
            atom = PM_STOP_ALL;
        } else if (c == '^' || c == '$') {
            ps->i++;
            atom = 0;
        } else if (c == '\\') {
            if (ps->i + 1 >= ps->n) {
                ps->bail = 1;
                return PM_STOP_ALL;
            }
            char e = ps->p[ps->i + 1];
            ps->i += 2;
            if (e && strchr("bBAzZGdw", e))
                atom = 0;
            else if (e == 'n')
                atom = PM_STOP_LF;
            else if (e == 'r')
                atom = PM_STOP_CR;
            else if (e && strchr(".()[]{}|\\*+?^$/-#&~\"' ,;:!", e))
                atom = cp_stop((unsigned char)e);
            else {
                ps->bail = 1; /* \s, \p{..}, \x, \Q, \K, backreferences ...: give up */
                return PM_STOP_ALL;
            }
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            ps->bail = 1;
            return PM_STOP_ALL;
        } else {
            uint32_t cp;
            ps->i += utf8_decode(ps->p + ps->i, ps->n - ps->i, &cp);
            atom = cp_stop(cp);
        }
        if (is_quant_start(ps) && read_quant(ps) < 0) {
            ps->bail = 1;
            return PM_STOP_ALL;
        }
        can |= atom;
    }
    return can;
}

static uint32_t stops_alt(parser *ps)
{
    uint32_t can = 0;
    for (;;) {
        can |= stops_seq(ps);
        if (ps->bail)
            return PM_STOP_ALL;
        if (ps->i < ps->n && ps->p[ps->i] == '|') {
            ps->i++;
            continue;
        }
        return can;
    }
}

uint32_t pm_pattern_stops(const char *pattern, size_t n)
{
    if (n >= 4 && memcmp(pattern, "(?i)", 4) == 0) { /* no stop has a case */
        pattern += 4;
        n -= 4;
    }
    parser ps = {.p = pattern, .n = n};
    uint32_t can = stops_alt(&ps);
    return ps.bail || ps.i != n ? 0 : PM_STOP_ALL & ~can;
}
