#!/usr/bin/env bats
# End-to-end tests of `sheaf build` on bad input (issue 2, "Bad input"): each gives a clear
# message naming the file (and line where known), a non-zero exit, never a crash or a hang, and
# never leaves a file at -o; a book already at -o is untouched.

load build-helpers

# fails_cleanly STATUS ARGS...: run `sheaf build ARGS... -o out/book.epub` where out/book.epub
# already holds an older book; the build must exit with STATUS, leave that book as it was and
# leave nothing else in out/. Then the same without an older book: no file appears.
fails_cleanly() {
    local want=$1
    shift
    rm -rf out
    mkdir out
    echo "an older book" >out/book.epub
    sb "$@" -o out/book.epub
    if [ "$status" -ne "$want" ]; then
        echo "exit status $status, expected $want; output:"
        echo "$output"
        return 1
    fi
    [ "$(cat out/book.epub)" = "an older book" ] || { echo "out/book.epub was changed"; return 1; }
    [ "$(ls -A out)" = book.epub ] || { echo "left behind in out/: $(ls -A out)"; return 1; }
    lacks "AddressSanitizer"
    lacks "runtime error"
    local first=$output
    rm out/book.epub
    sb "$@" -o out/book.epub
    [ "$status" -eq "$want" ] || { echo "second run: exit status $status"; return 1; }
    [ -z "$(ls -A out)" ] || { echo "left behind in out/: $(ls -A out)"; return 1; }
    output=$first
}

@test "bad: a missing input names the file" {
    fails_cleanly 1 "$FIX/first.md" no-such-article.md
    has "no-such-article.md"
    has "No such file"
}

@test "bad: a folder as input names the folder" {
    mkdir empty-folder
    fails_cleanly 1 empty-folder
    has "empty-folder"
    # among other inputs, a folder is refused too
    mkdir drafts
    cp "$FIX/second.md" drafts/
    fails_cleanly 1 "$FIX/first.md" drafts
    has "drafts"
}

@test "bad: an empty file, or one with only blank lines or only front matter" {
    : >empty.md
    fails_cleanly 1 empty.md
    has "empty.md"
    has "empty"
    printf '\n  \n\t\n' >blank.md
    fails_cleanly 1 "$FIX/first.md" blank.md
    has "blank.md"
    printf -- '---\ntitle: Only a title\n---\n\n' >fm-only.md
    fails_cleanly 1 fm-only.md
    has "fm-only.md"
}

@test "bad: a binary file is refused as not text" {
    cp "$FIX/img/kiln.png" photo.md
    fails_cleanly 1 photo.md
    has "photo.md"
    has "not a text file"
    # a zip (e.g. an EPUB renamed) too
    printf 'PK\003\004\024\000\000\000\010\000' >archive.txt
    fails_cleanly 1 archive.txt
    has "archive.txt"
}

@test "bad: NUL bytes are an error naming the file and line" {
    printf '# Title\n\nSome text.\nA NUL \000 here.\n' >nul.md
    fails_cleanly 1 nul.md
    has "nul.md:4:"
    has "NUL"
    # a UTF-16 file (Windows Notepad) is the common source of NUL bytes
    printf '\377\376#\000 \000T\000i\000\n\000' >utf16.md
    fails_cleanly 1 utf16.md
    has "utf16.md:1:"
    has "UTF-16"
}

