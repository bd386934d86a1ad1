/* Which host processes belong to a container: the cgroup's members where
 * berth manages a cgroup, else every process in the init's pid namespace
 * (when the container has its own), else just the init. */
#ifndef BERTH_CONTAINER_PIDS_H
#define BERTH_CONTAINER_PIDS_H

#include <stddef.h>
#include <sys/types.h>

#include "context.h"
#include "store.h"

/* *ret is malloc'd (possibly with *ret_n == 0), sorted ascending. */
int berth_container_pids(const struct berth_context *ctx, const struct berth_container *c,
                         pid_t **ret, size_t *ret_n, berth_error **err);

#endif
