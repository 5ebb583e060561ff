#!/usr/bin/env bats
# End-to-end tests of `sheaf build` (issue 2): command line, a single interview, several
# articles, table of contents, metadata. Fixtures: tests/fixtures/build/ (see its README).
# Bad input: build-bad.bats. Splitting, links, images, styles, templates, reproducibility:
# build-layout.bats.

load build-helpers

# --- command line -----------------------------------------------------------------------------

@test "cli: --help, build --help and --version print to stdout and exit 0" {
    run "$SHEAF" --help
    [ "$status" -eq 0 ]
    has "build"
    run "$SHEAF" build --help
    [ "$status" -eq 0 ]
    has "Usage: sheaf build"
    has "--toc-depth"
    has "--template-dir"
    run "$SHEAF" --version
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^sheaf\ [0-9]+\.[0-9]+ ]]
}

@test "cli: usage errors exit 2 and say what is wrong" {
    run "$SHEAF"
    [ "$status" -eq 2 ]
    run "$SHEAF" frobnicate
    [ "$status" -eq 2 ]
    has "frobnicate"
    sb --no-such-option "$FIX/first.md" -o out.epub
    [ "$status" -eq 2 ]
    has "--no-such-option"
    no_file out.epub
    sb "$FIX/first.md"
    [ "$status" -eq 2 ]
    has "-o"
    sb -o out.epub
    [ "$status" -eq 2 ]
    has "input"
    sb --toc-depth lots "$FIX/first.md" -o out.epub
    [ "$status" -eq 2 ]
    has "--toc-depth"
    sb --style gaudy "$FIX/first.md" -o out.epub
    [ "$status" -eq 2 ]
    has "gaudy"
    sb "$FIX/first.md" -o
    [ "$status" -eq 2 ]
    no_file out.epub
    sb --date "last spring" "$FIX/first.md" -o out.epub
    [ "$status" -eq 2 ]
    has "last spring"
    no_file out.epub
}

@test "cli: empty metadata values and impossible dates are usage errors, not broken books" {
    for opt in --title --subtitle --author --publisher --description --rights --identifier; do
        sb "$opt" "" "$FIX/first.md" -o out.epub
        [ "$status" -eq 2 ] || { echo "$opt '': status $status: $output"; return 1; }
        has "$opt"
        no_file out.epub
    done
    sb --title "   " "$FIX/first.md" -o out.epub
    [ "$status" -eq 2 ]
    sb "$FIX/first.md" -o ""
    [ "$status" -eq 2 ]
    for d in 2024-02-30 2023-02-29 2024-04-31 2024-13 1900-02-29; do
        sb --date "$d" "$FIX/first.md" -o out.epub
        [ "$status" -eq 2 ] || { echo "--date $d: status $status"; return 1; }
        has "$d"
    done
    no_file out.epub
    sb --date 2024-02-29 "$FIX/first.md" -o leap.epub
    [ "$status" -eq 0 ]
    keep leap.epub
}

@test "cli: --verbose tells the time of each stage" {
    sb -v "$FIX/first.md" -o book.epub
    [ "$status" -eq 0 ]
    has "time: read"
    has "time: render"
    keep book.epub
}

@test "cli: .txt and .markdown inputs are read as Markdown" {
    cp "$FIX/second.md" harbour.txt
    cp "$FIX/first.md" ferry.markdown
    sb harbour.txt ferry.markdown -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local text
    text=$(for f in $(adocs book.epub); do entry book.epub "$f"; done)
    grep -q '<h1>Evening Harbour</h1>' <<<"$text"
    grep -q '<h2 id="the-harbour">The Harbour</h2>' <<<"$text"
    grep -q '<h1>Morning Ferry</h1>' <<<"$text"
    ! grep -q '## ' <<<"$text" || false
}

