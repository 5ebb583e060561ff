#!/usr/bin/env bats
# Careless and hostile input (issue 11): sheaf never destroys a file that is not its output,
# never waits on a file that is not a regular file, reads a pipe once, and says what is wrong
# with an option before doing any work.

load build-helpers

# A small article to build.
article() {
    printf '# A Small Article\n\nThe ferry leaves at six.\n' >"${1:-a.md}"
}

# --- -o never replaces anything but a regular file ---------------------------------------------

@test "hostile -o: a FIFO, a socket or a device is refused before any work, and left as it was" {
    article
    mkfifo fifo.epub
    sb a.md -o fifo.epub
    [ "$status" -eq 2 ]
    has "fifo.epub"
    has "FIFO"
    [ -p fifo.epub ]
    python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("sock.epub")'
    sb a.md -o sock.epub
    [ "$status" -eq 2 ]
    has "socket"
    [ -S sock.epub ]
    if [ "$(id -u)" = 0 ]; then
        # a private copy of /dev/null: the build run as root used to replace the device node
        mknod null.epub c 1 3
        sb a.md -o null.epub
        [ "$status" -eq 2 ]
        has "device"
        [ -c null.epub ]
    fi
    # the names of open descriptors are not files either (the machine's own /dev/null and
    # /dev/stdout are not used here: a broken build would replace them for everyone)
    sb a.md -o /dev/fd/1
    [ "$status" -eq 2 ]
    has "descriptor"
    ln -s /dev/stdout out.epub
    sb a.md -o out.epub
    [ "$status" -eq 2 ]
    [ -L out.epub ]
    [ "$(readlink out.epub)" = /dev/stdout ]
    # a link to a FIFO, a link that leads nowhere
    ln -s fifo.epub tofifo.epub
    sb a.md -o tofifo.epub
    [ "$status" -eq 2 ]
    [ "$(readlink tofifo.epub)" = fifo.epub ]
    [ -p fifo.epub ]
    ln -s nowhere.epub dangling.epub
    sb a.md -o dangling.epub
    [ "$status" -eq 2 ]
    no_file nowhere.epub
    [ -z "$(ls -A | grep sheaf-)" ]
}

@test "hostile -o: the literal /dev/null and /dev/stdout are refused (in a private /dev, never the machine's)" {
    # the issue's own cases: as root, -o /dev/null replaced the device node for the whole machine
    # and -o /dev/stdout replaced the link. Run in a mount namespace whose /dev is a fresh tmpfs,
    # so that a broken build could only harm that copy.
    if [ "$(id -u)" != 0 ] || ! unshare -m --propagation private true 2>/dev/null; then
        skip "needs root and unshare -m"
    fi
    article
    run unshare -m --propagation private sh -c '
        mount -t tmpfs none /dev && ln -s /proc/self/fd/1 /dev/stdout && mknod /dev/null c 1 3 || exit 99
        "$0" build a.md -o /dev/null; echo "null status $?"
        "$0" build a.md -o /dev/stdout >/dev/null; echo "stdout status $?"
        [ -c /dev/null ] && echo "null is a device"
        [ "$(readlink /dev/stdout)" = /proc/self/fd/1 ] && echo "stdout is the link"
        ls -A /dev | grep -c sheaf-' "$SHEAF"
    [ "$status" -ne 99 ]
    has "null status 2"
    has "stdout status 2"
    has "null is a device"
    has "stdout is the link"
    has "/dev/null: is a device, not a file"
    has "/dev/stdout: names an open descriptor, not a file"
    [ "${lines[-1]}" = 0 ]
}

@test "hostile -o: a symbolic link to a book is written through; the link stays a link" {
    article
    mkdir shelf
    echo "an older book" >shelf/real.epub
    ln -s shelf/real.epub latest.epub
    sb a.md -o latest.epub
    [ "$status" -eq 0 ]
    [ -L latest.epub ]
    [ "$(readlink latest.epub)" = shelf/real.epub ]
    keep shelf/real.epub
    [ "$(entry shelf/real.epub mimetype)" = "application/epub+zip" ]
    [ -z "$(ls -A shelf | grep sheaf-)" ]
}

@test "hostile -o: naming the --css file, the --cover image, an image or a template is refused, by identity" {
    article
    printf 'p { margin: 0; }\n' >mine.css
    ln mine.css also-mine.css # another name for the same file
    sb a.md --css mine.css -o also-mine.css
    [ "$status" -eq 1 ]
    has "inputs"
    [ "$(cat mine.css)" = 'p { margin: 0; }' ]
    cp "$FIX/img/kiln.png" cover.png
    sb a.md --cover ./cover.png -o cover.png
    [ "$status" -eq 1 ]
    cmp cover.png "$FIX/img/kiln.png"
    # an image only an article names: found when it is read, and the build stops
    mkdir pics
    cp "$FIX/img/kiln.png" pics/kiln.png
    printf '# Pictures\n\n![A kiln](pics/kiln.png)\n' >pics.md
    sb pics.md -o pics/../pics/kiln.png
    [ "$status" -eq 1 ]
    has "pics/kiln.png"
    has "output"
    cmp pics/kiln.png "$FIX/img/kiln.png"
    [ -z "$(ls -A pics | grep sheaf-)" ]
    # a template of --template-dir
    mkdir tpl
    cp "$BATS_TEST_DIRNAME/../templates/chapter.xhtml" tpl/
    sb a.md --template-dir tpl -o tpl/chapter.xhtml
    [ "$status" -eq 1 ]
    cmp tpl/chapter.xhtml "$BATS_TEST_DIRNAME/../templates/chapter.xhtml"
    # an image of raw HTML, a front matter cover, a transcript's sidecar list of speakers
    printf '# Raw\n\n<p><img src="pics/kiln.png" alt="k"></p>\n' >raw.md
    sb raw.md -o pics/kiln.png
    [ "$status" -eq 1 ]
    cmp pics/kiln.png "$FIX/img/kiln.png"
    printf -- '---\ntitle: Covered\ncover: pics/kiln.png\n---\n\nText.\n' >covered.md
    sb covered.md -o ./pics/kiln.png
    [ "$status" -eq 1 ]
    cmp pics/kiln.png "$FIX/img/kiln.png"
    printf 'WEBVTT\n\n00:00.000 --> 00:01.000\n<v Speaker 1>Hello there.\n' >talk.vtt
    printf 'speakers:\n  Speaker 1: Ann\n' >talk.yaml
    sb talk.vtt -o talk.yaml
    [ "$status" -eq 1 ]
    has "sidecar"
    [ "$(head -n 1 talk.yaml)" = "speakers:" ]
    [ -z "$(ls -A . pics | grep sheaf-)" ]
}

