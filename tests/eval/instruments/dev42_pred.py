#!/usr/bin/env python3
"""Precision sample of the dev42f round (fiscal_financial; development only): articles the
dictionary of the day labels fiscal_financial, not labelled yet, from the newest version of
EVERY regulation of ../shared (articles.ALL_TOPS, any title) that gives no held-out article,
1 per regulation, drawn by hash. The economic titles hold no such article any more (every one
has been labelled); this reaches the rest of the corpus — social, health, environmental and
departmental rules — where a measure's words are used without a measure, the false hits the
economic titles no longer show.

    python3 dev42_pred.py 60 dev42fp: dev42f-pred
"""
import os
import sys

import articles as A
import dev7_pred as P


def sample(root, heldout_titles, labelled_ids, predict, n, salt, stratum, cap=1, text_ok=None,
           predicted=True):
    """predicted=False with text_ok draws the recall side instead (dev43_miss.py)."""
    keep = set(A.newest_versions(root, lambda t: t not in heldout_titles).values())
    ids = []
    for rel in sorted(keep):
        ids.extend(rel + "#" + a for a, t in A.articles(os.path.join(root, rel))
                   if t and rel + "#" + a not in labelled_ids and (text_ok is None or text_ok(t)))
    pred = predict(ids)
    return P.one_per_title((i for i in ids if ("fiscal_financial" in pred.get(i, ())) == predicted),
                           lambda i: A.key(salt + i), n, stratum, cap)


if __name__ == "__main__":
    root, ho, ids, pred = P.cli_context(sys.argv[3])
    for st, i in sample(root, ho, ids, pred, int(sys.argv[1]), sys.argv[2], sys.argv[3]):
        print(st + "\t" + i)
