/* The syscalls that set up a container's mounts, devices and namespaces go
 * through this table, so rootfs/mount/device code is unit-tested without
 * root: tests inject the recording fake from sysops_fake.h.
 *
 * One X-macro list generates the struct, the real Linux table and the fake,
 * so a fake can never be partial. X(ret, name, params, args). */
#ifndef BERTH_SYSOPS_H
#define BERTH_SYSOPS_H

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

struct mount_attr;
struct open_how;
struct stat;
struct statfs;

#define BERTH_SYSOPS(X)                                                                            \
    X(int, mount,                                                                                  \
      (const char *source, const char *target, const char *fstype, unsigned long flags,            \
       const void *data),                                                                          \
      (source, target, fstype, flags, data))                                                       \
    X(int, umount2, (const char *target, int flags), (target, flags))                              \
    X(int, pivot_root, (const char *new_root, const char *put_old), (new_root, put_old))           \
    X(int, chroot, (const char *path), (path))                                                     \
    X(int, chdir, (const char *path), (path))                                                      \
    X(int, fchdir, (int fd), (fd))                                                                 \
    X(int, mknodat, (int dirfd, const char *path, mode_t mode, dev_t dev),                         \
      (dirfd, path, mode, dev))                                                                    \
    X(int, mkdirat, (int dirfd, const char *path, mode_t mode), (dirfd, path, mode))               \
    X(int, symlinkat, (const char *target, int dirfd, const char *linkpath),                       \
      (target, dirfd, linkpath))                                                                   \
    X(int, openat, (int dirfd, const char *path, int flags, mode_t mode),                          \
      (dirfd, path, flags, mode))                                                                  \
    X(int, openat2, (int dirfd, const char *path, struct open_how *how, size_t size),              \
      (dirfd, path, how, size))                                                                    \
    X(int, close, (int fd), (fd))                                                                  \
    X(int, fchownat, (int dirfd, const char *path, uid_t uid, gid_t gid, int flags),               \
      (dirfd, path, uid, gid, flags))                                                              \
    X(int, fchmodat, (int dirfd, const char *path, mode_t mode, int flags),                        \
      (dirfd, path, mode, flags))                                                                  \
    X(int, setns, (int fd, int nstype), (fd, nstype))                                              \
    X(int, unshare, (int flags), (flags))                                                          \
    X(int, sethostname, (const char *name, size_t len), (name, len))                               \
    X(int, setdomainname, (const char *name, size_t len), (name, len))                             \
    X(int, open_tree, (int dirfd, const char *path, unsigned int flags), (dirfd, path, flags))     \
    X(int, move_mount,                                                                             \
      (int from_dirfd, const char *from_path, int to_dirfd, const char *to_path,                   \
       unsigned int flags),                                                                        \
      (from_dirfd, from_path, to_dirfd, to_path, flags))                                           \
    X(int, mount_setattr,                                                                          \
      (int dirfd, const char *path, unsigned int flags, struct mount_attr *attr, size_t size),     \
      (dirfd, path, flags, attr, size))                                                            \
    X(int, fstatat, (int dirfd, const char *path, struct stat *st, int flags),                     \
      (dirfd, path, st, flags))                                                                    \
    X(int, fstatfs, (int fd, struct statfs *st), (fd, st))                                         \
    X(int, unlinkat, (int dirfd, const char *path, int flags), (dirfd, path, flags))               \
    X(int, umask, (mode_t mask), (mask)) /* returns the previous mask, never fails */

#define BERTH_SYSOP_MEMBER(ret, name, params, args) ret(*name) params;
struct berth_sysops {
    BERTH_SYSOPS(BERTH_SYSOP_MEMBER)
};
#undef BERTH_SYSOP_MEMBER

/* The table that calls the kernel. */
extern const struct berth_sysops berth_sysops_linux;

/* Closes *fd through the table (so a fake sees every close), keeps errno and
 * leaves -1 behind; a no-op for fd < 0. */
static inline void berth_sysops_closep(const struct berth_sysops *ops, int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        ops->close(*fd);
        *fd = -1;
        errno = saved;
    }
}

#endif
