/* Device nodes and /dev symlinks. Nodes in the same directory (nearly all
 * are in /dev) share one directory fd, so a default /dev costs one mknodat
 * per node plus a handful of calls. */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../runtime/cleanup.h"
#include "safe_path.h"

struct dev {
    const char *path;
    char type;
    unsigned major, minor;
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

/* The defaults runc and crun give every container. */
static const struct dev default_devs[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/random", 'c', 1, 8, 0666, 0, 0},
    {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
};

/* The directory fd of the last node's parent, reused while it matches. */
struct dircache {
    const struct berth_sysops *ops;
    int rootfd;
    char *dir;
    int fd;
};

static void dircache_free(struct dircache *d)
{
    free(d->dir);
    berth_sysops_closep(d->ops, &d->fd);
}

static int dircache_get(struct dircache *d, const char *dir, size_t len, berth_error **err)
{
    if (d->dir != NULL && strlen(d->dir) == len && strncmp(d->dir, dir, len) == 0)
        return d->fd;
    dircache_free(d);
    d->dir = strndup(dir, len);
    if (d->dir == NULL)
        return berth_error_new(err, ENOMEM, "device directory");
    d->fd = berth_safe_open_at(d->ops, d->rootfd, d->dir[0] ? d->dir : "/", BERTH_SAFE_MKDIR, err);
    return d->fd;
}

static mode_t type_bits(char type)
{
    switch (type) {
    case 'b': return S_IFBLK;
    case 'p': return S_IFIFO;
    default: /* 'c' and 'u' */ return S_IFCHR;
    }
}

static int bind_node(const struct berth_sysops *ops, int dirfd, const char *name,
                     const struct dev *d, berth_error **err)
{
    int fd = ops->openat(dirfd, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0)
        return berth_error_new(err, errno, "openat `%s` (O_CREAT)", d->path);
    char target[BERTH_FD_PATH_LEN];
    int r = 0;
    if (ops->mount(d->path, berth_fd_path(target, fd), "bind", MS_BIND, NULL) < 0)
        r = berth_error_new(err, errno, "mount `%s` to `%s` (type bind)", d->path, d->path);
    berth_sysops_closep(ops, &fd);
    return r;
}

static int create_node(struct dircache *dc, const struct dev *d, bool bind, berth_error **err)
{
    const char *slash = strrchr(d->path, '/');
    const char *name = slash != NULL ? slash + 1 : d->path;
    if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return berth_error_new(err, EINVAL, "device `%s`: not a file path", d->path);
    int dirfd = dircache_get(dc, d->path, slash != NULL ? (size_t)(slash - d->path) : 0, err);
    if (dirfd < 0)
        return berth_error_wrap(err, "device `%s`", d->path);
    const struct berth_sysops *ops = dc->ops;
    if (bind)
        return bind_node(ops, dirfd, name, d, err);
    dev_t dev = d->type == 'p' ? 0 : makedev(d->major, d->minor);
    if (ops->mknodat(dirfd, name, type_bits(d->type) | (d->mode & 07777), dev) < 0) {
        if (errno == EEXIST)
            return 0;
        if (errno == EPERM)
            return bind_node(ops, dirfd, name, d, err);
        return berth_error_new(err, errno, "mknodat `%s`", d->path);
    }
    if ((d->uid != 0 || d->gid != 0) &&
        ops->fchownat(dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return berth_error_new(err, errno, "fchownat `%s` %u:%u", d->path, d->uid, d->gid);
    return 0;
}

static struct dev from_config(const berth_device_config *c)
{
    return (struct dev){
        .path = c->path,
        .type = c->type,
        .major = (unsigned)c->major,
        .minor = (unsigned)c->minor,
        .mode = c->has_file_mode ? (mode_t)(c->file_mode & 07777) : 0666,
        .uid = c->has_uid ? c->uid : 0,
        .gid = c->has_gid ? c->gid : 0,
    };
}

static bool configured(const berth_config *c, const char *path)
{
    for (size_t i = 0; i < c->n_devices; i++)
        if (strcmp(c->devices[i].path, path) == 0)
            return true;
    return false;
}

static int create_all(struct dircache *dc, const berth_config *c, bool bind, berth_error **err)
{
    for (size_t i = 0; i < c->n_devices; i++) {
        struct dev d = from_config(&c->devices[i]);
        if (create_node(dc, &d, bind, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(default_devs); i++)
        if (!configured(c, default_devs[i].path) &&
            create_node(dc, &default_devs[i], bind, err) < 0)
            return -1;
    return 0;
}

int berth_devices_create(const struct berth_context *ctx, const berth_config *c, int rootfd,
                         bool bind, berth_error **err)
{
    struct dircache dc = {.ops = ctx->ops, .rootfd = rootfd, .fd = -1};
    /* The configured modes are meant exactly; mknod applies the umask. */
    int old = ctx->ops->umask(0);
    int r = create_all(&dc, c, bind, err);
    ctx->ops->umask((mode_t)old);
    dircache_free(&dc);
    return r < 0 ? berth_error_code(*err) : 0;
}

static const char *const dev_links[][2] = {
    {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
};

/* An existing entry is kept, except ptmx: an image's own /dev/ptmx node
 * would bypass the container's devpts instance. */
static int link_one(const struct berth_sysops *ops, int devfd, const char *target, const char *name,
                    berth_error **err)
{
    if (ops->symlinkat(target, devfd, name) == 0)
        return 0;
    if (errno != EEXIST)
        return berth_error_new(err, errno, "symlinkat `/dev/%s` -> `%s`", name, target);
    if (strcmp(name, "ptmx") != 0)
        return 0;
    if (ops->unlinkat(devfd, name, 0) < 0 || ops->symlinkat(target, devfd, name) < 0)
        return berth_error_new(err, errno, "replace `/dev/%s` by a symlink", name);
    return 0;
}

int berth_dev_symlinks_create(const struct berth_context *ctx, int rootfd, berth_error **err)
{
    const struct berth_sysops *ops = ctx->ops;
    int devfd = berth_safe_open_at(ops, rootfd, "/dev", BERTH_SAFE_MKDIR, err);
    if (devfd < 0)
        return devfd;
    int r = 0;
    for (size_t i = 0; i < ARRAY_SIZE(dev_links) && r >= 0; i++)
        r = link_one(ops, devfd, dev_links[i][0], dev_links[i][1], err);
    struct stat st;
    if (r >= 0 && ops->fstatat(AT_FDCWD, "/proc/kcore", &st, 0) == 0)
        r = link_one(ops, devfd, "/proc/kcore", "core", err);
    berth_sysops_closep(ops, &devfd);
    return r;
}
