#!/usr/bin/env bats
# Web addresses in (issue 14): `sheaf build https://...` against a local server of the project's
# own (tests/tools/webserver.py, on a port the system picks) that serves pages written for the
# project (tests/fixtures/web) and misbehaves on purpose. No test touches the internet.

load build-helpers

# Start a server; its address goes to the variable named $1, its pid to $1_PID.
server_start() {
    local var=$1 dir
    shift
    dir=$(mktemp -d "$BATS_FILE_TMPDIR/srv.XXXXXX")
    python3 "$BATS_TEST_DIRNAME/tools/webserver.py" --root "$SHEAF_FIXTURES/web" \
        --port-file "$dir/port" "$@" 3>&- &
    local pid=$!
    for _ in $(seq 200); do
        [ -s "$dir/port" ] && break
        sleep 0.05
    done
    [ -s "$dir/port" ] || { echo "the test server did not start" >&2; return 1; }
    local scheme=http
    [[ " $* " == *" --tls "* ]] && scheme=https
    printf -v "$var" '%s://127.0.0.1:%s' "$scheme" "$(cat "$dir/port")"
    printf -v "${var}_PID" '%s' "$pid"
    export "${var?}" "${var}_PID"
}

setup_file() {
    # The tests talk to 127.0.0.1 directly, whatever proxy the environment names.
    unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
    export no_proxy='*' NO_PROXY='*'
    server_start WEB
}

teardown_file() {
    kill "$WEB_PID" 2>/dev/null || true
}

# The requests the server saw whose path starts with $1 (JSON lines).
server_log() {
    curl -s --noproxy '*' "$WEB/_log" | grep -F -- "{\"path\": \"$1" || true
}

# Image entries of a book (not the generated cover).
# The book's images but the generated cover (its SVG and the JPEG drawn from it, issue 16).
images_in() {
    local cover
    cover=$(xq "$1" "$(opf_path "$1")" 'string(//manifest/item[@properties="cover-image"]/@href)')
    entries "$1" | grep '^EPUB/images/' | grep -v '\.svg$' | grep -vxF "EPUB/$cover" || true
}

@test "a web address on the command line becomes a book with its images, source and links" {
    sb "$WEB/files/interview.md" -o interview.epub
    [ "$status" -eq 0 ]
    keep interview.epub
    # Both images of the page, fetched and embedded (kiln.png and glaze.png).
    [ "$(images_in interview.epub | wc -l)" -eq 2 ]
    book_refs_ok interview.epub
    # Its title from its front matter, its source the address it came from.
    [ "$(xq interview.epub EPUB/package.opf 'string(//*[name()="dc:title"])')" = "Kilns at the Edge of Town" ]
    [ "$(xq interview.epub EPUB/package.opf 'string(//*[name()="dc:source"])')" = "$WEB/files/interview.md" ]
    page=$(entry interview.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *"<a href=\"$WEB/files/interview.md\">"* ]]
    # A relative link to a page that is not in the book leads to that page on the site.
    [[ $page == *"<a href=\"$WEB/files/second.md\">the next page</a>"* ]]
    # Speaker turns are found in a fetched page as in a file.
    [[ $page == *'<span class="speaker">Oskar Vale</span>'* ]]
}

@test "two fetched pages that link to each other link inside the book" {
    sb "$WEB/files/interview.md" "$WEB/files/second.md" -o two.epub
    [ "$status" -eq 0 ]
    keep two.epub
    book_refs_ok two.epub
    [[ $(entry two.epub EPUB/text/c0001-01.xhtml) == *'<a href="c0002-01.xhtml">the next page</a>'* ]]
    [[ $(entry two.epub EPUB/text/c0002-01.xhtml) == *'<a href="c0001-01.xhtml">the interview</a>'* ]]
    # The site-absolute image of the second page (/files/img/banner.png) is embedded.
    [ "$(images_in two.epub | wc -l)" -eq 3 ]
}

