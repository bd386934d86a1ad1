/* One configured mount. The target is resolved inside the rootfs and the
 * mount goes to /proc/self/fd/<fd> (see safe_path.h); only when the options
 * ask for it is the target re-opened (a magic link names the dentry *under*
 * the new mount, so the new mount itself needs a fresh lookup) to remount a
 * bind with its flags, set propagation or recursive attributes. A plain
 * mount costs three syscalls: openat2, mount, close. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "../runtime/cleanup.h"
#include "idmap_mount.h"
#include "mount_options.h"
#include "safe_path.h"

/* Flags a user namespace locks on a mount; a remount must keep them. */
#define LOCKED_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME)

/* One mount in progress. */
struct one {
    const struct berth_context *ctx;
    const berth_mount_config *m;
    int rootfd;
    struct berth_mount_options o;
    char *source; /* binds: absolute (relative ones joined to the bundle) */
    bool bind, file;
    /* Moves a tree the parent made (idmap_mount.h). */
    bool idmapped;
    bool named; /* *err already names the mount */
    int fd;     /* the target, O_PATH */
};

static void one_free(struct one *x)
{
    berth_mount_options_free(&x->o);
    free(x->source);
    berth_sysops_closep(x->ctx->ops, &x->fd);
}

static const char *type_text(const struct one *x)
{
    return x->m->type != NULL ? x->m->type : x->bind ? "bind" : "none";
}

/* A new error for a failed mount(2), or the wrapped error of an inner step:
 * either way the message names the mount as the user wrote it, once. */
static int fail(struct one *x, int errnum, berth_error **err)
{
    const berth_mount_config *m = x->m;
    const char *src = m->source != NULL ? m->source : "none";
    if (x->named)
        return berth_error_code(*err);
    x->named = true;
    if (*err != NULL)
        return berth_error_wrap(err, "mount `%s` to `%s` (type %s)", src, m->destination,
                                type_text(x));
    return berth_error_new(err, errnum, "mount `%s` to `%s` (type %s)", src, m->destination,
                           type_text(x));
}

static bool has_option(const berth_mount_config *m, const char *a, const char *b)
{
    for (size_t i = 0; i < m->n_options; i++)
        if (strcmp(m->options[i], a) == 0 || strcmp(m->options[i], b) == 0)
            return true;
    return false;
}

bool berth_mount_is_bind(const berth_mount_config *m)
{
    return (m->type != NULL && strcmp(m->type, "bind") == 0) || has_option(m, "bind", "rbind");
}

bool berth_mount_is_dev(const berth_mount_config *m)
{
    const char *d = m->destination;
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        n--;
    return n == 4 && strncmp(d, "/dev", 4) == 0;
}

static bool type_is(const struct one *x, const char *t)
{
    return x->m->type != NULL && strcmp(x->m->type, t) == 0;
}

/* A bind source relative to the bundle is joined to it, as runc does; its
 * type decides whether the target is a directory or a file. */
int berth_mount_source_path(const berth_config *c, const berth_mount_config *m, char **ret,
                            berth_error **err)
{
    const char *src = m->source != NULL ? m->source : "";
    int r = src[0] == '/' || c->bundle == NULL ? asprintf(ret, "%s", src)
                                               : asprintf(ret, "%s/%s", c->bundle, src);
    if (r < 0) {
        *ret = NULL;
        return berth_error_new(err, ENOMEM, "bind source");
    }
    return 0;
}

static int resolve_bind_source(struct one *x, const berth_config *c, berth_error **err)
{
    if (berth_mount_source_path(c, x->m, &x->source, err) < 0)
        return -1;
    struct stat st;
    if (x->ctx->ops->fstatat(AT_FDCWD, x->source, &st, 0) < 0)
        return berth_error_new(err, errno, "fstatat `%s`", x->source);
    x->file = !S_ISDIR(st.st_mode);
    return 0;
}

/* devpts gets its own instance and a usable ptmx even when the config
 * forgets to say so, as runc's default spec does. */
static int devpts_data(struct one *x, berth_error **err)
{
    static const char *const wanted[][2] = {{"newinstance", "newinstance"},
                                            {"ptmxmode=", "ptmxmode=0666"}};
    for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
        const char *d = x->o.data != NULL ? x->o.data : "";
        if (strstr(d, wanted[i][0]) != NULL)
            continue;
        char *n = NULL;
        if (asprintf(&n, "%s%s%s", d, d[0] ? "," : "", wanted[i][1]) < 0)
            return berth_error_new(err, ENOMEM, "devpts options");
        free(x->o.data);
        x->o.data = n;
    }
    return 0;
}

