/* `berth exec`: a new process in a running container. The protocol with
 * the child is drawn in exec_init.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../namespaces/clone.h"
#include "cleanup.h"
#include "exec_init.h"
#include "exec_process.h"
#include "fileutil.h"
#include "foreground.h"
#include "listen_fds.h"
#include "lifecycle.h"
#include "signal_container.h"
#include "store.h"
#include "sync.h"
#include "terminal.h"

struct exec_run {
    struct berth_container *container;
    berth_config *config;
    int init_pidfd;
    int cgroup_fd; /* the container's cgroup (or --cgroup below it), -1: none */
    uint64_t ns_flags;
    struct berth_seccomp_prog seccomp;
    pid_t pid; /* the new process, in the host pid namespace */
    int pidfd;
    int sock;         /* parent end */
    int console_sock; /* --console-socket, connected before anything is made */
    int master;       /* process.terminal: the pty master from the child */
    bool masked;      /* orig_mask holds the mask to restore */
    sigset_t orig_mask;
};

static int check_status(const struct berth_container *c, bool ignore_paused, berth_error **err)
{
    const char *status = berth_container_status(c);
    if (strcmp(status, "stopped") == 0)
        return berth_error_new(err, 0, "cannot exec in a stopped container: container not running");
    if (strcmp(status, "creating") == 0)
        return berth_error_new(err, 0, "cannot exec in a container that is still being created");
    if (strcmp(status, "paused") == 0 && !ignore_paused)
        return berth_error_new(err, 0,
                               "cannot exec in a paused container "
                               "(resume it first, or pass --ignore-paused)");
    return 0;
}

static int check_terminal(const berth_process_config *p, const struct berth_exec_opts *o,
                          berth_error **err)
{
    return berth_terminal_check_options(o->detach, p->terminal, o->console_socket, err);
}

/* --cgroup names a directory below the container's own, never outside it.
 * *ret_fd is -1 when berth manages no cgroup: the process then stays in
 * berth's. */
static int open_cgroup(const berth_state *st, const char *sub, int *ret_fd, berth_error **err)
{
    *ret_fd = -1;
    if (st->cgroup_path == NULL) {
        if (sub != NULL)
            return berth_error_new(err, 0, "--cgroup: the container has no cgroup berth manages");
        return 0;
    }
    if (sub != NULL && (sub[0] == '/' || strcmp(sub, "..") == 0 || strncmp(sub, "../", 3) == 0 ||
                        strstr(sub, "/../") != NULL ||
                        (strlen(sub) >= 3 && strcmp(sub + strlen(sub) - 3, "/..") == 0)))
        return berth_error_new(err, 0,
                               "--cgroup: \"%s\" must be a path below the container's "
                               "cgroup",
                               sub);
    char path[4096];
    if (snprintf(path, sizeof(path), "%s%s%s", st->cgroup_path, sub ? "/" : "", sub ? sub : "") >=
        (int)sizeof(path))
        return berth_error_new(err, ENAMETOOLONG, "--cgroup");
    *ret_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (*ret_fd < 0)
        return berth_error_new(err, errno, "open cgroup `%s`", path);
    return 0;
}

/* Every namespace the config lists, created or joined by path: the init
 * is in all of them. */
static uint64_t ns_flags(const berth_config *c)
{
    uint64_t flags = 0;
    for (int k = 0; k < BERTH_NS_COUNT; k++)
        if (c->ns[k].present)
            flags |= (uint64_t)berth_ns_kind_clone_flag((berth_ns_kind)k);
    return flags;
}

static int load(const struct berth_context *ctx, const struct berth_exec_opts *o,
                struct exec_run *x, berth_error **err)
{
    if (berth_store_open(ctx, o->id, false, &x->container, err) < 0 ||
        check_status(x->container, o->ignore_paused, err) < 0)
        return -1;
    if (berth_config_load(x->container->state->bundle, &x->config, err) < 0)
        return berth_error_wrap(err, "container \"%s\"", o->id);
    if (berth_exec_process_build(x->config, o, err) < 0 ||
        check_terminal(&x->config->process, o, err) < 0 ||
        berth_fds_check(0, o->preserve_fds, err) < 0)
        return -1;
    x->init_pidfd = berth_init_pidfd(x->container, err);
    if (x->init_pidfd < 0) {
        berth_error_free(err);
        return berth_error_new(err, 0, "cannot exec: container not running");
    }
    if (open_cgroup(x->container->state, o->cgroup, &x->cgroup_fd, err) < 0)
        return -1;
    x->ns_flags = ns_flags(x->config);
    if (o->console_socket != NULL &&
        (x->console_sock = berth_terminal_connect(o->console_socket, err)) < 0)
        return -1;
    /* Compiled (or found in the cache) here, installed by the child. */
    return berth_seccomp_prepare(ctx, x->config, &x->seccomp, err);
}

/* Until the socket closes (the execve succeeded: the child's end was
 * close-on-exec) or brings the child's ERROR. */
static int wait_exec(int sock, berth_error **err)
{
    struct berth_sync_msg m;
    ssize_t n;
    do
        n = recv(sock, &m, sizeof(m), 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return berth_error_new(err, errno, "receive from the exec child");
    if (n == 0)
        return 0;
    if ((size_t)n < offsetof(struct berth_sync_msg, text) || m.type != BERTH_SYNC_ERROR)
        return berth_error_new(err, 0, "exec child protocol: unexpected message");
    m.text[sizeof(m.text) - 1] = '\0';
    int r = berth_error_new_status(err, 255, 0, "%s", m.text);
    (*err)->errnum = m.errnum;
    return r;
}

/* SCMP_ACT_NOTIFY: the child's listener goes to linux.seccomp.listenerPath
 * with the container's state, as for the init. */
static int pass_listener(struct exec_run *x, berth_error **err)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *state = NULL;
    if (berth_sync_wait_fd(x->sock, x->pidfd, BERTH_SYNC_SECCOMP_FD, &fd, err) < 0)
        return -1;
    const berth_state *st = x->container->state;
    if (berth_state_to_json(st, berth_container_status(x->container), false, &state, err) < 0)
        return -1;
    return berth_seccomp_send_listener(&x->seccomp, state, fd, err);
}

