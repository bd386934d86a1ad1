#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "foreground.h"
#include "hooks.h"
#include "lifecycle.h"
#include "spawn.h"
#include "sync.h"

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

int berth_run(const struct berth_context *ctx, const struct berth_create_opts *o, berth_error **err)
{
    struct berth_spawned s;
    /* Before the clone: orphans of a container without a pid namespace come
     * to berth, which reaps them while it waits. */
    if (!o->detach && berth_foreground_subreaper(err) < 0)
        return -1;
    if (berth_spawn(ctx, o, BERTH_SPAWN_RUN, &s, err) < 0)
        return -1;
    int r = berth_sync_send(s.sock, BERTH_SYNC_START, err);
    if (r == 0)
        berth_hooks_poststart(ctx, s.container);
    if (r == 0 && o->detach) {
        sigprocmask(SIG_SETMASK, &s.orig_mask, NULL);
        berth_spawned_release(&s);
        return 0;
    }
    if (r == 0) {
        struct berth_foreground fg = {.pid = s.pid, .pidfd = s.pidfd, .master = s.console};
        r = berth_foreground_wait(&fg, err);
        if (r >= 0) {
            int code = berth_foreground_exit_code(r);
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
