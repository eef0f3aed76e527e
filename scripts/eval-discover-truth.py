#!/usr/bin/env python3
"""Truth for the discovery evaluation on real local regulations never used for the work
(issue 14, "done when"): built from the sources' own metadata only, before any discovery run.

Input: the cache of file names (default /work/cn-extra/listing, or $PM_CN_EXTRA/listing): one
file per province folder of LawRefBook/Laws @ 79f1a0f (DLC/{浙江,山东,河南}地方法规), one
line per regulation, `TITLE(YYYY-MM-DD).md` (the date is the source's; a name without a date
has none). Output: tests/eval/discover/extra_truth.tsv with, per regulation, an id (province
folder + 12 hex of the file name's SHA-256), the province folder, the title, the region (the
title's prefix when it is a division name in ../shared/data/cn-areacodes, else empty), the
policy name (the title without that prefix) and the date. No body text.
Usage: eval-discover-truth.py [CACHE_DIR]

--extra2 [CACHE_DIR] builds tests/eval/discover/extra2_truth.tsv instead, from the bigger cache
(default /work/cn-extra2 or $PM_CN_EXTRA2; its README.txt says what it holds): the same 294 DLC file
names plus the first 100 rows of LawRefBook's older tree 地方性法规/{浙江,山东,河南}/ (the index lists
dated and undated versions of a title). One regulation per (folder, title): its date is the earliest
date in any of its file names, else the first date of the body's adoption line when body_dates.tsv
has it (read for the undated members of policies reaching ten regions), else none. Region and policy
name by the same prefix rule. Written before any discovery run on it.
"""
import csv, hashlib, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, 'tests', 'eval', 'discover')  # the truth (no scripts there: test-eval
                                                        # reads every file of tests/eval)
extra2 = '--extra2' in sys.argv
args = [a for a in sys.argv[1:] if a != '--extra2']
if extra2:
    cache = args[0] if args else os.environ.get('PM_CN_EXTRA2', '/work/cn-extra2')
else:
    cache = args[0] if args else os.environ.get('PM_CN_EXTRA', '/work/cn-extra')
listing = os.path.join(cache, 'listing')
if not os.path.isdir(listing):
    print('eval-discover-truth: SKIP: %s absent' % listing)
    sys.exit(77)

# every division name ever in use (省级/地级/县级), from the Ministry of Civil Affairs lists
AREAS = os.path.join(ROOT, '..', 'shared', 'data', 'cn-areacodes', 'result.csv')
if not os.path.exists(AREAS):
    print('%s: SKIP: %s absent' % (os.path.basename(__file__), AREAS))
    sys.exit(77)
names = set()
with open(AREAS, encoding='utf-8-sig') as f:
    for r in csv.DictReader(f):
        names.add(r['名称'])

FILE = re.compile(r'^(.+?)(?:\((\d{4}-\d{2}-\d{2})\))?\.md$')


def split(title):
    """(region, policy name): the longest division-name prefix, or ('', '')"""
    for k in range(min(len(title) - 2, 12), 1, -1):
        if title[:k] in names:
            return title[:k], title[k:]
    return '', ''


if extra2:
    titles = {}  # (folder, title) -> file-name dates
    for tree in ('dlc', 'listing'):
        for prov in sorted(os.listdir(os.path.join(cache, tree))):
            for line in open(os.path.join(cache, tree, prov), encoding='utf-8'):
                m = FILE.match(line.strip())
                if m:
                    titles.setdefault((prov[:-4], m.group(1)), set()).update(
                        [m.group(2)] if m.group(2) else [])
    body = {}
    for line in open(os.path.join(cache, 'body_dates.tsv'), encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        f = line.rstrip('\n').split('\t')
        folder, fn = f[0].split('/', 1)
        body[(folder, FILE.match(fn).group(1))] = f[1]
    out = os.path.join(HERE, 'extra2_truth.tsv')
    n = nd = 0
    with open(out, 'w', encoding='utf-8') as fo:
        fo.write('doc_id\tfolder\ttitle\tregion\tpolicy_name\tdate\tdate_from\n')
        for (folder, title), ds in sorted(titles.items()):
            date, src = (min(ds), 'file') if ds else (body.get((folder, title), ''), 'body')
            if not date:
                src = ''
            reg, pol = split(title)
            fo.write('\t'.join((folder + '/' + hashlib.sha256(title.encode()).hexdigest()[:12],
                                 folder, title, reg, pol, date, src)) + '\n')
            n += 1
            nd += bool(reg and date)
    print('eval-discover-truth: %d regulations, %d with a region prefix and a date -> %s' % (
        n, nd, os.path.relpath(out, ROOT)))
    sys.exit(0)

rows = []
for prov in sorted(os.listdir(listing)):
    if not prov.endswith('.txt'):
        continue
    folder = prov[:-4]
    for line in open(os.path.join(listing, prov), encoding='utf-8'):
        fn = line.strip()
        m = FILE.match(fn)
        if not m:
            continue
        title, date = m.group(1), m.group(2) or ''
        region = split(title)[0]
        rows.append((folder + '/' + hashlib.sha256(fn.encode()).hexdigest()[:12], folder,
                     title, region, title[len(region):] if region else '', date))

out = os.path.join(HERE, 'extra_truth.tsv')
with open(out, 'w', encoding='utf-8') as f:
    f.write('doc_id\tfolder\ttitle\tregion\tpolicy_name\tdate\n')
    for r in rows:
        f.write('\t'.join(r) + '\n')
print('eval-discover-truth: %d regulations, %d with a region prefix and a date -> %s' % (
    len(rows), sum(1 for r in rows if r[3] and r[5]), os.path.relpath(out, ROOT)))
