#!/usr/bin/env python3
"""Scores a `policyminer run` on a `policyminer gen` corpus against the planted truth.

    scripts/eval-synthetic.py GEN_DIR RUN_DIR

Prints level and region accuracy, per-group instrument recall/precision, sector recall,
experiment (adoption) recall, and pioneer recovery of the planted cascades. Planted
labels are the dictionaries' own `must` examples, so recall below 100% means a bug;
precision below 100% means the filler or an example also triggers another category.
"""
import csv
import sys
from collections import defaultdict

csv.field_size_limit(1 << 30)


def table(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))  # quoted fields: RFC 4180 (README)


def split(v):
    return set(x for x in (v or "").split(";") if x)


def main():
    gen, run = sys.argv[1], sys.argv[2]
    truth = {r["doc_id"]: r for r in table(gen + "/truth_documents.tsv")}
    got = {r["doc_id"]: r for r in table(run + "/documents.tsv")}
    both = [d for d in truth if d in got]
    print("documents: %d planted, %d classified, %d matched by id" % (len(truth), len(got), len(both)))
    lv = sum(truth[d]["level"] == got[d]["level"] for d in both)
    rg = sum(truth[d]["region_code"] == got[d]["region_code"] for d in both)
    dt = sum(truth[d]["date"] == got[d]["date"] for d in both if got[d]["date"])
    nd = sum(1 for d in both if got[d]["date"])
    print("level accuracy   %.4f" % (lv / max(1, len(both))))
    print("region accuracy  %.4f (exact six-digit code)" % (rg / max(1, len(both))))
    print("date accuracy    %.4f (of %d documents with a full date)" % (dt / max(1, nd), nd))
    for col, name in (("instruments", "instrument"), ("instrument_groups", "instrument group"),
                      ("sectors", "sector"), ("experiments", "experiment")):
        tp = fp = fn = 0
        per = defaultdict(lambda: [0, 0, 0])
        for d in both:
            t, g = split(truth[d].get(col)), split(got[d].get(col))
            tp += len(t & g)
            fn += len(t - g)
            fp += len(g - t)
            for k in t & g:
                per[k][0] += 1
            for k in t - g:
                per[k][2] += 1
            for k in g - t:
                per[k][1] += 1
        rec = tp / max(1, tp + fn)
        pre = tp / max(1, tp + fp)
        print("%-17s recall %.4f  precision %.4f  (tp %d, fp %d, fn %d)" % (name, rec, pre, tp, fp, fn))
        if col == "instrument_groups":
            for k in sorted(per):
                a, b, c = per[k]
                print("    %-18s recall %.4f  precision %.4f" % (k, a / max(1, a + c), a / max(1, a + b)))
    # cascades: pioneer recovery and adoption dates
    tc = table(gen + "/truth_cascades.tsv")
    ad = table(run + "/adoptions.tsv")
    first = {}
    for r in ad:
        first.setdefault(r["cascade_id"], r)
    pio = [r for r in tc if r["is_pioneer"] == "1"]
    ok = sum(1 for r in pio if r["experiment"] in first and first[r["experiment"]]["node_name"] == r["node"])
    print("pioneers recovered %d of %d planted cascades" % (ok, len(pio)))
    found = {(r["cascade_id"], r["node_name"]): r["date"] for r in ad}
    hit = sum(1 for r in tc if (r["experiment"], r["node"]) in found)
    same = sum(1 for r in tc if found.get((r["experiment"], r["node"])) == r["date"])
    print("adoptions recovered %d of %d; with the exact planted date %d" % (hit, len(tc), same))


if __name__ == "__main__":
    main()
