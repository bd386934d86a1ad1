#!/usr/bin/env python3
"""Runs a command on a fresh pty, as a terminal user would, for test_terminal.sh.

usage: ptyrun.py [STEP...] -- CMD [ARG...]

The command gets the pty's peer as stdin/stdout/stderr and controlling
terminal (40 rows, 100 columns). The steps run in order against its output:
  expect:TEXT    wait (10 s at most) until the output so far contains TEXT
  send:TEXT      write TEXT (Python escapes: \\n, \\x03) to the terminal
  resize:RxC     set the window size (the kernel sends SIGWINCH)
  sleep:SECS     wait
  during         report the terminal's settings now (the `during` lines)
Prints the command's output on stdout; on stderr `same-settings: yes|no`
(the terminal's settings before == after), `during-icanon: 0|1`,
`during-echo: 0|1`. Exits with the command's exit status (128+N on signal N).
"""
import codecs
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time


def read_some(master, out, timeout):
    """Reads what arrives within timeout; False once nothing more will."""
    r, _, _ = select.select([master], [], [], timeout)
    if not r:
        return None
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: the last peer closed
        return False
    out.extend(data)
    return bool(data)


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    steps, cmd = argv[:split], argv[split + 1:]
    master, peer = os.openpty()
    set_size(peer, 40, 100)
    before = termios.tcgetattr(peer)
    child = subprocess.Popen(cmd, stdin=peer, stdout=peer, stderr=peer, start_new_session=True,
                             preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    out = bytearray()
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "expect":
            deadline = time.monotonic() + 10
            while arg.encode() not in out and time.monotonic() < deadline:
                if read_some(master, out, 0.1) is False:
                    break
            if arg.encode() not in out:
                sys.stderr.write("ptyrun: never saw %r\n" % arg)
        elif kind == "send":
            os.write(master, codecs.decode(arg, "unicode_escape").encode("latin-1"))
        elif kind == "resize":
            rows, cols = arg.split("x")
            set_size(peer, int(rows), int(cols))
        elif kind == "sleep":
            time.sleep(float(arg))
        elif kind == "during":
            t = termios.tcgetattr(peer)
            sys.stderr.write("during-icanon: %d\n" % bool(t[3] & termios.ICANON))
            sys.stderr.write("during-echo: %d\n" % bool(t[3] & termios.ECHO))
    deadline = time.monotonic() + 20
    while child.poll() is None and time.monotonic() < deadline:
        read_some(master, out, 0.05)
    if child.poll() is None:
        child.kill()
    while read_some(master, out, 0.05) and len(out) < 1 << 20:
        pass
    after = termios.tcgetattr(peer)
    sys.stderr.write("same-settings: %s\n" % ("yes" if before == after else "no"))
    sys.stdout.write(out.decode("utf-8", "replace"))
    sys.stdout.flush()
    rc = child.wait()
    sys.exit(128 - rc if rc < 0 else rc)


main()
