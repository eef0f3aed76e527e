#!/usr/bin/env python3
"""Recall sample of the dev18f round (fiscal_financial; development only): articles in which
one clause (between 。；) names money, tax, fee or credit AND a giving or easing verb, but
that the dictionary of the day does NOT label fiscal_financial; 1 per economic title of the
regulations that give no held-out article (newest version), not labelled yet, drawn by hash.
dev8f_miss.py's money words alone found about one miss in 25 articles; the verb in the same
clause puts the sample where unseen phrasings of a measure are. Its precision means nothing.

    python3 dev18_miss.py 60 dev18fm: dev18f-miss
"""
import os
import re
import sys

import articles as A
import dev7_pred as P
import dev8f_miss as M

GIVE = re.compile("给予|予以|安排|设立|享受|享有|减|免|优惠|扶持|支持|鼓励|补偿|发放|提供|资助|奖")
CLAUSE = re.compile("[^。；]+")


def money_and_verb(text):
    return any(M.MONEY.search(c) and GIVE.search(c) for c in CLAUSE.findall(text))


def sample(root, heldout_titles, labelled_ids, predict, n, salt, stratum):
    keep = set(A.newest_versions(root, lambda t: t not in heldout_titles and bool(A.ECON.search(t))
                                 and not A.NOT_ECON.search(t)).values())
    ids = []
    for rel in sorted(keep):
        ids.extend(rel + "#" + a for a, t in A.articles(os.path.join(root, rel))
                   if t and rel + "#" + a not in labelled_ids and money_and_verb(t))
    pred = predict(ids)
    return P.one_per_title((i for i in ids if "fiscal_financial" not in pred.get(i, ())),
                           lambda i: A.key(salt + i), n, stratum)


if __name__ == "__main__":
    root, ho, ids, pred = P.cli_context(sys.argv[3])
    for st, i in sample(root, ho, ids, pred, int(sys.argv[1]), sys.argv[2], sys.argv[3]):
        print(st + "\t" + i)
