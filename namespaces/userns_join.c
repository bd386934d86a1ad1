#include "userns_join.h"

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
#include "../runtime/sync.h"
#include "clone.h"

bool berth_ns_defer_p(const berth_config *c)
{
    if (!c->ns[BERTH_NS_USER].present || c->ns[BERTH_NS_USER].path == NULL)
        return false;
    return berth_ns_clone_flags(c) != 0;
}

static bool new_pid(const berth_config *c)
{
    return c->ns[BERTH_NS_PID].present && c->ns[BERTH_NS_PID].path == NULL;
}

/* The first process of the new pid namespace, a sibling of the caller.
 * clone3 wants exit_signal 0 with CLONE_PARENT (the caller's is used). */
static int clone_init(int sock, berth_error **err)
{
    int pidfd = -1;
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = CLONE_PARENT | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid < 0)
        return berth_error_new(err, errno, "clone3 (CLONE_PARENT) of pid 1");
    if (pid == 0)
        return 0;
    int r = berth_sync_send_fd(sock, BERTH_SYNC_INIT_PIDFD, pidfd, err);
    _exit(r < 0 ? 1 : 0);
}

int berth_ns_unshare_deferred(const struct berth_context *ctx, const berth_config *c, uint64_t drop,
                              int sock, berth_error **err)
{
    if (!berth_ns_defer_p(c))
        return 0;
    /* Born with the host's ids, maybe unmapped here: files the setup
     * creates need an owner the namespace knows. EINVAL: 0 is unmapped. */
    if ((setresgid(0, 0, 0) < 0 && errno != EINVAL) || (setresuid(0, 0, 0) < 0 && errno != EINVAL))
        return berth_error_new(err, errno, "setresuid 0 in the joined user namespace");
    uint64_t flags = berth_ns_clone_flags(c) & ~drop;
    if (flags != 0 && ctx->ops->unshare((int)flags) < 0)
        return berth_error_new(err, errno, "unshare %#llx in the user namespace `%s`",
                               (unsigned long long)flags, c->ns[BERTH_NS_USER].path);
    return new_pid(c) ? clone_init(sock, err) : 0;
}

/* The pid of a pidfd, as this process's pid namespace numbers it. */
static pid_t pidfd_pid(int pidfd, berth_error **err)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    if (n < 0)
        return berth_error_new(err, errno, "read `%s`", path);
    buf[n] = '\0';
    const char *p = strstr(buf, "\nPid:");
    int pid = 0;
    if (p == NULL || sscanf(p + 5, "%d", &pid) != 1 || pid <= 0)
        return berth_error_new(err, EPROTO, "no pid in `%s`", path);
    return (pid_t)pid;
}

int berth_ns_defer_adopt(const berth_config *c, int sock, pid_t *pid, int *pidfd, berth_error **err)
{
    if (!new_pid(c) || !berth_ns_defer_p(c))
        return 0;
    _cleanup_close_ int init_fd = -1;
    if (berth_sync_wait_fd(sock, *pidfd, BERTH_SYNC_INIT_PIDFD, &init_fd, err) < 0)
        return -1;
    pid_t init = pidfd_pid(init_fd, err);
    if (init < 0)
        return -1;
    while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    close(*pidfd);
    *pidfd = TAKE_FD(init_fd);
    *pid = init;
    return 0;
}
