#!/usr/bin/env python3
"""Batch dev6-fiscal (development only): evidence for fiscal_financial and demand.

    python3 dev6_fiscal.py sample N     prints N (stratum, id) rows in a fixed order
    python3 dev6_fiscal.py sample-b N   the same for dev6b-fiscal (see sample_b)
    python3 dev6_fiscal.py sample-c N   dev6c-fiscal, the same draw once dev6b-fiscal is labelled
    python3 dev6_fiscal.py sample-d N   dev6d-fiscal, the rest of dev6c's draw (after its first 120)

Kept apart from articles.py so that the two dev6 batches (fiscal and other) merge without
touching the same lines. Regulations none of whose versions gives a held-out article (as
dev2-dev5), newest version of each economic title, and - for variety - only titles of which
no article has been labelled yet. An article naming one of MONEY's words (money, tax, fees,
credit, funds, procurement, promotion: where the fiscal and demand rules decide, for or
against) is drawn, at most 2 per title; one naming none only from a hashed eighth of the
articles, at most 1 per title, so that the batch keeps ordinary articles (precision).
"""
import os
import re
import sys

import articles

MONEY = re.compile("资金|经费|补贴|补助|奖励|奖金|资助|税|费用|收费|贷款|信贷|授信|融资|担保|基金|"
                   "保险|贴息|金融|债券|上市|预算|拨款|财政|返还|减免|免收|优惠|券|采购|购买服务|"
                   "首台|推广|展会|展览|博览|品牌|消费|市场开拓|推介")
STRONG = re.compile("补贴|补助|奖励|资助|专项资金|扶持资金|发展资金|税收|减免|免征|贷款|信贷|基金|担保|"
                    "贴息|融资|政府采购|购买服务|首台|展会|推广|品牌|消费")


def sample(root, heldout_titles, labelled_ids):
    used = set(articles.title_of(i.partition("#")[0]) for i in labelled_ids)
    def keep(t):
        if t in heldout_titles:
            return False
        if t in used:
            return bool(articles.PROMO2.search(t) or articles.DENSE.search(t))
        return bool(articles.ECON.search(t)) and not articles.NOT_ECON.search(t)
    newest = articles.newest_versions(root, keep)
    pool = []
    for rel in sorted(newest.values()):
        arts = [(a, t) for a, t in articles.articles(os.path.join(root, rel))
                if t and rel + "#" + a not in labelled_ids]
        arts.sort(key=lambda at: articles.key("dev6f:" + rel + "#" + at[0]))
        if articles.title_of(rel) in used:
            picked = [a for a, t in arts if STRONG.search(t)][:1]
        else:
            picked = [a for a, t in arts if MONEY.search(t)][:3]
            picked += [a for a, t in arts if not MONEY.search(t)
                       and int(articles.key("dev6fo:" + rel + "#" + a)[:2], 16) < 32][:1]
        pool.extend(("dev6-fiscal", rel + "#" + a) for a in picked)
    pool.sort(key=lambda p: articles.key("dev6f:" + p[1]))
    return pool


def sample_b(root, heldout_titles, labelled_ids, stratum="dev6b-fiscal"):
    """dev6b-fiscal, drawn after the dev6-fiscal fixes and labelled before any fix from it: the
    dense titles again (promotion- and measure-dense, already used by earlier batches), up to
    2 more unlabelled articles per title naming one of STRONG's words and 1 naming none from a
    hashed quarter (precision where the measures are). dev6c-fiscal is the same draw again
    once dev6b-fiscal is labelled (drawn after the dev6b fixes)."""
    salt = stratum.split("-")[0]
    used = set(articles.title_of(i.partition("#")[0]) for i in labelled_ids)
    newest = articles.newest_versions(root, lambda t: t not in heldout_titles and t in used and bool(
        articles.PROMO2.search(t) or articles.DENSE.search(t)))
    pool = []
    for rel in sorted(newest.values()):
        arts = [(a, t) for a, t in articles.articles(os.path.join(root, rel))
                if t and rel + "#" + a not in labelled_ids]
        arts.sort(key=lambda at: articles.key(salt + ":" + rel + "#" + at[0]))
        picked = [a for a, t in arts if STRONG.search(t)][:2]
        picked += [a for a, t in arts if not STRONG.search(t)
                   and int(articles.key(salt + "o:" + rel + "#" + a)[:2], 16) < 64][:1]
        pool.extend((stratum, rel + "#" + a) for a in picked)
    pool.sort(key=lambda p: articles.key(salt + ":" + p[1]))
    return pool


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("PM_SHARED", os.path.join(here, "..", "..", "..", "..", "shared"))
    tsv = os.path.join(here, "articles.tsv")
    ho, ids = articles.labelled(tsv)
    # the dev6 batches' rows (this one and dev6-other), once recorded, must not change the draw
    with open(tsv, encoding="utf-8") as f:
        mine = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev6-" in l)
    if sys.argv[1] == "sample":
        for st, i in sample(articles.law_root(shared), ho, ids - mine)[:int(sys.argv[2])]:
            print(st + "\t" + i)
    elif sys.argv[1] in ("sample-c", "sample-d"):
        # dev6d-fiscal is the rest of dev6c's draw (its rows after the first 120)
        with open(tsv, encoding="utf-8") as f:
            mine_c = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev6c-" in l or (
                "\tdev6" in l and "\tdev6-fiscal\t" not in l and "\tdev6b-fiscal\t" not in l))
        pool = sample_b(articles.law_root(shared), ho, ids - mine_c, "dev6c-fiscal")
        if sys.argv[1] == "sample-d":
            pool = [("dev6d-fiscal", i) for st, i in pool[120:]]
        for st, i in pool[:int(sys.argv[2])]:
            print(st + "\t" + i)
    elif sys.argv[1] == "sample-b":
        # excludes dev6-fiscal's articles (drawn first); its own rows and other dev6 batches'
        # rows must not change the draw
        with open(tsv, encoding="utf-8") as f:
            mine_b = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f
                         if "\tdev6b-" in l or ("\tdev6-" in l and "\tdev6-fiscal\t" not in l))
        for st, i in sample_b(articles.law_root(shared), ho, ids - mine_b)[:int(sys.argv[2])]:
            print(st + "\t" + i)
