#!/bin/bash
# jq filters name their $variables in single quotes; run_fg/run_ok take optional options.
# shellcheck disable=SC2016,SC2119,SC2120
# Bad configs, ids and requests: each must fail with one line on stderr that
# says what is wrong, exit non-zero, and leave nothing behind (lib.sh checks
# the host after every test; the cases below also check between steps).
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

# create must fail with SUBSTRING and leave nothing: create_fails SUBSTRING [ID]
create_fails() {
    expect_error "$1" berth create -b "$BUNDLE" "${2:-$C1}"
    assert_nothing_left
}

gated() {
    set_args /bin/sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done'
}

test_missing_config_json() {
    rm "$BUNDLE/config.json"
    create_fails config.json
}

test_invalid_json_names_line_and_column() {
    printf '{\n  "ociVersion": "1.2.0",\n  "process": {,\n}\n' >"$BUNDLE/config.json"
    expect_error "config.json:3:" berth create -b "$BUNDLE" "$C1"
    assert_match "$ERR" 'config\.json:3:[0-9]+' "syntax error position"
    assert_nothing_left
}

test_unsupported_oci_version() {
    cfg '.ociVersion = "0.1.0"'
    create_fails ociVersion
}

test_missing_rootfs() {
    rm -rf "$BUNDLE/rootfs"
    create_fails rootfs
}

test_rootfs_is_a_file() {
    rm -rf "$BUNDLE/rootfs"
    echo not-a-dir >"$BUNDLE/rootfs"
    create_fails rootfs
}

test_relative_mount_destination() {
    cfg '.mounts += [{destination: "relative/dir", type: "tmpfs", source: "tmpfs"}]'
    create_fails destination
    assert_contains "$ERR" absolute "relative destination error"
}

test_relative_cwd() {
    cfg '.process.cwd = "tmp"'
    create_fails "process.cwd: must be an absolute path"
}

test_bad_container_ids() {
    local id
    for id in "../x" "a/b" "" ".." "$(printf 'x%.0s' {1..300})"; do
        run_cmd berth create -b "$BUNDLE" "$id"
        [ "$STATUS" -ne 0 ] || fail "create accepted the id '$id'"
        assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "stderr lines for id '${id:0:20}'"
        assert_nothing_left
    done
    # ../x must not have created anything next to the root either.
    [ ! -e "$T/x" ] || fail "id ../x escaped the state root"
}

test_duplicate_id() {
    gated
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    expect_error "already exists" berth create -b "$BUNDLE" "$C1"
    assert_eq created "$(state_field "$C1" .status)" "the first container after the duplicate create"
    assert_status 0 berth delete --force "$C1"
}

test_unknown_namespace_type() {
    cfg '.linux.namespaces += [{type: "bogus"}]'
    create_fails bogus
}

test_unknown_signal() {
    gated
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    expect_error NOPE berth kill "$C1" NOPE
    expect_error 999 berth kill "$C1" 999
    assert_eq created "$(state_field "$C1" .status)" "container after a bad kill"
    assert_status 0 berth delete --force "$C1"
}

test_verbs_on_missing_container() {
    local verb
    for verb in start kill delete state; do
        expect_error "does not exist" berth "$verb" nosuch
    done
    assert_nothing_left
}

test_start_stopped_container() {
    helper exit 0
    berth run -d -b "$BUNDLE" "$C1" >/dev/null 2>&1 </dev/null || fail "run -d failed"
    wait_status "$C1" stopped
    expect_error stopped berth start "$C1"
    assert_status 0 berth delete "$C1"
}

test_start_running_container() {
    gated
    assert_status 0 berth create -b "$BUNDLE" "$C1"
    assert_status 0 berth start "$C1"
    expect_error running berth start "$C1"
    touch "$BUNDLE/rootfs/tmp/go"
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
}

test_kill_stopped_container() {
    helper exit 0
    berth run -d -b "$BUNDLE" "$C1" >/dev/null 2>&1 </dev/null || fail "run -d failed"
    wait_status "$C1" stopped
    expect_error "container not running" berth kill "$C1" KILL
    assert_status 0 berth delete "$C1"
}

test_delete_running_without_force() {
    gated
    berth run -d -b "$BUNDLE" "$C1" >/dev/null 2>&1 </dev/null || fail "run -d failed"
    expect_error "cannot delete container" berth delete "$C1"
    assert_contains "$ERR" "that is not stopped" "delete of a running container"
    assert_eq running "$(state_field "$C1" .status)" "container after a refused delete"
    assert_status 0 berth delete --force "$C1"
}

test_run_missing_binary() {
    set_args /nope
    run_fg
    assert_ne 0 "$STATUS" "run of a missing binary"
    assert_contains "$ERR" /nope "error of a run of a missing binary"
    assert_nothing_left
}

# With create/start the error may come at either step, but it names /nope and
# a delete leaves nothing.
test_create_start_missing_binary() {
    set_args /nope
    run_cmd berth create -b "$BUNDLE" "$C1"
    if [ "$STATUS" -eq 0 ]; then
        run_cmd berth start "$C1"
        assert_ne 0 "$STATUS" "start of a missing binary"
        berth delete --force "$C1" >/dev/null 2>&1
    fi
    assert_contains "$ERR" /nope "error of create/start of a missing binary"
    assert_nothing_left
}

run_tests "$@"
