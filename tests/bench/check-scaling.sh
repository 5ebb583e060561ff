#!/usr/bin/env bash
# tests/bench/check-scaling.sh: `sheaf check` on hostile shapes at n and 4n, to show that its time
# grows linearly (target: the 4n run at most ~4.5x the n run). Issue 11 measured the quadratic
# time of one chapter with 807,000 attributes (100k 2.6 s, 200k 11.4 s, 807k 539 s).
#
#   attributes, 200 an element   a valid chapter: every attribute is parsed and checked
#   attributes on one element    refused before libxml2 parses it (SHF-012)
#   nested elements              transparent ins elements, each checked against its ancestors
# Environment: SHEAF, SHEAF_TOOLS (the built tests/tools), SCALING_N (default 200000), SCALING_RUNS
# (default 3; median).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
if [[ -z ${SHEAF:-} ]]; then
    if [[ -x $ROOT/sheaf ]]; then SHEAF=$ROOT/sheaf; else SHEAF=$ROOT/build/sheaf; fi
fi
mkepub=${SHEAF_TOOLS:-$ROOT/build/tests/tools}/mkepub
[[ -x $mkepub ]] || { echo "check-scaling: build tests/tools first (make)"; exit 1; }
n=${SCALING_N:-200000}
runs=${SCALING_RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$SHEAF" check -q "$1" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}'
}

median_of() {
    local f=$1 ts=()
    for ((i = 0; i < runs; i++)); do ts+=("$(seconds "$f")"); done
    printf '%s\n' "${ts[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

printf '%-34s %10s %10s %9s %9s %7s\n' "SHEAF CHECK ON" N "4N" "T(N) S" "T(4N) S" RATIO
row() {
    local label=$1 small=$2 large=$3 size=${4:-$n} t1 t4
    t1=$(median_of "$small")
    t4=$(median_of "$large")
    awk -v l="$label" -v n="$size" -v a="$t1" -v b="$t4" \
        'BEGIN {printf "%-34s %10d %10d %9.3f %9.3f %6.1fx\n", l, n, 4 * n, a, b, (a > 0 ? b / a : 0)}'
}
"$mkepub" --attrs "$n" 200 "$work/a1.epub"
"$mkepub" --attrs $((4 * n)) 200 "$work/a4.epub"
row "attributes, 200 an element" "$work/a1.epub" "$work/a4.epub"
"$mkepub" --attrs "$n" "$n" "$work/o1.epub"
"$mkepub" --attrs $((4 * n)) $((4 * n)) "$work/o4.epub"
row "attributes on one element (SHF-012)" "$work/o1.epub" "$work/o4.epub"
"$mkepub" --deep $((n / 4)) "$work/d1.epub"
"$mkepub" --deep "$n" "$work/d4.epub"
row "nested elements" "$work/d1.epub" "$work/d4.epub" $((n / 4))
echo "(median of $runs runs; target: RATIO at most ~4.5x, i.e. linear)"