static int start_child(const struct berth_context *ctx, const struct berth_exec_opts *o,
                       struct exec_run *x, berth_error **err)
{
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
        return berth_error_new(err, errno, "socketpair");
    x->sock = sp[0];
    /* The pid namespace applies to children only, so the parent joins it. */
    if ((x->ns_flags & CLONE_NEWPID) && ctx->ops->setns(x->init_pidfd, CLONE_NEWPID) < 0) {
        close(sp[1]);
        return berth_error_new(err, errno, "setns into the pid namespace of container init %d",
                               (int)x->container->state->pid);
    }
    /* CVE-2019-5736: the child is visible in the container's pid namespace
     * from its birth until its execve, as the berth binary. Born
     * non-dumpable (the flag is inherited), its /proc/<pid>/exe needs
     * CAP_SYS_PTRACE over it; the execve makes the process dumpable again. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        close(sp[1]);
        return berth_error_new(err, errno, "prctl PR_SET_DUMPABLE 0");
    }
    pid_t pid = berth_clone3(0, x->cgroup_fd, &x->pidfd, err);
    if (pid < 0 && berth_error_code(*err) == -ENOMEM && (x->ns_flags & CLONE_NEWPID)) {
        /* The kernel's answer for a pid namespace whose init is gone. */
        berth_error_free(err);
        close(sp[1]);
        return berth_error_new(err, 0, "cannot exec: container not running");
    }
    if (pid == 0) {
        close(sp[0]);
        struct berth_exec_child_args a = {.ctx = ctx,
                                          .config = x->config,
                                          .init_pidfd = x->init_pidfd,
                                          .ns_flags = x->ns_flags & ~(uint64_t)CLONE_NEWPID,
                                          .sock = sp[1],
                                          .seccomp = &x->seccomp,
                                          .preserve_fds = o->preserve_fds,
                                          .orig_mask = x->orig_mask};
        berth_exec_child_main(&a);
    }
    close(sp[1]);
    if (pid < 0)
        return -1;
    x->pid = pid;
    if (x->config->process.terminal &&
        berth_sync_wait_fd(x->sock, x->pidfd, BERTH_SYNC_CONSOLE, &x->master, err) < 0)
        return -1;
    if (x->seccomp.notify && pass_listener(x, err) < 0)
        return -1;
    return wait_exec(x->sock, err);
}

static int run(const struct berth_context *ctx, const struct berth_exec_opts *o, struct exec_run *x,
               berth_error **err)
{
    if (load(ctx, o, x, err) < 0)
        return -1;
    /* Orphans of a process outside a pid namespace come to berth, which
     * reaps them while it waits (runc's default too). */
    if (!o->detach && !o->no_subreaper && berth_foreground_subreaper(err) < 0)
        return -1;
    sigset_t block;
    berth_forwardable_signals(&block);
    if (sigprocmask(SIG_BLOCK, &block, &x->orig_mask) < 0)
        return berth_error_new(err, errno, "sigprocmask");
    x->masked = true;
    if (start_child(ctx, o, x, err) < 0)
        return -1;
    if (x->console_sock >= 0 &&
        berth_terminal_hand_off(x->console_sock, &x->master, o->console_socket, err) < 0)
        return -1;
    if (berth_write_pid_file(o->pid_file, x->pid, err) < 0)
        return -1;
    if (o->detach) {
        x->pid = 0; /* it runs on without berth */
        return 0;
    }
    struct berth_foreground fg = {.pid = x->pid, .pidfd = x->pidfd, .master = x->master};
    int wstatus = berth_foreground_wait(&fg, err);
    if (wstatus < 0)
        return -1;
    x->pid = 0; /* reaped */
    return berth_foreground_exit_code(wstatus);
}

static void close_fd(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* A child that did not exec (or whose wait failed) is killed and reaped
 * before the mask is restored: a SIGCHLD, or a signal meant for it, must
 * not be handled by default meanwhile. */
static void release(struct exec_run *x)
{
    if (x->pid > 0) {
        syscall(SYS_pidfd_send_signal, x->pidfd, SIGKILL, NULL, 0);
        while (waitpid(x->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (x->masked)
        sigprocmask(SIG_SETMASK, &x->orig_mask, NULL);
    close_fd(x->init_pidfd);
    close_fd(x->cgroup_fd);
    close_fd(x->pidfd);
    close_fd(x->sock);
    close_fd(x->console_sock);
    close_fd(x->master);
    berth_seccomp_prog_free(&x->seccomp);
    berth_config_free(x->config);
    berth_container_free(x->container);
}

int berth_exec(const struct berth_context *ctx, const struct berth_exec_opts *o, berth_error **err)
{
    struct exec_run x = {.init_pidfd = -1,
                         .cgroup_fd = -1,
                         .pidfd = -1,
                         .sock = -1,
                         .console_sock = -1,
                         .master = -1};
    if (o->preserve_fds < 0)
        return berth_error_new_status(err, 255, 0, "--preserve-fds: must not be negative");
    int r = run(ctx, o, &x, err);
    release(&x);
    if (r < 0 && (*err)->status <= 1)
        (*err)->status = 255; /* runc's exit status for every exec failure */
    return r;
}
