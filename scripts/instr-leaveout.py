#!/usr/bin/env python3
"""Leave-regulations-out estimate for instrument-group changes, on development articles only.

    scripts/instr-leaveout.py [--bin ./policyminer] [--dict DIR] [--base DIR] [--shared ../shared]
                              [--folds 5] [--derive 0,1,2] [--errors] [--changes] [--by-fold]

Why: a dictionary fixed phrase by phrase from development errors fits those regulations far
better than new ones (issue 12: dev rose round after round while held-out stood still). This
script simulates unseen regulations inside development. Every development article of
tests/eval/instruments/articles.tsv is put in one of FOLDS folds by a hash of its regulation
(the source title without its date, the same key for every version and batch), so all
articles of one regulation fall in the same fold. The folds in --derive are the only ones a
change may be drawn from: --errors and --changes list their articles alone. The other folds
are the check side: a candidate change is kept only if it raises or holds the check side,
which it was not derived from; the check side's articles are never listed, only scored.

With --base (a dictionary directory as it stood before the change) both are run and the
script reports, per side and group, the before -> after P / R / F1 and how many articles the
change fixed and broke. The held-out half is never read here (its rows are dropped before any
run): score it with scripts/eval-instruments.py, once, at the end.

dev9 (96 articles of eight regulations no batch had drawn from, labelled for this check
before they were ever classified) and dev10 (96 more, of eight money-dense regulations, the
same way) are always on the check side (fold -1, -2). Also reported: "unseen
batches" (dev7*, dev8*: regulations of provinces ../shared has not,
drawn from caches outside the project) as a second leave-out view, since each of those
batches was scored before the fixes drawn from it.
"""
import argparse
import hashlib
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
_spec = importlib.util.spec_from_file_location("evalinstr", os.path.join(HERE, "eval-instruments.py"))
ev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ev)
articles = ev.articles
GROUPS = ev.GROUPS


def regulation(path):
    """The regulation an article belongs to: its title without date or folder."""
    return ev.articles.title_of(path)


def fold_of(path, k):
    return int(hashlib.sha1(("lro:" + regulation(path)).encode("utf-8")).hexdigest()[:8], 16) % k


def dev_rows(labels):
    rows = [r for r in ev.load_labels(labels) if r["split"] == "dev"]
    rows = articles.drop_absent_caches(rows, "instr-leaveout")
    return rows


def predict(binary, dict_dir, rows, texts):
    docs = [("a%04d" % k, r["article"], texts[r["id"]], articles.title_of(r["path"]))
            for k, r in enumerate(rows)]
    got = ev.run_policyminer(binary, dict_dir, docs)
    return {r["id"]: got.get("a%04d" % k, set()) for k, r in enumerate(rows)}


def line(name, rows, pred, base=None):
    s, macro = ev.scores(rows, pred)
    if base is None:
        out = ["%-22s n=%4d  macro-F1 %.3f  fiscal F1 %.3f" % (name, len(rows), macro, s["fiscal_financial"][3])]
        for g in GROUPS:
            n, p, rc, f1 = s[g]
            out.append("    %-17s n=%3d  P %.3f  R %.3f  F1 %.3f" % (g, n, p, rc, f1))
        return out
    b, bmacro = ev.scores(rows, base)
    out = ["%-22s n=%4d  macro-F1 %.3f -> %.3f  fiscal F1 %.3f -> %.3f"
           % (name, len(rows), bmacro, macro, b["fiscal_financial"][3], s["fiscal_financial"][3])]
    for g in GROUPS:
        fixed = sum(1 for r in rows if (g in base[r["id"]]) != (g in r["truth"]) and (g in pred[r["id"]]) == (g in r["truth"]))
        broke = sum(1 for r in rows if (g in base[r["id"]]) == (g in r["truth"]) and (g in pred[r["id"]]) != (g in r["truth"]))
        out.append("    %-17s n=%3d  P/R/F1 %.3f/%.3f/%.3f -> %.3f/%.3f/%.3f  fixed %d broke %d"
                   % ((g, s[g][0]) + b[g][1:] + s[g][1:] + (fixed, broke)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("PM_BIN", os.path.join(ROOT, "policyminer")))
    ap.add_argument("--dict", default=os.path.join(ROOT, "dictionaries"))
    ap.add_argument("--base", help="dictionary directory before the change")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--labels", default=os.path.join(ROOT, "tests", "eval", "instruments", "articles.tsv"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--derive", default="0,1,2", help="folds changes may be drawn from")
    ap.add_argument("--errors", action="store_true", help="list derive-side disagreements")
    ap.add_argument("--changes", action="store_true", help="list derive-side articles the change moved")
    ap.add_argument("--by-fold", action="store_true")
    a = ap.parse_args()

    root = articles.law_root(a.shared)
    if not os.path.isdir(root):
        print("instr-leaveout: %s absent, SKIPPED" % root)
        return 0
    derive = set(int(x) for x in a.derive.split(",") if x != "")
    rows = dev_rows(a.labels)
    texts = {}
    for r in rows:
        t = articles.lookup(root, r["id"])
        if t is None:
            print("instr-leaveout: article %s not found" % r["id"], file=sys.stderr)
            return 1
        texts[r["id"]] = t
    pred = predict(a.bin, a.dict, rows, texts)
    base = predict(a.bin, a.base, rows, texts) if a.base else None
    for r in rows:
        # dev9 and dev10 (unseen batches labelled for this check) are always on the check side
        r["fold"] = (-1 if r["stratum"].startswith("dev9") else -2 if r["stratum"].startswith("dev10")
                     else fold_of(r["path"], a.folds))
    d = [r for r in rows if r["fold"] in derive]
    c = [r for r in rows if r["fold"] not in derive]
    unseen = [r for r in rows if r["stratum"].startswith(("dev7", "dev8"))]
    print("instr-leaveout: %d development articles of %d regulations; folds %d, derive %s"
          % (len(rows), len(set(regulation(r["path"]) for r in rows)), a.folds, sorted(derive)))
    out = []
    out += line("all dev", rows, pred, base)
    out += line("derive folds", d, pred, base)
    out += line("CHECK folds (leave-out)", c, pred, base)
    out += line("unseen batches dev7/8", unseen, pred, base)
    out += line("  ... on check folds", [r for r in unseen if r["fold"] not in derive], pred, base)
    out += line("dev9 (unseen, check)", [r for r in rows if r["fold"] == -1], pred, base)
    out += line("dev10 (unseen, check)", [r for r in rows if r["fold"] == -2], pred, base)
    if a.by_fold:
        for f in range(a.folds):
            out += line("fold %d%s" % (f, "" if f in derive else " (check)"),
                        [r for r in rows if r["fold"] == f], pred, base)
    print("\n".join(out))
    if a.errors:
        for r in d:
            if r["truth"] != pred[r["id"]]:
                print("\n@@ %s  truth=%s  got=%s\n%s" % (r["id"], ";".join(sorted(r["truth"])),
                                                       ";".join(sorted(pred[r["id"]])), texts[r["id"]]))
    if a.changes and base:
        for r in d:
            if base[r["id"]] != pred[r["id"]]:
                print("\n~~ %s  truth=%s  before=%s  after=%s\n%s"
                      % (r["id"], ";".join(sorted(r["truth"])), ";".join(sorted(base[r["id"]])),
                         ";".join(sorted(pred[r["id"]])), texts[r["id"]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
