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

# --- valid books that must pass ------------------------------------------------------------------

@test "valid: data: URLs where allowed, remote fonts and audio with remote-resources" {
    expect valid-data-url-link "" 0
    expect valid-remote-font-css "" 0
    expect valid-remote-audio-object "" 0
}

@test "valid: a CFI link into the package document, site-absolute links under a remote base" {
    expect valid-nav-cfi "" 0
    expect valid-base-remote "" 0
}

@test "valid: properties of declared vocabularies and of EPUB's other specifications (data-nav)" {
    expect valid-declared-vocab "" 0
    expect opf-undeclared-prefix "OPF-028" 1
    expect opf-reserved-prefix-property "OPF-027" 1
}

@test "valid: HTML content e-books use passes the content model check" {
    expect valid-html-content "" 0
}

@test "valid: fallbacks, fixed layout, media overlays and obfuscated fonts done right" {
    expect valid-fallbacks "" 0
    expect valid-fxl "" 0
    expect valid-media-overlay "" 0
    expect valid-obfuscated-font "" 0
}

# --- the HTML content model (RSC-005) ------------------------------------------------------------

@test "content model: a link inside a link is reported (the defect a sheaf-built book had)" {
    expect html-nested-a "RSC-005" 1
    [[ "$output" == *"c1.xhtml:7: error: [RSC-005] element \"a\" is not allowed inside this \"a\""* ]]
    [[ "$output" == *"links must not nest"* ]]
}

@test "content model: blocks in phrasing elements, li outside lists, misplaced rows and cells" {
    expect html-block-in-p "RSC-005" 1
    [[ "$output" == *"\"div\" is not allowed inside \"p\""* ]]
    expect html-li-outside-list "RSC-005" 1
    [[ "$output" == *"a list item belongs in ol, ul or menu"* ]]
    expect html-table-misplaced "RSC-005" 1
    [ "$(grep -c 'RSC-005' <<<"$output")" -eq 2 ]
    expect html-text-in-list "RSC-005" 1
}

@test "content model: missing or empty title, unknown elements, nested dfn" {
    expect html-no-title "RSC-005" 1
    [[ "$output" == *"the head has no title"* ]]
    expect html-empty-title "RSC-005" 1
    [[ "$output" == *"the title element is empty"* ]]
    expect html-unknown-element "RSC-005" 1
    [[ "$output" == *"\"center\" is not an HTML element"* ]]
    expect html-nested-dfn "RSC-005" 1
}

# --- fallbacks -----------------------------------------------------------------------------------

@test "fallbacks: foreign resources without fallback in img, audio, embed, object, altimg, poster, data: (RSC-032)" {
    expect fallback-img-foreign "RSC-032" 1
    expect fallback-audio-foreign "RSC-032" 1
    expect fallback-embed-foreign "RSC-032" 1
    expect fallback-object-empty "RSC-032" 1
    expect fallback-altimg "RSC-032" 1
    expect fallback-poster "RSC-032" 1
    expect fallback-data-url "RSC-032" 1
}

@test "fallbacks: picture's img must be a core type (MED-003), a foreign source needs a type (MED-007)" {
    expect fallback-picture-img "MED-003" 1
    expect fallback-picture-source "MED-007" 1
}

# --- package document ----------------------------------------------------------------------------

@test "package: remote-resources for remote fonts in CSS, scripted for forms (OPF-014)" {
    expect opf-remote-font-no-property "OPF-014" 1
    [[ "$output" == *"style.css: error: [OPF-014]"* ]]
    expect opf-form-not-scripted "OPF-014" 1
    [[ "$output" == *"\"scripted\""* ]]
}

@test "package: links without media type (OPF-093), unreachable non-linear items (OPF-096)" {
    expect opf-link-no-media-type "OPF-093" 1
    expect opf-nonlinear-unreachable "OPF-096" 1
    [[ "$output" == *"OEBPS/extra.xhtml"* ]]
}

@test "package: external identifiers (OPF-073), remote images only linked to (RSC-006)" {
    expect opf-ncx-bad-doctype "OPF-073" 1
    expect opf-remote-img-item "RSC-006" 1
}

@test "package: an href that climbs above the root is reported once, and still names its file" {
    expect opf-href-leaks "RSC-026" 1
    [ "$(grep -c 'RSC-026' <<<"$output")" -eq 1 ]
}

# --- OCF -----------------------------------------------------------------------------------------

@test "ocf: container.xml, encryption.xml and signatures.xml content models and ids (RSC-005)" {
    expect ocf-container-extra "RSC-005" 1
    expect ocf-encryption-bad-root "RSC-005" 1
    expect ocf-encryption-duplicate-id "RSC-005" 1
    [[ "$output" == *"duplicate ID \"ed1\""* ]]
    expect ocf-signatures-bad-root "RSC-005" 1
}

@test "ocf: obfuscation applied to something that is not a font (PKG-026)" {
    expect ocf-obfuscated-not-font "PKG-026" 1
    [[ "$output" == *"OEBPS/dot.png"* ]]
}

