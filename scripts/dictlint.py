#!/usr/bin/env python3
"""dictlint - a development checker for dictionaries/*.dict (format: dictionaries/FORMAT.md).

    scripts/dictlint.py [DIR|FILE ...]        check (default: dictionaries/)
    scripts/dictlint.py --cross               also list must examples that hit categories
                                              other than their own (instrument, sector,
                                              experiment dimensions: the synthetic generator
                                              plants must examples as ground truth)
    scripts/dictlint.py --neutral FILE        every line of FILE must match no category
    scripts/dictlint.py --strict              warnings count as failures
    scripts/dictlint.py --test TEXT           print the categories TEXT matches

It parses the format exactly as FORMAT.md states it, compiles each pattern with Python `re`
(an approximation of PCRE2 with UTF|UCP: good enough for the constructs the dictionaries
use), runs every must / must_not example with the veto rule (a hit is vetoed when a `not`
match of the same category covers it), and lints for the house rules: no unbounded gaps,
no nested quantifiers, and a required literal of at least two CJK characters (or three
ASCII letters) so the C prefilter can skip texts. The reference is the C checker,
`policyminer dict check`; this script is a stdlib-only dev tool and never edits files.
Exit status: 0 when there are no failures.
"""
import os
import re
import sys

try:
    import re._parser as sre_parse  # Python 3.11+
    import re._constants as sre_c
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse
    import sre_constants as sre_c

HEADER_KEYS = {"dimension", "description", "source"}
CAT_KEYS = {"group", "label_zh", "label_en", "pattern", "not", "not_title", "must", "must_not",
            "pioneer", "since", "note"}
REPEATABLE = {"pattern", "not", "not_title", "must", "must_not", "note"}
KEY_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
TRUTH_DIMS = {"instrument", "sector", "experiment"}


class Cat:
    def __init__(self, key, path, line):
        self.key, self.path, self.line = key, path, line
        self.fields = {}
        self.patterns, self.vetoes, self.must, self.must_not = [], [], [], []


class Report:
    def __init__(self):
        self.fails, self.warns = 0, 0

    def fail(self, where, msg):
        self.fails += 1
        print(f"{where}: error: {msg}")

    def warn(self, where, msg):
        self.warns += 1
        print(f"{where}: warning: {msg}")


def parse(path, rep):
    """Returns (header dict, [Cat]) of one .dict file."""
    header, cats, cur = {}, [], None
    seen = set()
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip("\r")
            s = line.strip()
            where = f"{path}:{n}"
            if not s or s.startswith("#"):
                continue
            if s.startswith("["):
                m = re.fullmatch(r"\[([^\]]*)\]", s)
                if not m or not KEY_RE.match(m.group(1)) or len(m.group(1)) > 32:
                    rep.fail(where, f"bad category header {s!r}")
                    cur = None
                    continue
                if m.group(1) in seen:
                    rep.fail(where, f"duplicate category {m.group(1)}")
                seen.add(m.group(1))
                cur = Cat(m.group(1), path, n)
                cats.append(cur)
                continue
            if "=" not in s:
                rep.fail(where, f"not a key = value line: {s!r}")
                continue
            k, v = s.split("=", 1)
            k, v = k.strip(), v.strip()
            if cur is None:
                if cats:
                    continue  # error already reported for the bad header
                if k not in HEADER_KEYS:
                    rep.fail(where, f"unknown header key {k!r}")
                elif k in header:
                    rep.fail(where, f"repeated header key {k!r}")
                header[k] = v
                continue
            if k not in CAT_KEYS:
                rep.fail(where, f"unknown key {k!r} in [{cur.key}]")
                continue
            if not v:
                rep.fail(where, f"empty value for {k}")
                continue
            if k == "pattern":
                cur.patterns.append((v, n))
            elif k == "not":
                cur.vetoes.append((v, n))
            elif k == "must":
                cur.must.append((v, n))
            elif k == "must_not":
                cur.must_not.append((v, n))
            elif k in cur.fields and k not in REPEATABLE:
                rep.fail(where, f"repeated key {k!r} in [{cur.key}]")
            else:
                cur.fields.setdefault(k, v)
    if len(cats) > 256:
        rep.fail(path, f"{len(cats)} categories (at most 256)")
    return header, cats


# ------------------------------------------------------------------ pattern analysis
def compile_pcre(p):
    """Python approximation of a PCRE2 UTF|UCP pattern (leading (?i) = caseless)."""
    return re.compile(p)


