#!/usr/bin/env python3
"""Memory of discovery when nearly every document brings new policy names (issue 14: the
bounded table of distinct names). Writes N documents (default 1,000,000) into a temporary
directory, each from a real prefecture (../shared/data/cn-areacodes) with a random date, a
title whose object is a new name (关于推行<4 random characters>制的实施意见) and a body that
adopts another (全面推行<4 random characters>模式) - about 2N distinct names, more than the
table's default cap (1,048,576) - plus one name shared by every 1,000th document, which must
stay one cascade. Runs policyminer -j1 (add --max-policy-names M to pass a cap), polls the
run's peak RSS (VmHWM in /proc/PID/status) and prints it with the manifest's discovery
counts. Usage: discover-stress.py [N] [policyminer run options...]. Exit 0, 77 if
../shared is absent.
"""
import csv, gzip, json, os, random, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, 'tests', 'eval', 'discover')  # the truth (no scripts there: test-eval
                                                        # reads every file of tests/eval)
AREAS = os.path.join(ROOT, '..', 'shared', 'data', 'cn-areacodes', 'result.csv')
if not os.path.exists(AREAS):
    print('discover-stress: SKIP: %s absent' % AREAS)
    sys.exit(77)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
extra = sys.argv[2:]
cities = []
with open(AREAS, encoding='utf-8-sig') as f:
    for r in csv.DictReader(f):
        if r['级别'] == '地级' and r['状态'] == '在用' and r['名称'].endswith('市'):
            cities.append(r['名称'])
rng = random.Random(14)
chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]  # plain CJK, not words

def word():
    return ''.join(rng.choice(chars) for _ in range(4))

tmp = tempfile.mkdtemp(prefix='pm-stress-')
try:
    cdir = os.path.join(tmp, 'corpus')
    os.mkdir(cdir)
    per = 10000
    for fi in range((n + per - 1) // per):
        with gzip.open(os.path.join(cdir, 'c-%05d.xml.gz' % fi), 'wt', encoding='utf-8',
                       compresslevel=1) as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n<corpus>\n')
            for i in range(fi * per, min(n, (fi + 1) * per)):
                city = rng.choice(cities)
                date = '%d-%02d-%02d' % (rng.randint(2000, 2020), rng.randint(1, 12),
                                         rng.randint(1, 28))
                obj = '三色预警制' if i % 1000 == 0 else word() + '制'
                out.write('<doc id="s%07d"><title>%s人民政府关于推行%s的实施意见</title>'
                          '<issuer>%s人民政府</issuer><date>%s</date><body>各区县：为全面推行%s'
                          '模式，现提出如下意见。</body></doc>\n' % (i, city, obj, city, date, word()))
            out.write('</corpus>\n')
    outdir = os.path.join(tmp, 'out')
    cmd = [os.path.join(ROOT, 'policyminer'), 'run', '-q', '-j1', '-o', outdir] + extra + [cdir]
    t0 = time.time()
    p = subprocess.Popen(cmd)
    hwm = 0
    while p.poll() is None:
        try:
            for line in open('/proc/%d/status' % p.pid):
                if line.startswith('VmHWM:'):
                    hwm = int(line.split()[1])
        except OSError:
            pass
        time.sleep(0.2)
    if p.returncode:
        print('discover-stress: FAIL: policyminer exited %d' % p.returncode)
        sys.exit(1)
    m = json.load(open(os.path.join(outdir, 'manifest.json')))
    d = m['counts']['discovery'] if 'discovery' in m.get('counts', {}) else m['discovery']
    pol = open(os.path.join(outdir, 'policies.tsv'), encoding='utf-8').read()
    print('discover-stress: %d documents, %s: peak RSS %.0f MB, %.0f s; discovery %s; 三色预警制 '
          'a cascade: %s' % (n, ' '.join(extra) or 'defaults', hwm / 1024, time.time() - t0,
                             json.dumps(d, ensure_ascii=False), '\t三色预警制\t' in pol))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
