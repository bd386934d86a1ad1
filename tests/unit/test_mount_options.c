/* Mount option strings -> flags, propagation, attributes and data. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/mount.h>

#include "namespaces/mount_options.h"

static struct berth_mount_options parse(char **opts)
{
    size_t n = 0;
    while (opts[n] != NULL)
        n++;
    struct berth_mount_options o;
    berth_error *err = NULL;
    int r = berth_mount_options_parse(opts, n, &o, &err);
    cr_assert_eq(r, 0, "%s", err ? err->msg : "");
    cr_assert_null(err);
    return o;
}

Test(mount_options, runc_default_proc_and_dev)
{
    struct berth_mount_options o =
        parse((char *[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
    cr_assert_eq(o.flags, MS_NOSUID | MS_STRICTATIME);
    cr_assert_str_eq(o.data, "mode=755,size=65536k");
    cr_assert_eq(o.n_propagation, 0);
    cr_assert_eq(o.attr_set, 0);
    cr_assert_eq(o.attr_clr, 0);
    berth_mount_options_free(&o);
}

Test(mount_options, devpts_data_byte_for_byte)
{
    struct berth_mount_options o = parse(
        (char *[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL});
    cr_assert_eq(o.flags, MS_NOSUID | MS_NOEXEC);
    cr_assert_str_eq(o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
    berth_mount_options_free(&o);
}

Test(mount_options, every_flag)
{
    struct berth_mount_options o = parse((char *[]){
        "ro", "nosuid", "nodev", "noexec", "sync", "dirsync", "remount", "mand", "noatime",
        "nodiratime", "relatime", "strictatime", "lazytime", "nosymfollow", "rbind", NULL});
    unsigned long want = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS |
                         MS_DIRSYNC | MS_REMOUNT | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME |
                         MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_NOSYMFOLLOW | MS_BIND |
                         MS_REC;
    cr_assert_eq(o.flags, want, "flags %#lx want %#lx", o.flags, want);
    cr_assert_null(o.data);
    berth_mount_options_free(&o);
}

Test(mount_options, clearing_options_undo_earlier_ones_in_order)
{
    struct berth_mount_options o =
        parse((char *[]){"ro",       "rw",         "nosuid",      "suid",        "nodev",
                         "dev",      "noexec",     "exec",        "sync",        "async",
                         "mand",     "nomand",     "noatime",     "atime",       "nodiratime",
                         "diratime", "relatime",   "norelatime",  "strictatime", "nostrictatime",
                         "lazytime", "nolazytime", "nosymfollow", "symfollow",   "defaults",
                         NULL});
    cr_assert_eq(o.flags, 0, "flags %#lx", o.flags);
    berth_mount_options_free(&o);

    o = parse((char *[]){"rw", "ro", NULL});
    cr_assert_eq(o.flags, MS_RDONLY);
    berth_mount_options_free(&o);
}

Test(mount_options, bind_is_not_recursive_rbind_is)
{
    struct berth_mount_options o = parse((char *[]){"bind", NULL});
    cr_assert_eq(o.flags, MS_BIND);
    berth_mount_options_free(&o);
    o = parse((char *[]){"rbind", "ro", NULL});
    cr_assert_eq(o.flags, MS_BIND | MS_REC | MS_RDONLY);
    berth_mount_options_free(&o);
}

Test(mount_options, propagation_kept_in_order)
{
    struct berth_mount_options o =
        parse((char *[]){"rprivate", "shared", "rslave", "unbindable", NULL});
    cr_assert_eq(o.n_propagation, 4);
    cr_assert_eq(o.propagation[0], MS_PRIVATE | MS_REC);
    cr_assert_eq(o.propagation[1], MS_SHARED);
    cr_assert_eq(o.propagation[2], MS_SLAVE | MS_REC);
    cr_assert_eq(o.propagation[3], MS_UNBINDABLE);
    cr_assert_eq(o.flags, 0, "propagation must not leak into mount flags");
    berth_mount_options_free(&o);

    o = parse((char *[]){"private", "rshared", "slave", "runbindable", NULL});
    cr_assert_eq(o.propagation[0], MS_PRIVATE);
    cr_assert_eq(o.propagation[1], MS_SHARED | MS_REC);
    cr_assert_eq(o.propagation[2], MS_SLAVE);
    cr_assert_eq(o.propagation[3], MS_UNBINDABLE | MS_REC);
    berth_mount_options_free(&o);
}

Test(mount_options, too_many_propagation_options_fail)
{
    char *opts[] = {"private", "private", "private", "private", "shared"};
    struct berth_mount_options o;
    berth_error *err = NULL;
    cr_assert_lt(berth_mount_options_parse(opts, 5, &o, &err), 0);
    cr_assert_not_null(err);
    cr_assert(strstr(err->msg, "`shared`") != NULL, "%s", err->msg);
    berth_error_free(&err);
}

Test(mount_options, recursive_attributes)
{
    struct berth_mount_options o = parse((char *[]){"rbind", "rro", "rnosuid", "rnodev", "rnoexec",
                                                    "rnodiratime", "rnosymfollow", NULL});
    cr_assert_eq(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                 MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME |
                                 MOUNT_ATTR_NOSYMFOLLOW);
    cr_assert_eq(o.attr_clr, 0);
    cr_assert_eq(o.flags, MS_BIND | MS_REC, "recursive attributes are not mount flags");
    cr_assert(berth_mount_options_has_attr(&o));
    berth_mount_options_free(&o);

    o = parse((char *[]){"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow", NULL});
    cr_assert_eq(o.attr_set, 0);
    cr_assert_eq(o.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                 MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME |
                                 MOUNT_ATTR_NOSYMFOLLOW);
    berth_mount_options_free(&o);
}

Test(mount_options, atime_attributes_clear_the_whole_field)
{
    struct berth_mount_options o = parse((char *[]){"rnoatime", NULL});
    cr_assert_eq(o.attr_set, MOUNT_ATTR_NOATIME);
    cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
    berth_mount_options_free(&o);

    o = parse((char *[]){"rnoatime", "rstrictatime", NULL});
    cr_assert_eq(o.attr_set, MOUNT_ATTR_STRICTATIME, "the last atime mode wins");
    cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
    berth_mount_options_free(&o);

    o = parse((char *[]){"rnoatime", "ratime", NULL});
    cr_assert_eq(o.attr_set, MOUNT_ATTR_RELATIME, "clearing noatime falls back to relatime");
    cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
    cr_assert(berth_mount_options_has_attr(&o));
    berth_mount_options_free(&o);

    o = parse((char *[]){"rstrictatime", "rnorelatime", NULL});
    cr_assert_eq(o.attr_set, MOUNT_ATTR_STRICTATIME, "clearing another mode changes nothing");
    berth_mount_options_free(&o);

    o = parse((char *[]){"rnodiratime", "rrelatime", NULL});
    cr_assert_eq(o.attr_set, MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_RELATIME);
    cr_assert_eq(o.attr_clr, MOUNT_ATTR__ATIME);
    berth_mount_options_free(&o);
}

Test(mount_options, idmap_and_tmpcopyup_are_recorded_not_data)
{
    struct berth_mount_options o = parse((char *[]){"idmap", "tmpcopyup", "size=1m", NULL});
    cr_assert(o.idmap);
    cr_assert_not(o.ridmap);
    cr_assert(o.tmpcopyup);
    cr_assert_str_eq(o.data, "size=1m");
    berth_mount_options_free(&o);
    o = parse((char *[]){"ridmap", NULL});
    cr_assert(o.ridmap);
    cr_assert_null(o.data);
    berth_mount_options_free(&o);
}

Test(mount_options, unknown_and_empty_options)
{
    struct berth_mount_options o = parse((char *[]){"", "context=\"system_u:object_r:x:s0\"", "ro",
                                                    "uid=1000", "x-gvfs-hide", NULL});
    cr_assert_eq(o.flags, MS_RDONLY);
    cr_assert_str_eq(o.data, "context=\"system_u:object_r:x:s0\",uid=1000,x-gvfs-hide");
    berth_mount_options_free(&o);
    cr_assert_null(o.data, "free leaves no dangling pointer");

    o = parse((char *[]){NULL});
    cr_assert_eq(o.flags, 0);
    cr_assert_null(o.data);
    berth_mount_options_free(&o);
}
