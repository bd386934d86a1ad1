/* The clone/namespace engine behind a narrow seam: one clone3() with every
 * namespace flag, the pidfd and the target cgroup at once. */
#ifndef BERTH_CLONE_H
#define BERTH_CLONE_H

#include <stdint.h>
#include <sys/types.h>

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

/* CLONE_NEW* for every namespace the config creates (present, no path). */
uint64_t berth_ns_clone_flags(const berth_config *c);

/* clone3(flags | CLONE_PIDFD [| CLONE_INTO_CGROUP when cgroup_fd >= 0]).
 * Returns 0 in the child; the child's pid in the parent, with *ret_pidfd. */
pid_t berth_clone3(uint64_t flags, int cgroup_fd, int *ret_pidfd, berth_error **err);

/* Parent side, before the clone: setns() into a configured pid namespace
 * path, which only affects children. No-op without one. */
int berth_ns_join_pid(const struct berth_context *ctx, const berth_config *c, berth_error **err);

/* Child side: setns() into every other namespace the config names by path
 * (user first, so that the others are joined with its privileges). */
int berth_ns_join_paths(const struct berth_context *ctx, const berth_config *c, berth_error **err);

#endif
