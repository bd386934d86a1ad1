#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

static bool apparmor_enabled(void)
{
    char c = 0;
    _cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
    return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

static bool selinux_enabled(void)
{
    struct statfs sfs;
    return statfs("/sys/fs/selinux", &sfs) == 0 && (unsigned long)sfs.f_type == SELINUX_MAGIC;
}

static int write_attr(const char *path, const char *text, berth_error **err)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    if (n < 0)
        return berth_error_new(err, errno, "write \"%s\" to `%s`", text, path);
    if ((size_t)n != len)
        return berth_error_new(err, EIO, "write \"%s\" to `%s`: short write", text, path);
    return 0;
}

static int set_apparmor(const char *profile, berth_error **err)
{
    if (!apparmor_enabled())
        return berth_error_new(
            err, 0, "apparmor profile \"%s\": AppArmor is not enabled on this host", profile);
    char text[4096];
    if (snprintf(text, sizeof(text), "exec %s", profile) >= (int)sizeof(text))
        return berth_error_new(err, ENAMETOOLONG, "apparmor profile");
    /* The LSM-specific file (Linux 5.8+) where there is one, else the shared one. */
    const char *path = access("/proc/self/attr/apparmor/exec", F_OK) == 0
                           ? "/proc/self/attr/apparmor/exec"
                           : "/proc/self/attr/exec";
    if (write_attr(path, text, err) < 0) /* ENOENT: no such profile loaded */
        return berth_error_wrap(err, "apparmor profile \"%s\"", profile);
    return 0;
}

static int set_selinux(const char *label, berth_error **err)
{
    if (!selinux_enabled())
        return berth_error_new(err, 0, "selinux label \"%s\": SELinux is not enabled on this host",
                               label);
    if (write_attr("/proc/self/attr/exec", label, err) < 0)
        return berth_error_wrap(err, "selinux label \"%s\"", label);
    return 0;
}

int berth_lsm_set_exec_labels(const berth_process_config *p, berth_error **err)
{
    if (p->apparmor_profile != NULL && p->apparmor_profile[0] != '\0' &&
        set_apparmor(p->apparmor_profile, err) < 0)
        return -1;
    if (p->selinux_label != NULL && p->selinux_label[0] != '\0' &&
        set_selinux(p->selinux_label, err) < 0)
        return -1;
    return 0;
}
