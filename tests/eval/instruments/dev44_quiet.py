#!/usr/bin/env python3
"""Recall sample of the dev44f round (fiscal_financial; development only): articles of the
held-out half's own files (as dev21_sample.py: unlabelled, a text equal to a held-out article's
left out unseen) that neither name money with a giving verb (dev18_miss.py) nor a WIDE word
(dev21_sample.py), but name a financing word neither list has — 金融 (credit and financial
services, CODEBOOK rule 5), 上市 / 挂牌 / 债 / 券 (the financing channels the codebook names,
and vouchers), 奖 without 励 — and that the dictionary of the day does not label fiscal; at
most CAP per file, drawn by hash. Where the samplers so far never looked.

    python3 dev44_quiet.py 60 dev44fq: dev44f-quiet 2
"""
import re
import sys

import articles as A
import dev7_pred as P
import dev18_miss as M
import dev21_sample as S

FIN = re.compile("金融|上市|挂牌|债|券|奖(?!励)")


def sample(root, labelled_ids, predict, n, salt, stratum, cap):
    _, arts, ho_texts = S.heldout_files(root)
    ids = [rel + "#" + a for rel in sorted(arts) for a, t in arts[rel]
           if t and t not in ho_texts and rel + "#" + a not in labelled_ids
           and not M.money_and_verb(t) and not S.WIDE.search(t) and FIN.search(t)]
    pred = predict(ids)
    return P.one_per_title((i for i in ids if "fiscal_financial" not in pred.get(i, ())),
                           lambda i: A.key(salt + i), n, stratum, cap)


if __name__ == "__main__":
    root, _, ids, pred = P.cli_context(sys.argv[3])
    for st, i in sample(root, ids, pred, int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])):
        print(st + "\t" + i)
