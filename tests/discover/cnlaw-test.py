#!/usr/bin/env python3
"""Discovered policies on real local regulations (issue 14): ../shared/data/cn-law/DLC.

Converts every regulation (.md) into corpus XML in a temporary directory (nothing is copied
into the repository): title from '# TITLE', date and issuer from the first adoption line
('2021年2月8日 江门市第十五届人民代表大会常务委员会第四十一次会议通过'), body after
'<!-- INFO END -->'. Runs policyminer with no named experiment and compares the discovered
cascades with a truth derived here, independently of the classifier: the title minus its
region prefix, the region from that prefix, the date from the adoption line.
Checks: 文明行为促进条例 and 优化营商环境条例 are one cascade each with every adopting
region, the right pioneer and first date, and a province adopting after one of its cities
is flagged (province_bottom_up). Reports, for every truth policy with >= 3 regions, found /
adopters within 20% / pioneer / date on a development and a held-out half (hash of name).
Exit 0 pass, 1 fail, 77 skipped (data absent).
"""
import hashlib, os, re, shutil, subprocess, sys, tempfile
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, '..', 'shared', 'data', 'cn-law', 'DLC')
BIN = os.path.join(ROOT, 'policyminer')
if not os.path.isdir(DATA):
    print('cnlaw-test: SKIP: %s absent' % DATA)
    sys.exit(77)

DATE = re.compile(r'^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(.*)$')
PREFIX = re.compile(r'^(.{2,12}?(?:自治县|自治州|经济特区|省|市|县|区))(.+)$')

def region_of(prefix):
    return prefix[:-4] + '市' if prefix.endswith('经济特区') else prefix

docs = []
for dirpath, _, files in sorted(os.walk(DATA)):
    for f in sorted(files):
        if not f.endswith('.md') or f == '_index.md':
            continue
        path = os.path.join(dirpath, f)
        text = open(path, encoding='utf-8').read()
        lines = text.split('\n')
        title = lines[0][2:].strip() if lines and lines[0].startswith('# ') else ''
        date = issuer = None
        for l in lines[1:40]:
            m = DATE.match(l.strip())
            if m:
                date = '%s-%02d-%02d' % (m.group(1), int(m.group(2)), int(m.group(3)))
                org = re.split(r'第[一二三四五六七八九十百]+届', m.group(4))[0]
                issuer = org + '人民代表大会常务委员会' if org else ''
                break
            if '<!-- INFO END -->' in l:
                break
        body = text.split('<!-- INFO END -->', 1)[-1]
        # ids: the folder and a hash of the path (doc ids are capped at 127 bytes)
        rel = os.path.relpath(path, DATA)
        docs.append((rel.split('/')[0] + '/' + hashlib.sha256(rel.encode()).hexdigest()[:12],
                     title, date, issuer, body))

tmp = tempfile.mkdtemp(prefix='pm-cnlaw-')
try:
    with open(os.path.join(tmp, 'cnlaw.xml'), 'w', encoding='utf-8') as out:
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
                    os.path.join(tmp, 'cnlaw.xml')], check=True)

    def table(name):
        rows = open(os.path.join(outdir, name), encoding='utf-8').read().rstrip('\n').split('\n')
        head = rows[0].split('\t')
        return [dict(zip(head, r.split('\t'))) for r in rows[1:]]
    nodes = {r['node_name']: r['name'] for r in table('nodes.tsv')}
    pol = {r['name']: r for r in table('policies.tsv')}
    adopters = {}
    for r in table('adoptions.tsv'):
        adopters.setdefault(r['cascade_id'], []).append(r)

    truth = {}
    for i, t, d, iss, b in docs:
        m = PREFIX.match(t)
        if not m or not d or len(m.group(2)) < 3:
            continue
        reg = region_of(m.group(1))
        cur = truth.setdefault(m.group(2), {})
        if reg not in cur or (d, i) < cur[reg]:
            cur[reg] = (d, i)

    def check(name):
        """(found, count_ok, pioneer_ok, date_ok, detail)"""
        regs = truth[name]
        p = pol.get(name)
        if not p:
            return (0, 0, 0, 0, 'not discovered')
        got = {nodes.get(r['node_name'], r['node_name']): r['date'] for r in adopters[p['cascade_id']]}
        first = min(regs.items(), key=lambda kv: kv[1])
        n_ok = abs(int(p['n_adopters']) - len(regs)) <= 0.2 * len(regs)
        return (1, int(n_ok), int(p['pioneer_name'] == first[0]), int(p['first_date'] == first[1][0]),
                'truth %d %s, got %s %s %s; missing %s extra %s' % (
                    len(regs), first, p['n_adopters'], p['pioneer_name'], p['first_date'],
                    sorted(set(regs) - set(got)), sorted(set(got) - set(regs))))

    def prov_after_truth(regs):
        """provinces (省) adopting after one of their own cities (same folder = province)"""
        return sum(any(r2 != reg and i2.split('/')[0] == i.split('/')[0] and d2 < d
                       for r2, (d2, i2) in regs.items())
                   for reg, (d, i) in regs.items() if reg.endswith('省'))

    fails = 0
    for name in ('文明行为促进条例', '优化营商环境条例'):
        f, n, pi, da, det = check(name)
        regs = truth[name]
        p = pol.get(name)
        ok = f and p and int(p['n_adopters']) == len(regs) and pi and da
        # bottom-up: a province adopting after one of its own cities
        prov_after = 0
        for reg, (d, i) in regs.items():
            if reg.endswith('省'):
                prov_after += any(r2 != reg and i2.split('/')[0] == i.split('/')[0] and d2 < d
                                  for r2, (d2, i2) in regs.items())
        if p and int(p['province_bottom_up']) != prov_after:
            ok = False
            det += '; province_bottom_up %s, truth %d' % (p['province_bottom_up'], prov_after)
        det += '; provinces after their own cities %d' % prov_after
        print('cnlaw-test: %s %s: %s' % ('ok  ' if ok else 'FAIL', name, det))
        fails += not ok

    for part in ('development', 'held-out'):
        names = [n for n in truth if len(truth[n]) >= 3 and
                 (hashlib.sha256(n.encode()).digest()[0] % 2 == 0) == (part == 'development')]
        res = [check(n)[:4] for n in names]
        tot = [sum(x[k] for x in res) for k in range(4)]
        bu = sum(1 for n in names if n in pol and
                 int(pol[n]['province_bottom_up']) == prov_after_truth(truth[n]))
        print('cnlaw-test: %s: %d policies with >= 3 regions: found %d, adopters within 20%% %d, '
              'pioneer %d, first date %d, province_bottom_up right %d (truth: %d with a province '
              'after its cities)' % (part, len(names), *tot, bu,
                                     sum(prov_after_truth(truth[n]) > 0 for n in names)))
        for n in names:
            r = check(n)
            if not all(r[:4]):
                print('    %s: %s' % (n, r[4]))
    d = [r for r in table('diffusion_summary.tsv') if r['kind'] == 'discovered']
    print('cnlaw-test: discovered cascades %s; %s' % (
        d[0]['value'], ', '.join('%s %s' % (r['statistic'], r['value']) for r in d[1:])))
    sys.exit(1 if fails else 0)
finally:
    if not os.environ.get("KEEP"): shutil.rmtree(tmp, ignore_errors=True)
