#!/usr/bin/env bash
# tests/bench/web.sh: web pages in `make bench` (issue 13). Measures, never fails on a result.
#
# 1. Quality and speed on ../shared/samples/web (61 saved pages with what Firefox Reader View
#    extracts from each), when that folder is there (it is not part of a clone: the script says
#    so and goes on): sheaf builds a book of every page (wall time, peak RSS), and so does
#    Mozilla's Readability.js under Node with jsdom, in the same run; tests/bench/web_score.py
#    scores both against Reader View's output (text F1 over 4-word shingles; title, byline,
#    language, direction, site name). The npm packages @mozilla/readability and jsdom are
#    installed here, in the bench's own folder (BENCH_DIR/node), on first use; never by the
#    build or the tests.
# 2. Scaling rows (linear time) on generated hostile pages: deep nesting, one element with very
#    many attributes, a huge text node; and the issue-11 case, one raw-HTML element in
#    Markdown with 100,000 attributes. Time at n and 4n: linear is ~4x.
#
# Environment (all optional): SHEAF, SHEAF_TOOLS (as bench.sh), BENCH_SAMPLES (default
# ../shared/samples next to the repository), BENCH_DIR (default build/bench), BENCH_WEB_NODE=off
# to skip Readability.js.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
if [[ -z ${SHEAF:-} ]]; then
    if [[ -x $ROOT/sheaf ]]; then SHEAF=$ROOT/sheaf; else SHEAF=$ROOT/$BUILD/sheaf; fi
fi
SAMPLES=${BENCH_SAMPLES:-$ROOT/../shared/samples}
WEB=$SAMPLES/web
BENCH_DIR=${BENCH_DIR:-$ROOT/$BUILD/bench}

die() { echo "web bench: $*" >&2; exit 1; }
[[ -x $SHEAF ]] || die "no sheaf binary at $SHEAF: run 'make' first or set SHEAF"
if [[ -n ${SHEAF_TOOLS:-} ]]; then
    TOOLS=$SHEAF_TOOLS
else
    TOOLS=$ROOT/$BUILD/tests/tools
    make --no-print-directory -s BUILD="$BUILD" "$BUILD/tests/tools/rusage" >&2 ||
        die "can't build tests/tools/rusage"
fi
[[ -x $TOOLS/rusage ]] || die "missing $TOOLS/rusage"

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
TMP=$(mktemp -d "$BENCH_DIR/web.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$2"; }
kb_to_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# run OUTFILE COMMAND...: run under rusage; prints nothing, the report goes to OUTFILE.
run() {
    local out=$1
    shift
    "$TOOLS/rusage" -o "$out" "$@" >/dev/null 2>&1 || true
}

