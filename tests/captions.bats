#!/usr/bin/env bats
# captions.bats: caption files become readable interviews (issue 15), end to end. Fixtures written
# for the project in tests/fixtures/captions: each NAME.vtt/.srt/.json has beside it NAME.turns,
# written by hand from the file (not from sheaf's output): one line per paragraph, "Speaker<TAB>
# text" for the first paragraph of a turn, "+<TAB>text" for another paragraph of the same turn,
# "-<TAB>text" for a paragraph outside any turn. tests/tools/turnlist reads the book the same way.

load build-helpers

CFIX="$SHEAF_FIXTURES/captions"

# The article's paragraphs as turnlist prints them (first article of BOOK).
found_turns() {
    rm -rf "$BATS_TEST_TMPDIR/x" && mkdir "$BATS_TEST_TMPDIR/x"
    (cd "$BATS_TEST_TMPDIR/x" && unzip -q "$1")
    "$SHEAF_TOOLS/turnlist" $(ls "$BATS_TEST_TMPDIR"/x/EPUB/text/c${2:-0001}-*.xhtml | sort)
}

# turns_match NAME [OPTIONS...]: build the fixture NAME.* into NAME.epub; its paragraphs must be
# exactly those of NAME.turns; the book passes sheaf check and is kept for epubcheck.
turns_match() {
    local name=$1 input
    shift
    input=$(ls "$CFIX/$name".* | grep -v '\.turns$' | head -1)
    sb "$input" "$@" -o "$name.epub"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    found_turns "$PWD/$name.epub" >found.txt
    diff -u "$CFIX/$name.turns" found.txt
    run timeout 20 "$SHEAF" check "$name.epub"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    keep "$name.epub"
}

chapter() {
    entry "$1" "$(docs "$1" | grep '/c0001-01\.xhtml$')"
}

@test "WebVTT voices: NOTE/STYLE/REGION skipped, identifiers and settings, markup reduced" {
    turns_match voices
    # a book of one transcript: --title is its title, instead of the file name
    sb "$CFIX/voices.vtt" --title "Pit Firing" -o titled.epub
    [ "$status" -eq 0 ]
    [ "$(xq titled.epub "$(docs titled.epub | grep c0001-01)" 'string(//h1)')" = "Pit Firing" ]
    keep titled.epub
    # markup: <i> and <b> are emphasis, <c>, <lang> and inner timestamps keep their text
    chapter voices.epub | grep -q '<em>why</em>'
    chapter voices.epub | grep -q '<strong>grandmother</strong>'
    ! chapter voices.epub | grep -q 'STYLE\|::cue\|Exported from\|host laughs' || false
    # the stage direction is styled apart, the header's language is the article's
    chapter voices.epub | grep -q '<span class="annotation">\[laughs\]</span>'
    opf voices.epub | grep -q '<dc:language>en-GB</dc:language>'
}

@test "WebVTT: a voice only on changes carries over; two voices in one cue are two turns" {
    turns_match voice-changes
}

@test "WebVTT with voices: a cue without one that opens with a voice's name is that voice's, unless it goes on a sentence" {
    turns_match voices-and-names
}

@test "WebVTT without voices: Name: at a cue's start names the speaker, later ones are speech" {
    turns_match name-prefix
}

@test "WebVTT exports: BOM, CRLF, bare seconds, overlapping cues, no blank line, no final line end" {
    turns_match export-quirks
    # generic labels are kept as they are
    chapter export-quirks.epub | grep -q '<span class="speaker">SPEAKER_1</span>'
}

@test "WebVTT roll-up captions: each line once, inner timestamps and <c> spans dropped" {
    turns_match rollup
}

@test "no speakers: plain paragraphs grouped by pauses, each with its quiet timestamp" {
    turns_match no-speakers
    [ "$(xq no-speakers.epub "$(docs no-speakers.epub | grep c0001-01)" 'count(//span[@class="speaker"])')" = 0 ]
    [ "$(xq no-speakers.epub "$(docs no-speakers.epub | grep c0001-01)" 'string((//p/span[@class="timestamp"])[3])')" = "[00:33]" ]
    # no cast is invented
    ! chapter no-speakers.epub | grep -q 'class="cast"' || false
}

@test "SubRip labels: Name:, [SPEAKER_02]: and Unknown: open turns; Name: later in a card is speech" {
    turns_match labels
    # Unknown labels its turns but is not listed among those taking part
    [ "$(xq labels.epub "$(docs labels.epub | grep c0001-01)" 'string(//p[@class="cast"])')" = "With: SPEAKER_00 and SPEAKER_01" ]
}

