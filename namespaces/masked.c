/* maskedPaths and readonlyPaths, resolved inside the rootfs like every other
 * mount target. The /dev/null that masks files is the runtime's own, not the
 * container's: a container cannot swap it for a symlink to somewhere
 * writable (runc CVE-2025-31133). */
#include "masked.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/mount.h>

#include "mounts.h"
#include "safe_path.h"

/* 1 and *ret_fd set when the path exists, 0 when it does not. */
static int lookup(const struct berth_sysops *ops, int rootfd, const char *path, int *ret_fd,
                  berth_error **err)
{
    int fd = berth_safe_open_at(ops, rootfd, path, BERTH_SAFE_LOOKUP, err);
    if (fd >= 0) {
        *ret_fd = fd;
        return 1;
    }
    if ((*err)->errnum != ENOENT)
        return fd;
    berth_error_free(err);
    return 0;
}

/* Binding a file over a directory fails with ENOTDIR: that one failed call
 * is cheaper than an fstatat for every path, as most masked paths are
 * files. */
static int mask_one(const struct berth_context *ctx, int rootfd, const char *path, int fd,
                    berth_error **err)
{
    const struct berth_sysops *ops = ctx->ops;
    char target[BERTH_FD_PATH_LEN];
    berth_fd_path(target, fd);
    if (ops->mount("/dev/null", target, NULL, MS_BIND, NULL) == 0)
        return 0;
    if (errno != ENOTDIR)
        return berth_error_new(err, errno, "mount `/dev/null` (MS_BIND)");
    if (ops->mount("tmpfs", target, "tmpfs", MS_RDONLY, NULL) < 0)
        return berth_error_new(err, errno, "mount `tmpfs` (MS_RDONLY)");
    return 0;
}

/* The bind is a new mount on top of `fd`'s dentry, so the attributes go to a
 * fresh lookup of the same path. */
static int readonly_one(const struct berth_context *ctx, int rootfd, const char *path, int fd,
                        berth_error **err)
{
    char target[BERTH_FD_PATH_LEN];
    berth_fd_path(target, fd);
    if (ctx->ops->mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
        return berth_error_new(err, errno, "mount (MS_BIND|MS_REC) onto itself");
    int top = berth_safe_open_at(ctx->ops, rootfd, path, BERTH_SAFE_LOOKUP, err);
    if (top < 0)
        return top;
    int r = berth_mount_setattr_fd(
        ctx, top, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0,
        false, 0, err);
    berth_sysops_closep(ctx->ops, &top);
    return r;
}

/* Applies `one` to every path that exists; `what` names the list in errors. */
static int for_each_existing(const struct berth_context *ctx, int rootfd, char *const *paths,
                             size_t n, const char *what,
                             int (*one)(const struct berth_context *ctx, int rootfd,
                                        const char *path, int fd, berth_error **err),
                             berth_error **err)
{
    for (size_t i = 0; i < n; i++) {
        int fd = -1, found = lookup(ctx->ops, rootfd, paths[i], &fd, err);
        if (found > 0) {
            found = one(ctx, rootfd, paths[i], fd, err);
            berth_sysops_closep(ctx->ops, &fd);
        }
        if (found < 0)
            return berth_error_wrap(err, "%s `%s`", what, paths[i]);
    }
    return 0;
}

int berth_masked_paths_apply(const struct berth_context *ctx, const berth_config *c, int rootfd,
                             berth_error **err)
{
    return for_each_existing(ctx, rootfd, c->masked_paths, c->n_masked_paths, "masked path",
                             mask_one, err);
}

int berth_readonly_paths_apply(const struct berth_context *ctx, const berth_config *c, int rootfd,
                               berth_error **err)
{
    return for_each_existing(ctx, rootfd, c->readonly_paths, c->n_readonly_paths, "readonly path",
                             readonly_one, err);
}
