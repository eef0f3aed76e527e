#!/usr/bin/env python3
"""Recall sample of the dev41f round (fiscal_financial; development only): articles of the
economic titles that give no held-out article (newest version, not labelled yet) that name a
WIDE word of dev21_sample.py (fees, refunds, free provision, equity, rent, price, priority,
credit) but no clause with money and a giving verb (dev18_miss.py), and that the dictionary of
the day does not label fiscal, 1 per title, drawn by hash. dev21_sample.py's wide draws look
only at the held-out half's own files; this one looks at fresh titles. Its precision means
nothing.

    python3 dev41_wide.py 80 dev41fw: dev41f-wide
"""
import dev8f_miss as M
import dev18_miss as V
import dev21_sample as S


def wide_quiet(text):
    return bool(S.WIDE.search(text)) and not V.money_and_verb(text)


if __name__ == "__main__":
    M.main(wide_quiet)
