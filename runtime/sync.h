/* The parent/child protocol of container creation.
 *
 *   berth (parent)                              container init (child)
 *   ------------------------------------------------------------------------
 *   socketpair(SEQPACKET), clone3(all flags) ->  joins namespaces, mounts,
 *                                                rootfs, hostname, process
 *                                                checks (executable found)
 *        wait_ready()  <--------- READY -------  (or ERROR{errno, text}, _exit)
 *   writes state.json, pid file
 *   run/-d:  send START ----------------------> wait_start(): execve()
 *   create:  exits; `berth start` later writes   the child blocks reading
 *            one byte into exec.fifo ---------->  exec.fifo, then execve()
 *   run:     after START, the socket only carries ERROR if execve fails.
 *
 * Messages are fixed-size; every wait also watches the child's pidfd, so a
 * dead child never leaves the parent blocked. */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <stdint.h>

#include "error.h"

enum berth_sync_type {
    BERTH_SYNC_READY = 1,
    BERTH_SYNC_START,
    BERTH_SYNC_ERROR,
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

/* Waits for `expected`; an ERROR message becomes *err with its text, a dead
 * child (pidfd readable, socket empty) "container init exited ...", and any
 * other type "expected X, got Y". */
int berth_sync_wait(int sock, int pidfd, enum berth_sync_type expected, berth_error **err);

#endif