@test "Chinese and Japanese captions: labels with a fullwidth colon, lines joined without a space (Korean keeps its spaces)" {
    turns_match cjk
}

@test "a long Chinese turn is cut into paragraphs at 。, never inside a sentence whose cues end mid-way" {
    # 40 sentences, each said over two cues that break it in the middle
    { printf 'WEBVTT\n\n'
      for i in $(seq 10 49); do
          printf '00:00:%02d.000 --> 00:00:%02d.400\n<v 王小明>这是第%d句话，我们\n\n' $i $i $i
          printf '00:00:%02d.500 --> 00:00:%02d.900\n<v 王小明>谈谈陶艺。\n\n' $i $i
      done; } >long-zh.vtt
    sb long-zh.vtt -o long-zh.epub
    [ "$status" -eq 0 ]
    found_turns "$PWD/long-zh.epub" >found.txt
    # more than one paragraph, each ending a sentence, none holding a space
    [ "$(wc -l <found.txt)" -ge 2 ]
    ! cut -f2 found.txt | grep -v '。$' || false
    ! cut -f2 found.txt | grep -q ' ' || false
    # every word kept, in order
    want=$(for i in $(seq 10 49); do printf '这是第%d句话，我们谈谈陶艺。' $i; done)
    [ "$(cut -f2 found.txt | tr -d '\n')" = "$want" ]
    keep long-zh.epub
}

@test "SubRip dialogue: dashes are changes of voice, hyphenated line ends and ... carried over" {
    turns_match dialogue
    chapter dialogue.epub | grep -q '<span class="timestamp">\[01:02\]</span>'
}

@test "a dash carried over to the next cue is one dash: '--' / '-- and', '—' / '—'" {
    printf '1\n00:00:01,000 --> 00:00:02,000\nAnn: We waited --\n\n2\n00:00:02,000 --> 00:00:03,000\nAnn: -- and waited. Then —\n\n3\n00:00:03,000 --> 00:00:04,000\nAnn: — nothing, at about\n-5 degrees.\n' >dash.srt
    sb dash.srt -o dash.epub
    [ "$status" -eq 0 ]
    found_turns "$PWD/dash.epub" >found.txt
    printf 'Ann\tWe waited \xe2\x80\x93 and waited. Then \xe2\x80\x94 nothing, at about -5 degrees.\n' >want.txt
    diff -u want.txt found.txt
    keep dash.epub
}

@test "SubRip: cards written twice appear once; missing numbers and blank lines tolerated" {
    turns_match duplicates
}

@test "Podcasting 2.0 JSON: segments become turns with their speakers" {
    turns_match segments
    [ "$(xq segments.epub "$(docs segments.epub | grep c0001-01)" 'string(//p[@class="cast"])')" = "With: Ana Ruiz and Bram de Vries" ]
}

@test "JSON word-level segments, with segments that are only a space or a comma, join into prose" {
    turns_match words
}

@test "JSON speakers map names spk_ labels; an unnamed label is kept; language from the file" {
    turns_match speakers-map
    opf speakers-map.epub | grep -q '<dc:language>en</dc:language>'
}

@test "Podcasting 2.0 HTML transcript: <cite> speakers, <time> starts, <p> speech, title from <title>" {
    turns_match podcast
    doc=$(docs podcast.epub | grep c0001-01)
    [ "$(xq podcast.epub "$doc" 'string(//h1)')" = "Kiln Talk 13: Ash Glazes" ]
    # a time past an hour makes every timestamp h:mm:ss; <time datetime> wins over its text
    [ "$(xq podcast.epub "$doc" 'string((//span[@class="timestamp"])[1])')" = "[0:00:00]" ]
    [ "$(xq podcast.epub "$doc" 'string((//span[@class="timestamp"])[4])')" = "[1:02:03]" ]
    chapter podcast.epub | grep -q '<em>Always</em>'
    [ "$(xq podcast.epub "$doc" 'string(//p[@class="cast"])')" = "With: Mara Lindqvist and Tomás Reyes" ]
}

@test "HTML transcript fragment (no <html>): speaker and time inside the paragraph, a <cite> in the text stays text" {
    turns_match fragment
    run bash -c "timeout 20 '$SHEAF' build - --from html --speaker 'Jonah Pike=J. Pike' -o in.epub < '$CFIX/fragment.html'"
    [ "$status" -eq 0 ]
    [ "$(xq in.epub "$(docs in.epub | grep c0001-01)" 'string((//span[@class="speaker"])[2])')" = "J. Pike" ]
    keep in.epub
}