@test "after redirects, the final address is the source and the base of relative images" {
    sb "$WEB/redirect/3/interview.md" -o redirected.epub
    [ "$status" -eq 0 ]
    keep redirected.epub
    [ "$(xq redirected.epub EPUB/package.opf 'string(//*[name()="dc:source"])')" = "$WEB/files/interview.md" ]
    # img/kiln.png resolved against /files/interview.md, not against /redirect/3/...
    [ "$(images_in redirected.epub | wc -l)" -eq 2 ]
    [ -n "$(server_log '/files/img/kiln.png"')" ]
}

@test "a redirect loop fails with a message naming the address" {
    sb "$WEB/loop" -o loop.epub
    [ "$status" -eq 1 ]
    has "$WEB/loop: error: more than 10 redirects"
    no_file loop.epub
}

@test "a redirect to file:///etc/passwd or ftp: is refused" {
    sb "$WEB/to-file" -o file.epub
    [ "$status" -eq 1 ]
    has "$WEB/to-file: error: redirected to 'file:///etc/passwd', which is not an http or https address"
    no_file file.epub
    sb "$WEB/to-ftp" -o ftp.epub
    [ "$status" -eq 1 ]
    has "redirected to 'ftp://127.0.0.1/x'"
    no_file ftp.epub
}

@test "404 and 500 fail the build, naming the address and the status" {
    sb "$WEB/files/interview.md" "$WEB/status/404" -o missing.epub
    [ "$status" -eq 1 ]
    has "$WEB/status/404: error: not found (HTTP 404)"
    no_file missing.epub
    sb "$WEB/status/500" -o broken.epub
    [ "$status" -eq 1 ]
    has "$WEB/status/500: error: server error (HTTP 500)"
}

@test "--keep-going leaves a page that cannot be fetched out, and says which" {
    sb --keep-going "$WEB/files/interview.md" "$WEB/status/404" "$WEB/files/second.md" -o kept.epub
    [ "$status" -eq 0 ]
    keep kept.epub
    has "$WEB/status/404: warning: not found (HTTP 404)"
    has "left out of the book (--keep-going)"
    [ "$(adocs kept.epub | grep -c c000)" -ge 2 ]
    [[ $(entry kept.epub EPUB/nav.xhtml) == *'Kilns at the Edge of Town'* ]]
    [[ $(entry kept.epub EPUB/nav.xhtml) == *'The Studio'* ]]
}

@test "without libcurl (opened only for web addresses) an address fails naming the package; files still build, a saved page keeps its text" {
    # SHEAF_TEST_MISSING_LIBS makes sheaf's loader (src/base/dynlib.c) take the library as not
    # installed, as on a machine without the package.
    run env SHEAF_TEST_MISSING_LIBS=libcurl.so.4 timeout 20 "$SHEAF" build "$WEB/files/interview.md" -o web.epub
    [ "$status" -ne 0 ]
    has "$WEB/files/interview.md: error: can't fetch: libcurl.so.4 is not installed (apt-get install libcurl4)"
    [ ! -e web.epub ]
    # in a reading list, --keep-going leaves the address out and keeps the file
    printf 'title: Mixed\narticles:\n  - %s\n  - %s\n' "$WEB/files/interview.md" \
        "$SHEAF_FIXTURES/sample-interview.md" >list.yaml
    run env SHEAF_TEST_MISSING_LIBS=libcurl.so.4 timeout 20 "$SHEAF" build --keep-going list.yaml -o mixed.epub
    [ "$status" -eq 0 ]
    has "libcurl.so.4 is not installed (apt-get install libcurl4)"
    keep mixed.epub
    [[ $(entry mixed.epub EPUB/nav.xhtml) == *'Tools That Stay Quiet'* ]]
    [[ $(entry mixed.epub EPUB/nav.xhtml) != *'Kilns at the Edge of Town'* ]]
    # a saved page's web addresses need libcurl's URL parser: its source (the page's canonical
    # address) is left out, its text kept, with one warning
    run env SHEAF_TEST_MISSING_LIBS=libcurl.so.4 timeout 20 "$SHEAF" build "$SHEAF_FIXTURES/html/news.html" -o news.epub
    [ "$status" -eq 0 ]
    keep news.epub
    [ "$(grep -c 'warning' <<<"$output")" -eq 1 ]
    has "sheaf: warning: web addresses in the articles could not be read: libcurl.so.4 is not installed (apt-get install libcurl4); links to them and sources on the web are left out (the links' text is kept)"
    [[ $(entry news.epub "$(adocs news.epub)") != *'href="https://courier.example/'* ]]
    [[ $(entry news.epub "$(adocs news.epub)") == *'This week, Agnes Pell let it cool for the last time.'* ]]
}

@test "429 with Retry-After is retried after the wait the server asks for" {
    sb "$WEB/retry/r1?times=2&after=1&path=second.md" -o retried.epub
    [ "$status" -eq 0 ]
    keep retried.epub
    # Two refusals, then the page: three requests.
    [ "$(server_log '/retry/r1?' | wc -l)" -eq 3 ]
    [[ $(entry retried.epub EPUB/text/c0001-01.xhtml) == *'The Studio'* ]]
}

@test "503 is retried at most 3 times, then fails saying so" {
    sb "$WEB/retry/r2?times=99&status=503&after=0&path=second.md" -o busy.epub
    [ "$status" -eq 1 ]
    has "service unavailable (HTTP 503), still after 3 retries"
    [ "$(server_log '/retry/r2?' | wc -l)" -eq 4 ]
}

@test "a Retry-After longer than sheaf waits fails at once, saying what the server asked" {
    sb "$WEB/retry/r3?times=1&after=3600&path=second.md" -o later.epub
    [ "$status" -eq 1 ]
    has "the server asks to wait 3600 s before trying again (HTTP 429)"
    [ "$(server_log '/retry/r3?' | wc -l)" -eq 1 ]
}

@test "a connection reset is retried" {
    sb "$WEB/reset/c1?times=1&path=second.md" -o reset.epub
    [ "$status" -eq 0 ]
    keep reset.epub
    [ "$(server_log '/reset/c1?' | wc -l)" -eq 2 ]
}

@test "a page that trickles past --timeout fails with the timeout named" {
    run timeout 20 "$SHEAF" build --timeout 2 "$WEB/slow" -o slow.epub
    [ "$status" -eq 1 ]
    has "$WEB/slow: error: no complete answer within 2 s (--timeout 2)"
    no_file slow.epub
}

@test "a gzip bomb is stopped at 20 MB of decompressed bytes, in bounded memory" {
    run timeout 20 "$SHEAF_TOOLS/rusage" -o rusage.txt "$SHEAF" build "$WEB/bomb.md" -o bomb.epub
    [ "$status" -eq 1 ]
    has "$WEB/bomb.md: error: larger than 20 MB (counted after decompression)"
    no_file bomb.epub
    # 60 MB once decompressed; the build stops at the cap and never holds the whole.
    kb=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' rusage.txt)
    [ "$kb" -lt 120000 ]
}

@test "a trickle on a connection kept from an earlier page is named as such, not as a failure to connect" {
    # One transfer at a time: /slow reuses the connection second.md was fetched on, so no
    # connection is made for it (libcurl's connect time is 0) though the server is answering.
    run timeout 20 "$SHEAF" build --connections 1 --timeout 2 "$WEB/files/second.md" "$WEB/slow" -o reused.epub
    [ "$status" -eq 1 ]
    has "$WEB/slow: error: no complete answer within 2 s (--timeout 2)"
    lacks "could not connect"
    no_file reused.epub
}

@test "a huge page is refused, with or without a Content-Length" {
    sb "$WEB/huge?len=25000000" -o huge.epub
    [ "$status" -eq 1 ]
    has "$WEB/huge?len=25000000: error: larger than 20 MB"
    sb "$WEB/huge?len=25000000&chunked=1" -o huge.epub
    [ "$status" -eq 1 ]
    has "error: larger than 20 MB"
    no_file huge.epub
}

@test "what a page is comes from its media type and bytes, not its address" {
    # Markdown without a Content-Type, or as application/octet-stream: read as Markdown.
    sb "$WEB/typed/second.md?ct=none" -o none.epub
    [ "$status" -eq 0 ]
    keep none.epub
    [[ $(entry none.epub EPUB/text/c0001-01.xhtml) == *'<h1>The Studio</h1>'* ]]
    sb "$WEB/typed/second.md?ct=application/octet-stream" -o octet.epub
    [ "$status" -eq 0 ]
    keep octet.epub
    # A PDF, whatever it is served as, and a PNG given as the page: refused, naming both.
    sb "$WEB/files/doc.pdf" -o pdf.epub
    [ "$status" -eq 1 ]
    has "$WEB/files/doc.pdf: error: is a PDF document (served as 'application/pdf'), not a page sheaf can read"
    sb "$WEB/typed/doc.pdf?ct=text/html" -o pdf.epub
    [ "$status" -eq 1 ]
    has "is a PDF document (served as 'text/html')"
    sb "$WEB/files/img/kiln.png" -o png.epub
    [ "$status" -eq 1 ]
    has "is a PNG image (served as 'image/png')"
    # Text served as a type sheaf does not read: refused by its type.
    sb "$WEB/typed/second.md?ct=application/json" -o json.epub
    [ "$status" -eq 1 ]
    has "is served as 'application/json', not a page sheaf can read"
    no_file pdf.epub
}

@test "plain text served in windows-1252 is converted to UTF-8" {
    sb "$WEB/typed/latin.txt?ct=text/plain;%20charset=windows-1252" -o latin.epub
    [ "$status" -eq 0 ]
    keep latin.epub
    page=$(entry latin.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *'caf'$'\xc3\xa9'' on the corner; the na'$'\xc3\xaf''ve espresso cost '$'\xc2\xa3''3'* ]]
}

