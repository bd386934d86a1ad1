#include <string.h>

#include "lifecycle.h"
#include "signal_container.h"
#include "store.h"

int berth_kill(const struct berth_context *ctx, const char *id, int signo, bool all,
               berth_error **err)
{
    struct berth_container *c = NULL;
    if (berth_store_open(ctx, id, false, &c, err) < 0)
        return -1;
    const char *status = berth_container_status(c);
    int r;
    if (strcmp(status, "stopped") == 0 || strcmp(status, "creating") == 0)
        r = berth_error_new(err, 0, "container not running");
    else if (all)
        r = berth_signal_all(ctx, c, signo, err);
    else
        r = berth_signal_init(c, signo, err);
    berth_container_free(c);
    return r;
}
