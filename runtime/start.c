#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "hooks.h"
#include "lifecycle.h"
#include "store.h"

static int status_error(const char *status, berth_error **err)
{
    if (strcmp(status, "stopped") == 0)
        return berth_error_new(err, 0, "cannot start a container that has stopped");
    if (strcmp(status, "creating") == 0)
        return berth_error_new(err, 0, "cannot start a container that is still being created");
    return berth_error_new(err, 0, "cannot start an already %s container", status);
}

/* One byte into exec.fifo releases the init blocked in it; the fifo is then
 * removed, which is what makes the status "running". */
static int release_init(struct berth_container *c, berth_error **err)
{
    _cleanup_close_ int fd = openat(c->dirfd, BERTH_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENXIO) /* no reader: the init is gone */
            return berth_error_new(err, 0, "container not running");
        return berth_error_new(err, errno, "open `%s`", BERTH_EXEC_FIFO);
    }
    if (write(fd, "0", 1) != 1)
        return berth_error_new(err, errno, "write `%s`", BERTH_EXEC_FIFO);
    if (unlinkat(c->dirfd, BERTH_EXEC_FIFO, 0) < 0)
        return berth_error_new(err, errno, "unlink `%s`", BERTH_EXEC_FIFO);
    return 0;
}

int berth_start(const struct berth_context *ctx, const char *id, berth_error **err)
{
    struct berth_container *c = NULL;
    if (berth_store_open(ctx, id, true, &c, err) < 0)
        return -1;
    const char *status = berth_container_status(c);
    int r = strcmp(status, "created") == 0 ? release_init(c, err) : status_error(status, err);
    if (r == 0)
        berth_hooks_poststart(ctx, c);
    berth_container_free(c);
    return r;
}
