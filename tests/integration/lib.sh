#!/bin/bash
# jq filters name their $variables in single quotes; run_fg/run_ok take optional options.
# shellcheck disable=SC2016,SC2119,SC2120
# Shared by the integration tests: sourced by each tests/integration/test_*.sh.
#
# A test file defines functions named test_* and ends with `run_tests "$@"`.
# Each test runs in its own process (`bash FILE --one NAME`, under a timeout)
# with a fresh bundle copied from the test image, a unique --root under /tmp,
# and a snapshot of what a container could leave on the host. When the test
# function returns, the snapshot is taken again and any difference fails the
# test; then everything the test made is cleaned up, whatever happened.
#
# Environment:
#   BERTH_BIN          runtime under test (default build/berth; runc also works)
#   BERTH_IMAGE        bundle made by scripts/build-image.sh (built here if unset)
#   BERTH_RESULTS      file to append "PASS|FAIL|SKIP name" lines to (tests/run.sh)
#   BERTH_TEST_FILTER  extended regex: run only the tests whose name matches
#   BERTH_TEST_TIMEOUT seconds per test (default 90)
#   BERTH_CMD_TIMEOUT  seconds per berth command (default 20)
set -u

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$LIB_DIR/../.." && pwd)
BERTH_BIN=${BERTH_BIN:-$TOP/build/berth}
SKIP_STATUS=77
DEFERRED=()

# --- assertions: each prints why and ends the test (its own process) --------

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

skip() {
    echo "SKIP: $*" >&2
    exit "$SKIP_STATUS"
}

