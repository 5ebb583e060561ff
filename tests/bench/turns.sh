#!/usr/bin/env bash
# tests/bench/turns.sh: how well sheaf finds speaker turns, on the project's transcript fixtures
# of every shape (issue 12). It prints figures and never fails on a poor result: tests assert.
#
# For every fixture that has an annotation next to it (FIXTURE.turns: the speaker of each turn
# a reader sees, one a line, in order, written by hand from the fixture's text; '#' lines are
# comments, "# shape: TEXT" names what the fixture shows), it builds the fixture and compares the names of the book's turns with the
# annotation, line by line (a longest common subsequence, by diff):
#   expected  turns in the annotation
#   right     turns found with the right name, in order
#   missed    annotated turns not found (or found under another name)
#   invented  turns found that the annotation does not have (or with a wrong name)
#
# When ../shared/samples/changelog (next to the repository) holds real transcripts written
# **Full Name:** text, it also rewrites each of them into other shapes (Rev, Otter, "Name:
# 00:00:07", labels alone, plain labels, typed without blank lines) and measures the same on
# those; their annotation is the original's bold labels (break markers left out).
#
# Then the scaling row for label detection (issue 11): an article of n distinct labels
# "SpeakerN: text" (each once: no turns; each twice: 2n turns) built at n and 4n, CPU time
# (user + sys) and the parse stage of `sheaf build --verbose` (where the passes run), medians of
# TURNS_RUNS runs, and the ratio 4n / n (linear: about 4; the target is at most ~4.5).
#
# Environment (all optional):
#   SHEAF=PATH          the sheaf binary (default: ./sheaf, else build/sheaf)
#   SHEAF_TOOLS=DIR     where rusage is built (default: built here with make)
#   TURNS_SCALE_N=N     n of the scaling row (default 25000)
#   TURNS_RUNS=N        runs per size for the scaling row (default 3)
#   TURNS_SAMPLES=DIR   real transcripts (default ../shared/samples/changelog)
#   BENCH_DIR=DIR       scratch space (default build/bench)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
if [[ -z ${SHEAF:-} ]]; then
    if [[ -x $ROOT/sheaf ]]; then SHEAF=$ROOT/sheaf; else SHEAF=$ROOT/$BUILD/sheaf; fi
fi
SAMPLES=${TURNS_SAMPLES:-$ROOT/../shared/samples/changelog}
BENCH_DIR=${BENCH_DIR:-$ROOT/$BUILD/bench}
export SOURCE_DATE_EPOCH=1700000000

die() { echo "turns: $*" >&2; exit 1; }
[[ -x $SHEAF ]] || die "no sheaf binary at $SHEAF: run 'make' first or set SHEAF"
if [[ -n ${SHEAF_TOOLS:-} ]]; then
    TOOLS=$SHEAF_TOOLS
else
    TOOLS=$ROOT/$BUILD/tests/tools
    make --no-print-directory -s BUILD="$BUILD" "$BUILD/tests/tools/rusage" >&2 ||
        die "can't build tests/tools/rusage"
fi
[[ -x $TOOLS/rusage ]] || die "missing $TOOLS/rusage (build it with make, or set SHEAF_TOOLS)"
SCALE_N=${TURNS_SCALE_N:-25000}
RUNS=${TURNS_RUNS:-3}
command -v xmllint >/dev/null || die "needs xmllint (Debian package libxml2-utils)"

