/* The container side of process.terminal: a pty from the container's own
 * devpts, made the init's controlling terminal and stdio, with the master
 * handed to the parent over the sync socket (BERTH_SYNC_CONSOLE). */
#ifndef BERTH_CONSOLE_H
#define BERTH_CONSOLE_H

#include <stdbool.h>

#include "../oci/config.h"
#include "context.h"
#include "error.h"

/* Runs in the init after the rootfs is in place (so /dev/ptmx is the
 * container's) and before the user switch: opens /dev/ptmx, unlocks it,
 * opens the peer, applies process.consoleSize, binds the peer onto
 * /dev/console (the init only: bind_console; an exec'd process leaves the
 * init's console alone, as in runc), sends the master over `sock` as
 * BERTH_SYNC_CONSOLE, then setsid + TIOCSCTTY and dup2 of the peer onto 0,
 * 1 and 2 (owned by process.user.uid). */
int berth_console_setup(const struct berth_context *ctx, const berth_process_config *p, int sock,
                        bool bind_console, berth_error **err);

#endif
