#!/usr/bin/env python3
"""A seccomp notify agent for test_features.sh (SCMP_ACT_NOTIFY).

usage: seccomp_agent.py SOCKET_PATH ERRNO

Listens on SOCKET_PATH, takes one connection from the runtime, receives the
listener fd (SCM_RIGHTS) with the container state, answers every notified
syscall with -ERRNO until the container side closes the listener, and
prints "agent: got state" and one "agent: syscall N" line per notification.
"""
import array
import fcntl
import os
import select
import socket
import struct
import sys

NOTIF_RECV = 0xC0502100  # _IOWR('!', 0, struct seccomp_notif), 80 bytes
NOTIF_SEND = 0xC0182101  # _IOWR('!', 1, struct seccomp_notif_resp), 24 bytes


def receive_listener(path):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".tmp")
    srv.listen(1)
    os.rename(path + ".tmp", path)
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if not fds or b'"ociVersion"' not in msg:
        sys.exit("agent: no listener fd or no state in the message")
    print("agent: got state", flush=True)
    return fds[0]


def serve(fd, err):
    while True:
        r, _, _ = select.select([fd], [], [], 20)
        if not r:
            sys.exit("agent: timed out")
        buf = bytearray(80)
        try:
            fcntl.ioctl(fd, NOTIF_RECV, buf)
        except OSError:
            return  # the filter's last user is gone
        notif_id, _pid, _flags, nr = struct.unpack_from("=QIIi", buf)
        print(f"agent: syscall {nr}", flush=True)
        resp = bytearray(struct.pack("=QqiI", notif_id, 0, -err, 0))
        try:
            fcntl.ioctl(fd, NOTIF_SEND, resp)
        except OSError:
            pass


def main():
    serve(receive_listener(sys.argv[1]), int(sys.argv[2]))


if __name__ == "__main__":
    main()
