#!/usr/bin/env bash
# tests/bench/check-bench.sh: time `sheaf check` against epubcheck on the same books, a small
# one and one of a few hundred chapters (written by tests/tools/mkepub), and print the ratio and
# sheaf's peak memory against the book's size. Target (issue 3): at least 100x faster than
# epubcheck, peak memory under 10x the book's size. It measures; it never fails on a slow result.
#
# Environment (optional):
#   SHEAF=PATH          the sheaf binary (default ./sheaf, else build/sheaf)
#   SHEAF_TOOLS=DIR     built tests/tools programs: mkepub, rusage (default: built here)
#   CHECK_BENCH_CHAPTERS="300"   chapters of the big book(s)
#   CHECK_BENCH_RUNS=N  sheaf runs per book, median reported (default 20)
#   EPUBCHECK_JAR=PATH  (default /usr/share/java/epubcheck.jar); epubcheck runs once per book
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
if [[ -z ${SHEAF:-} ]]; then
    if [[ -x $ROOT/sheaf ]]; then SHEAF=$ROOT/sheaf; else SHEAF=$ROOT/build/sheaf; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the helper programs: taken from SHEAF_TOOLS when built there, else compiled here
mkdir -p "$work/tools"
mkepub=${SHEAF_TOOLS:-$work/tools}/mkepub
rusage=${SHEAF_TOOLS:-$work/tools}/rusage
if [[ ! -x $mkepub ]]; then
    mkepub=$work/tools/mkepub
    # shellcheck disable=SC2046 # pkg-config output is meant to be split
    cc -O2 -o "$mkepub" tests/tools/mkepub.c $(pkg-config --cflags --libs libdeflate)
fi
if [[ ! -x $rusage ]]; then
    rusage=$work/tools/rusage
    cc -O2 -o "$rusage" tests/tools/rusage.c
fi
jar=${EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}
runs=${CHECK_BENCH_RUNS:-20}

"$mkepub" valid "$work/small.epub"
books=("$work/small.epub")
for n in ${CHECK_BENCH_CHAPTERS:-300}; do
    "$mkepub" --big "$n" "$work/big-$n.epub"
    books+=("$work/big-$n.epub")
done

# "WALL_SECONDS PEAK_RSS_KB" of one run of "$@" (peak RSS 0 without the rusage tool)
measure() {
    local f=$work/ru
    if [[ -x $rusage ]]; then
        "$rusage" -o "$f" "$@" >/dev/null 2>&1 || true
        sed 's/.*wall=\([0-9.]*\).*maxrss_kb=\([0-9]*\).*/\1 \2/' "$f"
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a, 0}'
    fi
}

# calc FORMAT EXPRESSION: floating-point arithmetic without bc
calc() {
    awk "BEGIN {printf \"$1\", $2}"
}

median() {
    sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

# the process's fixed cost (libraries, loader) is measured on `sheaf --version`
read -r _ base_kb < <(measure "$SHEAF" --version)
printf '%-14s %9s %9s %10s %13s %8s %8s %9s\n' BOOK SIZE_KB CHAPTERS SHEAF_MS EPUBCHECK_MS RATIO PEAK_MB EXTRA/SIZE
for b in "${books[@]}"; do
    size=$(stat -c %s "$b")
    chapters=$(unzip -Z1 "$b" | grep -c '\.xhtml$' || true)
    times=()
    peak=0
    for ((i = 0; i < runs; i++)); do
        read -r t rss < <(measure "$SHEAF" check -q "$b")
        times+=("$t")
        ((rss > peak)) && peak=$rss
    done
    s=$(printf '%s\n' "${times[@]}" | median)
    if [[ -r $jar ]] && command -v java >/dev/null; then
        read -r e _ < <(measure java -jar "$jar" "$b")
        e_ms=$(calc "%.0f" "$e * 1000")
        ratio=$(calc "%.0fx" "$e / $s")
    else
        e_ms="-"
        ratio="-"
    fi
    s_ms=$(calc "%.2f" "$s * 1000")
    peak_mb=$(calc "%.1f" "$peak / 1024")
    extra=$((peak > base_kb ? peak - base_kb : 0))
    mem_ratio=$(calc "%.1fx" "$extra * 1024 / $size")
    printf '%-14s %9d %9d %10s %13s %8s %8s %9s\n' "$(basename "$b" .epub)" $((size / 1024)) \
        "$chapters" "$s_ms" "$e_ms" "$ratio" "$peak_mb" "$mem_ratio"
done
echo "(sheaf: median of $runs runs; epubcheck: one run of java -jar, JVM start included;"
echo " PEAK_MB: sheaf's maximum RSS; EXTRA/SIZE: peak RSS above \`sheaf --version\` ($((base_kb / 1024)) MB of"
echo " libraries and loader) divided by the book's size)"
