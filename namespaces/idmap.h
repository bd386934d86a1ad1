/* User namespace id mappings: validation (pure) and the parent's writes.
 *
 * The child is cloned with CLONE_NEWUSER and waits for MAPS_DONE (sync.h)
 * before anything privileged; the parent, which holds the privilege in the
 * parent namespace, writes /proc/<pid>/uid_map, "deny" to setgroups (only
 * when the mapping could not be written otherwise: never as root) and
 * gid_map right after clone3 returns. */
#ifndef BERTH_IDMAP_H
#define BERTH_IDMAP_H

#include <stddef.h>
#include <sys/types.h>

#include "../oci/config.h"
#include "../runtime/error.h"

/* The kernel takes at most 340 lines per map. */
#define BERTH_IDMAP_MAX 340

/* Overlapping ranges (on either side), ranges past 2^32-1, too many lines:
 * `what` names the field ("linux.uidMappings"). */
int berth_idmap_check(const berth_id_mapping *m, size_t n, const char *what, berth_error **err);

/* "container host size\n" lines; *ret is malloc'd. */
int berth_idmap_format(const berth_id_mapping *m, size_t n, char **ret, berth_error **err);

/* Parent: writes the maps of pid. No-op without mappings. */
int berth_idmap_write(pid_t pid, const berth_config *c, berth_error **err);

/* A user namespace fd with these mappings (for MOUNT_ATTR_IDMAP): a child
 * that unshares CLONE_NEWUSER and waits to be killed; the maps are written
 * from here. */
int berth_idmap_userns_fd(const berth_id_mapping *uid, size_t n_uid, const berth_id_mapping *gid,
                          size_t n_gid, berth_error **err);

#endif
