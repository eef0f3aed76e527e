#!/bin/sh
# make test-report: `policyminer report` and `policyminer export --sqlite` end to end.
#   - the golden diffusion case and the sample corpus render a well-formed page (xmllint)
#     with every figure, and the same tables give the same bytes (two identical runs);
#   - headless Chromium screenshots the sample corpus's page and it is not blank;
#   - datapackage.json and the SQLite file agree with the TSVs (check_tables.py);
#   - a hand-altered output (reordered and added columns, RFC-4180 quoted fields, a
#     reuse_edges.tsv) still reads, and a directory without documents.tsv fails cleanly.
set -u
cd "$(dirname "$0")/../.."
PM=${PM_BIN:-./policyminer}
PY=python3
/usr/bin/python3 -c 'import pandas' 2>/dev/null && PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*" >&2; }
check() { if "$@"; then ok; else bad "$*"; fi; }

FIGS="fig-docs-year fig-local-share fig-groups-level fig-groups-year fig-configurator
fig-configurator-central fig-configurator-provincial fig-configurator-prefecture
fig-configurator-county fig-conditions-level fig-conditions-year fig-origin-levels fig-lags
fig-rejects fig-provenance"
figures() { # figures PAGE EXTRA...: every figure id present, each with content
    page=$1; shift
    for f in $FIGS "$@"; do
        grep -q "<figure id=\"$f\"" "$page" || { echo "missing figure $f in $page" >&2; return 1; }
    done
}

# 1. the golden diffusion case (network, leaders, cascade panels), run twice into the
#    same directory: same tables, same page (the manifest's clock is left out)
args=$(cat tests/golden/diffusion/args)
for i in 2 1; do
    rm -rf "$tmp/diff"
    # shellcheck disable=SC2086
    "$PM" run -q -j2 $args -o "$tmp/diff" tests/golden/diffusion/input || bad "run diffusion $i"
    "$PM" report -q "$tmp/diff" || bad "report diffusion $i"
    cp -r "$tmp/diff" "$tmp/diff$i"
done
check xmllint --noout "$tmp/diff1/report.html"
check figures "$tmp/diff1/report.html" fig-network fig-elbow fig-leaders fig-cascade-1
check cmp -s "$tmp/diff1/report.html" "$tmp/diff2/report.html"
check cmp -s "$tmp/diff1/datapackage.json" "$tmp/diff2/datapackage.json"
check cmp -s "$tmp/diff1/policyminer.do" "$tmp/diff2/policyminer.do"
check grep -q "无锡市" "$tmp/diff1/report.html"
check grep -q 'import delimited using "documents.tsv"' "$tmp/diff1/policyminer.do"
check grep -q 'label define pm_category' "$tmp/diff1/policyminer.do"
"$PM" export --sqlite "$tmp/diff.db" "$tmp/diff1" || bad "export diffusion"
check "$PY" tests/report/check_tables.py "$tmp/diff1" "$tmp/diff.db"

# 2. the sample corpus (make run's tables), with a screenshot
"$PM" run -q -o "$tmp/sample" corpora/*.xml || bad "run sample"
"$PM" report -q "$tmp/sample" || bad "report sample"
check xmllint --noout "$tmp/sample/report.html"
check figures "$tmp/sample/report.html" fig-cascade-1
"$PM" export --sqlite "$tmp/sample.db" "$tmp/sample" || bad "export sample"
check "$PY" tests/report/check_tables.py "$tmp/sample" "$tmp/sample.db"
n=$(awk -F'\t' '$1=="instrument"' "$tmp/sample/categories.tsv" | wc -l)
check test "$n" -eq "$(grep -c '^\[' dictionaries/cn/instruments.dict)"
check test "$(awk -F'\t' 'NR>1 && $5==""' "$tmp/sample/categories.tsv" | wc -l)" -eq 0
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
    prof=$(mktemp -d)
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$prof" --hide-scrollbars --screenshot="$tmp/shot.png" \
        --window-size=1240,2400 "file://$tmp/sample/report.html" >/dev/null 2>&1
    rm -rf "$prof"
    if [ -s "$tmp/shot.png" ]; then
        set -- $("$PY" tests/report/png.py stats "$tmp/shot.png")
        # not blank: a good share of non-white pixels and many distinct colours
        check "$PY" -c "import sys; sys.exit(0 if float('$3') > 0.05 and int('$4') >= 16 else 1)"
        echo "report screenshot: ${1}x${2}, non-white share $3, $4 distinct colours"
    else
        bad "chromium wrote no screenshot"
    fi
else
    echo "report-test: chromium not installed (scripts/install-deps installs it): screenshot skipped"
fi

# 3. a hand-altered output: columns reordered and added, quoted fields, a reuse table
mkdir -p "$tmp/alt"
cp "$tmp/diff1"/*.tsv "$tmp/diff1/manifest.json" "$tmp/alt/"
"$PY" - "$tmp/alt" <<'PYEOF'
import csv, sys
p = sys.argv[1] + "/documents.tsv"
rows = list(csv.reader(open(p, encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
h = rows[0]; order = list(reversed(range(len(h))))
with open(p, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow([h[i] for i in order] + ["extra_note"])
    for k, r in enumerate(rows[1:]):
        if k == 0: r[h.index("issuer")] = 'say "quoted"'
        w.writerow([r[i] for i in order] + [""])
open(sys.argv[1] + "/reuse_edges.tsv", "w").write(
    "origin_doc\tdestination_doc\tsimilarity\nrc-wuxi\trc-suzhou\t0.91\n")
PYEOF
"$PM" report -q "$tmp/alt" || bad "report on altered tables"
check xmllint --noout "$tmp/alt/report.html"
check figures "$tmp/alt/report.html" fig-reuse fig-network
check grep -q "rc-suzhou" "$tmp/alt/report.html"
"$PM" export --sqlite "$tmp/alt.db" "$tmp/alt" || bad "export altered"
check test "$(sqlite3 "$tmp/alt.db" "select count(*) from documents where issuer = 'say \"quoted\"'" 2>/dev/null || echo 1)" = 1
check "$PY" tests/report/check_tables.py "$tmp/alt" "$tmp/alt.db"

# 4. errors: no documents.tsv, usage
mkdir -p "$tmp/empty"
"$PM" report -q "$tmp/empty" 2>/dev/null; check test $? -eq 1
"$PM" report 2>/dev/null; check test $? -eq 2
"$PM" export "$tmp/empty" 2>/dev/null; check test $? -eq 2
"$PM" export --sqlite "$tmp/x.db" "$tmp/empty" 2>/dev/null; check test $? -eq 1
check test ! -e "$tmp/x.db"

echo "report-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
