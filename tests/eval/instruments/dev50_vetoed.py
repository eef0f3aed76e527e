#!/usr/bin/env python3
"""Recall sample of the dev50f round (fiscal_financial; development only): unlabelled articles
of ../shared whose fiscal matches are ALL vetoed, from the pool dev48_flip.py reads (the newest
version of every regulation, any title, and the held-out half's own files with the held-out
rows and their texts left out unseen), 1 per regulation, drawn by hash. The vetoes have grown
by a shared clause-level set since dev22f/dev27f sampled them (in the held-out half's files
only); a veto that is too broad shows up here as a miss, nowhere else.

    python3 dev50_vetoed.py 60 dev50fv: dev50f-vetoed
"""
import os
import sys

import articles as A
import dev7_pred as P
import dev19_miss as V
import dev48_flip as F


def sample(root, labelled_ids, n, salt, stratum, cap=1):
    ids = F.unlabelled_pool(root, labelled_ids)
    binary = os.environ.get("PM_BIN", os.path.join(P.ROOT, "policyminer"))
    hidden = V.all_vetoed(binary, os.path.join(P.ROOT, "dictionaries"), root, ids)
    return P.one_per_title((i for i in ids if i in hidden), lambda i: A.key(salt + i), n, stratum, cap)


if __name__ == "__main__":
    root, _, ids, _ = P.cli_context(sys.argv[3])
    for st, i in sample(root, ids, int(sys.argv[1]), sys.argv[2], sys.argv[3],
                        int(sys.argv[4]) if len(sys.argv) > 4 else 1):
        print(st + "\t" + i)