echo "== web pages (issue 13); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. quality and speed on Reader View's test pages -----------------------------------------
if [[ -d $WEB ]]; then
    books=$TMP/books
    mkdir -p "$books"
    # A given cover: the figures are of reading the pages, not of drawing the generated cover
    # (a 1600x2560 JPEG through librsvg, the same for every book, which alone costs more than
    # reading most pages).
    cover=(--cover "$ROOT/tests/fixtures/list/cover.png")
    pages=0 bytes=0 largest=0 wall=0 cpu=0 rss=0
    for d in "$WEB"/*/; do
        name=$(basename "$d")
        [[ -f $d/source.html ]] || continue
        pages=$((pages + 1))
        size=$(stat -c %s "$d/source.html")
        bytes=$((bytes + size))
        ((size > largest)) && largest=$size
        run "$TMP/u" "$SHEAF" build -q "${cover[@]}" "$d/source.html" -o "$books/$name.epub"
        wall=$(awk -v a="$wall" -v b="$(field wall "$TMP/u")" 'BEGIN { print a + b }')
        cpu=$(awk -v a="$cpu" -v b="$(field user "$TMP/u")" -v c="$(field sys "$TMP/u")" \
            'BEGIN { print a + b + c }')
        r=$(field maxrss_kb "$TMP/u")
        ((r > rss)) && rss=$r
    done
    # all the pages in one run, as Readability.js runs them: one book of every page (a reading
    # list; the worker threads share the pages)
    {
        echo "title: Reader View's test pages"
        echo "articles:"
        for d in "$WEB"/*/; do [[ -f $d/source.html ]] && echo "  - $d/source.html"; done
    } >"$TMP/all.yaml"
    run "$TMP/all" "$SHEAF" build -q --keep-going "${cover[@]}" "$TMP/all.yaml" -o "$TMP/all.epub"
    all_wall=$(field wall "$TMP/all")
    all_cpu=$(awk -v b="$(field user "$TMP/all")" -v c="$(field sys "$TMP/all")" 'BEGIN { print b + c }')
    all_rss=$(field maxrss_kb "$TMP/all")
    # sheaf's own floor: a book of a one-paragraph page with its address and a link on its site,
    # as most saved pages have: resolving the link opens libcurl (its URL parser), which sheaf
    # loads only when a book needs it, so that the floor holds what most pages' books hold
    printf '<html><head><title>Floor</title><link rel="canonical" href="%s"></head><body><p>%s</p></body></html>' \
        "https://example.org/floor" \
        "One paragraph of text, long enough to be an article of its own, for the floor, with <a href=\"/about\">a link</a> on its site." \
        >"$TMP/floor.html"
    run "$TMP/u" "$SHEAF" build -q "${cover[@]}" "$TMP/floor.html" -o "$TMP/floor.epub"
    floor=$(field maxrss_kb "$TMP/u")

    have_node=0
    if [[ ${BENCH_WEB_NODE:-auto} != off ]] && command -v node >/dev/null && command -v npm >/dev/null; then
        node_dir=$BENCH_DIR/node
        if [[ ! -d $node_dir/node_modules/jsdom || ! -d $node_dir/node_modules/@mozilla/readability ]]; then
            echo "   installing @mozilla/readability and jsdom into $node_dir (npm, once)"
            mkdir -p "$node_dir"
            (cd "$node_dir" && npm install --silent --no-audit --no-fund --no-save \
                @mozilla/readability jsdom >/dev/null 2>&1) || echo "   npm install failed"
        fi
        if [[ -d $node_dir/node_modules/jsdom ]]; then
            have_node=1
            NODE_PATH=$node_dir/node_modules "$TOOLS/rusage" -o "$TMP/n" node \
                "$ROOT/tests/bench/readability_run.js" "$WEB" "$TMP/readability" \
                >"$TMP/n.out" 2>/dev/null || true
            node_wall=$(field wall "$TMP/n")
            node_cpu=$(awk -v b="$(field user "$TMP/n")" -v c="$(field sys "$TMP/n")" \
                'BEGIN { print b + c }')
            node_rss=$(field maxrss_kb "$TMP/n")
            node_core=$(field parse_and_extract_s "$TMP/n.out")
            rver=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
                "$node_dir/node_modules/@mozilla/readability/package.json" | head -1)
            jver=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
                "$node_dir/node_modules/jsdom/package.json" | head -1)
        fi
    else
        echo "   Node or npm not found (or BENCH_WEB_NODE=off): no Readability.js side by side"
    fi

    if command -v python3 >/dev/null; then
        if [[ $have_node = 1 ]]; then
            python3 "$ROOT/tests/bench/web_score.py" "$WEB" "$books" "$TMP/readability" >"$TMP/score"
        else
            python3 "$ROOT/tests/bench/web_score.py" "$WEB" "$books" >"$TMP/score"
        fi
    else
        echo "   python3 not found: no quality scores"
        : >"$TMP/score"
    fi
    score() { sed -n "s/^RESULT $1 .*\\b$2=\\([^ ]*\\).*/\\1/p" "$TMP/score"; }

    echo "   $pages pages from $WEB ($(kb_to_mb $((bytes / 1024))) MB, largest $(kb_to_mb $((largest / 1024))) MB);"
    echo "   sheaf's books with a given cover (drawing the generated one is not reading pages)"
    printf '   %-26s %6s %9s %6s %6s %7s %5s %5s %5s %8s %8s %8s\n' tool F1 precision recall \
        titles bylines lang dir site "wall s" "CPU s" "peak MB"
    printf '   %-26s %6s %9s %6s %6s %7s %5s %5s %5s %8s %8s %8s\n' "sheaf (a book per page)" \
        "$(score sheaf f1)" "$(score sheaf precision)" "$(score sheaf recall)" \
        "$(score sheaf title)" "$(score sheaf byline)" "$(score sheaf lang)" \
        "$(score sheaf dir)" "$(score sheaf siteName)" "$wall" "$cpu" "$(kb_to_mb "$rss")"
    if [[ $have_node = 1 ]]; then
        printf '   %-26s %6s %9s %6s %6s %7s %5s %5s %5s %8s %8s %8s\n' \
            "Readability.js $rver" "$(score readability f1)" "$(score readability precision)" \
            "$(score readability recall)" "$(score readability title)" \
            "$(score readability byline)" "$(score readability lang)" "$(score readability dir)" \
            "$(score readability siteName)" "$node_wall" "$node_cpu" "$(kb_to_mb "$node_rss")"
        echo "   (Readability.js with jsdom $jver under Node $(node --version); its parse and extract"
        echo "    alone, without Node's start and the modules' load: $node_core s)"
        printf '   %-26s %6s %9s %6s %6s %7s %5s %5s %5s %8s %8s %8s\n' \
            "sheaf (one book, all pages)" "" "" "" "" "" "" "" "" "$all_wall" "$all_cpu" \
            "$(kb_to_mb "$all_rss")"
        awk -v s="$all_wall" -v sc="$all_cpu" -v n="$node_wall" -v nc="$node_cpu" -v c="$node_core" \
            -v ps="$wall" -v pc="$cpu" 'BEGIN {
            printf "   speed, all pages in one run each: sheaf %.1fx faster than Readability.js in wall time\n", n / s
            printf "   (%.1fx against its parse and extract alone, %.1fx in CPU time); a book per page: %.1fx\n", c / s, nc / sc, n / ps
            printf "   in wall time, %.1fx in CPU time (sheaf also writes and checks every book)\n", nc / pc }'
    fi
    awk -v r="$rss" -v f="$floor" -v l="$largest" 'BEGIN {
        printf "   memory: peak %.1f MB, %.1f MB above a one-paragraph page with a link (%.1f MB): %.1fx the largest page\n",
            r / 1024, (r - f) / 1024, f / 1024, (r - f) * 1024 / l }'
