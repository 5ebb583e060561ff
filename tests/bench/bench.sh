#!/usr/bin/env bash
# tests/bench/bench.sh: the benchmark behind `make bench` (issue 6). It prints figures and never
# fails on a slow result: benchmarks measure, tests assert.
#
# Builds synthetic reading lists (tests/tools/genlist: ~60 kB interview transcripts) of several
# sizes with `sheaf build --verbose` and prints, per size: input MB, wall and CPU time, MB/s of
# input, peak RSS, output size, sheaf's own per-stage times (`sheaf: time: STAGE SECONDS` lines)
# and the time of `sheaf check` on the book. When pandoc is installed it also builds the
# 100-article list with pandoc (alternating with sheaf, medians) and prints the ratio; when
# ../shared/samples exists (next to the repository) it does the same for the real samples there.
#
# Environment (all optional):
#   SHEAF=PATH             the sheaf binary (default: ./sheaf, else build/sheaf)
#   SHEAF_TOOLS=DIR        where genlist and rusage are built (default: built here with make)
#   BENCH_SIZES="10 100"   article counts (default "10 100 1000 2000")
#   BENCH_RUNS=N           runs per size, medians reported (default 3)
#   BENCH_MODE=auto|list|files   give sheaf the list file or the article files (default auto:
#                          the list when sheaf reads it, else the files)
#   BENCH_PANDOC=auto|off  compare with pandoc when installed (default auto)
#   BENCH_PANDOC_RUNS=N    pandoc runs, alternating with sheaf runs (default 3)
#   BENCH_SAMPLES=DIR      real inputs (default ../shared/samples next to the repository)
#   BENCH_DIR=DIR          scratch space for the corpus and books (default build/bench)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
if [[ -z ${SHEAF:-} ]]; then
    if [[ -x $ROOT/sheaf ]]; then SHEAF=$ROOT/sheaf; else SHEAF=$ROOT/$BUILD/sheaf; fi
fi
BENCH_SIZES=${BENCH_SIZES:-"10 100 1000 2000"}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_MODE=${BENCH_MODE:-auto}
BENCH_PANDOC=${BENCH_PANDOC:-auto}
BENCH_PANDOC_RUNS=${BENCH_PANDOC_RUNS:-3}
SAMPLES=${BENCH_SAMPLES:-$ROOT/../shared/samples}
BENCH_DIR=${BENCH_DIR:-$ROOT/$BUILD/bench}

die() { echo "bench: $*" >&2; exit 1; }

[[ -x $SHEAF ]] || die "no sheaf binary at $SHEAF: run 'make' first or set SHEAF"

# Helper programs: genlist (the corpus) and rusage (wall/CPU/peak RSS of a child process).
if [[ -n ${SHEAF_TOOLS:-} ]]; then
    TOOLS=$SHEAF_TOOLS
else
    TOOLS=$ROOT/$BUILD/tests/tools
    make --no-print-directory -s BUILD="$BUILD" "$BUILD/tests/tools/genlist" \
        "$BUILD/tests/tools/rusage" >&2 || die "can't build tests/tools/genlist and rusage"
fi
for t in genlist rusage; do
    [[ -x $TOOLS/$t ]] || die "missing $TOOLS/$t (build it with make, or set SHEAF_TOOLS)"
done

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
TMP=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

have_pandoc=0
if [[ $BENCH_PANDOC != off ]] && command -v pandoc >/dev/null 2>&1; then
    have_pandoc=1
fi

# --- helpers ---------------------------------------------------------------------------------

# median NUMBER...: the median (mean of the middle two for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 }
        END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2];
              else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# field NAME FILE: a value from an rusage report line (wall=... user=... ...).
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$2"; }

# bytes FILE...: total size in bytes.
bytes() { stat -c %s -- "$@" | awk '{ s += $1 } END { print s + 0 }'; }

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# Results, by row label: values of each measured figure (medians), and the stage names seen.
declare -A R
declare -a ROWS=() STAGES=()
add_stage() {
    local s
    for s in "${STAGES[@]}"; do [[ $s == "$1" ]] && return 0; done
    STAGES+=("$1")
}

