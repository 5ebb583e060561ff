#!/usr/bin/env bats
# shapes.bats: every transcript shape reads as an interview (issue 12): Rev, Otter, "Name:
# 00:00:07", labels alone, short forms, handles and unusual names, timestamps anywhere, a cast
# declared as a list, traps that stay text. Fixtures written for the project in
# tests/fixtures/shapes; each FIXTURE.turns next to it names, by hand, the speaker of every turn
# a reader should see (tests/bench/turns.sh measures the same annotations).

load build-helpers

SFIX="$SHEAF_FIXTURES/shapes"
TURN='//div[contains(concat(" ",@class," ")," turn ")]'

# The speakers of BOOK's turns, in reading order, one a line.
speakers() {
    local doc
    for doc in $(adocs "$1"); do
        entry "$1" "$doc" | sed -e 's/ xmlns="[^"]*"//' |
            xmllint --xpath '//span[@class="speaker"]/text()' - 2>/dev/null || true
        echo
    done | sed -e '/^$/d'
}

# Build FIXTURE (a file in tests/fixtures/shapes) with ARGS and check that its turns are the
# ones its annotation names, in order; the book passes sheaf check and goes to epubcheck.
turns_are() {
    local fixture=$1 want got
    shift
    sb "$SFIX/$fixture" "$@" -o book.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    want=$(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$SFIX/${fixture%.*}.turns")
    got=$(speakers book.epub | sed -e "s/\xe2\x80\x99/'/g")
    if [ "$got" != "$want" ]; then
        diff <(echo "$want") <(echo "$got") || true
        return 1
    fi
    run timeout 20 "$SHEAF" check book.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    keep book.epub
}

c1() { docs book.epub | grep '/c0001-01\.xhtml$'; }

# Fails when standard input has a line matching PATTERN (a bare `! cmd` does not fail a bats
# test unless it is the test's last command).
lacks_line() {
    ! grep -q -- "$1"
}

@test "Rev export: 'Name (00:03:12):' above the speech; (03:12) and [00:05:02] too; the time after the name" {
    turns_are rev.txt
    doc=$(c1)
    # the name first, then the separator, then the time, then the speech
    [ "$(xq book.epub "$doc" "name(($TURN)[1]/p[1]/*[1])")" = span ]
    [ "$(xq book.epub "$doc" "string(($TURN)[1]/p[1]/*[1]/@class)")" = speaker ]
    [ "$(xq book.epub "$doc" "string(($TURN)[1]/p[1]/*[2]/@class)")" = speaker-sep ]
    [ "$(xq book.epub "$doc" "string(($TURN)[1]/p[1]/span[@class='timestamp'])")" = "(00:00:04)" ]
    [ "$(xq book.epub "$doc" "string(($TURN)[7]/p[1]/span[@class='timestamp'])")" = "[00:05:02]" ]
    # a turn of two paragraphs stays one turn
    [ "$(xq book.epub "$doc" "count(($TURN)[4]/p)")" = 2 ]
    # no label is the title or a section
    entry book.epub EPUB/nav.xhtml | lacks_line 'Whitfield'
    [ "$(xq book.epub "$doc" 'count(//h2 | //h3)')" = 0 ]
}

@test "Rev export with generic speakers: Speaker 1 (00:00):, a one-off Speaker 3" {
    turns_are rev-speakers.txt
}

@test "--timestamps=drop: no time left on any label line" {
    turns_are rev.txt --timestamps=drop
    [ "$(xq book.epub "$(c1)" 'count(//span[@class="timestamp"])')" = 0 ]
    entry book.epub "$(c1)" | lacks_line '00:0'
}

@test "Otter export: 'Name  0:34' alone on a line; Unknown Speaker speaks once" {
    turns_are otter.txt
    doc=$(c1)
    [ "$(xq book.epub "$doc" "string(($TURN)[1]/p[1]/span[@class='timestamp'])")" = "0:00" ]
    [ "$(xq book.epub "$doc" "count(($TURN)[4]/p)")" = 2 ]
    [ "$(xq book.epub "$doc" 'count(//h2 | //h3)')" = 0 ]
}

@test "Otter bold variant: **Name** [0:00] above the speech or glued to it" {
    turns_are otter-bold.md
    doc=$(c1)
    [ "$(xq book.epub "$doc" "string(($TURN)[4]/p[1]/span[@class='timestamp'])")" = "[2:47]" ]
    entry book.epub "$doc" | grep -q '</span> All the things'
}

@test "'Name: 00:00:07' alone on a line is a turn label, never a title, a chapter or a toc entry" {
    turns_are name-colon-time.txt
    doc=$(c1)
    entry book.epub EPUB/nav.xhtml | lacks_line 'Harriet\|Cormac'
    [ "$(xq book.epub "$doc" 'count(//h1[not(ancestor::header)] | //h2 | //h3)')" = 0 ]
    [ "$(adocs book.epub | wc -l)" = 1 ]
    # the speech after a blank line joins the label's turn
    [ "$(xq book.epub "$doc" "count(($TURN)[1]/p)")" = 1 ]
    xq book.epub "$doc" "string(($TURN)[1]/p[1])" | grep -q 'Harriet Osei: 00:00:07 Thank you all'
}

@test "Q: and A: alone on their lines, typed without blank lines: never glued to the answer before" {
    turns_are qa-alone.txt
    doc=$(c1)
    [ "$(xq book.epub "$doc" 'count(//div[@class="turn question"])')" = 3 ]
    [ "$(xq book.epub "$doc" 'count(//div[@class="turn answer"])')" = 3 ]
    xq book.epub "$doc" "string(($TURN)[2])" | lacks_line 'Q:'
}

@test "Interviewer: and a surname alone on their lines; the interviewer is the host" {
    turns_are interviewer-alone.md
    doc=$(c1)
    [ "$(xq book.epub "$doc" 'count(//div[@class="turn host"])')" = 3 ]
    [ "$(xq book.epub "$doc" "count(($TURN)[2]/p)")" = 2 ]
}

@test "Question: used as a label throughout, answered by name" {
    turns_are question-label.md
    [ "$(xq book.epub "$(c1)" 'count(//div[@class="turn question"])')" = 3 ]
}

@test "a short form defined in an introduction names the same speaker: (JM), handle (Full Name), Full Name (handle)" {
    turns_are intro-short.md
    # the cast names three people, by their full names
    [ "$(xq book.epub "$(c1)" 'string(//p[@class="cast"])')" = "With: Jane Marlowe, Ravi Kumar and Tess Albright" ]
}

@test "lowercase handles speak next to a named host" {
    turns_are handles.md
}

@test "names with apostrophes, particles, initials, hyphens; Chinese and Cyrillic names" {
    turns_are unusual-names.md
}

@test "oral history in capitals: INTERVIEWER: and MR. LAST." {
    turns_are oral-history.txt
}

@test "generic speakers: Moderator, Host, Audience member" {
    turns_are panel.md
    [ "$(xq book.epub "$(c1)" 'count(//div[@class="turn host"])')" = 4 ]
}

@test "timestamps in every place on the label line, kept after the name" {
    turns_are timestamps-anywhere.md
    doc=$(c1)
    [ "$(xq book.epub "$doc" 'count(//span[@class="timestamp"])')" = 6 ]
    for i in 1 2 3 4 5 6; do
        [ "$(xq book.epub "$doc" "string(($TURN)[$i]/p[1]/*[1]/@class)")" = speaker ]
    done
    [ "$(xq book.epub "$doc" 'string(//span[@class="annotation"])')" = "[laughs]" ]
}

@test "typed by hand without blank lines: each label line starts a turn, the lines after it stay" {
    turns_are hand-typed.txt
    xq book.epub "$(c1)" "normalize-space(($TURN)[4])" | grep -q 'We lived in huts by the river. The huts had tin roofs'
}

@test "front matter speakers: [Full Name, ...]: first names, surnames and initials get the full name, no warning" {
    turns_are frontmatter-list.md
    lacks "warning"
    [ "$(xq book.epub "$(c1)" 'string(//p[@class="cast"])')" = "With: Beatrix Kolb and Samuel Adeyemi" ]
}

@test "traps stay text: Note:, Update:, Slides:, Chapter 2  4:10, colons in sentences, times of day" {
    turns_are traps.md
    entry book.epub "$(c1)" | lacks_line 'class="speaker"'
    entry book.epub "$(c1)" | lacks_line 'class="turn'
}

@test "detection per label: a handle, a short form and a one-off speaker keep the others' turns" {
    turns_are per-label.md
}

@test "turns keep their paragraphs, lists and quotes; a label on the next line starts a new turn" {
    turns_are grouping.md
    doc=$(c1)
    [ "$(xq book.epub "$doc" "count(($TURN)[1]/p)")" = 2 ]
    [ "$(xq book.epub "$doc" "count(($TURN)[1]/ul)")" = 1 ]
    [ "$(xq book.epub "$doc" "count(($TURN)[2]/p)")" = 1 ]
    xq book.epub "$doc" "normalize-space(($TURN)[3]/p[1])" | grep -q 'no blank line between. More of my turn'
    [ "$(xq book.epub "$doc" "count(($TURN)[4]/blockquote)")" = 1 ]
}

@test "break markers keep their time: Break [09:54]" {
    turns_are breaks.md
    doc=$(c1)
    [ "$(xq book.epub "$doc" 'count(//hr[@class="scene-break"])')" = 3 ]
    [ "$(xq book.epub "$doc" 'normalize-space(//div[@class="break-time"][1])')" = "Break [09:54]" ]
    [ "$(xq book.epub "$doc" 'normalize-space(//div[@class="break-time"][2])')" = "Break [24:10] to [25:02]" ]
    sb "$SFIX/breaks.md" --timestamps=drop -o drop.epub
    [ "$status" -eq 0 ]
    [ "$(xq drop.epub "$doc" 'count(//div[@class="break-time"])')" = 0 ]
    [ "$(xq drop.epub "$doc" 'count(//hr[@class="scene-break"])')" = 3 ]
    keep drop.epub
}

@test "the label never breaks across lines nor stretches (both stylesheets)" {
    sb "$SFIX/rev.txt" -o book.epub
    [ "$status" -eq 0 ]
    css=$(entry book.epub EPUB/styles/sheaf.css)
    grep -A8 '^span\.speaker {' <<<"$css" | grep -q 'white-space: nowrap'
    sb "$SFIX/rev.txt" --style plain -o plain.epub
    [ "$status" -eq 0 ]
    keep plain.epub
    entry plain.epub EPUB/styles/sheaf.css | grep 'span\.speaker' | grep -q 'white-space: nowrap'
}

@test "16,000 distinct labels, each twice: turns in linear time (a guard against quadratic label lookups)" {
    awk 'BEGIN { for (i = 0; i < 16000; i++) printf "Speaker%d: one.\n\nSpeaker%d: two.\n\n", i, i }' >many.md
    run timeout 12 "$SHEAF" build many.md -o many.epub
    [ "$status" -eq 0 ]
    [ "$(entry many.epub EPUB/text/c0001-01.xhtml | grep -o 'class="speaker"' | wc -l)" -gt 0 ]
    [ "$(for d in $(adocs many.epub); do entry many.epub "$d"; done | grep -o 'class="speaker"' | wc -l)" = 32000 ]
}
