/* The runtime-spec features document (`berth features`). */
#ifndef BERTH_FEATURES_H
#define BERTH_FEATURES_H

#include "error.h"

/* The hook types berth runs, listed under "hooks". Hooks are parsed but not
 * run yet (the isolation work runs them): whoever makes berth run one adds
 * its name here, NULL-terminated. */
#define BERTH_FEATURES_HOOKS {NULL}

/* The document as pretty JSON, malloc'd. */
int berth_features_json(char **ret, berth_error **err);

#endif
