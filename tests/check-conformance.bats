#!/usr/bin/env bats
# EPUB 3.3 conformance of `sheaf check` (issue 17): valid books it must not reject, and the defects
# it must find with epubcheck's IDs. Every fixture is written by tests/tools/mkepub; each `expect`
# asserts the exact set of finding IDs and the exit status. (tests/check.bats makes sure every
# mkepub case has an `expect` here or there.)

setup_file() {
    export FIX="$BATS_FILE_TMPDIR/fixtures"
    mkdir -p "$FIX"
    "$SHEAF_TOOLS/mkepub" --all "$FIX"
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# The sorted, distinct finding IDs `sheaf check` prints for a book, space-separated.
ids_of() {
    printf '%s\n' "$output" | grep -o '\[[A-Z]\{3\}-[0-9]\{3\}\]' | tr -d '[]' | sort -u |
        tr '\n' ' ' | sed 's/ $//'
}

# expect CASE "IDS" STATUS: check fixture CASE; the IDs and the exit status must match exactly.
expect() {
    run timeout 30 "$SHEAF" check "$FIX/$1.epub"
    local got
    got=$(ids_of)
    if [ "$got" != "$2" ] || [ "$status" -ne "$3" ]; then
        printf 'case %s: want IDs "%s" status %s, got IDs "%s" status %s\n%s\n' \
            "$1" "$2" "$3" "$got" "$status" "$output"
        return 1
    fi
}

# --- file names ---------------------------------------------------------------------------------

@test "names: a reference in NFD finds the entry stored in NFC; emoji tag sequences are allowed" {
    expect valid-name-nfd-href "PKG-012" 0
    expect valid-name-emoji-tags "PKG-012" 0
}

@test "names: equal after NFC or after full case folding (sharp s and ss) collide (OPF-060)" {
    expect name-nfc-duplicate "OPF-003 OPF-060 PKG-012" 1
    expect name-case-sharp-s "OPF-003 OPF-060 PKG-012" 1
    run "$SHEAF" check "$FIX/name-nfc-duplicate.epub"
    [[ "$output" == *"after Unicode normalisation"* ]]
}

# --- package document ---------------------------------------------------------------------------

@test "package: ids and idrefs are compared with their surrounding spaces removed" {
    expect valid-opf-id-spaces "" 0
}

# --- CSS ----------------------------------------------------------------------------------------

@test "css: a sheet using @import, @media, @supports, @page, @namespace and escapes is valid" {
    expect valid-css-syntax "" 0
}

@test "css: encodings other than UTF-8 and UTF-16 are errors, UTF-16 a warning (CSS-004, CSS-003)" {
    expect css-charset-latin1 "CSS-004" 1
    expect css-utf16 "CSS-003" 0
}

@test "css: direction and unicode-bidi are not allowed (CSS-001), each reported with its line" {
    expect css-direction "CSS-001" 1
    [[ "$output" == *"style.css:1: error: [CSS-001]"*"\"direction\""* ]]
    [[ "$output" == *"style.css:2: error: [CSS-001]"*"\"unicode-bidi\""* ]]
}

@test "css: @font-face with an empty url() (CSS-002) or nothing in it (CSS-019, a warning)" {
    expect css-font-face-empty-url "CSS-002" 1
    expect css-font-face-empty "CSS-019" 0
}

@test "css: syntax errors are found by the tokenizer and parser, with their lines (CSS-008)" {
    expect css-unclosed-block "CSS-008" 1
    [[ "$output" == *"style.css:3: error: [CSS-008]"*"opened on line 1 is never closed"* ]]
    expect css-no-colon "CSS-008" 1
    [[ "$output" == *"\"margin\" is not followed by ':'"* ]]
    expect css-at-rule-in-rule "CSS-008" 1
}