@test "cli: a book that cannot be built exits 1, a built one 0 with a summary line" {
    sb "$FIX/no-such-article.md" -o out.epub
    [ "$status" -eq 1 ]
    no_file out.epub
    sb "$FIX/first.md" -o out.epub
    [ "$status" -eq 0 ]
    [ -s out.epub ]
    has "wrote out.epub"
    keep out.epub
    sb -q "$FIX/first.md" -o quiet.epub
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "cli: a successful build replaces an existing file and leaves nothing else" {
    mkdir shelf
    echo "an older book" >shelf/book.epub
    sb "$FIX/second.md" -o shelf/book.epub
    [ "$status" -eq 0 ]
    [ "$(entry shelf/book.epub mimetype)" = "application/epub+zip" ]
    [ "$(ls -A shelf)" = book.epub ]
    keep shelf/book.epub
}

# --- a single interview -----------------------------------------------------------------------

@test "interview: the book holds the zip layout readers expect" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    [ "$(entries book.epub | head -n 1)" = mimetype ]
    [ "$(entry book.epub mimetype)" = "application/epub+zip" ]
    # mimetype is stored, not deflated
    unzip -v book.epub mimetype | grep -q ' Stored '
    entries book.epub | grep -qx META-INF/container.xml
    entries book.epub | grep -q 'toc\.ncx$'
}

@test "interview: sections flow in the article's one document with their headings, in order" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    mapfile -t d < <(adocs book.epub)
    local text=""
    for f in "${d[@]}"; do text+=$(entry book.epub "$f"); done
    # The article opening, then each section's heading, in the order of the file
    grep -q '<h1>Salt and Smoke</h1>' <<<"$text"
    local order
    order=$(grep -o 'id="\(firing\|the-first-night\|glaze\|ash\|closing\)"' <<<"$text" | tr '\n' ' ')
    [ "$order" = 'id="firing" id="the-first-night" id="glaze" id="ash" id="closing" ' ]
    # A short article is one document (issue 16: a new document at each section is a new page
    # on an e-reader); its three top-level sections are in it, and the toc leads to each
    [ "${#d[@]}" -eq 1 ]
    [ "$(xq book.epub "${d[0]}" 'count(//h2)')" -eq 3 ]
    local nav
    nav=$(docs book.epub | grep nav)
    for id in firing glaze closing; do
        [ "$(xq book.epub "$nav" "count(//nav[@id='toc']//a[contains(@href, '#$id')])")" -eq 1 ]
    done
    grep -q 'Mostly watching the smoke change colour.' <<<"$text"
    book_refs_ok book.epub
}

@test "interview: images are embedded with their media type and alt text" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local o png svg
    o=$(opf_path book.epub)
    png=$(xq book.epub "$o" "string(//manifest/item[@media-type='image/png']/@href)")
    # images are named by their content; the SVG is the one that is not the cover
    svg=$(xq book.epub "$o" "string(//manifest/item[@media-type='image/svg+xml' and not(@properties='cover-image')]/@media-type)")
    [ -n "$png" ]
    [ "$svg" = image/svg+xml ]
    # the PNG in the book is the fixture, byte for byte
    cmp <(entry book.epub "$(zip_resolve "$o" "$png")") "$FIX/img/kiln.png"
    local text
    text=$(for f in $(docs book.epub); do entry book.epub "$f"; done)
    grep -q 'alt="The kiln after the first night"' <<<"$text"
    grep -q 'alt="Three glaze test tiles"' <<<"$text"
    book_refs_ok book.epub
}

@test "interview: an image used twice is stored once" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    [ "$(entries book.epub | grep -c '\.png$')" -eq 1 ]
    local text
    text=$(for f in $(docs book.epub); do entry book.epub "$f"; done)
    [ "$(grep -o '<img [^>]*kiln[^>]*>' <<<"$text" | wc -l)" -eq 2 ]
}

