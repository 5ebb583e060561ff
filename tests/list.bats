#!/usr/bin/env bats
# Reading lists (issue 5): list files, folders, parts, overrides, languages, images, covers.

setup() {
  L="$SHEAF_FIXTURES/list"
  T="$BATS_TEST_TMPDIR"
  export SOURCE_DATE_EPOCH=1700000000
}

# Keep a valid book for the batched epubcheck run.
keep() { cp "$1" "$SHEAF_EPUB_OUT/list-$2.epub"; }

entry() { unzip -p "$1" "$2"; }

@test "a list with parts builds a book whose toc is part -> article (with byline) -> sections" {
  run "$SHEAF" build "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  keep "$T/book.epub" parts
  nav=$(entry "$T/book.epub" EPUB/nav.xhtml)
  # Parts in order, each with its articles nested below it.
  [[ "$nav" == *'>Interviews</a><ol><li><a href="text/c0001-01.xhtml">A Compiler in a Weekend <span class="byline">by Mia Chen</span>'* ]]
  [[ "$nav" == *'>Essays</a><ol><li>'* ]]
  [[ "$nav" == *'>Elsewhere</a><ol><li>'* ]]
  # The entry's overrides win over the article's front matter.
  [[ "$nav" == *'Quiet Tools <span class="byline">by Ben Okafor</span>'* ]]
  [[ "$nav" != *'Tools That Stay Out of the Way'* ]]
  # Sections of an article are nested below it.
  [[ "$nav" == *'#the-first-evening">The first evening</a>'* ]]
  # A sources appendix closes the book.
  [[ "$nav" == *'<a href="text/sources.xhtml">Sources</a></li></ol>'* ]]
}

