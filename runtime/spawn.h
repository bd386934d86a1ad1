/* The parent side of creating a container, shared by `create` and `run`:
 * state dir, cgroup, clone3, the READY handshake, state.json, pid file.
 * On any failure everything made so far is undone (state dir, cgroup,
 * child process): bad input leaves nothing behind. */
#ifndef BERTH_SPAWN_H
#define BERTH_SPAWN_H

#include <signal.h>
#include <sys/types.h>

#include "../cgroups/manager.h"
#include "../oci/config.h"
#include "lifecycle.h"
#include "store.h"

enum berth_spawn_mode {
    BERTH_SPAWN_CREATE, /* the init waits on exec.fifo for `berth start` */
    BERTH_SPAWN_RUN,    /* the init waits for START on the socket */
};

struct berth_spawned {
    struct berth_container *container; /* locked, state saved */
    berth_config *config;
    const struct berth_cgroup_manager *cgm;
    pid_t pid;
    int pidfd;
    int sock;                   /* parent end, RUN mode only (else -1) */
    int console;                /* process.terminal without --console-socket: the pty master */
    int console_sock;           /* --console-socket, connected before anything is made */
    sigset_t orig_mask;         /* RUN mode: forwarded signals stay blocked until the wait */
    bool masked;                /* orig_mask must be restored if spawning fails */
    struct berth_security *sec; /* seccomp, maps, hooks, attrs (security.h); NULL early */
};

int berth_spawn(const struct berth_context *ctx, const struct berth_create_opts *o,
                enum berth_spawn_mode mode, struct berth_spawned *ret, berth_error **err);

/* Releases memory and fds; does not touch the container. */
void berth_spawned_release(struct berth_spawned *s);

/* Kills the init (if alive), waits for it, removes the cgroup and state dir.
 * Used by `delete` and by failed/finished `run`. */
int berth_container_destroy(const struct berth_context *ctx, struct berth_container *c,
                            berth_error **err);

#endif