@test "images: Referer sent, an HTML 'image' dropped, a missing one keeps its alt text" {
    sb "$WEB/files/images.md" -o images.epub
    [ "$status" -eq 0 ]
    keep images.epub
    book_refs_ok images.epub
    # The image behind the Referer check is in the book, and the request carried the page.
    [ "$(server_log '/protected/img/kiln.png"' | grep -c "\"referer\": \"$WEB/files/images.md\"")" -eq 1 ]
    # The same kiln through redirects is stored once.
    [ "$(images_in images.epub | wc -l)" -eq 1 ]
    has "image '$WEB/files/img/fake.jpg' is not a JPEG, PNG, GIF, WebP or SVG file (judged by its content)"
    has "image '$WEB/files/img/missing.png' could not be fetched: not found (HTTP 404); its alt text is kept"
    has "image 'file:///etc/hostname' cannot be embedded (a 'file:' address)"
    page=$(entry images.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *'<span class="image-missing">not really a jpeg</span>'* ]]
    [[ $page == *'<span class="image-missing">a missing picture</span>'* ]]
    # An image never fails the build: each of them is one warning.
    [ "$(grep -c 'warning: image' <<<"$output")" -eq 3 ]
}

@test "a page never makes sheaf read a file on this computer" {
    sb "$WEB/files/withcover.md" -o cover.epub
    [ "$status" -eq 0 ]
    keep cover.epub
    has "the page names a cover ('/etc/hostname'); a web page cannot name a file on this computer"
    # The image path /etc/hostname is an address on the page's site, not a local file.
    has "image '$WEB/etc/hostname' could not be fetched: not found (HTTP 404)"
    [ -n "$(server_log '/etc/hostname"')" ]
    # (every entry but the generated cover's JPEG, whose bytes may hold a short host name by
    # chance: this machine's is two letters)
    local e
    for e in $(entries cover.epub | grep -v '\.jpg$'); do
        ! entry cover.epub "$e" | grep -qF "$(cat /etc/hostname)" || { echo "$e"; return 1; }
    done
}

@test "a page of 200 images: 100 are fetched (--max-images), or all 200 when allowed" {
    sb "$WEB/gen/many/200.md" -o many.epub
    [ "$status" -eq 0 ]
    keep many.epub
    [ "$(images_in many.epub | wc -l)" -eq 100 ]
    has "this page has more than 100 images; from '$WEB/gen/img/101.png' on they are left out"
    sb --max-images 200 "$WEB/gen/many/200.md" -o all.epub
    [ "$status" -eq 0 ]
    keep all.epub
    [ "$(images_in all.epub | wc -l)" -eq 200 ]
    book_refs_ok all.epub
}

@test "sheaf names itself and its version to servers" {
    sb "$WEB/echo-ua.md" -o ua.epub
    [ "$status" -eq 0 ]
    keep ua.epub
    version=$("$SHEAF" --version | sed 's/^sheaf //')
    [[ $(entry ua.epub EPUB/text/c0001-01.xhtml) == *"sheaf/$version"* ]]
    # and accepts compressed answers
    [[ $(server_log '/echo-ua.md"') == *'gzip'* ]]
}

@test "a certificate that cannot be verified is refused (there is no switch to allow it)" {
    command -v openssl >/dev/null || skip "openssl is not installed (tests/install-deps test)"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -subj /CN=127.0.0.1 \
        -days 1 2>/dev/null
    server_start TLS --tls cert.pem key.pem
    sb "$TLS/files/second.md" -o tls.epub
    kill "$TLS_PID"
    [ "$status" -eq 1 ]
    has "$TLS/files/second.md: error: its certificate cannot be verified"
    no_file tls.epub
}

@test "a reading list of 50 web addresses with images, then again offline from the cache" {
    server_start LOCAL
    {
        echo "title: Fifty Pages"
        echo "articles:"
        echo "  - url: $LOCAL/gen/list/1.md?images=2"
        echo "    title: The First, Retitled"
        echo "  - $SHEAF_FIXTURES/build/first.md"
        # half Markdown, half HTML pages
        for k in $(seq 2 50); do echo "  - $LOCAL/gen/list/$k.$( ((k % 2)) && echo md || echo html)?images=2"; done
    } >fifty.yaml
    sb --cache cache fifty.yaml -o online.epub
    [ "$status" -eq 0 ]
    keep online.epub
    book_refs_ok online.epub
    # 2 images of its own per page and one banner shared by all: 101 images, each stored once.
    [ "$(images_in online.epub | wc -l)" -eq 101 ]
    lacks "warning: image"
    [[ $(entry online.epub EPUB/nav.xhtml) == *'The First, Retitled'* ]]
    [[ $(entry online.epub EPUB/nav.xhtml) == *'Article 50'* ]]
    [ "$(xq online.epub EPUB/text/c0001-01.xhtml 'string(//*[@class="source"]/a/@href)')" = "$LOCAL/gen/list/1.md?images=2" ]
    # No half-written cache entry is ever left behind.
    [ -z "$(find cache -name '*.tmp-*')" ]
    # The server is gone: the same book, byte for byte, from the cache alone.
    kill "$LOCAL_PID"
    sb --cache cache --offline fifty.yaml -o offline.epub
    [ "$status" -eq 0 ]
    cmp online.epub offline.epub
}

@test "--offline fails clearly on what the cache does not hold; --offline needs --cache" {
    sb --cache empty --offline "$WEB/files/second.md" -o off.epub
    [ "$status" -eq 1 ]
    has "$WEB/files/second.md: error: not in the cache 'empty' (--offline)"
    sb --offline "$WEB/files/second.md" -o off.epub
    [ "$status" -eq 2 ]
    has "--offline reads only the cache: add --cache DIR"
}

@test "the cache is used without the network; --refresh revalidates and takes a new version" {
    sb --cache c "$WEB/versioned/v1.md" -o v1.epub
    [ "$status" -eq 0 ]
    keep v1.epub
    curl -s --noproxy '*' "$WEB/_set/v1/second%20version" >/dev/null
    sb --cache c "$WEB/versioned/v1.md" -o again.epub
    [ "$status" -eq 0 ]
    cmp v1.epub again.epub
    [ "$(server_log '/versioned/v1.md' | wc -l)" -eq 1 ]
    sb --cache c --refresh "$WEB/versioned/v1.md" -o new.epub
    [ "$status" -eq 0 ]
    keep new.epub
    [[ $(entry new.epub EPUB/text/c0001-01.xhtml) == *'the second version of the page'* ]]
    # Unchanged since: the server answers 304 to the validator and the cached copy is used.
    sb --cache c --refresh "$WEB/versioned/v1.md" -o same.epub
    [ "$status" -eq 0 ]
    [ "$(server_log '/versioned/v1.md' | grep -c '"inm": "\\"')" -eq 2 ]
    cmp new.epub same.epub
}

@test "a damaged cache entry is fetched again online and refused offline" {
    sb --cache c "$WEB/files/second.md" -o first.epub
    [ "$status" -eq 0 ]
    for f in c/*; do
        head -c 100 "$f" >"$f.cut" && mv "$f.cut" "$f"
    done
    sb --cache c --offline "$WEB/files/second.md" -o offline.epub
    [ "$status" -eq 1 ]
    has "its entry in the cache 'c' cannot be used"
    sb --cache c "$WEB/files/second.md" -o again.epub
    [ "$status" -eq 0 ]
    has "could not be used"
    cmp first.epub again.epub
}

@test "web addresses mix with local files on the command line and in reading lists" {
    cat >mixed.yaml <<EOF
title: Mixed
articles:
  - $SHEAF_FIXTURES/build/first.md
  - url: $WEB/files/second.md
    title: The Barn
    author: Someone Else
  - $WEB/files/interview.md
EOF
    sb mixed.yaml -o mixed.epub
    [ "$status" -eq 0 ]
    keep mixed.epub
    nav=$(entry mixed.epub EPUB/nav.xhtml)
    [[ $nav == *'Morning Ferry'*'The Barn <span class="byline">by Someone Else</span>'*'Kilns at the Edge of Town'* ]]
    sb "$SHEAF_FIXTURES/build/first.md" "$WEB/files/second.md" -o cli.epub
    [ "$status" -eq 0 ]
    keep cli.epub
}

@test "addresses sheaf does not fetch are refused before anything is fetched" {
    sb ftp://127.0.0.1/x.md -o ftp.epub
    [ "$status" -eq 1 ]
    has "ftp://127.0.0.1/x.md: error: only http and https addresses can be fetched"
    printf 'articles:\n  - file:///etc/passwd\n  - url: "http://"\n' >bad.yaml
    sb bad.yaml -o bad.epub
    [ "$status" -eq 1 ]
    has "bad.yaml:2: error: 'file:///etc/passwd': only http and https addresses can be fetched"
    has "bad.yaml:3: error: 'http://' is not a valid web address"
    sb --timeout 0 "$WEB/files/second.md" -o t.epub
    [ "$status" -eq 2 ]
}

@test "the progress line shows on a terminal only" {
    sb "$WEB/files/interview.md" "$WEB/files/second.md" -o quiet.epub
    [ "$status" -eq 0 ]
    lacks "fetching:"
    command -v script >/dev/null || skip "script (bsdutils) is not installed"
    run timeout 20 script -qec "$SHEAF build $WEB/files/interview.md $WEB/files/second.md -o tty.epub" /dev/null
    [ "$status" -eq 0 ]
    has "sheaf: fetching: pages 2/2"
    has "sheaf: fetching: images 3/3"
}

@test "an HTML page from the web becomes its article, with its images fetched (issue 13)" {
    sb "$WEB/files/article.html" -o article.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    keep article.epub
    o=$(opf_path article.epub)
    [ "$(xq article.epub "$o" 'string(//*[name()="dc:title"])')" = "Glazes That Crawl on Purpose" ]
    [ "$(xq article.epub "$o" 'string(//*[name()="dc:creator"])')" = "Hanne Viklund" ]
    [ "$(xq article.epub "$o" 'string(//*[name()="dc:source"])')" = "$WEB/files/article.html" ]
    page=$(entry article.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *"lizard-skin pattern"* ]]
    [[ $page != *"Log in"* && $page != *"All rights reserved"* && $page != *">Share<"* ]]
    # both images, the relative one and the site-absolute one, fetched and embedded
    [ "$(images_in article.epub | wc -l)" -eq 2 ]
    book_refs_ok article.epub
    # the relative link resolves against the page's address
    [[ $page == *"href=\"$WEB/files/second.md\""* ]]
}

@test "an HTML page's charset comes from the server when the page declares none" {
    sb "$WEB/typed/cafe-1252.html?ct=text/html;%20charset=windows-1252" -o cafe.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    keep cafe.epub
    page=$(entry cafe.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *"“café au lait” at the market stall costs €3"* ]]
    [[ $page == *"Crème, sucre, cannelle"* ]]
}

@test "a transcript's address (WebVTT, JSON) becomes an interview, whatever it is served as" {
    # text/vtt, as a podcast's feed names it
    sb "$WEB/typed/episode.vtt?ct=text/vtt" --speaker SPEAKER_2="Bo Li" -o vtt.epub
    [ "$status" -eq 0 ]
    doc=$(docs vtt.epub | grep c0001-01)
    [ "$(xq vtt.epub "$doc" 'count(//div[contains(@class,"turn")])')" = 2 ]
    [ "$(xq vtt.epub "$doc" 'string((//span[@class="speaker"])[2])')" = "Bo Li" ]
    opf vtt.epub | grep -q "$WEB/typed/episode.vtt"
    keep vtt.epub
    # served as plain text, or as nothing in particular: the bytes say it is WebVTT
    sb "$WEB/typed/episode.vtt?ct=text/plain" -o plain.epub
    [ "$status" -eq 0 ]
    [ "$(xq plain.epub "$(docs plain.epub | grep c0001-01)" 'count(//div[contains(@class,"turn")])')" = 2 ]
    sb "$WEB/files/episode.vtt" -o octet.epub
    [ "$status" -eq 0 ]
    keep octet.epub
    # a Podcasting 2.0 JSON transcript served as application/json
    sb "$WEB/typed/episode.json?ct=application/json" -o json.epub
    [ "$status" -eq 0 ]
    [ "$(xq json.epub "$(docs json.epub | grep c0001-01)" 'string((//span[@class="speaker"])[1])')" = "Ana Ruiz" ]
    keep json.epub
    # served as WebVTT but not WebVTT: the reader says what is wrong
    sb "$WEB/typed/second.md?ct=text/vtt" -o bad.epub
    [ "$status" -eq 1 ]
    has "starts with the line 'WEBVTT'"
    no_file bad.epub
}

@test "an HTML news page: its lazy, <picture> and hotlink-guarded images are fetched, the site around it left out" {
    sb "$WEB/files/kilns.html" -o kilns.epub
    [ "$status" -eq 0 ]
    keep kilns.epub
    book_refs_ok kilns.epub
    page=$(entry kilns.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *'fires his kilns with wood'* ]]
    [[ $page != *'Related stories'* && $page != *'Post a comment'* && $page != *'>Archive<'* ]]
    # The figure (img/kiln.png), the lazy image (data-src, not its data: placeholder), the
    # <picture> (/files/img/banner.png) and the kiln behind the Referer check, which is the same
    # picture as the figure's and stored once: three images, no warning.
    [ "$(images_in kilns.epub | wc -l)" -eq 3 ]
    lacks "warning"
    [[ $page == *'alt="A celadon test tile"'* ]]
    [[ $page == *'alt="The kiln again, behind a hotlink guard"'* ]]
    [ "$(server_log '/protected/img/kiln.png"' | grep -c "\"referer\": \"$WEB/files/kilns.html\"")" -eq 1 ]
}

@test "an HTML page whose header and <meta> disagree on the charset: the header wins, as in browsers" {
    sb "$WEB/typed/meta-vs-header.html?ct=text/html;%20charset=windows-1252" -o meta.epub
    [ "$status" -eq 0 ]
    keep meta.epub
    page=$(entry meta.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *'retrouv'$'\xc3\xa9''s au caf'$'\xc3\xa9'' du coin, o'$'\xc3\xb9'' l'* ]]
    [[ $page != *$'\xef\xbf\xbd'* ]]
    [ "$(xq meta.epub "$(opf_path meta.epub)" 'string(//*[name()="dc:language"])')" = "fr" ]
}

@test "an HTML page served without a Content-Type, or as application/octet-stream, is read as HTML" {
    sb "$WEB/typed/kilns.html?ct=none" -o none.epub
    [ "$status" -eq 0 ]
    keep none.epub
    sb "$WEB/typed/kilns.html?ct=application/octet-stream" -o octet.epub
    [ "$status" -eq 0 ]
    for b in none.epub octet.epub; do
        page=$(entry "$b" EPUB/text/c0001-01.xhtml)
        # extracted as a page, not taken as Markdown with raw HTML (which keeps the menu)
        [[ $page == *'fires his kilns with wood'* ]]
        [[ $page != *'Related stories'* && $page != *'>Archive<'* ]]
    done
}

@test "every limit on an image is one warning naming the image; the page is still built" {
    # limits.md: a 25 MB picture, a gzip bomb, a redirect to file:, a redirect loop, a trickle
    # past --timeout, one refused once with 429 and Retry-After, and one that simply arrives.
    run timeout 60 "$SHEAF" build --timeout 3 "$WEB/files/limits.md" -o limits.epub
    [ "$status" -eq 0 ]
    keep limits.epub
    book_refs_ok limits.epub
    # the busy server's picture (glaze.png, after its retry) and the kiln
    [ "$(images_in limits.epub | wc -l)" -eq 2 ]
    [ "$(server_log '/retry/limits-img?' | wc -l)" -eq 2 ]
    has "image '$WEB/huge?len=25000000' could not be fetched: larger than 20 MB"
    has "image '$WEB/bomb.md' could not be fetched: larger than 20 MB (counted after decompression)"
    has "image '$WEB/to-file' could not be fetched: redirected to 'file:///etc/passwd', which is not an http or https address"
    has "image '$WEB/loop' could not be fetched: more than 10 redirects"
    has "image '$WEB/slow' could not be fetched: no complete answer within 3 s (--timeout 3)"
    [ "$(grep -c 'warning: image' <<<"$output")" -eq 5 ]
    page=$(entry limits.epub EPUB/text/c0001-01.xhtml)
    [[ $page == *'<span class="image-missing">a picture that inflates to 60 MB</span>'* ]]
    [[ $page == *'<span class="image-missing">a picture that redirects to a file</span>'* ]]
    [[ $page == *'<span class="image-missing">a picture that trickles</span>'* ]]
}

@test "10 redirects are followed, the 11th is refused" {
    # /redirect/N/ answers with N + 1 redirects before the file.
    sb "$WEB/redirect/9/second.md" -o ten.epub
    [ "$status" -eq 0 ]
    keep ten.epub
    [ "$(xq ten.epub EPUB/package.opf 'string(//*[name()="dc:source"])')" = "$WEB/files/second.md" ]
    sb "$WEB/redirect/10/second.md" -o eleven.epub
    [ "$status" -eq 1 ]
    has "$WEB/redirect/10/second.md: error: more than 10 redirects"
    no_file eleven.epub
}

@test "a server that never takes the connection fails at --timeout; a closed port at once" {
    server_start DEAD --unreachable
    run timeout 20 "$SHEAF" build --timeout 2 "$DEAD/page.md" -o dead.epub
    kill "$DEAD_PID"
    [ "$status" -eq 1 ]
    has "$DEAD/page.md: error: could not connect within 2 s (--timeout 2)"
    no_file dead.epub
    # a port nothing listens on (the system's free one, closed again)
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    sb "http://127.0.0.1:$port/page.md" -o closed.epub
    [ "$status" -eq 1 ]
    has "http://127.0.0.1:$port/page.md: error: cannot connect to the server"
    no_file closed.epub
}

@test "binary data is refused by its bytes, whatever it is served as" {
    for ct in application/octet-stream text/plain text/markdown; do
        sb "$WEB/typed/noise.bin?ct=$ct" -o noise.epub
        [ "$status" -eq 1 ]
        has "$WEB/typed/noise.bin?ct=$ct: error: is binary data (served as '$ct'), not a page sheaf can read"
        no_file noise.epub
    done
}

@test "at most 6 transfers at once to one server, and that many do run at once" {
    # Every answer takes 0.3 s, so transfers that may overlap do: the server counts them.
    server_start SLOW --delay 0.3
    sb "$SLOW/gen/many/30.md" -o thirty.epub
    st30=$status
    at_once30=$(curl -s --noproxy '*' "$SLOW/_stats?reset=1")
    # --connections 1: one after another
    sb --connections 1 "$SLOW/gen/many/8.md" -o eight.epub
    st8=$status
    at_once8=$(curl -s --noproxy '*' "$SLOW/_stats")
    kill "$SLOW_PID"
    [ "$st30" -eq 0 ] && [ "$st8" -eq 0 ]
    keep thirty.epub
    [ "$(images_in thirty.epub | wc -l)" -eq 30 ]
    [ "$at_once30" = '{"max_in_flight": 6}' ]
    [ "$(images_in eight.epub | wc -l)" -eq 8 ]
    [ "$at_once8" = '{"max_in_flight": 1}' ]
}

@test "a reading-list entry's overrides hold for a web address; after redirects the opening's source is the final address" {
    cat >over.yaml <<EOF
title: Overrides
articles:
  - url: $WEB/redirect/2/second.md
    title: The Barn
    author: Someone Else
    date: 2021-03-04
    lang: de
EOF
    sb over.yaml -o over.epub
    [ "$status" -eq 0 ]
    keep over.epub
    o=$(opf_path over.epub)
    [ "$(xq over.epub "$o" 'string(//*[name()="dc:language"])')" = "de" ]
    [ "$(xq over.epub "$o" 'string(//*[name()="dc:date"])')" = "2021-03-04" ]
    [ "$(xq over.epub "$o" 'string(//*[name()="dc:source"])')" = "$WEB/files/second.md" ]
    doc=$(docs over.epub | grep c0001-01)
    [ "$(xq over.epub "$doc" 'string(/*/@lang)')" = "de" ]
    [ "$(xq over.epub "$doc" 'string(//*[@class="source"]/a/@href)')" = "$WEB/files/second.md" ]
    [ "$(xq over.epub "$doc" 'string(//*[@class="byline"])')" = "By Someone Else" ]
    [ "$(xq over.epub "$doc" 'string(//time/@datetime)')" = "2021-03-04" ]
}