@test "hostile -o: a build removes the temporary files a killed build of the same book left" {
    "$SHEAF_TOOLS/genlist" -k 40 400 big >/dev/null
    mkdir out
    "$SHEAF" build -j 1 big/list.yaml -o out/book.epub 2>/dev/null &
    local pid=$! n=0
    until compgen -G "out/book.epub.sheaf-*" >/dev/null; do
        n=$((n + 1))
        [ "$n" -lt 400 ] || { kill -KILL "$pid"; echo "no temporary file appeared"; return 1; }
        sleep 0.01
    done
    kill -KILL "$pid"
    wait "$pid" || true
    local stale
    stale=$(compgen -G "out/book.epub.sheaf-*")
    [ -n "$stale" ]
    # as old as a crash an hour ago would leave it
    touch -d '1 hour ago' "$stale"
    # beside it: one a live build holds (locked), one just made, and names that only look alike
    printf x >out/book.epub.sheaf-Live01
    touch -d '1 hour ago' out/book.epub.sheaf-Live01
    flock out/book.epub.sheaf-Live01 sleep 30 &
    local holder=$!
    printf x >out/book.epub.sheaf-Fresh1
    printf x >out/book.epub.sheaf-toolong1
    printf x >out/other.epub.sheaf-Other1
    touch -d '1 hour ago' out/book.epub.sheaf-toolong1 out/other.epub.sheaf-Other1
    sleep 0.2
    article
    sb a.md -o out/book.epub
    kill "$holder" 2>/dev/null || true
    [ "$status" -eq 0 ]
    no_file "$stale"
    [ -e out/book.epub.sheaf-Live01 ]
    [ -e out/book.epub.sheaf-Fresh1 ]
    [ -e out/book.epub.sheaf-toolong1 ]
    [ -e out/other.epub.sheaf-Other1 ]
    keep out/book.epub
}

# --- never wait on a file that is not a regular file ---------------------------------------------

@test "hostile hang: a FIFO or a device as an article, a reading list, --css or --cover is refused at once" {
    article
    mkfifo ff.md ff.yaml ff.css ff.png
    sb ff.md -o book.epub
    [ "$status" -eq 1 ]
    has "ff.md"
    has "not a regular file"
    sb a.md /dev/zero -o book.epub
    [ "$status" -eq 1 ]
    has "/dev/zero"
    sb ff.yaml -o book.epub
    [ "$status" -eq 1 ]
    has "ff.yaml"
    sb a.md --css ff.css -o book.epub
    [ "$status" -eq 2 ]
    has "ff.css"
    sb a.md --cover ff.png -o book.epub
    [ "$status" -eq 2 ]
    has "ff.png"
    sb a.md --cover /dev/zero -o book.epub
    [ "$status" -eq 2 ]
    no_file book.epub
    # with --keep-going the FIFO is left out, and the summary says so
    sb --keep-going a.md ff.md -o book.epub
    [ "$status" -eq 0 ]
    has "left out: ff.md"
    keep book.epub
}

@test "hostile hang: images that are FIFOs, devices, /dev/stdin or /proc/kmsg are left out with a warning" {
    mkfifo pipe.png
    printf '# Pictures\n\n![a pipe](pipe.png)\n\n![stdin](/dev/stdin)\n\n![zero](/dev/zero)\n\n![kernel log](/proc/kmsg)\n' >pics.md
    # stdin is a pipe that never ends: reading it would hang the build
    mkfifo in.fifo
    sleep 60 >in.fifo &
    local writer=$!
    run timeout 20 "$SHEAF" build pics.md -o book.epub <in.fifo
    kill "$writer"
    [ "$status" -eq 0 ]
    has "pics.md:3: warning: image 'pipe.png' is not a regular file"
    has "'/dev/stdin' is not a regular file"
    has "'/dev/zero' is not a regular file"
    has "/proc/kmsg"
    keep book.epub
    [ "$(xq book.epub "$(adocs book.epub | head -n 1)" 'count(//img)')" -eq 0 ]
}

@test "hostile hang: sheaf check refuses FIFOs and devices, and reads '-', /dev/stdin and <(...) once" {
    article
    sb a.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    mkfifo ff.epub
    run timeout 20 "$SHEAF" check ff.epub
    [ "$status" -eq 2 ]
    has "not a regular file"
    run timeout 20 "$SHEAF" check /dev/zero
    [ "$status" -eq 2 ]
    run timeout 20 "$SHEAF" check - <book.epub
    [ "$status" -eq 0 ]
    has "<stdin>: OK"
    run timeout 20 bash -c 'cat book.epub | "$SHEAF" check /dev/stdin'
    [ "$status" -eq 0 ]
    run timeout 20 "$SHEAF" check <(cat book.epub)
    [ "$status" -eq 0 ]
    has ": OK"
    run timeout 20 bash -c '"$SHEAF" check - <&-'
    [ "$status" -eq 2 ]
    has "closed"
}

# --- standard input and pipes -------------------------------------------------------------------

