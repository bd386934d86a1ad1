#!/bin/bash
# jq filters name their $variables in single quotes; run_fg/run_ok take optional options.
# shellcheck disable=SC2016,SC2119,SC2120
# The lifecycle verbs and their output: create, start, state, run, kill,
# delete, list, --pid-file, --version, --log.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

# A container that runs until the test creates rootfs/tmp/go.
gated() {
    set_args /bin/sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; echo done'
}

test_create_start_stop_delete() {
    gated
    local id=$C1 pid
    assert_status 0 berth create -b "$BUNDLE" "$id"
    assert_eq "" "$OUT" "create's stdout"
    assert_eq created "$(state_field "$id" .status)" "status after create"
    pid=$(state_field "$id" .pid)
    assert_match "$pid" '^[1-9][0-9]*$' "pid after create"
    [ -d "/proc/$pid" ] || fail "init $pid is not alive after create"
    [ -d "$ROOT/$id" ] || fail "no state dir $ROOT/$id after create"

    assert_status 0 berth start "$id"
    assert_eq "" "$OUT" "start's stdout"
    assert_eq running "$(state_field "$id" .status)" "status after start"
    assert_eq "$pid" "$(state_field "$id" .pid)" "pid after start"

    touch "$BUNDLE/rootfs/tmp/go"
    wait_status "$id" stopped
    assert_status 0 berth delete "$id"
    [ ! -e "$ROOT/$id" ] || fail "state dir $ROOT/$id still there after delete"
    expect_error "does not exist" berth state "$id"
}

test_create_does_not_run_the_process() {
    set_args /bin/sh -c 'echo ran > /tmp/ran'
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    sleep 0.3
    [ ! -e "$BUNDLE/rootfs/tmp/ran" ] || fail "the process ran before start"
    assert_status 0 berth start "$C1"
    wait_file_contains "$BUNDLE/rootfs/tmp/ran" ran
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
}

test_run_foreground_exit_codes() {
    local code
    for code in 0 3 42; do
        helper exit "$code"
        run_fg
        assert_eq "$code" "$STATUS" "exit status of \`berth-helper exit $code\`"
        [ ! -e "$ROOT/$LAST_ID" ] || fail "run left its state dir for exit $code"
    done
}

test_run_foreground_stdio() {
    set_args /bin/sh -c 'echo to-stdout; echo to-stderr >&2'
    run_ok
    assert_eq to-stdout "$OUT" "container stdout"
    assert_eq to-stderr "$ERR" "container stderr"
}

# A container killed by signal N: `run` exits 128+N. The init of a pid
# namespace cannot kill itself with SIGKILL/SIGTERM (the kernel ignores
# signals to it from inside), so those cases share the host pid namespace.
test_run_foreground_killed_by_signal() {
    helper kill-self SEGV
    run_fg
    assert_eq 139 "$STATUS" "exit status of a container init dying by SIGSEGV"

    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    helper kill-self 9
    run_fg
    assert_eq 137 "$STATUS" "exit status of \`kill-self 9\` (host pid ns)"
    helper kill-self 15
    run_fg
    assert_eq 143 "$STATUS" "exit status of \`kill-self 15\` (host pid ns)"
}

test_run_foreground_killed_from_outside() {
    helper sleep 100
    local rc=0
    berth run -b "$BUNDLE" "$C1" >"$T/out" 2>&1 &
    local runner=$!
    wait_status "$C1" running
    assert_status 0 berth kill "$C1" KILL
    wait "$runner" || rc=$?
    assert_eq 137 "$rc" "exit status of \`run\` whose container got SIGKILL"
    [ ! -e "$ROOT/$C1" ] || fail "run left its state dir after the kill"
}

test_run_detach_kill_delete() {
    helper trap USR1
    local rc=0
    berth run -d -b "$BUNDLE" "$C1" >"$T/out" 2>&1 </dev/null || rc=$?
    assert_eq 0 "$rc" "run -d exit status ($(cat "$T/out"))"
    wait_file_contains "$T/out" ready
    assert_eq running "$(state_field "$C1" .status)" "status after run -d"
    assert_status 0 berth kill "$C1" USR1
    wait_file_contains "$T/out" USR1
    assert_status 0 berth kill "$C1"
    wait_file_contains "$T/out" TERM
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
    [ ! -e "$ROOT/$C1" ] || fail "state dir still there after delete"
}

