/* Capabilities through the raw syscalls: the child applies them between
 * clone and exec, where a library allocation per call buys nothing. */
#include "caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int berth_caps_drop_bounding(uint64_t keep, berth_error **err)
{
    for (int cap = 0; cap <= 63; cap++) {
        if (keep & (1ULL << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL) /* past the kernel's last capability */
                break;
            return berth_error_new(err, errno, "prctl PR_CAPBSET_DROP %d", cap);
        }
    }
    return 0;
}

int berth_caps_set(const berth_caps_config *caps, berth_error **err)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {
        {.effective = (uint32_t)caps->effective,
         .permitted = (uint32_t)caps->permitted,
         .inheritable = (uint32_t)caps->inheritable},
        {.effective = (uint32_t)(caps->effective >> 32),
         .permitted = (uint32_t)(caps->permitted >> 32),
         .inheritable = (uint32_t)(caps->inheritable >> 32)},
    };
    if (syscall(SYS_capset, &hdr, data) < 0)
        return berth_error_new(err, errno, "capset");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return berth_error_new(err, errno, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
    for (int cap = 0; cap <= 63; cap++) {
        if (!(caps->ambient & (1ULL << cap)))
            continue;
        /* The kernel refuses an ambient capability missing from the
         * inheritable set; runc's default spec asks for exactly that and
         * runc skips those, so berth does too. */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EPERM)
            return berth_error_new(err, errno, "prctl PR_CAP_AMBIENT_RAISE %d", cap);
    }
    return 0;
}
