/* Resolving (and creating) paths inside the container's rootfs without ever
 * leaving it: every lookup is openat2(rootfd, ..., RESOLVE_IN_ROOT), so
 * symlinks and ".." are confined to the rootfs as if it were "/". Callers
 * mount onto the returned fd through /proc/self/fd/<fd>, which the kernel
 * resolves to exactly that dentry: a path swapped for a symlink after the
 * lookup cannot redirect the mount (the runc CVE-2019-19921 class). */
#ifndef BERTH_SAFE_PATH_H
#define BERTH_SAFE_PATH_H

#include "../runtime/error.h"
#include "sysops.h"

enum berth_safe_create {
    BERTH_SAFE_LOOKUP, /* fail with ENOENT when missing */
    BERTH_SAFE_MKDIR,  /* create missing components as directories (0755) */
    BERTH_SAFE_MKFILE, /* same, but the last component as an empty file (0644) */
};

/* "/proc/self/fd/" + a 10-digit int + NUL. */
#define BERTH_FD_PATH_LEN 32

/* Returns an fd for `path` (absolute or relative, as written in config.json;
 * "." and ".." are cleaned lexically first) inside `rootfd`: O_PATH, except
 * for a file just created by BERTH_SAFE_MKFILE (O_RDONLY). The caller closes
 * it with berth_sysops_closep(). A missing path under BERTH_SAFE_LOOKUP
 * returns -ENOENT with *err set, so callers may skip it. A dangling symlink
 * on the way is an error: its target is not created, as in runc. */
int berth_safe_open_at(const struct berth_sysops *ops, int rootfd, const char *path,
                       enum berth_safe_create create, berth_error **err);

/* Formats "/proc/self/fd/<fd>" into buf and returns buf. */
const char *berth_fd_path(char buf[BERTH_FD_PATH_LEN], int fd);

#endif
