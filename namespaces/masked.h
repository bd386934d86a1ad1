/* linux.maskedPaths and linux.readonlyPaths. Paths that do not exist in the
 * container are skipped silently, as runc does. */
#ifndef BERTH_MASKED_H
#define BERTH_MASKED_H

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

/* Hides each path: /dev/null bound over a file, an empty read-only tmpfs
 * over a directory. */
int berth_masked_paths_apply(const struct berth_context *ctx, const berth_config *c, int rootfd,
                             berth_error **err);

/* Binds each path onto itself and makes that mount ro,nosuid,nodev,noexec. */
int berth_readonly_paths_apply(const struct berth_context *ctx, const berth_config *c, int rootfd,
                               berth_error **err);

#endif
