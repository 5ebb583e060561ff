#!/usr/bin/env bash
# tests/bench/suite-agreement.sh: how often `sheaf check` and Debian's epubcheck agree with the
# verdicts that epubcheck's own EPUB 3 test suite expects (../shared/samples/epubcheck-suite:
# 268 packed publications and expected.tsv, written from the suite's feature files).
#
# Two figures per checker:
#   error-or-not  the book is reported with an error (or fatal error) exactly when the suite
#                 expects ERROR or FATAL (VALID and WARNING books must pass)
#   exact IDs     the distinct message IDs reported (fatal, error, warning; an info only when the
#                 suite expects that ID) are the distinct IDs the suite expects
# and the number of VALID books each one rejects. It measures; it never fails on a low figure.
# Without ../shared (a user's clone) it says so and exits 0.
#
# epubcheck runs once over the whole suite in one JVM (tests/EpubcheckBatch.java, ~20 s); its
# output is cached in $SHEAF_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/sheaf) under a key made
# of the jar's, the books' and the batch program's checksums, so it is measured for real once per
# epubcheck and suite, then reused. SUITE_EPUBCHECK_FRESH=1 ignores the cache.
#
# Environment: SHEAF (the binary), SUITE_DIR (default ../shared/samples/epubcheck-suite),
# EPUBCHECK_JAR, SUITE_VERBOSE=1 (list every error-or-not disagreement), SUITE_VERBOSE=2 (also the
# books whose IDs differ).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
if [[ -z ${SHEAF:-} ]]; then
    if [[ -x $ROOT/sheaf ]]; then SHEAF=$ROOT/sheaf; else SHEAF=$ROOT/build/sheaf; fi
fi
suite=${SUITE_DIR:-$ROOT/../shared/samples/epubcheck-suite}
if [[ ! -r $suite/expected.tsv ]]; then
    echo "suite agreement: skipped ($suite/expected.tsv not found; it lives in ../shared)"
    exit 0
