#!/usr/bin/python3
"""Scores issuer level, exact region code and date on real Chinese laws and regulations.

    scripts/eval-cnlaw.py [--bin ./policyminer] [--data ../shared/data/cn-law]
                          [--truth tests/eval/cnlaw/truth.tsv] [--write-truth]
                          [--errors dev] [--min-level PCT --min-region PCT]

The texts stay in ../shared (LawRefBook/Laws @ 2f4c5c2); the project keeps only their paths
and truth labels (tests/eval/cnlaw/truth.tsv, derived by --write-truth with the rules in
tests/eval/cnlaw/README.md, independently of the classifier). Each file becomes one corpus
XML document - its title, and as body the adoption / promulgation history followed by the
articles, exactly as the source has them - with no <issuer>, <date> or <region> field, so
the issuer and the date must be read from the text. The split (dev / held-out) is by a
hash of the path. With --min-level / --min-region the held-out half must reach them.
"""
import argparse
import csv
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

csv.field_size_limit(1 << 30)
CENTRAL_DIRS = ("行政法规", "部门规章", "司法解释")


def laws(data):
    for root, dirs, files in os.walk(data):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".md") and f not in ("_index.md", "README.md"):
                yield os.path.relpath(os.path.join(root, f), data)


def split_of(path):
    return "dev" if hashlib.sha256(path.encode()).digest()[0] % 2 == 0 else "held"


def parse(text):
    """title, history lines (before INFO END), body after."""
    lines = text.split("\n")
    title = ""
    for i, l in enumerate(lines):
        if l.startswith("# "):
            title = l[2:].strip()
            break
    head, body, seen = [], [], False
    for l in lines[i + 1:]:
        if l.strip() == "<!-- INFO END -->":
            seen = True
            continue
        (body if seen else head).append(l)
    if not seen:
        head, body = [], head
    return title, [h.strip() for h in head if h.strip()], "\n".join(body)