@test "hostile stdin: <(...) and /dev/stdin on a pipe are read once, like '-'" {
    article
    run timeout 20 "$SHEAF" build <(cat a.md) -o sub.epub
    [ "$status" -eq 0 ]
    keep sub.epub
    entry sub.epub "$(adocs sub.epub | head -n 1)" | grep -q 'The ferry leaves at six.'
    run timeout 20 bash -c 'cat a.md | "$SHEAF" build /dev/stdin -o pipe.epub'
    [ "$status" -eq 0 ]
    keep pipe.epub
    lacks "empty"
    entry pipe.epub "$(adocs pipe.epub | head -n 1)" | grep -q 'The ferry leaves at six.'
    # two pipes are two articles
    run timeout 20 "$SHEAF" build <(cat a.md) <(cat "$FIX/second.md") -o two.epub
    [ "$status" -eq 0 ]
    keep two.epub
    [ "$(adocs two.epub | wc -l)" -ge 2 ]
}

@test "hostile stdin: '- -' is a usage error, a closed standard input says so" {
    article
    run timeout 20 bash -c 'cat a.md | "$SHEAF" build - - -o book.epub'
    [ "$status" -eq 2 ]
    has "only once"
    run timeout 20 bash -c 'cat a.md | "$SHEAF" build - /dev/stdin -o book.epub'
    [ "$status" -eq 2 ]
    no_file book.epub
    run timeout 20 bash -c '"$SHEAF" build - -o book.epub <&-'
    [ "$status" -eq 1 ]
    has "standard input is closed"
    lacks "is empty"
    no_file book.epub
}

# --- an option that cannot be honoured is a usage error -----------------------------------------

@test "hostile options: a missing or too large --cover, a missing --css or --resource-path exit 2 and say why" {
    article
    sb a.md --cover missing.png -o book.epub
    [ "$status" -eq 2 ]
    has "missing.png"
    has "--cover"
    truncate -s 65M huge.png
    sb a.md --cover huge.png -o book.epub
    [ "$status" -eq 2 ]
    has "larger than 64 MiB"
    sb a.md --css missing.css -o book.epub
    [ "$status" -eq 2 ]
    has "missing.css"
    sb a.md --resource-path no-such-folder -o book.epub
    [ "$status" -eq 2 ]
    has "no-such-folder"
    has "--resource-path"
    article plain.md
    sb a.md --resource-path plain.md -o book.epub
    [ "$status" -eq 2 ]
    has "not a folder"
    no_file book.epub
}

@test "hostile options: a --cover that is damaged, not an image, WebP or an entity-bomb SVG exits 2 and says why" {
    # each was a warning and a generated cover: an explicit option that cannot be honoured
    article
    printf 'GIF89a\001\000\001\000\000\000\000;' >tiny.gif
    sb a.md --cover tiny.gif -o book.epub
    [ "$status" -eq 2 ]
    has "sheaf: tiny.gif: cannot use it for --cover: it is damaged: the GIF holds no image"
    lacks "generated cover"
    echo "not a picture" >words.png
    sb a.md --cover words.png -o book.epub
    [ "$status" -eq 2 ]
    has "words.png: cannot use it for --cover: it is not a JPEG, PNG, GIF or SVG image"
    cp "$FIX/../media/pixel.webp" pixel.webp
    sb a.md --cover pixel.webp -o book.epub
    [ "$status" -eq 2 ]
    has "pixel.webp: cannot use it for --cover: a WebP image cannot be the cover image"
    awk 'BEGIN { e = ""; for (i = 0; i < 100000; i++) e = e "A"
        r = ""; for (i = 0; i < 20000; i++) r = r "&e;"
        print "<?xml version=\"1.0\"?>"; print "<!DOCTYPE svg [<!ENTITY e \"" e "\">]>"
        print "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"><text>" r "</text></svg>" }' >bomb.svg
    run timeout 10 "$SHEAF" build a.md --cover bomb.svg -o book.epub
    [ "$status" -eq 2 ]
    has "bomb.svg: cannot use it for --cover: it is an SVG image that cannot be used: its entities expand"
    no_file book.epub
    [ -z "$(ls -A | grep sheaf-)" ]
    # a good one is used as given
    cp "$FIX/img/kiln.png" kiln.png
    sb a.md --cover kiln.png -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    [ "$(xq book.epub "$(opf_path book.epub)" 'string(//*[local-name()="item"][@properties="cover-image"]/@media-type)')" = image/png ]
}

@test "hostile content: a front matter cover is found next to its article, wherever the build is run from" {
    mkdir -p posts
    cp "$FIX/img/kiln.png" posts/kiln.png
    printf -- '---\ntitle: Covered\ncover: kiln.png\n---\n\nText.\n' >posts/a.md
    sb posts/a.md -o book.epub
    [ "$status" -eq 0 ]
    lacks "warning"
    keep book.epub
    [ "$(xq book.epub "$(opf_path book.epub)" 'string(//*[local-name()="item"][@properties="cover-image"]/@media-type)')" = image/png ]
    # from inside the folder too
    (cd posts && "$SHEAF" build a.md -o ../inside.epub 2>/dev/null)
    cmp <(entry inside.epub "$(entries inside.epub | grep '^EPUB/images/.*png$')") posts/kiln.png
}

@test "hostile options: SOURCE_DATE_EPOCH that is not a number, or past 9999, is a usage error" {
    article
    SOURCE_DATE_EPOCH=abc run timeout 20 "$SHEAF" build a.md -o book.epub
    [ "$status" -eq 2 ]
    has "SOURCE_DATE_EPOCH"
    has "'abc'"
    SOURCE_DATE_EPOCH=253402300800 run timeout 20 "$SHEAF" build a.md -o book.epub
    [ "$status" -eq 2 ]
    has "9999"
    lacks "bug in sheaf"
    SOURCE_DATE_EPOCH=99999999999999999999 run timeout 20 "$SHEAF" build a.md -o book.epub
    [ "$status" -eq 2 ]
    no_file book.epub
    # the last second of 9999 is a date a book can hold
    SOURCE_DATE_EPOCH=253402300799 run timeout 20 "$SHEAF" build a.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    opf book.epub | grep -q '9999-12-31T23:59:59Z'
}