mkdir -p "$BENCH_DIR"
TMP=$(mktemp -d "$BENCH_DIR/turns.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The speaker names of a book's turns, in reading order, one a line (typographic apostrophes
# written as ASCII ones, as annotations are typed).
book_speakers() {
    local book=$1 doc
    for doc in $(unzip -Z1 "$book" | grep '/text/.*\.xhtml$' | sort); do
        unzip -p "$book" "$doc" |
            xmllint --xpath '//*[local-name()="span" and @class="speaker"]/text()' - 2>/dev/null ||
            true
        echo
    done | sed -e "s/\xe2\x80\x99/'/g" -e '/^$/d'
}

# The expected speakers of an annotation file.
annotation() {
    sed -e '/^#/d' -e '/^[[:space:]]*$/d' -e "s/\xe2\x80\x99/'/g" "$1"
}

total_e=0 total_r=0 total_m=0 total_i=0

# counts INPUT EXPECTED-FILE [sheaf options...]: "EXPECTED RIGHT FOUND" for one build.
counts() {
    local input=$1 expected=$2 got=$TMP/got.txt book=$TMP/book.epub e r
    shift 2
    rm -f "$book"
    e=$(wc -l <"$expected")
    if ! "$SHEAF" build "$@" "$input" -o "$book" >/dev/null 2>"$TMP/err.txt"; then
        echo "turns: build of $input failed: $(head -c 300 "$TMP/err.txt")" >&2
        echo "$e 0 0"
        return
    fi
    book_speakers "$book" >"$got"
    # lines both lists share, in order: those diff leaves unmarked
    r=$(diff --unchanged-line-format='=%L' --old-line-format='' --new-line-format='' \
        "$expected" "$got" | grep -c '^=' || true)
    echo "$e $r $(wc -l <"$got")"
}

# row NAME EXPECTED RIGHT FOUND: print one row of a table and add it to the totals.
row() {
    local m=$(($2 - $3)) i=$(($4 - $3))
    printf '| %-48s | %8d | %5d | %6d | %8d |\n' "$1" "$2" "$3" "$m" "$i"
    total_e=$((total_e + $2)) total_r=$((total_r + $3)) total_m=$((total_m + m))
    total_i=$((total_i + i))
}

header() {
    printf '| %-48s | %8s | %5s | %6s | %8s |\n' "$1" expected right missed invented
    printf '| %-48s | %8s | %5s | %6s | %8s |\n' "---" "---:" "---:" "---:" "---:"
}

totals() {
    local pct="-"
    ((total_e > 0)) && pct=$(awk -v r="$total_r" -v e="$total_e" 'BEGIN{printf "%.1f%%", 100*r/e}')
    printf '| %-48s | %8d | %5d | %6d | %8d |\n' "**all** ($pct right)" "$total_e" "$total_r" \
        "$total_m" "$total_i"
    total_e=0 total_r=0 total_m=0 total_i=0
}

echo "== speaker turns: the project's transcript fixtures (annotated by hand)"
header "fixture: shape"
for ann in tests/fixtures/shapes/*.turns tests/fixtures/interview/*.turns; do
    [[ -e $ann ]] || continue
    base=${ann%.turns}
    input=$(ls "$base".md "$base".txt 2>/dev/null | head -n 1 || true)
    [[ -n $input ]] || continue
    annotation "$ann" >"$TMP/expected.txt"
    shape=$(sed -n 's/^# shape: //p' "$ann" | head -n 1)
    read -r e r f < <(counts "$input" "$TMP/expected.txt")
    row "$(basename "$input")${shape:+: $shape}" "$e" "$r" "$f"
done
totals

# median NUMBER...
median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 }
        END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# scale_run N TIMES: median CPU seconds and parse-stage seconds of building n distinct labels,
# each written TIMES times.
scale_run() {
    local n=$1 times=$2 cpu=() parse=() k
    awk -v n="$n" -v t="$times" 'BEGIN { for (i = 0; i < n; i++) for (j = 0; j < t; j++)
        printf "Speaker%d: words, take %d.\n\n", i, j }' >"$TMP/labels.md"
    for ((k = 0; k < RUNS; k++)); do
        "$TOOLS/rusage" -o "$TMP/ru.txt" "$SHEAF" build --verbose "$TMP/labels.md" \
            -o "$TMP/labels.epub" >/dev/null 2>"$TMP/err.txt" || die "build of $n labels failed"
        cpu+=("$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
            END { printf "%.3f", v["user"] + v["sys"] }' "$TMP/ru.txt")")
        parse+=("$(sed -n 's/^sheaf: time: parse \([0-9.]*\).*/\1/p' "$TMP/err.txt")")
    done
    echo "$(median "${cpu[@]}") $(median "${parse[@]}")"
}

