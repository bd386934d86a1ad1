/* The parent side of process.terminal: handing the pty master to a console
 * socket (as conmon and containerd-shim expect from runc), and proxying it
 * to berth's own stdio in the foreground (`run`, `exec` without -d). */
#ifndef BERTH_TERMINAL_H
#define BERTH_TERMINAL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "error.h"

/* Connects to the unix socket at path. A path that is missing or is not a
 * socket gives an error naming it. Returns the connected fd. */
int berth_terminal_connect(const char *path, berth_error **err);

/* Sends fd over a connected console socket as runc's utils.SendFd does: one
 * SCM_RIGHTS control message, the payload being the pty's name. */
int berth_terminal_send_fd(int sock, int fd, berth_error **err);

/* runc's rules, shared by create/run and exec: a detached terminal needs a
 * socket to hand it to, and a socket is only for a detached terminal. */
int berth_terminal_check_options(bool detached, bool terminal, const char *console_socket,
                                 berth_error **err);

/* Sends *master over the connected console socket `sock` (opened from
 * `path`), then closes *master and sets it to -1: the receiver owns the pty. */
int berth_terminal_hand_off(int sock, int *master, const char *path, berth_error **err);

/* berth_terminal_connect + berth_terminal_send_fd + close. The caller still
 * owns (and closes) master. */
int berth_terminal_send_to_socket(const char *path, int master, berth_error **err);

/* One direction of the copy: bytes read from `from` wait in buf until `to`
 * takes them. */
struct berth_pump {
    int from, to;
    char buf[8192];
    size_t off, len;
    bool eof;    /* `from` ended (or failed): no more reads */
    bool broken; /* `to` failed: further input is read and dropped */
};

/* The foreground proxy: berth's stdin -> master, master -> berth's stdout. */
struct berth_terminal_proxy {
    int master;
    int host;              /* berth's terminal (stdin, stdout or stderr), -1 if none */
    bool raw;              /* host's settings were changed and must be restored */
    struct termios saved;  /* host's settings before raw mode */
    struct berth_pump in;  /* 0 -> master */
    struct berth_pump out; /* master -> 1 */
};

/* Puts berth's stdin in raw mode when it is a terminal and copies its window
 * size to master. Undo with berth_terminal_proxy_end(), on every path. */
int berth_terminal_proxy_begin(struct berth_terminal_proxy *p, int master, berth_error **err);
/* Restores the host terminal; safe to call twice. */
void berth_terminal_proxy_end(struct berth_terminal_proxy *p);
/* SIGWINCH: the host's window size to the master (the kernel then signals
 * the container's foreground process group). */
void berth_terminal_proxy_resize(const struct berth_terminal_proxy *p);

/* Fills exactly BERTH_TERMINAL_POLLFDS pollfds for the copy (fd -1 where a
 * direction has nothing to wait for); returns that count. */
#define BERTH_TERMINAL_POLLFDS 2
size_t berth_terminal_proxy_pollfds(const struct berth_terminal_proxy *p, struct pollfd *fds);
/* Moves bytes after poll() returned for those pollfds. */
void berth_terminal_proxy_io(struct berth_terminal_proxy *p, const struct pollfd *fds);
/* The container side hung up (or failed) and everything read was written. */
bool berth_terminal_proxy_done(const struct berth_terminal_proxy *p);

#endif
