#ifndef BERTH_NET_LOOPBACK_H
#define BERTH_NET_LOOPBACK_H

#include "../runtime/error.h"

/* Brings `lo` up in the current network namespace (a new one starts with it
 * down). */
int berth_net_loopback_up(berth_error **err);

#endif
