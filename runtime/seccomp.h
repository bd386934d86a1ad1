/* seccomp for the container process. The full implementation (every action,
 * argument conditions, flags, the notify listener, compiled BPF cached by
 * content hash) belongs to the isolation issue; this is its seam. */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H

#include "../oci/config.h"
#include "context.h"
#include "error.h"

/* Loads linux.seccomp, if the config has one, into the calling process. */
int berth_seccomp_load_config(const struct berth_context *ctx, const berth_config *c,
                              berth_error **err);

#endif