echo
echo "== label detection scaling: n distinct labels \"SpeakerN: text\" ($RUNS runs, medians)"
printf '| %-22s | %9s | %9s | %9s | %9s | %11s | %13s |\n' article "n CPU s" "4n CPU s" \
    "n parse s" "4n parse s" "CPU 4n / n" "parse 4n / n"
printf '| %-22s | %9s | %9s | %9s | %9s | %11s | %13s |\n' --- ---: ---: ---: ---: ---: ---:
for times in 1 2; do
    read -r c1 p1 < <(scale_run "$SCALE_N" "$times")
    read -r c4 p4 < <(scale_run $((4 * SCALE_N)) "$times")
    label="each label once"
    ((times == 2)) && label="each label twice"
    printf '| %-22s | %9s | %9s | %9s | %9s | %10sx | %12sx |\n' "$label" "$c1" "$c4" "$p1" "$p4" \
        "$(awk -v a="$c4" -v b="$c1" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="$p4" -v b="$p1" 'BEGIN { printf "%.2f", a / b }')"
done
echo "(n = $SCALE_N; 4n = $((4 * SCALE_N)))"

[[ -d $SAMPLES ]] || exit 0

# The real transcripts rewritten into other shapes. Each turn of the original is one
# paragraph "**Full Name:** speech"; break markers (**Break:** [12:40] and the like) and
# other paragraphs are kept as they are.
reshape() {
    local shape=$1
    awk -v shape="$shape" '
    function ts(n) { return sprintf("%02d:%02d:%02d", int(n / 3600), int(n / 60) % 60, n % 60) }
    function mmss(n) {
        if (n >= 3600) return sprintf("%d:%02d:%02d", int(n / 3600), int(n / 60) % 60, n % 60)
        return sprintf("%d:%02d", int(n / 60), n % 60)
    }
    /^\*\*[^*:]+:\*\* / && $0 !~ /^\*\*(Break|Jingle|Outro|Intro|Song|Zelda track|Bette Midler Song):/ {
        name = $0; sub(/^\*\*/, "", name); sub(/:\*\*.*/, "", name)
        speech = $0; sub(/^\*\*[^*]*:\*\* /, "", speech)
        t += 17
        if (shape == "rev") { print name " (" ts(t) "):"; print speech; print ""; next }
        if (shape == "otter") { print name "  " mmss(t); print speech; print ""; next }
        if (shape == "name-time") { print name ": " ts(t); print ""; print speech; print ""; next }
        if (shape == "alone") { print name ":"; print speech; print ""; next }
        if (shape == "plain") { print name ": " speech; print ""; next }
        if (shape == "typed") { print name ": " speech; next }
    }
    /^$/ && shape == "typed" { next }
    { print }' "$2"
}

echo
echo "== speaker turns: real transcripts (../shared/samples/changelog) rewritten in other shapes"
header "shape"
for shape in rev otter name-time alone plain typed; do
    : >"$TMP/all-expected.txt"
    n=0
    for f in "$SAMPLES"/*.md; do
        reshape "$shape" "$f" >"$TMP/in-$n.md"
        grep -E '^\*\*[^*:]+:\*\* ' "$f" |
            grep -Ev '^\*\*(Break|Jingle|Outro|Intro|Song|Zelda track|Bette Midler Song):' |
            sed -e 's/^\*\*//' -e 's/:\*\*.*//' -e "s/\xe2\x80\x99/'/g" >"$TMP/exp-$n.txt"
        n=$((n + 1))
    done
    # one row per shape: every transcript built and compared, the figures added up
    se=0 sr=0 sf=0
    for ((k = 0; k < n; k++)); do
        read -r e r f < <(counts "$TMP/in-$k.md" "$TMP/exp-$k.txt")
        se=$((se + e)) sr=$((sr + r)) sf=$((sf + f))
    done
    row "$shape ($n files)" "$se" "$sr" "$sf"
done
totals
