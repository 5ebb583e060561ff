#!/usr/bin/env bats
# End-to-end tests of `sheaf check` (issue 3). Every fixture is written by tests/tools/mkepub
# (no binaries of unknown origin); each test asserts the exact set of finding IDs reported and
# the exit status. `mkepub --list` names the cases; the last test makes sure none is untested.

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

@test "check valid: a correct EPUB 3 book: nav, NCX, CSS, image, two chapters, links" {
    expect valid "" 0
}

@test "check valid-epub-typed: valid: landmarks nav, svg and mathml with their properties" {
    expect valid-epub-typed "" 0
}

@test "check mimetype-not-first: mimetype is the second entry" {
    expect mimetype-not-first "PKG-006" 1
}

@test "check mimetype-compressed: mimetype deflated" {
    expect mimetype-compressed "PKG-007" 1
}

@test "check mimetype-extra-field: mimetype has an extra field" {
    expect mimetype-extra-field "PKG-005" 1
}

@test "check mimetype-newline: mimetype holds a trailing newline" {
    expect mimetype-newline "PKG-007" 1
}

@test "check mimetype-missing: no mimetype entry" {
    expect mimetype-missing "PKG-006" 1
}

@test "check container-missing: no META-INF/container.xml" {
    expect container-missing "RSC-002" 1
}

@test "check container-bad-path: container.xml names a missing package document" {
    expect container-bad-path "OPF-002" 1
}

@test "check container-no-rootfile: no rootfile with the package media type" {
    expect container-no-rootfile "RSC-003" 1
}

@test "check name-forbidden-char: a file name with a colon and a question mark" {
    expect name-forbidden-char "OPF-003 PKG-009" 1
}

@test "check name-trailing-dot: a file name ending with a dot" {
    expect name-trailing-dot "OPF-003 PKG-011" 1
}

@test "check name-space: a file name with a space" {
    expect name-space "OPF-003 PKG-010" 0
}

@test "check name-case-duplicate: two names equal after case folding" {
    expect name-case-duplicate "OPF-003 OPF-060" 1
}

@test "check name-case-latin1: Latin-1 names differing only in case" {
    expect name-case-latin1 "OPF-003 OPF-060 PKG-012" 1
    [[ "$output" == *"[OPF-060] duplicate entry in the ZIP file after case folding: \"OEBPS/"* ]]
}

@test "check name-case-latin-ext: Latin Extended-A names differing only in case" {
    expect name-case-latin-ext "OPF-003 OPF-060 PKG-012" 1
}

@test "check name-case-greek: Greek names differing only in case (with a tonos)" {
    expect name-case-greek "OPF-003 OPF-060 PKG-012" 1
}

@test "check name-case-cyrillic: Cyrillic names differing only in case" {
    expect name-case-cyrillic "OPF-003 OPF-060 PKG-012" 1
}

@test "check name-case-distinct: compatibility forms (double-struck H and H), Cyrillic and Latin e stay distinct" {
    expect name-case-distinct "OPF-003 PKG-012" 0
}

@test "check name-duplicate: the same name twice" {
    expect name-duplicate "OPF-060 SHF-010" 2
}

@test "check name-dotdot: an entry named ../evil.txt" {
    expect name-dotdot "SHF-007" 1
}

@test "check name-absolute: an entry named /etc/evil.txt" {
    expect name-absolute "SHF-007" 1
}

@test "check name-backslash: an entry named with a backslash" {
    expect name-backslash "PKG-009" 1
}

@test "check name-nul: an entry name with a NUL byte" {
    expect name-nul "PKG-009" 1
}

@test "check name-not-utf8: an entry name that is not UTF-8" {
    expect name-not-utf8 "SHF-009" 1
}

@test "check meta-inf-resource: a manifest item inside META-INF" {
    expect meta-inf-resource "PKG-025" 1
}

@test "check symlink: a symbolic link entry" {
    expect symlink "SHF-004" 1
}

@test "check encrypted: a ZIP-encrypted entry" {
    expect encrypted "SHF-006" 1
}

@test "check method-bzip2: an entry with compression method 12" {
    expect method-bzip2 "SHF-005" 1
}

@test "check bomb-ratio: an entry declaring 4 GB from a few bytes" {
    expect bomb-ratio "SHF-001" 1
}

