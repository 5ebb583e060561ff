#!/usr/bin/env bats
# End-to-end tests of `sheaf build` (issue 2): splitting large articles, links, images,
# stylesheets, templates, standard input and reproducible output.

load build-helpers

# --- splitting --------------------------------------------------------------------------------

# big_article FILE: a ~700 KB article whose one long section holds numbered paragraphs
# ("P12 start ... end P12."), 5-item lists and 2-paragraph quotes, with a level-3 heading
# in its middle and links to it from the start.
big_article() {
    awk 'BEGIN {
        filler = "";
        for (k = 0; k < 24; k++) filler = filler "the kiln keeps its own slow time, ash ";
        print "# Big Book\n";
        print "Go [to the marker](#deep-marker) or [to the end](#the-end).\n";
        print "## Long Section\n";
        for (i = 1; i <= 800; i++) {
            if (i == 400) print "### Deep Marker\n";
            if (i % 10 == 0) {
                for (k = 1; k <= 5; k++) printf "- list %d item %d\n", i, k;
                print "";
            } else if (i % 10 == 5) {
                printf "> quote %d first %s\n>\n> quote %d second\n\n", i, filler, i;
            } else {
                printf "P%d start %s end P%d.\n\n", i, filler, i;
            }
        }
        print "## The End\n";
        print "Back [to the marker](#deep-marker).";
    }' >"$1"
}

sum_count() { # sum_count BOOK XPATH: the XPath count summed over the article documents
    local f total=0 n
    for f in $(adocs "$1"); do
        n=$(xq "$1" "$f" "count($2)")
        total=$((total + n))
    done
    echo "$total"
}

@test "split: a large article becomes several documents, each under 300 KB" {
    big_article big.md
    [ "$(wc -c <big.md)" -gt 600000 ]
    sb big.md -o big.epub
    [ "$status" -eq 0 ]
    keep big.epub
    local f n=0 size
    for f in $(adocs big.epub); do
        size=$(entry big.epub "$f" | wc -c)
        [ "$size" -lt 307200 ] || { echo "$f is $size bytes"; return 1; }
        n=$((n + 1))
    done
    # the opening, at least three parts of the long section, the end
    [ "$n" -ge 5 ]
}

@test "split: never inside a paragraph, a list or a quote" {
    big_article big.md
    sb big.md -o big.epub
    [ "$status" -eq 0 ]
    keep big.epub
    # 800 blocks: 80 lists, 80 quotes, 640 paragraphs, each whole in one document
    [ "$(sum_count big.epub '//ul')" -eq 80 ]
    [ "$(sum_count big.epub '//ul[count(li)=5]')" -eq 80 ]
    [ "$(sum_count big.epub '//blockquote')" -eq 80 ]
    [ "$(sum_count big.epub '//blockquote[count(p)=2]')" -eq 80 ]
    local whole
    whole=$(for f in $(adocs big.epub); do entry big.epub "$f"; done |
        grep -o 'P[0-9]* start [^<]* end P[0-9]*\.' | awk '{ s = $1; e = $NF; sub(/\.$/, "", e); if (s == e) n++ } END { print n }')
    [ "$whole" -eq 640 ]
}

