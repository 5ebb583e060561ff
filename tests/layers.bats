#!/usr/bin/env bats
# layers.bats: the stages of src/ depend one way (README, Architecture):
#   cli -> book -> readers, passes, writers, checker -> model -> base
# A reader fills the article model and never reaches into a pass (the passes run after it); no
# stage includes another at its own level but the ones named here. Each test lists the
# offending includes, file and line, when it fails.

SRC="$BATS_TEST_DIRNAME/../src"

# The includes of src/$1/*.[ch] naming a folder that is not one of $2.. (a regex alternation).
upward() {
    local dir=$1 allowed=$2
    grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$SRC/$dir"/*.[ch] |
        grep -Ev "#[[:space:]]*include[[:space:]]*\"($allowed)/" || true
}

@test "base/ includes nothing above it" {
    run upward base 'base'
    echo "$output"
    [ -z "$output" ]
}

@test "model/ includes only base/ and model/" {
    run upward model 'base|model'
    echo "$output"
    [ -z "$output" ]
}

@test "readers/ include no pass, writer, checker or the pipeline" {
    run upward readers 'base|model|readers'
    echo "$output"
    [ -z "$output" ]
}

@test "passes/ include no reader, writer, checker or the pipeline" {
    run upward passes 'base|model|passes'
    echo "$output"
    [ -z "$output" ]
}

@test "writers/ include no reader, pass, checker or the pipeline" {
    run upward writers 'base|model|writers'
    echo "$output"
    [ -z "$output" ]
}

@test "checker/ stands on base/ alone" {
    run upward checker 'base|checker'
    echo "$output"
    [ -z "$output" ]
}
