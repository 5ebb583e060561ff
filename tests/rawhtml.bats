#!/usr/bin/env bats
# rawhtml.bats: raw HTML that people paste into Markdown, in the shapes HTML does not allow (or
# allows only in one order), becomes valid XHTML that keeps every word: definition lists in odd
# orders, tables with misplaced rows, captions and colgroups, list items outside lists, figures
# with stray captions, details without a summary, ruby without annotations, elements inside ones
# that forbid them (a heading in th or address, a header in a header, a table in a caption, a dfn
# in a dfn), blocks inside inline elements, empty containers. writers/sanitize.c repairs them by
# the content model of base/html_model.h, the table sheaf check reports by; each book here passes
# the build's own check, `sheaf check`, and the batched epubcheck run.

load build-helpers

# shape HTML WORD...: build an article whose body is HTML; the build succeeds (its self-check
# found nothing), `sheaf check` finds nothing, each WORD is in the article's text as a word of
# its own (not run together with the next), and the book is kept for epubcheck. Sets $doc, the
# article's document, for the test's own questions.
shape() {
    local html=$1 w text
    shift
    printf '# Shape\n\n%s\n' "$html" >shape.md
    sb shape.md -o shape.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    shapes=$((${shapes:-0} + 1))
    cp shape.epub "shape-$shapes.epub"
    keep "shape-$shapes.epub"
    doc=$(adocs shape.epub | head -n 1)
    text=$(entry shape.epub "$doc" | sed -n '/<body/,$p' | sed -e 's/<[^>]*>/ /g')
    for w in "$@"; do
        grep -qw -- "$w" <<<"$text" || { echo "'$w' is not a word of the book: $text"; return 1; }
    done
    run timeout 20 "$SHEAF" check shape.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

# count XPATH: the number of nodes XPATH selects in the shape's document.
count() {
    xq shape.epub "$doc" "count($1)"
}

# --- definition lists ------------------------------------------------------------------------

@test "raw dl: a dd before any dt becomes divs" {
    shape '<dl><dd>alpha</dd><dt>beta</dt><dd>gamma</dd></dl>' alpha beta gamma
    [ "$(count //dl)" -eq 0 ]
}

@test "raw dl: a dt without its dd at the end becomes divs" {
    shape '<dl><dt>alpha</dt><dd>beta</dd><dt>gamma</dt></dl>' alpha beta gamma
    [ "$(count //dt)" -eq 0 ]
}

@test "raw dl: text and other elements among the dt and dd" {
    shape '<dl>alpha<dt>beta</dt><hr><dd>gamma</dd><li>delta</li></dl>' alpha beta gamma delta
}

@test "raw dl: dt and dd grouped in divs" {
    shape '<dl><div><dt>alpha</dt><dd>beta</dd></div><div><dt>gamma</dt><dd>delta</dd></div></dl>' \
        alpha beta gamma delta
}

@test "raw dl: a heading or a section in a dt" {
    shape '<dl><dt><h3>alpha</h3></dt><dd>beta</dd><dt><section>gamma</section></dt><dd>delta</dd></dl>' \
        alpha beta gamma delta
    [ "$(count //dt)" -eq 2 ]
}

@test "raw dl: dt and dd outside any dl, and inside a ul" {
    shape $'<dt>alpha</dt>\n\n<dd>beta</dd>\n\n<ul><dt>gamma</dt><dd>delta</dd></ul>' alpha beta gamma delta
    [ "$(count '//dt | //dd')" -eq 0 ]
}

@test "raw dl: an empty dl" {
    shape $'<dl></dl>\n\nalpha' alpha
}

# --- tables -----------------------------------------------------------------------------------

@test "raw table: a caption after the rows goes first, as browsers show it" {
    shape '<table><tr><td>alpha</td></tr><caption>beta</caption></table>' alpha beta
    [ "$(xq shape.epub "$doc" 'name(//table/*[1])')" = caption ]
}

@test "raw table: two captions become one" {
    shape '<table><caption>alpha</caption><caption>beta</caption><tr><td>gamma</td></tr></table>' \
        alpha beta gamma
    [ "$(count //caption)" -eq 1 ]
}

@test "raw table: a colgroup after the body moves before it" {
    shape '<table><tbody><tr><td>alpha</td></tr></tbody><colgroup><col span="2"></colgroup></table>' alpha
    [ "$(xq shape.epub "$doc" 'name(//table/*[1])')" = colgroup ]
}

@test "raw table: a tfoot before the body moves after it" {
    shape '<table><tfoot><tr><td>alpha</td></tr></tfoot><tbody><tr><td>beta</td></tr></tbody></table>' alpha beta
    [ "$(xq shape.epub "$doc" 'name(//table/*[last()])')" = tfoot ]
}

@test "raw table: rows after the tfoot stay rows of the body" {
    shape '<table><tr><td>alpha</td></tr><tfoot><tr><td>beta</td></tr></tfoot><tr><td>gamma</td></tr></table>' \
        alpha beta gamma
    [ "$(xq shape.epub "$doc" 'string(//table/*[last()])')" = beta ]
    [ "$(count //tbody/tr)" -eq 2 ]
}

@test "raw table: a thead after the body moves before it" {
    shape '<table><tr><td>alpha</td></tr><thead><tr><th>beta</th></tr></thead></table>' alpha beta
    [ "$(xq shape.epub "$doc" 'name(//table/*[1])')" = thead ]
}

@test "raw table: a second thead is a body, a second tfoot's rows join the first" {
    shape '<table><thead><tr><th>alpha</th></tr></thead><thead><tr><th>beta</th></tr></thead><tr><td>gamma</td></tr><tfoot><tr><td>delta</td></tr></tfoot><tfoot><tr><td>epsilon</td></tr></tfoot></table>' \
        alpha beta gamma delta epsilon
    [ "$(count //thead)" -eq 1 ]
    [ "$(count //tfoot/tr)" -eq 2 ]
}

@test "raw table: empty parts in any order, and an empty table" {
    shape $'<table><thead></thead><tbody></tbody><tr></tr><tfoot></tfoot><colgroup></colgroup></table>\n\n<table></table>\n\nalpha' alpha
}

@test "raw table: a heading, header, footer or section in a th becomes a paragraph or a div" {
    shape '<table><tr><th><h2>alpha</h2></th><th><header>beta</header><footer>gamma</footer><div><section>delta</section></div></th></tr></table>' \
        alpha beta gamma delta
    [ "$(count '//th//h2 | //th//header | //th//footer | //th//section')" -eq 0 ]
    [ "$(count //th/p)" -eq 1 ]
}

@test "raw table: a table in a caption becomes blocks" {
    shape '<table><caption>alpha<table><tr><td>beta</td><td>gamma</td></tr></table></caption><tr><td>delta</td></tr></table>' \
        alpha beta gamma delta
    [ "$(count //caption//table)" -eq 0 ]
}

@test "raw table: a nested table in a cell stays a table" {
    shape '<table><tr><td>alpha<table><tr><td>beta</td></tr></table></td></tr></table>' alpha beta
    [ "$(count //td/table)" -eq 1 ]
}

@test "raw table: text, a line break and a rule outside the cells" {
    shape '<table>alpha<br><tr>beta<td>gamma</td></tr><hr><tr><td>delta</td></tr></table>' alpha beta gamma delta
}

@test "raw table: rows, cells and captions outside any table" {
    shape $'<tr><td>alpha</td></tr>\n\n<td>beta</td>\n\n<caption>gamma</caption>\n\n<colgroup><col></colgroup>delta' \
        alpha beta gamma delta
}

@test "raw table: spans that are not numbers, zero or too large" {
    shape '<table><tr><td colspan="0" rowspan="0">alpha</td><td colspan="abc" rowspan="70000">beta</td></tr></table>' \
        alpha beta
}

# --- lists ----------------------------------------------------------------------------------

@test "raw list: an li outside a list becomes a div" {
    shape '<li>alpha</li>' alpha
    [ "$(count //li)" -eq 0 ]
}

@test "raw list: empty ul, ol and menu" {
    shape $'<ul></ul>\n\n<ol></ol>\n\n<menu></menu>\n\nalpha' alpha
}

@test "raw list: text, a paragraph and a list directly in a list go into items" {
    shape '<ul>alpha<li>beta</li><p>gamma</p><ul><li>delta</li></ul></ul>' alpha beta gamma delta
    [ "$(count '//ul/*[not(self::li)]')" -eq 0 ]
}

@test "raw list: a heading in an item, attributes that are not numbers" {
    shape '<ol start="-2" reversed type="x"><li value="abc"><h2>alpha</h2></li><li value="7">beta</li></ol>' alpha beta
}

# --- figures --------------------------------------------------------------------------------

@test "raw figure: a figcaption outside a figure becomes a div" {
    shape '<figcaption>alpha</figcaption>' alpha
    [ "$(count //figcaption)" -eq 0 ]
}

@test "raw figure: two captions, one in the middle" {
    shape '<figure><figcaption>alpha</figcaption><figcaption>beta</figcaption><p>gamma</p></figure>' alpha beta gamma
    [ "$(count //figcaption)" -eq 1 ]
    shape '<figure><p>alpha</p><figcaption>beta</figcaption><p>gamma</p></figure>' alpha beta gamma
    [ "$(count //figcaption)" -eq 0 ]
}

@test "raw figure: empty, and inside a paragraph" {
    shape $'<figure></figure>\n\n<p>alpha<figure><figcaption>beta</figcaption></figure>gamma</p>' alpha beta gamma
}

# --- details and summary ----------------------------------------------------------------------

@test "raw details: without a summary it is a div, open or not" {
    shape '<details open>alpha</details>' alpha
    [ "$(count //details)" -eq 0 ]
    [ "$(count '//*[@open]')" -eq 0 ]
}

@test "raw details: a summary after other content is a paragraph, its details a div" {
    shape '<details><p>alpha</p><summary>beta</summary></details>' alpha beta
    [ "$(count '//details | //summary')" -eq 0 ]
}

@test "raw details: a summary after a line break is still the summary" {
    shape $'<details>\n<summary>alpha</summary>\n<p>beta</p>\n</details>' alpha beta
    [ "$(count //details/summary)" -eq 1 ]
}

@test "raw details: empty, a second summary, a summary alone" {
    shape $'<details></details>\n\n<details><summary>alpha</summary><summary>beta</summary>gamma</details>\n\n<summary>delta</summary>' \
        alpha beta gamma delta
    [ "$(count //summary)" -eq 1 ]
}

@test "raw details: a heading in the summary, a details inside a link" {
    shape $'<details><summary><h3>alpha</h3></summary>beta</details>\n\n<a href="https://x.example/"><details><summary>gamma</summary>delta</details></a>' \
        alpha beta gamma delta
    [ "$(count //a//details)" -eq 0 ]
}

# --- ruby -------------------------------------------------------------------------------------

@test "raw ruby: annotations, parentheses and base text after the last rt are kept" {
    shape '<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rt>ji</rt> alpha</ruby></p>' kan ji alpha
    [ "$(count //ruby/rt)" -eq 2 ]
    [ "$(xq shape.epub "$doc" 'name(//ruby/node()[last()])')" = rt ]
}

@test "raw ruby: a ruby without rt is its text" {
    shape '<p><ruby>alpha</ruby> and <ruby>beta<rp>(</rp>gamma<rp>)</rp></ruby></p>' alpha beta gamma
    [ "$(count //ruby)" -eq 0 ]
}

@test "raw ruby: a block in a ruby, in a paragraph" {
    shape 'Text <ruby><div>alpha</div><rt>beta</rt></ruby> after.' alpha beta after
    [ "$(count '//ruby[not(rt)]')" -eq 0 ]
}

@test "raw ruby: rb, rtc and nested ruby" {
    shape '<p><ruby><rb>alpha</rb><rtc><rt>beta</rt></rtc></ruby> <ruby><ruby>gamma<rt>delta</rt></ruby><rt>epsilon</rt></ruby></p>' \
        alpha beta gamma delta epsilon
}

# --- elements inside ones that forbid them ----------------------------------------------------

@test "raw address: headings, sections, header, footer and address inside become p and div" {
    shape '<address><h2>alpha</h2><section>beta</section><header>gamma</header><footer>delta</footer><address>epsilon</address></address>' \
        alpha beta gamma delta epsilon
    [ "$(count '//address//*[self::h2 or self::section or self::header or self::footer or self::address]')" -eq 0 ]
}

@test "raw header and footer: a header or footer inside one becomes a div" {
    shape '<header><header>alpha</header><footer>beta</footer></header><footer><footer>gamma</footer><header>delta</header></footer>' \
        alpha beta gamma delta
    [ "$(count '//header//header | //header//footer | //footer//header | //footer//footer')" -eq 0 ]
}

@test "raw dfn: a dfn inside a dfn becomes a span" {
    shape '<p><dfn>alpha <dfn>beta</dfn></dfn></p>' alpha beta
    [ "$(count //dfn//dfn)" -eq 0 ]
}

@test "raw links: a link in a link, embedded content in a link, kept apart from the words" {
    shape '<p><a href="https://x.example/">alpha <a href="https://y.example/">beta</a> gamma</a> and <a href="https://x.example/">delta<iframe src="https://www.youtube.com/embed/abc"></iframe>epsilon</a></p>' \
        alpha beta gamma delta epsilon
    [ "$(count //a//a)" -eq 0 ]
}

@test "raw links: an embedded video or image in running text is a link apart from the words" {
    shape '<p>alpha<iframe src="https://www.youtube.com/embed/abc"></iframe>beta<img src="https://x.example/p.png" alt="gamma">delta</p>' \
        alpha beta gamma delta
    [ "$(count '//a[@href="https://www.youtube.com/watch?v=abc"]')" -eq 1 ]
    [ "$(xq shape.epub "$doc" 'string(//p[a])')" = "alpha https://www.youtube.com/watch?v=abc beta gamma delta" ]
}

# --- blocks inside inline elements --------------------------------------------------------------

@test "raw inline: blocks inside span, em, b and q keep their words apart" {
    shape '<span><div>alpha</div><p>beta</p></span><em><p>gamma</p></em><b><h2>delta</h2></b><p><q><blockquote>epsilon</blockquote></q></p>' \
        alpha beta gamma delta epsilon
}

@test "raw inline: a paragraph, a list and blocks inside a heading or pre" {
    shape $'<h2><p>alpha</p><ul><li>beta</li></ul></h2>\n\n<pre><p>gamma</p><div>delta</div><table><tr><td>epsilon</td></tr></table></pre>' \
        alpha beta gamma delta epsilon
    [ "$(count '//h2/* | //pre/*')" -eq 0 ]
}

@test "raw inline: a list, a table, a dl and a details in a paragraph" {
    shape 'Text <ul><li>alpha</li></ul> <table><tr><td>beta</td></tr></table> <dl><dt>gamma</dt><dd>delta</dd></dl> <details><summary>epsilon</summary>zeta</details> after.' \
        alpha beta gamma delta epsilon zeta after
}

@test "raw inline: a table in a Markdown heading, blocks in a GFM table's cells" {
    shape $'## Heading <table><tr><td>alpha</td></tr></table>\n\n| <h2>beta</h2> | b |\n|---|---|\n| <div>gamma</div> | <ul><li>delta</li></ul> |' \
        alpha beta gamma delta
}

@test "raw inline: blocks in a Markdown link and a footnote" {
    shape $'[<div>alpha</div> <details><summary>beta</summary>gamma</details>](https://x.example/)\n\nText[^1].\n\n[^1]: <div>delta</div> <details>epsilon</details>' \
        alpha beta gamma delta epsilon
}

# --- other containers ---------------------------------------------------------------------------

@test "raw blocks: hgroup, fieldset with legend, main inside article, empty blocks" {
    shape $'<hgroup><h1>alpha</h1><p>beta</p></hgroup><fieldset><legend>gamma</legend>delta</fieldset><article><main>epsilon</main></article>\n\n<p></p><h2></h2><div></div>' \
        alpha beta gamma delta epsilon
}

@test "raw blocks: li, dd and table rows in Markdown lists and quotes" {
    shape $'- item <li>alpha</li>\n- <dd>beta</dd>\n\n> <dd>gamma</dd>\n>\n> <tr><td>delta</td></tr>' alpha beta gamma delta
}

# --- ids and the links to them --------------------------------------------------------------------

@test "raw ids: an id XHTML cannot hold is renamed, and the links to it follow" {
    shape $'<p><a href="#1.-intro">alpha</a> and <a href="#two%20words">beta</a></p>\n\n<h3 id="1.-intro">gamma</h3>\n\n<h3 id="two words">delta</h3>' \
        alpha beta gamma delta
    book_refs_ok shape.epub
    [ "$(xq shape.epub "$doc" 'string(//a[.="alpha"]/@href)')" = "#id-1.-intro" ]
    [ "$(xq shape.epub "$doc" 'string(//h3[.="gamma"]/@id)')" = "id-1.-intro" ]
    [ "$(xq shape.epub "$doc" 'string(//h3[.="delta"]/@id)')" = "two-words" ]
    sb shape.md -o again.epub
    has "shape.md:5: warning: the id '1.-intro' in raw HTML is not a name XHTML allows"
}

@test "raw ids: the id of an element left out or unwrapped still takes its links" {
    shape $'<p><a href="#deep">alpha</a> <a href="#signup">beta</a> <a href="#box">gamma</a> <a href="#pic">delta</a></p>\n\n<div><span><h3 id="deep">epsilon</h3></span></div>\n\n<form id="signup"><input></form>\n\n<my-box id="box">zeta</my-box>\n\n<p><img id="pic" src="missing.png" alt="eta"></p>' \
        alpha beta gamma delta epsilon zeta eta
    book_refs_ok shape.epub
    [ "$(count '//a[@href]')" -eq 4 ]
    sb shape.md -o again.epub
    lacks "no target"
}

@test "links: a web address whose host is not a host (a page's unexpanded PHP, a space) keeps its text, without the link" {
    shape $'See [alpha](https://%3C?php%20echo%20SSO_PREFIX;?%3Eexample.com/account/), <a href="https://exa mple.com/">beta</a>, <a href="//%3Cx%3E/">gamma</a> and [delta](https://example.com/a%20b).' \
        alpha beta gamma delta
    [ "$(count '//a[@href]')" -eq 1 ]
    [ "$(xq shape.epub "$doc" 'string(//a/@href)')" = "https://example.com/a%20b" ]
    sb shape.md -o again.epub
    has "shape.md:3: warning: link 'https://%3C?php%20echo%20SSO_PREFIX;?%3Eexample.com/account/' is not a valid address"
}

@test "raw ids: 20,000 ids that all need the same new name are renamed in linear time" {
    awk 'BEGIN { split("! # $ % ( ) * +", p, " "); print "# Ids\n\n[the first](#a!!!!!!)\n"
        for (i = 0; i < 20000; i++) { s = ""; n = i; for (k = 0; k < 6; k++) { s = s p[n % 8 + 1]; n = int(n / 8) }
            printf "<p id=\"a%s\">t%d</p>\n\n", s, i } }' >ids.md
    run timeout 20 "$SHEAF" build -q ids.md -o ids.epub
    [ "$status" -eq 0 ]
    keep ids.epub
    local f
    f=$(adocs ids.epub | head -n 1)
    href=$(xq ids.epub "$f" 'string(//a[.="the first"]/@href)')
    [ "$(xq ids.epub "$f" "string(//*[@id='${href#\#}'])")" = t0 ]
    [ "$(for f in $(adocs ids.epub); do xattrs ids.epub "$f" '//p/@id'; done | sort -u | wc -l)" -eq 20000 ]
}