# sheaf_run LABEL OUT.epub INPUT...: one measured build; appends figures to lists in R.
sheaf_run() {
    local label=$1 out=$2
    shift 2
    local ru=$TMP/ru.txt err=$TMP/err.txt st=0
    "$TOOLS/rusage" -o "$ru" "$SHEAF" build --verbose "$@" -o "$out" 2>"$err" >/dev/null ||
        st=$?
    if [[ $st -ne 0 || ! -s $out ]]; then
        R[$label,failed]="sheaf build exited with status $st: $(grep -m3 -v '^sheaf: time:' "$err" |
            tr '\n' ' ')"
        return 1
    fi
    R[$label,wall]+=" $(field wall "$ru")"
    R[$label,cpu]+=" $(awk -v u="$(field user "$ru")" -v s="$(field sys "$ru")" \
        'BEGIN { printf "%.3f", u + s }')"
    R[$label,rss]+=" $(field maxrss_kb "$ru")"
    R[$label,out]=$(bytes "$out")
    local stage secs
    while read -r stage secs; do
        add_stage "$stage"
        R[$label,stage,$stage]+=" $secs"
    done < <(sed -n 's/^sheaf: time: \([A-Za-z_-]*\) \([0-9.]*\).*/\1 \2/p' "$err")
    return 0
}

# check_run LABEL BOOK.epub: time `sheaf check` on the book.
check_run() {
    local ru=$TMP/ru-check.txt st=0
    "$TOOLS/rusage" -o "$ru" "$SHEAF" check "$2" >"$TMP/check.txt" 2>&1 || st=$?
    R[$1,check]+=" $(field wall "$ru")"
    [[ $st -eq 0 ]] || R[$1,checknote]="sheaf check exited with status $st"
}

# pandoc_run LABEL DIR OUT.epub FILE...: one measured pandoc build, run inside DIR so that
# relative image paths resolve as they do for sheaf.
pandoc_run() {
    local label=$1 dir=$2 out=$3
    shift 3
    local ru=$TMP/ru-pandoc.txt st=0
    (cd "$dir" && "$TOOLS/rusage" -o "$ru" pandoc -f markdown -t epub3 -o "$out" "$@") \
        >/dev/null 2>"$TMP/pandoc-err.txt" || st=$?
    if [[ $st -ne 0 ]]; then
        R[$label,failed]="pandoc exited with status $st: $(head -3 "$TMP/pandoc-err.txt" |
            tr '\n' ' ')"
        return 1
    fi
    R[$label,wall]+=" $(field wall "$ru")"
    R[$label,cpu]+=" $(awk -v u="$(field user "$ru")" -v s="$(field sys "$ru")" \
        'BEGIN { printf "%.3f", u + s }')"
    R[$label,rss]+=" $(field maxrss_kb "$ru")"
    R[$label,out]=$(bytes "$out")
}

# --- the corpus ------------------------------------------------------------------------------

