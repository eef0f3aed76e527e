#!/usr/bin/env python3
"""Discovered cascades on real local regulations never used for the work (issue 14 "done
when"): the regulations of 浙江, 山东 and 河南 in LawRefBook/Laws @ 79f1a0f, scored against
tests/eval/discover/extra_truth.tsv (built by eval-discover-truth.py from the sources' metadata
before any discovery run).

The corpus is built in a temporary directory from the cache (default /work/cn-extra, or
$PM_CN_EXTRA): one document per regulation with its title and the source's date, no body
(only the file names were fetched; see README "Discovered policies"). policyminer runs with
experiments.dict removed, so no dictionary names any policy. Per truth policy (same policy
name after the region prefix, >= 3 regions): found, adopter count within 20%, pioneer (the
region with the earliest (date, doc id)) and first date. Development / held-out: the first
byte of the SHA-256 of the policy name, even / odd (as tests/discover/cnlaw-test.py).

--union adds the local regulations of ../shared/data/cn-law/DLC (北京, 上海, 广东, 重庆, with
bodies; truth from the same rule: title prefix, date of the first adoption line), which is
where cascades reach ten adopters; those four folders were used for development. A
regulation without an adoption line takes the source's date from its file name; 汕头经济特区…
is 汕头市's; one without any date is unknown: its region, if discovered (dated from
the body), is neither counted nor called extra.
--extra2 scores the bigger corpus instead (tests/eval/discover/extra2_truth.tsv, cache
/work/cn-extra2 or $PM_CN_EXTRA2; see tests/eval/discover/README.md): 473 regulations, one per
title, where three policies reach ten regions without the development folders.
Exit 0 when every truth policy with >= 10 regions is found with its adopter count within
20%, pioneer and first date, 1 otherwise, 77 skipped (cache absent).
Usage: scripts/eval-discover.py [--extra2] [--union] [--verbose]
"""
import csv, hashlib, os, re, shutil, subprocess, sys, tempfile
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, 'tests', 'eval', 'discover')  # the truth (no scripts there: test-eval
                                                        # reads every file of tests/eval)
BIN = os.path.join(ROOT, 'policyminer')
extra2 = '--extra2' in sys.argv
if extra2:
    cache = os.environ.get('PM_CN_EXTRA2', '/work/cn-extra2')
else:
    cache = os.environ.get('PM_CN_EXTRA', '/work/cn-extra')
union = '--union' in sys.argv
verbose = '--verbose' in sys.argv
if not os.path.isdir(os.path.join(cache, 'listing')):
    print('eval-discover: SKIP: the cache %s/listing is absent (see tests/eval/discover/README.md)'
          % cache)
    sys.exit(77)

truth_rows = list(csv.DictReader(open(os.path.join(HERE, 'extra2_truth.tsv' if extra2 else
                                                   'extra_truth.tsv'), encoding='utf-8'),
                                 delimiter='\t'))
# the cache must be the one the truth was built from (extra2: one id per folder and title)
listed = set()
FILE = re.compile(r'^(.+?)(?:\((\d{4}-\d{2}-\d{2})\))?\.md$')
for tree in (('dlc', 'listing') if extra2 else ('listing',)):
    for prov in sorted(os.listdir(os.path.join(cache, tree))):
        for line in open(os.path.join(cache, tree, prov), encoding='utf-8'):
            m = FILE.match(line.strip())
            if m:
                key = m.group(1) if extra2 else line.strip()
                listed.add(prov[:-4] + '/' + hashlib.sha256(key.encode()).hexdigest()[:12])
if listed != {r['doc_id'] for r in truth_rows}:
    print('eval-discover: FAIL: the cache does not match extra_truth.tsv (rebuild the truth '
          'with eval-discover-truth.py only from an unchanged listing)')
    sys.exit(1)

AREAS = os.path.join(ROOT, '..', 'shared', 'data', 'cn-areacodes', 'result.csv')
if not os.path.exists(AREAS):
    print('%s: SKIP: %s absent' % (os.path.basename(__file__), AREAS))
    sys.exit(77)
