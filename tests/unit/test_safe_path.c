/* Path resolution confined to a rootfs, against a real temp tree: symlinks
 * and ".." must never take a lookup or a creation out of it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/safe_path.h"
#include "namespaces/sysops_fake.h"
#include "namespaces/tmptree_fake.h"

static char *tree; /* the temp dir: rootfs/ and host/ (stands for the host's "/") */
static char *rootfs;
static int rootfd = -1;

static void setup(void)
{
    tree = berth_tmptree_new();
    berth_tmptree_mkdir(tree, "rootfs/etc");
    berth_tmptree_mkdir(tree, "host/etc");
    cr_assert_gt(asprintf(&rootfs, "%s/rootfs", tree), 0);
    berth_fake_reset();
    berth_fake_alias(tree, "$T");
    /* Through the fake, so that its logs name the fd. */
    rootfd = berth_sysops_fake.openat(AT_FDCWD, rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    cr_assert_geq(rootfd, 0);
}

/* The log after setup's own openat. */
static const char *log_since_setup(void)
{
    const char *log = berth_fake_log();
    return strchr(log, '\n') + 1;
}

static void teardown(void)
{
    berth_sysops_fake.close(rootfd);
    free(rootfs);
    berth_tmptree_remove(tree);
    berth_fake_reset();
}

TestSuite(safe_path, .init = setup, .fini = teardown);

/* The fd must be the very inode at tree/rel. */
static void assert_fd_is(int fd, const char *rel)
{
    struct stat a, b;
    char *p = NULL;
    cr_assert_gt(asprintf(&p, "%s/%s", tree, rel), 0);
    cr_assert_eq(fstat(fd, &a), 0);
    cr_assert_eq(lstat(p, &b), 0, "%s missing", p);
    cr_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "fd is not %s", p);
    free(p);
}

static int open_at(const char *path, enum berth_safe_create create)
{
    berth_error *err = NULL;
    int fd = berth_safe_open_at(&berth_sysops_linux, rootfd, path, create, &err);
    cr_assert_geq(fd, 0, "%s: %s", path, err ? err->msg : "");
    cr_assert_null(err);
    return fd;
}

Test(safe_path, existing_directory_is_opened_o_path)
{
    int fd = open_at("/etc", BERTH_SAFE_LOOKUP);
    assert_fd_is(fd, "rootfs/etc");
    cr_assert(fcntl(fd, F_GETFL) & O_PATH);
    cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    close(fd);
}

Test(safe_path, root_itself)
{
    int fd = open_at("/", BERTH_SAFE_LOOKUP);
    assert_fd_is(fd, "rootfs");
    close(fd);
}

Test(safe_path, missing_components_are_created_as_directories)
{
    int fd = open_at("/a/b//c/", BERTH_SAFE_MKDIR);
    assert_fd_is(fd, "rootfs/a/b/c");
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/a/b/c"), 'd');
    close(fd);
}

Test(safe_path, file_target_is_created_as_an_empty_file)
{
    int fd = open_at("/etc/resolv.conf", BERTH_SAFE_MKFILE);
    assert_fd_is(fd, "rootfs/etc/resolv.conf");
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/etc/resolv.conf"), 'f');
    close(fd);
    /* Already there: opened, not recreated. */
    fd = open_at("/etc/resolv.conf", BERTH_SAFE_MKFILE);
    assert_fd_is(fd, "rootfs/etc/resolv.conf");
    close(fd);
}

Test(safe_path, absolute_symlink_stays_inside_the_rootfs)
{
    char *host_etc = NULL;
    cr_assert_gt(asprintf(&host_etc, "%s/host/etc", tree), 0);
    /* Even a link spelled with the real host path resolves under the root. */
    berth_tmptree_symlink(tree, "rootfs/evil", "/etc");
    berth_tmptree_symlink(tree, "rootfs/evil2", host_etc);
    int fd = open_at("/evil/x", BERTH_SAFE_MKDIR);
    assert_fd_is(fd, "rootfs/etc/x");
    close(fd);
    cr_assert_eq(access("/etc/x", F_OK), -1, "created on the real /etc");
    /* Inside the root, the host path does not exist: a dangling link. */
    berth_error *err = NULL;
    fd = berth_safe_open_at(&berth_sysops_linux, rootfd, "/evil2/y", BERTH_SAFE_MKDIR, &err);
    cr_assert_eq(fd, -ENOENT);
    cr_assert_eq(berth_tmptree_kind(tree, "host/etc/y"), 0, "created on the host path");
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/evil2"), 'l');
    berth_error_free(&err);
    free(host_etc);
}

Test(safe_path, dotdot_in_the_path_and_in_symlinks_is_clamped)
{
    int fd = open_at("/../../../etc", BERTH_SAFE_LOOKUP);
    assert_fd_is(fd, "rootfs/etc");
    close(fd);
    berth_tmptree_symlink(tree, "rootfs/etc/up", "../../../../../..");
    fd = open_at("/etc/up/host/etc/z", BERTH_SAFE_MKDIR);
    assert_fd_is(fd, "rootfs/host/etc/z");
    cr_assert_eq(berth_tmptree_kind(tree, "host/etc/z"), 0, "escaped through ..");
    close(fd);
}

