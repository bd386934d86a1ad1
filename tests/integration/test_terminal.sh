#!/bin/bash
# jq filters name their $variables in single quotes.
# shellcheck disable=SC2016
# process.terminal: the pty made inside the container and handed to a
# --console-socket (received by tests/helper/recvtty.c, as runc's recvtty),
# the foreground proxy (raw mode, window size, settings restored), and the
# foreground `run`'s signal forwarding, subreaping, --preserve-fds and
# LISTEN_FDS.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh"

RECVTTY=${RECVTTY:-$(dirname "$BERTH_BIN")/recvtty}
PTYRUN=$LIB_DIR/ptyrun.py

need_recvtty() {
    [ -x "$RECVTTY" ] || skip "no recvtty at $RECVTTY (cmake --build build --target recvtty)"
}

need_python() {
    command -v python3 >/dev/null || skip "python3 is needed to drive a pty"
}

# Starts recvtty on $T/console.sock in the background (it sends TEXT, then
# copies the terminal to $T/tty.out) and waits until it listens.
start_recvtty() { # TEXT
    need_recvtty
    "$RECVTTY" --timeout 20 --send "$1" "$T/console.sock" >"$T/tty.out" 2>"$T/tty.err" &
    RECV_PID=$!
    defer "kill $RECV_PID"
    local i
    for ((i = 0; i < 100; i++)); do
        [ -S "$T/console.sock" ] && return 0
        sleep 0.02
    done
    fail "recvtty never listened: $(cat "$T/tty.err")"
}

# Waits for recvtty to see the terminal close (in this shell: recvtty is
# its child); leaves the terminal's output, without CRs, in $TTY_OUT.
recvtty_wait() {
    local rc=0
    wait "$RECV_PID" || rc=$?
    [ "$rc" -eq 0 ] || fail "recvtty exited $rc: $(cat "$T/tty.err")"
    TTY_OUT=$(tr -d '\r' <"$T/tty.out")
}

terminal_shell() {
    cfg '.process.terminal = true | .process.args = ["/bin/sh"]'
}

test_console_socket_create_start() {
    terminal_shell
    cfg '.process.consoleSize = {height: 33, width: 101}'
    start_recvtty $'echo hi; tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; exit 7\n'
    assert_status 0 berth create -b "$BUNDLE" --console-socket "$T/console.sock" "$C1"
    assert_eq "" "$OUT" "create's stdout"
    assert_status 0 berth start "$C1"
    recvtty_wait
    local out=$TTY_OUT
    assert_contains "$(cat "$T/tty.err")" "recvtty: got /dev/ptmx" "the SCM_RIGHTS message's name"
    grep -qx hi <<<"$out" || fail "no 'hi' line from the shell on the pty: $out"
    grep -qx /dev/pts/0 <<<"$out" || fail "tty inside is not /dev/pts/0 (its own devpts): $out"
    grep -qx "33 101" <<<"$out" || fail "process.consoleSize not applied: $out"
    grep -qx all-tty <<<"$out" || fail "stdin/stdout/stderr are not all terminals: $out"
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
}

test_console_socket_run_detached() {
    terminal_shell
    start_recvtty $'ls -l /dev/console; grep -c " /dev/console " /proc/self/mountinfo; exit\n'
    assert_status 0 berth run -d -b "$BUNDLE" --console-socket "$T/console.sock" "$C1"
    recvtty_wait
    local out=$TTY_OUT
    assert_match "$out" 'crw--w---- +1 root +[^ ]+ +136, +0 .*/dev/console' "/dev/console is the pty (136, 0)"
    grep -qx 1 <<<"$out" || fail "/dev/console is not a mount point: $out"
    wait_status "$C1" stopped
    assert_status 0 berth delete "$C1"
}

test_console_socket_errors_leave_nothing() {
    terminal_shell
    touch "$T/not-a-socket"
    expect_error "console socket \`$T/not-a-socket\`: Socket operation on non-socket" \
        berth create -b "$BUNDLE" --console-socket "$T/not-a-socket" "$C1"
    expect_error "console socket \`$T/missing\`: No such file or directory" \
        berth run -d -b "$BUNDLE" --console-socket "$T/missing" "$C1"
    expect_error "cannot allocate tty if berth will detach without setting console socket" \
        berth create -b "$BUNDLE" "$C1"
    cfg '.process.terminal = false'
    expect_error "cannot use console socket if berth will not detach or allocate tty" \
        berth create -b "$BUNDLE" --console-socket "$T/not-a-socket" "$C1"
    [ ! -e "$ROOT/$C1" ] || fail "a failed create left $ROOT/$C1"
    assert_nothing_left
}