@test "a web page with <cite> credits and quotations is an article, not a transcript" {
    cp "$CFIX/bad/credits.html" page.html
    sb page.html -o page.epub
    [ "$status" -eq 0 ]
    doc=$(docs page.epub | grep c0001-01)
    [ "$(xq page.epub "$doc" 'count(//div[contains(@class,"turn")])')" = 0 ]
    entry page.epub "$doc" | grep -q 'The kiln at the end of the lane'
    keep page.epub
}

@test "a long turn is cut into paragraphs at sentence ends and long pauses, never mid-sentence" {
    turns_match long-turn
    # only the turn's first paragraph carries the timestamp
    doc=$(docs long-turn.epub | grep c0001-01)
    [ "$(xq long-turn.epub "$doc" 'count((//div[contains(@class,"turn")])[2]/p)')" = 3 ]
    [ "$(xq long-turn.epub "$doc" 'count((//div[contains(@class,"turn")])[2]//span[@class="timestamp"])')" = 1 ]
}

@test "timestamps: mm:ss, h:mm:ss past an hour, and --timestamps=drop removes them" {
    printf 'WEBVTT\n\n00:59:58.000 --> 01:00:01.000\n<v Ana>Nearly an hour in.\n\n01:02:03.500 --> 01:02:06.000\n<v Bo>And past it.\n' >long.vtt
    sb long.vtt -o long.epub
    [ "$status" -eq 0 ]
    doc=$(docs long.epub | grep c0001-01)
    [ "$(xq long.epub "$doc" 'string((//span[@class="timestamp"])[1])')" = "[0:59:58]" ]
    [ "$(xq long.epub "$doc" 'string((//span[@class="timestamp"])[2])')" = "[1:02:03]" ]
    keep long.epub
    sb "$CFIX/voices.vtt" --timestamps=drop -o drop.epub
    [ "$status" -eq 0 ]
    [ "$(xq drop.epub "$(docs drop.epub | grep c0001-01)" 'count(//span[@class="timestamp"])')" = 0 ]
    [ "$(xq drop.epub "$(docs drop.epub | grep c0001-01)" 'count(//span[@class="speaker"])')" = 4 ]
    keep drop.epub
}

@test "--speaker names generic labels (repeatable); the opening lists the names" {
    sb "$CFIX/labels.srt" --speaker SPEAKER_00="Ines Duarte" --speaker 'SPEAKER_01 = Bram de Vries' -o named.epub
    [ "$status" -eq 0 ]
    doc=$(docs named.epub | grep c0001-01)
    [ "$(xq named.epub "$doc" 'string((//span[@class="speaker"])[1])')" = "Ines Duarte" ]
    [ "$(xq named.epub "$doc" 'string((//span[@class="speaker"])[2])')" = "Bram de Vries" ]
    [ "$(xq named.epub "$doc" 'string(//p[@class="cast"])')" = "With: Ines Duarte and Bram de Vries" ]
    ! chapter named.epub | grep -q 'SPEAKER_0' || false
    keep named.epub
    sb "$CFIX/labels.srt" --speaker SPEAKER_00 -o x.epub
    [ "$status" -eq 2 ]
    has "--speaker takes LABEL=NAME"
    no_file x.epub
}

@test "--speakers=off: no turns, the names stay in the text" {
    sb "$CFIX/segments.json" --speakers=off -o off.epub
    [ "$status" -eq 0 ]
    found_turns "$PWD/off.epub" >found.txt
    [ "$(grep -c '^-' found.txt)" = 4 ]
    grep -q $'^-\tAna Ruiz: You have run' found.txt
    keep off.epub
}

