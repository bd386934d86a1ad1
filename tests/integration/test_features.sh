#!/bin/bash
# jq filters name their $variables in single quotes.
# shellcheck disable=SC2016
# `berth features`: every entry of the document is tried for real here, so
# the document can only claim what containers actually get.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

# The document, checked for shape once; the tests read fields with jq.
features() {
    assert_status 0 berth features
    jq -e . >/dev/null <<<"$OUT" || fail "features is not JSON: $OUT"
    FEATURES=$OUT
}

feature() { # JQ_FILTER
    jq -r "$1" <<<"$FEATURES"
}

test_features_document_shape() {
    features
    local key
    for key in ociVersionMin ociVersionMax hooks mountOptions linux.namespaces \
        linux.capabilities linux.cgroup linux.seccomp linux.apparmor linux.selinux \
        linux.intelRdt linux.mountExtensions.idmap annotations; do
        [ "$(feature ".$key != null")" = true ] || fail "features lacks $key"
    done
    expect_error "features: too many arguments" berth features extra
    expect_error "unknown flag or missing value: --bogus" berth features --bogus
}

# The versions at both ends run; one past the maximum is refused.
test_features_oci_versions() {
    features
    local v
    set_args /bin/true
    for v in "$(feature .ociVersionMin)" "$(feature .ociVersionMax)"; do
        cfg --arg v "$v" '.ociVersion = $v'
        run_ok
    done
    local max next
    max=$(feature .ociVersionMax)
    next="${max%%.*}.$(($(cut -d. -f2 <<<"$max") + 1)).0"
    cfg --arg v "$next" '.ociVersion = $v'
    expect_error "unsupported ociVersion \"$next\"" berth run -b "$BUNDLE" "$C1"
}

# Each listed hook type runs: the host-side ones write under $T, the ones
# that run in the container's mount namespace write into its /tmp.
test_features_hooks() {
    features
    local h n=0
    set_args /bin/true
    for h in $(feature '.hooks[]'); do
        cfg --arg h "$h" --arg f "$T/hook-$h" \
            '.hooks[$h] = [{path: "/bin/sh", args: ["sh", "-c", "echo ran > \($f) 2>/dev/null || echo ran > /tmp/hook-\($h)"]}]'
        n=$((n + 1))
    done
    run_ok
    for h in $(feature '.hooks[]'); do
        [ -e "$T/hook-$h" ] || [ -e "$BUNDLE/rootfs/tmp/hook-$h" ] || fail "hook $h did not run"
    done
    echo "hooks tried: $n"
}

# Every listed option mounts (a tmpfs, or a bind for the bind options), all
# in one container at /mnt/<option>, and the per-mount flags show in
# mountinfo where the kernel reports them.
test_features_mount_options() {
    features
    local opt want line
    mkdir -p "$T/src"
    declare -A shows=([ro]=ro [rro]=ro [nosuid]=nosuid [rnosuid]=nosuid [nodev]=nodev
        [rnodev]=nodev [noexec]=noexec [rnoexec]=noexec [noatime]=noatime [rnoatime]=noatime
        [nodiratime]=nodiratime [rnodiratime]=nodiratime [nosymfollow]=nosymfollow
        [rnosymfollow]=nosymfollow [shared]=shared: [rshared]=shared: [unbindable]=unbindable
        [runbindable]=unbindable [idmap]=idmapped [ridmap]=idmapped)
    cfg --arg s "$T/src" --argjson o "$(feature '.mountOptions')" '.mounts += [$o[] |
        if . == "bind" or . == "rbind"
        then {destination: "/mnt/\(.)", type: "bind", source: $s, options: [.]}
        elif . == "idmap" or . == "ridmap"
        then {destination: "/mnt/\(.)", type: "bind", source: $s, options: ["rbind", .],
              uidMappings: [{containerID: 0, hostID: 1000, size: 1}],
              gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}
        else {destination: "/mnt/\(.)", type: "tmpfs", source: "tmpfs", options: [.]} end]'
    set_args /bin/cat /proc/self/mountinfo
    run_fg
    [ "$STATUS" -eq 0 ] || fail "a container with every listed mount option: $STATUS: $ERR"
    for opt in $(feature '.mountOptions[]'); do
        line=$(awk -v m="/mnt/$opt" '$5 == m' <<<"$OUT")
        [ -n "$line" ] || fail "mount option $opt: nothing mounted at /mnt/$opt"
        want=${shows[$opt]:-}
        [ -z "$want" ] || [[ " $line " == *[\ ,]"$want"* ]] ||
            fail "mount option $opt: mountinfo does not show $want: $line"
    done
}

