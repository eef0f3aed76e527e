#!/usr/bin/env python3
"""Fiscal precision sample of the dev12 round (development only): articles the dictionary of
the day labels fiscal_financial, at most 3 per promotion-type title (articles.PROMO, the kind of
regulation half of the held-out half comes from) that gives no held-out article (newest
version), not labelled yet, drawn by hash. Recall on it means nothing.

    python3 dev12_pred.py 40 dev12fp: dev12f-pred

Its own file, so that no other batch's sampler is edited.
"""
import os
import sys

import articles as A
import dev7_pred as P

PER_TITLE = 3  # only 14 such titles have an unlabelled article it labels fiscal


def sample(root, heldout_titles, labelled_ids, predict, n, salt, stratum):
    keep = set(A.newest_versions(root, lambda t: t not in heldout_titles and bool(A.PROMO.search(t))).values())
    ids = []
    for rel in sorted(keep):
        ids.extend(rel + "#" + a for a, t in A.articles(os.path.join(root, rel))
                   if t and rel + "#" + a not in labelled_ids)
    pred = predict(ids)
    return P.one_per_title((i for i in ids if "fiscal_financial" in pred.get(i, ())),
                           lambda i: A.key(salt + i), n, stratum, PER_TITLE)


if __name__ == "__main__":
    root, ho, ids, pred = P.cli_context(sys.argv[3])
    for st, i in sample(root, ho, ids, pred, int(sys.argv[1]), sys.argv[2], sys.argv[3]):
        print(st + "\t" + i)
