#include "lifecycle.h"
#include "spawn.h"

int berth_create(const struct berth_context *ctx, const struct berth_create_opts *o,
                 berth_error **err)
{
    struct berth_spawned s;
    if (berth_spawn(ctx, o, BERTH_SPAWN_CREATE, &s, err) < 0)
        return -1;
    berth_spawned_release(&s);
    return 0;
}
