#ifndef BERTH_CAPS_H
#define BERTH_CAPS_H

#include <stdint.h>

#include "../oci/config.h"
#include "error.h"

/* Drops from the bounding set every capability not in `keep`. */
int berth_caps_drop_bounding(uint64_t keep, berth_error **err);

/* capset() effective/permitted/inheritable, then raises the ambient set. */
int berth_caps_set(const berth_caps_config *caps, berth_error **err);

#endif