# stdin is not a terminal (/dev/null): the output still comes through the pty.
test_run_foreground_terminal_without_host_tty() {
    set_args /bin/sh -c 'tty; [ -t 1 ] && echo isatty; exit 4'
    cfg '.process.terminal = true'
    run_fg
    assert_eq 4 "$STATUS" "exit status through the terminal proxy (stderr: $ERR)"
    assert_eq $'/dev/pts/0\nisatty' "$(tr -d '\r' <<<"$OUT")" "output through the pty"
}

# On a terminal: berth's terminal goes raw while the container runs (a ^C
# byte reaches the container's own line discipline), its window size is
# copied, and its settings come back as they were.
test_run_foreground_raw_mode_and_restore() {
    need_python
    cfg '.process.terminal = true'
    set_args /bin/sh -c 'stty size; stty raw -echo; echo ready; head -c 1 | od -An -tx1'
    local out rc=0
    out=$(python3 "$PTYRUN" expect:ready during 'send:\x03' -- \
        "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" "$C1" 2>"$T/pty.err") || rc=$?
    out=$(tr -d '\r' <<<"$out")
    assert_eq 0 "$rc" "berth run on a pty ($out; $(cat "$T/pty.err"))"
    grep -qx "40 100" <<<"$out" || fail "the host's window size was not copied: $out"
    grep -qx " 03" <<<"$out" || fail "^C did not reach the container as a byte: $out"
    grep -qx "during-icanon: 0" "$T/pty.err" || fail "not raw while running: $(cat "$T/pty.err")"
    grep -qx "during-echo: 0" "$T/pty.err" || fail "echo on while running: $(cat "$T/pty.err")"
    grep -qx "same-settings: yes" "$T/pty.err" || fail "terminal settings not restored"
}

# SIGWINCH to berth: the new size reaches the container's terminal (the
# kernel then signals its foreground process group).
test_run_foreground_terminal_resize() {
    need_python
    cfg '.process.terminal = true'
    set_args /bin/sh -c 'trap "stty size; exit 0" WINCH; echo ready; while :; do sleep 0.05; done'
    local out rc=0
    out=$(python3 "$PTYRUN" expect:ready resize:50x132 expect:132 -- \
        "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" "$C1" 2>"$T/pty.err") || rc=$?
    out=$(tr -d '\r' <<<"$out")
    assert_eq 0 "$rc" "exit status ($out; $(cat "$T/pty.err"))"
    grep -qx "50 132" <<<"$out" || fail "the resize did not reach the container: $out"
}

# Every catchable signal sent to a foreground berth reaches the container.
test_run_foreground_forwards_signals() {
    helper trap USR1 USR2 WINCH HUP INT QUIT ALRM CONT
    # Not the berth() function: $! must be berth itself.
    "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" "$C1" >"$T/out" 2>&1 </dev/null &
    local runner=$! sig rc=0
    wait_file_contains "$T/out" ready
    for sig in USR1 USR2 WINCH HUP INT QUIT ALRM CONT; do
        kill -s "$sig" "$runner"
        wait_file_contains "$T/out" "$sig"
    done
    kill -s TERM "$runner"
    wait "$runner" || rc=$?
    assert_eq 0 "$rc" "berth's exit status after the trap exited 0"
    assert_eq $'ready\nUSR1\nUSR2\nWINCH\nHUP\nINT\nQUIT\nALRM\nCONT\nTERM' "$(cat "$T/out")" \
        "signals seen by the container, in order"
}

# Outside a pid namespace a forwarded signal kills: 128+N.
test_run_foreground_signal_exit_code() {
    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    helper sleep 30
    "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" "$C1" >"$T/out" 2>&1 </dev/null &
    local runner=$! rc=0
    wait_status "$C1" running
    kill -s USR2 "$runner"
    wait "$runner" || rc=$?
    assert_eq $((128 + 12)) "$rc" "exit status of a container killed by a forwarded SIGUSR2"
}

# Without a pid namespace, an orphan of the container is re-parented to the
# foreground berth (a child subreaper), which reaps it: no zombie stays.
test_run_foreground_subreaper_reaps_orphans() {
    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    set_args /bin/sh -c 'sh -c "sleep 0.6 & echo \$! > /tmp/orphan"; sleep 2'
    "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" "$C1" >"$T/out" 2>&1 </dev/null &
    local runner=$! orphan="" ppid rc=0 i
    for ((i = 0; i < 100; i++)); do
        orphan=$(cat "$BUNDLE/rootfs/tmp/orphan" 2>/dev/null)
        [ -n "$orphan" ] && break
        sleep 0.02
    done
    [ -n "$orphan" ] || fail "the container never wrote the orphan's pid"
    sleep 0.1
    ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$orphan/status")
    assert_eq "$runner" "$ppid" "parent of the orphaned sleep"
    sleep 0.8
    [ ! -e "/proc/$orphan" ] || fail "orphan $orphan still exists ($(awk '/^State:/' "/proc/$orphan/status")): not reaped"
    wait "$runner" || rc=$?
    assert_eq 0 "$rc" "exit status"
}