def gazetteer(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("code\t"):
                continue
            c = line.rstrip("\n").split("\t")
            names = [c[1]] + [a for a in c[8].split(";") if a] if len(c) > 8 else [c[1]]
            rows.append((c[0], c[2], c[3], names, c[6] == ""))
    return rows


DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")


def truth_of(path, title, head, gaz):
    top = path.split(os.sep)[0]
    first = head[0].translate({0xFF10 + i: 0x30 + i for i in range(10)}) if head else ""
    m = DATE.match(first)
    date = "%s-%02d-%02d" % (m.group(1), int(m.group(2)), int(m.group(3))) if m else ""
    if top in CENTRAL_DIRS:
        return "central", "100000", date
    prov_name = path.split(os.sep)[1].replace("地方法规", "")
    prov = [r for r in gaz if r[1] == "provincial" and r[3][0].startswith(prov_name) and r[4]][0]
    units = [r for r in gaz if r[2] == prov[0] and r[1] in ("prefecture", "county") and r[4]]
    t = title.replace("经济特区", "市", 1) if "经济特区" in title[:6] else title
    best = None
    for r in units:  # the longest full name (or 市-suffixed short name) opening the title
        for n in r[3]:
            if len(n) >= 2 and t.startswith(n) and (best is None or len(n) > best[0]):
                best = (len(n), r)
    if best:
        return best[1][1], best[1][0], date
    # no unit in the title: the adopting standing committee of the first adoption line
    for h in head[:1]:
        for r in units:
            if r[3][0] in h and "人民代表大会" in h:
                return r[1], r[0], date
    return "provincial", prov[0], date


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="./policyminer")
    ap.add_argument("--data", default="../shared/data/cn-law")
    ap.add_argument("--truth", default="tests/eval/cnlaw/truth.tsv")
    ap.add_argument("--write-truth", action="store_true")
    ap.add_argument("--errors", default="", help="print the misses of this split (dev)")
    ap.add_argument("--min-level", type=float)
    ap.add_argument("--min-region", type=float)
    ap.add_argument("--min-date", type=float)
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        print("eval-cnlaw: skipped: %s absent (real laws are read from ../shared)" % a.data)
        return 0
    gaz = gazetteer("dictionaries/cn/gazetteer.tsv")
    docs = {}
    for p in laws(a.data):
        with open(os.path.join(a.data, p), encoding="utf-8") as f:
            docs[p] = parse(f.read())
    if a.write_truth:
        with open(a.truth, "w", encoding="utf-8") as f:
            f.write("path\tsplit\tlevel\tregion_code\tdate\n")
            for p, (title, head, body) in docs.items():
                lv, rc, d = truth_of(p, title, head, gaz)
                f.write("%s\t%s\t%s\t%s\t%s\n" % (p, split_of(p), lv, rc, d))
    truth = {}
    with open(a.truth, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            truth[r["path"]] = r
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "cnlaw.xml")
        ids = {}
        with open(xml, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<corpus>\n')
            for i, p in enumerate(sorted(truth)):
                if p not in docs:
                    continue
                title, head, body = docs[p]
                did = "law-%04d" % i
                ids[did] = p
                esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                f.write('<doc id="%s"><title>%s</title><body>%s\n\n%s</body></doc>\n'
                        % (did, esc(title), esc("\n".join(head)), esc(body)))
            f.write("</corpus>\n")
        out = os.path.join(tmp, "out")
        subprocess.run([a.bin, "run", "-q", "-o", out, xml], check=True)
        bad_utf8 = 0
        for t in sorted(os.listdir(out)):  # every table must be valid UTF-8
            if t.endswith(".tsv"):
                with open(os.path.join(out, t), "rb") as f:
                    for i, line in enumerate(f):
                        try:
                            line.decode("utf-8")
                        except UnicodeDecodeError:
                            bad_utf8 += 1
                            print("eval-cnlaw: %s line %d is not valid UTF-8" % (t, i + 1))
        with open(os.path.join(out, "documents.tsv"), encoding="utf-8", errors="replace",
                  newline="") as f:
            got = {r["doc_id"]: r for r in csv.DictReader(f, delimiter="\t")}
    score = {}
    for sp in ("dev", "held"):
        n = lv = rc = dn = dd = 0
        byclass = Counter()
        for did, p in ids.items():
            t = truth[p]
            if t["split"] != sp:
                continue
            g = got.get(did, {})
            n += 1
            ok_l = g.get("level") == t["level"]
            ok_r = g.get("region_code") == t["region_code"]
            lv += ok_l
            rc += ok_r
            byclass[(t["level"], ok_l)] += 1
            if t["date"]:
                dn += 1
                dd += g.get("date") == t["date"]
                if a.errors == sp and g.get("date") != t["date"]:
                    print("  date %s: truth %s, got %s (%s)" % (p, t["date"], g.get("date"),
                          g.get("date_source")))
            if a.errors == sp and not (ok_l and ok_r):
                print("  miss %s: truth %s %s, got %s %s (%s)" % (p, t["level"], t["region_code"],
                      g.get("level"), g.get("region_code"), g.get("issuer", "")[:40]))
        score[sp] = (n, 100.0 * lv / max(n, 1), 100.0 * rc / max(n, 1), 100.0 * dd / max(dn, 1))
        print("eval-cnlaw %-4s: %4d laws  level %5.1f%%  region %5.1f%%  date %5.1f%% (of %d dated)"
              % (sp, n, score[sp][1], score[sp][2], score[sp][3], dn))
        print("    level recall: " + "  ".join(
            "%s %d/%d" % (c, byclass[(c, True)], byclass[(c, True)] + byclass[(c, False)])
            for c in ("central", "provincial", "prefecture", "county")
            if byclass[(c, True)] + byclass[(c, False)]))
    fail = 1 if bad_utf8 else 0
    if a.min_level is not None and score["held"][1] < a.min_level:
        print("eval-cnlaw: held-out level %.1f%% < %.1f%%" % (score["held"][1], a.min_level))
        fail = 1
    if a.min_region is not None and score["held"][2] < a.min_region:
        print("eval-cnlaw: held-out region %.1f%% < %.1f%%" % (score["held"][2], a.min_region))
        fail = 1
    if a.min_date is not None and score["held"][3] < a.min_date:
        print("eval-cnlaw: held-out date %.1f%% < %.1f%%" % (score["held"][3], a.min_date))
        fail = 1
    if fail == 0 and a.min_level is not None:
        print("eval-cnlaw: held-out half meets its targets")
    return fail


sys.exit(main())
