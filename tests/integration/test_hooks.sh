#!/bin/bash
# OCI hooks: order, namespaces, stdin state, args/env, timeout, failures.
# shellcheck disable=SC2016
. "$(dirname "$0")/lib.sh"

# A host-side hook script that appends "NAME <status> <pid> <mnt ns> ARGS
# ENV" to $T/hooks.log and keeps its stdin as $T/NAME.json.
make_recorder() {
    cat >"$T/record" <<'SH'
#!/bin/sh
name=$1
shift
cat >"$LOG_DIR/$name.json"
echo "$name $(jq -r .status "$LOG_DIR/$name.json") $(readlink /proc/self/ns/mnt) $* ${HOOK_ENV:-}" >>"$LOG_DIR/hooks.log"
SH
    chmod +x "$T/record"
}

# hook NAME: the JSON of a hook calling the recorder.
hook() {
    jq -n -c --arg p "$T/record" --arg n "$1" --arg d "LOG_DIR=$T" \
        '{path: $p, args: ["record", $n, "a1"], env: [$d, "HOOK_ENV=e1", "PATH=/usr/bin:/bin"]}'
}

test_hooks_create_start_delete() {
    make_recorder
    local k
    for k in prestart createRuntime createContainer poststart poststop; do
        cfg --argjson h "$(hook "$k")" --arg k "$k" '.hooks[$k] = [$h]'
    done
    helper sleep 30
    local id host_mnt
    id=$(new_id)
    host_mnt=$(readlink /proc/self/ns/mnt)
    berth create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>"$T/err" || fail "create: $(cat "$T/err")"
    assert_eq "prestart createRuntime createContainer" "$(cut -d' ' -f1 "$T/hooks.log" | tr '\n' ' ' | sed 's/ $//')" "order at create"
    local pid
    pid=$(state_field "$id" .pid)
    assert_eq "$pid" "$(jq -r .pid "$T/createRuntime.json")" "state pid on stdin"
    assert_eq "$id" "$(jq -r .id "$T/prestart.json")" "state id on stdin"
    assert_eq creating "$(jq -r .status "$T/createContainer.json")" "status"
    grep "^createRuntime" "$T/hooks.log" | grep -qF "$host_mnt" || fail "createRuntime not in the runtime mount ns"
    grep "^createContainer" "$T/hooks.log" | grep -qF "$(readlink "/proc/$pid/ns/mnt")" ||
        fail "createContainer not in the container mount ns: $(cat "$T/hooks.log")"
    grep -q "^prestart creating .* a1 e1$" "$T/hooks.log" || fail "args/env: $(cat "$T/hooks.log")"
    berth start "$id" || fail "start"
    assert_eq poststart "$(tail -n 1 "$T/hooks.log" | cut -d' ' -f1)" "poststart after start"
    assert_eq running "$(jq -r .status "$T/poststart.json")" "poststart status"
    berth delete -f "$id" || fail "delete"
    assert_eq poststop "$(tail -n 1 "$T/hooks.log" | cut -d' ' -f1)" "poststop at delete"
    assert_eq stopped "$(jq -r .status "$T/poststop.json")" "poststop status"
}

test_start_container_hook_runs_in_container() {
    # The path resolves in the container: a busybox shell script there.
    cat >"$BUNDLE/rootfs/bin/start-hook" <<'SH'
#!/bin/sh
cat > /tmp/start-state.json
echo "$1 $(hostname)" > /tmp/start-hook.out
SH
    chmod +x "$BUNDLE/rootfs/bin/start-hook"
    cfg '.hostname = "hooked" | .hooks.startContainer = [{path: "/bin/start-hook", args: ["start-hook", "x1"]}]'
    set_args /bin/cat /tmp/start-hook.out
    run_ok
    assert_eq "x1 hooked" "$OUT" "startContainer ran in the container before the process"
}

test_failing_hook_fails_create() {
    cfg '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]'
    helper exit 0
    local id
    id=$(new_id)
    expect_error 'createRuntime hook "/bin/sh" exited with status 3' berth create -b "$BUNDLE" "$id"
    assert_eq "" "$(berth list -q)" "nothing left"
}

test_hook_timeout_kills_it() {
    cfg '.hooks.prestart = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
    helper exit 0
    local start=$SECONDS
    expect_error 'prestart hook "/bin/sleep" timed out after 1 s' berth run -b "$BUNDLE" "$(new_id)"
    [ $((SECONDS - start)) -lt 10 ] || fail "the timeout did not cut the hook short"
}

test_missing_hook_is_an_error() {
    cfg '.hooks.createContainer = [{path: "/nonexistent/hook"}]'
    helper exit 0
    run_fg
    [ "$STATUS" -ne 0 ] || fail "a missing hook succeeded"
    assert_contains "$ERR" 'createContainer hook "/nonexistent/hook" exited with status 127' "error"
    cfg '.hooks.createContainer = [{path: "relative/hook"}]'
    expect_error 'hooks.createContainer[0].path' berth run -b "$BUNDLE" "$(new_id)"
}

test_failing_poststart_only_warns() {
    cfg '.hooks.poststart = [{path: "/bin/false"}]'
    helper exit 0
    run_ok
    assert_contains "$ERR" 'poststart hook "/bin/false" exited with status 1' "warning"
}

run_tests "$@"
