/* Waiting for a foreground container process (`run`, and `exec` without
 * -d): every signal berth gets is forwarded to it, berth reaps whatever
 * orphans it inherits as a child subreaper, and with a terminal the pty
 * master is proxied to berth's stdio. */
#ifndef BERTH_FOREGROUND_H
#define BERTH_FOREGROUND_H

#include <sys/types.h>

#include "error.h"

struct berth_foreground {
    pid_t pid;  /* the process waited for: a child of berth */
    int pidfd;  /* its pidfd: signals go through it, never to a reused pid */
    int master; /* process.terminal: the pty master to proxy; else -1 */
};

/* The signals a foreground berth forwards: every catchable one but the
 * synchronous faults. The caller blocks them *before* it clones the
 * process, so that none arriving in between is lost or kills berth. */
void berth_forwardable_signals(sigset_t *set);

/* Makes berth a child subreaper (PR_SET_CHILD_SUBREAPER), so that orphans
 * of a container without its own pid namespace come to berth, which reaps
 * them, rather than to the host's init. */
int berth_foreground_subreaper(berth_error **err);

/* Forwards the signals blocked in berth (see berth_forwardable_signals) to
 * f->pid until it exits; SIGCHLD reaps, SIGWINCH resizes the pty when there
 * is one. With a master, berth's stdin goes raw (when a terminal) for the
 * duration and is restored on every path. Returns the wait status. */
int berth_foreground_wait(const struct berth_foreground *f, berth_error **err);

/* 128+N for a signal N, the exit code otherwise. */
int berth_foreground_exit_code(int wstatus);

#endif
