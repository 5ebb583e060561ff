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
  ! unzip -p "$T/ns.epub" EPUB/package.opf | grep -q 'properties="[^"]*\(mathml\|svg\)'
  unzip -p "$T/ns.epub" 'EPUB/text/*.xhtml' | grep -q 'http://www.w3.org/1998/Math/MathML'
}
