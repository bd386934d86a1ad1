#!/usr/bin/env python3
"""A seccomp notify agent for test_features.sh (SCMP_ACT_NOTIFY).

usage: seccomp_agent.py SOCKET_PATH ERRNO

Listens on SOCKET_PATH and takes every connection from the runtime (one per
process under a notify filter: the init, each exec); each brings a listener
fd (SCM_RIGHTS) with the container state. Every notified syscall is
answered with -ERRNO. Prints "agent: got state" per connection and
"agent: syscall N" per notification; runs until it is killed, or for 60 s.
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


def listen(path):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".tmp")
    srv.listen(8)
    os.rename(path + ".tmp", path)
    return srv


def receive_listener(srv):
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
    conn.close()
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if not fds or b'"ociVersion"' not in msg:
        print("agent: no listener fd or no state in the message", flush=True)
        return None
    print("agent: got state", flush=True)
    return fds[0]


def answer(fd, err):
    """Answers one notification; False once the filter's users are gone."""
    buf = bytearray(80)
    try:
        fcntl.ioctl(fd, NOTIF_RECV, buf)
    except OSError:
        return False
    notif_id, _pid, _flags, nr = struct.unpack_from("=QIIi", buf)
    print(f"agent: syscall {nr}", flush=True)
    resp = bytearray(struct.pack("=QqiI", notif_id, 0, -err, 0))
    try:
        fcntl.ioctl(fd, NOTIF_SEND, resp)
    except OSError:
        pass
    return True


def main():
    srv, err = listen(sys.argv[1]), int(sys.argv[2])
    poller = select.poll()
    poller.register(srv, select.POLLIN)
    while True:
        events = poller.poll(60000)
        if not events:
            sys.exit("agent: timed out")
        for fd, ev in events:
            if fd == srv.fileno():
                lfd = receive_listener(srv)
                if lfd is not None:
                    poller.register(lfd, select.POLLIN)
            elif ev & select.POLLIN and answer(fd, err):
                continue
            else:
                # POLLHUP alone: the filter has no users left (a RECV would
                # block forever on older kernels).
                poller.unregister(fd)
                os.close(fd)


if __name__ == "__main__":
    main()