/* cgroup2 needs a cgroup namespace or host-level rights; where the kernel
 * refuses, the host's hierarchy is bound read-only instead (runc does the
 * same). sysfs fails with EPERM in a user namespace without its own network
 * namespace; crun and runc then bind the host's /sys. */
static const char *fallback_source(const struct one *x, int errnum)
{
    bool cgroup = type_is(x, "cgroup") || type_is(x, "cgroup2");
    if (cgroup && (errnum == EPERM || errnum == EBUSY || errnum == ENODEV))
        return "/sys/fs/cgroup";
    if (type_is(x, "sysfs") && errnum == EPERM)
        return "/sys";
    return NULL;
}

static int mount_fallback(struct one *x, const char *target, const char *src, berth_error **err)
{
    if (x->ctx->ops->mount(src, target, NULL, MS_BIND | MS_REC, NULL) < 0)
        return fail(x, errno, err);
    x->bind = true;
    x->o.flags |= MS_BIND | MS_REC | MS_RDONLY;
    return 0;
}

static int do_mount(struct one *x, berth_error **err)
{
    char target[BERTH_FD_PATH_LEN];
    berth_fd_path(target, x->fd);
    const struct berth_sysops *ops = x->ctx->ops;
    if (x->bind) {
        if (ops->mount(x->source, target, x->m->type, x->o.flags & (MS_BIND | MS_REC), NULL) < 0)
            return fail(x, errno, err);
        return 0;
    }
    bool cgroup = type_is(x, "cgroup") || type_is(x, "cgroup2");
    const char *type = cgroup ? "cgroup2" : x->m->type;
    const char *src = cgroup ? "cgroup2" : x->m->source != NULL ? x->m->source : type;
    unsigned long flags = x->o.flags;
    /* A read-only /dev is made so by the rootfs sequence after the device
     * nodes exist in it, as runc does. */
    if (berth_mount_is_dev(x->m))
        flags &= ~(unsigned long)MS_RDONLY;
    if (ops->mount(src, target, type, flags, x->o.data) == 0)
        return 0;
    int errnum = errno;
    const char *fb = fallback_source(x, errnum);
    if (fb == NULL)
        return fail(x, errnum, err);
    berth_log(x->ctx, BERTH_LOG_DEBUG, "mount %s on %s: %s; binding %s instead", type,
              x->m->destination, strerror(errnum), fb);
    return mount_fallback(x, target, fb, err);
}

int berth_mount_remount_fd(const struct berth_sysops *ops, int fd, unsigned long flags,
                           berth_error **err)
{
    char target[BERTH_FD_PATH_LEN];
    berth_fd_path(target, fd);
    flags |= MS_REMOUNT | MS_BIND;
    if (ops->mount(NULL, target, NULL, flags, NULL) == 0)
        return 0;
    if (errno != EPERM)
        return berth_error_new(err, errno, "mount MS_REMOUNT|MS_BIND %#lx", flags);
    struct statfs st;
    if (ops->fstatfs(fd, &st) < 0)
        return berth_error_new(err, errno, "fstatfs");
    unsigned long locked = (unsigned long)st.f_flags & LOCKED_FLAGS;
    if ((flags | locked) == flags || ops->mount(NULL, target, NULL, flags | locked, NULL) < 0)
        return berth_error_new(err, EPERM, "mount MS_REMOUNT|MS_BIND %#lx", flags | locked);
    return 0;
}

/* The MS_* equivalent of the MOUNT_ATTR_* bits being set. */
static unsigned long attr_to_flags(uint64_t set, uint64_t clr)
{
    static const struct {
        uint64_t attr;
        unsigned long flag;
    } map[] = {
        {MOUNT_ATTR_RDONLY, MS_RDONLY},         {MOUNT_ATTR_NOSUID, MS_NOSUID},
        {MOUNT_ATTR_NODEV, MS_NODEV},           {MOUNT_ATTR_NOEXEC, MS_NOEXEC},
        {MOUNT_ATTR_NODIRATIME, MS_NODIRATIME}, {MOUNT_ATTR_NOSYMFOLLOW, MS_NOSYMFOLLOW},
    };
    unsigned long flags = 0;
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (set & map[i].attr)
            flags |= map[i].flag;
    if (clr & MOUNT_ATTR__ATIME) {
        uint64_t atime = set & MOUNT_ATTR__ATIME;
        flags |= atime == MOUNT_ATTR_NOATIME       ? MS_NOATIME
                 : atime == MOUNT_ATTR_STRICTATIME ? MS_STRICTATIME
                                                   : MS_RELATIME;
    }
    return flags;
}