@test "interview: raw HTML is kept as valid XHTML; scripts and handlers dropped, iframe a link" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f text
    text=$(for f in $(docs book.epub); do entry book.epub "$f"; done)
    # every document is well-formed XML (the <img> without '/>' was fixed)
    for f in $(docs book.epub); do entry book.epub "$f" | xmllint --noout -; done
    grep -q '<img src="[^"]*\.svg" alt="Three glaze test tiles"/>' <<<"$text"
    # the text inside the div survives, without obsolete align= or the onclick handler
    grep -q 'Tiles fired at cone ten.' <<<"$text"
    ! grep -qi 'onclick\|steal()\| align=' <<<"$text" || false
    ! grep -qi '<script\|tracking' <<<"$text" || false
    ! grep -qi '<iframe' <<<"$text" || false
    grep -q '<a href="https://video.example.net/embed/kiln-opening">' <<<"$text"
    # warnings name the file and line of what was removed or replaced
    has "interview.md:42: warning:"
    has "interview.md:44: warning:"
    has "https://video.example.net/embed/kiln-opening"
}

@test "raw HTML: the text after a void or dropped element is kept" {
    printf '# Raw\n\nA super<wbr>long word, one.\n\nLine<br>break, two.\n\nA box <input type="checkbox"> three.\n\nA movie <embed src="https://video.example.net/a.swf"> four.\n\nA picture <img src="https://images.example.net/p.png" alt="pic"> five.\n\n<table><tr><td align="right" bgcolor="#eee">six</td></tr></table>\n' >raw.md
    sb raw.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local body
    body=$(xq book.epub "$(adocs book.epub | head -n 1)" 'string(//body)')
    for word in one two three four five six; do
        grep -q "$word" <<<"$body" || { echo "'$word' is missing from: $body"; return 1; }
    done
    has "raw.md:9: warning:"
    has "https://video.example.net/a.swf"
}

@test "interview: footnotes link to their notes and back" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local text
    text=$(for f in $(docs book.epub); do entry book.epub "$f"; done)
    [ "$(grep -o 'epub:type="noteref"' <<<"$text" | wc -l)" -eq 2 ]
    [ "$(grep -o 'epub:type="footnote"' <<<"$text" | wc -l)" -eq 2 ]
    grep -q 'The door stays shut until the kiln is cool enough to touch.' <<<"$text"
    grep -q 'Ash glazes run; a kiln shelf catches what drips.' <<<"$text"
    # the [^wait] marker text itself does not leak into the book
    ! grep -q '\[^wait\]\|\[^ash\]' <<<"$text" || false
    book_refs_ok book.epub
}

@test "interview: a title page with title, subtitle, author and date starts the book" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local o tp first
    o=$(opf_path book.epub)
    tp=$(xq book.epub "$o" "string(//guide/reference[@type='title-page']/@href)")
    [ -n "$tp" ]
    tp=$(zip_resolve "$o" "$tp")
    run entry book.epub "$tp"
    has "Salt and Smoke"
    has "A potter on kilns, patience and glaze"
    has "Ilse Brandvold"
    # the date as the book's language writes it (issue 16)
    has "2 September 2024"
    # the title page comes before the article's text in the reading order
    local titlepos textpos
    titlepos=$(docs book.epub | grep -nxF "$tp" | cut -d: -f1)
    textpos=$(docs book.epub | grep -n 'text/' | head -n 1 | cut -d: -f1)
    [ "$titlepos" -lt "$textpos" ]
}

# --- several articles -------------------------------------------------------------------------

@test "several: articles appear in the order given, each opening with its title and byline" {
    sb "$FIX/second.md" "$FIX/first.md" "$FIX/third-stop_notes.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local text
    text=$(for f in $(docs book.epub); do entry book.epub "$f"; done)
    local order
    order=$(grep -o '<h1>[^<]*</h1>' <<<"$text" | grep -v 'Contents\|Sources' | tr '\n' '|')
    [[ "$order" == *'<h1>Evening Harbour</h1>|<h1>Morning Ferry</h1>|<h1>third stop notes</h1>|'* ]]
    grep -q 'class="byline">By Ada Quist<' <<<"$text"
    # the reverse order gives the reverse book
    sb "$FIX/first.md" "$FIX/second.md" -o book2.epub
    [ "$status" -eq 0 ]
    keep book2.epub
    text=$(for f in $(docs book2.epub); do entry book2.epub "$f"; done)
    order=$(grep -o '<h1>[^<]*</h1>' <<<"$text" | grep -v 'Contents\|Sources' | tr '\n' '|')
    [[ "$order" == *'<h1>Morning Ferry</h1>|<h1>Evening Harbour</h1>|'* ]]
}

