/* The runtime-spec features document (`berth features`). */
#ifndef BERTH_FEATURES_H
#define BERTH_FEATURES_H

#include "context.h"
#include "error.h"

/* The hook types berth runs, listed under "hooks". Hooks are parsed but not
 * run yet (the isolation work runs them): whoever makes berth run one adds
 * its name here, NULL-terminated. */
#define BERTH_FEATURES_HOOKS {NULL}

/* A new user namespace is only usable once berth writes its uid/gid
 * mappings (the isolation work): set this to 1 then. */
#define BERTH_FEATURES_USER_NAMESPACE 0

/* The document as pretty JSON, malloc'd. */
int berth_features_json(const struct berth_context *ctx, char **ret, berth_error **err);

#endif
