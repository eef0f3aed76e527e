#!/usr/bin/env python3
"""The dev48f sample (fiscal_financial; development only): every unlabelled article of ../shared
(the newest version of every regulation, and the held-out half's own files with the held-out
rows and their texts left out unseen) whose fiscal label one dictionary gives and another does
not — what a round of fixes changed on text nobody had labelled. OLD is a dictionary directory
(e.g. a `git archive` of an earlier commit's dictionaries/), the new one is the working tree's.

    python3 dev48_flip.py OLD_DICT_DIR dev48f-flip    (prints stratum, id, on|off)
"""
import os
import sys

import articles as A
import dev7_pred as P
import dev21_sample as S


def unlabelled_pool(root, labelled_ids):
    """Every unlabelled article of ../shared: the newest version of every regulation and the
    held-out half's own files, the held-out rows and any article with a held-out text left out
    unseen (also dev50_vetoed.py's pool)."""
    keep = set(A.newest_versions(root, lambda t: True).values())
    ho_ids, arts, ho_texts = S.heldout_files(root)
    pool = []
    for rel in sorted(keep | set(arts)):
        pool.extend(rel + "#" + a for a, t in A.articles(os.path.join(root, rel))
                    if t and t not in ho_texts and rel + "#" + a not in labelled_ids
                    and rel + "#" + a not in ho_ids)
    return pool


def flips(root, labelled_ids, old_dict, new_dict):
    pool = unlabelled_pool(root, labelled_ids)
    binary = os.environ.get("PM_BIN", os.path.join(P.ROOT, "policyminer"))
    old = P.predictor(binary, old_dict, root)(pool)
    new = P.predictor(binary, new_dict, root)(pool)
    f = "fiscal_financial"
    return [(i, "on" if f in new.get(i, ()) else "off") for i in pool
            if (f in new.get(i, ())) != (f in old.get(i, ()))]


if __name__ == "__main__":
    root, _, ids, _ = P.cli_context(sys.argv[2])
    for i, side in flips(root, ids, sys.argv[1], os.path.join(P.ROOT, "dictionaries")):
        print(sys.argv[2] + "\t" + i + "\t" + side)
