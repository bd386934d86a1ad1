/* The container side of creation: what the cloned child does, in order,
 * until it execs the container process. It never returns. */
#ifndef BERTH_INIT_H
#define BERTH_INIT_H

#include <signal.h>
#include <stdbool.h>

#include "../oci/config.h"
#include "context.h"

struct berth_init_args {
    const struct berth_context *ctx;
    const berth_config *config;
    int sock;    /* the child's end of the sync socketpair */
    int fifo_fd; /* create: exec.fifo opened O_RDWR; run: -1 (wait for START) */
    bool no_pivot;
    bool no_new_keyring; /* --no-new-keyring: keep the caller's session keyring */
    int preserve_fds;    /* fds 3+listen_fds .. +N-1 survive the exec */
    int listen_fds;      /* socket activation: fds 3 .. 3+N-1, LISTEN_FDS/LISTEN_PID set */
    sigset_t orig_mask;  /* the signal mask to restore before exec */
    struct berth_security
        *sec; /* prepared by the parent (security.h); the child fills state_json */
};

__attribute__((noreturn)) void berth_init_main(const struct berth_init_args *a);

#endif
