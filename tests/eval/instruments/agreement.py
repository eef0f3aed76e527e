#!/usr/bin/env python3
"""Agreement of the held-out labels (articles.tsv) with the blind second labelling
(heldout_second.tsv): per group, how many articles each labeller gives it, how many both,
and Cohen's kappa. Writes, with --labels-out FILE, a copy of articles.tsv whose held-out
rows carry the second labels, for `scripts/eval-instruments.py --labels FILE`.

    tests/eval/instruments/agreement.py [--labels-out FILE]
"""
import argparse
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GROUPS = ["fiscal_financial", "entry_regulation", "inputs", "demand", "supply_chain"]


def rows(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if not l.startswith("#")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--labels-out")
    a = ap.parse_args()
    first = {}
    for c in rows(os.path.join(HERE, "articles.tsv"))[1:]:
        if c[3] == "heldout":
            first[c[0] + "#" + c[1]] = set(g for g in c[4].split(";") if g)
    second = {c[0]: set(g for g in c[1].split(";") if g)
              for c in rows(os.path.join(HERE, "heldout_second.tsv"))[1:]}
    ids = sorted(first)
    missing = [i for i in ids if i not in second]
    if missing:
        raise SystemExit("second labelling lacks %d held-out ids" % len(missing))
    n = len(ids)
    print("held-out articles: %d" % n)
    for g in GROUPS:
        both = sum(1 for i in ids if g in first[i] and g in second[i])
        f1 = sum(1 for i in ids if g in first[i])
        s2 = sum(1 for i in ids if g in second[i])
        agree = sum(1 for i in ids if (g in first[i]) == (g in second[i])) / n
        pe = (f1 * s2 + (n - f1) * (n - s2)) / (n * n)
        kappa = (agree - pe) / (1 - pe) if pe < 1 else 1.0
        print("  %-17s first %3d  second %3d  both %3d  kappa %.3f" % (g, f1, s2, both, kappa))
    if a.labels_out:
        with open(os.path.join(HERE, "articles.tsv"), encoding="utf-8") as f, \
                open(a.labels_out, "w", encoding="utf-8") as out:
            for l in f:
                c = l.rstrip("\n").split("\t")
                if not l.startswith("#") and len(c) > 4 and c[3] == "heldout":
                    c[4] = ";".join(g for g in GROUPS if g in second[c[0] + "#" + c[1]])
                    l = "\t".join(c) + "\n"
                out.write(l)


if __name__ == "__main__":
    main()