names = set()
with open(AREAS, encoding='utf-8-sig') as f:
    for r in csv.DictReader(f):
        names.add(r['名称'])

def split_region(title):
    m = re.match(r'^(.{2,6}?)经济特区(.+)$', title)  # 汕头经济特区…: the city's regulation
    if m and m.group(1) + '市' in names:
        return m.group(1) + '市', m.group(2)
    for k in range(min(len(title) - 2, 12), 1, -1):
        if title[:k] in names:
            return title[:k], title[k:]
    return '', ''

# docs: (id, title, date, issuer, body)
docs = [(r['doc_id'], r['title'], r['date'], '', '') for r in truth_rows]
truth_docs = [(r['doc_id'], r['region'], r['policy_name'], r['date']) for r in truth_rows
              if r['region'] and r['date']]
if union:
    dlc = os.path.join(ROOT, '..', 'shared', 'data', 'cn-law', 'DLC')
    DATE = re.compile(r'^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(.*)$')
    for dirpath, _, files in sorted(os.walk(dlc)):
        for fn in sorted(files):
            if not fn.endswith('.md') or fn == '_index.md':
                continue
            path = os.path.join(dirpath, fn)
            text = open(path, encoding='utf-8').read()
            lines = text.split('\n')
            title = lines[0][2:].strip() if lines and lines[0].startswith('# ') else ''
            date = issuer = ''
            for l in lines[1:40]:
                m = DATE.match(l.strip())
                if m:
                    date = '%s-%02d-%02d' % (m.group(1), int(m.group(2)), int(m.group(3)))
                    org = re.split(r'第[一二三四五六七八九十百]+届', m.group(4))[0]
                    issuer = org + '人民代表大会常务委员会' if org else ''
                    break
                if '<!-- INFO END -->' in l:
                    break
            if not date:  # no adoption line: the source's date in the file name, if any
                m = re.search(r'\((\d{4}-\d{2}-\d{2})\)\.md$', fn)
                date = m.group(1) if m else ''
            rel = os.path.relpath(path, dlc)
            i = rel.split('/')[0] + '/' + hashlib.sha256(rel.encode()).hexdigest()[:12]
            docs.append((i, title, date, issuer, text.split('<!-- INFO END -->', 1)[-1]))
            reg, pol = split_region(title)
            if reg:
                truth_docs.append((i, reg, pol, date))

truth = {}
undated = {}  # regions whose regulation has no date in the source: unknown, not scored
for i, reg, pol, d in truth_docs:
    if len(pol) < 3:
        continue
    if not d:
        undated.setdefault(pol, set()).add(reg)
        continue
    cur = truth.setdefault(pol, {})
    if reg not in cur or (d, i) < cur[reg]:
        cur[reg] = (d, i)

