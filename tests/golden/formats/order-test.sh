#!/bin/sh
# The formats corpus gives the same tables whatever the order of its files on the command
# line (sorted, reversed, interleaved) and whatever the thread count. Called by
# `make test-golden`; PM_BIN selects the binary.
set -u
cd "$(dirname "$0")/../../.."
PM=${PM_BIN:-./policyminer}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=$(cat tests/golden/formats/args)
files=$(ls tests/golden/formats/input/* | sort)
rev=$(echo "$files" | sort -r)
odd=$(echo "$files" | awk 'NR % 2 == 0' ; echo "$files" | awk 'NR % 2 == 1')
fail=0
# shellcheck disable=SC2086
"$PM" run -q -j1 $args -o "$tmp/a" $files || fail=1
# shellcheck disable=SC2086
"$PM" run -q -j2 $args -o "$tmp/b" $rev || fail=1
# shellcheck disable=SC2086
"$PM" run -q -j3 $args -o "$tmp/c" $odd || fail=1
n=0
for t in documents.tsv counts.tsv rejects.tsv adoptions.tsv experiments.tsv edges.tsv diffusion_summary.tsv; do
    for o in b c; do
        if ! cmp -s "$tmp/a/$t" "$tmp/$o/$t"; then echo "FAIL: formats $t differs with argument order ($o)" >&2; fail=1; fi
        n=$((n + 1))
    done
done
# and the same bytes as the golden case, which names the directory instead of the files
for t in documents.tsv rejects.tsv; do
    cmp -s "$tmp/a/$t" "tests/golden/formats/expected/$t" || { echo "FAIL: formats $t differs from expected" >&2; fail=1; }
    n=$((n + 1))
done
[ "$fail" -eq 0 ] && echo "formats order: $n comparisons passed"
exit "$fail"
