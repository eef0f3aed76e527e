#!/usr/bin/env python3
"""Issue 11 item 4: regions that did not exist yet.

On the generator's corpus: (1) no document names a division before it was created
(truth_documents.tsv region_code vs the gazetteer's first year); (2) every division code in
any table is a row of nodes.tsv; (3) every adoption by a region in a cascade of
eha_panel.tsv is an `adopted = 1` row of it. Exit 0 when all hold, 1 (with the first offenders) when not.
"""
import csv, os, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get('PM_BIN', os.path.join(ROOT, 'policyminer'))
N = sys.argv[1] if len(sys.argv) > 1 else '20000'


def table(p):
    with open(p, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f, delimiter='\t'))


def gazetteer():
    first = {}
    with open(os.path.join(ROOT, 'dictionaries', 'cn', 'gazetteer.tsv'), encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            c = line.rstrip('\n').split('\t')
            if c[0].isdigit() and c[5].isdigit():
                first[c[0]] = min(first.get(c[0], 9999), int(c[5]))
    return first


# Real pages can carry a later name: 林芝市 (created 2015) adopting in 2014, 白杨市 (2023)
# in 2016. Short synthetic titles, no text from real documents.
LATER = [('l1', '广东省人民政府关于全面推行河长制的实施意见', '2013-04-01'),
         ('l2', '林芝市人民政府关于全面推行河长制的实施意见', '2014-05-01'),
         ('l3', '白杨市人民政府关于全面推行河长制的实施意见', '2016-05-01'),
         ('l4', '浙江省人民政府关于全面推行河长制的实施意见', '2017-06-01')]


def check_tables(out, fails, what):
    nodes = {r['node_name'] for r in table(os.path.join(out, 'nodes.tsv'))}
    code_cols = {'adoptions.tsv': ['node_name', 'province_code'], 'experiments.tsv': ['pioneer_code'],
                 'edges.tsv': ['origin_node', 'destination_node'],
                 'network.tsv': ['origin_node', 'destination_node'], 'leaders.tsv': ['node_name'],
                 'eha_panel.tsv': ['node_name'], 'policies.tsv': ['pioneer_code']}
    for t, cols in code_cols.items():
        p = os.path.join(out, t)
        if not os.path.exists(p):
            continue
        missing = sorted({r[c] for r in table(p) for c in cols if c in r and r[c] and r[c] not in nodes})
        if missing:
            fails.append('%s %s: %d codes not in nodes.tsv, e.g. %s' % (what, t, len(missing), missing[:5]))
    prows = table(os.path.join(out, 'eha_panel.tsv'))
    panel = {(r['cascade_id'], r['node_name']) for r in prows if r['adopted'] == '1'}
    # the panel covers the named experiments and discovered cascades (instrument x sector
    # policies are not in it) and the regions (the centre is no region at risk)
    in_panel = {r['cascade_id'] for r in prows}
    ad = [r for r in table(os.path.join(out, 'adoptions.tsv'))
          if r['cascade_id'] in in_panel and r['node_name'] != '100000']
    lost = [(r['cascade_id'], r['node_name']) for r in ad if (r['cascade_id'], r['node_name']) not in panel]
    if lost:
        fails.append('%s eha_panel.tsv: %d of %d adoptions without an adopted = 1 row, e.g. %s'
                     % (what, len(lost), len(ad), lost[:3]))
    return ad, nodes


tmp = tempfile.mkdtemp(prefix='pm-regions-')
fails = []
try:
    lat, lout = os.path.join(tmp, 'later'), os.path.join(tmp, 'later-out')
    os.mkdir(lat)
    with open(os.path.join(lat, 'later.xml'), 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<corpus>\n')
        for i, t, d in LATER:
            f.write('<doc id="%s"><title>%s</title><date>%s</date><body>全面推行河长制。</body></doc>\n' % (i, t, d))
        f.write('</corpus>\n')
    subprocess.run([BIN, 'run', '-q', '-j1', '--eha-panel', '-o', lout, lat], check=True)
    ad, _ = check_tables(lout, fails, 'later names:')
    got = sorted(r['node_name'] for r in ad)
    if got != ['330000', '440000', '540400', '659012']:
        fails.append('later names: adopters %s, expected 330000 440000 540400 659012' % got)

    gen, out = os.path.join(tmp, 'gen'), os.path.join(tmp, 'out')
    subprocess.run([BIN, 'gen', '-j2', '-n', N, '-o', gen, '--seed', '7'], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([BIN, 'run', '-q', '-j2', '--eha-panel', '-o', out, os.path.join(gen, 'corpus')],
                   check=True)
    first = gazetteer()
    late = [(r['doc_id'], r['region_code'], r['date']) for r in table(os.path.join(gen, 'truth_documents.tsv'))
            if r['region_code'] in first and r['date'] and int(r['date'][:4]) < first[r['region_code']]]
    if late:
        fails.append('gen: %d documents issued by a division before it existed, e.g. %s' % (len(late), late[:3]))
    ad, nodes = check_tables(out, fails, 'gen corpus:')
    if len(ad) < 100:
        fails.append('only %d adoptions in panel cascades: the check would prove nothing' % len(ad))
    print('regions: %d adoptions, %d nodes checked' % (len(ad), len(nodes)))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
for f in fails:
    print('FAIL ' + f, file=sys.stderr)
sys.exit(1 if fails else 0)
