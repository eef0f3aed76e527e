#!/usr/bin/env python3
"""Recall sample of the dev19f round (fiscal_financial; development only): articles in which
the dictionary of the day finds a fiscal_financial match but vetoes every one, so that it
does NOT label the article fiscal; 1 per economic title of the regulations that give no
held-out article (newest version), not labelled yet, drawn by hash. Where a veto that is
too broad hides a measure (the 监督管理 of an agency's name once did). Its precision means
nothing.

    python3 dev19_miss.py 50 dev19fm: dev19f-miss
"""
import csv
import os
import subprocess
import sys
import tempfile

import articles as A
import dev7_pred as P


def all_vetoed(binary, dict_dir, root, ids):
    """The ids whose fiscal_financial matches are all vetoed (at least one match)."""
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "a.xml")
        P.eval_module().write_corpus(xml, [("v%05d" % k, i.partition("#")[2], A.lookup(root, i),
                                            A.title_of(i.partition("#")[0])) for k, i in enumerate(ids)])
        out = subprocess.run([binary, "dict", "hits", "-d", dict_dir, xml], check=True,
                             capture_output=True, text=True).stdout
    seen, kept = set(), set()
    for r in csv.DictReader(out.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        if r["group"] == "fiscal_financial":
            seen.add(r["doc_id"])
            if r["vetoed"] == "0" and r["dropped"] == "0":
                kept.add(r["doc_id"])
    return set(i for k, i in enumerate(ids) if "v%05d" % k in seen - kept)


def sample(root, heldout_titles, labelled_ids, binary, dict_dir, n, salt, stratum):
    ids = P.econ_articles(root, heldout_titles, labelled_ids)
    hidden = all_vetoed(binary, dict_dir, root, ids)
    return P.one_per_title((i for i in ids if i in hidden), lambda i: A.key(salt + i), n, stratum)


if __name__ == "__main__":
    root, ho, ids, _ = P.cli_context(sys.argv[3])
    binary = os.environ.get("PM_BIN", os.path.join(P.ROOT, "policyminer"))
    for st, i in sample(root, ho, ids, binary, os.path.join(P.ROOT, "dictionaries"),
                        int(sys.argv[1]), sys.argv[2], sys.argv[3]):
        print(st + "\t" + i)
