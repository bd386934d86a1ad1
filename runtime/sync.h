/* The parent/child protocol of container creation.
 *
 *   berth (parent)                              container init (child)
 *   ------------------------------------------------------------------------
 *   socketpair(SEQPACKET), clone3(all flags) ->  joins namespaces, mounts,
 *                                                rootfs, hostname, process
 *                                                checks (executable found)
 *   process.terminal only:                       opens /dev/ptmx (its own devpts),
 *                                                the peer becomes its ctty + stdio
 *        wait_fd()  <--- CONSOLE + SCM_RIGHTS --  (the pty master, then closed)
 *   --console-socket: sends the master there;
 *   run: keeps it for the terminal proxy
 *        wait_ready()  <--------- READY -------  (or ERROR{errno, text}, _exit)
 *   writes state.json, pid file
 *   run/-d:  send START ----------------------> wait_start(): execve()
 *   create:  exits; `berth start` later writes   the child blocks reading
 *            one byte into exec.fifo ---------->  exec.fifo, then execve()
 *   run:     after START, the socket only carries ERROR if execve fails.
 *
 * Optional exchanges, each only when the config asks for it (in this order):
 *   user namespace with mappings (the child waits for MAPS_DONE first thing):
 *   writes /proc/<pid>/{uid_map,setgroups,gid_map}
 *            send MAPS_DONE ------------------>  (privileged work starts here)
 *   hooks (prestart/createRuntime/createContainer/startContainer):
 *        wait(HOOKS)  <------------ HOOKS -----  (mounts done, before pivot_root)
 *   runs prestart + createRuntime hooks
 *   send HOOKS_DONE + blob(state JSON) ------->  runs createContainer hooks,
 *                                                keeps the JSON for startContainer
 *   user namespace joined by path + a new pid namespace (userns_join.h): the
 *   clone3 child joins, unshares, clones the init (CLONE_PARENT: pid 1 of
 *   the new pid namespace, berth's child) and exits:
 *        wait_fd()  <- INIT_PIDFD + SCM_RIGHTS -  (the init's pidfd)
 *   reaps the first child; the init is the peer from here on
 *   seccomp with SCMP_ACT_NOTIFY:
 *        wait_fd()  <- SECCOMP_FD + SCM_RIGHTS -  (filter loaded, NEW_LISTENER)
 *   sends it to linux.seccomp.listenerPath
 *
 * Messages are fixed-size; every wait also watches the child's pidfd, so a
 * dead child never leaves the parent blocked. */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum berth_sync_type {
    BERTH_SYNC_READY = 1,
    BERTH_SYNC_START,
    BERTH_SYNC_ERROR,
    BERTH_SYNC_CONSOLE,    /* carries the pty master as SCM_RIGHTS */
    BERTH_SYNC_MAPS_DONE,  /* parent -> child: uid_map/gid_map written */
    BERTH_SYNC_SECCOMP_FD, /* child -> parent: the seccomp listener, SCM_RIGHTS */
    BERTH_SYNC_HOOKS,      /* child -> parent: run prestart + createRuntime now */
    BERTH_SYNC_HOOKS_DONE, /* parent -> child: done; a blob with the state JSON follows */
    BERTH_SYNC_INIT_PIDFD, /* child -> parent: the real init's pidfd (userns_join.h) */
};

struct berth_sync_msg {
    uint32_t type;
    int32_t errnum;  /* ERROR: errno of the failing call, 0 if none */
    int32_t status;  /* ERROR: suggested exit status */
    char text[1012]; /* ERROR: the complete message */
};

/* Child side: sends err as an ERROR message (best effort). */
void berth_sync_send_error(int sock, const berth_error *err);
int berth_sync_send(int sock, enum berth_sync_type type, berth_error **err);
/* Sends a header-only message of `type` with fd attached (SCM_RIGHTS). */
int berth_sync_send_fd(int sock, enum berth_sync_type type, int fd, berth_error **err);

/* Waits for `expected`; an ERROR message becomes *err with its text, a dead
 * child (pidfd readable, socket empty) "container init exited ...", and any
 * other type "expected X, got Y". */
int berth_sync_wait(int sock, int pidfd, enum berth_sync_type expected, berth_error **err);
/* Same, for a message that must carry an fd: *ret_fd gets it (O_CLOEXEC).
 * An fd that arrives with any other message is closed. */
int berth_sync_wait_fd(int sock, int pidfd, enum berth_sync_type expected, int *ret_fd,
                       berth_error **err);

/* A message of `type` followed by a datagram of len bytes (up to 1 MiB). */
int berth_sync_send_blob(int sock, enum berth_sync_type type, const void *data, size_t len,
                         berth_error **err);
/* Waits for `expected` and its blob: *ret is malloc'd and NUL-terminated. */
int berth_sync_wait_blob(int sock, int pidfd, enum berth_sync_type expected, char **ret,
                         berth_error **err);

#endif
