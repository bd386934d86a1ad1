#include "foreground.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "terminal.h"

/* How long, once the process is gone, its terminal output may still drain:
 * a process outside a pid namespace may keep the pty open forever. */
#define DRAIN_MS 1000

void berth_forwardable_signals(sigset_t *set)
{
    sigfillset(set);
    sigdelset(set, SIGKILL);
    sigdelset(set, SIGSTOP);
    sigdelset(set, SIGSEGV);
    sigdelset(set, SIGBUS);
    sigdelset(set, SIGILL);
    sigdelset(set, SIGFPE);
}

int berth_foreground_subreaper(berth_error **err)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        return berth_error_new(err, errno, "prctl PR_SET_CHILD_SUBREAPER");
    return 0;
}

int berth_foreground_exit_code(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return 255;
}

struct loop {
    const struct berth_foreground *f;
    int sfd;
    bool exited;
    int wstatus;
    bool has_tty;
    struct berth_terminal_proxy tty;
};

/* Reaps every child that has exited: the process itself and any orphan. */
static void reap(struct loop *l)
{
    for (;;) {
        int ws;
        pid_t r = waitpid(-1, &ws, WNOHANG);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return;
        if (r == l->f->pid)
            l->exited = true, l->wstatus = ws;
    }
}

static void on_signal(struct loop *l, const struct signalfd_siginfo *si)
{
    int sig = (int)si->ssi_signo;
    if (sig == SIGCHLD)
        return reap(l);
    if (sig == SIGWINCH && l->has_tty)
        return berth_terminal_proxy_resize(&l->tty);
    /* berth's own write to a closed stdout: not the user's signal. */
    if (sig == SIGPIPE && si->ssi_pid == (uint32_t)getpid())
        return;
    if (!l->exited)
        (void)syscall(SYS_pidfd_send_signal, l->f->pidfd, sig, NULL, 0);
}

static int read_signals(struct loop *l, berth_error **err)
{
    struct signalfd_siginfo si[16];
    for (;;) {
        ssize_t n = read(l->sfd, si, sizeof(si));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 0;
        if (n < 0)
            return berth_error_new(err, errno, "read signalfd");
        for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++)
            on_signal(l, &si[i]);
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_loop(struct loop *l, berth_error **err)
{
    long long deadline = -1;
    for (;;) {
        if (l->exited && (!l->has_tty || berth_terminal_proxy_done(&l->tty)))
            return 0;
        if (l->exited && deadline < 0)
            deadline = now_ms() + DRAIN_MS;
        int timeout = -1;
        if (deadline >= 0 && (timeout = (int)(deadline - now_ms())) <= 0)
            return 0;
        struct pollfd fds[2 + BERTH_TERMINAL_POLLFDS] = {
            {.fd = l->sfd, .events = POLLIN},
            {.fd = l->exited ? -1 : l->f->pidfd, .events = POLLIN}};
        size_t n = 2;
        if (l->has_tty)
            n += berth_terminal_proxy_pollfds(&l->tty, fds + 2);
        if (poll(fds, n, timeout) < 0) {
            if (errno == EINTR)
                continue;
            return berth_error_new(err, errno, "poll");
        }
        if ((fds[0].revents & POLLIN) && read_signals(l, err) < 0)
            return -1;
        if (fds[1].revents & POLLIN)
            reap(l);
        if (l->has_tty)
            berth_terminal_proxy_io(&l->tty, fds + 2);
    }
}

int berth_foreground_wait(const struct berth_foreground *f, berth_error **err)
{
    struct loop l = {.f = f, .sfd = -1};
    sigset_t blocked;
    if (sigprocmask(SIG_BLOCK, NULL, &blocked) < 0)
        return berth_error_new(err, errno, "sigprocmask");
    _cleanup_close_ int sfd = signalfd(-1, &blocked, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0)
        return berth_error_new(err, errno, "signalfd");
    l.sfd = sfd;
    if (f->master >= 0) {
        if (berth_terminal_proxy_begin(&l.tty, f->master, err) < 0) {
            berth_terminal_proxy_end(&l.tty);
            return -1;
        }
        l.has_tty = true;
    }
    /* The process may be gone already: its SIGCHLD is pending, not lost. */
    int r = run_loop(&l, err);
    if (l.has_tty)
        berth_terminal_proxy_end(&l.tty);
    if (r < 0)
        return r;
    if (!l.exited)
        return berth_error_new(err, 0, "process %d: exit status lost", (int)f->pid);
    return l.wstatus;
}