@test "a fetched image is cleaned, converted or dropped exactly as the same image on disk" {
    # A server of the whole fixtures folder: web/media.md's ../media/ pictures are the files
    # tests/fixtures/media/ holds, so the same page builds from the web and from disk.
    server_start ALL --root "$SHEAF_FIXTURES"
    sb "$ALL/files/web/media.md" -o fetched.epub
    kill "$ALL_PID"
    [ "$status" -eq 0 ]
    keep fetched.epub
    web_out=$output
    sb "$SHEAF_FIXTURES/web/media.md" -o local.epub
    [ "$status" -eq 0 ]
    keep local.epub
    book_refs_ok fetched.epub
    # the same pictures, byte for byte (their names are their content's hash)
    pics() { entries "$1" | grep '^EPUB/images/'; }
    # hostile.svg cleaned, pixel.webp, pixel.gif, drawing.svg, and the generated cover (SVG
    # and JPEG, the same for both books: same title)
    [ "$(pics fetched.epub | wc -l)" -eq 6 ]
    diff <(pics fetched.epub) <(pics local.epub)
    for e in $(pics fetched.epub); do
        cmp <(entry fetched.epub "$e") <(entry local.epub "$e")
    done
    # the same three warnings, naming the image's address instead of its file
    [[ $web_out == *"SVG image '$ALL/files/media/hostile.svg': removed 11 unsafe parts"* ]]
    [[ $web_out == *"SVG image '$ALL/files/media/broken.svg' was left out because it is not well-formed XML"* ]]
    [[ $web_out == *"SVG image '$ALL/files/media/xxe.svg' was left out because it uses external or nested entities"* ]]
    [ "$(grep -c 'warning: SVG image' <<<"$web_out")" -eq 3 ]
    [ "$(grep -c 'warning: SVG image' <<<"$output")" -eq 3 ]
}