# --preserve-fds N and LISTEN_FDS (when LISTEN_PID is berth's own pid), laid
# out as runc does: the activation fds first, LISTEN_PID the process's pid.
test_preserve_fds_and_listen_fds() {
    set_args /bin/sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4; cat <&5
        { cat <&6; } 2>/dev/null || echo no-fd-6'
    echo one >"$T/f1"
    echo two >"$T/f2"
    echo three >"$T/f3"
    local out
    out=$(LISTEN_FDS=2 bash -c 'export LISTEN_PID=$$; exec "$@"' sh \
        "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" --preserve-fds 1 "$C1" \
        3<"$T/f1" 4<"$T/f2" 5<"$T/f3" 6<"$T/f3" </dev/null 2>&1) || fail "run failed: $out"
    assert_eq $'2 1\none\ntwo\nthree\nno-fd-6' "$out" \
        "LISTEN_FDS/LISTEN_PID, fds 3-5 passed, fd 6 not"
    # LISTEN_PID naming another process: the fds were not meant for berth.
    out=$(LISTEN_FDS=2 LISTEN_PID=1 "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" "$C2" \
        3<"$T/f1" 4<"$T/f2" </dev/null 2>&1)
    assert_eq " " "$(head -n 1 <<<"$out")" "LISTEN_* set although LISTEN_PID was not berth"
    expect_error "--preserve-fds 1: fd 3: Bad file descriptor" bash -c 'exec 3<&-; exec "$@"' sh \
        "$BERTH_BIN" --root "$ROOT" run -b "$BUNDLE" --preserve-fds 1 "$C1"
}

# --- exec --tty ----------------------------------------------------------------

# A container without a terminal of its own; exec makes one for its process.
exec_target() {
    set_args /bin/sleep 100000
    assert_status 0 berth run -d -b "$BUNDLE" "$C1"
}

# The master goes to the console socket; the init's /dev/console is left
# alone (no mount stacked on it per exec).
test_exec_tty_console_socket() {
    exec_target
    start_recvtty $'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; grep -c " /dev/console " /proc/self/mountinfo; exit\n'
    assert_status 0 berth exec -t -d --console-socket "$T/console.sock" "$C1" /bin/sh
    assert_eq "" "$OUT" "exec -d's stdout"
    recvtty_wait
    local out=$TTY_OUT
    assert_contains "$(cat "$T/tty.err")" "recvtty: got /dev/ptmx" "the SCM_RIGHTS message's name"
    grep -qx /dev/pts/0 <<<"$out" || fail "exec's tty is not /dev/pts/0 of the container: $out"
    grep -qx all-tty <<<"$out" || fail "stdin/stdout/stderr are not all terminals: $out"
    grep -qx 0 <<<"$out" || fail "exec mounted something on /dev/console: $out"
    assert_status 0 berth delete --force "$C1"
}

test_exec_tty_foreground() {
    need_python
    exec_target
    local out rc=0
    out=$(python3 "$PTYRUN" expect:ready during 'send:\x03' -- \
        "$BERTH_BIN" --root "$ROOT" exec -t "$C1" /bin/sh -c \
        'stty size; stty raw -echo; echo ready; head -c 1 | od -An -tx1; exit 6' \
        2>"$T/pty.err") || rc=$?
    out=$(tr -d '\r' <<<"$out")
    assert_eq 6 "$rc" "exec -t's exit status ($out; $(cat "$T/pty.err"))"
    grep -qx "40 100" <<<"$out" || fail "the host's window size was not copied: $out"
    grep -qx " 03" <<<"$out" || fail "^C did not reach the process as a byte: $out"
    grep -qx "during-icanon: 0" "$T/pty.err" || fail "not raw while running: $(cat "$T/pty.err")"
    grep -qx "same-settings: yes" "$T/pty.err" || fail "terminal settings not restored"
    # Without a terminal on berth's side the output still comes through the pty.
    assert_status 4 berth exec -t "$C1" /bin/sh -c 'tty; exit 4'
    assert_eq /dev/pts/0 "$(tr -d '\r' <<<"$OUT")" "exec -t output with stdin /dev/null"
    assert_status 0 berth delete --force "$C1"
}

run_tests "$@"
