#!/usr/bin/env bash
# tests/bench/fetch.sh: web fetching figures for `make bench` (issue 14). Prints, never fails on
# a slow result.
#
# A reading list of web addresses served by the project's own test server
# (tests/tools/webserver.py on 127.0.0.1, ports the system picks), half Markdown and half HTML
# pages inside a site, each page with images of its own and one banner shared by all, every answer delayed by the server (as a real server and
# network would take), built:
#   - in parallel, all pages from one site: sheaf never opens more than 6 connections to one
#     server, so 6x is the most parallel fetching can give there;
#   - in parallel, the pages spread over several sites (BENCH_FETCH_SITES servers, as a reading
#     list spans sites): at most 16 transfers at once;
#   - one transfer at a time (--connections 1): the same pages fetched one after another;
#   - with curl(1) fetching the same pages and images one after another, if curl is installed
#     (what a shell loop would do; no book);
#   - from the cache with --offline: sheaf's own share of the time, without the network;
# each with its wall time and peak memory; and the parallel build at a quarter of the size, for
# the scaling (time at n and 4n). The test server is Python: under load its global interpreter
# lock, not sheaf, limits how many answers one server process gives at once.
#
# Environment (all optional):
#   SHEAF=PATH               the sheaf binary (default ./sheaf, else build/sheaf)
#   SHEAF_TOOLS=DIR          where rusage is built (default: built here with make)
#   BENCH_FETCH_PAGES=N      pages in the list (default 100)
#   BENCH_FETCH_IMAGES=N     images of its own per page (default 3)
#   BENCH_FETCH_DELAY=S      seconds the server waits before each answer (default 0.02)
#   BENCH_FETCH_SITES=N      servers the pages are spread over in the several-sites runs
#                            (default 4)
#   BENCH_DIR=DIR            scratch space (default build/bench)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
if [[ -z ${SHEAF:-} ]]; then
    if [[ -x $ROOT/sheaf ]]; then SHEAF=$ROOT/sheaf; else SHEAF=$ROOT/$BUILD/sheaf; fi
fi
PAGES=${BENCH_FETCH_PAGES:-100}
IMAGES=${BENCH_FETCH_IMAGES:-3}
DELAY=${BENCH_FETCH_DELAY:-0.02}
SITES=${BENCH_FETCH_SITES:-4}
BENCH_DIR=${BENCH_DIR:-$ROOT/$BUILD/bench}

die() { echo "bench: $*" >&2; exit 1; }
[[ -x $SHEAF ]] || die "no sheaf binary at $SHEAF: run 'make' first or set SHEAF"
command -v python3 >/dev/null || die "python3 is needed for the test server (tests/install-deps test)"
if [[ -n ${SHEAF_TOOLS:-} ]]; then
    TOOLS=$SHEAF_TOOLS
else
    TOOLS=$ROOT/$BUILD/tests/tools
    make --no-print-directory -s BUILD="$BUILD" "$BUILD/tests/tools/rusage" >&2 ||
        die "can't build tests/tools/rusage"
fi

