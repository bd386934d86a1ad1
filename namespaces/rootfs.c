/* berth_rootfs_setup: the container's root filesystem, as a table of named
 * steps run in order (see `steps` below).
 *
 * Propagation, as runc does it: "/" becomes MS_SLAVE|MS_REC (or the
 * configured rootfsPropagation), so nothing the container mounts reaches the
 * host while host mounts still show up. A configured propagation that can
 * leave shared mounts also makes the rootfs' parent mount private (pivot_root
 * and MS_MOVE refuse a shared parent; crun finds it by walking up the path,
 * no mountinfo parsing), detaches the old root only after making it a slave
 * (else the detach would propagate to the host), and is applied again to the
 * new "/" after the pivot (MS_PRIVATE is skipped there, as in runc).
 *
 * Order: berth applies maskedPaths, readonlyPaths and root.readonly *before*
 * pivot_root, where runc does them after. The mounts are the same; every
 * target is still resolved inside the rootfs through rootfd; the runtime's
 * own /dev/null masks; and the mounts through /proc/self/fd/<n> do not
 * depend on the container having mounted /proc. The createContainer hook
 * point (before_pivot) still sees the rootfs writable and unmasked. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

#include "devices.h"
#include "masked.h"
#include "mount_options.h"
#include "mounts.h"
#include "safe_path.h"

struct run {
    const struct berth_context *ctx;
    const struct berth_sysops *ops;
    const berth_config *c;
    const struct berth_rootfs_opts *opts;
    unsigned long propagation; /* configured rootfsPropagation; 0 when absent */
    int rootfd;                /* the rootfs bind mount's root */
};

static int parse_propagation(struct run *r, berth_error **err)
{
    const char *p = r->c->rootfs_propagation;
    if (p == NULL || p[0] == '\0')
        return 0;
    struct berth_mount_options o;
    char *opts[] = {(char *)p, NULL};
    if (berth_mount_options_parse(opts, 1, &o, err) < 0)
        return -1;
    bool ok = o.n_propagation == 1 && o.flags == 0 && o.data == NULL;
    if (ok)
        r->propagation = o.propagation[0];
    berth_mount_options_free(&o);
    return ok ? 0 : berth_error_new(err, EINVAL, "rootfsPropagation `%s`: unknown", p);
}

/* Whether mounts under "/" may still be shared after the first step. */
static bool may_share(const struct run *r)
{
    return r->propagation != 0 && r->propagation != (MS_SLAVE | MS_REC) &&
           r->propagation != (MS_PRIVATE | MS_REC);
}

/* mount(MS_PRIVATE) fails with EINVAL on a path that is not a mount point:
 * walk up until the mount that holds the rootfs is found. */
static int parent_private(struct run *r, berth_error **err)
{
    char path[4096];
    if (strlen(r->c->root_path) >= sizeof(path))
        return berth_error_new(err, ENAMETOOLONG, "rootfs `%s`", r->c->root_path);
    strcpy(path, r->c->root_path);
    for (;;) {
        if (r->ops->mount(NULL, path, NULL, MS_PRIVATE, NULL) == 0)
            return 0;
        char *slash = strrchr(path, '/');
        if (errno != EINVAL || slash == NULL || (slash == path && path[1] == '\0'))
            return berth_error_new(err, errno, "mount `%s` (MS_PRIVATE)", path);
        slash[slash == path ? 1 : 0] = '\0';
    }
}

static int step_propagation(struct run *r, berth_error **err)
{
    if (parse_propagation(r, err) < 0)
        return -1;
    unsigned long flags = r->propagation != 0 ? r->propagation : MS_SLAVE | MS_REC;
    if (r->ops->mount(NULL, "/", NULL, flags, NULL) < 0)
        return berth_error_new(err, errno, "mount `/` (propagation %#lx)", flags);
    return may_share(r) ? parent_private(r, err) : 0;
}