def _is_cjk(ch):
    return 0x3400 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF


def _weight(s):
    """Literal strength: 2 per CJK character, 1 per other character."""
    return sum(2 if _is_cjk(c) else 1 for c in s)


def required(items):
    """A necessary OR-set of literal strings for a parsed sequence: every match contains
    one of them. Returns (weight of the weakest literal, set) or (0, None)."""
    best = (0, None)
    run = []

    def flush():
        nonlocal best, run
        if run:
            s = "".join(run)
            cand = (_weight(s), {s})
            if cand[0] > best[0]:
                best = cand
            run = []

    for op, av in items:
        if op == sre_c.LITERAL:
            run.append(chr(av))
            continue
        if run and op == sre_c.BRANCH:
            # re's parser factors a common prefix out of alternatives (煤矿|煤炭 ->
            # 煤(矿|炭)): glue the run to each alternative's leading literal
            heads = [prefix_literal(b) for b in av[1]]
            if all(heads):
                glued = {"".join(run) + h for h in heads}
                cand = (min(_weight(g) for g in glued), glued)
                if cand[0] > best[0]:
                    best = cand
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            if op == sre_c.AT:
                continue  # zero width, does not break a literal run
            flush()
            continue
        flush()
        cand = (0, None)
        if op == sre_c.SUBPATTERN:
            cand = required(av[-1])
        elif op == sre_c.BRANCH:
            alts = [required(b) for b in av[1]]
            if all(a[1] for a in alts):
                u = set().union(*[a[1] for a in alts])
                cand = (min(a[0] for a in alts), u)
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = av
            if lo >= 1:
                cand = required(sub)
        if cand[1] and cand[0] > best[0]:
            best = cand
    flush()
    return best


def prefix_literal(items):
    """The literal string a parsed sequence starts with ('' when none)."""
    out = []
    for op, av in items:
        if op != sre_c.LITERAL:
            break
        out.append(chr(av))
    return "".join(out)


def nested_or_unbounded(items, inside_repeat=False, widest=40):
    """Yields problems: unbounded repeats of non-literals, nested quantifiers. widest: the
    widest gap allowed (a veto may span a clause, see lint_pattern)."""
    for op, av in items:
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            if inside_repeat and hi > 1:
                yield "nested quantifier"
            if hi == sre_c.MAXREPEAT:
                yield "unbounded repeat (use a bounded gap like .{0,8})"
            elif hi > widest:
                yield f"wide gap {{{lo},{hi}}} (keep gaps short)"
            yield from nested_or_unbounded(sub, inside_repeat or hi > 1, widest)
        elif op == sre_c.SUBPATTERN:
            yield from nested_or_unbounded(av[-1], inside_repeat, widest)
        elif op == sre_c.BRANCH:
            for b in av[1]:
                yield from nested_or_unbounded(b, inside_repeat, widest)
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            yield from nested_or_unbounded(av[1], inside_repeat, widest)


def lint_pattern(p, where, rep, is_veto):
    try:
        rx = compile_pcre(p)
    except re.error as e:
        rep.fail(where, f"does not compile ({e}): {p}")
        return None
    if ".*" in p or ".+" in p:
        rep.fail(where, f"unbounded gap: {p}")
    tree = sre_parse.parse(p, re.I if p.startswith("(?i)") else 0)
    # A veto runs only to judge a hit and starts at most VETO_WINDOW bytes before it
    # (dict.c); to cover the clause a hit sits in (a definition, a penalty, a duty), its
    # gaps may reach 120 characters. Patterns keep the 40.
    for problem in sorted(set(nested_or_unbounded(list(tree), widest=120 if is_veto else 40))):
        rep.fail(where, f"{problem}: {p}")
    if not is_veto:
        w, lits = required(list(tree))
        if not lits:
            rep.warn(where, f"no required literal (runs on every text): {p}")
        elif w < 3:
            weak = sorted(lits, key=_weight)[0]
            rep.warn(where, f"weak required literal {weak!r}: {p}")
    return rx


# ------------------------------------------------------------------ matching
def cat_hits(cat, text):
    """The unvetoed hits of a category on text: list of (start, end, pattern)."""
    hits = []
    for rx, _n in cat.rx:
        pos = 0
        while pos <= len(text):
            m = rx.search(text, pos)
            if not m:
                break
            s, e = m.span()
            if not vetoed(cat, text, s, e):
                hits.append((s, e, rx.pattern))
                break
            pos = s + 1  # later matches of the same pattern still count
    return hits


