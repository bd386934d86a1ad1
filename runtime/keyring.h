#ifndef BERTH_KEYRING_H
#define BERTH_KEYRING_H

#include "error.h"

/* Kernel keyrings are not namespaced: without a session keyring of its own,
 * a container would share the caller's (runc and crun give each container
 * a new one too, unless --no-new-keyring). Kernels without keyrings are
 * fine: ENOSYS is not an error. */
int berth_keyring_join_new_session(berth_error **err);

#endif