mkdir -p "$BENCH_DIR"
TMP=$(mktemp -d "$BENCH_DIR/fetch.XXXXXX")
SERVER_PIDS=()
cleanup() {
    for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

WEB=()
for s in $(seq 1 "$SITES"); do
    python3 tests/tools/webserver.py --root tests/fixtures/web --port-file "$TMP/port$s" \
        --delay "$DELAY" &
    SERVER_PIDS+=($!)
    for _ in $(seq 200); do [[ -s $TMP/port$s ]] && break; sleep 0.05; done
    [[ -s $TMP/port$s ]] || die "the test server did not start"
    WEB+=("http://127.0.0.1:$(cat "$TMP/port$s")")
done

# list N SITES FILE: a reading list of N pages spread over the first SITES servers.
list() {
    {
        echo "title: Fetch Bench"
        echo "articles:"
        for k in $(seq 1 "$1"); do
            echo "  - ${WEB[$((k % $2))]}/gen/list/$k.$( ((k % 2)) && echo md || echo html)?images=$IMAGES"
        done
    } >"$3"
}

field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$2"; }

# run NAME COMMAND...: run under rusage; prints "wall peakMB".
run() {
    local name=$1
    shift
    "$TOOLS/rusage" -o "$TMP/$name.ru" "$@" >"$TMP/$name.out" 2>&1 ||
        { cat "$TMP/$name.out" >&2; die "$name failed"; }
    printf '%s %s\n' "$(field wall "$TMP/$name.ru")" \
        "$(awk -v k="$(field maxrss_kb "$TMP/$name.ru")" 'BEGIN { printf "%.0f", k / 1024 }')"
}

export SOURCE_DATE_EPOCH=1700000000
quarter=$((PAGES / 4))
list "$PAGES" 1 "$TMP/one.yaml"
list "$PAGES" "$SITES" "$TMP/list.yaml"
list "$quarter" "$SITES" "$TMP/quarter.yaml"
requests=$((PAGES * (IMAGES + 1) + 1))

read -r one_wall one_mb < <(run onesite "$SHEAF" build -q "$TMP/one.yaml" -o "$TMP/one.epub")
read -r par_wall par_mb < <(run parallel "$SHEAF" build -q --cache "$TMP/cache" "$TMP/list.yaml" -o "$TMP/par.epub")
read -r seq_wall seq_mb < <(run sequential "$SHEAF" build -q --connections 1 "$TMP/list.yaml" -o "$TMP/seq.epub")
read -r q_wall q_mb < <(run quarter "$SHEAF" build -q "$TMP/quarter.yaml" -o "$TMP/quarter.epub")
read -r off_wall off_mb < <(run offline "$SHEAF" build -q --cache "$TMP/cache" --offline "$TMP/list.yaml" -o "$TMP/off.epub")
cmp -s "$TMP/par.epub" "$TMP/off.epub" && same=yes || same=NO
images=$(unzip -Z1 "$TMP/par.epub" | grep -c '^EPUB/images/.*\.png$' || true)

curl_wall=
if command -v curl >/dev/null; then
    {
        for k in $(seq 1 "$PAGES"); do
            site=${WEB[$((k % SITES))]}
            echo "$site/gen/list/$k.$( ((k % 2)) && echo md || echo html)?images=$IMAGES"
            for i in $(seq 0 $((IMAGES - 1))); do echo "$site/gen/img/$((1000 * k + i)).png"; done
        done
        echo "${WEB[0]}/files/img/banner.png"
    } >"$TMP/urls"
    cat >"$TMP/curl-loop.sh" <<'EOF'
#!/bin/sh
while read -r u; do curl -s --compressed -o /dev/null "$u" || exit 1; done <"$1"
EOF
    chmod +x "$TMP/curl-loop.sh"
    read -r curl_wall _ < <(run curl sh "$TMP/curl-loop.sh" "$TMP/urls")
fi

echo
echo "== fetching: $PAGES pages with $IMAGES images each (+1 shared): $requests requests, server delay ${DELAY}s per answer"
printf '%-48s %8s %8s\n' "run" "wall s" "peak MB"
printf '%-48s %8s %8s\n' "sheaf, parallel, 1 site (at most 6 at once)" "$one_wall" "$one_mb"
printf '%-48s %8s %8s\n' "sheaf, parallel, $SITES sites (at most 16 at once)" "$par_wall" "$par_mb"
printf '%-48s %8s %8s\n' "sheaf, one after another (--connections 1)" "$seq_wall" "$seq_mb"
[[ -n $curl_wall ]] && printf '%-48s %8s %8s\n' "curl, one after another (no book)" "$curl_wall" "-"
printf '%-48s %8s %8s\n' "sheaf, from the cache (--offline)" "$off_wall" "$off_mb"
printf '%-48s %8s %8s\n' "sheaf, parallel, $SITES sites, $quarter pages" "$q_wall" "$q_mb"
awk -v p="$par_wall" -v one="$one_wall" -v s="$seq_wall" -v q="$q_wall" -v o="$off_wall" \
    -v d="$DELAY" -v r="$requests" -v c="${curl_wall:-0}" -v n="$SITES" 'BEGIN {
    printf "parallel vs one after another: %.1fx faster from %d sites, %.1fx from 1 site (at most 6x there) (target >= 5x)\n", s / p, n, s / one
    if (c > 0) printf "parallel (%d sites) vs curl one after another: %.1fx faster\n", n, c / p
    printf "server time alone, one after another: %.2f s (%d answers x %.3f s)\n", r * d, r, d
    printf "sheaf'"'"'s own share (the offline build): %.2f s of %.2f s\n", o, p
    printf "scaling: %.2f s at n/4, %.2f s at n: %.1fx for 4x the pages (linear: <= ~4.5x)\n", q, p, p / q
}'
echo "images embedded: $images; offline book identical to the online one: $same"