@test "a reading list mixes transcripts and Markdown; speakers: on an entry names labels and roles" {
    cp "$CFIX/labels.srt" "$CFIX/segments.json" "$CFIX/voices.vtt" .
    cp "$FIX/first.md" .
    cat >list.yaml <<'EOF'
title: Mixed
articles:
  - first.md
  - path: labels.srt
    title: After the Panel
    speakers:
      SPEAKER_00: {name: Ines Duarte, role: host}
      SPEAKER_01: Bram de Vries
  - voices.vtt
  - segments.json
EOF
    sb list.yaml -o list.epub
    [ "$status" -eq 0 ]
    d2=$(docs list.epub | grep c0002-01)
    [ "$(xq list.epub "$d2" 'string(//h1)')" = "After the Panel" ]
    [ "$(xq list.epub "$d2" 'count(//div[@class="turn host"])')" = 2 ]
    [ "$(xq list.epub "$d2" 'string((//div[@class="turn host"])[1]//span[@class="speaker"])')" = "Ines Duarte" ]
    [ "$(xq list.epub "$d2" 'string(//p[@class="cast"])')" = "Host: Ines Duarte. Also: Bram de Vries" ]
    # the transcripts keep their titles from their file names, and their turns
    [ "$(xq list.epub "$(docs list.epub | grep c0003-01)" 'string(//h1)')" = "voices" ]
    # --title is the book's: the articles of a list keep their own titles
    sb list.yaml --title "Kiln Week" -o titled.epub
    [ "$status" -eq 0 ]
    [ "$(xq titled.epub "$(docs titled.epub | grep c0003-01)" 'string(//h1)')" = "voices" ]
    opf titled.epub | grep -q '>Kiln Week</dc:title>'
    keep titled.epub
    [ "$(xq list.epub "$(docs list.epub | grep c0004-01)" 'count(//div[contains(@class,"turn")])')" = 4 ]
    entry list.epub EPUB/nav.xhtml | grep -q 'After the Panel'
    book_refs_ok list.epub
    keep list.epub
}

@test "a sidecar NAME.yaml gives a transcript its title, date and speaker names" {
    cp "$CFIX/speakers-map.json" episode.json
    printf 'title: The Archive Tour\ndate: 2024-05-02\nspeakers:\n  spk_2: Ada Lind\n' >episode.yaml
    sb episode.json -o ep.epub
    [ "$status" -eq 0 ]
    doc=$(docs ep.epub | grep c0001-01)
    [ "$(xq ep.epub "$doc" 'string(//h1)')" = "The Archive Tour" ]
    [ "$(xq ep.epub "$doc" 'string((//span[@class="speaker"])[3])')" = "Ada Lind" ]
    opf ep.epub | grep -q '2024-05-02'
    keep ep.epub
    # a broken sidecar is an error naming it and its line
    printf 'title: [unclosed\n' >episode.yaml
    sb episode.json -o bad.epub
    [ "$status" -eq 1 ]
    has "episode.yaml:2: error: front matter: not valid YAML"
    no_file bad.epub
    # the reading list that names a transcript is not its sidecar, whatever its path is called
    mkdir talks
    cp "$CFIX/voices.vtt" talks/talk.vtt
    printf 'title: The Book\narticles:\n  - talk.vtt\n' >talks/talk.yaml
    sb ./talks/../talks/talk.yaml -o list.epub
    [ "$status" -eq 0 ]
    [ "$(xq list.epub "$(docs list.epub | grep c0001-01)" 'string(//h1)')" = "talk" ]
    keep list.epub
}

@test "the format is told by content: a WebVTT file named .txt, standard input with and without --from" {
    cp "$CFIX/voices.vtt" talk.txt
    sb talk.txt -o txt.epub
    [ "$status" -eq 0 ]
    [ "$(xq txt.epub "$(docs txt.epub | grep c0001-01)" 'count(//div[contains(@class,"turn")])')" = 4 ]
    keep txt.epub
    run bash -c "timeout 20 '$SHEAF' build - --title Piped -o in.epub < '$CFIX/labels.srt'"
    [ "$status" -eq 0 ]
    [ "$(xq in.epub "$(docs in.epub | grep c0001-01)" 'count(//div[contains(@class,"turn")])')" = 6 ]
    # --title names a book of one transcript and its article (not "Untitled")
    [ "$(xq in.epub "$(docs in.epub | grep c0001-01)" 'string(//h1)')" = "Piped" ]
    keep in.epub
    run bash -c "timeout 20 '$SHEAF' build - --from json -o j.epub < '$CFIX/words.json'"
    [ "$status" -eq 0 ]
    keep j.epub
    # --from that does not fit the content says so, with the line
    run bash -c "timeout 20 '$SHEAF' build - --from srt -o f.epub < '$CFIX/voices.vtt'"
    [ "$status" -eq 1 ]
    has "<stdin>:1: error:"
    no_file f.epub
    sb "$CFIX/voices.vtt" --from yaml -o f.epub
    [ "$status" -eq 2 ]
    has "--from takes markdown, html, vtt, srt or json"
}

@test "a folder takes caption files beside Markdown, in natural order" {
    mkdir talks
    cp "$CFIX/voices.vtt" talks/2-voices.vtt
    cp "$CFIX/labels.srt" talks/10-labels.srt
    cp "$CFIX/words.json" talks/3-words.json
    cp "$FIX/first.md" talks/1-first.md
    sb talks -o talks.epub
    [ "$status" -eq 0 ]
    [ "$(adocs talks.epub | grep -c -- '-01\.xhtml$')" = 4 ]
    [ "$(xq talks.epub "$(docs talks.epub | grep c0004-01)" 'string(//h1)')" = "10 labels" ]
    keep talks.epub
}