Test(safe_path, symlink_in_the_middle_of_creation_is_followed_inside)
{
    berth_tmptree_symlink(tree, "rootfs/var/run", "/run");
    berth_tmptree_mkdir(tree, "rootfs/run");
    int fd = open_at("/var/run/lock/x", BERTH_SAFE_MKDIR);
    assert_fd_is(fd, "rootfs/run/lock/x");
    close(fd);
}

Test(safe_path, dangling_symlink_on_the_way_is_an_error)
{
    berth_tmptree_symlink(tree, "rootfs/var/run", "/run");
    berth_error *err = NULL;
    int fd =
        berth_safe_open_at(&berth_sysops_linux, rootfd, "/var/run/lock", BERTH_SAFE_MKDIR, &err);
    cr_assert_eq(fd, -ENOENT);
    cr_assert_str_eq(err->msg, "openat2 `var/run` in rootfs (dangling symlink?): "
                               "No such file or directory");
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/run"), 0, "the link target was created");
    berth_error_free(&err);
}

Test(safe_path, dangling_symlink_as_file_target_is_refused)
{
    char *host_file = NULL;
    cr_assert_gt(asprintf(&host_file, "%s/host/etc/passwd", tree), 0);
    berth_tmptree_symlink(tree, "rootfs/etc/hosts", host_file);
    berth_error *err = NULL;
    int fd = berth_safe_open_at(&berth_sysops_linux, rootfd, "/etc/hosts", BERTH_SAFE_MKFILE, &err);
    cr_assert_lt(fd, 0);
    cr_assert_not_null(err);
    cr_assert_eq(err->errnum, EEXIST, "%s", err->msg);
    cr_assert(strstr(err->msg, "openat `etc/hosts`") != NULL, "%s", err->msg);
    cr_assert_eq(berth_tmptree_kind(tree, "host/etc/passwd"), 0, "created through the link");
    berth_error_free(&err);
    free(host_file);
}

Test(safe_path, lookup_of_a_missing_path_is_enoent)
{
    berth_error *err = NULL;
    int fd = berth_safe_open_at(&berth_sysops_linux, rootfd, "/nope/x", BERTH_SAFE_LOOKUP, &err);
    cr_assert_eq(fd, -ENOENT);
    cr_assert_eq(err->errnum, ENOENT);
    cr_assert_str_eq(err->msg, "openat2 `nope/x` in rootfs: No such file or directory");
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/nope"), 0, "lookup created something");
    berth_error_free(&err);
}

Test(safe_path, existing_path_costs_one_syscall)
{
    berth_error *err = NULL;
    int fd = berth_safe_open_at(&berth_sysops_fake, rootfd, "/etc", BERTH_SAFE_MKDIR, &err);
    cr_assert_geq(fd, 0);
    cr_assert_eq(berth_fake_ncalls(), 2);
    cr_assert_str_eq(log_since_setup(),
                     "openat2(@$T/rootfs,etc,{flags=0x280000,resolve=0x12},0x18)\n");
    berth_sysops_fake.close(fd);
}

Test(safe_path, one_missing_component_costs_four_syscalls_and_a_close)
{
    berth_error *err = NULL;
    int fd = berth_safe_open_at(&berth_sysops_fake, rootfd, "/etc/new", BERTH_SAFE_MKDIR, &err);
    cr_assert_geq(fd, 0);
    cr_assert_str_eq(log_since_setup(),
                     "openat2(@$T/rootfs,etc/new,{flags=0x280000,resolve=0x12},0x18)\n"
                     "openat2(@$T/rootfs,etc,{flags=0x280000,resolve=0x12},0x18)\n"
                     "mkdirat(@etc,new,0755)\n"
                     "openat2(@$T/rootfs,etc/new,{flags=0x280000,resolve=0x12},0x18)\n"
                     "close(@etc)\n");
    berth_sysops_fake.close(fd);
    cr_assert_eq(berth_fake_open_fds(), 1, "only rootfd is left open");
}

Test(safe_path, failing_mkdirat_names_syscall_path_and_errno_and_leaks_nothing)
{
    berth_fake_fail_call("mkdirat", "b", EROFS);
    berth_error *err = NULL;
    int fd = berth_safe_open_at(&berth_sysops_fake, rootfd, "/a/b/c", BERTH_SAFE_MKDIR, &err);
    cr_assert_eq(fd, -EROFS);
    cr_assert_str_eq(err->msg, "mkdirat `a/b` in rootfs: Read-only file system");
    cr_assert_eq(berth_fake_open_fds(), 1, "an fd leaked:\n%s", berth_fake_log());
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/a"), 'd');
    berth_error_free(&err);
}

Test(safe_path, fd_path)
{
    char buf[BERTH_FD_PATH_LEN];
    cr_assert_str_eq(berth_fd_path(buf, 2147483647), "/proc/self/fd/2147483647");
    cr_assert_str_eq(buf, "/proc/self/fd/2147483647");
}
