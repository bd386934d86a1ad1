#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "hooks.h"
#include "signal_container.h"
#include "spawn.h"

/* Seconds to wait for a SIGKILLed init to go: a process in uninterruptible
 * sleep (e.g. on a dead NFS server) can take that long. */
#define KILL_WAIT_MS 10000

static int kill_init(const struct berth_context *ctx, struct berth_container *c, berth_error **err)
{
    _cleanup_close_ int fd = berth_init_pidfd(c, err);
    if (fd < 0) {
        berth_error_free(err); /* already gone: nothing to kill */
        return 0;
    }
    /* Processes of a container without its own pid namespace survive the
     * init: the cgroup (or the namespace scan) catches them. */
    if (berth_signal_all(ctx, c, SIGKILL, err) < 0)
        berth_error_free(err);
    if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
        return berth_error_new(err, errno, "pidfd_send_signal SIGKILL to %d", (int)c->state->pid);
    return berth_pidfd_wait_exit(fd, KILL_WAIT_MS, err);
}

static int destroy(const struct berth_context *ctx, struct berth_container *c, berth_error **err);

int berth_container_destroy(const struct berth_context *ctx, struct berth_container *c,
                            berth_error **err)
{
    berth_config *poststop = berth_hooks_poststop_load(c);
    int r = destroy(ctx, c, err);
    /* After the container is gone, before delete returns; warnings only. */
    if (r == 0)
        berth_hooks_poststop_run(ctx, poststop, c);
    else
        berth_config_free(poststop);
    return r;
}

static int destroy(const struct berth_context *ctx, struct berth_container *c, berth_error **err)
{
    if (c->state != NULL) {
        if (kill_init(ctx, c, err) < 0)
            return -1;
        const struct berth_cgroup_manager *cgm = berth_cgroup_manager_pick(ctx);
        if (c->state->cgroup_path != NULL && cgm->destroy != NULL) {
            if (cgm->procs != NULL)
                berth_signal_all(ctx, c, SIGKILL, err) < 0 ? berth_error_free(err) : (void)0;
            if (cgm->destroy(ctx, c->state->cgroup_path, err) < 0)
                return -1;
        }
    }
    return berth_store_remove(ctx, c, err);
}
