#!/usr/bin/env bash
# tests/bench/captions.sh: caption files in `make bench` (issue 15). Prints figures; never fails
# on a slow result (benchmarks measure, tests assert).
#
# 1. Speed: synthetic interviews (tests/tools/gencues: the same words as WebVTT, SubRip, JSON
#    and Markdown) of one hour and of BENCH_CUES_HOURS hours are built with `sheaf build -v`;
#    for each: cues, input size, the reader and passes time (sheaf's "read" + "parse" stages,
#    medians of BENCH_RUNS), cues per second, MB per second, and that speed per byte against
#    Markdown of the same words; then the time at 4n against n (linear: about 4x).
# 2. Accuracy: for every fixture in tests/fixtures/captions with a hand-written NAME.turns, the
#    turns and paragraphs expected against those found in the book (tests/tools/turnlist).
#
# Environment (all optional): SHEAF, SHEAF_TOOLS (as bench.sh), BENCH_RUNS (default 5),
# BENCH_CUES_HOURS (default 10), BENCH_DIR (default build/bench).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
SHEAF=${SHEAF:-$ROOT/$BUILD/sheaf}
TOOLS=${SHEAF_TOOLS:-$ROOT/$BUILD/tests/tools}
RUNS=${BENCH_RUNS:-5}
HOURS=${BENCH_CUES_HOURS:-10}
BENCH_DIR=${BENCH_DIR:-$ROOT/$BUILD/bench}
FIX=$ROOT/tests/fixtures/captions

die() { echo "bench: $*" >&2; exit 1; }
[[ -x $SHEAF ]] || die "no sheaf binary at $SHEAF: run 'make' first or set SHEAF"
for t in gencues turnlist; do
    [[ -x $TOOLS/$t ]] || die "missing $TOOLS/$t (make $BUILD/tests/tools/$t)"
done
mkdir -p "$BENCH_DIR"
TMP=$(mktemp -d "$BENCH_DIR/captions.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2];
        else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# stage_time FILE.INPUT: median over RUNS of sheaf's read + parse stages, in seconds.
stage_time() {
    local in=$1 times=() r
    for ((r = 0; r < RUNS; r++)); do
        "$SHEAF" build -v "$in" -o "$TMP/b.epub" 2>"$TMP/err" >/dev/null ||
            die "sheaf build $in failed: $(head -3 "$TMP/err")"
        times+=("$(awk '/^sheaf: time: (read|parse) / { s += $4 } END { printf "%.5f", s }' \
            "$TMP/err")")
    done
    median "${times[@]}"
}

cues_of() {
    case $1 in
    *.vtt | *.srt) grep -c -- '-->' "$1" ;;
    *.json) grep -c '"body"' "$1" ;;
    *.md) grep -c '^\*\*' "$1" ;;
    esac
}

echo "== caption files: reader speed (sheaf's read + parse stages, medians of $RUNS runs)"
printf '%-18s %8s %9s %9s %12s %8s %16s\n' input cues KB seconds cues/s MB/s "per byte vs md"
declare -A T
for hours in 1 "$HOURS" $((4 * HOURS)); do
    for f in md vtt srt json; do
        in=$TMP/interview-${hours}h.$f
        "$TOOLS/gencues" "$f" $((hours * 60)) >"$in"
        T[$hours,$f]=$(stage_time "$in")
        T[$hours,$f,bytes]=$(stat -c %s "$in")
    done
    for f in md vtt srt json; do
        in=$TMP/interview-${hours}h.$f
        s=${T[$hours,$f]} bytes=${T[$hours,$f,bytes]} cues=$(cues_of "$in")
        awk -v name="${hours} h .$f" -v c="$cues" -v b="$bytes" -v s="$s" \
            -v mds="${T[$hours,md]}" -v mdb="${T[$hours,md,bytes]}" -v f="$f" 'BEGIN {
            rate = b / s; mdrate = mdb / mds
            printf "%-18s %8d %9.1f %9.4f %12.0f %8.1f %16s\n", name, c, b / 1024, s,
                   (f == "md" ? 0 : c / s), rate / 1e6,
                   (f == "md" ? "-" : sprintf("%.2fx", rate / mdrate)) }'
    done
done
echo
echo "== linear: time at 4n against n (${HOURS} h -> $((4 * HOURS)) h; about 4x is linear)"
for f in vtt srt json md; do
    awk -v f="$f" -v a="${T[$HOURS,$f]}" -v b="${T[$((4 * HOURS)),$f]}" \
        'BEGIN { printf "  .%-5s %.4f s -> %.4f s: %.2fx\n", f, a, b, b / a }'
done

echo
echo "== fixtures: turns and paragraphs expected (hand-written NAME.turns) against found"
printf '%-16s %-6s %15s %15s %20s %8s\n' fixture format "turns exp/found" "speakers e/f" \
    "paragraphs exp/found" "exact"
all_exact=0 all=0
for t in "$FIX"/*.turns; do
    name=$(basename "$t" .turns)
    input=$(find "$FIX" -maxdepth 1 -name "$name.*" ! -name '*.turns' | head -1)
    rm -rf "$TMP/book" && mkdir "$TMP/book"
    if ! "$SHEAF" build -q "$input" -o "$TMP/book/b.epub" 2>"$TMP/err"; then
        printf '%-16s build failed: %s\n' "$name" "$(head -1 "$TMP/err")"
        continue
    fi
    (cd "$TMP/book" && unzip -q b.epub)
    mapfile -t docs < <(ls "$TMP"/book/EPUB/text/c0001-*.xhtml | sort)
    "$TOOLS/turnlist" "${docs[@]}" >"$TMP/found"
    exact=$(paste -d '\n' "$t" /dev/null | awk 'NF' | grep -cxFf "$TMP/found" || true)
    awk -F '\t' -v name="$name" -v fmt="${input##*.}" -v exact="$exact" \
        'FNR == 1 { file++ }
         { p[file]++; if ($1 != "+" && $1 != "-") { turns[file]++; sp[file, $1] = 1 } }
         END { for (k in sp) { split(k, a, SUBSEP); ns[a[1]]++ }
               printf "%-16s %-6s %7d/%-7d %7d/%-7d %10d/%-9d %8s\n", name, fmt, turns[1],
                      turns[2], ns[1], ns[2], p[1], p[2], exact "/" p[1] }' "$t" "$TMP/found"
    all=$((all + $(wc -l <"$t")))
    all_exact=$((all_exact + exact))
done
echo "paragraphs exactly as expected (speaker and text): $all_exact of $all"
