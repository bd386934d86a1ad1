/* The real syscall table. Wrappers exist only where glibc 2.36 has no
 * function for the syscall (pivot_root, openat2, the new mount API). */
#include "sysops.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static int sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
    return openat(dirfd, path, flags, mode);
}

static int sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
    return (int)syscall(SYS_openat2, dirfd, path, how, size);
}

static int sys_open_tree(int dirfd, const char *path, unsigned int flags)
{
    return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static int sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path,
                          unsigned int flags)
{
    return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

static int sys_mount_setattr(int dirfd, const char *path, unsigned int flags,
                             struct mount_attr *attr, size_t size)
{
    return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
}

static int sys_umask(mode_t mask)
{
    return (int)umask(mask);
}

const struct berth_sysops berth_sysops_linux = {
    .mount = mount,
    .umount2 = umount2,
    .pivot_root = sys_pivot_root,
    .chroot = chroot,
    .chdir = chdir,
    .fchdir = fchdir,
    .mknodat = mknodat,
    .mkdirat = mkdirat,
    .symlinkat = symlinkat,
    .openat = sys_openat,
    .openat2 = sys_openat2,
    .close = close,
    .fchownat = fchownat,
    .fchmodat = fchmodat,
    .setns = setns,
    .unshare = unshare,
    .sethostname = sethostname,
    .setdomainname = setdomainname,
    .open_tree = sys_open_tree,
    .move_mount = sys_move_mount,
    .mount_setattr = sys_mount_setattr,
    .fstatat = fstatat,
    .fstatfs = fstatfs,
    .unlinkat = unlinkat,
    .umask = sys_umask,
};
