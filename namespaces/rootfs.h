/* Building the container's root filesystem, inside the child, in its new
 * mount namespace: propagation, the rootfs bind, every configured mount
 * (targets resolved inside the rootfs, never through symlinks out of it),
 * default and configured devices, /dev symlinks, pivot_root (or move-mount +
 * chroot for --no-pivot), root.readonly, maskedPaths and readonlyPaths. */
#ifndef BERTH_ROOTFS_H
#define BERTH_ROOTFS_H

#include <stdbool.h>

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

struct berth_rootfs_opts {
    bool no_pivot;     /* --no-pivot: MS_MOVE the rootfs onto / and chroot */
    bool bind_devices; /* in a user namespace: bind-mount host device nodes instead of mknod */
    /* Per mount: the idmapped tree the parent prepared, or -1 (idmap_mount.h).
     * NULL when no mount is idmapped. */
    const int *mount_trees;
    /* Called after every mount is in place and before pivot_root (the
     * createContainer hook point). May be NULL. */
    int (*before_pivot)(void *data, berth_error **err);
    void *data;
};

/* On success the process's root and cwd are the container's "/". */
int berth_rootfs_setup(const struct berth_context *ctx, const berth_config *c,
                       const struct berth_rootfs_opts *opts, berth_error **err);

#endif