@test "check bomb-cap: a chapter that inflates to 80 MiB" {
    expect bomb-cap "SHF-002" 1
}

@test "check lying-size: a chapter that inflates past its declared size" {
    expect lying-size "SHF-003" 1
}

@test "check overlapping: two central records sharing one local header" {
    expect overlapping "SHF-010" 2
}

@test "check truncated: the archive cut in half" {
    expect truncated "PKG-008" 2
}

@test "check not-zip: a text file" {
    expect not-zip "PKG-004 PKG-008" 2
}

@test "check empty: a file of 0 bytes" {
    expect empty "PKG-003" 2
}

@test "check opf-not-wellformed: the package document is not well-formed" {
    expect opf-not-wellformed "RSC-016" 1
}

@test "check opf-no-identifier: no dc:identifier" {
    expect opf-no-identifier "OPF-030 RSC-005" 1
}

@test "check opf-uid-mismatch: unique-identifier names no dc:identifier" {
    expect opf-uid-mismatch "OPF-030" 1
}

@test "check opf-no-uid-attr: no unique-identifier attribute" {
    expect opf-no-uid-attr "OPF-048" 1
}

@test "check opf-no-title: no dc:title" {
    expect opf-no-title "RSC-005" 1
}

@test "check opf-no-language: no dc:language" {
    expect opf-no-language "RSC-005" 1
}

@test "check opf-bad-language: dc:language is \"C\"" {
    expect opf-bad-language "OPF-092" 1
}

@test "check opf-no-modified: no dcterms:modified" {
    expect opf-no-modified "RSC-005" 1
}

@test "check opf-two-modified: dcterms:modified twice" {
    expect opf-two-modified "RSC-005" 1
}

@test "check opf-bad-modified: dcterms:modified not CCYY-MM-DDThh:mm:ssZ" {
    expect opf-bad-modified "RSC-005" 1
}

@test "check opf-empty-date: an empty dc:date" {
    expect opf-empty-date "OPF-053 RSC-005" 1
}

@test "check opf-empty-creator: an empty dc:creator" {
    expect opf-empty-creator "RSC-005" 1
    [[ "$output" == *"dc:creator is empty"* ]]
}

@test "check opf-empty-publisher: an empty dc:publisher" {
    expect opf-empty-publisher "RSC-005" 1
    [[ "$output" == *"dc:publisher is empty"* ]]
}

@test "check opf-empty-description: an empty dc:description" {
    expect opf-empty-description "RSC-005" 1
    [[ "$output" == *"dc:description is empty"* ]]
}

@test "check opf-empty-rights: an empty dc:rights" {
    expect opf-empty-rights "RSC-005" 1
    [[ "$output" == *"dc:rights is empty"* ]]
}

@test "check opf-empty-subject: an empty dc:subject" {
    expect opf-empty-subject "RSC-005" 1
    [[ "$output" == *"dc:subject is empty"* ]]
}

@test "check opf-empty-contributor: an empty dc:contributor" {
    expect opf-empty-contributor "RSC-005" 1
    [[ "$output" == *"dc:contributor is empty"* ]]
}

@test "check opf-empty-title: an empty dc:title beside a good one" {
    expect opf-empty-title "RSC-005" 1
    [[ "$output" == *"dc:title is empty"* ]]
}

@test "check opf-empty-language: an empty dc:language beside a good one" {
    expect opf-empty-language "RSC-005" 1
    [[ "$output" == *"dc:language is empty"* ]]
}

@test "check opf-empty-identifier: an empty second dc:identifier" {
    expect opf-empty-identifier "RSC-005" 1
    [[ "$output" == *"dc:identifier is empty"* ]]
}

@test "check opf-blank-creator: a dc:creator holding only spaces" {
    expect opf-blank-creator "RSC-005" 1
    [[ "$output" == *"content.opf:7: error: [RSC-005] dc:creator is empty"* ]]
}

@test "check opf-missing-file: a manifest item whose file is absent" {
    expect opf-missing-file "RSC-001" 1
}

@test "check opf-duplicate-href: two manifest items for one file" {
    expect opf-duplicate-href "OPF-074" 1
}