@test "bad: control characters from YAML escapes are dropped with a warning, not a broken book" {
    # "\x01" in a double-quoted YAML value is a character XML does not allow
    printf -- '---\ntitle: "Tab\\tand\\x01 bell\\a"\nsubtitle: "fine"\n---\n\nSome text.\n' >ctl.md
    sb ctl.md -o book.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    has "ctl.md:2:"
    has "dropped 2 control characters"
    keep book.epub
    # the title keeps the rest, the tab included
    [ "$(xq book.epub EPUB/package.opf "string(//*[name()='dc:title'])")" = $'Tab\tand bell' ]
    # in a reading list too
    printf 'title: "My\\x02 list"\narticles:\n  - ctl.md\n' >list.yaml
    sb list.yaml -o list.epub
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    has "list.yaml:1:"
    keep list.epub
    # on the command line it is a usage error
    sb --title $'Bell\a' ctl.md -o cli.epub
    [ "$status" -eq 2 ]
    has "--title has a control character"
    no_file cli.epub
}

@test "bad: invalid UTF-8 becomes U+FFFD with a warning naming the file and line" {
    printf '# Caf\xc3\xa9\n\nFine line.\nLatin-1: caf\xe9 cr\xe8me.\nAlso fine.\n' >latin1.md
    sb latin1.md -o book.epub
    [ "$status" -eq 0 ]
    has "latin1.md:4:"
    has "UTF-8"
    keep book.epub
    local text
    text=$(for f in $(adocs book.epub); do entry book.epub "$f"; done)
    grep -q $'caf\xef\xbf\xbd cr\xef\xbf\xbdme' <<<"$text"
    # the valid UTF-8 é is kept as it was
    grep -q $'Caf\xc3\xa9' <<<"$text"
}

@test "bad: characters XML forbids are dropped, the rest of the text kept" {
    printf '# Controls\n\nBell\a and backspace\b gone, text kept.\n' >controls.md
    sb controls.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    local f
    f=$(adocs book.epub | head -n 1)
    entry book.epub "$f" | xmllint --noout -
    [ "$(xq book.epub "$f" 'string(//p[not(ancestor::header)])')" = "Bell and backspace gone, text kept." ]
}

@test "bad: malformed front matter is an error with its line" {
    printf -- '---\ntitle: Fine\nauthor: Someone: with a colon\ndate: 2024\n---\n\n# Body\n' >colon.md
    fails_cleanly 1 colon.md
    has "colon.md:3:"
    has "front matter"
    printf -- '---\ntitle: Fine\n\tauthor: tab\n---\n\n# Body\n' >tab.md
    fails_cleanly 1 tab.md
    has "tab.md:3:"
    # an unterminated quote: the message names the file and a line
    fails_cleanly 1 "$FIX/badfm.md"
    [[ "$output" =~ badfm\.md:[0-9]+:\ error:\ front\ matter ]]
}

@test "bad: front matter that is never closed is read as text, with a warning" {
    printf -- '---\ntitle: Forgot to close\n\n# The Body\n\nText.\n' >unclosed.md
    sb unclosed.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    has "unclosed.md:1: warning:"
    has "'---'"
    # a leading thematic break is not front matter and gets no warning
    printf -- '---\n\n# Rule first\n\nText.\n' >rule.md
    sb rule.md -o rule.epub
    [ "$status" -eq 0 ]
    keep rule.epub
    lacks "warning"
}

@test "bad: an unknown option or a missing -o is a usage error that writes nothing" {
    fails_cleanly 2 --colour=rainbow "$FIX/first.md"
    has "--colour"
    rm -rf out
    mkdir out
    cd out
    sb "$FIX/first.md"
    [ "$status" -eq 2 ]
    has "-o"
    [ -z "$(ls -A)" ]
}

@test "bad: an output folder that does not exist is named in the error" {
    sb "$FIX/first.md" -o no/such/folder/book.epub
    [ "$status" -eq 1 ]
    has "no/such/folder"
    no_file no
    # a path under a regular file
    echo "not a folder" >plain-file
    sb "$FIX/first.md" -o plain-file/book.epub
    [ "$status" -eq 1 ]
    has "plain-file"
    [ "$(cat plain-file)" = "not a folder" ]
    # an existing folder as the output
    mkdir shelf
    sb "$FIX/first.md" -o shelf
    [ "$status" -eq 1 ]
    has "shelf"
    [ -z "$(ls -A shelf)" ]
}

@test "bad: an output folder that cannot be written is an error" {
    if [ "$(id -u)" != 0 ]; then
        mkdir locked
        chmod 555 locked
        sb "$FIX/first.md" -o locked/book.epub
        chmod 755 locked
        [ "$status" -eq 1 ]
        has "locked"
        [ -z "$(ls -A locked)" ]
    else
        # root writes anywhere permissions allow nothing: use a folder no one can add files to
        [ -d /proc/self ] || skip "no /proc"
        sb "$FIX/first.md" -o /proc/self/book.epub
        [ "$status" -eq 1 ]
        has "/proc/self/book.epub"
        no_file /proc/self/book.epub
        sb "$FIX/first.md" -o /proc/sheaf-e2e-book.epub
        [ "$status" -eq 1 ]
        has "/proc/sheaf-e2e-book.epub"
        has "'/proc'"
        no_file /proc/sheaf-e2e-book.epub
    fi
}

@test "bad: a 5 MB line is refused quickly, naming the file and line" {
    { printf '# Long\n\nA normal paragraph.\n\n'; head -c 5000000 /dev/zero | tr '\0' 'a'; printf '\n'; } >long.md
    fails_cleanly 1 long.md
    has "long.md:5:"
    # many long lines within the limit are fine
    { printf '# Wide\n\n'; for i in 1 2 3; do head -c 200000 /dev/zero | tr '\0' 'w'; printf '\n\n'; done; } >wide.md
    sb wide.md -o wide.epub
    [ "$status" -eq 0 ]
    keep wide.epub
}

@test "bad: 10000 nested lists finish quickly with the text kept and a warning" {
    awk 'BEGIN { printf "# Deep lists\n\n"; for (i = 0; i < 10000; i++) printf "- "; print "bottom" }' >lists.md
    sb lists.md -o lists.epub
    [ "$status" -eq 0 ]
    has "lists.md:3: warning:"
    keep lists.epub
    local f
    f=$(adocs lists.epub | head -n 1)
    # the document parses without libxml2's huge-document option (depth under 256)
    entry lists.epub "$f" | xmllint --noout -
    entry lists.epub "$f" | grep -q bottom
}

@test "bad: 10000 nested quotes finish quickly with the text kept and a warning" {
    awk 'BEGIN { printf "# Deep quotes\n\n"; for (i = 0; i < 10000; i++) printf ">"; print " bottom" }' >quotes.md
    sb quotes.md -o quotes.epub
    [ "$status" -eq 0 ]
    has "quotes.md:3: warning:"
    keep quotes.epub
    local f
    f=$(adocs quotes.epub | head -n 1)
    entry quotes.epub "$f" | xmllint --noout -
    entry quotes.epub "$f" | grep -q bottom
}

@test "bad: deeply nested items keep each item's text apart" {
    awk 'BEGIN { printf "# Steps\n\n"; for (i = 0; i < 60; i++) printf "%*s- step %d\n", 2 * i, "", i }' >steps.md
    sb steps.md -o steps.epub
    [ "$status" -eq 0 ]
    keep steps.epub
    local f text
    f=$(adocs steps.epub | head -n 1)
    text=$(entry steps.epub "$f" | sed -e 's/<[^>]*>/|/g')
    # no two steps run together as "step 30step 31"
    ! grep -q 'step [0-9]*step' <<<"$text" || false
    grep -q 'step 59' <<<"$text"
}

@test "bad: 10000 nested quotes and lists mixed finish quickly with the text kept" {
    awk 'BEGIN { printf "# Mixed\n\n"; for (i = 0; i < 5000; i++) printf "> - "; print "bottom" }' >mixed.md
    sb mixed.md -o mixed.epub
    [ "$status" -eq 0 ]
    has "mixed.md:3: warning:"
    keep mixed.epub
    local f
    f=$(adocs mixed.epub | head -n 1)
    entry mixed.epub "$f" | xmllint --noout -
    entry mixed.epub "$f" | grep -q bottom
}

@test "bad: 10000 nested raw HTML divs finish quickly with the text kept" {
    awk 'BEGIN { printf "# Divs\n\n"; for (i = 0; i < 10000; i++) printf "<div>"; print "bottom"; print "" }' >divs.md
    sb divs.md -o divs.epub
    [ "$status" -eq 0 ]
    has "divs.md:3: warning:"
    keep divs.epub
    local f
    f=$(adocs divs.epub | head -n 1)
    entry divs.epub "$f" | xmllint --noout -
    entry divs.epub "$f" | grep -q bottom
}

@test "bad: standard input that is empty is an error, not a hang" {
    run timeout 20 "$SHEAF" build - -o book.epub </dev/null
    [ "$status" -eq 1 ]
    has "stdin"
    no_file book.epub
}

@test "bad: an output path that is one of the inputs is refused, the article kept" {
    cp "$FIX/second.md" harbour.md
    sb harbour.md -o harbour.md
    [ "$status" -eq 1 ]
    has "harbour.md"
    has "inputs"
    cmp harbour.md "$FIX/second.md"
    # also through another spelling of the same path
    sb "$FIX/first.md" harbour.md -o ./harbour.md
    [ "$status" -eq 1 ]
    cmp harbour.md "$FIX/second.md"
}

@test "bad: 10000 headings of the same name finish quickly, each with its own id" {
    awk 'BEGIN { print "# Same names\n\n## Questions\n"; for (i = 0; i < 10000; i++) print "### Question\n\nAnswer " i ".\n" }' >same.md
    sb same.md -o same.epub
    [ "$status" -eq 0 ]
    keep same.epub
    local f
    [ "$(for f in $(adocs same.epub); do xattrs same.epub "$f" '//h3/@id'; done | sort -u | wc -l)" -eq 10000 ]
}

@test "bad: an interrupted build leaves nothing behind" {
    # The book is written into a temporary file next to the output and renamed when it is
    # complete and checked. A build of a few hundred articles on one thread takes long enough
    # to be stopped while that temporary file is there. (SIGINT is ignored by background jobs
    # of a script like this one, so TERM and HUP stand for it.)
    "$SHEAF_TOOLS/genlist" -k 40 400 big >/dev/null
    mkdir out
    for sig in TERM HUP; do
        "$SHEAF" build -j 1 big/list.yaml -o out/book.epub 2>/dev/null &
        local pid=$! n=0
        until compgen -G "out/book.epub.sheaf-*" >/dev/null; do
            n=$((n + 1))
            [ "$n" -lt 400 ] || { kill -KILL "$pid"; echo "no temporary file appeared"; return 1; }
            sleep 0.01
        done
        kill -"$sig" "$pid"
        (sleep 20 && kill -KILL "$pid" 2>/dev/null) &
        local watchdog=$! st=0
        wait "$pid" || st=$?
        kill "$watchdog" 2>/dev/null || true
        [ "$st" -ne 0 ] || { echo "SIG$sig: the build exited 0"; return 1; }
        [ -z "$(ls -A out)" ] || { echo "SIG$sig: left behind in out/: $(ls -A out)"; return 1; }
    done
}
