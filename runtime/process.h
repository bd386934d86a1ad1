/* The process fields of config.json applied to the container init, in
 * runc's order: the caller runs these around the user switch. */
#ifndef BERTH_PROCESS_H
#define BERTH_PROCESS_H

#include "../oci/config.h"
#include "context.h"
#include "error.h"

/* Before the rootfs is built (host /proc still visible): oomScoreAdj. */
int berth_process_pre_rootfs(const berth_process_config *p, berth_error **err);

/* After the rootfs: rlimits, umask, bounding set, user/group switch,
 * capabilities (effective/permitted/inheritable/ambient) and
 * noNewPrivileges. Seccomp is loaded separately, as late as possible. */
int berth_process_apply(const struct berth_context *ctx, const berth_process_config *p,
                        berth_error **err);

/* Resolves process.args[0] against PATH from process.env (as execvp would)
 * and checks it is executable: a missing binary fails `create`, not `start`.
 * *ret is malloc'd. Errors use exit status 255 (runc's exec failure). */
int berth_process_find_executable(const berth_process_config *p, char **ret, berth_error **err);

#endif