max=0
for n in $BENCH_SIZES; do
    [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || die "BENCH_SIZES must hold positive numbers, got '$n'"
    ((n > max)) && max=$n
done
((have_pandoc && max < 100)) && max=100
CORPUS=$BENCH_DIR/corpus
# genlist is deterministic and fast (~1 s for 2,000 articles): regenerate every time so the
# corpus always matches the generator.
rm -rf "$CORPUS"
"$TOOLS/genlist" "$max" "$CORPUS" || die "genlist failed"
mapfile -t ALL < <(cd "$CORPUS" && printf '%s\n' a*.md)
IMAGES=("$CORPUS"/images/*.png)

# list_for N: write list-N.yaml (the first N articles) next to the articles; print its path.
list_for() {
    local f=$CORPUS/list-$1.yaml
    { sed '/^articles:/q' "$CORPUS/list.yaml"; printf '  - %s\n' "${ALL[@]:0:$1}"; } >"$f"
    echo "$f"
}

mode=$BENCH_MODE
if [[ $mode == auto ]]; then
    if "$SHEAF" build -q "$(list_for 1)" -o "$TMP/probe.epub" >/dev/null 2>&1; then
        mode=list
    else
        mode=files
    fi
fi
[[ $mode == list || $mode == files ]] || die "BENCH_MODE must be auto, list or files"

# inputs_for N: the arguments that give sheaf the first N articles.
inputs_for() {
    if [[ $mode == list ]]; then
        list_for "$1"
    else
        printf '%s\n' "${ALL[@]:0:$1}" | sed "s|^|$CORPUS/|"
    fi
}

# --- synthetic lists -------------------------------------------------------------------------

echo "sheaf benchmark: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1),"\
     "$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
echo "sheaf: $("$SHEAF" --version 2>&1 | head -1) ($SHEAF)"
echo "input: genlist corpus (~60 kB transcripts + 6 small PNGs), given to sheaf as" \
     "$([[ $mode == list ]] && echo "a reading list (list-N.yaml)" || echo "files on the command line")"
echo "runs: $BENCH_RUNS per size, medians"
echo

for n in $BENCH_SIZES; do
    label="$n articles"
    ROWS+=("$label")
    mapfile -t args < <(inputs_for "$n")
    files=()
    for f in "${ALL[@]:0:$n}"; do files+=("$CORPUS/$f"); done
    R[$label,in]=$(( $(bytes "${files[@]}") + $(bytes "${IMAGES[@]}") ))
    book=$BENCH_DIR/list-$n.epub
    printf 'bench: %s ...' "$label" >&2
    for ((i = 0; i < BENCH_RUNS; i++)); do
        sheaf_run "$label" "$book" "${args[@]}" || break
    done
    [[ -z ${R[$label,failed]:-} ]] && check_run "$label" "$book"
    echo " done" >&2
done

# --- real samples ----------------------------------------------------------------------------

samples_note=""
sample_files=()
if [[ -d $SAMPLES ]]; then
    mapfile -t sample_files < <(find "$SAMPLES" -type f \( -name '*.md' -o -name '*.txt' \) \
        ! -name 'README*' | sort)
fi
if ((${#sample_files[@]})); then
    label="samples (${#sample_files[@]} files)"
    ROWS+=("$label")
    R[$label,in]=$(bytes "${sample_files[@]}")
    printf 'bench: %s ...' "$label" >&2
    for ((i = 0; i < BENCH_RUNS; i++)); do
        sheaf_run "$label" "$BENCH_DIR/samples.epub" "${sample_files[@]}" || break
    done
    [[ -z ${R[$label,failed]:-} ]] && check_run "$label" "$BENCH_DIR/samples.epub"
    echo " done" >&2
else
    samples_note="real samples: $SAMPLES is absent, no figures for real transcripts"
fi

# --- pandoc, side by side --------------------------------------------------------------------

# compare LABEL DIR N_RUNS FILE...: alternate sheaf and pandoc runs on the same files.
declare -a COMPARED=()
compare() {
    local label=$1 dir=$2 runs=$3
    shift 3
    local s="sheaf: $label" p="pandoc: $label" i
    printf 'bench: pandoc vs sheaf on %s ...' "$label" >&2
    for ((i = 0; i < runs; i++)); do
        sheaf_run "$s" "$BENCH_DIR/cmp-sheaf.epub" "$@" || true
        pandoc_run "$p" "$dir" "$BENCH_DIR/cmp-pandoc.epub" "$@" || true
    done
    echo " done" >&2
    COMPARED+=("$label")
}
if ((have_pandoc)); then
    files=()
    for f in "${ALL[@]:0:100}"; do files+=("$CORPUS/$f"); done
    compare "100 articles" "$CORPUS" "$BENCH_PANDOC_RUNS" "${files[@]}"
    if ((${#sample_files[@]})); then
        compare "samples" "$SAMPLES" "$BENCH_PANDOC_RUNS" "${sample_files[@]}"
    fi
fi

# --- the table -------------------------------------------------------------------------------

# fig LABEL KEY: the median of a figure, or "-".
fig() {
    local v=${R[$1,$2]:-}
    [[ -n $v ]] || { echo "-"; return; }
    # shellcheck disable=SC2086
    median $v
}

printf '%-20s %8s %8s %8s %8s %9s %7s %8s' "" "input" "wall" "cpu" "MB/s" "peak RSS" \
    "RSS/in" "output"
for s in "${STAGES[@]}"; do printf ' %8s' "$s"; done
printf ' %9s\n' "sheaf"
printf '%-20s %8s %8s %8s %8s %9s %7s %8s' "" "MB" "s" "s" "" "MB" "" "MB"
for s in "${STAGES[@]}"; do printf ' %8s' "s"; done
printf ' %9s\n' "check, s"
for label in "${ROWS[@]}"; do
    printf '%-20s' "$label"
    if [[ -n ${R[$label,failed]:-} ]]; then
        printf ' FAILED: %s\n' "${R[$label,failed]}"
        continue
    fi
    in=${R[$label,in]}
    wall=$(fig "$label" wall)
    cpu=$(fig "$label" cpu)
    rss=$(fig "$label" rss)
    awk -v i="$in" -v w="$wall" -v c="$cpu" -v r="$rss" -v o="${R[$label,out]}" 'BEGIN {
        printf " %8.1f %8.3f %8.3f %8.1f %9.1f %7.2f %8.1f", i / 1e6, w, c,
               (w > 0 ? i / 1e6 / w : 0), r / 1024, (i > 0 ? r * 1024 / i : 0), o / 1e6 }'
    for s in "${STAGES[@]}"; do printf ' %8s' "$(fig "$label" "stage,$s")"; done
    printf ' %9s' "$(fig "$label" check)"
    [[ -n ${R[$label,checknote]:-} ]] && printf '  (%s)' "${R[$label,checknote]}"
    printf '\n'
done
[[ -n $samples_note ]] && echo "$samples_note"
echo "(wall, cpu, peak RSS: the whole 'sheaf build' process; stage columns: its --verbose" \
     "times; sheaf check: 'sheaf check' on the book built)"

if ((have_pandoc)); then
    echo
    echo "pandoc side by side: $(pandoc --version | head -1), one process per build," \
         "$BENCH_PANDOC_RUNS runs each, alternating, medians"
    printf '%-24s %9s %9s %10s %9s\n' "" "wall s" "cpu s" "peak RSS" "output"
    for label in "${COMPARED[@]}"; do
        for who in sheaf pandoc; do
            l="$who: $label"
            if [[ -n ${R[$l,failed]:-} ]]; then
                printf '%-24s FAILED: %s\n' "$l" "${R[$l,failed]}"
                continue
            fi
            awk -v l="$l" -v w="$(fig "$l" wall)" -v c="$(fig "$l" cpu)" -v r="$(fig "$l" rss)" \
                -v o="${R[$l,out]:-0}" 'BEGIN {
                printf "%-24s %9.3f %9.3f %7.1f MB %6.1f MB\n", l, w, c, r / 1024, o / 1e6 }'
        done
        s="sheaf: $label" p="pandoc: $label"
        if [[ -z ${R[$s,failed]:-} && -z ${R[$p,failed]:-} ]]; then
            awk -v l="$label" -v sw="$(fig "$s" wall)" -v pw="$(fig "$p" wall)" \
                -v sr="$(fig "$s" rss)" -v pr="$(fig "$p" rss)" 'BEGIN {
                printf "%-24s sheaf is %.0fx faster (wall), uses %.1fx less memory\n", l,
                       (sw > 0 ? pw / sw : 0), (sr > 0 ? pr / sr : 0) }'
        fi
    done
elif [[ $BENCH_PANDOC == off ]]; then
    echo
    echo "pandoc: skipped (BENCH_PANDOC=off): no side-by-side figures"
else
    echo
    echo "pandoc: not installed: no side-by-side figures"
fi

# --- issue 6 targets, as figures -------------------------------------------------------------

big=""
small=""
for n in $BENCH_SIZES; do
    [[ -z ${R[$n articles,failed]:-} ]] || continue
    [[ $n -eq 2000 ]] && big="2000 articles"
    [[ $n -eq 100 ]] && small="100 articles"
done
echo
echo "issue 6 targets:"
if [[ -n $big ]]; then
    awk -v w="$(fig "$big" wall)" -v r="$(fig "$big" rss)" -v i="${R[$big,in]}" \
        -v c="$(fig "$big" check)" 'BEGIN {
        printf "  2000 articles: wall %.2f s (target < 5 s); peak RSS %.2fx input (target < 1.5x);" \
               " sheaf check %.2f s (target < 1 s)\n", w, r * 1024 / i, c }'
else
    echo "  2000 articles: not measured (BENCH_SIZES=\"$BENCH_SIZES\")"
fi
if [[ -n $big && -n $small ]]; then
    awk -v wb="$(fig "$big" wall)" -v ib="${R[$big,in]}" -v ws="$(fig "$small" wall)" \
        -v is="${R[$small,in]}" 'BEGIN {
        b = ib / wb; s = is / ws
        printf "  linearity: %.1f MB/s at 2000 vs %.1f MB/s at 100: %+.0f%% (target within 20%%)\n",
               b / 1e6, s / 1e6, (b / s - 1) * 100 }'
fi
s="sheaf: 100 articles" p="pandoc: 100 articles"
if ((have_pandoc)) && [[ -z ${R[$s,failed]:-} && -z ${R[$p,failed]:-} ]]; then
    awk -v sw="$(fig "$s" wall)" -v pw="$(fig "$p" wall)" \
        'BEGIN { printf "  pandoc on 100 articles: sheaf %.0fx faster (target >= 100x)\n",
                 (sw > 0 ? pw / sw : 0) }'
fi
