#!/usr/bin/env bats
# Inputs the fuzzers found (tests/fuzz), kept as regression tests: each must build into a book
# that sheaf's own checker accepts, or be refused with a message.

setup() {
  F="$SHEAF_FIXTURES/fuzz"
  T="$BATS_TEST_TMPDIR"
}

@test "fuzz_build: a namespace URL in the text does not make a document 'mathml' or 'svg'" {
  run "$SHEAF" build "$F/namespace-as-text.md" -o "$T/ns.epub"
  [ "$status" -eq 0 ]
  cp "$T/ns.epub" "$SHEAF_EPUB_OUT/fuzz-namespace-as-text.epub"
  run "$SHEAF" check "$T/ns.epub"
  [ "$status" -eq 0 ]
  ! unzip -p "$T/ns.epub" EPUB/package.opf | grep -q 'properties="[^"]*\(mathml\|svg\)' || false
  unzip -p "$T/ns.epub" 'EPUB/text/*.xhtml' | grep -q 'http://www.w3.org/1998/Math/MathML'
}

@test "fuzz_build: an empty level-1 heading never becomes an empty book title" {
  run "$SHEAF" build "$F/empty-heading-title.md" -o "$T/empty.epub"
  [ "$status" -eq 0 ]
  cp "$T/empty.epub" "$SHEAF_EPUB_OUT/fuzz-empty-heading-title.epub"
  run "$SHEAF" check "$T/empty.epub"
  [ "$status" -eq 0 ]
  # the file name stands in, its words as written: "empty-heading-title.md" -> "empty heading title"
  unzip -p "$T/empty.epub" EPUB/package.opf | grep -q '<dc:title id="title">empty heading title</dc:title>'
}

@test "fuzz_build: a paragraph that is only a bare link (an empty text node first) is no turn label" {
  run "$SHEAF" build "$F/autolink-alone.md" -o "$T/autolink.epub"
  [ "$status" -eq 0 ]
  cp "$T/autolink.epub" "$SHEAF_EPUB_OUT/fuzz-autolink-alone.epub"
  run "$SHEAF" check "$T/autolink.epub"
  [ "$status" -eq 0 ]
  # the line is kept (it becomes the title)
  unzip -p "$T/autolink.epub" 'EPUB/text/*.xhtml' | grep -q '<h1>http://F</h1>'
}

@test "fuzz_build: a bare web address in a note defined on the line after another keeps its text (cmark-gfm strings owned by each node)" {
  # The note's line is split off its paragraph, which is then freed; the autolink's address used
  # to point into that paragraph's buffer (a use after free under ASan, garbage without it).
  run "$SHEAF" build "$F/note-autolink-lazy.md" -o "$T/note.epub"
  [ "$status" -eq 0 ]
  cp "$T/note.epub" "$SHEAF_EPUB_OUT/fuzz-note-autolink-lazy.epub"
  run "$SHEAF" check "$T/note.epub"
  [ "$status" -eq 0 ]
  run sh -c "unzip -p '$T/note.epub' 'EPUB/text/*.xhtml' | grep -c '<a href=\"https://example.org/page\"[^>]*>https://example.org/page</a> for the details'"
  [ "$output" = 1 ]
}

@test "fuzz_build: a bare web address whose host is not valid (invalid UTF-8 made U+FFFD) is kept as text with a warning" {
  # 'http://\xff': the byte became U+FFFD, which IDNA cannot write in ASCII; the link used to
  # reach the book's own check (RSC-020) and stop the build with "this is a bug in sheaf".
  run "$SHEAF" build "$F/invalid-host.md" -o "$T/host.epub"
  [ "$status" -eq 0 ]
  [[ "$output" != *"bug in sheaf"* ]]
  [[ "$output" == *"invalid-host.md:1: warning: link 'http://"*"' is not a valid address"* ]]
  cp "$T/host.epub" "$SHEAF_EPUB_OUT/fuzz-invalid-host.epub"
  run "$SHEAF" check "$T/host.epub"
  [ "$status" -eq 0 ]
  # the text stays, without a link
  unzip -p "$T/host.epub" 'EPUB/text/*.xhtml' | grep -q $'http://\xef\xbf\xbd'
  run sh -c "unzip -p '$T/host.epub' 'EPUB/text/*.xhtml' | grep -c '<a href=\"http'"
  [ "$output" = 0 ]
}

@test "fuzz_build: hosts no browser takes (empty labels, numbers that are no IPv4 address) are kept as text; IPv4 shapes are written as four numbers" {
  cp "$BATS_TEST_DIRNAME/fuzz/seeds/fuzz_build/invalid-hosts.md" "$T/hosts.md"
  run "$SHEAF" build "$T/hosts.md" -o "$T/hosts.epub"
  [ "$status" -eq 0 ]
  for bad in 'http://a..b/x' 'http://1.2.3.4.5/' 'http://999.1.1.1/' 'http://[zz]/'; do
    [[ "$output" == *"hosts.md:"*": warning: link '$bad' is not a valid address"* ]]
  done
  cp "$T/hosts.epub" "$SHEAF_EPUB_OUT/fuzz-invalid-hosts.epub"
  run "$SHEAF" check "$T/hosts.epub"
  [ "$status" -eq 0 ]
  local text
  text=$(unzip -p "$T/hosts.epub" 'EPUB/text/*.xhtml')
  [[ "$text" == *'<p>See http://a..b/x, http://1.2.3.4.5/ and http://999.1.1.1/, or this and that.</p>'* ]]
  [[ "$text" == *'<a href="http://127.0.0.1/">http://0x7f.1/</a>'* ]]
  [[ "$text" == *'<a href="https://xn--stre-fra.no/">'* ]]
}