@test "check opf-duplicate-id: two manifest items with one id" {
    expect opf-duplicate-id "RSC-005" 1
}

@test "check opf-media-type-mismatch: a PNG declared as JPEG" {
    expect opf-media-type-mismatch "OPF-029" 1
}

@test "check opf-unknown-property: an undefined manifest property" {
    expect opf-unknown-property "OPF-027" 1
}

@test "check opf-missing-svg: inline SVG without properties=\"svg\"" {
    expect opf-missing-svg "OPF-014" 1
}

@test "check opf-missing-scripted: a script without properties=\"scripted\"" {
    expect opf-missing-scripted "OPF-014" 1
}

@test "check opf-missing-mathml: MathML without properties=\"mathml\"" {
    expect opf-missing-mathml "OPF-014" 1
}

@test "check opf-missing-remote: remote audio without properties=\"remote-resources\"" {
    expect opf-missing-remote "OPF-014 RSC-008" 1
}

@test "check opf-extra-property: properties=\"scripted\" without a script" {
    expect opf-extra-property "OPF-015" 1
}

@test "check opf-fallback-missing: a fallback naming no manifest item" {
    expect opf-fallback-missing "OPF-040" 1
}

@test "check opf-fallback-cycle: two items falling back to each other" {
    expect opf-fallback-cycle "OPF-045" 1
}

@test "check opf-remote-item: a remote image in the manifest" {
    expect opf-remote-item "RSC-006" 1
}

@test "check opf-bad-date: dc:date \"next week\"" {
    expect opf-bad-date "OPF-053" 0
}

@test "check opf-unlisted-file: a file in the container but not in the manifest" {
    expect opf-unlisted-file "OPF-003" 0
}

@test "check opf-no-nav: no item with properties=\"nav\"" {
    expect opf-no-nav "RSC-005" 1
}

@test "check spine-bad-idref: an itemref naming no item" {
    expect spine-bad-idref "OPF-049" 1
}

@test "check spine-duplicate: an item twice in the spine" {
    expect spine-duplicate "OPF-034" 1
}

@test "check spine-no-linear: every itemref linear=\"no\"" {
    expect spine-no-linear "OPF-033" 1
}

@test "check spine-image-no-fallback: an image in the spine without fallback" {
    expect spine-image-no-fallback "OPF-043" 1
}

@test "check spine-missing: no spine element" {
    expect spine-missing "OPF-019" 1
}

@test "check nav-no-toc: the nav document has no toc nav" {
    expect nav-no-toc "RSC-005" 1
}

@test "check nav-two-toc: two toc navs" {
    expect nav-two-toc "RSC-005" 1
}

@test "check nav-bad-list: a toc list item without a link" {
    expect nav-bad-list "RSC-005" 1
}

@test "check nav-not-in-spine: a toc link to a document outside the spine" {
    expect nav-not-in-spine "RSC-011" 1
}

@test "check nav-order: toc links out of spine order" {
    expect nav-order "NAV-011" 0
}

@test "check nav-remote: a toc link to a web page" {
    expect nav-remote "NAV-010" 1
}

@test "check nav-bad-fragment: a toc link to a missing fragment" {
    expect nav-bad-fragment "RSC-012" 1
}

@test "check nav-span-no-ol: a toc heading (span) without a sublist" {
    expect nav-span-no-ol "RSC-005" 1
}

@test "check ncx-missing-target: an NCX navPoint to a missing file" {
    expect ncx-missing-target "RSC-007" 1
}

@test "check ncx-uid-mismatch: the NCX dtb:uid differs from the package identifier" {
    expect ncx-uid-mismatch "NCX-001" 1
}

@test "check ncx-disagree: the NCX lists other targets than the nav toc" {
    expect ncx-disagree "SHF-008" 0
}

@test "check xhtml-not-wellformed: an unclosed <img> passed through from Markdown" {
    expect xhtml-not-wellformed "RSC-016" 1
}

@test "check xhtml-wrong-namespace: <html> without the XHTML namespace" {
    expect xhtml-wrong-namespace "RSC-005" 1
}

@test "check xhtml-duplicate-id: two elements with one id" {
    expect xhtml-duplicate-id "RSC-005" 1
}