/* The rootfs must be a mount point for pivot_root; rootfd is opened after
 * the bind so that it names the bind mount's root, which stays valid (and
 * becomes "/") across the pivot. */
static int step_bind_rootfs(struct run *r, berth_error **err)
{
    const char *root = r->c->root_path;
    if (r->ops->mount(root, root, "bind", MS_BIND | MS_REC, NULL) < 0)
        return berth_error_new(err, errno, "mount `%s` to itself (MS_BIND|MS_REC)", root);
    r->rootfd = r->ops->openat(AT_FDCWD, root, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    if (r->rootfd < 0)
        return berth_error_new(err, errno, "openat `%s`", root);
    return 0;
}

static int step_mounts(struct run *r, berth_error **err)
{
    const int *trees = r->opts->mount_trees;
    for (size_t i = 0; i < r->c->n_mounts; i++)
        if (berth_mount_apply(r->ctx, r->c, r->rootfd, &r->c->mounts[i],
                              trees != NULL ? trees[i] : -1, err) < 0)
            return -1;
    return 0;
}

/* The /dev mount, or NULL when the config has none. */
static const berth_mount_config *dev_mount(const berth_config *c)
{
    const berth_mount_config *found = NULL;
    for (size_t i = 0; i < c->n_mounts; i++)
        if (berth_mount_is_dev(&c->mounts[i]))
            found = &c->mounts[i];
    return found;
}

static bool has_ro(const berth_mount_config *m)
{
    bool ro = false;
    for (size_t i = 0; i < m->n_options; i++)
        ro = strcmp(m->options[i], "ro") == 0   ? true
             : strcmp(m->options[i], "rw") == 0 ? false
                                                : ro;
    return ro;
}

/* runc populates /dev unless it is a bind mount (then it is the host's, or
 * the user's, to keep as is). A /dev mounted "ro" was mounted writable so
 * the nodes could be made; it turns read-only now. */
static int step_devices(struct run *r, berth_error **err)
{
    const berth_mount_config *dev = dev_mount(r->c);
    if (dev != NULL && berth_mount_is_bind(dev))
        return 0;
    if (berth_devices_create(r->ctx, r->c, r->rootfd, r->opts->bind_devices, err) < 0 ||
        berth_dev_symlinks_create(r->ctx, r->rootfd, err) < 0)
        return -1;
    if (dev == NULL || !has_ro(dev))
        return 0;
    int fd = berth_safe_open_at(r->ops, r->rootfd, "/dev", BERTH_SAFE_LOOKUP, err);
    if (fd < 0)
        return fd;
    int ret = berth_mount_setattr_fd(r->ctx, fd, MOUNT_ATTR_RDONLY, 0, false, 0, err);
    berth_sysops_closep(r->ops, &fd);
    return ret < 0 ? berth_error_wrap(err, "remount `/dev` read-only") : 0;
}

static int step_before_pivot(struct run *r, berth_error **err)
{
    return r->opts->before_pivot != NULL ? r->opts->before_pivot(r->opts->data, err) : 0;
}

static int step_masked(struct run *r, berth_error **err)
{
    return berth_masked_paths_apply(r->ctx, r->c, r->rootfd, err);
}

static int step_readonly_paths(struct run *r, berth_error **err)
{
    return berth_readonly_paths_apply(r->ctx, r->c, r->rootfd, err);
}

/* Only the read-only bit changes (mount_setattr), so the flags the rootfs
 * already has are kept without reading them first. */
static int step_root_readonly(struct run *r, berth_error **err)
{
    if (!r->c->root_readonly)
        return 0;
    if (berth_mount_setattr_fd(r->ctx, r->rootfd, MOUNT_ATTR_RDONLY, 0, false, 0, err) < 0)
        return berth_error_wrap(err, "root.readonly `%s`", r->c->root_path);
    return 0;
}

/* MS_MOVE the rootfs onto "/" and chroot into it: for --no-pivot, where
 * pivot_root is impossible (an initramfs root). */
static int move_root(struct run *r, berth_error **err)
{
    if (r->ops->mount(".", "/", NULL, MS_MOVE, NULL) < 0)
        return berth_error_new(err, errno, "mount `%s` to `/` (MS_MOVE)", r->c->root_path);
    if (r->ops->chroot(".") < 0)
        return berth_error_new(err, errno, "chroot `%s`", r->c->root_path);
    return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one, and
 * umount2(".") then detaches the old root: no put_old directory is needed
 * (pivot_root(2)). Where the old root's mounts may be shared with the host,
 * they are made slaves first, through an fd kept on the old root, so that
 * the detach does not propagate there. */
static int pivot(struct run *r, int oldfd, berth_error **err)
{
    const struct berth_sysops *ops = r->ops;
    if (ops->pivot_root(".", ".") < 0)
        return berth_error_new(err, errno, "pivot_root `%s`", r->c->root_path);
    if (oldfd >= 0 &&
        (ops->fchdir(oldfd) < 0 || ops->mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0))
        return berth_error_new(err, errno, "make the old root a slave");
    if (ops->umount2(".", MNT_DETACH) < 0)
        return berth_error_new(err, errno, "umount2 the old root (MNT_DETACH)");
    return 0;
}

static int step_pivot(struct run *r, berth_error **err)
{
    const struct berth_sysops *ops = r->ops;
    int oldfd = -1, ret;
    if (!r->opts->no_pivot && may_share(r) &&
        (oldfd = ops->openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0)) < 0)
        return berth_error_new(err, errno, "openat `/`");
    if (ops->fchdir(r->rootfd) < 0)
        ret = berth_error_new(err, errno, "fchdir `%s`", r->c->root_path);
    else
        ret = r->opts->no_pivot ? move_root(r, err) : pivot(r, oldfd, err);
    berth_sysops_closep(ops, &oldfd);
    if (ret >= 0 && ops->chdir("/") < 0)
        ret = berth_error_new(err, errno, "chdir `/`");
    return ret;
}

static int step_propagation_after(struct run *r, berth_error **err)
{
    if (r->propagation == 0 || (r->propagation & MS_PRIVATE))
        return 0;
    if (r->ops->mount(NULL, "/", NULL, r->propagation, NULL) < 0)
        return berth_error_new(err, errno, "mount `/` (propagation %#lx) after pivot",
                               r->propagation);
    return 0;
}

static const struct step {
    const char *name;
    int (*run)(struct run *r, berth_error **err);
} steps[] = {
    {"root propagation", step_propagation},
    {"rootfs bind", step_bind_rootfs},
    {"mounts", step_mounts},
    {"devices", step_devices},
    {"before pivot", step_before_pivot},
    {"masked paths", step_masked},
    {"readonly paths", step_readonly_paths},
    {"root readonly", step_root_readonly},
    {"pivot root", step_pivot},
    {"root propagation after pivot", step_propagation_after},
};

int berth_rootfs_setup(const struct berth_context *ctx, const berth_config *c,
                       const struct berth_rootfs_opts *opts, berth_error **err)
{
    static const struct berth_rootfs_opts none = {0};
    struct run r = {
        .ctx = ctx,
        .ops = ctx->ops,
        .c = c,
        .opts = opts != NULL ? opts : &none,
        .rootfd = -1,
    };
    int ret = 0;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && ret >= 0; i++) {
        berth_log(ctx, BERTH_LOG_DEBUG, "rootfs: %s", steps[i].name);
        if (steps[i].run(&r, err) < 0) {
            /* A before_pivot callback may forget the contract. */
            if (*err == NULL)
                berth_error_new(err, 0, "rootfs: %s failed", steps[i].name);
            ret = berth_error_code(*err);
        }
    }
    berth_sysops_closep(r.ops, &r.rootfd);
    return ret;
}