def vetoed(cat, text, s, e):
    for vx, _n in cat.vrx:
        for vs in range(0, s + 1):
            m = vx.match(text, vs)
            if m and m.end() >= e:
                return True
    return False


def matches(cat, text):
    return bool(cat_hits(cat, text))


# ------------------------------------------------------------------ main
def collect(args):
    files = []
    for a in args or ["dictionaries/cn", "dictionaries/kz"]:
        if os.path.isdir(a):
            files += sorted(os.path.join(a, f) for f in os.listdir(a) if f.endswith(".dict"))
        else:
            files.append(a)
    return files


def main(argv):
    cross = "--cross" in argv
    strict = "--strict" in argv
    neutral = None
    test = None
    rest = []
    it = iter(argv)
    for a in it:
        if a == "--neutral":
            neutral = next(it)
        elif a == "--test":
            test = next(it)
        elif a in ("--cross", "--strict"):
            pass
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            rest.append(a)
    rep = Report()
    dims = []  # (dimension, path, [Cat])
    npat = 0
    for path in collect(rest):
        header, cats = parse(path, rep)
        if "dimension" not in header:
            rep.fail(path, "no `dimension =` header")
        elif not KEY_RE.match(header["dimension"]):
            rep.fail(path, f"dimension {header['dimension']!r} is not snake_case")
        for k in ("description", "source"):
            if k not in header:
                rep.warn(path, f"no `{k} =` header")
        for c in cats:
            where = f"{path}:{c.line} [{c.key}]"
            for k in ("group", "label_zh", "label_en"):
                if k not in c.fields:
                    rep.fail(where, f"missing {k}")
            if "pioneer" in c.fields and not re.fullmatch(r"\d{6}", c.fields["pioneer"]):
                rep.fail(where, "pioneer must be a six-digit division code")
            if "since" in c.fields and not re.fullmatch(r"(19|20)\d\d", c.fields["since"]):
                rep.fail(where, "since must be a year")
            if not c.patterns:
                rep.fail(where, "no pattern")
            elif not 3 <= len(c.patterns) <= 12:
                rep.warn(where, f"{len(c.patterns)} patterns (house target 3-12)")
            if len(c.must) < 2:
                rep.warn(where, f"{len(c.must)} must example(s) (want at least 2)")
            if len(c.must_not) < 1:
                rep.warn(where, "no must_not example")
            c.rx = [(r, n) for r, n in ((lint_pattern(p, f"{path}:{n}", rep, False), n)
                                        for p, n in c.patterns) if r]
            c.vrx = [(r, n) for r, n in ((lint_pattern(p, f"{path}:{n}", rep, True), n)
                                         for p, n in c.vetoes) if r]
            npat += len(c.patterns)
            for ex, n in c.must:
                if not matches(c, ex):
                    rep.fail(f"{path}:{n}", f"must example does not match [{c.key}]: {ex}")
            for ex, n in c.must_not:
                h = cat_hits(c, ex)
                if h:
                    rep.fail(f"{path}:{n}", f"must_not example matches [{c.key}] "
                             f"via {h[0][2]!r} at {ex[h[0][0]:h[0][1]]!r}: {ex}")
        dims.append((header.get("dimension", "?"), path, cats))

    if cross:
        truth = [(d, c) for d, _p, cs in dims if d in TRUTH_DIMS for c in cs]
        for d, c in truth:
            for ex, n in c.must:
                other = [f"{d2}:{c2.key}" for d2, c2 in truth if c2 is not c and matches(c2, ex)]
                if other:
                    rep.warn(f"{c.path}:{n}", f"must example of [{c.key}] also hits {', '.join(other)}: {ex}")
    if neutral:
        with open(neutral, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                for d, _p, cs in dims:
                    for c in cs:
                        h = cat_hits(c, line)
                        if h:
                            rep.fail(f"{neutral}:{n}", f"neutral text hits {d}:{c.key} at "
                                     f"{line[h[0][0]:h[0][1]]!r}")
    if test is not None:
        for d, _p, cs in dims:
            for c in cs:
                for s, e, p in cat_hits(c, test)[:1]:
                    print(f"{d}:{c.key}\t{test[s:e]}\t{p}")
    ncat = sum(len(cs) for _d, _p, cs in dims)
    print(f"dictlint: {len(dims)} files, {ncat} categories, {npat} patterns; "
          f"{rep.fails} failure(s), {rep.warns} warning(s)")
    return 1 if rep.fails or (strict and rep.warns) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
