#!/usr/bin/env python3
"""Samples of the dev21f round (fiscal_financial; development only) from the same files as
the held-out half: the unlabelled articles of the regulations that give a held-out article,
as dev1 (the first 820's development half) was. The held-out rows themselves are never
drawn, printed or read for a fix: an article whose text equals a held-out article's is left
out by the sampler without being shown. The fresh-title rounds (dev11f-dev20f) measure
regulations no label came from; this round samples the drafting of the held-out half's own
regulations, which those rounds could not.

    python3 dev21_sample.py pred 50 dev21fp: dev21f-pred   (labelled fiscal, 1 per file)
    python3 dev21_sample.py miss 60 dev21fm: dev21f-miss   (money and a giving verb in one clause,
                                                            not labelled fiscal, 1 per file)
    python3 dev21_sample.py vetoed 50 dev22fv: dev22f-vetoed (every fiscal match vetoed, 1 per file)
    python3 dev21_sample.py pred 50 dev22fp: dev22f-pred    (labelled fiscal, a second draw, new salt)
    python3 dev21_sample.py quiet 40 dev28fq: dev28f-quiet  (not labelled fiscal and no clause with money
                                                            and a giving verb: where the miss sampler
                                                            never looks, 1 per file)
    python3 dev21_sample.py wide 60 dev32fw: dev32f-wide    (quiet, as above, but naming one of the
                                                            WIDE words below: money, fees and
                                                            preferences that MONEY and GIVE do not
                                                            spell, 1 per file)
    python3 dev21_sample.py pred 100 dev37fp: dev37f-pred 1000  (a fifth argument lifts the cap of one
    python3 dev21_sample.py miss 30 dev37fm: dev37f-miss 5      article per file: once every file has
                                                            given one, the rest of its articles)
"""
import os
import re
import sys

import articles as A
import dev7_pred as P
import dev18_miss as M
import dev19_miss as V


# Words of a measure outside dev18_miss.py's MONEY and GIVE (fees, refunds, free or
# unpaid provision, equity, rent, price, priority, credit): where the quiet sampler's
# articles could still hold a measure the money-and-verb test cannot see.
WIDE = re.compile("奖补|拨款|拨付|返还|出资|无偿|免费|补偿|保费|贴补|激励|以奖代补|收费|缴费|减半|减征|"
                  "免征|免交|免缴|减收|退还|退税|资本|股权|补足|列支|开支|报销|优先|低息|无息|贴现|"
                  "信用|授信|押|租金|价格")


def heldout_ids(path):
    """The held-out rows of articles.tsv as path#article ids."""
    with open(path, encoding="utf-8") as f:
        return set(c[0] + "#" + c[1] for c in (line.rstrip("\n").split("\t") for line in f)
                   if len(c) == 6 and c[3] == "heldout")


def heldout_files(root):
    """(held-out ids, {path: articles} of every file that gives a held-out article, the held-out
    articles' texts): what every sampler of the held-out half's own files starts from, so that
    a text equal to a held-out article's can be left out without being shown."""
    ho_ids = heldout_ids(os.path.join(P.HERE, "articles.tsv"))
    files = sorted(set(i.partition("#")[0] for i in ho_ids))
    arts = {rel: A.articles(os.path.join(root, rel)) for rel in files}
    ho_texts = set(t for rel in files for a, t in arts[rel] if rel + "#" + a in ho_ids)
    return ho_ids, arts, ho_texts


def sample(root, labelled_ids, predict, mode, n, salt, stratum, cap=1):
    ho_ids, arts, ho_texts = heldout_files(root)
    files = sorted(arts)
    ids = []
    for rel in files:
        ids.extend(rel + "#" + a for a, t in arts[rel] if t and t not in ho_texts
                   and rel + "#" + a not in labelled_ids and (mode != "miss" or M.money_and_verb(t))
                   and (mode not in ("quiet", "wide") or not M.money_and_verb(t))
                   and (mode != "wide" or WIDE.search(t)))
    if mode == "vetoed":
        hidden = V.all_vetoed(os.environ.get("PM_BIN", os.path.join(P.ROOT, "policyminer")),
                              os.path.join(P.ROOT, "dictionaries"), root, ids)
        want = hidden.__contains__
    else:
        pred = predict(ids)
        want = (lambda i: "fiscal_financial" in pred.get(i, ())) if mode == "pred" else \
            (lambda i: "fiscal_financial" not in pred.get(i, ()))  # miss, quiet, wide
    return P.one_per_title((i for i in ids if want(i)), lambda i: A.key(salt + i), n, stratum, cap)


if __name__ == "__main__":
    root, _, ids, pred = P.cli_context(sys.argv[4])
    cap = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    for st, i in sample(root, ids, pred, sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], cap):
        print(st + "\t" + i)
