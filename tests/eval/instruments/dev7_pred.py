#!/usr/bin/env python3
"""Precision samples of the dev7 round (development only): articles the dictionary of the day
labels with one group, 1 per title, drawn by hash from regulations that give no held-out
article (newest version of a title), not labelled yet.

    python3 dev7_pred.py fiscal_financial 40 dev7pf: dev7p-fiscal        (all titles: dev7p)
    python3 dev7_pred.py fiscal_financial 40 dev7pe: dev7q-fiscal econ   (economic titles: dev7q)
    python3 dev7_pred.py fiscal_financial 100 dev46fp: dev46f-pred econ 1000  (a sixth argument lifts
                                                     the cap of one per title: dev46f, every one left)

Its own file so that the sampler of another batch is not edited. With `econ` only the
economic titles (articles.ECON, not articles.NOT_ECON) are drawn from, the kind of
regulation the held-out half comes from. Recall on such a sample means nothing.
"""
import importlib.util
import os
import sys

import articles as A
import dev6_other as O

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def eval_module():
    """scripts/eval-instruments.py as a module (its file name is not an identifier)."""
    spec = importlib.util.spec_from_file_location("ev", os.path.join(ROOT, "scripts", "eval-instruments.py"))
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    return ev


def predictor(binary, dict_dir, root):
    ev = eval_module()

    def predict(ids):
        docs = [("p%05d" % k, i.partition("#")[2], A.lookup(root, i), A.title_of(i.partition("#")[0]))
                for k, i in enumerate(ids)]
        got = ev.run_policyminer(binary, dict_dir, docs)
        return {i: got.get("p%05d" % k, set()) for k, i in enumerate(ids)}
    return predict


def sample(root, heldout_titles, labelled_ids, predict, group, n, salt, stratum, econ=False, cap=1):
    if not econ:
        return O.sample_predicted(root, heldout_titles, labelled_ids, predict, per_group=n, salt=salt,
                                  stratum=stratum, groups=(group,))
    ids = econ_articles(root, heldout_titles, labelled_ids)
    pred = predict(ids)
    return one_per_title((i for i in ids if group in pred.get(i, ())), lambda i: A.key(salt + group + i),
                         n, stratum, cap)


def econ_articles(root, heldout_titles, labelled_ids, text_ok=None):
    """The ids of the articles, not labelled yet, of the newest version of every economic title
    (articles.ECON, not articles.NOT_ECON) that gives no held-out article, in path order; with
    text_ok, only those whose text it accepts. The pool every fresh-title sampler draws from."""
    keep = set(A.newest_versions(root, lambda t: t not in heldout_titles and bool(A.ECON.search(t))
                                 and not A.NOT_ECON.search(t)).values())
    ids = []
    for rel in sorted(keep):
        ids.extend(rel + "#" + a for a, t in A.articles(os.path.join(root, rel))
                   if t and rel + "#" + a not in labelled_ids and (text_ok is None or text_ok(t)))
    return ids


def one_per_title(ids, key, n, stratum, cap=1):
    """The first n of ids in key order, at most cap per regulation, as (stratum, id)."""
    out, per = [], {}
    for i in sorted(ids, key=key):
        rel = i.partition("#")[0]
        if per.get(rel, 0) < cap:
            per[rel] = per.get(rel, 0) + 1
            out.append((stratum, i))
            if len(out) == n:
                break
    return out


def cli_context(stratum):
    """What a sampler's command line needs: the law root, the held-out titles, the labelled
    ids other than stratum's own rows (so a batch redraws itself), and the predictor."""
    shared = os.environ.get("PM_SHARED", os.path.join(ROOT, "..", "shared"))
    root = A.law_root(shared)
    ho, ids = A.labelled(os.path.join(HERE, "articles.tsv"))
    with open(os.path.join(HERE, "articles.tsv"), encoding="utf-8") as f:
        mine = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\t" + stratum + "\t" in l)
    pred = predictor(os.environ.get("PM_BIN", os.path.join(ROOT, "policyminer")), os.path.join(ROOT, "dictionaries"), root)
    return root, ho, ids - mine, pred


if __name__ == "__main__":
    root, ho, ids, pred = cli_context(sys.argv[4])
    for st, i in sample(root, ho, ids, pred, sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4],
                        econ=len(sys.argv) > 5 and sys.argv[5] == "econ",
                        cap=int(sys.argv[6]) if len(sys.argv) > 6 else 1):
        print(st + "\t" + i)