@test "hostile options: --date of a day that does not exist says so" {
    article
    sb a.md --date 2021-02-29 -o book.epub
    [ "$status" -eq 2 ]
    has "does not exist"
    lacks "must be YYYY"
    sb a.md --date 2021-04-31 -o book.epub
    [ "$status" -eq 2 ]
    has "does not exist"
    sb a.md --date 'next week' -o book.epub
    [ "$status" -eq 2 ]
    has "must be YYYY"
}

@test "hostile options: -o ending in '/' says what is wrong" {
    article
    sb a.md -o a.md/
    [ "$status" -eq 2 ]
    has "is a file, not a folder"
    lacks "does not exist"
    [ "$(cat a.md | head -n 1)" = "# A Small Article" ]
    mkdir shelf
    sb a.md -o shelf/
    [ "$status" -eq 2 ]
    has "shelf/book.epub"
    [ -z "$(ls -A shelf)" ]
}

@test "hostile options: a template with an entity, or without the slot its document needs, is a usage error" {
    article
    mkdir tpl
    sed -e 's#<!DOCTYPE html>#<!DOCTYPE html [<!ENTITY secret SYSTEM "/etc/hostname">]>#' \
        -e 's#<s:slot name="body"/>#<s:slot name="body"/><p>\&secret;</p>#' \
        "$BATS_TEST_DIRNAME/../templates/chapter.xhtml" >tpl/chapter.xhtml
    grep -q 'ENTITY secret' tpl/chapter.xhtml
    sb a.md --template-dir tpl -o book.epub
    [ "$status" -eq 2 ]
    has "tpl/chapter.xhtml"
    lacks "bug in sheaf"
    no_file book.epub
    grep -v 'name="body"' "$BATS_TEST_DIRNAME/../templates/chapter.xhtml" >tpl/chapter.xhtml
    sb a.md --template-dir tpl -o book.epub
    [ "$status" -eq 2 ]
    has "tpl/chapter.xhtml"
    has 's:slot name="body"'
    no_file book.epub
    rm tpl/chapter.xhtml
    grep -v 'name="toc"' "$BATS_TEST_DIRNAME/../templates/nav.xhtml" >tpl/nav.xhtml
    sb a.md --template-dir tpl -o book.epub
    [ "$status" -eq 2 ]
    has 's:slot name="toc"'
}

@test "hostile --keep-going: 'left out:' names command-line inputs and articles dropped for their content" {
    article
    printf -- '---\ntitle: Bad\nlang: not a language\n---\n\nText.\n' >bad-lang.md
    sb --keep-going a.md missing.md bad-lang.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    has "left out: missing.md"
    has "left out: bad-lang.md"
}

@test "hostile messages: each warning of one raw HTML block names its own element's line" {
    # the block starts on line 3; what each warning is about sits on lines 5, 6, 7 and 8
    printf '# Raw\n\n<div>\n<p>first</p>\n<p><img src="gone.png" alt="gone"></p>\n<p><a href="nowhere.txt">n</a></p>\n<p id="fn-1">x</p>\n<p><img src="https://example.com/far.png" alt="far"></p>\n</div>\n' >raw.md
    sb raw.md -o raw.epub
    [ "$status" -eq 0 ]
    keep raw.epub
    has "raw.md:5: warning: image 'gone.png' not found"
    has "raw.md:6: warning: link 'nowhere.txt' points at a file that is not part of the book"
    has "raw.md:7: warning: the id 'fn-1' in raw HTML"
    has "raw.md:8: warning: remote image 'https://example.com/far.png' is not fetched"
    lacks "raw.md:3: warning"
}

@test "hostile messages: a book that cannot be written for want of room names the book" {
    article
    # a file size limit stands in for a full disk (EFBIG instead of ENOSPC, the same path)
    run timeout 20 bash -c 'trap "" XFSZ; ulimit -f 4; exec "$SHEAF" build a.md -o shelf.epub'
    [ "$status" -eq 1 ]
    has "sheaf: shelf.epub: error: can't write the book's zip container"
    no_file shelf.epub
    [ -z "$(ls -A | grep sheaf-)" ]
}

@test "hostile messages: wrong entries of authors are each named once, in front matter and lists" {
    printf -- '---\ntitle: T\nauthors: [Ann, [a], [b]]\n---\n\nText.\n' >fm.md
    sb fm.md -o fm.epub
    [ "$status" -eq 1 ]
    [ "$(grep -c "error" <<<"$output")" -eq 2 ]
    has "fm.md:3: error: front matter: entry 2 of 'authors' must be a name"
    has "fm.md:3: error: front matter: entry 3 of 'authors' must be a name"
    article
    printf 'title: T\nauthors: [[a], [b]]\narticles:\n  - path: a.md\n    author: [Ann, {x: y}]\n' >l.yaml
    sb l.yaml -o l.epub
    [ "$status" -eq 1 ]
    [ "$(grep -c "error" <<<"$output")" -eq 3 ]
    has "l.yaml:2: error: entry 1 of 'authors' must be text, not a list"
    has "l.yaml:2: error: entry 2 of 'authors' must be text, not a list"
    has "l.yaml:5: error: entry 2 of 'author' must be text, not a mapping"
    no_file l.epub
}

@test "hostile messages: a folder named in a list gets a hint with one slash" {
    mkdir -p arts
    article arts/a.md
    printf 'title: T\narticles:\n  - arts/\n  - arts\n' >l.yaml
    sb l.yaml -o l.epub
    [ "$status" -eq 1 ]
    has "l.yaml:3: error: 'arts/' is a folder; list its files or use a pattern such as 'arts/*.md'"
    has "l.yaml:4: error: 'arts' is a folder; list its files or use a pattern such as 'arts/*.md'"
    lacks "arts//"
}

