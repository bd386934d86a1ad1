#!/bin/bash
# exec_sleeping takes optional flags.
# shellcheck disable=SC2120
# Helpers of the exec tests (test_exec.sh, test_exec_cgroup.sh); sourced
# after lib.sh.

# A container whose init sleeps until the test deletes it.
start_sleeper() {
    set_args /bin/sleep 100000
    assert_status 0 berth run -d -b "$BUNDLE" "$C1"
}

# Every test ends with this: the snapshot must find nothing left.
delete_c1() {
    assert_status 0 berth delete --force "$C1"
}

init_pid() {
    state_field "$C1" .pid
}

# `exec -d` a sleeping helper; its host pid in $EXEC_PID.
exec_sleeping() { # [EXTRA EXEC FLAGS...]
    assert_status 0 berth exec -d --pid-file "$T/exec.pid" "$@" "$C1" /bin/sleep 100000
    EXEC_PID=$(cat "$T/exec.pid")
    assert_match "$EXEC_PID" '^[1-9][0-9]*$' "--pid-file content"
    [ -d "/proc/$EXEC_PID" ] || fail "exec'd process $EXEC_PID is not alive"
}

ns_inodes() { # PID
    local n
    for n in cgroup ipc mnt net pid uts user; do
        echo "$n $(stat -L -c %i "/proc/$1/ns/$n")"
    done
}

wait_gone() { # PID
    local i
    for ((i = 0; i < 100; i++)); do
        [ -d "/proc/$1" ] || return 0
        sleep 0.05
    done
    fail "process $1 outlived its container"
}
