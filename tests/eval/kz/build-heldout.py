#!/usr/bin/python3
"""tests/eval/kz/build-heldout.py - derives the truth of tests/eval/kz/heldout.tsv from the
source's own metadata, never from policyminer's output.

Input: a cache of real acts' metadata read from the public kazakhstan-law repositories
(per-act meta.yaml: requisite line, approved_on, approved_by body code), kept OUTSIDE the
project: ../kz-cache/FILE (repo, path, approved_on, approved_by, requisite), or
$PM_KZ_CACHE/FILE. Usage: build-heldout.py [FILE [SPLIT]] (default meta.tsv, split by md5;
SPLIT "heldout" puts every act in the held-out part). Output (stdout): id, split, lang,
level, kato, body, date, number, regno.

- division: the repository folder's body code (approved_by, first 6 digits: 168002 = the
  city of Semey, 166000 = Turkestan oblast ...) mapped by hand to the KATO code of the
  division that issued the act ON ITS DATE (a 2017 act of body 166 is South Kazakhstan
  oblast, 510000000; Shymkent before 19 June 2018 was a city of that oblast: district);
- date: the date the requisite prints (approved_on is a day early for many acts; both are
  counted in the report this script prints on stderr); a requisite that prints day and
  month only («27 тамыздағы») takes approved_on's year;
- number: what follows the number sign after the act's date (or before it) in the
  requisite, blanks around - and / dropped; empty when the requisite prints none;
- regno: the justice registration number («Зарегистрировано … № 1226», «… № 808 тіркелді»,
  «… 1647 нөмірімен тіркелді»);
- body: maslikhat / akimat / akim from the requisite's organ word;
- split: md5(id), first hex digit 0-3 = dev (about a quarter), else heldout.
"""
import hashlib, os, re, sys

CACHE = os.environ.get("PM_KZ_CACHE", os.path.join(os.path.dirname(__file__), "../../../../kz-cache"))

# body code (its first 9 digits, else its first 6) -> list of (from, until, kato, level);
# dates yyyymmdd, 0 = open
DIV = {
    "153000": [(0, 0, "150000000", "oblast")],     # Aktobe
    "161000": [(0, 0, "430000000", "oblast")],     # Kyzylorda
    "167000003": [(0, 0, "791510000", "district")],  # Енбекшинский район of Shymkent
    "150000": [(0, 0, "710000000", "oblast")],     # Nur-Sultan = Astana (the code never changed)
    "151000": [(0, 0, "710000000", "oblast")],     # Astana
    "152000": [(0, 0, "110000000", "oblast")],     # Akmola
    "157000": [(0, 0, "630000000", "oblast")],     # East Kazakhstan
    "158000": [(0, 0, "310000000", "oblast")],     # Zhambyl
    "160000": [(0, 0, "350000000", "oblast")],     # Karaganda
    "162000": [(0, 0, "390000000", "oblast")],     # Kostanay
    "163000": [(0, 0, "470000000", "oblast")],     # Mangystau
    "164000": [(0, 0, "550000000", "oblast")],     # Pavlodar
    "165000": [(0, 0, "590000000", "oblast")],     # North Kazakhstan
    "166000": [(0, 20180619, "510000000", "oblast"), (20180619, 0, "610000000", "oblast")],
    "167000": [(0, 20180619, "790000000", "district"), (20180619, 0, "790000000", "oblast")],
    "168000": [(0, 0, "100000000", "oblast")],     # Abai (from 2022)
    "168002": [(0, 0, "101000000", "district")],   # Semey, city of oblast significance
}

RU_M = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
KK_M = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()


def norm_no(s):
    s = re.sub(r"\s*([-/])\s*", r"\1", s.strip())
    return s.rstrip(".-/")


NUM = r"(?:№|N)\s*([0-9A-Za-zА-Яа-яЁёІі][0-9A-Za-zА-Яа-яЁёІі\-/ ]*?)(?=[.,;)]?(?:\s|$))"


