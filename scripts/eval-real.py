#!/usr/bin/env python3
"""Scores policyminer on the hand-labelled set of real documents in tests/eval/.

    scripts/eval-real.py [--bin ./policyminer] [--eval-dir tests/eval] [--run-dir DIR]
                         [--min-level ACC] [--min-region ACC]

Runs `policyminer run -j1` over EVAL_DIR into a temporary directory (or reads the
documents.tsv of an existing RUN_DIR), joins it with EVAL_DIR/labels.tsv by doc_id and
prints per-class precision and recall for issuer level, exact region code and each
instrument group, plus overall accuracies. Labelling rules: tests/eval/LABELLING.md.
With --min-level / --min-region (percentages) it exits 1 when a figure is below the
threshold, so `make test` can hold the line. Standard library only.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
from collections import Counter

csv.field_size_limit(1 << 30)
GROUPS = ["fiscal_financial", "entry_regulation", "inputs", "demand", "supply_chain"]


def table(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))  # quoted fields: RFC 4180 (README)


def split(v):
    return set(x for x in (v or "").split(";") if x)


def pct(num, den):
    return "   -  " if den == 0 else "%5.1f%%" % (100.0 * num / den)


def per_class(pairs, title):
    """pairs: (truth, predicted) single labels. Prints P/R per truth/predicted class."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for t, p in pairs:
        if t == p:
            tp[t] += 1
        else:
            fn[t] += 1
            fp[p] += 1
    print("%s (per class: n, precision, recall)" % title)
    for c in sorted(set(tp) | set(fp) | set(fn)):
        n = tp[c] + fn[c]
        print("  %-12s n=%-3d P=%s R=%s" % (c or "(none)", n, pct(tp[c], tp[c] + fp[c]),
                                              pct(tp[c], n)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("PM_BIN", "./policyminer"))
    ap.add_argument("--eval-dir", default="tests/eval")
    ap.add_argument("--run-dir")
    ap.add_argument("--dict", help="dictionary directory passed to policyminer run -d")
    ap.add_argument("--min-level", type=float)
    ap.add_argument("--min-region", type=float)
    ap.add_argument("--show-errors", action="store_true")
    a = ap.parse_args()

    labels = {r["doc_id"]: r for r in table(os.path.join(a.eval_dir, "labels.tsv"))}
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = a.run_dir
        if not run_dir:
            run_dir = os.path.join(tmp, "out")
            cmd = [a.bin, "run", "-q", "-j1", "-o", run_dir]
            if a.dict:
                cmd += ["-d", a.dict]
            subprocess.run(cmd + [a.eval_dir], check=True)
        got = {r["doc_id"]: r for r in table(os.path.join(run_dir, "documents.tsv"))}

    missing = sorted(set(labels) - set(got))
    unlabelled = sorted(set(got) - set(labels))
    if missing or unlabelled:
        # A labelled document that was not classified (rejected, renamed) must not
        # silently improve the figures; an unlabelled one means labels.tsv is stale.
        print("labels/documents mismatch: missing %s, unlabelled %s" % (missing, unlabelled))
        return 1

    ids = sorted(labels)
    n = len(ids)
    # Documents added after the last dictionary / issuer change (tests/eval/heldout.txt):
    # their figures are out-of-sample; the rest were used to find and fix errors.
    held = set()
    hp = os.path.join(a.eval_dir, "heldout.txt")
    if os.path.exists(hp):
        with open(hp, encoding="utf-8") as f:
            held = set(l.strip() for l in f if l.strip() and not l.startswith("#"))
    if held:
        h = [i for i in ids if i in held]
        hl = sum(labels[i]["level"] == got[i]["level"] for i in h)
        hr = sum(labels[i]["region_code"] == got[i]["region_code"] for i in h)
        hg = sum(split(labels[i]["instrument_groups"]) == split(got[i]["instrument_groups"])
                 for i in h)
        print("held-out (%d documents added after the last fix): level %s, region %s, "
              "instrument groups exact %s" % (len(h), pct(hl, len(h)), pct(hr, len(h)),
                                             pct(hg, len(h))))
    lvl = [(labels[i]["level"], got[i]["level"]) for i in ids]
    reg = [(labels[i]["region_code"], got[i]["region_code"]) for i in ids]
    lvl_ok = sum(t == p for t, p in lvl)
    reg_ok = sum(t == p for t, p in reg)
    print("real-text evaluation: %d documents (%s)" % (n, a.eval_dir))
    print("level accuracy   %s (%d/%d)" % (pct(lvl_ok, n), lvl_ok, n))
    print("region accuracy  %s (%d/%d, exact six-digit code)" % (pct(reg_ok, n), reg_ok, n))
    per_class(lvl, "level")
    per_class(reg, "region_code")

    print("instrument_groups (per group: docs labelled, precision, recall)")
    exact = 0
    for g in GROUPS:
        tp = fp = fn = 0
        for i in ids:
            t = g in split(labels[i]["instrument_groups"])
            p = g in split(got[i]["instrument_groups"])
            tp += t and p
            fp += p and not t
            fn += t and not p
        print("  %-17s n=%-3d P=%s R=%s" % (g, tp + fn, pct(tp, tp + fp), pct(tp, tp + fn)))
    for i in ids:
        exact += split(labels[i]["instrument_groups"]) == split(got[i]["instrument_groups"])
    print("instrument_groups exact-set accuracy %s (%d/%d)" % (pct(exact, n), exact, n))

    if a.show_errors:
        for i in ids:
            L, G = labels[i], got[i]
            if (L["level"], L["region_code"]) != (G["level"], G["region_code"]) or \
                    split(L["instrument_groups"]) != split(G["instrument_groups"]):
                print("  %s: truth %s/%s/%s got %s/%s/%s" % (
                    i, L["level"], L["region_code"], L["instrument_groups"], G["level"],
                    G["region_code"], G["instrument_groups"]))

    rc = 0
    if a.min_level is not None and 100.0 * lvl_ok / n < a.min_level:
        print("FAIL: level accuracy below %.1f%%" % a.min_level)
        rc = 1
    if a.min_region is not None and 100.0 * reg_ok / n < a.min_region:
        print("FAIL: region accuracy below %.1f%%" % a.min_region)
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
