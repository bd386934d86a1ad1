/* The whole rootfs sequence against the recording fake and a temp tree:
 * what is called, in which order, what an injected failure reports, and
 * that no fd is left behind. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/rootfs.h"
#include "namespaces/sysops_fake.h"
#include "namespaces/tmptree_fake.h"

static char *tree;
static berth_config *cfg;
static struct berth_context ctx = {.ops = &berth_sysops_fake};

static char **strv(const char *const *v)
{
    size_t n = 0;
    while (v[n] != NULL)
        n++;
    char **out = calloc(n + 1, sizeof(*out));
    for (size_t i = 0; i < n; i++)
        out[i] = strdup(v[i]);
    return out;
}

static size_t strv_len(char **v)
{
    size_t n = 0;
    while (v != NULL && v[n] != NULL)
        n++;
    return n;
}

static void add_mount(const char *dest, const char *type, const char *src, const char *const *opts)
{
    cfg->mounts = realloc(cfg->mounts, (cfg->n_mounts + 1) * sizeof(*cfg->mounts));
    berth_mount_config *m = &cfg->mounts[cfg->n_mounts++];
    memset(m, 0, sizeof(*m));
    m->destination = strdup(dest);
    m->type = type ? strdup(type) : NULL;
    m->source = src ? strdup(src) : NULL;
    m->options = strv(opts);
    m->n_options = strv_len(m->options);
}

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* runc's default spec, plus a bind mount with a bundle-relative source. */
static void typical_mounts(void)
{
    add_mount("/proc", "proc", "proc", (const char *const[]){NULL});
    add_mount("/dev", "tmpfs", "tmpfs", OPTS("nosuid", "strictatime", "mode=755", "size=65536k"));
    add_mount("/dev/pts", "devpts", "devpts",
              OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    add_mount("/dev/shm", "tmpfs", "shm", OPTS("nosuid", "noexec", "nodev", "mode=1777"));
    add_mount("/dev/mqueue", "mqueue", "mqueue", OPTS("nosuid", "noexec", "nodev"));
    add_mount("/sys", "sysfs", "sysfs", OPTS("nosuid", "noexec", "nodev", "ro"));
    add_mount("/sys/fs/cgroup", "cgroup", "cgroup",
              OPTS("nosuid", "noexec", "nodev", "relatime", "ro"));
    add_mount("/data", "bind", "data", OPTS("rbind", "ro"));
}

static void setup(void)
{
    tree = berth_tmptree_new();
    berth_tmptree_mkdir(tree, "rootfs");
    berth_tmptree_mkdir(tree, "data");
    berth_fake_reset();
    berth_fake_alias(tree, "$T");
    /* Deterministic logs: the umask restore and /dev/core do not depend on
     * the machine. */
    umask(022);
    berth_fake_fail_call("fstatat", "/proc/kcore", ENOENT);
    cfg = calloc(1, sizeof(*cfg));
    cfg->bundle = strdup(tree);
    cr_assert_gt(asprintf(&cfg->root_path, "%s/rootfs", tree), 0);
}

static void teardown(void)
{
    berth_tmptree_remove(tree);
    berth_fake_reset();
    /* cfg is left to the process exit: Criterion runs each test alone. */
}

TestSuite(rootfs, .init = setup, .fini = teardown);

static int run(const struct berth_rootfs_opts *opts, berth_error **err)
{
    int r = berth_rootfs_setup(&ctx, cfg, opts, err);
    cr_assert_eq(berth_fake_open_fds(), 0, "fds leaked:\n%s", berth_fake_log());
    return r;
}

/* Runs the sequence and expects success. */
static void expect_ok(const struct berth_rootfs_opts *opts)
{
    berth_error *err = NULL;
    cr_assert_eq(run(opts, &err), 0, "%s", err ? err->msg : "");
}

/* Runs the sequence and expects this failure, message and all. */
static void expect_error(int code, const char *msg)
{
    berth_error *err = NULL;
    cr_assert_eq(run(NULL, &err), code, "%s", err ? err->msg : "no error");
    cr_assert_str_eq(err->msg, msg);
    berth_error_free(&err);
}

static const char typical_log[] =
    "mount(NULL,/,NULL,0x84000,NULL)\n"
    "mount($T/rootfs,$T/rootfs,bind,0x5000,NULL)\n"
    "openat(AT_FDCWD,$T/rootfs,2686976,0)\n"
    "openat2(@$T/rootfs,proc,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(proc,@proc,proc,0,NULL)\n"
    "close(@proc)\n"
    "openat2(@$T/rootfs,dev,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(tmpfs,@dev,tmpfs,0x1000002,mode=755,size=65536k)\n"
    "close(@dev)\n"
    "openat2(@$T/rootfs,dev/pts,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(devpts,@dev/pts,devpts,0xa,newinstance,ptmxmode=0666,mode=0620,gid=5)\n"
    "close(@dev/pts)\n"
    "openat2(@$T/rootfs,dev/shm,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(shm,@dev/shm,tmpfs,0xe,mode=1777)\n"
    "close(@dev/shm)\n"
    "openat2(@$T/rootfs,dev/mqueue,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(mqueue,@dev/mqueue,mqueue,0xe,NULL)\n"
    "close(@dev/mqueue)\n"
    "openat2(@$T/rootfs,sys,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(sysfs,@sys,sysfs,0xf,NULL)\n"
    "close(@sys)\n"
    "openat2(@$T/rootfs,sys/fs/cgroup,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(cgroup2,@sys/fs/cgroup,cgroup2,0x20000f,NULL)\n"
    "close(@sys/fs/cgroup)\n"
    "fstatat(AT_FDCWD,$T/data,buf,0)\n"
    "openat2(@$T/rootfs,data,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount($T/data,@data,bind,0x5000,NULL)\n"
    "close(@data)\n"
    "openat2(@$T/rootfs,data,{flags=0x280000,resolve=0x12},0x18)\n"
    "mount(NULL,@data,NULL,0x1021,NULL)\n"
    "close(@data)\n"
    "umask(0)\n"
    "openat2(@$T/rootfs,dev,{flags=0x280000,resolve=0x12},0x18)\n"
    "mknodat(@dev,null,020666,0x103)\n"
    "mknodat(@dev,zero,020666,0x105)\n"
    "mknodat(@dev,full,020666,0x107)\n"
    "mknodat(@dev,random,020666,0x108)\n"
    "mknodat(@dev,urandom,020666,0x109)\n"
    "mknodat(@dev,tty,020666,0x500)\n"
    "umask(022)\n"
    "close(@dev)\n"
    "openat2(@$T/rootfs,dev,{flags=0x280000,resolve=0x12},0x18)\n"
    "symlinkat(/proc/self/fd,@dev,fd)\n"
    "symlinkat(/proc/self/fd/0,@dev,stdin)\n"
    "symlinkat(/proc/self/fd/1,@dev,stdout)\n"
    "symlinkat(/proc/self/fd/2,@dev,stderr)\n"
    "symlinkat(pts/ptmx,@dev,ptmx)\n"
    "fstatat(AT_FDCWD,/proc/kcore,buf,0)\n"
    "close(@dev)\n"
    "fchdir(@$T/rootfs)\n"
    "pivot_root(.,.)\n"
    "umount2(.,2)\n"
    "chdir(/)\n"
    "close(@$T/rootfs)\n";

/* An image with the usual directories: a plain mount is openat2, mount,
 * close. */
static void image_dirs(void)
{
    const char *dirs[] = {"proc", "dev/pts", "dev/shm", "dev/mqueue", "sys/fs/cgroup", "data"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char rel[64];
        snprintf(rel, sizeof(rel), "rootfs/%s", dirs[i]);
        berth_tmptree_mkdir(tree, rel);
    }
}

Test(rootfs, typical_config_call_sequence)
{
    image_dirs();
    typical_mounts();
    berth_error *err = NULL;
    int r = run(NULL, &err);
    cr_assert_eq(r, 0, "%s", err ? err->msg : "");
    cr_assert_str_eq(berth_fake_log(), typical_log);
    /* The devices really landed inside the rootfs (the fake's mknodat makes
     * files), and so did the symlinks. */
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/dev/null"), 'f');
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/dev/ptmx"), 'l');
}

Test(rootfs, missing_targets_are_created_inside_the_rootfs)
{
    typical_mounts();
    expect_ok(NULL);
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/sys/fs/cgroup"), 'd');
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/dev/mqueue"), 'd');
    cr_assert_geq(berth_fake_find("mkdirat(@sys/fs,cgroup,0755)", 0), 0);
}

Test(rootfs, failed_mount_names_source_destination_type_and_errno)
{
    image_dirs();
    typical_mounts();
    berth_fake_fail_call("mount", "devpts", EPERM);
    berth_error *err = NULL;
    int r = run(NULL, &err);
    cr_assert_eq(r, -EPERM);
    cr_assert_str_eq(err->msg,
                     "mount `devpts` to `/dev/pts` (type devpts): Operation not permitted");
    cr_assert_eq(berth_fake_count("pivot_root"), 0, "went on after a failure");
    cr_assert_eq(berth_fake_find("shm", 0), -1, "went on after a failure");
    berth_error_free(&err);
}

Test(rootfs, failed_target_creation_is_wrapped_with_the_mount)
{
    typical_mounts();
    berth_fake_fail_call("mkdirat", "mqueue", EACCES);
    expect_error(-EACCES, "mount `mqueue` to `/dev/mqueue` (type mqueue): "
                          "mkdirat `dev/mqueue` in rootfs: Permission denied");
}

Test(rootfs, error_uses_the_destination_as_written)
{
    add_mount("/data//", NULL, "data", OPTS("bind", "nosuid"));
    berth_fake_fail_call("mount", "0x1022", EPERM);
    berth_fake_fail_call("fstatfs", NULL, EIO);
    berth_error *err = NULL;
    cr_assert_lt(run(NULL, &err), 0);
    cr_assert_str_eq(err->msg, "mount `data` to `/data//` (type bind): fstatfs: "
                               "Input/output error");
    berth_error_free(&err);
}

/* Whatever call fails, the error carries its errno text and nothing leaks;
 * the few calls whose failure is tolerated are skipped. */
Test(rootfs, every_failing_call_is_reported_and_leaks_nothing)
{
    image_dirs();
    typical_mounts();
    berth_error *err = NULL;
    cr_assert_eq(run(NULL, &err), 0);
    size_t total = berth_fake_ncalls();
    char **lines = calloc(total, sizeof(*lines));
    for (size_t i = 0; i < total; i++)
        lines[i] = strdup(berth_fake_call_at(i)->line);
    for (size_t n = 1; n <= total; n++) {
        const char *name = lines[n - 1];
        if (strncmp(name, "close(", 6) == 0 || strncmp(name, "umask(", 6) == 0 ||
            strstr(name, "/proc/kcore") != NULL)
            continue;
        berth_fake_reset();
        berth_fake_alias(tree, "$T");
        berth_fake_fail_call("fstatat", "/proc/kcore", ENOENT);
        berth_fake_fail_nth(n, EIO);
        berth_tmptree_remove(tree);
        tree = berth_tmptree_new();
        berth_tmptree_mkdir(tree, "data");
        free(cfg->root_path);
        free(cfg->bundle);
        cfg->bundle = strdup(tree);
        cr_assert_gt(asprintf(&cfg->root_path, "%s/rootfs", tree), 0);
        image_dirs();
        int r = run(NULL, &err);
        cr_assert_eq(r, -EIO, "call %zu (%s) failed silently:\n%s", n, name, berth_fake_log());
        cr_assert(strstr(err->msg, "Input/output error") != NULL, "%s", err->msg);
        berth_error_free(&err);
    }
}

Test(rootfs, masked_paths_file_directory_and_missing)
{
    berth_tmptree_file(tree, "rootfs/proc/kcore");
    berth_tmptree_mkdir(tree, "rootfs/proc/acpi");
    char *masked[] = {"/proc/kcore", "/proc/acpi", "/proc/nope", NULL};
    cfg->masked_paths = masked;
    cfg->n_masked_paths = 3;
    /* The kernel refuses to bind a file over a directory. */
    berth_fake_fail_call("mount", "/dev/null,@proc/acpi", ENOTDIR);
    expect_ok(NULL);
    long a = berth_fake_find("mount(/dev/null,@proc/kcore,NULL,0x1000,NULL)", 0);
    long b = berth_fake_find("mount(tmpfs,@proc/acpi,tmpfs,0x1,NULL)", 0);
    cr_assert_geq(a, 0, "%s", berth_fake_log());
    cr_assert_gt(b, a);
    cr_assert_lt(b, berth_fake_find("pivot_root", 0));
    cr_assert_eq(berth_fake_find("mkdirat(@$T/rootfs/proc,nope", 0), -1);
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/proc/nope"), 0, "a masked path was created");
}

Test(rootfs, readonly_paths_bind_then_setattr_on_the_new_mount)
{
    berth_tmptree_mkdir(tree, "rootfs/proc/sys");
    char *ro[] = {"/proc/missing", "/proc/sys", NULL};
    cfg->readonly_paths = ro;
    cfg->n_readonly_paths = 2;
    expect_ok(NULL);
    long bind = berth_fake_find("mount(@proc/sys,@proc/sys,NULL,0x5000,NULL)", 0);
    cr_assert_geq(bind, 0, "%s", berth_fake_log());
    cr_assert_str_eq(berth_fake_call_at(bind + 1)->line,
                     "openat2(@$T/rootfs,proc/sys,{flags=0x280000,resolve=0x12},0x18)");
    cr_assert_str_eq(berth_fake_call_at(bind + 2)->line,
                     "mount_setattr(@proc/sys,,010000,{set=0xf,clr=0,propagation=0},0x20)");
    cr_assert_eq(berth_fake_find("missing", bind), -1);
}

Test(rootfs, readonly_paths_fall_back_to_remount_without_mount_setattr)
{
    berth_tmptree_mkdir(tree, "rootfs/proc/sys");
    char *ro[] = {"/proc/sys", NULL};
    cfg->readonly_paths = ro;
    cfg->n_readonly_paths = 1;
    berth_fake_fail_call("mount_setattr", NULL, ENOSYS);
    expect_ok(NULL);
    cr_assert_geq(berth_fake_find("mount(NULL,@proc/sys,NULL,0x102f,NULL)", 0), 0, "%s",
                  berth_fake_log());
}

Test(rootfs, root_readonly_changes_only_the_rdonly_bit)
{
    cfg->root_readonly = true;
    expect_ok(NULL);
    long ro =
        berth_fake_find("mount_setattr(@$T/rootfs,,010000,{set=0x1,clr=0,propagation=0},0x20)", 0);
    cr_assert_geq(ro, 0, "%s", berth_fake_log());
    cr_assert_lt(ro, berth_fake_find("pivot_root", 0));
}

Test(rootfs, no_pivot_moves_the_rootfs_and_chroots)
{
    struct berth_rootfs_opts opts = {.no_pivot = true};
    expect_ok(&opts);
    const char *log = berth_fake_log();
    cr_assert(strstr(log, "fchdir(@$T/rootfs)\n"
                          "mount(.,/,NULL,0x2000,NULL)\n"
                          "chroot(.)\n"
                          "chdir(/)\n") != NULL,
              "%s", log);
    cr_assert_eq(berth_fake_count("pivot_root"), 0);
    cr_assert_eq(berth_fake_count("umount2"), 0);
}

Test(rootfs, failed_pivot_root_names_the_rootfs)
{
    berth_fake_fail_call("pivot_root", NULL, EINVAL);
    berth_error *err = NULL;
    cr_assert_eq(run(NULL, &err), -EINVAL);
    char *want = NULL;
    cr_assert_gt(asprintf(&want, "pivot_root `%s/rootfs`: Invalid argument", tree), 0);
    cr_assert_str_eq(err->msg, want);
    cr_assert_eq(berth_fake_count("umount2"), 0);
    berth_error_free(&err);
}

Test(rootfs, shared_propagation_privatizes_the_parent_and_slaves_the_old_root)
{
    cfg->rootfs_propagation = "rshared";
    /* The rootfs dir is not a mount point: the walk goes one level up. */
    berth_fake_fail_call("mount", "$T/rootfs,NULL,0x40000", EINVAL);
    expect_ok(NULL);
    const char *log = berth_fake_log();
    const char *start = "mount(NULL,/,NULL,0x104000,NULL)\n"
                        "mount(NULL,$T/rootfs,NULL,0x40000,NULL)\n"
                        "mount(NULL,$T,NULL,0x40000,NULL)\n"
                        "mount($T/rootfs,$T/rootfs,bind,0x5000,NULL)\n";
    cr_assert(strncmp(log, start, strlen(start)) == 0, "%s", log);
    cr_assert(strstr(log, "openat(AT_FDCWD,/,2686976,0)\n"
                          "fchdir(@$T/rootfs)\n"
                          "pivot_root(.,.)\n"
                          "fchdir(@/)\n"
                          "mount(NULL,.,NULL,0x84000,NULL)\n"
                          "umount2(.,2)\n"
                          "close(@/)\n"
                          "chdir(/)\n"
                          "mount(NULL,/,NULL,0x104000,NULL)\n") != NULL,
              "%s", log);
}

Test(rootfs, private_propagation_is_not_reapplied_after_pivot)
{
    cfg->rootfs_propagation = "rprivate";
    expect_ok(NULL);
    cr_assert_str_eq(berth_fake_call_at(0)->line, "mount(NULL,/,NULL,0x44000,NULL)");
    cr_assert_eq(berth_fake_count("mount"), 2, "%s", berth_fake_log());
}

Test(rootfs, unknown_propagation_is_refused)
{
    cfg->rootfs_propagation = "sideways";
    berth_error *err = NULL;
    cr_assert_eq(run(NULL, &err), -EINVAL);
    cr_assert_str_eq(err->msg, "rootfsPropagation `sideways`: unknown: Invalid argument");
    cr_assert_eq(berth_fake_ncalls(), 0);
    berth_error_free(&err);
}

Test(rootfs, cgroup2_refused_falls_back_to_a_read_only_rbind)
{
    add_mount("/sys/fs/cgroup", "cgroup", "cgroup", OPTS("nosuid", "noexec", "nodev"));
    berth_fake_fail_call("mount", "cgroup2", EPERM);
    expect_ok(NULL);
    const char *log = berth_fake_log();
    cr_assert(strstr(log, "mount(/sys/fs/cgroup,@sys/fs/cgroup,NULL,0x5000,NULL)\n"
                          "close(@sys/fs/cgroup)\n"
                          "openat2(@$T/rootfs,sys/fs/cgroup,{flags=0x280000,resolve=0x12},0x18)\n"
                          "mount(NULL,@sys/fs/cgroup,NULL,0x102f,NULL)\n") != NULL,
              "%s", log);
}

Test(rootfs, bind_mounted_dev_is_left_alone)
{
    add_mount("/dev", "bind", "/dev", OPTS("rbind"));
    expect_ok(NULL);
    cr_assert_eq(berth_fake_count("mknodat"), 0);
    cr_assert_eq(berth_fake_count("symlinkat"), 0);
}

Test(rootfs, read_only_dev_is_made_so_after_its_nodes)
{
    add_mount("/dev", "tmpfs", "tmpfs", OPTS("nosuid", "ro"));
    expect_ok(NULL);
    cr_assert_geq(berth_fake_find("mount(tmpfs,@dev,tmpfs,0x2,NULL)", 0), 0, "%s",
                  berth_fake_log());
    long ro = berth_fake_find("mount_setattr(@dev,,010000,{set=0x1,", 0);
    cr_assert_gt(ro, berth_fake_find("mknodat(@dev,tty", 0));
    cr_assert_gt(ro, berth_fake_find("symlinkat(pts/ptmx", 0));
}

Test(rootfs, file_bind_source_gets_a_file_target)
{
    berth_tmptree_file(tree, "hosts");
    add_mount("/etc/hosts", "bind", "hosts", OPTS("bind", "ro"));
    expect_ok(NULL);
    cr_assert_eq(berth_tmptree_kind(tree, "rootfs/etc/hosts"), 'f');
    cr_assert_geq(berth_fake_find("mount($T/hosts,@hosts,bind,0x1000,NULL)", 0), 0, "%s",
                  berth_fake_log());
}

Test(rootfs, missing_bind_source_is_an_error)
{
    add_mount("/x", "bind", "/nonexistent-berth-source", OPTS("rbind"));
    expect_error(-ENOENT, "mount `/nonexistent-berth-source` to `/x` (type bind): fstatat "
                          "`/nonexistent-berth-source`: No such file or directory");
}

Test(rootfs, propagation_and_recursive_attributes_on_a_bind)
{
    add_mount("/data", NULL, "data", OPTS("rbind", "rslave", "rro", "rnosuid"));
    expect_ok(NULL);
    const char *log = berth_fake_log();
    cr_assert(strstr(log, "mount($T/data,@data,NULL,0x5000,NULL)\n"
                          "close(@data)\n"
                          "openat2(@$T/rootfs,data,{flags=0x280000,resolve=0x12},0x18)\n"
                          "mount(NULL,@data,NULL,0x84000,NULL)\n"
                          "mount_setattr(@data,,0110000,{set=0x3,clr=0,propagation=0},0x20)\n"
                          "close(@data)\n") != NULL,
              "%s", log);
}

Test(rootfs, idmapped_mount_without_a_prepared_tree_is_refused_clearly)
{
    add_mount("/data", "bind", "data", OPTS("rbind", "idmap"));
    berth_error *err = NULL;
    cr_assert_eq(run(NULL, &err), -EOPNOTSUPP);
    cr_assert(strstr(err->msg, "mount `data` to `/data` (type bind): idmapped mounts") != NULL,
              "%s", err->msg);
    berth_error_free(&err);
}

Test(rootfs, idmapped_mount_moves_the_prepared_tree_then_remounts_ro)
{
    add_mount("/data", "bind", "data", OPTS("rbind", "idmap", "ro"));
    int tree_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int trees[] = {tree_fd};
    struct berth_rootfs_opts opts = {.mount_trees = trees};
    expect_ok(&opts);
    close(tree_fd);
    char want[256];
    snprintf(want, sizeof(want),
             "openat2(@$T/rootfs,data,{flags=0x280000,resolve=0x12},0x18)\n"
             "move_mount(%d,,@data,,0104)\n"
             "close(@data)\n",
             tree_fd);
    const char *log = berth_fake_log();
    cr_assert(strstr(log, want) != NULL, "%s", log);
    cr_assert_eq(berth_fake_count("mount_setattr"), 0);
    cr_assert_geq(berth_fake_find("mount(NULL,@data,NULL,0x1021,NULL)", 0), 0, "%s", log);
}

struct hook_seen {
    size_t calls_before;
    int fail;
};

static int before_pivot(void *data, berth_error **err)
{
    struct hook_seen *h = data;
    h->calls_before = berth_fake_ncalls();
    if (h->fail)
        return berth_error_new(err, h->fail, "hook");
    return 0;
}

Test(rootfs, before_pivot_runs_after_devices_and_before_masking)
{
    berth_tmptree_file(tree, "rootfs/proc/kcore");
    char *masked[] = {"/proc/kcore", NULL};
    cfg->masked_paths = masked;
    cfg->n_masked_paths = 1;
    typical_mounts();
    struct hook_seen h = {0};
    struct berth_rootfs_opts opts = {.before_pivot = before_pivot, .data = &h};
    expect_ok(&opts);
    cr_assert_gt((long)h.calls_before, berth_fake_find("symlinkat(pts/ptmx", 0));
    cr_assert_leq((long)h.calls_before, berth_fake_find("mount(/dev/null,@proc/kcore", 0));

    berth_fake_reset();
    h.fail = EBADMSG;
    berth_error *err = NULL;
    cr_assert_eq(run(&opts, &err), -EBADMSG);
    cr_assert_str_eq(err->msg, "hook: Bad message");
    cr_assert_eq(berth_fake_count("pivot_root"), 0);
    berth_error_free(&err);
}
