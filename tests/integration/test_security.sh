#!/bin/bash
# Process isolation and security: seccomp (actions, errno, conditions, flags,
# notify, the BPF cache), sysctl, personality, scheduler, I/O priority, CPU
# affinity, time offsets, LSM fields, and known container escapes.
# shellcheck disable=SC2016
. "$(dirname "$0")/lib.sh"

LISTENER=${BERTH_SECCOMP_LISTENER:-$(dirname "$BERTH_BIN")/berth-seccomp-listener}

# A profile that allows everything but the rules given as JSON.
seccomp_allow_but() { # RULES_JSON [EXTRA jq on .linux.seccomp]
    cfg --argjson r "$1" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], syscalls: $r}'
    [ -n "${2:-}" ] && cfg ".linux.seccomp |= ($2)"
    return 0
}

test_seccomp_errno_ret_and_status() {
    helper syscall-errno chmod
    run_ok
    assert_eq OK "$OUT" "chmod without seccomp"
    seccomp_allow_but '[{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO",
                         "errnoRet": 38}]'
    helper syscall-errno chmod
    run_ok
    assert_eq ENOSYS "$OUT" "chmod with errnoRet 38"
    helper cat /proc/self/status
    run_ok
    assert_contains "$OUT" "Seccomp:	2" "filter mode"
    assert_contains "$OUT" "NoNewPrivs:	1" "no_new_privs"
}

test_seccomp_errno_default_is_eperm() {
    seccomp_allow_but '[{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO"}]'
    helper syscall-errno chmod
    run_ok
    assert_eq EPERM "$OUT" "errnoRet absent"
}

test_seccomp_rule_errno_ret_beats_default_errno_ret() {
    # defaultErrnoRet belongs to defaultAction only.
    cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 5,
        syscalls: [{names: ["chmod", "fchmodat"], action: "SCMP_ACT_ERRNO", errnoRet: 22}]}'
    helper syscall-errno chmod
    run_ok
    assert_eq EINVAL "$OUT" "rule errnoRet wins over defaultErrnoRet"
}

test_seccomp_argument_conditions() {
    # unshare(CLONE_NEWUTS) matches MASKED_EQ; other flags pass through.
    seccomp_allow_but '[{"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5,
        "args": [{"index": 0, "value": 67108864, "valueTwo": 67108864, "op": "SCMP_CMP_MASKED_EQ"}]}]'
    helper syscall-errno unshare
    run_ok
    assert_eq EIO "$OUT" "unshare(CLONE_NEWUTS) under MASKED_EQ"
}

test_seccomp_same_index_conditions_are_ored() {
    # Two conditions on arg 1 (mode): each is a rule of its own, as in runc.
    seccomp_allow_but '[{"names": ["fchmodat", "chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 2,
        "args": [{"index": 1, "value": 493, "op": "SCMP_CMP_EQ"},
                 {"index": 1, "value": 448, "op": "SCMP_CMP_EQ"}]},
        {"names": ["fchmodat", "chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 2,
        "args": [{"index": 2, "value": 493, "op": "SCMP_CMP_EQ"},
                 {"index": 2, "value": 448, "op": "SCMP_CMP_EQ"}]}]'
    helper syscall-errno chmod # mode 0755 = 493
    run_ok
    assert_eq ENOENT "$OUT" "chmod 0755 matches the first condition"
}

test_seccomp_kill_process() {
    seccomp_allow_but '[{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_KILL_PROCESS"}]'
    helper syscall-errno chmod
    run_fg
    assert_eq 159 "$STATUS" "killed by SIGSYS (128+31)"
}

test_seccomp_without_no_new_privs() {
    # Loaded before the capabilities are dropped (needs CAP_SYS_ADMIN then).
    cfg '.process.noNewPrivileges = false'
    seccomp_allow_but '[{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]'
    helper cat /proc/self/status
    run_ok
    assert_contains "$OUT" "Seccomp:	2" "filter mode"
    assert_contains "$OUT" "NoNewPrivs:	0" "no_new_privs stays off"
}

test_seccomp_flags_log() {
    seccomp_allow_but '[{"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_LOG"}]' \
        '.flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
    helper syscall-errno chmod
    run_ok
    assert_eq OK "$OUT" "SCMP_ACT_LOG allows"
}

