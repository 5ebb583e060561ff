#!/usr/bin/env bats
# End-to-end tests of web pages as input (issue 13): encodings, HTML5 parsing, images saved
# beside a page, lazy images, Reader View's extraction and metadata, hostile pages. Fixtures:
# tests/fixtures/html/ (pages written for the project; see its README).

load build-helpers

HTML="$SHEAF_FIXTURES/html"

# The reading text of a book's articles (every article document, in spine order), with the
# whitespace of the XHTML collapsed.
book_text() {
    local d
    for d in $(adocs "$1"); do
        entry "$1" "$d" | sed -e 's/ xmlns="[^"]*"//' |
            xmllint --xpath 'string(//body)' - 2>/dev/null
        echo
    done | tr -s ' \n\t' ' '
}

# sheaf's own checker finds nothing in BOOK.
checked() {
    run "$SHEAF" check "$1"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

# --- the article, as Reader View finds it ----------------------------------------------------

@test "html: a news page becomes its article: no menu, share buttons, related links or comments" {
    sb "$HTML/news.html" -o news.epub
    [ "$status" -eq 0 ]
    text=$(book_text news.epub)
    # the article, whole: first and last paragraph, the quote, the section heading
    [[ $text == *"For forty years the brick kiln behind number 12 Harbour Street"* ]]
    [[ $text == *"and no more Thursdays."* ]]
    [[ $text == *"let you work out your part in it."* ]]
    # and nothing of the site around it
    for junk in Subscribe Obituaries "Share on Twitter" "Email this story" "Related stories" \
        "Market hall to reopen" "Post comment" "Write a comment" "Lovely piece" "Most read" \
        "All rights reserved" "Bypass delayed"; do
        [[ $text != *"$junk"* ]] || { echo "'$junk' is in the book"; return 1; }
    done
    doc=$(adocs news.epub | head -1)
    all=$(for d in $(adocs news.epub); do entry news.epub "$d"; done)
    [[ $all == *"<blockquote><p>She never told you"* ]]
    [[ $all == *">A town that learned to make things</h2>"* ]]
    # the headline is the title, shown once (in the opening), not again in the text
    [ "$(xq news.epub "$doc" 'count(//h1)')" = 1 ]
    # the image saved beside the page is in the book, its caption under it (a figure, issue 16)
    src=$(xq news.epub "$doc" 'string(//img[@alt="The workbench beside the kiln, covered in clay dust"]/@src)')
    entries news.epub | grep -qx "EPUB/images/${src##*/}"
    [ "$(xq news.epub "$doc" 'string(//figure[img[@alt="The workbench beside the kiln, covered in clay dust"]]/figcaption)')" = "The workbench where Agnes Pell has thrown pots since 1984." ]
    book_refs_ok news.epub
    checked news.epub
    keep news.epub
}

@test "html: the page's metadata fills the opening and the package as front matter would" {
    sb "$HTML/news.html" -o news.epub
    [ "$status" -eq 0 ]
    o=$(opf_path news.epub)
    [ "$(xq news.epub "$o" 'string(//*[name()="dc:title"])')" = "The last kiln on Harbour Street" ]
    # JSON-LD's two authors, each a creator
    [ "$(xq news.epub "$o" 'string(//*[name()="dc:creator"][1])')" = "Ines Marlow" ]
    [ "$(xq news.epub "$o" 'string(//*[name()="dc:creator"][2])')" = "Tobias Venn" ]
    [ "$(xq news.epub "$o" 'string(//*[name()="dc:date"])')" = "2024-05-14" ]
    [ "$(xq news.epub "$o" 'string(//*[name()="dc:language"])')" = "en-GB" ]
    [ "$(xq news.epub "$o" 'string(//*[name()="dc:publisher"])')" = "The Millbrook Courier" ]
    [ "$(xq news.epub "$o" 'string(//*[name()="dc:source"])')" = "https://courier.example/2024/05/last-kiln" ]
    [[ $(xq news.epub "$o" 'string(//*[name()="dc:description"])') == "After forty years"* ]]
    doc=$(adocs news.epub | head -1)
    [ "$(xq news.epub "$doc" 'string(//header/p[@class="byline"])')" = "By Ines Marlow and Tobias Venn" ]
    # without JSON-LD: the author meta tag, the published time, the <title> without the site
    sb "$HTML/interview.html" -o iv.epub
    [ "$status" -eq 0 ]
    o=$(opf_path iv.epub)
    [ "$(xq iv.epub "$o" 'string(//*[name()="dc:title"])')" = "Interview: Rosa Ekdahl on slow radio" ]
    [ "$(xq iv.epub "$o" 'string(//*[name()="dc:creator"])')" = "Will Okonkwo" ]
    [ "$(xq iv.epub "$o" 'string(//*[name()="dc:date"])')" = "2023-09-02" ]
    # command-line options still win
    sb --title "Kiln" --author "Someone Else" "$HTML/news.html" -o over.epub
    [ "$status" -eq 0 ]
    keep over.epub
    o=$(opf_path over.epub)
    [ "$(xq over.epub "$o" 'string(//*[name()="dc:title"])')" = "Kiln" ]
    [ "$(xq over.epub "$o" 'count(//*[name()="dc:creator"])')" = 1 ]
    keep iv.epub
}

@test "html: an interview page with bold names and question headings reads as an interview" {
    sb "$HTML/interview.html" -o iv.epub
    [ "$status" -eq 0 ]
    all=$(for d in $(adocs iv.epub); do entry iv.epub "$d"; done)
    turns=$(grep -o '<div class="turn[^"]*"><p><span class="speaker">' <<<"$all" | wc -l)
    [ "$turns" -eq 8 ] || { echo "$turns turns"; return 1; }
    [[ $all == *'<span class="speaker">Rosa Ekdahl</span>'* ]]
    [[ $all == *">How did you start making radio?</h2>"* ]]
    [[ $all == *">What does silence do in a documentary?</h2>"* ]]
    [[ $all == *'class="cast"'* ]]
    # the questions are the table of contents
    nav=$(entry iv.epub EPUB/nav.xhtml)
    [[ $nav == *"How did you start making radio?"* ]]
    [[ $(book_text iv.epub) != *"Field Notes Magazine, 2023"* ]]
    keep iv.epub
}

@test "html: a right-to-left page keeps its language and direction" {
    sb "$HTML/rtl.html" -o rtl.epub
    [ "$status" -eq 0 ]
    doc=$(adocs rtl.epub | head -1)
    [ "$(xq rtl.epub "$doc" 'string(/html/@dir)')" = "rtl" ]
    [ "$(xq rtl.epub "$doc" 'string(/html/@lang)')" = "ar" ]
    [ "$(xq rtl.epub "$(opf_path rtl.epub)" 'string(//*[name()="dc:language"])')" = "ar" ]
    text=$(book_text rtl.epub)
    [[ $text == *"في صباح يوم بارد"* ]]
    [[ $text != *"الرئيسية"* ]] # the menu
    checked rtl.epub
    keep rtl.epub
    # a page that states no language: its script says Arabic, written right to left
    sed -e 's/ lang="ar" dir="rtl"//' "$HTML/rtl.html" >nolang.html
    sb nolang.html -o nolang.epub
    [ "$status" -eq 0 ]
    keep nolang.epub
    [ "$(xq nolang.epub "$(opf_path nolang.epub)" 'string(//*[name()="dc:language"])')" = "ar" ]
    [ "$(xq nolang.epub "$(adocs nolang.epub | head -1)" 'string(/html/@dir)')" = "rtl" ]
}

@test "html: a page with no article is named and left out, never an empty chapter" {
    sb "$HTML/empty.html" -o empty.epub
    [ "$status" -eq 1 ]
    has "empty.html"
    has "no article"
    no_file empty.epub
    sb --keep-going "$HTML/empty.html" "$HTML/rtl.html" -o kept.epub
    [ "$status" -eq 0 ]
    has "empty.html"
    has "left out"
    [ "$(adocs kept.epub | wc -l)" -eq 1 ]
    keep kept.epub
    # --extract=off keeps what extraction removes
    sb --extract=off "$HTML/news.html" -o whole.epub
    [ "$status" -eq 0 ]
    keep whole.epub
    [[ $(book_text whole.epub) == *"Subscribe"* ]]
    sb --extract=sometimes "$HTML/news.html" -o x.epub
    [ "$status" -eq 2 ]
}

# --- bytes to text ---------------------------------------------------------------------------

@test "html: a windows-1252 page that declares nothing reads as windows-1252" {
    sb --extract=off "$HTML/cp1252.html" -o cafe.epub
    [ "$status" -eq 0 ]
    text=$(book_text cafe.epub)
    [[ $text == *"“menu du jour” at the café"* ]]
    [[ $text == *"costs €12"* ]]
    [[ $text == *"Crème brûlée, pâté"* ]]
    [[ $text == *"waiter – who"* ]]
    checked cafe.epub
    keep cafe.epub
}

@test "html: a UTF-8 page that declares ISO-8859-1 is not garbled" {
    sb --extract=off "$HTML/utf8-declares-latin1.html" -o zoe.epub
    [ "$status" -eq 0 ]
    text=$(book_text zoe.epub)
    [[ $text == *"Zoë wrote her first résumé at fourteen — a single page"* ]]
    [[ $text == *"euros (€)"* ]]
    [[ $text == *"日本語のメニューもあります。"* ]]
    [[ $text != *"Ã"* ]]
    [ "$(xq zoe.epub "$(opf_path zoe.epub)" 'string(//*[name()="dc:title"])')" = "Zoë’s naïve résumé" ]
    keep zoe.epub
}

@test "html: a page in UTF-16 with its byte-order mark is read" {
    printf '\xff\xfe' >u16.html
    printf '<html><head><title>Sixteen</title></head><body><p>Wide characters, two bytes each: €.</p></body></html>' |
        iconv -f UTF-8 -t UTF-16LE >>u16.html
    sb --extract=off u16.html -o u16.epub
    [ "$status" -eq 0 ]
    [[ $(book_text u16.epub) == *"Wide characters, two bytes each: €."* ]]
    keep u16.epub
}

# --- parsing as a browser does ---------------------------------------------------------------

@test "html: the HTML5 tree builder's cases: figure in p, picture, &copy without ;, after </body>" {
    sb --extract=off "$HTML/html5-trees.html" -o trees.epub
    [ "$status" -eq 0 ]
    doc=$(adocs trees.epub | head -1)
    # the figure follows the paragraph it interrupted: its image, then its caption (a <figure>
    # with its <figcaption>, issue 16)
    [ "$(xq trees.epub "$doc" 'string(//figure[img[@alt="A small kiln"]]/preceding-sibling::p[1])')" = \
        "A figure cannot sit inside a paragraph, so the browser closes the paragraph first." ]
    [ "$(xq trees.epub "$doc" 'string(//figure[img[@alt="A small kiln"]]/figcaption)')" = \
        "The figure after the paragraph." ]
    [[ $(xq trees.epub "$doc" 'string(//p[contains(., "This sentence follows")])') == "This sentence follows the figure, outside any paragraph." ]]
    # <img> after <source> in <picture> is an image, not lost inside the source
    [ "$(xq trees.epub "$doc" 'string(//img[@alt="The image after a source"]/@alt)')" = "The image after a source" ]
    text=$(book_text trees.epub)
    [[ $text == *"© 1999 and © 2024"* ]]
    [[ $text == *"came after the end of the document"* ]]
    book_refs_ok trees.epub
    keep trees.epub
}

@test "html: raw HTML in Markdown goes through the same HTML5 parser" {
    cat >raw.md <<'EOF'
# Raw

<p>Before<figure><img src="kiln.png" alt="Kiln"></figure>after &copy 2024</p>

<picture><source srcset="none.webp"><img src="kiln.png" alt="Picture kiln"></picture>
EOF
    cp "$FIX/img/kiln.png" .
    sb raw.md -o raw.epub
    [ "$status" -eq 0 ]
    doc=$(adocs raw.epub | head -1)
    [ "$(xq raw.epub "$doc" 'count(//p/figure)')" = 0 ]
    [ "$(xq raw.epub "$doc" 'count(//figure/img)')" = 1 ]
    [ "$(xq raw.epub "$doc" 'count(//img[@alt="Picture kiln"])')" = 1 ]
    [[ $(book_text raw.epub) == *"after © 2024"* ]]
    keep raw.epub
}

# --- images and links ------------------------------------------------------------------------

@test "html: images saved beside the page (NAME_files/) are embedded, lazy ones too" {
    sb --extract=off "$HTML/lazy.html" -o lazy.epub
    [ "$status" -eq 0 ]
    lacks "warning"
    doc=$(adocs lazy.epub | head -1)
    # data-src, the largest srcset candidate, the noscript fallback, the picture's image
    for alt in "A large workbench" "A workbench in two sizes" "The fallback image" \
        "The picture element's image"; do
        src=$(xq lazy.epub "$doc" "string(//img[@alt=\"$alt\"]/@src)")
        [ -n "$src" ] || { echo "no image '$alt'"; return 1; }
        entries lazy.epub | grep -qx "EPUB/images/${src##*/}"
    done
    # the srcset's largest candidate is the large file (the same bytes as data-src's)
    [ "$(xq lazy.epub "$doc" 'string(//img[@alt="A workbench in two sizes"]/@src)')" = \
        "$(xq lazy.epub "$doc" 'string(//img[@alt="A large workbench"]/@src)')" ]
    # no placeholder GIF
    [ "$(xq lazy.epub "$doc" 'count(//img)')" = 4 ]
    book_refs_ok lazy.epub
    checked lazy.epub
    keep lazy.epub
}

@test "html: links resolve against the page's address; unsafe schemes lose their link" {
    cat >links.html <<'EOF'
<html><head><title>Links</title><link rel="canonical" href="https://site.example/a/page.html"></head>
<body><p>See <a href="../b/other.html">the other page</a>, <a href="javascript:alert(1)">a script</a>,
<a href="mailto:desk@site.example">the desk</a> and <a href="#part-2">part two</a>.</p>
<p>Image on the web only: <img src="photos/far.jpg" alt="A far photo">.</p>
<h2 id="part-2">Part two</h2><p>The end.</p></body></html>
EOF
    sb --extract=off links.html -o links.epub
    [ "$status" -eq 0 ]
    doc=$(adocs links.epub | head -1)
    [ "$(xq links.epub "$doc" 'string(//a[.="the other page"]/@href)')" = "https://site.example/b/other.html" ]
    [ "$(xq links.epub "$doc" 'count(//a[contains(@href, "javascript")])')" = 0 ]
    [[ $(book_text links.epub) == *"a script"* ]]
    [ "$(xq links.epub "$doc" 'string(//a[.="the desk"]/@href)')" = "mailto:desk@site.example" ]
    # the remote image is a link with its alt text
    [ "$(xq links.epub "$doc" 'string(//a[.="A far photo"]/@href)')" = "https://site.example/a/photos/far.jpg" ]
    # the in-page link leads to the heading, wherever the chapter cut put it
    href=$(xattrs links.epub "$doc" '//a[.="part two"]/@href')
    [[ $href == *"#part-2" ]]
    book_refs_ok links.epub
    # the page's address is the article's source
    [[ $(opf links.epub) == *"https://site.example/a/page.html"* ]]
    keep links.epub
}

@test "html: data tables become the book's tables; one with spanning cells stays a sanitised table" {
    sb "$HTML/tables.html" -o tables.epub
    [ "$status" -eq 0 ]
    doc=$(adocs tables.epub | head -1)
    [ "$(xq tables.epub "$doc" 'count(//table)')" = 2 ]
    # the simple one: its header row, its alignment, its inline formatting, a full last row
    [ "$(xq tables.epub "$doc" 'string((//table)[1]/thead/tr/th[2])')" = "°C" ]
    [ "$(xq tables.epub "$doc" 'string((//table)[1]/thead/tr/th[2]/@class)')" = "align-right" ]
    [ "$(xq tables.epub "$doc" 'string((//table)[1]/tbody/tr[1]/td[3]/em)')" = "cherry" ]
    [ "$(xq tables.epub "$doc" 'string((//table)[1]/tbody/tr[3]/td[3])')" = "yellow white" ]
    [ "$(xq tables.epub "$doc" 'count((//table)[1]/tbody/tr[4]/td)')" = 3 ]
    # its caption above it, in italics
    [ "$(xq tables.epub "$doc" 'string((//table)[1]/preceding-sibling::p[1]/em)')" = "Cones and temperatures" ]
    # the other keeps its spans
    [ "$(xq tables.epub "$doc" 'string((//table)[2]//th[@rowspan="2"])')" = "Kiln" ]
    [ "$(xq tables.epub "$doc" 'string((//table)[2]//th[@colspan="2"])')" = "Cones" ]
    checked tables.epub
    keep tables.epub
}

@test "html: saved pages that link to each other link inside the book" {
    mkdir site
    cat >site/one.html <<'EOF'
<html><head><title>Part One of the Series</title></head><body><article>
<p>The first part of a series of two pages saved from one site, long enough to be read as an
article of its own, which sends the reader on to <a href="two.html#recipe">the recipe in part
two</a> once the story has been told.</p></article></body></html>
EOF
    cat >site/two.html <<'EOF'
<html><head><title>Part Two of the Series</title></head><body><article>
<p>The second part begins where <a href="one.html">the first part</a> ended, with the kiln
cooling and the pots still warm, and goes on to the recipe the first part promised.</p>
<h2 id="recipe">The recipe</h2><p>Equal parts feldspar, silica and whiting, with a little
kaolin, mixed with water until it pours like cream.</p></article></body></html>
EOF
    sb site -o series.epub
    [ "$status" -eq 0 ]
    lacks "not part of the book"
    one=$(adocs series.epub | head -1)
    href=$(xattrs series.epub "$one" '//a[.="the recipe in part two"]/@href')
    [[ $href == c0002-*.xhtml#* ]] || { echo "href $href"; return 1; }
    book_refs_ok series.epub
    keep series.epub
}

# --- where web pages are accepted ------------------------------------------------------------

@test "html: standard input with --from html, a folder, a reading list with overrides" {
    sb --from html --extract=off - -o stdin.epub <"$HTML/rtl.html"
    [ "$status" -eq 0 ]
    [[ $(book_text stdin.epub) == *"المكتبة القديمة"* ]]
    keep stdin.epub
    sb --from latex - -o x.epub <"$HTML/rtl.html"
    [ "$status" -eq 2 ]
    has "--from"
    # a folder of pages, each with its images
    mkdir site
    cp "$HTML/lazy.html" site/1-lazy.html
    cp -r "$HTML/lazy_files" site/
    cp "$HTML/cp1252.html" site/2-cafe.htm
    sb --extract=off site -o site.epub
    [ "$status" -eq 0 ]
    [ "$(adocs site.epub | wc -l)" -ge 2 ]
    keep site.epub
    # a reading list: the entry's title and author win over the page's
    cat >list.yaml <<EOF
title: Pages
articles:
  - path: $HTML/news.html
    title: A kiln cools
    author: Desk Editor
  - $HTML/interview.html
EOF
    sb --extract=off list.yaml -o list.epub
    [ "$status" -eq 0 ]
    [[ $(opf list.epub) != *"Ines Marlow"* ]]
    [ "$(xq list.epub "$(opf_path list.epub)" 'string(//*[name()="dc:creator"][1])')" = "Desk Editor" ]
    nav=$(entry list.epub EPUB/nav.xhtml)
    [[ $nav == *"A kiln cools"* ]]
    [[ $nav == *"by Desk Editor"* ]]
    keep list.epub
}

@test "html: a page is recognised by its content when its name does not say" {
    cp "$HTML/rtl.html" page.data
    sb --extract=off page.data -o page.epub
    [ "$status" -eq 0 ]
    keep page.epub
    [[ $(book_text page.epub) == *"المكتبة القديمة"* ]]
    # a Markdown file that starts with raw HTML stays Markdown
    printf '<div>intro</div>\n\n# Heading\n\nText with *emphasis*.\n' >notes.data
    sb notes.data -o notes.epub
    [ "$status" -eq 0 ]
    keep notes.epub
    [ "$(xq notes.epub "$(adocs notes.epub | head -1)" 'count(//em)')" = 1 ]
}

@test "html: a long page without headings is cut into documents e-readers page through well" {
    awk 'BEGIN {
        printf "<html><head><title>Long</title></head><body><article>"
        for (i = 0; i < 12000; i++) printf "<p>Paragraph %d of a very long page, with a comma and some more words to read.</p>", i
        printf "</article></body></html>\n"
    }' >long.html
    sb long.html -o long.epub
    [ "$status" -eq 0 ]
    n=$(adocs long.epub | wc -l)
    [ "$n" -ge 3 ] || { echo "$n documents"; return 1; }
    for d in $(adocs long.epub); do
        size=$(entry long.epub "$d" | wc -c)
        [ "$size" -lt 300000 ] || { echo "$d is $size bytes"; return 1; }
    done
    [[ $(book_text long.epub) == *"Paragraph 11999 of a very long page"* ]]
    keep long.epub
}

# --- hostile pages ---------------------------------------------------------------------------

# A page with deep nesting, one element with a million attributes and a huge text node.
hostile_page() {
    awk -v n="$1" 'BEGIN {
        printf "<html><head><title>Hostile</title></head><body><article>"
        for (i = 0; i < n / 100; i++) printf "<div>"
        printf "<p"
        for (i = 0; i < n; i++) printf " a%d=x", i
        printf ">"
        for (i = 0; i < n; i++) printf "word "
        printf "</p>"
        for (i = 0; i < 50; i++) printf "<p>Readable paragraph %d, with commas, and enough text to count as prose.</p>", i
        printf "</article></body></html>\n"
    }' >hostile.html
}

@test "html: a hostile page (deep nesting, a million attributes, huge text) is linear and bounded" {
    hostile_page 1000000
    run timeout 60 "$SHEAF_TOOLS/rusage" -o usage.txt "$SHEAF" build hostile.html -o hostile.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    has "attributes were ignored"
    has "tags were ignored"
    # bounded memory: the page is ~13 MB; the build stays under 40 times that
    rss=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' usage.txt)
    [ -n "$rss" ]
    [ "$rss" -lt 520000 ] || { echo "peak RSS $rss kB"; return 1; }
    [[ $(book_text hostile.epub) == *"Readable paragraph 49"* ]]
    keep hostile.epub
}