@test "hostile README: without SOURCE_DATE_EPOCH two builds differ only in the modification date and zip times" {
    # the README promises the same bytes with the same SOURCE_DATE_EPOCH (build-layout.bats),
    # and without it a difference in those bytes only
    article
    run env -u SOURCE_DATE_EPOCH timeout 20 "$SHEAF" build a.md -o one.epub
    [ "$status" -eq 0 ]
    keep one.epub
    sleep 2.1 # zip times count in steps of two seconds
    run env -u SOURCE_DATE_EPOCH timeout 20 "$SHEAF" build a.md -o two.epub
    [ "$status" -eq 0 ]
    ! cmp -s one.epub two.epub || false
    python3 - one.epub two.epub <<'PY'
import re, sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
assert a.namelist() == b.namelist(), (a.namelist(), b.namelist())
modified = re.compile(rb'<meta property="dcterms:modified">[^<]*</meta>')
for x, y in zip(a.infolist(), b.infolist()):
    assert x.date_time != y.date_time, ("zip time is not the build's", x.filename)
    da, db = a.read(x), b.read(y)
    if x.filename.endswith(".opf"):
        assert modified.search(da) and modified.search(db) and da != db, x.filename
        da, db = modified.sub(b"", da), modified.sub(b"", db)
    assert da == db, ("differs beyond the date", x.filename)
PY
}

# --- linear time, bounded output -----------------------------------------------------------------

@test "hostile scale: a paragraph of 300,000 lines builds in bounded time, every line kept" {
    # 100k lines took 1.9 s and 200k 10.8 s when each line was appended to the paragraph on its
    # own (libxml2 measured the growing text every time); linear, 300k lines take well under
    # a second
    awk 'BEGIN { print "# Long"; print ""; for (i = 0; i < 300000; i++) print "word" i " line" }' >long.md
    sb long.md -o long.epub
    [ "$status" -eq 0 ]
    keep long.epub
    local text
    text=$(entry long.epub "$(adocs long.epub | head -n 1)")
    grep -q 'word0 line' <<<"$text"
    grep -q 'word299999 line' <<<"$text"
}

@test "hostile scale: one raw HTML element with 100,000 attributes builds in bounded time, and says what it ignored" {
    # gumbo's and libxml2's duplicate-attribute checks are quadratic: this took 40 s; the guard
    # (base/html5.c) keeps the first 128 and the build says how many it left out, and where
    awk 'BEGIN { print "# Raw"; print ""; print "Before."; print ""
        printf "<p id=\"kept\""; for (i = 0; i < 100000; i++) printf " a%d", i
        print ">the words stay</p>"; print ""; print "After." }' >attrs.md
    run timeout 20 "$SHEAF" build attrs.md -o attrs.epub
    [ "$status" -eq 0 ]
    has "attrs.md:5: warning: raw HTML: an element has more than 128 attributes"
    has "99873 attributes were ignored" # the id and 127 more are kept
    keep attrs.epub
    local text
    text=$(for f in $(adocs attrs.epub); do entry attrs.epub "$f"; done)
    grep -q '<p id="kept">the words stay</p>' <<<"$text"
    grep -q 'After\.' <<<"$text"
}

@test "hostile warnings: 20 of one kind for one file, then one line that counts the rest" {
    awk 'BEGIN { print "# Links"; print ""
        for (i = 0; i < 500; i++) printf "See [note %d](missing-%d.txt) and ![pic %d](none-%d.png).\n\n", i, i, i, i }' >links.md
    sb links.md -o links.epub
    [ "$status" -eq 0 ]
    keep links.epub
    [ "$(grep -c "points at a file that is not part of the book" <<<"$output")" -eq 21 ]
    [ "$(grep -c "not found; its alt text is kept" <<<"$output")" -eq 21 ]
    has "links.md: warning: 480 more warnings like \"link 'missing-19.txt'"
    has "links.md: warning: 480 more warnings like \"image 'none-19.png'"
    # the first twenty name their lines
    has "links.md:3: warning: link 'missing-0.txt'"
    has "links.md:41: warning: link 'missing-19.txt'"
    lacks "missing-20.txt'"
    # another file has its own twenty
    sed -e 's/missing-/gone-/' links.md >other.md
    sb links.md other.md -o both.epub
    [ "$status" -eq 0 ]
    [ "$(grep -c "other.md:[0-9]*: warning: link 'gone-" <<<"$output")" -eq 20 ]
}

@test "hostile svg: entities that expand to gigabytes are refused in well under a second, and named as such" {
    # one entity of 100 KB referred to 20,000 times: 2 GB of text from a 160 KB file
    awk 'BEGIN { e = ""; for (i = 0; i < 100000; i++) e = e "A"
        r = ""; for (i = 0; i < 20000; i++) r = r "&e;"
        print "<?xml version=\"1.0\"?>"; print "<!DOCTYPE svg [<!ENTITY e \"" e "\">]>"
        print "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"><text x=\"" r "\">" r "</text></svg>" }' >blowup.svg
    # entities of entities ("billion laughs"), which libxml2 itself stops
    {
        echo '<?xml version="1.0"?>'
        printf '<!DOCTYPE svg [<!ENTITY l0 "lol">'
        for i in 1 2 3 4 5 6 7 8 9; do
            printf '<!ENTITY l%d "%s">' "$i" "$(printf "&l$((i - 1));%.0s" 1 2 3 4 5 6 7 8 9 10)"
        done
        echo ']>'
        echo '<svg xmlns="http://www.w3.org/2000/svg"><text>&l9;</text></svg>'
    } >laughs.svg
    printf '# Pictures\n\n![blowup](blowup.svg)\n\n![laughs](laughs.svg)\n' >pics.md
    run timeout 10 "$SHEAF" build pics.md -o pics.epub
    [ "$status" -eq 0 ]
    keep pics.epub
    has "pics.md:3: warning: SVG image 'blowup.svg' was left out because its entities expand"
    has "pics.md:5: warning: SVG image 'laughs.svg' was left out because its entities expand"
    lacks "not well-formed"
    [ "$(xq pics.epub "$(adocs pics.epub | head -n 1)" 'count(//img)')" -eq 0 ]
}

