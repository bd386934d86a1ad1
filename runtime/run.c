#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifecycle.h"
#include "spawn.h"
#include "sync.h"

static int exit_code(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return 255;
}

/* Forwards every signal berth gets to the container until the init exits;
 * returns its wait status. Signals were blocked before the clone, so none is
 * lost in between. */
static int forward_until_exit(struct berth_spawned *s, berth_error **err)
{
    sigset_t set;
    sigfillset(&set);
    for (;;) {
        int wstatus;
        pid_t r = waitpid(s->pid, &wstatus, WNOHANG);
        if (r == s->pid)
            return wstatus;
        if (r < 0 && errno != EINTR)
            return berth_error_new(err, errno, "waitpid %d", (int)s->pid);
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        if (sig < 0 || sig == SIGCHLD)
            continue;
        syscall(SYS_pidfd_send_signal, s->pidfd, sig, NULL, 0);
    }
}

/* After START, the init only writes to the socket when execve failed. */
static int exec_error(struct berth_spawned *s, berth_error **err)
{
    struct berth_sync_msg m;
    ssize_t n = recv(s->sock, &m, sizeof(m), MSG_DONTWAIT);
    if (n <= 0 || m.type != BERTH_SYNC_ERROR)
        return 0;
    m.text[sizeof(m.text) - 1] = '\0';
    return berth_error_new_status(err, m.status ? m.status : 255, 0, "%s", m.text);
}

int berth_run(const struct berth_context *ctx, const struct berth_create_opts *o,
              berth_error **err)
{
    struct berth_spawned s;
    if (berth_spawn(ctx, o, BERTH_SPAWN_RUN, &s, err) < 0)
        return -1;
    int r = berth_sync_send(s.sock, BERTH_SYNC_START, err);
    if (r == 0 && o->detach) {
        sigprocmask(SIG_SETMASK, &s.orig_mask, NULL);
        berth_spawned_release(&s);
        return 0;
    }
    if (r == 0) {
        r = forward_until_exit(&s, err);
        if (r >= 0) {
            int code = exit_code(r);
            r = exec_error(&s, err) < 0 ? -1 : code;
        }
    }
    berth_error *derr = NULL;
    if (berth_container_destroy(ctx, s.container, &derr) < 0) {
        if (r >= 0) {
            *err = derr;
            r = -1;
        } else {
            berth_error_free(&derr);
        }
    }
    sigprocmask(SIG_SETMASK, &s.orig_mask, NULL);
    berth_spawned_release(&s);
    return r;
}
