/* Device nodes and /dev symlinks, against the fake (whose mknodat makes an
 * empty file) and a temp rootfs. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/devices.h"
#include "namespaces/sysops_fake.h"
#include "namespaces/tmptree_fake.h"

static char *tree;
static int rootfd = -1;
static berth_config cfg;
static struct berth_context ctx = {.ops = &berth_sysops_fake};

static void setup(void)
{
    tree = berth_tmptree_new();
    berth_tmptree_mkdir(tree, "rootfs/dev");
    char *root = NULL;
    cr_assert_gt(asprintf(&root, "%s/rootfs", tree), 0);
    rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(rootfd, 0);
    free(root);
    berth_fake_reset();
    umask(022);
}

static void teardown(void)
{
    close(rootfd);
    berth_tmptree_remove(tree);
    berth_fake_reset();
}

TestSuite(devices, .init = setup, .fini = teardown);

static int create(bool bind, berth_error **err)
{
    int r = berth_devices_create(&ctx, &cfg, rootfd, bind, err);
    cr_assert_eq(berth_fake_open_fds(), 0, "fd leaked:\n%s", berth_fake_log());
    return r;
}

Test(devices, defaults_with_their_numbers_mode_and_umask_cleared)
{
    berth_error *err = NULL;
    cr_assert_eq(create(false, &err), 0, "%s", err ? err->msg : "");
    static const struct {
        const char *name;
        const char *dev;
    } defaults[] = {{"null", "0x103"},   {"zero", "0x105"},    {"full", "0x107"},
                    {"random", "0x108"}, {"urandom", "0x109"}, {"tty", "0x500"}};
    char want[1024];
    int n = snprintf(want, sizeof(want),
                     "umask(0)\nopenat2(%d,dev,{flags=0x280000,resolve=0x12},0x18)\n", rootfd);
    for (size_t i = 0; i < 6; i++) {
        n += snprintf(want + n, sizeof(want) - (size_t)n, "mknodat(@dev,%s,020666,%s)\n",
                      defaults[i].name, defaults[i].dev);
        char rel[32];
        snprintf(rel, sizeof(rel), "rootfs/dev/%s", defaults[i].name);
        cr_assert_eq(berth_tmptree_kind(tree, rel), 'f', "%s missing", rel);
    }
    snprintf(want + n, sizeof(want) - (size_t)n, "umask(022)\nclose(@dev)\n");
    cr_assert_str_eq(berth_fake_log(), want);
    mode_t now = umask(022);
    cr_assert_eq(now, 022, "umask not restored");
}

Test(devices, configured_devices_override_defaults_and_are_chowned)
{
    berth_device_config devs[] = {
        {.path = "/dev/null",
         .type = 'c',
         .major = 1,
         .minor = 3,
         .file_mode = 0600,
         .has_file_mode = true},
        {.path = "/dev/sda",
         .type = 'b',
         .major = 8,
         .minor = 0,
         .uid = 1000,
         .has_uid = true,
         .gid = 6,
         .has_gid = true},
        {.path = "/dev/net/tun", .type = 'c', .major = 10, .minor = 200},
        {.path = "/dev/fifo", .type = 'p'},
    };
    cfg.devices = devs;
    cfg.n_devices = 4;
    berth_error *err = NULL;
    cr_assert_eq(create(false, &err), 0, "%s", err ? err->msg : "");
    cr_assert_eq(berth_fake_count("mknodat"), 4 + 5, "null must not be made twice");
    cr_assert_geq(berth_fake_find("mknodat(@dev,null,020600,0x103)", 0), 0, "%s", berth_fake_log());
    cr_assert_geq(berth_fake_find("mknodat(@dev,sda,060666,0x800)", 0), 0);
    cr_assert_geq(berth_fake_find("fchownat(@dev,sda,01750,06,256)", 0), 0, "%s", berth_fake_log());
    cr_assert_eq(berth_fake_count("fchownat"), 1, "root-owned nodes need no chown");
    cr_assert_geq(berth_fake_find("mknodat(@dev/net,tun,020666,0xac8)", 0), 0);
    cr_assert_geq(berth_fake_find("mknodat(@dev,fifo,010666,0)", 0), 0);
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/dev/net/tun"), 'f');
}

Test(devices, existing_node_is_kept)
{
    berth_tmptree_file(tree, "rootfs/dev/null");
    berth_error *err = NULL;
    cr_assert_eq(create(false, &err), 0, "%s", err ? err->msg : "");
    cr_assert_eq(berth_fake_call_at(2)->err, EEXIST);
    cr_assert_eq(berth_fake_count("mknodat"), 6);
}

Test(devices, bind_mode_binds_the_host_nodes_onto_empty_files)
{
    berth_error *err = NULL;
    cr_assert_eq(create(true, &err), 0, "%s", err ? err->msg : "");
    cr_assert_eq(berth_fake_count("mknodat"), 0);
    cr_assert_eq(berth_fake_count("mount"), 6);
    long i = berth_fake_find("openat(@dev,tty,", 0);
    cr_assert_geq(i, 0, "%s", berth_fake_log());
    cr_assert_str_eq(berth_fake_call_at(i + 1)->line, "mount(/dev/tty,@tty,bind,0x1000,NULL)");
    cr_assert_str_eq(berth_fake_call_at(i + 2)->line, "close(@tty)");
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/dev/tty"), 'f');
}

Test(devices, mknod_refused_falls_back_to_bind)
{
    berth_fake_fail_call("mknodat", "zero", EPERM);
    berth_error *err = NULL;
    cr_assert_eq(create(false, &err), 0, "%s", err ? err->msg : "");
    cr_assert_geq(berth_fake_find("mount(/dev/zero,@zero,bind,0x1000,NULL)", 0), 0, "%s",
                  berth_fake_log());
    cr_assert_eq(berth_fake_count("mount"), 1);
}

Test(devices, failure_names_the_syscall_the_node_and_the_errno)
{
    berth_fake_fail_call("mknodat", "full", ENOSPC);
    berth_error *err = NULL;
    cr_assert_eq(create(false, &err), -ENOSPC);
    cr_assert_str_eq(err->msg, "mknodat `/dev/full`: No space left on device");
    cr_assert_eq(berth_fake_count("mknodat"), 3, "went on after a failure");
    cr_assert_str_eq(berth_fake_call_at(berth_fake_ncalls() - 2)->line, "umask(022)");
    berth_error_free(&err);
}

Test(devices, path_without_a_name_is_refused)
{
    berth_device_config devs[] = {{.path = "/dev/..", .type = 'c', .major = 1, .minor = 3}};
    cfg.devices = devs;
    cfg.n_devices = 1;
    berth_error *err = NULL;
    cr_assert_eq(create(false, &err), -EINVAL);
    cr_assert_str_eq(err->msg, "device `/dev/..`: not a file path: Invalid argument");
    berth_error_free(&err);
}

static void assert_link(const char *name, const char *target)
{
    char path[512], buf[256];
    snprintf(path, sizeof(path), "%s/rootfs/dev/%s", tree, name);
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    cr_assert_gt(n, 0, "%s is not a symlink", path);
    buf[n] = '\0';
    cr_assert_str_eq(buf, target);
}

Test(devices, dev_symlinks_are_real_and_ptmx_replaces_a_node)
{
    berth_tmptree_file(tree, "rootfs/dev/ptmx");
    berth_tmptree_symlink(tree, "rootfs/dev/stdin", "/elsewhere");
    berth_fake_fail_call("fstatat", "/proc/kcore", ENOENT);
    berth_error *err = NULL;
    cr_assert_eq(berth_dev_symlinks_create(&ctx, rootfd, &err), 0, "%s", err ? err->msg : "");
    assert_link("fd", "/proc/self/fd");
    assert_link("stdin", "/elsewhere"); /* an existing entry is kept */
    assert_link("stdout", "/proc/self/fd/1");
    assert_link("stderr", "/proc/self/fd/2");
    assert_link("ptmx", "pts/ptmx");
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/dev/core"), 0);
    cr_assert_eq(berth_fake_open_fds(), 0);
}

Test(devices, core_links_to_kcore_when_the_host_has_it)
{
    /* The fake's fstatat passes through: the link follows this machine. */
    struct stat st;
    berth_error *err = NULL;
    cr_assert_eq(berth_dev_symlinks_create(&ctx, rootfd, &err), 0, "%s", err ? err->msg : "");
    bool has_kcore = stat("/proc/kcore", &st) == 0;
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/dev/core") == 'l', has_kcore);
    if (has_kcore)
        assert_link("core", "/proc/kcore");
}