# --- references ----------------------------------------------------------------------------------

@test "references: cite and srcset are resources (RSC-007, RSC-008)" {
    expect xhtml-cite-missing "RSC-007" 1
    expect xhtml-srcset-undeclared "RSC-008" 1
    [[ "$output" == *"OEBPS/dot2x.png"* ]]
}

@test "references: toc links to non-content documents (RSC-010), SVG use and symbols (RSC-015, RSC-014)" {
    expect nav-link-to-image "RSC-010 SHF-008" 1
    expect svg-use-no-fragment "RSC-015" 1
    expect xhtml-link-to-symbol "RSC-014" 1
}

@test "references: invalid URLs, a space, a second '#', a non-ASCII host (RSC-020)" {
    expect xhtml-invalid-urls "RSC-020" 1
    [ "$(grep -c 'RSC-020' <<<"$output")" -eq 3 ]
    [[ "$output" == *"white space"* && "$output" == *"second '#'"* && "$output" == *"not ASCII"* ]]
}

# --- fixed layout --------------------------------------------------------------------------------

@test "fixed layout: the viewport meta is there, well-formed, with width and height once each" {
    expect fxl-viewport-missing "HTM-046" 1
    expect fxl-viewport-malformed "HTM-047" 1
    expect fxl-viewport-no-height "HTM-056" 1
    expect fxl-viewport-units "HTM-057" 1
    expect fxl-viewport-twice "HTM-059" 1
    expect fxl-svg-no-viewbox "HTM-048" 1
}

# --- media overlays ------------------------------------------------------------------------------

@test "media overlays: the media-overlay attribute and the overlays' text agree (MED-010..013)" {
    expect mo-missing-attr "MED-010" 1
    expect mo-two-overlays "MED-011" 1
    expect mo-other-overlay "MED-012" 1
    expect mo-never-points "MED-013" 1
}

@test "media overlays: active class defined (CSS-030), core audio (MED-005), textref fragments (RSC-012)" {
    expect mo-active-class-undefined "CSS-030" 1
    expect mo-audio-not-cmt "MED-005" 1
    expect mo-textref-unresolved "RSC-012" 1
}

# --- issue 11: images, dates -----------------------------------------------------------------------

@test "images: decoded by their libraries: a 14-byte GIF, a truncated PNG, an empty file (PKG-021)" {
    expect image-gif-14-bytes "PKG-021" 1
    [[ "$output" == *"tiny.gif: error: [PKG-021]"* ]]
    expect image-png-truncated "PKG-021" 1
    expect image-empty "MED-004 PKG-021" 1
}

@test "images: a JPEG named .png and declared image/png is found by its bytes (OPF-029)" {
    expect image-jpeg-as-png "OPF-029" 1
    [[ "$output" == *"is a JPEG image, not image/png"* ]]
}

@test "dates: a year before 1000 is a warning (OPF-053)" {
    expect opf-date-year-0 "OPF-053" 0
}

# --- issue 11: messages that mislead ---------------------------------------------------------------

@test "zip64: the mimetype's ZIP64 extra field is reported, never as holding 4294967295 bytes" {
    expect zip64-mimetype "PKG-005" 1
    [[ "$output" != *"4294967295"* ]]
    expect zip64-huge-declared "PKG-005 SHF-001" 1
    [[ "$output" == *"declares 5368709120 bytes"* ]]
}

@test "zip64: a size of 4294967295 without a ZIP64 field names the entry, not 'No such file'" {
    expect zip-size-marker "PKG-008" 2
    [[ "$output" == *"c2.xhtml: fatal: [PKG-008]"*"ZIP64 marker"* ]]
    [[ "$output" != *"No such file"* ]]
}

# --- issue 11: hostile input in linear time, honest messages ---------------------------------------

@test "hostile: quadratic entity expansion is named as such, in the package (not 'dc:title is empty') and in a chapter" {
    expect xml-quadratic-entities-opf "SHF-002" 1
    [[ "$output" == *"content.opf: fatal: [SHF-002]"*"entity references expand to more than 8 MiB"* ]]
    [[ "$output" != *"dc:title is empty"* ]]
    expect xml-quadratic-entities-xhtml "SHF-002" 1
    [[ "$output" == *"c1.xhtml:6: error: [SHF-002]"* ]]
}

@test "hostile: 807,000 attributes on one element are refused before libxml2 parses them (SHF-012)" {
    "$SHEAF_TOOLS/mkepub" --attrs 807000 807000 attrs.epub
    # linear: well under a second; the timeout only guards against the old quadratic 9 minutes
    run timeout 20 "$SHEAF" check attrs.epub
    [ "$status" -eq 1 ]
    [[ "$output" == *"[SHF-012] an element has 807000 attributes"* ]]
}

@test "hostile: 800,000 attributes, 200 an element, are checked in linear time and pass" {
    "$SHEAF_TOOLS/mkepub" --attrs 800000 200 attrs.epub
    run timeout 20 "$SHEAF" check attrs.epub
    [ "$status" -eq 0 ]
}
