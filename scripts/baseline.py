#!/usr/bin/env python3
"""The job a researcher would otherwise write: Python 3 standard library only.

gzip + xml.etree.ElementTree.iterparse + re, with the same dictionaries' patterns
(dictionaries/*.dict: every `pattern` line, and `not` vetoes as in FORMAT.md: a hit
covered by a veto match does not count) and a simple issuer-level rule. A file that
fails to parse (bad inputs) is reported and the rest of it skipped, as a researcher's
try/except would. Used by `make bench` as the baseline policyminer is compared with. Writes a
documents TSV (doc_id, level, one column per dimension) to stdout or -o FILE.

    python3 scripts/baseline.py [-d DICT_DIR] [-o OUT] FILE...
"""
import argparse
import glob
import gzip
import os
import re
import sys
import xml.etree.ElementTree as ET


def load_dicts(d):
    dims = []
    for path in sorted(glob.glob(os.path.join(d, "*.dict"))):
        name, cats, cur = None, [], None
        with open(path, encoding="utf-8") as f:
            for line in f:
                s = line.strip()
                if not s or s.startswith("#"):
                    continue
                if s.startswith("["):
                    cur = [s[1:-1], [], []]
                    cats.append(cur)
                    continue
                k, _, v = s.partition("=")
                k, v = k.strip(), v.strip()
                if k == "dimension":
                    name = v
                elif k in ("pattern", "not") and cur is not None:
                    try:
                        cur[1 if k == "pattern" else 2].append(re.compile(v))
                    except re.error:
                        pass  # a PCRE-only construct: Python's re cannot take it
        dims.append((name, cats))
    return dims


CENTRAL = re.compile(r"^(国务院|中共中央|全国人大|国家|财政部|工业和信息化部|科学技术部|商务部|.{2,8}部$)")


def level_of(issuer):
    if not issuer:
        return "unknown"
    if CENTRAL.match(issuer):
        return "central"
    if re.match(r"^.{2,6}(省|自治区)", issuer) or re.match(r"^(北京|天津|上海|重庆)市(人民政府|发展)", issuer):
        return "provincial"
    if re.search(r"(区|县|旗)(人民政府|政府)", issuer):
        return "county"
    if re.search(r"(市|州|盟|地区)", issuer):
        return "prefecture"
    return "unknown"


def matches(pats, vetoes, text):
    """A pattern hit counts unless a veto match covers it (FORMAT.md)."""
    for p in pats:
        if not vetoes:
            if p.search(text):
                return True
            continue
        for m in p.finditer(text):
            s, e = m.span()
            if not any(v.start() <= s and e <= v.end() for vp in vetoes for v in vp.finditer(text)):
                return True
    return False


def open_any(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-d", "--dict", default="dictionaries/cn")
    ap.add_argument("-o", "--output")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    dims = load_dicts(a.dict)
    out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    out.write("doc_id\tlevel\t" + "\t".join(n for n, _ in dims) + "\n")
    n = 0
    for path in sorted(a.files):
        try:
            with open_any(path) as f:
                for _, el in ET.iterparse(f, events=("end",)):
                    if el.tag != "doc":
                        continue
                    title = el.findtext("title") or ""
                    body = el.findtext("body") or ""
                    issuer = el.findtext("issuer") or title.split("关于")[0]
                    text = title + "\n" + body
                    cols = []
                    for _, cats in dims:
                        cols.append(";".join(k for k, pats, vetoes in cats if matches(pats, vetoes, text)))
                    out.write("%s\t%s\t%s\n" % (el.get("id"), level_of(issuer), "\t".join(cols)))
                    n += 1
                    el.clear()
        except (ET.ParseError, OSError, EOFError, UnicodeDecodeError) as e:
            print("baseline: %s: %s (rest of the file skipped)" % (path, e), file=sys.stderr)
    print("baseline: %d documents" % n, file=sys.stderr)


if __name__ == "__main__":
    main()
