#ifndef BERTH_CONTAINER_ID_H
#define BERTH_CONTAINER_ID_H

#include "error.h"

/* A container id names a directory under --root, so it must be one path
 * component: runc's rule, ^[\w+-\.]+$, not "." or "..", at most 1024 bytes. */
int berth_container_id_validate(const char *id, berth_error **err);

#endif
