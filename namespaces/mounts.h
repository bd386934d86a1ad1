/* One configured mount, from config.json's `mounts`, onto a target resolved
 * safely inside the rootfs; plus the remount and mount_setattr steps that
 * masked/readonly paths and root.readonly share. */
#ifndef BERTH_MOUNTS_H
#define BERTH_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

/* Mounts `m` inside the rootfs open at `rootfd`: creates the target, mounts,
 * then (only when asked for) remounts a bind with its flags, applies
 * propagation and recursive attributes. An idmapped mount moves `tree_fd`
 * (prepared by idmap_mount.h; -1 for the others) instead of mounting.
 * Errors read "mount `<source>` to `<destination>` (type <type>): ...". */
int berth_mount_apply(const struct berth_context *ctx, const berth_config *c, int rootfd,
                      const berth_mount_config *m, int tree_fd, berth_error **err);

/* A bind source as an absolute path (relative ones joined to the bundle,
 * as runc does); *ret is malloc'd. */
int berth_mount_source_path(const berth_config *c, const berth_mount_config *m, char **ret,
                            berth_error **err);

/* Remounts the mount whose root `fd` is (an O_PATH fd opened after the
 * mount) with MS_REMOUNT|MS_BIND|flags. In a user namespace the kernel
 * refuses to drop locked flags (nodev, nosuid, noexec, atime) with EPERM:
 * then the mount's current ones are added from fstatfs and it is retried. */
int berth_mount_remount_fd(const struct berth_sysops *ops, int fd, unsigned long flags,
                           berth_error **err);

/* mount_setattr(fd) with `set`/`clr` MOUNT_ATTR_* bits, on the whole
 * subtree when `recursive`. It changes only those bits, so unlike a remount
 * it never trips over locked flags. Where the kernel lacks it (ENOSYS, or
 * EINVAL from an old kernel) it falls back to a non-recursive remount with
 * the equivalent MS_* flags plus `base_flags`. */
int berth_mount_setattr_fd(const struct berth_context *ctx, int fd, uint64_t set, uint64_t clr,
                           bool recursive, unsigned long base_flags, berth_error **err);

/* The destination is "/dev" (trailing slashes ignored). */
bool berth_mount_is_dev(const berth_mount_config *m);

/* A bind mount: type "bind" or a bind/rbind option. */
bool berth_mount_is_bind(const berth_mount_config *m);

#endif