@test "the wait a server asks for with Retry-After is kept, longer than sheaf's own backoff" {
    # One 429 asking for 3 s: sheaf's own first backoff is 1 s, so the gap shows which it kept.
    sb "$WEB/retry/r4?times=1&after=3&path=second.md" -o waited.epub
    [ "$status" -eq 0 ]
    keep waited.epub
    times=$(server_log '/retry/r4?' | sed -n 's/.*"t": \([0-9.]*\).*/\1/p')
    [ "$(wc -l <<<"$times")" -eq 2 ]
    awk 'NR == 1 { a = $1 } NR == 2 { exit !($1 - a >= 2.9) }' <<<"$times"
}

@test "--refresh with the server gone keeps the cached copies, each with one warning" {
    server_start GONE
    sb --cache c "$GONE/files/interview.md" -o before.epub
    [ "$status" -eq 0 ]
    kill "$GONE_PID"
    wait "$GONE_PID" 2>/dev/null || true
    sb --cache c --refresh "$GONE/files/interview.md" -o after.epub
    [ "$status" -eq 0 ]
    keep after.epub
    cmp before.epub after.epub
    has "$GONE/files/interview.md: warning: could not be revalidated (cannot connect to the server"
    has "image '$GONE/files/img/kiln.png' could not be revalidated"
    # the page and its two images
    [ "$(grep -c 'could not be revalidated' <<<"$output")" -eq 3 ]
}

