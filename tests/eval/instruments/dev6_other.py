#!/usr/bin/env python3
"""Stratum dev6-other (development only) for the entry_regulation, inputs and supply_chain
groups: `python3 dev6_other.py sample N` prints (stratum, id) lines.

Its own file (not a branch of articles.py) so that the two helpers of issue 12 who each
draw a dev6 batch do not edit the same lines. Draw: regulations none of whose versions
gives a held-out article (as dev2), newest version of a title, articles not labelled yet.
Titles with no labelled article at all come first (dev6-other-new: the variety dev1-dev5
lack), up to 3 articles each that name one of WORDS (the three groups' vocabulary, where
their false hits are) and 1 ordinary article from a hashed quarter of them; titles already
sampled give 1 WORDS article each (dev6-other-seen). `sample-dense N`: the second part,
dev6-other-dense (see sample_dense), drawn after the first was labelled and scored.
"""
import os
import re
import sys

import articles as A

WORDS = re.compile("准入|负面清单|审批|许可|营商环境|创业|招商|投资|外资|外商|贸易|跨境|开放|一网通办|"
                   "收费|公平竞争|用地|土地|人才|培训|职业技能|技术|研发|研究开发|基础设施|平台|"
                   "节能|清洁生产|绿色|园区|集群|产业链|配套|孵化|集聚|基地|示范区|开发区")


def sample(root, heldout_titles, labelled_ids):
    seen_titles = set(A.title_of(i.partition("#")[0]) for i in labelled_ids)
    newest = A.newest_versions(root, lambda t: t not in heldout_titles and bool(A.ECON.search(t))
                               and not A.NOT_ECON.search(t))
    new, seen = [], []
    for rel in sorted(newest.values()):
        arts = [(a, t) for a, t in A.articles(os.path.join(root, rel))
                if t and rel + "#" + a not in labelled_ids]
        arts.sort(key=lambda at: A.key("dev6o:" + rel + "#" + at[0]))
        hit = [a for a, t in arts if WORDS.search(t)]
        if A.title_of(rel) in seen_titles:
            seen.extend(("dev6-other-seen", rel + "#" + a) for a in hit[:1])
            continue
        rest = [a for a, t in arts if not WORDS.search(t)
                and int(A.key("dev6oo:" + rel + "#" + a)[:2], 16) < 64][:1]
        new.extend(("dev6-other-new", rel + "#" + a) for a in hit[:3] + rest)
    new.sort(key=lambda p: A.key("dev6o:" + p[1]))
    seen.sort(key=lambda p: A.key("dev6o:" + p[1]))
    return new, seen


def sample_dense(root, heldout_titles, labelled_ids):
    """dev6-other-dense: the promotion- and measure-dense titles (PROMO2 or DENSE) among the
    same regulations, articles not labelled yet that name one of WORDS, at most 2 per title:
    where the three groups' measures (and their near misses) are."""
    newest = A.newest_versions(root, lambda t: t not in heldout_titles and bool(A.ECON.search(t))
                               and not A.NOT_ECON.search(t) and bool(A.PROMO2.search(t) or A.DENSE.search(t)))
    pool = []
    for rel in sorted(newest.values()):
        arts = [(a, t) for a, t in A.articles(os.path.join(root, rel))
                if t and rel + "#" + a not in labelled_ids and WORDS.search(t)]
        arts.sort(key=lambda at: A.key("dev6od:" + rel + "#" + at[0]))
        pool.extend(("dev6-other-dense", rel + "#" + a) for a, t in arts[:2])
    pool.sort(key=lambda p: A.key("dev6od:" + p[1]))
    return pool


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("PM_SHARED", os.path.join(here, "..", "..", "..", "..", "shared"))
    root = A.law_root(shared)
    tsv = os.path.join(here, "articles.tsv")
    ho, ids = A.labelled(tsv)
    with open(tsv, encoding="utf-8") as f:
        mine = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev6-other-" in l)
    if sys.argv[1] == "sample":
        new, seen = sample(root, ho, ids - mine)
        n = int(sys.argv[2])
        k = int(sys.argv[3]) if len(sys.argv) > 3 else n // 4
        for st, i in new[:n - k] + seen[:k]:
            print(st + "\t" + i)
    elif sys.argv[1] == "sample-dense":
        with open(tsv, encoding="utf-8") as f:
            dense = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev6-other-dense" in l)
        for st, i in sample_dense(root, ho, ids - dense)[:int(sys.argv[2])]:
            print(st + "\t" + i)


def sample_predicted(root, heldout_titles, labelled_ids, predict, per_group=30, salt="dev6op:",
                     stratum="dev6-other-pred", groups=("supply_chain", "entry_regulation", "inputs")):
    """dev6-other-pred: articles the dictionary of the day labels entry_regulation, inputs or
    supply_chain (predict: {id: set of groups}), from regulations that give no held-out article
    (newest version of a title), not labelled yet, at most 1 per title and group, drawn by hash:
    a precision sample (its recall means nothing), where the false hits of the three groups are.
    dev6-other-pred2 is a second draw (salt dev6op2:) with the dictionary after the fixes from
    the first; dev6-other-pred3 a third, inputs only (50, salt dev6op3:)."""
    newest = A.newest_versions(root, lambda t: t not in heldout_titles)
    ids = []
    for rel in sorted(newest.values()):
        ids.extend(rel + "#" + a for a, t in A.articles(os.path.join(root, rel))
                   if t and rel + "#" + a not in labelled_ids)
    pred = predict(ids)
    out, taken = [], set()
    for g in groups:
        titles = set()
        for i in sorted((i for i in ids if g in pred.get(i, ())), key=lambda i: A.key(salt + g + i)):
            rel = i.partition("#")[0]
            if rel in titles or i in taken:
                continue
            titles.add(rel)
            taken.add(i)
            out.append((stratum, i))
            if len(titles) == per_group:
                break
    return out
