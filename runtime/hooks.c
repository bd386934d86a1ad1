#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileutil.h"

#define HOOKS_FILE "hooks.json"

/* The hook process: state on stdin (a socket, so that a hook that never
 * reads cannot block berth and a closed one raises no SIGPIPE), default
 * signal mask (`run` blocks every signal), the configured argv and env. */
__attribute__((noreturn)) static void exec_hook(const berth_hook_config *h, int in)
{
    char *argv0[] = {h->path, NULL};
    char *envp0[] = {NULL};
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in, 0) < 0)
        _exit(127);
    execve(h->path, h->args != NULL ? h->args : argv0, h->env != NULL ? h->env : envp0);
    dprintf(2, "berth: hook \"%s\": execve: %s\n", h->path, strerror(errno));
    _exit(127);
}

/* Waits for the hook, at most `timeout` seconds (0: no limit). */
static int wait_hook(int pidfd, pid_t pid, const berth_hook_config *h, const char *kind,
                     berth_error **err)
{
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int ms = h->timeout > 0 ? h->timeout * 1000 : -1;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int n = poll(&p, 1, ms);
        if (n > 0)
            break;
        if (n == 0) {
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
            waitpid(pid, NULL, 0);
            return berth_error_new(err, ETIMEDOUT, "%s hook \"%s\" timed out after %d s", kind,
                                   h->path, h->timeout);
        }
        if (errno != EINTR)
            return berth_error_new(err, errno, "poll %s hook \"%s\"", kind, h->path);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return berth_error_new(err, errno, "waitpid %s hook \"%s\"", kind, h->path);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFSIGNALED(st))
        return berth_error_new(err, 0, "%s hook \"%s\" killed by signal %d", kind, h->path,
                               WTERMSIG(st));
    return berth_error_new(err, 0, "%s hook \"%s\" exited with status %d", kind, h->path,
                           WEXITSTATUS(st));
}

static int run_one(const berth_hook_config *h, const char *kind, const char *state,
                   berth_error **err)
{
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
        return berth_error_new(err, errno, "socketpair");
    int big = 1 << 20;
    setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    /* Queued before the fork: a short write only means a huge state. */
    (void)!send(sp[0], state, strlen(state), MSG_DONTWAIT | MSG_NOSIGNAL);
    shutdown(sp[0], SHUT_WR);
    pid_t pid = fork();
    if (pid == 0)
        exec_hook(h, sp[1]);
    int e = errno;
    close(sp[0]);
    close(sp[1]);
    if (pid < 0)
        return berth_error_new(err, e, "fork %s hook \"%s\"", kind, h->path);
    _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        e = errno;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return berth_error_new(err, e, "pidfd_open %s hook \"%s\"", kind, h->path);
    }
    return wait_hook(pidfd, pid, h, kind, err);
}

int berth_hooks_run(const berth_hook_list *l, const char *kind, const char *state_json,
                    berth_error **err)
{
    for (size_t i = 0; i < l->len; i++)
        if (run_one(&l->items[i], kind, state_json, err) < 0)
            return -1;
    return 0;
}

int berth_hooks_save(int dirfd, const berth_config *c, berth_error **err)
{
    if (c->hooks_poststart.len == 0 && c->hooks_poststop.len == 0)
        return 0;
    const berth_json *hooks = berth_json_get(c->json, "hooks");
    berth_json_gen *g = berth_json_gen_new(false);
    if (g == NULL)
        return berth_error_new(err, ENOMEM, HOOKS_FILE);
    berth_json_gen_map_open(g);
    berth_json_gen_string(g, "hooks");
    berth_json_gen_map_open(g);
    static const char *const keys[] = {"poststart", "poststop"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        const berth_json *l = berth_json_get(hooks, keys[i]);
        if (l == NULL)
            continue;
        berth_json_gen_string(g, keys[i]);
        berth_json_gen_tree(g, l);
    }
    berth_json_gen_map_close(g);
    berth_json_gen_map_close(g);
    const char *text;
    size_t len;
    int r = berth_json_gen_result(g, &text, &len, err);
    if (r == 0)
        r = berth_write_file_atomic_at(dirfd, HOOKS_FILE, text, len, 0600, err);
    berth_json_gen_free(g);
    return r;
}

static berth_config *load(const struct berth_container *c)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;
    berth_error *e = NULL;
    berth_config *h = NULL;
    if (berth_read_file_at(c->dirfd, HOOKS_FILE, &buf, &len, &e) < 0 ||
        berth_config_hooks_parse(buf, len, HOOKS_FILE, &h, &e) < 0)
        berth_error_free(&e);
    return h;
}

static void run_warn(const struct berth_context *ctx, const berth_hook_list *l, const char *kind,
                     const berth_state *s, const char *status)
{
    _cleanup_free_ char *json = NULL;
    berth_error *e = NULL;
    if (berth_state_to_json(s, status, false, &json, &e) < 0 ||
        berth_hooks_run(l, kind, json, &e) < 0)
        berth_log(ctx, BERTH_LOG_WARN, "%s", e->msg);
    berth_error_free(&e);
}

void berth_hooks_poststart(const struct berth_context *ctx, struct berth_container *c)
{
    if (faccessat(c->dirfd, HOOKS_FILE, F_OK, AT_EACCESS) < 0)
        return;
    berth_config *h = load(c);
    if (h != NULL && c->state != NULL)
        run_warn(ctx, &h->hooks_poststart, "poststart", c->state, "running");
    berth_config_free(h);
}

berth_config *berth_hooks_poststop_load(struct berth_container *c)
{
    if (c->state == NULL || faccessat(c->dirfd, HOOKS_FILE, F_OK, AT_EACCESS) < 0)
        return NULL;
    return load(c);
}

void berth_hooks_poststop_run(const struct berth_context *ctx, berth_config *hooks,
                              const struct berth_container *c)
{
    if (hooks != NULL && c->state != NULL)
        run_warn(ctx, &hooks->hooks_poststop, "poststop", c->state, "stopped");
    berth_config_free(hooks);
}