@test "check xhtml-missing-image: an image that is not in the container" {
    expect xhtml-missing-image "RSC-007" 1
}

@test "check xhtml-missing-link: a relative link to a missing file ([site](example.org))" {
    expect xhtml-missing-link "RSC-007" 1
}

@test "check xhtml-not-in-manifest: an image in the container, not in the manifest" {
    expect xhtml-not-in-manifest "RSC-008" 1
}

@test "check xhtml-bad-fragment: a link to an undefined fragment" {
    expect xhtml-bad-fragment "RSC-012" 1
}

@test "check xhtml-remote-image: an image from the web" {
    expect xhtml-remote-image "RSC-006" 1
}

@test "check xhtml-link-outside: a link climbing above the container root" {
    expect xhtml-link-outside "RSC-026" 1
}

@test "check xhtml-file-url: a file: URL" {
    expect xhtml-file-url "RSC-030" 1
}

@test "check xhtml-bad-lang: xml:lang and lang \"C\"" {
    expect xhtml-bad-lang "RSC-005" 1
}

@test "check xhtml-link-not-in-spine: a hyperlink to a document outside the spine" {
    expect xhtml-link-not-in-spine "RSC-011" 1
}

@test "check xhtml-style-attr-url: a style attribute with url() to a missing file" {
    expect xhtml-style-attr-url "RSC-007" 1
}

@test "check css-missing-url: a stylesheet url() to a missing file" {
    expect css-missing-url "RSC-007" 1
}

@test "check css-remote-image: a stylesheet url() to a remote image" {
    expect css-remote-image "RSC-006" 1
}

@test "check xml-external-entity: an external entity declaration (file:///etc/passwd)" {
    expect xml-external-entity "HTM-003" 1
}

@test "check xml-external-dtd: an XHTML 1.1 DOCTYPE with external identifiers" {
    expect xml-external-dtd "HTM-004" 1
}

@test "check xml-billion-laughs: nested entity expansion" {
    expect xml-billion-laughs "RSC-016" 1
}

@test "check xml-deep-nesting: valid: elements nested 5000 deep (parsed without recursion)" {
    expect xml-deep-nesting "" 0
}
@test "check many-findings: 6000 missing images: findings stop at a cap" {
    expect many-findings "RSC-007 SHF-011" 1
}


# --- valid books --------------------------------------------------------------------------------

@test "valid books: no findings at all, exit 0, kept for epubcheck" {
    "$SHEAF_TOOLS/mkepub" --big 40 big.epub
    for b in "$FIX/valid.epub" "$FIX/valid-epub-typed.epub" big.epub; do
        run "$SHEAF" check "$b"
        [ "$status" -eq 0 ]
        [ "$output" = "$b: OK" ]
        cp "$b" "$SHEAF_EPUB_OUT/check-$(basename "$b")"
    done
}

@test "valid books: the big book's NCX has unique ids and playOrder 1..N in document order" {
    "$SHEAF_TOOLS/mkepub" --big 40 big.epub
    unzip -p big.epub OEBPS/toc.ncx >toc.ncx
    local n dups orders
    n=$(grep -o '<navPoint ' toc.ncx | wc -l)
    [ "$n" -eq 79 ]
    dups=$(grep -o 'navPoint id="[^"]*"' toc.ncx | sort | uniq -d)
    [ -z "$dups" ]
    orders=$(grep -o 'playOrder="[0-9]*"' toc.ncx | grep -o '[0-9][0-9]*' | tr '\n' ' ')
    [ "$orders" = "$(seq -s ' ' 1 "$n") " ]
}

# --- command line ---------------------------------------------------------------------------------

@test "cli: findings name the book, the entry, the line, the ID and the missing file" {
    run "$SHEAF" check "$FIX/xhtml-missing-image.epub"
    [ "$status" -eq 1 ]
    [[ "$output" == *"xhtml-missing-image.epub/OEBPS/c1.xhtml:"[0-9]*": error: [RSC-007] "*"OEBPS/photo.jpg"* ]]
    [[ "$output" == *"xhtml-missing-image.epub: FAILED: 1 error, 0 warnings"* ]]
}

