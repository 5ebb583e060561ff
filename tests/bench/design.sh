#!/usr/bin/env bash
# tests/bench/design.sh: scaling rows for issue 16's input loops (make bench). Each row builds
# an input of size n and 4n and prints both times and their ratio; a linear loop gives about
# 4x (the standard: at most ~4.5x). It measures, it never fails on a slow result.
#
#   table rows      a pipe table of n rows (cmark-gfm's table extension, the renderer)
#   wide rows       lines of n '|' each (cmark-gfm 0.29.0.gfm.6 is quadratic in the cells of
#                   a row; sheaf reads lines wider than GFM_MAX_CELLS as text)
#   series          a folder of n interviews asking the same questions (the contents page
#                   leaves out headings repeated in most articles)
#   sections        one article of n sections (chapters cut at section boundaries by size)
#   math openers    one paragraph of n unclosed '$', '\(' and '``' (a failed search for a
#                   closer is never repeated)
#   formulas        n paragraphs, each with inline and display math
#   long tokens     one paragraph of n inline code spans and links of 30 characters each
#                   (each is looked at once for a run of 24 without a space: class token)
#   pasted bullets  n '•' items, each followed by a line CommonMark takes into it (they are
#                   split out; the list was rebuilt once per item before: 5,000 took 1.2 s,
#                   20,000 15 s)
#
# Environment: SHEAF (default build/sheaf), BENCH_DIR (default build/bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
SHEAF=${SHEAF:-$PWD/build/sheaf}
BENCH_DIR=${BENCH_DIR:-$PWD/build/bench}
mkdir -p "$BENCH_DIR"
TMP=$(mktemp -d "$BENCH_DIR/design.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# seconds CMD...: wall time of CMD, best of three.
seconds() {
    local best="" t0 t1 t
    for _ in 1 2 3; do
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    done
    echo "$best"
}

# row NAME N GENERATOR: GENERATOR N PATH writes an input of size N (a file or a folder).
row() {
    local name=$1 n=$2 gen=$3 t1 t4
    rm -rf "$TMP/a.md" "$TMP/b.md"
    "$gen" "$n" "$TMP/a.md"
    "$gen" $((4 * n)) "$TMP/b.md"
    t1=$(seconds "$SHEAF" build "$TMP/a.md" -o "$TMP/a.epub")
    t4=$(seconds "$SHEAF" build "$TMP/b.md" -o "$TMP/b.epub")
    printf '%-28s n=%-8s %7ss   4n: %7ss   ratio %s\n' "$name" "$n" "$t1" "$t4" \
        "$(awk -v a="$t1" -v b="$t4" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')"
}

gen_table() {
    awk -v n="$1" 'BEGIN {
        print "# Table"; print ""; print "| Kiln | Cone | Note |"; print "|:--|--:|:-:|"
        for (i = 0; i < n; i++) printf "| kiln %d | %d | *note* %d |\n", i, i % 13, i }' >"$2"
}

gen_wide() {
    awk -v n="$1" 'BEGIN {
        print "# Wide"; print ""; print "| a |"; print "|---|"
        for (k = 0; k < 4; k++) { s = ""; for (i = 0; i < n; i++) s = s "|"; print s } }' >"$2"
}

gen_series() {
    mkdir -p "$2"
    awk -v n="$1" -v dir="$2" 'BEGIN {
        for (i = 1; i <= n; i++) {
            f = sprintf("%s/%05d.md", dir, i)
            printf "# Guest %d\n\n## Who are you?\n\nA maker, number %d.\n\n", i, i >f
            printf "## What hardware do you use?\n\nA bench.\n\n## Topic %d\n\nOwn.\n", i >f
            close(f)
        } }'
}

gen_sections() {
    awk -v n="$1" 'BEGIN {
        print "# Sections"
        for (i = 0; i < n; i++) printf "\n## Section %d\n\nA paragraph of the section %d.\n", i, i }' >"$2"
}

gen_openers() {
    awk -v n="$1" 'BEGIN { printf "# Openers\n\n"; for (i = 0; i < n; i++) printf "x $5a \\(b ``c %s", (i % 100 == 99 ? "\n" : ""); print "" }' >"$2"
}

gen_formulas() {
    awk -v n="$1" 'BEGIN { print "# Formulas"
        for (i = 0; i < n; i++) printf "\nLet $a_%d * b_%d$ and \\(x_i\\) be.\n\n$$\nx_%d^2\n$$\n", i, i, i }' >"$2"
}

gen_tokens() {
    awk -v n="$1" 'BEGIN { printf "# Tokens\n\n"
        for (i = 0; i < n; i++) printf "see `src/path/to/file-%08d.c` and <https://example.org/%08d> %s", i, i, (i % 50 == 49 ? "\n" : ""); print "" }' >"$2"
}

gen_bullets() {
    awk -v n="$1" 'BEGIN { print "A Long List\n"; for (i = 0; i < n; i++) printf "\342\200\242 item %d\nafter %d\n", i, i }' >"$2"
}

echo "== issue 16: scaling of the design passes (n and 4n, best of 3)"
row "table rows" 20000 gen_table
row "wide rows ('|' per line)" 50000 gen_wide
row "series (articles)" 500 gen_series
row "sections in one article" 20000 gen_sections
row "math openers (one paragraph)" 50000 gen_openers
row "formulas" 10000 gen_formulas
row "long tokens (one paragraph)" 5000 gen_tokens
row "pasted bullets" 10000 gen_bullets