test_kill_signal_names_and_numbers() {
    helper trap HUP USR2 INT
    berth run -d -b "$BUNDLE" "$C1" >"$T/out" 2>&1 </dev/null || fail "run -d failed: $(cat "$T/out")"
    wait_file_contains "$T/out" ready
    assert_status 0 berth kill "$C1" HUP
    wait_file_contains "$T/out" HUP
    assert_status 0 berth kill "$C1" SIGUSR2
    wait_file_contains "$T/out" USR2
    assert_status 0 berth kill "$C1" 2
    wait_file_contains "$T/out" INT
    assert_status 0 berth kill "$C1" SIGKILL
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
}

# --all signals every process of the container, not only its init.
test_kill_all() {
    # sh, the init, ignores USR1; its two children trap it.
    set_args /bin/sh -c 'trap "" USR1; /bin/berth-helper trap USR1 & /bin/berth-helper trap USR1 & wait'
    berth run -d -b "$BUNDLE" "$C1" >"$T/out" 2>&1 </dev/null || fail "run -d failed: $(cat "$T/out")"
    local i
    for ((i = 0; i < 200; i++)); do
        [ "$(grep -c ready "$T/out")" -eq 2 ] && break
        sleep 0.05
    done
    assert_eq 2 "$(grep -c ready "$T/out")" "helpers ready"
    assert_status 0 berth kill --all "$C1" USR1
    for ((i = 0; i < 200; i++)); do
        [ "$(grep -c USR1 "$T/out")" -eq 2 ] && break
        sleep 0.05
    done
    assert_eq 2 "$(grep -c USR1 "$T/out")" "processes that got USR1 from kill --all"
    assert_status 0 berth kill -a "$C1" KILL
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
}

test_delete_force_running() {
    helper sleep 100
    berth run -d -b "$BUNDLE" "$C1" >/dev/null 2>&1 </dev/null || fail "run -d failed"
    local pid
    pid=$(state_field "$C1" .pid)
    assert_status 0 berth delete --force "$C1"
    [ ! -e "$ROOT/$C1" ] || fail "state dir still there after delete --force"
    local i
    for ((i = 0; i < 100; i++)); do
        [ -e "/proc/$pid" ] && [ "$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" != Z ] ||
            return 0
        sleep 0.05
    done
    fail "init $pid still alive after delete --force"
}

test_list_formats() {
    gated
    assert_status 0 berth list -q
    assert_eq "" "$OUT" "list -q with no containers"
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    assert_status 0 berth create -b "$BUNDLE" "$C2"

    assert_status 0 berth list -q
    assert_eq "$C1 $C2" "$(echo "$OUT" | sort | tr '\n' ' ' | sed 's/ $//')" "list -q"

    assert_status 0 berth list --format json
    assert_eq 2 "$(echo "$OUT" | jq length)" "list --format json: array length"
    assert_eq "$C1 $C2" "$(echo "$OUT" | jq -r '.[].id' | sort | tr '\n' ' ' | sed 's/ $//')" \
        "list --format json: ids"
    assert_eq "created created" "$(echo "$OUT" | jq -r '.[].status' | tr '\n' ' ' | sed 's/ $//')" \
        "list --format json: status"
    assert_eq "$BUNDLE" "$(echo "$OUT" | jq -r --arg id "$C1" '.[] | select(.id == $id) | .bundle')" \
        "list --format json: bundle"

    assert_status 0 berth list
    local header pid1
    header=$(echo "$OUT" | head -n 1)
    assert_match "$header" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER *$' "list table header"
    pid1=$(state_field "$C1" .pid)
    assert_match "$(echo "$OUT" | grep "^$C1 ")" "^$C1 +$pid1 +created +$BUNDLE +[0-9]{4}-" "list row"

    assert_status 0 berth delete --force "$C1"
    assert_status 0 berth delete --force "$C2"
    assert_status 0 berth list -q
    assert_eq "" "$OUT" "list -q after delete"
}