fi
jar=${EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expected: FILE VERDICT IDS... (IDs space-separated, possibly none)
awk -F'\t' 'NF >= 2 {print $1 "\t" $2 "\t" $3}' "$suite/expected.tsv" >"$work/expected"
n_books=$(wc -l <"$work/expected")

# sheaf's findings: "FILE SEV ID" lines, and "FILE STATUS" verdicts
: >"$work/sheaf.msgs"
: >"$work/sheaf.status"
t0=$(date +%s.%N)
while IFS=$'\t' read -r f _ _; do
    s=0
    out=$("$SHEAF" check "$suite/$f" 2>&1) || s=$?
    printf '%s\t%s\n' "$f" "$s" >>"$work/sheaf.status"
    sed -n 's/.*: \(fatal\|error\|warning\|info\): \[\([A-Z0-9]*-[0-9a-z]*\)\].*/\1 \2/p' <<<"$out" |
        awk -v f="$f" '{print f "\t" toupper($1) "\t" $2}' >>"$work/sheaf.msgs"
done <"$work/expected"
t1=$(date +%s.%N)

# epubcheck's findings, from the cache when it holds this jar's verdicts on these books
ec_out=""
if [[ -r $jar ]] && command -v java >/dev/null; then
    cache=${SHEAF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sheaf}
    key=$( (sha256sum "$jar" tests/EpubcheckBatch.java; cd "$suite" && sha256sum ./*.epub) |
        awk '{print $1}' | sha256sum | cut -c1-16)
    ec_out=$cache/suite-epubcheck-$key.out
    if [[ ${SUITE_EPUBCHECK_FRESH:-} = 1 || ! -s $ec_out ]]; then
        mkdir -p "$cache"
        echo "suite agreement: running epubcheck over the suite once (cached in $ec_out)"
        books=()
        while IFS=$'\t' read -r f _ _; do books+=("$suite/$f"); done <"$work/expected"
        e0=$(date +%s.%N)
        EPUBCHECK_INFO=1 EPUBCHECK_TIMEOUT=120 java -Xss4m -cp "$jar" tests/EpubcheckBatch.java \
            "${books[@]}" >"$ec_out.tmp" 2>/dev/null || true
        e1=$(date +%s.%N)
        awk -v a="$e0" -v b="$e1" 'BEGIN {printf "# seconds %.1f\n", b - a}' >>"$ec_out.tmp"
        mv "$ec_out.tmp" "$ec_out"
    fi
    # "FILE SEV ID" and "FILE STATUS" (1 when fatal or error) from the batch output
    awk -v d="$suite/" '$1 == "MSG" {f = $2; sub("^" d, "", f); print f "\t" $3 "\t" $4}' \
        "$ec_out" >"$work/ec.msgs"
    awk -v d="$suite/" '$1 == "RESULT" {f = $2; sub("^" d, "", f);
        print f "\t" (($3 == "fatal=0" && $4 == "error=0") ? 0 : 1)}' "$ec_out" >"$work/ec.status"
fi

# score CHECKER-NAME MSGS STATUS: prints "agree exact rejected_valid" and, with SUITE_VERBOSE,
# the disagreements
score() {
    awk -F'\t' -v name="$1" -v verbose="${SUITE_VERBOSE:-}" '
        FILENAME == ARGV[1] { verdict[$1] = $2; want[$1] = $3; order[++n] = $1; next }
        FILENAME == ARGV[2] { sev[$1 SUBSEP $3] = sev[$1 SUBSEP $3] " " $2; got_ids[$1] = got_ids[$1] " " $3; next }
        FILENAME == ARGV[3] { status[$1] = $2; next }
        END {
            agree = exact = rej = 0
            for (i = 1; i <= n; i++) {
                f = order[i]
                exp_err = verdict[f] == "ERROR" || verdict[f] == "FATAL"
                if (!(f in status)) { if (verbose) print "  " name " NO RESULT " f > "/dev/stderr"; continue }
                got_err = status[f] != 0
                if (exp_err == got_err) agree++
                else if (verbose) printf "  %s %s: expected %s [%s], got%s\n", name, f, verdict[f], want[f], got_ids[f] > "/dev/stderr"
                if (!exp_err && got_err && verdict[f] == "VALID") rej++
                # the expected and reported ID sets
                delete e; delete g
                m = split(want[f], w, " ")
                for (k = 1; k <= m; k++) e[w[k]] = 1
                m = split(got_ids[f], w, " ")
                for (k = 1; k <= m; k++) {
                    s = sev[f SUBSEP w[k]]
                    if (s ~ /FATAL|ERROR|WARNING/ || (w[k] in e)) g[w[k]] = 1
                }
                same = 1
                for (k in e) if (!(k in g)) same = 0
                for (k in g) if (!(k in e)) same = 0
                if (same) exact++
                else if (verbose == 2) {
                    gs = ""
                    for (k in g) gs = gs " " k
                    printf "  %s %s: exact IDs: expected [%s], got%s\n", name, f, want[f], gs > "/dev/stderr"
                }
            }
            print agree, exact, rej
        }' "$work/expected" "$2" "$3"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%d/%d %5.1f%%", a, b, b ? 100 * a / b : 0}'; }

read -r s_agree s_exact s_rej < <(score sheaf "$work/sheaf.msgs" "$work/sheaf.status")
s_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
n_valid=$(awk -F'\t' '$2 == "VALID"' "$work/expected" | wc -l)
echo "Agreement with the expected verdicts of epubcheck's EPUB 3 suite ($n_books publications):"
printf '  %-18s %-20s %-20s %-22s %s\n' CHECKER ERROR-OR-NOT "EXACT IDS" "VALID BOOKS REJECTED" TIME
printf '  %-18s %-20s %-20s %-22s %s\n' "sheaf check" "$(pct "$s_agree" "$n_books")" \
    "$(pct "$s_exact" "$n_books")" "$s_rej of $n_valid" "${s_secs} s"
if [[ -n $ec_out ]]; then
    read -r e_agree e_exact e_rej < <(score epubcheck "$work/ec.msgs" "$work/ec.status")
    e_secs=$(sed -n 's/^# seconds //p' "$ec_out")
    ver=$(unzip -p "$jar" META-INF/MANIFEST.MF 2>/dev/null | sed -n 's/^Implementation-Version: *//p' | tr -d '\r')
    printf '  %-18s %-20s %-20s %-22s %s\n' "epubcheck ${ver:-?}" "$(pct "$e_agree" "$n_books")" \
        "$(pct "$e_exact" "$n_books")" "$e_rej of $n_valid" "${e_secs:-?} s (one JVM; cached)"
else
    echo "  epubcheck: not run (no java or $jar)"
fi
echo "(sheaf: one process per book; epubcheck: tests/EpubcheckBatch.java over all books at once)"
