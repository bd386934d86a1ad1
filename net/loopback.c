#include "loopback.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../runtime/cleanup.h"

/* One ioctl on a throwaway socket: cheaper than a netlink round trip, and
 * this runs on every container start with a new network namespace. */
int berth_net_loopback_up(berth_error **err)
{
    _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return berth_error_new(err, errno, "socket AF_INET");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        return berth_error_new(err, errno, "ioctl SIOCSIFFLAGS `lo`");
    return 0;
}