test_features_namespaces() {
    features
    local ns file
    set_args /bin/berth-helper ns
    cfg '.linux.namespaces = []'
    if [ "$(feature '.linux.namespaces | index("user") != null')" = true ]; then
        cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
           | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
        chown -R 100000:100000 "$BUNDLE/rootfs"
        chmod 755 "$T" # the mapped root must reach the bundle
    fi
    for ns in $(feature '.linux.namespaces[]'); do
        cfg --arg t "$ns" '.linux.namespaces += [{type: $t}]'
    done
    run_fg
    [ "$STATUS" -eq 0 ] || fail "a container with every listed namespace: $STATUS: $ERR"
    for ns in $(feature '.linux.namespaces[]'); do
        case $ns in mount) file=mnt ;; network) file=net ;; *) file=$ns ;; esac
        local inside host
        inside=$(awk -v n="$file" '$1 == n { print $2 }' <<<"$OUT")
        host=$(stat -L -c %i "/proc/self/ns/$file")
        [ -n "$inside" ] || fail "no $file line from the container: $OUT"
        assert_ne "$host" "$inside" "$ns namespace inode (container vs host)"
    done
}

# Every listed capability is granted when asked for, except those that the
# host's own bounding set (where this test runs) lacks.
test_features_capabilities() {
    features
    local bnd mask=0 cap names=() num
    bnd=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
    for cap in $(feature '.linux.capabilities[]'); do
        num=$(awk -v c="$cap" '$1 == "#define" && $2 == c { print $3 }' \
            /usr/include/linux/capability.h)
        [ -n "$num" ] || skip "cannot number $cap (no /usr/include/linux/capability.h?)"
        ((bnd & (1 << num))) || continue
        mask=$((mask | (1 << num)))
        names+=("$cap")
    done
    local json
    json=$(printf '%s\n' "${names[@]}" | jq -R . | jq -s -c .)
    cfg --argjson c "$json" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}'
    helper status CapEff
    run_ok
    assert_eq "$(printf 'CapEff:\t%016x' "$mask")" "$OUT" "CapEff with every listed capability"
}

# The cgroup claims: v2 is what berth manages (checked where the host is
# cgroup v2), and the unsupported ones are refused or absent.
test_features_cgroup() {
    features
    assert_eq false "$(feature .linux.cgroup.v1)" "cgroup v1"
    assert_eq false "$(feature .linux.cgroup.systemd)" "systemd cgroup driver"
    [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
        skip "cgroup v2 is only checked on a cgroup v2 host (tests/vm/run-in-vm.sh)"
    set_args /bin/sleep 100000
    assert_status 0 berth run -d -b "$BUNDLE" "$C1"
    local cg
    cg=$(jq -r .cgroup_path "$ROOT/$C1/state.json")
    [ -f "$cg/cgroup.procs" ] || fail "no cgroup v2 directory for the container: $cg"
    assert_status 0 berth delete --force "$C1"
}

seccomp_rule() { # ACTION [EXTRA RULE FIELDS AS JSON]
    cfg --arg a "$1" --argjson x "${2:-{\}}" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["chmod", "fchmodat", "fchmodat2"], action: $a} + $x]}'
}

# What chmod("/") does in a container for each listed action.
test_features_seccomp_actions() {
    features
    need_python_agent
    local act
    helper syscall-errno chmod
    for act in $(feature '.linux.seccomp.actions[]'); do
        case $act in
        SCMP_ACT_ALLOW | SCMP_ACT_LOG)
            seccomp_rule "$act"
            run_ok
            assert_eq OK "$OUT" "$act" ;;
        SCMP_ACT_ERRNO)
            seccomp_rule "$act" '{"errnoRet": 13}'
            run_ok
            assert_eq EACCES "$OUT" "$act" ;;
        SCMP_ACT_TRACE)
            seccomp_rule "$act"
            run_ok
            assert_eq ENOSYS "$OUT" "$act without a tracer" ;;
        SCMP_ACT_KILL | SCMP_ACT_KILL_THREAD | SCMP_ACT_KILL_PROCESS | SCMP_ACT_TRAP)
            seccomp_rule "$act"
            run_fg
            assert_eq 159 "$STATUS" "$act: exit status (SIGSYS)" ;;
        SCMP_ACT_NOTIFY)
            # The init's listener, then an exec'd process's: both to the agent.
            python3 "$LIB_DIR/seccomp_agent.py" "$T/agent.sock" 16 >"$T/agent.out" 2>&1 &
            defer "kill $!"
            wait_for_socket "$T/agent.sock"
            seccomp_rule "$act"
            cfg --arg p "$T/agent.sock" '.linux.seccomp.listenerPath = $p'
            run_ok
            assert_eq EBUSY "$OUT" "$act: the agent's answer to the init"
            set_args /bin/sleep 100000
            assert_status 0 berth run -d -b "$BUNDLE" "$C1"
            assert_status 0 berth exec "$C1" /bin/berth-helper syscall-errno chmod
            assert_eq EBUSY "$OUT" "$act: the agent's answer"
            assert_eq 3 "$(grep -c "agent: got state" "$T/agent.out")" \
                "listeners the agent got (run, run -d, exec): $(cat "$T/agent.out")"
            assert_status 0 berth delete --force "$C1"
            helper syscall-errno chmod ;;
        *) fail "no test for seccomp action $act" ;;
        esac
    done
}

