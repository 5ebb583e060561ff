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
