#!/bin/bash
# jq filters name their $variables in single quotes; run_fg/run_ok take optional options.
# shellcheck disable=SC2016,SC2119,SC2120
# What a container sees: namespaces, mounts, devices, process attributes.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

# Starts $C1 detached; its stdout/stderr go to $T/out.
run_detached() {
    berth run -d -b "$BUNDLE" "$C1" >"$T/out" 2>&1 </dev/null || fail "run -d failed: $(cat "$T/out")"
}

stop_and_delete() {
    berth kill "$C1" KILL >/dev/null 2>&1
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
}

# The mount point and fs type of each line of a mountinfo text: "/proc proc".
mount_points() {
    awk '{ for (i = 7; $i != "-"; i++) ; print $5, $(i + 1) }'
}

test_namespaces_differ_from_host() {
    # The six the default spec should give; added if `spec` left one out.
    local t
    for t in pid mount uts ipc network cgroup; do
        cfg --arg t "$t" 'if any(.linux.namespaces[]; .type == $t) then .
                          else .linux.namespaces += [{type: $t}] end'
    done
    set_args /bin/sh -c '/bin/berth-helper ns; exec /bin/berth-helper sleep 100'
    run_detached
    wait_file_contains "$T/out" "mnt "
    local pid ns inside host
    pid=$(state_field "$C1" .pid)
    for ns in pid mnt uts ipc net cgroup; do
        host=$(readlink "/proc/self/ns/$ns")
        inside=$(readlink "/proc/$pid/ns/$ns") || fail "cannot read /proc/$pid/ns/$ns"
        assert_ne "$host" "$inside" "$ns namespace of the container"
        # What the container itself reports matches what the host sees.
        assert_eq "$(echo "$inside" | tr -dc 0-9)" "$(awk -v n="$ns" '$1 == n { print $2 }' "$T/out")" \
            "$ns inode reported inside"
    done
    stop_and_delete
}

test_join_namespace_by_path() {
    command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
    touch "$T/netns"
    unshare --net="$T/netns" true || skip "cannot make a persistent net namespace with unshare"
    defer umount "$T/netns"
    local ino
    ino=$(stat -L -c %i "$T/netns")
    cfg --arg p "$T/netns" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
    helper ns
    run_ok
    assert_eq "$ino" "$(echo "$OUT" | awk '$1 == "net" { print $2 }')" "net ns joined by path"
    assert_ne "$(stat -L -c %i /proc/self/ns/net)" "$ino" "the joined ns is not the host's"
    umount "$T/netns" || fail "cannot unmount the net ns file"
}

test_pid_one_inside() {
    helper pid
    run_ok
    assert_eq 1 "$OUT" "pid of the container's init"
    # Only the container's own processes are visible: sh (1) and ls.
    set_args /bin/sh -c 'ls /proc; exit 0'
    run_ok
    assert_eq 2 "$(echo "$OUT" | grep -c '^[0-9]*$')" "processes visible inside ($OUT)"
}

test_hostname_and_domainname() {
    local host_name
    host_name=$(hostname)
    cfg '.hostname = "box1" | .domainname = "example.org"'
    helper hostname
    run_ok
    assert_eq box1 "$OUT" "hostname inside"
    helper domainname
    run_ok
    assert_eq example.org "$OUT" "domainname inside"
    assert_eq "$host_name" "$(hostname)" "host hostname afterwards"
}

test_default_mounts() {
    helper mounts
    run_ok
    local m
    m=$(echo "$OUT" | mount_points)
    for want in "/proc proc" "/dev tmpfs" "/dev/pts devpts" "/dev/mqueue mqueue" "/sys sysfs" \
        "/dev/shm tmpfs"; do
        echo "$m" | grep -qx "$want" || fail "no '$want' mount inside; mounts: $m"
    done
    # The host's own mounts are not visible.
    assert_not_contains "$m" "/tmp/berth-test" "mount points inside"
}

test_readonly_root() {
    cfg '.root.readonly = true'
    helper write /newfile x
    run_fg
    assert_ne 0 "$STATUS" "writing / with root.readonly"
    assert_contains "$ERR" EROFS "error writing / with root.readonly"
    [ ! -e "$BUNDLE/rootfs/newfile" ] || fail "the write reached the rootfs"
    helper write /dev/shm/x y
    run_fg
    assert_eq 0 "$STATUS" "writing /dev/shm with root.readonly ($ERR)"
}

