#!/bin/bash
# jq filters name their $variables in single quotes.
# exec_sleeping takes optional flags.
# shellcheck disable=SC2016,SC2119
# `exec` into a running container: namespaces and cgroup joined, exit codes,
# the process flags and --process, detaching, fds, signals, seccomp, and the
# errors (bad input leaves nothing behind). Then `ps`.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/exec_lib.sh
source "$(dirname "$0")/exec_lib.sh"

test_exec_joins_namespaces_and_cgroup() {
    start_sleeper
    exec_sleeping
    local init
    init=$(init_pid)
    assert_eq "$(ns_inodes "$init")" "$(ns_inodes "$EXEC_PID")" "namespaces of exec vs init"
    assert_ne "$(stat -L -c %i /proc/self/ns/pid)" "$(stat -L -c %i "/proc/$EXEC_PID/ns/pid")" \
        "exec's pid namespace vs the host's"
    assert_eq "$(cat "/proc/$init/cgroup")" "$(cat "/proc/$EXEC_PID/cgroup")" "cgroup of exec vs init"
    assert_eq "$(readlink "/proc/$init/root")" "$(readlink "/proc/$EXEC_PID/root")" "root directory"
    # Inside, the exec'd process has a small pid of the container's namespace.
    assert_status 0 berth exec "$C1" /bin/berth-helper pid
    assert_match "$OUT" '^[2-9][0-9]?$' "exec's pid inside the container"
    assert_status 0 berth exec "$C1" /bin/berth-helper hostname
    assert_eq berth "$OUT" "hostname seen by exec"
    delete_c1
}

test_exec_exit_codes() {
    start_sleeper
    local code
    for code in 0 3 42; do
        assert_status "$code" berth exec "$C1" /bin/berth-helper exit "$code"
    done
    assert_status 137 berth exec "$C1" /bin/sh -c 'kill -KILL $$'
    assert_status 143 berth exec "$C1" /bin/sh -c 'kill -TERM $$'
    expect_error 'exec "/nonexistent": stat `/nonexistent`: No such file or directory' \
        berth exec "$C1" /nonexistent
    assert_eq 255 "$STATUS" "exit status of a failed exec"
    expect_error 'exec "no-such-cmd": executable file not found in $PATH' \
        berth exec "$C1" no-such-cmd
    assert_eq 255 "$STATUS" "exit status of a command not in PATH"
    delete_c1
}

test_exec_stdio() {
    start_sleeper
    local out
    out=$(echo from-stdin | berth exec "$C1" /bin/sh -c 'cat; echo to-stderr >&2' 2>"$T/err")
    assert_eq from-stdin "$out" "stdin through exec to stdout"
    assert_eq to-stderr "$(cat "$T/err")" "stderr of exec"
    delete_c1
}

# The process inherits config.json's process section, and the flags change it.
test_exec_process_flags() {
    cfg '.process.env += ["FROM_CONFIG=1", "OVERRIDE=old"] | .process.cwd = "/tmp"'
    start_sleeper
    assert_status 0 berth exec "$C1" /bin/berth-helper env
    assert_contains "$OUT" "FROM_CONFIG=1" "config env in exec"
    assert_status 0 berth exec -e OVERRIDE=new --env ADDED=yes "$C1" /bin/berth-helper env
    assert_contains "$OUT" $'OVERRIDE=new' "--env overrides"
    assert_not_contains "$OUT" "OVERRIDE=old" "--env overrides"
    assert_contains "$OUT" "ADDED=yes" "--env adds"
    assert_status 0 berth exec "$C1" /bin/berth-helper cwd
    assert_eq /tmp "$OUT" "cwd from config"
    assert_status 0 berth exec --cwd /proc "$C1" /bin/berth-helper cwd
    assert_eq /proc "$OUT" "--cwd"
    assert_status 0 berth exec --user 1000:1001 --additional-gids 7,8 -g 9 "$C1" \
        /bin/berth-helper ids
    assert_eq "uid=1000 euid=1000 gid=1001 egid=1001 groups=7,8,9" "$OUT" \
        "--user and --additional-gids"
    assert_status 0 berth exec -u 1000 "$C1" /bin/berth-helper ids
    assert_eq "uid=1000 euid=1000 gid=0 egid=0 groups=" "$OUT" \
        "--user without a gid keeps the config's"
    delete_c1
}

test_exec_capabilities_and_no_new_privs() {
    cfg '.process.noNewPrivileges = false'
    start_sleeper
    # The default spec: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE.
    assert_status 0 berth exec "$C1" /bin/berth-helper caps
    assert_contains "$OUT" $'CapEff:\t0000000020000420' "config capabilities in exec"
    assert_contains "$OUT" $'CapBnd:\t0000000020000420' "config bounding set in exec"
    assert_status 0 berth exec "$C1" /bin/berth-helper status NoNewPrivs
    assert_eq $'NoNewPrivs:\t0' "$OUT" "no_new_privs off as configured"
    assert_status 0 berth exec --cap CAP_SYS_ADMIN "$C1" /bin/berth-helper caps
    assert_contains "$OUT" $'CapEff:\t0000000020200420' "--cap CAP_SYS_ADMIN (bit 21)"
    assert_contains "$OUT" $'CapBnd:\t0000000020200420' "--cap in the bounding set"
    assert_status 0 berth exec --no-new-privs "$C1" /bin/berth-helper status NoNewPrivs
    assert_eq $'NoNewPrivs:\t1' "$OUT" "--no-new-privs"
    delete_c1
}

