#include "signal_container.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../cgroups/manager.h"
#include "cleanup.h"
#include "container_pids.h"
#include "procfs.h"

int berth_init_pidfd(const struct berth_container *c, berth_error **err)
{
    pid_t pid = c->state != NULL ? c->state->pid : 0;
    int fd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
    if (fd < 0) {
        if (pid <= 0 || errno == ESRCH)
            return berth_error_new(err, 0, "container init %d: no such process", (int)pid);
        return berth_error_new(err, errno, "pidfd_open %d", (int)pid);
    }
    /* Checked after opening: the pidfd pins this exact process. */
    if (!berth_proc_is_alive(pid, c->state->pid_start)) {
        close(fd);
        return berth_error_new(err, 0, "container init %d: no such process", (int)pid);
    }
    return fd;
}

int berth_signal_init(const struct berth_container *c, int signo, berth_error **err)
{
    _cleanup_close_ int fd = berth_init_pidfd(c, err);
    if (fd < 0)
        return fd;
    if (syscall(SYS_pidfd_send_signal, fd, signo, NULL, 0) < 0) {
        if (errno == ESRCH)
            return berth_error_new(err, 0, "container init %d: no such process",
                                   (int)c->state->pid);
        return berth_error_new(err, errno, "pidfd_send_signal %d to %d", signo, (int)c->state->pid);
    }
    return 0;
}

int berth_signal_all(const struct berth_context *ctx, const struct berth_container *c, int signo,
                     berth_error **err)
{
    _cleanup_free_ pid_t *pids = NULL;
    size_t n;
    if (berth_container_pids(ctx, c, &pids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (kill(pids[i], signo) < 0 && errno != ESRCH)
            return berth_error_new(err, errno, "kill %d", (int)pids[i]);
    return 0;
}

int berth_pidfd_wait_exit(int pidfd, int timeout_ms, berth_error **err)
{
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    for (;;) {
        int n = poll(&p, 1, timeout_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return berth_error_new(err, errno, "poll pidfd");
        if (n == 0)
            return berth_error_new(err, ETIMEDOUT, "waiting for the container init to exit");
        return 0;
    }
}
