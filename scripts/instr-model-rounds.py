#!/usr/bin/python3
"""instr-model-rounds - would a clause model have caught the errors of the rounds on fresh text?

    scripts/instr-model-rounds.py [--group fiscal_financial] [--lambdas 1,3,10]
                                  ROUND:COMMIT [ROUND:COMMIT ...]
    e.g. scripts/instr-model-rounds.py dev25f:ed9becf dev26f:ae98720 dev27f:2779eb5

Cross-validation inside the development half cannot tell: the dictionary was fixed from the
same articles, so the rules already fit them and a model shows no gain there. A round's
first scoring can: each ROUND-pred sample (tests/eval/instruments/articles.tsv, stratum
ROUND-pred) was drawn and labelled with the dictionary of COMMIT and scored before any fix.
For each round this script takes that dictionary (git show COMMIT:dictionaries/cn/
instruments.dict, the rest of dictionaries/ as now), trains the group's model
(scripts/train-instrument-model's features and fit) on the development rows of the rounds
before it and of every other batch, never on ROUND or a later round, and prints the round's
pred-sample figures with the rules alone and with the model at several thresholds (relative
to the model's bias, as in the trainer). Only development rows are read. A pred sample holds
only articles the rules label, so a model can only drop them: TP lost and FP removed are
what it would do to the same population on unseen text.
"""
import argparse
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
_loader = importlib.machinery.SourceFileLoader("train_instrument_model",
                                               os.path.join(HERE, "train-instrument-model"))
_spec = importlib.util.spec_from_loader(_loader.name, _loader)
T = importlib.util.module_from_spec(_spec)
_loader.exec_module(T)
articles = T.articles
THRESHOLDS = (-4, -3, -2, -1.5, -1, -0.5, 0)


def counts(rows, test, group, scores, thr):
    tp = fp = fn = 0
    for k in test:
        on = any(thr is None or x >= thr for x in scores.get("a%04d" % k, []))
        t = group in rows[k]["truth"]
        tp += on and t
        fp += on and not t
        fn += (not on) and t
    return tp, fp, fn


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rounds", nargs="+", metavar="ROUND:COMMIT")
    ap.add_argument("--group", default="fiscal_financial")
    ap.add_argument("--lambdas", default="1,3,10")
    ap.add_argument("--bin", default=os.environ.get("PM_BIN", os.path.join(ROOT, "policyminer")))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    a = ap.parse_args()
    order = [r.split(":")[0] for r in a.rounds]
    rows = articles.drop_absent_caches(
        T.load_dev(os.path.join(ROOT, "tests", "eval", "instruments", "articles.tsv")), "instr-model-rounds")
    root = articles.law_root(a.shared)
    docs, texts = [], {}
    for k, r in enumerate(rows):
        t = articles.lookup(root, r["id"])
        if t is None:
            print("instr-model-rounds: %s not found" % r["id"], file=sys.stderr)
            return 1
        docs.append(("a%04d" % k, r["article"], t, articles.title_of(r["path"])))
        texts["a%04d" % k] = t.encode("utf-8")
    total = {}
    for spec in a.rounds:
        rnd, commit = spec.split(":")
        later = order[order.index(rnd):]
        of = lambda r: next((x for x in later if r["stratum"].startswith(x + "-")), None)  # noqa: E731
        with tempfile.TemporaryDirectory() as tmp:
            d = os.path.join(tmp, "dict")
            shutil.copytree(os.path.join(ROOT, "dictionaries"), d,
                            ignore=shutil.ignore_patterns("instrument_model.tsv"))
            with open(os.path.join(d, "cn", "instruments.dict"), "wb") as f:
                f.write(subprocess.run(["git", "-C", ROOT, "show", commit + ":dictionaries/cn/instruments.dict"],
                                       capture_output=True, check=True).stdout)
            hits = T.dump_hits(a.bin, d, docs)
        cache = {}
        train = set(k for k, r in enumerate(rows) if of(r) is None)
        test = [k for k, r in enumerate(rows) if of(r) == rnd and r["stratum"] == rnd + "-pred"]
        none = {"vocab": {}, "w": None, "b": 0.0}
        base = counts(rows, test, a.group, T.unvetoed_scores(rows, hits, texts, cache, a.group, none, set(test)), None)
        print("%s (dictionary of %s, %d pred articles, %d training rows): rules TP %d FP %d FN %d"
              % (rnd, commit, len(test), len(train), *base))
        for lam in (float(x) for x in a.lambdas.split(",")):
            m = T.train_group(rows, hits, texts, cache, a.group, lam, True, train)
            sc = T.unvetoed_scores(rows, hits, texts, cache, a.group, m, set(test))
            line = []
            for thr in THRESHOLDS:
                c = counts(rows, test, a.group, sc, thr)
                acc = total.setdefault((lam, thr), [0, 0, 0])
                for i in range(3):
                    acc[i] += c[i]
                line.append("%g: %d/%d/%d" % (thr, *c))
            print("  lambda %-4g vetoed hits in, TP/FP/FN at threshold  %s" % (lam, "  ".join(line)))
        total.setdefault("rules", [0, 0, 0])
        for i in range(3):
            total["rules"][i] += base[i]
    print("all rounds: rules TP %d FP %d FN %d" % tuple(total["rules"]))
    for (lam, thr), (tp, fp, fn) in sorted((k, v) for k, v in total.items() if k != "rules"):
        print("  lambda %-4g threshold %-4g TP %d FP %d FN %d" % (lam, thr, tp, fp, fn))
    return 0


if __name__ == "__main__":
    sys.exit(main())
