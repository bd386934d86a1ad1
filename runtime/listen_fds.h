/* The fds a container inherits from berth's caller: systemd socket
 * activation (LISTEN_FDS) and --preserve-fds, laid out as runc does:
 * fds 3 .. 3+L-1 are the activation sockets, the next P are preserved. */
#ifndef BERTH_LISTEN_FDS_H
#define BERTH_LISTEN_FDS_H

#include <sys/types.h>

#include "error.h"

/* The number of activation fds in LISTEN_FDS, or 0 when either variable is
 * unset or malformed or LISTEN_PID is not `self` (the fds were meant for
 * another process). Pure. */
int berth_listen_fds_parse(const char *listen_pid, const char *listen_fds, pid_t self);

/* Every fd that is to be passed on (3 .. 3+listen+preserve-1) is open. */
int berth_fds_check(int listen_fds, int preserve_fds, berth_error **err);

/* A copy of env without LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES, plus
 * LISTEN_FDS=n and LISTEN_PID=pid (the process's pid as it will see it).
 * The array is malloc'd; its old entries are borrowed from env. Pure. */
int berth_listen_env(char *const *env, int n, pid_t pid, char ***ret, berth_error **err);

#endif