# --- what sheaf check prints is escaped ----------------------------------------------------------

# zip_with_name BOOK OUT BYTES: a copy of BOOK with one more entry whose name holds BYTES
# (written in place of a placeholder of the same length, so that the zip stays consistent).
zip_with_name() {
    python3 - "$1" "$2" "$3" <<'PY'
import os, sys, zipfile, io
src, dst, raw = sys.argv[1], sys.argv[2], os.fsencode(sys.argv[3])
buf = io.BytesIO()
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w") as zout:
    for info in zin.infolist():
        zout.writestr(info, zin.read(info.filename))
    zout.writestr("EPUB/" + "Q" * len(raw) + ".txt", b"x")
data = buf.getvalue().replace(b"Q" * len(raw), raw)
open(dst, "wb").write(data)
PY
}

@test "hostile check: control bytes and bytes that are not UTF-8 are escaped, on the terminal and in --json" {
    article
    sb a.md -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    zip_with_name book.epub evil.epub $'\x1b[2J\x07\xff'
    local name=$'bell\x07\x1b[31m\xfe.epub'
    cp evil.epub "$name"
    run timeout 20 "$SHEAF" check "$name"
    [ "$status" -eq 1 ]
    # no byte of the names reaches the terminal raw
    ! grep -q $'\x1b' <<<"$output" || false
    ! grep -q $'\x07' <<<"$output" || false
    ! LC_ALL=C grep -q $'\xff\|\xfe' <<<"$output" || false
    has 'bell\x07\x1B[31m\xFE.epub'
    has '\xFF.txt'
    # --json always parses, whatever the names hold
    run timeout 20 "$SHEAF" check --json "$name"
    [ "$status" -eq 1 ]
    python3 -m json.tool <<<"$output" >/dev/null
    python3 -c 'import json, sys; r = json.load(sys.stdin); assert r[0]["file"] == "bell\u0007\u001b[31m\ufffd.epub", r[0]["file"]; assert any("\ufffd" in (f["path"] or "") for f in r[0]["findings"])' <<<"$output"
}

@test "hostile build: a file name with control bytes is escaped in the build's messages" {
    mkdir arts
    printf '# Title\n\n[x](nowhere.txt)\n' >arts/$'odd\x1b[2Jname.md'
    sb arts -o book.epub
    [ "$status" -eq 0 ]
    keep book.epub
    ! grep -q $'\x1b' <<<"$output" || false
    has 'odd\x1B[2Jname.md'
}

# --- no "bug in sheaf" for what the user wrote ---------------------------------------------------

@test "hostile ids: two raw HTML elements with one id, the second is renamed with a warning naming the line" {
    printf '# Ids\n\n<div id="x">one</div>\n\n<div id="x">two</div>\n\nSee [the first](#x).\n' >dup.md
    sb dup.md -o dup.epub
    [ "$status" -eq 0 ]
    lacks "bug in sheaf"
    has "dup.md:5: warning: the id 'x' is used twice in raw HTML; this one was renamed 'x-2'"
    keep dup.epub
    book_refs_ok dup.epub
    local f
    f=$(adocs dup.epub | head -n 1)
    [ "$(xq dup.epub "$f" 'string(//*[@id="x"])')" = one ]
    [ "$(xq dup.epub "$f" 'string(//*[@id="x-2"])')" = two ]
}

@test "hostile ids: a raw id equal to a note's, a reference's or a heading's is renamed, its links follow" {
    printf '# Ids\n\nText[^1] and [my own](#fn-1).\n\n<p id="fn-1">mine</p>\n\n<p><span id="fnref-1">also mine</span></p>\n\n## Intro\n\n<p ID="intro">raw intro</p>\n\n<a name="intro">named</a>\n\n[^1]: The note.\n' >gen.md
    sb gen.md -o gen.epub
    [ "$status" -eq 0 ]
    lacks "bug in sheaf"
    has "gen.md:5: warning: the id 'fn-1' in raw HTML has the shape of the ids sheaf gives notes"
    has "gen.md:7: warning: the id 'fnref-1'"
    has "gen.md:11: warning: the id 'intro' in raw HTML is also a heading's"
    keep gen.epub
    book_refs_ok gen.epub
    local f
    f=$(adocs gen.epub | head -n 1)
    # the note keeps its ids, the user's element follows its link
    [ "$(xq gen.epub "$f" 'count(//aside[@id="fn-1"])')" -eq 1 ]
    [ "$(xq gen.epub "$f" 'string(//a[.="my own"]/@href)')" = "#user-fn-1" ]
    [ "$(xq gen.epub "$f" 'string(//*[@id="user-fn-1"])')" = mine ]
    [ "$(xq gen.epub "$f" 'count(//h2[@id="intro"])')" -eq 1 ]
}

@test "hostile ids: an SVG image with duplicate ids is kept, the later ones renamed" {
    printf '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><g id="a"><rect width="4" height="4"/></g><g id="a"/><use href="#a"/></svg>\n' >dup.svg
    printf '# Picture\n\n![twice](dup.svg)\n' >pic.md
    sb pic.md -o pic.epub
    [ "$status" -eq 0 ]
    lacks "bug in sheaf"
    has "pic.md:3: warning: SVG image 'dup.svg': 1 element had an id an earlier element has"
    keep pic.epub
    [ "$(xq pic.epub "$(adocs pic.epub | head -n 1)" 'count(//img)')" -eq 1 ]
}

