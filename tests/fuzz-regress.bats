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
  run sh -c "unzip -p '$T/note.epub' 'EPUB/text/*.xhtml' | grep -c '<a href=\"https://example.org/page\">https://example.org/page</a> for the details'"
  [ "$output" = 1 ]
}