test_seccomp_notify_listener_gets_the_fd() {
    [ -x "$LISTENER" ] || skip "no berth-seccomp-listener next to $BERTH_BIN"
    local sock=$T/agent.sock log=$T/agent.log
    "$LISTENER" "$sock" "$log" 95 &
    local agent=$!
    defer kill "$agent"
    for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
    seccomp_allow_but '[{"names": ["chmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_NOTIFY"}]' \
        ".listenerPath = \"$sock\" | .listenerMetadata = \"meta-42\""
    helper syscall-errno chmod
    run_ok
    assert_eq ENOTSUP "$OUT" "the agent's answer (95)"
    wait_file_contains "$log" "syscall"
    local state
    state=$(head -n 1 "$log")
    assert_eq '["seccompFd"]' "$(jq -c .fds <<<"$state")" "fds"
    assert_eq meta-42 "$(jq -r .metadata <<<"$state")" "metadata"
    assert_eq "$LAST_ID" "$(jq -r .state.id <<<"$state")" "state.id"
    wait "$agent" 2>/dev/null
}

test_seccomp_cache_hit() {
    local dir=/run/berth/.seccomp-cache before after
    # A unique (unknown, so skipped) syscall name makes a key of its own.
    seccomp_allow_but "[{\"names\": [\"chmod\", \"nosuch_$$_$RANDOM\"], \"action\": \"SCMP_ACT_ERRNO\"}]"
    before=$(ls "$dir" 2>/dev/null | wc -l)
    helper exit 0
    run_ok
    after=$(ls "$dir" | wc -l)
    assert_eq $((before + 1)) "$after" "one new cache entry"
    local f
    f=$(ls -t "$dir" | head -n 1)
    defer rm -f "$dir/$f"
    local m1 m2
    m1=$(stat -c %Y.%i "$dir/$f")
    run_ok
    m2=$(stat -c %Y.%i "$dir/$f")
    assert_eq "$m1" "$m2" "entry reused, not rewritten"
    assert_eq "$after" "$(ls "$dir" | wc -l)" "no new entry on the second run"
    assert_eq 0 $(($(stat -c %s "$dir/$f") % 8)) "sock_filter array"
}

test_seccomp_bad_input() {
    helper exit 0
    seccomp_allow_but '[{"names": ["chmod"], "action": "SCMP_ACT_BOGUS"}]'
    expect_error 'linux.seccomp.syscalls[0].action: unknown action "SCMP_ACT_BOGUS"' \
        berth run -b "$BUNDLE" "$(new_id)"
    seccomp_allow_but '[{"names": ["chmod"], "action": "SCMP_ACT_ERRNO",
                         "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_SOMETIMES"}]}]'
    expect_error 'unknown operator "SCMP_CMP_SOMETIMES"' berth run -b "$BUNDLE" "$(new_id)"
    seccomp_allow_but '[{"names": ["chmod"], "action": "SCMP_ACT_ERRNO",
                         "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]'
    expect_error 'linux.seccomp.syscalls[0].args[0].index' berth run -b "$BUNDLE" "$(new_id)"
    cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_VAX"]}'
    expect_error 'unknown architecture "SCMP_ARCH_VAX"' berth run -b "$BUNDLE" "$(new_id)"
    cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_NOPE"]}'
    expect_error 'unknown flag "SECCOMP_FILTER_FLAG_NOPE"' berth run -b "$BUNDLE" "$(new_id)"
    cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
         syscalls: [{names: ["chmod"], action: "SCMP_ACT_NOTIFY"}]}'
    expect_error 'linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY' \
        berth run -b "$BUNDLE" "$(new_id)"
    cfg '.linux.seccomp = {syscalls: []}'
    expect_error 'linux.seccomp.defaultAction' berth run -b "$BUNDLE" "$(new_id)"
    # An unknown syscall name is skipped, not an error.
    seccomp_allow_but '[{"names": ["no_such_syscall"], "action": "SCMP_ACT_ERRNO"}]'
    run_ok
}

test_capabilities_inheritable_stays_empty() {
    # CVE-2022-29162: nothing inheritable unless the config says so.
    cfg '.process.capabilities = {bounding: ["CAP_KILL", "CAP_CHOWN"], effective: ["CAP_KILL"],
         permitted: ["CAP_KILL"]}'
    helper cat /proc/self/status
    run_ok
    assert_contains "$OUT" "CapInh:	0000000000000000" "inheritable"
    assert_contains "$OUT" "CapBnd:	0000000000000021" "bounding = CAP_CHOWN|CAP_KILL"
    assert_contains "$OUT" "CapAmb:	0000000000000000" "ambient"
    # A non-root user keeps exactly the ambient set across execve.
    cfg '.process.user = {uid: 1000, gid: 1000} | .process.capabilities += {
         inheritable: ["CAP_KILL"], ambient: ["CAP_KILL"]}'
    run_ok
    assert_contains "$OUT" "CapInh:	0000000000000020" "inheritable = CAP_KILL"
    assert_contains "$OUT" "CapPrm:	0000000000000020" "permitted = CAP_KILL"
    assert_contains "$OUT" "CapEff:	0000000000000020" "effective = CAP_KILL"
    assert_contains "$OUT" "CapAmb:	0000000000000020" "ambient = CAP_KILL"
}

