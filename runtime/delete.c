#include <string.h>

#include "cleanup.h"
#include "lifecycle.h"
#include "spawn.h"

int berth_delete(const struct berth_context *ctx, const char *id, bool force, berth_error **err)
{
    struct berth_container *c = NULL;
    if (berth_store_open(ctx, id, true, &c, err) < 0)
        return -1;
    const char *status = berth_container_status(c);
    /* Like runc: a created container is deleted without --force (it never
     * ran), a running or paused one needs it. */
    if (!force && (strcmp(status, "running") == 0 || strcmp(status, "paused") == 0)) {
        berth_container_free(c);
        return berth_error_new(err, 0, "cannot delete container %s that is not stopped: %s", id,
                               status);
    }
    int r = berth_container_destroy(ctx, c, err);
    berth_container_free(c);
    return r;
}