test_exec_rlimits_and_seccomp_of_the_config() {
    cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 77, hard: 88}]
       | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
           syscalls: [{names: ["sethostname"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]}'
    start_sleeper
    assert_status 0 berth exec "$C1" /bin/sh -c 'ulimit -n; ulimit -Hn'
    assert_eq $'77\n88' "$OUT" "RLIMIT_NOFILE in exec"
    assert_status 0 berth exec "$C1" /bin/berth-helper syscall-errno sethostname
    assert_eq EACCES "$OUT" "seccomp rule (errnoRet 13) in exec"
    assert_status 0 berth exec "$C1" /bin/berth-helper status Seccomp
    assert_eq $'Seccomp:\t2' "$OUT" "exec runs under a filter"
    delete_c1
}

test_exec_process_file() {
    start_sleeper
    jq -n '{args: ["/bin/berth-helper", "env"], cwd: "/root", env: ["ONLY=this"],
            user: {uid: 5, gid: 6}, terminal: false}' >"$T/process.json"
    assert_status 0 berth exec --process "$T/process.json" "$C1"
    assert_eq "ONLY=this" "$OUT" "env comes from the process file alone"
    jq '.args = ["/bin/berth-helper", "ids"]' "$T/process.json" >"$T/p2.json"
    assert_status 0 berth exec -p "$T/p2.json" "$C1"
    assert_eq "uid=5 euid=5 gid=6 egid=6 groups=" "$OUT" "user from the process file"
    echo '{"args": [], "cwd": "/"}' >"$T/bad.json"
    expect_error "$T/bad.json: process.args: must be a non-empty array of strings" \
        berth exec --process "$T/bad.json" "$C1"
    echo '{"args": ["/bin/true"], "cwd": "/",' >"$T/broken.json"
    expect_error "--process: $T/broken.json" berth exec --process "$T/broken.json" "$C1"
    expect_error "No such file or directory" berth exec --process "$T/missing.json" "$C1"
    expect_error "--process and a command are mutually exclusive" \
        berth exec --process "$T/process.json" "$C1" /bin/true
    delete_c1
}

test_exec_detach_pid_file() {
    start_sleeper
    local start end
    start=$(date +%s%N)
    exec_sleeping
    end=$(date +%s%N)
    [ $(((end - start) / 1000000)) -lt 5000 ] || fail "exec -d did not return at once"
    # The host pid in the pid file is the process, which runs in the container.
    assert_eq "$(stat -L -c %i "/proc/$(init_pid)/ns/pid")" "$(stat -L -c %i "/proc/$EXEC_PID/ns/pid")" \
        "pid namespace of the detached process"
    assert_eq sleep "$(cat "/proc/$EXEC_PID/comm")" "the pid file names the exec'd process"
    delete_c1
    # The pid namespace went with the init: so did the detached process.
    [ ! -d "/proc/$EXEC_PID" ] || wait_gone "$EXEC_PID"
}

test_exec_preserve_fds() {
    start_sleeper
    assert_status 0 berth exec --preserve-fds 1 "$C1" /bin/berth-helper fds 3<"$BUNDLE/config.json"
    grep -q "^3 " <<<"$OUT" || fail "fd 3 is not passed with --preserve-fds 1: $OUT"
    assert_status 0 berth exec "$C1" /bin/berth-helper fds 3<"$BUNDLE/config.json"
    assert_eq "0 1 2" "$(cut -d' ' -f1 <<<"$OUT" | xargs)" "fds without --preserve-fds"
    expect_error "--preserve-fds 2: fd 4: Bad file descriptor" \
        berth exec --preserve-fds 2 "$C1" /bin/true 3<"$BUNDLE/config.json"
    delete_c1
}

test_exec_forwards_signals() {
    start_sleeper
    # Not the berth() function: $! must be berth itself.
    "$BERTH_BIN" --root "$ROOT" exec "$C1" /bin/berth-helper trap USR1 HUP >"$T/trap.out" 2>&1 \
        </dev/null &
    local pid=$!
    wait_file_contains "$T/trap.out" ready
    kill -USR1 "$pid"
    wait_file_contains "$T/trap.out" USR1
    kill -HUP "$pid"
    wait_file_contains "$T/trap.out" HUP
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    assert_eq 0 "$rc" "exec's exit status after the trapped SIGTERM"
    assert_eq $'ready\nUSR1\nHUP\nTERM' "$(cat "$T/trap.out")" "signals seen by exec'd process"
    delete_c1
}