test_masked_paths() {
    mkdir -p "$BUNDLE/rootfs/run/secret"
    echo hidden >"$BUNDLE/rootfs/run/secret/key"
    echo hidden >"$BUNDLE/rootfs/etc/secret"
    cfg '.linux.maskedPaths = ["/proc/kcore", "/run/secret", "/etc/secret", "/no/such/path"]'
    if [ -e /proc/kcore ]; then
        helper cat /proc/kcore
        run_fg
        assert_eq 0 "$STATUS" "reading masked /proc/kcore ($ERR)"
        assert_eq "" "$OUT" "masked /proc/kcore"
    else
        echo "note: this kernel has no /proc/kcore; checking the other masked paths" >&2
    fi
    helper cat /etc/secret
    run_ok
    assert_eq "" "$OUT" "masked file /etc/secret"
    set_args /bin/ls -A /run/secret
    run_ok
    assert_eq "" "$OUT" "masked directory /run/secret"
}

test_readonly_paths() {
    cfg '.linux.readonlyPaths = ["/proc/sys", "/etc"]'
    helper write /proc/sys/kernel/hostname x
    run_fg
    assert_ne 0 "$STATUS" "writing read-only /proc/sys"
    assert_contains "$ERR" EROFS "error writing /proc/sys"
    helper write /etc/new x
    run_fg
    assert_contains "$ERR" EROFS "error writing read-only /etc"
    helper write /tmp/new x
    run_fg
    assert_eq 0 "$STATUS" "writing /tmp beside read-only paths ($ERR)"
}

test_default_devices() {
    local dev want
    for dev in "null 1:3" "zero 1:5" "full 1:7" "random 1:8" "urandom 1:9" "tty 5:0"; do
        helper stat "/dev/${dev% *}"
        run_ok
        want="char ${dev#* } 0666"
        assert_eq "$want" "$OUT" "/dev/${dev% *}"
    done
    helper write /dev/null discarded
    run_fg
    assert_eq 0 "$STATUS" "writing /dev/null ($ERR)"
    set_args /bin/readlink /dev/fd
    run_ok
    assert_eq /proc/self/fd "$OUT" "/dev/fd symlink"
}

test_linux_devices_added() {
    cfg '.linux.devices += [{path: "/dev/berth-null", type: "c", major: 1, minor: 3,
                             fileMode: 416, uid: 0, gid: 0}]
         | .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rwm"}]'
    helper stat /dev/berth-null
    run_ok
    assert_eq "char 1:3 0640" "$OUT" "added device /dev/berth-null"
}

test_cwd_env_and_user() {
    cfg '.process.cwd = "/tmp"
         | .process.env = [(.process.env[] | select(startswith("BERTH_TEST_MARK="))),
                           "FOO=bar baz", "PATH=/bin"]'
    helper cwd
    run_ok
    assert_eq /tmp "$OUT" "cwd"
    helper env
    run_ok
    echo "$OUT" | grep -qx 'FOO=bar baz' || fail "env lacks FOO: $OUT"
    echo "$OUT" | grep -qx 'PATH=/bin' || fail "env lacks PATH: $OUT"

    helper umask
    run_ok
    assert_eq 0022 "$OUT" "default umask"
    cfg '.process.user.umask = 63'
    run_ok
    assert_eq 0077 "$OUT" "process.user.umask 63"

    cfg '.process.user = {uid: 65534, gid: 65534, additionalGids: [10, 20]}'
    helper ids
    run_ok
    assert_match "$OUT" '^uid=65534 euid=65534 gid=65534 egid=65534 groups=' "ids"
    assert_eq "10 20" "$(echo "$OUT" | sed 's/.*groups=//' | tr ',' '\n' | grep -vx 65534 | sort -n |
        tr '\n' ' ' | sed 's/ $//')" "additionalGids"
}

test_capabilities_and_no_new_privs() {
    local caps='["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"]'
    cfg --argjson c "$caps" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}
                             | .process.noNewPrivileges = true'
    helper caps
    run_ok
    # CAP_KILL is 5, CAP_NET_BIND_SERVICE 10, CAP_AUDIT_WRITE 29.
    for f in CapBnd CapEff CapPrm; do
        assert_eq 0000000020000420 "$(echo "$OUT" | awk -v f="$f:" '$1 == f { print $2 }')" "$f"
    done
    assert_eq 0000000000000000 "$(echo "$OUT" | awk '$1 == "CapAmb:" { print $2 }')" "CapAmb"
    helper status NoNewPrivs
    run_ok
    assert_match "$OUT" '^NoNewPrivs:[[:space:]]+1$' "NoNewPrivs"
    helper syscall-errno mknod
    run_ok
    assert_eq EPERM "$OUT" "mknod without CAP_MKNOD"
}