test_capabilities_unknown_name_warns() {
    cfg '.process.capabilities.bounding += ["CAP_NOT_A_CAP"]'
    helper exit 0
    run_ok
    assert_contains "$ERR" 'unknown capability "CAP_NOT_A_CAP"' "warning"
}

test_rlimits_in_proc_limits() {
    cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 321, hard: 654},
                             {type: "RLIMIT_NPROC", soft: 77, hard: 88}]'
    helper limits
    run_ok
    assert_match "$OUT" "Max open files +321 +654" "NOFILE"
    assert_match "$OUT" "Max processes +77 +88" "NPROC"
}

test_sysctl_namespaced_keys() {
    cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1234",
                          "kernel.domainname": "sysctl.example"}'
    set_args /bin/sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/kernel/domainname'
    run_ok
    assert_eq "1
1234
sysctl.example" "$OUT" "sysctl values in the container"
    assert_ne 1234 "$(cat /proc/sys/kernel/shmmni)" "host shmmni untouched"
}

test_sysctl_refused_keys() {
    helper exit 0
    cfg '.linux.sysctl = {"kernel.printk": "4"}'
    expect_error 'linux.sysctl: "kernel.printk" is not namespaced' berth run -b "$BUNDLE" "$(new_id)"
    cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces -= [{type: "network"}]'
    expect_error '"net.ipv4.ip_forward" needs the container'"'"'s own network namespace' \
        berth run -b "$BUNDLE" "$(new_id)"
}

test_personality_linux32() {
    cfg '.linux.personality = {domain: "LINUX32"}'
    set_args /bin/uname -m
    run_ok
    assert_match "$OUT" "^i[3-6]86$" "uname -m under LINUX32"
    cfg '.linux.personality = {domain: "BSD"}'
    expect_error 'linux.personality.domain: unknown domain "BSD"' berth run -b "$BUNDLE" "$(new_id)"
}

test_scheduler_and_io_priority() {
    cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}
         | .process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
    set_args /bin/sh -c 'cut -d" " -f19,41 /proc/self/stat; ionice'
    run_ok
    assert_contains "$OUT" "7 3" "nice 7, policy 3 (SCHED_BATCH)"
    assert_contains "$OUT" "idle" "I/O class"
}

test_exec_cpu_affinity() {
    cfg '.process.execCPUAffinity = {initial: "0-1", final: "0"}'
    helper status Cpus_allowed_list
    run_ok
    assert_contains "$OUT" "Cpus_allowed_list:	0" "final affinity"
    cfg '.process.execCPUAffinity = {final: "x-y"}'
    expect_error 'process.execCPUAffinity.final: invalid CPU list' berth run -b "$BUNDLE" "$(new_id)"
}

test_time_offsets() {
    cfg '.linux.namespaces += [{type: "time"}]
         | .linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}, monotonic: {secs: 86400}}'
    set_args /bin/sh -c 'cut -d. -f1 /proc/uptime; cat /proc/self/timens_offsets'
    run_ok
    local up
    up=$(head -n 1 <<<"$OUT")
    [ "$up" -ge 864000 ] || fail "uptime $up: boottime offset not applied"
    assert_match "$OUT" "monotonic +86400 +0" "offsets as the kernel shows them"
}

test_lsm_fields_refused_without_lsm() {
    [ -e /sys/kernel/security/apparmor ] && skip "AppArmor is enabled here"
    helper exit 0
    cfg '.process.apparmorProfile = "docker-default"'
    expect_error 'AppArmor is not enabled on this host' berth run -b "$BUNDLE" "$(new_id)"
    cfg 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
    expect_error 'SELinux is not enabled on this host' berth run -b "$BUNDLE" "$(new_id)"
}

# --- escapes ---------------------------------------------------------------

