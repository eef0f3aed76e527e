#!/usr/bin/env python3
"""Recall sample of the dev43f round (fiscal_financial; development only): articles with a
clause that names money and a giving verb (dev18_miss.py) that the dictionary of the day does
NOT label fiscal, from the newest version of every regulation of any title that gives no
held-out article (dev42_pred.py's pool), not labelled yet, 1 per regulation, drawn by hash.
The economic titles' such articles are all labelled (dev39f-dev41f). Its precision means
nothing.

    python3 dev43_miss.py 60 dev43fm: dev43f-miss
"""
import sys

import dev7_pred as P
import dev18_miss as V
import dev42_pred as D

if __name__ == "__main__":
    root, ho, ids, pred = P.cli_context(sys.argv[3])
    for st, i in D.sample(root, ho, ids, pred, int(sys.argv[1]), sys.argv[2], sys.argv[3],
                          text_ok=V.money_and_verb, predicted=False):
        print(st + "\t" + i)
