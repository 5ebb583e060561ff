# build-helpers.bash: shared helpers for tests/build*.bats (end-to-end tests of `sheaf build`).
# Loaded with `load build-helpers`. Needs: unzip, xmllint (Debian package libxml2-utils).
#
#   sb ARGS...            run `sheaf build ARGS...` (timeout 20 s) as bats `run`: sets
#                         $status and $output (stderr included)
#   keep BOOK             copy a valid BOOK to $SHEAF_EPUB_OUT for the batched epubcheck run
#   entries BOOK          the zip entry names, one a line
#   entry BOOK NAME       an entry's bytes
#   opf BOOK              the package document's text (path taken from container.xml)
#   xq BOOK NAME XPATH    evaluate XPATH on entry NAME with the default namespace removed
#                         (write prefixed names as *[name()='dc:title'], @*[name()='epub:type'])
#   docs BOOK             the spine's content documents (zip paths), in spine order
#   adocs BOOK            the same, only the articles' documents (no cover, title page, nav)
#   book_refs_ok BOOK     every relative href/src of every XHTML document resolves to an entry
#                         of the book, and every #fragment to exactly one id in its target

FIX="$SHEAF_FIXTURES/build"
export SOURCE_DATE_EPOCH=1700000000 # 2023-11-14T22:13:20Z

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

sb() {
    run timeout 20 "$SHEAF" build "$@"
}

keep() {
    local name
    name="$(basename "$BATS_TEST_FILENAME" .bats)-$BATS_TEST_NUMBER-$(basename "$1")"
    cp "$1" "$SHEAF_EPUB_OUT/$name"
}

entries() {
    unzip -Z1 "$1"
}

entry() {
    unzip -p "$1" "$2"
}

opf_path() {
    entry "$1" META-INF/container.xml | sed -e 's/ xmlns="[^"]*"//' |
        xmllint --xpath 'string(//rootfile/@full-path)' -
}

opf() {
    entry "$1" "$(opf_path "$1")"
}

xq() {
    entry "$1" "$2" | sed -e 's/ xmlns="[^"]*"//' | xmllint --xpath "$3" - 2>/dev/null
}

# The values of an attribute selected by XPATH (e.g. //a/@href), one a line.
xattrs() {
    xq "$1" "$2" "$3" | sed -n 's/^ *[^= ]*="\(.*\)"$/\1/p' || true
}

# Resolve REF (relative, no fragment) against the folder of zip path BASE.
zip_resolve() {
    local dir
    dir=$(dirname "$1")
    realpath -m --relative-to=/ "/$dir/$2"
}

docs() {
    local book=$1 o odir idref
    o=$(opf_path "$book")
    odir=$(dirname "$o")
    for idref in $(xattrs "$book" "$o" '//spine/itemref/@idref'); do
        local href
        href=$(xq "$book" "$o" "string(//manifest/item[@id='$idref']/@href)")
        zip_resolve "$o" "$href"
    done
}

# The articles' content documents, in spine order (sheaf keeps them under text/).
adocs() {
    docs "$1" | grep '^\(.*/\)\?text/'
}

book_refs_ok() {
    local book=$1 doc ref target frag n all
    all=$(entries "$book")
    for doc in $(echo "$all" | grep '\.xhtml$'); do
        while read -r ref; do
            [ -n "$ref" ] || continue
            case $ref in http:* | https:* | mailto:*) continue ;; esac
            target=${ref%%#*}
            frag=
            [[ $ref == *#* ]] && frag=${ref#*#}
            if [ -z "$target" ]; then target=$doc; else target=$(zip_resolve "$doc" "$target"); fi
            if ! grep -qxF "$target" <<<"$all"; then
                echo "$doc: '$ref' points at $target, which is not in the book"
                return 1
            fi
            if [ -n "$frag" ]; then
                n=$(xq "$book" "$target" "count(//*[@id='$frag'])")
                if [ "$n" != 1 ]; then
                    echo "$doc: '$ref': id '$frag' found $n times in $target"
                    return 1
                fi
            fi
        done < <(xattrs "$book" "$doc" '//@href | //@src')
    done
}

# Prints the output and fails if it contains STRING.
lacks() {
    if grep -qF -- "$1" <<<"$output"; then
        echo "unexpected '$1' in the output:"
        echo "$output"
        return 1
    fi
}

# Fails with a message when FILE exists.
no_file() {
    if [ -e "$1" ]; then
        echo "$1 exists but should not"
        return 1
    fi
}

# Prints the output and fails unless it contains STRING.
has() {
    if ! grep -qF -- "$1" <<<"$output"; then
        echo "expected '$1' in the output:"
        echo "$output"
        return 1
    fi
}
