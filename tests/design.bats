#!/usr/bin/env bats
# End-to-end tests of issue 16, books a designer would sign: GitHub Flavored Markdown (tables,
# strikethrough, task lists, autolinks), figures and captions, math, code, article openings,
# chapters cut by size only, contents pages of names in collections, covers, pasted-text
# leftovers. Fixtures: tests/fixtures/design/ (see its README).

load build-helpers

D="$SHEAF_FIXTURES/design"

# --- GitHub Flavored Markdown -------------------------------------------------------------------

@test "gfm: a pipe table becomes a table with a header row, its columns aligned as written" {
    sb "$D/tables.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    doc=$(adocs book.epub | head -1)
    # the first table: header row in thead, three body rows in tbody
    [ "$(xq book.epub "$doc" 'count((//table)[1]/thead/tr/th)')" = 4 ]
    [ "$(xq book.epub "$doc" 'count((//table)[1]/tbody/tr)')" = 3 ]
    [ "$(xq book.epub "$doc" 'string((//table)[1]/thead/tr/th[1])')" = "Kiln" ]
    # alignment from the delimiter row: left, right, centre, none
    [ "$(xq book.epub "$doc" 'string((//table)[1]/thead/tr/th[1]/@class)')" = "align-left" ]
    [ "$(xq book.epub "$doc" 'string((//table)[1]/tbody/tr[1]/td[2]/@class)')" = "align-right" ]
    [ "$(xq book.epub "$doc" 'string((//table)[1]/tbody/tr[1]/td[3]/@class)')" = "align-center" ]
    [ "$(xq book.epub "$doc" 'count((//table)[1]/tbody/tr[1]/td[4]/@class)')" = 0 ]
    # an escaped pipe stays in its cell; a short row is filled to the header's width
    [ "$(xq book.epub "$doc" 'string((//table)[1]/tbody/tr[2]/td[1])')" = "Gas | reduction" ]
    [ "$(xq book.epub "$doc" 'count((//table)[1]/tbody/tr[2]/td)')" = 4 ]
    # inline Markdown and raw HTML inside cells
    [ "$(xq book.epub "$doc" 'string((//table)[1]/tbody/tr[1]/td[4]/em)')" = "even" ]
    [ "$(xq book.epub "$doc" 'string((//table)[1]/tbody/tr[3]/td[4]/b)')" = "ash" ]
    # a header-only table, and no paragraph of pipes and dashes anywhere
    [ "$(xq book.epub "$doc" 'count(//table)')" = 3 ]
    [ "$(xq book.epub "$doc" 'count(//p[contains(., "|---")or contains(., "---|")])')" = 0 ]
    # pipes without a delimiter row stay a paragraph
    [ "$(xq book.epub "$doc" 'count(//p[contains(., "a line with | pipes |")])')" = 1 ]
}

@test "gfm: strikethrough, autolinks and task lists" {
    sb "$D/tables.md" -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    doc=$(adocs book.epub | head -1)
    [ "$(xq book.epub "$doc" 'string(//del)')" = "old" ]
    # one tilde is an approximation, not a strikethrough
    [ "$(xq book.epub "$doc" 'count(//p[contains(., "~1200 degrees")])')" = 1 ]
    [ "$(xq book.epub "$doc" 'string(//a[.="www.example.org"]/@href)')" = "http://www.example.org" ]
    [ "$(xq book.epub "$doc" 'string(//a[.="https://example.org/kilns"]/@href)')" = "https://example.org/kilns" ]
    [ "$(xq book.epub "$doc" 'count(//li[@class="task"])')" = 2 ]
    [ "$(xq book.epub "$doc" 'string(//li[@class="task"][1]/span[@class="task-box"])')" = "☐" ]
    [ "$(xq book.epub "$doc" 'string(//li[@class="task"][2]/span[@class="task-box"])')" = "☑" ]
    # the item's text follows its box, without "[x]"
    [ "$(xq book.epub "$doc" 'count(//li[contains(., "[x]") or contains(., "[ ]")])')" = 0 ]
}

@test "gfm: a line of 200,000 pipes is text, built in linear time, with a warning naming it" {
    # cmark-gfm takes time quadratic in the cells of a row (80 KB of '|': 12 s); this one
    # would take hours. sb gives up after 20 s.
    {
        printf '# Pipes\n\n| a |\n|---|\n'
        head -c 200000 /dev/zero | tr '\0' '|'
        printf '\n\n| real | table |\n|---|---|\n| 1 | 2 |\n'
    } >pipes.md
    sb pipes.md -o book.epub
    [ "$status" -eq 0 ]
    has "pipes.md:5: warning"
    has "'|' were kept as text"
    keep book.epub
    doc=$(adocs book.epub | head -1)
    # the table after it is still a table
    [ "$(xq book.epub "$doc" 'string(//table[last()]/tbody/tr/td[2])')" = 2 ]
}