else
    echo "   $WEB not found (../shared/samples is not part of a clone): no quality scores, no"
    echo "   comparison with Readability.js; the scaling rows follow"
fi

# --- 2. scaling: hostile pages and raw HTML -------------------------------------------------------
# hostile N FILE: N/100 nested divs, one <p> with N attributes, N words in one text node.
hostile() {
    awk -v n="$1" 'BEGIN {
        printf "<html><head><title>Hostile</title></head><body><article>"
        for (i = 0; i < n / 100; i++) printf "<div>"
        printf "<p"
        for (i = 0; i < n; i++) printf " a%d=x", i
        printf ">"
        for (i = 0; i < n; i++) printf "word "
        printf "</p>"
        for (i = 0; i < 50; i++) printf "<p>Readable paragraph %d, with commas, and enough text.</p>", i
        printf "</article></body></html>\n"
    }' >"$2"
}
# rawattrs N FILE: a Markdown article with one raw-HTML element of N attributes (one a line).
rawattrs() {
    awk -v n="$1" 'BEGIN {
        printf "# Attributes\n\n<div\n"
        for (i = 0; i < n; i++) printf "a%d=\"x\"\n", i
        printf ">text</div>\n"
    }' >"$2"
}
# many N FILE: N paragraphs, each its own element with 10 attributes, in 100 sections.
many() {
    awk -v n="$1" 'BEGIN {
        printf "<html><head><title>Many</title></head><body>"
        for (i = 0; i < n; i++) {
            if (i % (n / 100) == 0) printf "<section class=\"s%d\">", i
            printf "<p class=c%d id=p%d data-a=1 data-b=2 data-c=3 data-d=4 data-e=5 data-f=6 data-g=7 data-h=8>Paragraph %d, with a comma, in a long page.</p>", i, i, i
            if (i % (n / 100) == n / 100 - 1) printf "</section>"
        }
        printf "</body></html>\n"
    }' >"$2"
}
echo "   scaling (time at n and 4n; linear is ~4x):"
printf '   %-52s %10s %10s %8s %8s\n' case "n" "4n" "t(n) s" "t(4n)/t(n)"
scale() {
    local label=$1 gen=$2 n=$3 ext=$4 t1 t4
    local cover=(--cover "$ROOT/tests/fixtures/list/cover.png")
    "$gen" "$n" "$TMP/s1.$ext"
    "$gen" $((n * 4)) "$TMP/s4.$ext"
    run "$TMP/u1" "$SHEAF" build -q "${cover[@]}" "$TMP/s1.$ext" -o "$TMP/s1.epub"
    run "$TMP/u4" "$SHEAF" build -q "${cover[@]}" "$TMP/s4.$ext" -o "$TMP/s4.epub"
    t1=$(field wall "$TMP/u1")
    t4=$(field wall "$TMP/u4")
    awk -v l="$label" -v n="$n" -v a="$t1" -v b="$t4" 'BEGIN {
        printf "   %-52s %10d %10d %8.3f %8.1fx\n", l, n, 4 * n, a, (a > 0 ? b / a : 0) }'
}
scale "hostile page: nesting, attributes, huge text" hostile 250000 html
scale "one raw-HTML element's attributes (Markdown)" rawattrs 100000 md
scale "a page of many paragraphs (extraction)" many 10000 html