@test "an image whose server asks for a longer wait than sheaf keeps is one warning, at once" {
    printf '# Later\n\nSome text.\n\n![a picture for later](%s)\n' \
        "/retry/img-later?times=1&after=3600&path=img/kiln.png" >later.md
    server_start PAGE --root "$PWD"
    sb "$PAGE/files/later.md" -o later.epub
    kill "$PAGE_PID"
    [ "$status" -eq 0 ]
    keep later.epub
    has "image '$PAGE/retry/img-later?times=1&after=3600&path=img/kiln.png' could not be fetched: the server asks to wait 3600 s before trying again (HTTP 429)"
    [[ $(entry later.epub EPUB/text/c0001-01.xhtml) == *'<span class="image-missing">a picture for later</span>'* ]]
}

@test "a web page whose article has no picture opens with the page's lead image (og:image); a saved page does not" {
    sb "$WEB/files/lead.html" -o lead.epub
    [ "$status" -eq 0 ]
    keep lead.epub
    [ "$(images_in lead.epub | wc -l)" -eq 1 ]
    # the lead image is the first thing of the article's document, before its first paragraph
    doc=$(entries lead.epub | grep '^EPUB/text/' | head -1)
    after=$(entry lead.epub "$doc" | tr '\n' ' ' | sed 's|.*</header>||')
    [[ "$after" == "<p class=\"image\"><img "* ]] || { echo "after the opening: ${after:0:80}"; return 1; }
    # the same page saved to disk: its lead image is only an address on the web; no link to it
    cp "$SHEAF_FIXTURES/web/lead.html" saved.html
    sb saved.html -o saved.epub
    [ "$status" -eq 0 ]
    keep saved.epub
    [ -z "$(images_in saved.epub)" ]
    ! entry saved.epub "$(entries saved.epub | grep '^EPUB/text/' | head -1)" | grep -q 'banner' || false
}
