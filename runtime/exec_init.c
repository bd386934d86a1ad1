#include "exec_init.h"

#include <errno.h>
#include <linux/close_range.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "console.h"
#include "lsm.h"
#include "process.h"
#include "sync.h"

/* A filter loaded before the user switch (see seccomp.h); with
 * SCMP_ACT_NOTIFY its listener goes to the parent, which hands it on. */
static int install_seccomp(const struct berth_exec_child_args *a, berth_error **err)
{
    int fd = berth_seccomp_install(a->seccomp, err);
    if (fd <= 0)
        return fd;
    int r = berth_sync_send_fd(a->sock, BERTH_SYNC_SECCOMP_FD, fd, err);
    close(fd);
    return r;
}

/* Everything up to the execve. The steps that write /proc/self come before
 * the namespaces are joined, while berth's /proc is still the host's. */
static int prepare(const struct berth_exec_child_args *a, char **ret_exe, berth_error **err)
{
    const berth_process_config *p = &a->config->process;
    if (berth_process_pre_rootfs(p, err) < 0 || berth_lsm_set_exec_labels(p, err) < 0)
        return -1;
    /* One call joins them all (the kernel takes the user namespace first). */
    if (a->ns_flags != 0 && a->ctx->ops->setns(a->init_pidfd, (int)a->ns_flags) < 0)
        return berth_error_new(err, errno,
                               "setns into the namespaces of the container (flags %#llx)",
                               (unsigned long long)a->ns_flags);
    close(a->init_pidfd);
    if (chdir(p->cwd) < 0)
        return berth_error_new(err, errno, "chdir to cwd `%s`", p->cwd);
    /* A pty of the container's devpts; the init's /dev/console stays as is. */
    if (p->terminal && berth_console_setup(a->ctx, p, a->sock, false, err) < 0)
        return -1;
    if (a->seccomp->early && install_seccomp(a, err) < 0)
        return -1;
    if (berth_process_apply(a->ctx, p, err) < 0)
        return -1;
    return berth_process_find_executable(p, ret_exe, err);
}

/* Only the preserved fds reach the process (CVE-2024-21626 class); a late
 * filter comes last, so that it judges the process, not berth's setup. */
static int exec_process(const struct berth_exec_child_args *a, const char *exe, berth_error **err)
{
    const berth_process_config *p = &a->config->process;
    if (syscall(SYS_close_range, 3 + (unsigned)a->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return berth_error_new(err, errno, "close_range");
    if (sigprocmask(SIG_SETMASK, &a->orig_mask, NULL) < 0)
        return berth_error_new(err, errno, "sigprocmask");
    if (!a->seccomp->early && install_seccomp(a, err) < 0)
        return -1;
    execve(exe, p->args, p->env);
    return berth_error_new(err, errno, "exec \"%s\"", p->args[0]);
}

void berth_exec_child_main(const struct berth_exec_child_args *a)
{
    berth_error *err = NULL;
    _cleanup_free_ char *exe = NULL;
    if (prepare(a, &exe, &err) == 0)
        exec_process(a, exe, &err);
    /* The parent reads this, reports it and exits 255. */
    berth_sync_send_error(a->sock, err);
    _exit(255);
}