tmp = tempfile.mkdtemp(prefix='pm-extra-')
try:
    with open(os.path.join(tmp, 'extra.xml'), 'w', encoding='utf-8') as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<corpus>\n')
        for i, t, d, iss, b in docs:
            out.write('<doc id="%s"><title>%s</title>' % (escape(i, {'"': '&quot;'}), escape(t)))
            if iss:
                out.write('<issuer>%s</issuer>' % escape(iss))
            if d:
                out.write('<date>%s</date>' % d)
            out.write('<body>%s</body></doc>\n' % escape(b))
        out.write('</corpus>\n')
    dicts = os.path.join(tmp, 'dict')
    shutil.copytree(os.path.join(ROOT, 'dictionaries'), dicts)
    os.remove(os.path.join(dicts, 'cn', 'experiments.dict'))  # discovery alone
    outdir = os.path.join(tmp, 'out')
    subprocess.run([BIN, 'run', '-q', '-j2', '-d', dicts, '-o', outdir,
                    os.path.join(tmp, 'extra.xml')], check=True)

    def table(name):
        rows = open(os.path.join(outdir, name), encoding='utf-8').read().rstrip('\n').split('\n')
        head = rows[0].split('\t')
        return [dict(zip(head, r.split('\t'))) for r in rows[1:]]
    nodes = {r['node_name']: r['name'] for r in table('nodes.tsv')}
    pol = {r['name']: r for r in table('policies.tsv')}
    adopters = {}
    for r in table('adoptions.tsv'):
        adopters.setdefault(r['cascade_id'], []).append(r)

    def check(name):
        regs = truth[name]
        p = pol.get(name)
        first = min(regs.items(), key=lambda kv: kv[1])
        if not p:
            return (0, 0, 0, 0, 'truth %d %s %s: not discovered' % (len(regs), first[0],
                                                                     first[1][0]))
        got = {nodes.get(r['node_name'], r['node_name']) for r in adopters[p['cascade_id']]}
        unk = (got & undated.get(name, set())) - set(regs)  # dated by the body, not the source
        got -= unk
        n_ok = abs(int(p['n_adopters']) - len(unk) - len(regs)) <= 0.2 * len(regs)
        return (1, int(n_ok), int(p['pioneer_name'] == first[0]),
                int(p['first_date'] == first[1][0]),
                'truth %d %s %s, got %s %s %s; missing %s extra %s' % (
                    len(regs), first[0], first[1][0], p['n_adopters'], p['pioneer_name'],
                    p['first_date'], sorted(set(regs) - got), sorted(got - set(regs))))

    def prov_after(regs):
        """provinces (省) adopting after one of their own cities (same source folder)"""
        return sum(any(r2 != reg and i2.split('/')[0] == i.split('/')[0] and d2 < d
                       for r2, (d2, i2) in regs.items())
                   for reg, (d, i) in regs.items() if reg.endswith('省'))

    fails = 0
    label = ('%d regulations of 浙江+山东+河南' % len(truth_rows)) + (
        ', union with cn-law DLC' if union else ' only')
    print('eval-discover: %s: %d documents, %d truth policies with >= 3 regions' % (
        label, len(docs), sum(len(v) >= 3 for v in truth.values())))
    for least in (3, 10):
        for part in ('development', 'held-out', 'all'):
            ns = sorted(n for n in truth if len(truth[n]) >= least and (
                part == 'all' or (hashlib.sha256(n.encode()).digest()[0] % 2 == 0) ==
                (part == 'development')))
            res = [check(n) for n in ns]
            tot = [sum(x[k] for x in res) for k in range(4)]
            all4 = sum(all(x[:4]) for x in res)
            if least == 10 and part == 'all':
                fails = len(ns) - all4
            print('eval-discover: >= %2d regions, %-11s: %2d policies: found %d, adopters within '
                  '20%% %d, pioneer %d, first date %d, all four %d' % (least, part, len(ns), *tot,
                                                                       all4))
            if verbose or least == 10:
                for n, r in zip(ns, res):
                    if part != 'all' and (verbose or not all(r[:4])):
                        print('    %s %s: %s' % ('ok  ' if all(r[:4]) else 'MISS', n, r[4]))
    if verbose:  # the biggest discovered cascades, to see what the rules made of the corpus
        top = sorted(pol.values(), key=lambda p: -int(p['n_adopters']))[:15]
        print('eval-discover: largest discovered: ' + ', '.join(
            '%s %s' % (p['name'], p['n_adopters']) for p in top))
    bu = [n for n in truth if len(truth[n]) >= 3]
    right = sum(1 for n in bu if n in pol and int(pol[n]['province_bottom_up']) == prov_after(truth[n]))
    print('eval-discover: province_bottom_up right for %d of %d policies with >= 3 regions (%s)' % (
        right, len(bu), ', '.join('%s: %d province(s) after their own cities' % (n, prov_after(truth[n]))
                                  for n in bu if prov_after(truth[n])) or 'none bottom-up'))
    n10 = sum(len(v) >= 10 for v in truth.values())
    print('eval-discover: %s' % ('FAIL: %d cascades with >= 10 regions not found right' % fails
                               if fails else 'ok: %d of %d cascades with >= 10 regions found right%s'
                               % (n10, n10, '' if n10 else ' (none in this corpus: try --union)')))
    sys.exit(1 if fails else 0)
finally:
    if not os.environ.get('KEEP'):
        shutil.rmtree(tmp, ignore_errors=True)
