#!/usr/bin/env python3
"""Checks an output directory's datapackage.json and SQLite export against its TSVs.

  check_tables.py OUTDIR DB
datapackage.json: valid JSON, every *.tsv described, field names = header, every table
read by pandas with the schema's types (codes stay strings), primary keys unique and
non-empty, foreign keys resolve. DB: same tables, row counts, and a checksum of every
column equal to the TSV's (values normalised by the declared type; empty = NULL).
Prints 'N passed, N failed'; exits 1 on any failure.
"""
import csv, glob, hashlib, json, os, sqlite3, sys
import pandas as pd

out, db = sys.argv[1], sys.argv[2]
passed = failed = 0
def check(ok, what):
    global passed, failed
    if ok: passed += 1
    else: failed += 1; print("FAIL:", what)

pkg = json.load(open(os.path.join(out, "datapackage.json"), encoding="utf-8"))
tsvs = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "*.tsv")))
check([r["path"] for r in pkg["resources"]] == tsvs, "datapackage lists every table")
frames = {}
for r in pkg["resources"]:
    path = os.path.join(out, r["path"])
    fields = r["schema"]["fields"]
    header = open(path, encoding="utf-8").readline().rstrip("\n").split("\t")
    check([f["name"] for f in fields] == header, r["path"] + ": fields = header")
    dtype = {f["name"]: {"string": "string", "date": "string", "integer": "Int64",
                         "number": "float64"}[f["type"]] for f in fields}
    df = pd.read_csv(path, sep="\t", dtype=dtype, keep_default_na=False,
                     na_values=r["schema"]["missingValues"], quoting=csv.QUOTE_MINIMAL)
    check(len(df) == r["rows"], r["path"] + ": row count")
    for f in fields:
        if f["type"] == "date":
            pd.to_datetime(df[f["name"]], format="%Y-%m-%d", errors="raise")
        if f["name"].endswith(("_code", "node_name", "_node")):
            check(f["type"] == "string", r["path"] + ": " + f["name"] + " is a string")
    pk = r["schema"].get("primaryKey")
    if pk:
        check(not df[pk].isna().any().any() and not df.duplicated(pk).any(), r["path"] + ": key")
    frames[r["name"]] = (df, r)
for df, r in frames.values():
    for fk in r["schema"].get("foreignKeys", []):
        ref = frames[fk["reference"]["resource"]][0][fk["reference"]["fields"]]
        vals = df[fk["fields"]].dropna()
        check(vals.isin(set(ref)).all(), r["path"] + ": foreign key " + fk["fields"])
if "documents" in frames:
    check(frames["documents"][0]["region_code"].dropna().str.len().eq(6).all(), "region codes keep 6 digits")

con = sqlite3.connect(db)
names = sorted(n for (n,) in con.execute("select name from sqlite_master where type='table'"))
check(names == sorted(r["name"] for r in pkg["resources"]), "sqlite has every table")
for df, r in frames.values():
    name = r["name"]
    sql = con.execute("select sql from sqlite_master where name=?", (name,)).fetchone()[0]
    check(sql.rstrip().endswith("STRICT"), name + ": STRICT")
    cur = con.execute('select * from "%s" order by rowid' % name)
    rows = cur.fetchall()
    check(len(rows) == len(df), name + ": sqlite rows %d vs tsv %d" % (len(rows), len(df)))
    with open(os.path.join(out, r["path"]), encoding="utf-8", newline="") as fh:
        tsv = list(csv.reader(fh, delimiter="\t"))[1:]
    for i, f in enumerate(r["schema"]["fields"]):
        conv = {"integer": int, "number": float}.get(f["type"], str)
        a = hashlib.sha256(repr([None if (row[i] if i < len(row) else "") == "" else conv(row[i])
                                 for row in tsv]).encode()).hexdigest()
        b = hashlib.sha256(repr([row[i] for row in rows]).encode()).hexdigest()
        check(a == b, "%s.%s: column checksum" % (name, f["name"]))
    if r["schema"].get("primaryKey"):
        check("PRIMARY KEY" in sql, name + ": primary key in sqlite")
idx = [n for (n,) in con.execute("select name from sqlite_master where type='index' and name like 'ix_%'")]
check(len(idx) > 0, "indexes on id and code columns")
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
