#!/bin/bash
# Runs every test berth has: builds if needed, the Criterion unit tests (one
# count per test executable, through ctest), then the integration tests (one
# count per test case, as root). The last line is "N passed, N failed"; the
# exit status is non-zero if anything failed. Skips print "SKIP: name: why"
# and count neither way.
#
# usage: tests/run.sh [INTEGRATION_TEST_REGEX]
# env:   BUILD_DIR (default build), BERTH_BIN (default $BUILD_DIR/berth)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
export BERTH_BIN=${BERTH_BIN:-$build/berth}
[ $# -gt 0 ] && export BERTH_TEST_FILTER=$1
passed=0
failed=0

summary() {
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

section() {
    echo
    echo "=== $* ==="
}

# --- build ---------------------------------------------------------------
section "build ($build)"
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo || {
        echo "FAIL: cmake configure"
        failed=$((failed + 1))
        summary
    }
fi
if ! cmake --build "$build" -j "$(nproc)"; then
    echo "FAIL: build (nothing else can run against a stale or missing binary)"
    failed=$((failed + 1))
    summary
fi

# --- unit tests ------------------------------------------------------------
section "unit tests (ctest)"
ctest_log=$(mktemp /tmp/berth-ctest.XXXXXX)
ctest --test-dir "$build" --output-on-failure 2>&1 | tee "$ctest_log"
# Lines like "1/6 Test #1: test_json ........   Passed    0.01 sec".
unit_pass=$(grep -cE 'Test +#[0-9]+: .* Passed' "$ctest_log")
unit_total=$(grep -cE 'Test +#[0-9]+: ' "$ctest_log")
rm -f "$ctest_log"
if [ "$unit_total" -eq 0 ]; then
    echo "SKIP: unit tests: ctest found none (is libcriterion-dev installed? run scripts/install-deps.sh)"
fi
passed=$((passed + unit_pass))
failed=$((failed + unit_total - unit_pass))

# --- formatting ------------------------------------------------------------------
# .clang-format is the style; a file that drifts from it fails here.
section "formatting (clang-format --dry-run)"
if command -v clang-format >/dev/null; then
    drift=$(cd "$top" && git ls-files '*.c' '*.h' 2>/dev/null | xargs -r clang-format --dry-run 2>&1 |
        grep -o '^[^:]*:[0-9]*' | sort -u)
    if [ -z "$drift" ]; then
        passed=$((passed + 1))
    else
        echo "FAIL: formatting: run clang-format -i on: $(echo "$drift" | cut -d: -f1 | sort -u | tr '\n' ' ')"
        failed=$((failed + 1))
    fi
else
    echo "SKIP: formatting: clang-format is not installed (scripts/install-deps.sh installs it)"
fi

# --- benchmark harness ---------------------------------------------------------
section "benchmark harness tests (bench/tests)"
if bash "$top/bench/tests/run.sh"; then
    passed=$((passed + 1))
else
    echo "FAIL: bench/tests/run.sh"
    failed=$((failed + 1))
fi

# --- integration tests -------------------------------------------------------
section "integration tests ($BERTH_BIN)"
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: integration tests: they need root (run as root: sudo bash tests/run.sh)"
    summary
fi
if [ ! -x "$BERTH_BIN" ]; then
    echo "FAIL: integration tests: no runtime at $BERTH_BIN"
    failed=$((failed + 1))
    summary
fi
image=$(mktemp -d /tmp/berth-image.XXXXXX)
results=$(mktemp /tmp/berth-results.XXXXXX)
trap 'rm -rf "$image" "$results"' EXIT
if ! BERTH=$BERTH_BIN bash "$top/scripts/build-image.sh" "$image" "$build/berth-helper"; then
    echo "FAIL: integration tests: cannot build the test image"
    failed=$((failed + 1))
    summary
fi
export BERTH_IMAGE=$image BERTH_RESULTS=$results
# Files that need a pure cgroup v2 host (they call need_cgroup2) run in a
# throw-away VM when this host is not one; BERTH_NO_VM=1 runs them here,
# where they skip.
cgroup2_host=false
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && cgroup2_host=true
vm_files=()
for t in "$top"/tests/integration/test_*.sh; do
    if ! $cgroup2_host && [ "${BERTH_NO_VM:-0}" != 1 ] && [ -f "$top/tests/vm/run-in-vm.sh" ] &&
        grep -q '^ *need_cgroup2$' "$t"; then
        vm_files+=("$t")
        continue
    fi
    section "$(basename "$t")"
    bash "$t"
done
for t in "${vm_files[@]}"; do
    section "$(basename "$t") (in a cgroup v2 VM: tests/vm/run-in-vm.sh)"
    # The guest sees the host's / read-only and $top read-write, not the
    # host's /tmp: results come back through the build dir, and the test
    # file builds its own image in the guest.
    vm_results=$build/vm-results.txt
    : >"$vm_results"
    rc=0
    BERTH_VM_SHARE=$top BERTH_RESULTS=$vm_results BERTH_HELPER=$build/berth-helper \
        BERTH_VM_ENV="BERTH_BIN BERTH_HELPER BERTH_RESULTS BERTH_TEST_FILTER" \
        timeout -k 10 1200 bash "$top/tests/vm/run-in-vm.sh" bash "$t" || rc=$?
    if [ "$rc" -eq 125 ] || [ "$rc" -eq 124 ]; then
        echo "SKIP: $(basename "$t"): the cgroup v2 VM failed to run (status $rc; see above)"
        echo "SKIP $(basename "$t")" >>"$results"
    fi
    cat "$vm_results" >>"$results"
    rm -f "$vm_results"
done
# The harness end to end, as a user runs it: berth and crun side by side.
if [ "${BERTH_NO_BENCH:-0}" != 1 ]; then
    section "benchmark: bench/run --quick --runtimes berth,crun"
    if timeout 900 "$top/bench/run" --quick --runtimes berth,crun \
        --berth "$BERTH_BIN" --out "$build/bench-quick"; then
        grep -E '^\| *(berth|crun) ' "$build/bench-quick/report.md" | head -n 8
        echo "PASS bench-quick" >>"$results"
    else
        echo "FAIL bench-quick" >>"$results"
    fi
fi
passed=$((passed + $(grep -c '^PASS ' "$results")))
failed=$((failed + $(grep -c '^FAIL ' "$results")))
skipped=$(grep -c '^SKIP ' "$results")
[ "$skipped" -gt 0 ] && echo && echo "SKIPPED ($skipped): $(sed -n 's/^SKIP //p' "$results" | tr '\n' ' ')"
summary
