/* Signalling a container's processes without ever hitting a reused PID:
 * the init through a pidfd checked against its start time, the rest through
 * the cgroup, or through the pid namespace where no cgroup is managed. */
#ifndef BERTH_SIGNAL_CONTAINER_H
#define BERTH_SIGNAL_CONTAINER_H

#include <stdbool.h>

#include "context.h"
#include "store.h"

/* Opens a pidfd for the init; "no such process" when it is gone or the PID
 * now belongs to another process. */
int berth_init_pidfd(const struct berth_container *c, berth_error **err);

int berth_signal_init(const struct berth_container *c, int signo, berth_error **err);
int berth_signal_all(const struct berth_context *ctx, const struct berth_container *c, int signo,
                     berth_error **err);

/* Waits until the process behind pidfd has exited (up to timeout_ms). */
int berth_pidfd_wait_exit(int pidfd, int timeout_ms, berth_error **err);

#endif
