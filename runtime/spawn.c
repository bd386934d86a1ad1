#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../namespaces/clone.h"
#include "../namespaces/userns_join.h"
#include "cleanup.h"
#include "container_id.h"
#include "fileutil.h"
#include "foreground.h"
#include "init.h"
#include "listen_fds.h"
#include "procfs.h"
#include "hooks.h"
#include "security.h"
#include "sync.h"
#include "terminal.h"

static int check_options(const struct berth_context *ctx, const berth_config *c,
                         const struct berth_create_opts *o, enum berth_spawn_mode mode,
                         berth_error **err)
{
    if (o->preserve_fds < 0)
        return berth_error_new(err, 0, "--preserve-fds: must not be negative");
    bool detached = mode == BERTH_SPAWN_CREATE || o->detach;
    if (berth_terminal_check_options(detached, c->process.terminal, o->console_socket, err) < 0)
        return -1;
    return berth_fds_check(o->listen_fds, o->preserve_fds, err);
}

static int make_fifo(struct berth_container *c, berth_error **err)
{
    if (mkfifoat(c->dirfd, BERTH_EXEC_FIFO, 0600) < 0)
        return berth_error_new(err, errno, "mkfifo `%s`", BERTH_EXEC_FIFO);
    /* O_RDWR never blocks on a FIFO; the init reads from it, and `start`
     * can open it for writing because this reader exists. */
    int fd = openat(c->dirfd, BERTH_EXEC_FIFO, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", BERTH_EXEC_FIFO);
    return fd;
}

static int save_state(const struct berth_context *ctx, struct berth_spawned *s,
                      struct berth_cgroup *cg, berth_error **err)
{
    struct berth_proc_stat st;
    if (berth_proc_stat_read(s->pid, &st, err) < 0)
        return berth_error_wrap(err, "container init %d", (int)s->pid);
    char created[64];
    if (berth_rfc3339_now(created, sizeof(created), err) < 0)
        return -1;
    berth_state *state = calloc(1, sizeof(*state));
    if (state == NULL)
        return berth_error_new(err, ENOMEM, "state");
    s->container->state = state;
    state->oci_version = strdup(s->config->oci_version);
    state->id = strdup(s->container->id);
    state->bundle = strdup(s->config->bundle);
    state->rootfs = strdup(s->config->root_path);
    state->created = strdup(created);
    state->owner = strdup("");
    state->pid = s->pid;
    state->pid_start = st.start_time;
    state->cgroup_path = cg->path != NULL ? strdup(cg->path) : NULL;
    /* Borrowed from the config; berth_spawned_release() hands it back. */
    state->annotations = (berth_json *)s->config->annotations;
    if (!state->oci_version || !state->id || !state->bundle || !state->rootfs || !state->created ||
        !state->owner || (cg->path && !state->cgroup_path))
        return berth_error_new(err, ENOMEM, "state");
    return berth_store_save(s->container, err);
}

static void kill_and_reap(pid_t pid, int pidfd)
{
    if (pid <= 0)
        return;
    if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
        kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* Clones the init and waits for READY. The child never returns from here. */
static int clone_init(const struct berth_context *ctx, struct berth_spawned *s,
                      const struct berth_create_opts *o, int fifo_fd, int cgroup_fd,
                      berth_error **err)
{
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
        return berth_error_new(err, errno, "socketpair");
    if (berth_ns_join_pid(ctx, s->config, err) < 0) {
        close(sp[0]), close(sp[1]);
        return -1;
    }
    /* A joined user namespace: the init unshares the new ones itself. */
    uint64_t flags = berth_ns_defer_p(s->config) ? 0
                                                 : berth_ns_clone_flags(s->config) &
                                                       ~berth_security_clone_flags_drop(s->sec);
    pid_t pid = berth_clone3(flags, cgroup_fd, &s->pidfd, err);
    if (pid == 0) {
        /* The state dir's fd carries the container's flock: the init must
         * not hold it while it waits for `start`. */
        close(sp[0]);
        close(s->container->dirfd);
        struct berth_init_args a = {.ctx = ctx,
                                    .config = s->config,
                                    .sock = sp[1],
                                    .fifo_fd = fifo_fd,
                                    .no_pivot = o->no_pivot,
                                    .no_new_keyring = o->no_new_keyring,
                                    .preserve_fds = o->preserve_fds,
                                    .listen_fds = o->listen_fds,
                                    .orig_mask = s->orig_mask,
                                    .sec = s->sec};
        berth_init_main(&a);
    }
    close(sp[1]);
    if (pid < 0) {
        close(sp[0]);
        return -1;
    }
    s->pid = pid;
    s->sock = sp[0];
    if (berth_ns_defer_adopt(s->config, s->sock, &s->pid, &s->pidfd, err) < 0)
        return -1;
    if (berth_security_parent(ctx, s->sec, s->config, s->pid, s->pidfd, s->sock, err) < 0)
        return -1;
    if (s->config->process.terminal &&
        berth_sync_wait_fd(s->sock, s->pidfd, BERTH_SYNC_CONSOLE, &s->console, err) < 0)
        return -1;
    if (berth_security_parent_listener(s->sec, s->config, s->pid, s->pidfd, s->sock, err) < 0)
        return -1;
    if (berth_sync_wait(s->sock, s->pidfd, BERTH_SYNC_READY, err) < 0)
        return -1;
    return 0;
}

static int spawn_in_store(const struct berth_context *ctx, const struct berth_create_opts *o,
                          enum berth_spawn_mode mode, struct berth_spawned *s,
                          struct berth_cgroup *cg, berth_error **err)
{
    _cleanup_close_ int fifo_fd = -1;
    if (mode == BERTH_SPAWN_CREATE && (fifo_fd = make_fifo(s->container, err)) < 0)
        return -1;
    s->cgm = berth_cgroup_manager_pick(ctx);
    if (s->cgm->create != NULL && s->cgm->create(ctx, s->config, o->id, cg, err) < 0)
        return -1;
    if (clone_init(ctx, s, o, fifo_fd, cg->dirfd, err) < 0)
        return -1;
    if (s->console_sock >= 0 &&
        berth_terminal_hand_off(s->console_sock, &s->console, o->console_socket, err) < 0)
        return -1;
    if (save_state(ctx, s, cg, err) < 0 || berth_write_pid_file(o->pid_file, s->pid, err) < 0 ||
        berth_hooks_save(s->container->dirfd, s->config, err) < 0)
        return -1;
    return 0;
}

int berth_spawn(const struct berth_context *ctx, const struct berth_create_opts *o,
                enum berth_spawn_mode mode, struct berth_spawned *s, berth_error **err)
{
    memset(s, 0, sizeof(*s));
    s->pidfd = s->sock = s->console = s->console_sock = -1;
    if (berth_container_id_validate(o->id, err) < 0 ||
        berth_config_load(o->bundle != NULL ? o->bundle : ".", &s->config, err) < 0 ||
        check_options(ctx, s->config, o, mode, err) < 0)
        goto fail;
    if ((s->sec = calloc(1, sizeof(*s->sec))) == NULL) {
        berth_error_new(err, ENOMEM, "spawn");
        goto fail;
    }
    if (berth_security_prepare(ctx, s->config, o->id, s->sec, err) < 0) {
        free(s->sec);
        s->sec = NULL;
        goto fail;
    }
    if (o->console_socket != NULL &&
        (s->console_sock = berth_terminal_connect(o->console_socket, err)) < 0)
        goto fail;
    sigset_t block;
    /* `run` forwards them; they stay pending between clone and its wait. */
    berth_forwardable_signals(&block);
    if (sigprocmask(mode == BERTH_SPAWN_RUN ? SIG_BLOCK : SIG_SETMASK,
                    mode == BERTH_SPAWN_RUN ? &block : NULL, &s->orig_mask) < 0) {
        berth_error_new(err, errno, "sigprocmask");
        goto fail;
    }
    s->masked = true;
    if (berth_store_create(ctx, o->id, &s->container, err) < 0)
        goto fail;
    struct berth_cgroup cg = {.path = NULL, .dirfd = -1};
    int r = spawn_in_store(ctx, o, mode, s, &cg, err);
    if (r < 0) {
        kill_and_reap(s->pid, s->pidfd);
        s->pid = 0;
        if (cg.path != NULL && s->cgm->destroy != NULL) {
            berth_error *e2 = NULL;
            s->cgm->destroy(ctx, cg.path, &e2);
            berth_error_free(&e2);
        }
        berth_error *e3 = NULL;
        berth_store_remove(ctx, s->container, &e3);
        berth_error_free(&e3);
    }
    berth_cgroup_release(&cg);
    if (r == 0)
        return 0;
fail:
    /* The caller gets its signal mask back along with the error. */
    if (s->masked)
        sigprocmask(SIG_SETMASK, &s->orig_mask, NULL);
    berth_spawned_release(s);
    return -1;
}

void berth_spawned_release(struct berth_spawned *s)
{
    if (s->container != NULL && s->container->state != NULL)
        s->container->state->annotations = NULL; /* borrowed from the config */
    berth_container_free(s->container);
    s->container = NULL;
    if (s->sec != NULL) {
        berth_security_release(s->sec);
        free(s->sec);
        s->sec = NULL;
    }
    berth_config_free(s->config);
    s->config = NULL;
    if (s->pidfd >= 0)
        close(s->pidfd);
    if (s->sock >= 0)
        close(s->sock);
    if (s->console >= 0)
        close(s->console);
    if (s->console_sock >= 0)
        close(s->console_sock);
    s->pidfd = s->sock = s->console = s->console_sock = -1;
}