test_rlimits() {
    cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1024}]'
    helper limits
    run_ok
    assert_match "$(echo "$OUT" | grep '^Max open files')" '^Max open files +512 +1024 ' "RLIMIT_NOFILE"
}

test_only_stdio_fds() {
    helper fds
    run_ok
    assert_eq "0 1 2" "$(echo "$OUT" | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')" \
        "fds open in the container (leaked: $OUT)"
}

test_loopback_up() {
    helper link lo
    run_ok
    assert_eq "lo up" "$OUT" "loopback in the container's net namespace"
}

test_bind_mounts_ro_and_rw() {
    mkdir -p "$T/data-ro" "$T/data-rw"
    echo from-host >"$T/data-ro/file"
    cfg --arg ro "$T/data-ro" --arg rw "$T/data-rw" \
        '.mounts += [{destination: "/data/ro", type: "bind", source: $ro, options: ["rbind", "ro"]},
                     {destination: "/data/rw", type: "bind", source: $rw, options: ["rbind", "rw"]}]'
    helper cat /data/ro/file
    run_ok
    assert_eq from-host "$OUT" "file read through the ro bind mount"
    helper write /data/ro/new x
    run_fg
    assert_contains "$ERR" EROFS "writing the ro bind mount"
    [ ! -e "$T/data-ro/new" ] || fail "write went through a ro bind mount"
    helper write /data/rw/new from-container
    run_ok
    assert_eq from-container "$(cat "$T/data-rw/new")" "file written through the rw bind mount"
}

# A mount destination that is a symlink out of the rootfs must be resolved
# inside the rootfs (or refused), never followed on the host.
test_mount_through_symlink_stays_in_rootfs() {
    mkdir -p "$T/data"
    echo marker >"$T/data/berth-marker"
    ln -s /etc "$BUNDLE/rootfs/evil"
    cfg --arg s "$T/data" '.mounts += [{destination: "/evil", type: "bind", source: $s,
                                        options: ["rbind", "ro"]}]'
    set_args /bin/sh -c 'cat /etc/berth-marker; cat /etc/passwd | head -n 1'
    local host_etc_before
    host_etc_before=$(stat -c %d:%i /etc)
    run_fg
    [ ! -e /etc/berth-marker ] || fail "the bind mount landed on the host's /etc"
    assert_eq "$host_etc_before" "$(stat -c %d:%i /etc)" "host /etc identity"
    if [ "$STATUS" -eq 0 ]; then
        # Accepted: it must have gone to the rootfs's own /etc.
        assert_eq marker "$(echo "$OUT" | head -n 1)" "mount resolved inside the rootfs"
    else
        echo "note: runtime refused the symlinked destination: $ERR" >&2
    fi
}

test_no_pivot() {
    helper pid
    run_fg --no-pivot
    assert_eq 0 "$STATUS" "run --no-pivot ($ERR)"
    assert_eq 1 "$OUT" "pid inside with --no-pivot"
    set_args /bin/ls /tmp
    mkdir -p "$BUNDLE/rootfs/tmp/inside-rootfs"
    run_fg --no-pivot
    assert_eq inside-rootfs "$OUT" "/tmp inside with --no-pivot is the rootfs's"
}

test_new_session_keyring() {
    helper session-keyring
    run_ok
    local own=$OUT
    assert_match "$own" '^[0-9]+$' "session keyring serial inside"
    run_ok --no-new-keyring
    local shared=$OUT
    assert_ne "$own" "$shared" "session keyring with and without --no-new-keyring"
    run_ok
    assert_ne "$own" "$OUT" "session keyrings of two containers"
}

test_own_session_without_terminal() {
    # Field 6 of stat is the session: 1 when pid 1 leads its own session, 0
    # when the leader is berth's caller, outside the pid namespace.
    set_args /bin/sh -c 'read -r _ _ _ _ _ sid _ </proc/self/stat; echo "$sid"'
    run_ok
    assert_eq 1 "$OUT" "session id of the container init"
}

run_tests "$@"
