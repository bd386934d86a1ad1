/* The default config.json that `berth spec` writes. */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

#include <stdbool.h>

#include "../runtime/error.h"

/* Generates the document (pretty-printed, malloc'd into *ret): the same
 * content as `runc spec`, or `runc spec --rootless` when `rootless` is set,
 * which maps the caller's effective uid and gid to root in a user namespace. */
int berth_spec_generate(bool rootless, char **ret, berth_error **err);

#endif