test_state_json_fields() {
    gated
    cfg '.annotations = {"org.berth.test": "yes"}'
    # A relative --bundle: state must still show it absolute.
    (cd "$T" && berth create -b bundle "$C1") || fail "create -b bundle failed"
    local s created now at
    s=$(berth state "$C1") || fail "state failed"
    echo "$s" | jq -e . >/dev/null || fail "state is not JSON: $s"
    assert_match "$(echo "$s" | jq -r .ociVersion)" '^1\.[0-9]+\.[0-9]+' "ociVersion"
    assert_eq "$C1" "$(echo "$s" | jq -r .id)" "id"
    assert_eq created "$(echo "$s" | jq -r .status)" "status"
    assert_eq "$BUNDLE" "$(echo "$s" | jq -r .bundle)" "bundle (absolute)"
    assert_eq "$BUNDLE/rootfs" "$(echo "$s" | jq -r .rootfs)" "rootfs"
    assert_eq yes "$(echo "$s" | jq -r '.annotations["org.berth.test"]')" "annotations"
    assert_eq true "$(echo "$s" | jq 'has("owner")')" "has owner"
    created=$(echo "$s" | jq -r .created)
    assert_match "$created" \
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' \
        "created (RFC 3339)"
    at=$(date -d "$created" +%s) || fail "date cannot parse created: $created"
    now=$(date +%s)
    if [ $((now - at)) -lt 0 ] || [ $((now - at)) -ge 60 ]; then
        fail "created $created is not within the last minute"
    fi
    assert_status 0 berth delete --force "$C1"
}

test_pid_file() {
    gated
    assert_status 0 berth create -b "$BUNDLE" --pid-file "$T/$C1.pid" "$C1"
    assert_eq "$(state_field "$C1" .pid)" "$(tr -d '\n' <"$T/$C1.pid")" "create --pid-file content"
    assert_status 0 berth delete --force "$C1"
    berth run -d -b "$BUNDLE" --pid-file "$T/$C2.pid" "$C2" >/dev/null 2>&1 </dev/null ||
        fail "run -d --pid-file failed"
    assert_eq "$(state_field "$C2" .pid)" "$(tr -d '\n' <"$T/$C2.pid")" "run -d --pid-file content"
    assert_status 0 berth delete --force "$C2"
}

test_version_and_help() {
    assert_status 0 "$BERTH_BIN" --version
    assert_eq 3 "$(echo "$OUT" | wc -l)" "--version line count"
    assert_match "$(echo "$OUT" | sed -n 1p)" '^berth version [0-9]+\.[0-9]+\.[0-9]+' "--version line 1"
    assert_match "$(echo "$OUT" | sed -n 2p)" '^commit: [^ ]+$' "--version line 2"
    assert_eq "spec: 1.2.0" "$(echo "$OUT" | sed -n 3p)" "--version line 3"
    assert_status 0 "$BERTH_BIN" --help
    local c
    for c in create start run state list kill delete spec; do
        assert_contains "$OUT" "$c" "--help mentions $c"
    done
}

test_log_json_error() {
    local last
    run_cmd berth --log "$T/log.json" --log-format json state nosuch
    assert_ne 0 "$STATUS" "state of a missing container"
    [ -s "$T/log.json" ] || fail "--log file is empty"
    while read -r line; do
        echo "$line" | jq -e 'type == "object" and has("level") and has("msg") and has("time")' \
            >/dev/null || fail "log line is not {level,msg,time} JSON: $line"
    done <"$T/log.json"
    last=$(tail -n 1 "$T/log.json")
    assert_eq error "$(echo "$last" | jq -r .level)" "last log line level"
    assert_contains "$(echo "$last" | jq -r .msg)" "does not exist" "last log line msg"
    date -d "$(echo "$last" | jq -r .time)" >/dev/null 2>&1 ||
        fail "log time does not parse: $(echo "$last" | jq -r .time)"
}

test_spec_writes_config() {
    mkdir -p "$T/specdir"
    assert_status 0 berth spec --bundle "$T/specdir"
    jq -e '.ociVersion and .process.args and .root.path and (.linux.namespaces | length > 0)' \
        "$T/specdir/config.json" >/dev/null || fail "spec wrote an incomplete config.json"
    (cd "$T/specdir" && rm config.json && "$BERTH_BIN" spec) || fail "spec in cwd failed"
    [ -s "$T/specdir/config.json" ] || fail "spec wrote nothing in the cwd"
}

run_tests "$@"