@test "hostile chars: character references to characters XML forbids are dropped with a warning" {
    printf '# Refs\n\nA &#1; B &#xFFFE; C &#65535; D\n\n[li&#2;nk](https://example.org/ "ti&#4;tle")\n\nNote[^1].\n\n[^1]: in &#6; the note\n' >refs.md
    sb refs.md -o refs.epub
    [ "$status" -eq 0 ]
    lacks "bug in sheaf"
    has "refs.md:3: warning: dropped 3 characters that XML does not allow"
    has "refs.md:5: warning: dropped 2 characters"
    has "refs.md:9: warning: dropped 1 character"
    keep refs.epub
    local f
    f=$(adocs refs.epub | head -n 1)
    entry refs.epub "$f" | grep -q 'A  B  C  D'
}

@test "hostile self-check: a finding names the input file and line, not only the document in the book" {
    printf '# Lines\n\nFirst paragraph.\n\nSecond paragraph.\n' >lines.md
    mkdir tpl
    # a template whose own link leads nowhere: the only way left to make sheaf's check fail
    sed -e 's#<s:slot name="body"/>#<s:slot name="body"/><p><a href="\#nowhere">broken</a></p>#' \
        "$BATS_TEST_DIRNAME/../templates/chapter.xhtml" >tpl/chapter.xhtml
    sb lines.md --template-dir tpl -o lines.epub
    [ "$status" -eq 1 ]
    has "sheaf: lines.md:5: error: [RSC-012]"
    has "(in the book: EPUB/text/"
    lacks "sheaf: EPUB/text/"
    no_file lines.epub
}