@test "split: links and toc entries still point at the right place" {
    big_article big.md
    sb --toc-depth 3 big.md -o big.epub
    [ "$status" -eq 0 ]
    keep big.epub
    book_refs_ok big.epub
    # the link at the start goes to the document holding the level-3 heading, which is not
    # the first part of the long section
    local first href target
    first=$(adocs big.epub | head -n 1)
    href=$(xq big.epub "$first" "string(//a[.='to the marker']/@href)")
    target=$(zip_resolve "$first" "${href%%#*}")
    [ "$(xq big.epub "$target" "string(//*[@id='deep-marker'])")" = "Deep Marker" ]
    [ "$(xq big.epub "$target" 'count(//h2)')" -eq 0 ]
    # the toc entry too
    local o nav
    o=$(opf_path big.epub)
    nav=$(zip_resolve "$o" "$(xq big.epub "$o" "string(//manifest/item[contains(@properties,'nav')]/@href)")")
    href=$(xq big.epub "$nav" "string(//a[.='Deep Marker']/@href)")
    [ "$(zip_resolve "$nav" "${href%%#*}")" = "$target" ]
}

@test "split: a single list too large for one document stays whole, with a warning" {
    awk 'BEGIN { f = ""; for (k = 0; k < 20; k++) f = f "lorem ipsum dolor sit amet ";
        print "# Big list\n\nBefore.\n"; for (i = 0; i < 800; i++) printf "- item %d %s\n", i, f;
        print "\nAfter." }' >biglist.md
    sb biglist.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    has "biglist.md:5: warning:"
    has "list"
    [ "$(sum_count book.epub '//ul')" -eq 1 ]
    [ "$(sum_count book.epub '//ul/li')" -eq 800 ]
    # a normal article gives no such warning
    sb "$FIX/interview.md" -o small.epub
    [ "$status" -eq 0 ]
    lacks "KB, and sheaf never splits"
}

# --- ids and links ----------------------------------------------------------------------------

@test "ids: repeated headings get unique ids and #links reach the right one" {
    sb "$FIX/repeats.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f dups all=""
    for f in $(adocs book.epub); do
        dups=$(xattrs book.epub "$f" '//@id' | sort | uniq -d)
        [ -z "$dups" ] || { echo "$f: repeated ids: $dups"; return 1; }
        all+=$(xattrs book.epub "$f" '//h2/@id | //h3/@id')$'\n'
    done
    # four headings called Notes, four different ids, across the article
    [ "$(grep -c . <<<"$all")" -eq 4 ]
    [ "$(grep . <<<"$all" | sort -u | wc -l)" -eq 4 ]
    book_refs_ok book.epub
    # [the first](#notes) goes to "First notes", [the second](#notes-1) to "Second notes"
    local last href target
    last=$(adocs book.epub | tail -n 1)
    href=$(xq book.epub "$last" "string(//a[.='the second']/@href)")
    target=$last
    [ -z "${href%%#*}" ] || target=$(zip_resolve "$last" "${href%%#*}")
    xq book.epub "$target" "string(//*[@id='${href#*#}']/following-sibling::p[1])" | grep -q 'Second notes'
}

@test "links: web and mail links stay, a bare domain gets https://, with a warning" {
    sb "$FIX/links.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    [ "$(xq book.epub "$f" "string(//a[.='web link']/@href)")" = "https://example.com/page" ]
    [ "$(xq book.epub "$f" "string(//a[.='mail link']/@href)")" = "mailto:editor@example.com" ]
    # written as browsers write it: an empty path is "/"
    [ "$(xq book.epub "$f" "string(//a[.='bare domain']/@href)")" = "https://example.org/" ]
    has "links.md:5: warning:"
    has "example.org"
}

@test "links: a link to a file that is not in the book keeps its text, with a warning" {
    sb "$FIX/links.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    [ "$(xq book.epub "$f" "count(//a[.='note file'])")" -eq 0 ]
    xq book.epub "$f" 'string(//body)' | grep -q 'A note file that is not part of the book'
    run xattrs book.epub "$f" '//@href'
    lacks "notes.md"
    sb "$FIX/links.md" -o book.epub
    has "links.md:7: warning:"
    has "notes.md"
    # with notes.md as an input too, the link is kept and leads into the book
    sb "$FIX/links.md" "$FIX/notes.md" -o both.epub
    [ "$status" -eq 0 ]
    keep both.epub
    f=$(adocs both.epub | head -n 1)
    [ -n "$(xq both.epub "$f" "string(//a[.='note file']/@href)")" ]
    book_refs_ok both.epub
}

@test "links: a #section link resolves inside the book" {
    sb "$FIX/links.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    book_refs_ok book.epub
    local f href
    f=$(adocs book.epub | head -n 1)
    href=$(xq book.epub "$f" "string(//a[.='jump']/@href)")
    [[ "$href" == *'#later' ]]
}

# --- images -----------------------------------------------------------------------------------

@test "images: a remote image becomes a link with its alt text, with a warning" {
    sb "$FIX/links.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    [ "$(xq book.epub "$f" "string(//a[@href='https://images.example.com/photo.jpg'])")" = "A remote photo" ]
    [ "$(xq book.epub "$f" 'count(//img[starts-with(@src,"http")])')" -eq 0 ]
    has "links.md:11: warning:"
    has "https://images.example.com/photo.jpg"
    # nothing remote in the package
    [ "$(opf book.epub | grep -c 'images.example.com')" -eq 0 ]
}

@test "images: a linked remote image keeps its alt text inside the outer link; links never nest" {
    printf '# Links\n\n[![The logo](https://img.example.com/logo.png)](https://example.com/home) and [a claim[^1] here](https://example.com/src).\n\n[^1]: The source.\n' >nested.md
    sb nested.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    # the outer link holds the image's alt text, and no <a> holds another <a>
    [ "$(xq book.epub "$f" "string(//a[@href='https://example.com/home'])")" = "The logo" ]
    [ "$(xq book.epub "$f" 'count(//a//a)')" -eq 0 ]
    # the note reference follows the link it was written in
    [ "$(xq book.epub "$f" "string(//a[@href='https://example.com/src'])")" = "a claim here" ]
    [ "$(xq book.epub "$f" "count(//a[@href='https://example.com/src']/following-sibling::a[1][@role='doc-noteref'])")" -eq 1 ]
    has "nested.md:3: warning:"
    "$SHEAF" check -q book.epub
}

@test "raw HTML: a dl indenting with dd alone (as web pages do) becomes divs, never an invalid list" {
    printf '# Lists\n\n<dl><dd>An indented line.</dd><dd>Another.</dd></dl>\n\n<dl><dt>Term</dt><dd>Its definition.</dd></dl>\n' >dl.md
    sb dl.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    [ "$(xq book.epub "$f" 'count(//dl)')" -eq 1 ]
    [ "$(xq book.epub "$f" 'count(//dd)')" -eq 1 ]
    xq book.epub "$f" 'string(//body)' | grep -q 'An indented line.'
    "$SHEAF" check -q book.epub
}

@test "images: a damaged image (a 14-byte GIF, a truncated PNG) is left out with a warning, its alt text kept" {
    printf 'GIF89a\001\000\001\000\000\000\000;' >tiny.gif
    head -c 60 "$FIX/img/kiln.png" >cut.png
    printf '# Damaged\n\nA ![tiny picture](tiny.gif) and ![cut picture](cut.png) here.\n' >damaged.md
    sb damaged.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    has "damaged.md:3: warning: image 'tiny.gif' is damaged: the GIF holds no image"
    has "image 'cut.png' is damaged: the file ends inside its data"
    # (the generated cover is the book's only picture)
    [ "$(entries book.epub | grep -c '^EPUB/images/.*\.\(gif\|png\)$')" -eq 0 ]
    local f
    f=$(adocs book.epub | head -n 1)
    xq book.epub "$f" 'string(//body)' | grep -q 'tiny picture'
    "$SHEAF" check -q book.epub
}

@test "images: a missing image leaves its alt text and one warning naming file and line" {
    sb "$FIX/links.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    xq book.epub "$f" 'string(//body)' | grep -q 'A missing drawing'
    [ "$(xq book.epub "$f" 'count(//img[contains(@src,"nowhere")])')" -eq 0 ]
    [ "$(grep -c 'nowhere.png' <<<"$output")" -eq 1 ]
    has "links.md:13: warning:"
    book_refs_ok book.epub
}

@test "images: the media type comes from the bytes; the same bytes are stored once" {
    mkdir pics
    cp "$FIX/img/kiln.png" pics/mislabelled.jpg
    cp "$FIX/img/kiln.png" pics/again.png
    # a 1x1 GIF
    printf 'GIF89a\001\000\001\000\200\000\000\000\000\000\377\377\377!\371\004\001\000\000\000\000,\000\000\000\000\001\000\001\000\000\002\002D\001\000;' >pics/dot.gif
    printf '# Pictures\n\n![one](pics/mislabelled.jpg)\n\n![two](pics/again.png)\n\n![dot](pics/dot.gif)\n\n![one again](pics/mislabelled.jpg)\n' >pics.md
    sb pics.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local o
    o=$(opf_path book.epub)
    [ "$(xq book.epub "$o" 'count(//manifest/item[@media-type="image/png"])')" -eq 1 ]
    # (the one JPEG is the generated cover's raster copy)
    [ "$(xq book.epub "$o" 'count(//manifest/item[@media-type="image/jpeg" and not(@properties="cover-image")])')" -eq 0 ]
    [ "$(xq book.epub "$o" 'count(//manifest/item[@media-type="image/gif"])')" -eq 1 ]
    local f
    f=$(adocs book.epub | head -n 1)
    [ "$(xq book.epub "$f" 'count(//img)')" -eq 4 ]
    book_refs_ok book.epub
}

# --- styles and templates ---------------------------------------------------------------------

@test "style: --css adds a stylesheet after the default one" {
    printf 'p { text-indent: 0; }\n/* sheaf-e2e user style */\n' >mine.css
    sb --css mine.css "$FIX/first.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    mapfile -t sheets < <(xattrs book.epub "$f" '//link[@rel="stylesheet"]/@href')
    [ "${#sheets[@]}" -eq 2 ]
    # the user's sheet comes last, so its rules win; it is the file, byte for byte
    cmp <(entry book.epub "$(zip_resolve "$f" "${sheets[1]}")") mine.css
    ! cmp -s <(entry book.epub "$(zip_resolve "$f" "${sheets[0]}")") mine.css || false
    # a missing --css file is a usage error naming it
    sb --css missing.css "$FIX/first.md" -o nothing.epub
    [ "$status" -eq 2 ]
    has "missing.css"
    no_file nothing.epub
}

@test "style: --style plain sets almost nothing, default is the book style" {
    sb --style plain "$FIX/interview.md" -o plain.epub
    [ "$status" -eq 0 ]
    keep plain.epub
    sb "$FIX/interview.md" -o default.epub
    [ "$status" -eq 0 ]
    sb --style default "$FIX/interview.md" -o default2.epub
    [ "$status" -eq 0 ]
    cmp default.epub default2.epub
    local f css_plain css_default
    f=$(adocs plain.epub | head -n 1)
    css_plain=$(zip_resolve "$f" "$(xattrs plain.epub "$f" '//link[@rel="stylesheet"]/@href' | head -n 1)")
    f=$(adocs default.epub | head -n 1)
    css_default=$(zip_resolve "$f" "$(xattrs default.epub "$f" '//link[@rel="stylesheet"]/@href' | head -n 1)")
    [ "$(entry plain.epub "$css_plain" | wc -c)" -lt "$(entry default.epub "$css_default" | wc -c)" ]
    # the plain style leaves fonts, margins and hyphenation to the reader
    local rules
    rules=$(entry plain.epub "$css_plain" | tr '\n' ' ' | sed -e 's#/\*[^*]*\*/##g')
    [[ "$rules" == *'{'* ]]
    ! grep -q 'font-family\|hyphens\|text-align\|text-indent\|body *{' <<<"$rules" || false
    entry default.epub "$css_default" | grep -q 'hyphens'
}

@test "templates: --template-dir uses the user's template, sheaf's for the others" {
    mkdir tpl
    cat >tpl/chapter.xhtml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"
      xmlns:s="urn:sheaf:template">
  <head>
    <meta charset="utf-8"/>
    <title><s:slot name="title"/></title>
    <s:slot name="stylesheets"/>
  </head>
  <body>
    <article class="my-chapter">
      <s:slot name="body"/>
      <p class="my-colophon">Set by hand in the e2e test.</p>
    </article>
  </body>
</html>
EOF
    sb --template-dir tpl "$FIX/first.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    for f in $(adocs book.epub); do
        [ "$(xq book.epub "$f" 'count(//article[@class="my-chapter"])')" -eq 1 ]
        [ "$(xq book.epub "$f" 'string(//p[@class="my-colophon"])')" = "Set by hand in the e2e test." ]
    done
    # the template's namespace leaves no trace
    ! entry book.epub "$(adocs book.epub | head -n 1)" | grep -q 'urn:sheaf:template' || false
    # the article text is in it
    entry book.epub "$(adocs book.epub | head -n 1)" | grep -q 'The ferry leaves at six.'
    # the title page is still sheaf's own
    local tp
    tp=$(docs book.epub | grep -i title | head -n 1)
    [ -n "$tp" ]
    ! entry book.epub "$tp" | grep -q my-colophon || false
}

@test "templates: a user nav and NCX template get every toc entry, nested, where their slots are" {
    mkdir tpl
    cat >tpl/nav.xhtml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"
      xmlns:s="urn:sheaf:template">
  <head>
    <meta charset="utf-8"/>
    <title><s:slot name="toc-title"/></title>
    <s:slot name="stylesheets"/>
  </head>
  <body>
    <section class="my-nav">
      <nav epub:type="toc" id="toc">
        <h1>My contents</h1>
        <s:slot name="toc"/>
      </nav>
      <p class="my-after">after the list</p>
    </section>
    <nav epub:type="landmarks" id="landmarks" hidden="hidden">
      <h2><s:slot name="landmarks-title"/></h2>
      <s:slot name="landmarks"/>
    </nav>
  </body>
</html>
EOF
    cat >tpl/toc.ncx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" xmlns:s="urn:sheaf:template" version="2005-1">
  <head><s:slot name="head"/></head>
  <docTitle><text><s:slot name="title"/></text></docTitle>
  <navMap><s:slot name="navmap"/></navMap>
</ncx>
EOF
    sb --template-dir tpl "$FIX/first.md" "$FIX/interview.md" "$FIX/second.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local nav ncx
    nav=$(docs book.epub | grep nav)
    ncx=$(dirname "$nav")/toc.ncx
    # the list sits where the slot is, inside the user's own elements
    [ "$(xq book.epub "$nav" 'count(//section[@class="my-nav"]/nav/ol)')" -eq 1 ]
    [ "$(xq book.epub "$nav" 'string(//section[@class="my-nav"]/nav/h1)')" = "My contents" ]
    [ "$(xq book.epub "$nav" 'string(//section[@class="my-nav"]/p)')" = "after the list" ]
    # one entry per article at the top (no sources page: none of them gives a source),
    # sections nested under them
    [ "$(xq book.epub "$nav" 'count(//section[@class="my-nav"]/nav/ol/li)')" -eq 3 ]
    [ "$(xq book.epub "$nav" 'string(//section[@class="my-nav"]/nav/ol/li[2]/a)')" = \
        "Salt and Smoke by Ilse Brandvold" ]
    [ "$(xq book.epub "$nav" 'count(//section[@class="my-nav"]/nav/ol/li/ol/li)')" -ge 1 ]
    # the NCX lists the same targets in the same order, nested the same way
    local toc_hrefs ncx_srcs
    toc_hrefs=$(xattrs book.epub "$nav" '//nav[@id="toc"]//a/@href')
    ncx_srcs=$(xattrs book.epub "$ncx" '//navPoint/content/@src')
    [ -n "$toc_hrefs" ]
    [ "$toc_hrefs" = "$ncx_srcs" ]
    [ "$(xq book.epub "$ncx" 'count(/ncx/navMap/navPoint)')" -eq 3 ]
    # every document is in the manifest once and in the spine in reading order
    [ "$(xq book.epub "$(opf_path book.epub)" 'count(//manifest/item)')" -eq "$(entries book.epub |
        grep -vc '^mimetype$\|^META-INF/\|\.opf$\|/$')" ]
    run "$SHEAF" check book.epub
    [ "$status" -eq 0 ]
}

@test "templates: a template that uses sheaf's own list placeholder is refused, naming it" {
    mkdir tpl
    sed -e 's#<s:slot name="navmap"/>#<s:slot name="navmap"/><?sheaf-list-here navmap?>#' \
        "$BATS_TEST_DIRNAME/../templates/toc.ncx" >tpl/toc.ncx
    grep -q 'sheaf-list-here' tpl/toc.ncx
    sb --template-dir tpl "$FIX/first.md" -o book.epub
    [ "$status" -eq 1 ]
    has "sheaf-list-here"
    no_file book.epub
}

@test "templates: a package.opf template without a manifest slot is an error that says what to add" {
    mkdir tpl
    grep -v 'name="manifest"' "$BATS_TEST_DIRNAME/../templates/package.opf" >tpl/package.opf
    sb --template-dir tpl "$FIX/first.md" -o book.epub
    [ "$status" -eq 2 ]
    has 's:slot name="manifest"'
    no_file book.epub
}

@test "templates: a --template-dir that does not exist is an error, not silently ignored" {
    sb --template-dir no-such-templates "$FIX/first.md" -o book.epub
    [ "$status" -eq 2 ]
    has "no-such-templates"
    no_file book.epub
}

@test "templates: a template that is not well-formed is an error naming it" {
    mkdir tpl
    printf '<html xmlns="http://www.w3.org/1999/xhtml">\n<body>\n<p>unclosed\n</body>\n</html>\n' >tpl/chapter.xhtml
    sb --template-dir tpl "$FIX/first.md" -o book.epub
    [ "$status" -eq 2 ]
    has "chapter.xhtml"
    no_file book.epub
}

# --- standard input ---------------------------------------------------------------------------

@test "stdin: '-' reads the article from standard input" {
    run timeout 20 "$SHEAF" build - -o book.epub <"$FIX/first.md"
    [ "$status" -eq 0 ]
    keep book.epub
    [ "$(xq book.epub "$(opf_path book.epub)" "string(//*[name()='dc:title'])")" = "Morning Ferry" ]
    entry book.epub "$(adocs book.epub | head -n 1)" | grep -q 'The ferry leaves at six.'
    # with a file after it, in that order
    run timeout 20 "$SHEAF" build - "$FIX/first.md" -o two.epub <"$FIX/second.md"
    [ "$status" -eq 0 ]
    keep two.epub
    local text
    text=$(for f in $(adocs two.epub); do entry two.epub "$f"; done)
    [[ "$(grep -o '<h1>[^<]*</h1>' <<<"$text" | tr '\n' '|')" == '<h1>Evening Harbour</h1>|<h1>Morning Ferry</h1>|'* ]]
}

# --- reproducibility --------------------------------------------------------------------------

@test "reproducible: two builds with the same SOURCE_DATE_EPOCH are byte-identical" {
    sb "$FIX/interview.md" "$FIX/first.md" -o a.epub
    [ "$status" -eq 0 ]
    keep a.epub
    sleep 1
    mkdir other
    (cd other && timeout 20 "$SHEAF" build -q "$FIX/interview.md" "$FIX/first.md" -o b.epub)
    cmp a.epub other/b.epub
    # the date is in the book: another SOURCE_DATE_EPOCH gives other bytes
    SOURCE_DATE_EPOCH=1600000000 run timeout 20 "$SHEAF" build "$FIX/interview.md" "$FIX/first.md" -o c.epub
    [ "$status" -eq 0 ]
    ! cmp -s a.epub c.epub || false
}

@test "reproducible: the time zone does not change the bytes" {
    TZ=America/New_York run timeout 20 "$SHEAF" build "$FIX/interview.md" -o ny.epub
    [ "$status" -eq 0 ]
    keep ny.epub
    TZ=Asia/Tokyo run timeout 20 "$SHEAF" build "$FIX/interview.md" -o tokyo.epub
    [ "$status" -eq 0 ]
    TZ=UTC run timeout 20 "$SHEAF" build "$FIX/interview.md" -o utc.epub
    [ "$status" -eq 0 ]
    # POSIX zone rules, for machines without tzdata: 11 hours west, 13 hours east
    TZ=XST+11 run timeout 20 "$SHEAF" build "$FIX/interview.md" -o west.epub
    [ "$status" -eq 0 ]
    TZ=YST-13 run timeout 20 "$SHEAF" build "$FIX/interview.md" -o east.epub
    [ "$status" -eq 0 ]
    cmp ny.epub tokyo.epub
    cmp ny.epub utc.epub
    cmp west.epub east.epub
    cmp west.epub utc.epub
    # the zip entries carry the SOURCE_DATE_EPOCH time (2023-11-14 22:13 UTC)
    TZ=UTC unzip -l utc.epub | grep -q '2023-11-14 22:13 *mimetype'
}

@test "reproducible: the number of worker threads changes neither the bytes nor the messages" {
    sb -j 1 "$FIX/interview.md" "$FIX/links.md" "$FIX/first.md" "$FIX/second.md" -o one.epub
    [ "$status" -eq 0 ]
    keep one.epub
    local one=${output%sheaf: wrote*}
    sb -j 4 "$FIX/interview.md" "$FIX/links.md" "$FIX/first.md" "$FIX/second.md" -o four.epub
    [ "$status" -eq 0 ]
    cmp one.epub four.epub
    [ "${output%sheaf: wrote*}" = "$one" ]
    # messages come in the order of the inputs
    [[ "$one" == *interview.md*links.md* ]]
}
