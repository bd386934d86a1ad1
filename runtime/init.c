#include "init.h"

#include <errno.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../namespaces/clone.h"
#include "../namespaces/rootfs.h"
#include "../namespaces/userns_join.h"
#include "../net/loopback.h"
#include "cleanup.h"
#include "keyring.h"
#include "console.h"
#include "listen_fds.h"
#include "process.h"
#include "security.h"
#include "sync.h"

/* Everything up to READY: a failure here fails `create` with the error. */
static int prepare(const struct berth_init_args *a, char **ret_exe, berth_error **err)
{
    const berth_config *c = a->config;
    const struct berth_context *ctx = a->ctx;
    if (berth_security_child_begin(a, err) < 0 || berth_ns_join_paths(ctx, c, err) < 0 ||
        berth_ns_unshare_deferred(
            ctx, c, a->sec != NULL ? berth_security_clone_flags_drop(a->sec) : 0, a->sock, err) < 0)
        return -1;
    if (c->ns[BERTH_NS_NETWORK].present && c->ns[BERTH_NS_NETWORK].path == NULL &&
        berth_net_loopback_up(err) < 0)
        return -1;
    if (berth_security_child_ns(a, err) < 0)
        return -1;
    if (!a->no_new_keyring && berth_keyring_join_new_session(err) < 0)
        return -1;
    if (berth_process_pre_rootfs(&c->process, err) < 0)
        return -1;
    struct berth_rootfs_opts ro = {.no_pivot = a->no_pivot,
                                   .bind_devices = c->ns[BERTH_NS_USER].present,
                                   .mount_trees = a->sec != NULL ? a->sec->mount_trees.fds : NULL};
    if (a->sec != NULL && a->sec->child_hooks) {
        ro.before_pivot = berth_security_child_before_pivot;
        ro.data = (void *)a;
    }
    if (berth_rootfs_setup(ctx, c, &ro, err) < 0)
        return -1;
    if (c->hostname != NULL && ctx->ops->sethostname(c->hostname, strlen(c->hostname)) < 0)
        return berth_error_new(err, errno, "sethostname \"%s\"", c->hostname);
    if (c->domainname != NULL && ctx->ops->setdomainname(c->domainname, strlen(c->domainname)) < 0)
        return berth_error_new(err, errno, "setdomainname \"%s\"", c->domainname);
    if (chdir(c->process.cwd) < 0)
        return berth_error_new(err, errno, "chdir to cwd `%s` set in config.json", c->process.cwd);
    /* The pty comes from the container's devpts, before the user switch. */
    if (c->process.terminal && berth_console_setup(ctx, &c->process, a->sock, true, err) < 0)
        return -1;
    /* Without a pty of its own the container still gets its own session, as
     * with runc: a ^C on the caller's terminal must not reach it directly
     * (berth forwards it once). */
    if (!c->process.terminal && setsid() < 0)
        return berth_error_new(err, errno, "setsid");
    if (berth_security_child_process(a, err) < 0 || berth_process_apply(ctx, &c->process, err) < 0)
        return -1;
    return berth_process_find_executable(&c->process, ret_exe, err);
}

/* Blocks until `berth start` (a byte in exec.fifo) or the parent's START. */
static int wait_for_start(const struct berth_init_args *a, berth_error **err)
{
    if (a->fifo_fd < 0)
        return berth_sync_wait(a->sock, -1, BERTH_SYNC_START, err);
    char byte;
    ssize_t n;
    do
        n = read(a->fifo_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return berth_error_new(err, n < 0 ? errno : 0, "read exec.fifo");
    return 0;
}

/* The last steps: nothing but the configured fds may reach the container
 * (CVE-2024-21626 class), and seccomp comes last so that it filters only the
 * container process, not berth's own setup. */
static int exec_container(const struct berth_init_args *a, const char *exe, berth_error **err)
{
    unsigned first = 3 + (unsigned)a->listen_fds + (unsigned)a->preserve_fds;
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return berth_error_new(err, errno, "close_range");
    char **env = a->config->process.env;
    /* LISTEN_PID is the pid the process sees: 1 in its own pid namespace. */
    if (a->listen_fds > 0 && berth_listen_env(env, a->listen_fds, getpid(), &env, err) < 0)
        return -1;
    if (sigprocmask(SIG_SETMASK, &a->orig_mask, NULL) < 0)
        return berth_error_new(err, errno, "sigprocmask");
    /* startContainer hooks, the final CPU affinity, a late seccomp filter. */
    if (berth_security_child_exec(a, err) < 0)
        return -1;
    execve(exe, a->config->process.args, env);
    return berth_error_new_status(err, 255, errno, "exec \"%s\"", a->config->process.args[0]);
}

void berth_init_main(const struct berth_init_args *a)
{
    berth_error *err = NULL;
    _cleanup_free_ char *exe = NULL;
    if (prepare(a, &exe, &err) < 0) {
        berth_sync_send_error(a->sock, err);
        _exit(1);
    }
    if (berth_sync_send(a->sock, BERTH_SYNC_READY, &err) < 0 || wait_for_start(a, &err) < 0)
        _exit(1); /* the parent is gone or the container was killed: nobody to tell */
    exec_container(a, exe, &err);
    /* In `run` the parent still listens; after `create`+`start` only stderr is left. */
    berth_sync_send_error(a->sock, err);
    if (a->fifo_fd >= 0)
        dprintf(2, "berth: %s\n", err->msg);
    _exit(err->status ? err->status : 255);
}