int berth_mount_setattr_fd(const struct berth_context *ctx, int fd, uint64_t set, uint64_t clr,
                           bool recursive, unsigned long base_flags, berth_error **err)
{
    struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
    unsigned int at = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (ctx->ops->mount_setattr(fd, "", at, &attr, sizeof(attr)) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL)
        return berth_error_new(err, errno, "mount_setattr set=%#llx clr=%#llx",
                               (unsigned long long)set, (unsigned long long)clr);
    berth_log(ctx, BERTH_LOG_DEBUG, "mount_setattr: %s; remounting without recursion",
              strerror(errno));
    return berth_mount_remount_fd(ctx->ops, fd, base_flags | attr_to_flags(set, clr), err);
}

static int apply_propagation(struct one *x, int fd, berth_error **err)
{
    char target[BERTH_FD_PATH_LEN];
    berth_fd_path(target, fd);
    for (size_t i = 0; i < x->o.n_propagation; i++)
        if (x->ctx->ops->mount(NULL, target, NULL, x->o.propagation[i], NULL) < 0)
            return berth_error_new(err, errno, "mount propagation %#lx", x->o.propagation[i]);
    return 0;
}

/* What needs the new mount itself: a bind's own flags (the bind ignored
 * them), propagation, recursive attributes. runc's order. */
static int after_mount(struct one *x, berth_error **err)
{
    unsigned long own = x->o.flags & ~(unsigned long)(MS_REC | MS_REMOUNT | MS_BIND);
    bool remount = x->bind && own != 0, attrs = berth_mount_options_has_attr(&x->o);
    if (!remount && x->o.n_propagation == 0 && !attrs)
        return 0;
    int fd = berth_safe_open_at(x->ctx->ops, x->rootfd, x->m->destination, BERTH_SAFE_LOOKUP, err);
    if (fd < 0)
        return fd;
    int r = 0;
    if (remount)
        r = berth_mount_remount_fd(x->ctx->ops, fd, own, err);
    if (r >= 0)
        r = apply_propagation(x, fd, err);
    if (r >= 0 && attrs)
        r = berth_mount_setattr_fd(x->ctx, fd, x->o.attr_set, x->o.attr_clr, true, own, err);
    berth_sysops_closep(x->ctx->ops, &fd);
    return r;
}

/* An idmapped bind: the parent prepared the detached tree (idmap_mount.h);
 * it is moved onto the target, then gets the bind's own flags. */
static int move_tree(struct one *x, const berth_config *c, int tree_fd, berth_error **err)
{
    if (tree_fd < 0)
        return berth_error_new(err, EOPNOTSUPP, "idmapped mounts: no prepared mount tree");
    if (resolve_bind_source(x, c, err) < 0)
        return -1;
    x->fd = berth_safe_open_at(x->ctx->ops, x->rootfd, x->m->destination,
                               x->file ? BERTH_SAFE_MKFILE : BERTH_SAFE_MKDIR, err);
    if (x->fd < 0)
        return -1;
    if (x->ctx->ops->move_mount(tree_fd, "", x->fd, "",
                                MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return berth_error_new(err, errno, "move_mount of the idmapped tree");
    berth_sysops_closep(x->ctx->ops, &x->fd);
    return after_mount(x, err);
}

static int apply(struct one *x, const berth_config *c, int tree_fd, berth_error **err)
{
    if (x->idmapped)
        return move_tree(x, c, tree_fd, err);
    if (x->bind && resolve_bind_source(x, c, err) < 0)
        return -1;
    if (type_is(x, "devpts") && devpts_data(x, err) < 0)
        return -1;
    x->fd = berth_safe_open_at(x->ctx->ops, x->rootfd, x->m->destination,
                               x->file ? BERTH_SAFE_MKFILE : BERTH_SAFE_MKDIR, err);
    if (x->fd < 0 || do_mount(x, err) < 0)
        return -1;
    berth_sysops_closep(x->ctx->ops, &x->fd);
    return after_mount(x, err);
}

int berth_mount_apply(const struct berth_context *ctx, const berth_config *c, int rootfd,
                      const berth_mount_config *m, int tree_fd, berth_error **err)
{
    struct one x = {.ctx = ctx, .m = m, .rootfd = rootfd, .fd = -1};
    x.bind = berth_mount_is_bind(m);
    x.idmapped = berth_mount_idmapped_p(m);
    int r = berth_mount_options_parse(m->options, m->n_options, &x.o, err);
    if (r >= 0 && x.bind)
        x.o.flags |= MS_BIND;
    if (r >= 0)
        r = apply(&x, c, tree_fd, err);
    if (r < 0)
        r = fail(&x, 0, err);
    one_free(&x);
    return r < 0 ? r : 0;
}