assert_eq() { # EXPECTED ACTUAL WHAT
    [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_ne() { # UNEXPECTED ACTUAL WHAT
    [ "$1" != "$2" ] || fail "$3: expected anything but '$1'"
}

assert_contains() { # HAYSTACK NEEDLE WHAT
    [[ "$1" == *"$2"* ]] || fail "$3: expected to contain '$2', got: $1"
}

assert_not_contains() { # HAYSTACK NEEDLE WHAT
    [[ "$1" != *"$2"* ]] || fail "$3: expected not to contain '$2', got: $1"
}

assert_match() { # STRING ERE WHAT
    [[ "$1" =~ $2 ]] || fail "$3: expected to match /$2/, got: $1"
}

# Runs a command and asserts its exit status: assert_status 3 berth run ...
# Its stdout is left in $OUT and its stderr in $ERR.
assert_status() {
    local want=$1
    shift
    run_cmd "$@"
    [ "$STATUS" -eq "$want" ] ||
        fail "\`$*\` exited $STATUS, expected $want; stdout: $OUT; stderr: $ERR"
}

# Runs a command; sets STATUS, OUT and ERR (never fails the test itself).
run_cmd() {
    local o e
    o=$(mktemp "$T/out.XXXXXX")
    e=$(mktemp "$T/err.XXXXXX")
    STATUS=0
    "$@" >"$o" 2>"$e" </dev/null || STATUS=$?
    OUT=$(cat "$o")
    ERR=$(cat "$e")
    rm -f "$o" "$e"
}

# The runtime's error contract: a failing command exits non-zero (1) and says
# one line on stderr containing SUBSTRING. usage: expect_error SUBSTRING CMD...
expect_error() {
    local want=$1
    shift
    run_cmd "$@"
    [ "$STATUS" -ne 0 ] || fail "\`$*\` succeeded; expected an error containing '$want'"
    [[ "$ERR" == *"$want"* ]] ||
        fail "\`$*\` (exit $STATUS): stderr should contain '$want', got: $ERR"
    local lines
    lines=$(printf '%s\n' "$ERR" | grep -c .)
    [ "$lines" -eq 1 ] || fail "\`$*\`: expected one line on stderr, got $lines: $ERR"
}

# --- the runtime and the bundle -------------------------------------------

# The runtime under test, with this test's own --root.
# Its non-option words (ids among them) name the cgroups the snapshot watches.
berth() {
    local a
    for a in "$@"; do
        [[ "$a" == -* || "$a" == */* || -z "$a" ]] || echo "$a" >>"$T/words"
    done
    # A hung runtime fails the test instead of stalling the whole run.
    local rc=0
    timeout -k 5 "${BERTH_CMD_TIMEOUT:-20}" "$BERTH_BIN" --root "$ROOT" "$@" || rc=$?
    [ "$rc" -eq 124 ] && echo "berth $*: timed out after ${BERTH_CMD_TIMEOUT:-20}s" >&2
    return "$rc"
}

# Edits the bundle's config.json with a jq filter (extra jq options first):
# cfg '.hostname = "x"'; cfg --arg d /mnt '.mounts += [{destination: $d}]'
cfg() {
    local tmp
    tmp=$(mktemp "$T/config.XXXXXX")
    jq "$@" "$BUNDLE/config.json" >"$tmp" || fail "jq $* on config.json failed"
    mv "$tmp" "$BUNDLE/config.json"
}

# Sets process.args to the given words: set_args /bin/berth-helper pid
set_args() {
    local a args=()
    # Each word through --arg: none is ever taken for a jq option.
    for a in "$@"; do
        args+=("$(jq -n -c --arg a "$a" '$a')") || fail "cannot encode '$a'"
    done
    cfg --argjson a "[$(IFS=,; echo "${args[*]}")]" '.process.args = $a'
}

# Shorthand: the container runs `berth-helper ARGS...`.
helper() {
    set_args /bin/berth-helper "$@"
}

# Runs the bundle in the foreground with a fresh id; output in $OUT/$ERR,
# exit status in $STATUS. usage: run_fg [EXTRA RUN OPTIONS...]
run_fg() {
    local id
    id=$(new_id)
    run_cmd berth run -b "$BUNDLE" "$@" "$id"
    # shellcheck disable=SC2034 # read by the tests
    LAST_ID=$id
}

# Runs it and requires success; prints nothing, leaves the output in $OUT.
run_ok() {
    run_fg "$@"
    [ "$STATUS" -eq 0 ] || fail "berth run exited $STATUS; stdout: $OUT; stderr: $ERR"
}

ID_SEQ=0
new_id() {
    ID_SEQ=$((ID_SEQ + 1))
    echo "t$$-$ID_SEQ"
}

# Prints a field of `berth state ID`: state_field ID .status
state_field() {
    berth state "$1" | jq -r "$2"
}

# Waits until `berth state ID` shows STATUS (default 10 s).
wait_status() { # ID STATUS [SECS]
    local i s=""
    for ((i = 0; i < ${3:-10} * 20; i++)); do
        s=$(state_field "$1" .status 2>/dev/null) || s=""
        [ "$s" = "$2" ] && return 0
        sleep 0.05
    done
    fail "container $1 did not become $2 (last status: '${s:-<none>}')"
}

# Waits until FILE contains TEXT (default 10 s).
wait_file_contains() { # FILE TEXT [SECS]
    local i
    for ((i = 0; i < ${3:-10} * 20; i++)); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "$1 never contained '$2'; it has: $(cat "$1" 2>/dev/null)"
}

# Runs a command when the test ends, before the bundle is removed (LIFO).
defer() {
    DEFERRED=("$*" "${DEFERRED[@]}")
}

# --- what a container could leave behind ----------------------------------

# The machine may be shared (other builds, other runtimes' tests), so the
# snapshot holds only what this test could have made: processes carrying its
# marker (every container's env has BERTH_TEST_MARK=$T; runtime processes name
# $ROOT on their command line), mounts outside /tmp or under $T, its state
# dir, and cgroup dirs named like the words it passed to berth.
test_processes() {
    local pid f
    # The bracket keeps grep from matching its own command line.
    {
        grep -lsaF "BERTH_TEST_MARK=$T" /proc/[0-9]*/environ
        grep -lsaE "${ROOT%?}[${ROOT: -1}]" /proc/[0-9]*/cmdline
    } | while read -r f; do
        pid=${f#/proc/}
        pid=${pid%%/*}
        [ "$pid" = "$$" ] && continue
        # Zombies are left out: reaping orphans is the host init's job.
        awk '{ sub(/^.*\) /, ""); exit $1 == "Z" }' "/proc/$pid/stat" 2>/dev/null || continue
        echo "process $pid $(cat "/proc/$pid/comm" 2>/dev/null)"
    done | sort -u
}

snapshot() { # FILE
    {
        # Mount point, fs type and source: stable across snapshots.
        awk -v t="$T/" '{ for (i = 7; $i != "-"; i++) ;
                          if (index($5, "/tmp/") != 1 || index($5, t) == 1)
                              print "mount", $5, $(i + 1), $(i + 2) }' /proc/self/mountinfo | sort
        test_processes
        [ -d "$ROOT" ] && find "$ROOT" -mindepth 1 | sed 's/^/state /' | sort
        if [ -s "$T/words" ]; then
            find /sys/fs/cgroup -maxdepth 5 -mindepth 2 -type d 2>/dev/null |
                awk -F/ 'NR == FNR { w[$0] = 1; next } ($NF in w) { print "cgroup", $0 }' \
                    "$T/words" - | sort
        fi
    } >"$1"
}

# Fails if anything in the snapshot changed since the test began. Exiting
# processes and unmounts can lag a little, so it looks again for 2 s.
assert_nothing_left() {
    local i now=$T/snapshot.now
    for ((i = 0; i < 20; i++)); do
        snapshot "$now"
        diff -q "$T/snapshot.before" "$now" >/dev/null && return 0
        sleep 0.1
    done
    fail "left behind on the host (- gone, + new):
$(diff "$T/snapshot.before" "$now" | grep '^[<>]' | sed 's/^</-/; s/^>/+/')"
}

# --- per-test setup and clean-up -------------------------------------------

setup_test() {
    T=$(mktemp -d /tmp/berth-test.XXXXXX) || fail "mktemp failed"
    ROOT=$T/root
    # Container ids unique on the host, so cgroup dirs named after them are
    # this test's (a shared machine may run other containers called c1).
    # shellcheck disable=SC2034 # used by the test files
    C1=c1-$$ C2=c2-$$
    BUNDLE=$T/bundle
    DEFERRED=()
    mkdir -p "$BUNDLE"
    cp -a "$BERTH_IMAGE/rootfs" "$BUNDLE/rootfs"
    cp "$BERTH_IMAGE/config.json" "$BUNDLE/config.json"
    # Tests write in the rootfs (/tmp); the ones about read-only roots say so.
    # The marker finds the test's processes in any namespace.
    cfg --arg m "BERTH_TEST_MARK=$T" '.root.readonly = false | .process.env += [$m]'
    snapshot "$T/snapshot.before"
}

# Whatever the test did or failed to do: containers, processes, mounts, files.
cleanup_test() {
    local id cmd pid rest
    set +e
    [ -n "${T:-}" ] && [ -d "$T" ] || return 0
    if [ -d "$ROOT" ]; then
        for id in $(berth list -q 2>/dev/null); do
            berth delete --force "$id" >/dev/null 2>&1
        done
    fi
    for cmd in "${DEFERRED[@]}"; do
        eval "$cmd" >/dev/null 2>&1
    done
    # Processes the test started that berth did not clean up: kill by pid.
    snapshot "$T/snapshot.after"
    diff "$T/snapshot.before" "$T/snapshot.after" | sed -n 's/^> process //p' |
        while read -r pid rest; do
            kill -KILL "$pid" 2>/dev/null
        done
    # Mounts under the test dir, deepest first; then the files, never
    # crossing into another file system.
    awk -v p="$T/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m"; done
    rm -rf --one-file-system "$T"
}

# Runs one test function in this process.
run_one() {
    local fn=$1
    # This process is the test's own: an assertion's `exit` ends it, and the
    # trap cleans up. `set -e` is not used: assertions decide what fails.
    trap cleanup_test EXIT
    # The per-test timeout sends TERM: end through exit, so the trap cleans up.
    trap 'echo "FAIL: timed out" >&2; exit 124' TERM
    setup_test
    "$fn" || fail "$fn returned $?"
    assert_nothing_left
    exit 0
}

# Runs every test_* function of the calling file (in file order), each in its
# own process under a timeout, and prints PASS/FAIL/SKIP lines and a summary.
run_tests() {
    local file=$0 fn rc log passed=0 failed=0 skipped=0
    if [ "${1:-}" = "--one" ]; then
        run_one "$2"
    fi
    [ "$(id -u)" -eq 0 ] || {
        echo "SKIP: $(basename "$file"): integration tests need root"
        [ -n "${BERTH_RESULTS:-}" ] && echo "SKIP $(basename "$file")" >>"$BERTH_RESULTS"
        return 0
    }
    local own_image=""
    if [ -z "${BERTH_IMAGE:-}" ]; then
        BERTH_IMAGE=$(mktemp -d /tmp/berth-image.XXXXXX)
        own_image=$BERTH_IMAGE
        BERTH=$BERTH_BIN bash "$TOP/scripts/build-image.sh" "$BERTH_IMAGE" >/dev/null || {
            rm -rf "$own_image"
            echo "FAIL: $(basename "$file"): cannot build the test image"
            [ -n "${BERTH_RESULTS:-}" ] && echo "FAIL $(basename "$file")" >>"$BERTH_RESULTS"
            return 1
        }
    fi
    export BERTH_IMAGE BERTH_BIN
    log=$(mktemp /tmp/berth-log.XXXXXX)
    for fn in $(grep -oE '^test_[A-Za-z0-9_]+\(\)' "$file" | tr -d '()'); do
        if [ -n "${BERTH_TEST_FILTER:-}" ] && ! [[ "$fn" =~ $BERTH_TEST_FILTER ]]; then
            continue
        fi
        rc=0
        timeout -k 60 "${BERTH_TEST_TIMEOUT:-90}" bash "$file" --one "$fn" >"$log" 2>&1 || rc=$?
        case $rc in
        0)
            echo "PASS: $fn"
            passed=$((passed + 1))
            [ -n "${BERTH_RESULTS:-}" ] && echo "PASS $fn" >>"$BERTH_RESULTS"
            ;;
        "$SKIP_STATUS")
            echo "SKIP: $fn: $(sed -n 's/^SKIP: //p' "$log" | tail -n 1)"
            skipped=$((skipped + 1))
            [ -n "${BERTH_RESULTS:-}" ] && echo "SKIP $fn" >>"$BERTH_RESULTS"
            ;;
        *)
            [ "$rc" -eq 124 ] && echo "FAIL: timed out after ${BERTH_TEST_TIMEOUT:-90}s" >>"$log"
            echo "FAIL: $fn"
            sed 's/^/    /' "$log"
            failed=$((failed + 1))
            [ -n "${BERTH_RESULTS:-}" ] && echo "FAIL $fn" >>"$BERTH_RESULTS"
            ;;
        esac
    done
    rm -f "$log"
    [ -n "$own_image" ] && rm -rf "$own_image"
    echo "$(basename "$file"): $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