@test "bad timings, broken JSON, JSON that is not a transcript: file and line (or path), exit 1" {
    B="$CFIX/bad"
    sb "$B/bad-timing.vtt" -o x.epub
    [ "$status" -eq 1 ]
    has "bad-timing.vtt:6: error: '00:00:03.500 --> 00:00:0x.000' is not a cue timing"
    sb "$B/bad-timing.srt" -o x.epub
    [ "$status" -eq 1 ]
    has "bad-timing.srt:6: error:"
    sb "$B/no-timing.srt" -o x.epub
    [ "$status" -eq 1 ]
    has "no-timing.srt:6: error: card 2 has no timing line"
    sb "$B/broken.json" -o x.epub
    [ "$status" -eq 1 ]
    has "broken.json:6: error: column 3: not valid JSON"
    sb "$B/not-transcript.json" -o x.epub
    [ "$status" -eq 1 ]
    has "no 'segments' list, so it is not a transcript"
    sb "$B/bad-time.json" -o x.epub
    [ "$status" -eq 1 ]
    has "segments[1].startTime must be a time in seconds (such as 12.5), got \"soon\""
    # a number that is no time says which number
    printf '{"segments": [{"startTime": -1, "endTime": 2, "body": "Hi."}]}\n' >neg.json
    sb neg.json -o x.epub
    [ "$status" -eq 1 ]
    has "neg.json: error: segments[0].startTime must be a time in seconds from 0 to 999999999 (such as 12.5), got -1"
    sb "$B/empty.vtt" -o x.epub
    [ "$status" -eq 1 ]
    has "no cue with text"
    no_file x.epub
    # a file that claims to be a caption file by its name is read as one
    printf '# Notes\n\nNot captions at all.\n' >notes.srt
    sb notes.srt -o x.epub
    [ "$status" -eq 1 ]
    has "notes.srt:1: error: a SubRip file starts with a card"
    no_file x.epub
}

@test "hostile caption files: one huge cue, a 2 GB file, deep JSON, a flood of labels: an error or a book, quickly" {
    # a cue of 3 MB: refused with its line, without reading it all into one paragraph
    { printf 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n'; head -c 3000000 /dev/zero | tr '\0' 'a'; printf '\n'; } >huge.vtt
    sb huge.vtt -o x.epub
    [ "$status" -eq 1 ]
    has "huge.vtt:3: error: this cue's text is over 1024 KB"
    # a 2 GB caption file (sparse: no disk is used) is refused before it is read
    printf 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n' >big.vtt
    truncate -s 2G big.vtt
    run timeout 20 "$SHEAF" build big.vtt -o x.epub
    [ "$status" -eq 1 ]
    has "larger than 256 MiB"
    # JSON nested deeper than any transcript
    { printf '{"segments": '; for i in $(seq 200); do printf '['; done; } >deep.json
    sb deep.json -o x.epub
    [ "$status" -eq 1 ]
    has "deeper than"
    no_file x.epub
    # 20,000 distinct speakers, one cue each: every one a turn, built in time
    awk 'BEGIN { print "WEBVTT\n"; for (i = 0; i < 20000; i++)
        printf "%02d:%02d:%02d.000 --> %02d:%02d:%02d.500\n<v Speaker %d>Line %d.\n\n",
               i / 3600, i / 60 % 60, i % 60, i / 3600, i / 60 % 60, i % 60, i, i }' >many.vtt
    run timeout 60 "$SHEAF" build -q many.vtt -o many.epub
    [ "$status" -eq 0 ]
    keep many.epub
}

@test "bounded: a 40-hour WebVTT (5 MB, 43,000 cues) builds in linear time and memory" {
    "$SHEAF_TOOLS/gencues" vtt 2400 >long.vtt
    run timeout 120 "$SHEAF_TOOLS/rusage" -o ru.txt "$SHEAF" build -q long.vtt -o long.epub
    [ "$status" -eq 0 ]
    # peak memory well under 40 times the input (it is about 10 times); a sanitizer build's
    # shadow memory and quarantine are not sheaf's, so it is not measured there
    if ! ldd "$SHEAF" | grep -q libasan; then
        kb=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' ru.txt)
        size=$(stat -c %s long.vtt)
        [ "$kb" -lt $((size * 40 / 1024)) ]
    fi
    run timeout 60 "$SHEAF" check long.epub
    [ "$status" -eq 0 ]
}