@test "cli: --quiet prints only the verdict" {
    run "$SHEAF" check --quiet "$FIX/xhtml-missing-image.epub"
    [ "$status" -eq 1 ]
    [ "$output" = "$FIX/xhtml-missing-image.epub: FAILED: 1 error, 0 warnings" ]
}

@test "cli: warnings pass unless --warnings-as-errors" {
    run "$SHEAF" check "$FIX/nav-order.epub"
    [ "$status" -eq 0 ]
    [[ "$output" == *"OK, 1 warning"* ]]
    run "$SHEAF" check --warnings-as-errors "$FIX/nav-order.epub"
    [ "$status" -eq 1 ]
    run "$SHEAF" check -W "$FIX/valid.epub"
    [ "$status" -eq 0 ]
}

@test "cli: --json writes a machine-readable report" {
    run "$SHEAF" check --json "$FIX/valid.epub" "$FIX/xhtml-bad-fragment.epub"
    [ "$status" -eq 1 ]
    [[ "$output" == "["* ]]
    [[ "$output" == *'"id": "RSC-012"'* ]]
    [[ "$output" == *'"path": "OEBPS/c1.xhtml"'* ]]
    [[ "$output" == *'"valid": true'* ]]
    [[ "$output" == *'"valid": false'* ]]
    if command -v python3 >/dev/null; then
        printf '%s' "$output" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r)==2 and r[1]["errors"]==1, r'
    fi
}

@test "cli: several books: one report each, the worst status wins" {
    run "$SHEAF" check "$FIX/valid.epub" "$FIX/opf-no-title.epub"
    [ "$status" -eq 1 ]
    [[ "$output" == *"valid.epub: OK"* ]]
    [[ "$output" == *"opf-no-title.epub: FAILED"* ]]
    run "$SHEAF" check "$FIX/not-zip.epub" "$FIX/opf-no-title.epub"
    [ "$status" -eq 2 ]
    [[ "$output" == *"not-zip.epub: FAILED: not a readable EPUB"* ]]
}

@test "cli: usage errors and unreadable files exit 2" {
    run "$SHEAF" check
    [ "$status" -eq 2 ]
    [[ "$output" == *"no EPUB file given"* ]]
    run "$SHEAF" check --frobnicate "$FIX/valid.epub"
    [ "$status" -eq 2 ]
    run "$SHEAF" check does-not-exist.epub
    [ "$status" -eq 2 ]
    [[ "$output" == *"does-not-exist.epub"*"No such file"* ]]
    run "$SHEAF" check --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--warnings-as-errors"* ]]
}

# --- hostile input ----------------------------------------------------------------------------------

@test "hostile: external entities are reported, never read" {
    run "$SHEAF" check "$FIX/xml-external-entity.epub"
    [ "$status" -eq 1 ]
    [[ "$output" == *"file:///etc/passwd"* ]]
    [[ "$output" != *"root:"* ]]
}

@test "hostile: entry names are never used as paths on disk" {
    for c in name-dotdot name-absolute name-backslash symlink; do
        run "$SHEAF" check "$FIX/$c.epub"
        [ "$status" -eq 1 ]
    done
    [ ! -e "$BATS_TEST_TMPDIR/../evil.txt" ]
    [ ! -e "$BATS_TEST_TMPDIR/evil.txt" ]
    [ ! -e /etc/evil.txt ]
}

@test "hostile: bombs and huge declared sizes are refused, not inflated" {
    run "$SHEAF" check "$FIX/bomb-ratio.epub"
    [[ "$output" == *"[SHF-001]"*"4294967280 bytes"* ]]
    run "$SHEAF" check "$FIX/bomb-cap.epub"
    [[ "$output" == *"[SHF-002]"*"83886080 bytes"* ]]
}

@test "every mkepub fixture has a test in this file" {
    local missing="" n=0
    while IFS=$'\t' read -r name _ _; do
        n=$((n + 1))
        grep -q "expect $name " "$BATS_TEST_FILENAME" "$BATS_TEST_DIRNAME/check-conformance.bats" ||
            missing="$missing $name"
    done < <("$SHEAF_TOOLS/mkepub" --list)
    [ "$n" -ge 100 ] || { echo "mkepub --list named only $n fixtures"; return 1; }
    [ -z "$missing" ] || { echo "untested fixtures:$missing"; return 1; }
}
