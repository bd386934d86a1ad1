/* The child side of `berth exec`: what the cloned process does, in order,
 * until it execs the new process inside the running container.
 *
 *   berth exec (parent)                         exec child
 *   -----------------------------------------------------------------------
 *   pidfd of the container init (start time checked against PID reuse)
 *   setns(init pidfd, CLONE_NEWPID): pid namespace for children only
 *   clone3(CLONE_PIDFD | CLONE_INTO_CGROUP) -->  setns(init pidfd, the other
 *                                                namespaces, all at once)
 *                                                oom score, LSM labels, cwd,
 *                                                [pty], [seccomp if early],
 *                                                rlimits, caps, user, nnp,
 *                                                fds, [seccomp if late], execve()
 *   process.terminal only:
 *     wait_fd() <------ CONSOLE + SCM_RIGHTS     (the pty master, from the
 *     to --console-socket, or proxied             container's devpts)
 *   SCMP_ACT_NOTIFY only:
 *     wait_fd() <------ SECCOMP_FD + SCM_RIGHTS  (the listener)
 *     sends it to linux.seccomp.listenerPath
 *   reads the socket:  EOF  <--------------- exec succeeded (CLOEXEC end)
 *                      ERROR <-------------- {errno, text}, then _exit(255)
 *   pid file; -d: exit 0; else forward signals and wait, exit with its status
 */
#ifndef BERTH_EXEC_INIT_H
#define BERTH_EXEC_INIT_H

#include <signal.h>
#include <stdint.h>

#include "../oci/config.h"
#include "context.h"
#include "seccomp.h"

struct berth_exec_child_args {
    const struct berth_context *ctx;
    const berth_config *config;               /* config->process is the process to run */
    int init_pidfd;                           /* the container init */
    uint64_t ns_flags;                        /* CLONE_NEW* to join through init_pidfd */
    int sock;                                 /* the child's end of the socketpair */
    const struct berth_seccomp_prog *seccomp; /* compiled by the parent */
    int preserve_fds;                         /* fds 3 .. 3+N-1 survive the exec */
    sigset_t orig_mask;                       /* the signal mask to restore before exec */
};

__attribute__((noreturn)) void berth_exec_child_main(const struct berth_exec_child_args *a);

#endif
