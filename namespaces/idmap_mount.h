/* Idmapped bind mounts: mounts[].uidMappings/gidMappings and the idmap and
 * ridmap options.
 *
 * The kernel attaches an idmapping only to a detached mount, and only for
 * a caller with CAP_SYS_ADMIN over both the filesystem's user namespace
 * (the host's, for a host directory) and the mapping's. A container init
 * in its own user namespace has neither, so the parent, still the host's
 * root, prepares each tree before the clone (open_tree clone, then
 * mount_setattr MOUNT_ATTR_IDMAP with a user namespace holding the maps);
 * the child, in its mount namespace, only moves it onto the target
 * (mounts.c). Nothing of this runs unless a mount asks for it. */
#ifndef BERTH_IDMAP_MOUNT_H
#define BERTH_IDMAP_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

/* Per mount of the config: a prepared detached tree, or -1. fds is NULL
 * when no mount is idmapped. */
struct berth_idmap_mounts {
    int *fds;
    size_t n;
};

/* The mount has mappings or an idmap/ridmap option. */
bool berth_mount_idmapped_p(const berth_mount_config *m);

/* Pure: the mappings mounts[index] is to use (its own, or with a bare
 * idmap/ridmap option the container's linux.uidMappings/gidMappings), after
 * checking that it is a bind mount with both maps. Errors name the field:
 * "config.json: mounts[2].uidMappings: ...". */
int berth_idmap_mount_maps(const berth_config *c, size_t index, const berth_id_mapping **ret_uid,
                           size_t *ret_n_uid, const berth_id_mapping **ret_gid, size_t *ret_n_gid,
                           berth_error **err);

/* open_tree(source, OPEN_TREE_CLONE [| AT_RECURSIVE when clone_tree]) and
 * mount_setattr(MOUNT_ATTR_IDMAP, userns_fd [, AT_RECURSIVE when
 * recursive_idmap]). Returns the detached tree's fd. */
int berth_idmap_mount_tree(const struct berth_sysops *ops, const char *source, bool clone_tree,
                           bool recursive_idmap, int userns_fd, berth_error **err);

/* Parent, before the clone: a tree for every idmapped mount. No syscall
 * (and ret->fds NULL) when there is none. */
int berth_idmap_mounts_prepare(const struct berth_context *ctx, const berth_config *c,
                               struct berth_idmap_mounts *ret, berth_error **err);

/* Closes every tree (the parent, once the child has its copies). */
void berth_idmap_mounts_close(struct berth_idmap_mounts *m);

#endif
