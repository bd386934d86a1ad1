#!/bin/bash
# jq filters name their $variables in single quotes.
# exec_sleeping takes optional flags.
# shellcheck disable=SC2016,SC2119
# exec and ps against the cgroup v2 manager: the exec'd process joins the
# container's cgroup (or --cgroup below it), a paused container refuses
# exec, and ps reads cgroup.procs. Needs a pure cgroup v2 host; on hybrid
# hosts tests/run.sh runs this file in a VM (tests/vm/run-in-vm.sh).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/exec_lib.sh
source "$(dirname "$0")/exec_lib.sh"

need_cgroup2() {
    [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
        skip "/sys/fs/cgroup is not cgroup v2 on this host (run through tests/vm/run-in-vm.sh)"
}

cgroup_dir() {
    jq -r .cgroup_path "$ROOT/$C1/state.json"
}

test_exec_joins_the_container_cgroup() {
    need_cgroup2
    start_sleeper
    exec_sleeping
    local cg
    cg=$(cgroup_dir)
    grep -qx "$EXEC_PID" "$cg/cgroup.procs" || fail "exec'd $EXEC_PID not in $cg/cgroup.procs"
    assert_eq "0::/" "$(berth exec "$C1" /bin/cat /proc/self/cgroup)" \
        "exec's cgroup inside its cgroup namespace"
    assert_status 0 berth ps --format json "$C1"
    assert_eq "$(jq -c -n --argjson a "$(init_pid)" --argjson b "$EXEC_PID" '[$a, $b] | sort')" \
        "$OUT" "ps --format json from cgroup.procs"
    delete_c1
}

test_exec_paused_container() {
    need_cgroup2
    start_sleeper
    assert_status 0 berth pause "$C1"
    expect_error "cannot exec in a paused container" berth exec "$C1" /bin/true
    assert_eq 255 "$STATUS" "exit status of exec into a paused container"
    assert_status 0 berth resume "$C1"
    assert_status 0 berth exec "$C1" /bin/true
    delete_c1
}

test_exec_cgroup_flag() {
    need_cgroup2
    start_sleeper
    local cg
    cg=$(cgroup_dir)
    expect_error "must be a path below the container's cgroup" \
        berth exec --cgroup ../x "$C1" /bin/true
    expect_error "open cgroup \`$cg/missing\`: No such file or directory" \
        berth exec --cgroup missing "$C1" /bin/true
    mkdir "$cg/sub"
    exec_sleeping --cgroup sub
    grep -qx "$EXEC_PID" "$cg/sub/cgroup.procs" || fail "exec'd $EXEC_PID not in $cg/sub"
    kill -KILL "$EXEC_PID"
    wait_gone "$EXEC_PID"
    rmdir "$cg/sub"
    delete_c1
}

run_tests "$@"
