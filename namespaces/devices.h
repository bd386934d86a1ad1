/* Device nodes and the /dev symlinks of a container whose /dev the runtime
 * populates (anything but a bind-mounted /dev, as in runc). */
#ifndef BERTH_DEVICES_H
#define BERTH_DEVICES_H

#include <stdbool.h>

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

/* Creates linux.devices, then the default ones the config does not list
 * (null, zero, full, random, urandom, tty; 0666, root-owned). With `bind`
 * (a user namespace cannot mknod) each node is an empty file with the host
 * node bind-mounted onto it; mknod failing with EPERM falls back to the
 * same. An existing node is left alone. */
int berth_devices_create(const struct berth_context *ctx, const berth_config *c, int rootfd,
                         bool bind, berth_error **err);

/* /dev/fd, stdin, stdout, stderr, ptmx -> pts/ptmx, and core -> /proc/kcore
 * where the host has /proc/kcore. */
int berth_dev_symlinks_create(const struct berth_context *ctx, int rootfd, berth_error **err);

#endif
