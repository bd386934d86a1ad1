#include "keyring.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

int berth_keyring_join_new_session(berth_error **err)
{
    /* A NULL name makes a new anonymous session keyring. */
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
        return berth_error_new(err, errno, "keyctl KEYCTL_JOIN_SESSION_KEYRING");
    return 0;
}