test_no_host_fds_and_cwd_inside() {
    # CVE-2024-21626: host fds (here fd 7, open in berth's caller) never
    # reach the container, and the cwd is inside the container's root.
    cfg '.process.cwd = "/tmp"'
    helper fds
    local id
    id=$(new_id)
    run_cmd berth run -b "$BUNDLE" --preserve-fds 1 "$id" 3</dev/null 7<"$BUNDLE/config.json"
    [ "$STATUS" -eq 0 ] || fail "run: $ERR"
    assert_eq "0 1 2 3" "$(cut -d' ' -f1 <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')" "fds"
    helper cwd
    run_ok
    assert_eq /tmp "$OUT" "cwd"
}

# The end of a reopen-write attempt made in the container: the runtime has
# exec'd away (tells the helper to go on), then the helper's answer must
# be a refusal. usage: reopen_refused ROOTFS_TMP WHAT
reopen_refused() {
    touch "$1/started"
    for _ in $(seq 200); do [ -e "$1/done" ] && break; sleep 0.05; done
    local res
    res=$(cat "$1/result" 2>/dev/null)
    assert_ne "" "$res" "the container found $2"
    assert_ne OK "$res" "$2: exe reopened for writing"
}

test_init_exe_not_reopenable_from_shared_pid_ns() {
    # CVE-2019-5736: container B joins A's pid namespace and sits in
    # `created` (its init is still the berth binary). A takes an O_PATH
    # handle on /proc/<B's init>/exe, waits until B has started (its init
    # exec'd away from berth), then reopens the handle for writing. A copy
    # of berth is used, so that a broken guard only damages the copy.
    cp "$BERTH_BIN" "$T/berth-copy"
    BERTH_BIN=$T/berth-copy
    set_args /bin/sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done
        for p in /proc/[0-9]*; do
            [ "$(cat $p/comm)" = berth-copy ] || continue
            /bin/berth-helper reopen-write $p/exe /tmp/started > /tmp/result &
        done; touch /tmp/opened; wait; touch /tmp/done; sleep 30'
    local a b apid
    a=$(new_id)a
    berth run -d -b "$BUNDLE" "$a" >/dev/null 2>&1 </dev/null || fail "run -d A"
    apid=$(state_field "$a" .pid)
    cp -a "$BUNDLE" "$T/bundle-b"
    jq --arg p "/proc/$apid/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)
        | .process.args = ["/bin/true"]' "$BUNDLE/config.json" >"$T/bundle-b/config.json"
    b=$(new_id)b
    berth create -b "$T/bundle-b" "$b" >"$T/b.log" 2>&1 </dev/null || fail "create B: $(cat "$T/b.log")"
    local r=$BUNDLE/rootfs/tmp
    touch "$r/go"
    for _ in $(seq 200); do [ -e "$r/opened" ] && break; sleep 0.05; done
    sleep 0.2
    berth start "$b" || fail "start B"
    for _ in $(seq 100); do [ "$(state_field "$b" .status)" = stopped ] && break; sleep 0.05; done
    reopen_refused "$r" "B's init"
    berth delete -f "$b" >/dev/null 2>&1
    berth delete -f "$a" >/dev/null 2>&1
}

test_exec_exe_not_reopenable_from_the_container() {
    # CVE-2019-5736 through `berth exec`: the exec'd process is in the
    # container's pid namespace from its clone on, as the berth binary,
    # until its execve. strace holds it there (every execve waits 1.5 s on
    # entry) while a container process takes an O_PATH handle on its
    # /proc/<pid>/exe; once berth is gone the handle is reopened for
    # writing. A copy of berth is used, so that a broken guard only damages
    # the copy.
    command -v strace >/dev/null || skip "strace is not installed"
    cp "$BERTH_BIN" "$T/berth-copy"
    BERTH_BIN=$T/berth-copy
    set_args /bin/sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done
        i=0; while [ $i -lt 100 ] && [ ! -e /tmp/result ]; do
            for p in /proc/[0-9]*; do
                [ "$(cat $p/comm 2>/dev/null)" = berth-copy ] || continue
                /bin/berth-helper reopen-write $p/exe /tmp/started > /tmp/result
                break
            done; i=$((i + 1)); sleep 0.02
        done; touch /tmp/done; sleep 30'
    local a
    a=$(new_id)
    berth run -d -b "$BUNDLE" "$a" >/dev/null 2>&1 </dev/null || fail "run -d"
    local r=$BUNDLE/rootfs/tmp
    touch "$r/go"
    timeout 30 strace -f -qq -o /dev/null -e trace=execve -e inject=execve:delay_enter=1500000 \
        "$BERTH_BIN" --root "$ROOT" exec "$a" /bin/true || fail "exec under strace"
    reopen_refused "$r" "berth exec's process"
    berth delete -f "$a" >/dev/null 2>&1
}

run_tests "$@"
