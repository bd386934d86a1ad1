/* Joining an existing user namespace by path while creating other
 * namespaces beside it.
 *
 * The new namespaces must belong to the joined user namespace, or the
 * container's setup (mounts, /proc, hostname) has no privilege over them.
 * So in that case the init is cloned with no CLONE_NEW* flag, joins the
 * paths (user first) and unshares the new ones itself.
 *
 * A pid namespace is entered only by the children of whoever unshared it,
 * and the kernel hands out no fd to one that has no init yet, so the parent
 * cannot join it for its clone3 without joining the user namespace itself
 * (setns(CLONE_NEWUSER) would change its credentials: it would lose its
 * host privileges for the cgroup, state and hooks work that follows). So
 * the clone3 child, after unshare(CLONE_NEWPID), clones once more with
 * CLONE_PARENT: that process is pid 1 of the new pid namespace and still
 * berth's direct child. It sends the new init's pidfd to the parent
 * (sync.h, INIT_PIDFD) and exits; the parent reaps it and carries on with
 * the real init's pid and pidfd, so nothing after this notices.
 *
 * Nothing of this runs unless linux.namespaces has a user path and a new
 * namespace. */
#ifndef BERTH_USERNS_JOIN_H
#define BERTH_USERNS_JOIN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

/* The user namespace is joined by path and another namespace is new. */
bool berth_ns_defer_p(const berth_config *c);

/* Child, after the paths are joined: becomes the namespace's root where
 * the namespace maps id 0, unshares the new namespaces (but those in
 * `drop`, which the init unshares later itself) and, with a new pid
 * namespace, returns only in the new init (see above); `sock` is the sync
 * socket. */
int berth_ns_unshare_deferred(const struct berth_context *ctx, const berth_config *c, uint64_t drop,
                              int sock, berth_error **err);

/* Parent, after clone3: with a deferred new pid namespace, takes the real
 * init's pidfd from the first child, reaps that one and replaces *pid and
 * *pidfd. A no-op otherwise. */
int berth_ns_defer_adopt(const berth_config *c, int sock, pid_t *pid, int *pidfd,
                         berth_error **err);

#endif
