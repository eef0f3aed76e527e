#!/usr/bin/env python3
"""Fiscal samples of the dev13 round (development only), on the cache $PM_CN_EXTRA7 (24
regulations no earlier batch drew from; articles.py, dev13 block), and of the dev14 round on
$PM_CN_EXTRA8 (the next 24 titles; a fifth argument `extra8`) and of dev15 on $PM_CN_EXTRA9
(the titles after those; `extra9`), and of dev34 on $PM_CN_EXTRA10 (regulations listed from the
source's own index; `extra10`), and of dev77 on $PM_CN_EXTRA11 (the rest of that
index's order; `extra11`):

    python3 dev13_pred.py pred 48 dev13fp: dev13f-pred   articles the dictionary of the day
                                                         labels fiscal_financial, at most 2
                                                         per regulation (precision)
    python3 dev13_pred.py miss 24 dev13fm: dev13f-miss   articles naming money, tax, fee or
                                                         credit words it does NOT label fiscal,
                                                         1 per regulation (recall)

drawn by hash; each labelled from CODEBOOK.md before any fix from it. Its own file, so that no
other batch's sampler is edited.
"""
import os
import sys

import articles as A
import dev7_pred as P
import dev8f_miss as M


def labelled_ids():
    """path#article of every row of articles.tsv (a later draw of a cache skips them)."""
    with open(os.path.join(P.HERE, "articles.tsv"), encoding="utf-8") as f:
        return set(c[0] + "#" + c[1] for c in (line.rstrip("\n").split("\t") for line in f)
                   if len(c) == 6 and not c[0].startswith("#"))


def sample(kind, predict, n, salt, stratum, per_title, prefix=A.EXTRA7, skip=frozenset()):
    ids = []
    for rel in A.extra_files(prefix):
        ids.extend(rel + "#" + a for a, t in A.articles(A.path_of("", rel))
                   if t and rel + "#" + a not in skip and (kind == "pred" or M.MONEY.search(t)))
    pred = predict(ids)
    want = (lambda i: "fiscal_financial" in pred.get(i, ())) if kind == "pred" else \
        (lambda i: "fiscal_financial" not in pred.get(i, ()))
    return P.one_per_title((i for i in ids if want(i)), lambda i: A.key(salt + i), n, stratum, per_title)


if __name__ == "__main__":
    prefix = "cn-%s/" % (sys.argv[5] if len(sys.argv) > 5 else "extra7")
    root = A.cache_root(prefix)
    if not os.path.isdir(root):
        raise SystemExit("dev13_pred: %s absent" % root)
    shared = os.environ.get("PM_SHARED", os.path.join(P.ROOT, "..", "shared"))
    pred = P.predictor(os.environ.get("PM_BIN", os.path.join(P.ROOT, "policyminer")),
                       os.path.join(P.ROOT, "dictionaries"), A.law_root(shared))
    kind = sys.argv[1]
    # A second draw of a cache (dev35f on extra10) names a sixth argument `fresh`: the articles
    # labelled already are left out (the dev13-dev15 and dev34 draws had none to leave out).
    skip = labelled_ids() if len(sys.argv) > 6 and sys.argv[6] == "fresh" else frozenset()
    for st, i in sample(kind, pred, int(sys.argv[2]), sys.argv[3], sys.argv[4], 2 if kind == "pred" else 1,
                        prefix, skip):
        print(st + "\t" + i)