test_exec_into_created_container() {
    set_args /bin/sleep 100000
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    assert_status 0 berth exec "$C1" /bin/berth-helper hostname
    assert_eq berth "$OUT" "exec into a created container"
    assert_eq created "$(state_field "$C1" .status)" "still created after exec"
    delete_c1
}

test_exec_stopped_or_missing_container() {
    set_args /bin/true
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    assert_status 0 berth start "$C1"
    wait_status "$C1" stopped
    expect_error "container not running" berth exec "$C1" /bin/true
    assert_eq 255 "$STATUS" "exit status of exec into a stopped container"
    expect_error "container \"nope-$$\" does not exist" berth exec "nope-$$" /bin/true
    delete_c1
}

test_exec_bad_input_leaves_nothing() {
    start_sleeper
    expect_error "exec: requires exactly 1 argument" berth exec
    expect_error "unknown flag or missing value: --bogus" berth exec --bogus "$C1" /bin/true
    expect_error 'a command (or --process FILE) is required' berth exec "$C1"
    expect_error '--user: invalid id "root" (a number is expected)' berth exec -u root "$C1" /bin/true
    expect_error '--user: invalid id "x"' berth exec -u 1:x "$C1" /bin/true
    expect_error '--additional-gids: invalid id "-3"' berth exec -g 1,-3 "$C1" /bin/true
    expect_error '--cap: unknown capability "CAP_BOGUS"' berth exec --cap CAP_BOGUS "$C1" /bin/true
    expect_error '--cap: unknown capability "kill"' berth exec --cap kill "$C1" /bin/true
    expect_error '--cwd: "tmp" is not an absolute path' berth exec --cwd tmp "$C1" /bin/true
    expect_error '--env: "NOEQUALS" must be NAME=VALUE' berth exec -e NOEQUALS "$C1" /bin/true
    expect_error '--preserve-fds: invalid number "-1"' berth exec --preserve-fds -1 "$C1" /bin/true
    expect_error "chdir to cwd \`/nonexistent\`" berth exec --cwd /nonexistent "$C1" /bin/true
    expect_error "cannot use console socket if berth will not detach or allocate tty" \
        berth exec --console-socket "$T/x.sock" "$C1" /bin/true
    expect_error "cannot allocate tty if berth will detach without setting console socket" \
        berth exec -t -d "$C1" /bin/sh
    touch "$T/not-a-socket"
    expect_error "console socket \`$T/not-a-socket\`: Socket operation on non-socket" \
        berth exec -t -d --console-socket "$T/not-a-socket" "$C1" /bin/sh
    # No profile "p" is loaded where AppArmor is on; elsewhere it is refused.
    expect_error 'apparmor profile "p": ' berth exec --apparmor p "$C1" /bin/true
    expect_error 'selinux label "l": ' berth exec --process-label l "$C1" /bin/true
    if [ "$(jq -r '.cgroup_path // ""' "$ROOT/$C1/state.json")" = "" ]; then
        expect_error "--cgroup: the container has no cgroup berth manages" \
            berth exec --cgroup sub "$C1" /bin/true
    else
        expect_error "must be a path below the container's cgroup" \
            berth exec --cgroup ../x "$C1" /bin/true
    fi
    # Only the init is left in the container; nothing else anywhere (the
    # snapshot at the end of the test checks the host).
    assert_status 0 berth ps --format json "$C1"
    assert_eq "[$(init_pid)]" "$OUT" "processes of the container after the failures"
    delete_c1
}

# --- ps -----------------------------------------------------------------------

test_ps_lists_exec_processes() {
    start_sleeper
    exec_sleeping
    local init
    init=$(init_pid)
    assert_status 0 berth ps --format json "$C1"
    assert_eq "$(jq -c -n --argjson a "$init" --argjson b "$EXEC_PID" '[$a, $b] | sort')" \
        "$(jq -c 'sort' <<<"$OUT")" "ps --format json"
    assert_status 0 berth ps "$C1"
    assert_match "$(head -n 1 <<<"$OUT")" '^UID +PID +PPID' "ps table header"
    assert_eq 3 "$(grep -c . <<<"$OUT")" "header + 2 processes: $OUT"
    awk 'NR > 1 { print $2 }' <<<"$OUT" | grep -qx "$EXEC_PID" || fail "no line for $EXEC_PID: $OUT"
    awk 'NR > 1 { print $2 }' <<<"$OUT" | grep -qx "$init" || fail "no line for $init: $OUT"
    assert_status 0 berth ps "$C1" -o pid,comm
    grep -qE "^ *$EXEC_PID +sleep$" <<<"$OUT" || fail "ps with ps(1) arguments: $OUT"
    assert_eq 3 "$(grep -c . <<<"$OUT")" "ps -o pid,comm lines: $OUT"
    expect_error "ps: no PID column" berth ps "$C1" -o comm
    expect_error 'ps: --format: invalid format "yaml"' berth ps --format yaml "$C1"
    delete_c1
}

test_ps_stopped_container() {
    set_args /bin/true
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    assert_status 0 berth start "$C1"
    wait_status "$C1" stopped
    expect_error "container not running" berth ps "$C1"
    delete_c1
}

run_tests "$@"
