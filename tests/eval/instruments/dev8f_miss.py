#!/usr/bin/env python3
"""Recall sample of the dev8f round (helper instr, fiscal_financial; development only):
articles that name money, tax, fee or credit words but that the dictionary of the day does
NOT label fiscal_financial, 1 per economic title (articles.ECON, not articles.NOT_ECON) of
the regulations that give no held-out article (newest version), not labelled yet, drawn by
hash. Where the misses of unseen phrasing are; its precision means nothing.

    python3 dev8f_miss.py 40 dev8fm: dev8f-miss

Its own file, so that no other batch's sampler is edited.
"""
import re
import sys

import articles as A
import dev7_pred as P

MONEY = re.compile("资金|经费|补贴|补助|奖励|资助|津贴|贴息|基金|税|费用|减免|免收|贷款|信贷|融资|担保|保险|"
                   "投入|预算|优惠|扶持|奖金|财政")


def sample(root, heldout_titles, labelled_ids, predict, n, salt, stratum, text_ok=None, cap=1):
    ids = P.econ_articles(root, heldout_titles, labelled_ids, text_ok or MONEY.search)
    pred = predict(ids)
    return P.one_per_title((i for i in ids if "fiscal_financial" not in pred.get(i, ())),
                           lambda i: A.key(salt + i), n, stratum, cap)


def main(text_ok=None):
    """N SALT STRATUM [CAP] from the command line; text_ok replaces the money words (dev18_miss.py);
    CAP lifts the one-per-title cap (dev41f: once every title has given one)."""
    root, ho, ids, pred = P.cli_context(sys.argv[3])
    cap = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    for st, i in sample(root, ho, ids, pred, int(sys.argv[1]), sys.argv[2], sys.argv[3], text_ok, cap):
        print(st + "\t" + i)


if __name__ == "__main__":
    main()