@test "a glob in a list is expanded in natural order (2 before 10)" {
  run "$SHEAF" build "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  nav=$(entry "$T/book.epub" EPUB/nav.xhtml)
  jan=${nav%%Notes from January*}; margins=${nav%%Working in the Margins*}; drawings=${nav%%Drawings That Misbehave*}
  [ ${#jan} -lt ${#margins} ]
  [ ${#margins} -lt ${#drawings} ]
}

@test "every article opens with its title, byline, date, source and reading time" {
  run "$SHEAF" build "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  page=$(entry "$T/book.epub" EPUB/text/c0002-01.xhtml)
  [[ "$page" == *'<h1>Quiet Tools</h1>'* ]]
  [[ "$page" == *'<p class="byline">By Ben Okafor</p>'* ]]
  [[ "$page" == *'<p class="date"><time datetime="2023-11-04">4 November 2023</time></p>'* ]]
  [[ "$page" == *'<a href="https://example.org/quiet-tools">https://example.org/quiet-tools</a>'* ]]
  [[ "$page" == *'class="reading-time">1 min read<'* ]]
}

@test "the title page shows the editor, the number of articles and the reading time" {
  run "$SHEAF" build "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  page=$(entry "$T/book.epub" EPUB/titlepage.xhtml)
  [[ "$page" == *'Conversations on Craft'* ]]
  [[ "$page" == *'Edited by Ana Ruiz'* ]]
  [[ "$page" == *'7 articles, about 1 min of reading'* ]]
}

@test "articles in Chinese and Arabic keep their language and direction; the package lists every language" {
  run "$SHEAF" build "$L/flat.yaml" -o "$T/flat.epub"
  [ "$status" -eq 0 ]
  keep "$T/flat.epub" flat
  opf=$(entry "$T/flat.epub" EPUB/package.opf)
  [[ "$opf" == *'<dc:language>en</dc:language>'* ]]
  [[ "$opf" == *'<dc:language>zh</dc:language>'* ]]
  [[ "$opf" == *'<dc:language>ar</dc:language>'* ]]
  zh=$(entry "$T/flat.epub" EPUB/text/c0003-01.xhtml)
  [[ "$zh" == *'xml:lang="zh" lang="zh"'* ]]
  ar=$(entry "$T/flat.epub" EPUB/text/c0004-01.xhtml)
  [[ "$ar" == *'xml:lang="ar" lang="ar" dir="rtl"'* ]]
}

@test "two articles with the same headings and footnote labels do not collide" {
  run "$SHEAF" build "$L/same/a.md" "$L/same/b.md" -o "$T/same.epub"
  [ "$status" -eq 0 ]
  keep "$T/same.epub" same
  a=$(unzip -p "$T/same.epub" 'EPUB/text/c0001-*.xhtml')
  b=$(unzip -p "$T/same.epub" 'EPUB/text/c0002-*.xhtml')
  # The repeated heading inside one article gets a second id; each article numbers its notes from 1.
  [[ "$a" == *'id="introduction"'* ]]
  [[ "$a" == *'id="introduction-1"'* ]]
  [[ "$a" == *'id="fn-1"'* && "$b" == *'id="fn-1"'* ]]
  [[ "$a" == *'from article A'* ]]
  [[ "$b" == *'from article B'* ]]
  [[ "$a" != *'from article B'* ]]
}

@test "links between articles (relative path and source URL) become links inside the book" {
  run "$SHEAF" build "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  page=$(entry "$T/book.epub" EPUB/text/c0002-01.xhtml)
  [[ "$page" == *'<a href="c0001-01.xhtml">the interview</a>'* ]]
  [[ "$page" == *'<a href="c0001-01.xhtml">original conversation</a>'* ]]
}

@test "images: site-absolute paths via resource_path, a duplicate stored once, same names kept apart" {
  run "$SHEAF" build "$L/flat.yaml" -o "$T/flat.epub"
  [ "$status" -eq 0 ]
  list=$(unzip -Z1 "$T/flat.epub")
  # images are named by their content (the first 16 hex digits of their SHA-256)
  named() { echo "EPUB/images/$(sha256sum "$1" | cut -c1-16).png"; }
  # /assets/logo.png from site/static
  grep -qx "$(named "$L/site/static/assets/logo.png")" <<<"$list"
  # photo.png and photo-copy.png have the same bytes: one file, used by both articles
  [ "$(named "$L/essays/img/photo.png")" = "$(named "$L/interviews/img/photo-copy.png")" ]
  grep -qx "$(named "$L/essays/img/photo.png")" <<<"$list"
  # two different figure.png files: two entries
  grep -qx "$(named "$L/same/img-a/figure.png")" <<<"$list"
  grep -qx "$(named "$L/same/img-b/figure.png")" <<<"$list"
  # and nothing else but the generated cover (an SVG, and its JPEG copy when this machine has a
  # font for the title's Chinese)
  [ "$(grep '^EPUB/images/' <<<"$list" | grep -vc '\.svg$\|\.jpg$')" -eq 4 ]
  [ "$(grep -c '^EPUB/images/.*\.svg$' <<<"$list")" -eq 1 ]
}

@test "a missing image keeps its alt text with one warning naming the article and path" {
  run "$SHEAF" build "$L/essays/2024-2-margins.md" -o "$T/m.epub"
  [ "$status" -eq 0 ]
  keep "$T/m.epub" missing-image
  [ "$(grep -c 'missing.png' <<<"$output")" -eq 1 ]
  [[ "$output" == *'2024-2-margins.md:8: warning:'*'missing.png'* ]]
}

@test "a hostile SVG never reaches the book" {
  run "$SHEAF" build "$L/essays/2024-10-drawings.md" -o "$T/d.epub"
  [ "$status" -eq 0 ]
  keep "$T/d.epub" hostile-svg
  [[ "$output" == *'hostile.svg'* ]]
  ! unzip -Z1 "$T/d.epub" | grep -q hostile || false
  for f in $(unzip -Z1 "$T/d.epub" | grep '\.svg$'); do
    ! unzip -p "$T/d.epub" "$f" | grep -qi '<script\|onload=' || false
  done
}

@test "a cover from the list becomes the cover image and the first page" {
  run "$SHEAF" build "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  opf=$(entry "$T/book.epub" EPUB/package.opf)
  [[ "$opf" =~ \<item\ id=\"cover-image\"\ href=\"images/[0-9a-f]+\.png\"\ media-type=\"image/png\"\ properties=\"cover-image\"/\> ]]
  [[ "$opf" == *'<itemref idref="cover"/><itemref idref="titlepage"/>'* ]]
}

@test "without a cover, a typographic SVG cover is generated from the title" {
  run "$SHEAF" build "$L/flat.yaml" -o "$T/flat.epub"
  [ "$status" -eq 0 ]
  opf=$(entry "$T/flat.epub" EPUB/package.opf)
  # the SVG is the cover image, or (with a font for the title's Chinese on this machine) the
  # cover page shows it and its JPEG copy is the cover image
  [[ "$opf" =~ href=\"(images/[0-9a-f]+\.svg)\"\ media-type=\"image/svg\+xml\" ]]
  svg=$(unzip -p "$T/flat.epub" "EPUB/${BASH_REMATCH[1]}")
  [[ "$opf" =~ properties=\"cover-image\" ]]
  [[ "$svg" == *'手艺对话'* ]]
  [[ "$svg" == *'Ana Ruiz'* ]]
}

@test "a folder builds every article in it (Markdown and web pages) in natural order" {
  run "$SHEAF" build "$L/folder" -o "$T/folder.epub"
  [ "$status" -eq 0 ]
  keep "$T/folder.epub" folder
  nav=$(entry "$T/folder.epub" EPUB/nav.xhtml)
  [[ "$(entry "$T/folder.epub" EPUB/text/c0001-01.xhtml)" == *'Chapter 1<'* ]]
  [[ "$(entry "$T/folder.epub" EPUB/text/c0002-01.xhtml)" == *'Chapter 2<'* ]]
  [[ "$(entry "$T/folder.epub" EPUB/text/c0003-01.xhtml)" == *'Third, a web page<'* ]]
  [[ "$(entry "$T/folder.epub" EPUB/text/c0004-01.xhtml)" == *'Chapter 10<'* ]]
  ! unzip -Z1 "$T/folder.epub" | grep -q c0005 || false
}

@test "bad lists fail with the list file and line, and write nothing" {
  for bad in missing-entry:4 glob-nothing:4 malformed:5 alias:2 both:4 no-path:4 bad-lang:4; do
    name=${bad%%:*}; line=${bad##*:}
    run "$SHEAF" build "$L/bad/$name.yaml" -o "$T/bad.epub"
    [ "$status" -eq 1 ]
    [[ "$output" == *"bad/$name.yaml:$line: error:"* ]]
    [ ! -e "$T/bad.epub" ]
  done
}

@test "a date that cannot be read is a warning naming the line, and the book is built without it" {
  run "$SHEAF" build "$L/bad/bad-date.yaml" -o "$T/date.epub"
  [ "$status" -eq 0 ]
  [[ "$output" == *"bad/bad-date.yaml:2: warning: 'date' \"next week\" is not a date"* ]]
  ! unzip -p "$T/date.epub" EPUB/package.opf | grep -q 'next week' || false
}

@test "duplicate entries and unknown keys are warnings naming the line" {
  run "$SHEAF" build "$L/bad/duplicate.yaml" -o "$T/dup.epub"
  [ "$status" -eq 0 ]
  keep "$T/dup.epub" dup
  [[ "$output" == *'duplicate.yaml:5: warning:'*'already listed at line 3'* ]]
  run "$SHEAF" build "$L/bad/unknown-keys.yaml" -o "$T/unk.epub"
  [ "$status" -eq 0 ]
  keep "$T/unk.epub" unk
  [[ "$output" == *"unknown-keys.yaml:2: warning: unknown key 'editr'"* ]]
  [[ "$output" == *"unknown-keys.yaml:5: warning: unknown key 'titel'"* ]]
}

@test "--keep-going builds from the entries that can be read and lists the ones left out" {
  run "$SHEAF" build --keep-going "$L/bad/missing-entry.yaml" -o "$T/kg.epub"
  [ "$status" -eq 0 ]
  keep "$T/kg.epub" keep-going
  [[ "$output" == *'left out: '*'not-written-yet.md'* ]]
  [ "$(unzip -Z1 "$T/kg.epub" | grep -c '^EPUB/text/c.*-01.xhtml')" -eq 2 ]
}

@test "the summary line counts articles, chapters and images" {
  run "$SHEAF" build "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  [[ "$output" =~ wrote\ .*book\.epub:\ 7\ articles,\ [0-9]+\ chapters,\ 3\ images ]]
}

@test "with --quiet, nothing but errors is printed" {
  run "$SHEAF" build --quiet "$L/book.yaml" -o "$T/book.epub"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "fifty articles with images, notes and two languages build in one command into one book" {
  "$SHEAF_TOOLS/genlist" -k 8 48 "$T/fifty" >/dev/null
  cp "$L/intl/zh-craft.md" "$L/intl/ar-craft.md" "$T/fifty/"
  {
    echo "title: Fifty Conversations"
    echo "editor: Ana Ruiz"
    echo "lang: en"
    echo "articles:"
    for f in "$T"/fifty/a[0-9]*.md; do echo "  - $(basename "$f")"; done
    echo "  - path: zh-craft.md"
    echo "    lang: zh"
    echo "  - path: ar-craft.md"
    echo "    lang: ar"
  } > "$T/fifty/fifty.yaml"
  run "$SHEAF" build "$T/fifty/fifty.yaml" -o "$T/fifty.epub"
  [ "$status" -eq 0 ]
  keep "$T/fifty.epub" fifty
  [[ "$output" == *'50 articles'* ]]
  run "$SHEAF" check "$T/fifty.epub"
  [ "$status" -eq 0 ]
  nav=$(entry "$T/fifty.epub" EPUB/nav.xhtml)
  # every article in the toc, each generated one with its byline
  [ "$(grep -o '<span class="byline">by ' <<<"$nav" | wc -l)" -ge 48 ]
  # images and notes made it in
  [ "$(unzip -Z1 "$T/fifty.epub" | grep -c '^EPUB/images/')" -ge 2 ]
  [ "$(unzip -p "$T/fifty.epub" 'EPUB/text/*.xhtml' | grep -o 'epub:type="footnote"' | wc -l)" -ge 40 ]
  opf=$(entry "$T/fifty.epub" EPUB/package.opf)
  [[ "$opf" == *'<dc:language>zh</dc:language>'* ]]
  [[ "$opf" == *'<dc:language>ar</dc:language>'* ]]
}

@test "on a terminal, a long build shows progress; off a terminal it does not" {
  command -v script >/dev/null || skip "script(1) is not installed"
  run script -qec "'$SHEAF' build '$L/book.yaml' -o '$T/tty.epub'" /dev/null
  [ "$status" -eq 0 ]
  [[ "$output" == *'sheaf: 7/7 '* ]]
  run "$SHEAF" build "$L/book.yaml" -o "$T/notty.epub"
  [ "$status" -eq 0 ]
  [[ "$output" == *'wrote '* && "$output" != *'/7 '* ]]
  run script -qec "'$SHEAF' build --quiet '$L/book.yaml' -o '$T/tty2.epub'" /dev/null
  [ "$status" -eq 0 ]
  [[ "$output" != *'/7 '* ]]
}

@test "a list whose articles share images is the same bytes however many threads build it" {
  "$SHEAF" build -q -j 1 "$L/book.yaml" -o "$T/j1.epub"
  for i in 1 2 3 4 5; do
    "$SHEAF" build -q -j 4 "$L/book.yaml" -o "$T/j4.epub"
    cmp "$T/j1.epub" "$T/j4.epub"
  done
}
