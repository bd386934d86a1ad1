#include <stdlib.h>

#include "lifecycle.h"
#include "store.h"

int berth_container_state(const struct berth_context *ctx, const char *id, char **ret,
                          berth_error **err)
{
    struct berth_container *c = NULL;
    if (berth_store_open(ctx, id, false, &c, err) < 0)
        return -1;
    int r;
    if (c->state == NULL)
        r = berth_error_new(err, 0, "container \"%s\" is still being created", id);
    else
        r = berth_state_to_json(c->state, berth_container_status(c), false, ret, err);
    berth_container_free(c);
    return r;
}