need_python_agent() {
    command -v python3 >/dev/null || skip "python3 runs the seccomp notify agent"
}

wait_for_socket() { # PATH
    local i
    for ((i = 0; i < 100; i++)); do
        [ -S "$1" ] && return 0
        sleep 0.05
    done
    fail "$1 never appeared"
}

# chmod("/", 0755): each operator, with a value that makes it true, denies
# it; the same value under the opposite operator lets it through.
test_features_seccomp_operators() {
    features
    local op val
    helper syscall-errno chmod
    declare -A truthy=([SCMP_CMP_EQ]=493 [SCMP_CMP_NE]=1 [SCMP_CMP_LT]=1000 [SCMP_CMP_LE]=493
        [SCMP_CMP_GT]=1 [SCMP_CMP_GE]=493 [SCMP_CMP_MASKED_EQ]=493)
    for op in $(feature '.linux.seccomp.operators[]'); do
        val=${truthy[$op]:-}
        [ -n "$val" ] || fail "no test for seccomp operator $op"
        seccomp_rule SCMP_ACT_ERRNO "{\"errnoRet\": 13, \"args\": [{\"index\": 1, \"value\": $val,
            \"valueTwo\": $([ "$op" = SCMP_CMP_MASKED_EQ ] && echo 511 || echo 0), \"op\": \"$op\"}]}"
        # chmod's mode is argument 1; fchmodat's is argument 2: name chmod only.
        cfg '.linux.seccomp.syscalls[0].names = ["chmod"]'
        run_ok
        assert_eq EACCES "$OUT" "$op $val on chmod's mode 0755"
    done
}

# Each listed architecture, beside the native one, loads and filters.
test_features_seccomp_archs_and_flags() {
    features
    local arch flag
    helper syscall-errno chmod
    seccomp_rule SCMP_ACT_ERRNO '{"errnoRet": 13}'
    for arch in $(feature '.linux.seccomp.archs[]'); do
        cfg --arg a "$arch" '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", $a]'
        run_ok
        assert_eq EACCES "$OUT" "a profile with architecture $arch"
    done
    for flag in $(feature '.linux.seccomp.knownFlags[]'); do
        cfg --arg f "$flag" '.linux.seccomp.flags = [$f]'
        run_fg
        assert_eq 0 "$STATUS" "seccomp flag $flag ($ERR)"
        assert_eq EACCES "$OUT" "the filter with flag $flag"
    done
    for flag in $(feature '.linux.seccomp.supportedFlags[]'); do
        jq -e --arg f "$flag" '.linux.seccomp.knownFlags | index($f) != null' <<<"$FEATURES" \
            >/dev/null || fail "supported flag $flag is not a known one"
    done
}

# What berth does not support it says so, and refuses where asked.
test_features_unsupported_are_refused() {
    features
    assert_eq false "$(feature .linux.apparmor.enabled)" "apparmor"
    assert_eq false "$(feature .linux.selinux.enabled)" "selinux"
    assert_eq false "$(feature .linux.intelRdt.enabled)" "intelRdt"
}

# Listed as enabled, an idmapped bind shows the source's ids through its
# maps (source id = containerID, seen as hostID).
test_features_idmap_mounts() {
    features
    assert_eq true "$(feature .linux.mountExtensions.idmap.enabled)" "idmap mounts"
    mkdir -p "$T/idm"
    chown 1000:1000 "$T/idm"
    cfg --arg s "$T/idm" '.mounts += [{destination: "/mnt", type: "bind", source: $s,
        options: ["bind", "idmap"], uidMappings: [{containerID: 1000, hostID: 0, size: 1}],
        gidMappings: [{containerID: 1000, hostID: 0, size: 1}]}]'
    set_args /bin/sh -c 'stat -c %u:%g /mnt'
    run_ok
    assert_eq 0:0 "$OUT" "owner of the source through the idmapped mount"
}

test_features_libseccomp_version() {
    features
    local v
    v=$(dpkg-query -W -f '${Version}' libseccomp-dev 2>/dev/null) || skip "libseccomp-dev is not a dpkg package here"
    assert_eq "${v%%-*}" "$(feature '.annotations["io.github.seccomp.libseccomp.version"]')" \
        "libseccomp version berth is linked with"
}

run_tests "$@"
