#include "clone.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
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
        return berth_error_new(err, errno, "setns %s namespace `%s`", berth_ns_kind_name(k),
                               path);
    return 0;
}

int berth_ns_join_pid(const struct berth_context *ctx, const berth_config *c, berth_error **err)
{
    if (!c->ns[BERTH_NS_PID].present || c->ns[BERTH_NS_PID].path == NULL)
        return 0;
    return join_one(ctx, c, BERTH_NS_PID, err);
}

int berth_ns_join_paths(const struct berth_context *ctx, const berth_config *c,
                        berth_error **err)
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
