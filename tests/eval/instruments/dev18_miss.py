#!/usr/bin/env python3
"""Recall sample of the dev18f round (fiscal_financial; development only): articles in which
one clause (between 。；) names money, tax, fee or credit AND a giving or easing verb, but
that the dictionary of the day does NOT label fiscal_financial; 1 per economic title of the
regulations that give no held-out article (newest version), not labelled yet, drawn by hash.
dev8f_miss.py's money words alone found about one miss in 25 articles; the verb in the same
clause puts the sample where unseen phrasings of a measure are. Its precision means nothing.

    python3 dev18_miss.py 60 dev18fm: dev18f-miss
    python3 dev18_miss.py 100 dev41fm: dev41f-miss 1000   (the cap of one per title lifted)
"""
import re

import dev8f_miss as M

GIVE = re.compile("给予|予以|安排|设立|享受|享有|减|免|优惠|扶持|支持|鼓励|补偿|发放|提供|资助|奖")
CLAUSE = re.compile("[^。；]+")


def money_and_verb(text):
    return any(M.MONEY.search(c) and GIVE.search(c) for c in CLAUSE.findall(text))


if __name__ == "__main__":
    M.main(money_and_verb)
