#include "clone.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../runtime/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

uint64_t berth_ns_clone_flags(const berth_config *c)
{
    uint64_t flags = 0;
    for (int k = 0; k < BERTH_NS_COUNT; k++)
        if (c->ns[k].present && c->ns[k].path == NULL)
            flags |= (uint64_t)berth_ns_kind_clone_flag((berth_ns_kind)k);
    return flags;
}

/* clone(2) for where clone3 is missing: kernels before 5.3, valgrind, and
 * containers whose seccomp profile answers clone3 with ENOSYS (Docker's
 * default does, so that libc falls back). The cgroup is joined by writing
 * cgroup.procs right after: the child's first steps are charged to the
 * parent's cgroup, which is why clone3 is tried first. */
static pid_t legacy_clone(uint64_t flags, int cgroup_fd, int *ret_pidfd, berth_error **err)
{
    if (flags & CLONE_NEWTIME)
        return berth_error_new(err, ENOSYS, "clone3 (needed for a new time namespace)");
    int pidfd = -1;
    long pid =
        syscall(SYS_clone, (unsigned long)(flags | CLONE_PIDFD | SIGCHLD), NULL, &pidfd, NULL, 0);
    if (pid < 0)
        return berth_error_new(err, errno, "clone (flags %#llx)", (unsigned long long)flags);
    if (pid == 0)
        return 0;
    *ret_pidfd = pidfd;
    if (cgroup_fd >= 0) {
        char buf[16];
        int n = snprintf(buf, sizeof(buf), "%ld", pid);
        _cleanup_close_ int fd = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, buf, (size_t)n) != n) {
            int saved = errno;
            kill((pid_t)pid, SIGKILL);
            waitpid((pid_t)pid, NULL, 0); /* no zombie, no fd behind the error */
            close(pidfd);
            return berth_error_new(err, saved, "write %ld to cgroup.procs", pid);
        }
    }
    return (pid_t)pid;
}

pid_t berth_clone3(uint64_t flags, int cgroup_fd, int *ret_pidfd, berth_error **err)
{
    int pidfd = -1;
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = flags | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid < 0 && errno == ENOSYS)
        return legacy_clone(flags, cgroup_fd, ret_pidfd, err);
    if (pid < 0)
        return berth_error_new(err, errno, "clone3 (flags %#llx)", (unsigned long long)args.flags);
    if (pid > 0)
        *ret_pidfd = pidfd;
    return (pid_t)pid;
}

static int join_one(const struct berth_context *ctx, const berth_config *c, berth_ns_kind k,
                    berth_error **err)
{
    const char *path = c->ns[k].path;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open %s namespace `%s`", berth_ns_kind_name(k), path);
    if (ctx->ops->setns(fd, berth_ns_kind_clone_flag(k)) < 0)
        return berth_error_new(err, errno, "setns %s namespace `%s`", berth_ns_kind_name(k), path);
    return 0;
}

int berth_ns_join_pid(const struct berth_context *ctx, const berth_config *c, berth_error **err)
{
    if (!c->ns[BERTH_NS_PID].present || c->ns[BERTH_NS_PID].path == NULL)
        return 0;
    return join_one(ctx, c, BERTH_NS_PID, err);
}

int berth_ns_join_paths(const struct berth_context *ctx, const berth_config *c, berth_error **err)
{
    /* Every path is opened first: once the mount namespace is joined,
     * /proc/<pid>/ns/... paths would resolve in the container's /proc. */
    int fds[BERTH_NS_COUNT];
    int r = 0;
    for (int k = 0; k < BERTH_NS_COUNT; k++) {
        fds[k] = -1;
        if (r < 0 || k == BERTH_NS_PID || !c->ns[k].present || c->ns[k].path == NULL)
            continue;
        if ((fds[k] = open(c->ns[k].path, O_RDONLY | O_CLOEXEC)) < 0)
            r = berth_error_new(err, errno, "open %s namespace `%s`",
                                berth_ns_kind_name((berth_ns_kind)k), c->ns[k].path);
    }
    /* The enum order is the join order: user first, then mount, ... */
    for (int k = 0; k < BERTH_NS_COUNT; k++) {
        if (fds[k] < 0)
            continue;
        if (r == 0 && ctx->ops->setns(fds[k], berth_ns_kind_clone_flag((berth_ns_kind)k)) < 0)
            r = berth_error_new(err, errno, "setns %s namespace `%s`",
                                berth_ns_kind_name((berth_ns_kind)k), c->ns[k].path);
        close(fds[k]);
    }
    return r;
}