@test "hostile list: an empty title, author, editor or tag in a reading list is ignored with a warning" {
    article
    printf 'title: ""\nauthors: [Ana Ruiz, ""]\neditor: " "\ntags: [""]\npublisher: ""\narticles:\n  - path: a.md\n    title: ""\n' >empty.yaml
    sb empty.yaml -o empty.epub
    [ "$status" -eq 0 ]
    lacks "bug in sheaf"
    has "empty.yaml:1: warning: 'title' is empty; it is ignored"
    has "empty.yaml:2: warning: 'authors' is empty"
    has "empty.yaml:8: warning: 'title' is empty"
    keep empty.epub
    [ "$(xq empty.epub "$(opf_path empty.epub)" "string(//*[name()='dc:title'])")" = "A Small Article" ]
    [ "$(xq empty.epub "$(opf_path empty.epub)" "count(//*[name()='dc:creator'])")" -eq 1 ]
}

# --- books epubcheck rejected although sheaf wrote them ------------------------------------------

@test "hostile links: links as people write them become valid addresses (spaces, ®, a second #, IDN hosts)" {
    printf -- '---\ntitle: Links\nsource: https://example.org/a b\xc2\xae\n---\n\n[space](<https://example.org/a b/c\xc2\xae.html>)\n\n[fragment](https://example.org/#/#100-99)\n\n[host](http://\xc3\xb8stre.no/)\n\n[one slash](http:/example.org/x)\n\n[mail](<mailto:ana ruiz@example.org>)\n\n<a href="https://m\xc3\xbcnchen.de/a b#x#y">raw</a>\n' >links.md
    article
    sb links.md a.md -o links.epub
    [ "$status" -eq 0 ]
    keep links.epub
    local hrefs
    hrefs=$(for f in $(adocs links.epub); do xattrs links.epub "$f" '//a/@href'; done)
    grep -qxF 'https://example.org/a%20b/c%C2%AE.html' <<<"$hrefs"
    grep -qxF 'https://example.org/#/%23100-99' <<<"$hrefs"
    grep -qxF 'http://xn--stre-fra.no/' <<<"$hrefs"
    grep -qxF 'http://example.org/x' <<<"$hrefs"
    grep -qxF 'mailto:ana%20ruiz@example.org' <<<"$hrefs"
    grep -qxF 'https://xn--mnchen-3ya.de/a%20b#x%23y' <<<"$hrefs"
    # the sources page too
    entry links.epub "$(docs links.epub | grep sources)" | grep -q 'href="https://example.org/a%20b%C2%AE"'
}

@test "hostile css: a stylesheet in another encoding is converted; one that is not UTF-8 is refused" {
    article
    printf '@charset "ISO-8859-1";\np::before { content: "\xe9t\xe9"; }\n' >latin.css
    sb a.md --css latin.css -o css.epub
    [ "$status" -eq 0 ]
    keep css.epub
    local sheet
    sheet=$(entries css.epub | grep 'user-1.css')
    [ "$(entry css.epub "$sheet" | head -c 17)" = '@charset "UTF-8";' ]
    entry css.epub "$sheet" | grep -q "été"
    # UTF-16 with a byte-order mark
    printf '\xff\xfep\x00{\x00}\x00\n\x00' >u16.css
    sb a.md --css u16.css -o u16.epub
    [ "$status" -eq 0 ]
    keep u16.epub
    # bytes that are not UTF-8, and no @charset to say what they are
    printf 'p::before { content: "\xe9"; }\n' >bad.css
    sb a.md --css bad.css -o bad.epub
    [ "$status" -eq 1 ]
    has "bad.css:1: error: the stylesheet is not UTF-8"
    no_file bad.epub
    printf '@charset "x-no-such";\np {}\n' >nope.css
    sb a.md --css nope.css -o nope.epub
    [ "$status" -eq 1 ]
    has "x-no-such"
}

@test "hostile dates: every Jekyll and Hugo shape is read; a date that cannot be used is left out with a warning" {
    local d n=0
    for d in '2019-04-25 9:00:00' '2019-04-25 09:00:00 +0100' '2019-04-25T09:00:00-07:00' \
        'Apr 25, 2019' 'Thu, 25 Apr 2019 09:00:00 GMT'; do
        n=$((n + 1))
        printf -- '---\ntitle: Dated %d\ndate: %s\n---\n\nText.\n' "$n" "$d" >"d$n.md"
        sb "d$n.md" -o "d$n.epub"
        [ "$status" -eq 0 ]
        lacks "warning"
        [ "$(xq "d$n.epub" "$(opf_path "d$n.epub")" "string(//*[name()='dc:date'])")" = 2019-04-25 ]
    done
    keep d1.epub
    # 0000 (OPF-053), a day that does not exist, words: the article is built without a date
    printf -- '---\ntitle: Zero\ndate: 0000\n---\n\nText.\n' >zero.md
    printf -- '---\ntitle: Leap\ndate: 2021-02-29\n---\n\nText.\n' >leap.md
    printf -- '---\ntitle: Words\ndate: next week\n---\n\nText.\n' >words.md
    sb zero.md leap.md words.md -o undated.epub
    [ "$status" -eq 0 ]
    keep undated.epub
    has "zero.md:3: warning: front matter: 'date' \"0000\" is before the year 1000"
    has "leap.md:3: warning: front matter: 'date' \"2021-02-29\" is a day that does not exist"
    has "words.md:3: warning: front matter: 'date' \"next week\" is not a date"
    ! opf undated.epub | grep -q '<dc:date>' || false
    # --keep-going no longer drops the article for it
    sb --keep-going zero.md "$FIX/first.md" -o kept.epub
    [ "$status" -eq 0 ]
    lacks "left out"
    [ "$(adocs kept.epub | wc -l)" -eq 2 ]
    # on the command line, a year before 1000 is a usage error
    sb a.md --date 0999 -o early.epub
    [ "$status" -eq 2 ]
}

# --- content that was silently lost -----------------------------------------------------------

@test "hostile content: front matter title and a different first heading: the heading stays, as the first section" {
    printf -- '---\ntitle: Tools That Stay Quiet\n---\n\n# Where It Started\n\nText one.\n\n## Later\n\nText two.\n' >fm.md
    sb fm.md -o fm.epub
    [ "$status" -eq 0 ]
    keep fm.epub
    local f
    f=$(adocs fm.epub | head -n 1)
    [ "$(xq fm.epub "$f" 'string(//h1)')" = "Tools That Stay Quiet" ]
    [ "$(xq fm.epub "$f" 'count(//*[.="Where It Started"])')" -eq 1 ]
    entry fm.epub "$(docs fm.epub | grep nav)" | grep -q 'Where It Started'
    # one that repeats the title (case and punctuation aside) is not said twice
    printf -- '---\ntitle: Tools That Stay Quiet\n---\n\n# Tools that stay quiet!\n\nText one.\n' >same.md
    sb same.md -o same.epub
    [ "$status" -eq 0 ]
    keep same.epub
    [ "$(entry same.epub "$(adocs same.epub | head -n 1)" | grep -ci 'tools that stay quiet')" -eq 2 ] # <title> and <h1>
}

@test "hostile content: more than 64 footnote definitions in a row are all kept" {
    awk 'BEGIN { print "# Notes"; print ""; s = ""
        for (i = 1; i <= 200; i++) s = s "Ref[^" i "]. "; print s; print ""
        for (i = 1; i <= 200; i++) print "[^" i "]: Note number " i "." }' >notes.md
    sb notes.md -o notes.epub
    [ "$status" -eq 0 ]
    lacks "undefined"
    lacks "never referenced"
    keep notes.epub
    local f
    f=$(adocs notes.epub | head -n 1)
    [ "$(xq notes.epub "$f" 'count(//aside[@class="footnote"])')" -eq 200 ]
    entry notes.epub "$f" | grep -q 'Note number 200\.'
    entry notes.epub "$f" | grep -q 'Note number 65\.'
}

@test "hostile lists: a list that names itself or another list is refused; a pattern skips lists" {
    article
    printf 'articles: [a.md]\n' >other.yaml
    printf 'title: Loop\narticles:\n  - self.yaml\n  - a.md\n' >self.yaml
    sb self.yaml -o self.epub
    [ "$status" -eq 1 ]
    has "self.yaml:3: error: 'self.yaml' is this reading list itself"
    no_file self.epub
    printf 'title: Nest\narticles:\n  - other.yaml\n  - a.md\n' >nest.yaml
    sb nest.yaml -o nest.epub
    [ "$status" -eq 1 ]
    has "nest.yaml:3: error: 'other.yaml' is a reading list"
    lacks "articles:"
    printf 'title: Star\narticles:\n  - "*"\n' >star.yaml
    sb star.yaml -o star.epub
    [ "$status" -eq 0 ]
    has "a reading list, which is not an article"
    keep star.epub
    [ "$(adocs star.epub | wc -l)" -eq 1 ]
    # the pattern a folder entry suggests has one slash
    mkdir arts
    printf 'title: Folder\narticles:\n  - arts/\n' >folder.yaml
    sb folder.yaml -o folder.epub
    has "'arts/*.md'"
    lacks "arts//"
}

@test "hostile scale: 20,000 raw elements sharing one id, and 20,000 footnotes in a row, in bounded time" {
    awk 'BEGIN { print "# Ids"; print ""; for (i = 0; i < 20000; i++) printf "<p id=\"same\">raw %d</p>\n\n", i }' >ids.md
    sb ids.md -o ids.epub
    [ "$status" -eq 0 ]
    has "more warnings like \"the id 'same' is used twice"
    keep ids.epub
    local f
    for f in $(adocs ids.epub); do
        [ "$(xattrs ids.epub "$f" '//@id' | sort | uniq -d | wc -l)" -eq 0 ]
    done
    awk 'BEGIN { print "# Notes"; print ""; s = ""
        for (i = 1; i <= 20000; i++) s = s "Ref[^" i "]. "; print s; print ""
        for (i = 1; i <= 20000; i++) print "[^" i "]: Note " i "." }' >notes.md
    sb notes.md -o notes.epub
    [ "$status" -eq 0 ]
    lacks "never referenced"
}