@test "several: the same heading in two articles keeps working links" {
    sb "$FIX/first.md" "$FIX/second.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    # both articles have a 'Deck' section; both toc entries resolve
    local nav
    nav=$(zip_resolve "$(opf_path book.epub)" "$(xq book.epub "$(opf_path book.epub)" \
        "string(//manifest/item[contains(@properties,'nav')]/@href)")")
    [ "$(xattrs book.epub "$nav" '//nav[@*[name()="epub:type"]="toc"]//a/@href' | grep -c '#deck$')" -eq 2 ]
    book_refs_ok book.epub
}

@test "several: a link to another input file becomes a link inside the book" {
    sb "$FIX/first.md" "$FIX/second.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local first second
    first=$(adocs book.epub | head -n 1)
    run xattrs book.epub "$first" '//a/@href'
    lacks "second.md"
    # [the second essay](second.md) points at the document where 'Evening Harbour' opens
    local href target
    href=$(xq book.epub "$first" "string(//a[.='the second essay']/@href)")
    target=$(zip_resolve "$first" "${href%%#*}")
    entry book.epub "$target" | grep -q '<h1>Evening Harbour</h1>'
    # [further on](second.md#the-harbour) points at the heading
    href=$(xq book.epub "$first" "string(//a[.='further on']/@href)")
    [[ "$href" == *'#the-harbour' ]]
    target=$(zip_resolve "$first" "${href%%#*}")
    [ "$(xq book.epub "$target" "string(//*[@id='the-harbour'])")" = "The Harbour" ]
    book_refs_ok book.epub
}

# --- table of contents ------------------------------------------------------------------------

nav_of() {
    local o
    o=$(opf_path "$1")
    zip_resolve "$o" "$(xq "$1" "$o" "string(//manifest/item[contains(@properties,'nav')]/@href)")"
}

@test "toc: nested ol mirrors article -> sections; landmarks, toc.ncx and OPF guide present" {
    sb "$FIX/first.md" "$FIX/second.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local nav toc
    nav=$(nav_of book.epub)
    toc='//nav[@*[name()="epub:type"]="toc"]'
    # top level: one entry per article (plus back matter), second level: its sections
    [ "$(xq book.epub "$nav" "string($toc/ol/li[1]/a)")" != "" ]
    [[ "$(xq book.epub "$nav" "string($toc/ol/li[1]/a)")" == "Morning Ferry"* ]]
    [ "$(xq book.epub "$nav" "string($toc/ol/li[1]/ol/li[1]/a)")" = "Deck" ]
    [ "$(xq book.epub "$nav" "string($toc/ol/li[1]/ol/li[2]/a)")" = "Cabin" ]
    [[ "$(xq book.epub "$nav" "string($toc/ol/li[2]/a)")" == "Evening Harbour"* ]]
    [ "$(xq book.epub "$nav" "string($toc/ol/li[2]/ol/li[1]/a)")" = "The Harbour" ]
    # landmarks: title page, toc, start of the body
    local lm='//nav[@*[name()="epub:type"]="landmarks"]//a/@*[name()="epub:type"]'
    run xattrs book.epub "$nav" "$lm"
    has titlepage
    has toc
    has bodymatter
    # EPUB 2 toc.ncx, referenced from the spine, with the same entries
    local o ncx
    o=$(opf_path book.epub)
    ncx=$(xq book.epub "$o" "string(//manifest/item[@media-type='application/x-dtbncx+xml']/@href)")
    [ -n "$ncx" ]
    [ -n "$(xq book.epub "$o" 'string(//spine/@toc)')" ]
    ncx=$(zip_resolve "$o" "$ncx")
    [ "$(xq book.epub "$ncx" 'count(//navPoint/navPoint[navLabel/text="Deck"])')" -eq 2 ]
    # the OPF guide (Kindle) has the title page, toc and the start of the text
    run xattrs book.epub "$o" '//guide/reference/@type'
    has title-page
    has toc
    has text
}

@test "toc: entries follow the spine order" {
    sb "$FIX/second.md" "$FIX/interview.md" "$FIX/first.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local nav
    nav=$(nav_of book.epub)
    mapfile -t spine < <(docs book.epub)
    local last=0 href target pos
    while read -r href; do
        target=$(zip_resolve "$nav" "${href%%#*}")
        pos=$(printf '%s\n' "${spine[@]}" | grep -nxF "$target" | cut -d: -f1)
        [ -n "$pos" ] || { echo "toc entry $href is not in the spine"; return 1; }
        [ "$pos" -ge "$last" ] || { echo "toc entry $href comes before position $last"; return 1; }
        last=$pos
    done < <(xattrs book.epub "$nav" '//nav[@*[name()="epub:type"]="toc"]//a/@href')
    [ "$last" -gt 0 ]
}

@test "toc: --toc-depth sets how many section levels the toc lists" {
    sb "$FIX/interview.md" -o d2.epub
    [ "$status" -eq 0 ]
    keep d2.epub
    sb --toc-depth 3 "$FIX/interview.md" -o d3.epub
    [ "$status" -eq 0 ]
    keep d3.epub
    sb --toc-depth 1 "$FIX/interview.md" -o d1.epub
    [ "$status" -eq 0 ]
    keep d1.epub
    local toc='//nav[@*[name()="epub:type"]="toc"]'
    run xattrs d2.epub "$(nav_of d2.epub)" "$toc//a/@href"
    has "#glaze"
    lacks "#ash"
    run xattrs d3.epub "$(nav_of d3.epub)" "$toc//a/@href"
    has "#glaze"
    has "#ash"
    has "#the-first-night"
    run xattrs d1.epub "$(nav_of d1.epub)" "$toc//a/@href"
    has ".xhtml"
    lacks "#glaze"
    [ "$(xq d3.epub "$(nav_of d3.epub)" "count($toc//ol//ol//ol/li)")" -ge 2 ]
    book_refs_ok d3.epub
}

# --- metadata ---------------------------------------------------------------------------------

dc() { # dc BOOK NAME: the text of the first dc:NAME
    xq "$1" "$(opf_path "$1")" "string(//*[name()='dc:$2'])"
}

meta_prop() { # meta_prop BOOK PROPERTY: the values of <meta property=PROPERTY>, one a line
    xq "$1" "$(opf_path "$1")" "//meta[@property='$2']/text()"
}

@test "metadata: front matter fills the package document" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    [ "$(dc book.epub title)" = "Salt and Smoke" ]
    [ "$(dc book.epub creator)" = "Ilse Brandvold" ]
    [ "$(dc book.epub language)" = "en" ]
    [ "$(dc book.epub date)" = "2024-09-02" ]
    [ "$(dc book.epub description)" = "An interview with a wood-fire potter about the slow parts of her craft." ]
    run xq book.epub "$(opf_path book.epub)" '//*[name()="dc:subject"]/text()'
    has ceramics
    has craft
}

@test "metadata: command-line options override front matter" {
    sb --title "Kiln Book" --subtitle "Second edition" --author "A. One" --author "B. Two" \
        --lang nb --date 2025-01 --publisher "Ash Press" --description "About kilns." \
        --identifier "urn:isbn:9780000000002" --rights "CC BY 4.0" "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local o
    o=$(opf_path book.epub)
    [ "$(dc book.epub title)" = "Kiln Book" ]
    run xq book.epub "$o" '//*[name()="dc:title"]/text()'
    has "Second edition"
    run xq book.epub "$o" '//*[name()="dc:creator"]/text()'
    has "A. One"
    has "B. Two"
    lacks "Ilse Brandvold"
    [ "$(dc book.epub language)" = nb ]
    [ "$(dc book.epub date)" = 2025-01 ]
    [ "$(dc book.epub publisher)" = "Ash Press" ]
    [ "$(dc book.epub description)" = "About kilns." ]
    [ "$(dc book.epub identifier)" = "urn:isbn:9780000000002" ]
    [ "$(dc book.epub rights)" = "CC BY 4.0" ]
    # the unique-identifier points at it
    local uid
    uid=$(xq book.epub "$o" 'string(/package/@unique-identifier)')
    [ "$(xq book.epub "$o" "string(//*[@id='$uid'])")" = "urn:isbn:9780000000002" ]
    # an article without a language of its own is in the book's language; one that declares
    # its own (interview.md: lang en) keeps it
    local first
    first=$(adocs book.epub | head -n 1)
    [ "$(xq book.epub "$first" 'string(/html/@lang)')" = en ]
    sb --lang nb "$FIX/second.md" -o nb.epub
    [ "$status" -eq 0 ]
    keep nb.epub
    first=$(adocs nb.epub | head -n 1)
    [ "$(xq nb.epub "$first" 'string(/html/@lang)')" = nb ]
    [ "$(dc nb.epub language)" = nb ]
}

@test "metadata: title from front matter, else the first H1, else the file name" {
    printf -- '---\ntitle: From Front Matter\n---\n\n# From Heading\n\nText.\n' > fm.md
    printf '# From Heading\n\nText.\n' > h1.md
    printf 'Only text, no heading.\n' > the_file-name.md
    sb fm.md -o fm.epub
    [ "$status" -eq 0 ]
    keep fm.epub
    [ "$(dc fm.epub title)" = "From Front Matter" ]
    sb h1.md -o h1.epub
    [ "$status" -eq 0 ]
    keep h1.epub
    [ "$(dc h1.epub title)" = "From Heading" ]
    # the first H1 counts even after a picture and a date line (blog exports)
    cp "$FIX/img/kiln.png" hero.png
    printf '![The hero picture](hero.png)\n\n*March 3, 2024*\n\n# From a Later Heading\n\nText.\n' >later.md
    sb later.md -o later.epub
    [ "$status" -eq 0 ]
    keep later.epub
    [ "$(dc later.epub title)" = "From a Later Heading" ]
    run entry later.epub "$(adocs later.epub | head -n 1)"
    has 'alt="The hero picture"'
    has "March 3, 2024"
    sb the_file-name.md -o fn.epub
    [ "$status" -eq 0 ]
    keep fn.epub
    local t
    t=$(dc fn.epub title)
    # made readable: no extension, no underscores or hyphens
    [[ "$t" == *[Ff]ile* ]]
    [[ "$t" != *.md* && "$t" != *_* ]]
}

@test "metadata: several inputs without --title get a default title, not an error" {
    sb "$FIX/first.md" "$FIX/second.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local t
    t=$(dc book.epub title)
    [ -n "$t" ]
    [ "$t" != "Morning Ferry" ]
    sb --title "Crossings" "$FIX/first.md" "$FIX/second.md" -o titled.epub
    [ "$status" -eq 0 ]
    keep titled.epub
    [ "$(dc titled.epub title)" = "Crossings" ]
}

@test "metadata: --lang is validated as a BCP 47 tag with a clear error" {
    for bad in 'en_US!' 'english' '12' 'e'; do
        sb --lang "$bad" "$FIX/first.md" -o out.epub
        [ "$status" -eq 2 ]
        has "$bad"
        has "BCP 47"
        no_file out.epub
    done
    for good in en-GB pt-BR zh-Hant sr-Latn-RS; do
        sb --lang "$good" "$FIX/first.md" -o "ok-$good.epub"
        [ "$status" -eq 0 ]
        [ "$(dc "ok-$good.epub" language)" = "$good" ]
    done
    keep ok-zh-Hant.epub
}

@test "metadata: a malformed lang in front matter is an error naming the file and line" {
    printf -- '---\ntitle: Hello\nlang: "english please"\n---\n\n# Hello\n\nText.\n' > badlang.md
    sb badlang.md -o out.epub
    [ "$status" -eq 1 ]
    has "badlang.md:3:"
    has "english please"
    no_file out.epub
}

@test "metadata: the language defaults to en, never the C locale" {
    LC_ALL=C LANG=C run timeout 20 "$SHEAF" build "$FIX/second.md" -o c.epub
    [ "$status" -eq 0 ]
    keep c.epub
    [ "$(dc c.epub language)" = en ]
    run entry c.epub "$(adocs c.epub | head -n 1)"
    has 'xml:lang="en"'
    lacks 'lang="C"'
    LC_ALL=C.UTF-8 LANG=fr_FR.UTF-8 run timeout 20 "$SHEAF" build "$FIX/second.md" -o fr.epub
    [ "$status" -eq 0 ]
    [ "$(dc fr.epub language)" = en ]
}

@test "metadata: the identifier is stable across rebuilds and follows the content" {
    sb "$FIX/first.md" -o a.epub
    [ "$status" -eq 0 ]
    keep a.epub
    mkdir elsewhere
    (cd elsewhere && SOURCE_DATE_EPOCH=1800000000 timeout 20 "$SHEAF" build "$FIX/first.md" -o b.epub)
    local id
    id=$(dc a.epub identifier)
    [[ "$id" =~ ^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]
    [ "$(dc elsewhere/b.epub identifier)" = "$id" ]
    # named by a relative path from another folder: the same book
    (cd "$FIX" && timeout 20 "$SHEAF" build -q first.md -o "$BATS_TEST_TMPDIR/rel.epub")
    [ "$(dc rel.epub identifier)" = "$id" ]
    # a different article is a different book
    sb "$FIX/second.md" -o c.epub
    [ "$status" -eq 0 ]
    [ "$(dc c.epub identifier)" != "$id" ]
    # the NCX carries the same identifier
    local ncx
    ncx=$(entries a.epub | grep 'toc\.ncx$')
    [ "$(xq a.epub "$ncx" "string(//meta[@name='dtb:uid']/@content)")" = "$id" ]
}

@test "metadata: dcterms:modified comes from SOURCE_DATE_EPOCH" {
    SOURCE_DATE_EPOCH=1700000000 run timeout 20 "$SHEAF" build "$FIX/first.md" -o a.epub
    [ "$status" -eq 0 ]
    keep a.epub
    [ "$(meta_prop a.epub dcterms:modified)" = "2023-11-14T22:13:20Z" ]
    SOURCE_DATE_EPOCH=0 run timeout 20 "$SHEAF" build "$FIX/first.md" -o b.epub
    [ "$status" -eq 0 ]
    [ "$(meta_prop b.epub dcterms:modified)" = "1970-01-01T00:00:00Z" ]
    # without it: the current time, in UTC, to the second
    run env -u SOURCE_DATE_EPOCH timeout 20 "$SHEAF" build "$FIX/first.md" -o c.epub
    [ "$status" -eq 0 ]
    local m
    m=$(meta_prop c.epub dcterms:modified)
    [[ "$m" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
    [[ "$m" == "$(date -u +%Y)"-* ]]
    SOURCE_DATE_EPOCH=yesterday run timeout 20 "$SHEAF" build "$FIX/first.md" -o d.epub
    [ "$status" -ne 0 ]
    has SOURCE_DATE_EPOCH
    no_file d.epub
}

@test "metadata: EPUB Accessibility metadata is present" {
    sb "$FIX/interview.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    run meta_prop book.epub schema:accessMode
    has textual
    run meta_prop book.epub schema:accessModeSufficient
    has textual
    run meta_prop book.epub schema:accessibilityFeature
    has structuralNavigation
    has tableOfContents
    has readingOrder
    [ "$(meta_prop book.epub schema:accessibilityHazard)" = none ]
    [ -n "$(meta_prop book.epub schema:accessibilitySummary)" ]
}
