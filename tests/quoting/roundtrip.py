#!/usr/bin/python3
"""Round-trips hostile fields through policyminer and pandas at its defaults.

Writes a small corpus whose document numbers and ids hold double quotes (leading,
inner, trailing, alone), single quotes, '#', backslashes and tabs; runs policyminer; then
reads every table with pandas.read_csv(sep="\\t") and no other option, and requires every
row back with the exact field values (a tab inside a field is written as a space).
    tests/quoting/roundtrip.py PM_BIN
"""
import glob
import os
import subprocess
import sys
import tempfile

import pandas as pd

pm = sys.argv[1] if len(sys.argv) > 1 else "./policyminer"
hostile = [
    ('q-1', '"最多跑一次"改革实施方案', '"粤府〔2015〕12号'),
    ('q-2', '关于推行"河长制"的通知"', '粤府〔2015〕13号"'),
    ('q-3', '"', '"'),
    ('q-"4', "'单引号开头的标题", '#粤府〔2015〕14号'),
    ('q-5', '以反斜杠结尾的标题\\', '粤府\t〔2015〕15号'),
    ('q-6', '"""三个引号', '""'),
]

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")

fail = 0
with tempfile.TemporaryDirectory() as tmp:
    corpus = os.path.join(tmp, "hostile.xml")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<corpus>\n')
        for i, (doc_id, title, docno) in enumerate(hostile):
            f.write('<doc id="%s"><title>%s</title><issuer>广东省人民政府</issuer>'
                    '<docno>%s</docno><date>2015-03-%02d</date><body>对符合条件的企业给予补贴。'
                    '第%d号文件正文。</body></doc>\n' % (esc(doc_id), esc(title), esc(docno), i + 1, i))
        f.write("</corpus>\n")
    out = os.path.join(tmp, "out")
    subprocess.run([pm, "run", "-q", "-j2", "-o", out, corpus], check=True)
    try:
        docs = pd.read_csv(os.path.join(out, "documents.tsv"), sep="\t")
    except Exception as e:  # the failure before quoting: pandas stops on a bare quote
        print("quoting: pandas cannot read documents.tsv: %s" % str(e).strip())
        sys.exit(1)
    if len(docs) != len(hostile):
        print("quoting: documents.tsv read back %d of %d rows" % (len(docs), len(hostile)))
        fail = 1
    else:
        for (doc_id, title, docno), (_, row) in zip(hostile, docs.iterrows()):
            for col, want in (("doc_id", doc_id), ("docno", docno.replace("\t", " "))):
                got = row[col]
                if got != want:
                    print("quoting: %s %s: wrote %r, read back %r" % (doc_id, col, want, got))
                    fail = 1
    # every other table must load at the defaults too, with as many rows as lines
    for path in sorted(glob.glob(os.path.join(out, "*.tsv"))):
        with open(path, encoding="utf-8") as f:
            lines = sum(1 for _ in f) - 1
        try:
            got = len(pd.read_csv(path, sep="\t"))
        except Exception as e:
            print("quoting: pandas cannot read %s: %s" % (os.path.basename(path), str(e).strip()))
            fail = 1
            continue
        if got != lines:
            print("quoting: %s: %d lines, pandas read %d rows" % (os.path.basename(path), lines, got))
            fail = 1
if fail == 0:
    print("quoting: %d hostile rows round-trip through pandas read_csv(sep='\\t')" % len(hostile))
sys.exit(fail)
