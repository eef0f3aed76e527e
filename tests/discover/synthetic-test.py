#!/usr/bin/env python3
"""Discovered policies on the synthetic corpus (issue 14): every planted innovation that
reached >= 3 regions is found by its name, with its planted pioneer and first date, when
experiments.dict is removed from the dictionaries (so no dictionary names it).
Usage: synthetic-test.py [N_DOCS]  (default 20000). Exit 0 pass, 1 fail."""
import os, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, 'policyminer')
N = sys.argv[1] if len(sys.argv) > 1 else '20000'

def table(path):
    rows = open(path, encoding='utf-8').read().rstrip('\n').split('\n')
    head = rows[0].split('\t')
    return [dict(zip(head, r.split('\t'))) for r in rows[1:]]

def labels():
    out, key = {}, None
    for l in open(os.path.join(ROOT, 'dictionaries', 'cn', 'experiments.dict'), encoding='utf-8'):
        l = l.strip()
        if l.startswith('[') and l.endswith(']'):
            key = l[1:-1]
        elif l.startswith('label_zh') and key:
            out[key] = l.split('=', 1)[1].strip()
    return out

tmp = tempfile.mkdtemp(prefix='pm-disc-syn-')
try:
    gendir = os.path.join(tmp, 'gen')  # documents in gen/corpus, truth beside them
    corpus = os.path.join(gendir, 'corpus')
    subprocess.run([BIN, 'gen', '-j2', '-n', N, '-o', gendir, '--seed', '7'], check=True,
                   stdout=subprocess.DEVNULL)
    dicts = os.path.join(tmp, 'dict')
    shutil.copytree(os.path.join(ROOT, 'dictionaries'), dicts)
    os.remove(os.path.join(dicts, 'cn', 'experiments.dict'))
    out = os.path.join(tmp, 'out')
    subprocess.run([BIN, 'run', '-q', '-j2', '-d', dicts, '-o', out, corpus], check=True)
    lab = labels()
    truth = {}
    for r in table(os.path.join(gendir, 'truth_cascades.tsv')):
        truth.setdefault(r['experiment'], []).append(r)
    pol = {r['name']: r for r in table(os.path.join(out, 'policies.tsv'))}
    fails = checked = 0
    for key, rows in sorted(truth.items()):
        regions = {r['node'] for r in rows}
        if len(regions) < 3:
            continue
        checked += 1
        pio = [r for r in rows if r['is_pioneer'] == '1'][0]
        p = pol.get(lab[key])
        ok = p is not None and p['pioneer_code'] == pio['node'] and p['first_date'] == pio['date']
        print('synthetic-test: %s %s (%s): planted %d regions, pioneer %s %s; found %s' % (
            'ok  ' if ok else 'FAIL', key, lab[key], len(regions), pio['node'], pio['date'],
            '%s regions, pioneer %s %s' % (p['n_adopters'], p['pioneer_code'], p['first_date'])
            if p else 'nothing'))
        fails += not ok
    print('synthetic-test: %d of %d planted cascades with >= 3 regions discovered with their pioneer'
          % (checked - fails, checked))
    sys.exit(1 if fails or not checked else 0)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
