/* The runtime-spec features document (`berth features`). */
#ifndef BERTH_FEATURES_H
#define BERTH_FEATURES_H

#include "context.h"
#include "error.h"

/* The hook types berth runs (runtime/hooks.c), listed under "hooks". */
#define BERTH_FEATURES_HOOKS                                                                       \
    {                                                                                              \
        "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", \
            NULL                                                                                   \
    }

/* berth writes uid/gid mappings for a new user namespace (namespaces/idmap.c). */
#define BERTH_FEATURES_USER_NAMESPACE 1

/* The document as pretty JSON, malloc'd. */
int berth_features_json(const struct berth_context *ctx, char **ret, berth_error **err);

#endif
