#!/usr/bin/env bash
# tests/bench/captions.sh: caption files in `make bench` (issue 15). Prints figures; never fails
# on a slow result (benchmarks measure, tests assert).
#
# 1. Speed: synthetic interviews (tests/tools/gencues: the same words as WebVTT, SubRip, JSON
#    and Markdown) of one hour, of BENCH_CUES_HOURS hours and of four times that are read into
#    the article model and through the passes by tests/tools/readbench (in one process, no start-up,
#    packaging or check; with mimalloc preloaded when it is installed, as the sheaf binary links
#    it): cues, size, seconds (median of BENCH_RUNS), cues per second, MB per second, and that
#    speed per byte against Markdown of the same words. Then the time at 4n against n (linear:
#    about 4x), the whole `sheaf build` of the hour-long files, and, with valgrind installed,
#    instructions per byte (callgrind: the steady measure on a shared machine).
# 2. Accuracy: for every fixture in tests/fixtures/captions with a hand-written NAME.turns, the
#    turns and paragraphs expected against those found in the book (tests/tools/turnlist).
#
# Environment (all optional): SHEAF, SHEAF_TOOLS (as bench.sh), BENCH_RUNS (default 9),
# BENCH_CUES_HOURS (default 10), BENCH_CALLGRIND=auto|off, BENCH_DIR (default build/bench).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
SHEAF=${SHEAF:-$ROOT/$BUILD/sheaf}
TOOLS=${SHEAF_TOOLS:-$ROOT/$BUILD/tests/tools}
RUNS=${BENCH_RUNS:-9}
CALLGRIND=${BENCH_CALLGRIND:-auto}
HOURS=${BENCH_CUES_HOURS:-10}
BENCH_DIR=${BENCH_DIR:-$ROOT/$BUILD/bench}
FIX=$ROOT/tests/fixtures/captions

die() { echo "bench: $*" >&2; exit 1; }
[[ -x $SHEAF ]] || die "no sheaf binary at $SHEAF: run 'make' first or set SHEAF"
for t in gencues turnlist readbench rusage; do
    [[ -x $TOOLS/$t ]] || die "missing $TOOLS/$t (make $BUILD/tests/tools/$t)"
done
mkdir -p "$BENCH_DIR"
TMP=$(mktemp -d "$BENCH_DIR/captions.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2];
        else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

MIMALLOC=$(ls /usr/lib/*/libmimalloc.so.2 2>/dev/null | head -1 || true)

# read_time FILE: median seconds of reading FILE into the model and through the passes.
read_time() {
    LD_PRELOAD=${MIMALLOC} "$TOOLS/readbench" "$1" "$RUNS" >"$TMP/rb" 2>"$TMP/err" ||
        die "readbench $1 failed: $(head -3 "$TMP/err")"
    sed -n 's/^seconds=\([0-9.]*\).*/\1/p' "$TMP/rb"
}

cues_of() {
    case $1 in
    *.vtt | *.srt) grep -c -- '-->' "$1" ;;
    *.json) grep -c '"body"' "$1" ;;
    *.md) grep -c '^\*\*' "$1" ;;
    esac
}

echo "== caption files: reading speed (reader + passes, in process, medians of $RUNS runs)"
printf '%-18s %8s %9s %9s %12s %8s %16s\n' input cues KB seconds cues/s MB/s "per byte vs md"
declare -A T
for hours in 1 "$HOURS" $((4 * HOURS)); do
    for f in md vtt srt json; do
        in=$TMP/interview-${hours}h.$f
        "$TOOLS/gencues" "$f" $((hours * 60)) >"$in"
        T[$hours,$f]=$(read_time "$in")
        T[$hours,$f,bytes]=$(stat -c %s "$in")
    done
    for f in md vtt srt json; do
        in=$TMP/interview-${hours}h.$f
        s=${T[$hours,$f]} bytes=${T[$hours,$f,bytes]} cues=$(cues_of "$in")
        awk -v name="${hours} h .$f" -v c="$cues" -v b="$bytes" -v s="$s" \
            -v mds="${T[$hours,md]}" -v mdb="${T[$hours,md,bytes]}" -v f="$f" 'BEGIN {
            rate = b / s; mdrate = mdb / mds
            printf "%-18s %8s %9.1f %9.4f %12s %8.1f %16s\n", name, (f == "md" ? "-" : c),
                   b / 1024, s, (f == "md" ? "-" : sprintf("%.0f", c / s)), rate / 1e6,
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
echo "== the whole build of the hour-long files (sheaf build, wall and peak memory)"
for f in md vtt srt json; do
    "$TOOLS/rusage" -o "$TMP/ru" "$SHEAF" build -q "$TMP/interview-1h.$f" -o "$TMP/b.epub" \
        >/dev/null 2>&1 || die "sheaf build interview-1h.$f failed"
    sed -n "s/^wall=\([^ ]*\).*maxrss_kb=\([^ ]*\).*/  .$f  \1 s, \2 KB peak/p" "$TMP/ru"
done
if [[ $CALLGRIND != off ]] && command -v valgrind >/dev/null 2>&1; then
    echo
    echo "== instructions per byte, reader + passes (callgrind; the steady measure: wall-clock"
    echo "   figures on a shared machine move by tens of percent from run to run)"
    declare -A IR
    for hours in "$HOURS" $((4 * HOURS)); do
        for f in md vtt srt json; do
            in=$TMP/interview-${hours}h.$f
            LD_PRELOAD=${MIMALLOC} valgrind --tool=callgrind --callgrind-out-file="$TMP/cg" \
                "$TOOLS/readbench" "$in" 1 >/dev/null 2>"$TMP/cgerr" || continue
            # the same process reading nothing (start-up) is taken off
            IR[$hours,$f]=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$TMP/cgerr" | tr -d ,)
        done
    done
    printf 'x\n' >"$TMP/empty.md"
    LD_PRELOAD=${MIMALLOC} valgrind --tool=callgrind --callgrind-out-file="$TMP/cg" \
        "$TOOLS/readbench" "$TMP/empty.md" 1 >/dev/null 2>"$TMP/cgerr" || true
    base=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$TMP/cgerr" | tr -d ,)
    for f in md vtt srt json; do
        awk -v f="$f" -v a="${IR[$HOURS,$f]:-0}" -v b="${IR[$((4 * HOURS)),$f]:-0}" -v z="${base:-0}" \
            -v ba="${T[$HOURS,$f,bytes]}" -v bb="${T[$((4 * HOURS)),$f,bytes]}" \
            -v mda="${IR[$HOURS,md]:-0}" -v mdba="${T[$HOURS,md,bytes]}" -v h="$HOURS" 'BEGIN {
            if (a == 0) exit
            pa = (a - z) / ba; pm = (mda - z) / mdba
            printf "  .%-5s %6.1f instructions a byte at %d h (%s Markdown per byte: %.2fx), " \
                   "4n/n %.2fx\n", f, pa, h, (f == "md" ? "=" : "vs"), pm / pa,
                   (b - z) / (a - z) }'
    done
fi

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