def parse(req, approved):
    kk = bool(re.search(r"шешімі|жылғы", req)) and not req.startswith("Решение")
    # the act's own sentence: up to the first full stop that ends a sentence, and never
    # into the registration or repeal clauses
    head = re.split(r"\.\s+(?=[А-ЯЁA-ZӘҒҚҢӨҰҮҺІ])", req)[0]
    head = re.split(r"Зарегистрирован|Утратил|тіркелді|енгізілді|Күші жойылды", head)[0]
    m = re.search(r"(\d{1,2})\s+(%s)\s+(\d{4})" % "|".join(RU_M), head)
    if m:
        date = "%s%02d%02d" % (m.group(3), RU_M.index(m.group(2)) + 1, int(m.group(1)))
    else:
        m = re.search(r"(\d{4})\s+жылғы\s+(\d{1,2})\s+(%s)" % "|".join(KK_M), head)
        if m:
            date = "%s%02d%02d" % (m.group(1), KK_M.index(m.group(3)) + 1, int(m.group(2)))
        else:
            m = re.search(r"от\s+(\d{2})\.(\d{2})\.(\d{4})", head)
            if m:
                date = "%s%s%s" % (m.group(3), m.group(2), m.group(1))
            else:  # day and month only: the year of approved_on
                m = re.search(r"(\d{1,2})\s+(%s)" % "|".join(KK_M), head)
                date = "%s%02d%02d" % (approved[:4], KK_M.index(m.group(2)) + 1, int(m.group(1)))
    # the act's own number: the first number sign in the requisite before the registration
    head_nos = re.findall(r"(?:№|\bN)\s*([0-9][^\s.,]*(?:\s*[-/]\s*[^\s.,]+)*|[А-ЯA-Z]-?[0-9][^\s.,]*)", head)
    number = norm_no(head_nos[0]) if head_nos else ""
    reg = ""
    m = re.search(r"Зарегистрирован[^№N]*?(?:№|N)\s*([0-9][^\s.,]*)", req)
    if m:
        reg = norm_no(m.group(1))
    else:
        m = re.search(r"(?:№\s*)?([0-9][0-9\-]*)\s+(?:нөм[іе]рімен\s+)?(?:болып\s+)?(?:тіркелді|тіркелген)", req) or \
            re.search(r"№\s*([0-9]+)\s+болып\s+енгізілді", req)
        if m:
            reg = m.group(1)
    low = head.lower()
    body = "maslikhat" if ("маслихат" in low or "мәслихат" in low) else \
           "akimat" if ("акимат" in low or "әкімдіг" in low) else \
           "akim" if ("аким" in low or "әкім" in low) else ""
    return ("kk" if kk else "ru"), date, number, reg, body


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "meta.tsv"
    force = sys.argv[2] if len(sys.argv) > 2 else None
    path = os.path.join(CACHE, name)
    if not os.path.exists(path):
        sys.exit("build-heldout: %s absent (the cache of real acts lives outside the project)" % path)
    print("# tests/eval/kz/heldout.tsv - real local acts of Kazakhstan never used for the work;")
    print("# truth from the source's metadata by tests/eval/kz/build-heldout.py (see README.md).")
    print("id\tsplit\tlang\tlevel\tkato\tbody\tdate\tnumber\tregno")
    differ = 0
    for line in open(path, encoding="utf-8"):
        repo, p, approved, by, req = line.rstrip("\n").split("\t")
        if not by:  # a requisite of the first set (truth.tsv, hand truth), not of this one
            continue
        ident = "%s:%s" % (repo, p)
        lang, date, number, reg, body = parse(req, approved)
        if date != approved.replace("-", ""):
            differ += 1
        kato = level = None
        for fr, un, k, lv in DIV.get(by[:9]) or DIV[by[:6]]:
            if (fr == 0 or int(date) >= fr) and (un == 0 or int(date) < un):
                kato, level = k, lv
        split = force or ("dev" if hashlib.md5(ident.encode()).hexdigest()[0] in "0123" else "heldout")
        print("\t".join([ident, split, lang, level, kato, body, date, number, reg]))
    print("build-heldout: requisite date != approved_on for %d acts" % differ, file=sys.stderr)


main()
